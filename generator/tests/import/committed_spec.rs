//! The OOS spec committed under `spec/oos/` (imported from the published metadata) loads
//! into the spec model, and writing it again gives the same text.

use std::fs;
use std::path::{Path, PathBuf};

use acs_codegen::import::HEADER;
use acs_codegen::spec::{OperationSpec, ServiceSpec};

fn spec_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/oos")
}

/// The text after the header line, which the serializer does not write.
fn body(text: &str) -> &str {
    text.strip_prefix(HEADER)
        .and_then(|rest| rest.strip_prefix('\n'))
        .expect("imported files start with the header")
}

#[test]
fn every_operation_loads_and_writes_back_unchanged() {
    let mut files: Vec<PathBuf> = fs::read_dir(spec_dir().join("operations"))
        .expect("spec/oos/operations exists")
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    files.sort();
    // The 94 actions of the metadata and the 10 the overlay adds.
    assert_eq!(files.len(), 104);
    for file in files {
        let text = fs::read_to_string(&file).expect("operation file reads");
        let operation: OperationSpec = serde_saphyr::from_str(&text)
            .unwrap_or_else(|error| panic!("{}: {error}", file.display()));
        let stem = file.file_stem().and_then(|stem| stem.to_str());
        assert_eq!(
            operation.name.as_ref().map(|name| name.value.as_str()),
            stem
        );
        let written = serde_saphyr::to_string(&operation).expect("operation writes");
        assert_eq!(written, body(&text), "{}", file.display());
    }
}

#[test]
fn service_loads_and_writes_back_unchanged() {
    let text = fs::read_to_string(spec_dir().join("service.yaml")).expect("service.yaml reads");
    let service: ServiceSpec = serde_saphyr::from_str(&text).expect("service.yaml loads");
    assert_eq!(service.product.value, "oos");
    assert_eq!(
        service
            .waiters
            .iter()
            .map(|waiter| waiter.name.value.as_str())
            .collect::<Vec<_>>(),
        ["ExecutionFinished"]
    );
    let written = serde_saphyr::to_string(&service).expect("service writes");
    assert_eq!(written, body(&text));
}
