//! The generated client end to end against the runtime's signature-verifying test server.

mod acceptance;
mod typed_api;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use acs_runtime::{Credentials, RetryConfig, TimeoutConfig};
use acs_test_server::{DEFAULT_ACCESS_KEY_ID, Reply};
use alibabacloud_oos::operation::list_executions::Status;
use alibabacloud_oos::{Client, WaiterError};
use futures_util::TryStreamExt;
use integration_tests::{client, config, response_example, server};
use serde_json::json;

fn query(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(key, value)| (key.to_string(), value.to_string()))
        .collect()
}

#[tokio::test]
async fn a_typed_call_is_signed_sent_and_decoded() {
    let server = server().await;
    let response = client(&server)
        .list_instance_patch_states()
        .region_id("cn-hangzhou")
        .max_results(50)
        .instance_ids("i-1")
        .send()
        .await
        .expect("the call succeeds");

    assert_eq!(
        response.request_id.as_deref(),
        Some("9A47C086-E64D-52EE-8B2C-EFD23877C55E")
    );
    assert_eq!(response.max_results, Some(50));
    let states = response
        .instance_patch_states
        .expect("the sample has one instance");
    assert_eq!(states.len(), 1);
    assert_eq!(
        states[0].instance_id.as_deref(),
        Some("i-bp1jaxa2bs4bps7*****")
    );
    assert_eq!(
        states[0].baseline_id.as_deref(),
        Some("pb-f9393021b7a049e1b34e")
    );
    assert_eq!(states[0].operation_type.as_deref(), Some("scan"));

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert!(
        request.signature_verified,
        "the server verified the signature"
    );
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/");
    assert_eq!(request.action.as_deref(), Some("ListInstancePatchStates"));
    assert_eq!(request.headers["x-acs-version"], "2019-06-01");
    assert!(request.body.is_empty());
    let expected = query(&[
        ("InstanceIds", r#"["i-1"]"#),
        ("MaxResults", "50"),
        ("RegionId", "cn-hangzhou"),
    ]);
    assert_eq!(request.query, expected);
    let user_agent = request.headers["user-agent"].to_str().unwrap();
    assert!(user_agent.contains("alibabacloud-oos/"), "{user_agent}");
}

fn page(ids: &[&str], next_token: Option<&str>) -> Reply {
    let states: Vec<_> = ids
        .iter()
        .map(|id| json!({"InstanceId": id, "MissingCount": "0"}))
        .collect();
    let mut body = json!({"RequestId": "R", "InstancePatchStates": states});
    if let Some(token) = next_token {
        body["NextToken"] = json!(token);
    }
    Reply::json(200, body)
}

#[tokio::test]
async fn the_paginator_yields_every_item_once_in_order() {
    let server = server().await;
    server.enqueue(
        "ListInstancePatchStates",
        page(&["i-1", "i-2", "i-3"], Some("t1")),
    );
    server.enqueue("ListInstancePatchStates", page(&["i-4", "i-5"], Some("t2")));
    server.enqueue("ListInstancePatchStates", page(&["i-6"], Some("")));

    let items: Vec<_> = client(&server)
        .list_instance_patch_states()
        .max_results(3)
        .into_paginator()
        .items()
        .try_collect()
        .await
        .expect("every page arrives");

    let ids: Vec<_> = items
        .iter()
        .map(|item| item.instance_id.as_deref().unwrap())
        .collect();
    assert_eq!(ids, ["i-1", "i-2", "i-3", "i-4", "i-5", "i-6"]);
    let tokens: Vec<_> = server
        .requests()
        .iter()
        .map(|request| request.query.get("NextToken").cloned())
        .collect();
    assert_eq!(
        tokens,
        [None, Some("t1".to_string()), Some("t2".to_string())]
    );
    assert!(
        server
            .requests()
            .iter()
            .all(|request| request.query["MaxResults"] == "3")
    );
}

/// A service that hands out a token again (A, B, A) would make the pages repeat forever: the
/// paginator ends with an error instead, after the pages before it.
#[tokio::test]
async fn a_token_cycle_ends_the_paginator_with_an_error() {
    let server = server().await;
    server.enqueue("ListInstancePatchStates", page(&["i-1"], Some("A")));
    server.enqueue("ListInstancePatchStates", page(&["i-2"], Some("B")));
    server.enqueue("ListInstancePatchStates", page(&["i-3"], Some("A")));
    server.enqueue("ListInstancePatchStates", page(&["i-4"], None));
    let pages: Vec<_> = futures_util::StreamExt::collect::<Vec<_>>(
        client(&server)
            .list_instance_patch_states()
            .into_paginator()
            .send(),
    )
    .await;
    assert_eq!(pages.len(), 3);
    assert!(pages[0].is_ok() && pages[1].is_ok());
    let error = pages[2].as_ref().unwrap_err();
    assert!(
        error
            .to_string()
            .contains("the service returned the page token `A` again"),
        "{error}"
    );
    assert_eq!(server.requests().len(), 3, "no request after the cycle");
}

#[tokio::test]
async fn throttled_twice_then_success_takes_three_attempts_with_fresh_nonces() {
    let server = server().await;
    server.enqueue("ListInstancePatchStates", Reply::throttled(None));
    server.enqueue(
        "ListInstancePatchStates",
        Reply::throttled(Some(Duration::from_millis(20))),
    );

    let response = client(&server).list_instance_patch_states().send().await;
    assert!(response.is_ok(), "{response:?}");

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert!(requests.iter().all(|request| request.signature_verified));
    let nonces: std::collections::BTreeSet<_> = requests
        .iter()
        .map(|request| request.headers["x-acs-signature-nonce"].clone())
        .collect();
    assert_eq!(
        nonces.len(),
        3,
        "every attempt is signed with a fresh nonce"
    );
}

#[tokio::test]
async fn invalid_parameter_fails_at_once_with_code_message_and_request_id() {
    let server = server().await;
    server.enqueue(
        "ListInstancePatchStates",
        Reply::error(400, "InvalidParameter", "The parameter is invalid."),
    );

    let error = client(&server)
        .list_instance_patch_states()
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("InvalidParameter"));
    assert_eq!(error.message(), Some("The parameter is invalid."));
    assert_eq!(error.http_status(), Some(400));
    let request_id = error
        .request_id()
        .expect("the error carries the request id")
        .to_string();
    assert!(!error.is_throttling());
    let shown = error.to_string();
    assert!(
        shown.starts_with(
            "InvalidParameter: The parameter is invalid. (ListInstancePatchStates, HTTP 400, \
             request id "
        ),
        "{shown}"
    );
    assert!(shown.contains(&request_id));
    assert_eq!(server.requests().len(), 1, "a client error is not retried");
}

