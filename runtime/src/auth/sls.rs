//! The SLS gateway's scheme (`alibabacloud-gateway-sls`, signature version 1), which the
//! official SLS SDK signs every call with: `Authorization: LOG <access key id>:<signature>`,
//! the signature the base64 HMAC-SHA256, keyed with the secret, of
//!
//! ```text
//! METHOD \n content-md5 \n content-type \n date \n
//! x-log-name:value \n …   (every header naming x-log- or x-acs-, sorted, values as sent)
//! /path?key=value&…       (the path and the query decoded, the query sorted by key)
//! ```
//!
//! `Content-MD5` is the upper-case hex MD5 of the body as sent (empty without one), JSON is
//! sent as `application/json`, and `x-log-apiversion`, `x-log-bodyrawsize` (the body's size
//! before compression: `PutLogs`'s log group is compressed, `sls_log_group.rs`) and
//! `x-log-signaturemethod` go with every call. The project is a host label (the spec's).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use http::header::{ACCEPT, CONTENT_TYPE, DATE};
use http::{HeaderMap, HeaderName, HeaderValue};
use md5::{Digest as _, Md5};
use sha2::Sha256;

use super::{EmptyValue, SchemeOutput, Unsigned, digest_of, finish, given_value, unsendable};
use crate::attempt::SignedRequest;
use crate::credentials::Credentials;
use crate::error::Error;
use crate::request::{BINARY_CONTENT_TYPE, JSON_CONTENT_TYPE};

/// The first word of the `Authorization` header.
pub const ALGORITHM: &str = "LOG";

static X_LOG_APIVERSION: HeaderName = HeaderName::from_static("x-log-apiversion");
static X_LOG_BODYRAWSIZE: HeaderName = HeaderName::from_static("x-log-bodyrawsize");
static X_LOG_SIGNATUREMETHOD: HeaderName = HeaderName::from_static("x-log-signaturemethod");
static CONTENT_MD5: HeaderName = HeaderName::from_static("content-md5");
static X_ACS_SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-acs-security-token");

const JSON_MEDIA_TYPE: &str = "application/json";
const API_VERSION: &str = "0.6.0";
const SIGNATURE_METHOD: &str = "hmac-sha256";

/// The string the signature is computed over, from the request's method, path (decoded),
/// query (decoded) and headers.
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
        "{method}\n{}\n{}\n{}\n",
        header("content-md5"),
        header("content-type"),
        header("date")
    );
    let mut signed: Vec<(&str, &str)> = headers
        .iter()
        .copied()
        .filter(|(name, _)| {
            let name = name.to_ascii_lowercase();
            name.contains("x-log-") || name.contains("x-acs-")
        })
        .collect();
    signed.sort_by_key(|(name, _)| *name);
    for (name, value) in signed {
        text.push_str(name);
        text.push(':');
        text.push_str(value);
        text.push('\n');
    }
    super::push_resource(&mut text, path, query, EmptyValue::WithEquals);
    text
}

/// `LOG <access key id>:<base64 HMAC-SHA256 of string_to_sign>`.
pub fn authorization(access_key_id: &str, access_key_secret: &str, string_to_sign: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(access_key_secret.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(string_to_sign.as_bytes());
    format!(
        "{ALGORITHM} {access_key_id}:{}",
        STANDARD.encode(mac.finalize().into_bytes())
    )
}

/// `Content-MD5` as the gateway writes it: upper-case hex, empty for no body.
pub fn content_md5(body: &[u8]) -> String {
    if body.is_empty() {
        return String::new();
    }
    Md5::digest(body)
        .iter()
        .map(|byte| format!("{byte:02X}"))
        .collect()
}

/// A client's request as the SLS gateway signs it.
pub(crate) fn sign(
    unsigned: Unsigned<'_>,
    credentials: &Credentials,
) -> Result<SignedRequest, Error> {
    let Unsigned {
        call,
        base,
        message,
        now,
        ..
    } = unsigned;
    let content_type = match message.content_type {
        None | Some(JSON_CONTENT_TYPE) => JSON_MEDIA_TYPE,
        Some(BINARY_CONTENT_TYPE) => BINARY_CONTENT_TYPE,
        Some(other) => other,
    };
    let raw_size = message
        .raw_body_size
        .unwrap_or(message.body.len())
        .to_string();
    let date = httpdate::fmt_http_date(now);
    let md5 = content_md5(&message.body);
    let mut signed: Vec<(&str, &str)> = Vec::with_capacity(message.headers.len() + 8);
    signed.extend([
        (ACCEPT.as_str(), JSON_MEDIA_TYPE),
        (X_LOG_APIVERSION.as_str(), API_VERSION),
    ]);
    if let Some(token) = credentials.security_token() {
        signed.push((X_ACS_SECURITY_TOKEN.as_str(), token));
    }
    signed.extend([
        (CONTENT_TYPE.as_str(), content_type),
        (X_LOG_BODYRAWSIZE.as_str(), raw_size.as_str()),
        (X_LOG_SIGNATUREMETHOD.as_str(), SIGNATURE_METHOD),
        (DATE.as_str(), date.as_str()),
        (CONTENT_MD5.as_str(), md5.as_str()),
    ]);
    for (name, _) in message.headers.iter() {
        signed.retain(|(fixed, _)| !fixed.eq_ignore_ascii_case(name));
    }
    signed.extend(message.headers.iter());
    let query: Vec<(&str, &str)> = message.query.iter().collect();
    // The gateway signs the path its SDK wrote, the values in it unencoded
    // (`build_canonicalized_resource` of the request's `pathname`); the HTTP client encodes
    // it afterwards.
    let path = percent_encoding::percent_decode_str(&message.path).decode_utf8_lossy();
    let string_to_sign = string_to_sign(call.method.as_http().as_str(), &path, &query, &signed);
    let authorization = authorization(
        credentials.access_key_id(),
        credentials.access_key_secret(),
        &string_to_sign,
    );
    let uri = base.uri(message, &crate::sign::canonical_query(query))?;

    let mut headers = HeaderMap::with_capacity(signed.len() + 2);
    headers.insert(ACCEPT, HeaderValue::from_static(JSON_MEDIA_TYPE));
    headers.insert(
        X_LOG_APIVERSION.clone(),
        HeaderValue::from_static(API_VERSION),
    );
    if let Some(token) = credentials.security_token() {
        let token = HeaderValue::from_str(token).map_err(|_| unsendable(credentials))?;
        headers.insert(X_ACS_SECURITY_TOKEN.clone(), token);
    }
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        X_LOG_BODYRAWSIZE.clone(),
        given_value(&raw_size, "the body's size")?,
    );
    headers.insert(
        X_LOG_SIGNATUREMETHOD.clone(),
        HeaderValue::from_static(SIGNATURE_METHOD),
    );
    headers.insert(DATE, given_value(&date, "the date")?);
    headers.insert(CONTENT_MD5.clone(), given_value(&md5, "the body's MD5")?);
    let authorization =
        HeaderValue::try_from(authorization).map_err(|_| unsendable(credentials))?;
    finish(
        unsigned,
        SchemeOutput {
            headers,
            authorization: Some(authorization),
            uri,
            string_to_sign: digest_of(ALGORITHM, &string_to_sign),
            canonical_request: string_to_sign,
        },
    )
}
