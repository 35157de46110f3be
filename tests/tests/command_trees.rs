//! The command trees never make clap panic and take every value: clap's
//! `Command::debug_assert` over the generated tables of this workspace and over the commands of
//! a sample of the corpus (`tests/fixtures/command_names.json`, the names each operation's
//! command takes, spelled here by the generator's `naming` and built by the engine), including
//! parameters spelled like the engine's own options (Container Service's `profile`).

use std::collections::BTreeSet;
use std::sync::OnceLock;

use acs_codegen::naming;
use acs_runtime::params::Style;
use acs_runtime::{Location, Method};
use proptest::prelude::*;
use serde_json::Value;

/// The generated commands of this workspace.
fn generated() -> [&'static acs_cli::Cli; 3] {
    [
        &alibabacloud_cs_cli::CLI,
        &alibabacloud_oos_cli::CLI,
        &alibabacloud_sts_cli::CLI,
    ]
}

/// One product of the fixture, its table built at run time as the generator would write it:
/// the action's and flags' spellings from `naming`, every parameter a string in the query.
struct Product {
    dir: String,
    cli: &'static acs_cli::Cli,
}

static SERVICE: acs_runtime::Service = acs_runtime::Service {
    product: "Sample",
    api_version: "2020-01-01",
    endpoint_rule: "sample.{region}.aliyuncs.com",
    auth: acs_runtime::AuthScheme::Acs3HmacSha256,
    protocol: "https",
    regional_endpoints: &[],
    sdk_name: "sample-cli",
    sdk_version: "0",
};

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

fn sample() -> &'static [Product] {
    static SAMPLE: OnceLock<Vec<Product>> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/command_names.json");
        let fixture: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        fixture["products"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(dir, operations)| Product {
                dir: dir.clone(),
                cli: sample_cli(dir, operations.as_object().unwrap()),
            })
            .collect()
    })
}

fn sample_cli(dir: &str, operations: &serde_json::Map<String, Value>) -> &'static acs_cli::Cli {
    let actions: Vec<&str> = operations.keys().map(String::as_str).collect();
    let (names, _) = naming::client_names(actions.iter().copied(), []);
    let operations = actions
        .iter()
        .zip(names)
        .map(|(action, names)| {
            let wire_names: Vec<&str> = operations[*action]
                .as_array()
                .unwrap()
                .iter()
                .map(|name| name.as_str().unwrap())
                .collect();
            let parameters = wire_names
                .iter()
                .zip(naming::flag_names(wire_names.iter().copied()))
                .map(|(wire_name, spellings)| acs_cli::Parameter {
                    name: leak((*wire_name).to_owned()),
                    flag: leak(spellings.name),
                    alias: spellings.alias.map(leak),
                    kind: acs_cli::Kind::String,
                    style: Style::Simple,
                    location: Location::Query,
                    required: false,
                    description: "A parameter.",
                    example: None,
                    sensitive: false,
                })
                .collect::<Vec<_>>();
            acs_cli::Operation {
                command: leak(names.command.name),
                alias: names.command.alias.map(leak),
                summary: "An operation.",
                call: acs_runtime::Operation::new(leak((*action).to_owned()), Method::Post),
                pagination: None,
                parameters: parameters.leak(),
                nested_secrets: &[],
            }
        })
        .collect::<Vec<_>>();
    Box::leak(Box::new(acs_cli::Cli {
        name: leak(dir.to_owned()),
        version: "0",
        about: "A product of the corpus.",
        service: &SERVICE,
        operations: operations.leak(),
        waiters: &[],
    }))
}

/// Parses `args` with `command`, the tree of `cli`, built once for many parses.
fn parse(
    command: &mut clap::Command,
    cli: &acs_cli::Cli,
    args: &[&str],
) -> Result<clap::ArgMatches, clap::Error> {
    command.try_get_matches_from_mut(std::iter::once(cli.name).chain(args.iter().copied()))
}

/// The value the parameter's flag was given, as the engine reads it.
fn value<'a>(matches: &'a clap::ArgMatches, parameter: &acs_cli::Parameter) -> Option<&'a Value> {
    let (_, arguments) = matches.subcommand().unwrap();
    arguments.get_one::<Value>(&format!("--{}", parameter.flag))
}

