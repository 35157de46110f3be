//! What one call sends before the client adds its own headers and signs it: the parameters by
//! location, the body they make, and what every attempt of a call has in common (the endpoint's
//! parts, the encoded path, host and body), prepared once.
//!
//! An operation's parameters travel in the path (placeholders of its path template), before
//! the host, in the query, in headers, or in the body. A body is one of: a form of fields
//! (`application/x-www-form-urlencoded`), a JSON document (`application/json; charset=utf-8`:
//! an object built from body fields, or one parameter's value as the whole body), text sent as
//! it is under the same JSON content type, or bytes (`application/octet-stream`, or no
//! content type for the metadata's `format: byte`); SLS `PutLogs`'s JSON fields go as a
//! compressed protobuf log group (`sls_log_group.rs`). This is what
//! Alibaba Cloud's official SDKs send for each.

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;
use http::HeaderValue;
use http::uri::{Authority, Scheme};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::auth::AuthScheme;
use crate::byte_stream::ByteStream;
use crate::config::Config;
use crate::content_type::ContentType;
use crate::endpoint::{self, Endpoint};
use crate::error::{BuildError, ConfigError, Error};
use crate::location::Location;
use crate::media_type;
use crate::operation::{BodyFields, CallSpec};
use crate::params::Params;
use crate::service::Service;
use crate::sign;

pub(crate) const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";
pub(crate) const JSON_CONTENT_TYPE: &str = "application/json; charset=utf-8";
pub(crate) const BINARY_CONTENT_TYPE: &str = "application/octet-stream";
pub(crate) const XML_CONTENT_TYPE: &str = "application/xml";

/// A request's parameters by location. `Debug` shows names, never values: any of them may be
/// a secret the spec marks `sensitive`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RequestParams {
    /// Values of the path template's `{Name}` placeholders, unencoded.
    pub path: Params,
    /// Labels put before the endpoint's host, in order.
    pub host: Params,
    pub query: Params,
    pub headers: Params,
    /// Fields of a form-encoded body.
    pub form: Params,
    /// A body other than a form, if any.
    pub body: Option<Body>,
    /// The operation requires the body's MD5 as `Content-MD5`: the client adds it unless a
    /// header parameter sets it (OSS's configuration calls, as the official SDK sends them).
    pub content_md5: bool,
}

/// A request body other than a form.
#[derive(Clone, PartialEq)]
pub enum Body {
    /// A JSON document, written compactly with non-ASCII characters as they are.
    Json(Value),
    /// Text sent as it is, under the JSON content type (a parameter holding a JSON document
    /// as text).
    Text(String),
    /// Bytes sent as they are, as `application/octet-stream`.
    Binary(Bytes),
    /// Bytes sent as they are, without a `Content-Type`: the official SDKs send a body the
    /// metadata types `format: byte` so.
    Bare(Bytes),
    /// A body read as it is sent, as `application/octet-stream` (without a `Content-Type`
    /// when `bare`): an object's. It travels apart from the rest of the request (see
    /// [`Client::invoke_streamed`](crate::Client::invoke_streamed)).
    Stream { stream: ByteStream, bare: bool },
}

/// Shows the kind and size of the body, never its content.
impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Body::Json(Value::Object(fields)) => f
                .debug_tuple("Json")
                .field(&fields.keys().collect::<Vec<_>>())
                .finish(),
            Body::Json(_) => f.write_str("Json(..)"),
            Body::Text(text) => write!(f, "Text({} bytes)", text.len()),
            Body::Binary(bytes) => write!(f, "Binary({} bytes)", bytes.len()),
            Body::Bare(bytes) => write!(f, "Bare({} bytes)", bytes.len()),
            Body::Stream { stream, .. } => write!(f, "Stream({stream:?})"),
        }
    }
}

/// Implemented by every generated request: writes its fields as wire parameters.
pub trait EncodeRequest {
    /// Fails only for a value JSON cannot express, which generated types never hold.
    fn encode(&self, params: &mut RequestParams) -> Result<(), serde_json::Error>;

    fn to_params(&self) -> Result<RequestParams, BuildError> {
        let mut params = RequestParams::default();
        self.encode(&mut params)
            .map_err(|error| BuildError::Encode(error.to_string()))?;
        Ok(params)
    }
}

/// Parameters encoded already, as a caller without a generated request type (the CLI)
/// holds them.
impl EncodeRequest for RequestParams {
    fn encode(&self, params: &mut RequestParams) -> Result<(), serde_json::Error> {
        params.clone_from(self);
        Ok(())
    }
}

