//! Every Rust name the generator writes, derived from spec names in this one place.
//!
//! Wire names are taken as the API spells them (`AssumeRoleWithOIDC`, `__anchorTs__`,
//! `SystemDisk.Category`, `x-acs-language`); their Rust names are:
//!
//! - **snake_case** (modules, methods, fields): the name with every character that cannot be
//!   part of an identifier read as a word break, then heck's snake case, which splits
//!   acronyms as words (`AssumeRoleWithOIDC` → `assume_role_with_oidc`, `BindMFADevice` →
//!   `bind_mfa_device`, `SystemDisk.Category` → `system_disk_category`, `__anchorTs__` →
//!   `anchor_ts`). A name that starts with a digit gets a leading `_`, and one with no
//!   letter or digit at all is `value`. Keywords become raw identifiers (`r#type`), or take a
//!   `_` suffix where Rust allows no raw form (`self_`); names the generated builders and
//!   clients define themselves, and the methods of the traits generated structs implement,
//!   take a `_value` suffix (`send_value`, `default_value`).
//! - **PascalCase** (types): the upper camel case of the snake name
//!   (`AssumeRoleWithOidcRequest`).
//!
//! **Collisions.** Two wire names can give one Rust name (`VpcId` and `VPCId`, or a field
//! `SetName` whose name is the setter of a field `Name`). Within one namespace (a client's
//! methods, a struct's fields and accessors), names are given in the byte order of the wire
//! names: the first keeps the plain name and each later one takes the first free suffix
//! `_2`, `_3`, … (`2`, `3`, … for PascalCase). The result depends only on the set of names, so
//! it is the same on every run and whatever order the metadata lists them in.
//!
//! **The command line.** The generated command spells each operation as its action
//! (`ListExecutions`) and each parameter as its wire name (`--ExecutionId`), each with a
//! kebab-case alias (`list-executions`, `--execution-id`). A wire name the command cannot take
//! as it is, because the command-line engine spells an option or subcommand of its own so
//! ([`CLI_OWN_OPTIONS`], [`CLI_OWN_COMMANDS`]) or because it starts with `-` (or, for a flag,
//! holds `=`), is prefixed: `param-` for a flag (`profile` → `--param-profile`), `action-` for
//! a subcommand (`wait` → `action-wait`), taking `-2`, `-3`, … if that is taken too. Wire names
//! keep their spelling first; an alias that is the flag itself or already taken is left out.
//!
//! **Crates.** A service in `spec/<dir>/` is the SDK crate `alibabacloud-<dir>` in
//! `generated/<dir>/` and the command-line crate `alibabacloud-<dir>-cli` in
//! `generated/<dir>-cli/`, whose binary is `<dir>` ([`crate_names`]).

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

/// Keywords that a raw identifier (`r#type`) can stand for.
const RAW_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers.
const NON_RAW_KEYWORDS: &[&str] = &["crate", "self", "Self", "super", "_"];

/// Prelude names the generated code uses unqualified (`Option<String>`, `Ok(())`): a spec type
/// with one of these names would shadow them in its module.
pub const PRELUDE_NAMES: &[&str] = &[
    "Default", "Err", "Into", "None", "Ok", "Option", "Result", "Some", "String", "Vec",
];

/// Method names the generated builders define themselves; a field with one of these names
/// gets a `_value` suffix so its setter does not shadow them.
const BUILDER_METHODS: &[&str] = &[
    "build",
    "send",
    "into_paginator",
    "new",
    "wait",
    "as_input",
    "customize",
];

/// Methods of the traits every generated struct implements (`Default`, `Clone`, `Debug`,
/// `PartialEq`, serde's two, and the blanket `ToOwned`): a field's reading accessor has the
/// field's name, and an inherent method of one of these names would shadow the trait's
/// (`UserVpcInfo::default()` would call the accessor of a field `Default`), so such a field
/// gets a `_value` suffix too.
const TRAIT_METHODS: &[&str] = &[
    "default",
    "clone",
    "clone_from",
    "fmt",
    "eq",
    "ne",
    "serialize",
    "deserialize",
    "to_owned",
    "clone_into",
];

/// Method names of the generated `Client` itself, which operations must not shadow.
const CLIENT_METHODS: &[&str] = &["new", "from_conf", "from_env", "config", "runtime", "clone"];

