//! Request parameters of RPC-style calls and the encoding styles of their values.
//!
//! Every parameter travels as one `key=value` pair of text. The API metadata gives each request
//! field a style:
//! - `simple`: scalars as text (`true`/`false` for booleans, decimal numbers);
//! - `json`: the value as compact JSON text, non-ASCII characters unescaped;
//! - `repeatList` and `flat`: the value flattened into several keys, `Name.1`, `Name.1.Field`,
//!   `Name.1.Field.1`, …, with arrays counting from 1, objects by key and nulls left out.
//!
//! Floating-point numbers are written as JSON writes them (`1.0`, `0.1`) in every style, so the
//! typed and the dynamic encoders agree; NaN and infinities, which JSON cannot express, are left
//! out like nulls.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

use serde::Serialize;
use serde_json::Value;

/// Request parameters: an ordered list of `(key, value)` pairs with unique keys.
#[derive(Clone, Default, PartialEq)]
pub struct Params {
    entries: Vec<(Cow<'static, str>, String)>,
}

/// Shows the keys only: any value may be a secret (a parameter the spec marks `sensitive`).
impl fmt::Debug for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set()
            .entries(self.entries.iter().map(|(key, _)| key))
            .finish()
    }
}

impl Params {
    /// No parameters.
    pub fn new() -> Self {
        Self::default()
    }

