//! Project tasks: `cargo xtask <task> [options]`.

mod import;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("import") => import::run(&args[1..]),
        _ => {
            eprintln!("usage: cargo xtask <task>\ntasks:\n  {}", import::USAGE);
            ExitCode::FAILURE
        }
    }
}
