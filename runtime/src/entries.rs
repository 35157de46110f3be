//! Maps that the wire carries as lists of key-value objects (`[{"Key":"env","Value":"prod"}]`),
//! as some APIs write tags. Generated code holds them as an [`IndexMap`], the type of every
//! map, so that tags are one type everywhere and keep the order they were given or sent in.

use std::fmt;
use std::marker::PhantomData;

use indexmap::IndexMap;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};

use crate::de::FieldName;

/// Serialises a map as a list of objects, each with the entry's key under `key` and its value
/// under `value`, in the map's order.
pub struct Entries<'a, V> {
    map: &'a IndexMap<String, V>,
    key: &'static str,
    value: &'static str,
}

impl<'a, V> Entries<'a, V> {
    pub fn new(map: &'a IndexMap<String, V>, key: &'static str, value: &'static str) -> Self {
        Entries { map, key, value }
    }
}

impl<V: Serialize> Serialize for Entries<'_, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut list = serializer.serialize_seq(Some(self.map.len()))?;
        for (key, value) in self.map {
            list.serialize_element(&Entry {
                names: (self.key, self.value),
                key,
                value,
            })?;
        }
        list.end()
    }
}

struct Entry<'a, V> {
    names: (&'static str, &'static str),
    key: &'a str,
    value: &'a V,
}

impl<V: Serialize> Serialize for Entry<'_, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut object = serializer.serialize_map(Some(2))?;
        object.serialize_entry(self.names.0, self.key)?;
        object.serialize_entry(self.names.1, self.value)?;
        object.end()
    }
}

/// Reads an optional list of key-value objects into a map: `null` is `None`; an object
/// without the value field holds the default value (a tag with no value is `""`); other
/// fields are skipped. A key listed twice keeps its last value.
pub struct EntriesSeed<V> {
    key: &'static str,
    value: &'static str,
    values: PhantomData<fn() -> V>,
}

impl<V> EntriesSeed<V> {
    pub fn new(key: &'static str, value: &'static str) -> Self {
        EntriesSeed {
            key,
            value,
            values: PhantomData,
        }
    }
}

impl<'de, V: Deserialize<'de> + Default> DeserializeSeed<'de> for EntriesSeed<V> {
    type Value = Option<IndexMap<String, V>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de, V: Deserialize<'de> + Default> Visitor<'de> for EntriesSeed<V> {
    type Value = Option<IndexMap<String, V>>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "a list of objects with `{}` and `{}`",
            self.key, self.value
        )
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(List(self)).map(Some)
    }
}

struct List<V>(EntriesSeed<V>);

impl<'de, V: Deserialize<'de> + Default> Visitor<'de> for List<V> {
    type Value = IndexMap<String, V>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(formatter)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut list: A) -> Result<Self::Value, A::Error> {
        let mut map = IndexMap::with_capacity(list.size_hint().unwrap_or(0));
        let names = (self.0.key, self.0.value);
        while let Some((key, value)) = list.next_element_seed(EntrySeed::<V>(names, PhantomData))? {
            map.insert(key, value);
        }
        Ok(map)
    }
}

struct EntrySeed<V>((&'static str, &'static str), PhantomData<fn() -> V>);

impl<'de, V: Deserialize<'de> + Default> DeserializeSeed<'de> for EntrySeed<V> {
    type Value = (String, V);

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, V: Deserialize<'de> + Default> Visitor<'de> for EntrySeed<V> {
    type Value = (String, V);

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "an object with `{}`", self.0.0)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut object: A) -> Result<Self::Value, A::Error> {
        let (key_name, value_name) = self.0;
        let (mut key, mut value) = (None, None);
        while let Some(name) = object.next_key::<FieldName<'de>>()? {
            if name.as_str() == key_name {
                key = Some(object.next_value::<String>()?);
            } else if name.as_str() == value_name {
                value = object.next_value::<Option<V>>()?;
            } else {
                object.next_value::<de::IgnoredAny>()?;
            }
        }
        let key = key.ok_or_else(|| de::Error::missing_field(key_name))?;
        Ok((key, value.unwrap_or_default()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_map_goes_out_as_a_list_of_entries_in_its_order() {
        let tags = IndexMap::from([
            ("env".to_owned(), "prod".to_owned()),
            ("a team".to_owned(), "ops".to_owned()),
        ]);
        let text = serde_json::to_string(&Entries::new(&tags, "Key", "Value")).unwrap();
        assert_eq!(
            text,
            r#"[{"Key":"env","Value":"prod"},{"Key":"a team","Value":"ops"}]"#
        );
    }

    #[test]
    fn entries_come_back_as_a_map_tolerantly() {
        #[derive(Debug, Default)]
        struct Holder(Option<IndexMap<String, String>>);
        impl<'de> Deserialize<'de> for Holder {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                EntriesSeed::new("TagKey", "TagValue")
                    .deserialize(deserializer)
                    .map(Holder)
            }
        }
        let read = |json: &str| crate::de::from_slice::<Holder>(json.as_bytes()).map(|h| h.0);
        let tags = read(
            r#"[{"TagKey":"z","TagValue":"1"},{"TagKey":"a","TagValue":2,"Other":[]},{"TagKey":"k"}]"#,
        )
        .unwrap()
        .unwrap();
        let pairs: Vec<(&str, &str)> = tags.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(pairs, [("z", "1"), ("a", "2"), ("k", "")]);
        assert_eq!(read("null").unwrap(), None);
        assert!(
            read(r#"[{"TagValue":"v"}]"#).is_err(),
            "an entry needs its key"
        );
    }
}
