//! Runtime for generated Alibaba Cloud RPC-style SDKs.
//!
//! Generated crates describe each operation (its action name and how its request encodes into
//! parameters) and hand it to [`Client`], which signs (ACS3-HMAC-SHA256), sends, retries and
//! decodes. Everything that is not specific to one operation lives here.

pub mod de;
pub mod params;
pub mod sign;
#[cfg(feature = "testing")]
pub mod testing;
