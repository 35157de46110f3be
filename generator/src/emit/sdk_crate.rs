//! The SDK crate's fixed files: `Cargo.toml`, `lib.rs`, `client.rs`, `operation/mod.rs`,
//! `types.rs` and `testing.rs`.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::inner_doc_attrs;
use crate::ir::{Response, Service};
use crate::naming::ident;

pub fn cargo_toml(service: &Service) -> String {
    format!(
        r#"[package]
name = "{crate_name}"
description = "Alibaba Cloud {upper} SDK for Rust (API {version}), generated from the spec."
version.workspace = true
edition.workspace = true
rust-version.workspace = true
license.workspace = true
repository.workspace = true

[features]
# The reference's sample responses, served by acs-test-server, for users' own tests.
testing = ["dep:acs-test-server"]

[dependencies]
acs-runtime.workspace = true
acs-test-server = {{ workspace = true, optional = true }}
serde.workspace = true
serde_json.workspace = true

[dev-dependencies]
acs-test-server.workspace = true
futures-util.workspace = true
proptest = {{ version = "1", default-features = false, features = ["std"] }}
tokio = {{ workspace = true, features = ["macros", "rt-multi-thread"] }}
"#,
        crate_name = service.crate_name,
        upper = service.product.to_uppercase(),
        version = service.api_version,
    )
}

pub fn lib_rs(service: &Service) -> TokenStream {
    let crate_ident = &service.crate_ident;
    let example_operation = service
        .operations
        .iter()
        .find(|operation| operation.pagination.is_some())
        .or(service.operations.first());
    let example = example_operation.map(|operation| {
        format!(
            "\n\n```no_run\n# async fn example(config: {crate_ident}::Config) -> Result<(), {crate_ident}::Error> {{\n\
             // `config` from `acs_credentials::load_from_env()?`, or built by hand.\n\
             let client = {crate_ident}::Client::from_conf(config);\n\
             let response = client.{}().send().await?;\n\
             println!(\"{{response:?}}\");\n# Ok(())\n# }}\n```",
            operation.names.module
        )
    });
    let doc = inner_doc_attrs(&format!(
        "Alibaba Cloud {} SDK for Rust, API version {}.\n\n\
         One module per operation under [`operation`]; each is called through [`Client`] in the \
         fluent style: `client.<operation>().<parameter>(value).send().await`. Signing, retries \
         and endpoints come from [`acs_runtime`]; credentials as Alibaba Cloud's tools find them, \
         from `acs_credentials`.{}",
        service.product.to_uppercase(),
        service.api_version,
        example.unwrap_or_default(),
    ));
    let waiters = (!service.waiters.is_empty()).then(|| {
        quote! {
            pub mod waiters;
        }
    });
    let types = (!service.shared_structs.is_empty()).then(|| {
        quote! {
            pub mod types;
        }
    });
    quote! {
        #doc
        #![allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]
        #![allow(clippy::doc_lazy_continuation, clippy::doc_overindented_list_items)]
        mod client;
        pub mod operation;
        #[cfg(feature = "testing")]
        pub mod testing;
        #types
        #waiters
        pub use acs_runtime::{
            BuildError, CallOptions, Config, Credentials, Error, Paginator, ResponseFuture, RetryConfig,
            TimeoutConfig,
        };
        pub use client::{Client, SERVICE};
    }
}

/// The `SERVICE` static: what the runtime needs to know about the service.
pub fn service_static(service: &Service, crate_name: &str) -> TokenStream {
    let product = &service.product;
    let version = &service.api_version;
    let rule = &service.endpoint_rule;
    let protocol = &service.protocol;
    let regions = service
        .regions
        .iter()
        .map(|(region, host)| quote!((#region, #host)));
    quote! {
        /// What the runtime needs to know about this service: product, version, endpoints.
        pub static SERVICE: ::acs_runtime::Service = ::acs_runtime::Service {
            product: #product,
            api_version: #version,
            endpoint_rule: #rule,
            protocol: #protocol,
            regional_endpoints: &[#(#regions),*],
            sdk_name: #crate_name,
            sdk_version: ::std::env!("CARGO_PKG_VERSION"),
        };
    }
}

pub fn client_rs(service: &Service) -> TokenStream {
    let service_static = service_static(service, &service.crate_name);
    quote! {
        //! The client: one per application, cheap to clone, shared across tasks.

        #service_static

        /// Client for the service. Clones share one connection pool and credential cache.
        #[derive(Clone, Debug)]
        pub struct Client {
            runtime: ::acs_runtime::Client,
        }

        impl Client {
            /// A client with this configuration; `acs_credentials::load_from_env()` makes one
            /// with the region and credentials Alibaba Cloud's tools would use.
            pub fn from_conf(config: ::acs_runtime::Config) -> Self {
                Self { runtime: ::acs_runtime::Client::new(&SERVICE, config) }
            }

            /// The configuration this client was built with.
            pub fn config(&self) -> &::acs_runtime::Config {
                self.runtime.config()
            }

            /// The runtime client, for calls the spec lacks: `client.runtime().call("Action", params)`.
            pub fn runtime(&self) -> &::acs_runtime::Client {
                &self.runtime
            }
        }
    }
}

/// `testing.rs` (feature `testing`): every operation's sample response, and a helper that
/// makes the test server answer each action with it.
pub fn testing_rs(service: &Service) -> TokenStream {
    let examples = service.operations.iter().filter_map(|operation| {
        let example = operation.response_example.as_ref()?;
        if !matches!(operation.response, Response::Fields(_) | Response::Json(_)) {
            return None;
        }
        let action = &operation.name;
        Some(quote!((#action, #example)))
    });
    quote! {
        //! Test support: the API reference's sample responses, served by
        //! [`acs_test_server::TestServer`].

        /// `(action, sample response JSON)` for every operation whose reference has one.
        pub const RESPONSE_EXAMPLES: &[(&str, &str)] = &[#(#examples),*];

        /// Makes `server` answer every action with its sample response unless a test scripts
        /// another reply.
        pub fn serve_examples(server: &::acs_test_server::TestServer) {
            for (action, example) in RESPONSE_EXAMPLES {
                server.set_default(action, ::acs_test_server::Reply::json(200, *example));
            }
        }
    }
}

pub fn operation_mod_rs(service: &Service) -> TokenStream {
    let modules = service.operations.iter().map(|operation| {
        let module = ident(&operation.names.module);
        quote!(pub mod #module;)
    });
    quote! {
        //! One module per operation: its request, builders, response and nested types.
        #(#modules)*
    }
}

/// `types.rs`: the object types shared by operations.
pub fn types_rs(service: &Service) -> TokenStream {
    let structs = service.shared_structs.iter().map(super::types::emit_struct);
    quote! {
        //! Object types shared by several operations.
        #(#structs)*
    }
}
