//! The command-line crate `generated/<service>-cli/`: a table of every operation and its
//! parameters, and of every waiter, for the hand-written engine in `cli/` (`acs-cli`).

use proc_macro2::TokenStream;
use quote::quote;

use super::sdk_crate::service_static;
use crate::ir::{Location, Member, Operation, PageStyle, Service, Struct, Style, Type, Waiter};
use heck::ToKebabCase;

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

# The command holds no unit tests: `cargo test` need not compile it a second time.
[[bin]]
name = "{binary}"
path = "src/main.rs"
test = false

[dependencies]
acs-cli.workspace = true
acs-runtime.workspace = true
"#,
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
         The Rust SDK of the same API is `{sdk}`.\n",
        cli_crate = service.cli_crate_name,
        binary = service.cli_binary,
        upper = service.product.to_uppercase(),
        version = service.api_version,
        sdk = service.crate_name,
    )
}

pub fn main_rs(service: &Service) -> TokenStream {
    let service_static = service_static(service, &service.cli_crate_name);
    let binary = &service.cli_binary;
    let about = format!(
        "Alibaba Cloud {} (API {}): one subcommand per operation, one flag per parameter.",
        service.product.to_uppercase(),
        service.api_version
    );
    let operations = service
        .operations
        .iter()
        .map(|operation| operation_entry(operation, &service.shared_structs));
    let waiters = service.waiters.iter().map(waiter_entry);
    quote! {
        //! The command-line tool: every operation and waiter of the spec, run by `acs_cli`.

        #service_static

        static CLI: ::acs_cli::Cli = ::acs_cli::Cli {
            name: #binary,
            version: ::std::env!("CARGO_PKG_VERSION"),
            about: #about,
            service: &SERVICE,
            operations: &[#(#operations),*],
            waiters: &[#(#waiters),*],
        };

        fn main() -> ::std::process::ExitCode {
            ::acs_cli::main(&CLI)
        }
    }
}

fn operation_entry(operation: &Operation, shared: &[Struct]) -> TokenStream {
    let kebab = operation
        .names
        .module
        .trim_start_matches("r#")
        .to_kebab_case();
    let summary = operation.summary.clone().unwrap_or_default();
    let call = super::operation::runtime_operation(operation, shared);
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
    let parameters = cli_parameters(operation);
    let nested_secrets = nested_secrets(operation, shared)
        .into_iter()
        .map(|path| quote!(&[#(#path),*]));
    quote! {
        ::acs_cli::Operation {
            kebab: #kebab,
            summary: #summary,
            call: #call,
            pagination: #pagination,
            parameters: &[#(#parameters),*],
            nested_secrets: &[#(#nested_secrets),*],
        }
    }
}

/// One flag per parameter, but one `--<name>` flag taking the whole JSON object for the
/// fields the SDK opens out of the metadata's `body` parameter.
fn cli_parameters(operation: &Operation) -> Vec<TokenStream> {
    let mut entries = Vec::new();
    let mut body_shown = false;
    for member in &operation.request {
        match (&operation.body_parameter, member.location) {
            (Some(body), Location::BodyField) => {
                if !body_shown {
                    body_shown = true;
                    let required = operation
                        .request
                        .iter()
                        .any(|member| member.location == Location::BodyField && member.required);
                    entries.push(body_entry(body, required));
                }
            }
            _ => entries.push(parameter_entry(member)),
        }
    }
    entries
}

/// The paths to the secrets inside parameters' values (see `acs_cli::Operation`): every
/// sensitive field of a struct a parameter holds, at any depth, and the sensitive fields of
/// the `--body` object, which are no parameters of their own.
fn nested_secrets(operation: &Operation, shared: &[Struct]) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    for member in &operation.request {
        let in_body = operation.body_parameter.is_some() && member.location == Location::BodyField;
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

fn body_entry(name: &str, required: bool) -> TokenStream {
    let kebab = name.to_kebab_case();
    quote! {
        ::acs_cli::Parameter {
            name: #name,
            kebab: #kebab,
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
    let kebab = waiter.name.to_kebab_case();
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
            kebab: #kebab,
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

fn parameter_entry(member: &Member) -> TokenStream {
    let name = &member.wire_name;
    // From the field name, which is unique among the operation's parameters.
    let kebab = crate::naming::unraw(&member.names.field).to_kebab_case();
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
            kebab: #kebab,
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

fn option(value: Option<&str>) -> TokenStream {
    match value {
        Some(value) => quote!(Some(#value)),
        None => quote!(None),
    }
}
