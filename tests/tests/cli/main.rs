//! The `oos` binary end to end against the runtime's signature-verifying test server.

mod calls;
mod exit_codes;
mod help;
mod inputs;
mod logging;
mod official;
mod output;
mod paging;
mod waiting;

use std::process::{Output, Stdio};
use std::time::Duration;

use acs_test_server::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, TestServer};
use integration_tests::response_example;
use serde_json::Value;
use tokio::io::AsyncWriteExt;

/// `oos` with the test server's credentials in the environment and nothing else from the
/// machine: no other variable, and a home directory without configuration.
fn oos() -> tokio::process::Command {
    let mut command = tokio::process::Command::new(integration_tests::oos_binary());
    command
        .env_clear()
        .env("HOME", std::env::temp_dir().join("oos-cli-tests-home"))
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", DEFAULT_ACCESS_KEY_ID)
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", DEFAULT_ACCESS_KEY_SECRET);
    command
}

/// Runs `oos` against the test server.
async fn run(server: &TestServer, args: &[&str]) -> Output {
    run_with_env(&server.endpoint(), &[], args).await
}

/// Runs `oos` against `endpoint` with `env` besides the credentials.
async fn run_with_env(endpoint: &str, env: &[(&str, String)], args: &[&str]) -> Output {
    let mut command = oos();
    command.args(args).args(["--endpoint", endpoint]);
    for (name, value) in env {
        command.env(name, value);
    }
    // A loop that never ends (a page token cycle, a wait that never times out) fails the test
    // instead of hanging it.
    tokio::time::timeout(Duration::from_secs(120), command.output())
        .await
        .expect("oos ends within two minutes")
        .unwrap()
}

/// Runs `command` with `input` on its standard input.
async fn run_with_stdin(mut command: tokio::process::Command, input: &str) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input.as_bytes()).await.unwrap();
    drop(stdin);
    child.wait_with_output().await.unwrap()
}

fn stdout_json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "oos failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts that `oos` exited with `code` and said `message` on stderr.
fn assert_fails(output: &Output, code: i32, message: &str) {
    let said = stderr(output);
    assert_eq!(output.status.code(), Some(code), "{said}");
    assert!(said.contains(message), "no `{message}` in:\n{said}");
}

fn example(action: &str) -> Value {
    serde_json::from_str(response_example(action)).unwrap()
}
