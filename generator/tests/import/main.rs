//! Importer tests on hand-written OpenMeta fixtures (`tests/fixtures/openmeta/`); none reads
//! the published metadata.

mod committed_spec;
mod facts;
mod files;
mod leniency;
mod mapping;
mod naming;
mod official_rules;
mod overlay;
mod pagination;
mod sensitive;

use std::path::Path;

use acs_codegen::import::{ImportedSpecs, import_specs};
use acs_codegen::spec::{OperationSpec, Shape};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub const FIXTURES: [&str; 3] = ["types.json", "pagination.json", "clashes.json"];

pub fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/openmeta")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// The overlay kept beside a fixture (`types.overlay.yaml` for `types.json`), if any.
pub fn fixture_overlay(name: &str) -> Option<String> {
    let overlay = name.replace(".json", ".overlay.yaml");
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/openmeta")
        .join(overlay);
    path.exists().then(|| {
        std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
    })
}

pub fn import_fixture(name: &str, overlay: Option<&str>) -> ImportedSpecs {
    import_specs(&fixture(name), None, overlay).unwrap_or_else(|error| panic!("{name}: {error}"))
}

/// Metadata with one API, `Api`, whose JSON is `api`.
pub fn with_api(api: &str) -> String {
    format!(
        r#"{{"info": {{"style": "RPC", "product": "demo", "version": "1"}}, "apis": {{"Api": {api}}}}}"#
    )
}

/// A RESTful (ROA) document with one API, `Api`: RPC calls have no path.
pub fn with_roa_api(api: &str) -> String {
    with_api(api).replace(r#""style": "RPC""#, r#""style": "ROA""#)
}

pub fn imported(metadata: &str) -> ImportedSpecs {
    import_specs(metadata, None, None).unwrap_or_else(|error| panic!("import failed: {error}"))
}

pub fn operation<'a>(specs: &'a ImportedSpecs, action: &str) -> &'a OperationSpec {
    specs
        .operations
        .get(action)
        .unwrap_or_else(|| panic!("no operation {action}"))
}

/// Asserts that `actual` holds the same data as `expected_yaml` read as a `T`.
/// Compared as JSON values, since source locations differ and the spec has no `PartialEq`.
pub fn assert_same<T: Serialize + DeserializeOwned>(actual: &T, expected_yaml: &str) {
    let expected: T = serde_saphyr::from_str(expected_yaml)
        .unwrap_or_else(|error| panic!("expected YAML does not parse: {error}"));
    let as_json = |value: &T| serde_json::to_value(value).expect("spec serialises to JSON");
    if as_json(actual) != as_json(&expected) {
        panic!(
            "actual:\n{}\nexpected:\n{}",
            serde_saphyr::to_string(actual).expect("spec serialises to YAML"),
            serde_saphyr::to_string(&expected).expect("spec serialises to YAML"),
        );
    }
}

/// `(path, type_name)` of every object shape, request first, paths as the overlay writes them.
pub fn type_names(operation: &OperationSpec) -> Vec<(String, String)> {
    fn walk(shape: &Shape, path: String, names: &mut Vec<(String, String)>) {
        if let Some(type_name) = &shape.type_name {
            names.push((path.clone(), type_name.value.clone()));
        }
        for field in &shape.fields {
            let name = &field.name.as_ref().expect("fields have names").value;
            walk(field, format!("{path}.{name}"), names);
        }
        if let Some(items) = &shape.items {
            walk(items, format!("{path}[]"), names);
        }
        if let Some(values) = &shape.values {
            walk(values, format!("{path}{{}}"), names);
        }
    }
    let mut names = Vec::new();
    for (side, shapes) in [
        ("request", &operation.request),
        ("response", &operation.response),
    ] {
        for shape in shapes {
            let name = &shape
                .name
                .as_ref()
                .expect("top-level shapes have names")
                .value;
            walk(shape, format!("{side} {name}"), &mut names);
        }
    }
    names
}