impl RequestParams {
    /// Sets the field `name` of a JSON object body to `value`; a value that serialises to
    /// `null` (such as `None`) sets nothing. Fields keep the order they are set in.
    ///
    /// # Errors
    /// When `value` cannot be expressed as JSON.
    pub fn put_body_field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), serde_json::Error> {
        let value = serde_json::to_value(value)?;
        if !value.is_null() {
            self.body_fields().insert(name.to_owned(), value);
        }
        Ok(())
    }

    /// Makes `value`, as JSON, the whole body; `null` sets nothing.
    ///
    /// # Errors
    /// When `value` cannot be expressed as JSON.
    pub fn put_body<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), serde_json::Error> {
        let value = serde_json::to_value(value)?;
        if !value.is_null() {
            self.body = Some(Body::Json(value));
        }
        Ok(())
    }

    /// Makes `text` the whole body, sent as it is.
    pub fn put_text_body(&mut self, text: &str) {
        self.body = Some(Body::Text(text.to_owned()));
    }

    /// Makes `stream` the whole body, read as it is sent; `bare` sends it without a
    /// `Content-Type`.
    pub fn put_stream_body(&mut self, stream: &ByteStream, bare: bool) {
        self.body = Some(Body::Stream {
            stream: stream.clone(),
            bare,
        });
    }

    /// The text of the parameter `name` at `location`, if set as text: a JSON body field
    /// holding a string counts, and so does a whole body of text.
    pub fn get(&self, location: Location, name: &str) -> Option<&str> {
        let texts = match location {
            Location::Path => &self.path,
            Location::Host => &self.host,
            Location::Query => &self.query,
            Location::Header => &self.headers,
            Location::Form => &self.form,
            Location::BodyField => {
                return match &self.body {
                    Some(Body::Json(Value::Object(fields))) => fields.get(name)?.as_str(),
                    _ => None,
                };
            }
            Location::Body => {
                return match &self.body {
                    Some(Body::Text(text)) => Some(text),
                    _ => None,
                };
            }
        };
        texts.get(name)
    }

    /// Sets the parameter `name` at `location` to the text `value` (at [`Location::Body`],
    /// the whole body is that text).
    pub fn insert(&mut self, location: Location, name: &str, value: String) {
        let texts = match location {
            Location::Path => &mut self.path,
            Location::Host => &mut self.host,
            Location::Query => &mut self.query,
            Location::Header => &mut self.headers,
            Location::Form => &mut self.form,
            Location::BodyField => {
                self.body_fields()
                    .insert(name.to_owned(), Value::String(value));
                return;
            }
            Location::Body => {
                self.body = Some(Body::Text(value));
                return;
            }
        };
        texts.insert(name.to_owned(), value);
    }

    /// The fields of the JSON object body, made empty first if the body is anything else.
    fn body_fields(&mut self) -> &mut Map<String, Value> {
        if !matches!(self.body, Some(Body::Json(Value::Object(_)))) {
            self.body = Some(Body::Json(Value::Object(Map::new())));
        }
        match &mut self.body {
            Some(Body::Json(Value::Object(fields))) => fields,
            _ => unreachable!("the body was made a JSON object above"),
        }
    }

    /// `template` with each `{Name}` replaced by the percent-encoded path parameter `Name`
    /// (empty when unset), as the canonical URI and the request line both carry it. A
    /// `{+Name}` placeholder is a parameter that holds several segments (Cloud Control's
    /// `requestPath`, the whole path): each segment is encoded and the `/` between them kept.
    /// The template's own text between placeholders is encoded the same way, segment by
    /// segment: the official SDKs' generator writes a literal `:` or `[` of the metadata's path
    /// as `%3A`, `%5B` (Ververica's `/jobs/{jobId}:stop` goes out as `/jobs/…%3Astop`), and
    /// keeps a `%XX` escape the template already holds. The path starts with `/` whatever the
    /// values.
    pub(crate) fn render_path(&self, template: &str) -> String {
        self.render_path_with(template, sign::percent_encode_into)
    }

    /// [`Self::render_path`] with each value written by `encode_value` (the literal text is
    /// encoded as there): the request line of a scheme whose official client leaves more of a
    /// value as it is ([`encode_as_python_requests_into`]).
    pub(crate) fn render_path_with(
        &self,
        template: &str,
        encode_value: fn(&mut String, &str),
    ) -> String {
        let template = template.split_once('?').map_or(template, |(path, _)| path);
        let mut path = String::with_capacity(template.len());
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|close| open + close) else {
                break;
            };
            encode_segments_into(&mut path, &rest[..open]);
            let placeholder = &rest[open + 1..close];
            match placeholder.strip_prefix('+') {
                Some(name) => {
                    let segments = self.path.get(name).unwrap_or("");
                    for (index, segment) in segments.split('/').enumerate() {
                        if index > 0 {
                            path.push('/');
                        }
                        encode_value(&mut path, segment);
                    }
                }
                None => {
                    if let Some(value) = self.path.get(placeholder) {
                        encode_value(&mut path, value);
                    }
                }
            }
            rest = &rest[close + 1..];
        }
        encode_segments_into(&mut path, rest);
        if !path.starts_with('/') {
            path.insert(0, '/');
        }
        path
    }

    /// The body as sent: a log group's fields as SLS's compressed protobuf
    /// ([`BodyFields::SlsLogGroup`], with its size before compression), XML fields signed
    /// through the OSS gateway (`auth`) as the gateway writes them, any other body as
    /// [`Self::encode_body`] writes it.
    pub(crate) fn encode_message_body(
        &self,
        body_fields: Option<BodyFields>,
        auth: AuthScheme,
    ) -> Result<EncodedBody, Error> {
        if body_fields == Some(BodyFields::Xml)
            && auth == AuthScheme::OssGatewayHmacSha256
            && let Some(Body::Json(Value::Object(fields))) = &self.body
        {
            let document = crate::xml::to_oss_gateway_xml(fields)
                .map_err(|reason| Error::Build(BuildError::Encode(reason)))?;
            return Ok(EncodedBody {
                bytes: Bytes::from(document),
                content_type: Some(XML_CONTENT_TYPE),
                raw_size: None,
            });
        }
        if body_fields == Some(BodyFields::SlsLogGroup)
            && let Some(Body::Json(Value::Object(fields))) = &self.body
        {
            let group = crate::sls_log_group::encode(fields, &self.headers)?;
            return Ok(EncodedBody {
                bytes: group.body,
                content_type: Some(crate::sls_log_group::PROTOBUF_CONTENT_TYPE),
                raw_size: Some(group.raw_size),
            });
        }
        let (bytes, content_type) = self.encode_body(body_fields)?;
        Ok(EncodedBody {
            bytes,
            content_type,
            raw_size: None,
        })
    }

    /// The body's bytes and content type; no content type for no body, unless the operation
    /// has form or JSON body fields (`body_fields`), whose empty body the official SDKs still
    /// send. An XML operation writes its fields as XML, and its text under the XML content type.
    pub(crate) fn encode_body(
        &self,
        body_fields: Option<BodyFields>,
    ) -> Result<(Bytes, Option<&'static str>), Error> {
        let xml = body_fields.is_some_and(BodyFields::is_xml);
        Ok(match &self.body {
            Some(Body::Json(Value::Object(fields))) if xml => {
                let mut document = crate::xml::to_xml(fields)
                    .map_err(|reason| Error::Build(BuildError::Encode(reason)))?;
                if body_fields == Some(BodyFields::XmlQuotesAndControlsEscaped) {
                    document = crate::xml::with_quotes_and_controls_escaped(&document);
                }
                (Bytes::from(document), Some(XML_CONTENT_TYPE))
            }
            Some(Body::Text(text)) if xml => (Bytes::from(text.clone()), Some(XML_CONTENT_TYPE)),
            Some(Body::Json(value)) => (Bytes::from(value.to_string()), Some(JSON_CONTENT_TYPE)),
            Some(Body::Text(text)) => (Bytes::from(text.clone()), Some(JSON_CONTENT_TYPE)),
            Some(Body::Binary(bytes)) => (bytes.clone(), Some(BINARY_CONTENT_TYPE)),
            Some(Body::Bare(bytes)) => (bytes.clone(), None),
            // The streamed send path takes the body out of the parameters before they are
            // encoded; a request only signed (`Client::prepare`) shows it when in memory.
            Some(Body::Stream { stream, bare }) => (
                stream.in_memory().cloned().unwrap_or_default(),
                (!bare).then_some(BINARY_CONTENT_TYPE),
            ),
            None if self.form.is_empty() => match body_fields {
                None
                | Some(
                    BodyFields::Xml
                    | BodyFields::XmlQuotesAndControlsEscaped
                    | BodyFields::SlsLogGroup,
                ) => (Bytes::new(), None),
                Some(BodyFields::Form) => (Bytes::new(), Some(FORM_CONTENT_TYPE)),
                Some(BodyFields::Json) => (Bytes::from_static(b"{}"), Some(JSON_CONTENT_TYPE)),
            },
            None => (Bytes::from(form_body(&self.form)), Some(FORM_CONTENT_TYPE)),
        })
    }
}

