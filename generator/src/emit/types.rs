//! Rust types for spec types, and the structs of responses and nested objects.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc_attrs, first_sentence, member_doc, setter_doc};
use super::serde_impls::{deserialize_impl, serialize_impl};
use crate::ir::{Member, Struct, Type};
use crate::naming::ident;

/// The Rust type of a spec type where callers build values (requests): text is `String`.
pub fn rust_type(ty: &Type) -> TokenStream {
    type_with_text(ty, &quote!(String))
}

/// The Rust type of a spec type where only the decoder builds values (responses): text is
/// `acs_runtime::CompactString`, which keeps the short strings of a response (ids, times,
/// states) inline, with no allocation to decode or drop (ARCHITECTURE.md, "Response text").
/// Map keys stay `String`.
pub fn response_type(ty: &Type) -> TokenStream {
    type_with_text(ty, &quote!(::acs_runtime::CompactString))
}

/// The Rust type of a spec type, holding text as `text`. Prelude names are written bare (the
/// spec may not shadow them); everything else is a full path.
fn type_with_text(ty: &Type, text: &TokenStream) -> TokenStream {
    match ty {
        Type::String => text.clone(),
        Type::Boolean => quote!(bool),
        Type::Int32 => quote!(i32),
        Type::Int64 => quote!(i64),
        // JSON numbers are doubles; `f32` would round decimals such as 18.88 on the way in.
        Type::Float | Type::Double => quote!(f64),
        // A whole request body, streamed as it is read (a whole binary response is a
        // `StreamedResponse` or, in typed replies, a `Blob`).
        Type::Binary => quote!(::acs_runtime::ByteStream),
        Type::Any => quote!(::serde_json::Value),
        Type::Array(item) => {
            let item = type_with_text(item, text);
            quote!(Vec<#item>)
        }
        // Entries keep their order: the order the caller gives them in is the order they
        // are sent in, as the official SDKs send a map, and the service's is kept on decoding.
        Type::Map(value) => {
            let value = type_with_text(value, text);
            quote!(::acs_runtime::IndexMap<String, #value>)
        }
        Type::Struct(name) | Type::Enum(name) => {
            let name = ident(name);
            quote!(#name)
        }
        Type::Shared(name) | Type::SharedEnum(name) => {
            let name = ident(name);
            quote!(crate::types::#name)
        }
    }
}

/// The type a struct field holds inside its `Option`: boxed when the struct contains itself
/// through it; its text is `CompactString` when the struct is only ever decoded.
fn field_type(member: &Member, decoded_only: bool) -> TokenStream {
    let ty = if decoded_only {
        response_type(&member.ty)
    } else {
        rust_type(&member.ty)
    };
    if member.boxed { quote!(Box<#ty>) } else { ty }
}

/// The argument a setter takes for one value of `ty`, and the expression that converts it.
pub fn setter_argument(ty: &Type, name: &TokenStream) -> (TokenStream, TokenStream) {
    match ty {
        Type::String => (quote!(impl Into<String>), quote!(#name.into())),
        Type::Any => (quote!(impl Into<::serde_json::Value>), quote!(#name.into())),
        Type::Binary => (
            quote!(impl Into<::acs_runtime::ByteStream>),
            quote!(#name.into()),
        ),
        Type::Enum(_) | Type::SharedEnum(_) => {
            let ty = rust_type(ty);
            (quote!(impl Into<#ty>), quote!(#name.into()))
        }
        other => (rust_type(other), quote!(#name)),
    }
}

/// The chainable setter(s) for one field that set, append to or insert into it. Used by
/// request builders and nested request structs alike; `target` is where the value lives and
/// `owner` the type whose field documents it.
pub fn chain_setter(member: &Member, target: &TokenStream, owner: &str) -> TokenStream {
    let doc = doc_attrs(&setter_doc(member, owner));
    let method = ident(&member.names.field);
    let set = &member.names.set;
    match &member.ty {
        Type::Array(item) => {
            let (arg, value) = setter_argument(item, &quote!(input));
            let note = doc_attrs(&format!(
                "\nAppends one item; `{set}` replaces the whole list."
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
                "\nInserts one entry; `{set}` replaces the whole map."
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
                        .get_or_insert_with(::acs_runtime::IndexMap::new)
                        .insert(key.into(), #value);
                    self
                }
            }
        }
        other => {
            let (arg, mut value) = setter_argument(other, &quote!(input));
            if member.boxed {
                value = quote!(Box::new(#value));
            }
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
/// anything. Structs built by callers (the request side) serialise with their fields in the
/// byte order of their wire names, as the official SDKs write JSON (in the spec's order for a
/// service that sends XML, as its official SDK writes elements, and inside a map's values or
/// an array of arrays, as the official models declare those fields), and get chainable
/// setters; structs only read from responses get accessors borrowing their fields. Every
/// struct deserialises, tolerantly through `acs_runtime::de`: responses so, and requests read
/// from JSON keyed by wire names.
pub fn emit_struct(item: &Struct) -> TokenStream {
    let name = ident(&item.name);
    let doc = doc_attrs(
        &item
            .description
            .as_deref()
            .filter(|d| !d.is_empty())
            .map_or_else(|| item.name.clone(), super::markdown::rustdoc),
    );
    // A struct also used in requests keeps `String`: callers build it with setters taking
    // `impl Into<String>`.
    let decoded_only = item.side.response && !item.side.request;
    let fields = item.fields.iter().map(|field| {
        let doc = doc_attrs(&member_doc(field));
        let field_name = ident(&field.names.field);
        let ty = field_type(field, decoded_only);
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
    let serialize = if item.side.request && !item.in_spec_order {
        let mut sorted: Vec<&Member> = item.fields.iter().collect();
        sorted.sort_by(|a, b| a.wire_name.cmp(&b.wire_name));
        serialize_impl(&name, sorted, true)
    } else {
        serialize_impl(&name, item.fields.iter(), item.side.request)
    };
    let deserialize = deserialize_impl(&name, &item.fields);
    let accessors = decoded_only.then(|| reading_accessors(&name, &item.fields));
    let setters = item.side.request.then(|| {
        let setters = item.fields.iter().map(|field| {
            let field_name = ident(&field.names.field);
            chain_setter(field, &quote!(self.#field_name), "Self")
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
        #accessors
        #debug
    }
}

/// Accessors borrowing each field as a caller reads it: `Option<&str>` for text, `&[T]` for a
/// list (empty when absent), a copy of a number or flag, a reference to anything else; and
/// for a timestamp, the time it holds.
pub fn reading_accessors(name: &proc_macro2::Ident, fields: &[Member]) -> TokenStream {
    let accessors = fields.iter().map(|field| {
        let field_name = ident(&field.names.field);
        let wire = &field.wire_name;
        let (ty, read) = match &field.ty {
            Type::String => (quote!(Option<&str>), quote!(self.#field_name.as_deref())),
            Type::Boolean | Type::Int32 | Type::Int64 | Type::Float | Type::Double => {
                let ty = response_type(&field.ty);
                (quote!(Option<#ty>), quote!(self.#field_name))
            }
            Type::Array(item) => {
                let item = response_type(item);
                (
                    quote!(&[#item]),
                    quote!(self.#field_name.as_deref().unwrap_or_default()),
                )
            }
            other if field.boxed => {
                let ty = response_type(other);
                (quote!(Option<&#ty>), quote!(self.#field_name.as_deref()))
            }
            other => {
                let ty = response_type(other);
                (quote!(Option<&#ty>), quote!(self.#field_name.as_ref()))
            }
        };
        let doc = if matches!(field.ty, Type::Array(_)) {
            format!(" `{}`: empty when the service sent none.", wire.replace('`', ""))
        } else {
            format!(" `{}`, if the service sent it.", wire.replace('`', ""))
        };
        let as_time = field.names.as_time.as_ref().map(|as_time| {
            let as_time = ident(as_time);
            let doc = format!(
                " `{}` read as a time: `None` when absent, an error when it is not an RFC 3339 time.",
                wire.replace('`', "")
            );
            quote! {
                #[doc = #doc]
                pub fn #as_time(&self) -> Option<Result<::std::time::SystemTime, ::acs_runtime::TimestampError>> {
                    self.#field_name.as_deref().map(::acs_runtime::parse_timestamp)
                }
            }
        });
        quote! {
            #[doc = #doc]
            pub fn #field_name(&self) -> #ty {
                #read
            }
            #as_time
        }
    });
    quote! {
        impl #name {
            #(#accessors)*
        }
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
        let field_name = ident(&field.names.field);
        let label = crate::naming::unraw(&field.names.field);
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
    let set = ident(&member.names.set);
    let get = ident(&member.names.get);
    let ty = rust_type(&member.ty);
    let doc = doc_attrs(&format!(
        "Sets or clears `{}`. {}",
        member.wire_name,
        first_sentence(member.docs.description.as_deref().unwrap_or_default())
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
