//! `--log-level`, `--retry-count`, `--read-timeout` and `--connect-timeout`.

use std::time::Duration;

use acs_test_server::{DEFAULT_ACCESS_KEY_SECRET, Reply};
use integration_tests::server;

use crate::{assert_fails, oos, run, stderr};

/// Each attempt and retry is logged with its status and request id; no credential,
/// signature, security token or sensitive parameter value is, even at the most verbose level.
#[tokio::test]
async fn the_log_shows_each_attempt_and_retry_and_nothing_secret() {
    let server = server().await;
    server.enqueue("CreateSecretParameter", Reply::throttled(None));
    let secret_value = "log-secret-value-1357";
    let mut command = oos();
    command
        .env("ALIBABA_CLOUD_SECURITY_TOKEN", "log-security-token-2468")
        .args([
            "CreateSecretParameter",
            "--Name",
            "db",
            "--Value",
            secret_value,
        ])
        .args(["--log-level", "trace", "--endpoint", &server.endpoint()]);
    // A server that knows no security token still verifies the signature over the header.
    let output = command.output().await.unwrap();
    let log = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{log}");
    let attempts: Vec<&str> = log
        .lines()
        .filter(|line| line.contains("acs_attempt{"))
        .collect();
    assert!(
        attempts
            .iter()
            .any(|line| line.contains("attempt=1 status=400")),
        "{log}"
    );
    assert!(
        attempts
            .iter()
            .any(|line| line.contains("attempt=2 status=200")),
        "{log}"
    );
    assert!(
        log.contains("retrying") && log.contains("Throttled"),
        "{log}"
    );
    assert!(log.contains("action=\"CreateSecretParameter\""), "{log}");

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let signatures: Vec<String> = requests
        .iter()
        .map(|request| {
            let authorization = request.headers["authorization"].to_str().unwrap();
            authorization
                .rsplit("Signature=")
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    for secret in [
        DEFAULT_ACCESS_KEY_SECRET,
        secret_value,
        "log-security-token-2468",
        &signatures[0],
        &signatures[1],
    ] {
        assert!(!log.contains(secret), "the log shows `{secret}`:\n{log}");
    }
}

#[tokio::test]
async fn without_log_level_nothing_is_logged() {
    let server = server().await;
    server.enqueue("GetTemplate", Reply::throttled(None));
    let output = run(&server, &["GetTemplate", "--TemplateName", "T"]).await;
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stderr.is_empty(), "{}", stderr(&output));
    let invalid = run(
        &server,
        &["GetTemplate", "--TemplateName", "T", "--log-level", "loud"],
    )
    .await;
    assert_eq!(invalid.status.code(), Some(2));
}

#[tokio::test]
async fn retry_count_bounds_the_attempts() {
    let server = server().await;
    for _ in 0..4 {
        server.enqueue("GetTemplate", Reply::throttled(None));
    }
    let none = run(
        &server,
        &["GetTemplate", "--TemplateName", "T", "--retry-count", "0"],
    )
    .await;
    assert_eq!(none.status.code(), Some(3), "{}", stderr(&none));
    assert_eq!(server.requests().len(), 1);

    // Three throttled replies left: three retries reach the fourth, successful, attempt.
    let three = run(
        &server,
        &["GetTemplate", "--TemplateName", "T", "--retry-count", "3"],
    )
    .await;
    assert_eq!(three.status.code(), Some(0), "{}", stderr(&three));
    assert_eq!(server.requests().len(), 5);
}

#[tokio::test]
async fn read_timeout_ends_a_slow_attempt_with_exit_4() {
    let server = server().await;
    let slow = || Reply::json(200, r#"{"RequestId":"R"}"#).delayed(Duration::from_secs(5));
    server.enqueue("GetTemplate", slow());
    let started = std::time::Instant::now();
    let output = run(
        &server,
        &[
            "GetTemplate",
            "--TemplateName",
            "T",
            "--read-timeout",
            "0.3",
            // A read-only call is retried after a read timeout; one attempt shows the code.
            "--retry-count",
            "0",
        ],
    )
    .await;
    assert_fails(&output, 4, "timed out");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );

    let refused = run(
        &server,
        &["GetTemplate", "--TemplateName", "T", "--read-timeout", "0"],
    )
    .await;
    assert_eq!(refused.status.code(), Some(2));
}
