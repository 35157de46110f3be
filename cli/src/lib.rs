//! The engine behind generated command-line tools such as `oos`.
//!
//! A generated binary hands [`main`] a table of its operations and waiters ([`Cli`]); this
//! crate turns the table into subcommands and flags (spelled as the API spells them, and in
//! kebab-case), validates values, encodes them with the same encoder the SDK uses, sends signed
//! calls through [`acs_runtime`], and prints, pages, waits and logs as aliyun-cli does.
//!
//! Exit codes: 0 success; 1 an unexpected response (undecodable, or pages that repeat);
//! 2 usage error (unknown operation or flag, missing required parameter, invalid value or
//! expression); 3 the service returned an error; 4 network error or timeout; 5 credentials or
//! configuration problem; 6 a wait timed out; 7 a wait ended in a failure status.

#![forbid(unsafe_code)]

mod call;
mod command;
mod configure;
#[cfg(test)]
mod demo_service;
mod download;
mod dry_run;
mod exit;
mod extension;
mod logging;
mod model;
mod output;
mod paging;
mod query;
mod run;
mod table;
mod values;
mod waiting;

pub use command::{OWN_COMMANDS, OWN_OPTIONS};
pub use exit::{ExitStatus, Failure};
pub use extension::{CommandFuture, Extension, Invocation};
pub use model::{Cli, Kind, Operation, Pagination, Parameter, Waiter};

/// Parses the process's arguments, runs the chosen command and returns the exit code.
pub fn main(cli: &'static Cli) -> std::process::ExitCode {
    run::run(cli, None, std::env::args_os()).into()
}

/// [`main`], with a product's hand-written subcommands beside the operations.
pub fn main_with(cli: &'static Cli, extension: &dyn Extension) -> std::process::ExitCode {
    run::run(cli, Some(extension), std::env::args_os()).into()
}

/// The clap command tree of `cli`, as [`main`] parses with it: for tests, such as clap's
/// `Command::debug_assert`, which checks the whole tree in a debug build.
pub fn command(cli: &Cli) -> clap::Command {
    command::build(cli)
}

/// The clap command tree of `cli` with `extension`'s subcommands, as [`main_with`] parses with
/// it.
pub fn command_with(cli: &Cli, extension: &dyn Extension) -> clap::Command {
    command::build_with(cli, Some(extension))
}