/// The long options the command-line engine (`acs-cli`) gives the commands that take
/// parameters, all of them or some (`--timeout` and `--interval` of `wait`), with clap's
/// `--help`: a parameter's flag takes none of these spellings, whichever command it is in.
/// (`--version` is the tool's, not its subcommands'.)
/// `tests/tests/command_trees.rs` holds this list to the engine's own.
pub const CLI_OWN_OPTIONS: &[&str] = &[
    "access-key-id",
    "access-key-secret",
    "cli-query",
    "connect-timeout",
    "dry-run",
    "endpoint",
    "help",
    "interval",
    "log-level",
    "outfile",
    "output",
    "pager",
    "profile",
    "quiet",
    "read-timeout",
    "region",
    "retry-count",
    "timeout",
    "waiter",
];

/// The subcommands the command-line engine defines beside the operations, clap's `help`
/// included.
pub const CLI_OWN_COMMANDS: &[&str] = &["completion", "help", "man", "wait"];

/// What a flag whose wire name the command cannot take is prefixed with.
const RENAMED_FLAG_PREFIX: &str = "param-";
/// What a subcommand whose action the command cannot take is prefixed with.
const RENAMED_COMMAND_PREFIX: &str = "action-";

/// What the Cargo packages of generated crates are named with.
pub const CRATE_PREFIX: &str = "alibabacloud-";

/// The names of a service's crates and its command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrateNames {
    /// The SDK's Cargo package (`alibabacloud-oos`).
    pub sdk: String,
    /// The SDK's Rust name (`alibabacloud_oos`).
    pub sdk_ident: String,
    /// The command-line crate's directory under `generated/` (`oos-cli`).
    pub cli_dir: String,
    /// The command-line crate's Cargo package (`alibabacloud-oos-cli`).
    pub cli: String,
    /// Its library's Rust name (`alibabacloud_oos_cli`).
    pub cli_ident: String,
    /// The command (`oos`).
    pub binary: String,
}

/// The crates of the service whose spec is `spec/<dir_name>/`.
pub fn crate_names(dir_name: &str) -> CrateNames {
    let sdk = format!("{CRATE_PREFIX}{dir_name}");
    let cli = format!("{sdk}-cli");
    CrateNames {
        sdk_ident: sdk.replace('-', "_"),
        cli_dir: format!("{dir_name}-cli"),
        cli_ident: cli.replace('-', "_"),
        binary: dir_name.to_owned(),
        sdk,
        cli,
    }
}

/// How the command line spells an operation or a parameter: its subcommand or long option,
/// and a kebab-case alias.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spellings {
    /// The subcommand (`ListExecutions`) or long option (`RegionId`, `param-profile`),
    /// without its `--`.
    pub name: String,
    /// The kebab-case alias (`list-executions`, `region-id`), unless that is the name itself
    /// or taken.
    pub alias: Option<String>,
}

/// The Rust names of one operation's items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationNames {
    /// Module and client method (`assume_role_with_oidc`).
    pub module: String,
    /// `AssumeRoleWithOidcRequest`.
    pub request: String,
    pub request_builder: String,
    pub fluent_builder: String,
    pub response: String,
    /// The generated tests of its examples.
    pub response_test: String,
    pub request_test: String,
    /// The generated test that no secret of it shows (`Debug`, errors, encoded parameters).
    pub redaction_test: String,
    /// Its subcommand in the generated command.
    pub command: Spellings,
}

impl OperationNames {
    /// The names of an operation whose module and method are `module` (see [`Namespace`]) and
    /// whose subcommand is `command`.
    fn new(module: String, command: Spellings) -> Self {
        let prefix = upper_camel(&module);
        OperationNames {
            command,
            request: format!("{prefix}Request"),
            request_builder: format!("{prefix}RequestBuilder"),
            fluent_builder: format!("{prefix}FluentBuilder"),
            response: format!("{prefix}Response"),
            response_test: format!("{module}_response_example_decodes"),
            request_test: format!("{module}_request_example_encodes"),
            redaction_test: format!("{module}_shows_no_secret"),
            module,
        }
    }

    /// Every type name the operation's module defines itself.
    pub fn type_names(&self) -> [&str; 4] {
        [
            &self.request,
            &self.request_builder,
            &self.fluent_builder,
            &self.response,
        ]
    }
}

