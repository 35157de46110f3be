//! Type names and their clash rules, on `clashes.json` (and `types.json` for singulars).

use crate::{import_fixture, operation, type_names};

fn names_of(action: &str) -> Vec<(String, String)> {
    type_names(operation(&import_fixture("clashes.json", None), action))
}

fn expected(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(path, name)| ((*path).to_owned(), (*name).to_owned()))
        .collect()
}

#[test]
fn array_items_take_the_singular_and_objects_the_field_name() {
    let specs = import_fixture("types.json", None);
    assert_eq!(
        type_names(operation(&specs, "CreateWidget")),
        expected(&[
            ("request Widget", "WidgetInput"),
            ("request Widget.Size", "Size"),
            ("request Widget.Parts[]", "Part"),
            ("request Limits{}", "Limit"),
            ("request Filter[]", "Filter"),
            ("response Widget", "Widget"),
            ("response Widget.Policies[]", "Policy"),
            ("response Widget.Statuses[]", "Status"),
            (
                "response Widget.InstancePatchStates[]",
                "InstancePatchState"
            ),
        ])
    );
}

#[test]
fn request_type_clashing_with_a_response_type_takes_input_suffix() {
    assert_eq!(
        names_of("CreateBaseline"),
        expected(&[
            ("request Tags[]", "TagInput"),
            ("response Baseline", "Baseline"),
            ("response Baseline.Tags[]", "Tag"),
        ])
    );
}

#[test]
fn later_response_type_of_the_same_name_takes_its_parent_prefix() {
    assert_eq!(
        names_of("DescribeTemplates"),
        expected(&[
            ("response Templates[]", "Template"),
            ("response Templates[].Tags[]", "Tag"),
            ("response Executions[]", "Execution"),
            ("response Executions[].Tags[]", "ExecutionTag"),
        ])
    );
}

#[test]
fn later_request_type_of_the_same_name_takes_its_parent_prefix() {
    assert_eq!(
        names_of("CopyItems"),
        expected(&[
            ("request Source", "Source"),
            ("request Source.Filter", "Filter"),
            ("request Target", "Target"),
            ("request Target.Filter", "TargetFilter"),
        ])
    );
}

#[test]
fn names_derived_from_the_action_are_never_used() {
    assert_eq!(
        names_of("GetThing"),
        expected(&[
            (
                "request GetThingRequestBuilder",
                "GetThingRequestGetThingRequestBuilder"
            ),
            (
                "response GetThingResponse",
                "GetThingResponseGetThingResponse"
            ),
            ("response GetThingPaginators[]", "GetThingPaginator"),
        ])
    );
}

#[test]
fn taken_prefixed_name_gets_a_counter() {
    assert_eq!(
        names_of("DescribeItems"),
        expected(&[
            ("response ItemTag", "ItemTag"),
            ("response Tag", "Tag"),
            ("response Items[]", "Item"),
            ("response Items[].Tags[]", "ItemTag2"),
        ])
    );
}

#[test]
fn prelude_names_are_never_used() {
    assert_eq!(
        names_of("ListResults"),
        expected(&[("response Results[]", "ListResultsResponseResult")])
    );
}