/// Whether the call sends its body's `Content-MD5` and no header parameter gives one.
pub(crate) fn wants_content_md5(call: CallSpec<'_>, params: &RequestParams) -> bool {
    (params.content_md5 || call.defaults.content_md5)
        && !params
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("content-md5"))
}

/// A request body as sent.
pub(crate) struct EncodedBody {
    pub(crate) bytes: Bytes,
    pub(crate) content_type: Option<&'static str>,
    /// The size before compression, of a body the encoding compressed (SLS's
    /// `x-log-bodyrawsize`).
    pub(crate) raw_size: Option<usize>,
}

/// The template's own `text` percent-encoded segment by segment, the `/` between segments
/// kept, and a `%XX` escape kept as it is: the official SDKs' generator writes a template's
/// `:` as `%3A` but sends an escape the template already holds unchanged (eiam-developerapi's
/// pathname is sent as its `%20` reads). A `%` that starts no escape is `%25`.
fn encode_segments_into(out: &mut String, text: &str) {
    for (index, segment) in text.split('/').enumerate() {
        if index > 0 {
            out.push('/');
        }
        let mut rest = segment;
        while let Some(at) = rest.find('%') {
            sign::percent_encode_into(out, &rest[..at]);
            let escape = rest
                .get(at..at + 3)
                .filter(|escape| escape[1..].bytes().all(|byte| byte.is_ascii_hexdigit()));
            match escape {
                Some(escape) => {
                    out.push_str(escape);
                    rest = &rest[at + 3..];
                }
                None => {
                    out.push_str("%25");
                    rest = &rest[at + 1..];
                }
            }
        }
        sign::percent_encode_into(out, rest);
    }
}

