//! Support shared by the end-to-end tests in `tests/tests/`; the README's Rust examples are
//! compiled as this crate's doctests, so they cannot drift from the API.

#![forbid(unsafe_code)]

// Only where rustdoc collects doctests: the README is the workspace's, outside this crate's
// package (`cargo package` builds the crate without it).
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
mod readme {}

pub mod scratch_check;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use acs_runtime::{ConfigBuilder, Credentials, RetryConfig};
use acs_test_server::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, TestServer};
use alibabacloud_oos::{Client, Config};

/// The workspace's root directory.
pub fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is in the workspace")
}

/// The target directory this test was built in (`target/`, above `<profile>/deps/`).
pub fn target_dir() -> PathBuf {
    let test_executable = std::env::current_exe().expect("the test knows its path");
    test_executable
        .ancestors()
        .nth(3)
        .expect("target/<profile>/deps/<test>")
        .to_path_buf()
}

/// A test server that knows the default credentials and answers every operation with the
/// spec's sample response.
pub async fn server() -> TestServer {
    let server = TestServer::start().await.expect("the test server starts");
    alibabacloud_oos::testing::serve_examples(&server);
    server
}

/// The spec's sample response of `action`.
pub fn response_example(action: &str) -> &'static str {
    alibabacloud_oos::testing::RESPONSE_EXAMPLES
        .iter()
        .find(|(name, _)| *name == action)
        .unwrap_or_else(|| panic!("{action} has a sample response"))
        .1
}

/// A configuration for `server` with its default credentials; three attempts with a 5 ms
/// initial backoff, so that retried faults stay fast.
pub fn config(server: &TestServer) -> ConfigBuilder {
    Config::builder()
        .region("cn-hangzhou")
        .endpoint(server.endpoint())
        .credentials(Credentials::new(
            DEFAULT_ACCESS_KEY_ID,
            DEFAULT_ACCESS_KEY_SECRET,
            "test",
        ))
        .retry_config(RetryConfig::default().with_initial_backoff(Duration::from_millis(5)))
}

pub fn client(server: &TestServer) -> Client {
    Client::from_conf(
        config(server)
            .build()
            .expect("the test configuration is valid"),
    )
}

/// The `oos` binary of this build.
pub fn oos_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| build_binary("alibabacloud-oos-cli", "oos"))
}

/// The `oss` binary of this build, with its hand-written `cp` and `ls`.
pub fn oss_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| build_binary("alibabacloud-oss-cli", "oss"))
}

/// The `cs` binary of this build (Container Service, a ROA product).
pub fn cs_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| build_binary("alibabacloud-cs-cli", "cs"))
}

/// Builds `binary` of `package` once per test process: `cargo test` builds the CLI crate's
/// tests but not its binary, which may be missing or older than the runtime.
fn build_binary(package: &str, binary: &str) -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = std::process::Command::new(cargo)
        .args(["build", "--quiet", "-p", package, "--bin", binary])
        .status()
        .expect("cargo runs");
    assert!(built.success(), "building {binary} failed");
    let test_executable = std::env::current_exe().expect("the test knows its path");
    let profile_dir = test_executable
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps");
    profile_dir.join(format!("{binary}{}", std::env::consts::EXE_SUFFIX))
}

/// The official SDK's requests, recorded, that this SDK and `oos` must reproduce.
pub mod official {
    use std::collections::{BTreeMap, BTreeSet};

    use serde_json::Value;

    /// The 94 actions of the published metadata, copied from the shared vectors.
    pub const PUBLISHED: &str = "oos-official-requests.json";
    /// Recorded against a capturing server on 127.0.0.1: the ten actions the metadata lacks,
    /// the parameters it lacks, and the parameters this SDK types beyond the metadata.
    pub const RECORDED: &str = "oos-official-requests-recorded.json";

    /// One request of the official SDK: the inputs it was given, by wire name, and what it sent.
    pub struct OfficialRequest {
        pub action: String,
        pub inputs: serde_json::Map<String, Value>,
        pub method: String,
        pub path: String,
        /// Decoded, by key.
        pub query: BTreeMap<String, String>,
    }

    /// The requests of `tests/fixtures/<file>`.
    pub fn requests(file: &str) -> Vec<OfficialRequest> {
        let path = super::workspace_root().join("tests/fixtures").join(file);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
        let document: Value = serde_json::from_str(&text).expect("the fixture is JSON");
        document["cases"]
            .as_array()
            .expect("a list of cases")
            .iter()
            .map(|case| OfficialRequest {
                action: case["action"].as_str().unwrap().to_owned(),
                inputs: case["inputs"].as_object().unwrap().clone(),
                method: case["method"].as_str().unwrap().to_owned(),
                path: case["path"].as_str().unwrap().to_owned(),
                query: serde_json::from_value(case["query"].clone()).unwrap(),
            })
            .collect()
    }

    /// Every key whose value differs, described. Texts that are JSON objects or arrays of
    /// equal value are the same: an official JSON-valued parameter may order an object's keys
    /// otherwise (`vectors/README.md`).
    pub fn differences(
        ours: &BTreeMap<String, String>,
        official: &BTreeMap<String, String>,
    ) -> Vec<String> {
        let keys: BTreeSet<&String> = ours.keys().chain(official.keys()).collect();
        keys.into_iter()
            .filter_map(|key| match (ours.get(key), official.get(key)) {
                (Some(ours), Some(official)) if same_text(ours, official) => None,
                (ours, official) => Some(format!("{key}: ours {ours:?}, official {official:?}")),
            })
            .collect()
    }

    fn same_text(ours: &str, official: &str) -> bool {
        ours == official
            || matches!(
                (serde_json::from_str::<Value>(ours), serde_json::from_str::<Value>(official)),
                (Ok(ours @ (Value::Object(_) | Value::Array(_))), Ok(official)) if ours == official
            )
    }
}