/// The Rust names of a waiter's items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaiterNames {
    /// The client method (`wait_until_execution_finished`).
    pub method: String,
    /// The waiter it returns (`ExecutionFinishedWaiter`).
    pub waiter: String,
    /// The function reading the status from a response (`execution_finished_status`).
    pub status: String,
    /// Its subcommand of the command's `wait` (`execution-finished`).
    pub command: String,
}

/// The Rust names of a field and its accessors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldNames {
    /// `region_id`, `r#type`; also the name of its reading accessor.
    pub field: String,
    /// `set_region_id`, `set_type`.
    pub set: String,
    /// `get_region_id`.
    pub get: String,
    /// For a timestamp: the accessor reading it as a time (`create_date_as_time`).
    pub as_time: Option<String>,
}

/// The names of every operation and waiter of a service, given together so that no client
/// method shadows another or one of the client's own.
pub fn client_names<'a>(
    actions: impl IntoIterator<Item = &'a str>,
    waiters: impl IntoIterator<Item = &'a str>,
) -> (Vec<OperationNames>, Vec<WaiterNames>) {
    let actions: Vec<&str> = actions.into_iter().collect();
    let waiters: Vec<&str> = waiters.into_iter().collect();
    let mut namespace = Namespace::with_reserved(CLIENT_METHODS.iter().copied());
    let commands = spellings(&actions, CLI_OWN_COMMANDS, RENAMED_COMMAND_PREFIX, |_| true);
    let operations = namespace
        .assign(actions, |action| vec![snake_identifier(action)])
        .into_iter()
        .zip(commands)
        .map(|(mut names, command)| OperationNames::new(names.remove(0), command))
        .collect();
    // `wait` has clap's `help` beside the waiters.
    let mut wait_commands = Namespace::kebab_with_reserved(["help"]);
    let wait_commands = wait_commands.assign(waiters.iter().copied(), |waiter| {
        vec![non_empty_kebab(waiter)]
    });
    let waiters = namespace
        .assign(waiters, |waiter| {
            vec![format!("wait_until_{}", snake_words(waiter))]
        })
        .into_iter()
        .zip(wait_commands)
        .map(|(mut names, mut command)| {
            let method = names.remove(0);
            let snake = method.trim_start_matches("wait_until_");
            WaiterNames {
                waiter: format!("{}Waiter", upper_camel(snake)),
                status: format!("{snake}_status"),
                command: command.remove(0),
                method,
            }
        })
        .collect();
    (operations, waiters)
}

/// The long option and alias of each of one command's parameters, given by wire name in
/// request order (see the module documentation).
pub fn flag_names<'a>(wire_names: impl IntoIterator<Item = &'a str>) -> Vec<Spellings> {
    let wire_names: Vec<&str> = wire_names.into_iter().collect();
    spellings(
        &wire_names,
        CLI_OWN_OPTIONS,
        RENAMED_FLAG_PREFIX,
        // clap reads `--Name=value` as the option `Name` with a value.
        |name| !name.contains('='),
    )
}

/// The spellings of a set of subcommands or of one command's options: each wire name as it
/// is, when `usable` and neither one of the engine's own (`reserved`), nor starting with
/// `-`, nor another's; else `prefix` and its kebab case, suffixed where taken. Then the
/// kebab-case aliases, in the byte order of the wire names, where still free.
fn spellings(
    wire_names: &[&str],
    reserved: &[&str],
    prefix: &str,
    usable: impl Fn(&str) -> bool,
) -> Vec<Spellings> {
    let mut order: Vec<usize> = (0..wire_names.len()).collect();
    order.sort_by_key(|&index| wire_names[index]);
    let mut taken: BTreeSet<String> = reserved.iter().map(|name| (*name).to_owned()).collect();
    let mut names: Vec<Option<String>> = vec![None; wire_names.len()];
    for &index in &order {
        let wire = wire_names[index];
        if !wire.is_empty() && !wire.starts_with('-') && usable(wire) && taken.insert(wire.into()) {
            names[index] = Some(wire.to_owned());
        }
    }
    let renamed: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&index| names[index].is_none())
        .collect();
    let mut namespace = Namespace {
        taken,
        suffix: kebab_suffix,
    };
    let chosen = namespace.assign(renamed.iter().map(|&index| wire_names[index]), |wire| {
        vec![format!("{prefix}{}", non_empty_kebab(wire))]
    });
    for (index, mut chosen) in renamed.into_iter().zip(chosen) {
        names[index] = Some(chosen.remove(0));
    }
    let mut aliases: Vec<Option<String>> = vec![None; wire_names.len()];
    for &index in &order {
        let kebab = kebab_words(wire_names[index]);
        if !kebab.is_empty() && namespace.taken.insert(kebab.clone()) {
            aliases[index] = Some(kebab);
        }
    }
    names
        .into_iter()
        .zip(aliases)
        .map(|(name, alias)| Spellings {
            name: name.expect("every wire name was given a spelling"),
            alias,
        })
        .collect()
}

