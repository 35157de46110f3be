//! Runtime for generated Alibaba Cloud SDKs, RPC and ROA (RESTful) style alike.
//!
//! Generated crates describe each operation ([`Operation`]: its action, method, path template
//! and response body) and how its request encodes into parameters ([`EncodeRequest`]), and
//! hand both to [`Client`], which signs (by the service's [`AuthScheme`]), sends, retries and
//! decodes.
//! Everything that is not specific to one operation lives here, one phase per module:
//!
//! - [`location`] and [`params`]: where a parameter travels and how its value is encoded,
//!   the model the generator shares. They are all a build without the default `client`
//!   feature holds, which is how the generator depends on this crate: without the HTTP stack;
//! - [`request`]: parameters by location and what every attempt sends; [`params`]: parameter
//!   encoding styles; [`auth`]: the signature schemes, one module each, and the one a service
//!   uses; [`sign`]: the ACS3-HMAC-SHA256 algorithm;
//! - [`presign`]: OSS calls as presigned URLs;
//! - [`attempt`]: one signed exchange; [`nonce`]: each attempt's signature nonce; [`client`]:
//!   the send loop; [`retry`]: what is retried, for which operations, and the retry budget;
//! - [`response`]: service errors and decoding; [`de`]: tolerant response decoding; `xml`:
//!   XML request and response bodies; `sls_log_group` (with `lz4_block`): SLS `PutLogs`'s
//!   protobuf body, compressed as the official SLS gateway compresses it;
//! - [`byte_stream`]: request bodies that stream (bytes, files, streams) and whether another
//!   attempt can send them again; [`streamed`]: calls whose bodies stream, and their
//!   responses read as they arrive; [`checksum`]: the CRC-64 and `Content-MD5` they are held
//!   to;
//! - [`service`] and [`endpoint`]: where calls go; [`credentials`]: the keys they are signed
//!   with (the providers and Alibaba Cloud's default chain are in `acs-credentials`);
//! - [`http`]: the transport (bring your own with [`http::HttpClient`]); [`error`]: what can
//!   go wrong; [`Paginator`] and [`wait`] for generated helpers.

#![forbid(unsafe_code)]

pub mod content_type;
pub mod location;
pub mod params;

#[cfg(feature = "client")]
pub mod attempt;
#[cfg(feature = "client")]
pub mod auth;
#[cfg(feature = "client")]
pub mod byte_stream;
#[cfg(feature = "client")]
pub mod checksum;
#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "client")]
pub mod config;
#[cfg(feature = "client")]
pub mod credentials;
#[cfg(feature = "client")]
pub mod de;
#[cfg(feature = "client")]
pub mod endpoint;
#[cfg(feature = "client")]
pub mod entries;
#[cfg(feature = "client")]
pub mod error;
#[cfg(feature = "client")]
pub mod http;
#[cfg(feature = "client")]
mod lz4_block;
#[cfg(feature = "client")]
pub mod media_type;
#[cfg(feature = "client")]
pub mod nonce;
#[cfg(feature = "client")]
pub mod operation;
#[cfg(feature = "client")]
pub mod paginator;
#[cfg(feature = "client")]
pub mod presign;
#[cfg(feature = "client")]
pub mod request;
#[cfg(feature = "client")]
pub mod response;
#[cfg(feature = "client")]
pub mod retry;
#[cfg(feature = "client")]
pub mod service;
#[cfg(feature = "client")]
pub mod sign;
#[cfg(feature = "client")]
mod sls_log_group;
#[cfg(feature = "client")]
pub mod streamed;
#[cfg(feature = "client")]
pub mod timestamp;
#[cfg(feature = "client")]
pub mod unset;
#[cfg(feature = "client")]
pub mod waiter;
#[cfg(feature = "client")]
mod xml;

pub use content_type::ContentType;
pub use location::Location;
pub use params::Params;

/// The text fields of decoded responses: a string that keeps up to 24 bytes inline, with no
/// allocation to decode or drop, and derefs to `str` (mutable like `String`; `.into()` or
/// `to_string()` makes a `String`). Request fields and setters keep `String`: callers build
/// those, the decoder builds these (ARCHITECTURE.md, "Response text").
#[cfg(feature = "client")]
pub use compact_str::CompactString;

#[cfg(feature = "client")]
pub use {
    attempt::SignedRequest,
    auth::AuthScheme,
    byte_stream::ByteStream,
    client::{Client, ResponseFuture},
    config::{CallOptions, Config, ConfigBuilder, TimeoutConfig},
    credentials::Credentials,
    entries::{Entries, EntriesSeed},
    error::{BodyError, BuildError, Error, ServiceError},
    indexmap::IndexMap,
    operation::{BodyFields, CallSpec, Method, Operation, Paging, RequestDefaults, ResponseBody},
    paginator::{Page, Paginator},
    presign::PresignedRequest,
    request::{Body, EncodeRequest, RequestParams},
    response::{Blob, HeaderKind, RawResponse, ResponseHeader},
    retry::RetryConfig,
    service::Service,
    streamed::{Streamed, StreamedResponse},
    timestamp::{TimestampError, parse_timestamp},
    unset::{UnsetList, UnsetMap},
    waiter::{StatusCallback, WaitRule, WaiterError, wait},
};
