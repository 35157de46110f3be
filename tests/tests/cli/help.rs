//! What `oos` says about itself: help (checked against committed snapshots), version,
//! completion scripts, the man page, and the README's account of every flag and exit code.

use std::path::PathBuf;

use integration_tests::server;

use crate::{oos, run, run_with_stdin, stderr, stdout};

/// Compares `actual` with the committed file `tests/snapshots/<name>`; with
/// `UPDATE_SNAPSHOTS=1` in the environment, writes it instead.
fn assert_snapshot(name: &str, actual: &str) {
    let path: PathBuf = integration_tests::workspace_root()
        .join("tests/snapshots")
        .join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|error| {
        panic!(
            "cannot read {}: {error}; run with UPDATE_SNAPSHOTS=1",
            path.display()
        )
    });
    assert!(
        actual == expected,
        "`{name}` differs from {}; if the change is intended, run the test with \
         UPDATE_SNAPSHOTS=1 and commit the file.\n--- actual ---\n{actual}",
        path.display()
    );
}

async fn help(args: &[&str]) -> String {
    let output = oos().args(args).output().await.unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    stdout(&output)
}

#[tokio::test]
async fn top_level_help_matches_its_snapshot() {
    let text = help(&["--help"]).await;
    assert_snapshot("oos-help.txt", &text);
}

#[tokio::test]
async fn operation_help_matches_its_snapshot() {
    let text = help(&["GetTemplate", "--help"]).await;
    assert_snapshot("oos-GetTemplate-help.txt", &text);
}

#[tokio::test]
async fn help_lists_every_operation_and_explains_each_parameter() {
    let server = server().await;
    let help = run(&server, &["--help"]).await;
    assert!(help.status.success());
    let text = String::from_utf8_lossy(&help.stdout);
    for (action, _) in alibabacloud_oos::testing::RESPONSE_EXAMPLES {
        assert!(text.contains(action), "--help lacks {action}");
    }
    assert!(text.contains("Queries the information about the patches of an instance."));

    let operation_help = run(&server, &["ListInstancePatchStates", "--help"]).await;
    let text = String::from_utf8_lossy(&operation_help.stdout);
    assert!(text.contains("--MaxResults <INTEGER>"), "{text}");
    assert!(
        text.contains("The number of entries to return on each page."),
        "{text}"
    );
    assert!(
        text.contains("[type: integer (32-bit); example: 50]"),
        "{text}"
    );
    let required = run(&server, &["GetTemplate", "--help"]).await;
    assert!(String::from_utf8_lossy(&required.stdout).contains("required"));
}

/// The command list gives each operation's first sentence and no more; the operation's own
/// help gives it whole.
#[tokio::test]
async fn the_command_list_shows_first_sentences_under_their_headings() {
    let text = help(&["--help"]).await;
    let line = text
        .lines()
        .find(|line| line.trim_start().starts_with("GetExecutionTemplate "))
        .unwrap();
    assert!(
        line.contains("Queries the information about the template of an execution, including the content of the template."),
        "{line}"
    );
    let start_execution = text
        .lines()
        .find(|line| line.trim_start().starts_with("StartExecution "))
        .unwrap();
    assert!(
        start_execution.ends_with("Starts an execution. [alias: start-execution]"),
        "{start_execution}"
    );
    let whole = help(&["StartExecution", "--help"]).await;
    assert!(whole.starts_with("Starts an execution."), "{whole}");
    for heading in ["Global options:", "Call options:"] {
        assert!(whole.contains(heading), "{whole}");
    }
    assert!(
        text.contains("Global options:\n      --region <REGION_ID>"),
        "{text}"
    );
}

#[tokio::test]
async fn version_prints_the_crate_version() {
    let output = oos().arg("--version").output().await.unwrap();
    assert_eq!(output.status.code(), Some(0));
    let manifest =
        std::fs::read_to_string(integration_tests::workspace_root().join("Cargo.toml")).unwrap();
    let workspace_version = manifest
        .lines()
        .skip_while(|line| *line != "[workspace.package]")
        .find_map(|line| line.strip_prefix("version = "))
        .unwrap()
        .trim_matches('"');
    assert_eq!(stdout(&output), format!("oos {workspace_version}\n"));
}

#[tokio::test]
async fn completion_scripts_are_valid_for_each_shell() {
    let bash = oos().args(["completion", "bash"]).output().await.unwrap();
    assert_eq!(bash.status.code(), Some(0), "{}", stderr(&bash));
    let script = stdout(&bash);
    assert!(script.contains("ListExecutions") && script.contains("--MaxResults"));
    let mut check = tokio::process::Command::new("bash");
    check.arg("-n");
    let checked = run_with_stdin(check, &script).await;
    assert!(checked.status.success(), "bash -n: {}", stderr(&checked));

    for shell in ["zsh", "fish", "powershell"] {
        let output = oos().args(["completion", shell]).output().await.unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{shell}: {}",
            stderr(&output)
        );
        assert!(stdout(&output).contains("ListExecutions"), "{shell}");
    }
    let unknown = oos().args(["completion", "tcsh"]).output().await.unwrap();
    assert_eq!(unknown.status.code(), Some(2));
}

#[tokio::test]
async fn man_prints_a_roff_page_of_every_command() {
    let output = oos().arg("man").output().await.unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let page = stdout(&output);
    assert!(
        page.starts_with(".ie \\n(.g .ds Aq \\(aq"),
        "{}",
        &page[..200]
    );
    assert!(page.contains(".TH oos 1"), "{page}");
    for expected in [
        ".SH NAME",
        "\\-\\-log\\-level",
        "ListExecutions",
        "completion",
    ] {
        assert!(page.contains(expected), "no `{expected}` in the man page");
    }
}

/// The README's section on the command names every option of `oos`, every subcommand that is
/// not an operation, and every exit code.
#[tokio::test]
async fn the_readme_documents_every_flag_and_exit_code() {
    let readme =
        std::fs::read_to_string(integration_tests::workspace_root().join("README.md")).unwrap();
    let start = readme
        .find("## The `oos` command")
        .expect("the README has the section");
    let section = &readme[start..];
    let section = &section[..section[3..]
        .find("\n## ")
        .map_or(section.len(), |end| end + 3)];
    let mut documented = Vec::new();
    for args in [
        &["ListExecutions", "--help"][..],
        &["wait", "execution-finished", "--help"],
    ] {
        for line in help(args).await.lines() {
            let flag = line.trim_start();
            if flag.starts_with("--") && !flag.starts_with("--help") {
                let name = flag.split([' ', ',', '=']).next().unwrap();
                if name.chars().nth(2).is_some_and(|c| c.is_ascii_lowercase()) {
                    documented.push(name.to_string());
                }
            }
        }
    }
    documented.extend(["--version", "--help"].map(String::from));
    documented.extend(["completion", "man", "wait"].map(|command| format!("`oos {command} ")));
    assert!(documented.len() > 15, "{documented:?}");
    for item in &documented {
        assert!(section.contains(item.as_str()), "the README lacks `{item}`");
    }
    for code in 0..=7 {
        assert!(
            section.contains(&format!("| {code} |")),
            "the README lacks exit code {code}"
        );
    }
}

#[tokio::test]
async fn help_and_version_exit_0_and_send_nothing() {
    let server = server().await;
    for args in [&["--help"][..], &["--version"], &["GetTemplate", "-h"]] {
        let output = run(&server, args).await;
        assert_eq!(output.status.code(), Some(0), "{args:?}");
    }
    assert!(server.requests().is_empty());
}
