//! One spec edit: what `cargo xtask codegen` takes to regenerate after a change to one
//! operation file. It runs on a scratch copy of `spec/`, `generated/` and the golden output
//! with its fixture (`--root`), so that the workspace's own files are never edited; the edit
//! is undone and regenerated, untimed, after each run, so that every run starts from the same
//! files (and the same record of the last run, which makes a regeneration incremental).

use std::fs;
use std::path::Path;

use super::process::{checked, millis, step, timed};
use super::stats::Stats;
use super::{Bench, read_tree};

/// The operation file edited: one of OOS's, whose summary becomes the doc comment of its
/// operation module and its CLI subcommand's help.
const EDITED: &str = "spec/oos/operations/GetTemplate.yaml";

pub fn run(bench: &mut Bench) -> Result<(), String> {
    step("one spec edit: `cargo xtask codegen` on a copy of spec/ and generated/");
    let mut files = read_tree(&bench.root, Path::new("spec"))?;
    files.extend(read_tree(&bench.root, Path::new("generated"))?);
    // `cargo xtask codegen` keeps the golden output too.
    let fixtures = Path::new(acs_codegen::golden::FIXTURE)
        .parent()
        .unwrap_or(Path::new(""));
    files.extend(read_tree(&bench.root, fixtures)?);
    files.extend(read_tree(
        &bench.root,
        Path::new(acs_codegen::golden::GOLDEN_DIR),
    )?);
    let scratch = bench.scratch_workspace("spec-edit", &files)?;
    let codegen = |check: bool| {
        let mut command = bench.cargo();
        command.args(["xtask", "codegen", "--root"]).arg(&scratch);
        if check {
            command.arg("--check");
        }
        command
    };
    // Untimed: xtask is built, and the copy is up to date before it is edited.
    checked(&mut codegen(true))?;

    let original = &files[Path::new(EDITED)];
    let edited = edit_summary(original).ok_or(format!("{EDITED} has no `summary:` line"))?;
    let file = scratch.join(EDITED);
    let write =
        |text: &str| fs::write(&file, text).map_err(|error| format!("{}: {error}", file.display()));
    let mut times = Vec::new();
    let mut rewritten = 0;
    for _ in 0..bench.options.runs() {
        write(&edited)?;
        let (elapsed, output) = timed(&mut codegen(false))?;
        rewritten = written(&String::from_utf8_lossy(&output.stdout)).unwrap_or(0);
        if rewritten == 0 {
            return Err(format!(
                "`cargo xtask codegen` rewrote nothing after {EDITED} was edited"
            ));
        }
        times.push(millis(elapsed));
        write(original)?;
        checked(&mut codegen(false))?;
    }
    let regenerate = Stats::of(&times);
    bench.figure(
        format!("`cargo xtask codegen` after an edit to {EDITED}, xtask built (wall)"),
        "ms",
        regenerate,
        Some(("< 100 ms", regenerate.median < 100.0)),
    );
    bench.summary.note(format!(
        "spec edit: the summary of {EDITED} changed, `cargo xtask codegen` rewrote {rewritten} file(s)"
    ));
    Ok(())
}

/// `yaml` with a sentence added to its top-level `summary:`, or `None` without one.
fn edit_summary(yaml: &str) -> Option<String> {
    let mut found = false;
    let edited: Vec<String> = yaml
        .lines()
        .map(|line| match line.strip_prefix("summary: ") {
            Some(summary) if !found => {
                found = true;
                format!("summary: {summary} Edited by cargo xtask bench.")
            }
            _ => line.to_string(),
        })
        .collect();
    found.then(|| edited.join("\n") + "\n")
}

/// How many files `cargo xtask codegen` reports it wrote (`codegen done: N written, …`).
fn written(stdout: &str) -> Option<usize> {
    stdout
        .lines()
        .find_map(|line| line.strip_prefix("codegen done: "))?
        .split_once(" written")?
        .0
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_gets_a_sentence_and_nothing_else_changes() {
        let yaml = "name: GetTemplate\nsummary: Queries a template.\nrequest:\n- name: A\n  summary: nested\n";
        assert_eq!(
            edit_summary(yaml).unwrap(),
            "name: GetTemplate\nsummary: Queries a template. Edited by cargo xtask bench.\nrequest:\n- name: A\n  summary: nested\n"
        );
        assert_eq!(edit_summary("name: GetTemplate\n"), None);
    }

    #[test]
    fn written_files_are_read_from_the_codegen_line() {
        assert_eq!(
            written("codegen done: 2 written, 315 unchanged, 0 removed in 251 ms\n"),
            Some(2)
        );
        assert_eq!(written("codegen checked: 0 written, 317 unchanged"), None);
    }

    #[test]
    fn the_edited_file_exists_with_a_summary() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let text = fs::read_to_string(root.join(EDITED)).unwrap();
        assert!(edit_summary(&text).is_some());
    }
}
