//! The engine behind generated command-line tools such as `oos`.
//!
//! A generated binary hands [`main`] a table of its operations ([`Cli`]); this crate turns
//! the table into subcommands and flags (spelled as the API spells them, and in kebab-case),
//! validates values, encodes them with the same encoder the SDK uses, and sends signed calls
//! through [`acs_runtime`].
//!
//! Exit codes: 0 success; 2 usage error (unknown operation or flag, missing required
//! parameter, invalid value); 3 the service returned an error; 4 network error or timeout;
//! 5 credentials or configuration problem; 1 anything else (an undecodable response).

#![forbid(unsafe_code)]

mod command;
mod exit;
mod model;
mod run;
mod values;

pub use exit::ExitStatus;
pub use model::{Cli, Kind, Location, Operation, Pagination, Parameter};

/// Parses the process's arguments, runs the chosen operation and returns the exit code.
pub fn main(cli: &'static Cli) -> std::process::ExitCode {
    run::run(cli, std::env::args_os()).into()
}
