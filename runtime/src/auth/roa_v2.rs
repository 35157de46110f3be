//! The v2 signature of ROA calls, HMAC-SHA1 in an `acs` `Authorization`, which `tea-openapi`'s
//! `do_roarequest` writes. The official SDKs send through it every `Anonymous` operation of a
//! ROA-style product (Elasticsearch's `CapacityPlan`, every EIAM Developer API operation),
//! unsigned; the PDS gateway (`alibabacloud-gateway-pds`) signs every call with the same
//! string ([`super::pds`]).
//!
//! ```text
//! date, accept: application/json, x-acs-signature-nonce, x-acs-signature-method: HMAC-SHA1,
//! x-acs-signature-version: 1.0, x-acs-version, x-acs-action, [content-type],
//! [x-acs-accesskey-id, x-acs-security-token], authorization: acs <access key id>:<signature>
//! ```
//!
//! `date` is the HTTP date (`Wed, 01 May 2024 08:30:00 GMT`); there is no body hash. The
//! signature is the base64 HMAC-SHA1, keyed with the secret, of
//!
//! ```text
//! METHOD \n accept \n content-md5 \n content-type \n date \n
//! x-acs-name:value \n …   (every x-acs-* header, lower case, sorted, values trimmed)
//! /path?key=value&…       (the query decoded, sorted by key; `key` alone for an empty value)
//! ```
//!
//! An anonymous call carries every header but the access key id, the security token and the
//! signature.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use http::header::{ACCEPT, CONTENT_TYPE, DATE};
use http::{HeaderMap, HeaderName, HeaderValue};
use sha1::Sha1;

use super::{EmptyValue, SchemeOutput, Unsigned, digest_of, finish, given_value, unsendable};
use crate::attempt::SignedRequest;
use crate::credentials::Credentials;
use crate::error::Error;

static X_ACS_ACTION: HeaderName = HeaderName::from_static("x-acs-action");
static X_ACS_VERSION: HeaderName = HeaderName::from_static("x-acs-version");
static X_ACS_SIGNATURE_NONCE: HeaderName = HeaderName::from_static("x-acs-signature-nonce");
static X_ACS_SIGNATURE_METHOD: HeaderName = HeaderName::from_static("x-acs-signature-method");
static X_ACS_SIGNATURE_VERSION: HeaderName = HeaderName::from_static("x-acs-signature-version");
static X_ACS_ACCESSKEY_ID: HeaderName = HeaderName::from_static("x-acs-accesskey-id");
static X_ACS_SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-acs-security-token");

const JSON_MEDIA_TYPE: &str = "application/json";
/// The first word of the `Authorization` header.
pub const ALGORITHM: &str = "acs";
const SIGNATURE_METHOD: &str = "HMAC-SHA1";
const SIGNATURE_VERSION: &str = "1.0";

/// The string the signature is computed over, from the request's method, path (as sent by
/// `do_roarequest`, decoded by the PDS gateway), query (decoded) and headers.
pub fn string_to_sign(
    method: &str,
    path: &str,
    query: &[(&str, &str)],
    headers: &[(&str, &str)],
) -> String {
    let header = |wanted: &str| {
        headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(wanted))
            .map_or("", |(_, value)| *value)
    };
    let mut text = format!(
        "{method}\n{}\n{}\n{}\n{}\n",
        header("accept"),
        header("content-md5"),
        header("content-type"),
        header("date")
    );
    let mut signed: Vec<(String, &str)> = headers
        .iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), value.trim()))
        .filter(|(name, _)| name.starts_with("x-acs-"))
        .collect();
    signed.sort_by(|(a, _), (b, _)| a.cmp(b));
    signed.dedup_by(|(a, _), (b, _)| a == b);
    for (name, value) in signed {
        text.push_str(&name);
        text.push(':');
        text.push_str(value);
        text.push('\n');
    }
    super::push_resource(&mut text, path, query, EmptyValue::KeyAlone);
    text
}

/// `acs <access key id>:<base64 HMAC-SHA1 of string_to_sign>`.
pub fn authorization(access_key_id: &str, access_key_secret: &str, string_to_sign: &str) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(access_key_secret.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(string_to_sign.as_bytes());
    format!(
        "{ALGORITHM} {access_key_id}:{}",
        STANDARD.encode(mac.finalize().into_bytes())
    )
}

/// Where the writers of this request differ: `do_roarequest` and the PDS gateway.
#[derive(Clone, Copy)]
pub(crate) struct Writer {
    /// The content type signed, but not sent, for a request without one (the PDS gateway's
    /// `DownloadFile`).
    pub(crate) signed_content_type: Option<&'static str>,
    /// Whether a security token goes with `x-acs-accesskey-id` (`do_roarequest`) or alone
    /// (the PDS gateway).
    pub(crate) access_key_id_with_token: bool,
    /// Whether the path is signed decoded, as the PDS gateway signs the `pathname` its SDK
    /// wrote (the HTTP client encodes it after), or as sent, as `do_roarequest` signs a
    /// `pathname` whose values its ROA client encoded itself.
    pub(crate) signs_decoded_path: bool,
}

