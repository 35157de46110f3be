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
    assert_fails(&output, 1, "page token `A` a second time, after 3 pages");
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
async fn only_operations_that_page_by_token_take_the_pager() {
    let server = server().await;
    let output = run(&server, &["GetTemplate", "--TemplateName", "T", "--pager"]).await;
    assert_eq!(output.status.code(), Some(2));
    let with_waiter = run(
        &server,
        &["ListExecutions", "--pager", "--waiter", "expr=A", "to=B"],
    )
    .await;
    assert_eq!(with_waiter.status.code(), Some(2));
    assert!(server.requests().is_empty());
}
