//! `--waiter expr=… to=…` and `oos wait execution-finished`: polling with one progress line per
//! status change, and exit codes of their own for a timeout and a failure status.

use acs_test_server::{Reply, TestServer};
use integration_tests::server;
use serde_json::json;

use crate::{example, run, stderr, stdout_json};

/// `ListExecutions` until the first execution's status is `Success`.
const WAITER: [&str; 4] = [
    "ListExecutions",
    "--waiter",
    "expr=Executions[0].Status",
    "to=Success",
];

/// `oos wait execution-finished` for `exec-1`, polling every 50 ms.
const WAIT: [&str; 6] = [
    "wait",
    "execution-finished",
    "--ExecutionId",
    "exec-1",
    "--interval",
    "0.05",
];

/// A server whose ListExecutions answers with these statuses, then with `last` for good.
async fn answering(statuses: &[&str], last: &str) -> TestServer {
    let execution = |status: &str| {
        let execution = json!({"ExecutionId": "exec-1", "Status": status});
        Reply::json(200, json!({"RequestId": "R", "Executions": [execution]}))
    };
    let server = server().await;
    for status in statuses {
        server.enqueue("ListExecutions", execution(status));
    }
    server.set_default("ListExecutions", execution(last));
    server
}

/// The progress lines (and any error) that `oos` printed.
fn progress(output: &std::process::Output) -> Vec<String> {
    stderr(output).lines().map(str::to_string).collect()
}

fn polls(server: &TestServer) -> usize {
    server.requests().len()
}

#[tokio::test]
async fn the_waiter_flag_exits_0_once_the_expression_has_the_value() {
    let server = server().await;
    let output = run(&server, &WAITER).await;
    assert_eq!(stdout_json(&output), example("ListExecutions"));
    assert_eq!(progress(&output), ["Executions[0].Status: Success"]);
    assert_eq!(polls(&server), 1);
}

#[tokio::test]
async fn the_waiter_flag_polls_and_reports_each_status_change() {
    let server = answering(&["Queued", "Running", "Running", "Running"], "Success").await;
    let output = run(&server, &[&WAITER[..], &["interval=0.05"]].concat()).await;
    assert_eq!(stdout_json(&output)["Executions"][0]["Status"], "Success");
    let changes = ["Queued", "Running", "Success"].map(|s| format!("Executions[0].Status: {s}"));
    assert_eq!(progress(&output), changes);
    assert_eq!(polls(&server), 5);
    assert!(server.requests().iter().all(|r| r.signature_verified));
}

#[tokio::test]
async fn the_waiter_flag_times_out_with_exit_6() {
    let server = answering(&[], "Running").await;
    let limits = ["timeout=0.3", "interval=0.1"];
    let output = run(&server, &[&WAITER[..], &limits].concat()).await;
    assert_eq!(output.status.code(), Some(6), "{}", stderr(&output));
    assert!(output.stdout.is_empty());
    let lines = progress(&output);
    assert_eq!(lines[0], "Executions[0].Status: Running");
    let expected = " waiting for Executions[0].Status to be Success (last: Running)";
    assert!(
        lines[1].starts_with("ERROR: gave up after ") && lines[1].ends_with(expected),
        "{lines:?}"
    );
    assert!(
        (2..=5).contains(&polls(&server)),
        "{} polls",
        polls(&server)
    );
}

#[tokio::test]
async fn wait_execution_finished_polls_list_executions_by_the_sdk_rule() {
    let server = answering(&["Running"], "Success").await;
    let output = run(&server, &WAIT).await;
    assert_eq!(stdout_json(&output)["Executions"][0]["Status"], "Success");
    let changes = ["Running", "Success"].map(|s| format!("Executions[0].Status: {s}"));
    assert_eq!(progress(&output), changes);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(request.action.as_deref(), Some("ListExecutions"));
        assert_eq!(request.query["ExecutionId"], "exec-1");
        assert!(request.signature_verified);
    }
}

#[tokio::test]
async fn wait_ends_with_exit_7_on_a_failure_status_and_6_on_timeout() {
    let server = answering(&["Running"], "Cancelled").await;
    let failed = run(&server, &WAIT).await;
    assert_eq!(failed.status.code(), Some(7), "{}", stderr(&failed));
    assert!(failed.stdout.is_empty());
    let last = progress(&failed).pop().unwrap();
    assert_eq!(
        last,
        "ERROR: Executions[0].Status is `Cancelled`, a failure status"
    );

    // The kebab spelling of the input works too.
    let server = answering(&[], "Running").await;
    let mut kebab = WAIT.to_vec();
    kebab[2] = "--execution-id";
    let timed_out = run(&server, &[&kebab[..], &["--timeout", "0.2"]].concat()).await;
    assert_eq!(timed_out.status.code(), Some(6), "{}", stderr(&timed_out));
    assert_eq!(server.requests()[0].query["ExecutionId"], "exec-1");
}

#[tokio::test]
async fn quiet_waits_without_progress() {
    let server = answering(&["Running"], "Success").await;
    let output = run(&server, &[&WAIT[..], &["--quiet"]].concat()).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(output.stdout.is_empty() && output.stderr.is_empty());
    assert_eq!(polls(&server), 2);
}
