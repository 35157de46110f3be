//! Every request the official SDK was recorded sending (`tests/fixtures`), made with `oos`
//! from the same inputs: one flag per input, strings as they are and other values as JSON.
//! The test server must receive the same method, path and query.

use std::collections::BTreeMap;

use acs_test_server::{Reply, TestServer};
use futures_util::StreamExt;
use integration_tests::official::{self, OfficialRequest, PUBLISHED, RECORDED};
use serde_json::Value;

use super::run;

const CLIENT_TOKEN: &str = "ClientToken";

/// A flag's text for an input: a string as it is, anything else as compact JSON.
fn flag_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// How `oos` sent `case`, described where it differs from the official SDK.
async fn differences(case: OfficialRequest) -> Result<(), String> {
    let server = TestServer::start().await.unwrap();
    server.set_default(&case.action, Reply::json(200, r#"{"RequestId":"R"}"#));
    let mut args = vec![case.action.clone()];
    for (name, value) in &case.inputs {
        args.push(format!("--{name}"));
        args.push(flag_text(value));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = run(&server, &args).await;
    if !output.status.success() {
        return Err(format!(
            "{}: exit {:?}: {}",
            case.action,
            output.status.code(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let requests = server.requests();
    let [sent] = requests.as_slice() else {
        return Err(format!("{}: {} requests", case.action, requests.len()));
    };
    assert!(sent.signature_verified, "{}", case.action);
    assert_eq!(
        (sent.method.as_str(), sent.path.as_str()),
        (case.method.as_str(), case.path.as_str()),
        "{}",
        case.action
    );
    let mut query: BTreeMap<String, String> = sent.query.clone();
    // A ClientToken left empty is filled with a UUID, kept across retries, so that a retry
    // cannot repeat a write; the official SDK sends none.
    if !case.query.contains_key(CLIENT_TOKEN) {
        let filled = query.remove(CLIENT_TOKEN);
        assert!(
            filled.is_none_or(|token| token.len() == 36),
            "{}",
            case.action
        );
    }
    let found = official::differences(&query, &case.query);
    if found.is_empty() {
        Ok(())
    } else {
        Err(format!("{}: {}", case.action, found.join("; ")))
    }
}

async fn check(file: &str) {
    let failures: Vec<String> = futures_util::stream::iter(official::requests(file))
        .map(differences)
        .buffer_unordered(4)
        .filter_map(|result| async move { result.err() })
        .collect()
        .await;
    assert!(failures.is_empty(), "{file}:\n{}", failures.join("\n"));
}

#[tokio::test]
async fn every_published_action_goes_out_as_the_official_sdk_sends_it() {
    check(PUBLISHED).await;
}

#[tokio::test]
async fn recorded_requests_go_out_as_the_official_sdk_sends_them() {
    check(RECORDED).await;
}
