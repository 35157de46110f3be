//! Support shared by the end-to-end tests in `tests/tests/`; the README's Rust examples are
//! compiled as this crate's doctests, so they cannot drift from the API.

#[doc = include_str!("../../README.md")]
mod readme {}

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The `oos` binary of this build, (re)built once per test process: `cargo test` builds the
/// CLI crate's tests but not its binary, which may be missing or older than the runtime.
pub fn oos_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let built = std::process::Command::new(cargo)
            .args([
                "build",
                "--quiet",
                "-p",
                "alibabacloud-oos-cli",
                "--bin",
                "oos",
            ])
            .status()
            .expect("cargo runs");
        assert!(built.success(), "building oos failed");
        let test_executable = std::env::current_exe().expect("the test knows its path");
        let target_dir = test_executable
            .parent()
            .and_then(Path::parent)
            .expect("target/<profile>/deps");
        target_dir.join(format!("oos{}", std::env::consts::EXE_SUFFIX))
    })
}
