//! The PDS gateway's scheme (`alibabacloud-gateway-pds`, signature version 1), which the
//! official PDS SDK signs every call with: the ROA v2 request and signature ([`super::roa_v2`],
//! `Authorization: acs <access key id>:<signature>`), but for three things the gateway does its
//! own way: it signs `DownloadFile` as if it carried a form, sends a security token without
//! `x-acs-accesskey-id`, and signs the path decoded (the `pathname` its SDK wrote, which its
//! HTTP client encodes after signing).

use super::Unsigned;
use super::roa_v2::{self, Writer};
use crate::attempt::SignedRequest;
use crate::credentials::Credentials;
use crate::error::Error;

/// The content type the gateway signs `DownloadFile` with, which it does not send.
const DOWNLOAD_FILE_SIGNED_CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=UTF-8";

/// The content type signed for a request that sends none: `alibabacloud-gateway-pds` signs
/// `DownloadFile` (`GET /v2/file/download`, by its action and path) as if it carried a form,
/// and no other call.
fn signed_content_type(
    call: &crate::operation::CallSpec<'_>,
    message: &crate::request::Message<'_>,
) -> Option<&'static str> {
    (call.action == "DownloadFile" && message.path == "/v2/file/download")
        .then_some(DOWNLOAD_FILE_SIGNED_CONTENT_TYPE)
}

/// A client's request as the PDS gateway writes it, signed with `credentials` when given:
/// without, it has neither a security token nor an `Authorization`, as the gateway sends an
/// `Anonymous` call.
pub(crate) fn request(
    unsigned: Unsigned<'_>,
    credentials: Option<&Credentials>,
) -> Result<SignedRequest, Error> {
    let writer = Writer {
        signed_content_type: signed_content_type(&unsigned.call, unsigned.message),
        access_key_id_with_token: false,
        signs_decoded_path: true,
    };
    roa_v2::write(unsigned, credentials, writer)
}
