//! `cargo xtask codegen`: regenerate `generated/` from `spec/`, or check it is up to date.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use acs_codegen::{Error, Mode};

/// Exit code for problems in the spec; drift and I/O failures exit with 1.
const SPEC_ERROR: u8 = 2;

pub fn run(root: &Path, mode: Mode) -> ExitCode {
    let started = Instant::now();
    match acs_codegen::codegen(root, mode) {
        Ok(report) if mode == Mode::Check && !report.drift.is_empty() => {
            for drift in &report.drift {
                eprintln!("{drift}");
            }
            eprintln!(
                "generated/ is not up to date ({} file(s)): run `cargo xtask codegen` and commit",
                report.drift.len()
            );
            ExitCode::FAILURE
        }
        Ok(report) => {
            let elapsed = started.elapsed().as_secs_f64() * 1000.0;
            let verb = if mode == Mode::Check {
                "checked"
            } else {
                "generated"
            };
            println!(
                "codegen {verb}: {} written, {} unchanged, {} removed in {elapsed:.0} ms",
                report.written.len(),
                report.unchanged,
                report.removed.len()
            );
            ExitCode::SUCCESS
        }
        Err(error @ Error::Spec(_)) => {
            eprintln!("{error}");
            ExitCode::from(SPEC_ERROR)
        }
        Err(error) => {
            eprintln!("codegen failed: {error}");
            ExitCode::FAILURE
        }
    }
}
