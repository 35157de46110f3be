//! Examples of an operation's values as JSON, and the Rust expressions that build them through
//! the SDK's builders: from the spec's examples (or placeholders) for the generated tests and
//! the crate's documentation, or from given inputs (the official-vectors test).

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{Map, Value};

use crate::emit::types::rust_type;
use crate::ir::{Entries, Member, Operation, Service, Struct, Type};
use crate::naming::ident;

/// The builder calls that set every required parameter of `operation` from its example (or a
/// placeholder), for the code samples of the crate's documentation.
pub fn required_setters(operation: &Operation, service: &Service) -> Vec<TokenStream> {
    let examples = Examples::of(operation, service);
    operation
        .request
        .iter()
        .filter(|member| member.required)
        .filter_map(|member| examples.top_level(member).map(|(setter, _)| setter))
        .collect()
}

/// An expression `(&SERVICE, &OPERATION, request)` whose request is that of `operation` built
/// from `inputs`, its parameters by wire name as JSON (`{"RegionId": "cn-hangzhou", "Tag":
/// [{"Key": "k"}]}`), through the SDK's builders, as a caller would write it. An input whose
/// wire name several parameters share (CS `CreateTrigger`'s `cluster_id`, in the path and in
/// the body) is given to each. An input the operation does not have is an error naming it.
pub fn request_builder(
    service: &Service,
    operation: &Operation,
    inputs: &Map<String, Value>,
) -> Result<TokenStream, String> {
    let examples = Examples::of(operation, service);
    let mut setters = Vec::new();
    for (name, value) in inputs {
        let mut members = operation
            .request
            .iter()
            .filter(|member| &member.wire_name == name)
            .peekable();
        if members.peek().is_none() {
            return Err(format!(
                "{} has no request parameter `{name}`",
                operation.name
            ));
        }
        for member in members {
            examples.check_known(&member.ty, value, name)?;
            setters.push(examples.setter(member, value));
        }
    }
    let krate = ident(&service.crate_ident);
    let module = ident(&operation.names.module);
    let request = ident(&operation.names.request);
    Ok(quote! {
        (
            &#krate::SERVICE,
            &#krate::operation::#module::OPERATION,
            {
                use #krate::operation::#module::*;
                #request::builder() #(#setters)* .build().expect("every required parameter is given")
            },
        )
    })
}

pub(super) struct Examples<'a> {
    pub(super) operation: &'a Operation,
    pub(super) shared: &'a [Struct],
    /// The SDK crate, which the tests use from outside.
    pub(super) crate_ident: &'a str,
    /// Structs being filled in, outermost first: a struct that contains itself is filled
    /// in once, not forever.
    pub(super) filling: std::cell::RefCell<Vec<Type>>,
}

impl<'a> Examples<'a> {
    /// Examples of `operation`'s values, for tests of `service`'s SDK crate.
    pub(super) fn of(operation: &'a Operation, service: &'a Service) -> Self {
        Examples {
            operation,
            shared: &service.shared_structs,
            crate_ident: &service.crate_ident,
            filling: Default::default(),
        }
    }
}

