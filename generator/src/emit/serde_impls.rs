//! `Serialize` and `Deserialize` for generated structs, written out rather than derived: an
//! object of optional fields needs only a map loop, and serde's derive also emits a field
//! enum, a sequence visitor and per-field bookkeeping that cost compile time in a crate with
//! hundreds of structs. Semantics match the derive for such structs, with one difference:
//! a key sent twice keeps its last value instead of being an error.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::ir::Member;
use crate::naming::ident;

/// Writes every present field under its wire name, in the order given; absent fields are
/// left out.
pub fn serialize_impl<'a>(
    name: &Ident,
    fields: impl IntoIterator<Item = &'a Member>,
) -> TokenStream {
    let fields: Vec<&Member> = fields.into_iter().collect();
    let entries = fields.iter().map(|field| {
        let field_name = ident(&field.names.field);
        let wire = &field.wire_name;
        let value = wire_value(field, &quote!(value));
        quote! {
            if let Some(value) = &self.#field_name {
                ::serde::ser::SerializeMap::serialize_entry(&mut map, #wire, #value)?;
            }
        }
    });
    let map = if fields.is_empty() {
        quote!(map)
    } else {
        quote!(mut map)
    };
    quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let #map = serializer.serialize_map(None)?;
                #(#entries)*
                ::serde::ser::SerializeMap::end(map)
            }
        }
    }
}

/// What a field's value is written as: itself, or for a map the wire carries as a list of
/// key-value objects, that list (`value` is a reference to the value).
pub fn wire_value(field: &Member, value: &TokenStream) -> TokenStream {
    match &field.entries {
        Some(entries) => {
            let (key, value_name) = (&entries.key, &entries.value);
            quote!(&::acs_runtime::Entries::new(#value, #key, #value_name))
        }
        None => value.clone(),
    }
}

/// Reads an object, setting the fields whose wire names it knows and skipping the rest. Of two
/// request parameters with one wire name (in the path and in the body, say), the first is read.
pub fn deserialize_impl(name: &Ident, fields: &[Member]) -> TokenStream {
    let expecting = format!("a {name} object");
    let mut seen = std::collections::BTreeSet::new();
    let fields: Vec<&Member> = fields
        .iter()
        .filter(|field| seen.insert(field.wire_name.as_str()))
        .collect();
    let arms = fields.iter().map(|field| {
        let field_name = ident(&field.names.field);
        let wire = &field.wire_name;
        match &field.entries {
            Some(entries) => {
                let (key, value_name) = (&entries.key, &entries.value);
                quote! {
                    #wire => {
                        value.#field_name = map.next_value_seed(::acs_runtime::EntriesSeed::new(#key, #value_name))?;
                    }
                }
            }
            None => quote!(#wire => value.#field_name = map.next_value()?,),
        }
    });
    let (value, read_fields) = if fields.is_empty() {
        let skip = quote! {
            while map.next_key::<::serde::de::IgnoredAny>()?.is_some() {
                map.next_value::<::serde::de::IgnoredAny>()?;
            }
        };
        (quote!(value), skip)
    } else {
        let read = quote! {
            while let Some(key) = map.next_key::<::acs_runtime::de::FieldName<'de>>()? {
                match key.as_str() {
                    #(#arms)*
                    _ => {
                        map.next_value::<::serde::de::IgnoredAny>()?;
                    }
                }
            }
        };
        (quote!(mut value), read)
    };
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct ObjectVisitor;
                impl<'de> ::serde::de::Visitor<'de> for ObjectVisitor {
                    type Value = #name;
                    fn expecting(&self, formatter: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        formatter.write_str(#expecting)
                    }
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> Result<#name, A::Error> {
                        let #value = #name::default();
                        #read_fields
                        Ok(value)
                    }
                }
                deserializer.deserialize_map(ObjectVisitor)
            }
        }
    }
}
