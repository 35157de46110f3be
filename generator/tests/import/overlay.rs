//! Overlay patches, pagination overrides, waiters, and the errors that keep an overlay from
//! silently rotting.

use acs_codegen::import::{ImportError, import_specs};
use acs_codegen::spec::{OperationSpec, PaginationSpec, Shape, WaiterSpec};

use crate::{assert_same, fixture, fixture_overlay, import_fixture, operation, type_names};

fn top_level<'a>(shapes: &'a [Shape], name: &str) -> &'a Shape {
    shapes
        .iter()
        .find(|shape| shape.name.as_ref().is_some_and(|wire| wire.value == name))
        .unwrap_or_else(|| panic!("no shape {name}"))
}

fn overlay_error(fixture_name: &str, overlay: &str) -> String {
    match import_specs(&fixture(fixture_name), None, Some(overlay)) {
        Ok(_) => panic!("overlay should be rejected"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn patches_replace_keys_and_a_new_type_drops_the_old_types_keys() {
    let specs = import_fixture("types.json", fixture_overlay("types.json").as_deref());
    let widget = operation(&specs, "CreateWidget");
    assert_same::<Shape>(
        top_level(&widget.request, "Tags"),
        r#"{name: Tags, in: query, style: json, type: map, example: '{"k1":"v1"}', values: {type: string}}"#,
    );
    assert_same::<Shape>(
        top_level(&widget.request, "Widget"),
        r#"
name: Widget
in: query
style: json
required: true
type: object
type_name: WidgetInput
fields:
  - {name: Name, required: true, type: string}
  - {name: Size, type: any}
  - name: Parts
    type: array
    items:
      type: object
      type_name: Part
      fields:
        - {name: PartId, type: string}
        - {name: Options, type: array, items: {type: array, items: {type: string}}}
  - name: Metadata
    type: object
    type_name: Metadata
    example: '{"k":"v"}'
    fields: [{name: Owner, type: string}]
"#,
    );
    assert_same::<Shape>(
        top_level(&widget.request, "Filter"),
        r#"
name: Filter
in: query
style: repeatList
type: array
max_items: 5
items:
  type: object
  type_name: Filter
  fields:
    - {name: Name, type: string}
    - {name: Value, type: array, max_items: 20, items: {type: string, description: One value., example: v1}}
"#,
    );
    assert_same::<Shape>(
        top_level(&widget.request, "Matrix"),
        "{name: Matrix, in: query, style: json, type: array, items: {type: array, items: {type: int64}}}",
    );
    assert_same::<Shape>(
        top_level(&widget.request, "Limits"),
        r#"
name: Limits
in: query
style: json
type: map
values:
  type: object
  type_name: Limit
  fields: [{name: Max, type: int64, default: "5", minimum: 1, maximum: 10}]
"#,
    );
    assert_same::<Shape>(
        top_level(&widget.request, "Flags"),
        "{name: Flags, in: formData, style: flat, required: true, type: array, max_items: 3, deprecated: true, items: {type: boolean}}",
    );
    assert_same::<Shape>(
        top_level(&widget.response, "Attributes"),
        "{name: Attributes, type: map, values: {type: string, sensitive: true}}",
    );
    assert_same::<Shape>(
        top_level(&widget.response, "Entries"),
        "{name: Entries, type: array, items: {type: map, values: {type: string}}}",
    );
    let policy = &top_level(&widget.response, "Widget").fields[1];
    assert_same::<Shape>(
        policy,
        r#"
name: Policies
type: array
items:
  type: object
  type_name: Policy
  fields: [{name: PolicyName, type: string, description: A secret name., sensitive: true}]
"#,
    );
}

#[test]
fn patch_keeps_the_type_it_repeats() {
    let specs = import_fixture("types.json", fixture_overlay("types.json").as_deref());
    assert_same::<Shape>(
        top_level(&operation(&specs, "DescribeScalars").request, "Mode"),
        "{name: Mode, in: query, type: string, type_name: Ignored, enum: [Fast]}",
    );
}

#[test]
fn overlay_type_names_are_kept_and_reserved() {
    let overlay = r#"
operations:
  CreateBaseline:
    request:
      "Tags[]": {type_name: Tag}
"#;
    let specs = import_fixture("clashes.json", Some(overlay));
    let names: Vec<(String, String)> = type_names(operation(&specs, "CreateBaseline"));
    let expected = [
        ("request Tags[]", "Tag"),
        ("response Baseline", "Baseline"),
        ("response Baseline.Tags[]", "BaselineTag"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(path, name)| ((*path).to_owned(), (*name).to_owned()))
        .collect();
    assert_eq!(names, expected);
}

#[test]
fn overlay_of_comments_only_changes_nothing() {
    let plain = import_fixture("types.json", None)
        .to_files()
        .expect("files");
    let commented = import_fixture("types.json", Some("# nothing yet\n"))
        .to_files()
        .expect("files");
    assert_eq!(plain, commented);
}

#[test]
fn unknown_operations_and_paths_are_errors() {
    let cases = [
        (
            "operations: {Nope: {request: {Name: {description: x}}}}",
            "overlay, operation `Nope`: no such operation in the metadata",
        ),
        (
            "operations: {CreateWidget: {request: {Widget.Colour: {description: x}}}}",
            "overlay, operation `CreateWidget`, request path `Widget.Colour`: no parameter or field `Colour` there",
        ),
        (
            "operations: {CreateWidget: {response: {Flags: {description: x}}}}",
            "overlay, operation `CreateWidget`, response path `Flags`: no parameter or field `Flags` there",
        ),
        (
            "operations: {CreateWidget: {request: {'Widget[]': {description: x}}}}",
            "overlay, operation `CreateWidget`, request path `Widget[]`: `Widget` is not an array, so `[]` does not apply",
        ),
        (
            "operations: {CreateWidget: {request: {'Tags{}': {description: x}}}}",
            "overlay, operation `CreateWidget`, request path `Tags{}`: `Tags` is not a map, so `{}` does not apply",
        ),
        (
            "operations: {CreateWidget: {request: {'Filter[x]': {description: x}}}}",
            "overlay, operation `CreateWidget`, request path `Filter[x]`: invalid path: `[x]` after `Filter` is neither `[]`, `[<index>]` nor `{}`",
        ),
    ];
    for (overlay, expected) in cases {
        assert_eq!(overlay_error("types.json", overlay), expected, "{overlay}");
    }
}

#[test]
fn unknown_patch_keys_are_syntax_errors() {
    let error = import_specs(
        &fixture("types.json"),
        None,
        Some("operations: {CreateWidget: {request: {Tags: {colour: red}}}}"),
    )
    .expect_err("unknown key should be rejected");
    assert!(matches!(error, ImportError::OverlaySyntax(_)), "{error}");
    assert!(error.to_string().contains("colour"), "{error}");
}

#[test]
fn pagination_can_be_set_or_removed() {
    let overlay = r#"
operations:
  ListAmbiguous:
    pagination: {input_token: NextToken, output_token: NextToken, items: Names}
  ListThings:
    pagination: null
  ListByOffset:
    pagination: null
  RecognizeDocument:
    pagination: {page_number: PageNo, items: Lines}
"#;
    let specs = import_fixture("pagination.json", Some(overlay));
    assert_same::<OperationSpec>(
        operation(&specs, "ListAmbiguous"),
        r#"
name: ListAmbiguous
summary: "Two lists: not paginated."
methods: [POST]
request: [{name: NextToken, in: query, type: string}]
response:
  - {name: NextToken, type: string}
  - {name: Names, type: array, items: {type: string}}
  - {name: Ids, type: array, items: {type: string}}
pagination: {input_token: NextToken, output_token: NextToken, items: Names}
"#,
    );
    assert!(operation(&specs, "ListThings").pagination.is_none());
    assert!(operation(&specs, "ListTagResources").pagination.is_some());
    assert_same::<PaginationSpec>(
        operation(&specs, "RecognizeDocument")
            .pagination
            .as_ref()
            .unwrap(),
        "{page_number: PageNo, items: Lines}",
    );
    // What the overlay decides is no longer left out.
    for decided in ["ListAmbiguous", "ListByOffset", "RecognizeDocument"] {
        assert!(!specs.paging_left_out.contains_key(decided), "{decided}");
    }
}

#[test]
fn pagination_must_name_existing_parameters_and_a_list() {
    let cases = [
        (
            "{input_token: Token, output_token: NextToken, items: Names}",
            "overlay, operation `ListAmbiguous`, pagination `input_token`: no request parameter `Token`",
        ),
        (
            "{input_token: NextToken, output_token: NextToken, page_size: Limit, items: Names}",
            "overlay, operation `ListAmbiguous`, pagination `page_size`: no request parameter `Limit`",
        ),
        (
            "{input_token: NextToken, output_token: Next, items: Names}",
            "overlay, operation `ListAmbiguous`, pagination `output_token`: no parameter or field `Next` there",
        ),
        (
            "{page_number: PageNumber, total_count: Total, items: Names}",
            "overlay, operation `ListAmbiguous`, pagination `page_number`: no request parameter `PageNumber`",
        ),
        (
            "{input_token: NextToken, output_token: NextToken, total_count: Total, items: Names}",
            "overlay, operation `ListAmbiguous`, pagination `total_count`: no parameter or field `Total` there",
        ),
        (
            "{input_token: NextToken, output_token: NextToken, items: NextToken}",
            "overlay, operation `ListAmbiguous`, pagination `items`: `NextToken` is not an array, so `[]` does not apply",
        ),
    ];
    for (pagination, expected) in cases {
        let overlay = format!("operations: {{ListAmbiguous: {{pagination: {pagination}}}}}");
        assert_eq!(
            overlay_error("pagination.json", &overlay),
            expected,
            "{pagination}"
        );
    }
}

const WAITER: &str = r#"
waiters:
  - name: ThingListed
    description: Waits until the first thing is t-1.
    operation: ListThings
    input: [MaxResults]
    path: "Things[0].ThingId"
    success: [t-1]
    failure: [t-0]
    delay_seconds: 2
    timeout_seconds: 60
"#;

#[test]
fn waiters_are_copied_into_the_service() {
    let specs = import_fixture("pagination.json", Some(WAITER));
    assert_same::<Vec<WaiterSpec>>(
        &specs.service.waiters,
        WAITER.replace("waiters:", "").as_str(),
    );
}

#[test]
fn waiters_must_poll_an_existing_operation_input_and_path() {
    let cases = [
        (
            ("operation: ListThings", "operation: ListNothing"),
            "overlay, waiter `ThingListed`, operation `ListNothing`: no such operation in the metadata",
        ),
        (
            ("input: [MaxResults]", "input: [Limit]"),
            "overlay, waiter `ThingListed`, input: no request parameter `Limit`",
        ),
        (
            ("Things[0].ThingId", "Things[0].Name"),
            "overlay, waiter `ThingListed`, path `Things[0].Name`: no parameter or field `Name` there",
        ),
    ];
    for ((from, to), expected) in cases {
        let overlay = WAITER.replace(from, to);
        assert_eq!(overlay_error("pagination.json", &overlay), expected, "{to}");
    }
}

#[test]
fn operations_and_parameters_the_metadata_lacks_are_added() {
    let overlay = r#"
operations:
  DescribeScalars:
    added_parameters:
      - {name: Extra, in: query, type: string}
    request:
      Extra: {description: Patched after it is added.}
added_operations:
  ListExtras:
    summary: An action the metadata lacks.
    methods: [POST]
    read_only: true
    request:
      - {name: NextToken, in: query, type: string}
    response:
      - {name: NextToken, type: string}
      - name: Extras
        type: array
        items: {type: object, fields: [{name: Id, type: string}]}
"#;
    let specs = import_fixture("types.json", Some(overlay));
    let scalars = operation(&specs, "DescribeScalars");
    assert_same::<Shape>(
        scalars.request.last().unwrap(),
        "{name: Extra, in: query, type: string, description: Patched after it is added.}",
    );
    let added = operation(&specs, "ListExtras");
    assert_eq!(
        added.name.as_ref().unwrap().value,
        "ListExtras",
        "named after its key"
    );
    assert!(added.read_only);
    assert_eq!(
        added.pagination.as_ref().unwrap().items.value,
        "Extras",
        "paginated like an imported operation"
    );
    assert_eq!(
        type_names(added),
        [("response Extras[]".to_owned(), "Extra".to_owned())],
        "named like an imported operation"
    );
}

#[test]
fn an_addition_the_metadata_has_or_that_names_itself_otherwise_is_an_error() {
    assert_eq!(
        overlay_error(
            "types.json",
            "added_operations:\n  DescribeScalars: {methods: [POST]}"
        ),
        "overlay, added operation `DescribeScalars`: the metadata has it now: remove the \
         addition (refine it under `operations`)"
    );
    assert_eq!(
        overlay_error(
            "types.json",
            "added_operations:\n  NewOne: {name: OtherName, methods: [POST]}"
        ),
        "overlay, added operation `NewOne`: its `name` is `OtherName`"
    );
    let existing = "operations:\n  DescribeScalars:\n    added_parameters:\n      \
                    - {name: Name, in: query, type: string}";
    assert_eq!(
        overlay_error("types.json", existing),
        "overlay, operation `DescribeScalars`, added parameter `Name`: the metadata has it \
         now: remove the addition (refine it under `operations`)"
    );
    let unnamed = "operations:\n  DescribeScalars:\n    added_parameters:\n      \
                   - {in: query, type: string}";
    assert_eq!(
        overlay_error("types.json", unnamed),
        "overlay, operation `DescribeScalars`, added parameter ``: it has no `name`"
    );
}

#[test]
fn patches_make_enums_and_maps_sent_as_entries() {
    let overlay = r#"
operations:
  CreateWidget:
    request:
      Tags: {type: map, values: {type: string}, entries: {key: Key, value: Value}}
      Widget.Name: {enum: [Small, Large]}
"#;
    let specs = import_fixture("types.json", Some(overlay));
    let widget = operation(&specs, "CreateWidget");
    assert_same::<Shape>(
        top_level(&widget.request, "Tags"),
        r#"{name: Tags, in: query, style: json, type: map, example: '{"k1":"v1"}', values: {type: string}, entries: {key: Key, value: Value}}"#,
    );
    let name = &top_level(&widget.request, "Widget").fields[0];
    assert_eq!(name.name.as_ref().unwrap().value, "Name");
    assert_eq!(name.enum_values, ["Small", "Large"]);
    assert!(
        name.type_name.is_some(),
        "a string with enum values is named, to become an enum"
    );
}

#[test]
fn a_string_with_an_rfc_3339_example_is_a_timestamp() {
    let specs = import_fixture("product.json", None);
    let history = operation(&specs, "DescribeFleetHistory");
    let format = |name| {
        top_level(&history.request, name)
            .format
            .as_ref()
            .map(|format| format.value.as_str())
    };
    assert_eq!(format("StartTime"), Some("date-time"));
    assert_eq!(format("FleetId"), None);
}
