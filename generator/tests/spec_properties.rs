//! The spec loader and validator never panic, whatever the input: every problem is a
//! diagnostic.

use std::path::{Path, PathBuf};

use acs_codegen::load::{OperationFile, ServiceFiles};
use acs_codegen::spec::{OperationSpec, ServiceSpec};
use acs_codegen::{lower, yaml};
use proptest::prelude::*;

const OPERATION: &str = include_str!("../../spec/oos/operations/ListInstancePatchStates.yaml");
const SERVICE: &str = include_str!("../../spec/oos/service.yaml");

/// Parses `text` as an operation and, if it parses, validates it within the real service.
fn load_and_lower(text: &str) {
    let path = Path::new("spec/oos/operations/ListInstancePatchStates.yaml");
    let Ok(spec) = yaml::parse::<OperationSpec>(path, text) else {
        return;
    };
    let service: ServiceSpec = yaml::parse(Path::new("spec/oos/service.yaml"), SERVICE).unwrap();
    let files = ServiceFiles {
        dir_name: "oos".into(),
        service_path: PathBuf::from("spec/oos/service.yaml"),
        service,
        schemas: None,
        changelog: None,
        operations: vec![OperationFile {
            path: path.to_path_buf(),
            spec,
        }],
        unparsed_operations: Vec::new(),
    };
    let _ = lower::lower(&files);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC*") {
        load_and_lower(&text);
    }

    /// Edits of a real spec: deleted, inserted and replaced spans at random places, which
    /// keep most of the YAML well-formed and so reach validation.
    #[test]
    fn edited_specs_never_panic(edits in proptest::collection::vec((0..OPERATION.len(), 0usize..40, "[ -~\\n]{0,12}"), 1..6)) {
        let mut text = OPERATION.to_string();
        for (at, removed, inserted) in edits {
            let start = floor_char_boundary(&text, at.min(text.len()));
            let end = floor_char_boundary(&text, (start + removed).min(text.len()));
            text.replace_range(start..end, &inserted);
        }
        load_and_lower(&text);
    }
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

#[test]
fn the_real_spec_lowers_without_diagnostics() {
    let path = Path::new("spec/oos/operations/ListInstancePatchStates.yaml");
    let spec: OperationSpec = yaml::parse(path, OPERATION).unwrap();
    let service: ServiceSpec = yaml::parse(Path::new("spec/oos/service.yaml"), SERVICE).unwrap();
    let files = ServiceFiles {
        dir_name: "oos".into(),
        service_path: PathBuf::from("spec/oos/service.yaml"),
        service,
        schemas: None,
        changelog: None,
        operations: vec![OperationFile {
            path: path.to_path_buf(),
            spec,
        }],
        unparsed_operations: Vec::new(),
    };
    // The real service declares a waiter on ListExecutions, which this one-operation service
    // lacks: that is the only diagnostic.
    let diagnostics = lower::lower(&files).unwrap_err();
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert!(
        diagnostics[0]
            .message
            .contains("unknown operation `ListExecutions`")
    );
}
