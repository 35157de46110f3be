//! The intermediate representation: the spec with every name resolved and every reference
//! checked, in a fixed order. Emitters read only this; every Rust name they write is here
//! (see [`crate::naming`]), none is built while emitting.
//!
//! Every type derives `Debug`, and must: an operation's `Debug` text is the fingerprint by
//! which a later run reuses its generated module (`emit::Job::render`), so a hand-written
//! `Debug` that left a field out would let a stale module through.

use std::path::PathBuf;

pub use acs_runtime::params::Style;
/// Where a parameter travels (fields of structs and responses have `Query`, unused) and how
/// its value is encoded: the runtime's own types, so the generator and what it generates
/// cannot disagree.
pub use acs_runtime::{ContentType, Location};

pub use crate::naming::{FieldNames, OperationNames, Spellings, WaiterNames};

/// A signature scheme a spec may name, as the runtime's `AuthScheme` has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signature {
    Acs3HmacSha256,
    Oss4HmacSha256,
    OssGatewayHmacSha256,
    SlsLogHmacSha256,
    PdsAcsHmacSha1,
    RpcV2HmacSha1,
    RoaV2HmacSha1,
}

impl Signature {
    /// Every scheme, by the name a spec gives it.
    pub const ALL: &[(&str, Signature)] = &[
        ("ACS3-HMAC-SHA256", Signature::Acs3HmacSha256),
        ("OSS4-HMAC-SHA256", Signature::Oss4HmacSha256),
        (
            "OSS-GATEWAY-OSS4-HMAC-SHA256",
            Signature::OssGatewayHmacSha256,
        ),
        ("SLS-LOG-HMAC-SHA256", Signature::SlsLogHmacSha256),
        ("PDS-ACS-HMAC-SHA1", Signature::PdsAcsHmacSha1),
        ("RPC-V2-HMAC-SHA1", Signature::RpcV2HmacSha1),
        ("ROA-V2-HMAC-SHA1", Signature::RoaV2HmacSha1),
    ];