    /// No parameters, with room for `capacity` of them.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            entries: Vec::with_capacity(capacity),
        }
    }

    /// Sets `key` to `value`, keeping the key's position if it was already set, and returns the
    /// previous value.
    pub fn insert(
        &mut self,
        key: impl Into<Cow<'static, str>>,
        value: impl Into<String>,
    ) -> Option<String> {
        let key = key.into();
        let value = value.into();
        match self
            .entries
            .iter_mut()
            .find(|(existing, _)| *existing == key)
        {
            Some((_, existing)) => Some(std::mem::replace(existing, value)),
            None => {
                self.entries.push((key, value));
                None
            }
        }
    }

    /// The value of `key`, if set.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(existing, _)| existing == key)
            .map(|(_, value)| value.as_str())
    }

    /// Removes `key` and returns its value, if it was set.
    pub fn remove(&mut self, key: &str) -> Option<String> {
        let index = self
            .entries
            .iter()
            .position(|(existing, _)| existing == key)?;
        Some(self.entries.remove(index).1)
    }

    /// The parameters in the order they were first set.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + '_ {
        self.entries
            .iter()
            .map(|(key, value)| (key.as_ref(), value.as_str()))
    }

    /// How many parameters are set.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no parameter is set.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Sets a `simple`-style parameter from a scalar; `None` sets nothing.
    pub fn put<V: ParamValue + ?Sized>(&mut self, name: &'static str, value: &V) {
        if let Some(text) = value.to_param() {
            self.insert(name, text);
        }
    }

    /// Sets a `simple`-style parameter from a list of scalars: their texts joined by `,`, as
    /// the official SDKs send a list in the simple style. An empty list sets nothing.
    pub fn put_simple_list<V: ParamValue>(&mut self, name: &'static str, values: &[V]) {
        let texts: Vec<String> = values.iter().filter_map(ParamValue::to_param).collect();
        if !texts.is_empty() {
            self.insert(name, texts.join(","));
        }
    }

    /// Sets a `json`-style parameter to `value` as compact JSON text; a value that serialises
    /// to `null` (such as `None`) sets nothing.
    ///
    /// # Errors
    /// When `value` cannot be expressed as JSON (a map with non-scalar keys, or a `Serialize`
    /// implementation that fails).
    pub fn put_json<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), serde_json::Error> {
        let text = serde_json::to_string(value)?;
        if text != "null" {
            self.insert(name, text);
        }
        Ok(())
    }

    /// Sets the parameters of a `repeatList`-style field: `Name.1=…`, `Name.1.Field=…`,
    /// `Name.1.Field.1=…`; nulls set nothing. A scalar sets `Name` itself.
    ///
    /// # Errors
    /// When `value` has a map with non-scalar keys, or its `Serialize` implementation fails.
    pub fn put_repeat_list<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), serde_json::Error> {
        self.put_flattened(name, value)
    }

    /// Sets the parameters of a `flat`-style field: `Name.Key=…` for each key of an object,
    /// flattened like [`put_repeat_list`](Self::put_repeat_list) below that.
    ///
    /// # Errors
    /// When `value` has a map with non-scalar keys, or its `Serialize` implementation fails.
    pub fn put_flat<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), serde_json::Error> {
        self.put_flattened(name, value)
    }

    /// Both flattening styles are one rule, applied to the value as JSON: the typed value goes
    /// through `serde_json::Value`, so it flattens exactly as a dynamic one (the CLI's) does.
    fn put_flattened<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), serde_json::Error> {
        let value = serde_json::to_value(value)?;
        self.put_flattened_value(&mut String::from(name), &value);
        Ok(())
    }

    /// Sets a parameter from a dynamically typed value, in the given style: for `Simple`,
    /// strings are written as they are, numbers and booleans as text, arrays of scalars joined
    /// by `,`, and other arrays and objects as compact JSON; for `Prefixed`, each scalar entry
    /// of an object as its own parameter. Null sets nothing in every style.
    pub fn put_value(&mut self, name: &str, style: Style, value: &Value) {
        match (style, value) {
            (_, Value::Null) => {}
            (Style::Simple, Value::String(text)) => {
                self.insert(name.to_owned(), text.as_str());
            }
            (Style::Simple, Value::Array(items)) if items.iter().all(is_scalar) => {
                let texts: Vec<String> = items.iter().filter_map(scalar_value_text).collect();
                if !texts.is_empty() {
                    self.insert(name.to_owned(), texts.join(","));
                }
            }
            (Style::Simple | Style::Json, value) => {
                self.insert(name.to_owned(), value.to_string());
            }
            (Style::RepeatList | Style::Flat, value) => {
                let mut key = String::from(name);
                self.put_flattened_value(&mut key, value);
            }
            (Style::Prefixed, Value::Object(entries)) => {
                let prefix = name.strip_suffix('*').unwrap_or(name);
                for (key, value) in entries {
                    if let Some(text) = scalar_value_text(value) {
                        self.insert(format!("{prefix}{key}"), text);
                    }
                }
            }
            // Only a map has entries to name parameters after.
            (Style::Prefixed, _) => {}
        }
    }

    /// Sets one parameter per entry of `entries`, named `name` without its trailing `*`
    /// followed by the entry's key ([`Style::Prefixed`]).
    pub fn put_prefixed<'a, V: ParamValue + 'a>(
        &mut self,
        name: &'static str,
        entries: impl IntoIterator<Item = (&'a String, &'a V)>,
    ) {
        let prefix = name.strip_suffix('*').unwrap_or(name);
        for (key, value) in entries {
            if let Some(text) = value.to_param() {
                self.insert(format!("{prefix}{key}"), text);
            }
        }
    }

    fn put_flattened_value(&mut self, key: &mut String, value: &Value) {
        let parent_length = key.len();
        match value {
            Value::Null => {}
            Value::Bool(flag) => {
                self.insert(key.clone(), bool_text(*flag));
            }
            Value::Number(number) => {
                self.insert(key.clone(), number.to_string());
            }
            Value::String(text) => {
                self.insert(key.clone(), text.as_str());
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    write!(key, ".{}", index + 1).expect("writing to a String cannot fail");
                    self.put_flattened_value(key, item);
                    key.truncate(parent_length);
                }
            }
            Value::Object(fields) => {
                for (field, item) in fields {
                    key.push('.');
                    key.push_str(field);
                    self.put_flattened_value(key, item);
                    key.truncate(parent_length);
                }
            }
        }
    }
}

/// How a parameter's value is encoded; the `style` of a request field in the API metadata.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Style {
    /// Scalars as text (metadata style `simple`, or none).
    Simple,
    /// Compact JSON text (metadata style `json`).
    Json,
    /// Flattened into `Name.N…` keys (metadata style `repeatList`).
    RepeatList,
    /// Flattened into `Name.Key…` keys (metadata style `flat`).
    Flat,
    /// A map of text whose every entry is a parameter of its own, named the parameter's name
    /// without its trailing `*` followed by the key: OSS's user metadata, `x-oss-meta-*`,
    /// is `x-oss-meta-<key>: <value>` headers.
    Prefixed,
}

