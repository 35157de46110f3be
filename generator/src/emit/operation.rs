//! One module per operation: request, builders, response, nested structs, and the client
//! method. Everything here is declarative; sending lives in the runtime.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{doc_attrs, inner_doc_attrs, member_doc};
use super::types::{chain_setter, emit_struct, option_accessors, redacting_debug, rust_type};
use crate::ir::{Location, Member, Operation, Style, Type};
use crate::naming::{ident, unraw};

pub fn emit_operation(operation: &Operation) -> TokenStream {
    let module_doc = inner_doc_attrs(&module_doc(operation));
    let operation_static = emit_operation_static(operation);
    let client_method = emit_client_method(operation);
    let request = emit_request(operation);
    let builder = emit_request_builder(operation);
    let fluent = emit_fluent_builder(operation);
    let response = emit_response(operation);
    let structs = operation.structs.iter().map(emit_struct);
    quote! {
        #module_doc
        #operation_static
        #client_method
        #request
        #builder
        #fluent
        #response
        #(#structs)*
    }
}

fn module_doc(operation: &Operation) -> String {
    let mut text = format!("`{}`", operation.name);
    if let Some(summary) = &operation.summary {
        text.push_str(": ");
        text.push_str(summary);
    }
    text
}

fn types(
    operation: &Operation,
) -> (
    proc_macro2::Ident,
    proc_macro2::Ident,
    proc_macro2::Ident,
    proc_macro2::Ident,
) {
    (
        format_ident!("{}Request", operation.name),
        format_ident!("{}RequestBuilder", operation.name),
        format_ident!("{}FluentBuilder", operation.name),
        format_ident!("{}Response", operation.name),
    )
}

fn emit_operation_static(operation: &Operation) -> TokenStream {
    let value = runtime_operation(operation);
    quote! {
        pub(crate) static OPERATION: ::acs_runtime::Operation = #value;
    }
}

