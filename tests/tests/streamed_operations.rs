//! Operations whose bodies stream, generated: `tests/fixtures/streamed/spec/objects`, a product
//! of two operations shaped as OSS's `PutObject` (a whole `binary` request body) and
//! `GetObject` (a `binary` response), is generated in a scratch workspace, where
//! `tests/fixtures/streamed_end_to_end.rs` moves an object through the generated SDK (its body
//! an `acs_runtime::ByteStream`, its response an `acs_runtime::StreamedResponse`) to the test
//! server's object endpoints and back.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use acs_codegen::Mode;

#[test]
fn generated_operations_stream_their_binary_bodies_both_ways() {
    let root = integration_tests::workspace_root();
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("streamed-operations");
    let fixture = root.join("tests/fixtures/streamed");
    let mut spec_files = BTreeMap::new();
    for relative in [
        "spec/objects/service.yaml",
        "spec/objects/operations/PutObject.yaml",
        "spec/objects/operations/GetObject.yaml",
    ] {
        let text = fs::read_to_string(fixture.join(relative)).unwrap();
        spec_files.insert(PathBuf::from(relative), text);
    }
    acs_codegen::scratch::write_workspace(root, &scratch, &spec_files).unwrap();
    acs_codegen::codegen(&scratch, Mode::Write).unwrap();

    let crate_dir = scratch.join("generated/objects-end-to-end");
    fs::create_dir_all(crate_dir.join("tests")).unwrap();
    fs::write(
        crate_dir.join("Cargo.toml"),
        "[package]\nname = \"objects-end-to-end\"\nversion = \"0.0.0\"\npublish = false\n\
         edition.workspace = true\n\n[dev-dependencies]\nacs-runtime.workspace = true\n\
         acs-test-server.workspace = true\nalibabacloud-objects = { path = \"../objects\" }\n\
         tokio = { workspace = true, features = [\"macros\", \"rt-multi-thread\"] }\n",
    )
    .unwrap();
    fs::write(
        crate_dir.join("tests/objects_end_to_end.rs"),
        format!(
            "include!({:?});\n",
            root.join("tests/fixtures/streamed_end_to_end.rs")
        ),
    )
    .unwrap();

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "test",
            "--quiet",
            "--offline",
            "-p",
            "objects-end-to-end",
            "-p",
            "alibabacloud-objects",
            "--tests",
        ])
        .current_dir(&scratch)
        .env("CARGO_TARGET_DIR", integration_tests::target_dir())
        .output()
        .unwrap();
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{printed}");
    assert!(
        printed.contains("test result: ok. 1 passed; 0 failed"),
        "{printed}"
    );
}
