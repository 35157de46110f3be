//! `cargo xtask import --openmeta PATH [--check] [--dir NAME] [--into DIR] [--operations A,B]`:
//! brings a product's spec directory in line with its OpenMeta metadata, the official SDK's
//! facts of the product-version (`generator/official-sdk-facts/`) and its overlay, or
//! (`--check`) reports where it is not, through the same sync engine as codegen.
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
    #[arg(long)]
    openmeta: PathBuf,
    /// Report what would change and write nothing; fail if anything would. When the
    /// metadata file is absent, say so and succeed (the CI drift check outside a checkout
    /// with the metadata).
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
    let started = Instant::now();
    if options.check && !options.openmeta.exists() {
        println!(
            "OpenMeta metadata not found at {}: drift check skipped",
            options.openmeta.display()
        );
        return ExitCode::SUCCESS;
    }
    match import_into(root, &options, started) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("import: {message}");
            ExitCode::FAILURE
        }
    }
}

fn import_into(root: &Path, options: &Options, started: Instant) -> Result<ExitCode, String> {
    let openmeta = &options.openmeta;
    let metadata = fs::read_to_string(openmeta)
        .map_err(|error| format!("cannot read {}: {error}", openmeta.display()))?;
    let metadata = if options.operations.is_empty() {
        metadata
    } else {
        only_operations(&metadata, &options.operations)?
    };
    let (product, version) =
        import::product_and_version(&metadata).map_err(|error| error.to_string())?;
    let dir = match &options.dir {
        Some(dir) => dir.clone(),
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
