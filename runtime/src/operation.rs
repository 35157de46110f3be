//! How generated code describes an operation to the runtime: its action, HTTP method, path
//! template, where its special parameters live and what its response body holds; and one call
//! of it as the send path sees it ([`CallSpec`]).

use crate::auth::AuthScheme;
use crate::content_type::ContentType;
use crate::location::Location;
use crate::response::ResponseHeader;

/// An HTTP method an operation is sent with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
    Patch,
    Head,
    Options,
}

impl Method {
    pub fn as_http(self) -> http::Method {
        match self {
            Method::Get => http::Method::GET,
            Method::Post => http::Method::POST,
            Method::Put => http::Method::PUT,
            Method::Delete => http::Method::DELETE,
            Method::Patch => http::Method::PATCH,
            Method::Head => http::Method::HEAD,
            Method::Options => http::Method::OPTIONS,
        }
    }
}

/// How the pages of a listing are asked for, one after another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paging {
    /// Each page returns a token (`NextToken`, `NextMarker`, …) that the request for the next
    /// page carries in `parameter`; the last page returns none.
    Token {
        parameter: &'static str,
        at: Location,
    },
    /// Pages are numbered, from 1 unless the caller asks for another first page: the request
    /// for the next page carries its number in `parameter`. `page_size` is the parameter that
    /// sets how many items a page holds, when the operation takes one.
    Number {
        parameter: &'static str,
        at: Location,
        page_size: Option<(&'static str, Location)>,
    },
}

/// What the body of a successful response holds, and so how it is decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResponseBody {
    /// JSON (an object, an array or a scalar), decoded tolerantly (see [`crate::de`]).
    Json,
    /// Text, taken whole.
    Text,
    /// Bytes, taken whole.
    Binary,
    /// An XML document, read as JSON (see `xml.rs`) and decoded tolerantly.
    Xml,
    /// Nothing the operation describes: the body is not read.
    Empty,
}

/// The kind of body an operation's body fields make. The official SDKs send a form or JSON
/// body even when no field is set (their request's `body` map is then empty, not absent): a
/// form with no fields, or the JSON object `{}`, each with its content type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyFields {
    /// Form fields (`application/x-www-form-urlencoded`).
    Form,
    /// Fields of a JSON object (`application/json; charset=utf-8`).
    Json,
    /// The elements of an XML document, the one field its root (the metadata's `style: xml`);
    /// a text body goes as XML too. Unlike a form or JSON, none is sent when no field is set,
    /// as the official OSS SDK sends none.
    Xml,
    /// As `Xml`, its text also writing `"` as `&quot;` and every character below U+0020 as a
    /// decimal character reference (`\n` as `&#10;`), as the official OSS SDK V2 writes
    /// DeleteMultipleObjects' keys (`escape_xml_value`); raw, most control characters are no
    /// XML at all.
    XmlQuotesAndControlsEscaped,
    /// An SLS log group (`LogItems`, `LogTags`, `Topic`, `Source`), sent as the official SLS
    /// gateway sends `PutLogs`: protobuf, compressed as the `x-log-compresstype` header says
    /// (see `sls_log_group.rs`). Like XML, none is sent when no field is set.
    SlsLogGroup,
}

impl BodyFields {
    /// Written as an XML document.
    pub(crate) fn is_xml(self) -> bool {
        matches!(
            self,
            BodyFields::Xml | BodyFields::XmlQuotesAndControlsEscaped
        )
    }
}

/// What the official SDK sends with an operation's requests beyond its parameters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RequestDefaults {
    pub content_type: ContentType,
    /// The body's MD5 goes as `Content-MD5` (the empty body's when there is none), unless a
    /// header parameter sets it.
    pub content_md5: bool,
    /// Query parameters sent with these values unless the caller sets them (the official OSS
    /// SDK's `encoding-type=url` on its listings and multipart calls).
    pub query: &'static [(&'static str, &'static str)],
}

/// Describes one operation to the runtime.
#[derive(Clone, Copy, Debug)]
pub struct Operation {
    action: &'static str,
    method: Method,
    path: &'static str,
    response_body: ResponseBody,
    response_headers: &'static [ResponseHeader],
    whole_body_beside_headers: bool,
    idempotency_token: Option<(&'static str, Location)>,
    paging: Option<Paging>,
    secret_response: bool,
    read_only: bool,
    anonymous: bool,
    auth: Option<AuthScheme>,
    body_fields: Option<BodyFields>,
    request_also_as_json_body: bool,
    defaults: RequestDefaults,
    url_encoded_response: &'static [&'static str],
}

