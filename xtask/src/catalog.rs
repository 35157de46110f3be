//! `cargo xtask catalog --openmeta-dir DIR [--check]`: writes the catalog of published
//! product-versions (`catalog/products.json`, see `acs_codegen::catalog`) from an unpacked
//! OpenMeta corpus, or checks that it lists what the corpus holds. Only facts about each
//! `api-docs.json` go in: code, version, style, number of operations.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use acs_codegen::catalog::{CATALOG_FILE, Catalog};
use acs_codegen::{Mode, import, sync};

#[derive(Debug, clap::Args)]
pub struct Options {
    /// The unpacked corpus: `<product>/<version>/api-docs.json` at any depth (the archive's
    /// `en_us/` directory, or the directory holding it).
    #[arg(long, value_name = "DIR")]
    openmeta_dir: PathBuf,
    /// Report whether the catalog lists what the corpus holds; write nothing.
    #[arg(long)]
    check: bool,
}

pub fn run(root: &Path, options: Options) -> ExitCode {
    let started = Instant::now();
    let catalog = match catalog_of(&options.openmeta_dir) {
        Ok(catalog) => catalog,
        Err(message) => {
            eprintln!("catalog: {message}");
            return ExitCode::FAILURE;
        }
    };
    let files = BTreeMap::from([(PathBuf::from(CATALOG_FILE), catalog.to_json())]);
    let mode = if options.check {
        Mode::Check
    } else {
        Mode::Write
    };
    match sync::sync(root, &[], &files, &[], mode) {
        Ok(report) => {
            println!(
                "catalog: {} product-versions of {} products",
                catalog.products.len(),
                distinct_codes(&catalog)
            );
            let fix = format!(
                "cargo xtask catalog --openmeta-dir {}",
                options.openmeta_dir.display()
            );
            crate::report::print("catalog", mode, &report, started, &fix)
        }
        Err(error) => {
            eprintln!("catalog: cannot write {CATALOG_FILE}: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The catalog of every `api-docs.json` under `dir`.
fn catalog_of(dir: &Path) -> Result<Catalog, String> {
    let paths = crate::corpus::api_docs_files(dir)?;
    if paths.is_empty() {
        return Err(format!("no api-docs.json under {}", dir.display()));
    }
    let entries = paths
        .iter()
        .map(|path| {
            let text = fs::read_to_string(path)
                .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
            import::catalog_entry(&text).map_err(|error| format!("{}: {error}", path.display()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Catalog::from_entries(entries))
}

fn distinct_codes(catalog: &Catalog) -> usize {
    let mut codes: Vec<String> = catalog
        .products
        .iter()
        .map(|entry| entry.code.to_lowercase())
        .collect();
    codes.dedup();
    codes.len()
}

/// The committed catalog of the checkout at `root`.
pub fn read(root: &Path) -> Result<Catalog, String> {
    let path = root.join(CATALOG_FILE);
    let text = fs::read_to_string(&path)
        .map_err(|error| format!("cannot read the catalog {}: {error}", path.display()))?;
    Catalog::parse(&text).map_err(|error| format!("{}: {error}", path.display()))
}
