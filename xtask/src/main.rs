//! Project tasks: `cargo xtask <task> [options]`.

#![forbid(unsafe_code)]

mod bench;
mod codegen;
mod import;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <task>\ntasks:\n  codegen [--check]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["codegen"] => codegen::run(&workspace_root(), acs_codegen::Mode::Write),
        ["codegen", "--check"] => codegen::run(&workspace_root(), acs_codegen::Mode::Check),
        ["import", ..] => import::run(&args[1..]),
        ["bench", ..] => bench::run(&workspace_root(), &args[1..]),
        _ => {
            eprintln!("{USAGE}\n  {}\n  {}", import::USAGE, bench::USAGE);
            ExitCode::from(2)
        }
    }
}

/// xtask lives one level below the workspace root.
fn workspace_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(PathBuf::from)
        .unwrap_or(manifest_dir)
}
