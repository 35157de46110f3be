//! The generated SLS SDK sends `PutLogs` as the official SDK sent it
//! (`tests/fixtures/official/sls/vectors.json`, recorded by its `record.py`): the log group
//! set through the generated request builder, the body a protobuf `LogGroup` compressed with
//! LZ4 by the runtime (the official SDK's facts mark the operation `log_group_request`), and
//! method, host, path, headers, body and `Authorization` the same byte for byte
//! (`tests/fixtures/official/sls/check_put_logs.rs`).
//!
//! The spec is `tests/fixtures/official/sls/spec/`, imported from the published metadata with
//! the official SDK's facts and only this operation:
//!
//! ```sh
//! cargo xtask import --openmeta <corpus>/sls/2020-12-30/api-docs.json \
//!     --into tests/fixtures/official/sls/spec --operations PutLogs
//! ```
//!
//! It is generated into a scratch workspace with a test crate whose tests build each vector's
//! request through the generated builders (`acs_codegen::request_builders`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use acs_codegen::Mode;
use serde_json::{Map, Value, json};

/// The vector's call as the generated request's inputs, by wire name: the log group is the
/// whole body (the metadata's `body`, a `LogGroup`).
fn inputs(vector: &Value) -> Map<String, Value> {
    let pairs = |list: &Value| -> Vec<Value> {
        list.as_array()
            .map(|pairs| {
                pairs
                    .iter()
                    .map(|pair| json!({"Key": pair[0], "Value": pair[1]}))
                    .collect()
            })
            .unwrap_or_default()
    };
    let group = &vector["log_group"];
    let logs: Vec<Value> = group["LogItems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|log| json!({"Time": log["Time"], "Contents": pairs(&log["Contents"])}))
        .collect();
    let mut body = Map::new();
    body.insert("LogItems".into(), Value::Array(logs));
    body.insert("LogTags".into(), Value::Array(pairs(&group["LogTags"])));
    for optional in ["Topic", "Source"] {
        if let Some(value) = group.get(optional) {
            body.insert(optional.into(), value.clone());
        }
    }
    let mut inputs = Map::new();
    inputs.insert("project".into(), vector["project"].clone());
    inputs.insert("logstore".into(), vector["logstore"].clone());
    inputs.insert("x-log-compresstype".into(), vector["compress_type"].clone());
    inputs.insert("body".into(), Value::Object(body));
    inputs
}

#[test]
fn the_generated_sls_sdk_sends_put_logs_as_the_official_sdk_did() {
    let root = integration_tests::workspace_root();
    let fixtures = root.join("tests/fixtures/official/sls");
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sls-put-logs");

    let mut spec_files = BTreeMap::new();
    let spec_root = fixtures.join("spec");
    let mut pending = vec![spec_root.clone()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.file_name().is_some_and(|name| name != "overlay.yaml") {
                let relative = path.strip_prefix(&spec_root).unwrap();
                spec_files.insert(
                    Path::new("spec").join(relative),
                    fs::read_to_string(&path).unwrap(),
                );
            }
        }
    }
    acs_codegen::scratch::write_workspace(root, &scratch, &spec_files).unwrap();
    acs_codegen::codegen(&scratch, Mode::Write).unwrap();

    let vectors_path = fixtures.join("vectors.json");
    let file: Value = serde_json::from_str(&fs::read_to_string(&vectors_path).unwrap()).unwrap();
    let vectors = file["vectors"].as_array().unwrap();
    let dir = acs_codegen::import::directory_name("Sls", "2020-12-30", false);
    let texts: BTreeMap<PathBuf, String> = spec_files
        .iter()
        .filter(|(path, _)| path.starts_with(Path::new("spec").join(&dir)))
        .map(|(path, text)| (path.clone(), text.clone()))
        .collect();
    let inputs: Vec<Map<String, Value>> = vectors.iter().map(inputs).collect();
    let requests: Vec<(&str, &Map<String, Value>)> =
        inputs.iter().map(|inputs| ("PutLogs", inputs)).collect();
    let builders = acs_codegen::request_builders(&dir, &texts, &requests).unwrap();
    let mut tests = String::new();
    for (vector, builder) in vectors.iter().zip(builders) {
        let name = vector["name"].as_str().unwrap();
        writeln!(
            tests,
            "#[test]\nfn {}() {{\n    check({name:?}, {builder});\n}}\n",
            name.replace('-', "_")
        )
        .unwrap();
    }
    let crate_dir = scratch.join("generated/sls-put-logs-check");
    fs::create_dir_all(crate_dir.join("tests")).unwrap();
    fs::write(
        crate_dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"sls-put-logs-check\"\nversion = \"0.0.0\"\npublish = false\n\
             edition.workspace = true\n\n[dev-dependencies]\nacs-runtime.workspace = true\n\
             base64 = \"0.23\"\nserde_json.workspace = true\n\
             alibabacloud-{dir} = {{ path = \"../{dir}\" }}\n"
        ),
    )
    .unwrap();
    fs::write(
        crate_dir.join("tests/put_logs.rs"),
        format!(
            "const VECTORS: &str = include_str!({:?});\ninclude!({:?});\n\n{tests}",
            vectors_path,
            fixtures.join("check_put_logs.rs")
        ),
    )
    .unwrap();

    // This workspace's target directory: the dependencies are built there already.
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["test", "--quiet", "--offline", "-p", "sls-put-logs-check"])
        .current_dir(&scratch)
        .env("CARGO_TARGET_DIR", integration_tests::target_dir())
        .output()
        .unwrap();
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{printed}");
    let passed = format!("test result: ok. {} passed; 0 failed", vectors.len());
    assert!(printed.contains(&passed), "expected {passed}:\n{printed}");
    assert!(!printed.contains("warning"), "{printed}");
}
