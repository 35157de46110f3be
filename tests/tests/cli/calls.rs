//! Calls: what is sent, what is printed, and how failures end.

use std::collections::BTreeMap;
use std::path::Path;

use acs_test_server::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Reply};
use integration_tests::server;
use serde_json::{Value, json};

use crate::{assert_fails, example, run, run_with_env, stderr, stdout_json};

#[tokio::test]
async fn a_call_prints_the_response_and_sends_a_signed_request() {
    let server = server().await;
    let output = run(
        &server,
        &[
            "ListInstancePatchStates",
            "--RegionId",
            "cn-hangzhou",
            "--InstanceIds",
            r#"["i-1"]"#,
        ],
    )
    .await;
    assert_eq!(stdout_json(&output), example("ListInstancePatchStates"));
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert!(requests[0].signature_verified);
    let expected: BTreeMap<String, String> =
        [("InstanceIds", r#"["i-1"]"#), ("RegionId", "cn-hangzhou")]
            .map(|(k, v)| (k.into(), v.into()))
            .into();
    assert_eq!(requests[0].query, expected);
}

#[tokio::test]
async fn kebab_case_spellings_and_compact_output_work() {
    let server = server().await;
    let output = run(
        &server,
        &[
            "list-instance-patch-states",
            "--region-id",
            "cn-hangzhou",
            "--max-results",
            "5",
            "--output",
            "compact",
        ],
    )
    .await;
    assert_eq!(
        String::from_utf8_lossy(&output.stdout)
            .trim()
            .lines()
            .count(),
        1,
        "compact is one line"
    );
    assert_eq!(stdout_json(&output), example("ListInstancePatchStates"));
    assert_eq!(server.requests()[0].query["MaxResults"], "5");
}

/// Every case of the official SDK's encoding vectors, driven by `--<WireName> <value>` flags
/// (strings raw, other values as JSON): the server sees exactly what the official SDK sent.
#[tokio::test]
async fn every_parameter_kind_encodes_as_the_official_sdk_sends_it() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../runtime/tests/fixtures/oos-rpc-encoding.json");
    let cases: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(fixture).unwrap()).unwrap();
    assert_eq!(cases.len(), 6);
    for case in cases {
        let server = server().await;
        let action = case["action"].as_str().unwrap();
        let mut args = vec![action.to_string()];
        for (name, value) in case["inputs"].as_object().unwrap() {
            args.push(format!("--{name}"));
            args.push(match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            });
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = run(&server, &args).await;
        assert!(output.status.success(), "{action}: {}", stderr(&output));
        let sent = &server.requests()[0];
        assert!(sent.signature_verified, "{action}");
        let expected: BTreeMap<String, String> =
            serde_json::from_value(case["query"].clone()).unwrap();
        assert_eq!(sent.query, expected, "{action}");
    }
}