/// A scalar that can be a `simple`-style parameter.
pub trait ParamValue {
    /// The parameter's text, or `None` to leave the parameter out.
    fn to_param(&self) -> Option<String>;
}

impl ParamValue for str {
    fn to_param(&self) -> Option<String> {
        Some(self.to_owned())
    }
}

impl ParamValue for String {
    fn to_param(&self) -> Option<String> {
        Some(self.clone())
    }
}

impl ParamValue for bool {
    fn to_param(&self) -> Option<String> {
        Some(bool_text(*self).to_owned())
    }
}

impl ParamValue for i32 {
    fn to_param(&self) -> Option<String> {
        Some(self.to_string())
    }
}

impl ParamValue for i64 {
    fn to_param(&self) -> Option<String> {
        Some(self.to_string())
    }
}

impl ParamValue for f32 {
    fn to_param(&self) -> Option<String> {
        float_text(*self)
    }
}

impl ParamValue for f64 {
    fn to_param(&self) -> Option<String> {
        float_text(*self)
    }
}

impl<T: ParamValue> ParamValue for Option<T> {
    fn to_param(&self) -> Option<String> {
        self.as_ref().and_then(T::to_param)
    }
}

fn is_scalar(value: &Value) -> bool {
    matches!(value, Value::Bool(_) | Value::Number(_) | Value::String(_))
}

/// A scalar's parameter text, as [`ParamValue`] writes it; `None` for anything else.
fn scalar_value_text(value: &Value) -> Option<String> {
    match value {
        Value::Bool(flag) => Some(bool_text(*flag).to_owned()),
        Value::Number(number) => Some(number.to_string()),
        Value::String(text) => Some(text.clone()),
        _ => None,
    }
}

fn bool_text(flag: bool) -> &'static str {
    if flag { "true" } else { "false" }
}

