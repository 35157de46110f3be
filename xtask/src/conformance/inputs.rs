//! The inputs each action is called with, derived from the spec's types alone, so that the
//! same spec always gives the same inputs: every parameter set, strings that exercise encoding
//! (CJK, emoji, `+ ~ * % / & = ? #`, spaces), an enum's first value, numbers within the
//! documented bounds, `true`, two elements in every list, two entries in every map (one key
//! needing encoding), every field of every object, and a body of bytes where one is taken.
//!
//! Headers and host labels cannot carry everything: their strings are ASCII, and a host label
//! is a DNS label.

use acs_codegen::ir::{Docs, Location, Member, Operation, Service, Signature, Struct, Type};
use serde_json::{Map, Value, json};

/// What every string that may carry it ends with.
const TRICKY: &str = " a+b~c*d%e/f&g=h?i#j 中文 😀";
/// The same without what an HTTP header value cannot carry.
const TRICKY_ASCII: &str = " a+b~c*d%e/f&g=h?i#j";
/// The same without `/`, `?` and `#`, which the SLS and OSS gateways' clients write into a
/// path unencoded, where they end the segment, the path or the URL: the official request would
/// be another request, and every part of it after the path compared with nothing. hcs-mgw's
/// client interpolates the value as it is (`pathname = f'/address/{address_name}'`,
/// `alibabacloud_hcs_mgw20240626/client.py`), and the OSS gateway makes what follows a `?`
/// query parameters (`modify_request`, `path_and_queries`, `alibabacloud_gateway_oss/client.py`
/// 0.0.30): the official model cannot express a name holding them.
const TRICKY_SEGMENT: &str = " a+b~c*d%e&g=h 中文 😀";

/// Structs nest at most this deep: deeper levels add no new encoding rule, and a type that
/// contains itself would never end.
const MAX_DEPTH: usize = 6;

/// An action's inputs and where each travels, as the Python driver reads them.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionInputs {
    pub action: String,
    /// Parameters by wire name, JSON-typed, in the spec's order.
    pub inputs: Map<String, Value>,
    /// Wire name → `query`, `path`, `header`, `host`, `form`, `body-field` or `body`.
    pub locations: Map<String, Value>,
    /// The parameter that is a whole body of bytes, if any.
    pub binary_body: Option<String>,
    /// Maps the wire carries as lists of key-value objects: wire name → `[key, value]` field
    /// names (the official models hold such lists).
    pub entries: Map<String, Value>,
}

impl ActionInputs {
    pub fn to_json(&self) -> Value {
        json!({
            "action": self.action,
            "inputs": self.inputs,
            "locations": self.locations,
            "binary_body": self.binary_body,
            "entries": self.entries,
        })
    }
}

pub fn location_name(location: Location) -> &'static str {
    match location {
        Location::Query => "query",
        Location::Path => "path",
        Location::Header => "header",
        Location::Host => "host",
        Location::Form => "form",
        Location::BodyField => "body-field",
        Location::Body => "body",
    }
}

/// The inputs of every operation of `service`, in the IR's order (by action).
pub fn derive(service: &Service) -> Vec<ActionInputs> {
    service
        .operations
        .iter()
        .map(|operation| derive_operation(service, operation))
        .collect()
}

