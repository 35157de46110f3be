//! Scratch workspaces: generated crates built outside this repository (a product imported
//! for a test, a sample of the metadata corpus) against this repository's runtime and CLI
//! engine, with its dependency versions.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// This workspace's hand-written crates that generated crates depend on, by directory: a
/// scratch workspace refers to them by absolute path.
const HAND_WRITTEN: &[&str] = &["runtime", "test-server", "credentials", "cli"];

/// The crates of this workspace's `generated/` that its hand-written crates depend on
/// (`alibabacloud-sts`, which `acs-credentials` calls). A scratch workspace cannot hold a
/// generated crate of the same name: Cargo allows one package of a name and version.
pub fn generated_crates_in_use(root: &Path) -> io::Result<BTreeSet<String>> {
    let mut names = BTreeSet::new();
    for dir in HAND_WRITTEN {
        let manifest = fs::read_to_string(root.join(dir).join("Cargo.toml"))?;
        names.extend(manifest.lines().filter_map(|line| {
            let name = line.split(['.', ' ', '=']).next()?;
            name.starts_with("alibabacloud-").then(|| name.to_owned())
        }));
    }
    Ok(names)
}

/// The manifest of a workspace holding only `generated/*`: this workspace's manifest with
/// its members replaced, its own generated crates and the generator left out, and the
/// runtime, test server, credentials and CLI engine referred to by absolute path.
pub fn workspace_manifest(root: &Path) -> io::Result<String> {
    let manifest = fs::read_to_string(root.join("Cargo.toml"))?;
    let mut lines = Vec::new();
    let mut in_members = false;
    for line in manifest.lines() {
        if line.starts_with("members = [") {
            in_members = true;
            lines.push("members = [\"generated/*\"]".to_string());
            continue;
        }
        if in_members {
            in_members = line.trim() != "]";
            continue;
        }
        if line.starts_with("alibabacloud-") || line.starts_with("acs-codegen ") {
            continue;
        }
        let line = HAND_WRITTEN.iter().fold(line.to_owned(), |line, dir| {
            let absolute = format!("path = \"{}\"", root.join(dir).display());
            line.replace(&format!("path = \"{dir}\""), &absolute)
        });
        lines.push(line);
    }
    Ok(lines.join("\n") + "\n")
}

/// Writes a scratch workspace at `dir`: the manifest, this workspace's lock file, and
/// `files` (paths relative to `dir`), after removing what a previous run left in
/// `dir/generated` and `dir/spec`.
pub fn write_workspace(
    root: &Path,
    dir: &Path,
    files: &BTreeMap<PathBuf, String>,
) -> io::Result<()> {
    for owned in ["generated", "spec"] {
        match fs::remove_dir_all(dir.join(owned)) {
            Err(error) if error.kind() != io::ErrorKind::NotFound => return Err(error),
            _ => {}
        }
    }
    fs::create_dir_all(dir)?;
    fs::write(dir.join("Cargo.toml"), workspace_manifest(root)?)?;
    fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    for (path, text) in files {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(path, text)?;
    }
    Ok(())
}