/// The names of the fields of one struct (or request), in the order given: each field by its
/// wire name, and whether it is a timestamp (which has an `_as_time` accessor too).
pub fn field_names<'a>(fields: impl IntoIterator<Item = (&'a str, bool)>) -> Vec<FieldNames> {
    let fields: Vec<(&str, bool)> = fields.into_iter().collect();
    let timestamps: BTreeSet<&str> = fields
        .iter()
        .filter(|(_, timestamp)| *timestamp)
        .map(|(wire, _)| *wire)
        .collect();
    let mut namespace = Namespace::with_reserved(BUILDER_METHODS.iter().copied());
    namespace
        .assign(fields.iter().map(|(wire, _)| *wire), |wire| {
            let field = field_identifier(wire);
            let bare = unraw(&field).to_owned();
            let mut names = vec![field, format!("set_{bare}"), format!("get_{bare}")];
            if timestamps.contains(wire) {
                names.push(format!("{bare}_as_time"));
            }
            names
        })
        .into_iter()
        .map(|names| {
            let mut names = names.into_iter();
            let mut next = || names.next().expect("three or four names were asked for");
            FieldNames {
                field: next(),
                set: next(),
                get: next(),
                as_time: names.next(),
            }
        })
        .collect()
}

/// The variant names of an enum's values, in their order: PascalCase (`ALLOW_AS_DEPENDENCY`
/// → `AllowAsDependency`, `cn-hangzhou` → `CnHangzhou`, `1` → `V1`), by the collision rule
/// above; `Unknown` is the variant holding values the SDK does not know, so a value of that
/// name is `Unknown2`.
pub fn enum_variants<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut namespace = Namespace::with_reserved(["Unknown", "Self"]);
    namespace
        .assign(values, |value| vec![type_name(value)])
        .into_iter()
        .map(|mut names| names.remove(0))
        .collect()
}

/// A set of names in use, which hands out free ones by the collision rule above.
struct Namespace {
    taken: BTreeSet<String>,
    /// A name with a collision suffix.
    suffix: fn(&str, usize) -> String,
}

impl Namespace {
    /// Rust names: `_2` (`2` for PascalCase).
    fn with_reserved<'a>(reserved: impl IntoIterator<Item = &'a str>) -> Self {
        Namespace {
            taken: reserved.into_iter().map(str::to_owned).collect(),
            suffix: with_suffix,
        }
    }

    /// Command-line names: `-2`.
    fn kebab_with_reserved<'a>(reserved: impl IntoIterator<Item = &'a str>) -> Self {
        Namespace {
            taken: reserved.into_iter().map(str::to_owned).collect(),
            suffix: kebab_suffix,
        }
    }

    /// For each wire name, in the order given, the group of names `wanted` gives for it,
    /// suffixed where needed: the groups are handed out in the byte order of the wire names.
    fn assign<'a>(
        &mut self,
        wire_names: impl IntoIterator<Item = &'a str>,
        wanted: impl Fn(&str) -> Vec<String>,
    ) -> Vec<Vec<String>> {
        let wire_names: Vec<&str> = wire_names.into_iter().collect();
        let mut order: Vec<usize> = (0..wire_names.len()).collect();
        order.sort_by_key(|&index| wire_names[index]);
        let mut assigned = vec![Vec::new(); wire_names.len()];
        for index in order {
            let group = wanted(wire_names[index]);
            let chosen = (1..)
                .map(|counter| {
                    group
                        .iter()
                        .map(|name| (self.suffix)(name, counter))
                        .collect::<Vec<_>>()
                })
                .find(|names| names.iter().all(|name| !self.taken.contains(name)))
                .expect("an unbounded sequence of suffixes has a free one");
            self.taken.extend(chosen.iter().cloned());
            assigned[index] = chosen;
        }
        assigned
    }
}

