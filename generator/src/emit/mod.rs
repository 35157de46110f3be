//! IR → files. One small function per item kind; the map keeps output ordered by path, so
//! generation is deterministic by construction.

mod cli_crate;
mod docs;
mod examples;
mod operation;
mod sdk_crate;
mod serde_impls;
mod types;
mod waiters;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;

use crate::ir::Service;
use crate::render;

/// A generated file that failed the syntax gate: a generator bug, never a spec problem.
#[derive(Debug)]
pub struct EmitError {
    pub path: PathBuf,
    pub error: syn::Error,
}

impl std::fmt::Display for EmitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "generated {} is not valid Rust: {}",
            self.path.display(),
            self.error
        )
    }
}

impl std::error::Error for EmitError {}

/// Every file of the SDK crate `generated/<service>/`, keyed by path from the workspace root.
pub fn sdk_files(service: &Service) -> Result<BTreeMap<PathBuf, String>, EmitError> {
    let root = Path::new("generated").join(&service.dir_name);
    let service_spec = spec_path(&service.spec_path);
    let operations_spec = format!("{}operations/", spec_dir(service));
    let mut files = Files::default();
    let manifest = sdk_crate::cargo_toml(service);
    files.text(
        root.join("Cargo.toml"),
        format!("{}{manifest}", render::header("#", &service_spec)),
    );
    files.rust(
        root.join("src/lib.rs"),
        &service_spec,
        sdk_crate::lib_rs(service),
    )?;
    files.rust(
        root.join("src/client.rs"),
        &service_spec,
        sdk_crate::client_rs(service),
    )?;
    let operation_mod = sdk_crate::operation_mod_rs(service);
    files.rust(
        root.join("src/operation/mod.rs"),
        &operations_spec,
        operation_mod,
    )?;
    for operation in &service.operations {
        let path = root.join(format!("src/operation/{}.rs", operation.snake_name));
        let spec = spec_path(&operation.spec_path);
        files.rust(path, &spec, operation::emit_operation(operation))?;
    }
    if !service.waiters.is_empty() {
        let waiters = waiters::emit_waiters(&service.waiters);
        files.rust(root.join("src/waiters.rs"), &service_spec, waiters)?;
    }
    files.rust(
        root.join("src/testing.rs"),
        &operations_spec,
        sdk_crate::testing_rs(service),
    )?;
    files.rust(
        root.join("tests/examples.rs"),
        &operations_spec,
        examples::emit_examples(service),
    )?;
    Ok(files.0)
}

/// Every file of the command-line crate `generated/<service>-cli/`.
pub fn cli_files(service: &Service) -> Result<BTreeMap<PathBuf, String>, EmitError> {
    let root = Path::new("generated").join(format!("{}-cli", service.dir_name));
    let spec = spec_dir(service);
    let mut files = Files::default();
    let manifest = cli_crate::cargo_toml(service);
    files.text(
        root.join("Cargo.toml"),
        format!("{}{manifest}", render::header("#", &spec)),
    );
    files.rust(root.join("src/main.rs"), &spec, cli_crate::main_rs(service))?;
    Ok(files.0)
}

/// `spec/<service>/`.
fn spec_dir(service: &Service) -> String {
    format!(
        "{}/",
        spec_path(service.spec_path.parent().unwrap_or(Path::new("")))
    )
}

/// Spec paths in headers use `/` whatever the platform, so output is the same everywhere.
fn spec_path(path: &Path) -> String {
    path.components()
        .map(|component| component.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[derive(Default)]
struct Files(BTreeMap<PathBuf, String>);

impl Files {
    fn text(&mut self, path: PathBuf, text: String) {
        self.0.insert(path, text);
    }

    fn rust(&mut self, path: PathBuf, spec: &str, tokens: TokenStream) -> Result<(), EmitError> {
        let text = render::rust_file(spec, tokens).map_err(|error| EmitError {
            path: path.clone(),
            error,
        })?;
        self.0.insert(path, text);
        Ok(())
    }
}
