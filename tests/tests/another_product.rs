//! Adding a product is an import and a codegen, with no edits. `product.json`, the project's
//! own OpenMeta metadata in the style of Alibaba Cloud's RPC products (formData parameters,
//! repeatList and flat lists of objects with nested lists, JSON-style maps and free-form
//! objects, every scalar type, enums, keywords as names, token and page-number pagination, a
//! parameter nested in an object, a call listed with `GET` only), imported with the facts an
//! official SDK would have of it (`product.facts.yaml`), becomes the product `fleet`, whose
//! generated SDK and CLI must build without a warning and whose generated tests must pass, in a
//! scratch workspace beside this one. What it writes is the checked-in golden output
//! (`generator/tests/golden/fleet/`). There, `tests/fixtures/fleet_end_to_end.rs` sends calls
//! through the generated SDK and the built `fleet` command to the test server.

use std::fs;
use std::path::Path;
use std::process::Command;

use acs_codegen::Mode;

#[test]
fn a_product_imported_from_openmeta_builds_and_passes_its_generated_tests() {
    let root = integration_tests::workspace_root();
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("another-product");

    // `cargo xtask import --openmeta product.json`, with the fixture's facts.
    let spec_files = acs_codegen::golden::spec_files(root).unwrap();
    assert!(
        spec_files.keys().all(|path| path.starts_with("spec/fleet")),
        "{spec_files:?}"
    );
    acs_codegen::scratch::write_workspace(root, &scratch, &spec_files).unwrap();

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
    assert_eq!(operations, 10 + 1, "ten operation modules and mod.rs");

    // The checked-in golden output is exactly what the two commands wrote, so building this
    // workspace builds it.
    for (path, golden) in acs_codegen::golden::files(root).unwrap() {
        let relative = path.strip_prefix(acs_codegen::golden::GOLDEN_DIR).unwrap();
        let written = fs::read_to_string(scratch.join(relative)).unwrap();
        assert!(
            written == golden,
            "{} differs from the golden output",
            relative.display()
        );
    }

    // The end-to-end test, a crate of the scratch workspace.
    let end_to_end = scratch.join("generated/fleet-end-to-end");
    fs::create_dir_all(end_to_end.join("tests")).unwrap();
    fs::write(
        end_to_end.join("Cargo.toml"),
        "[package]\nname = \"fleet-end-to-end\"\nversion = \"0.0.0\"\npublish = false\n\
         edition.workspace = true\n\n[dev-dependencies]\nacs-test-server.workspace = true\n\
         alibabacloud-fleet = { path = \"../fleet\" }\nserde_json.workspace = true\n\
         tokio = { workspace = true, features = [\"macros\", \"rt-multi-thread\"] }\n",
    )
    .unwrap();
    fs::write(
        end_to_end.join("tests/end_to_end.rs"),
        format!(
            "include!({:?});\n",
            root.join("tests/fixtures/fleet_end_to_end.rs")
        ),
    )
    .unwrap();

    // This workspace's target directory: the dependencies are built there already.
    let target_dir = integration_tests::target_dir();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = Command::new(&cargo)
        .args([
            "build",
            "--quiet",
            "--offline",
            "-p",
            "alibabacloud-fleet-cli",
        ])
        .current_dir(&scratch)
        .env("CARGO_TARGET_DIR", &target_dir)
        .status()
        .unwrap();
    assert!(built.success(), "the fleet command builds");
    let fleet = target_dir
        .join("debug")
        .join(format!("fleet{}", std::env::consts::EXE_SUFFIX));
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
        .env("FLEET_CLI", &fleet)
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