impl Operation {
    /// An operation sent to `/` whose response is JSON, as every RPC-style operation is.
    pub const fn new(action: &'static str, method: Method) -> Self {
        Operation {
            action,
            method,
            path: "/",
            response_body: ResponseBody::Json,
            response_headers: &[],
            whole_body_beside_headers: false,
            idempotency_token: None,
            paging: None,
            secret_response: false,
            read_only: false,
            anonymous: false,
            auth: None,
            body_fields: None,
            request_also_as_json_body: false,
            defaults: RequestDefaults {
                content_type: ContentType::OfBody,
                content_md5: false,
                query: &[],
            },
            url_encoded_response: &[],
        }
    }

    /// The `Content-Type` the official SDK sends the operation with, when not the body's.
    pub const fn with_content_type(mut self, content_type: ContentType) -> Self {
        self.defaults.content_type = content_type;
        self
    }

    /// The official SDK sends the operation's body with its `Content-MD5`.
    pub const fn with_content_md5(mut self) -> Self {
        self.defaults.content_md5 = true;
        self
    }

    /// The official SDK sends these query parameters with these values unless the caller sets
    /// them.
    pub const fn with_default_query(
        mut self,
        query: &'static [(&'static str, &'static str)],
    ) -> Self {
        self.defaults.query = query;
        self
    }

    /// Response fields, by their path from the XML document's root element
    /// (`Contents.Key`), that the service sends URL-encoded when the root's `EncodingType` is
    /// `url`: the client decodes them, as the official OSS SDK does (see
    /// `response/url_encoded.rs`).
    pub const fn with_url_encoded_response(mut self, fields: &'static [&'static str]) -> Self {
        self.url_encoded_response = fields;
        self
    }

    /// The official SDKs send the operation by another scheme than the service's (an
    /// anonymous RPC call goes through their v2 path): it is sent by `scheme`.
    pub const fn with_auth(mut self, scheme: AuthScheme) -> Self {
        self.auth = Some(scheme);
        self
    }

    /// The official SDKs send the operation unsigned (the metadata's `security` is
    /// `Anonymous`: the request itself carries what authenticates it, such as STS
    /// `AssumeRoleWithOIDC`'s token): the client asks no credentials for it, and its scheme
    /// writes its headers without a signature (see [`crate::auth`]).
    pub const fn anonymous(mut self) -> Self {
        self.anonymous = true;
        self
    }

    /// The operation has body fields of this kind: how they are written, and whether an empty
    /// body is still sent (form and JSON: yes; XML: no).
    pub const fn with_body_fields(mut self, kind: BodyFields) -> Self {
        self.body_fields = Some(kind);
        self
    }

    /// The official SDK sends each parameter where it goes and the whole request again as a
    /// JSON object body (SAF's clients: `body=UtilClient.to_map(request)` beside the query),
    /// `{}` when no parameter is set. A caller without a generated request type (the CLI)
    /// writes that body from the parameters it sets; a generated request writes it itself.
    pub const fn with_request_also_as_json_body(mut self) -> Self {
        self.body_fields = Some(BodyFields::Json);
        self.request_also_as_json_body = true;
        self
    }

    /// The path template (`/clusters/{ClusterId}/nodes`): each `{Name}` is replaced by the
    /// percent-encoded value of the path parameter `Name`.
    pub const fn with_path(mut self, template: &'static str) -> Self {
        self.path = template;
        self
    }

    /// What the response body holds, when it is not JSON.
    pub const fn with_response_body(mut self, body: ResponseBody) -> Self {
        self.response_body = body;
        self
    }

    /// Response fields carried by headers, decoded with the body's (see
    /// [`RawResponse::decode_as`](crate::response::RawResponse::decode_as)).
    pub const fn with_response_headers(mut self, fields: &'static [ResponseHeader]) -> Self {
        self.response_headers = fields;
        self
    }

    /// The body is one value as a whole (an array, text) beside the header fields: it is
    /// decoded with them as the field `body` of one document, where a body of fields is
    /// decoded with its fields.
    pub const fn with_whole_body_beside_headers(mut self) -> Self {
        self.whole_body_beside_headers = true;
        self
    }

    /// The responses carry secret values (a `sensitive` field in the spec): an error about
    /// one that does not decode then leaves its body out, where it would show the secrets.
    pub const fn with_secret_response(mut self) -> Self {
        self.secret_response = true;
        self
    }

    /// The operation only reads (its RAM access level is `get` or `list`, or the spec says
    /// so): sending it twice changes nothing.
    pub const fn read_only(mut self) -> Self {
        self.read_only = true;
        self
    }

    /// A parameter (`ClientToken`) that the client fills with a fresh UUID when the caller
    /// leaves it empty, and keeps across the retries of one call.
    pub const fn with_idempotency_token(mut self, parameter: &'static str, at: Location) -> Self {
        self.idempotency_token = Some((parameter, at));
        self
    }

    /// How the operation's pages are asked for: the SDK's `into_paginator()` and the CLI's
    /// `--pager` follow it.
    pub const fn with_paging(mut self, paging: Paging) -> Self {
        self.paging = Some(paging);
        self
    }

    pub fn action(&self) -> &'static str {
        self.action
    }

    pub fn method(&self) -> Method {
        self.method
    }

    pub fn path(&self) -> &'static str {
        self.path
    }

    pub fn response_body(&self) -> ResponseBody {
        self.response_body
    }

    pub fn response_headers(&self) -> &'static [ResponseHeader] {
        self.response_headers
    }

    pub fn whole_body_beside_headers(&self) -> bool {
        self.whole_body_beside_headers
    }

    pub fn idempotency_token(&self) -> Option<(&'static str, Location)> {
        self.idempotency_token
    }

    pub fn paging(&self) -> Option<Paging> {
        self.paging
    }

    pub fn secret_response(&self) -> bool {
        self.secret_response
    }

    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    pub fn is_anonymous(&self) -> bool {
        self.anonymous
    }

    pub fn body_fields(&self) -> Option<BodyFields> {
        self.body_fields
    }

    /// See [`Operation::with_request_also_as_json_body`].
    pub fn request_also_as_json_body(&self) -> bool {
        self.request_also_as_json_body
    }

    pub fn auth(&self) -> Option<AuthScheme> {
        self.auth
    }

    pub fn defaults(&self) -> RequestDefaults {
        self.defaults
    }

    pub fn url_encoded_response(&self) -> &'static [&'static str] {
        self.url_encoded_response
    }
}

