//! The clap command tree: one subcommand per operation and one flag per parameter; `wait`
//! with one subcommand per waiter; `completion` and `man`.

use std::collections::BTreeSet;
use std::sync::Arc;

use acs_runtime::ResponseBody;
use clap::builder::ValueParser;
use clap::{Arg, Command};

use crate::download::OUTFILE;
use crate::dry_run::DRY_RUN;
use crate::exit::EXIT_CODES;
use crate::extension::Extension;
use crate::logging::LOG_LEVEL;
use crate::model::{Cli, Kind, Operation, Parameter, Waiter};
use crate::output::{CLI_QUERY, OUTPUT, QUIET};
use crate::paging::PAGER;
use crate::values::{self, Sources};
use crate::waiting::{INTERVAL, TIMEOUT, WAITER};
use crate::{download, dry_run, logging, output, paging, waiting};

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

/// clap's own option, and subcommand.
const HELP: &str = "help";

/// Every long option this engine gives the commands that take parameters (an operation's,
/// a waiter's), with clap's `--help`: the spellings no parameter's flag takes (the
/// generator's `naming::CLI_OWN_OPTIONS`). `--version` is the tool's alone, not theirs.
pub const OWN_OPTIONS: &[&str] = &[
    ACCESS_KEY_ID,
    ACCESS_KEY_SECRET,
    CLI_QUERY,
    CONNECT_TIMEOUT,
    DRY_RUN,
    ENDPOINT,
    HELP,
    INTERVAL,
    LOG_LEVEL,
    OUTFILE,
    OUTPUT,
    PAGER,
    PROFILE,
    QUIET,
    READ_TIMEOUT,
    REGION,
    RETRY_COUNT,
    TIMEOUT,
    WAITER,
];

/// The subcommands beside the operations, with clap's `help`: the spellings no operation's
/// subcommand takes (the generator's `naming::CLI_OWN_COMMANDS`).
pub const OWN_COMMANDS: &[&str] = &[COMPLETION, HELP, MAN, WAIT];

const GLOBAL_OPTIONS: &str = "Global options";
const VALUE_SOURCES: &str = "Every parameter flag also takes file://PATH (the file's text) or - \
(standard input) instead of a value.";
/// What a command with a binary body's flag adds to [`VALUE_SOURCES`].
const BYTES_SOURCES: &str = "A BYTES flag streams the file or standard input as it sends it, \
never holding it whole; standard input is read once, so a call that fails after sending some \
of it is not retried.";
/// Options of one call: what it prints, and whether it pages, waits or only shows itself.
const CALL_OPTIONS: &str = "Call options";

pub fn build(cli: &Cli) -> Command {
    build_with(cli, None)
}

/// The tree of `cli`, with the hand-written subcommands of `extension` beside the operations.
pub fn build_with(cli: &Cli, extension: Option<&dyn Extension>) -> Command {
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
        .subcommands(extension.into_iter().flat_map(Extension::commands))
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
    let command = Command::new(waiter.command)
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
    let inputs: Vec<&Parameter> = waiter.parameters(operation).collect();
    let command = with_parameters(command, &inputs, sources, globals);
    inputs.iter().fold(command, |command, input| {
        command.mut_arg(parameter_id(input), |arg| arg.required(true))
    })
}

fn operation_command(operation: &Operation, sources: &Sources, globals: &[&str]) -> Command {
    let action = operation.call.action();
    let long_about = if operation.command == action {
        operation.summary.to_owned()
    } else {
        format!(
            "{}\n\nCalls the action `{action}`, whose spelling is a command of this tool's own.",
            operation.summary
        )
    };
    let streams = operation
        .parameters
        .iter()
        .any(|parameter| matches!(parameter.kind, Kind::Binary | Kind::BareBinary));
    let value_sources = if streams {
        format!("{VALUE_SOURCES} {BYTES_SOURCES}")
    } else {
        VALUE_SOURCES.to_owned()
    };
    let command = Command::new(operation.command)
        .about(first_sentence(operation.summary))
        .long_about(long_about)
        .after_help(format!("{value_sources}\n\n{EXIT_CODES}"))
        .args(output::args(CALL_OPTIONS))
        .arg(waiting::flag(CALL_OPTIONS))
        .arg(dry_run::arg(CALL_OPTIONS))
        .arg(paging::arg(CALL_OPTIONS));
    let command = if operation.call.response_body() == ResponseBody::Binary {
        command.arg(download::arg(CALL_OPTIONS))
    } else {
        command
    };
    let command = match operation.alias {
        Some(alias) => command.visible_alias(alias),
        None => command,
    };
    let parameters: Vec<&Parameter> = operation.parameters.iter().collect();
    with_parameters(command, &parameters, sources, globals)
}

