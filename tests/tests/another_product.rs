//! Adding a product is an import and a codegen, with no edits. `product.json`, the project's
//! own OpenMeta metadata in the style of Alibaba Cloud's RPC products (formData parameters,
//! repeatList and flat lists of objects with nested lists, JSON-style maps and free-form
//! objects, every scalar type, enums, keywords as names, token and page-number pagination),
//! becomes the product `fleet`, whose generated SDK and CLI must build without a warning and
//! whose generated tests must pass, in a scratch workspace beside this one.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use acs_codegen::Mode;

/// A workspace holding only `generated/*`, whose shared dependencies are this workspace's,
/// with the runtime, test server, credentials and CLI engine by absolute path.
fn scratch_manifest(root: &Path) -> String {
    let manifest = fs::read_to_string(root.join("Cargo.toml")).unwrap();
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
        if line.starts_with("alibabacloud-oos ") || line.starts_with("acs-codegen ") {
            continue;
        }
        let absolute = |crate_dir: &str| format!("path = \"{}\"", root.join(crate_dir).display());
        lines.push(
            line.replace("path = \"runtime\"", &absolute("runtime"))
                .replace("path = \"test-server\"", &absolute("test-server"))
                .replace("path = \"credentials\"", &absolute("credentials"))
                .replace("path = \"cli\"", &absolute("cli")),
        );
    }
    lines.join("\n") + "\n"
}

fn write_files(root: &Path, files: &BTreeMap<PathBuf, String>) {
    for (path, text) in files {
        let path = root.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
}

#[test]
fn a_product_imported_from_openmeta_builds_and_passes_its_generated_tests() {
    let root = integration_tests::workspace_root();
    let fixtures = root.join("generator/tests/fixtures/openmeta");
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("another-product");
    let _ = fs::remove_dir_all(&scratch);
    fs::create_dir_all(&scratch).unwrap();

    // `cargo xtask import --openmeta product.json`.
    let metadata = fs::read_to_string(fixtures.join("product.json")).unwrap();
    let product = acs_codegen::import::product_code(&metadata).unwrap();
    assert_eq!(product, "fleet");
    let specs = acs_codegen::import::import(&metadata, None).unwrap();
    write_files(&scratch.join("spec").join(&product), &specs);

    // `cargo xtask codegen`.
    let report = acs_codegen::codegen(&scratch, Mode::Write).unwrap();
    assert!(
        report
            .written
            .iter()
            .any(|path| path.ends_with("generated/fleet-cli/src/main.rs")),
        "{report:?}"
    );
    let operations = fs::read_dir(scratch.join("generated/fleet/src/operation"))
        .unwrap()
        .count();
    assert_eq!(operations, 8 + 1, "eight operation modules and mod.rs");

    fs::write(scratch.join("Cargo.toml"), scratch_manifest(root)).unwrap();
    fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock")).unwrap();
    // This workspace's target directory: the dependencies are built there already.
    let target_dir = integration_tests::target_dir();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "test",
            "--quiet",
            "--offline",
            "--workspace",
            "--all-features",
        ])
        .current_dir(&scratch)
        .env("CARGO_TARGET_DIR", &target_dir)
        .output()
        .unwrap();
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{printed}");
    assert!(printed.contains("test result: ok"), "{printed}");
    assert!(!printed.contains("warning"), "{printed}");
}
