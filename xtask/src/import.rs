//! `cargo xtask import --openmeta PATH [--check] [--dir NAME] [--into DIR] [--operations A,B]`:
//! brings a product's spec directory in line with its OpenMeta metadata, the official SDK's
//! facts of the product-version (`generator/official-sdk-facts/`) and its overlay, or
//! (`--check`) reports where it is not, through the same sync engine as codegen.
//!
//! `cargo xtask import --openmeta-dir DIR [--check]` does so for every spec directory, each
//! against `DIR/<product code in lower case>/<version>/api-docs.json` (the layout of the
//! unpacked OpenMeta corpus): CI's drift check of every product.
//!
//! `--into` and `--operations` make fixtures: the spec of a few operations of a product,
//! written under another directory than `spec/` (`tests/fixtures/official/spec`), as the
//! official-SDK vectors test uses them.
//!
//! The directory is `spec/<product>/` (the product code in lower case), unless that holds
//! another version of the product: then `spec/<product>-<version>/`
//! (see `acs_codegen::import::directory_name`). `--dir` names it outright.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use acs_codegen::import;
use acs_codegen::spec::ServiceSpec;
use acs_codegen::{Mode, sync};

#[derive(Debug, clap::Args)]
pub struct Options {
    /// The product's `api-docs.json`.
    #[arg(long, required_unless_present = "openmeta_dir")]
    openmeta: Option<PathBuf>,
    /// Every spec directory, each against `DIR/<product code in lower case>/<version>/
    /// api-docs.json` (the unpacked OpenMeta corpus); a product whose metadata is not there
    /// fails.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["openmeta", "dir", "operations"])]
    openmeta_dir: Option<PathBuf>,
    /// Report what would change and write nothing; fail if anything would, or if the
    /// metadata cannot be read.
    #[arg(long)]
    check: bool,
    /// The spec directory's name under `spec/`, instead of the one the product code gives.
    #[arg(long)]
    dir: Option<String>,
    /// The directory, from the workspace root, that holds the spec directories.
    #[arg(long, default_value = "spec")]
    into: PathBuf,
    /// Import only these operations (comma-separated actions) and the shared schemas they
    /// use; each must be in the metadata.
    #[arg(long, value_delimiter = ',')]
    operations: Vec<String>,
}

