//! The clap command tree: one subcommand per operation, one flag per parameter.

use clap::{Arg, ArgAction, Command};

use crate::model::{Cli, Operation, Parameter};
use crate::values;

/// Global options, accepted before or after the operation.
pub const REGION: &str = "region";
pub const PROFILE: &str = "profile";
pub const ENDPOINT: &str = "endpoint";
pub const ACCESS_KEY_ID: &str = "access-key-id";
pub const ACCESS_KEY_SECRET: &str = "access-key-secret";
pub const PAGER: &str = "pager";
pub const OUTPUT: &str = "output";
pub const DRY_RUN: &str = "dry-run";
const GLOBAL_FLAGS: &[&str] = &[
    REGION,
    PROFILE,
    ENDPOINT,
    ACCESS_KEY_ID,
    ACCESS_KEY_SECRET,
    PAGER,
    OUTPUT,
    DRY_RUN,
    "help",
];

const EXIT_CODES: &str = "Exit codes: 0 success; 1 unexpected response; 2 usage error; \
3 service error; 4 network error or timeout; 5 credentials or configuration problem.";

pub fn build(cli: &Cli) -> Command {
    let global = |arg: Arg| arg.global(true);
    Command::new(cli.name)
        .about(cli.about)
        .after_help(EXIT_CODES)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .arg(global(
            Arg::new(REGION)
                .long(REGION)
                .value_name("REGION_ID")
                .help("Region id (default: ALIBABA_CLOUD_REGION_ID, then the profile's region)"),
        ))
        .arg(global(
            Arg::new(PROFILE)
                .long(PROFILE)
                .value_name("NAME")
                .help("Profile of ~/.aliyun/config.json to take credentials and region from"),
        ))
        .arg(global(
            Arg::new(ENDPOINT)
                .long(ENDPOINT)
                .value_name("URL")
                .help("Endpoint to call instead of the region's, e.g. http://127.0.0.1:8080"),
        ))
        .arg(global(
            Arg::new(ACCESS_KEY_ID)
                .long(ACCESS_KEY_ID)
                .value_name("ID")
                .requires(ACCESS_KEY_SECRET)
                .help("AccessKey id (default: the credential chain)"),
        ))
        .arg(global(
            Arg::new(ACCESS_KEY_SECRET)
                .long(ACCESS_KEY_SECRET)
                .value_name("SECRET")
                .requires(ACCESS_KEY_ID)
                .help("AccessKey secret, with --access-key-id"),
        ))
        .arg(global(
            Arg::new(PAGER).long(PAGER).action(ArgAction::SetTrue).help(
                "Fetch every page of a paginated operation and merge the items into one document",
            ),
        ))
        .arg(global(
            Arg::new(OUTPUT)
                .long(OUTPUT)
                .value_name("FORMAT")
                .value_parser(["json", "compact"])
                .default_value("json")
                .help("Response format: pretty JSON or compact JSON"),
        ))
        .arg(global(
            Arg::new(DRY_RUN)
                .long(DRY_RUN)
                .action(ArgAction::SetTrue)
                .help("Print the parameters and the canonical request instead of sending"),
        ))
        .subcommands(cli.operations.iter().map(operation_command))
}

fn operation_command(operation: &Operation) -> Command {
    Command::new(operation.call.action())
        .visible_alias(operation.kebab)
        .about(operation.summary)
        .after_help(EXIT_CODES)
        .args(operation.parameters.iter().map(parameter_arg))
}

fn parameter_arg(parameter: &Parameter) -> Arg {
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
        .value_parser(values::parser(parameter.kind))
        .help(format!("{summary} [{}]", details.join("; ")))
        .long_help(format!(
            "{}\n[{}]",
            parameter.description,
            details.join("; ")
        ));
    // A kebab spelling that a global option already uses stays out; the API spelling works.
    if parameter.kebab != parameter.name && !GLOBAL_FLAGS.contains(&parameter.kebab) {
        arg.visible_alias(parameter.kebab)
    } else {
        arg
    }
}