#[tokio::test]
async fn xml_error_bodies_and_server_errors_are_understood() {
    let server = server().await;
    server.enqueue(
        "ListInstancePatchStates",
        Reply::xml_error(403, "Forbidden.RAM", "User not authorized."),
    );
    let error = client(&server)
        .list_instance_patch_states()
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("Forbidden.RAM"));
    assert!(error.request_id().is_some());

    for _ in 0..3 {
        server.enqueue("ListInstancePatchStates", Reply::service_unavailable());
    }
    let before = server.requests().len();
    let error = client(&server)
        .list_instance_patch_states()
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.http_status(), Some(503));
    assert_eq!(
        server.requests().len() - before,
        3,
        "5xx is retried up to the attempt limit"
    );
}

#[tokio::test]
async fn a_server_slower_than_the_read_timeout_yields_a_timeout_within_twice_the_timeout() {
    let server = server().await;
    let example = response_example("ListInstancePatchStates");
    server.enqueue(
        "ListInstancePatchStates",
        Reply::json(200, example).delayed(Duration::from_secs(5)),
    );
    let timeout = Duration::from_millis(300);
    // A read is retried after a timeout; one attempt shows the timeout's own bound.
    let client = Client::from_conf(
        config(&server)
            .timeout_config(TimeoutConfig {
                read: timeout,
                ..TimeoutConfig::default()
            })
            .retry_config(RetryConfig::disabled())
            .build()
            .unwrap(),
    );

    let started = Instant::now();
    let error = client
        .list_instance_patch_states()
        .send()
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(error.is_timeout(), "{error}");
    assert!(elapsed < timeout * 2, "timed out after {elapsed:?}");

    server.enqueue(
        "ListInstancePatchStates",
        Reply::json(200, example).delayed(Duration::from_secs(5)),
    );
    let started = Instant::now();
    let error = client
        .list_instance_patch_states()
        .customize(|call| call.read_timeout(Duration::from_millis(100)))
        .send()
        .await
        .unwrap_err();
    assert!(
        error.is_timeout() && started.elapsed() < Duration::from_millis(200),
        "{error}"
    );
}

