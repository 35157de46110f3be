//! Each product-version imported and generated as a new user would (OOS: the checked-in
//! spec), its crates written into the scratch workspace, and its inputs derived.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::pinned::Package;
use super::{Product, State, inputs};
use crate::corpus::{self, Entry, Outcome};

/// Imports and generates each product-version (on every core), writes its crates into the
/// scratch workspace, and derives its inputs.
pub fn generate(
    root: &Path,
    scratch: &Path,
    selected: Vec<(Entry, Package)>,
    cli: &[String],
) -> Result<Vec<Product>, String> {
    let generated_dir = scratch.join("generated");
    fs::create_dir_all(&generated_dir).map_err(|e| format!("{}: {e}", scratch.display()))?;
    write_if_changed(
        &scratch.join("Cargo.toml"),
        &acs_codegen::scratch::workspace_manifest(root).map_err(|e| e.to_string())?,
    )?;
    write_if_changed(
        &scratch.join("Cargo.lock"),
        &fs::read_to_string(root.join("Cargo.lock")).map_err(|e| e.to_string())?,
    )?;
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, Product)>> = Mutex::new(Vec::new());
    let failed: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(1, usize::from);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some((entry, package)) = selected.get(index) else {
                        break;
                    };
                    match generate_one(root, &generated_dir, entry, package, cli) {
                        Ok(product) => done.lock().expect("no panic").push((index, product)),
                        Err(message) => failed
                            .lock()
                            .expect("no panic")
                            .push(format!("{}: {message}", entry.dir)),
                    }
                }
            });
        }
    });
    let failed = failed.into_inner().expect("no panic");
    if !failed.is_empty() {
        return Err(failed.join("\n"));
    }
    let mut done = done.into_inner().expect("no panic");
    done.sort_by_key(|(index, _)| *index);
    let products: Vec<Product> = done.into_iter().map(|(_, product)| product).collect();
    // Crates a previous run left that this one does not build.
    let wanted: BTreeSet<String> = products
        .iter()
        .flat_map(|product| [product.dir.clone(), format!("{}-cli", product.dir)])
        .collect();
    if let Ok(listing) = fs::read_dir(&generated_dir) {
        for item in listing.flatten() {
            let name = item.file_name().to_string_lossy().into_owned();
            if !wanted.contains(&name) && !name.starts_with("conformance-runner-") {
                let _ = fs::remove_dir_all(item.path());
            }
        }
    }
    Ok(products)
}

fn generate_one(
    root: &Path,
    generated_dir: &Path,
    entry: &Entry,
    package: &Package,
    cli: &[String],
) -> Result<Product, String> {
    let mut product = Product {
        dir: entry.dir.clone(),
        product: entry.product.clone(),
        version: entry.version.clone(),
        style: String::new(),
        package: package.clone(),
        state: State::Compared,
        operations: 0,
        sdk: Vec::new(),
        cli: Vec::new(),
        service: None,
        inputs: Vec::new(),
        official: BTreeMap::new(),
        official_port: 0,
        forced: BTreeMap::new(),
    };
    let files = if entry.dir == "oos" {
        // The checked-in spec: the metadata lacks ten of the actions the official SDK has.
        let spec_dir = root.join("spec/oos");
        let mut texts = BTreeMap::new();
        read_tree(&spec_dir, Path::new("spec/oos"), &mut texts)?;
        texts.retain(|path: &PathBuf, _| !path.ends_with("overlay.yaml"));
        let mut files = acs_codegen::generate_from_texts("oos", &texts)
            .map_err(|error| corpus_first_lines(&error.to_string()))?;
        files.extend(texts);
        product.style = "RPC".into();
        files
    } else {
        match corpus::generate(root, entry) {
            Outcome::Generated { style, files, .. } => {
                product.style = style;
                files
            }
            Outcome::NoOperations => {
                product.state = State::NoOperations;
                return Ok(product);
            }
            Outcome::Failed(reason) => {
                product.state = State::Failed(reason);
                return Ok(product);
            }
        }
    };
    let spec_prefix = Path::new("spec").join(&entry.dir);
    let spec_texts: BTreeMap<PathBuf, String> = files
        .iter()
        .filter(|(path, _)| path.starts_with(&spec_prefix))
        .map(|(path, text)| (path.clone(), text.clone()))
        .collect();
    let service = acs_codegen::lower_from_texts(&entry.dir, &spec_texts)
        .map_err(|error| corpus_first_lines(&error.to_string()))?;
    let sdk_dir = Path::new("generated").join(&entry.dir);
    let cli_dir = Path::new("generated").join(format!("{}-cli", entry.dir));
    let with_cli = cli.contains(&entry.dir);
    for (path, text) in &files {
        let keep = path.starts_with(&sdk_dir) || (with_cli && path.starts_with(&cli_dir));
        if keep {
            let relative = path.strip_prefix("generated").expect("under generated/");
            write_if_changed(&generated_dir.join(relative), text)?;
        }
    }
    product.operations = service.operations.len();
    product.inputs = inputs::derive(&service);
    product.service = Some(service);
    Ok(product)
}

fn corpus_first_lines(text: &str) -> String {
    text.lines().take(3).collect::<Vec<_>>().join(" / ")
}

/// Every file under `dir`, by its path under `prefix`.
fn read_tree(
    dir: &Path,
    prefix: &Path,
    files: &mut BTreeMap<PathBuf, String>,
) -> Result<(), String> {
    let listing = fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for item in listing {
        let item = item.map_err(|e| format!("{}: {e}", dir.display()))?;
        let path = item.path();
        let name = prefix.join(item.file_name());
        if path.is_dir() {
            read_tree(&path, &name, files)?;
        } else {
            let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            files.insert(name, text);
        }
    }
    Ok(())
}

/// Writes `text` to `path` unless it holds it already, so that cargo sees an unchanged crate
/// as unchanged on the next run.
pub fn write_if_changed(path: &Path, text: &str) -> Result<(), String> {
    if fs::read(path).is_ok_and(|old| old == text.as_bytes()) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}
