//! The test that a request built from the spec's examples encodes to the parameters the
//! official encoding rules give (`check_params` in the generated file).

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{Map, Value};

use super::values::{Examples, wire_form};
use crate::emit::serde_impls::{Unset, written_unset};
use crate::ir::{Location, Operation, Service, Style, Type};
use crate::naming::ident;

pub(super) fn request_test(operation: &Operation, service: &Service) -> TokenStream {
    let module = ident(&operation.names.module);
    let request = ident(&operation.names.request);
    let test = ident(&operation.names.request_test);
    let examples = Examples::of(operation, service);
    let mut setters = Vec::new();
    let mut expected = Vec::new();
    let mut body_fields = Map::new();
    let mut body = None;
    for member in &operation.request {
        let Some((setter, value)) = examples.top_level(member) else {
            continue;
        };
        setters.push(setter);
        let value = examples.in_official_order(&member.ty, wire_form(member, value));
        let location = match member.location {
            Location::Path => "path",
            Location::Host => "host",
            Location::Query => "query",
            Location::Header => "header",
            Location::Form => "form",
            Location::BodyField => {
                body_fields.insert(member.wire_name.clone(), value);
                continue;
            }
            Location::Body => {
                body = Some(match (&member.ty, value) {
                    (Type::String | Type::Binary, Value::String(text)) => text,
                    (_, value) => value.to_string(),
                });
                continue;
            }
        };
        let mut pairs = Vec::new();
        encode(&member.wire_name, member.style, &value, &mut pairs);
        expected.extend(pairs.into_iter().map(|(name, text)| (location, name, text)));
    }
    if !body_fields.is_empty() {
        body = Some(Value::Object(body_fields).to_string());
    }
    expected.sort();
    let expected = expected
        .iter()
        .map(|(location, name, text)| quote!((#location, #name, #text)));
    let body = match body {
        Some(body) => quote!(Some(#body)),
        None => quote!(None),
    };
    quote! {
        #[test]
        fn #test() {
            use operation::#module::*;
            let request = #request::builder() #(#setters)* .build().expect("every required parameter has an example");
            check_params(&request, &[#(#expected),*], #body);
        }
    }
}

impl Examples<'_> {
    /// `value` of type `ty` as the request's structs write it: the keys of its structs in the
    /// byte order of their wire names, as the official SDKs write them (in the spec's order,
    /// which the example value has, for a struct that is sent so), and their unset lists and
    /// maps of structs written `[]` and `{}` ([`written_unset`]); maps and free-form JSON keep
    /// their order, the order the setters insert in.
    fn in_official_order(&self, ty: &Type, value: Value) -> Value {
        match (ty, value) {
            (Type::Array(item), Value::Array(items)) => Value::Array(
                items
                    .into_iter()
                    .map(|value| self.in_official_order(item, value))
                    .collect(),
            ),
            (Type::Map(values), Value::Object(entries)) => Value::Object(
                entries
                    .into_iter()
                    .map(|(key, value)| (key, self.in_official_order(values, value)))
                    .collect(),
            ),
            (Type::Struct(_) | Type::Shared(_), Value::Object(mut entries)) => {
                let fields = self.struct_fields(ty).unwrap_or_default();
                // In the spec's order, each field set or written unset, then any other key.
                let mut sorted = Vec::new();
                for field in &fields {
                    let value = match entries.remove(&field.wire_name) {
                        Some(value) => wire_form(field, self.in_official_order(&field.ty, value)),
                        None => match written_unset(field) {
                            Some(Unset::List) => Value::Array(Vec::new()),
                            Some(Unset::Map) => Value::Object(Map::new()),
                            None => continue,
                        },
                    };
                    sorted.push((field.wire_name.clone(), value));
                }
                sorted.extend(entries);
                if !self.struct_in_spec_order(ty) {
                    sorted.sort_by(|a, b| a.0.cmp(&b.0));
                }
                Value::Object(sorted.into_iter().collect())
            }
            (_, value) => value,
        }
    }
}

/// The official encoding of one query, header or form parameter: scalars as text, a list
/// in the simple style joined by `,`, `json` as compact JSON (`value` has its objects' keys
/// in the order the official SDKs write them), `repeatList`/`flat` flattened into
/// `Name.1.Field.1` keys.
fn encode(name: &str, style: Style, value: &Value, out: &mut Vec<(String, String)>) {
    match (style, value) {
        (Style::Simple, Value::Array(items)) => {
            let texts: Vec<String> = items.iter().map(scalar_text).collect();
            if !texts.is_empty() {
                out.push((name.to_string(), texts.join(",")));
            }
        }
        (Style::Simple, value) => out.push((name.to_string(), scalar_text(value))),
        (Style::Json, value) => out.push((name.to_string(), value.to_string())),
        (Style::RepeatList | Style::Flat, value) => flatten(name, value, out),
        (Style::Prefixed, Value::Object(entries)) => {
            let prefix = name.strip_suffix('*').unwrap_or(name);
            for (key, value) in entries {
                out.push((format!("{prefix}{key}"), scalar_text(value)));
            }
        }
        (Style::Prefixed, _) => {}
    }
}

fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                flatten(&format!("{prefix}.{}", index + 1), item, out);
            }
        }
        Value::Object(fields) => {
            for (key, field) in fields {
                flatten(&format!("{prefix}.{key}"), field, out);
            }
        }
        scalar => out.push((prefix.to_string(), scalar_text(scalar))),
    }
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}
