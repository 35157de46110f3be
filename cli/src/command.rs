//! The clap command tree: one subcommand per operation and one flag per parameter; `wait`
//! with one subcommand per waiter; `completion` and `man`.

use clap::{Arg, Command};

use crate::exit::EXIT_CODES;
use crate::model::{Cli, Operation, Parameter, Waiter};
use crate::values::{self, Sources};
use crate::{dry_run, logging, output, paging, waiting};

/// Global options, accepted before or after the command: where and how to call.
pub const REGION: &str = "region";
pub const PROFILE: &str = "profile";
pub const ENDPOINT: &str = "endpoint";
pub const ACCESS_KEY_ID: &str = "access-key-id";
pub const ACCESS_KEY_SECRET: &str = "access-key-secret";
pub const CONNECT_TIMEOUT: &str = "connect-timeout";
pub const READ_TIMEOUT: &str = "read-timeout";
pub const RETRY_COUNT: &str = "retry-count";

/// Subcommands besides the operations.
pub const COMPLETION: &str = "completion";
pub const SHELL: &str = "shell";
pub const MAN: &str = "man";
pub const WAIT: &str = "wait";

const GLOBAL_OPTIONS: &str = "Global options";
const VALUE_SOURCES: &str = "Every parameter flag also takes file://PATH (the file's text) or - \
(standard input) instead of a value.";
/// Options of one call: what it prints, and whether it pages, waits or only shows itself.
const CALL_OPTIONS: &str = "Call options";

pub fn build(cli: &Cli) -> Command {
    let sources = Sources::default();
    let global = global_args(&sources).map(|arg| arg.global(true).help_heading(GLOBAL_OPTIONS));
    let globals: Vec<&str> = global.iter().filter_map(Arg::get_long).collect();
    let utilities = [completion_command(), man_command(cli.name)]
        .into_iter()
        .chain(wait_command(cli, &sources, &globals));
    let operations = cli
        .operations
        .iter()
        .map(|operation| operation_command(operation, &sources, &globals));
    Command::new(cli.name)
        .bin_name(cli.name)
        .version(cli.version)
        .about(cli.about)
        .after_help(EXIT_CODES)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .args(global.iter().cloned())
        .subcommands(utilities)
        .subcommands(operations)
}

fn global_args(sources: &Sources) -> [Arg; 9] {
    [
        Arg::new(REGION).long(REGION).value_name("REGION_ID").help(
            "Region id (default: the call's own --RegionId, then ALIBABA_CLOUD_REGION_ID, \
             then the profile's region)",
        ),
        Arg::new(PROFILE)
            .long(PROFILE)
            .value_name("NAME")
            .help("Profile of ~/.aliyun/config.json to take credentials and region from"),
        Arg::new(ENDPOINT)
            .long(ENDPOINT)
            .value_name("URL")
            .help("Endpoint to call instead of the region's, e.g. http://127.0.0.1:8080"),
        Arg::new(ACCESS_KEY_ID)
            .long(ACCESS_KEY_ID)
            .value_name("ID")
            .value_parser(sources.access_key())
            .requires(ACCESS_KEY_SECRET)
            .help("AccessKey id, or file://PATH or - (stdin) (default: the credential chain)"),
        Arg::new(ACCESS_KEY_SECRET)
            .long(ACCESS_KEY_SECRET)
            .value_name("SECRET")
            .value_parser(sources.access_key())
            .requires(ACCESS_KEY_ID)
            .help(
                "AccessKey secret, with --access-key-id; file://PATH or - (stdin) keep it out \
                 of the process list",
            ),
        Arg::new(CONNECT_TIMEOUT)
            .long(CONNECT_TIMEOUT)
            .value_name("SECONDS")
            .value_parser(values::seconds)
            .help("Time allowed to connect (default 5)"),
        Arg::new(READ_TIMEOUT)
            .long(READ_TIMEOUT)
            .value_name("SECONDS")
            .value_parser(values::seconds)
            .help("Time allowed for each attempt's response (default 10)"),
        Arg::new(RETRY_COUNT)
            .long(RETRY_COUNT)
            .value_name("COUNT")
            .value_parser(clap::value_parser!(u32))
            .help(
                "Retries after a throttled, unavailable or unreachable first attempt (default 2)",
            ),
        logging::arg(),
    ]
}

fn completion_command() -> Command {
    Command::new(COMPLETION)
        .about("Print the completion script for a shell")
        .arg(
            Arg::new(SHELL)
                .required(true)
                .value_parser(clap::value_parser!(clap_complete::Shell)),
        )
}

fn man_command(name: &str) -> Command {
    Command::new(MAN).about(format!(
        "Print the man page (roff), e.g. `{name} man > {name}.1`"
    ))
}