/// `do_roarequest`'s request.
pub(crate) fn request(
    unsigned: Unsigned<'_>,
    credentials: Option<&Credentials>,
) -> Result<SignedRequest, Error> {
    write(
        unsigned,
        credentials,
        Writer {
            signed_content_type: None,
            access_key_id_with_token: true,
            signs_decoded_path: false,
        },
    )
}

/// The request as `writer` writes it, signed with `credentials` when given: without, it has
/// neither a security token nor an `Authorization`, as an `Anonymous` call is sent.
pub(crate) fn write(
    unsigned: Unsigned<'_>,
    credentials: Option<&Credentials>,
    writer: Writer,
) -> Result<SignedRequest, Error> {
    let Unsigned {
        call,
        base,
        message,
        now,
        nonce,
    } = unsigned;
    let date = httpdate::fmt_http_date(now);
    let mut signed: Vec<(&str, &str)> = Vec::with_capacity(message.headers.len() + 10);
    signed.extend([
        (DATE.as_str(), date.as_str()),
        (X_ACS_VERSION.as_str(), base.api_version),
        (X_ACS_ACTION.as_str(), call.action),
        (X_ACS_SIGNATURE_NONCE.as_str(), nonce),
        (ACCEPT.as_str(), JSON_MEDIA_TYPE),
    ]);
    if let Some(content_type) = message.content_type.or(writer.signed_content_type) {
        signed.push((CONTENT_TYPE.as_str(), content_type));
    }
    signed.extend([
        (X_ACS_SIGNATURE_METHOD.as_str(), SIGNATURE_METHOD),
        (X_ACS_SIGNATURE_VERSION.as_str(), SIGNATURE_VERSION),
    ]);
    let security_token = credentials.and_then(Credentials::security_token);
    if let (Some(token), Some(credentials)) = (security_token, credentials) {
        if writer.access_key_id_with_token {
            signed.push((X_ACS_ACCESSKEY_ID.as_str(), credentials.access_key_id()));
        }
        signed.push((X_ACS_SECURITY_TOKEN.as_str(), token));
    }
    for (name, _) in message.headers.iter() {
        signed.retain(|(fixed, _)| !fixed.eq_ignore_ascii_case(name));
    }
    signed.extend(message.headers.iter());
    let query: Vec<(&str, &str)> = message.query.iter().collect();
    let signed_path = if writer.signs_decoded_path {
        percent_encoding::percent_decode_str(&message.path).decode_utf8_lossy()
    } else {
        std::borrow::Cow::Borrowed(message.path.as_ref())
    };
    let string_to_sign = string_to_sign(
        call.method.as_http().as_str(),
        &signed_path,
        &query,
        &signed,
    );
    let uri = base.uri(message, &crate::sign::canonical_query(query))?;

    let mut headers = HeaderMap::with_capacity(signed.len() + 2);
    headers.insert(DATE, given_value(&date, "the date")?);
    headers.insert(X_ACS_VERSION.clone(), base.api_version_header.clone());
    headers.insert(
        X_ACS_ACTION.clone(),
        given_value(call.action, "the action name")?,
    );
    headers.insert(
        X_ACS_SIGNATURE_NONCE.clone(),
        given_value(nonce, "the signature nonce")?,
    );
    headers.insert(ACCEPT, HeaderValue::from_static(JSON_MEDIA_TYPE));
    if let Some(content_type) = message.content_type {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    }
    headers.insert(
        X_ACS_SIGNATURE_METHOD.clone(),
        HeaderValue::from_static(SIGNATURE_METHOD),
    );
    headers.insert(
        X_ACS_SIGNATURE_VERSION.clone(),
        HeaderValue::from_static(SIGNATURE_VERSION),
    );
    let authorization = match credentials {
        Some(credentials) => {
            if let Some(token) = security_token {
                if writer.access_key_id_with_token {
                    let id = HeaderValue::from_str(credentials.access_key_id())
                        .map_err(|_| unsendable(credentials))?;
                    headers.insert(X_ACS_ACCESSKEY_ID.clone(), id);
                }
                let token = HeaderValue::from_str(token).map_err(|_| unsendable(credentials))?;
                headers.insert(X_ACS_SECURITY_TOKEN.clone(), token);
            }
            let value = authorization(
                credentials.access_key_id(),
                credentials.access_key_secret(),
                &string_to_sign,
            );
            Some(HeaderValue::try_from(value).map_err(|_| unsendable(credentials))?)
        }
        None => None,
    };
    finish(
        unsigned,
        SchemeOutput {
            headers,
            authorization,
            uri,
            string_to_sign: digest_of(ALGORITHM, &string_to_sign),
            canonical_request: string_to_sign,
        },
    )
}