/// `name` with the collision suffix `counter` (none for 1): `_2` for snake case, `2` for
/// PascalCase, before nothing else (`r#type` → `r#type_2`).
fn with_suffix(name: &str, counter: usize) -> String {
    if counter == 1 {
        name.to_owned()
    } else if name.starts_with(|c: char| c.is_ascii_uppercase()) {
        format!("{name}{counter}")
    } else {
        format!("{name}_{counter}")
    }
}

/// `name` with the collision suffix `counter` (none for 1) of command-line names: `-2`.
fn kebab_suffix(name: &str, counter: usize) -> String {
    if counter == 1 {
        name.to_owned()
    } else {
        format!("{name}-{counter}")
    }
}

/// The kebab-case words of a wire name (`ListExecutions` → `list-executions`), as
/// [`snake_words`] splits them; empty when it has none.
fn kebab_words(wire_name: &str) -> String {
    snake_words(wire_name).replace('_', "-")
}

/// [`kebab_words`], or `value` for a name without words.
fn non_empty_kebab(wire_name: &str) -> String {
    match kebab_words(wire_name) {
        words if words.is_empty() => "value".to_owned(),
        words => words,
    }
}

/// The snake_case words of a wire name, characters outside identifiers read as word breaks:
/// not yet an identifier (it may be empty, start with a digit or be a keyword).
fn snake_words(wire_name: &str) -> String {
    let spaced: String = wire_name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    spaced.to_snake_case()
}

/// A snake_case identifier for a wire name, keywords escaped.
fn snake_identifier(wire_name: &str) -> String {
    let words = snake_words(wire_name);
    let snake = if words.is_empty() {
        "value".to_owned()
    } else if words.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{words}")
    } else {
        words
    };
    if NON_RAW_KEYWORDS.contains(&snake.as_str()) {
        format!("{snake}_")
    } else if RAW_KEYWORDS.contains(&snake.as_str()) {
        format!("r#{snake}")
    } else {
        snake
    }
}

/// The snake_case identifier of a field or parameter, as written in generated code
/// (`r#type` for a keyword, `self_` where a raw identifier is not allowed, `build_value`
/// for a name the builders use, `default_value` for a trait's method).
pub fn field_identifier(wire_name: &str) -> String {
    let snake = snake_identifier(wire_name);
    if BUILDER_METHODS.contains(&snake.as_str()) || TRAIT_METHODS.contains(&snake.as_str()) {
        format!("{snake}_value")
    } else {
        snake
    }
}

/// The PascalCase type name for a spec name (`maintenance_window` → `MaintenanceWindow`,
/// `AssumeRoleWithOIDC` → `AssumeRoleWithOidc`); a name that would start with a digit gets
/// a leading `V`.
pub fn type_name(name: &str) -> String {
    let camel = upper_camel(&snake_words(name));
    if camel.is_empty() {
        "Value".to_owned()
    } else if camel.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{camel}")
    } else {
        camel
    }
}

fn upper_camel(snake: &str) -> String {
    snake.trim_start_matches("r#").to_upper_camel_case()
}

/// The name without a raw-identifier prefix, for building derived names (`set_type`).
pub fn unraw(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

/// Whether `name` is a type name Rust's naming lints accept (an upper-case letter, then
/// letters and digits) that is not a keyword. Acronyms may stay upper case (`VMStamp`).
pub fn is_type_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
        && !NON_RAW_KEYWORDS.contains(&name)
}

