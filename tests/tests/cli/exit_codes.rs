//! Every documented exit code, each from the failure it documents.

use std::time::Duration;

use acs_test_server::{Reply, TestServer};
use integration_tests::server;

use crate::{oos, stderr};

/// A case: what the server answers, how `oos` is run, and the exit code it must give.
struct Case {
    what: &'static str,
    reply: Option<(&'static str, Reply)>,
    args: &'static [&'static str],
    without_credentials: bool,
    code: i32,
}

fn cases() -> Vec<Case> {
    let case = |what, reply, args, code| Case {
        what,
        reply,
        args,
        without_credentials: false,
        code,
    };
    vec![
        case("success", None, &["GetTemplate", "--TemplateName", "T"], 0),
        case(
            "a response that does not decode",
            Some(("GetTemplate", Reply::malformed_json())),
            &["GetTemplate", "--TemplateName", "T"],
            1,
        ),
        case("a missing required parameter", None, &["GetTemplate"], 2),
        case(
            "a service error",
            Some((
                "GetTemplate",
                Reply::error(403, "Forbidden.RAM", "Not allowed."),
            )),
            &["GetTemplate", "--TemplateName", "T"],
            3,
        ),
        case(
            "a read timeout",
            Some((
                "GetTemplate",
                Reply::json(200, r#"{"RequestId":"R"}"#).delayed(Duration::from_secs(5)),
            )),
            &[
                "GetTemplate",
                "--TemplateName",
                "T",
                "--read-timeout",
                "0.2",
                // A read-only call is retried after a read timeout; one attempt shows the code.
                "--retry-count",
                "0",
            ],
            4,
        ),
        Case {
            what: "no credentials anywhere",
            reply: None,
            args: &["GetTemplate", "--TemplateName", "T"],
            without_credentials: true,
            code: 5,
        },
        case(
            "a waiter that times out",
            None,
            &[
                "ListExecutions",
                "--waiter",
                "expr=Executions[0].Status",
                "to=Failed",
                "timeout=0.2",
                "interval=0.05",
            ],
            6,
        ),
        case(
            "a wait that ends in a failure status",
            Some((
                "ListExecutions",
                Reply::json(
                    200,
                    r#"{"RequestId":"R","Executions":[{"Status":"Failed"}]}"#,
                ),
            )),
            &["wait", "execution-finished", "--ExecutionId", "exec-1"],
            7,
        ),
    ]
}

async fn exit_code(server: &TestServer, case: Case) -> Option<i32> {
    if let Some((action, reply)) = case.reply {
        server.enqueue(action, reply);
    }
    let mut command = oos();
    command
        .args(case.args)
        .args(["--endpoint", &server.endpoint()]);
    if case.without_credentials {
        command
            .env_remove("ALIBABA_CLOUD_ACCESS_KEY_ID")
            .env_remove("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
            .env("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true");
    }
    let output = command.output().await.unwrap();
    let code = output.status.code();
    if code != Some(case.code) {
        panic!(
            "{}: exit {code:?}, expected {}; stderr:\n{}",
            case.what,
            case.code,
            stderr(&output)
        );
    }
    code
}

#[tokio::test]
async fn each_documented_exit_code_comes_from_its_failure() {
    let mut codes = Vec::new();
    for case in cases() {
        let server = server().await;
        codes.push(exit_code(&server, case).await);
    }
    let documented: Vec<Option<i32>> = (0..=7).map(Some).collect();
    assert_eq!(codes, documented, "one case per documented code, in order");
}
