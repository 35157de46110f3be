//! The operation table a generated CLI provides: plain static data.

use acs_runtime::Location;
use acs_runtime::params::Style;

/// A generated command-line tool.
#[derive(Debug)]
pub struct Cli {
    /// Binary name (`oos`).
    pub name: &'static str,
    /// Shown by `--version`: the generated crate's version.
    pub version: &'static str,
    pub about: &'static str,
    pub service: &'static acs_runtime::Service,
    pub operations: &'static [Operation],
    /// The spec's waiters, run by `<name> wait <command>`.
    pub waiters: &'static [Waiter],
}

/// Subcommands and flags are spelled as the generator names them (its `naming.rs`): the
/// action and the wire names, unless this engine spells an option or subcommand of its own
/// so, with kebab-case aliases where free. No two spellings in a command are the same.
#[derive(Debug)]
pub struct Operation {
    /// The subcommand: the action (`ListInstancePatchStates`), or `action-` and its kebab
    /// case when a subcommand of this engine has that spelling (`action-wait`).
    pub command: &'static str,
    /// Its kebab-case alias (`list-instance-patch-states`), if free.
    pub alias: Option<&'static str>,
    pub summary: &'static str,
    /// The action, and how the runtime sends it and reads its response, as in the SDK
    /// (including how its pages are asked for).
    pub call: acs_runtime::Operation,
    pub pagination: Option<Pagination>,
    pub parameters: &'static [Parameter],
    /// Secrets inside parameters' values: each the wire names from a parameter (or a field of
    /// the `--body` object) down to the secret, `[]` stepping into a list's items and `{}` into
    /// a map's values (`["LoginConfig", "Password"]`, `["nodepools", "[]", "scaling_group",
    /// "login_password"]`). `--dry-run` shows them redacted, and the rest of the value as sent.
    pub nested_secrets: &'static [&'static [&'static str]],
}

/// The response fields the pages of a paginated operation are followed by; the request
/// parameters are in [`acs_runtime::Operation::paging`].
#[derive(Debug)]
pub struct Pagination {
    /// Paging by token: the fields from the top down to the next token (`NextToken`); empty
    /// for numbered pages.
    pub output_token: &'static [&'static str],
    /// Paging by page number: the fields down to the total count (`TotalCount`), if the
    /// response reports one.
    pub total_count: &'static [&'static str],
    /// The fields down to the item list.
    pub items: &'static [&'static str],
}

/// Polls an operation until a status in its response is final, by the rule the SDK's
/// `wait_until_*` method uses.
#[derive(Debug)]
pub struct Waiter {
    /// Subcommand of `wait` (`execution-finished`).
    pub command: &'static str,
    pub description: &'static str,
    /// Action of the polled operation, one of [`Cli::operations`].
    pub operation: &'static str,
    /// Wire names of the polled operation's parameters that the waiter takes.
    pub inputs: &'static [&'static str],
    /// Where the status is in the polled response, as JMESPath (`Executions[0].Status`).
    pub status_path: &'static str,
    pub rule: acs_runtime::WaitRule,
}

impl Waiter {
    /// The parameters of the polled operation that the waiter takes.
    pub(crate) fn parameters<'a>(
        &self,
        operation: &'a Operation,
    ) -> impl Iterator<Item = &'a Parameter> {
        operation
            .parameters
            .iter()
            .filter(|parameter| self.inputs.contains(&parameter.name))
    }
}

#[derive(Debug)]
pub struct Parameter {
    /// Wire name (`RegionId`).
    pub name: &'static str,
    /// The long option, without `--`: the wire name (`RegionId`), or `param-` and its kebab
    /// case when an option of this engine has that spelling (`param-profile`).
    pub flag: &'static str,
    /// Its kebab-case alias (`region-id`), if free.
    pub alias: Option<&'static str>,
    pub kind: Kind,
    pub style: Style,
    pub location: Location,
    pub required: bool,
    pub description: &'static str,
    pub example: Option<&'static str>,
    /// A secret: its value is shown as `** redacted **` by `--dry-run` (secrets inside a
    /// structured value are the operation's `nested_secrets`).
    pub sensitive: bool,
}

/// What a flag's value must look like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    String,
    Int32,
    Int64,
    Float,
    Boolean,
    /// Objects, arrays, maps and free-form values, given as JSON text and parsed (to flatten
    /// them, or to put them in a JSON body).
    Json,
    /// A whole body of bytes, sent as `application/octet-stream`: the text given, or streamed
    /// from the file `file://PATH` or standard input (`-`), never read whole.
    Binary,
    /// A whole body of bytes sent without a `Content-Type` (the metadata's `format: byte`).
    BareBinary,
    /// A value the API takes as JSON text (`style: json`): sent as written, as aliyun-cli and
    /// the official SDKs send the text they are given.
    JsonText,
}

impl Kind {
    pub(crate) fn value_name(self) -> &'static str {
        match self {
            Kind::String => "STRING",
            Kind::Binary | Kind::BareBinary => "BYTES",
            Kind::Int32 | Kind::Int64 => "INTEGER",
            Kind::Float => "NUMBER",
            Kind::Boolean => "BOOLEAN",
            Kind::Json | Kind::JsonText => "JSON",
        }
    }

    pub(crate) fn describe(self) -> &'static str {
        match self {
            Kind::String => "string",
            Kind::Binary | Kind::BareBinary => {
                "bytes: the text, or file://PATH or - (stdin) streamed"
            }
            Kind::Int32 => "integer (32-bit)",
            Kind::Int64 => "integer (64-bit)",
            Kind::Float => "number",
            Kind::Boolean => "boolean (true or false)",
            Kind::Json => "JSON",
            Kind::JsonText => "JSON, sent as written",
        }
    }
}
