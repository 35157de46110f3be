//! The OSS gateway's signature (`alibabacloud-gateway-oss` 0.0.30, `Client.modify_request` and
//! `get_authorization`), which the official SDKs of products other than OSS sign through
//! (hcs-mgw's `alibabacloud-hcs-mgw20240626`): OSS4-HMAC-SHA256 as [`super::oss4`] signs, with
//! the same `x-oss-date`, `date`, `x-oss-content-sha256: UNSIGNED-PAYLOAD` and
//! `x-oss-security-token` headers, but
//!
//! - the canonical URI is the path alone: the gateway puts only a `bucket` host label in it,
//!   and these products have none (hcs-mgw's `userid` goes before the host, unsigned);
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