fn derive_operation(service: &Service, operation: &Operation) -> ActionInputs {
    let deriver = Deriver { service, operation };
    let mut inputs = Map::new();
    let mut locations = Map::new();
    let mut entries = Map::new();
    let mut binary_body = None;
    let raw_path_gateway = matches!(
        operation.auth.unwrap_or(service.auth),
        Signature::SlsLogHmacSha256 | Signature::OssGatewayHmacSha256
    );
    // A body field of a path parameter's name is the same input (below).
    let in_raw_path = |wire_name: &str| {
        raw_path_gateway
            && operation
                .request
                .iter()
                .any(|member| member.location == Location::Path && member.wire_name == wire_name)
    };
    for member in &operation.request {
        let text = match member.location {
            Location::Header => Text::Ascii,
            Location::Host => Text::HostLabel,
            _ if in_raw_path(&member.wire_name) => Text::PathSegment,
            _ => Text::Any,
        };
        let mut filling = Vec::new();
        let Some(value) = deriver.value(member, text, false, &mut filling) else {
            continue;
        };
        if member.location == Location::Body && member.ty == Type::Binary {
            binary_body = Some(member.wire_name.clone());
        }
        if let Some(pair) = &member.entries {
            entries.insert(member.wire_name.clone(), json!([pair.key, pair.value]));
        }
        // A wire name in the path and elsewhere too (CS `CreateTrigger`'s `cluster_id`, also a
        // body field) is one input, which the builders give to both: it is recorded where it
        // is not the path, as the official request model holds it there (the official method
        // takes the path's as an argument, found by its name).
        let shared_with_path =
            member.location == Location::Path && locations.contains_key(&member.wire_name);
        if !shared_with_path {
            inputs.insert(member.wire_name.clone(), value);
            locations.insert(
                member.wire_name.clone(),
                location_name(member.location).into(),
            );
        }
    }
    ActionInputs {
        action: operation.name.clone(),
        inputs,
        locations,
        binary_body,
        entries,
    }
}

/// What a string may hold where it travels.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Text {
    Any,
    Ascii,
    HostLabel,
    PathSegment,
}

struct Deriver<'a> {
    service: &'a Service,
    operation: &'a Operation,
}

impl Deriver<'_> {
    /// The value of `member`, or `None` for a struct with no field to fill (it contains
    /// only itself, or nests too deep). `shared`: the member is a field of a shared struct,
    /// whose struct and enum types name shared ones.
    fn value(
        &self,
        member: &Member,
        text: Text,
        shared: bool,
        filling: &mut Vec<String>,
    ) -> Option<Value> {
        self.of_type(
            &member.ty,
            &member.wire_name,
            &member.docs,
            text,
            shared,
            filling,
        )
    }

    fn of_type(
        &self,
        ty: &Type,
        label: &str,
        docs: &Docs,
        text: Text,
        shared: bool,
        filling: &mut Vec<String>,
    ) -> Option<Value> {
        Some(match ty {
            Type::String => match docs.enum_values.first() {
                Some(first) => Value::from(first.as_str()),
                None => Value::from(string(label, text)),
            },
            Type::Enum(name) if shared => Value::from(self.shared_enum_value(name)?),
            Type::Enum(name) => Value::from(self.enum_value(name)?),
            Type::SharedEnum(name) => Value::from(self.shared_enum_value(name)?),
            Type::Boolean => Value::Bool(true),
            Type::Int32 => Value::from(bounded(7.0, docs) as i64),
            Type::Int64 => Value::from(bounded(1_700_000_000_123.0, docs) as i64),
            Type::Float | Type::Double => Value::from(bounded(2.5, docs)),
            Type::Binary => Value::from(format!("{label} bytes 二进制 😀")),
            Type::Any => {
                json!({"key": format!("{label}{TRICKY}"), "number": 1, "list": [true, "x"]})
            }
            Type::Array(item) => {
                let items: Vec<Value> = (1..=2)
                    .filter_map(|index| {
                        let label = format!("{label}{index}");
                        self.of_type(item, &label, docs, text, shared, filling)
                    })
                    .collect();
                if items.is_empty() {
                    return None;
                }
                Value::Array(items)
            }
            Type::Map(values) => {
                let mut map = Map::new();
                for key in ["key1", "key 2/键"] {
                    let label = format!("{label}.{key}");
                    map.insert(
                        key.to_owned(),
                        self.of_type(values, &label, docs, text, shared, filling)?,
                    );
                }
                Value::Object(map)
            }
            Type::Struct(name) if shared => self.struct_value(name, true, text, filling)?,
            Type::Struct(name) => self.struct_value(name, false, text, filling)?,
            Type::Shared(name) => self.struct_value(name, true, text, filling)?,
        })
    }

    fn struct_value(
        &self,
        name: &str,
        shared: bool,
        text: Text,
        filling: &mut Vec<String>,
    ) -> Option<Value> {
        let key = format!("{shared}:{name}");
        if filling.contains(&key) || filling.len() >= MAX_DEPTH {
            return None;
        }
        let item: &Struct = if shared {
            self.service
                .shared_structs
                .iter()
                .find(|s| s.name == name)?
        } else {
            self.operation.structs.iter().find(|s| s.name == name)?
        };
        filling.push(key);
        let mut object = Map::new();
        for field in &item.fields {
            if let Some(value) = self.value(field, text, shared, filling) {
                object.insert(field.wire_name.clone(), value);
            }
        }
        filling.pop();
        (!object.is_empty()).then_some(Value::Object(object))
    }

    fn enum_value(&self, name: &str) -> Option<String> {
        let item = self.operation.enums.iter().find(|e| e.name == name)?;
        Some(item.variants.first()?.value.clone())
    }

    fn shared_enum_value(&self, name: &str) -> Option<String> {
        let item = self.service.shared_enums.iter().find(|e| e.name == name)?;
        Some(item.variants.first()?.value.clone())
    }
}

