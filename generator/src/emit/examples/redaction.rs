//! The test that no value the spec marks `sensitive` shows in what the SDK prints.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{Map, Value};

use super::values::Examples;
use crate::ir::{Member, Operation, Response, Service, Type};
use crate::naming::ident;

/// A secret with a space, `+`, `%` and non-ASCII text, which every encoder changes.
pub(super) const SECRET: &str = "s3cr3t +%€ 秘密";

/// [`SECRET`] as it reads encoded: percent-encoded (a query, a path), form-encoded, in JSON
/// that escapes non-ASCII, in Rust's `escape_default` and in a byte string's `Debug`.
const SECRET_FORMS: [&str; 6] = [
    SECRET,
    "s3cr3t%20%2B%25%E2%82%AC%20%E7%A7%98%E5%AF%86",
    "s3cr3t+%2B%25%E2%82%AC+%E7%A7%98%E5%AF%86",
    "s3cr3t +%\\u20ac \\u79d8\\u5bc6",
    "s3cr3t +%\\u{20ac} \\u{79d8}\\u{5bc6}",
    "s3cr3t +%\\xe2\\x82\\xac \\xe7\\xa7\\x98\\xe5\\xaf\\x86",
];

/// What the secrets tests of a crate share: the secret in its forms, the checks, and a
/// client on a mock transport that answers as the service would.
pub(super) fn helpers(service: &Service) -> TokenStream {
    let krate = ident(&service.crate_ident);
    let forms = SECRET_FORMS.iter();
    // An operation sent unsigned, as the official SDKs send it, must reach its reply.
    let mock = if service
        .operations
        .iter()
        .any(|operation| operation.anonymous)
    {
        quote!(
            ::acs_test_server::TestServer::builder()
                .accept_unsigned(true)
                .mock()
        )
    } else {
        quote!(::acs_test_server::MockHttpClient::new())
    };
    quote! {
        /// Every form the secret the tests set takes when encoded (see `SECRET`).
        const SECRET_FORMS: [&str; 6] = [#(#forms),*];

        /// `shown` holds the secret in none of its forms.
        fn assert_hidden(shown: &str) {
            for form in SECRET_FORMS {
                assert!(!shown.contains(form), "a secret shows as `{form}` in: {shown}");
            }
        }

        /// `Debug` of `value` shows a redacted field and no secret.
        fn assert_redacted(value: &impl ::std::fmt::Debug) {
            let shown = format!("{value:?}");
            assert_hidden(&shown);
            assert!(shown.contains("** redacted **"), "nothing redacted in: {shown}");
        }

        /// A client whose calls a mock transport answers, with the mock.
        fn mock_client() -> (::acs_test_server::MockHttpClient, #krate::Client) {
            let mock = #mock;
            let config = #krate::Config::builder()
                .region("cn-hangzhou")
                .credentials(#krate::Credentials::new(
                    ::acs_test_server::DEFAULT_ACCESS_KEY_ID,
                    ::acs_test_server::DEFAULT_ACCESS_KEY_SECRET,
                    "test",
                ))
                .http_client(mock.clone())
                .build()
                .expect("a configuration");
            (mock, #krate::Client::from_conf(config))
        }
    }
}

/// The test that no value the spec marks `sensitive` shows: with [`SECRET`] in every
/// sensitive parameter and field at any depth (nested structs, a list's element, a map's
/// value), neither `Debug` of the request, its builder, the fluent builder and the response,
/// nor the encoded parameters, nor the error of a refused call or of a response cut off after
/// the secret show it in any of its forms. `None` for an operation without secrets.
pub(super) fn redaction_test(operation: &Operation, service: &Service) -> Option<TokenStream> {
    let examples = Examples::of(operation, service);
    let secret_request = examples.secret_document(&operation.request, SECRET);
    // The test serves the secrets as a JSON reply scripted by action; an XML response (OSS,
    // whose replies the test server picks by bucket and key) is left to its end-to-end tests.
    let secret_response = match &operation.response {
        Response::Fields(fields) if !operation.xml_response => {
            examples.secret_document(fields, SECRET)
        }
        _ => None,
    };
    if secret_request.is_none() && secret_response.is_none() {
        return None;
    }
    let module = ident(&operation.names.module);
    let method = ident(&operation.names.module);
    let test = ident(&operation.names.redaction_test);
    let action = &operation.name;
    let required: Vec<TokenStream> = operation
        .request
        .iter()
        .filter(|member| member.required)
        .filter_map(|member| examples.top_level(member).map(|(setter, _)| setter))
        .collect();
    let request_checks = secret_request.map(|secrets| {
        let request = ident(&operation.names.request);
        let setters: Vec<TokenStream> = operation
            .request
            .iter()
            .filter_map(|member| match secrets.get(&member.wire_name) {
                Some(secret) => Some(examples.setter(member, secret)),
                None if member.required => examples.top_level(member).map(|(setter, _)| setter),
                None => None,
            })
            .collect();
        quote! {
            let builder = #request::builder() #(#setters)*;
            assert_redacted(&builder);
            let request = builder.build().expect("every required parameter is set");
            assert_redacted(&request);
            assert_hidden(&format!("{:?}", ::acs_runtime::EncodeRequest::to_params(&request)));
            let call = client.#method() #(#setters)*;
            assert_redacted(&call);
            mock.enqueue(#action, ::acs_test_server::Reply::error(400, "InvalidParameter", "The parameter is invalid."));
            let error = call.send().await.expect_err("the call is refused");
            assert_hidden(&format!("{error} {error:?}"));
        }
    });
    let response_checks = secret_response.map(|document| {
        let document = Value::Object(document).to_string();
        // Cut off within the first secret: the body does not parse.
        let cut = &document[..document.find(SECRET).unwrap_or_default() + SECRET.len()];
        quote! {
            mock.enqueue(#action, ::acs_test_server::Reply::json(200, #document));
            let response = client.#method() #(#required)* .send().await.expect("the secrets decode");
            assert_redacted(&response);
            mock.enqueue(#action, ::acs_test_server::Reply::json(200, #cut));
            let error = client.#method() #(#required)* .send().await.expect_err("a cut-off body does not decode");
            assert_hidden(&format!("{error} {error:?}"));
        }
    });
    // The request's type, and the required parameters' enums and structs, are the module's.
    let names_module_types = request_checks.is_some()
        || operation
            .request
            .iter()
            .any(|member| member.required && names_operation_types(&member.ty));
    let import = names_module_types.then(|| quote!(use operation::#module::*;));
    // A deprecated operation's secrets are hidden all the same.
    let deprecated = operation
        .deprecated
        .then(|| quote!(#[expect(deprecated, reason = "the operation is deprecated")]));
    Some(quote! {
        #[tokio::test]
        #deprecated
        async fn #test() {
            #import
            let (mock, client) = mock_client();
            #request_checks
            #response_checks
        }
    })
}

/// Whether an expression of type `ty` names a type of the operation's module unqualified.
fn names_operation_types(ty: &Type) -> bool {
    match ty {
        Type::Enum(_) | Type::Struct(_) => true,
        Type::Array(inner) | Type::Map(inner) => names_operation_types(inner),
        _ => false,
    }
}

impl Examples<'_> {
    /// A JSON object holding `marker` in every sensitive text field among `fields`, at any
    /// depth (one element of a list, one value of a map), and nothing else; `None` when there
    /// is no such field.
    fn secret_document(&self, fields: &[Member], marker: &str) -> Option<Map<String, Value>> {
        let mut document = Map::new();
        for field in fields {
            let value = if field.sensitive {
                text_value(&field.ty, marker)
            } else {
                self.secret_value(&field.ty, marker)
            };
            if let Some(value) = value {
                document.insert(field.wire_name.clone(), value);
            }
        }
        (!document.is_empty()).then_some(document)
    }

    fn secret_value(&self, ty: &Type, marker: &str) -> Option<Value> {
        match ty {
            Type::Struct(_) | Type::Shared(_) => {
                if self.filling.borrow().contains(ty) {
                    return None;
                }
                self.filling.borrow_mut().push(ty.clone());
                let fields = self.struct_fields(ty);
                let value = fields
                    .and_then(|fields| self.secret_document(&fields, marker))
                    .map(Value::Object);
                self.filling.borrow_mut().pop();
                value
            }
            Type::Array(item) => self
                .secret_value(item, marker)
                .map(|item| Value::Array(vec![item])),
            Type::Map(value) => self.secret_value(value, marker).map(|value| {
                let mut map = Map::new();
                map.insert("key".to_owned(), value);
                Value::Object(map)
            }),
            _ => None,
        }
    }
}

/// `marker` as a value of type `ty`, when that is text, a list or map of text, or free-form
/// JSON: what a sensitive field can hold.
fn text_value(ty: &Type, marker: &str) -> Option<Value> {
    match ty {
        Type::String | Type::Any => Some(Value::from(marker)),
        Type::Array(item) => text_value(item, marker).map(|item| Value::Array(vec![item])),
        Type::Map(value) => text_value(value, marker).map(|value| {
            let mut map = Map::new();
            map.insert("key".to_owned(), value);
            Value::Object(map)
        }),
        _ => None,
    }
}
