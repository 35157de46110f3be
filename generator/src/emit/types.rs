//! Rust types for spec types, and the structs of responses and nested objects.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{doc_attrs, member_doc};
use super::serde_impls::{deserialize_impl, serialize_impl};
use crate::ir::{Member, Side, Struct, Type};
use crate::naming::{ident, unraw};

/// The Rust type of a spec type, with fully qualified paths so that spec names cannot
/// shadow them.
pub fn rust_type(ty: &Type) -> TokenStream {
    match ty {
        Type::String => quote!(String),
        Type::Boolean => quote!(bool),
        Type::Int32 => quote!(i32),
        Type::Int64 => quote!(i64),
        // JSON numbers are doubles; `f32` would round decimals such as 18.88 on the way in.
        Type::Float | Type::Double => quote!(f64),
        Type::Any => quote!(::serde_json::Value),
        Type::Array(item) => {
            let item = rust_type(item);
            quote!(Vec<#item>)
        }
        Type::Map(value) => {
            let value = rust_type(value);
            quote!(::std::collections::BTreeMap<String, #value>)
        }
        Type::Struct(name) => {
            let name = ident(name);
            quote!(#name)
        }
    }
}

/// The argument a setter takes for one value of `ty`, and the expression that converts it.
pub fn setter_argument(ty: &Type, name: &TokenStream) -> (TokenStream, TokenStream) {
    match ty {
        Type::String => (quote!(impl Into<String>), quote!(#name.into())),
        Type::Any => (quote!(impl Into<::serde_json::Value>), quote!(#name.into())),
        other => (rust_type(other), quote!(#name)),
    }
}

/// The chainable setter(s) for one field that set, append to or insert into it. Used by
/// request builders and nested request structs alike; `target` is where the value lives.
pub fn chain_setter(member: &Member, target: &TokenStream) -> TokenStream {
    let doc = doc_attrs(&member_doc(member));
    let method = ident(&member.field_name);
    match &member.ty {
        Type::Array(item) => {
            let (arg, value) = setter_argument(item, &quote!(input));
            let note = doc_attrs(&format!(
                "\nAppends one item; `set_{}` replaces the whole list.",
                unraw(&member.field_name)
            ));
            quote! {
                #doc
                #note
                pub fn #method(mut self, input: #arg) -> Self {
                    #target.get_or_insert_with(Vec::new).push(#value);
                    self
                }
            }
        }
        Type::Map(value_type) => {
            let (arg, value) = setter_argument(value_type, &quote!(value));
            let note = doc_attrs(&format!(
                "\nInserts one entry; `set_{}` replaces the whole map.",
                unraw(&member.field_name)
            ));
            quote! {
                #doc
                #note
                pub fn #method(
                    mut self,
                    key: impl Into<String>,
                    value: #arg,
                ) -> Self {
                    #target
                        .get_or_insert_with(::std::collections::BTreeMap::new)
                        .insert(key.into(), #value);
                    self
                }
            }
        }
        other => {
            let (arg, value) = setter_argument(other, &quote!(input));
            quote! {
                #doc
                pub fn #method(mut self, input: #arg) -> Self {
                    #target = Some(#value);
                    self
                }
            }
        }
    }
}

/// A struct of a response or a nested object. Every field is optional: the service may omit
/// anything. Request-side structs serialize for encoding and get chainable setters.
pub fn emit_struct(item: &Struct) -> TokenStream {
    let name = ident(&item.name);
    let doc = doc_attrs(
        item.description
            .as_deref()
            .filter(|d| !d.is_empty())
            .unwrap_or(&item.name),
    );
    let fields = item.fields.iter().map(|field| {
        let doc = doc_attrs(&member_doc(field));
        let field_name = ident(&field.field_name);
        let ty = rust_type(&field.ty);
        quote! {
            #doc
            pub #field_name: Option<#ty>,
        }
    });
    let derives = if item.has_sensitive_fields() {
        quote!(Clone, Default, PartialEq)
    } else {
        quote!(Clone, Debug, Default, PartialEq)
    };
    let serialize = serialize_impl(&name, &item.fields);
    let deserialize = (item.side == Side::Response).then(|| deserialize_impl(&name, &item.fields));
    let setters = (item.side == Side::Request).then(|| {
        let setters = item.fields.iter().map(|field| {
            let field_name = ident(&field.field_name);
            chain_setter(field, &quote!(self.#field_name))
        });
        quote! {
            impl #name {
                /// An empty value; fill it with the chainable setters.
                pub fn new() -> Self {
                    Self::default()
                }
                #(#setters)*
            }
        }
    });
    let debug = item
        .has_sensitive_fields()
        .then(|| redacting_debug(&name, &item.fields, false));
    quote! {
        #doc
        #[derive(#derives)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }
        #serialize
        #deserialize
        #setters
        #debug
    }
}

/// A `Debug` that prints `"** redacted **"` in place of sensitive fields. `required_known`
/// says whether required fields are plain values rather than options (request structs).
pub fn redacting_debug(
    name: &proc_macro2::Ident,
    fields: &[Member],
    required_known: bool,
) -> TokenStream {
    let label = name.to_string();
    let entries = fields.iter().map(|field| {
        let field_name = ident(&field.field_name);
        let label = unraw(&field.field_name);
        if field.sensitive {
            let shown = if field.required && required_known {
                quote!(&"** redacted **")
            } else {
                quote!(&self.#field_name.as_ref().map(|_| "** redacted **"))
            };
            quote!(.field(#label, #shown))
        } else {
            quote!(.field(#label, &self.#field_name))
        }
    });
    quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#label) #(#entries)* .finish()
            }
        }
    }
}

/// `set_x` and `get_x` accessors of a builder field held as an `Option`.
pub fn option_accessors(
    member: &Member,
    target: &TokenStream,
    target_ref: &TokenStream,
) -> TokenStream {
    let base = unraw(&member.field_name);
    let set = format_ident!("set_{}", base);
    let get = format_ident!("get_{}", base);
    let ty = rust_type(&member.ty);
    let doc = doc_attrs(&format!(
        "Sets or clears `{}`. {}",
        member.wire_name,
        first_sentence(member)
    ));
    quote! {
        #doc
        pub fn #set(mut self, input: Option<#ty>) -> Self {
            #target = input;
            self
        }
        #[doc = " The value set for this parameter, if any."]
        pub fn #get(&self) -> &Option<#ty> {
            &#target_ref
        }
    }
}

fn first_sentence(member: &Member) -> String {
    let description = member.docs.description.as_deref().unwrap_or_default();
    let line = description.lines().next().unwrap_or_default();
    match line.find(". ") {
        Some(end) => line[..=end].to_string(),
        None => line.to_string(),
    }
}
