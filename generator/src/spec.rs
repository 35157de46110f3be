//! The YAML spec as written on disk: serde mirrors of `spec/<service>/service.yaml` and
//! `spec/<service>/operations/<Action>.yaml`. Nothing here is checked beyond what serde checks;
//! `validate` turns these into diagnostics and `ir` into resolved names. Keys that a person
//! may forget are `Option` so that validation can report every missing key at once.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

/// `service.yaml`: what is common to every operation of one API version.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSpec {
    /// Product code as Alibaba Cloud spells it (`oos`).
    pub product: Spanned<String>,
    /// API version, sent as `x-acs-version` (`2019-06-01`).
    pub api_version: Spanned<String>,
    /// Request style; only `rpc` is generated.
    pub style: Spanned<String>,
    /// Default protocol of endpoints (`https`).
    pub protocol: Spanned<String>,
    /// Signature algorithm; only `ACS3-HMAC-SHA256` is supported.
    pub signature: Spanned<String>,
    pub endpoints: EndpointsSpec,
    /// Waiters: polling loops the generator turns into `Client::wait_until_<name>()`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waiters: Vec<WaiterSpec>,
    /// The crate of the command's hand-written subcommands (`alibabacloud-oss-commands`): a
    /// workspace dependency whose `COMMANDS` the command runs beside its operations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cli_commands: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointsSpec {
    /// Host for a region without an entry below; `{region}` is replaced by the region id.
    pub rule: Spanned<String>,
    /// Known regions and their hosts, as the service publishes them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<RegionEndpoint>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RegionEndpoint {
    pub region: String,
    pub endpoint: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WaiterSpec {
    /// PascalCase name; the client method is `wait_until_<snake_case name>`.
    pub name: Spanned<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The operation polled.
    pub operation: Spanned<String>,
    /// Request parameters the waiter takes (wire names of the polled operation).
    #[serde(default)]
    pub input: Vec<Spanned<String>>,
    /// Path into the response to the value compared: field wire names joined by `.`,
    /// `[0]` selecting the first element of an array (`Executions[0].Status`).
    pub path: Spanned<String>,
    /// Values that end the wait successfully.
    pub success: Vec<String>,
    /// Values that end the wait with an error.
    #[serde(default)]
    pub failure: Vec<String>,
    /// Values in which the resource waits for someone to act (to approve, say): they end the
    /// wait with an error, as polling would not change them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub needs_action: Vec<String>,
    /// Seconds between polls.
    pub delay_seconds: u64,
    /// Seconds before the waiter gives up with a timeout error.
    pub timeout_seconds: u64,
}