#[tokio::test]
async fn a_missing_required_parameter_fails_before_sending() {
    let server = server().await;
    let error = client(&server).get_template().send().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "missing required parameter `TemplateName`"
    );
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn the_client_token_is_filled_once_and_kept_across_retries() {
    let server = server().await;
    server.enqueue("StartExecution", Reply::throttled(None));
    client(&server)
        .start_execution()
        .template_name("ACS-ECS-BulkyStartInstances")
        .send()
        .await
        .unwrap();
    let tokens: Vec<_> = server
        .requests()
        .iter()
        .map(|request| request.query["ClientToken"].clone())
        .collect();
    assert_eq!(tokens.len(), 2);
    assert_eq!(tokens[0], tokens[1], "a retry reuses the token");
    assert_eq!(tokens[0].len(), 36, "a UUID: {}", tokens[0]);

    client(&server)
        .start_execution()
        .template_name("T")
        .client_token("mine")
        .send()
        .await
        .unwrap();
    assert_eq!(server.requests()[2].query["ClientToken"], "mine");
}

#[tokio::test]
async fn structured_parameters_encode_as_the_official_sdk_sends_them() {
    let server = server().await;
    client(&server)
        .list_inventory_entries()
        .instance_id("i-1")
        .type_name("ACS:InstanceInformation")
        .filter(
            alibabacloud_oos::operation::list_inventory_entries::Filter::new()
                .name("PlatformName")
                .operator("Equal")
                .value("ubuntu")
                .value("debian"),
        )
        .send()
        .await
        .unwrap();
    client(&server)
        .start_execution()
        .template_name("T")
        .tags("k1", "v1")
        .tags("a b", "c&d")
        .client_token("token")
        .send()
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(
        requests[0].query,
        query(&[
            ("Filter.1.Name", "PlatformName"),
            ("Filter.1.Operator", "Equal"),
            ("Filter.1.Value.1", "ubuntu"),
            ("Filter.1.Value.2", "debian"),
            ("InstanceId", "i-1"),
            ("TypeName", "ACS:InstanceInformation"),
        ])
    );
    // In the order given, as the official SDK sends a map.
    assert_eq!(requests[1].query["Tags"], r#"{"k1":"v1","a b":"c&d"}"#);
    assert!(requests.iter().all(|request| request.signature_verified));
}

fn execution(status: &str) -> Reply {
    Reply::json(
        200,
        json!({"RequestId": "R", "Executions": [{"ExecutionId": "exec-1", "Status": status}]}),
    )
}

#[tokio::test]
async fn the_waiter_polls_the_execution_it_is_given_until_it_finishes() {
    let server = server().await;
    server.enqueue("ListExecutions", execution("Running"));
    server.enqueue("ListExecutions", execution("Running"));
    server.enqueue("ListExecutions", execution("Success"));
    let heard = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&heard);
    let done = client(&server)
        .wait_until_execution_finished("exec-1")
        .delay(Duration::from_millis(10))
        .on_status_change(move |status| record.lock().unwrap().push(status.map(str::to_owned)))
        .wait()
        .await
        .expect("the execution succeeds");
    assert_eq!(done.executions()[0].status(), Some(&Status::Success));
    assert_eq!(
        *heard.lock().unwrap(),
        [Some("Running".to_owned()), Some("Success".to_owned())],
        "each change once"
    );
    assert!(
        server
            .requests()
            .iter()
            .all(|request| request.query["ExecutionId"] == "exec-1")
    );

    server.enqueue("ListExecutions", execution("Failed"));
    let failed = client(&server)
        .wait_until_execution_finished("exec-1")
        .wait()
        .await;
    assert!(matches!(failed, Err(WaiterError::Failed { ref status, .. }) if status == "Failed"));

    server.set_default("ListExecutions", execution("Running"));
    let timed_out = client(&server)
        .wait_until_execution_finished("exec-1")
        .delay(Duration::from_millis(10))
        .timeout(Duration::from_millis(50))
        .wait()
        .await;
    assert!(
        matches!(timed_out, Err(WaiterError::TimedOut { .. })),
        "{timed_out:?}"
    );
}