/// JSON's text for a finite float; `None` for NaN and infinities.
fn float_text<F: Serialize + Into<f64> + Copy>(value: F) -> Option<String> {
    if value.into().is_finite() {
        serde_json::to_string(&value).ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Serialize;
    use serde_json::json;

    use super::*;

    fn pairs(params: &Params) -> Vec<(&str, &str)> {
        params.iter().collect()
    }

    #[test]
    fn insert_replaces_in_place_and_remove_keeps_order() {
        let mut params = Params::with_capacity(3);
        assert!(params.is_empty());
        assert_eq!(params.insert("B", "1"), None);
        assert_eq!(params.insert("A", String::from("2")), None);
        assert_eq!(params.insert(String::from("C"), "3"), None);
        assert_eq!(params.insert("B", "4"), Some("1".to_owned()));
        assert_eq!(pairs(&params), [("B", "4"), ("A", "2"), ("C", "3")]);
        assert_eq!(params.get("A"), Some("2"));
        assert_eq!(params.get("D"), None);
        assert_eq!(params.remove("A"), Some("2".to_owned()));
        assert_eq!(params.remove("A"), None);
        assert_eq!(pairs(&params), [("B", "4"), ("C", "3")]);
        assert_eq!(params.len(), 2);
    }

    #[test]
    fn simple_scalars_render_as_text() {
        let mut params = Params::new();
        params.put("Str", "a b");
        params.put("String", &String::from("s"));
        params.put("True", &true);
        params.put("False", &false);
        params.put("I32", &-7i32);
        params.put("I64", &9_007_199_254_740_993i64);
        params.put("F32", &0.1f32);
        params.put("F64", &1.0f64);
        params.put("Some", &Some(5i32));
        params.put("None", &None::<String>);
        params.put("NaN", &f64::NAN);
        params.put("Infinite", &f32::INFINITY);
        assert_eq!(
            pairs(&params),
            [
                ("Str", "a b"),
                ("String", "s"),
                ("True", "true"),
                ("False", "false"),
                ("I32", "-7"),
                ("I64", "9007199254740993"),
                ("F32", "0.1"),
                ("F64", "1.0"),
                ("Some", "5"),
            ]
        );
    }

    #[test]
    fn json_is_compact_with_unescaped_non_ascii_and_skips_null() {
        let mut params = Params::new();
        params.put_json("List", &["中文", "a\"b"]).unwrap();
        params
            .put_json("Map", &BTreeMap::from([("k", 1.5)]))
            .unwrap();
        params.put_json("Text", "plain").unwrap();
        params.put_json("Absent", &None::<Vec<String>>).unwrap();
        assert_eq!(
            pairs(&params),
            [
                ("List", r#"["中文","a\"b"]"#),
                ("Map", r#"{"k":1.5}"#),
                ("Text", r#""plain""#)
            ]
        );
    }

    #[derive(Serialize)]
    enum Shape {
        Dot,
        Circle(f64),
        Pair(i32, i32),
        Box { width: u8 },
    }

    #[derive(Serialize)]
    struct Item {
        #[serde(rename = "Name")]
        name: Option<String>,
        #[serde(rename = "Values")]
        values: Vec<Option<i64>>,
        #[serde(rename = "Enabled")]
        enabled: bool,
        #[serde(rename = "Nested")]
        nested: Option<BTreeMap<u16, Shape>>,
    }

    #[test]
    fn repeat_list_flattens_every_level_and_skips_nulls() {
        let items = vec![
            Item {
                name: Some("first".into()),
                values: vec![Some(1), None, Some(3)],
                enabled: true,
                nested: None,
            },
            Item {
                name: None,
                values: vec![],
                enabled: false,
                nested: Some(BTreeMap::from([
                    (1, Shape::Dot),
                    (2, Shape::Circle(2.5)),
                    (3, Shape::Pair(4, 5)),
                    (4, Shape::Box { width: 6 }),
                ])),
            },
        ];
        let mut params = Params::new();
        params.put_repeat_list("Item", &items).unwrap();
        params.put_repeat_list("Bytes", &Bytes(&[7, 8])).unwrap();
        assert_eq!(
            pairs(&params),
            [
                ("Item.1.Name", "first"),
                ("Item.1.Values.1", "1"),
                ("Item.1.Values.3", "3"),
                ("Item.1.Enabled", "true"),
                ("Item.2.Enabled", "false"),
                ("Item.2.Nested.1", "Dot"),
                ("Item.2.Nested.2.Circle", "2.5"),
                ("Item.2.Nested.3.Pair.1", "4"),
                ("Item.2.Nested.3.Pair.2", "5"),
                ("Item.2.Nested.4.Box.width", "6"),
                ("Bytes.1", "7"),
                ("Bytes.2", "8"),
            ]
        );
    }

    /// Serialises through `serialize_bytes`, as `serde_bytes` would.
    struct Bytes<'b>(&'b [u8]);

    impl Serialize for Bytes<'_> {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_bytes(self.0)
        }
    }

    #[test]
    fn flat_writes_object_keys_and_scalars_at_the_top() {
        let mut params = Params::new();
        params
            .put_flat("Tag", &json!({"b": {"c": [true, null, 2]}, "a": "x"}))
            .unwrap();
        params.put_flat("Scalar", &3u8).unwrap();
        params.put_flat("Nothing", &()).unwrap();
        assert_eq!(
            pairs(&params),
            [
                ("Tag.b.c.1", "true"),
                ("Tag.b.c.3", "2"),
                ("Tag.a", "x"),
                ("Scalar", "3")
            ]
        );
    }

    #[test]
    fn flattening_rejects_maps_with_compound_keys() {
        let mut params = Params::new();
        let map = BTreeMap::from([(vec![1], "x")]);
        let error = params.put_flat("Bad", &map).unwrap_err();
        assert!(
            error.to_string().contains("key must be a string"),
            "{error}"
        );
        assert!(params.is_empty());
    }

    #[test]
    fn dynamic_values_follow_their_style() {
        let value = json!({"k": [1, {"b": false}], "z": null, "f": 1.0});
        let mut params = Params::new();
        params.put_value("Simple", Style::Simple, &json!("raw \"text\""));
        params.put_value("SimpleNumber", Style::Simple, &json!(42));
        params.put_value("SimpleBool", Style::Simple, &json!(true));
        params.put_value("SimpleObject", Style::Simple, &value);
        params.put_value("Json", Style::Json, &json!("quoted"));
        params.put_value("Null", Style::Json, &Value::Null);
        params.put_value("Repeat", Style::RepeatList, &value);
        params.put_value("Flat", Style::Flat, &json!({"a": "b"}));
        assert_eq!(
            pairs(&params),
            [
                ("Simple", "raw \"text\""),
                ("SimpleNumber", "42"),
                ("SimpleBool", "true"),
                ("SimpleObject", r#"{"k":[1,{"b":false}],"z":null,"f":1.0}"#),
                ("Json", r#""quoted""#),
                ("Repeat.k.1", "1"),
                ("Repeat.k.2.b", "false"),
                ("Repeat.f", "1.0"),
                ("Flat.a", "b"),
            ]
        );
    }

    #[test]
    fn typed_and_dynamic_flattening_agree() {
        let value = json!([{"N": 1.5, "L": ["x", null, {"D": 0.1}]}, null, 7]);
        let mut typed = Params::new();
        typed.put_repeat_list("V", &value).unwrap();
        let mut dynamic = Params::new();
        dynamic.put_value("V", Style::RepeatList, &value);
        assert_eq!(typed, dynamic);
        assert_eq!(typed.len(), 4);
    }

    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct CustomData {
        #[serde(rename = "DBName")]
        db_name: String,
        ports: Vec<u16>,
        options: Options,
        hosts: Vec<Host>,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Options {
        read_only: bool,
        charset: Option<String>,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Host {
        name: String,
        tags: Vec<String>,
    }

    /// KMS UpdateSecret's `ExtendedConfig.CustomData`, as the official SDKs flatten it
    /// (`Utils.query`): an object inside an object by key, a list inside by `.N` from 1, at any
    /// depth, nulls left out; booleans `true`/`false` as the Go and Java SDKs write them
    /// (Python writes `True`). The typed value (the SDK's) and the dynamic one (the CLI's)
    /// give the same pairs.
    #[test]
    fn objects_and_lists_inside_objects_flatten_as_the_official_sdks_flatten_them() {
        let typed_value = CustomData {
            db_name: "app1".into(),
            ports: vec![3306, 3307],
            options: Options {
                read_only: true,
                charset: None,
            },
            hosts: vec![
                Host {
                    name: "h 1".into(),
                    tags: vec!["a".into()],
                },
                Host {
                    name: "h2".into(),
                    tags: vec![],
                },
            ],
        };
        let mut typed = Params::new();
        typed
            .put_flat("ExtendedConfig.CustomData", &typed_value)
            .unwrap();
        let mut dynamic = Params::new();
        dynamic.put_value(
            "ExtendedConfig.CustomData",
            Style::Flat,
            &json!({
                "DBName": "app1",
                "Ports": [3306, 3307],
                "Options": {"ReadOnly": true, "Charset": null},
                "Hosts": [{"Name": "h 1", "Tags": ["a"]}, {"Name": "h2", "Tags": []}],
            }),
        );
        let expected = [
            ("ExtendedConfig.CustomData.DBName", "app1"),
            ("ExtendedConfig.CustomData.Ports.1", "3306"),
            ("ExtendedConfig.CustomData.Ports.2", "3307"),
            ("ExtendedConfig.CustomData.Options.ReadOnly", "true"),
            ("ExtendedConfig.CustomData.Hosts.1.Name", "h 1"),
            ("ExtendedConfig.CustomData.Hosts.1.Tags.1", "a"),
            ("ExtendedConfig.CustomData.Hosts.2.Name", "h2"),
        ];
        assert_eq!(pairs(&typed), expected);
        assert_eq!(typed, dynamic);
    }

    #[test]
    fn debug_shows_keys_never_values() {
        let mut params = Params::new();
        params.insert("Name", "visible-name");
        params.insert("Value", "secret-value");
        assert_eq!(format!("{params:?}"), r#"{"Name", "Value"}"#);
    }

    #[test]
    fn each_entry_of_a_prefixed_map_is_a_parameter_of_its_own() {
        let mut typed = Params::new();
        let entries = [("owner".to_owned(), "Ann Lee".to_owned())];
        typed.put_prefixed(
            "x-oss-meta-*",
            entries.iter().map(|(key, value)| (key, value)),
        );
        let mut dynamic = Params::new();
        dynamic.put_value(
            "x-oss-meta-*",
            Style::Prefixed,
            &serde_json::json!({"owner": "Ann Lee"}),
        );
        for params in [typed, dynamic] {
            let pairs: Vec<(&str, &str)> = params.iter().collect();
            assert_eq!(pairs, [("x-oss-meta-owner", "Ann Lee")]);
        }
    }
}
