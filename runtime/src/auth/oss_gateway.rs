//! The OSS gateway's signature (`alibabacloud-gateway-oss` 0.0.30, `Client.modify_request` and
//! `get_authorization`), which the official SDKs of products other than OSS sign through
//! (hcs-mgw's `alibabacloud-hcs-mgw20240626`): OSS4-HMAC-SHA256 as [`super::oss4`] signs, with
//! the same `x-oss-date`, `date`, `x-oss-content-sha256: UNSIGNED-PAYLOAD` and
//! `x-oss-security-token` headers, but
//!
//! - the canonical URI is the path alone: the gateway puts only a `bucket` host label in it,
//!   and these products have none (hcs-mgw's `userid` goes before the host, unsigned, and only
//!   before the service's own hosts: [`puts_labels_before`]);
//! - `Authorization` separates its parts by `, `:
//!   `OSS4-HMAC-SHA256 Credential=<id>/<date>/<region>/oss/aliyun_v4_request, Signature=<hex>`.

use super::Unsigned;
use super::oss4::{self, Signer};
use crate::attempt::SignedRequest;
use crate::credentials::Credentials;
use crate::error::Error;

const GATEWAY: Signer = Signer {
    bucket_in_host: false,
    separator: ", ",
};

pub(crate) fn sign(
    unsigned: Unsigned<'_>,
    credentials: &Credentials,
) -> Result<SignedRequest, Error> {
    oss4::sign_as(GATEWAY, unsigned, credentials)
}

/// Whether the gateway puts a call's host labels (hcs-mgw's `userid`) before `authority`, the
/// endpoint's (`get_host`): before `*.mgw.aliyuncs.com`, `*.mgw-internal.aliyuncs.com` and
/// `<a>.<b>.mgw.idptcloud<…>.alibaba` only. To any other endpoint (127.0.0.1, a proxy) it sends
/// the call without them.
pub(crate) fn puts_labels_before(authority: &str) -> bool {
    if authority.contains(".mgw.aliyuncs.com") || authority.contains(".mgw-internal.aliyuncs.com") {
        return true;
    }
    let labels: Vec<&str> = authority.split('.').collect();
    matches!(
        labels.as_slice(),
        [_, _, "mgw", cloud, "alibaba"] if cloud.starts_with("idptcloud")
    )
}

#[cfg(test)]
mod tests {
    use super::puts_labels_before;

    #[test]
    fn the_user_id_goes_before_the_service_s_own_hosts_only() {
        for host in [
            "cn-beijing.mgw.aliyuncs.com",
            "cn-beijing.mgw-internal.aliyuncs.com",
            "cn-beijing.example.mgw.idptcloud01.alibaba",
        ] {
            assert!(puts_labels_before(host), "{host}");
        }
        for host in [
            "127.0.0.1:38471",
            "mgw.aliyuncs.com",
            "proxy.example.com",
            "a.b.mgw.cloud01.alibaba",
            "x.a.b.mgw.idptcloud01.alibaba",
        ] {
            assert!(!puts_labels_before(host), "{host}");
        }
    }
}
