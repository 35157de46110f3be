//! Downloads a product's `api-docs.json` from Alibaba Cloud's metadata service (or whatever
//! serves the same paths), with the runtime's own HTTP client: hyper-util over rustls with the
//! platform's certificate verifier, and the proxies the environment names (`HTTPS_PROXY`,
//! `NO_PROXY`), as every SDK call goes. No second HTTP stack comes into the build.

use std::time::Duration;

use acs_runtime::http::{DefaultHttpClient, DefaultHttpClientSettings, HttpClient};
use bytes::Bytes;

/// The whole download, from connecting to the last byte: the largest `api-docs.json` is a few
/// megabytes.
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(120);

/// The body of a `GET` of `url`, which must answer `200 OK` with UTF-8 text.
pub fn text(url: &str) -> Result<String, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| format!("cannot start the download: {error}"))?;
    runtime.block_on(get(url))
}

async fn get(url: &str) -> Result<String, String> {
    let client = DefaultHttpClient::new(&DefaultHttpClientSettings::default())
        .map_err(|error| format!("cannot set up HTTP: {error}"))?;
    let request = http::Request::get(url)
        .header(http::header::ACCEPT, "application/json")
        .header(
            http::header::USER_AGENT,
            concat!("acs-xtask/", env!("CARGO_PKG_VERSION")),
        )
        .body(Bytes::new())
        .map_err(|error| format!("`{url}` is not a URL: {error}"))?;
    let response = tokio::time::timeout(DOWNLOAD_TIMEOUT, client.send(request))
        .await
        .map_err(|_| format!("GET {url}: no answer within {DOWNLOAD_TIMEOUT:?}"))?
        .map_err(|error| format!("GET {url}: {error}"))?;
    let status = response.status();
    if status != http::StatusCode::OK {
        return Err(format!("GET {url}: HTTP {status}"));
    }
    String::from_utf8(response.into_body().to_vec())
        .map_err(|_| format!("GET {url}: the body is not UTF-8 text"))
}
