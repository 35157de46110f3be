//! What the tests that check generated SDKs in a scratch workspace share: the fixture specs
//! they generate, and the test crate they write beside the generated crates and run there
//! with this workspace's target directory (so the dependencies are built already).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every spec file under `spec_dir` (a fixture's `spec/`), keyed by its path in a scratch
/// workspace (`spec/<dir>/…`). Overlays are left out: the importer applied them already.
pub fn fixture_specs(spec_dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut files = BTreeMap::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(relative) = pending.pop() {
        for entry in fs::read_dir(spec_dir.join(&relative)).expect("the fixture specs are there") {
            let entry = entry.expect("the fixture specs can be listed");
            let path = relative.join(entry.file_name());
            if entry.file_type().expect("a file type").is_dir() {
                pending.push(path);
            } else if entry.file_name() != "overlay.yaml" {
                let text = fs::read_to_string(spec_dir.join(&path)).expect("a spec file reads");
                files.insert(Path::new("spec").join(path), text);
            }
        }
    }
    assert!(
        !files.is_empty(),
        "no spec file under {}",
        spec_dir.display()
    );
    files
}

/// A test crate of the scratch workspace: its package name, the lines of its
/// `[dev-dependencies]` beyond `acs-runtime` and `serde_json`, and its test files by name.
pub struct CheckCrate<'a> {
    pub name: &'a str,
    pub dev_dependencies: String,
    pub test_files: Vec<(&'a str, String)>,
}

impl CheckCrate<'_> {
    /// Writes the crate under `scratch/generated/`, runs its tests there, and returns what
    /// cargo printed; fails unless every test passed without a warning.
    pub fn run(&self, scratch: &Path) -> String {
        let crate_dir = scratch.join("generated").join(self.name);
        fs::create_dir_all(crate_dir.join("tests")).expect("the check crate's directory");
        fs::write(
            crate_dir.join("Cargo.toml"),
            format!(
                "[package]\nname = \"{}\"\nversion = \"0.0.0\"\npublish = false\n\
                 edition.workspace = true\n\n[dev-dependencies]\nacs-runtime.workspace = true\n\
                 serde_json.workspace = true\n{}",
                self.name, self.dev_dependencies
            ),
        )
        .expect("the check crate's manifest");
        for (file, source) in &self.test_files {
            fs::write(crate_dir.join("tests").join(file), source).expect("a check test file");
        }
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let output = Command::new(cargo)
            .args(["test", "--quiet", "--offline", "-p", self.name])
            .current_dir(scratch)
            .env("CARGO_TARGET_DIR", crate::target_dir())
            .output()
            .expect("cargo runs");
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(output.status.success(), "{printed}");
        assert!(!printed.contains("warning"), "{printed}");
        printed
    }
}
