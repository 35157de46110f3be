//! `cargo xtask codegen`: regenerate `generated/` from `spec/`, and the golden output of the
//! fleet fixture (`acs_codegen::golden`), or check that both are up to date.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use acs_codegen::{Error, Mode};

/// Exit code for problems in the spec; drift and I/O failures exit with 1.
const SPEC_ERROR: u8 = 2;

pub fn run(root: &Path, check: bool) -> ExitCode {
    let started = Instant::now();
    let mode = if check { Mode::Check } else { Mode::Write };
    let generated = acs_codegen::codegen(root, mode);
    let golden = generated.and_then(|generated| {
        let golden = acs_codegen::golden::sync(root, mode)?;
        Ok(generated.merge(golden))
    });
    match golden {
        Ok(report) => {
            crate::report::print("codegen", mode, &report, started, "cargo xtask codegen")
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
