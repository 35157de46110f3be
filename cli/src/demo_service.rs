//! The service the engine's unit tests build their command tables over.

pub(crate) static SERVICE: acs_runtime::Service = acs_runtime::Service {
    product: "demo",
    api_version: "2020-01-01",
    endpoint_rule: "demo.{region}.aliyuncs.com",
    auth: acs_runtime::AuthScheme::Acs3HmacSha256,
    protocol: "https",
    regional_endpoints: &[],
    sdk_name: "demo-cli",
    sdk_version: "0",
};
