//! One module per operation: request, builders, response, nested structs, and the client
//! method. Everything here is declarative; sending lives in the runtime, told how by the
//! module's `OPERATION` static (`runtime_operation`).

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc_attrs, inner_doc_attrs, member_doc, setter_doc};
use super::runtime_operation::runtime_operation;
use super::types::{
    chain_setter, emit_struct, option_accessors, redacting_debug, response_type, rust_type,
};
use crate::ir::{
    FieldNames, Location, Member, Operation, PageStyle, Pagination, Response, Sides, Struct, Style,
    Type,
};
use crate::naming::ident;

pub fn emit_operation(operation: &Operation, shared: &[Struct]) -> TokenStream {
    let module_doc = inner_doc_attrs(&module_doc(operation));
    let operation_static = emit_operation_static(operation, shared);
    let client_method = emit_client_method(operation);
    let request = emit_request(operation);
    let builder = emit_request_builder(operation);
    let fluent = emit_fluent_builder(operation);
    let response = emit_response(operation);
    let structs = operation.structs.iter().map(emit_struct);
    let enums = operation.enums.iter().map(super::enums::emit_enum);
    quote! {
        #module_doc
        #operation_static
        #client_method
        #request
        #builder
        #fluent
        #response
        #(#structs)*
        #(#enums)*
    }
}

fn module_doc(operation: &Operation) -> String {
    let mut text = format!("`{}`", operation.name);
    if let Some(summary) = &operation.summary {
        text.push_str(": ");
        text.push_str(&super::markdown::rustdoc(summary));
    }
    text
}

fn emit_operation_static(operation: &Operation, shared: &[Struct]) -> TokenStream {
    let value = runtime_operation(operation, shared);
    quote! {
        /// How the runtime sends this operation: its action, method, path and response.
        pub static OPERATION: ::acs_runtime::Operation = #value;
    }
}

fn emit_client_method(operation: &Operation) -> TokenStream {
    let fluent = ident(&operation.names.fluent_builder);
    let method = ident(&operation.names.module);
    let mut text = operation.summary.as_deref().map_or_else(
        || format!("Calls `{}`.", operation.name),
        super::markdown::rustdoc,
    );
    if let Some(description) = operation.description.as_deref().filter(|d| !d.is_empty()) {
        text.push_str("\n\n");
        text.push_str(&super::markdown::rustdoc(description));
    }
    if let Some(ram) = &operation.ram {
        text.push_str(&format!(
            "\n\nRAM action `{}` (access level: {}).",
            ram.action, ram.access_level
        ));
    }
    if operation.pagination.is_some() {
        text.push_str("\n\nPaginated: `into_paginator()` streams every page.");
    }
    if operation.idempotency_token.is_some() {
        text.push_str(
            "\n\nIdempotent: a `ClientToken` left empty is filled with a fresh UUID, kept across retries.",
        );
    }
    let doc = doc_attrs(&text);
    let deprecated = operation.deprecated.then(|| quote!(#[deprecated]));
    quote! {
        impl crate::Client {
            #doc
            #deprecated
            pub fn #method(&self) -> #fluent {
                #fluent::new(self.clone())
            }
        }
    }
}

fn field_type(member: &Member) -> TokenStream {
    let ty = rust_type(&member.ty);
    if member.required {
        ty
    } else {
        quote!(Option<#ty>)
    }
}

fn emit_request(operation: &Operation) -> TokenStream {
    let request = ident(&operation.names.request);
    let builder = ident(&operation.names.request_builder);
    let response = ident(&operation.names.response);
    let doc = format!(
        "Parameters of `{}`. Build one with [`{}::builder`].",
        operation.name, operation.names.request
    );
    let doc_tokens = doc_attrs(&doc);
    let fields = operation.request.iter().map(|member| {
        let doc = doc_attrs(&member_doc(member));
        let name = ident(&member.names.field);
        let ty = field_type(member);
        quote!(#doc pub #name: #ty,)
    });
    let sensitive = operation.request.iter().any(|member| member.sensitive);
    let defaultable = operation.request.iter().all(|member| !member.required);
    let mut derives = vec![quote!(Clone), quote!(PartialEq)];
    if !sensitive {
        derives.push(quote!(Debug));
    }
    if defaultable {
        derives.push(quote!(Default));
    }
    let debug = sensitive.then(|| redacting_debug(&request, &operation.request, true));
    let encode = emit_encode(operation);
    let send_with = if matches!(operation.response, Response::Binary) {
        quote! {
            pub async fn send_with(self, client: &crate::Client) -> Result<::acs_runtime::Streamed<#response>, ::acs_runtime::Error> {
                client.runtime().send_streamed(&OPERATION, Ok(self), ::acs_runtime::CallOptions::default()).await
            }
        }
    } else {
        quote! {
            pub fn send_with(self, client: &crate::Client) -> ::acs_runtime::ResponseFuture<#response> {
                client.runtime().send(&OPERATION, Ok(self), ::acs_runtime::CallOptions::default())
            }
        }
    };
    quote! {
        #doc_tokens
        #[derive(#(#derives),*)]
        #[non_exhaustive]
        pub struct #request {
            #(#fields)*
        }
        impl #request {
            /// A builder for this request.
            pub fn builder() -> #builder {
                #builder::default()
            }
            /// Sends this request with `client`, as the client's method with the same
            /// parameters does.
            #send_with
        }
        #debug
        #encode
    }
}