/// `operations/<Action>.yaml`: one API operation.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OperationSpec {
    /// The action name, sent as `x-acs-action`; must equal the file stem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<Spanned<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub deprecated: bool,
    /// HTTP methods the API reference allows; calls are sent with the first. The importer
    /// lists `POST` first when the reference lists it, as the official SDKs send such calls.
    #[serde(default)]
    pub methods: Vec<String>,
    /// The path template of a RESTful (ROA) operation, `{Name}` standing for the path
    /// parameter `Name` (`/clusters/{ClusterId}`); `/` when absent, as for every RPC one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<Spanned<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ram: Option<RamSpec>,
    /// The operation only reads: sending it twice changes nothing, so it is retried after
    /// failures that leave unknown whether the service acted. The importer sets it for RAM
    /// access levels `get` and `list`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub read_only: bool,
    /// The official SDKs send the operation unsigned (their `auth_type: Anonymous`): the
    /// request carries what authenticates it. The importer sets it from the metadata's
    /// `security` (`generator/src/import/signature.rs`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub anonymous: bool,
    /// The scheme the official SDKs send this operation with, when not the service's: they
    /// send an anonymous RPC call through their v2 path (`RPC-V2-HMAC-SHA1`, unsigned).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<Spanned<String>>,
    /// The request's body fields are sent as an XML document (the metadata's `style: xml`),
    /// the one field its root element, and a text body as `application/xml`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub xml_request: bool,
    /// With `xml_request`: the XML's text also writes `"` and every character below U+0020
    /// as a character reference, as the official OSS SDK V2 writes DeleteMultipleObjects'
    /// keys (`escape_xml_value`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub xml_quotes_and_controls_escaped: bool,
    /// The `Content-Type` the official SDK sends the operation with when no header parameter
    /// sets one, where it is not the body's own: a media type, sent with a body or without
    /// (OSS's configuration reads go as `application/xml`), or `none`, no `Content-Type`
    /// whatever the body. From the official SDK's facts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<Spanned<String>>,
    /// The path parameter whose extension names the `Content-Type` the official SDK sends
    /// when no header parameter sets one (`key`: OSS's uploads); `application/octet-stream`
    /// when it names none. From the official SDK's facts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type_from: Option<Spanned<String>>,
    /// The official SDK sends the body's MD5 as `Content-MD5` (the empty body's when there
    /// is none). From the official SDK's facts.
    #[serde(default, skip_serializing_if = "is_false")]
    pub content_md5: bool,
    /// Query parameters the official SDK sends with these values unless the caller sets them
    /// (`encoding-type: url`, OSS's listings and multipart calls); each names a query
    /// parameter of the operation. From the official SDK's facts.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub query_defaults: BTreeMap<String, Spanned<String>>,
    /// Response fields, by their path from the XML document's root element
    /// (`Contents.Key`), that the service URL-encodes when the root's `EncodingType` is `url`,
    /// and the client decodes, as the official OSS SDK does. From the official SDK's facts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub url_encoded_response: Vec<Spanned<String>>,
    /// A response described by fields is an XML document (the metadata `produces`
    /// `application/xml`), its root element the one field.
    #[serde(default, skip_serializing_if = "is_false")]
    pub xml_response: bool,
    /// The request's body fields are an SLS log group (`LogItems`, `LogTags`, `Topic`,
    /// `Source`), sent as the official SLS gateway sends `PutLogs`: a protobuf `LogGroup`,
    /// compressed as the `x-log-compresstype` header says. Set by the official SDK's facts.
    #[serde(default, skip_serializing_if = "is_false")]
    pub log_group_request: bool,
    /// The official SDK sends each parameter where it goes and the whole request again as a
    /// JSON object body, its parameters by wire name (SAF's `body=UtilClient.to_map(request)`
    /// beside the query). Set by the official SDK's facts.
    #[serde(default, skip_serializing_if = "is_false")]
    pub request_also_as_json_body: bool,
    #[serde(default)]
    pub request: Vec<Shape>,
    /// Fields of a response body that is a JSON object (or an XML document), and fields
    /// read from response headers (`in: header`).
    #[serde(default)]
    pub response: Vec<Shape>,
    /// A response body that is not an object with fields: an array, a scalar, free-form
    /// JSON, text (`string`) or bytes (`binary`). Absent with no `response` fields: the body
    /// describes nothing and is not read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_body: Option<Shape>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pagination: Option<PaginationSpec>,
    /// The API reference's sample success response (JSON), kept verbatim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_example: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RamSpec {
    /// RAM action authorising the call (`oos:ListInstancePatchStates`).
    pub action: String,
    /// RAM access level (`list`, `get`, `create`, `update`, `delete`).
    pub access_level: String,
}

/// How an operation pages: by token (`input_token` and `output_token`) or by page number
/// (`page_number`, and `total_count` when the response reports one). Which keys are given
/// says which; `lower::pagination` checks that they fit together.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PaginationSpec {
    /// Request parameter that carries the token (`NextToken`, `Marker`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_token: Option<Spanned<String>>,
    /// Response field that carries the next token (`NextToken`, `NextMarker`); `.` descends
    /// into objects.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_token: Option<Spanned<String>>,
    /// Request parameter that carries the page number (`PageNumber`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_number: Option<Spanned<String>>,
    /// Request parameter that sets the page size, if any (`PageSize`, `MaxResults`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_size: Option<Spanned<String>>,
    /// Response field that counts the listing's items, if any (`TotalCount`); `.` descends
    /// into objects.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_count: Option<Spanned<String>>,
    /// Response field holding the page's items; `.` descends into objects.
    pub items: Spanned<String>,
}

