//! Files as written: header, YAML layout, loading back, determinism.

use std::path::PathBuf;

use acs_codegen::import::{HEADER, import_specs};
use acs_codegen::spec::{OperationSpec, ServiceSpec};

use crate::{FIXTURES, assert_same, fixture, fixture_overlay, import_fixture};

#[test]
fn one_file_per_operation_plus_service() {
    let files = import_specs(&fixture("pagination.json"), None, None)
        .and_then(|specs| specs.to_files())
        .expect("fixture imports");
    let names: Vec<PathBuf> = files.keys().cloned().collect();
    let expected: Vec<PathBuf> = [
        "operations/DescribeDomains.yaml",
        "operations/DescribeQuota.yaml",
        "operations/GetSession.yaml",
        "operations/ListAmbiguous.yaml",
        "operations/ListBuckets.yaml",
        "operations/ListByOffset.yaml",
        "operations/ListByPageNo.yaml",
        "operations/ListInBody.yaml",
        "operations/ListJobs.yaml",
        "operations/ListMixed.yaml",
        "operations/ListNestedAmbiguous.yaml",
        "operations/ListPages.yaml",
        "operations/ListReports.yaml",
        "operations/ListTagResources.yaml",
        "operations/ListThings.yaml",
        "operations/ListUsers.yaml",
        "operations/ListWithoutOutputToken.yaml",
        "operations/RecognizeDocument.yaml",
        "schemas.yaml",
        "service.yaml",
    ]
    .iter()
    .map(PathBuf::from)
    .collect();
    assert_eq!(names, expected);
}

#[test]
fn every_file_loads_back_into_equal_data() {
    for name in FIXTURES {
        let overlay = fixture_overlay(name);
        for overlay in [None, overlay.as_deref()] {
            let specs = import_fixture(name, overlay);
            let files = specs.to_files().expect("specs write");
            for (action, operation) in &specs.operations {
                let text = &files[&PathBuf::from(format!("operations/{action}.yaml"))];
                assert!(text.starts_with(&format!("{HEADER}\n")), "{action}");
                let loaded: OperationSpec = serde_saphyr::from_str(text)
                    .unwrap_or_else(|error| panic!("{name} {action}: {error}"));
                let text = serde_saphyr::to_string(operation).expect("spec writes");
                assert_same(&loaded, &text);
            }
            let service_text = &files[&PathBuf::from("service.yaml")];
            let loaded: ServiceSpec = serde_saphyr::from_str(service_text).expect("service loads");
            assert_same(
                &loaded,
                &serde_saphyr::to_string(&specs.service).expect("spec writes"),
            );
        }
    }
}

#[test]
fn two_runs_give_the_same_bytes() {
    for name in FIXTURES {
        let metadata = fixture(name);
        let overlay = fixture_overlay(name);
        let run = || {
            import_specs(&metadata, None, overlay.as_deref())
                .and_then(|specs| specs.to_files())
                .expect("fixture imports")
        };
        assert_eq!(run(), run(), "{name}");
    }
}

#[test]
fn layout_of_an_operation_file() {
    let files = import_specs(&fixture("types.json"), None, None)
        .and_then(|specs| specs.to_files())
        .expect("fixture imports");
    let text = &files[&PathBuf::from("operations/DescribeScalars.yaml")];
    let expected = r#"# Imported from OpenMeta by `cargo xtask import`; hand refinements belong in overlay.yaml, not here.
name: DescribeScalars
summary: Describes every scalar.
description: |-
  First paragraph.

  Second paragraph, long enough to be folded when it is written out as YAML by the importer.
methods:
- POST
- GET
ram:
  action: demo:DescribeScalars
  access_level: get
read_only: true
request:
- name: Name
  in: query
  required: true
  type: string
  description: The name.
  example: demo
"#;
    assert!(
        text.starts_with(expected),
        "actual:\n{text}\nexpected to start with:\n{expected}"
    );
    let expected_end = r#"response_example: |-
  {
    "RequestId": "r-1",
    "Ready": true
  }
"#;
    assert!(text.ends_with(expected_end), "actual:\n{text}");
}
