//! `--pager`: every page merged, and a page loop that always ends.

use acs_test_server::Reply;
use integration_tests::server;
use serde_json::{Value, json};

use crate::{assert_fails, run, stdout_json};

/// A ListInstancePatchStates page with these instances and next token.
fn page(ids: &[&str], token: Option<&str>) -> Reply {
    let states: Vec<Value> = ids.iter().map(|id| json!({"InstanceId": id})).collect();
    let mut body = json!({"RequestId": "R", "MaxResults": 2, "InstancePatchStates": states});
    if let Some(token) = token {
        body["NextToken"] = json!(token);
    }
    Reply::json(200, body)
}

fn sent_tokens(server: &acs_test_server::TestServer) -> Vec<Option<String>> {
    server
        .requests()
        .iter()
        .map(|request| request.query.get("NextToken").cloned())
        .collect()
}

#[tokio::test]
async fn pager_merges_every_page_into_one_document() {
    let server = server().await;
    server.enqueue("ListInstancePatchStates", page(&["i-1", "i-2"], Some("t1")));
    server.enqueue("ListInstancePatchStates", page(&["i-3", "i-4"], Some("t2")));
    server.enqueue("ListInstancePatchStates", page(&["i-5"], None));
    let output = run(
        &server,
        &["ListInstancePatchStates", "--MaxResults", "2", "--pager"],
    )
    .await;
    let document = stdout_json(&output);
    let ids: Vec<&str> = document["InstancePatchStates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["InstanceId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["i-1", "i-2", "i-3", "i-4", "i-5"]);
    assert!(document.get("NextToken").is_none());
    assert_eq!(
        sent_tokens(&server),
        [None, Some("t1".into()), Some("t2".into())]
    );
}

#[tokio::test]
async fn a_token_cycle_ends_with_exit_1_instead_of_paging_forever() {
    let server = server().await;
    server.enqueue("ListInstancePatchStates", page(&["i-1"], Some("A")));
    server.enqueue("ListInstancePatchStates", page(&["i-2"], Some("B")));
    // From here on, every page sends A again: without the check the loop never ends.
    server.set_default("ListInstancePatchStates", page(&["i-3"], Some("A")));
    let output = run(&server, &["ListInstancePatchStates", "--pager"]).await;
    assert_fails(
        &output,
        1,
        "the service returned the page token `A` again, which would repeat pages forever",
    );
    assert!(output.stdout.is_empty());
    assert_eq!(
        sent_tokens(&server),
        [None, Some("A".into()), Some("B".into())]
    );
}

#[tokio::test]
async fn path_names_the_item_list_as_aliyun_cli_does() {
    let server = server().await;
    let nested_page = |ids: &[&str], token: Option<&str>| {
        let mut body = json!({"RequestId": "R", "Result": {"Instances": ids}});
        if let Some(token) = token {
            body["NextToken"] = json!(token);
        }
        Reply::json(200, body)
    };
    server.enqueue("ListExecutions", nested_page(&["a", "b"], Some("t1")));
    server.enqueue("ListExecutions", nested_page(&["c"], None));
    let output = run(
        &server,
        &["ListExecutions", "--pager", "path=Result.Instances[]"],
    )
    .await;
    assert_eq!(
        stdout_json(&output),
        json!({"RequestId": "R", "Result": {"Instances": ["a", "b", "c"]}})
    );
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn the_pager_needs_a_token_or_a_page_number_and_no_waiter() {
    let server = server().await;
    let output = run(&server, &["GetTemplate", "--TemplateName", "T", "--pager"]).await;
    assert_fails(
        &output,
        2,
        "GetTemplate takes neither a `NextToken` nor a `PageNumber` to page by",
    );
    let unknown = run(
        &server,
        &["ListExecutions", "--pager", "PageNumber=Page.Number"],
    )
    .await;
    assert_fails(
        &unknown,
        2,
        "ListExecutions has no parameter `Number` to page by",
    );
    let with_waiter = run(
        &server,
        &["ListExecutions", "--pager", "--waiter", "expr=A", "to=B"],
    )
    .await;
    assert_eq!(with_waiter.status.code(), Some(2));
    assert!(server.requests().is_empty());
}

/// `ListGitRepositories` pages by `PageNumber` without a total count: a page shorter than
/// the `PageSize` asked for is the last; a `TotalCount=` names the field that counts them.
#[tokio::test]
async fn page_numbers_stop_at_a_short_page_or_the_total_named() {
    let repositories = |names: &[&str]| {
        let repos: Vec<Value> = names.iter().map(|name| json!({"FullName": name})).collect();
        Reply::json(
            200,
            json!({"RequestId": "R", "Count": 4, "GitRepos": repos}),
        )
    };
    let page_numbers = |server: &acs_test_server::TestServer| -> Vec<Option<String>> {
        server
            .requests()
            .iter()
            .map(|request| request.query.get("PageNumber").cloned())
            .collect()
    };
    let arguments = [
        "ListGitRepositories",
        "--Platform",
        "github",
        "--Owner",
        "o",
        "--PageSize",
        "2",
        "--pager",
    ];
    let server = server().await;
    server.enqueue("ListGitRepositories", repositories(&["a", "b"]));
    server.enqueue("ListGitRepositories", repositories(&["c"]));
    let document = stdout_json(&run(&server, &arguments).await);
    assert_eq!(document["GitRepos"].as_array().unwrap().len(), 3);
    assert_eq!(page_numbers(&server), [None, Some("2".into())]);

    // The third page would be empty: the total ends the listing before it is asked for.
    let server = integration_tests::server().await;
    server.enqueue("ListGitRepositories", repositories(&["a", "b"]));
    server.enqueue("ListGitRepositories", repositories(&["c", "d"]));
    server.set_default("ListGitRepositories", repositories(&[]));
    let counted = [&arguments[..], &["TotalCount=Count"]].concat();
    let document = stdout_json(&run(&server, &counted).await);
    assert_eq!(document["GitRepos"].as_array().unwrap().len(), 4);
    assert_eq!(page_numbers(&server), [None, Some("2".into())]);
}