/// A request parameter, a response field, an object field, or the element of an array or map.
/// One struct serves them all; `validate` checks which keys each position allows.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Shape {
    /// Wire name (parameters and fields only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<Spanned<String>>,
    /// Parameter location: `query`, `formData` (a form body field), `body` (a JSON body:
    /// see the spec's README), `path`, `header` or `host`. On a response field, `header`
    /// alone: the field is read from the response header of its name, not from the body.
    #[serde(rename = "in", skip_serializing_if = "Option::is_none")]
    pub location: Option<Spanned<String>>,
    /// Parameter encoding in the query, a form or a header: `simple` (the default; an array
    /// of scalars is comma-joined), `json`, `repeatList` or `flat`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub style: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// `string`, `boolean`, `int32`, `int64`, `float`, `double`, `binary`, `object`,
    /// `array`, `map` or `any` (free-form JSON). Absent when `ref` is given.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub ty: Option<Spanned<String>>,
    /// `date-time` on a `string`: an RFC 3339 time (`2019-05-16T10:26:14Z`), kept as text on
    /// the wire and read as a time by a typed accessor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<Spanned<String>>,
    /// The shared schema (a key of `schemas.yaml`) this shape is, instead of a `type`.
    #[serde(rename = "ref", skip_serializing_if = "Option::is_none")]
    pub reference: Option<Spanned<String>>,
    /// Rust name of an `object`'s struct, or of the enum a `string` with `enum` values is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_name: Option<Spanned<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub example: Option<String>,
    /// The values a `string` may take. With a `type_name`, the Rust type is an enum of them
    /// that keeps any other value it is given or sent (`Unknown`); without, they are listed
    /// in rustdoc.
    #[serde(rename = "enum", default, skip_serializing_if = "Vec::is_empty")]
    pub enum_values: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u64>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub deprecated: bool,
    /// Secret values: redacted from `Debug` output and the CLI's `--dry-run`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub sensitive: bool,
    /// The official Python model lacks this field (IMM's `File.SmartClusters`, private in the
    /// metadata), so a request leaves it out when unset, where a list or map of structs is
    /// otherwise written `[]` or `{}` as the official models write theirs. From the facts.
    #[serde(default, skip_serializing_if = "is_false")]
    pub official_model_lacks: bool,
    /// How a whole `binary` request body is labelled: `application/octet-stream` (the
    /// default) or `none`, no `Content-Type` at all (OpenMeta's `format: byte`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<Spanned<String>>,
    /// Fields of an `object`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Shape>,
    /// Element of an `array`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<Shape>>,
    /// Value of a `map` (keys are strings).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<Box<Shape>>,
    /// A `map` the wire carries as a list of objects, one per entry, holding its key and its
    /// value under these names (`[{"Key":"k","Value":"v"}]`, as some APIs write tags).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entries: Option<EntriesSpec>,
}

/// The field names of a map entry on the wire.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct EntriesSpec {
    pub key: String,
    pub value: String,
}

/// `schemas.yaml`: object types shared by several operations, each an `object` shape whose
/// `name` is what a `ref` gives, with a `type_name` and `fields`.
pub type SchemasSpec = Vec<Shape>;

/// `changelog.yaml`: the spec's releases, newest first, each written by the `cargo xtask
/// import` that changed the spec (see `crate::changes`). The first release's `version` is the
/// generated crates' version; without the file they are at `0.1.0`.
pub type ChangelogSpec = Vec<ReleaseSpec>;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReleaseSpec {
    /// `major.minor.patch`.
    pub version: Spanned<String>,
    /// One sentence: where the release came from.
    pub summary: String,
    /// Changes that break callers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub major: Vec<String>,
    /// Additions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub minor: Vec<String>,
    /// Changes callers do not compile against (documentation, endpoints).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub patch: Vec<String>,
}

fn is_false(value: &bool) -> bool {
    !*value
}
