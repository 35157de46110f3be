//! The command-line crate `generated/<service>-cli/`: a library holding the table of every
//! operation and its parameters, and of every waiter, for the hand-written engine in `cli/`
//! (`acs-cli`), one file per operation as in the SDK; and the binary that runs it.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::inner_doc_attrs;
use super::sdk_crate::service_static;
use crate::ir::{
    Flag, FlagValue, Member, Operation, PageStyle, Response, Service, Struct, Style, Type, Waiter,
};
use crate::naming::ident;

pub fn cargo_toml(service: &Service) -> String {
    format!(
        r#"[package]
name = "{cli_crate_name}"
description = "`{binary}`: the Alibaba Cloud {upper} command-line tool, generated from the spec."
version = "{crate_version}"
edition.workspace = true
rust-version.workspace = true
license.workspace = true
readme = "README.md"
keywords = ["alibaba-cloud", "aliyun", "cli"]
categories = ["command-line-utilities"]

# The command's table is a library, which tests check with clap's `Command::debug_assert` and
# other commands may embed. Neither target holds tests: `cargo test` need not compile them again.
[lib]
path = "src/lib.rs"
test = false
doctest = false

[[bin]]
name = "{binary}"
path = "src/main.rs"
test = false

[dependencies]
acs-cli.workspace = true
acs-runtime.workspace = true
{commands}"#,
        commands = service
            .cli_commands
            .as_ref()
            .map_or(String::new(), |commands| format!(
                "{commands}.workspace = true\n"
            )),
        cli_crate_name = service.cli_crate_name,
        crate_version = service.version,
        binary = service.cli_binary,
        upper = service.product.to_uppercase(),
    )
}

/// The command-line crate's `README.md`.
pub fn readme(service: &Service) -> String {
    format!(
        "# {cli_crate}\n\n\
         `{binary}`: the Alibaba Cloud {upper} command-line tool (API {version}). One subcommand per \
         operation, spelled as the API spells it and in kebab-case, one flag per parameter; \
         `--help` lists them, `--dry-run` shows what would be sent, and credentials come from \
         Alibaba Cloud's default chain.\n\n\
         ```sh\n\
         cargo install {cli_crate}\n\
         {binary} --help\n\
         ```\n\n\
         The Rust SDK of the same API is `{sdk}`.\n{bytes}{commands}{renamed}",
        bytes = bytes_flags(service),
        commands = service.cli_commands.as_ref().map_or(String::new(), |commands| format!(
            "\nBeside the operations, `{binary}` has the hand-written subcommands of `{commands}` \
             (`{binary} --help` lists them).\n",
            binary = service.cli_binary,
        )),
        cli_crate = service.cli_crate_name,
        binary = service.cli_binary,
        upper = service.product.to_uppercase(),
        version = service.api_version,
        sdk = service.crate_name,
        renamed = renamed_spellings(service),
    )
}

/// The README's paragraph on bytes in and out, for a command with operations whose request or
/// response body is bytes (OSS `PutObject`, `GetObject`); empty when it has none.
fn bytes_flags(service: &Service) -> String {
    let binary = |operation: &Operation| {
        matches!(operation.response, Response::Binary)
            || operation
                .request
                .iter()
                .any(|member| member.ty == Type::Binary)
    };
    if !service.operations.iter().any(binary) {
        return String::new();
    }
    "\n## Bodies of bytes\n\n\
     A request body of bytes (a flag of type `BYTES` in `--help`) is the text given, or \
     streams from `file://PATH` (a regular file is read again by a retry) or from `-` \
     (standard input, read once: a call that fails after sending some of it is not retried); \
     a file or stdin is never held whole in memory. A response body of bytes streams to \
     `--outfile PATH`, which is replaced only once the body is whole and its CRC-64 checked; \
     the response's headers then print as the response (`--output`, `--cli-query` and \
     `--quiet` apply). `--outfile -`, or no `--outfile` when stdout is not a terminal, writes \
     the body to stdout and the headers to stderr.\n"
        .to_owned()
}