/// The `acs_runtime::Operation` the SDK and the CLI send `operation` with.
pub fn runtime_operation(operation: &Operation) -> TokenStream {
    let action = &operation.name;
    let method = match operation.methods.first().map(String::as_str) {
        Some("GET") => quote!(::acs_runtime::Method::Get),
        _ => quote!(::acs_runtime::Method::Post),
    };
    let mut value = quote!(::acs_runtime::Operation::new(#action, #method));
    if let Some(token) = &operation.idempotency_token {
        value = quote!(#value.with_idempotency_token(#token, ::acs_runtime::Location::Query));
    }
    if let Some(pagination) = &operation.pagination {
        let token = &pagination.input_token_wire;
        value = quote!(#value.with_pagination_token(#token, ::acs_runtime::Location::Query));
    }
    if operation.read_only {
        value = quote!(#value.read_only());
    }
    if operation.response_has_secrets() {
        value = quote!(#value.with_secret_response());
    }
    value
}

fn emit_client_method(operation: &Operation) -> TokenStream {
    let (_, _, fluent, _) = types(operation);
    let method = ident(&operation.snake_name);
    let mut text = operation
        .summary
        .clone()
        .unwrap_or_else(|| format!("Calls `{}`.", operation.name));
    if let Some(description) = operation.description.as_deref().filter(|d| !d.is_empty()) {
        text.push_str("\n\n");
        text.push_str(description);
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
    let (request, builder, _, _) = types(operation);
    let doc = format!(
        "Parameters of `{}`. Build one with [`{request}::builder`].",
        operation.name
    );
    let doc_tokens = doc_attrs(&doc);
    let fields = operation.request.iter().map(|member| {
        let doc = doc_attrs(&member_doc(member));
        let name = ident(&member.field_name);
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
        }
        #debug
        #encode
    }
}

fn emit_encode(operation: &Operation) -> TokenStream {
    let (request, _, _, _) = types(operation);
    let statements = operation.request.iter().map(|member| {
        let name = ident(&member.field_name);
        let wire = &member.wire_name;
        let target = match member.location {
            Location::Query => quote!(params.query),
            Location::Body => quote!(params.form),
        };
        let put = match member.style {
            Style::Simple => return quote!(#target.put(#wire, &self.#name);),
            Style::Json => quote!(put_json),
            Style::RepeatList => quote!(put_repeat_list),
            Style::Flat => quote!(put_flat),
        };
        if member.required {
            quote!(#target.#put(#wire, &self.#name)?;)
        } else {
            quote! {
                if let Some(value) = &self.#name {
                    #target.#put(#wire, value)?;
                }
            }
        }
    });
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

fn emit_request_builder(operation: &Operation) -> TokenStream {
    let (request, builder, _, _) = types(operation);
    let fields = operation.request.iter().map(|member| {
        let name = ident(&member.field_name);
        let ty = rust_type(&member.ty);
        quote!(#name: Option<#ty>,)
    });
    let accessors = operation.request.iter().map(|member| {
        let name = ident(&member.field_name);
        let setter = chain_setter(member, &quote!(self.#name));
        let accessors = option_accessors(member, &quote!(self.#name), &quote!(self.#name));
        quote!(#setter #accessors)
    });
    let assignments = operation.request.iter().map(|member| {
        let name = ident(&member.field_name);
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
    let doc = format!("Builds a [`{request}`].");
    let doc_tokens = doc_attrs(&doc);
    quote! {
        #doc_tokens
        #[derive(#derives)]
        pub struct #builder {
            #(#fields)*
        }
        #debug
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
    let (_, builder, fluent, response) = types(operation);
    let delegates = operation.request.iter().map(fluent_delegates);
    let paginator = operation.pagination.as_ref().map(|_| {
        quote! {
            /// Streams every page, following `NextToken` until the service returns none.
            /// A parameter error surfaces as the stream's first item.
            pub fn into_paginator(self) -> ::acs_runtime::Paginator<#response> {
                ::acs_runtime::Paginator::new(self.client.runtime().clone(), &OPERATION, self.inner.build(), self.options)
            }
        }
    });
    let doc = format!(
        "Sets the parameters of `{}` and sends it; from [`Client::{}`](crate::Client::{}).",
        operation.name, operation.snake_name, operation.snake_name
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
            /// Overrides the client's timeouts or retries for this call only.
            pub fn options(mut self, options: ::acs_runtime::CallOptions) -> Self {
                self.options = options;
                self
            }
            /// Signs and sends the request, retrying transient failures, and decodes the
            /// response; a parameter error comes back without anything being sent.
            pub fn send(self) -> ::acs_runtime::ResponseFuture<#response> {
                self.client.runtime().send(&OPERATION, self.inner.build(), self.options)
            }
            #paginator
            #(#delegates)*
        }
    }
}

/// The fluent builder's setters forward to the request builder's.
fn fluent_delegates(member: &Member) -> TokenStream {
    let doc = doc_attrs(&member_doc(member));
    let method = ident(&member.field_name);
    let base = unraw(&member.field_name);
    let set = format_ident!("set_{}", base);
    let get = format_ident!("get_{}", base);
    let ty = rust_type(&member.ty);
    let set_doc = format!(" Sets or clears `{}`.", member.wire_name);
    let setter = match &member.ty {
        Type::Array(item) => {
            let (arg, _) = super::types::setter_argument(item, &quote!(input));
            quote! {
                #doc
                pub fn #method(mut self, input: #arg) -> Self {
                    self.inner = self.inner.#method(input);
                    self
                }
            }
        }
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
            let (arg, _) = super::types::setter_argument(other, &quote!(input));
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
    let (_, _, _, response) = types(operation);
    let item = crate::ir::Struct {
        name: response.to_string(),
        side: crate::ir::Side::Response,
        description: Some(format!("What `{}` returns.", operation.name)),
        fields: operation.response.clone(),
    };
    let definition = emit_struct(&item);
    let page = operation.pagination.as_ref().map(|pagination| {
        let item_type = rust_type(&pagination.item_type);
        let token = ident(&pagination.output_token);
        let mut path = pagination.items_path.iter().map(|name| ident(name));
        let first = path.next();
        let rest = path.map(|name| quote!(.and_then(|value| value.#name)));
        quote! {
            impl ::acs_runtime::Page for #response {
                type Item = #item_type;
                fn next_token(&self) -> Option<&str> {
                    self.#token.as_deref()
                }
                fn into_items(self) -> Vec<#item_type> {
                    self.#first #(#rest)* .unwrap_or_default()
                }
            }
        }
    });
    quote!(#definition #page)
}
