//! `oss cp`, `oss ls` and `oss rm`, the hand-written subcommands of the `oss` command, which the
//! generated `alibabacloud-oss-cli` runs beside its one subcommand per operation
//! (`acs_cli::main_with(&CLI, &COMMANDS)`, as `spec/oss/service.yaml`'s `cli_commands` asks).
//!
//! They call OSS through the generated SDK, configured by the engine as every other
//! subcommand is (global options, environment, profile); a copy between a file and an object
//! goes through `alibabacloud-oss-transfer`, in parallel parts.

#![forbid(unsafe_code)]

mod copy;
mod listing;
mod location;
mod progress;
mod remove;
mod stdout;
mod written_output;

use acs_cli::{CommandFuture, Extension, Failure, Invocation};

pub use location::{ObjectUrl, Target};

/// The subcommands, for `acs_cli::main_with`.
pub static COMMANDS: OssCommands = OssCommands;

/// `cp`, `ls` and `rm`.
#[derive(Debug)]
pub struct OssCommands;

impl Extension for OssCommands {
    fn commands(&self) -> Vec<clap::Command> {
        vec![copy::command(), listing::command(), remove::command()]
    }

    fn run<'a>(&'a self, name: &'a str, invocation: Invocation<'a>) -> CommandFuture<'a> {
        Box::pin(async move {
            match name {
                copy::NAME => copy::run(invocation).await,
                listing::NAME => listing::run(invocation).await,
                remove::NAME => remove::run(invocation).await,
                other => Err(Failure::Usage(format!("no command `{other}`"))),
            }
        })
    }
}

/// The OSS client the engine's configuration gives.
async fn client(invocation: &Invocation<'_>) -> Result<alibabacloud_oss::Client, Failure> {
    Ok(alibabacloud_oss::Client::from_conf(
        invocation.config().await?,
    ))
}