/// The clap id of a parameter's flag: its spelling with the `--`. No option of this engine
/// has such an id, so a parameter never stands in for one, and a spelling used twice is
/// clap's to catch (`Command::debug_assert`).
pub fn parameter_id(parameter: &Parameter) -> String {
    format!("--{}", parameter.flag)
}

/// Adds one flag per parameter, spelled as the table spells it.
fn with_parameters(
    command: Command,
    parameters: &[&Parameter],
    sources: &Sources,
    globals: &[&str],
) -> Command {
    let options: BTreeSet<String> = command
        .get_arguments()
        .filter_map(Arg::get_long)
        .chain(globals.iter().copied())
        .chain([HELP])
        .chain(
            parameters
                .iter()
                .flat_map(|parameter| [Some(parameter.flag), parameter.alias])
                .flatten(),
        )
        .map(str::to_owned)
        .collect();
    let options = Arc::new(options);
    let args: Vec<Arg> = parameters
        .iter()
        .map(|parameter| {
            let options = Arc::clone(&options);
            let parser = match parameter.kind {
                Kind::Binary | Kind::BareBinary => sources.body(options),
                kind => sources.parameter(kind, options),
            };
            parameter_arg(parameter, parser)
        })
        .collect();
    command.args(args)
}

/// A parameter's flag takes the next argument as its value whatever it starts with
/// (`--Bandwidth -1`, `--Name -foo`), as long as it is not an option of the command (which
/// `parser` refuses).
fn parameter_arg(parameter: &Parameter, parser: ValueParser) -> Arg {
    let mut details = vec![format!("type: {}", parameter.kind.describe())];
    if parameter.required {
        details.push("required".to_string());
    }
    if parameter.flag != parameter.name {
        details.push(format!("the API's `{}`", parameter.name));
    }
    if let Some(example) = parameter.example.filter(|example| !example.contains('\n')) {
        details.push(format!("example: {example}"));
    }
    let summary = parameter.description.lines().next().unwrap_or_default();
    let arg = Arg::new(parameter_id(parameter))
        .long(parameter.flag)
        .value_name(parameter.kind.value_name())
        .required(parameter.required)
        .allow_hyphen_values(true)
        .value_parser(parser)
        .help(format!("{summary} [{}]", details.join("; ")))
        .long_help(format!(
            "{}\n[{}]",
            parameter.description,
            details.join("; ")
        ));
    match parameter.alias {
        Some(alias) => arg.visible_alias(alias),
        None => arg,
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
    use acs_runtime::params::Style;
    use acs_runtime::{Body, Location, Method, WaitRule};
    use clap::error::ErrorKind;
    use serde_json::json;

    use super::*;
    use crate::call;

    use crate::demo_service::SERVICE;

    const fn parameter(
        name: &'static str,
        flag: &'static str,
        alias: Option<&'static str>,
        kind: Kind,
    ) -> Parameter {
        Parameter {
            name,
            flag,
            alias,
            kind,
            style: Style::Simple,
            location: Location::Query,
            required: false,
            description: "A parameter.",
            example: None,
            sensitive: false,
        }
    }

    /// A table as the generator writes one for parameters spelled like the engine's options
    /// (`profile`), like each other's aliases (`Name` and `name`), and an action spelled like
    /// one of its subcommands (`wait`).
    static CLI: Cli = Cli {
        name: "demo",
        version: "0",
        about: "A demo.",
        service: &SERVICE,
        operations: &[
            Operation {
                command: "Tune",
                alias: Some("tune"),
                summary: "Tunes.",
                call: acs_runtime::Operation::new("Tune", Method::Post),
                pagination: None,
                parameters: &[
                    parameter("Bandwidth", "Bandwidth", Some("bandwidth"), Kind::Int32),
                    parameter("Name", "Name", None, Kind::String),
                    parameter("name", "name", None, Kind::String),
                    parameter("profile", "param-profile", None, Kind::String),
                    parameter("Value", "Value", Some("value"), Kind::Json),
                ],
                nested_secrets: &[],
            },
            Operation {
                command: "Fetch",
                alias: None,
                summary: "Fetches bytes, sending bytes.",
                call: acs_runtime::Operation::new("Fetch", Method::Put)
                    .with_response_body(acs_runtime::ResponseBody::Binary),
                pagination: None,
                parameters: &[Parameter {
                    location: Location::Body,
                    ..parameter("Data", "Data", None, Kind::Binary)
                }],
                nested_secrets: &[],
            },
            Operation {
                command: "Echo",
                alias: None,
                summary: "Sends its request twice, as SAF's official client does.",
                call: acs_runtime::Operation::new("Echo", Method::Post)
                    .with_request_also_as_json_body(),
                pagination: None,
                parameters: &[
                    parameter("Service", "Service", None, Kind::String),
                    parameter("Count", "Count", None, Kind::Int32),
                ],
                nested_secrets: &[],
            },
            Operation {
                command: "action-wait",
                alias: None,
                summary: "Waits.",
                call: acs_runtime::Operation::new("wait", Method::Post),
                pagination: None,
                parameters: &[],
                nested_secrets: &[],
            },
        ],
        waiters: &[Waiter {
            command: "tuned",
            description: "Waits until tuned.",
            operation: "Tune",
            inputs: &["profile"],
            status_path: "Status",
            rule: WaitRule {
                success: &["Done"],
                failure: &[],
                needs_action: &[],
                delay: std::time::Duration::from_secs(1),
                timeout: std::time::Duration::from_secs(2),
            },
        }],
    };

    fn parse(args: &[&str]) -> Result<clap::ArgMatches, clap::Error> {
        build(&CLI).try_get_matches_from(["demo"].iter().chain(args))
    }

    #[test]
    fn the_tree_passes_clap_checks() {
        build(&CLI).debug_assert();
    }

    #[test]
    fn own_options_and_commands_are_those_the_tree_has() {
        let mut command = build(&CLI);
        command.build();
        fn options(command: &Command, found: &mut BTreeSet<String>) {
            for arg in command.get_arguments() {
                if arg.get_id().as_str().starts_with("--") {
                    continue;
                }
                found.extend(arg.get_long().map(str::to_owned));
                found.extend(
                    arg.get_all_aliases()
                        .into_iter()
                        .flatten()
                        .map(str::to_owned),
                );
            }
        }
        let mut found = BTreeSet::new();
        let wait = command.find_subcommand(WAIT).unwrap();
        for subcommand in command.get_subcommands().chain(wait.get_subcommands()) {
            options(subcommand, &mut found);
        }
        let own: BTreeSet<String> = OWN_OPTIONS.iter().map(|name| name.to_string()).collect();
        assert_eq!(found, own);
        let commands: BTreeSet<&str> = command
            .get_subcommands()
            .map(Command::get_name)
            .filter(|name| CLI.operations.iter().all(|op| op.command != *name))
            .collect();
        assert_eq!(commands, OWN_COMMANDS.iter().copied().collect());
    }

    #[test]
    fn a_parameter_spelled_like_a_global_option_leaves_it_alone() {
        let matches = parse(&["Tune", "--param-profile", "p", "--profile", "default"]).unwrap();
        let (_, arguments) = matches.subcommand().unwrap();
        assert_eq!(
            arguments.get_one::<String>(PROFILE).map(String::as_str),
            Some("default")
        );
        let params = call::collect_params(CLI.operations[0].parameters, arguments);
        assert_eq!(params.query.get("profile"), Some("p"));
        let waited = parse(&["wait", "tuned", "--param-profile", "p"]).unwrap();
        assert!(waited.subcommand().is_some());
        let missing = parse(&["wait", "tuned"]).unwrap_err();
        assert_eq!(missing.kind(), ErrorKind::MissingRequiredArgument);
        assert!(missing.to_string().contains("--param-profile"), "{missing}");
    }

    #[test]
    fn an_action_spelled_like_a_command_of_the_engine_has_its_own_spelling() {
        let matches = parse(&["action-wait"]).unwrap();
        assert_eq!(matches.subcommand_name(), Some("action-wait"));
        let waiter = parse(&["wait", "tuned", "--param-profile", "p"]).unwrap();
        assert_eq!(waiter.subcommand_name(), Some(WAIT));
    }

    #[test]
    fn a_request_also_sent_as_a_json_body_puts_each_flag_in_both_places() {
        let matches = parse(&["Echo", "--Service", "a b", "--Count", "7"]).unwrap();
        let (_, arguments) = matches.subcommand().unwrap();
        let echo = &CLI.operations[2];
        let params = call::operation_params(echo, echo.parameters, arguments);
        assert_eq!(params.query.get("Service"), Some("a b"));
        assert_eq!(params.query.get("Count"), Some("7"));
        let Some(Body::Json(body)) = &params.body else {
            panic!("no JSON body: {params:?}");
        };
        assert_eq!(body.to_string(), r#"{"Count":7,"Service":"a b"}"#);
        let tune = &CLI.operations[0];
        let matches = parse(&["Tune", "--Name", "n"]).unwrap();
        let (_, arguments) = matches.subcommand().unwrap();
        let params = call::operation_params(tune, tune.parameters, arguments);
        assert!(params.body.is_none(), "{params:?}");
    }

    #[test]
    fn values_may_start_with_a_hyphen() {
        let matches = parse(&[
            "Tune",
            "--Bandwidth",
            "-1",
            "--Name",
            "-foo",
            "--name",
            "--not-an-option",
            "--value",
            "-1.5e3",
        ])
        .unwrap();
        let (_, arguments) = matches.subcommand().unwrap();
        let params = call::collect_params(CLI.operations[0].parameters, arguments);
        assert_eq!(params.query.get("Bandwidth"), Some("-1"));
        assert_eq!(params.query.get("Name"), Some("-foo"));
        assert_eq!(params.query.get("name"), Some("--not-an-option"));
        assert_eq!(
            arguments.get_one::<serde_json::Value>("--Value"),
            Some(&json!(-1500.0))
        );
    }

    #[test]
    fn a_binary_body_is_text_or_a_file_streamed_and_may_start_with_a_hyphen() {
        let body = |value: &str| {
            let matches = parse(&["Fetch", "--Data", value, "--outfile", "-"])?;
            let (_, arguments) = matches.subcommand().unwrap();
            Ok::<_, clap::Error>(call::collect_params(
                CLI.operations[1].parameters,
                arguments,
            ))
        };
        for text in ["-x", "--not-an-option", "plain"] {
            let params = body(text).unwrap();
            let Some(Body::Stream { stream, bare }) = &params.body else {
                panic!("{text}: no body");
            };
            assert_eq!(
                stream.in_memory().map(|bytes| &bytes[..]),
                Some(text.as_bytes())
            );
            assert!(!bare);
        }
        let path = std::env::temp_dir().join(format!("acs-cli-body-{}", std::process::id()));
        std::fs::write(&path, [0, 159, 255]).unwrap();
        let params = body(&format!("file://{}", path.display())).unwrap();
        let Some(Body::Stream { stream, .. }) = &params.body else {
            panic!("no body from the file");
        };
        assert!(
            stream.in_memory().is_none(),
            "a file is streamed, not read whole"
        );
        assert!(stream.is_replayable());
        assert_eq!(stream.content_length(), Some(3));
        std::fs::remove_file(&path).unwrap();
        let missing = body(&format!("file://{}", path.display())).unwrap_err();
        assert_eq!(missing.kind(), ErrorKind::ValueValidation);
        assert!(missing.to_string().contains("cannot read"), "{missing}");
        let directory = body(&format!("file://{}", std::env::temp_dir().display())).unwrap_err();
        assert!(
            directory.to_string().contains("is a directory"),
            "{directory}"
        );
        let option = body("--dry-run").unwrap_err();
        assert_eq!(option.kind(), ErrorKind::ValueValidation, "{option}");
        // Only a binary response's command writes a body to a file.
        assert!(parse(&["Tune", "--outfile", "x"]).is_err());
        assert!(parse(&["Fetch", "--outfile", "x", "--dry-run"]).is_err());
    }

    #[test]
    fn an_option_of_the_command_is_not_taken_as_a_value() {
        for option in ["--dry-run", "--profile=default", "--bandwidth"] {
            let error = parse(&["Tune", "--Name", option]).unwrap_err();
            assert_eq!(
                error.kind(),
                ErrorKind::ValueValidation,
                "{option}: {error}"
            );
        }
        let error = parse(&["Tune", "--Bandwidth", "-x"]).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::ValueValidation, "{error}");
    }

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