/// The bytes of a path value that Python's `requests` sends percent-encoded: all but RFC
/// 3986's unreserved characters, its sub-delimiters `!$&'()*+,;=`, `:` and `@`. The official
/// SDKs of the SLS and OSS gateways put a value into the path as it is and leave the encoding
/// to their HTTP stack: urllib3's `parse_url` (`_encode_invalid_chars` with `_PATH_CHARS`)
/// encodes every other byte as `%XX`, then `requests`' `requote_uri` keeps what is left.
/// Three characters are encoded here although that stack sends them as they are, because
/// there they change the request: `/` splits the value into segments, `?` and `#` end the
/// path. `%` is always `%25`, although urllib3 keeps a `%` when every `%` of the path starts
/// a valid escape (and `requote_uri` then decodes an escaped unreserved character): the value
/// would reach the server decoded once more than the caller wrote it.
const ENCODED_BY_PYTHON_REQUESTS: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@');

/// Appends the path value `value` as the SLS and OSS gateways' official SDKs send it
/// ([`ENCODED_BY_PYTHON_REQUESTS`]; UTF-8, upper-case hex).
pub(crate) fn encode_as_python_requests_into(out: &mut String, value: &str) {
    out.extend(percent_encoding::utf8_percent_encode(
        value,
        ENCODED_BY_PYTHON_REQUESTS,
    ));
}

/// A form body as the official SDKs write one: the fields sorted by name, names and values
/// percent-encoded as the query is but for the space, which is `+` (HTML's form encoding,
/// which Python's `urlencode`, Java's `URLEncoder` and Go's `QueryEscape` all write).
fn form_body(form: &Params) -> String {
    let mut fields: Vec<(&str, &str)> = form.iter().collect();
    fields.sort_unstable();
    let mut body = String::new();
    for (index, (name, value)) in fields.into_iter().enumerate() {
        if index > 0 {
            body.push('&');
        }
        form_encode_into(&mut body, name);
        body.push('=');
        form_encode_into(&mut body, value);
    }
    body
}

/// `text` percent-encoded with `+` for a space. The percent-encoding writes `%` as `%25`, so
/// every `%20` it writes is a space; text without one is written once, with no copy.
fn form_encode_into(out: &mut String, text: &str) {
    let start = out.len();
    sign::percent_encode_into(out, text);
    if out[start..].contains("%20") {
        let encoded = out.split_off(start);
        out.push_str(&encoded.replace("%20", "+"));
    }
}

/// What every request of one client has in common, ready to be copied into each attempt's
/// request without parsing or validating it again.
#[derive(Debug)]
pub(crate) struct RequestBase {
    pub(crate) endpoint: Endpoint,
    pub(crate) scheme: Scheme,
    pub(crate) authority: Authority,
    /// Signed as it is, and sent as the header value made of it.
    pub(crate) api_version: &'static str,
    pub(crate) api_version_header: HeaderValue,
    pub(crate) user_agent: HeaderValue,
    /// The service's scheme, or the one the configuration puts in its place.
    pub(crate) auth: AuthScheme,
    /// The configured region (empty for none), which OSS4's scope names.
    pub(crate) region: String,
    /// Host parameters go before the path ([`crate::ConfigBuilder::path_style`]).
    pub(crate) path_style: bool,
}

impl RequestBase {
    pub(crate) fn new(service: &'static Service, config: &Config) -> Result<Self, ConfigError> {
        let endpoint = endpoint::resolve(service, config.region(), config.endpoint())?;
        let not_a_url = || {
            ConfigError::new(format!(
                "the endpoint `{}` does not make a valid URL",
                endpoint.authority.escape_debug()
            ))
        };
        let scheme = Scheme::try_from(endpoint.scheme).map_err(|_| not_a_url())?;
        let authority =
            Authority::try_from(endpoint.authority.as_str()).map_err(|_| not_a_url())?;
        let api_version_header = HeaderValue::from_str(service.api_version).map_err(|_| {
            ConfigError::new(
                "the service's API version holds characters an HTTP header cannot carry",
            )
        })?;
        let user_agent = HeaderValue::try_from(format!(
            "AlibabaCloud ({}; {}) Rust {}/{} acs-runtime/{}",
            std::env::consts::OS,
            std::env::consts::ARCH,
            service.sdk_name,
            service.sdk_version,
            env!("CARGO_PKG_VERSION"),
        ))
        .map_err(|_| {
            ConfigError::new(
                "the SDK's name or version holds characters an HTTP header cannot carry",
            )
        })?;
        Ok(RequestBase {
            endpoint,
            scheme,
            authority,
            api_version: service.api_version,
            api_version_header,
            user_agent,
            auth: config.auth_scheme().unwrap_or(service.auth),
            region: config.region().unwrap_or_default().to_owned(),
            path_style: config.path_style(),
        })
    }