/// The README's list of the operations and parameters whose spelling the command cannot take,
/// with the spelling they have instead; empty when there are none.
fn renamed_spellings(service: &Service) -> String {
    let mut lines = Vec::new();
    for operation in &service.operations {
        if operation.names.command.name != operation.name {
            lines.push(format!(
                "- `{} {}` calls the action `{}`.\n",
                service.cli_binary, operation.names.command.name, operation.name
            ));
        }
        for flag in &operation.flags {
            let wire_name = flag.wire_name(operation);
            if flag.names.name != wire_name {
                lines.push(format!(
                    "- `{} {} --{}` sets the parameter `{wire_name}`.\n",
                    service.cli_binary, operation.names.command.name, flag.names.name
                ));
            }
        }
    }
    if lines.is_empty() {
        return String::new();
    }
    format!(
        "\n## Spellings of its own\n\n\
         A subcommand is spelled as the API names the action and a flag as it names the \
         parameter, unless the command has an option or subcommand of that spelling itself (or \
         the name starts with `-` or, for a flag, holds `=`): then the flag is `--param-` and the \
         subcommand `action-` followed by the name in kebab case, with `-2`, `-3`, … if that is \
         taken too.\n\n{}",
        lines.concat()
    )
}

/// `src/lib.rs`: the service and the table, whose operations are the modules of
/// `src/operation/`.
pub fn lib_rs(service: &Service) -> TokenStream {
    let service_static = service_static(service, &service.cli_crate_name);
    let binary = &service.cli_binary;
    let about = format!(
        "Alibaba Cloud {} (API {}): one subcommand per operation, one flag per parameter.",
        service.product.to_uppercase(),
        service.api_version
    );
    let operations = service.operations.iter().map(|operation| {
        let module = ident(&operation.names.module);
        quote!(operation::#module::OPERATION)
    });
    let waiters = service.waiters.iter().map(waiter_entry);
    let doc = inner_doc_attrs(&format!(
        "The table of the `{binary}` command: every operation and waiter of the spec, run by \
         `acs_cli::main`."
    ));
    quote! {
        #doc

        mod operation;

        #service_static

        /// The command: its operations, their parameters and the waiters.
        pub static CLI: ::acs_cli::Cli = ::acs_cli::Cli {
            name: #binary,
            version: ::std::env!("CARGO_PKG_VERSION"),
            about: #about,
            service: &SERVICE,
            operations: &[#(#operations),*],
            waiters: &[#(#waiters),*],
        };
    }
}

/// `src/operation/mod.rs`.
pub fn operation_mod_rs(service: &Service) -> TokenStream {
    let modules = service.operations.iter().map(|operation| {
        let module = ident(&operation.names.module);
        quote!(pub(crate) mod #module;)
    });
    quote! {
        //! One module per operation: its subcommand, flags and how it is sent.
        #(#modules)*
    }
}

/// `src/main.rs`: the binary, which runs the library's table, with the hand-written
/// subcommands of the spec's `cli_commands` crate beside it.
pub fn main_rs(service: &Service) -> TokenStream {
    let krate = ident(&service.cli_crate_ident);
    let run = match &service.cli_commands {
        Some(commands) => {
            let commands = ident(&commands.replace('-', "_"));
            quote!(::acs_cli::main_with(&::#krate::CLI, &::#commands::COMMANDS))
        }
        None => quote!(::acs_cli::main(&::#krate::CLI)),
    };
    quote! {
        //! The command-line tool.

        fn main() -> ::std::process::ExitCode {
            #run
        }
    }
}

/// `src/operation/<module>.rs`: one operation's entry of the table.
pub fn operation_rs(operation: &Operation, shared: &[Struct]) -> TokenStream {
    let command = &operation.names.command;
    let mut doc = format!("The subcommand `{}`", command.name);
    if let Some(alias) = &command.alias {
        doc.push_str(&format!(" (`{alias}`)"));
    }
    if command.name != operation.name {
        doc.push_str(&format!(", which calls the action `{}`", operation.name));
    }
    doc.push('.');
    for flag in &operation.flags {
        let wire_name = flag.wire_name(operation);
        if flag.names.name != wire_name {
            doc.push_str(&format!(
                "\n\n`--{}` sets the parameter `{wire_name}`, a spelling the command takes \
                 for itself.",
                flag.names.name
            ));
        }
    }
    let doc = inner_doc_attrs(&doc);
    let entry = operation_entry(operation, shared);
    quote! {
        #doc

        pub(crate) const OPERATION: ::acs_cli::Operation = #entry;
    }
}

fn operation_entry(operation: &Operation, shared: &[Struct]) -> TokenStream {
    let command = &operation.names.command.name;
    let alias = option(operation.names.command.alias.as_deref());
    let summary = operation.summary.clone().unwrap_or_default();
    let call = super::runtime_operation::runtime_operation(operation, shared);
    let pagination = match &operation.pagination {
        Some(pagination) => {
            let (output, total): (&[String], &[String]) = match &pagination.style {
                PageStyle::Token { output, .. } => (&output.wire_path, &[]),
                PageStyle::Number { total_count, .. } => (
                    &[],
                    total_count.as_ref().map_or(&[], |total| &total.wire_path),
                ),
            };
            let items = &pagination.items.wire_path;
            quote!(Some(::acs_cli::Pagination {
                output_token: &[#(#output),*],
                total_count: &[#(#total),*],
                items: &[#(#items),*],
            }))
        }
        None => quote!(None),
    };
    let parameters = operation.flags.iter().map(|flag| match &flag.takes {
        FlagValue::Parameter(index) => parameter_entry(&operation.request[*index], flag),
        FlagValue::Body {
            wire_name,
            required,
        } => body_entry(wire_name, *required, flag),
    });
    let nested_secrets = nested_secrets(operation, shared)
        .into_iter()
        .map(|path| quote!(&[#(#path),*]));
    quote! {
        ::acs_cli::Operation {
            command: #command,
            alias: #alias,
            summary: #summary,
            call: #call,
            pagination: #pagination,
            parameters: &[#(#parameters),*],
            nested_secrets: &[#(#nested_secrets),*],
        }
    }
}

/// The paths to the secrets inside parameters' values (see `acs_cli::Operation`): every
/// sensitive field of a struct a parameter holds, at any depth, and the sensitive fields of
/// the `--body` object, which are no parameters of their own.
fn nested_secrets(operation: &Operation, shared: &[Struct]) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    for member in &operation.request {
        let in_body = operation.body_parameter.is_some()
            && member.location == acs_runtime::Location::BodyField;
        let mut path = vec![member.wire_name.clone()];
        if in_body && member.sensitive {
            paths.push(path.clone());
        }
        let mut within = Within {
            operation,
            shared,
            filling: Vec::new(),
        };
        within.secrets(&member.ty, false, &mut path, &mut paths);
    }
    paths
}

/// Walks the structs a value holds; `filling` keeps a struct that holds itself from being
/// walked forever.
struct Within<'a> {
    operation: &'a Operation,
    shared: &'a [Struct],
    filling: Vec<(bool, String)>,
}

impl Within<'_> {
    /// Adds to `paths` the secrets inside a value of type `ty` at `path`; `in_shared` says
    /// whether `ty` is seen from the shared types module, whose structs name shared ones.
    fn secrets(
        &mut self,
        ty: &Type,
        in_shared: bool,
        path: &mut Vec<String>,
        paths: &mut Vec<Vec<String>>,
    ) {
        let (step, inner) = match ty {
            Type::Array(item) => ("[]", item),
            Type::Map(value) => ("{}", value),
            Type::Struct(name) | Type::Shared(name) => {
                let shared = in_shared || matches!(ty, Type::Shared(_));
                let key = (shared, name.clone());
                let structs = if shared {
                    self.shared
                } else {
                    &self.operation.structs
                };
                let Some(item) = structs.iter().find(|item| &item.name == name) else {
                    return;
                };
                if self.filling.contains(&key) {
                    return;
                }
                self.filling.push(key);
                for field in &item.fields {
                    path.push(field.wire_name.clone());
                    if field.sensitive {
                        paths.push(path.clone());
                    } else {
                        self.secrets(&field.ty, shared, path, paths);
                    }
                    path.pop();
                }
                self.filling.pop();
                return;
            }
            _ => return,
        };
        path.push(step.to_owned());
        self.secrets(inner, in_shared, path, paths);
        path.pop();
    }
}

fn body_entry(name: &str, required: bool, flag: &Flag) -> TokenStream {
    let (flag, alias) = flag_spellings(flag);
    quote! {
        ::acs_cli::Parameter {
            name: #name,
            flag: #flag,
            alias: #alias,
            kind: ::acs_cli::Kind::Json,
            style: ::acs_runtime::params::Style::Simple,
            location: ::acs_runtime::Location::Body,
            required: #required,
            description: "The request body, a JSON object.",
            example: None,
            sensitive: false,
        }
    }
}

/// The waiter as the CLI runs it: the SDK's rule, with the status path in wire names, which
/// the CLI evaluates on the JSON response.
fn waiter_entry(waiter: &Waiter) -> TokenStream {
    let command = &waiter.names.command;
    let description = waiter.description.clone().unwrap_or_else(|| {
        format!(
            "Polls {} until {} is final.",
            waiter.operation_name, waiter.wire_path
        )
    });
    let operation = &waiter.operation_name;
    let inputs = waiter.inputs.iter().map(|member| &member.wire_name);
    let status_path = &waiter.wire_path;
    let success = &waiter.success;
    let failure = &waiter.failure;
    let needs_action = &waiter.needs_action;
    let delay = waiter.delay_seconds;
    let timeout = waiter.timeout_seconds;
    quote! {
        ::acs_cli::Waiter {
            command: #command,
            description: #description,
            operation: #operation,
            inputs: &[#(#inputs),*],
            status_path: #status_path,
            rule: ::acs_runtime::WaitRule {
                success: &[#(#success),*],
                failure: &[#(#failure),*],
                needs_action: &[#(#needs_action),*],
                delay: ::std::time::Duration::from_secs(#delay),
                timeout: ::std::time::Duration::from_secs(#timeout),
            },
        }
    }
}

fn parameter_entry(member: &Member, flag: &Flag) -> TokenStream {
    let name = &member.wire_name;
    let (flag, alias) = flag_spellings(flag);
    let kind = match member.ty {
        // JSON text on the wire: the command sends what it is given, as aliyun-cli does.
        _ if member.style == Style::Json => quote!(JsonText),
        Type::String | Type::Enum(_) | Type::SharedEnum(_) => quote!(String),
        Type::Binary if member.bare_body => quote!(BareBinary),
        Type::Binary => quote!(Binary),
        Type::Boolean => quote!(Boolean),
        Type::Int32 => quote!(Int32),
        Type::Int64 => quote!(Int64),
        Type::Float | Type::Double => quote!(Float),
        Type::Any | Type::Array(_) | Type::Map(_) | Type::Struct(_) | Type::Shared(_) => {
            quote!(Json)
        }
    };
    let style = super::style_path(member.style);
    let location = super::location_path(member.location);
    let required = member.required;
    let description = member.docs.description.clone().unwrap_or_default();
    let example = option(member.docs.example.as_deref());
    let sensitive = member.sensitive;
    quote! {
        ::acs_cli::Parameter {
            name: #name,
            flag: #flag,
            alias: #alias,
            kind: ::acs_cli::Kind::#kind,
            style: #style,
            location: #location,
            required: #required,
            description: #description,
            example: #example,
            sensitive: #sensitive,
        }
    }
}

/// A flag's long option and the tokens of its alias.
fn flag_spellings(flag: &Flag) -> (&str, TokenStream) {
    (&flag.names.name, option(flag.names.alias.as_deref()))
}

fn option(value: Option<&str>) -> TokenStream {
    match value {
        Some(value) => quote!(Some(#value)),
        None => quote!(None),
    }
}
