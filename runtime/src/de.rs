//! Tolerant decoding of JSON responses.
//!
//! The live service does not always send what its metadata declares: numbers arrive as strings
//! and strings as numbers, booleans as `"true"`/`"false"`, absent values as `null`, and fields
//! appear that the metadata does not list. Generated response structs derive plain
//! `serde::Deserialize` with every field optional; [`from_slice`] decodes them through an adapter
//! around `serde_json`'s deserializer that accepts, at every depth (in nested structs, arrays and
//! map values alike):
//!
//! - for a string: a string, a number or a boolean, as its JSON text (a float as serde_json
//!   writes it, so `1.50` becomes `"1.5"`);
//! - for an integer or a float: a number or a string holding one (surrounding whitespace allowed);
//! - for a boolean: a boolean or the string `"true"` or `"false"` in any letter case;
//! - for a list, a map or a struct: one, or a string holding one as JSON text (UpdateParameter
//!   sends a parameter's tags as `"{\"k1\":\"v1\"}"`);
//! - for a list: also a single object or text that is not one, as a list of one (XML, read by
//!   [`from_value`], writes a list of one as one element, and so does JSON some services
//!   convert from XML);
//! - for `serde_json::Value` (or anything that asks for "any"): the value as sent;
//! - `null` for an absent optional value, and unknown fields, which are skipped.
//!
//! Enums, which generated responses do not use, are decoded by `serde_json` as they are.
//!
//! An empty string where a number or a boolean is expected is an error, including inside an
//! `Option`: the choice between `None` and `Some` is made before the inner type asks for a number,
//! so the adapter cannot turn `""` into `None` for numbers while keeping `Some("")` for strings.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize as _;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Unexpected,
    Visitor,
};

/// Decodes a JSON response body into `T`, tolerating the mismatches listed in the
/// [module documentation](self).
///
/// # Errors
/// When `bytes` is not JSON, or holds a value that does not fit `T` even with those tolerances
/// (a kept string that is not UTF-8 among them).
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, serde_json::Error> {
    // Read from bytes, serde_json checks each string and key for UTF-8 on its own: a sixth of
    // the decoding's CPU, itself a fifth of a call's client CPU (`perf`, BENCHMARKS.md). Text
    // checked once as a whole is read without those checks.
    // A body that is not UTF-8 is read from bytes as before: refused where a kept value has
    // the bad bytes, never with a replacement character the service did not send.
    match std::str::from_utf8(bytes) {
        Ok(text) => decode(serde_json::Deserializer::from_str(text)),
        Err(_) => decode(serde_json::Deserializer::from_slice(bytes)),
    }
}

fn decode<'de, R, T>(mut deserializer: serde_json::Deserializer<R>) -> Result<T, serde_json::Error>
where
    R: serde_json::de::Read<'de>,
    T: DeserializeOwned,
{
    let value = T::deserialize(Tolerant(&mut deserializer))?;
    deserializer.end()?;
    Ok(value)
}

/// Decodes `value` (an XML response read as JSON) into `T`, with the same tolerances.
///
/// # Errors
/// When `value` does not fit `T` even with those tolerances.
pub fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, serde_json::Error> {
    T::deserialize(Tolerant(value))
}

/// Wraps a deserializer so that scalars convert as documented and every nested value is wrapped
/// in turn.
struct Tolerant<D>(D);

macro_rules! tolerant_numbers {
    ($($method:ident),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
                self.0.deserialize_any(NumberFromText(visitor))
            }
        )*
    };
}

