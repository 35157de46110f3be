//! A project outside this repository uses a product's crates as `cargo xtask package` writes
//! them, and nothing else of the repository: it builds against them alone and calls the test
//! server they bring. STS is the product: the smallest, and one the runtime's crates need.

use std::fs;
use std::path::Path;
use std::process::Command;

#[test]
fn a_project_outside_the_repository_builds_with_the_packaged_crates_and_calls_the_test_server() {
    let root = integration_tests::workspace_root();
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("standalone");
    let crates = scratch.join("crates");
    let _ = fs::remove_dir_all(&crates);
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());

    // `cargo xtask package sts --out DIR`, from the crates.io index cargo already has.
    let output = Command::new(&cargo)
        .args([
            "run",
            "--quiet",
            "--package",
            "xtask",
            "--",
            "package",
            "sts",
            "--out",
        ])
        .arg(&crates)
        .current_dir(root)
        .env("CARGO_NET_OFFLINE", "true")
        .env("CARGO_TARGET_DIR", integration_tests::target_dir())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", printed(&output));
    let mut written: Vec<String> = fs::read_dir(&crates)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(
        written,
        [
            "acs-cli",
            "acs-credentials",
            "acs-runtime",
            "acs-test-server",
            "alibabacloud-sts",
            "alibabacloud-sts-cli"
        ]
    );
    for name in &written {
        let manifest = fs::read_to_string(crates.join(name).join("Cargo.toml")).unwrap();
        assert!(!manifest.contains(".workspace"), "{name} is standalone");
    }

    // The project: the SDK by path with its `testing` feature, tokio from the registry, and
    // this workspace's lock file so that the registry's crates are those already fetched.
    let project = scratch.join("consumer");
    fs::create_dir_all(project.join("src")).unwrap();
    fs::write(
        project.join("Cargo.toml"),
        "[package]\nname = \"consumer\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\n\
         alibabacloud-sts = { path = \"../crates/alibabacloud-sts\", features = [\"testing\"] }\n\
         tokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\n\n\
         [workspace]\n",
    )
    .unwrap();
    fs::write(project.join("src/main.rs"), CONSUMER).unwrap();
    fs::copy(root.join("Cargo.lock"), project.join("Cargo.lock")).unwrap();
    let output = Command::new(&cargo)
        .args(["run", "--quiet", "--offline"])
        .current_dir(&project)
        // Its own target directory: nothing of this workspace's build may leak into it.
        .env("CARGO_TARGET_DIR", scratch.join("target"))
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap();
    let printed = printed(&output);
    assert!(output.status.success(), "{printed}");
    assert!(
        printed.contains("GetCallerIdentity answered by the test server, signature verified"),
        "{printed}"
    );
}

/// The project's program: a signed call to the test server through the packaged SDK.
const CONSUMER: &str = r#"use alibabacloud_sts::testing::{
    DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, TestServer, serve_examples,
};
use alibabacloud_sts::{Client, Config, Credentials};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = TestServer::start().await?;
    serve_examples(&server);
    let config = Config::builder()
        .region("cn-hangzhou")
        .endpoint(server.endpoint())
        .credentials(Credentials::new(
            DEFAULT_ACCESS_KEY_ID,
            DEFAULT_ACCESS_KEY_SECRET,
            "consumer",
        ))
        .build()?;
    let identity = Client::from_conf(config).get_caller_identity().send().await?;
    assert!(identity.account_id.is_some());
    let sent = server.requests();
    assert_eq!(sent[0].action.as_deref(), Some("GetCallerIdentity"));
    assert!(sent[0].signature_verified);
    println!("GetCallerIdentity answered by the test server, signature verified");
    Ok(())
}
"#;

fn printed(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}
