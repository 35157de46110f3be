//! Generated tests, one pair per operation: the reference's sample response decodes with
//! nothing lost, and a request built from the spec's examples encodes to the parameters the
//! official encoding rules give. The expected parameters are computed here, independently of
//! the runtime's encoder, so the two implementations check each other.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::{Map, Value};

use super::types::rust_type;
use crate::ir::{Entries, Location, Member, Operation, Response, Service, Struct, Style, Type};
use crate::naming::ident;

pub fn emit_examples(service: &Service) -> TokenStream {
    let crate_ident = format_ident!("{}", service.crate_ident);
    let tests = service.operations.iter().map(|operation| {
        let response = response_test(operation, &service.shared_structs);
        let request = request_test(operation, service);
        let redaction = redaction_test(operation, service);
        quote!(#response #request #redaction)
    });
    quote! {
        //! Every operation's examples, checked: responses decode losslessly, requests encode
        //! as the official SDKs encode them.
        use #crate_ident::operation;

        /// The sample decodes with nothing lost, and so does every variation of it whose
        /// scalars keep their JSON kind: decode → encode → decode gives the same value.
        /// `described` is the part of the example the response describes, when the example
        /// holds more (the reference's samples show fields its schema lacks).
        fn check_response<T>(example: &str, described: Option<&str>)
        where
            T: ::serde::de::DeserializeOwned + ::serde::Serialize + ::std::cmp::PartialEq + ::std::fmt::Debug,
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
                    ::proptest::prop_assert_eq!(once, twice);
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
                (Some(expected), Some(::acs_runtime::Body::Binary(bytes) | ::acs_runtime::Body::Bare(bytes))) => {
                    assert_eq!(bytes.as_ref(), expected.as_bytes(), "binary body")
                }
                (expected, actual) => panic!("body: expected {expected:?}, encoded {actual:?}"),
            }
        }

        #(#tests)*
    }
}

/// The test that `Debug` of the operation's request, its builders and its response shows no
/// value the spec marks `sensitive`: each sensitive text parameter and response field is
/// given a marker, which must not appear. `None` for an operation without secrets.
fn redaction_test(operation: &Operation, service: &Service) -> Option<TokenStream> {
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

fn response_test(operation: &Operation, shared: &[Struct]) -> Option<TokenStream> {
    let example = operation.response_example.as_ref()?;
    let value: Value = serde_json::from_str(example).ok()?;
    let examples = Examples {
        operation,
        shared,
        crate_ident: "",
        filling: Default::default(),
    };
    // An example that does not have the response's shape at all tests nothing.
    let described = match &operation.response {
        Response::Fields(fields) => examples.described_fields(fields, &value)?,
        Response::Json(ty) => examples.described(ty, &value)?,
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

fn request_test(operation: &Operation, service: &Service) -> TokenStream {
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
        let value = wire_form(member, value);
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
        let value = examples.in_official_order(&member.ty, value);
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

/// An expression `(&SERVICE, &OPERATION, request)` whose request is that of `operation` built
/// from `inputs`, its parameters by wire name as JSON (`{"RegionId": "cn-hangzhou", "Tag":
/// [{"Key": "k"}]}`), through the SDK's builders, as a caller would write it. An input the
/// operation does not have is an error naming it.
pub fn request_builder(
    service: &Service,
    operation: &Operation,
    inputs: &Map<String, Value>,
) -> Result<TokenStream, String> {
    let examples = Examples::of(operation, service);
    let mut setters = Vec::new();
    for (name, value) in inputs {
        let member = operation
            .request
            .iter()
            .find(|member| &member.wire_name == name)
            .ok_or_else(|| format!("{} has no request parameter `{name}`", operation.name))?;
        examples.check_known(&member.ty, value, name)?;
        setters.push(examples.setter(member, value));
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

struct Examples<'a> {
    operation: &'a Operation,
    shared: &'a [Struct],
    /// The SDK crate, which the tests use from outside.
    crate_ident: &'a str,
    /// Structs being filled in, outermost first: a struct that contains itself is filled
    /// in once, not forever.
    filling: std::cell::RefCell<Vec<Type>>,
}

impl<'a> Examples<'a> {
    /// Examples of `operation`'s values, for tests of `service`'s SDK crate.
    fn of(operation: &'a Operation, service: &'a Service) -> Self {
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
    fn top_level(&self, member: &Member) -> Option<(TokenStream, Value)> {
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
    fn setter(&self, member: &Member, value: &Value) -> TokenStream {
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
    fn example_value(&self, member: &Member) -> Option<Value> {
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

    /// The struct a value of type `ty` is, and its fields. Inside a shared struct, the
    /// structs its fields hold are shared ones too, so their types say `Shared` from here on.
    fn struct_fields(&self, ty: &Type) -> Option<Vec<Member>> {
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

    /// `value` of type `ty` with the keys of its structs in the byte order of their wire
    /// names, as the official SDKs write them; maps and free-form JSON keep their order, the
    /// order the setters insert in.
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
            (Type::Struct(_) | Type::Shared(_), Value::Object(entries)) => {
                let fields = self.struct_fields(ty).unwrap_or_default();
                let mut sorted: Vec<(String, Value)> = entries
                    .into_iter()
                    .map(|(key, value)| {
                        let value = match fields.iter().find(|field| field.wire_name == key) {
                            Some(field) => {
                                wire_form(field, self.in_official_order(&field.ty, value))
                            }
                            None => value,
                        };
                        (key, value)
                    })
                    .collect();
                sorted.sort_by(|a, b| a.0.cmp(&b.0));
                Value::Object(sorted.into_iter().collect())
            }
            (_, value) => value,
        }
    }

    /// A Rust expression of type `ty` holding `value`.
    fn expression(&self, ty: &Type, value: &Value) -> TokenStream {
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
fn wire_form(member: &Member, value: Value) -> Value {
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

/// `value`, or the JSON a string holds as text.
fn json_in_text(value: &Value) -> Option<Value> {
    match value {
        Value::String(text) => serde_json::from_str(text).ok(),
        other => Some(other.clone()),
    }
}

/// `ty` as seen from outside the shared types module: its structs are shared ones.
fn in_shared_module(ty: &Type) -> Type {
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