/// One call as the send path sees it.
#[derive(Clone, Copy, Debug)]
pub struct CallSpec<'a> {
    pub action: &'a str,
    pub method: Method,
    /// The path template (`/` for RPC-style operations).
    pub path: &'a str,
    pub idempotency_token: Option<(&'a str, Location)>,
    /// The operation only reads (see [`Operation::read_only`]).
    pub read_only: bool,
    /// Sent unsigned (see [`Operation::anonymous`]).
    pub anonymous: bool,
    /// Its scheme, when not the service's (see [`Operation::with_auth`]).
    pub auth: Option<AuthScheme>,
    /// The kind of body its body fields make (see [`Operation::with_body_fields`]).
    pub body_fields: Option<BodyFields>,
    /// What goes with its requests beyond the parameters (see [`RequestDefaults`]).
    pub defaults: RequestDefaults,
}

impl CallSpec<'_> {
    /// Whether sending the call twice has the effect of sending it once: it only reads, or it
    /// carries an idempotency token, which stays the same on every attempt. Only such calls are
    /// retried after failures that the service may have acted on (see [`crate::retry`]).
    pub fn is_safe_to_repeat(&self) -> bool {
        self.read_only || self.idempotency_token.is_some()
    }
}

impl From<&Operation> for CallSpec<'static> {
    fn from(operation: &Operation) -> Self {
        CallSpec {
            action: operation.action(),
            method: operation.method(),
            path: operation.path(),
            idempotency_token: operation.idempotency_token(),
            read_only: operation.is_read_only(),
            anonymous: operation.is_anonymous(),
            auth: operation.auth(),
            body_fields: operation.body_fields(),
            defaults: operation.defaults(),
        }
    }
}
