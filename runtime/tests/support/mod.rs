//! What the tests of requests the official SLS and PDS gateways signed share
//! (`gateway_vectors.rs`, `sls_put_logs.rs`): the recordings' pinned date, the SLS service
//! they were made for, and a recorded request's method, path, query and headers, compared
//! with what the client sends.

use std::time::{Duration, SystemTime};

use acs_runtime::{AuthScheme, Service};
use serde::Deserialize;
use serde_json::{Map, Value};

/// Wed, 01 May 2024 08:30:00 GMT, the recordings' date.
pub fn pinned_date() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_714_552_200)
}

pub static SLS: Service = Service {
    product: "Sls",
    api_version: "2020-12-30",
    endpoint_rule: "{region}.log.aliyuncs.com",
    auth: AuthScheme::SlsLogHmacSha256,
    protocol: "https",
    regional_endpoints: &[],
    sdk_name: "test",
    sdk_version: "0",
};

/// A request as the official SDK sent it (each vector's fields beside its own).
#[derive(Deserialize)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: Map<String, Value>,
    pub headers: Map<String, Value>,
}

impl Recorded {
    /// A recorded header's value.
    pub fn header(&self, name: &str) -> &str {
        self.headers[name]
            .as_str()
            .expect("recorded values are text")
    }

    /// Every recorded header but `host` (the URL's), names in lower case, sorted.
    pub fn headers_but_host(&self) -> Vec<(String, String)> {
        let mut headers: Vec<(String, String)> = self
            .headers
            .iter()
            .filter(|(name, _)| !name.eq_ignore_ascii_case("host"))
            .map(|(name, value)| {
                let value = value.as_str().expect("recorded values are text");
                (name.to_ascii_lowercase(), value.to_owned())
            })
            .collect();
        headers.sort();
        headers
    }
}

/// Every header `request` carries, sorted, to compare with [`Recorded::headers_but_host`].
pub fn headers_sent<B>(request: &http::Request<B>) -> Vec<(String, String)> {
    let mut headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|(name, value)| {
            let value = value.to_str().expect("the client sends text headers");
            (name.to_string(), value.to_owned())
        })
        .collect();
    headers.sort();
    headers
}
