//! The SDK crate's fixed files: `Cargo.toml`, `lib.rs`, `client.rs`, `operation/mod.rs`,
//! `types.rs` and `testing.rs`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::inner_doc_attrs;
use crate::ir::{Operation, Response, Service, Type};
use crate::naming::ident;

pub fn cargo_toml(service: &Service) -> String {
    let mut keywords = vec![
        "alibaba-cloud".to_owned(),
        "aliyun".to_owned(),
        "sdk".to_owned(),
    ];
    keywords.extend(keyword(&service.product));
    let keywords: Vec<String> = keywords
        .iter()
        .map(|keyword| format!("{keyword:?}"))
        .collect();
    format!(
        r#"[package]
name = "{crate_name}"
description = "Alibaba Cloud {upper} SDK for Rust (API {version}), generated from the spec."
version = "{crate_version}"
edition.workspace = true
rust-version.workspace = true
license.workspace = true
documentation = "https://docs.rs/{crate_name}"
readme = "README.md"
keywords = [{keywords}]
categories = ["api-bindings", "web-programming::http-client"]

# docs.rs documents the `testing` feature too, marked as such.
[package.metadata.docs.rs]
all-features = true
rustdoc-args = ["--cfg", "docsrs"]

# The library holds no unit tests (its tests are `tests/examples.rs` and the doc examples):
# `cargo test` need not compile it a second time, with the test harness.
[lib]
test = false

[lints.rust]
unexpected_cfgs = {{ level = "warn", check-cfg = ["cfg(docsrs)"] }}

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
        crate_version = service.version,
        upper = service.product.to_uppercase(),
        version = service.api_version,
        keywords = keywords.join(", "),
    )
}

/// The product code as a crates.io keyword (`oos`, `dataworks-public`), when it is one: at
/// most 20 ASCII letters, digits, `-` or `_`, starting with a letter.
fn keyword(product: &str) -> Option<String> {
    let keyword = product.to_ascii_lowercase();
    let valid = keyword.len() <= 20
        && keyword.starts_with(|c: char| c.is_ascii_alphabetic())
        && keyword
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    valid.then_some(keyword)
}

/// The SDK crate's `README.md`, shown by crates.io: what it is, how to add it, a call.
pub fn readme(service: &Service) -> String {
    let upper = service.product.to_uppercase();
    let call = sample_operation(service)
        .map(|operation| call_sample(service, operation))
        .unwrap_or_default();
    format!(
        "# {crate_name}\n\n\
         Alibaba Cloud {upper} SDK for Rust, API version {version}: {count} operations, each a \
         method of `Client` with a typed request and response, generated from Alibaba Cloud's \
         published metadata. Calls are signed with ACS3-HMAC-SHA256, retried when that is safe, \
         and decoded tolerantly by `acs-runtime`.\n\n\
         ```sh\n\
         cargo add {crate_name} acs-credentials tokio --features tokio/macros,tokio/rt-multi-thread\n\
         ```\n\n\
         `acs-credentials` finds credentials where Alibaba Cloud's own tools do.\n\n\
         ```rust,ignore\n\
         let client = {crate_ident}::Client::from_conf(acs_credentials::load_from_env()?);\n\
         {call}\n\
         ```\n\n\
         Errors tell what to do: `error.is_not_found()`, `is_access_denied()`, `is_throttling()`, \
         `is_retryable()`, with the service's code, message and request id. The `testing` \
         feature brings a signature-verifying test server and a socket-free mock HTTP client \
         that answer with typed replies. The `{binary}` command-line tool \
         (`{cli_crate}`) calls every operation too.\n",
        crate_name = service.crate_name,
        crate_ident = service.crate_ident,
        version = service.api_version,
        count = service.operations.len(),
        binary = service.cli_binary,
        cli_crate = service.cli_crate_name,
    )
}

