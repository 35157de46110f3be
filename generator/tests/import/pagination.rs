//! Pagination detection, on `pagination.json`.

use acs_codegen::import::LeftOut;
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
        "GetSession",
    ] {
        assert!(
            operation(&specs, action).pagination.is_none(),
            "{action} should not be paginated"
        );
    }
}

#[test]
fn page_numbers_with_a_total_count_and_a_list_of_objects() {
    let specs = import_fixture("pagination.json", None);
    assert_same::<PaginationSpec>(
        operation(&specs, "DescribeDomains")
            .pagination
            .as_ref()
            .unwrap(),
        "{page_number: PageNumber, page_size: PageSize, total_count: TotalCount, \
          items: Domains.Domain}",
    );
    // In a JSON body, in camelCase; the list beside the total wins.
    assert_same::<PaginationSpec>(
        operation(&specs, "ListJobs").pagination.as_ref().unwrap(),
        "{page_number: currentPage, page_size: pageSize, total_count: Data.Total, \
          items: Data.Jobs}",
    );
}

#[test]
fn page_numbers_without_a_total_count() {
    let specs = import_fixture("pagination.json", None);
    assert_same::<PaginationSpec>(
        operation(&specs, "ListPages").pagination.as_ref().unwrap(),
        "{page_number: PageNumber, page_size: PageSize, items: Pages}",
    );
    // A `Total` that counts pages is no total count.
    assert_same::<PaginationSpec>(
        operation(&specs, "ListByPageNo")
            .pagination
            .as_ref()
            .unwrap(),
        "{page_number: PageNo, page_size: PageSize, items: Records}",
    );
}

#[test]
fn markers_and_tokens_in_any_spelling() {
    let specs = import_fixture("pagination.json", None);
    assert_same::<PaginationSpec>(
        operation(&specs, "ListUsers").pagination.as_ref().unwrap(),
        "{input_token: Marker, output_token: Marker, page_size: MaxItems, items: Users.User}",
    );
    assert_same::<PaginationSpec>(
        operation(&specs, "ListBuckets")
            .pagination
            .as_ref()
            .unwrap(),
        "{input_token: marker, output_token: next_marker, page_size: max_keys, items: buckets}",
    );
    // Through a shared schema; a token wins over a page number.
    assert_same::<PaginationSpec>(
        operation(&specs, "ListReports")
            .pagination
            .as_ref()
            .unwrap(),
        "{input_token: nextToken, output_token: Data.nextToken, page_size: maxResults, \
          items: Data.reports}",
    );
}

#[test]
fn operations_left_out_say_why() {
    let specs = import_fixture("pagination.json", None);
    let left_out: Vec<(&str, LeftOut)> = specs
        .paging_left_out
        .iter()
        .map(|(action, why)| (action.as_str(), *why))
        .collect();
    assert_eq!(
        left_out,
        [
            ("DescribeQuota", LeftOut::PageSizeAlone),
            ("ListAmbiguous", LeftOut::NoItemList),
            ("ListByOffset", LeftOut::Offset),
            ("ListInBody", LeftOut::UnsendableParameter),
            ("ListNestedAmbiguous", LeftOut::NoItemList),
            ("ListWithoutOutputToken", LeftOut::NoNextToken),
            ("RecognizeDocument", LeftOut::PageNumberAlone),
        ]
    );
}