#[tokio::test]
async fn the_waiter_stops_at_waiting_and_when_no_execution_is_listed() {
    let server = server().await;
    server.enqueue("ListExecutions", execution("Running"));
    server.enqueue("ListExecutions", execution("Waiting"));
    let waiting = client(&server)
        .wait_until_execution_finished("exec-1")
        .delay(Duration::from_millis(10))
        .wait()
        .await;
    assert!(
        matches!(waiting, Err(WaiterError::NeedsAction { ref status, .. }) if status == "Waiting"),
        "{waiting:?}"
    );
    assert_eq!(server.requests().len(), 2);

    server.set_default(
        "ListExecutions",
        Reply::json(200, json!({"RequestId": "R", "Executions": []})),
    );
    let started = Instant::now();
    let missing = client(&server)
        .wait_until_execution_finished("exec-nowhere")
        .delay(Duration::from_millis(10))
        .wait()
        .await;
    assert!(
        matches!(missing, Err(WaiterError::NoStatus { polls: 3, .. })),
        "{missing:?}"
    );
    assert_eq!(
        server.requests().len(),
        5,
        "three polls, not thirty minutes of them"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_wrong_secret_shows_both_strings_to_sign() {
    let server = server().await;
    let client = Client::from_conf(
        config(&server)
            .credentials(Credentials::new(
                DEFAULT_ACCESS_KEY_ID,
                "not-the-secret",
                "test",
            ))
            .build()
            .unwrap(),
    );
    let error = client
        .list_instance_patch_states()
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("SignatureDoesNotMatch"));
    let shown = error.to_string();
    assert!(
        shown.contains("server string to sign is:ACS3-HMAC-SHA256"),
        "{shown}"
    );
    assert!(
        shown.contains("client string to sign was: ACS3-HMAC-SHA256\\n"),
        "{shown}"
    );
    assert!(!shown.contains("not-the-secret"));
}

#[tokio::test]
async fn the_generic_call_reaches_actions_the_spec_lacks() {
    let server = server().await;
    server.enqueue(
        "DescribeSomethingNew",
        Reply::json(200, json!({"RequestId": "R", "Answer": 42})),
    );
    let mut params = acs_runtime::Params::new();
    params.insert("Key", "value");
    let response = client(&server)
        .runtime()
        .call("DescribeSomethingNew", params)
        .await
        .unwrap();
    assert_eq!(response["Answer"], 42);
    let request = &server.requests()[0];
    assert!(request.signature_verified);
    assert_eq!(request.query, query(&[("Key", "value")]));
}
