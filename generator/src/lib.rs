//! The code generator: spec (YAML) → validated IR → Rust source, as pure stages.
//!
//! [`load`] reads the spec tree, [`lower`] validates it and resolves names into [`ir`], the
//! emitters turn IR into token streams, `render` checks and formats them, and [`sync`] makes
//! the files on disk match. Only `load` and `sync` touch the disk; everything is rendered in
//! memory before anything is written.

#![forbid(unsafe_code)]

pub mod catalog;
pub mod changes;
pub mod diagnostics;
mod emit;
mod fingerprint;
pub mod golden;
pub mod import;
pub mod ir;
pub mod last_run;
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
use last_run::{LastRun, Reusable, ServiceRun};
use render::Rendered;
pub use sync::{Mode, Report};

/// The directory under the workspace root that holds nothing but generated files.
pub const GENERATED_DIR: &str = "generated";

#[derive(Debug)]
pub enum Error {
    /// Problems in the spec, every one found, sorted by file and position.
    Spec(Vec<Diagnostic>),
    Emit(EmitError),
    /// The golden output's fixture did not import.
    Import(import::ImportError),
    Io(std::io::Error),
    /// A request given by wire names ([`request_builders`]) that its operation cannot take.
    Request(String),
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
            Error::Import(error) => write!(f, "{error}"),
            Error::Io(error) => write!(f, "{error}"),
            Error::Request(message) => write!(f, "{message}"),
        }
    }
}

impl std::error::Error for Error {}

/// Every generated file for the spec under `root/spec`, keyed by path from `root`.
pub fn generate(root: &Path) -> Result<BTreeMap<PathBuf, String>, Error> {
    let (services, diagnostics) = load::load_services(root);
    let nothing = Reusable::default();
    let services: Vec<_> = services.iter().map(|files| (files, &nothing)).collect();
    Ok(texts(generate_services(&services, diagnostics)?))
}

/// Every generated file of one service whose spec files are given as text, keyed by their
/// paths under `spec/<dir_name>/`: generation from a spec that exists only in memory, as
/// `cargo xtask corpus` does it for every product-version.
pub fn generate_from_texts(
    dir_name: &str,
    spec_texts: &BTreeMap<PathBuf, String>,
) -> Result<BTreeMap<PathBuf, String>, Error> {
    let mut diagnostics = diagnostics::Diagnostics::default();
    let spec_dir = Path::new("spec").join(dir_name);
    let service = load::parse_service(dir_name, &spec_dir, spec_texts, &mut diagnostics);
    let nothing = Reusable::default();
    let services: Vec<_> = service.iter().map(|files| (files, &nothing)).collect();
    Ok(texts(generate_services(
        &services,
        diagnostics.into_sorted(),
    )?))
}

/// The IR of one service whose spec files are given as text (as in [`generate_from_texts`]):
/// what its files are emitted from, for tools that check a property of many services, such
/// as their command lines (`cargo xtask corpus --command-names`), without rendering them, or
/// that drive a generated SDK from outside (`cargo xtask conformance` derives its inputs from
/// what its operations take and where each parameter travels).
pub fn lower_from_texts(
    dir_name: &str,
    spec_texts: &BTreeMap<PathBuf, String>,
) -> Result<ir::Service, Error> {
    let mut diagnostics = diagnostics::Diagnostics::default();
    let spec_dir = Path::new("spec").join(dir_name);
    let service = load::parse_service(dir_name, &spec_dir, spec_texts, &mut diagnostics);
    let mut diagnostics = diagnostics.into_sorted();
    if let Some(files) = service.filter(|_| diagnostics.is_empty()) {
        match lower::lower(&files) {
            Ok(service) => return Ok(service),
            Err(found) => diagnostics.extend(found),
        }
    }
    diagnostics.sort();
    Err(Error::Spec(diagnostics))
}

/// For each `(action, inputs)` of `requests`, a Rust expression `(&SERVICE, &OPERATION,
/// request)` of the generated SDK of the service whose spec files are `spec_texts` (as in
/// [`generate_from_texts`]), whose request is built by the operation's builder with each input
/// (a parameter by wire name, as JSON) set through its setters and nested types, as a caller
/// writes it. For tests that drive a generated SDK with requests recorded from another client.
pub fn request_builders(
    dir_name: &str,
    spec_texts: &BTreeMap<PathBuf, String>,
    requests: &[(&str, &serde_json::Map<String, serde_json::Value>)],
) -> Result<Vec<String>, Error> {
    let service = lower_from_texts(dir_name, spec_texts)?;
    requests
        .iter()
        .map(|(action, inputs)| request_builder(&service, action, inputs))
        .collect()
}