    /// `scheme://authority/path?query` from parts already checked or encoded: the query is
    /// the canonical query, percent-encoded but for its keys, as the official SDKs sign it;
    /// a key the URL cannot carry as it is (a map's key flattened into the name) is encoded
    /// for the URL, as the official SDKs' HTTP clients encode it. A host label from a
    /// parameter fails here when it cannot be part of a host.
    pub(crate) fn uri(&self, message: &Message<'_>, query: &str) -> Result<http::Uri, Error> {
        let path = message.sent_path.as_deref().unwrap_or(&message.path);
        let mut path_and_query = String::with_capacity(path.len() + 1 + query.len());
        path_and_query.push_str(path);
        if !query.is_empty() {
            path_and_query.push('?');
            if message.query.iter().all(|(key, _)| is_unreserved(key)) {
                path_and_query.push_str(query);
            } else {
                let mut pairs: Vec<(&str, &str)> = message.query.iter().collect();
                pairs.sort_unstable();
                for (index, (key, value)) in pairs.into_iter().enumerate() {
                    if index > 0 {
                        path_and_query.push('&');
                    }
                    sign::percent_encode_into(&mut path_and_query, key);
                    path_and_query.push('=');
                    sign::percent_encode_into(&mut path_and_query, value);
                }
            }
        }
        let authority = match &message.authority {
            Some(authority) => Authority::try_from(authority.as_str()).map_err(|_| {
                Error::Build(BuildError::Encode(
                    "a host parameter holds characters a host name cannot carry".into(),
                ))
            })?,
            None => self.authority.clone(),
        };
        http::Uri::builder()
            .scheme(self.scheme.clone())
            .authority(authority)
            .path_and_query(path_and_query_part(path_and_query)?)
            .build()
            .map_err(|_| {
                Error::Build(BuildError::Encode(
                    "the path or query holds characters a URL cannot carry".into(),
                ))
            })
    }
}

/// The most bytes a path with its query can have: the `http` crate's `Uri`, which the HTTP
/// stack sends, holds no more (an official SDK's Python stack sends longer ones, which a
/// service may refuse).
const MAX_PATH_AND_QUERY: usize = u16::MAX as usize - 1;

/// `text` as the path and query of a URI, or why it cannot be one: longer than the HTTP stack
/// carries, or holding characters a URL cannot carry.
pub(crate) fn path_and_query_part(text: String) -> Result<http::uri::PathAndQuery, Error> {
    if text.len() > MAX_PATH_AND_QUERY {
        return Err(Error::Build(BuildError::Encode(format!(
            "the path and query are {} bytes, more than the {MAX_PATH_AND_QUERY} a URL sent \
             by this client can hold",
            text.len()
        ))));
    }
    text.try_into().map_err(|_| {
        Error::Build(BuildError::Encode(
            "the path or query holds characters a URL cannot carry".into(),
        ))
    })
}

/// Whether `text` is sent in a URL as it is: RFC 3986's unreserved characters only.
fn is_unreserved(text: &str) -> bool {
    text.bytes()
        .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~'))
}

/// What every attempt of one call sends, encoded once: the path, the host when host
/// parameters change it, and the body with its content type.
pub(crate) struct Message<'p> {
    /// The path with every byte of its values but `A-Z a-z 0-9 - _ . ~` percent-encoded, as
    /// the canonical URIs of the signatures hold it, and as sent unless `sent_path` is given:
    /// with the host labels as its first segments under path-style addressing.
    pub(crate) path: String,
    /// The path as sent, when the scheme's official SDK writes its values otherwise
    /// ([`encode_as_python_requests_into`]).
    pub(crate) sent_path: Option<String>,
    /// `<host labels>.<endpoint authority>`, when the operation has host parameters and the
    /// addressing is not path-style.
    pub(crate) authority: Option<String>,
    /// The host labels, which some schemes sign (OSS4's bucket).
    pub(crate) host_labels: &'p Params,
    /// The query parameters, and after them the path template's own (`/?acl`, `/?list-type=2`).
    pub(crate) query: Cow<'p, Params>,
    /// The header parameters, and the body's `Content-MD5` where the call wants it.
    pub(crate) headers: Cow<'p, Params>,
    /// The form fields, which the v2 RPC signature signs beside the query.
    pub(crate) form: &'p Params,
    pub(crate) body: Bytes,
    pub(crate) content_type: Option<&'static str>,
    /// The body's size before compression, when its encoding compressed it.
    pub(crate) raw_body_size: Option<usize>,
}