/// A string naming where it is (`label`), with what the location can carry of the tricky
/// characters.
fn string(label: &str, text: Text) -> String {
    match text {
        Text::Any => format!("{label}{TRICKY}"),
        Text::PathSegment => format!("{label}{TRICKY_SEGMENT}"),
        Text::Ascii => {
            let ascii: String = label.chars().filter(char::is_ascii).collect();
            format!("{ascii}{TRICKY_ASCII}")
        }
        Text::HostLabel => {
            let label: String = label
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_lowercase())
                .collect();
            format!("{label}-1")
        }
    }
}

/// `preferred`, moved into the documented bounds.
fn bounded(preferred: f64, docs: &Docs) -> f64 {
    let mut value = preferred;
    if let Some(maximum) = docs.maximum
        && value > maximum
    {
        value = maximum;
    }
    if let Some(minimum) = docs.minimum
        && value < minimum
    {
        value = minimum;
    }
    value
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    use super::*;

    /// A product with one operation of every kind of parameter, as spec text.
    fn service() -> Service {
        let files: BTreeMap<PathBuf, String> = [
            (
                "spec/demo/service.yaml",
                "product: Demo\napi_version: \"2020-01-01\"\nstyle: roa\nprotocol: https\n\
                 signature: ACS3-HMAC-SHA256\nendpoints:\n  rule: demo.{region}.aliyuncs.com\n",
            ),
            (
                "spec/demo/schemas.yaml",
                "- name: node\n  type: object\n  type_name: Node\n  fields:\n  - name: Name\n    \
                 type: string\n  - name: Child\n    ref: node\n",
            ),
            (
                "spec/demo/operations/Put.yaml",
                r#"name: Put
methods: [PUT]
path: /items/{ItemId}
request:
- name: ItemId
  in: path
  type: string
- name: x-acs-trace
  in: header
  type: string
- name: Mode
  in: query
  type: string
  enum: [fast, slow]
- name: Size
  in: query
  type: int32
  minimum: 10
  maximum: 100
- name: Ratio
  in: query
  type: double
  maximum: 1
- name: Tag
  in: query
  style: flat
  type: array
  items:
    type: object
    type_name: Tag
    fields:
    - name: Key
      type: string
    - name: Node
      ref: node
- name: Labels
  in: query
  style: json
  type: map
  values:
    type: boolean
- name: body
  in: body
  type: binary
"#,
            ),
            (
                "spec/demo/operations/Trigger.yaml",
                r#"name: Trigger
methods: [POST]
path: /items/{ItemId}/triggers
request:
- name: body
  in: body
  type: object
  type_name: Body
  fields:
  - name: ItemId
    type: string
  - name: Action
    type: string
- name: ItemId
  in: path
  type: string
"#,
            ),
        ]
        .into_iter()
        .map(|(path, text)| (PathBuf::from(path), text.to_owned()))
        .collect();
        acs_codegen::lower_from_texts("demo", &files).expect("the demo spec lowers")
    }

    #[test]
    fn every_parameter_gets_a_value_its_location_can_carry() {
        let service = service();
        let put = &derive(&service)[0];
        assert_eq!(put.action, "Put");
        let inputs = &put.inputs;
        assert_eq!(inputs["ItemId"], format!("ItemId{TRICKY}"));
        assert_eq!(inputs["x-acs-trace"], format!("x-acs-trace{TRICKY_ASCII}"));
        assert!(inputs["x-acs-trace"].as_str().unwrap().is_ascii());
        assert_eq!(inputs["Mode"], "fast", "an enum's first value");
        assert_eq!(inputs["Size"], 10, "7 moved up to the minimum");
        assert_eq!(inputs["Ratio"], 1.0, "2.5 moved down to the maximum");
        assert_eq!(inputs["Labels"], json!({"key1": true, "key 2/键": true}));
        assert_eq!(inputs["body"], "body bytes 二进制 😀");
        assert_eq!(put.binary_body.as_deref(), Some("body"));
        assert_eq!(put.locations["ItemId"], "path");
        assert_eq!(put.locations["x-acs-trace"], "header");
        assert_eq!(put.locations["body"], "body");
    }

    #[test]
    fn lists_hold_two_objects_and_a_type_that_contains_itself_stops() {
        let service = service();
        let tags = &derive(&service)[0].inputs["Tag"];
        let tags = tags.as_array().expect("a list");
        assert_eq!(tags.len(), 2);
        assert_eq!(tags[0]["Key"], format!("Key{TRICKY}"));
        // A Node holds a Child Node: it is filled once, without the child.
        assert_eq!(tags[1]["Node"], json!({"Name": format!("Name{TRICKY}")}));
    }

    #[test]
    fn a_wire_name_in_the_path_and_the_body_is_one_input_recorded_in_the_body() {
        let service = service();
        let trigger = derive(&service)
            .into_iter()
            .find(|inputs| inputs.action == "Trigger")
            .expect("the operation");
        assert_eq!(trigger.inputs["ItemId"], format!("ItemId{TRICKY}"));
        assert_eq!(trigger.locations["ItemId"], "body-field");
        let builder =
            acs_codegen::request_builder(&service, "Trigger", &trigger.inputs).expect("builds");
        // The builders give the one input to the path parameter and to the body field.
        assert_eq!(
            builder.matches(&format!("\"ItemId{TRICKY}\"")).count(),
            2,
            "{builder}"
        );
    }

    #[test]
    fn a_gateway_path_parameter_holds_no_slash_question_mark_or_hash() {
        for signature in ["SLS-LOG-HMAC-SHA256", "OSS-GATEWAY-OSS4-HMAC-SHA256"] {
            let service_yaml = format!(
                "product: Logs\napi_version: \"2020-12-30\"\nstyle: roa\nprotocol: https\n\
                 signature: {signature}\nendpoints:\n  rule: '{{region}}.log.aliyuncs.com'\n"
            );
            let files: BTreeMap<PathBuf, String> = [
                ("spec/logs/service.yaml", service_yaml),
                (
                    "spec/logs/operations/GetStore.yaml",
                    "name: GetStore\nmethods: [GET]\npath: /logstores/{logstore}\nrequest:\n\
                     - name: logstore\n  in: path\n  type: string\n- name: query\n  in: query\n  \
                     type: string\n"
                        .to_owned(),
                ),
            ]
            .into_iter()
            .map(|(path, text)| (PathBuf::from(path), text))
            .collect();
            let logs = acs_codegen::lower_from_texts("logs", &files).expect("the spec lowers");
            let inputs = &derive(&logs)[0].inputs;
            assert_eq!(
                inputs["logstore"],
                format!("logstore{TRICKY_SEGMENT}"),
                "{signature}"
            );
            assert_eq!(inputs["query"], format!("query{TRICKY}"), "only the path's");
        }
        assert!(!TRICKY_SEGMENT.contains(['/', '?', '#']));
        // Elsewhere a path parameter carries every tricky character.
        assert_eq!(
            derive(&service())[0].inputs["ItemId"],
            format!("ItemId{TRICKY}")
        );
    }

    #[test]
    fn host_labels_are_dns_labels() {
        assert_eq!(string("Account_Id", Text::HostLabel), "accountid-1");
    }

    #[test]
    fn derivation_is_deterministic() {
        assert_eq!(derive(&service()), derive(&service()));
    }
}