macro_rules! passed_through {
    ($($method:ident),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
                self.0.$method(visitor)
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Tolerant<D> {
    type Error = D::Error;

    tolerant_numbers!(
        deserialize_i8,
        deserialize_i16,
        deserialize_i32,
        deserialize_i64,
        deserialize_u8,
        deserialize_u16,
        deserialize_u32,
        deserialize_u64,
        deserialize_f32,
        deserialize_f64,
    );

    passed_through!(
        deserialize_any,
        deserialize_i128,
        deserialize_u128,
        deserialize_char,
        deserialize_bytes,
        deserialize_byte_buf,
        deserialize_unit,
        deserialize_identifier,
        deserialize_ignored_any,
    );

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_any(BoolFromText(visitor))
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_any(TextFromScalar(visitor))
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_any(TextFromScalar(visitor))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_option(Nested(visitor))
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_unit_struct(name, visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_newtype_struct(name, Nested(visitor))
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0
            .deserialize_any(StructureFromText(visitor, Structure::Seq))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple(len, Nested(visitor))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple_struct(name, len, Nested(visitor))
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0
            .deserialize_any(StructureFromText(visitor, Structure::Map))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0
            .deserialize_any(StructureFromText(visitor, Structure::Struct(name, fields)))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_enum(name, variants, visitor)
    }
}

/// Hands the visitor's nested values (option contents, elements, map values, newtype contents)
/// to [`Tolerant`] deserializers.
struct Nested<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for Nested<V> {
    type Value = V::Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(formatter)
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        self.0.visit_some(Tolerant(deserializer))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<V::Value, D::Error> {
        self.0.visit_newtype_struct(Tolerant(deserializer))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.0.visit_seq(Nested(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(Nested(map))
    }
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Nested<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Nested(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

/// Keys are passed through: field names and map keys are strings already.
impl<'de, A: MapAccess<'de>> MapAccess<'de> for Nested<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(seed)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.0.next_value_seed(Nested(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Nested<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(Tolerant(deserializer))
    }
}

/// What a [`StructureFromText`] visitor wants.
#[derive(Clone, Copy)]
enum Structure {
    Seq,
    Map,
    Struct(&'static str, &'static [&'static str]),
}

/// Wants a list, a map or a struct; takes a string holding one as JSON text.
struct StructureFromText<V>(V, Structure);

impl<V> StructureFromText<V> {
    fn parse_text<'de, E: de::Error>(self, text: &str) -> Result<V::Value, E>
    where
        V: Visitor<'de>,
    {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
            return Err(E::invalid_type(Unexpected::Str(text), &self.0));
        };
        let text_value = Tolerant(value);
        match self.1 {
            Structure::Seq => text_value.deserialize_seq(self.0),
            Structure::Map => text_value.deserialize_map(self.0),
            Structure::Struct(name, fields) => text_value.deserialize_struct(name, fields, self.0),
        }
        .map_err(E::custom)
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for StructureFromText<V> {
    type Value = V::Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(formatter)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.0.visit_seq(Nested(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        if let Structure::Seq = self.1 {
            let item = serde_json::Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
            return self.list_of_one(item);
        }
        self.0.visit_map(Nested(map))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<V::Value, E> {
        if let Structure::Seq = self.1
            && !text.trim_start().starts_with('[')
        {
            return self.list_of_one(serde_json::Value::String(text.to_owned()));
        }
        self.parse_text(text)
    }
}

impl<V> StructureFromText<V> {
    /// `[item]`, for a list that arrived as its one item.
    fn list_of_one<'de, E: de::Error>(self, item: serde_json::Value) -> Result<V::Value, E>
    where
        V: Visitor<'de>,
    {
        Tolerant(serde_json::Value::Array(vec![item]))
            .deserialize_seq(self.0)
            .map_err(E::custom)
    }
}

/// Wants text; takes numbers and booleans as their JSON text.
struct TextFromScalar<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for TextFromScalar<V> {
    type Value = V::Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(formatter)
    }

    fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<V::Value, E> {
        self.0.visit_borrowed_str(text)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<V::Value, E> {
        self.0.visit_str(text)
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<V::Value, E> {
        self.0.visit_string(text)
    }

    fn visit_bool<E: de::Error>(self, flag: bool) -> Result<V::Value, E> {
        self.0
            .visit_borrowed_str(if flag { "true" } else { "false" })
    }

    // Integers are formatted on the stack and handed over as `&str`: a `CompactString` keeps
    // them inline, where an owned `String` would stay its heap buffer.
    fn visit_i64<E: de::Error>(self, number: i64) -> Result<V::Value, E> {
        self.0.visit_str(itoa::Buffer::new().format(number))
    }

    fn visit_u64<E: de::Error>(self, number: u64) -> Result<V::Value, E> {
        self.0.visit_str(itoa::Buffer::new().format(number))
    }

    fn visit_f64<E: de::Error>(self, number: f64) -> Result<V::Value, E> {
        match serde_json::Number::from_f64(number) {
            Some(json_number) => self.0.visit_string(json_number.to_string()),
            None => Err(E::invalid_type(Unexpected::Float(number), &self)),
        }
    }
}

/// Wants a number; takes a string holding one.
struct NumberFromText<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for NumberFromText<V> {
    type Value = V::Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(formatter)
    }

    fn visit_i64<E: de::Error>(self, number: i64) -> Result<V::Value, E> {
        self.0.visit_i64(number)
    }

    fn visit_u64<E: de::Error>(self, number: u64) -> Result<V::Value, E> {
        self.0.visit_u64(number)
    }

    fn visit_f64<E: de::Error>(self, number: f64) -> Result<V::Value, E> {
        self.0.visit_f64(number)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<V::Value, E> {
        // Counts and sizes arrive as text in most responses (ten in each item of a listing):
        // text that starts and ends with a digit has no whitespace to trim, and skips
        // `trim`'s character-by-character walk from both ends.
        let bytes = text.as_bytes();
        let trimmed = if bytes.first().is_some_and(u8::is_ascii_digit)
            && bytes.last().is_some_and(u8::is_ascii_digit)
        {
            text
        } else {
            text.trim()
        };
        if let Ok(number) = trimmed.parse::<u64>() {
            self.0.visit_u64(number)
        } else if let Ok(number) = trimmed.parse::<i64>() {
            self.0.visit_i64(number)
        } else {
            match trimmed.parse::<f64>() {
                // Only what JSON could have carried as a number: no NaN or infinities.
                Ok(number) if number.is_finite() => self.0.visit_f64(number),
                _ => Err(E::invalid_value(Unexpected::Str(text), &self)),
            }
        }
    }
}

/// Wants a boolean; takes the strings `"true"` and `"false"` in any letter case.
struct BoolFromText<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for BoolFromText<V> {
    type Value = V::Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(formatter)
    }

    fn visit_bool<E: de::Error>(self, flag: bool) -> Result<V::Value, E> {
        self.0.visit_bool(flag)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<V::Value, E> {
        if text.eq_ignore_ascii_case("true") {
            self.0.visit_bool(true)
        } else if text.eq_ignore_ascii_case("false") {
            self.0.visit_bool(false)
        } else {
            Err(E::invalid_value(Unexpected::Str(text), &self))
        }
    }
}

/// An object key, borrowed from the input unless it had escapes: what generated
/// `Deserialize` implementations match field names against, without allocating.
#[derive(Debug)]
pub struct FieldName<'de>(Cow<'de, str>);

impl FieldName<'_> {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> de::Deserialize<'de> for FieldName<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldNameVisitor;

        impl<'de> Visitor<'de> for FieldNameVisitor {
            type Value = FieldName<'de>;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a field name")
            }

            fn visit_borrowed_str<E: de::Error>(self, name: &'de str) -> Result<Self::Value, E> {
                Ok(FieldName(Cow::Borrowed(name)))
            }

            fn visit_str<E: de::Error>(self, name: &str) -> Result<Self::Value, E> {
                Ok(FieldName(Cow::Owned(name.to_owned())))
            }
        }

        deserializer.deserialize_str(FieldNameVisitor)
    }
}
