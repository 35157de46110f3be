//! Generated tests, one pair per operation: the reference's sample response decodes with
//! nothing lost, and a request built from the spec's examples encodes to the parameters the
//! official encoding rules give; and for an operation with secrets, that none of them shows.
//! The expected parameters are computed here, independently of the runtime's encoder, so the
//! two implementations check each other.
//!
//! By job: [`values`] builds examples and the expressions that construct them (also for the
//! crate's documentation and the official-vectors test), [`request`] the encoding test,
//! [`response`] the decoding test, [`redaction`] the secrets test.

mod redaction;
mod request;
mod response;
mod values;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::Service;

pub use values::{request_builder, required_setters};

pub fn emit_examples(service: &Service) -> TokenStream {
    let crate_ident = format_ident!("{}", service.crate_ident);
    let mut secrets = false;
    let mut responses = false;
    let tests: Vec<TokenStream> = service
        .operations
        .iter()
        .map(|operation| {
            let response = response::response_test(operation, &service.shared_structs);
            let request = request::request_test(operation, service);
            let redaction = redaction::redaction_test(operation, service);
            secrets |= redaction.is_some();
            responses |= response.is_some();
            quote!(#response #request #redaction)
        })
        .collect();
    let secret_helpers = secrets.then(|| redaction::helpers(service));
    // OSS's samples are XML, which no response test reads: then the helpers are left out.
    let response_helpers = responses.then(|| {
        quote! {
        /// The sample decodes with nothing lost, and so does every variation of it whose
        /// scalars keep their JSON kind: decode → encode → decode → encode gives the same
        /// encoding. (Not the same value: a list of structs unset is written `[]`, as the
        /// official Python models write it, and comes back set and empty.)
        /// `described` is the part of the example the response describes, when the example
        /// holds more (the reference's samples show fields its schema lacks).
        fn check_response<T>(example: &str, described: Option<&str>)
        where
            T: ::serde::de::DeserializeOwned + ::serde::Serialize,
        {
            let typed: T = ::acs_runtime::de::from_slice(example.as_bytes()).expect("the example decodes");
            let expected: ::serde_json::Value = ::serde_json::from_str(described.unwrap_or(example)).expect("the example is JSON");
            let actual = ::serde_json::to_value(&typed).expect("the response serializes");
            if let Some(difference) = ::acs_test_server::lenient_json_diff(&expected, &actual) {
                panic!("the decoded response lost or changed data: {difference}");
            }
            let mut runner = ::proptest::test_runner::TestRunner::new(::proptest::test_runner::Config {
                cases: 16,
                failure_persistence: None,
                ..::proptest::test_runner::Config::default()
            });
            let seeds = ::proptest::collection::vec(::proptest::prelude::any::<u64>(), 1..64);
            runner
                .run(&seeds, |seeds| {
                    let varied = vary(&expected, &mut seeds.into_iter().cycle());
                    let once: T = ::acs_runtime::de::from_slice(varied.to_string().as_bytes()).expect("a variation decodes");
                    let text = ::serde_json::to_vec(&once).expect("the response serializes");
                    let twice: T = ::acs_runtime::de::from_slice(&text).expect("its encoding decodes");
                    let again = ::serde_json::to_vec(&twice).expect("the response serializes");
                    ::proptest::prop_assert_eq!(String::from_utf8_lossy(&text), String::from_utf8_lossy(&again));
                    Ok(())
                })
                .unwrap();
        }

        /// `value` with every scalar replaced by another of the same JSON kind.
        fn vary(value: &::serde_json::Value, seeds: &mut impl ::std::iter::Iterator<Item = u64>) -> ::serde_json::Value {
            use ::serde_json::Value;
            let seed = seeds.next().unwrap_or_default();
            match value {
                Value::Bool(_) => Value::Bool(seed.is_multiple_of(2)),
                Value::Number(number) if number.is_i64() || number.is_u64() => Value::from(seed % 1000),
                Value::Number(_) => Value::from((seed % 100_000) as f64 / 100.0),
                Value::String(_) => {
                    let alphabet = ['a', 'Z', '0', ' ', '"', '\\', '中', '😀', '&', '='];
                    let length = (seed % 12) as usize;
                    Value::String((0..length).map(|i| alphabet[((seed >> (i * 4)) % 10) as usize]).collect())
                }
                Value::Array(items) => Value::Array(items.iter().map(|item| vary(item, seeds)).collect()),
                Value::Object(fields) => {
                    Value::Object(fields.iter().map(|(key, field)| (key.clone(), vary(field, seeds))).collect())
                }
                Value::Null => Value::Null,
            }
        }
        }
    });
    quote! {
        //! Every operation's examples, checked: responses decode losslessly, requests encode
        //! as the official SDKs encode them; and no secret shows.
        use #crate_ident::operation;

        #response_helpers

        /// `expected` holds `(location, name, text)` for the path, host, query, header and
        /// form parameters; `body` the JSON, text or bytes of any other body.
        fn check_params(
            request: &impl ::acs_runtime::EncodeRequest,
            expected: &[(&str, &str, &str)],
            body: Option<&str>,
        ) {
            let params = request.to_params().expect("the request encodes");
            let mut actual = ::std::collections::BTreeSet::new();
            for (location, texts) in [
                ("path", &params.path),
                ("host", &params.host),
                ("query", &params.query),
                ("header", &params.headers),
                ("form", &params.form),
            ] {
                actual.extend(texts.iter().map(|(name, text)| (location, name, text)));
            }
            assert_eq!(actual, expected.iter().copied().collect(), "parameters");
            match (body, &params.body) {
                (None, None) => {}
                (Some(expected), Some(::acs_runtime::Body::Json(value))) => {
                    let expected: ::serde_json::Value = ::serde_json::from_str(expected).expect("the expected body is JSON");
                    assert_eq!(value, &expected, "JSON body");
                }
                (Some(expected), Some(::acs_runtime::Body::Text(text))) => assert_eq!(text, expected, "text body"),
                (Some(expected), Some(::acs_runtime::Body::Stream { stream, .. })) => {
                    let bytes = stream.in_memory().expect("the example's body is bytes");
                    assert_eq!(bytes.as_ref(), expected.as_bytes(), "binary body")
                }
                (expected, actual) => panic!("body: expected {expected:?}, encoded {actual:?}"),
            }
        }

        #secret_helpers

        #(#tests)*
    }
}
