//! The test that the reference's sample response decodes with nothing lost
//! (`check_response` in the generated file).

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{Map, Value};

use super::values::Examples;
use crate::ir::{Entries, Member, Operation, Response, Struct, Type};
use crate::naming::ident;

pub(super) fn response_test(operation: &Operation, shared: &[Struct]) -> Option<TokenStream> {
    let mut example = operation.response_example.clone()?;
    let mut value: Value = serde_json::from_str(&example).ok()?;
    // A whole body beside header fields is decoded as the response's field of its name.
    if let Some(whole) = &operation.whole_body_beside_headers {
        value = Value::Object(Map::from_iter([(whole.wire_name.clone(), value)]));
        example = value.to_string();
    }
    let examples = Examples {
        operation,
        shared,
        crate_ident: "",
        filling: Default::default(),
    };
    // An example that does not have the response's shape at all tests nothing.
    let described = match (&operation.response, &operation.whole_body_beside_headers) {
        (_, Some(whole)) => examples.described_fields(std::slice::from_ref(whole), &value)?,
        (Response::Fields(fields), None) => examples.described_fields(fields, &value)?,
        (Response::Json(ty), None) => examples.described(ty, &value)?,
        _ => return None,
    };
    let described = (described != value).then(|| described.to_string());
    let described = match described {
        Some(text) => quote!(Some(#text)),
        None => quote!(None),
    };
    let module = ident(&operation.names.module);
    let response = ident(&operation.names.response);
    let test = ident(&operation.names.response_test);
    Some(quote! {
        #[test]
        fn #test() {
            check_response::<operation::#module::#response>(#example, #described);
        }
    })
}

impl Examples<'_> {
    /// The part of `value` that fields `fields` describe, or `None` when it is no object.
    fn described_fields(&self, fields: &[Member], value: &Value) -> Option<Value> {
        let Value::Object(entries) = value else {
            return None;
        };
        let mut kept = Map::new();
        for (key, entry) in entries {
            if let Some(field) = fields.iter().find(|field| &field.wire_name == key) {
                let described = match (&field.entries, &field.ty) {
                    (Some(entries), Type::Map(values)) => {
                        self.described_entries(entries, values, entry)?
                    }
                    _ => self.described(&field.ty, entry)?,
                };
                kept.insert(key.clone(), described);
            }
        }
        Some(Value::Object(kept))
    }

    /// The part of a list of key-value objects that a map of `values` sent so describes.
    fn described_entries(&self, entries: &Entries, values: &Type, list: &Value) -> Option<Value> {
        let Value::Array(items) = json_in_text(list)? else {
            return None;
        };
        let mut kept = Vec::with_capacity(items.len());
        for item in items {
            let Value::Object(item) = item else {
                return None;
            };
            let mut entry = Map::new();
            entry.insert(entries.key.clone(), item.get(&entries.key)?.clone());
            if let Some(value) = item.get(&entries.value) {
                entry.insert(entries.value.clone(), self.described(values, value)?);
            }
            kept.push(Value::Object(entry));
        }
        Some(Value::Array(kept))
    }

    /// The part of `value` that type `ty` describes, as the kinds of JSON value the type
    /// holds, or `None` when its shape is another. Text the service sends for a number, a
    /// flag or (as JSON) a structure is read as that, as the tolerant decoder reads it.
    fn described(&self, ty: &Type, value: &Value) -> Option<Value> {
        if let Value::String(text) = value {
            let held = match ty {
                Type::Int32 | Type::Int64 => text.trim().parse::<i64>().ok().map(Value::from),
                Type::Float | Type::Double => text
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
                    .map(Value::Number),
                Type::Boolean => match text.to_ascii_lowercase().as_str() {
                    "true" => Some(Value::Bool(true)),
                    "false" => Some(Value::Bool(false)),
                    _ => None,
                },
                Type::Array(_) | Type::Map(_) | Type::Struct(_) | Type::Shared(_) => {
                    return self.described(ty, &serde_json::from_str(text).ok()?);
                }
                _ => None,
            };
            if let Some(held) = held {
                return Some(held);
            }
        }
        match (ty, value) {
            (_, Value::Null) | (Type::Any, _) => Some(value.clone()),
            (Type::Array(item), Value::Array(items)) => items
                .iter()
                .map(|entry| self.described(item, entry))
                .collect::<Option<Vec<Value>>>()
                .map(Value::Array),
            (Type::Map(values), Value::Object(entries)) => entries
                .iter()
                .map(|(key, entry)| Some((key.clone(), self.described(values, entry)?)))
                .collect::<Option<Map<String, Value>>>()
                .map(Value::Object),
            (Type::Struct(_) | Type::Shared(_), Value::Object(_)) => {
                let fields = self.struct_fields(ty)?;
                self.described_fields(&fields, value)
            }
            (Type::Array(_) | Type::Map(_) | Type::Struct(_) | Type::Shared(_), _) => None,
            (_, Value::Array(_) | Value::Object(_)) => None,
            // Scalars decode tolerantly into any scalar type.
            _ => Some(value.clone()),
        }
    }
}

/// `value`, or the JSON a string holds as text.
fn json_in_text(value: &Value) -> Option<Value> {
    match value {
        Value::String(text) => serde_json::from_str(text).ok(),
        other => Some(other.clone()),
    }
}
