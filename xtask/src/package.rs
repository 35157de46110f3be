//! `cargo xtask package <product> --out DIR`: the crates of one product (its SDK and its
//! command) and every crate of this workspace they need (the runtime, the credentials and the
//! STS SDK they call, the test server of the `testing` feature, the CLI engine), as standalone
//! crates under `DIR/<crate>/`, for a project outside this repository or a registry of one's
//! own.
//!
//! Each crate is what `cargo package` makes of it (the manifest normalised, with no workspace
//! inheritance), unpacked; dependencies among them also get a `path` to their sibling, so that
//! a project can use them by path, or `cargo publish` them in the order printed.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use serde_json::Value;

#[derive(Debug, clap::Args)]
pub struct Options {
    /// The product's spec directory name (`ecs`; `cargo xtask import ecs` and `cargo xtask
    /// codegen` make its crates).
    product: String,
    /// Where to write the crates.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

pub fn run(root: &Path, options: Options) -> ExitCode {
    match package(root, &options) {
        Ok(order) => {
            println!(
                "package: {} crates in {}: {}",
                order.len(),
                options.out.display(),
                order.join(", ")
            );
            println!(
                "use them by path (`alibabacloud-{} = {{ path = \"{}/alibabacloud-{}\" }}`), or \
                 `cargo publish` them to a registry in that order",
                options.product,
                options.out.display(),
                options.product
            );
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("package: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Writes the crates and returns their names, each after those it depends on.
fn package(root: &Path, options: &Options) -> Result<Vec<String>, String> {
    let crates = acs_codegen::naming::crate_names(&options.product);
    if !root
        .join(acs_codegen::GENERATED_DIR)
        .join(&options.product)
        .join("Cargo.toml")
        .is_file()
    {
        return Err(format!(
            "no generated crate {sdk}: run `cargo xtask import {product}` and `cargo xtask \
             codegen` first",
            sdk = crates.sdk,
            product = options.product
        ));
    }
    let workspace = workspace_packages(root)?;
    let order = dependency_order(&workspace, &[crates.sdk, crates.cli])?;
    let target = root.join("target");
    let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    // Not verified here: the crates are built where they are used. Imported products are
    // seldom committed yet, hence `--allow-dirty`.
    cargo
        .current_dir(root)
        .args(["package", "--no-verify", "--allow-dirty", "--quiet"])
        .arg("--target-dir")
        .arg(&target);
    for name in &order {
        cargo.args(["--package", name]);
    }
    let status = cargo
        .status()
        .map_err(|error| format!("cannot run cargo: {error}"))?;
    if !status.success() {
        return Err(format!("cargo package failed ({status})"));
    }
    fs::create_dir_all(&options.out)
        .map_err(|error| format!("cannot create {}: {error}", options.out.display()))?;
    let in_set: BTreeSet<&str> = order.iter().map(String::as_str).collect();
    for name in &order {
        let version = &workspace[name].version;
        let archive = target
            .join("package")
            .join(format!("{name}-{version}.crate"));
        let dir = options.out.join(name);
        unpack(&archive, &dir, &format!("{name}-{version}"))?;
        let manifest_path = dir.join("Cargo.toml");
        let manifest = fs::read_to_string(&manifest_path)
            .map_err(|error| format!("cannot read {}: {error}", manifest_path.display()))?;
        fs::write(&manifest_path, with_sibling_paths(&manifest, &in_set))
            .map_err(|error| format!("cannot write {}: {error}", manifest_path.display()))?;
    }
    Ok(order)
}

/// A workspace package: its version and the workspace packages it depends on (in any way,
/// optional and dev-dependencies too, so that its tests build as well).
struct Package {
    version: String,
    depends_on: Vec<String>,
}

fn workspace_packages(root: &Path) -> Result<BTreeMap<String, Package>, String> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(root)
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .output()
        .map_err(|error| format!("cannot run cargo metadata: {error}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let metadata: Value = serde_json::from_slice(&output.stdout)
        .map_err(|error| format!("cargo metadata: {error}"))?;
    let packages = metadata["packages"].as_array().cloned().unwrap_or_default();
    Ok(packages
        .iter()
        .map(|package| {
            let depends_on = package["dependencies"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|dependency| dependency.get("path").is_some())
                .filter_map(|dependency| Some(dependency["name"].as_str()?.to_owned()))
                .collect();
            let name = package["name"].as_str().unwrap_or_default().to_owned();
            let version = package["version"].as_str().unwrap_or_default().to_owned();
            (
                name,
                Package {
                    version,
                    depends_on,
                },
            )
        })
        .collect())
}

/// `wanted` and every workspace package they depend on, each after its dependencies.
fn dependency_order(
    workspace: &BTreeMap<String, Package>,
    wanted: &[String],
) -> Result<Vec<String>, String> {
    fn visit(
        name: &str,
        workspace: &BTreeMap<String, Package>,
        order: &mut Vec<String>,
        visiting: &mut BTreeSet<String>,
    ) -> Result<(), String> {
        if order.iter().any(|done| done == name) {
            return Ok(());
        }
        if !visiting.insert(name.to_owned()) {
            return Err(format!("{name} depends on itself"));
        }
        let package = workspace
            .get(name)
            .ok_or_else(|| format!("no package {name} in the workspace"))?;
        for dependency in &package.depends_on {
            visit(dependency, workspace, order, visiting)?;
        }
        visiting.remove(name);
        order.push(name.to_owned());
        Ok(())
    }
    let mut order = Vec::new();
    for name in wanted {
        visit(name, workspace, &mut order, &mut BTreeSet::new())?;
    }
    Ok(order)
}

/// Unpacks the `.crate` archive (a gzipped tar of `<name>-<version>/…`) into `dir`.
fn unpack(archive: &Path, dir: &Path, top: &str) -> Result<(), String> {
    let file = fs::File::open(archive)
        .map_err(|error| format!("cannot open {}: {error}", archive.display()))?;
    let _ = fs::remove_dir_all(dir);
    let mut entries = tar::Archive::new(flate2::read::GzDecoder::new(file));
    for entry in entries
        .entries()
        .map_err(|error| format!("cannot read {}: {error}", archive.display()))?
    {
        let mut entry =
            entry.map_err(|error| format!("cannot read {}: {error}", archive.display()))?;
        let path = entry
            .path()
            .map_err(|error| format!("{}: {error}", archive.display()))?
            .into_owned();
        let Ok(relative) = path.strip_prefix(top) else {
            return Err(format!(
                "{} holds {} outside {top}/",
                archive.display(),
                path.display()
            ));
        };
        let destination = dir.join(relative);
        if let Some(parent) = destination.parent() {
            fs::create_dir_all(parent)
                .map_err(|error| format!("cannot create {}: {error}", parent.display()))?;
        }
        entry
            .unpack(&destination)
            .map_err(|error| format!("cannot write {}: {error}", destination.display()))?;
    }
    Ok(())
}

/// A normalised manifest whose dependencies on `siblings` also name their directory beside
/// it. Cargo writes each dependency as a table of its own (`[dependencies.acs-runtime]`,
/// `[dev-dependencies.…]`, `[target.'cfg(…)'.dependencies.…]`).
fn with_sibling_paths(manifest: &str, siblings: &BTreeSet<&str>) -> String {
    let mut out = String::with_capacity(manifest.len());
    for line in manifest.lines() {
        out.push_str(line);
        out.push('\n');
        let dependency = line
            .strip_prefix('[')
            .and_then(|header| header.strip_suffix(']'))
            .and_then(|header| header.rsplit_once("dependencies."))
            .map(|(_, name)| name.trim_matches('"'));
        if let Some(name) = dependency.filter(|name| siblings.contains(name)) {
            out.push_str(&format!("path = \"../{name}\"\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependencies_on_siblings_get_their_path() {
        let manifest = "[package]\nname = \"a\"\n\n[dependencies.acs-runtime]\nversion = \"0.1.0\"\n\n\
                        [dependencies.serde]\nversion = \"1\"\n\n[dev-dependencies.acs-test-server]\n\
                        version = \"0.1.0\"\n\n[target.'cfg(unix)'.dependencies.acs-cli]\nversion = \"0.1.0\"\n";
        let siblings = BTreeSet::from(["acs-runtime", "acs-test-server", "acs-cli"]);
        assert_eq!(
            with_sibling_paths(manifest, &siblings),
            "[package]\nname = \"a\"\n\n[dependencies.acs-runtime]\npath = \"../acs-runtime\"\n\
             version = \"0.1.0\"\n\n[dependencies.serde]\nversion = \"1\"\n\n\
             [dev-dependencies.acs-test-server]\npath = \"../acs-test-server\"\nversion = \"0.1.0\"\n\n\
             [target.'cfg(unix)'.dependencies.acs-cli]\npath = \"../acs-cli\"\nversion = \"0.1.0\"\n"
        );
    }

    #[test]
    fn crates_come_after_what_they_depend_on() {
        let package = |depends_on: &[&str]| Package {
            version: "0.1.0".to_owned(),
            depends_on: depends_on.iter().map(|name| name.to_string()).collect(),
        };
        let workspace = BTreeMap::from([
            ("sdk".to_owned(), package(&["runtime", "server"])),
            ("cli".to_owned(), package(&["engine", "runtime"])),
            ("engine".to_owned(), package(&["credentials", "runtime"])),
            ("credentials".to_owned(), package(&["runtime", "sts"])),
            ("sts".to_owned(), package(&["runtime"])),
            ("server".to_owned(), package(&["runtime"])),
            ("runtime".to_owned(), package(&[])),
        ]);
        let order = dependency_order(&workspace, &["sdk".to_owned(), "cli".to_owned()]);
        assert_eq!(
            order.unwrap(),
            [
                "runtime",
                "server",
                "sdk",
                "sts",
                "credentials",
                "engine",
                "cli"
            ]
        );
    }
}
