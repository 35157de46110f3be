//! Values from files and standard input, and where the region comes from.

use std::path::PathBuf;

use acs_test_server::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET};
use integration_tests::server;
use serde_json::json;

use crate::{assert_fails, oos, run, run_with_stdin, stderr, stdout};

/// A scratch directory of this test process, emptied first.
fn scratch(name: &str) -> PathBuf {
    let directory = std::env::temp_dir().join(format!("oos-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&directory);
    std::fs::create_dir_all(&directory).unwrap();
    directory
}

#[tokio::test]
async fn file_urls_send_the_files_text() {
    let server = server().await;
    let directory = scratch("file-url");
    let template =
        "FormatVersion: OOS-2019-06-01\nTasks:\n  - Name: sleep\n    Action: ACS::Sleep\n";
    std::fs::write(directory.join("t.yaml"), template).unwrap();
    std::fs::write(directory.join("tags.json"), r#"{"team": "ops"}"#).unwrap();
    let mut command = oos();
    command.current_dir(&directory).args([
        "CreateTemplate",
        "--TemplateName",
        "T",
        "--Content",
        "file://t.yaml",
        "--Tags",
        &format!("file://{}", directory.join("tags.json").display()),
        "--endpoint",
        &server.endpoint(),
    ]);
    let output = command.output().await.unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let request = &server.requests()[0];
    assert!(request.signature_verified);
    assert_eq!(request.query["Content"], template);
    let tags: serde_json::Value = serde_json::from_str(&request.query["Tags"]).unwrap();
    assert_eq!(tags, json!({"team": "ops"}));

    let missing = run(
        &server,
        &[
            "CreateTemplate",
            "--TemplateName",
            "T",
            "--Content",
            "file://nowhere.yaml",
        ],
    )
    .await;
    assert_fails(&missing, 2, "cannot read `nowhere.yaml`");
    assert_eq!(server.requests().len(), 1);
    std::fs::remove_dir_all(&directory).unwrap();
}

#[tokio::test]
async fn secrets_come_from_stdin_and_stay_out_of_dry_runs() {
    let server = server().await;
    let secret_value = "stdin-secret-value-8642";
    let mut command = oos();
    command.args([
        "CreateSecretParameter",
        "--Name",
        "db-password",
        "--Value",
        "-",
        "--endpoint",
        &server.endpoint(),
    ]);
    let output = run_with_stdin(command, secret_value).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(server.requests()[0].query["Value"], secret_value);

    let mut dry_run = oos();
    dry_run
        .args([
            "CreateSecretParameter",
            "--Name",
            "db-password",
            "--Value",
            "-",
            "--dry-run",
        ])
        .args(["--endpoint", &server.endpoint()]);
    let printed = run_with_stdin(dry_run, secret_value).await;
    assert_eq!(printed.status.code(), Some(0), "{}", stderr(&printed));
    assert!(
        stdout(&printed).contains("Value = ** redacted **"),
        "{}",
        stdout(&printed)
    );
    assert!(!stdout(&printed).contains(secret_value));
    assert_eq!(server.requests().len(), 1);

    let mut twice = oos();
    twice.args([
        "CreateSecretParameter",
        "--Name",
        "-",
        "--Value",
        "-",
        "--dry-run",
    ]);
    let refused = run_with_stdin(twice, secret_value).await;
    assert_fails(&refused, 2, "only one value");
}

/// The access key secret from stdin or a file, so that it is not in the process list; the
/// server checks the signature made with it.
#[tokio::test]
async fn the_access_key_secret_comes_from_stdin_or_a_file() {
    let server = server().await;
    let directory = scratch("secret-file");
    let secret_file = directory.join("secret");
    std::fs::write(&secret_file, format!("{DEFAULT_ACCESS_KEY_SECRET}\n")).unwrap();
    let call = |secret: String| {
        let mut command = oos();
        command
            .env_remove("ALIBABA_CLOUD_ACCESS_KEY_ID")
            .env_remove("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
            .env("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
            .args([
                "GetTemplate",
                "--TemplateName",
                "T",
                "--endpoint",
                &server.endpoint(),
            ])
            .args([
                "--access-key-id",
                DEFAULT_ACCESS_KEY_ID,
                "--access-key-secret",
                &secret,
            ]);
        command
    };
    let from_stdin =
        run_with_stdin(call("-".into()), &format!("{DEFAULT_ACCESS_KEY_SECRET}\n")).await;
    assert_eq!(from_stdin.status.code(), Some(0), "{}", stderr(&from_stdin));
    let from_file = call(format!("file://{}", secret_file.display()))
        .output()
        .await
        .unwrap();
    assert_eq!(from_file.status.code(), Some(0), "{}", stderr(&from_file));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|request| request.signature_verified));

    let mut dry_run = call("-".into());
    dry_run.arg("--dry-run");
    let printed = run_with_stdin(dry_run, DEFAULT_ACCESS_KEY_SECRET).await;
    assert_eq!(printed.status.code(), Some(0), "{}", stderr(&printed));
    assert!(!stdout(&printed).contains(DEFAULT_ACCESS_KEY_SECRET));
    assert_eq!(server.requests().len(), 2);
    std::fs::remove_dir_all(&directory).unwrap();
}

async fn dry_run_host(home: &std::path::Path, env: &[(&str, &str)], args: &[&str]) -> String {
    let mut command = oos();
    command
        .env("HOME", home)
        .args(["GetTemplate", "--TemplateName", "T", "--dry-run"])
        .args(args);
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().await.unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let first_line = stdout(&output).lines().next().unwrap().to_string();
    first_line
        .strip_prefix("POST https://")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or(&first_line)
        .to_string()
}

/// As aliyun-cli: `--region`, then the call's own `--RegionId`, then `ALIBABA_CLOUD_REGION_ID`,
/// then the profile's region.
#[tokio::test]
async fn the_region_comes_from_the_flag_the_call_the_environment_then_the_profile() {
    let empty_home = scratch("no-profile");
    let region_id = dry_run_host(&empty_home, &[], &["--RegionId", "cn-shanghai"]).await;
    assert_eq!(region_id, "oos.cn-shanghai.aliyuncs.com");

    let home = scratch("region-profile");
    std::fs::create_dir_all(home.join(".aliyun")).unwrap();
    let config = json!({
        "current": "default",
        "profiles": [{"name": "default", "mode": "AK", "access_key_id": DEFAULT_ACCESS_KEY_ID,
                      "access_key_secret": DEFAULT_ACCESS_KEY_SECRET, "region_id": "cn-beijing"}]
    });
    std::fs::write(home.join(".aliyun/config.json"), config.to_string()).unwrap();
    // Each source in turn, each one over those before it.
    let env = [("ALIBABA_CLOUD_REGION_ID", "cn-qingdao")];
    assert_eq!(
        dry_run_host(&home, &[], &[]).await,
        "oos.cn-beijing.aliyuncs.com"
    );
    assert_eq!(
        dry_run_host(&home, &env, &[]).await,
        "oos.cn-qingdao.aliyuncs.com"
    );
    let region_id = ["--RegionId", "cn-shanghai"];
    let host = dry_run_host(&home, &env, &region_id).await;
    assert_eq!(host, "oos.cn-shanghai.aliyuncs.com");
    let both = [&region_id[..], &["--region", "cn-shenzhen"]].concat();
    let host = dry_run_host(&home, &env, &both).await;
    assert_eq!(host, "oos.cn-shenzhen.aliyuncs.com");
    for directory in [empty_home, home] {
        std::fs::remove_dir_all(directory).unwrap();
    }
}

#[tokio::test]
async fn no_region_at_all_is_a_configuration_error() {
    let home = scratch("no-region");
    let mut command = oos();
    command
        .env("HOME", &home)
        .args(["GetTemplate", "--TemplateName", "T", "--dry-run"]);
    let output = command.output().await.unwrap();
    assert_eq!(output.status.code(), Some(5), "{}", stderr(&output));
    std::fs::remove_dir_all(home).unwrap();
}

/// A value may start with `-`, given after the flag or after `=` (SLB documents `--Bandwidth
/// -1` for no limit), but an option of the command is not a value: the call is refused
/// rather than sent without it.
#[tokio::test]
async fn values_may_start_with_a_hyphen() {
    let server = server().await;
    let output = run(
        &server,
        &[
            "ListExecutions",
            "--MaxResults",
            "-1",
            "--TemplateName=-1.5e3",
            "--Status",
            "--not-an-option",
            "--execution-id",
            "-",
        ],
    )
    .await;
    // `-` alone is standard input, which is empty here.
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let request = &server.requests()[0];
    assert!(request.signature_verified);
    assert_eq!(request.query["MaxResults"], "-1");
    assert_eq!(request.query["TemplateName"], "-1.5e3");
    assert_eq!(request.query["Status"], "--not-an-option");
    assert_eq!(request.query["ExecutionId"], "");

    let refused = run(&server, &["ListExecutions", "--TemplateName", "--dry-run"]).await;
    assert_fails(&refused, 2, "`--dry-run` is an option of this command");
    let not_a_number = run(&server, &["ListExecutions", "--MaxResults=-x"]).await;
    assert_fails(&not_a_number, 2, "--MaxResults");
    assert_eq!(server.requests().len(), 1);
}
