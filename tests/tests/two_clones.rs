//! `cargo xtask` works on the checkout it is run in, whatever target directory it shares.
//! Two clones of this repository at the same commit share this workspace's target directory,
//! as a `target-dir` set for every project makes them do: cargo then builds xtask once and runs
//! that one binary in both. A spec edited in the second clone must be generated into the
//! second clone, and nowhere else.

use std::fs;
use std::path::Path;
use std::process::Command;

#[test]
fn xtask_writes_into_the_clone_it_is_run_in_when_clones_share_a_target_directory() {
    let root = integration_tests::workspace_root();
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("two-clones");
    let _ = fs::remove_dir_all(&scratch);
    let first = scratch.join("first");
    let second = scratch.join("second");
    copy_checkout(root, &first);
    copy_checkout(root, &second);

    let operation = "spec/sts/operations/GetCallerIdentity.yaml";
    let summary_line = "summary: Edited in the second clone only.";
    let spec = fs::read_to_string(second.join(operation)).unwrap();
    let edited = spec
        .lines()
        .map(|line| {
            if line.starts_with("summary:") {
                summary_line
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert_ne!(
        edited.trim_end(),
        spec.trim_end(),
        "{operation} has a summary"
    );
    fs::write(second.join(operation), edited + "\n").unwrap();

    let generated = "generated/sts/src/operation/get_caller_identity.rs";
    for (clone, task) in [(&first, "--check"), (&second, "")] {
        let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        command
            .args(["xtask", "codegen"])
            .args((!task.is_empty()).then_some(task))
            .current_dir(clone)
            .env("CARGO_TARGET_DIR", integration_tests::target_dir());
        // As from a shell in the clone: not the variables `cargo test` set for this test.
        for (name, _) in std::env::vars() {
            if name.starts_with("CARGO_PKG_") || name.starts_with("CARGO_MANIFEST_") {
                command.env_remove(name);
            }
        }
        let output = command.output().unwrap();
        assert!(
            output.status.success(),
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let summary = "Edited in the second clone only.";
    assert!(
        fs::read_to_string(second.join(generated))
            .unwrap()
            .contains(summary)
    );
    for untouched in [&first, &root.to_path_buf()] {
        let text = fs::read_to_string(untouched.join(generated)).unwrap();
        assert!(
            !text.contains(summary),
            "{} was written",
            untouched.display()
        );
    }
}

/// Copies the checkout's files, not its target directory or its git data, keeping their
/// modification times: a clone at the same commit is as fresh to cargo as the original.
fn copy_checkout(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        let (source, destination) = (entry.path(), to.join(&name));
        if entry.file_type().unwrap().is_dir() {
            copy_checkout(&source, &destination);
        } else {
            fs::copy(&source, &destination).unwrap();
            let modified = entry.metadata().unwrap().modified().unwrap();
            fs::File::options()
                .write(true)
                .open(&destination)
                .unwrap()
                .set_modified(modified)
                .unwrap();
        }
    }
}
