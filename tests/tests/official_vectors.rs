//! Generated SDKs of products other than OOS and Container Service, in every style of the
//! metadata (RPC, ROA, V3, FC, PDS, AliGenie), send what Alibaba Cloud's official Python SDKs
//! sent for the same inputs: `tests/fixtures/official/vectors.json`, recorded on 127.0.0.1 by
//! `tests/fixtures/official/record.py` (its header says how to record them again).
//!
//! The specs are the fixtures under `tests/fixtures/official/spec/`, imported from the
//! published metadata with only the operations the vectors call:
//!
//! ```sh
//! cargo xtask import --openmeta <corpus>/ecs/2014-05-26/api-docs.json \
//!     --into tests/fixtures/official/spec --operations DescribeInstances,RunInstances,TagResources
//! ```
//!
//! (one such command per product, `--operations` listing the vectors' actions). They are
//! generated into one scratch workspace with a test crate whose tests build each vector's
//! request through the generated builders (`acs_codegen::request_builders`), have the runtime
//! sign it at the vector's date with its nonce, and compare what the runtime would send, its
//! canonical request and its `Authorization` with the vector's
//! (`tests/fixtures/official/check.rs`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use acs_codegen::Mode;
use integration_tests::scratch_check::{CheckCrate, fixture_specs};
use serde_json::Value;

/// `ecs-describe-instances` → `ecs_describe_instances`.
fn test_name(vector: &str) -> String {
    vector.replace('-', "_")
}

#[test]
fn generated_sdks_send_what_the_official_sdks_sent() {
    let root = integration_tests::workspace_root();
    let fixtures = root.join("tests/fixtures/official");
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("official-vectors");

    let spec_files = fixture_specs(&fixtures.join("spec"));
    acs_codegen::scratch::write_workspace(root, &scratch, &spec_files).unwrap();
    acs_codegen::codegen(&scratch, Mode::Write).unwrap();

    // Each vector's request, built through its SDK's builders.
    let vectors_path = fixtures.join("vectors.json");
    let vectors: Value = serde_json::from_str(&fs::read_to_string(&vectors_path).unwrap()).unwrap();
    let vectors = vectors["vectors"].as_array().unwrap();
    let mut by_dir: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
    for vector in vectors {
        let product = vector["product"].as_str().unwrap();
        let version = vector["version"].as_str().unwrap();
        let dir = acs_codegen::import::directory_name(product, version, false);
        by_dir.entry(dir).or_default().push(vector);
    }
    let mut tests = String::new();
    let mut dependencies = String::new();
    for (dir, vectors) in &by_dir {
        let spec_prefix = Path::new("spec").join(dir);
        let texts: BTreeMap<PathBuf, String> = spec_files
            .iter()
            .filter(|(path, _)| path.starts_with(&spec_prefix))
            .map(|(path, text)| (path.clone(), text.clone()))
            .collect();
        assert!(!texts.is_empty(), "no fixture spec for {dir}");
        let requests: Vec<(&str, &serde_json::Map<String, Value>)> = vectors
            .iter()
            .map(|vector| {
                (
                    vector["action"].as_str().unwrap(),
                    vector["inputs"].as_object().unwrap(),
                )
            })
            .collect();
        let builders = acs_codegen::request_builders(dir, &texts, &requests)
            .unwrap_or_else(|error| panic!("{dir}: {error}"));
        for (vector, builder) in vectors.iter().zip(builders) {
            let name = vector["name"].as_str().unwrap();
            writeln!(
                tests,
                "#[test]\nfn {}() {{\n    check({name:?}, {builder});\n}}\n",
                test_name(name)
            )
            .unwrap();
        }
        writeln!(
            dependencies,
            "alibabacloud-{dir} = {{ path = \"../{dir}\" }}"
        )
        .unwrap();
    }
    let printed = CheckCrate {
        name: "official-vectors",
        dev_dependencies: dependencies,
        test_files: vec![(
            "vectors.rs",
            format!(
                "const VECTORS: &str = include_str!({:?});\ninclude!({:?});\n\n{tests}",
                vectors_path,
                fixtures.join("check.rs")
            ),
        )],
    }
    .run(&scratch);
    // Every vector was checked: one test each, and none left out.
    let passed = format!("test result: ok. {} passed; 0 failed", vectors.len());
    assert!(printed.contains(&passed), "expected {passed}:\n{printed}");
}