    /// The scheme a spec names `name`.
    pub fn named(name: &str) -> Option<Signature> {
        Self::ALL
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, signature)| *signature)
    }

    /// The name of the runtime's `AuthScheme` variant.
    pub fn variant(self) -> &'static str {
        match self {
            Signature::Acs3HmacSha256 => "Acs3HmacSha256",
            Signature::Oss4HmacSha256 => "Oss4HmacSha256",
            Signature::OssGatewayHmacSha256 => "OssGatewayHmacSha256",
            Signature::SlsLogHmacSha256 => "SlsLogHmacSha256",
            Signature::PdsAcsHmacSha1 => "PdsAcsHmacSha1",
            Signature::RpcV2HmacSha1 => "RpcV2HmacSha1",
            Signature::RoaV2HmacSha1 => "RoaV2HmacSha1",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Service {
    /// Directory name under `spec/` and `generated/` (`oos`, `cas-2018-07-13`).
    pub dir_name: String,
    /// Directory of the command-line crate under `generated/` (`oos-cli`).
    pub cli_dir_name: String,
    pub spec_path: PathBuf,
    /// Cargo package of the SDK (`alibabacloud-oos`).
    pub crate_name: String,
    /// Rust name of the SDK crate (`alibabacloud_oos`).
    pub crate_ident: String,
    /// Cargo package of the command-line tool (`alibabacloud-oos-cli`).
    pub cli_crate_name: String,
    /// Rust name of its library, which holds the command's table (`alibabacloud_oos_cli`).
    pub cli_crate_ident: String,
    /// The command-line tool's binary (`oos`).
    pub cli_binary: String,
    /// The crate of its hand-written subcommands, run beside the operations
    /// (`alibabacloud-oss-commands`), if it has any.
    pub cli_commands: Option<String>,
    /// Product code as Alibaba Cloud spells it (`Sls`).
    pub product: String,
    pub api_version: String,
    /// The crates' version: the newest release of the spec's changelog.
    pub version: String,
    /// The spec's releases, newest first, for the crates' `CHANGELOG.md`.
    pub releases: Vec<crate::spec::ReleaseSpec>,
    pub protocol: String,
    /// How its requests are signed (the spec's `signature`).
    pub auth: Signature,
    pub endpoint_rule: String,
    /// `(region, host)` in the spec's order.
    pub regions: Vec<(String, String)>,
    /// Sorted by action name.
    pub operations: Vec<Operation>,
    /// The object types shared by operations (`crate::types`), sorted by type name.
    pub shared_structs: Vec<Struct>,
    /// The enums of the shared object types (`crate::types`), sorted by type name.
    pub shared_enums: Vec<Enum>,
    pub waiters: Vec<Waiter>,
}

#[derive(Debug, Clone)]
pub struct Operation {
    pub spec_path: PathBuf,
    /// Action name (`ListInstancePatchStates`), as sent in `x-acs-action`.
    pub name: String,
    pub names: OperationNames,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    /// The HTTP method calls are sent with: the first the spec lists.
    pub method: String,
    /// Path template (`/` for RPC operations).
    pub path: String,
    pub ram: Option<Ram>,
    /// Sending it twice changes nothing.
    pub read_only: bool,
    /// Sent unsigned, as the official SDKs send it (the spec's `anonymous`).
    pub anonymous: bool,
    /// The scheme of its requests when not the service's (the spec's `signature`).
    pub auth: Option<Signature>,
    /// Body fields are sent as XML (the spec's `xml_request`).
    pub xml_request: bool,
    /// Its text also escapes quotes and control characters (the spec's
    /// `xml_quotes_and_controls_escaped`).
    pub xml_quotes_and_controls_escaped: bool,
    /// A response of fields is read as XML (the spec's `xml_response`).
    pub xml_response: bool,
    /// Body fields are sent as an SLS log group (the spec's `log_group_request`).
    pub log_group_request: bool,
    /// The whole request goes again as a JSON body (the spec's `request_also_as_json_body`).
    pub request_also_as_json_body: bool,
    /// The `Content-Type` its requests go with when no header parameter sets one (the spec's
    /// `content_type` and `content_type_from`).
    pub content_type: ContentType<String>,
    /// Its requests carry the body's `Content-MD5` (the spec's `content_md5`).
    pub content_md5: bool,
    /// Query parameters sent with these values unless the caller sets them (the spec's
    /// `query_defaults`).
    pub query_defaults: Vec<(String, String)>,
    /// Response fields the client URL-decodes when the answer's `EncodingType` is `url` (the
    /// spec's `url_encoded_response`).
    pub url_encoded_response: Vec<String>,
    /// Calls can be presigned as URLs: the service signs with OSS4.
    pub presignable: bool,
    /// The request's fields, as the SDK exposes them.
    pub request: Vec<Member>,
    /// The wire name of a JSON body parameter whose fields are the request fields at
    /// [`Location::BodyField`] (the metadata's `body` object), which the CLI takes whole.
    pub body_parameter: Option<String>,
    /// The command-line flags, in request order.
    pub flags: Vec<Flag>,
    pub response: Response,
    /// The response fields carried by headers (at [`Location::Header`]), decoded with the
    /// body's into the one response type, whatever the body is.
    pub response_headers: Vec<Member>,
    /// A whole JSON or text body as the response's field `body`, when header fields go beside
    /// it (a binary body streams beside them instead).
    pub whole_body_beside_headers: Option<Member>,
    /// Every object type of the operation, request side first, in spec order.
    pub structs: Vec<Struct>,
    /// Every enum of the operation, in spec order.
    pub enums: Vec<Enum>,
    pub pagination: Option<Pagination>,
    /// The `ClientToken` parameter the client fills when left empty.
    pub idempotency_token: Option<(String, Location)>,
    pub response_example: Option<String>,
}

impl Operation {
    /// Whether a response can carry a secret: a sensitive field at any depth.
    pub fn response_has_secrets(&self, shared: &[Struct]) -> bool {
        let fields = match &self.response {
            Response::Fields(fields) => fields.as_slice(),
            _ => &[],
        };
        fields
            .iter()
            .chain(&self.response_headers)
            .any(|member| member.sensitive)
            || self
                .structs
                .iter()
                .any(|item| item.side.response && item.has_sensitive_fields())
            || shared
                .iter()
                .any(|item| item.side.response && item.has_sensitive_fields())
    }
}

/// One flag of an operation's subcommand.
#[derive(Debug, Clone)]
pub struct Flag {
    pub names: Spellings,
    pub takes: FlagValue,
}

impl Flag {
    /// The wire name of the parameter (or whole body) that the flag sets, of `operation`.
    pub fn wire_name<'a>(&'a self, operation: &'a Operation) -> &'a str {
        match &self.takes {
            FlagValue::Parameter(index) => &operation.request[*index].wire_name,
            FlagValue::Body { wire_name, .. } => wire_name,
        }
    }
}

/// What a flag sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlagValue {
    /// The request parameter `request[index]`.
    Parameter(usize),
    /// The whole JSON object whose fields are the request's [`Location::BodyField`]s (see
    /// [`Operation::body_parameter`]), under its wire name; required when one of them is.
    Body { wire_name: String, required: bool },
}

/// What a successful response's body holds.
#[derive(Debug, Clone)]
pub enum Response {
    /// A JSON object with these fields.
    Fields(Vec<Member>),
    /// A JSON value of this type as a whole (an array, a scalar, a map, free-form JSON).
    Json(Type),
    /// Text.
    Text,
    /// Bytes.
    Binary,
    /// Nothing described: the body is not read.
    Empty,
}

#[derive(Debug, Clone)]
pub struct Ram {
    pub action: String,
    pub access_level: String,
}