impl<'p> Message<'p> {
    pub(crate) fn new(
        call: CallSpec<'_>,
        base: &RequestBase,
        params: &'p RequestParams,
    ) -> Result<Self, Error> {
        let auth = AuthScheme::of(&call, base);
        let body = params.encode_message_body(call.body_fields, auth)?;
        let content_type = match call.defaults.content_type {
            ContentType::OfBody => body.content_type,
            ContentType::Fixed(content_type) => Some(content_type),
            ContentType::Omitted => None,
            ContentType::ByExtensionOf(name) => Some(
                params
                    .path
                    .get(name)
                    .map_or(media_type::DEFAULT, media_type::of_name),
            ),
        };
        let constant = call.path.split_once('?').map(|(_, constant)| constant);
        let defaults = call
            .defaults
            .query
            .iter()
            .filter(|(key, _)| params.query.get(key).is_none());
        let query = if constant.is_none() && defaults.clone().next().is_none() {
            Cow::Borrowed(&params.query)
        } else {
            let mut query = params.query.clone();
            for (key, value) in defaults {
                query.insert(*key, *value);
            }
            let pairs = constant
                .into_iter()
                .flat_map(|constant| constant.split('&'));
            for pair in pairs.filter(|pair| !pair.is_empty()) {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                query.insert(key.to_owned(), value);
            }
            Cow::Owned(query)
        };
        // The body is hashed as it is sent, encoded once. A body that streams was taken out of
        // `params` before: the client gave its `Content-MD5` already (`client.rs`).
        let headers = if wants_content_md5(call, params) {
            let mut headers = params.headers.clone();
            headers.insert("Content-MD5", crate::checksum::content_md5(&body.bytes));
            Cow::Owned(headers)
        } else {
            Cow::Borrowed(&params.headers)
        };
        // The OSS gateway puts the host labels (hcs-mgw's `userid`) before its service's own
        // hosts only, never in the path, and leaves them out elsewhere.
        let (labels_in_host, labels_in_path) = if auth == AuthScheme::OssGatewayHmacSha256 {
            let before_host =
                crate::auth::oss_gateway::puts_labels_before(&base.endpoint.authority);
            (before_host && !params.host.is_empty(), false)
        } else {
            (
                !params.host.is_empty() && !base.path_style,
                !params.host.is_empty() && base.path_style,
            )
        };
        let authority = labels_in_host.then(|| {
            let mut authority = String::new();
            for (_, label) in params.host.iter() {
                authority.push_str(label);
                authority.push('.');
            }
            authority.push_str(&base.endpoint.authority);
            authority
        });
        let mut path = params.render_path(call.path);
        let mut sent_path = auth
            .sends_path_values_as_python_requests()
            .then(|| params.render_path_with(call.path, encode_as_python_requests_into));
        if labels_in_path {
            let mut labels = String::new();
            for (_, label) in params.host.iter() {
                labels.push('/');
                sign::percent_encode_into(&mut labels, label);
            }
            path.insert_str(0, &labels);
            if let Some(sent_path) = &mut sent_path {
                sent_path.insert_str(0, &labels);
            }
        }
        Ok(Message {
            path,
            sent_path,
            authority,
            host_labels: &params.host,
            query,
            headers,
            form: &params.form,
            body: body.bytes,
            content_type,
            raw_body_size: body.raw_size,
        })
    }

