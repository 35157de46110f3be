//! `--cli-query`, `--output json|compact|table` and `--quiet`.

use acs_test_server::Reply;
use integration_tests::server;
use serde_json::json;

use crate::{assert_fails, run, stderr, stdout, stdout_json};

fn two_executions() -> Reply {
    Reply::json(
        200,
        json!({
            "RequestId": "R",
            "Executions": [
                {"ExecutionId": "exec-1", "Status": "Success", "Mode": "Automatic"},
                {"ExecutionId": "exec-2", "Status": "Running", "Mode": "Debug"}
            ]
        }),
    )
}

#[tokio::test]
async fn cli_query_with_compact_output_prints_the_selected_json() {
    let server = server().await;
    server.enqueue("ListExecutions", two_executions());
    let output = run(
        &server,
        &[
            "ListExecutions",
            "--cli-query",
            "Executions[].ExecutionId",
            "--output",
            "compact",
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "[\"exec-1\",\"exec-2\"]\n");
    assert!(server.requests()[0].signature_verified);
}

#[tokio::test]
async fn a_bad_expression_exits_2_before_anything_is_sent() {
    let server = server().await;
    for args in [
        &["ListExecutions", "--cli-query", "Executions[?"][..],
        &[
            "ListExecutions",
            "--output",
            "cols=ExecutionId,[",
            "rows=Executions",
        ],
        &["ListExecutions", "--output", "rows=Executions[?"],
        &[
            "ListExecutions",
            "--waiter",
            "expr=Executions[",
            "to=Success",
        ],
        &["ListExecutions", "--output", "json", "cols=ExecutionId"],
    ] {
        let output = run(&server, args).await;
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(!stderr(&output).is_empty());
    }
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn tables_take_aliyun_cli_cols_and_rows() {
    let server = server().await;
    server.enqueue("ListExecutions", two_executions());
    let output = run(
        &server,
        &[
            "ListExecutions",
            "--output",
            "table",
            "cols=ExecutionId,Status",
            "rows=Executions",
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "ExecutionId | Status\n\
         ----------- | ------\n\
         exec-1      | Success\n\
         exec-2      | Running\n"
    );

    // Without rows=, the rows are the operation's items; without cols=, their scalar fields.
    server.enqueue("ListExecutions", two_executions());
    let output = run(&server, &["ListExecutions", "--output", "table"]).await;
    assert_eq!(
        stdout(&output),
        "ExecutionId | Status  | Mode\n\
         ----------- | ------  | ----\n\
         exec-1      | Success | Automatic\n\
         exec-2      | Running | Debug\n"
    );

    // rows= must select an array: a usage error, after the call.
    server.enqueue("ListExecutions", two_executions());
    let output = run(&server, &["ListExecutions", "--output", "rows=RequestId"]).await;
    assert_fails(&output, 2, "not an array");
}

#[tokio::test]
async fn quiet_prints_nothing_on_success_and_errors_still_show() {
    let server = server().await;
    let output = run(&server, &["GetTemplate", "--TemplateName", "T", "--quiet"]).await;
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stdout.is_empty() && output.stderr.is_empty());
    assert_eq!(server.requests().len(), 1);

    server.enqueue(
        "GetTemplate",
        Reply::error(404, "EntityNotExists.Template", "No such template."),
    );
    let failed = run(&server, &["GetTemplate", "--TemplateName", "T", "--quiet"]).await;
    assert_eq!(failed.status.code(), Some(3));
    assert!(failed.stdout.is_empty());
    assert!(stderr(&failed).contains("EntityNotExists.Template"));

    let contradiction = run(
        &server,
        &["GetTemplate", "--TemplateName", "T", "--quiet", "--dry-run"],
    )
    .await;
    assert_eq!(contradiction.status.code(), Some(2));
}

#[tokio::test]
async fn json_is_pretty_by_default() {
    let server = server().await;
    server.enqueue("ListExecutions", two_executions());
    let output = run(&server, &["ListExecutions"]).await;
    assert!(stdout(&output).starts_with("{\n  \"RequestId\": \"R\",\n"));
    assert_eq!(stdout_json(&output)["Executions"][1]["Status"], "Running");
}

/// `oos … | head -1`: a reader that stops reading ends the command quietly, with exit 0,
/// instead of a panic about a broken pipe.
#[tokio::test]
async fn a_reader_that_went_away_is_not_a_failure() {
    let server = server().await;
    for args in [
        &["ListExecutions"][..],
        &["ListExecutions", "--dry-run"],
        &["completion", "bash"],
        &["man"],
    ] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let output = crate::oos()
            .args(args)
            .args(["--endpoint", &server.endpoint()])
            .stdout(writer)
            .output()
            .await
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(output.stderr.is_empty(), "{args:?}: {}", stderr(&output));
    }
}