fn emit_encode(operation: &Operation) -> TokenStream {
    let request = ident(&operation.names.request);
    // JSON body fields in the byte order of their names, as the official SDKs write them.
    let mut members: Vec<&Member> = operation.request.iter().collect();
    members.sort_by_key(|member| match member.location {
        Location::BodyField => (1, member.wire_name.as_str()),
        _ => (0, ""),
    });
    let mut statements: Vec<TokenStream> = members.into_iter().map(encode_statement).collect();
    if operation.request_also_as_json_body {
        // The whole request again as a JSON body, its fields in the byte order of their names.
        let mut copied: Vec<&Member> = operation.request.iter().collect();
        copied.sort_by_key(|member| member.wire_name.as_str());
        statements.extend(copied.into_iter().map(body_copy_statement));
    }
    let params = if operation.request.is_empty() {
        quote!(_params)
    } else {
        quote!(params)
    };
    quote! {
        impl ::acs_runtime::EncodeRequest for #request {
            fn encode(&self, #params: &mut ::acs_runtime::RequestParams) -> Result<(), ::serde_json::Error> {
                #(#statements)*
                Ok(())
            }
        }
    }
}

/// The statement that writes one request field again as a field of the JSON body, by its wire
/// name, as the official model's `to_map` holds it.
fn body_copy_statement(member: &Member) -> TokenStream {
    let name = ident(&member.names.field);
    let wire = &member.wire_name;
    if member.required {
        let value = super::serde_impls::wire_value(member, &quote!(&self.#name));
        quote!(params.put_body_field(#wire, #value)?;)
    } else {
        let value = super::serde_impls::wire_value(member, &quote!(value));
        quote! {
            if let Some(value) = &self.#name {
                params.put_body_field(#wire, #value)?;
            }
        }
    }
}

/// The statement that writes one request field where it travels.
fn encode_statement(member: &Member) -> TokenStream {
    let name = ident(&member.names.field);
    let wire = &member.wire_name;
    let value = if member.required {
        quote!(&self.#name)
    } else {
        quote!(value)
    };
    let value = super::serde_impls::wire_value(member, &value);
    let put = match member.location {
        Location::Body => match member.ty {
            Type::Binary => {
                let bare = member.bare_body;
                quote!(params.put_stream_body(#value, #bare);)
            }
            Type::String => quote!(params.put_text_body(#value);),
            _ => quote!(params.put_body(#value)?;),
        },
        Location::BodyField => quote!(params.put_body_field(#wire, #value)?;),
        _ => {
            let target = match member.location {
                Location::Path => quote!(params.path),
                Location::Host => quote!(params.host),
                Location::Header => quote!(params.headers),
                Location::Form => quote!(params.form),
                _ => quote!(params.query),
            };
            match (member.style, &member.ty) {
                // Scalars take `Option`s as they are: `None` sets nothing.
                (Style::Simple, ty) if ty.is_scalar() => {
                    return quote!(#target.put(#wire, &self.#name););
                }
                (Style::Simple, _) => quote!(#target.put_simple_list(#wire, #value);),
                (Style::Json, _) => quote!(#target.put_json(#wire, #value)?;),
                (Style::RepeatList, _) => quote!(#target.put_repeat_list(#wire, #value)?;),
                (Style::Flat, _) => quote!(#target.put_flat(#wire, #value)?;),
                (Style::Prefixed, _) => quote!(#target.put_prefixed(#wire, #value);),
            }
        }
    };
    if member.required {
        put
    } else {
        quote! {
            if let Some(value) = &self.#name {
                #put
            }
        }
    }
}

fn emit_request_builder(operation: &Operation) -> TokenStream {
    let request = ident(&operation.names.request);
    let builder = ident(&operation.names.request_builder);
    let fields = operation.request.iter().map(|member| {
        let name = ident(&member.names.field);
        let ty = rust_type(&member.ty);
        quote!(#name: Option<#ty>,)
    });
    let accessors = operation.request.iter().map(|member| {
        let name = ident(&member.names.field);
        let setter = chain_setter(member, &quote!(self.#name), &operation.names.request);
        let accessors = option_accessors(member, &quote!(self.#name), &quote!(self.#name));
        quote!(#setter #accessors)
    });
    let assignments = operation.request.iter().map(|member| {
        let name = ident(&member.names.field);
        if member.required {
            let wire = &member.wire_name;
            quote! {
                #name: self.#name.ok_or(::acs_runtime::BuildError::MissingParameter(#wire))?,
            }
        } else {
            quote!(#name: self.#name,)
        }
    });
    let sensitive = operation.request.iter().any(|member| member.sensitive);
    let derives = if sensitive {
        quote!(Clone, Default)
    } else {
        quote!(Clone, Debug, Default)
    };
    let debug = sensitive.then(|| redacting_debug(&builder, &operation.request, false));
    let deserialize = super::serde_impls::deserialize_impl(&builder, &operation.request);
    let doc = format!(
        "Builds a [`{}`]. Also read from JSON keyed by the parameters' wire names \
         (`acs_runtime::de::from_slice`), as requests kept in files are.",
        operation.names.request
    );
    let doc_tokens = doc_attrs(&doc);
    quote! {
        #doc_tokens
        #[derive(#derives)]
        pub struct #builder {
            #(#fields)*
        }
        #debug
        #deserialize
        impl #builder {
            #(#accessors)*
            /// The request, or an error naming the first required parameter left unset.
            pub fn build(self) -> Result<#request, ::acs_runtime::BuildError> {
                Ok(#request {
                    #(#assignments)*
                })
            }
        }
    }
}

fn emit_fluent_builder(operation: &Operation) -> TokenStream {
    let builder = ident(&operation.names.request_builder);
    let fluent = ident(&operation.names.fluent_builder);
    let response = ident(&operation.names.response);
    let delegates = operation
        .request
        .iter()
        .map(|member| fluent_delegates(member, &operation.names.request));
    let presign = operation.presignable.then(|| {
        quote! {
            /// A URL that makes this call without credentials until `expires_in` has passed,
            /// signed with the client's credentials (OSS4 in the query, as the official OSS
            /// SDK presigns); the request made with it must carry its `signed_headers`.
            pub async fn presign(
                self,
                expires_in: ::std::time::Duration,
            ) -> Result<::acs_runtime::PresignedRequest, ::acs_runtime::Error> {
                let request = self.inner.build()?;
                self.client.runtime().presign((&OPERATION).into(), &request, expires_in).await
            }
        }
    });
    let paginator = operation.pagination.as_ref().map(|pagination| {
        let doc = doc_attrs(&paginator_doc(pagination));
        quote! {
            #doc
            pub fn into_paginator(self) -> ::acs_runtime::Paginator<#response> {
                ::acs_runtime::Paginator::new(self.client.runtime().clone(), &OPERATION, self.inner.build(), self.options)
            }
        }
    });
    let send = if matches!(operation.response, Response::Binary) {
        quote! {
            /// Signs and sends the request, retrying transient failures, and returns the
            /// response once its head arrives: its header fields typed (`headers`), and its
            /// body (an object) to be read as it comes (`body`): as a stream of `Bytes`,
            /// `collect()`ed or written `into_file(path)`, held to the service's CRC-64 where
            /// it sends one.
            pub async fn send(self) -> Result<::acs_runtime::Streamed<#response>, ::acs_runtime::Error> {
                self.client.runtime().send_streamed(&OPERATION, self.inner.build(), self.options).await
            }
        }
    } else {
        quote! {
            /// Signs and sends the request, retrying transient failures, and decodes the
            /// response; a parameter error comes back without anything being sent.
            pub fn send(self) -> ::acs_runtime::ResponseFuture<#response> {
                self.client.runtime().send(&OPERATION, self.inner.build(), self.options)
            }
        }
    };
    let doc = format!(
        "Sets the parameters of `{}` and sends it; from [`Client::{}`](crate::Client::{}).",
        operation.name, operation.names.module, operation.names.module
    );
    let doc_tokens = doc_attrs(&doc);
    quote! {
        #doc_tokens
        #[derive(Clone, Debug)]
        pub struct #fluent {
            client: crate::Client,
            inner: #builder,
            options: ::acs_runtime::CallOptions,
        }
        impl #fluent {
            fn new(client: crate::Client) -> Self {
                Self { client, inner: Default::default(), options: Default::default() }
            }
            /// The parameters set so far.
            pub fn as_input(&self) -> &#builder {
                &self.inner
            }
            /// Overrides the client's settings for this call only: region, endpoint,
            /// credentials, timeouts, retries, extra headers
            /// (`.customize(|call| call.region("cn-shanghai").header("x-acs-x", "y"))`).
            pub fn customize(
                mut self,
                customize: impl FnOnce(::acs_runtime::CallOptions) -> ::acs_runtime::CallOptions,
            ) -> Self {
                self.options = customize(self.options);
                self
            }
            #send
            #paginator
            #presign
            #(#delegates)*
        }
    }
}

fn paginator_doc(pagination: &Pagination) -> String {
    let how = match &pagination.style {
        PageStyle::Token { input, output } => format!(
            "Streams every page: each page's `{}` is sent as `{}` to ask for the next,\n\
             until a page returns none.",
            output.wire_path.join("."),
            input.wire_name
        ),
        PageStyle::Number { input, total_count } => {
            let last = match (total_count, &pagination.page_size) {
                (Some(total), _) => format!(
                    "the pages hold `{}` items or one is empty",
                    total.wire_path.join(".")
                ),
                (None, Some(size)) => format!(
                    "a page holds fewer items than `{}` asks for, or none",
                    size.wire_name
                ),
                (None, None) => "a page is empty".to_owned(),
            };
            format!(
                "Streams every page: `{}` counts up from the page asked for (1 unless set),\n\
                 until {last}.",
                input.wire_name
            )
        }
    };
    format!(
        "{how}\nA page served again ends the stream with an error; so does a parameter error,\n\
         as its first item."
    )
}

/// The fluent builder's setters forward to the request builder's.
fn fluent_delegates(member: &Member, request: &str) -> TokenStream {
    let doc = doc_attrs(&setter_doc(member, request));
    let method = ident(&member.names.field);
    let set = ident(&member.names.set);
    let get = ident(&member.names.get);
    let ty = rust_type(&member.ty);
    let set_doc = format!(" Sets or clears `{}`.", member.wire_name);
    let setter = match &member.ty {
        Type::Map(value) => {
            let (arg, _) = super::types::setter_argument(value, &quote!(value));
            quote! {
                #doc
                pub fn #method(mut self, key: impl Into<String>, value: #arg) -> Self {
                    self.inner = self.inner.#method(key, value);
                    self
                }
            }
        }
        other => {
            let element = match other {
                Type::Array(item) => item,
                other => other,
            };
            let (arg, _) = super::types::setter_argument(element, &quote!(input));
            quote! {
                #doc
                pub fn #method(mut self, input: #arg) -> Self {
                    self.inner = self.inner.#method(input);
                    self
                }
            }
        }
    };
    quote! {
        #setter
        #[doc = #set_doc]
        pub fn #set(mut self, input: Option<#ty>) -> Self {
            self.inner = self.inner.#set(input);
            self
        }
        #[doc = " The value set for this parameter, if any."]
        pub fn #get(&self) -> &Option<#ty> {
            self.inner.#get()
        }
    }
}

fn emit_response(operation: &Operation) -> TokenStream {
    let response = ident(&operation.names.response);
    let description = if matches!(operation.response, Response::Binary) {
        format!(
            "What `{}` returns beside its body, which streams: the fields its headers carry.",
            operation.name
        )
    } else {
        format!("What `{}` returns.", operation.name)
    };
    let body_fields = match (&operation.response, &operation.whole_body_beside_headers) {
        (_, Some(whole)) => std::slice::from_ref(whole),
        (Response::Fields(fields), None) => fields.as_slice(),
        // The body streams beside the header fields (`acs_runtime::Streamed`).
        (Response::Empty | Response::Binary, None) => &[],
        (Response::Json(ty), None) => {
            let ty = response_type(ty);
            return whole_body_response(&response, &description, quote!(Option<#ty>));
        }
        (Response::Text, None) => {
            return whole_body_response(&response, &description, quote!(String));
        }
    };
    let item = Struct {
        name: operation.names.response.clone(),
        side: Sides {
            request: false,
            response: true,
        },
        description: Some(description),
        in_spec_order: false,
        fields: body_fields
            .iter()
            .chain(&operation.response_headers)
            .cloned()
            .collect(),
    };
    let definition = emit_struct(&item);
    let page = operation
        .pagination
        .as_ref()
        .map(|pagination| page_impl(&response, pagination));
    quote!(#definition #page)
}

/// How a page of the response says what follows it, and yields its items.
fn page_impl(response: &proc_macro2::Ident, pagination: &Pagination) -> TokenStream {
    let item_type = response_type(&pagination.items.ty);
    let progress = match &pagination.style {
        PageStyle::Token { output, .. } => {
            let token = reference(&output.path, quote!(as_ref));
            quote! {
                fn next_token(&self) -> Option<String> {
                    #token.map(ToString::to_string)
                }
            }
        }
        PageStyle::Number {
            total_count: Some(total),
            ..
        } => {
            let count = reference(&total.path, quote!(as_ref));
            let read = match total.ty {
                Type::String => quote!(count.trim().parse().ok()),
                _ => quote!(u64::try_from(*count).ok()),
            };
            quote! {
                fn total_count(&self) -> Option<u64> {
                    #count.and_then(|count| #read)
                }
            }
        }
        PageStyle::Number {
            total_count: None, ..
        } => quote!(),
    };
    let items = reference(&pagination.items.path, quote!(as_deref));
    let mut path = pagination
        .items
        .path
        .iter()
        .map(|names| ident(&names.field));
    let first = path.next();
    let rest = path.map(|name| quote!(.and_then(|value| value.#name)));
    quote! {
        impl ::acs_runtime::Page for #response {
            type Item = #item_type;
            #progress
            fn items(&self) -> &[#item_type] {
                #items.unwrap_or_default()
            }
            fn into_items(self) -> Vec<#item_type> {
                self.#first #(#rest)* .unwrap_or_default()
            }
        }
    }
}

/// `self.a.as_ref().and_then(|value| value.b.<last>())`: a reference to the field at `path`
/// of a response, if every field on the way is present.
fn reference(path: &[FieldNames], last: TokenStream) -> TokenStream {
    let steps = path.iter().enumerate().map(|(index, names)| {
        let field = ident(&names.field);
        let method = if index + 1 == path.len() {
            last.clone()
        } else {
            quote!(as_ref)
        };
        if index == 0 {
            quote!(self.#field.#method())
        } else {
            quote!(.and_then(|value| value.#field.#method()))
        }
    });
    quote!(#(#steps)*)
}

/// A response whose body is one value as a whole (JSON that is not an object with fields, or
/// text) and no header fields: a struct with that value as `body`. JSON may be `null`, so it
/// is an `Option`; text is read whole, never absent.
fn whole_body_response(
    response: &proc_macro2::Ident,
    description: &str,
    rust: TokenStream,
) -> TokenStream {
    let doc = doc_attrs(description);
    quote! {
        #doc
        #[derive(Clone, Debug, Default, PartialEq)]
        #[non_exhaustive]
        pub struct #response {
            /// The response body.
            pub body: #rust,
        }
        impl ::serde::Serialize for #response {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                ::serde::Serialize::serialize(&self.body, serializer)
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #response {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let body = <#rust as ::serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self { body })
            }
        }
    }
}