pub fn lib_rs(service: &Service) -> TokenStream {
    let example = sample_operation(service).map(|operation| crate_sample(service, operation));
    let doc = inner_doc_attrs(&format!(
        "Alibaba Cloud {} SDK for Rust, API version {}.\n\n\
         One module per operation under [`operation`]; each is called through [`Client`] in the \
         fluent style: `client.<operation>().<parameter>(value).send().await`. Signing, retries \
         and endpoints come from [`acs_runtime`]; credentials as Alibaba Cloud's tools find them, \
         from `acs_credentials`. With the `testing` feature, the `testing` module helps test code \
         that calls the service.{}",
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
        #![cfg_attr(docsrs, feature(doc_cfg))]
        #![allow(clippy::doc_lazy_continuation, clippy::doc_overindented_list_items)]
        mod client;
        pub mod operation;
        #[cfg(feature = "testing")]
        #[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
        pub mod testing;
        #types
        #waiters
        pub use acs_runtime::credentials::ProvideCredentials;
        pub use acs_runtime::{
            Blob, BuildError, CallOptions, CompactString, Config, Credentials, Error, IndexMap,
            Paginator, ResponseFuture, RetryConfig, ServiceError, TimeoutConfig, TimestampError,
            WaiterError,
        };
        pub use client::{Client, SERVICE};
    }
}

/// The operation the crate's code samples call: the first that pages (what a user lists
/// first), else the first whose response has fields, else the first.
fn sample_operation(service: &Service) -> Option<&Operation> {
    let with_fields = |operation: &&Operation| matches!(operation.response, Response::Fields(_));
    service
        .operations
        .iter()
        .find(|operation| operation.pagination.is_some() && with_fields(operation))
        .or_else(|| service.operations.iter().find(with_fields))
        .or(service.operations.first())
}

/// The statements that call `operation` through `client`, every required parameter set.
fn call_sample(service: &Service, operation: &Operation) -> String {
    let method = ident(&operation.names.module);
    let setters = super::examples::required_setters(operation, service);
    crate::render::code_text(quote! {
        let response = client.#method() #(#setters)* .send().await?;
    })
}

/// The crate's sample: a client calling one operation, run against the test server.
fn crate_sample(service: &Service, operation: &Operation) -> String {
    let krate = &service.crate_ident;
    let module = crate::naming::unraw(&operation.names.module);
    // The test server answers an OSS call by its bucket and key rather than its action, so an
    // OSS sample compiles but does not run (`tests/tests/oss_end_to_end.rs` runs OSS calls).
    let fence = if service.auth == crate::ir::Signature::Oss4HmacSha256 {
        "```no_run"
    } else {
        "```"
    };
    format!(
        "\n\n{fence}\n\
         # #[tokio::main(flavor = \"current_thread\")]\n\
         # async fn main() -> Result<(), Box<dyn std::error::Error>> {{\n\
         # #[allow(unused_imports)]\n\
         # use {krate}::operation::{module}::*;\n\
         # let server = acs_test_server::TestServer::start().await?;\n\
         # server.set_default(\"{action}\", acs_test_server::Reply::ok(&{response}::default()));\n\
         # let config = {krate}::Config::builder()\n\
         #     .region(\"cn-hangzhou\")\n\
         #     .endpoint(server.endpoint())\n\
         #     .credentials({krate}::Credentials::new(\n\
         #         acs_test_server::DEFAULT_ACCESS_KEY_ID,\n\
         #         acs_test_server::DEFAULT_ACCESS_KEY_SECRET,\n\
         #         \"test\",\n\
         #     ))\n\
         #     .build()?;\n\
         // In an application, `config` comes from `acs_credentials::load_from_env()?`.\n\
         let client = {krate}::Client::from_conf(config);\n\
         {call}\n\
         println!(\"{{response:?}}\");\n\
         # Ok(())\n\
         # }}\n\
         ```",
        action = operation.name,
        response = operation.names.response,
        call = call_sample(service, operation),
    )
}

/// The `SERVICE` static: what the runtime needs to know about the service.
pub fn service_static(service: &Service, crate_name: &str) -> TokenStream {
    let product = &service.product;
    let version = &service.api_version;
    let rule = &service.endpoint_rule;
    let protocol = &service.protocol;
    let auth = format_ident!("{}", service.auth.variant());
    let regions = service
        .regions
        .iter()
        .map(|(region, host)| quote!((#region, #host)));
    quote! {
        /// What the runtime needs to know about this service: product, version, signature, endpoints.
        pub static SERVICE: ::acs_runtime::Service = ::acs_runtime::Service {
            product: #product,
            api_version: #version,
            endpoint_rule: #rule,
            auth: ::acs_runtime::AuthScheme::#auth,
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

/// `testing.rs` (feature `testing`): the test server and the mock HTTP client, every
/// operation's sample response and a helper that serves them, and a way to encode a request
/// recorded from another client.
pub fn testing_rs(service: &Service) -> TokenStream {
    let examples = service.operations.iter().filter_map(|operation| {
        let example = operation.response_example.as_ref()?;
        if !matches!(operation.response, Response::Fields(_) | Response::Json(_)) {
            return None;
        }
        let action = &operation.name;
        Some(quote!((#action, #example)))
    });
    let doc = inner_doc_attrs(&format!(
        "Test support: the signature-verifying [`TestServer`] and the socket-free \
         [`MockHttpClient`] (from `acs-test-server`), which answer with [`Reply`]s, typed ones \
         built from this crate's response types ([`Reply::ok`]); the API reference's sample \
         responses; and [`encode_json_request`], to compare requests recorded from other clients \
         with this crate's.{}",
        sample_operation(service)
            .map(|operation| mock_sample(service, operation))
            .unwrap_or_default()
    ));
    let encoders = service.operations.iter().map(|operation| {
        let action = &operation.name;
        let module = ident(&operation.names.module);
        let builder = ident(&operation.names.request_builder);
        quote! {
            #action => (
                &crate::operation::#module::OPERATION,
                encode(inputs, crate::operation::#module::#builder::build),
            ),
        }
    });
    quote! {
        #doc

        pub use ::acs_test_server::{
            DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, MockHttpClient, RecordedRequest, Reply,
            Scripted, TestServer,
        };

        /// `(action, sample response JSON)` for every operation whose reference has one.
        pub const RESPONSE_EXAMPLES: &[(&str, &str)] = &[#(#examples),*];

        /// Makes `target`, a [`TestServer`] or a [`MockHttpClient`], answer every action with
        /// its sample response unless a test scripts another reply.
        pub fn serve_examples(target: &impl Scripted) {
            for (action, example) in RESPONSE_EXAMPLES {
                target.set_default(action, Reply::json(200, *example));
            }
        }

        /// The parameters a typed request encodes to, or why it cannot be built or encoded.
        type Encoded =
            Result<::acs_runtime::RequestParams, Box<dyn ::std::error::Error + Send + Sync>>;

        /// The operation `action` names, and the parameters its typed request encodes to when
        /// built from `inputs`: JSON keyed by the parameters' wire names, read as responses are
        /// read (a number given as text, JSON text for a list), so that requests recorded from
        /// another client can be compared with this crate's. `None` for an action this crate
        /// does not have.
        pub fn encode_json_request(
            action: &str,
            inputs: &[u8],
        ) -> Option<(&'static ::acs_runtime::Operation, Encoded)> {
            fn encode<B, R>(
                inputs: &[u8],
                build: fn(B) -> Result<R, ::acs_runtime::BuildError>,
            ) -> Encoded
            where
                B: ::serde::de::DeserializeOwned,
                R: ::acs_runtime::EncodeRequest,
            {
                let builder: B = ::acs_runtime::de::from_slice(inputs)?;
                Ok(::acs_runtime::EncodeRequest::to_params(&build(builder)?)?)
            }
            Some(match action {
                #(#encoders)*
                _ => return None,
            })
        }
    }
}

/// The testing module's sample: a typed reply from the mock HTTP client, and what it was sent.
fn mock_sample(service: &Service, operation: &Operation) -> String {
    let krate = &service.crate_ident;
    let module = crate::naming::unraw(&operation.names.module);
    let action = &operation.name;
    let response = &operation.names.response;
    let text_field = match &operation.response {
        Response::Fields(fields) => fields
            .iter()
            .find(|field| field.ty == Type::String && !field.sensitive)
            .map(|field| crate::naming::unraw(&field.names.field).to_owned()),
        _ => None,
    };
    let (set_field, check_field) = match &text_field {
        Some(field) => (
            format!("reply.{field} = Some(\"R-1\".into());\n"),
            format!("assert_eq!(response.{field}(), Some(\"R-1\"));\n"),
        ),
        None => (String::new(), String::new()),
    };
    format!(
        "\n\n```\n\
         # async fn sample() -> Result<(), {krate}::Error> {{\n\
         # #[allow(unused_imports)]\n\
         # use {krate}::operation::{module}::*;\n\
         use {krate}::testing::{{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, MockHttpClient, Reply}};\n\
         use {krate}::{{Client, Config, Credentials}};\n\
         \n\
         let mock = MockHttpClient::new();\n\
         let {mutable}reply = {response}::default();\n\
         {set_field}\
         mock.enqueue(\"{action}\", Reply::ok(&reply));\n\
         let config = Config::builder()\n    \
             .region(\"cn-hangzhou\")\n    \
             .credentials(Credentials::new(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, \"test\"))\n    \
             .http_client(mock.clone())\n    \
             .build()?;\n\
         let client = Client::from_conf(config);\n\
         {call}\n\
         {check_field}\
         let sent = &mock.requests()[0];\n\
         assert!(sent.signature_verified);\n\
         assert_eq!(sent.action.as_deref(), Some(\"{action}\"));\n\
         # Ok(())\n\
         # }}\n\
         # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(sample()).unwrap();\n\
         ```",
        mutable = if text_field.is_some() { "mut " } else { "" },
        call = call_sample(service, operation),
    )
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
    let enums = service.shared_enums.iter().map(super::enums::emit_enum);
    quote! {
        //! Object types shared by several operations.
        #(#structs)*
        #(#enums)*
    }
}
