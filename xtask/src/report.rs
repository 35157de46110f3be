//! How `codegen` and `import` report what the sync engine did: one line of counts, or in
//! check mode every stale, missing or extra file with a short diff.

use std::process::ExitCode;
use std::time::Instant;

use acs_codegen::{Mode, Report};

/// Prints `report` of `task` and returns the exit code: failure when check mode found drift.
/// `fix` is the command that brings the files up to date.
pub fn print(task: &str, mode: Mode, report: &Report, started: Instant, fix: &str) -> ExitCode {
    if mode == Mode::Check && !report.drift.is_empty() {
        for drift in &report.drift {
            eprintln!("{drift}");
        }
        eprintln!(
            "{task}: {} file(s) are not up to date: run `{fix}` and commit",
            report.drift.len()
        );
        return ExitCode::FAILURE;
    }
    let elapsed = started.elapsed().as_secs_f64() * 1000.0;
    let verb = match mode {
        Mode::Check => "checked",
        Mode::Write => "done",
    };
    println!(
        "{task} {verb}: {} written, {} unchanged, {} removed in {elapsed:.0} ms",
        report.written.len(),
        report.unchanged,
        report.removed.len()
    );
    ExitCode::SUCCESS
}
