//! Pagination detection, on `pagination.json`.

use acs_codegen::spec::PaginationSpec;

use crate::{assert_same, import_fixture, operation};

#[test]
fn token_page_size_and_single_top_level_list() {
    let specs = import_fixture("pagination.json", None);
    let pagination = operation(&specs, "ListThings").pagination.as_ref();
    assert_same::<PaginationSpec>(
        pagination.expect("ListThings is paginated"),
        "{input_token: NextToken, output_token: NextToken, page_size: MaxResults, items: Things}",
    );
}

#[test]
fn list_inside_an_object_without_page_size() {
    let specs = import_fixture("pagination.json", None);
    let pagination = operation(&specs, "ListTagResources").pagination.as_ref();
    assert_same::<PaginationSpec>(
        pagination.expect("ListTagResources is paginated"),
        "{input_token: NextToken, output_token: NextToken, items: TagResources.TagResource}",
    );
}

#[test]
fn top_level_list_wins_over_a_nested_one() {
    let specs = import_fixture("pagination.json", None);
    let pagination = operation(&specs, "ListMixed").pagination.as_ref();
    assert_same::<PaginationSpec>(
        pagination.expect("ListMixed is paginated"),
        "{input_token: NextToken, output_token: NextToken, page_size: MaxResults, items: Items}",
    );
}

#[test]
fn not_paginated_without_both_tokens_or_with_several_lists() {
    let specs = import_fixture("pagination.json", None);
    for action in [
        "ListAmbiguous",
        "ListNestedAmbiguous",
        "ListWithoutOutputToken",
        "ListPages",
    ] {
        assert!(
            operation(&specs, action).pagination.is_none(),
            "{action} should not be paginated"
        );
    }
}