/// One expression of [`request_builders`], for a service already lowered
/// ([`lower_from_texts`]): a request that cannot be built fails alone.
pub fn request_builder(
    service: &ir::Service,
    action: &str,
    inputs: &serde_json::Map<String, serde_json::Value>,
) -> Result<String, Error> {
    let operation = service
        .operations
        .iter()
        .find(|operation| operation.name == action)
        .ok_or_else(|| Error::Request(format!("{} has no operation {action}", service.dir_name)))?;
    emit::request_builder(service, operation, inputs)
        .map(|tokens| tokens.to_string())
        .map_err(Error::Request)
}

/// The texts of every service's files, keyed by path.
fn texts(services: Vec<BTreeMap<PathBuf, Rendered>>) -> BTreeMap<PathBuf, String> {
    services
        .into_iter()
        .flatten()
        .map(|(path, rendered)| (path, rendered.text))
        .collect()
}

/// Lowers and emits `services`, each with what it may reuse of the last run: for each, in
/// order, its generated files.
fn generate_services(
    services: &[(&load::ServiceFiles, &Reusable)],
    mut diagnostics: Vec<Diagnostic>,
) -> Result<Vec<BTreeMap<PathBuf, Rendered>>, Error> {
    let mut lowered = Vec::new();
    for (files, reusable) in services {
        match lower::lower(files) {
            Ok(service) => lowered.push((service, reusable)),
            Err(found) => diagnostics.extend(found),
        }
    }
    if !diagnostics.is_empty() {
        diagnostics.sort();
        return Err(Error::Spec(diagnostics));
    }
    lowered
        .iter()
        .map(|(service, reusable)| emit::service_files(service, reusable).map_err(Error::Emit))
        .collect()
}

/// Generates and syncs `generated/` under `root`: writes changed files and removes orphans,
/// or in [`Mode::Check`] reports drift and writes nothing in `generated/`. What the last run
/// recorded ([`last_run`]) spares the services and files whose input has not changed; the
/// record is renewed after a run that leaves `generated/` as generated.
pub fn codegen(root: &Path, mode: Mode) -> Result<Report, Error> {
    let record_path = root.join(last_run::RECORD);
    let generator = last_run::generator_build();
    let (loaded, diagnostics) = load::load_against(root, &LastRun::read(&record_path), &generator);
    let mut record = LastRun {
        generator,
        services: BTreeMap::new(),
    };
    let mut unchanged = Vec::new();
    let mut changed = Vec::new();
    for service in loaded {
        match service {
            load::Loaded::Unchanged { dir_name, run } => {
                unchanged.extend(run.files.keys().cloned());
                record.services.insert(dir_name, run);
            }
            load::Loaded::Changed {
                files,
                spec,
                reusable,
            } => changed.push((files, spec, reusable)),
        }
    }
    let inputs: Vec<_> = changed
        .iter()
        .map(|(files, _, reusable)| (&**files, reusable))
        .collect();
    let generated = generate_services(&inputs, diagnostics)?;
    let mut to_sync = BTreeMap::new();
    for ((files, spec, reusable), service_files) in changed.iter().zip(generated) {
        record.services.insert(
            files.dir_name.clone(),
            ServiceRun::of(*spec, &service_files),
        );
        for (path, rendered) in service_files {
            // A file whose new text is the one on disk need not be read again to compare.
            if reusable.is_on_disk(&path, &rendered.text) {
                unchanged.push(path);
            } else {
                to_sync.insert(path, rendered.text);
            }
        }
    }
    let owned = [PathBuf::from(GENERATED_DIR)];
    let report = sync::sync(root, &owned, &to_sync, &unchanged, mode).map_err(Error::Io)?;
    if report.drift.is_empty() {
        // Only a cache: a run that cannot keep it is no slower than the first.
        let _ = record.write(&record_path);
    }
    Ok(report)
}