impl Examples<'_> {
    /// The builder call(s) that set `member` from its example, and the example as JSON.
    /// Optional members without a usable example are left out.
    pub(super) fn top_level(&self, member: &Member) -> Option<(TokenStream, Value)> {
        let value = self.example_value(member)?;
        Some((self.setter(member, &value), value))
    }

    /// Whether every object of `value` (of type `ty`, at `path`) has only fields its struct
    /// has: the builders would leave an unknown one out.
    fn check_known(&self, ty: &Type, value: &Value, path: &str) -> Result<(), String> {
        match (ty, value) {
            (Type::Array(item), Value::Array(items)) => items.iter().try_for_each(|item_value| {
                self.check_known(item, item_value, &format!("{path}[]"))
            }),
            (Type::Map(values), Value::Object(entries)) => {
                entries.iter().try_for_each(|(key, entry)| {
                    self.check_known(values, entry, &format!("{path}.{key}"))
                })
            }
            (Type::Struct(_) | Type::Shared(_), Value::Object(entries)) => {
                let fields = self.struct_fields(ty).unwrap_or_default();
                entries.iter().try_for_each(|(key, entry)| {
                    let field = fields
                        .iter()
                        .find(|field| &field.wire_name == key)
                        .ok_or_else(|| format!("`{path}` has no field `{key}`"))?;
                    self.check_known(&field.ty, entry, &format!("{path}.{key}"))
                })
            }
            _ => Ok(()),
        }
    }

    /// The builder call(s) that set `member` to `value`: one per element of a list, one per
    /// entry of a map.
    pub(super) fn setter(&self, member: &Member, value: &Value) -> TokenStream {
        let method = ident(&member.names.field);
        match (&member.ty, value) {
            (Type::Array(item), Value::Array(items)) => {
                let calls = items.iter().map(|item_value| {
                    let item = self.expression(item, item_value);
                    quote!(.#method(#item))
                });
                quote!(#(#calls)*)
            }
            (Type::Map(values), Value::Object(entries)) => {
                let calls = entries.iter().map(|(key, entry)| {
                    let entry = self.expression(values, entry);
                    quote!(.#method(#key, #entry))
                });
                quote!(#(#calls)*)
            }
            (ty, value) => {
                let expression = self.expression(ty, value);
                quote!(.#method(#expression))
            }
        }
    }

    /// The member's example as the JSON value it encodes from, or a placeholder when a
    /// required member has none.
    pub(super) fn example_value(&self, member: &Member) -> Option<Value> {
        let parsed = member.docs.example.as_deref().and_then(|text| {
            match (&member.entries, serde_json::from_str::<Value>(text)) {
                // A map the wire carries as key-value objects, exemplified so.
                (Some(entries), Ok(Value::Array(items))) => entries_to_map(entries, &items),
                _ => parse_example(&member.ty, text),
            }
        });
        let value = match (&member.ty, parsed) {
            (_, Some(value)) => Some(value),
            (Type::Array(item), None) => {
                let item_member = Member {
                    ty: (**item).clone(),
                    docs: Default::default(),
                    ..member.clone()
                };
                self.element_value(&item_member)
                    .map(|item| Value::Array(vec![item]))
            }
            (Type::Struct(_) | Type::Shared(_), None) => self.struct_value(&member.ty),
            _ => None,
        };
        value.or_else(|| member.required.then(|| placeholder(&member.ty)))
    }

    fn element_value(&self, member: &Member) -> Option<Value> {
        match &member.ty {
            Type::Struct(_) | Type::Shared(_) => self.struct_value(&member.ty),
            _ => self.example_value(member),
        }
    }

    /// Whether the struct a value of type `ty` is writes its fields in the spec's order
    /// rather than their names' byte order (`ir::Struct::in_spec_order`).
    pub(super) fn struct_in_spec_order(&self, ty: &Type) -> bool {
        let (structs, name) = match ty {
            Type::Struct(name) => (&self.operation.structs[..], name),
            Type::Shared(name) => (self.shared, name),
            _ => return false,
        };
        structs
            .iter()
            .any(|item| &item.name == name && item.in_spec_order)
    }

    /// The struct a value of type `ty` is, and its fields. Inside a shared struct, the
    /// structs its fields hold are shared ones too, so their types say `Shared` from here on.
    pub(super) fn struct_fields(&self, ty: &Type) -> Option<Vec<Member>> {
        match ty {
            Type::Struct(name) => self
                .operation
                .structs
                .iter()
                .find(|item| &item.name == name)
                .map(|item| item.fields.clone()),
            Type::Shared(name) => self
                .shared
                .iter()
                .find(|item| &item.name == name)
                .map(|item| {
                    item.fields
                        .iter()
                        .map(|field| Member {
                            ty: in_shared_module(&field.ty),
                            ..field.clone()
                        })
                        .collect()
                }),
            _ => None,
        }
    }

    fn struct_value(&self, ty: &Type) -> Option<Value> {
        if self.filling.borrow().contains(ty) {
            return None;
        }
        self.filling.borrow_mut().push(ty.clone());
        let value = self.struct_fields_value(ty);
        self.filling.borrow_mut().pop();
        value
    }

    fn struct_fields_value(&self, ty: &Type) -> Option<Value> {
        let mut object = Map::new();
        for field in self.struct_fields(ty)? {
            let element = match &field.ty {
                Type::Array(element_type) => {
                    let element_member = Member {
                        ty: (**element_type).clone(),
                        ..field.clone()
                    };
                    self.element_value(&element_member)
                        .map(|value| match value {
                            Value::Array(values) => Value::Array(values),
                            single => Value::Array(vec![single]),
                        })
                }
                _ => self.example_value(&field),
            };
            if let Some(value) = element {
                object.insert(field.wire_name.clone(), value);
            }
        }
        (!object.is_empty()).then_some(Value::Object(object))
    }

    /// A Rust expression of type `ty` holding `value`.
    pub(super) fn expression(&self, ty: &Type, value: &Value) -> TokenStream {
        match (ty, value) {
            (Type::String, Value::String(text)) => quote!(#text),
            (Type::Enum(name), Value::String(text)) => {
                let name = ident(name);
                quote!(#name::from(#text))
            }
            (Type::SharedEnum(name), Value::String(text)) => {
                let krate = ident(self.crate_ident);
                let name = ident(name);
                quote!(#krate::types::#name::from(#text))
            }
            (Type::Binary, Value::String(text)) => quote!(#text.as_bytes()),
            (Type::Boolean, Value::Bool(flag)) => quote!(#flag),
            (Type::Int32, Value::Number(number)) => {
                let number = number.as_i64().unwrap_or_default() as i32;
                quote!(#number)
            }
            (Type::Int64, Value::Number(number)) => {
                let number = number.as_i64().unwrap_or_default();
                quote!(#number)
            }
            (Type::Float | Type::Double, Value::Number(number)) => {
                let number = number.as_f64().unwrap_or_default();
                quote!(#number)
            }
            // A list or a map nested in a value holds owned strings, and maps are `IndexMap`s.
            (Type::Array(item), Value::Array(items)) => {
                let items = items.iter().map(|value| self.owned_expression(item, value));
                quote!(vec![#(#items),*])
            }
            (Type::Map(values), Value::Object(entries)) => {
                let entries = entries.iter().map(|(key, value)| {
                    let value = self.owned_expression(values, value);
                    quote!((String::from(#key), #value))
                });
                quote!(::acs_runtime::IndexMap::from([#(#entries),*]))
            }
            (Type::Struct(_) | Type::Shared(_), Value::Object(fields)) => {
                self.struct_expression(ty, fields)
            }
            (_, value) => {
                let text = value.to_string();
                quote!(::serde_json::from_str::<::serde_json::Value>(#text).unwrap())
            }
        }
    }

    /// [`Self::expression`] of a value held inside a list or a map, where no conversion applies.
    fn owned_expression(&self, ty: &Type, value: &Value) -> TokenStream {
        match (ty, value) {
            (Type::String, Value::String(text)) => quote!(String::from(#text)),
            _ => self.expression(ty, value),
        }
    }

    fn struct_expression(&self, ty: &Type, fields: &Map<String, Value>) -> TokenStream {
        let type_path = match ty {
            Type::Shared(name) => {
                let krate = ident(self.crate_ident);
                let name = ident(name);
                quote!(#krate::types::#name)
            }
            other => rust_type(other),
        };
        let members = self.struct_fields(ty).unwrap_or_default();
        let setters = fields.iter().filter_map(|(wire, value)| {
            let field = members.iter().find(|field| &field.wire_name == wire)?;
            let method = ident(&field.names.field);
            Some(match (&field.ty, value) {
                (Type::Array(element), Value::Array(values)) => {
                    let calls = values.iter().map(|value| {
                        let value = self.expression(element, value);
                        quote!(.#method(#value))
                    });
                    quote!(#(#calls)*)
                }
                (Type::Map(values_type), Value::Object(entries)) => {
                    let calls = entries.iter().map(|(key, value)| {
                        let value = self.expression(values_type, value);
                        quote!(.#method(#key, #value))
                    });
                    quote!(#(#calls)*)
                }
                (ty, value) => {
                    let value = self.expression(ty, value);
                    quote!(.#method(#value))
                }
            })
        });
        quote!(#type_path::new() #(#setters)*)
    }
}

/// A member's value as the wire carries it: a map with `entries` as a list of key-value
/// objects in the map's order, anything else as it is.
pub(super) fn wire_form(member: &Member, value: Value) -> Value {
    match (&member.entries, value) {
        (Some(entries), Value::Object(map)) => Value::Array(
            map.into_iter()
                .map(|(key, value)| {
                    let mut entry = Map::new();
                    entry.insert(entries.key.clone(), Value::String(key));
                    entry.insert(entries.value.clone(), value);
                    Value::Object(entry)
                })
                .collect(),
        ),
        (_, value) => value,
    }
}

/// A list of key-value objects as the map it stands for, or `None` when an item is not such
/// an object with a text key.
fn entries_to_map(entries: &Entries, items: &[Value]) -> Option<Value> {
    let mut map = Map::new();
    for item in items {
        let key = item.get(&entries.key)?.as_str()?;
        let value = item.get(&entries.value).cloned().unwrap_or(Value::Null);
        map.insert(key.to_owned(), value);
    }
    Some(Value::Object(map))
}

/// `ty` as seen from outside the shared types module: its structs are shared ones.
pub(super) fn in_shared_module(ty: &Type) -> Type {
    match ty {
        Type::Struct(name) => Type::Shared(name.clone()),
        Type::Enum(name) => Type::SharedEnum(name.clone()),
        Type::Array(item) => Type::Array(Box::new(in_shared_module(item))),
        Type::Map(value) => Type::Map(Box::new(in_shared_module(value))),
        other => other.clone(),
    }
}

/// Reads an example written as text into the JSON value it stands for, or `None` when the
/// text does not fit the type (the reference's examples are prose at times).
fn parse_example(ty: &Type, text: &str) -> Option<Value> {
    match ty {
        Type::String | Type::Enum(_) | Type::SharedEnum(_) => Some(Value::String(text.to_string())),
        Type::Boolean => match text.trim() {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        Type::Int32 => text.trim().parse::<i32>().ok().map(Value::from),
        Type::Int64 => text.trim().parse::<i64>().ok().map(Value::from),
        Type::Float | Type::Double => text
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(Value::from),
        Type::Any => serde_json::from_str(text).ok(),
        Type::Array(item) => match serde_json::from_str::<Value>(text).ok()? {
            Value::Array(items) if items.iter().all(|value| fits(item, value)) => {
                Some(Value::Array(items))
            }
            _ => None,
        },
        Type::Map(values) => match serde_json::from_str::<Value>(text).ok()? {
            Value::Object(entries) if entries.values().all(|value| fits(values, value)) => {
                Some(Value::Object(entries))
            }
            _ => None,
        },
        Type::Binary => Some(Value::String(text.to_string())),
        Type::Struct(_) | Type::Shared(_) => None,
    }
}

fn fits(ty: &Type, value: &Value) -> bool {
    match (ty, value) {
        (Type::String | Type::Enum(_) | Type::SharedEnum(_), Value::String(_))
        | (Type::Boolean, Value::Bool(_))
        | (Type::Any, _) => true,
        (Type::Int32 | Type::Int64, Value::Number(number)) => number.is_i64(),
        (Type::Float | Type::Double, Value::Number(_)) => true,
        _ => false,
    }
}

fn placeholder(ty: &Type) -> Value {
    match ty {
        Type::String | Type::Binary | Type::Enum(_) | Type::SharedEnum(_) => {
            Value::String("example".into())
        }
        Type::Boolean => Value::Bool(true),
        Type::Int32 | Type::Int64 => Value::from(1),
        Type::Float | Type::Double => Value::from(1.5),
        Type::Any | Type::Map(_) | Type::Struct(_) | Type::Shared(_) => Value::Object(Map::new()),
        Type::Array(item) => Value::Array(vec![placeholder(item)]),
    }
}
