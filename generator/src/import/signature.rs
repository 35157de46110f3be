//! How a product's official SDK signs its calls, by a rule that holds across the published
//! corpus: OSS-style products sign with OSS4-HMAC-SHA256, and the two products whose official
//! SDKs sign through a gateway of their own, SLS (`alibabacloud-gateway-sls`) and PDS
//! (`alibabacloud-gateway-pds`), with their gateway's scheme; every other product with
//! ACS3-HMAC-SHA256. What the gateway does to where a call goes is here too: PDS's sends
//! every call to the configured endpoint as it is, with no host label.

use super::openmeta::Info;

/// The spec's `signature` of a product (the runtime's `AuthScheme`, by its spec name).
pub(crate) fn of(info: &Info) -> &'static str {
    if info.style.eq_ignore_ascii_case("oss") {
        "OSS4-HMAC-SHA256"
    } else if info.product.eq_ignore_ascii_case("sls") {
        "SLS-LOG-HMAC-SHA256"
    } else if info.style.eq_ignore_ascii_case("pds") {
        "PDS-ACS-HMAC-SHA1"
    } else {
        "ACS3-HMAC-SHA256"
    }
}

/// Whether the official SDK puts the metadata's host parameters before the host: not PDS's
/// gateway, which writes `host: <configured endpoint>` whatever the call.
pub(crate) fn sends_host_labels(info: &Info) -> bool {
    !info.style.eq_ignore_ascii_case("pds")
}