#[test]
fn the_generator_reserves_the_engines_own_spellings() {
    let set = |names: &[&str]| {
        names
            .iter()
            .map(|name| name.to_string())
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(set(naming::CLI_OWN_OPTIONS), set(acs_cli::OWN_OPTIONS));
    assert_eq!(set(naming::CLI_OWN_COMMANDS), set(acs_cli::OWN_COMMANDS));
}

#[test]
fn every_command_tree_passes_clap_checks() {
    for cli in generated() {
        acs_cli::command(cli).debug_assert();
    }
    // OSS's, with the hand-written `cp` and `ls` beside the operations.
    acs_cli::command_with(
        &alibabacloud_oss_cli::CLI,
        &alibabacloud_oss_commands::COMMANDS,
    )
    .debug_assert();
    let sample = sample();
    // The fixture holds the products whose names collide with the engine's own, and SLB.
    for dir in ["cs", "maxcompute", "opensearch", "slb"] {
        assert!(sample.iter().any(|product| product.dir == dir), "{dir}");
    }
    for product in sample {
        acs_cli::command(product.cli).debug_assert();
    }
}

#[test]
fn a_parameter_spelled_like_an_option_of_the_engine_has_a_spelling_of_its_own() {
    let cli = &alibabacloud_cs_cli::CLI;
    let mut command = acs_cli::command(cli);
    let matches = parse(
        &mut command,
        cli,
        &[
            "DescribeAddon",
            "--param-profile",
            "Default",
            "--profile",
            "mine",
        ],
    )
    .unwrap();
    let (_, arguments) = matches.subcommand().unwrap();
    assert_eq!(
        arguments.get_one::<String>("profile").map(String::as_str),
        Some("mine")
    );
    let operation = cli
        .operations
        .iter()
        .find(|operation| operation.command == "DescribeAddon")
        .unwrap();
    let profile = operation
        .parameters
        .iter()
        .find(|parameter| parameter.name == "profile")
        .unwrap();
    assert_eq!(profile.flag, "param-profile");
    assert_eq!(value(&matches, profile), Some(&Value::from("Default")));
    // The command's help says which parameter the flag sets.
    let help = command
        .find_subcommand_mut("DescribeAddon")
        .unwrap()
        .render_long_help()
        .to_string();
    assert!(help.contains("--param-profile"), "{help}");
    assert!(help.contains("the API's `profile`"), "{help}");
}

#[test]
fn every_flag_of_the_sample_takes_negative_numbers_both_ways() {
    for product in sample() {
        let mut command = acs_cli::command(product.cli);
        for operation in product.cli.operations {
            // Every flag at once, given `-<its index>`, as `--X -1` and `--X=-1` in turn.
            let mut args = vec![operation.command.to_owned()];
            for (index, parameter) in operation.parameters.iter().enumerate() {
                if index % 2 == 0 {
                    args.extend([format!("--{}", parameter.flag), format!("-{index}")]);
                } else {
                    args.push(format!("--{}=-{index}", parameter.flag));
                }
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let matches = parse(&mut command, product.cli, &args)
                .unwrap_or_else(|error| panic!("{}: {args:?}: {error}", product.dir));
            for (index, parameter) in operation.parameters.iter().enumerate() {
                assert_eq!(
                    value(&matches, parameter),
                    Some(&Value::from(format!("-{index}"))),
                    "{}: {args:?}",
                    product.dir
                );
            }
        }
    }
}

/// Values the engine reads from elsewhere (`-` is standard input, `file://` a file) are left
/// out.
fn odd_value() -> impl Strategy<Value = String> {
    prop_oneof![
        "-[0-9]{1,20}(\\.[0-9]{0,5})?([eE]-?[0-9]{1,3})?",
        "--?[A-Za-z][A-Za-z0-9_-]{0,12}(=[a-z0-9-]{0,4})?",
        "--?(dry-run|profile|region|pager|output|help|RegionId|region-id)(=-?[0-9]{0,3})?",
        "-{1,4}",
        any::<String>(),
    ]
    .prop_filter("read from elsewhere", |value| {
        value != "-" && !value.starts_with("file://")
    })
}

/// A value any flag of `kind` takes, for the required flags beside the one under test.
fn plain_value(kind: acs_cli::Kind) -> &'static str {
    match kind {
        acs_cli::Kind::Int32 | acs_cli::Kind::Int64 | acs_cli::Kind::Float => "1",
        acs_cli::Kind::Boolean => "true",
        acs_cli::Kind::Json => "{}",
        _ => "x",
    }
}

/// The generated commands' trees, built, each once.
fn generated_commands() -> &'static [clap::Command] {
    static COMMANDS: OnceLock<Vec<clap::Command>> = OnceLock::new();
    COMMANDS.get_or_init(|| {
        generated()
            .iter()
            .map(|cli| {
                let mut command = acs_cli::command(cli);
                command.build();
                command
            })
            .collect()
    })
}

/// Whether `text` is one of the long options of `operation`'s subcommand in `command`
/// (`--dry-run`, `--RegionId=…`), which the engine refuses as a value.
fn is_option_of(command: &clap::Command, operation: &acs_cli::Operation, text: &str) -> bool {
    let Some(option) = text.strip_prefix("--") else {
        return false;
    };
    let name = option.split_once('=').map_or(option, |(name, _)| name);
    let subcommand = command.find_subcommand(operation.command).unwrap();
    subcommand.get_arguments().any(|arg| {
        arg.get_long() == Some(name)
            || arg
                .get_all_aliases()
                .into_iter()
                .flatten()
                .any(|alias| alias == name)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    /// Whatever a flag is given, in either form, the command parses it without panicking: a
    /// string is taken as it is unless it is an option of the command, and a value of another
    /// kind is taken or refused.
    #[test]
    fn odd_values_never_panic(
        cli_index in 0..3usize,
        operation_index in any::<prop::sample::Index>(),
        parameter_index in any::<prop::sample::Index>(),
        text in odd_value(),
        joined in any::<bool>(),
    ) {
        let cli = generated()[cli_index];
        let operation = operation_index.get(cli.operations);
        prop_assume!(!operation.parameters.is_empty());
        let parameter = parameter_index.get(operation.parameters);
        let flag = format!("--{}", parameter.flag);
        let joined_arg = format!("{flag}={text}");
        let mut args: Vec<&str> = if joined {
            vec![operation.command, &joined_arg]
        } else {
            vec![operation.command, &flag, &text]
        };
        let others = operation.parameters.iter().filter(|other| other.name != parameter.name);
        let required: Vec<String> = others
            .filter(|other| other.required)
            .map(|other| format!("--{}={}", other.flag, plain_value(other.kind)))
            .collect();
        args.extend(required.iter().map(String::as_str));
        let mut command = generated_commands()[cli_index].clone();
        let parsed = parse(&mut command, cli, &args);
        if is_option_of(&command, operation, &text) {
            prop_assert!(parsed.is_err(), "{:?} was taken as a value", text);
        } else if parameter.kind == acs_cli::Kind::String {
            let matches = parsed.map_err(|error| TestCaseError::fail(error.to_string()))?;
            prop_assert_eq!(value(&matches, parameter), Some(&Value::from(text.as_str())));
        }
    }
}
