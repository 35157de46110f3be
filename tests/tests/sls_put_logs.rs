//! The generated SLS SDK sends `PutLogs` as the official SDK sent it
//! (`tests/fixtures/official/sls/vectors.json`, recorded by its `record.py`): the log group
//! set through the generated request builder, the body a protobuf `LogGroup` compressed with
//! LZ4 by the runtime (the official SDK's facts mark the operation `log_group_request`), and
//! method, host, path, headers, body and `Authorization` the same byte for byte
//! (`tests/fixtures/official/sls/check_put_logs.rs`).
//!
//! `GetMachineGroup`, whose machine group is a path parameter, goes out the same with a name of
//! characters `requests` sends unencoded (`+ * & =`), a `%`, spaces, CJK and an emoji: the
//! path as `requests` encoded it, the signature over the name unencoded.
//!
//! The same SDK's `GetLogs` (a JSON array as the whole body) gives its caller the fields its
//! headers carry, typed, beside the logs: `x-log-progress`, `x-log-count`, … against the test
//! server (`tests/fixtures/official/sls/get_logs.rs`).
//!
//! The spec is `tests/fixtures/official/sls/spec/`, imported from the published metadata with
//! the official SDK's facts and only these operations:
//!
//! ```sh
//! cargo xtask import --openmeta <corpus>/sls/2020-12-30/api-docs.json \
//!     --into tests/fixtures/official/sls/spec --operations PutLogs,GetLogs,GetMachineGroup
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
fn the_generated_sls_sdk_sends_put_logs_as_the_official_sdk_did_and_reads_get_logs_headers() {
    let root = integration_tests::workspace_root();
    let fixtures = root.join("tests/fixtures/official/sls");
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sls-put-logs");

    let spec_files = fixture_specs(&fixtures.join("spec"));
    acs_codegen::scratch::write_workspace(root, &scratch, &spec_files).unwrap();
    acs_codegen::codegen(&scratch, Mode::Write).unwrap();

    let vectors_path = fixtures.join("vectors.json");
    let file: Value = serde_json::from_str(&fs::read_to_string(&vectors_path).unwrap()).unwrap();
    let vectors = file["vectors"].as_array().unwrap();
    assert!(
        !vectors.is_empty(),
        "no vector in {}",
        vectors_path.display()
    );
    let dir = acs_codegen::import::directory_name("Sls", "2020-12-30", false);
    let texts: BTreeMap<PathBuf, String> = spec_files
        .iter()
        .filter(|(path, _)| path.starts_with(Path::new("spec").join(&dir)))
        .map(|(path, text)| (path.clone(), text.clone()))
        .collect();
    let calls: Vec<(&str, Map<String, Value>)> = vectors.iter().map(call).collect();
    let requests: Vec<(&str, &Map<String, Value>)> = calls
        .iter()
        .map(|(operation, inputs)| (*operation, inputs))
        .collect();
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
    let printed = CheckCrate {
        name: "sls-put-logs-check",
        dev_dependencies: format!(
            "base64 = \"0.23\"\nhttp.workspace = true\n\
             tokio = {{ workspace = true, features = [\"macros\", \"rt-multi-thread\"] }}\n\
             alibabacloud-{dir} = {{ path = \"../{dir}\", features = [\"testing\"] }}\n"
        ),
        test_files: vec![
            (
                "put_logs.rs",
                format!(
                    "const VECTORS: &str = include_str!({:?});\ninclude!({:?});\n\n{tests}",
                    vectors_path,
                    fixtures.join("check_put_logs.rs")
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
    for passed in [vectors.len(), 1] {
        let passed = format!("test result: ok. {passed} passed; 0 failed");
        assert!(printed.contains(&passed), "expected {passed}:\n{printed}");
    }
}
