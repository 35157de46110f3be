//! The `acs_runtime::Operation` value that tells the runtime how to send an operation and
//! read its response: method, path, body kind, response headers, paging, auth, and what the
//! official SDK adds to a request (`Content-Type`, `Content-MD5`). The SDK's operation module
//! holds it as a static, and the CLI crate's table of operations holds the same value, so both
//! send a call alike.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{
    ContentType, Location, Member, Operation, PageStyle, Pagination, Response, Struct, Type,
};
use crate::naming::ident;

/// The `acs_runtime::Operation` the SDK and the CLI send `operation` with.
pub fn runtime_operation(operation: &Operation, shared: &[Struct]) -> TokenStream {
    let action = &operation.name;
    let method = match operation.method.as_str() {
        "GET" => quote!(Get),
        "PUT" => quote!(Put),
        "DELETE" => quote!(Delete),
        "PATCH" => quote!(Patch),
        "HEAD" => quote!(Head),
        "OPTIONS" => quote!(Options),
        _ => quote!(Post),
    };
    let mut value = quote!(::acs_runtime::Operation::new(#action, ::acs_runtime::Method::#method));
    if operation.path != "/" {
        let path = &operation.path;
        value = quote!(#value.with_path(#path));
    }
    let body = match operation.response {
        Response::Fields(_) | Response::Json(_) if operation.xml_response => Some(quote!(Xml)),
        Response::Fields(_) | Response::Json(_) => None,
        Response::Text => Some(quote!(Text)),
        Response::Binary => Some(quote!(Binary)),
        Response::Empty => Some(quote!(Empty)),
    };
    if let Some(body) = body {
        value = quote!(#value.with_response_body(::acs_runtime::ResponseBody::#body));
    }
    if !operation.response_headers.is_empty() {
        let headers = operation
            .response_headers
            .iter()
            .map(runtime_response_header);
        value = quote!(#value.with_response_headers(&[#(#headers),*]));
    }
    if operation.whole_body_beside_headers.is_some() {
        value = quote!(#value.with_whole_body_beside_headers());
    }
    if let Some((token, location)) = &operation.idempotency_token
        && let Some(location) = runtime_location(*location)
    {
        value = quote!(#value.with_idempotency_token(#token, #location));
    }
    if let Some(paging) = operation.pagination.as_ref().and_then(runtime_paging) {
        value = quote!(#value.with_paging(#paging));
    }
    if operation.read_only {
        value = quote!(#value.read_only());
    }
    if operation.anonymous {
        value = quote!(#value.anonymous());
    }
    if let Some(auth) = operation.auth {
        let variant = ident(auth.variant());
        value = quote!(#value.with_auth(::acs_runtime::AuthScheme::#variant));
    }
    // Form fields or JSON body fields make a body the official SDKs send even when none is
    // set (their `body` map is empty, not absent); XML's official SDK sends none, nor does
    // SLS's gateway send an empty log group.
    let body_fields = if operation.request_also_as_json_body {
        value = quote!(#value.with_request_also_as_json_body());
        None
    } else if operation.xml_quotes_and_controls_escaped {
        Some(quote!(XmlQuotesAndControlsEscaped))
    } else if operation.xml_request {
        Some(quote!(Xml))
    } else if operation.log_group_request {
        Some(quote!(SlsLogGroup))
    } else if operation
        .request
        .iter()
        .any(|member| member.location == Location::Form)
    {
        Some(quote!(Form))
    } else if operation
        .request
        .iter()
        .any(|member| member.location == Location::BodyField)
    {
        Some(quote!(Json))
    } else {
        None
    };
    if let Some(kind) = body_fields {
        value = quote!(#value.with_body_fields(::acs_runtime::BodyFields::#kind));
    }
    let content_type = match &operation.content_type {
        ContentType::OfBody => None,
        ContentType::Fixed(media_type) => Some(quote!(Fixed(#media_type))),
        ContentType::Omitted => Some(quote!(Omitted)),
        ContentType::ByExtensionOf(parameter) => Some(quote!(ByExtensionOf(#parameter))),
    };
    if let Some(content_type) = content_type {
        value = quote!(#value.with_content_type(::acs_runtime::ContentType::#content_type));
    }
    if operation.content_md5 {
        value = quote!(#value.with_content_md5());
    }
    if !operation.query_defaults.is_empty() {
        let pairs = operation
            .query_defaults
            .iter()
            .map(|(name, default)| quote!((#name, #default)));
        value = quote!(#value.with_default_query(&[#(#pairs),*]));
    }
    if !operation.url_encoded_response.is_empty() {
        let fields = &operation.url_encoded_response;
        value = quote!(#value.with_url_encoded_response(&[#(#fields),*]));
    }
    if operation.response_has_secrets(shared) {
        value = quote!(#value.with_secret_response());
    }
    value
}

/// The `acs_runtime::ResponseHeader` a header field is read by.
fn runtime_response_header(member: &Member) -> TokenStream {
    let name = &member.wire_name;
    let kind = match &member.ty {
        Type::Boolean => quote!(Boolean),
        Type::Int32 | Type::Int64 => quote!(Integer),
        Type::Float | Type::Double => quote!(Float),
        Type::Map(_) => quote!(Prefixed),
        _ => quote!(Text),
    };
    quote!(::acs_runtime::ResponseHeader { name: #name, kind: ::acs_runtime::HeaderKind::#kind })
}

/// The `acs_runtime::Paging` the paginator follows.
fn runtime_paging(pagination: &Pagination) -> Option<TokenStream> {
    match &pagination.style {
        PageStyle::Token { input, .. } => {
            let parameter = &input.wire_name;
            let at = runtime_location(input.location)?;
            Some(quote!(::acs_runtime::Paging::Token { parameter: #parameter, at: #at }))
        }
        PageStyle::Number { input, .. } => {
            let parameter = &input.wire_name;
            let at = runtime_location(input.location)?;
            let page_size = match &pagination.page_size {
                Some(size) => {
                    let name = &size.wire_name;
                    let size_at = runtime_location(size.location)?;
                    quote!(Some((#name, #size_at)))
                }
                None => quote!(None),
            };
            Some(quote!(::acs_runtime::Paging::Number {
                parameter: #parameter,
                at: #at,
                page_size: #page_size,
            }))
        }
    }
}

/// Where the runtime finds a named parameter; a whole body is not one.
fn runtime_location(location: Location) -> Option<TokenStream> {
    (location != Location::Body).then(|| super::location_path(location))
}
