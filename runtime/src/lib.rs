//! Runtime for generated Alibaba Cloud SDKs, RPC and ROA (RESTful) style alike.
//!
//! Generated crates describe each operation ([`Operation`]: its action, method, path template
//! and response body) and how its request encodes into parameters ([`EncodeRequest`]), and
//! hand both to [`Client`], which signs (ACS3-HMAC-SHA256), sends, retries and decodes.
//! Everything that is not specific to one operation lives here:
//!
//! - [`sign`]: the ACS3-HMAC-SHA256 signature; [`params`]: parameter encoding styles;
//! - [`request`]: parameters by location and the body they make; [`response`]: decoding;
//! - [`endpoint`]: where calls go; [`credentials`]: where keys come from;
//! - [`http`]: the transport (bring your own with [`http::HttpClient`]);
//! - [`retry`]: what is retried and how; [`error`]: what can go wrong;
//! - [`de`]: tolerant response decoding; [`Paginator`] and [`wait`] for generated helpers.

pub mod client;
pub mod config;
pub mod credentials;
pub mod de;
pub mod endpoint;
pub mod error;
pub mod http;
mod nonce;
pub mod operation;
pub mod paginator;
pub mod params;
pub mod request;
pub mod response;
pub mod retry;
pub mod sign;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod waiter;

pub use client::{CallSpec, Client, ResponseFuture, Service, SignedRequest};
pub use config::{CallOptions, Config, ConfigBuilder, TimeoutConfig};
pub use credentials::Credentials;
pub use error::{BuildError, Error, ServiceError};
pub use operation::{Location, Method, Operation, ResponseBody};
pub use paginator::{Page, Paginator};
pub use params::Params;
pub use request::{Body, EncodeRequest, RequestParams};
pub use response::{Blob, RawResponse};
pub use retry::RetryConfig;
pub use waiter::{WaitRule, WaiterError, wait};