/// An identifier token for a name produced by this module (handles `r#`).
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_are_snake_case_and_escaped() {
        assert_eq!(
            field_identifier("InstancePatchStates"),
            "instance_patch_states"
        );
        assert_eq!(field_identifier("TemplateURL"), "template_url");
        assert_eq!(field_identifier("Type"), "r#type");
        assert_eq!(field_identifier("Self"), "self_");
        assert_eq!(field_identifier("Build"), "build_value");
        assert_eq!(field_identifier("Default"), "default_value");
        assert_eq!(field_identifier("Clone"), "clone_value");
        assert_eq!(field_identifier("__anchorTs__"), "anchor_ts");
        assert_eq!(
            field_identifier("ExtendedConfig.CustomData"),
            "extended_config_custom_data"
        );
        assert_eq!(field_identifier("Filter.1.Key"), "filter_1_key");
        assert_eq!(field_identifier("x-acs-language"), "x_acs_language");
        assert_eq!(field_identifier("1Day"), "_1day");
        assert_eq!(field_identifier("Tag[]"), "tag");
        assert_eq!(field_identifier("-"), "value");
        assert_eq!(unraw("r#type"), "type");
        assert_eq!(ident("r#type").to_string(), "r#type");
    }

    #[test]
    fn operation_names_split_acronyms() {
        let (operations, waiters) = client_names(
            ["AssumeRoleWithOIDC", "BindMFADevice", "New"],
            ["ExecutionFinished"],
        );
        assert_eq!(operations[0].module, "assume_role_with_oidc");
        assert_eq!(operations[0].request, "AssumeRoleWithOidcRequest");
        assert_eq!(
            operations[0].fluent_builder,
            "AssumeRoleWithOidcFluentBuilder"
        );
        assert_eq!(
            operations[0].response_test,
            "assume_role_with_oidc_response_example_decodes"
        );
        assert_eq!(operations[1].module, "bind_mfa_device");
        assert_eq!(
            operations[2].module, "new_2",
            "the client's own method keeps its name"
        );
        assert_eq!(operations[2].request, "New2Request");
        assert_eq!(waiters[0].method, "wait_until_execution_finished");
        assert_eq!(waiters[0].waiter, "ExecutionFinishedWaiter");
        assert_eq!(waiters[0].status, "execution_finished_status");
    }

    #[test]
    fn colliding_names_are_suffixed_in_the_byte_order_of_the_wire_names() {
        let names = field_names([("VpcId", false), ("VPCId", false), ("vpc_id", false)]);
        let fields: Vec<&str> = names.iter().map(|names| names.field.as_str()).collect();
        // Byte order: "VPCId" < "VpcId" < "vpc_id".
        assert_eq!(fields, ["vpc_id_2", "vpc_id", "vpc_id_3"]);
        let reversed = field_names([("vpc_id", false), ("VPCId", false), ("VpcId", false)]);
        let fields: Vec<&str> = reversed.iter().map(|names| names.field.as_str()).collect();
        assert_eq!(
            fields,
            ["vpc_id_3", "vpc_id", "vpc_id_2"],
            "order of listing does not matter"
        );
    }

    #[test]
    fn a_field_that_is_another_fields_setter_is_suffixed() {
        let names = field_names([("SetName", false), ("Name", false), ("Type", false)]);
        assert_eq!(names[1].field, "name");
        assert_eq!(names[1].set, "set_name");
        assert_eq!(names[0].field, "set_name_2");
        assert_eq!(names[0].set, "set_set_name_2");
        assert_eq!(names[2].field, "r#type");
        assert_eq!(names[2].set, "set_type");
    }

    #[test]
    fn timestamps_have_a_time_accessor_that_takes_part_in_collisions() {
        let names = field_names([("CreateDate", true), ("CreateDateAsTime", false)]);
        assert_eq!(names[0].field, "create_date");
        assert_eq!(names[0].as_time.as_deref(), Some("create_date_as_time"));
        assert_eq!(names[1].field, "create_date_as_time_2");
        assert_eq!(names[1].as_time, None);
    }

    #[test]
    fn enum_variants_are_pascal_case_and_unique() {
        assert_eq!(
            enum_variants([
                "ALLOW_AS_DEPENDENCY",
                "cn-hangzhou",
                "1",
                "Unknown",
                "Running",
                "running"
            ]),
            [
                "AllowAsDependency",
                "CnHangzhou",
                "V1",
                "Unknown2",
                "Running",
                "Running2"
            ]
        );
    }

    #[test]
    fn type_names_are_upper_camel_case() {
        assert_eq!(type_name("maintenance_window"), "MaintenanceWindow");
        assert_eq!(
            type_name("InstanceMetadataOptions"),
            "InstanceMetadataOptions"
        );
        assert_eq!(type_name("__anchorTs__"), "AnchorTs");
        assert_eq!(type_name("3DModel"), "V3dModel");
        assert!(is_type_name("InstancePatchState"));
        assert!(!is_type_name("instancePatchState"));
        assert!(!is_type_name("Instance_State"));
        assert!(!is_type_name("Self"));
        assert!(is_type_name("K8SSourceInfo"));
    }
}
