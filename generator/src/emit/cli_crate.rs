//! The command-line crate `generated/<service>-cli/`: a table of every operation and its
//! parameters, and of every waiter, for the hand-written engine in `cli/` (`acs-cli`).

use proc_macro2::TokenStream;
use quote::quote;

use super::sdk_crate::service_static;
use crate::ir::{Location, Member, Operation, Service, Style, Type, Waiter};
use heck::ToKebabCase;

pub fn cargo_toml(service: &Service) -> String {
    format!(
        r#"[package]
name = "{crate_name}-cli"
description = "`{binary}`: the Alibaba Cloud {upper} command-line tool, generated from the spec."
version.workspace = true
edition.workspace = true
rust-version.workspace = true
license.workspace = true
repository.workspace = true

[[bin]]
name = "{binary}"
path = "src/main.rs"

[dependencies]
acs-cli.workspace = true
acs-runtime.workspace = true
"#,
        crate_name = service.crate_name,
        binary = service.product,
        upper = service.product.to_uppercase(),
    )
}

pub fn main_rs(service: &Service) -> TokenStream {
    let service_static = service_static(service, &format!("{}-cli", service.crate_name));
    let binary = &service.product;
    let about = format!(
        "Alibaba Cloud {} (API {}): one subcommand per operation, one flag per parameter.",
        service.product.to_uppercase(),
        service.api_version
    );
    let operations = service.operations.iter().map(operation_entry);
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

fn operation_entry(operation: &Operation) -> TokenStream {
    let kebab = operation.name.to_kebab_case();
    let summary = operation.summary.clone().unwrap_or_default();
    let call = super::operation::runtime_operation(operation);
    let pagination = match &operation.pagination {
        Some(pagination) => {
            let output = &pagination.output_token_wire;
            let items = &pagination.items_wire_path;
            quote!(Some(::acs_cli::Pagination {
                output_token: #output,
                items: &[#(#items),*],
            }))
        }
        None => quote!(None),
    };
    let parameters = operation.request.iter().map(parameter_entry);
    quote! {
        ::acs_cli::Operation {
            kebab: #kebab,
            summary: #summary,
            call: #call,
            pagination: #pagination,
            parameters: &[#(#parameters),*],
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
                delay: ::std::time::Duration::from_secs(#delay),
                timeout: ::std::time::Duration::from_secs(#timeout),
            },
        }
    }
}

fn parameter_entry(member: &Member) -> TokenStream {
    let name = &member.wire_name;
    let kebab = member.wire_name.to_kebab_case();
    let kind = match member.ty {
        Type::String => quote!(String),
        Type::Boolean => quote!(Boolean),
        Type::Int32 => quote!(Int32),
        Type::Int64 => quote!(Int64),
        Type::Float | Type::Double => quote!(Float),
        Type::Any | Type::Array(_) | Type::Map(_) | Type::Struct(_) => quote!(Json),
    };
    let style = match member.style {
        Style::Simple => quote!(Simple),
        Style::Json => quote!(Json),
        Style::RepeatList => quote!(RepeatList),
        Style::Flat => quote!(Flat),
    };
    let location = match member.location {
        Location::Query => quote!(Query),
        Location::Body => quote!(Body),
    };
    let required = member.required;
    let description = member.docs.description.clone().unwrap_or_default();
    let example = option(member.docs.example.as_deref());
    let sensitive = member.sensitive;
    quote! {
        ::acs_cli::Parameter {
            name: #name,
            kebab: #kebab,
            kind: ::acs_cli::Kind::#kind,
            style: ::acs_runtime::params::Style::#style,
            location: ::acs_cli::Location::#location,
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
