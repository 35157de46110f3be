//! Issue 12's acceptance, through the `oos` command against the signature-verifying test
//! server: where credentials are found with nothing but the variables named, and how many
//! requests a failure costs, counted at the server.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};

use acs_test_server::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Reply, TestServer};
use integration_tests::server;
use serde_json::json;

/// A home directory of its own, removed when dropped.
struct Home(PathBuf);

impl Home {
    fn new(name: &str) -> Self {
        static HOMES: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "oos-acceptance-{name}-{}-{}",
            std::process::id(),
            HOMES.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Home(path)
    }

    fn write(&self, relative: &str, text: &str) {
        let path = self.0.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `oos` against `server` with `HOME` and `env` as its whole environment.
async fn oos(server: &TestServer, home: &Home, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut command = tokio::process::Command::new(integration_tests::oos_binary());
    command
        .args(args)
        .args(["--endpoint", &server.endpoint()])
        .env_clear()
        .env("HOME", home.path());
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().await.unwrap()
}

fn assert_success(output: &Output) {
    assert!(
        output.status.success(),
        "oos failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The credentials file, `~/.alibabacloud/credentials`, with the test server's key in
/// `[default]`.
fn credentials_file(home: &Home) {
    home.write(
        ".alibabacloud/credentials",
        &format!(
            "[default]\ntype = access_key\naccess_key_id = {DEFAULT_ACCESS_KEY_ID}\n\
             access_key_secret = {DEFAULT_ACCESS_KEY_SECRET}\n"
        ),
    );
}

#[tokio::test]
async fn credentials_are_found_in_the_credentials_file() {
    let server = server().await;
    let home = Home::new("ini");
    credentials_file(&home);
    let output = oos(&server, &home, &[], &["GetTemplate", "--TemplateName", "T"]).await;
    assert_success(&output);
    assert!(server.requests()[0].signature_verified);
}

/// Half an OIDC setup is passed over, as the official chain passes over it.
#[tokio::test]
async fn credentials_are_found_in_the_credentials_file_when_only_the_role_arn_is_set() {
    let server = server().await;
    let home = Home::new("ini-role-arn");
    credentials_file(&home);
    let output = oos(
        &server,
        &home,
        &[("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::1234:role/pod")],
        &["GetTemplate", "--TemplateName", "T"],
    )
    .await;
    assert_success(&output);
    assert!(server.requests()[0].signature_verified);
}

#[tokio::test]
async fn credentials_are_found_at_a_credentials_uri() {
    let server = TestServer::builder()
        .with_credentials("STS.fromUri", "uri-secret")
        .start()
        .await
        .unwrap();
    alibabacloud_oos::testing::serve_examples(&server);
    server.route(
        http::Method::GET,
        "/credentials",
        Reply::json(
            200,
            json!({
                "Code": "Success",
                "AccessKeyId": "STS.fromUri",
                "AccessKeySecret": "uri-secret",
                "SecurityToken": "uri-token",
                "Expiration": "2099-01-01T00:00:00Z",
            }),
        ),
    );
    let home = Home::new("uri");
    let uri = format!("{}/credentials", server.endpoint());
    let output = oos(
        &server,
        &home,
        &[
            ("ALIBABA_CLOUD_CREDENTIALS_URI", &uri),
            // The chain asks the ECS metadata service (100.100.100.200) before the URI; tests
            // talk only to 127.0.0.1.
            ("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true"),
        ],
        &["GetTemplate", "--TemplateName", "T"],
    )
    .await;
    assert_success(&output);
    let requests = server.requests();
    let call = requests
        .iter()
        .find(|request| request.action.as_deref() == Some("GetTemplate"))
        .unwrap();
    assert!(call.signature_verified);
    assert_eq!(call.headers["x-acs-security-token"], "uri-token");
}

/// What each failure costs, counted at the server.
struct Counted {
    output: Output,
    server: TestServer,
}

impl Counted {
    fn requests(&self, action: &str) -> Vec<acs_test_server::RecordedRequest> {
        self.server
            .requests()
            .into_iter()
            .filter(|request| request.action.as_deref() == Some(action))
            .collect()
    }
}

async fn after(first: Reply, action: &str, args: &[&str]) -> Counted {
    let server = server().await;
    server.enqueue(action, first);
    let home = Home::new(&format!("retries-{action}"));
    let output = oos(
        &server,
        &home,
        &[
            ("ALIBABA_CLOUD_ACCESS_KEY_ID", DEFAULT_ACCESS_KEY_ID),
            ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", DEFAULT_ACCESS_KEY_SECRET),
        ],
        args,
    )
    .await;
    Counted { output, server }
}

const UPDATE: [&str; 5] = ["UpdateParameter", "--Name", "p", "--Value", "v"];

/// `UpdateParameter` has no client token: after a failure the service may have acted on, it
/// is not sent again.
#[tokio::test]
async fn update_parameter_is_sent_once_after_a_server_error_or_a_reset() {
    let internal_error = Reply::error(500, "InternalError", "The request processing has failed.");
    for (first, exit_code) in [(internal_error, 3), (Reply::drop_connection(), 4)] {
        let counted = after(first, "UpdateParameter", &UPDATE).await;
        assert_eq!(counted.requests("UpdateParameter").len(), 1);
        assert_eq!(counted.output.status.code(), Some(exit_code));
    }
}

#[tokio::test]
async fn update_parameter_is_retried_after_throttling_and_succeeds() {
    let counted = after(Reply::throttled(None), "UpdateParameter", &UPDATE).await;
    assert_success(&counted.output);
    assert_eq!(counted.requests("UpdateParameter").len(), 2);
}

#[tokio::test]
async fn list_parameters_is_retried_after_a_server_error() {
    let internal_error = Reply::error(500, "InternalError", "The request processing has failed.");
    let counted = after(internal_error, "ListParameters", &["ListParameters"]).await;
    assert_success(&counted.output);
    assert_eq!(counted.requests("ListParameters").len(), 2);
}

#[tokio::test]
async fn start_execution_is_retried_after_a_reset_with_the_same_client_token() {
    let counted = after(
        Reply::drop_connection(),
        "StartExecution",
        &[
            "StartExecution",
            "--TemplateName",
            "ACS-ECS-BulkyStartInstances",
        ],
    )
    .await;
    assert_success(&counted.output);
    let requests = counted.requests("StartExecution");
    assert_eq!(requests.len(), 2);
    let token = &requests[0].query["ClientToken"];
    assert_eq!(token.len(), 36, "{token}");
    assert_eq!(&requests[1].query["ClientToken"], token);
}
