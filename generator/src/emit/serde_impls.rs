//! `Serialize` and `Deserialize` for generated structs, written out rather than derived: an
//! object of optional fields needs only a map loop, and serde's derive also emits a field
//! enum, a sequence visitor and per-field bookkeeping that cost compile time in a crate with
//! hundreds of structs. Semantics match the derive for such structs, with one difference:
//! a key sent twice keeps its last value instead of being an error.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::ir::{Member, Type};
use crate::naming::ident;

/// Writes every present field under its wire name, in the order given. Absent fields are left
/// out, but in a request struct (`python_models`) a list or map that holds structs, which the
/// official Python models write unset as `[]` or `{}` (`acs_runtime::unset`).
pub fn serialize_impl<'a>(
    name: &Ident,
    fields: impl IntoIterator<Item = &'a Member>,
    python_models: bool,
) -> TokenStream {
    let fields: Vec<&Member> = fields.into_iter().collect();
    let entries = fields.iter().map(|field| {
        let field_name = ident(&field.names.field);
        let wire = &field.wire_name;
        let value = wire_value(field, &quote!(value));
        let unset = python_models.then(|| unset_value(field)).flatten();
        match unset {
            Some(unset) => quote! {
                match &self.#field_name {
                    Some(value) => ::serde::ser::SerializeMap::serialize_entry(&mut map, #wire, #value)?,
                    None => ::serde::ser::SerializeMap::serialize_entry(&mut map, #wire, &#unset)?,
                }
            },
            None => quote! {
                if let Some(value) = &self.#field_name {
                    ::serde::ser::SerializeMap::serialize_entry(&mut map, #wire, #value)?;
                }
            },
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

/// What the official Python models write for a field left unset, where it is written at all.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Unset {
    /// `[]`.
    List,
    /// `{}`.
    Map,
}

/// What the official Python models write for `field` unset, if anything: `[]` for a list and
/// `{}` for a map whose items, at any depth, are structs (their models' `to_map` writes those
/// whatever their value; lists and maps of scalars, only when set). A map sent as a list of
/// key-value objects is left out unset, as the scalars it holds, and so is a field the official
/// model lacks.
pub fn written_unset(field: &Member) -> Option<Unset> {
    fn holds_structs(ty: &Type) -> bool {
        match ty {
            Type::Struct(_) | Type::Shared(_) => true,
            Type::Array(inner) | Type::Map(inner) => holds_structs(inner),
            _ => false,
        }
    }
    match &field.ty {
        _ if field.entries.is_some() || field.official_model_lacks => None,
        Type::Array(inner) if holds_structs(inner) => Some(Unset::List),
        Type::Map(inner) if holds_structs(inner) => Some(Unset::Map),
        _ => None,
    }
}

fn unset_value(field: &Member) -> Option<TokenStream> {
    written_unset(field).map(|unset| match unset {
        Unset::List => quote!(::acs_runtime::UnsetList),
        Unset::Map => quote!(::acs_runtime::UnsetMap),
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Docs, Location, Style};
    use crate::naming;

    fn member(name: &str, ty: Type) -> Member {
        Member {
            bare_body: false,
            wire_name: name.into(),
            names: naming::field_names([(name, false)]).remove(0),
            ty,
            required: false,
            location: Location::BodyField,
            style: Style::Simple,
            sensitive: false,
            boxed: false,
            entries: None,
            timestamp: false,
            official_model_lacks: false,
            docs: Docs::default(),
        }
    }

    fn list(ty: Type) -> Type {
        Type::Array(Box::new(ty))
    }

    fn map(ty: Type) -> Type {
        Type::Map(Box::new(ty))
    }

    /// The fields written unset, as `[]` (`UnsetList`) or `{}` (`UnsetMap`), by their names.
    fn fields_written_unset(fields: &[Member], python_models: bool) -> Vec<(String, &'static str)> {
        let code = serialize_impl(&ident("Config"), fields, python_models).to_string();
        fields
            .iter()
            .filter_map(|field| {
                let unset = |kind: &str| format!("None => :: serde :: ser :: SerializeMap :: serialize_entry (& mut map , {:?} , & :: acs_runtime :: {kind})", field.wire_name);
                ["UnsetList", "UnsetMap"]
                    .into_iter()
                    .find(|kind| code.contains(&unset(kind)))
                    .map(|kind| (field.wire_name.clone(), kind))
            })
            .collect()
    }

    #[test]
    fn lists_and_maps_of_structs_are_written_unset_as_the_python_models_write_them() {
        let structs = Type::Struct("Rule".into());
        let fields = [
            member("Rules", list(structs.clone())),
            member("Groups", list(list(Type::Shared("Group".into())))),
            member("Labels", map(structs.clone())),
            member("ByZone", map(list(structs.clone()))),
            member("Ids", list(Type::String)),
            member("Tags", map(Type::String)),
            member("Extra", list(Type::Any)),
            member("Inner", structs.clone()),
            member("Name", Type::String),
            Member {
                official_model_lacks: true,
                ..member("SmartClusters", list(structs))
            },
        ];
        assert_eq!(
            fields_written_unset(&fields, true),
            [
                ("Rules".to_owned(), "UnsetList"),
                ("Groups".to_owned(), "UnsetList"),
                ("Labels".to_owned(), "UnsetMap"),
                ("ByZone".to_owned(), "UnsetMap"),
            ]
        );
        assert_eq!(fields_written_unset(&fields, false), []);
    }
}
