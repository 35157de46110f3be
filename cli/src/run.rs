//! Running one command: parse, then print a completion script or the man page, wait for a
//! waiter, or call an operation (once, every page, until a status, or as a dry run; with a
//! binary response, as a download).

use std::ffi::OsString;
use std::future::Future;
use std::io::{ErrorKind, Write};

use acs_runtime::ResponseBody;
use clap::ArgMatches;
use tracing_subscriber::filter::LevelFilter;

use crate::command::{self, COMPLETION, MAN, SHELL, WAIT};
use crate::dry_run::{self, DRY_RUN};
use crate::exit::{ExitStatus, Failure};
use crate::extension::{Extension, Invocation};
use crate::logging::{self, LOG_LEVEL};
use crate::model::{Cli, Operation, Waiter};
use crate::output::Output;
use crate::waiting::Wait;
use crate::{call, configure, download, paging};

pub fn run(
    cli: &'static Cli,
    extension: Option<&dyn Extension>,
    args: impl IntoIterator<Item = OsString>,
) -> ExitStatus {
    let mut command = command::build_with(cli, extension);
    let matches = match command.try_get_matches_from_mut(args) {
        Ok(matches) => matches,
        Err(error) => {
            let usage_error = error.use_stderr();
            let _ = error.print();
            return if usage_error {
                ExitStatus::Usage
            } else {
                ExitStatus::Success
            };
        }
    };
    logging::init(
        matches
            .get_one::<LevelFilter>(LOG_LEVEL)
            .copied()
            .unwrap_or(LevelFilter::OFF),
    );
    let result = match matches.subcommand() {
        Some((COMPLETION, arguments)) => {
            let shell = *arguments
                .get_one::<clap_complete::Shell>(SHELL)
                .expect("clap requires the shell");
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command, cli.name, &mut script);
            write_out(&script)
        }
        Some((MAN, _)) => man_page(command),
        Some((WAIT, arguments)) => match arguments.subcommand() {
            Some((name, arguments)) => match cli.waiters.iter().find(|w| w.command == name) {
                Some(waiter) => block_on(wait(cli, waiter, arguments)),
                None => Err(Failure::Usage(format!("no waiter `{name}`"))),
            },
            None => Err(Failure::Usage("wait needs a waiter".into())),
        },
        Some((name, arguments)) => match cli.operations.iter().find(|op| op.command == name) {
            Some(operation) => block_on(call_operation(cli, operation, arguments)),
            None => match extension {
                Some(extension) => block_on(extension.run(name, Invocation::new(arguments))),
                None => Err(Failure::Usage(format!("no operation `{name}`"))),
            },
        },
        None => Err(Failure::Usage("no command".into())),
    };
    match result {
        Ok(()) => ExitStatus::Success,
        Err(failure) => failure.report(),
    }
}

/// The operation the table names `action`, as waiters name theirs.
fn find_operation(cli: &'static Cli, action: &str) -> Option<&'static Operation> {
    cli.operations
        .iter()
        .find(|operation| operation.call.action() == action)
}

fn block_on(work: impl Future<Output = Result<(), Failure>>) -> Result<(), Failure> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| Failure::Unexpected(format!("cannot start the async runtime: {error}")))?;
    runtime.block_on(work)
}

fn man_page(command: clap::Command) -> Result<(), Failure> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command)
        .render(&mut page)
        .map_err(|error| Failure::Unexpected(format!("cannot render the man page: {error}")))?;
    write_out(&page)
}

/// Writes to stdout. A reader that stopped reading (`oos … | head -1`) has what it wanted:
/// that is no failure of the command.
fn write_out(bytes: &[u8]) -> Result<(), Failure> {
    match std::io::stdout().lock().write_all(bytes) {
        Err(error) if error.kind() != ErrorKind::BrokenPipe => Err(Failure::Unexpected(format!(
            "cannot write to stdout: {error}"
        ))),
        _ => Ok(()),
    }
}

/// Everything is checked before anything is sent: the output options, `--waiter`, `--pager`,
/// the configuration.
async fn call_operation(
    cli: &'static Cli,
    operation: &'static Operation,
    arguments: &ArgMatches,
) -> Result<(), Failure> {
    let params = call::operation_params(operation, operation.parameters, arguments);
    let output = Output::from_matches(arguments).map_err(Failure::Usage)?;
    let waiter = Wait::from_flag(arguments).map_err(Failure::Usage)?;
    let mut pages = paging::requested(operation, arguments)?;
    let client = configure::client(cli, arguments, call::region_parameter(&params)).await?;
    if arguments.get_flag(DRY_RUN) {
        return write_out(dry_run::render(&client, operation, &params)?.as_bytes());
    }
    if operation.call.response_body() == ResponseBody::Binary {
        if waiter.is_some() {
            return Err(Failure::Usage(format!(
                "--waiter polls a response of fields, and {} answers with bytes",
                operation.command
            )));
        }
        return download::run(&client, operation, params, arguments, &output).await;
    }
    let document = if let Some(wait) = waiter {
        wait.run(&client, operation, params, !output.quiet())
            .await?
    } else if let Some(pages) = &mut pages {
        paging::all_pages(&client, operation, params, pages).await?
    } else {
        call::send(&client, operation, params).await?
    };
    let items = match &pages {
        Some(pages) => Some(pages.items()),
        None => operation
            .pagination
            .as_ref()
            .map(|pagination| pagination.items.to_vec()),
    };
    print(&output, document, items.as_deref())
}

async fn wait(cli: &'static Cli, waiter: &Waiter, arguments: &ArgMatches) -> Result<(), Failure> {
    let operation = find_operation(cli, waiter.operation).ok_or_else(|| {
        Failure::Unexpected(format!(
            "the waiter polls `{}`, which the command lacks",
            waiter.operation
        ))
    })?;
    let params = call::operation_params(operation, waiter.parameters(operation), arguments);
    let output = Output::from_matches(arguments).map_err(Failure::Usage)?;
    let wait = Wait::from_table(waiter, arguments)?;
    let client = configure::client(cli, arguments, call::region_parameter(&params)).await?;
    let document = wait
        .run(&client, operation, params, !output.quiet())
        .await?;
    let items = operation
        .pagination
        .as_ref()
        .map(|pagination| pagination.items);
    print(&output, document, items)
}

pub(crate) fn print(
    output: &Output,
    document: serde_json::Value,
    items: Option<&[&str]>,
) -> Result<(), Failure> {
    match output.render(document, items).map_err(Failure::Usage)? {
        Some(text) => write_out(text.as_bytes()),
        None => Ok(()),
    }
}
