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

#[cfg(test)]
mod tests {
    use std::ffi::OsString;
    use std::sync::Mutex;

    use super::*;
    use crate::exit::ExitStatus;
    use crate::model::Cli;

    use crate::demo_service::SERVICE;

    static CLI: Cli = Cli {
        name: "demo",
        version: "0",
        about: "A demo.",
        service: &SERVICE,
        operations: &[],
        waiters: &[],
    };

    /// `greet [--loud]`, which records the region it was configured with and fails unless
    /// loud.
    #[derive(Default)]
    struct Greet {
        regions: Mutex<Vec<Option<String>>>,
    }

    impl Extension for Greet {
        fn commands(&self) -> Vec<clap::Command> {
            vec![
                clap::Command::new("greet").arg(
                    clap::Arg::new("loud")
                        .long("loud")
                        .action(clap::ArgAction::SetTrue),
                ),
            ]
        }

        fn run<'a>(&'a self, name: &'a str, invocation: Invocation<'a>) -> CommandFuture<'a> {
            Box::pin(async move {
                assert_eq!(name, "greet");
                let config = invocation.config().await?;
                self.regions
                    .lock()
                    .unwrap()
                    .push(config.region().map(str::to_owned));
                if invocation.arguments().get_flag("loud") {
                    Ok(())
                } else {
                    Err(Failure::Usage("say it louder".into()))
                }
            })
        }
    }

    fn run(extension: &Greet, args: &[&str]) -> ExitStatus {
        let args = ["demo"]
            .iter()
            .chain(args)
            .chain(&["--access-key-id", "id", "--access-key-secret", "secret"])
            .map(OsString::from);
        crate::run::run(&CLI, Some(extension), args)
    }

    #[test]
    fn a_hand_written_command_runs_with_the_engines_options_and_exit_codes() {
        let greet = Greet::default();
        crate::command::build_with(&CLI, Some(&greet)).debug_assert();
        assert_eq!(
            run(&greet, &["greet", "--loud", "--region", "cn-shanghai"]),
            ExitStatus::Success
        );
        assert_eq!(
            run(&greet, &["--region", "cn-beijing", "greet"]),
            ExitStatus::Usage
        );
        assert_eq!(
            *greet.regions.lock().unwrap(),
            [
                Some("cn-shanghai".to_owned()),
                Some("cn-beijing".to_owned())
            ]
        );
        assert_eq!(run(&greet, &["greet", "--quiet"]), ExitStatus::Usage);
        assert_eq!(greet.regions.lock().unwrap().len(), 2);
    }
}
