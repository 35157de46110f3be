//! The test that no value the spec marks `sensitive` shows in what the SDK prints.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{Map, Value};

use super::values::Examples;
use crate::ir::{Member, Operation, Response, Service, Type};
use crate::naming::ident;

/// The test that `Debug` of the operation's request, its builders and its response shows no
/// value the spec marks `sensitive`: each sensitive text parameter and response field is
/// given a marker, which must not appear. `None` for an operation without secrets.
pub(super) fn redaction_test(operation: &Operation, service: &Service) -> Option<TokenStream> {
    const MARKER: &str = "redaction-check-secret";
    let examples = Examples::of(operation, service);
    let secret_parameters: Vec<&Member> = operation
        .request
        .iter()
        .filter(|member| member.sensitive && member.ty == Type::String)
        .collect();
    let secret_response = match &operation.response {
        Response::Fields(fields) => examples.secret_document(fields, MARKER),
        _ => None,
    };
    if secret_parameters.is_empty() && secret_response.is_none() {
        return None;
    }
    let krate = ident(&service.crate_ident);
    let module = ident(&operation.names.module);
    let test = ident(&operation.names.redaction_test);
    let request_checks = (!secret_parameters.is_empty()).then(|| {
        let request = ident(&operation.names.request);
        let method = ident(&operation.names.module);
        let setters: Vec<TokenStream> = operation
            .request
            .iter()
            .filter_map(|member| {
                if secret_parameters
                    .iter()
                    .any(|secret| secret.wire_name == member.wire_name)
                {
                    let setter = ident(&member.names.field);
                    Some(quote!(.#setter(MARKER)))
                } else if member.required {
                    examples.top_level(member).map(|(setter, _)| setter)
                } else {
                    None
                }
            })
            .collect();
        quote! {
            let builder = #request::builder() #(#setters)*;
            assert_hidden(&builder);
            assert_hidden(&builder.clone().build().expect("every required parameter is set"));
            let config = #krate::Config::builder()
                .region("cn-hangzhou")
                .credentials(#krate::Credentials::new("LTAIid", "key", "test"))
                .build()
                .expect("a configuration");
            assert_hidden(&#krate::Client::from_conf(config).#method() #(#setters)*);
        }
    });
    let response_checks = secret_response.map(|document| {
        let response = ident(&operation.names.response);
        let document = document.to_string();
        quote! {
            let response: #response = ::acs_runtime::de::from_slice(#document.as_bytes())
                .expect("the secrets decode");
            assert_hidden(&response);
        }
    });
    Some(quote! {
        #[test]
        fn #test() {
            use operation::#module::*;
            const MARKER: &str = #MARKER;
            fn assert_hidden(value: &impl ::std::fmt::Debug) {
                let shown = format!("{value:?}");
                assert!(!shown.contains(MARKER), "a secret shows: {shown}");
                assert!(shown.contains("** redacted **"), "{shown}");
            }
            #request_checks
            #response_checks
        }
    })
}

impl Examples<'_> {
    /// A JSON object holding `marker` in every sensitive text field among `fields`, at any
    /// depth (one element of a list, one value of a map), and nothing else; `None` when there
    /// is no such field.
    fn secret_document(&self, fields: &[Member], marker: &str) -> Option<Value> {
        let mut document = Map::new();
        for field in fields {
            let value = if field.sensitive && field.ty == Type::String {
                Some(Value::from(marker))
            } else {
                self.secret_value(&field.ty, marker)
            };
            if let Some(value) = value {
                document.insert(field.wire_name.clone(), value);
            }
        }
        (!document.is_empty()).then_some(Value::Object(document))
    }

    fn secret_value(&self, ty: &Type, marker: &str) -> Option<Value> {
        match ty {
            Type::Struct(_) | Type::Shared(_) => {
                if self.filling.borrow().contains(ty) {
                    return None;
                }
                self.filling.borrow_mut().push(ty.clone());
                let fields = self.struct_fields(ty);
                let value = fields.and_then(|fields| self.secret_document(&fields, marker));
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
