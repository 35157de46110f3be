//! The code generator: spec (YAML) → validated IR → Rust source, as pure stages.
//!
//! [`load`] reads the spec tree, [`lower`] validates it and resolves names into [`ir`], the
//! emitters turn IR into token streams, `render` checks and formats them, and [`sync`] makes
//! the files on disk match. Only `load` and `sync` touch the disk; everything is rendered in
//! memory before anything is written.

#![forbid(unsafe_code)]

pub mod diagnostics;
mod emit;
pub mod import;
pub mod ir;
pub mod load;
pub mod lower;
pub mod naming;
mod parallel;
mod render;
pub mod scratch;
pub mod spec;
pub mod sync;
pub mod yaml;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

pub use diagnostics::Diagnostic;
pub use emit::EmitError;
pub use sync::{Mode, Report};

/// The directory under the workspace root that holds nothing but generated files.
pub const GENERATED_DIR: &str = "generated";

#[derive(Debug)]
pub enum Error {
    /// Problems in the spec, every one found, sorted by file and position.
    Spec(Vec<Diagnostic>),
    Emit(EmitError),
    Io(std::io::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Spec(diagnostics) => {
                for diagnostic in diagnostics {
                    writeln!(f, "{diagnostic}")?;
                }
                write!(
                    f,
                    "{} problem(s) in the spec; nothing was written",
                    diagnostics.len()
                )
            }
            Error::Emit(error) => write!(f, "{error}"),
            Error::Io(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for Error {}

/// Every generated file for the spec under `root/spec`, keyed by path from `root`.
pub fn generate(root: &Path) -> Result<BTreeMap<PathBuf, String>, Error> {
    let (services, diagnostics) = load::load_services(root);
    generate_services(&services, diagnostics)
}

/// Every generated file of one service whose spec files are given as text, keyed by their
/// paths under `spec/<dir_name>/`: generation from a spec that exists only in memory, as
/// `cargo xtask corpus` does it for every product-version.
pub fn generate_from_texts(
    dir_name: &str,
    texts: &BTreeMap<PathBuf, String>,
) -> Result<BTreeMap<PathBuf, String>, Error> {
    let mut diagnostics = diagnostics::Diagnostics::default();
    let spec_dir = Path::new("spec").join(dir_name);
    let service = load::parse_service(dir_name, &spec_dir, texts, &mut diagnostics);
    generate_services(service.as_slice(), diagnostics.into_sorted())
}

fn generate_services(
    services: &[load::ServiceFiles],
    mut diagnostics: Vec<Diagnostic>,
) -> Result<BTreeMap<PathBuf, String>, Error> {
    let mut lowered = Vec::new();
    for service in services {
        match lower::lower(service) {
            Ok(service) => lowered.push(service),
            Err(found) => diagnostics.extend(found),
        }
    }
    if !diagnostics.is_empty() {
        diagnostics.sort();
        return Err(Error::Spec(diagnostics));
    }
    let mut files = BTreeMap::new();
    for service in &lowered {
        files.extend(emit::service_files(service).map_err(Error::Emit)?);
    }
    Ok(files)
}

/// Generates and syncs `generated/` under `root`: writes changed files and removes orphans,
/// or in [`Mode::Check`] reports drift and writes nothing.
pub fn codegen(root: &Path, mode: Mode) -> Result<Report, Error> {
    let files = generate(root)?;
    sync::sync(root, &[PathBuf::from(GENERATED_DIR)], &files, mode).map_err(Error::Io)
}