/// `wait`, when the spec declares waiters.
fn wait_command(cli: &Cli, sources: &Sources, globals: &[&str]) -> Option<Command> {
    if cli.waiters.is_empty() {
        return None;
    }
    let waiters = cli.waiters.iter().filter_map(|waiter| {
        let operation = cli
            .operations
            .iter()
            .find(|operation| operation.call.action() == waiter.operation)?;
        Some(waiter_command(waiter, operation, sources, globals))
    });
    Some(
        Command::new(WAIT)
            .about("Wait until a resource reaches a final state")
            .subcommand_required(true)
            .subcommands(waiters),
    )
}

fn waiter_command(
    waiter: &Waiter,
    operation: &Operation,
    sources: &Sources,
    globals: &[&str],
) -> Command {
    let success = waiter.rule.success.join(", ");
    let failure = waiter.rule.failure.join(", ");
    let needs_action = match waiter.rule.needs_action {
        [] => String::new(),
        statuses => format!(
            " {} waits for someone to act: exit 7 too.",
            statuses.join(" or ")
        ),
    };
    let command = Command::new(waiter.kebab)
        .about(first_sentence(waiter.description))
        .long_about(format!(
            "{}\n\nCalls {} about every interval (jittered) until {} is {success} (exit 0) or \
             {failure} (exit 7), printing each new status to stderr.{needs_action} No status \
             {} calls in a row: exit 1.",
            waiter.description,
            operation.call.action(),
            waiter.status_path,
            acs_runtime::waiter::MAX_POLLS_WITHOUT_STATUS,
        ))
        .after_help(format!("{VALUE_SOURCES}\n\n{EXIT_CODES}"))
        .args(waiting::rule_args(&waiter.rule).map(|arg| arg.help_heading(CALL_OPTIONS)))
        .args(output::args(CALL_OPTIONS));
    // What the waiter takes names what it waits for: without it, it would wait on anything.
    let command = with_parameters(command, waiter.parameters(operation), sources, globals);
    waiter.inputs.iter().fold(command, |command, input| {
        command.mut_arg(*input, |arg| arg.required(true))
    })
}

fn operation_command(operation: &Operation, sources: &Sources, globals: &[&str]) -> Command {
    let command = Command::new(operation.call.action())
        .visible_alias(operation.kebab)
        .about(first_sentence(operation.summary))
        .long_about(operation.summary)
        .after_help(format!("{VALUE_SOURCES}\n\n{EXIT_CODES}"))
        .args(output::args(CALL_OPTIONS))
        .arg(waiting::flag(CALL_OPTIONS))
        .arg(dry_run::arg(CALL_OPTIONS))
        .arg(paging::arg(CALL_OPTIONS));
    with_parameters(command, operation.parameters.iter(), sources, globals)
}

/// Adds one flag per parameter, spelled as the API spells it, with a kebab-case alias
/// unless an option of the command already uses that spelling.
fn with_parameters<'a>(
    command: Command,
    parameters: impl Iterator<Item = &'a Parameter>,
    sources: &Sources,
    globals: &[&str],
) -> Command {
    let mut taken: Vec<&str> = command
        .get_arguments()
        .filter_map(Arg::get_long)
        .chain(globals.iter().copied())
        .chain(["help", "version"])
        .collect();
    taken.sort_unstable();
    let parameters: Vec<Arg> = parameters
        .map(|parameter| parameter_arg(parameter, sources, &taken))
        .collect();
    command.args(parameters)
}

fn parameter_arg(parameter: &Parameter, sources: &Sources, taken: &[&str]) -> Arg {
    let mut details = vec![format!("type: {}", parameter.kind.describe())];
    if parameter.required {
        details.push("required".to_string());
    }
    if let Some(example) = parameter.example.filter(|example| !example.contains('\n')) {
        details.push(format!("example: {example}"));
    }
    let summary = parameter.description.lines().next().unwrap_or_default();
    let arg = Arg::new(parameter.name)
        .long(parameter.name)
        .value_name(parameter.kind.value_name())
        .required(parameter.required)
        .value_parser(sources.parameter(parameter.kind))
        .help(format!("{summary} [{}]", details.join("; ")))
        .long_help(format!(
            "{}\n[{}]",
            parameter.description,
            details.join("; ")
        ));
    if parameter.kebab != parameter.name && taken.binary_search(&parameter.kebab).is_err() {
        arg.visible_alias(parameter.kebab)
    } else {
        arg
    }
}

/// The first sentence of `text`, for command lists: up to the first full stop that ends a
/// sentence (followed by a space or the end), `。`, or line break.
fn first_sentence(text: &str) -> &str {
    let line = text.lines().next().unwrap_or_default();
    let ends = [". ", "。"]
        .iter()
        .filter_map(|stop| line.find(stop).map(|at| at + stop.len()))
        .min();
    match ends {
        Some(end) => line[..end].trim_end(),
        None => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_sentences() {
        assert_eq!(first_sentence("Starts it. Then more."), "Starts it.");
        assert_eq!(
            first_sentence("Uses v1.2 of it.\nDetails"),
            "Uses v1.2 of it."
        );
        assert_eq!(
            first_sentence("检测文件是否存在。其他"),
            "检测文件是否存在。"
        );
        assert_eq!(first_sentence(""), "");
    }
}