    /// The host the request goes to, as signed.
    pub(crate) fn authority<'a>(&'a self, base: &'a RequestBase) -> &'a str {
        self.authority
            .as_deref()
            .unwrap_or(base.endpoint.authority.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gateways_path_values_are_encoded_as_python_requests_sends_them() {
        let mut params = RequestParams::default();
        params
            .path
            .insert("machineGroup", "machineGroup a+b~c*d%e&g=h 中文 😀");
        // The official SLS SDK's request line for this value (`requests` 2.34.2, urllib3 2.8.0).
        assert_eq!(
            params.render_path_with(
                "/machinegroups/{machineGroup}",
                encode_as_python_requests_into
            ),
            "/machinegroups/machineGroup%20a+b~c*d%25e&g=h%20%E4%B8%AD%E6%96%87%20%F0%9F%98%80"
        );
        params.path.insert("name", "x!$&'()*+,;=:@[]\"<>\\^`{|} %e");
        assert_eq!(
            params.render_path_with("/m/{name}", encode_as_python_requests_into),
            "/m/x!$&'()*+,;=:@%5B%5D%22%3C%3E%5C%5E%60%7B%7C%7D%20%25e"
        );
        // What would end the path or split the value stays encoded, and so does a `%`.
        params.path.insert("name", "a/b?c#d%41");
        assert_eq!(
            params.render_path_with("/m/{name}", encode_as_python_requests_into),
            "/m/a%2Fb%3Fc%23d%2541"
        );
        // The template's own text is encoded as for every scheme; a `{+Name}` keeps its `/`.
        params.path.insert("requestPath", "a b/c+d");
        assert_eq!(
            params.render_path_with("/x:y/{+requestPath}", encode_as_python_requests_into),
            "/x%3Ay/a%20b/c+d"
        );
    }

    #[test]
    fn path_parameters_are_percent_encoded_into_the_template() {
        let mut params = RequestParams::default();
        params.path.insert("ClusterId", "c-8a7b 中文/x+y*~");
        params.path.insert("NodepoolId", "np-1");
        assert_eq!(
            params.render_path("/clusters/{ClusterId}/nodepools/{NodepoolId}"),
            "/clusters/c-8a7b%20%E4%B8%AD%E6%96%87%2Fx%2By%2A~/nodepools/np-1"
        );
        assert_eq!(params.render_path("/"), "/");
        assert_eq!(params.render_path("/a/{Missing}/b"), "/a//b");
        assert_eq!(params.render_path("/a/{unclosed"), "/a/%7Bunclosed");

        params
            .path
            .insert("requestPath", "/api/v1/products/VPC/resources/VPC/a b*");
        assert_eq!(
            params.render_path("{+requestPath}"),
            "/api/v1/products/VPC/resources/VPC/a%20b%2A"
        );
        params.path.insert("requestPath", "relative/x");
        assert_eq!(params.render_path("{+requestPath}"), "/relative/x");
    }

    #[test]
    fn body_fields_make_a_compact_json_object_in_the_order_set() {
        let mut params = RequestParams::default();
        params.put_body_field("b", &Some(2)).unwrap();
        params.put_body_field("a", "prod 集群").unwrap();
        params.put_body_field("unset", &None::<i32>).unwrap();
        let (body, content_type) = params.encode_body(None).unwrap();
        assert_eq!(body.as_ref(), r#"{"b":2,"a":"prod 集群"}"#.as_bytes());
        assert_eq!(content_type, Some(JSON_CONTENT_TYPE));
        assert_eq!(params.get(Location::BodyField, "a"), Some("prod 集群"));
    }

    #[test]
    fn each_body_kind_has_its_content_type() {
        let mut params = RequestParams::default();
        assert_eq!(params.encode_body(None).unwrap(), (Bytes::new(), None));
        params.form.insert("Name", "a b");
        params.form.insert("Data", "{\"k\":\"v 值\"}+*~%");
        assert_eq!(
            params.encode_body(None).unwrap(),
            (
                Bytes::from_static(b"Data=%7B%22k%22%3A%22v+%E5%80%BC%22%7D%2B%2A~%25&Name=a+b"),
                Some(FORM_CONTENT_TYPE)
            )
        );
        params.put_body(&["x", "y"]).unwrap();
        assert_eq!(
            params.encode_body(None).unwrap().0.as_ref(),
            br#"["x","y"]"#
        );
        params.put_text_body("{\"raw\": 1}");
        assert_eq!(
            params.encode_body(None).unwrap(),
            (Bytes::from_static(b"{\"raw\": 1}"), Some(JSON_CONTENT_TYPE))
        );
        params.body = Some(Body::Binary(Bytes::from_static(&[0, 159])));
        assert_eq!(
            params.encode_body(None).unwrap(),
            (Bytes::from_static(&[0, 159]), Some(BINARY_CONTENT_TYPE))
        );
        params.body = Some(Body::Bare(Bytes::from_static(&[0, 159])));
        assert_eq!(
            params.encode_body(None).unwrap(),
            (Bytes::from_static(&[0, 159]), None)
        );
    }

    #[test]
    fn an_operation_with_body_fields_sends_its_empty_body_as_the_official_sdks_do() {
        let params = RequestParams::default();
        assert_eq!(
            params.encode_body(Some(BodyFields::Form)).unwrap(),
            (Bytes::new(), Some(FORM_CONTENT_TYPE))
        );
        assert_eq!(
            params.encode_body(Some(BodyFields::Json)).unwrap(),
            (Bytes::from_static(b"{}"), Some(JSON_CONTENT_TYPE))
        );
        let mut set = RequestParams::default();
        set.form.insert("Name", "a");
        assert_eq!(
            set.encode_body(Some(BodyFields::Form)).unwrap(),
            (Bytes::from_static(b"Name=a"), Some(FORM_CONTENT_TYPE))
        );
        set.put_body_field("name", "b").unwrap();
        assert_eq!(
            set.encode_body(Some(BodyFields::Json)).unwrap().0.as_ref(),
            br#"{"name":"b"}"#
        );
        assert_eq!(
            params.encode_body(Some(BodyFields::Xml)).unwrap(),
            (Bytes::new(), None)
        );
    }

    #[test]
    fn an_xml_operation_writes_its_body_fields_and_text_as_xml() {
        let mut params = RequestParams::default();
        params
            .put_body_field(
                "Tagging",
                &serde_json::json!({"TagSet": {"Tag": [{"Key": "k"}]}}),
            )
            .unwrap();
        assert_eq!(
            params.encode_body(Some(BodyFields::Xml)).unwrap(),
            (
                Bytes::from_static(b"<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>"),
                Some(XML_CONTENT_TYPE)
            )
        );
        params.put_body_field("Second", "root").unwrap();
        assert!(params.encode_body(Some(BodyFields::Xml)).is_err());
        params.put_text_body("<Policy/>");
        assert_eq!(
            params.encode_body(Some(BodyFields::Xml)).unwrap(),
            (Bytes::from_static(b"<Policy/>"), Some(XML_CONTENT_TYPE))
        );
    }

    #[test]
    fn the_template_s_own_text_is_percent_encoded_as_the_official_sdks_write_it() {
        let mut params = RequestParams::default();
        params.path.insert("jobId", "j:1");
        params.path.insert("instanceId", "i-1");
        // Ververica StopJob, DevOps CancelExecutionReleaseStage: `%3A` in the official clients.
        assert_eq!(
            params.render_path("/jobs/{jobId}:stop"),
            "/jobs/j%3A1%3Astop"
        );
        assert_eq!(params.render_path("/jobs:start"), "/jobs%3Astart");
        // AIRec ListOfflineStorages: `/v2/openapi/instances/%5BinstanceId%5D/offlineStorages`.
        assert_eq!(
            params.render_path("/v2/openapi/instances/[instanceId]/offlineStorages"),
            "/v2/openapi/instances/%5BinstanceId%5D/offlineStorages"
        );
    }

    #[test]
    fn an_escape_in_the_template_s_own_text_is_sent_as_it_is() {
        let mut params = RequestParams::default();
        params.path.insert("userId", "u 1");
        // eiam-developerapi's pathname, its values already encoded, as the official SDK sent it.
        assert_eq!(
            params.render_path("/v2/idaas%201/app%2F1/users/{userId}/actions/add"),
            "/v2/idaas%201/app%2F1/users/u%201/actions/add"
        );
        // A `%` that starts no escape is encoded, and a value's `%` always is.
        params.path.insert("userId", "%20");
        assert_eq!(
            params.render_path("/a%/b%2/c%zz/{userId}%3a"),
            "/a%25/b%252/c%25zz/%2520%3a"
        );
    }

    #[test]
    fn a_path_template_s_query_is_left_out_of_the_path() {
        let mut params = RequestParams::default();
        params.path.insert("key", "dir/a b.txt");
        assert_eq!(params.render_path("/{+key}?acl"), "/dir/a%20b.txt");
        assert_eq!(params.render_path("/?list-type=2"), "/");
    }

    #[test]
    fn parameters_are_found_and_set_at_their_location() {
        let mut params = RequestParams::default();
        params.insert(Location::Query, "NextToken", "t1".into());
        params.insert(Location::BodyField, "next_token", "t2".into());
        params.insert(Location::Header, "x-acs-token", "t3".into());
        assert_eq!(params.get(Location::Query, "NextToken"), Some("t1"));
        assert_eq!(params.get(Location::BodyField, "next_token"), Some("t2"));
        assert_eq!(params.get(Location::Header, "x-acs-token"), Some("t3"));
        assert_eq!(params.get(Location::Form, "NextToken"), None);
        assert_eq!(
            params.get(Location::Body, "Anything"),
            None,
            "the body is JSON fields"
        );
        params.insert(Location::Body, "Document", "whole text".into());
        assert_eq!(params.get(Location::Body, "Document"), Some("whole text"));
        assert_eq!(params.get(Location::BodyField, "next_token"), None);
    }

    #[test]
    fn debug_shows_names_and_sizes_never_values() {
        let mut params = RequestParams::default();
        params.query.insert("Value", "query-secret");
        params.headers.insert("x-acs-token", "header-secret");
        params.form.insert("Password", "form-secret");
        params.path.insert("Id", "path-secret");
        params.host.insert("project", "host-secret");
        params.put_body_field("Token", "body-secret").unwrap();
        let shown = format!("{params:?}");
        for secret in ["query", "header", "form", "path", "host", "body"] {
            assert!(!shown.contains(&format!("{secret}-secret")), "{shown}");
        }
        assert!(
            shown.contains("\"Value\"") && shown.contains("\"Token\""),
            "{shown}"
        );

        params.put_text_body("text-secret");
        assert!(format!("{params:?}").contains("Text(11 bytes)"));
        params.body = Some(Body::Binary(Bytes::from_static(b"binary-secret")));
        assert!(format!("{params:?}").contains("Binary(13 bytes)"));
        params.body = Some(Body::Bare(Bytes::from_static(b"bare-secret")));
        assert!(format!("{params:?}").contains("Bare(11 bytes)"));
        params.put_body(&["array-secret"]).unwrap();
        assert!(!format!("{params:?}").contains("array-secret"));
    }
}
