//! A product's hand-written subcommands beside the generated ones (`oss cp`, `oss ls`): the
//! engine parses them with its global options and runs them with the configuration it gives
//! its operations, so that credentials, region, endpoint, timeouts and retries are resolved
//! once, here.

use std::future::Future;
use std::pin::Pin;

use clap::ArgMatches;

use crate::configure;
use crate::exit::Failure;

/// The future an [`Extension`] runs a subcommand as.
pub type CommandFuture<'a> = Pin<Box<dyn Future<Output = Result<(), Failure>> + 'a>>;

/// Subcommands a product adds by hand. Their names must differ from the operations' and the
/// engine's own (`completion`, `man`, `wait`, `help`), which clap's checks of the tree catch.
pub trait Extension: Sync {
    /// The subcommands; the engine's global options (`--profile`, `--region`, `--endpoint`,
    /// …) are added to each.
    fn commands(&self) -> Vec<clap::Command>;

    /// Runs `name`, one of [`Extension::commands`], with what was parsed for it.
    fn run<'a>(&'a self, name: &'a str, invocation: Invocation<'a>) -> CommandFuture<'a>;
}

/// One run of a hand-written subcommand.
#[derive(Debug)]
pub struct Invocation<'a> {
    arguments: &'a ArgMatches,
}

impl<'a> Invocation<'a> {
    pub(crate) fn new(arguments: &'a ArgMatches) -> Self {
        Invocation { arguments }
    }

    /// The subcommand's arguments, the engine's global options among them.
    pub fn arguments(&self) -> &'a ArgMatches {
        self.arguments
    }

    /// The configuration the global options, the environment and the profile give, as the
    /// generated subcommands are configured.
    pub async fn config(&self) -> Result<acs_runtime::Config, Failure> {
        Ok(configure::config(self.arguments, None).await?)
    }
}
