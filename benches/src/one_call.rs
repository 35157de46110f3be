//! The smallest useful application of the SDK: one DescribeRegions call, configured like a real
//! one (region from `ALIBABA_CLOUD_REGION_ID`, credentials from the default chain). Its size and
//! cold build time are what `cargo xtask bench` reports for "a minimal one-call binary".
//!
//! `oos-one-call [ENDPOINT]`: an endpoint such as `http://127.0.0.1:PORT` replaces the region's.

#![forbid(unsafe_code)]

use alibabacloud_oos::Client;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), alibabacloud_oos::Error> {
    let mut config = acs_credentials::from_env();
    if let Some(endpoint) = std::env::args().nth(1) {
        config = config.endpoint(endpoint);
    }
    let client = Client::from_conf(config.build()?);
    let response = client.describe_regions().send().await?;
    println!(
        "request {}: {} region(s)",
        response.request_id.as_deref().unwrap_or("-"),
        response.regions.as_ref().map_or(0, Vec::len)
    );
    Ok(())
}
