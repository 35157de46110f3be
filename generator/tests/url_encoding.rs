//! `query_defaults` and `url_encoded_response` (OSS's `encoding-type=url`) reach the IR from a
//! spec, and a default naming no query parameter or a path ending nowhere but at text is
//! reported where it is written.

use std::path::{Path, PathBuf};

use acs_codegen::load::{OperationFile, SchemasFile, ServiceFiles};
use acs_codegen::spec::{OperationSpec, SchemasSpec};
use acs_codegen::{ir, lower, yaml};

const OPERATION: &str = include_str!("../../spec/oss/operations/ListObjectsV2.yaml");
const SERVICE: &str = include_str!("../../spec/oss/service.yaml");
const SCHEMAS: &str = include_str!("../../spec/oss/schemas.yaml");
const PATH: &str = "spec/oss/operations/ListObjectsV2.yaml";

fn lowered(operation: &str) -> Result<ir::Service, String> {
    let spec: OperationSpec = yaml::parse(Path::new(PATH), operation).unwrap();
    let schemas: SchemasSpec = yaml::parse(Path::new("spec/oss/schemas.yaml"), SCHEMAS).unwrap();
    let files = ServiceFiles {
        dir_name: "oss".into(),
        service_path: PathBuf::from("spec/oss/service.yaml"),
        service: yaml::parse(Path::new("spec/oss/service.yaml"), SERVICE).unwrap(),
        schemas: Some(SchemasFile {
            path: PathBuf::from("spec/oss/schemas.yaml"),
            schemas,
        }),
        changelog: None,
        operations: vec![OperationFile {
            path: PathBuf::from(PATH),
            spec,
        }],
        unparsed_operations: Vec::new(),
    };
    lower::lower(&files).map_err(|diagnostics| {
        diagnostics
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    })
}

#[test]
fn the_defaults_and_the_decoded_fields_reach_the_operation() {
    let service = lowered(OPERATION).unwrap();
    let operation = &service.operations[0];
    assert_eq!(
        operation.query_defaults,
        [("encoding-type".to_owned(), "url".to_owned())]
    );
    assert_eq!(
        operation.url_encoded_response,
        [
            "Prefix",
            "StartAfter",
            "ContinuationToken",
            "Delimiter",
            "NextContinuationToken",
            "Contents.Key",
            "CommonPrefixes.Prefix"
        ]
    );
}

#[test]
fn a_default_of_no_query_parameter_is_an_error() {
    let text = OPERATION.replace("  encoding-type: url", "  encodingtype: url");
    let error = lowered(&text).unwrap_err();
    assert!(
        error.contains("`query_defaults` names `encodingtype`, no query parameter"),
        "{error}"
    );
}

#[test]
fn a_decoded_field_that_is_no_text_under_the_root_is_an_error() {
    for (written, path) in [
        ("- Contents.Size", "Contents.Size"),
        ("- Contents", "Contents"),
        ("- Contents.Nothing", "Contents.Nothing"),
    ] {
        let text = OPERATION.replace("- Contents.Key", written);
        let error = lowered(&text).unwrap_err();
        assert!(
            error.contains(&format!(
                "`url_encoded_response` names `{path}`, no text field"
            )),
            "{error}"
        );
    }
}
