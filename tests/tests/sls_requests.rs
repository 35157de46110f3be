//! The generated SLS SDK sends `PutLogs` and `GetLogs` as the official SDK sent them
//! (`tests/fixtures/official/sls/vectors.json`, recorded by its `record.py`), method, host,
//! path, headers, body and `Authorization` the same byte for byte
//! (`tests/fixtures/official/sls/check_request.rs`):
//!
//! - `PutLogs`: the log group set through the generated request builder, the body a protobuf
//!   `LogGroup` compressed with LZ4 by the runtime (the official SDK's facts mark the operation
//!   `log_group_request`);
//! - `GetLogs`: `POST /logstores/{logstore}/logs` with its parameters in a JSON body, where the
//!   metadata says `GET /logstores/{logstore}?type=log` with a query (the official SDK's facts
//!   give its method, path and parameters' places, `generator/official-sdk-facts/`);
//! - `GetMachineGroup`, whose machine group is a path parameter, with a name of characters
//!   `requests` sends unencoded (`+ * & =`), a `%`, spaces, CJK and an emoji: the path as
//!   `requests` encoded it, the signature over the name unencoded.
//!
//! The same SDK's `GetLogs` reads the response the official model reads (`GetLogsV2`'s
//! `meta` and `data`) against the test server (`tests/fixtures/official/sls/get_logs.rs`).
//!
//! The spec is `tests/fixtures/official/sls/spec/`, imported from the published metadata with
//! the official SDK's facts and only these operations (`GetLogsV2` for the response `GetLogs`
//! is read as):
//!
//! ```sh
//! cargo xtask import --openmeta <corpus>/sls/2020-12-30/api-docs.json \
//!     --into tests/fixtures/official/sls/spec \
//!     --operations PutLogs,GetLogs,GetLogsV2,GetMachineGroup
//! ```
//!
//! It is generated into a scratch workspace with a test crate whose tests build each vector's
//! request through the generated builders (`acs_codegen::request_builders`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use acs_codegen::Mode;
use integration_tests::scratch_check::{CheckCrate, fixture_specs};
use serde_json::{Map, Value, json};

/// The `GetLogs` vector's operation and call as the generated request's inputs, by wire name:
/// the project, the Logstore and the request model's fields.
fn get_logs_call(vector: &Value) -> (&str, Map<String, Value>) {
    let mut inputs = vector["inputs"].as_object().unwrap().clone();
    inputs.insert("project".into(), vector["project"].clone());
    inputs.insert("logstore".into(), vector["logstore"].clone());
    ("GetLogs", inputs)
}

/// The vector's operation and its call as the generated request's inputs, by wire name: a
/// vector of another operation than `PutLogs` gives both; `PutLogs`'s log group is the whole
/// body (the metadata's `body`, a `LogGroup`).
fn call(vector: &Value) -> (&str, Map<String, Value>) {
    if let (Some(operation), Some(inputs)) = (vector["operation"].as_str(), vector.get("inputs")) {
        return (operation, inputs.as_object().unwrap().clone());
    }
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
    ("PutLogs", inputs)
}

#[test]
fn the_generated_sls_sdk_sends_put_logs_get_logs_and_get_machine_group_as_the_official_sdk_did() {
    let root = integration_tests::workspace_root();
    let fixtures = root.join("tests/fixtures/official/sls");
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sls-requests");

    let spec_files = fixture_specs(&fixtures.join("spec"));
    acs_codegen::scratch::write_workspace(root, &scratch, &spec_files).unwrap();
    acs_codegen::codegen(&scratch, Mode::Write).unwrap();

    let vectors_path = fixtures.join("vectors.json");
    let file: Value = serde_json::from_str(&fs::read_to_string(&vectors_path).unwrap()).unwrap();
    let mut calls: Vec<(&str, &Value, Map<String, Value>)> = Vec::new();
    for (list, call) in [
        ("vectors", call as fn(&Value) -> (&str, Map<String, Value>)),
        ("get_logs", get_logs_call),
    ] {
        calls.extend(file[list].as_array().unwrap().iter().map(|vector| {
            let (operation, inputs) = call(vector);
            (operation, vector, inputs)
        }));
    }
    for operation in ["PutLogs", "GetLogs", "GetMachineGroup"] {
        assert!(
            calls.iter().any(|(called, _, _)| *called == operation),
            "no {operation} vector in {}",
            vectors_path.display()
        );
    }
    let dir = acs_codegen::import::directory_name("Sls", "2020-12-30", false);
    let texts: BTreeMap<PathBuf, String> = spec_files
        .iter()
        .filter(|(path, _)| path.starts_with(Path::new("spec").join(&dir)))
        .map(|(path, text)| (path.clone(), text.clone()))
        .collect();
    let requests: Vec<(&str, &Map<String, Value>)> = calls
        .iter()
        .map(|(operation, _, inputs)| (*operation, inputs))
        .collect();
    let builders = acs_codegen::request_builders(&dir, &texts, &requests).unwrap();
    let mut tests = String::new();
    for ((_, vector, _), builder) in calls.iter().zip(builders) {
        let name = vector["name"].as_str().unwrap();
        writeln!(
            tests,
            "#[test]\nfn {}() {{\n    check({name:?}, {builder});\n}}\n",
            name.replace('-', "_")
        )
        .unwrap();
    }
    let printed = CheckCrate {
        name: "sls-requests-check",
        dev_dependencies: format!(
            "base64 = \"0.23\"\nhttp.workspace = true\n\
             tokio = {{ workspace = true, features = [\"macros\", \"rt-multi-thread\"] }}\n\
             alibabacloud-{dir} = {{ path = \"../{dir}\", features = [\"testing\"] }}\n"
        ),
        test_files: vec![
            (
                "requests.rs",
                format!(
                    "const VECTORS: &str = include_str!({:?});\ninclude!({:?});\n\n{tests}",
                    vectors_path,
                    fixtures.join("check_request.rs")
                ),
            ),
            (
                "get_logs.rs",
                format!("include!({:?});\n", fixtures.join("get_logs.rs")),
            ),
        ],
    }
    .run(&scratch);
    // Every vector was checked (one test each, none left out), and GetLogs's one test ran.
    for passed in [calls.len(), 1] {
        let passed = format!("test result: ok. {passed} passed; 0 failed");
        assert!(printed.contains(&passed), "expected {passed}:\n{printed}");
    }
}