#[tokio::test]
async fn usage_errors_exit_2_before_anything_is_sent() {
    let server = server().await;
    let missing = run(&server, &["GetTemplate"]).await;
    assert_fails(&missing, 2, "--TemplateName");

    let invalid = run(
        &server,
        &["ListInstancePatchStates", "--MaxResults", "fifty"],
    )
    .await;
    // The flag is named, its value is not: another flag's value may be a secret.
    assert_fails(
        &invalid,
        2,
        "invalid value for '--MaxResults <INTEGER>': not a 32-bit integer",
    );

    let bad_json = run(
        &server,
        &[
            "ListInventoryEntries",
            "--InstanceId",
            "i",
            "--TypeName",
            "t",
            "--Filter",
            "[{",
        ],
    )
    .await;
    assert_fails(&bad_json, 2, "not valid JSON");

    let unknown = run(&server, &["ListInstancePatchState"]).await;
    assert_eq!(unknown.status.code(), Some(2));
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_service_error_exits_3_with_code_message_and_request_id() {
    let server = server().await;
    server.enqueue(
        "GetTemplate",
        Reply::error(
            404,
            "EntityNotExists.Template",
            "The template does not exist.",
        ),
    );
    let output = run(&server, &["GetTemplate", "--TemplateName", "missing"]).await;
    assert_eq!(output.status.code(), Some(3));
    let message = stderr(&output);
    assert!(
        message.contains("ERROR: EntityNotExists.Template"),
        "{message}"
    );
    assert!(
        message.contains("Message: The template does not exist."),
        "{message}"
    );
    assert!(
        message
            .lines()
            .any(|line| line.starts_with("RequestId: ") && line.len() > "RequestId: ".len() + 8),
        "{message}"
    );
    assert!(output.stdout.is_empty());
}

/// A success that carries `Code` and `Message`, as many services send every success, prints
/// the response and exits 0; the same document with HTTP 500 is the service's error.
#[tokio::test]
async fn a_code_in_a_2xx_body_is_a_success_and_in_a_5xx_body_an_error() {
    let server = server().await;
    let mut success = example("GetTemplate");
    success["Code"] = json!("200");
    success["Message"] = json!("");
    success["Success"] = json!(true);
    server.enqueue("GetTemplate", Reply::json(200, success.clone()));
    let output = run(&server, &["GetTemplate", "--TemplateName", "T"]).await;
    assert_eq!(stdout_json(&output), success);

    let failure = json!({"Code": "200", "Message": "failed", "RequestId": "R-500"});
    server.enqueue("GetTemplate", Reply::json(500, failure));
    let output = run(
        &server,
        &["GetTemplate", "--TemplateName", "T", "--retry-count", "0"],
    )
    .await;
    assert_eq!(output.status.code(), Some(3));
    let message = stderr(&output);
    assert!(message.contains("ERROR: 200"), "{message}");
    assert!(message.contains("RequestId: R-500"), "{message}");
}

#[tokio::test]
async fn a_throttled_call_succeeds_on_retry() {
    let server = server().await;
    server.enqueue("GetTemplate", Reply::throttled(None));
    let output = run(&server, &["GetTemplate", "--TemplateName", "T"]).await;
    assert_eq!(stdout_json(&output), example("GetTemplate"));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn network_failures_exit_4() {
    let server = server().await;
    server.enqueue("GetTemplate", Reply::drop_connection());
    server.enqueue("GetTemplate", Reply::drop_connection());
    server.enqueue("GetTemplate", Reply::drop_connection());
    let output = run(&server, &["GetTemplate", "--TemplateName", "T"]).await;
    assert_eq!(output.status.code(), Some(4), "{}", stderr(&output));
}

#[tokio::test]
async fn dry_run_prints_the_request_without_sending_or_revealing_secrets() {
    let server = server().await;
    let output = run(
        &server,
        &[
            "CreateSecretParameter",
            "--Name",
            "db-password",
            "--Value",
            "hunter2-secret",
            "--dry-run",
        ],
    )
    .await;
    assert!(output.status.success(), "{}", stderr(&output));
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(printed.starts_with("POST http://127.0.0.1:"), "{printed}");
    assert!(printed.contains("Name = db-password"), "{printed}");
    assert!(printed.contains("Value = ** redacted **"), "{printed}");
    assert!(
        printed.contains("Canonical request:\nPOST\n/\n"),
        "{printed}"
    );
    assert!(
        printed.contains("x-acs-action:CreateSecretParameter"),
        "{printed}"
    );
    for secret in ["hunter2-secret", DEFAULT_ACCESS_KEY_SECRET] {
        assert!(!printed.contains(secret), "{printed}");
    }
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn http_proxy_is_honoured_and_no_proxy_bypasses_it() {
    let proxy = server().await;
    // The endpoint's host does not resolve: the call can only succeed through the proxy.
    let through_proxy = run_with_env(
        "http://oos.cn-hangzhou.invalid",
        &[("HTTP_PROXY", proxy.endpoint())],
        &["GetTemplate", "--TemplateName", "T"],
    )
    .await;
    assert_eq!(stdout_json(&through_proxy), example("GetTemplate"));
    let request = &proxy.requests()[0];
    assert_eq!(request.headers["host"], "oos.cn-hangzhou.invalid");
    assert!(request.signature_verified);

    let direct = server().await;
    let bypassing = run_with_env(
        &direct.endpoint(),
        &[
            ("HTTP_PROXY", "http://127.0.0.1:9".into()),
            ("NO_PROXY", "127.0.0.1".into()),
        ],
        &["GetTemplate", "--TemplateName", "T"],
    )
    .await;
    assert_eq!(stdout_json(&bypassing), example("GetTemplate"));
    assert_eq!(direct.requests().len(), 1);
}

#[tokio::test]
async fn a_named_profile_supplies_credentials_and_region() {
    let server = server().await;
    let home = std::env::temp_dir().join(format!("oos-cli-profile-{}", std::process::id()));
    std::fs::create_dir_all(home.join(".aliyun")).unwrap();
    let config = json!({
        "current": "default",
        "profiles": [
            {"name": "default", "mode": "AK", "access_key_id": "LTAIwrong", "access_key_secret": "wrong", "region_id": "cn-beijing"},
            {"name": "dev", "mode": "AK", "access_key_id": DEFAULT_ACCESS_KEY_ID,
             "access_key_secret": DEFAULT_ACCESS_KEY_SECRET, "region_id": "ap-southeast-1"}
        ]
    });
    std::fs::write(home.join(".aliyun/config.json"), config.to_string()).unwrap();
    let oos_at = |args: &[&str]| {
        tokio::process::Command::new(integration_tests::oos_binary())
            .args(args)
            .env_clear()
            .env("HOME", &home)
            .output()
    };

    let called = oos_at(&[
        "--profile",
        "dev",
        "GetTemplate",
        "--TemplateName",
        "T",
        "--endpoint",
        &server.endpoint(),
    ])
    .await
    .unwrap();
    assert_eq!(stdout_json(&called), example("GetTemplate"));
    assert!(server.requests()[0].signature_verified);

    let dry_run = oos_at(&[
        "--profile",
        "dev",
        "GetTemplate",
        "--TemplateName",
        "T",
        "--dry-run",
    ])
    .await
    .unwrap();
    let printed = String::from_utf8_lossy(&dry_run.stdout);
    assert!(
        printed.starts_with("POST https://oos.ap-southeast-1.aliyuncs.com/?"),
        "{printed}"
    );
    let current = oos_at(&["GetTemplate", "--TemplateName", "T", "--dry-run"])
        .await
        .unwrap();
    assert!(
        String::from_utf8_lossy(&current.stdout)
            .starts_with("POST https://oos.cn-beijing.aliyuncs.com/?")
    );

    let unknown = oos_at(&["--profile", "nope", "GetTemplate", "--TemplateName", "T"])
        .await
        .unwrap();
    assert_fails(&unknown, 5, "profile \"nope\"");
    assert!(!stderr(&unknown).contains(DEFAULT_ACCESS_KEY_SECRET));
    std::fs::remove_dir_all(&home).unwrap();
}
