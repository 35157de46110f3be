//! Serde mirror of Alibaba Cloud's OpenMeta `api-docs.json`, limited to the keys the importer
//! reads. Other keys are ignored so that metadata growing a key does not break an import, and
//! the documentation keys (descriptions, examples, constraints, types) are read leniently: a
//! value of an unexpected shape documents nothing and is dropped rather than failing the
//! import.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;

#[derive(Debug, Deserialize)]
pub(crate) struct Document {
    pub info: Info,
    #[serde(default)]
    pub endpoints: Vec<Endpoint>,
    #[serde(default)]
    pub apis: BTreeMap<String, Api>,
    #[serde(default)]
    pub components: Components,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Info {
    pub style: String,
    pub product: String,
    pub version: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Endpoint {
    pub region_id: String,
    pub endpoint: String,
}

/// Schemas shared by several APIs, which `$ref` names as `#/components/schemas/<name>`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Components {
    #[serde(default)]
    pub schemas: BTreeMap<String, Schema>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Api {
    #[serde(default, deserialize_with = "lenient")]
    pub summary: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub description: Option<String>,
    #[serde(default)]
    pub deprecated: bool,
    /// The path template of RESTful (ROA) APIs (`/clusters/{ClusterId}`); RPC APIs have none.
    pub path: Option<String>,
    #[serde(default)]
    pub methods: Vec<String>,
    #[serde(default)]
    pub system_tags: SystemTags,
    /// How a call may be authenticated: alternatives, each naming one scheme (`AK`,
    /// `Anonymous`, `BearerToken`, …) with its scopes.
    #[serde(default, deserialize_with = "lenient")]
    pub security: Option<Vec<BTreeMap<String, Value>>>,
    /// The media types of the response (`application/xml`).
    #[serde(default, deserialize_with = "lenient")]
    pub produces: Option<Vec<String>>,
    #[serde(default)]
    pub parameters: Vec<Parameter>,
    #[serde(default)]
    pub responses: BTreeMap<String, Response>,
    /// A JSON list, serialised into a string, of `{type, example}` samples (`json`, `xml`).
    pub response_demo: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SystemTags {
    /// RAM access level: `get`, `list`, `create`, `update`, `delete` or `none`.
    pub operation_type: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Parameter {
    pub name: String,
    #[serde(rename = "in")]
    pub location: String,
    pub style: Option<String>,
    #[serde(default)]
    pub schema: Schema,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Response {
    pub schema: Option<Schema>,
    /// Response fields carried by headers, by header name, in the metadata's order.
    #[serde(default)]
    pub headers: Option<Ordered<ResponseHeader>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ResponseHeader {
    #[serde(default)]
    pub schema: Schema,
}

/// One entry of the decoded `responseDemo` list.
#[derive(Debug, Deserialize)]
pub(crate) struct ResponseDemo {
    #[serde(rename = "type")]
    pub format: String,
    #[serde(default)]
    pub example: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Schema {
    #[serde(rename = "type", default, deserialize_with = "lenient")]
    pub ty: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub format: Option<String>,
    /// `#/components/schemas/<name>`: the schema is that shared one.
    #[serde(rename = "$ref", default, deserialize_with = "lenient")]
    pub reference: Option<String>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub description: Option<String>,
    pub example: Option<Value>,
    #[serde(default, deserialize_with = "lenient_flag")]
    pub required: bool,
    #[serde(rename = "enum", default, deserialize_with = "lenient")]
    pub enum_values: Option<Vec<Value>>,
    /// Display titles keyed by the allowed values; only the keys are imported.
    pub enum_value_titles: Option<Ordered<IgnoredAny>>,
    pub default: Option<Value>,
    /// A number, or (as OpenMeta usually writes it) a string holding one.
    pub minimum: Option<Value>,
    pub maximum: Option<Value>,
    pub max_items: Option<Value>,
    #[serde(default, deserialize_with = "lenient_flag")]
    pub deprecated: bool,
    // The structural keys are read directly, not through `serde_json::Value`, whose map would
    // sort the properties.
    pub properties: Option<Ordered<Schema>>,
    pub items: Option<Box<Schema>>,
    pub additional_properties: Option<AdditionalProperties>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum AdditionalProperties {
    Schema(Box<Schema>),
    /// `true` or `false`: says nothing about the values' shape, so it is recognised only.
    Flag(#[expect(dead_code, reason = "a flag carries no shape to import")] bool),
}

/// The value when it has the expected shape, else `None`: for keys that only document.
fn lenient<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    let value = Value::deserialize(deserializer)?;
    Ok(T::deserialize(value).ok())
}

/// Text, or a list of texts (a few descriptions are written as one) joined by blank lines.
fn lenient_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(deserializer)? {
        Value::String(text) => Some(text),
        Value::Array(items) => {
            let texts: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
            (!texts.is_empty()).then(|| texts.join("\n\n"))
        }
        _ => None,
    })
}

/// `true`, `false`, or the same as text; anything else is `false`.
fn lenient_flag<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    Ok(match Value::deserialize(deserializer)? {
        Value::Bool(flag) => flag,
        Value::String(text) => text.eq_ignore_ascii_case("true"),
        _ => false,
    })
}

/// A JSON object whose entries keep the metadata's order; serde_json's own map sorts them
/// unless a feature is on, and fields in documentation order read better than sorted ones.
#[derive(Debug)]
pub(crate) struct Ordered<V>(pub Vec<(String, V)>);

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Ordered<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OrderedVisitor<V>(PhantomData<V>);

        impl<'de, V: Deserialize<'de>> Visitor<'de> for OrderedVisitor<V> {
            type Value = Ordered<V>;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered<V>, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Ordered(entries))
            }
        }

        deserializer.deserialize_map(OrderedVisitor(PhantomData))
    }
}

/// Just enough of the document to know whose it is.
#[derive(Debug, Deserialize)]
pub(crate) struct Header {
    pub info: Info,
}

/// The header and the names of the APIs, without reading what each API says: what the
/// catalog records of a product-version.
#[derive(Debug, Deserialize)]
pub(crate) struct Outline {
    pub info: Info,
    #[serde(default)]
    pub apis: BTreeMap<String, IgnoredAny>,
}