pub fn run(root: &Path, options: Options) -> ExitCode {
    let result = match &options.openmeta_dir {
        Some(openmeta_dir) => import_every_product(root, &options, openmeta_dir),
        None => {
            let openmeta = options
                .openmeta
                .as_deref()
                .expect("clap requires --openmeta without --openmeta-dir");
            import_into(root, &options, openmeta, options.dir.as_deref())
        }
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("import: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Imports (or checks) every spec directory under `--into` from its metadata in
/// `openmeta_dir`; fails if any fails, after trying them all.
fn import_every_product(
    root: &Path,
    options: &Options,
    openmeta_dir: &Path,
) -> Result<ExitCode, String> {
    let spec_root = root.join(&options.into);
    let entries = fs::read_dir(&spec_root)
        .map_err(|error| format!("cannot read {}: {error}", spec_root.display()))?;
    let mut dirs = Vec::new();
    for entry in entries {
        let entry =
            entry.map_err(|error| format!("cannot read {}: {error}", spec_root.display()))?;
        if entry.path().join("service.yaml").is_file() {
            dirs.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    dirs.sort();
    if dirs.is_empty() {
        return Err(format!("no spec directory under {}", spec_root.display()));
    }
    let mut failed = 0;
    for dir in &dirs {
        let outcome = service_of(&spec_root.join(dir)).and_then(|service| {
            let openmeta = openmeta_dir
                .join(service.product.value.to_lowercase())
                .join(&service.api_version.value)
                .join("api-docs.json");
            import_into(root, options, &openmeta, Some(dir))
        });
        match outcome {
            Ok(ExitCode::SUCCESS) => {}
            Ok(_) => failed += 1,
            Err(message) => {
                eprintln!("import {dir}: {message}");
                failed += 1;
            }
        }
    }
    if failed > 0 {
        return Err(format!(
            "{failed} of {} spec directories failed",
            dirs.len()
        ));
    }
    Ok(ExitCode::SUCCESS)
}

/// The spec directory's `service.yaml`.
fn service_of(spec_dir: &Path) -> Result<ServiceSpec, String> {
    let service_file = spec_dir.join("service.yaml");
    let text = fs::read_to_string(&service_file)
        .map_err(|error| format!("cannot read {}: {error}", service_file.display()))?;
    acs_codegen::yaml::parse::<ServiceSpec>(&service_file, &text).map_err(|error| error.to_string())
}

/// Imports (or checks) the product of `openmeta` into `dir` under `--into`, or the directory
/// its product code names.
fn import_into(
    root: &Path,
    options: &Options,
    openmeta: &Path,
    dir: Option<&str>,
) -> Result<ExitCode, String> {
    let started = Instant::now();
    let metadata = fs::read_to_string(openmeta)
        .map_err(|error| format!("cannot read {}: {error}", openmeta.display()))?;
    let metadata = if options.operations.is_empty() {
        metadata
    } else {
        only_operations(&metadata, &options.operations)?
    };
    let (product, version) =
        import::product_and_version(&metadata).map_err(|error| error.to_string())?;
    let dir = match dir {
        Some(dir) => dir.to_owned(),
        None => default_dir(root, &options.into, &product, &version),
    };
    let spec_dir = options.into.join(&dir);
    let overlay_file = root.join(&spec_dir).join("overlay.yaml");
    let overlay = match fs::read_to_string(&overlay_file) {
        Ok(text) => Some(text),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => return Err(format!("cannot read {}: {error}", overlay_file.display())),
    };
    let mut facts = crate::facts::read(root, &product, &version)?;
    if !options.operations.is_empty() {
        facts = facts.map(|facts| facts.only_operations(&options.operations));
    }
    let specs = import::import_specs(&metadata, facts.as_ref(), overlay.as_deref())
        .map_err(|error| error.to_string())?;
    if specs.operations.is_empty() {
        println!("{product} {version} lists no operations: nothing to import");
        return Ok(ExitCode::SUCCESS);
    }
    let files = specs
        .to_files()
        .map_err(|error| error.to_string())?
        .into_iter()
        .map(|(file, text)| (spec_dir.join(file), text))
        .collect();
    // Operation files and the shared schemas belong to the importer; the overlay does not.
    let owned = [spec_dir.join("operations"), spec_dir.join("schemas.yaml")];
    let mode = if options.check {
        Mode::Check
    } else {
        Mode::Write
    };
    let report = sync::sync(root, &owned, &files, &[], mode).map_err(|error| error.to_string())?;
    let fix = format!("cargo xtask import --openmeta {}", openmeta.display());
    let task = match &facts {
        Some(facts) => format!(
            "import {} (with the facts of {})",
            spec_dir.display(),
            facts.source()
        ),
        None => format!("import {}", spec_dir.display()),
    };
    Ok(crate::report::print(&task, mode, &report, started, &fix))
}

/// The metadata with only the APIs named in `actions`, or the first of them it lacks.
fn only_operations(metadata: &str, actions: &[String]) -> Result<String, String> {
    let mut document: serde_json::Value =
        serde_json::from_str(metadata).map_err(|error| format!("the metadata: {error}"))?;
    let apis = document
        .get_mut("apis")
        .and_then(serde_json::Value::as_object_mut)
        .ok_or("the metadata lists no APIs")?;
    if let Some(missing) = actions.iter().find(|action| !apis.contains_key(*action)) {
        return Err(format!("the metadata has no API {missing}"));
    }
    apis.retain(|action, _| actions.contains(action));
    Ok(document.to_string())
}

/// `<into>/<product>/`, unless it holds another version of the product.
fn default_dir(root: &Path, into: &Path, product: &str, version: &str) -> String {
    let plain = import::directory_name(product, version, false);
    let service_file = root.join(into).join(&plain).join("service.yaml");
    let existing_version = fs::read_to_string(&service_file)
        .ok()
        .and_then(|text| acs_codegen::yaml::parse::<ServiceSpec>(&service_file, &text).ok())
        .map(|service| service.api_version.value);
    match existing_version {
        Some(existing) if existing != version => import::directory_name(product, version, true),
        _ => plain,
    }
}
