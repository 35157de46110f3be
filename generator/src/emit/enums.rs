//! Enums of string values: a variant per value the spec lists, and `Unknown` holding any other
//! value as given or sent, so that a value the service adds later still decodes and a value
//! the spec lacks can still be sent.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use crate::ir::Enum;
use crate::naming::ident;

pub fn emit_enum(item: &Enum) -> TokenStream {
    let name = ident(&item.name);
    let doc = doc_attrs(&format!(
        "{}\n\nBuilt from its text with `From<&str>` (`\"{}\".into()`); a value this SDK does not \
         list becomes `Unknown`, and is sent and shown as it is.",
        item.description
            .as_deref()
            .filter(|text| !text.is_empty())
            .map_or_else(|| item.name.clone(), super::markdown::rustdoc),
        item.variants
            .first()
            .map(|variant| variant.value.as_str())
            .unwrap_or_default(),
    ));
    let variants = item.variants.iter().map(|variant| {
        let doc = doc_attrs(&format!("`{}`", variant.value.replace('`', "")));
        let variant = ident(&variant.name);
        quote!(#doc #variant,)
    });
    let to_text = item.variants.iter().map(|variant| {
        let (value, variant) = (&variant.value, ident(&variant.name));
        quote!(Self::#variant => #value,)
    });
    let from_text = item.variants.iter().map(|variant| {
        let (value, variant) = (&variant.value, ident(&variant.name));
        quote!(#value => Self::#variant,)
    });
    let values = item.variants.iter().map(|variant| &variant.value);
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this SDK does not list, as given or sent.
            Unknown(String),
        }
        impl #name {
            /// The values this SDK lists, as the API writes them.
            pub const VALUES: &'static [&'static str] = &[#(#values),*];
            /// The value as the API writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_text)*
                    Self::Unknown(value) => value,
                }
            }
        }
        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_text)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }
        impl From<String> for #name {
            fn from(value: String) -> Self {
                Self::from(value.as_str())
            }
        }
        impl AsRef<str> for #name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::acs_runtime::params::ParamValue for #name {
            fn to_param(&self) -> Option<String> {
                Some(self.as_str().to_owned())
            }
        }
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <String as ::serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
    }
}
