//! Adding a product is an import and a codegen, with no edits. `product.json`, the project's
//! own OpenMeta metadata in the style of Alibaba Cloud's RPC products (formData parameters,
//! repeatList and flat lists of objects with nested lists, JSON-style maps and free-form
//! objects, every scalar type, enums, keywords as names, token and page-number pagination, a
//! parameter nested in an object, a call listed with `GET` only, response headers), imported with the facts an
//! official SDK would have of it (`product.facts.yaml`), becomes the product `fleet`, whose
//! generated SDK and CLI must build without a warning and whose generated tests must pass, in a
//! scratch workspace beside this one. What it writes is the checked-in golden output
//! (`generator/tests/golden/fleet/`). There, `tests/fixtures/fleet_end_to_end.rs` sends calls
//! through the generated SDK and the built `fleet` command to the test server.
//!
//! The same workspace runs `tests/fixtures/fleet-paging/paging.rs`: every paging style the
//! fixture has an operation for (token, marker, a camelCase token inside an object, page
//! numbers with and without a total count, aliyun-cli's `--pager` options), through the
//! generated SDK and the generated command, against the test server.

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
    assert_eq!(operations, 14 + 1, "fourteen operation modules and mod.rs");

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

    // The end-to-end tests, crates of their own beside the generated ones: the wire rules
    // (`fleet_end_to_end.rs`) and every paging style (`fleet-paging/paging.rs`).
    for (name, features, test_file) in [
        (
            "fleet-end-to-end",
            "\"macros\", \"rt-multi-thread\"",
            "tests/fixtures/fleet_end_to_end.rs",
        ),
        (
            "fleet-paging",
            "\"macros\", \"process\", \"rt-multi-thread\", \"time\"",
            "tests/fixtures/fleet-paging/paging.rs",
        ),
    ] {
        let crate_dir = scratch.join("generated").join(name);
        fs::create_dir_all(crate_dir.join("tests")).unwrap();
        fs::write(
            crate_dir.join("Cargo.toml"),
            format!(
                "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\npublish = false\n\
                 edition.workspace = true\n\n[dev-dependencies]\nacs-test-server.workspace = true\n\
                 alibabacloud-fleet = {{ path = \"../fleet\" }}\nfutures-util.workspace = true\n\
                 serde_json.workspace = true\n\
                 tokio = {{ workspace = true, features = [{features}] }}\n"
            ),
        )
        .unwrap();
        fs::write(
            crate_dir.join("tests").join(format!("{name}.rs")),
            format!("include!({:?});\n", root.join(test_file)),
        )
        .unwrap();
    }

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
    assert!(built.success(), "building the fleet command failed");
    let fleet_binary = target_dir
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
        .env("FLEET_BINARY", &fleet_binary)
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
    let paging_tests = "test result: ok. 11 passed; 0 failed";
    assert!(
        printed.contains(paging_tests),
        "expected {paging_tests}:\n{printed}"
    );
}