/// A request parameter, a response field or a field of a nested object.
#[derive(Debug, Clone)]
pub struct Member {
    pub wire_name: String,
    pub names: FieldNames,
    pub ty: Type,
    pub required: bool,
    pub location: Location,
    pub style: Style,
    pub sensitive: bool,
    /// Held in a `Box`: the struct contains itself through this field.
    pub boxed: bool,
    /// A whole `binary` body sent without a `Content-Type` (spec `content_type: none`).
    pub bare_body: bool,
    /// A map the wire carries as a list of key-value objects.
    pub entries: Option<Entries>,
    /// A string holding an RFC 3339 time, with an accessor reading it as one.
    pub timestamp: bool,
    /// Left out when unset, as the official model lacks it (the spec's
    /// `official_model_lacks`).
    pub official_model_lacks: bool,
    pub docs: Docs,
}

/// The field names of a map entry on the wire (`Key`, `Value`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entries {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone, Default)]
pub struct Docs {
    pub description: Option<String>,
    pub example: Option<String>,
    pub enum_values: Vec<String>,
    pub default: Option<String>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub max_items: Option<u64>,
    pub deprecated: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    String,
    Boolean,
    Int32,
    Int64,
    Float,
    Double,
    /// Bytes (a whole request or response body).
    Binary,
    /// Free-form JSON.
    Any,
    Array(Box<Type>),
    /// String keys.
    Map(Box<Type>),
    /// A struct of this operation, by type name.
    Struct(String),
    /// A struct shared by operations (`crate::types`), by type name.
    Shared(String),
    /// An enum of this operation (or, inside `crate::types`, of that module), by type name.
    Enum(String),
    /// An enum of `crate::types`, seen from elsewhere.
    SharedEnum(String),
}

impl Type {
    /// A single value sent as text in the simple style (an enum as its value's text).
    pub fn is_scalar(&self) -> bool {
        matches!(
            self,
            Type::String
                | Type::Boolean
                | Type::Int32
                | Type::Int64
                | Type::Float
                | Type::Double
                | Type::Enum(_)
                | Type::SharedEnum(_)
        )
    }
}

/// Which sides of calls a struct is used on: request structs are built by callers,
/// response structs decoded from the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sides {
    pub request: bool,
    pub response: bool,
}

#[derive(Debug, Clone)]
pub struct Struct {
    pub name: String,
    pub side: Sides,
    pub description: Option<String>,
    pub fields: Vec<Member>,
    /// Sent with its fields in the spec's order rather than their names' byte order, as the
    /// official SDK's model declares them: the structs of OSS, whose official SDK sends XML
    /// bodies (an element's children) in its models' order, and those inside a map's values or the items of an array of
    /// arrays (`lower/types.rs`).
    pub in_spec_order: bool,
}

impl Struct {
    pub fn has_sensitive_fields(&self) -> bool {
        self.fields.iter().any(|field| field.sensitive)
    }
}

/// A string with a fixed set of values, as a Rust enum that keeps any other value too.
#[derive(Debug, Clone)]
pub struct Enum {
    pub name: String,
    pub description: Option<String>,
    /// The values, in the spec's order, each with its variant's name.
    pub variants: Vec<Variant>,
}

#[derive(Debug, Clone)]
pub struct Variant {
    pub value: String,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct Pagination {
    pub style: PageStyle,
    /// The request parameter that sets the page size, if any.
    pub page_size: Option<PageParameter>,
    /// The response fields from the response down to the item list, and an item's type.
    pub items: PageField,
}

/// How the request for the next page differs from the last: by token or by page number.
#[derive(Debug, Clone)]
pub enum PageStyle {
    /// The response's `output` token goes into the `input` parameter.
    Token {
        input: PageParameter,
        output: PageField,
    },
    /// The next page's number goes into `input`; the listing ends at the `total_count`
    /// when the response reports one.
    Number {
        input: PageParameter,
        total_count: Option<PageField>,
    },
}

/// A request parameter a paginator sets or reads.
#[derive(Debug, Clone)]
pub struct PageParameter {
    pub wire_name: String,
    pub location: Location,
}

/// A response field a paginator reads: the fields from the response down to it, and its
/// type (an item's, for the item list).
#[derive(Debug, Clone)]
pub struct PageField {
    pub path: Vec<FieldNames>,
    /// The same path in wire names.
    pub wire_path: Vec<String>,
    pub ty: Type,
}

#[derive(Debug, Clone)]
pub struct Waiter {
    pub name: String,
    pub names: WaiterNames,
    pub description: Option<String>,
    pub operation_names: OperationNames,
    pub operation_name: String,
    pub inputs: Vec<Member>,
    pub path: Vec<PathStep>,
    /// The same path as the spec writes it, in wire names (`Executions[0].Status`): JMESPath,
    /// which the CLI evaluates on the JSON response.
    pub wire_path: String,
    pub success: Vec<String>,
    pub failure: Vec<String>,
    pub needs_action: Vec<String>,
    pub delay_seconds: u64,
    pub timeout_seconds: u64,
}

/// One step of a waiter's path into a response.
#[derive(Debug, Clone, PartialEq)]
pub enum PathStep {
    Field(FieldNames),
    FirstElement,
}
