//! Runtime for generated Alibaba Cloud RPC-style SDKs.
//!
//! Generated crates describe each operation (its action name and how its request encodes into
//! parameters) and hand it to [`Client`], which signs (ACS3-HMAC-SHA256), sends, retries and
//! decodes. Everything that is not specific to one operation lives here:
//!
//! - [`sign`]: the ACS3-HMAC-SHA256 signature; [`params`]: RPC parameter encoding;
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
pub mod paginator;
pub mod params;
pub mod retry;
pub mod sign;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod waiter;

pub use client::{
    CallSpec, Client, EncodeRequest, Method, Operation, RawResponse, RequestParams, ResponseFuture,
    Service, SignedRequest,
};
pub use config::{CallOptions, Config, ConfigBuilder, TimeoutConfig};
pub use credentials::Credentials;
pub use error::{BuildError, Error, ServiceError};
pub use paginator::{Page, Paginator};
pub use params::Params;
pub use retry::RetryConfig;
pub use waiter::{WaitRule, WaiterError, wait};
