//! Runtime for generated Alibaba Cloud SDKs, RPC and ROA (RESTful) style alike.
//!
//! Generated crates describe each operation ([`Operation`]: its action, method, path template
//! and response body) and how its request encodes into parameters ([`EncodeRequest`]), and
//! hand both to [`Client`], which signs (ACS3-HMAC-SHA256), sends, retries and decodes.
//! Everything that is not specific to one operation lives here, one phase per module:
//!
//! - [`request`]: parameters by location and what every attempt sends; [`params`]: parameter
//!   encoding styles; [`sign`]: the ACS3-HMAC-SHA256 signature;
//! - [`attempt`]: one signed exchange; [`nonce`]: each attempt's signature nonce; [`client`]:
//!   the send loop; [`retry`]: what is retried, for which operations, and the retry budget;
//! - [`response`]: service errors and decoding; [`de`]: tolerant response decoding;
//! - [`service`] and [`endpoint`]: where calls go; [`credentials`]: the keys they are signed
//!   with (the providers and Alibaba Cloud's default chain are in `acs-credentials`);
//! - [`http`]: the transport (bring your own with [`http::HttpClient`]); [`error`]: what can
//!   go wrong; [`Paginator`] and [`wait`] for generated helpers.

#![forbid(unsafe_code)]

pub mod attempt;
pub mod client;
pub mod config;
pub mod credentials;
pub mod de;
pub mod endpoint;
pub mod entries;
pub mod error;
pub mod http;
pub mod nonce;
pub mod operation;
pub mod paginator;
pub mod params;
pub mod request;
pub mod response;
pub mod retry;
pub mod service;
pub mod sign;
pub mod timestamp;
pub mod waiter;

pub use attempt::SignedRequest;
pub use client::{Client, ResponseFuture};
pub use config::{CallOptions, Config, ConfigBuilder, TimeoutConfig};
pub use credentials::Credentials;
pub use entries::{Entries, EntriesSeed};
pub use error::{BuildError, Error, ServiceError};
pub use indexmap::IndexMap;
pub use operation::{CallSpec, Location, Method, Operation, ResponseBody};
pub use paginator::{Page, Paginator};
pub use params::Params;
pub use request::{Body, EncodeRequest, RequestParams};
pub use response::{Blob, RawResponse};
pub use retry::RetryConfig;
pub use service::Service;
pub use timestamp::{TimestampError, parse_timestamp};
pub use waiter::{StatusCallback, WaitRule, WaiterError, wait};
