//! Running and timing subprocesses: every figure the bench takes of a command is the wall
//! time of one child process, from spawn to exit.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Announces what the bench does next, on stderr (stdout carries the summary).
pub fn step(message: &str) {
    eprintln!("== {message}");
}

/// Runs `command` with no input and fails with its output if it fails.
pub fn checked(command: &mut Command) -> Result<Output, String> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|error| format!("cannot run {command:?}: {error}"))?;
    if !output.status.success() {
        return Err(format!(
            "{command:?} failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(output)
}

/// Runs `command` as [`checked`] does, and how long it took.
pub fn timed(command: &mut Command) -> Result<(Duration, Output), String> {
    let started = Instant::now();
    let output = checked(command)?;
    Ok((started.elapsed(), output))
}

pub fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// Keeps a command's stdout and stderr in `dir/<name>.log`; a log that cannot be written
/// costs the reader a log, not the run its figures.
pub fn log(dir: &Path, name: &str, output: &Output) {
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    let _ = std::fs::write(dir.join(format!("{name}.log")), text);
}
