//! Cargo as a subprocess, and what its JSON messages (`--message-format=json`, cargo's
//! documented machine-readable output) say was built.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// `cargo` (the one running xtask, when it does) in `dir`, in the environment of a shell.
///
/// `cargo run` (and so `cargo xtask`) sets xtask's package variables (`CARGO_PKG_NAME`,
/// `CARGO_MANIFEST_DIR`, …) in its environment, and a cargo started from there would see
/// them. Build scripts that ask to be rerun when they change (ring's does, for
/// `CARGO_MANIFEST_DIR` and `CARGO_PKG_*`) would then be stale in every build the bench makes
/// after one made from a shell, and the other way round; they are removed.
pub fn command(dir: &Path) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.current_dir(dir);
    for (name, _) in std::env::vars_os() {
        if name.to_str().is_some_and(set_by_cargo_run) {
            command.env_remove(name);
        }
    }
    command
}

/// Whether `cargo run` sets the variable `name` for the program it runs, from the program's
/// package (`CARGO` itself, the path of cargo, is kept).
fn set_by_cargo_run(name: &str) -> bool {
    name.starts_with("CARGO_PKG_")
        || name.starts_with("CARGO_MANIFEST_")
        || matches!(
            name,
            "CARGO_CRATE_NAME" | "CARGO_BIN_NAME" | "CARGO_PRIMARY_PACKAGE"
        )
}

/// A `compiler-artifact` message: one compilation unit, built or found fresh.
#[derive(Debug, PartialEq)]
pub struct Artifact {
    pub target: String,
    pub kinds: Vec<String>,
    pub manifest_path: PathBuf,
    pub executable: Option<PathBuf>,
    /// What the unit produced (`.rlib`, `.rmeta`, executables).
    pub filenames: Vec<PathBuf>,
    /// Whether cargo found the unit up to date and did not compile it.
    pub fresh: bool,
}

/// The `compiler-artifact` messages of a cargo command's stdout; other lines are skipped.
pub fn artifacts(stdout: &str) -> Vec<Artifact> {
    messages(stdout)
        .filter(|message| message["reason"] == "compiler-artifact")
        .map(|message| Artifact {
            target: message["target"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            kinds: strings(&message["target"]["kind"])
                .map(String::from)
                .collect(),
            manifest_path: PathBuf::from(message["manifest_path"].as_str().unwrap_or_default()),
            executable: message["executable"].as_str().map(PathBuf::from),
            filenames: strings(&message["filenames"]).map(PathBuf::from).collect(),
            fresh: message["fresh"].as_bool().unwrap_or(false),
        })
        .collect()
}

/// Build scripts run (`build-script-executed`), each a unit of its own in cargo's count.
pub fn build_scripts_run(stdout: &str) -> usize {
    messages(stdout)
        .filter(|message| message["reason"] == "build-script-executed")
        .count()
}

/// The strings of a JSON array (none when it is not one).
fn strings(array: &Value) -> impl Iterator<Item = &str> {
    array
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

fn messages(stdout: &str) -> impl Iterator<Item = Value> + '_ {
    stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUTPUT: &str = r#"{"reason":"compiler-artifact","package_id":"path+file:///w/generated/oos#alibabacloud-oos@0.1.0","manifest_path":"/w/generated/oos/Cargo.toml","target":{"kind":["lib"],"crate_types":["lib"],"name":"alibabacloud_oos","src_path":"/w/generated/oos/src/lib.rs"},"profile":{},"features":[],"filenames":["/w/target/debug/libalibabacloud_oos.rlib"],"executable":null,"fresh":false}
{"reason":"build-script-executed","package_id":"registry+https://github.com/rust-lang/crates.io-index#ring@0.17.14","linked_libs":[],"linked_paths":[],"cfgs":[],"env":[],"out_dir":"/w/target/debug/build/ring-1/out"}
{"reason":"compiler-artifact","package_id":"path+file:///w/benches#benchmarks@0.0.0","manifest_path":"/w/benches/Cargo.toml","target":{"kind":["bench"],"crate_types":["bin"],"name":"load","src_path":"/w/benches/benches/load.rs"},"profile":{},"features":[],"filenames":["/w/target/release/deps/load-abc"],"executable":"/w/target/release/deps/load-abc","fresh":true}
   Compiling something (human output that slipped into stdout)
{"reason":"build-finished","success":true}
"#;

    #[test]
    fn the_package_variables_of_cargo_run_are_recognised() {
        for name in [
            "CARGO_PKG_NAME",
            "CARGO_PKG_VERSION_MAJOR",
            "CARGO_MANIFEST_DIR",
            "CARGO_MANIFEST_PATH",
            "CARGO_CRATE_NAME",
            "CARGO_BIN_NAME",
            "CARGO_PRIMARY_PACKAGE",
        ] {
            assert!(set_by_cargo_run(name), "{name}");
        }
        for name in [
            "CARGO",
            "CARGO_HOME",
            "CARGO_TARGET_DIR",
            "CARGO_INCREMENTAL",
            "PATH",
        ] {
            assert!(!set_by_cargo_run(name), "{name}");
        }
    }

    #[test]
    fn artifacts_are_read_from_compiler_artifact_messages() {
        assert_eq!(
            artifacts(OUTPUT),
            [
                Artifact {
                    target: "alibabacloud_oos".into(),
                    kinds: vec!["lib".into()],
                    manifest_path: "/w/generated/oos/Cargo.toml".into(),
                    executable: None,
                    filenames: vec!["/w/target/debug/libalibabacloud_oos.rlib".into()],
                    fresh: false,
                },
                Artifact {
                    target: "load".into(),
                    kinds: vec!["bench".into()],
                    manifest_path: "/w/benches/Cargo.toml".into(),
                    executable: Some("/w/target/release/deps/load-abc".into()),
                    filenames: vec!["/w/target/release/deps/load-abc".into()],
                    fresh: true,
                },
            ]
        );
        assert_eq!(build_scripts_run(OUTPUT), 1);
    }
}
