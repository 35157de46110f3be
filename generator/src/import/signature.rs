//! How a product's official SDK signs its calls, by a rule that holds across the published
//! corpus: OSS-style products sign with OSS4-HMAC-SHA256, and the two products whose official
//! SDKs sign through a gateway of their own, SLS (`alibabacloud-gateway-sls`) and PDS
//! (`alibabacloud-gateway-pds`), with their gateway's scheme; every other product with
//! ACS3-HMAC-SHA256. What the gateway does to where a call goes is here too: PDS's sends
//! every call to the configured endpoint as it is, with no host label.

use std::collections::BTreeMap;

use serde_json::Value;

use super::openmeta::Info;
use crate::spec::{OperationSpec, ServiceSpec};

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

/// Whether the official SDKs send an operation unsigned (its `auth_type` is `Anonymous`), by
/// its `security`: when every alternative is `Anonymous`, or `ARS_OIDC` (STS
/// `AssumeRoleWithOIDC`, which its OIDC token authenticates; `alibabacloud-sts20150401` sends
/// it `Anonymous`). Every other operation is `AK` in the official SDKs, whatever else its
/// `security` lists (`BearerToken`, `APP`, `PrivateKey`, AliGenie's own): they sign those with
/// the credentials the client holds, and a bearer token is a kind of credentials, not of
/// operation.
pub(crate) fn is_anonymous(security: Option<&[BTreeMap<String, Value>]>) -> bool {
    security.is_some_and(|alternatives| {
        !alternatives.is_empty()
            && alternatives.iter().all(|alternative| {
                !alternative.is_empty()
                    && alternative
                        .keys()
                        .all(|scheme| scheme == "Anonymous" || scheme == "ARS_OIDC")
            })
    })
}

/// The scheme of an operation when not its service's: the official SDKs send an anonymous
/// call of a product that signs with ACS3 through `tea-openapi`'s old paths, unsigned. An
/// RPC-style product's goes through `do_rpcrequest` (`alibabacloud-sts20150401`'s
/// `AssumeRoleWithOIDC`, AppStream Center's, ECD's), which writes the v2 RPC request: the
/// action, version, timestamp and nonce in the query. A ROA-style product's goes through
/// `do_roarequest` (Elasticsearch's `CapacityPlan`, every EIAM Developer API operation), which
/// writes the v2 ROA request: an HTTP `date`, the signature method and version in headers, no
/// body hash. Every anonymous operation of the official wheels of the corpus but SLS's (which
/// its gateway signs) goes one of these two ways: 50 RPC, 61 ROA.
pub(crate) fn of_operation(service: &ServiceSpec, operation: &OperationSpec) -> Option<String> {
    if !operation.anonymous || service.signature.value != "ACS3-HMAC-SHA256" {
        return None;
    }
    let style = &service.style.value;
    if style.eq_ignore_ascii_case("rpc") {
        Some("RPC-V2-HMAC-SHA1".to_owned())
    } else if style.eq_ignore_ascii_case("roa") {
        Some("ROA-V2-HMAC-SHA1".to_owned())
    } else {
        None
    }
}

/// Whether the official SDK puts the metadata's host parameters before the host: not PDS's
/// gateway, which writes `host: <configured endpoint>` whatever the call.
pub(crate) fn sends_host_labels(info: &Info) -> bool {
    !info.style.eq_ignore_ascii_case("pds")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn security(json: &str) -> Vec<BTreeMap<String, Value>> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn only_an_operation_every_alternative_of_which_is_anonymous_goes_unsigned() {
        for unsigned in [r#"[{"Anonymous": []}]"#, r#"[{"ARS_OIDC": []}]"#] {
            assert!(is_anonymous(Some(&security(unsigned))), "{unsigned}");
        }
        for signed in [
            r#"[{"AK": []}]"#,
            r#"[{"AK": []}, {"Anonymous": []}]"#,
            r#"[{"BearerToken": []}, {"AK": []}]"#,
            r#"[{"BearerToken": []}]"#,
            r#"[{"AliGenie_Auth_SPI": []}]"#,
            r#"[{}]"#,
            r#"[]"#,
        ] {
            assert!(!is_anonymous(Some(&security(signed))), "{signed}");
        }
        assert!(!is_anonymous(None));
    }
}
