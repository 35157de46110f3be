//! OSS4-HMAC-SHA256, Object Storage Service's signature V4, as the official OSS SDK V2 signs:
//! in headers ([`sign_headers`]) or in a presigned URL's query ([`presign`]).
//!
//! - canonical URI: `/<bucket>/<key>` percent-encoded but for `/` (`/` alone without a
//!   bucket);
//! - canonical query: keys and values percent-encoded (unreserved bytes kept), sorted as
//!   pairs, `key=value`, or `key` alone for an empty value;
//! - canonical headers: every `x-oss-*` header, `content-type`, `content-md5` and the
//!   additional headers asked for, lower-cased and sorted, values as they are;
//! - the payload is `UNSIGNED-PAYLOAD`;
//! - the key signs `aliyun_v4<secret>` → date → region → product → `aliyun_v4_request`.

use std::time::{Duration, SystemTime};

use hmac::{Hmac, KeyInit, Mac};
use http::header::{CONTENT_TYPE, DATE};
use http::{HeaderMap, HeaderName, HeaderValue};
use sha2::{Digest, Sha256};

use super::{SchemeOutput, Unsigned, finish, given_value, unsendable};
use crate::attempt::SignedRequest;
use crate::credentials::Credentials;
use crate::error::Error;
use crate::sign::{percent_encode_into, push_lower_hex};

/// The first word of the `Authorization` header and of the string to sign.
pub const ALGORITHM: &str = "OSS4-HMAC-SHA256";
/// The hash of the payload OSS4 signs: none.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// The product in the signature's scope.
pub const PRODUCT: &str = "oss";

static X_OSS_DATE: HeaderName = HeaderName::from_static("x-oss-date");
static X_OSS_CONTENT_SHA256: HeaderName = HeaderName::from_static("x-oss-content-sha256");
static X_OSS_SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-oss-security-token");

/// What OSS4 signs of a request, as a caller describes it.
#[derive(Clone, Copy, Debug)]
pub struct Oss4Request<'a> {
    /// Upper case (`GET`).
    pub method: &'a str,
    /// The bucket, whether it is in the host (virtual-hosted) or the path.
    pub bucket: Option<&'a str>,
    /// The object key, unencoded.
    pub key: Option<&'a str>,
    /// Query parameters, decoded, in any order.
    pub query: &'a [(&'a str, &'a str)],
    /// The request's headers; those OSS4 signs are picked out.
    pub headers: &'a [(&'a str, &'a str)],
    /// Headers to sign besides those OSS4 always signs (`host`, say), lower case.
    pub additional_headers: &'a [&'a str],
}

/// Where a signature holds: the region and the product (`oss`).
#[derive(Clone, Copy, Debug)]
pub struct Scope<'a> {
    pub region: &'a str,
    pub product: &'a str,
}

/// Every value that went into a signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Oss4Signature {
    pub canonical_request: String,
    pub string_to_sign: String,
    /// Lower-case hex.
    pub signature: String,
    /// `<access key id>/<date>/<region>/<product>/aliyun_v4_request`.
    pub credential: String,
    /// The additional headers signed, sorted and joined by `;` (empty for none).
    pub additional_headers: String,
}

impl Oss4Signature {
    /// The `Authorization` header of a request signed in headers.
    pub fn authorization(&self) -> String {
        self.authorization_separated_by(",")
    }

    /// The `Authorization` header with `separator` between its parts: the official OSS SDK
    /// V2 writes `,`, the OSS gateway `, ` ([`super::oss_gateway`]).
    pub(crate) fn authorization_separated_by(&self, separator: &str) -> String {
        let mut out = format!("{ALGORITHM} Credential={}", self.credential);
        if !self.additional_headers.is_empty() {
            out.push_str(separator);
            out.push_str("AdditionalHeaders=");
            out.push_str(&self.additional_headers);
        }
        out.push_str(separator);
        out.push_str("Signature=");
        out.push_str(&self.signature);
        out
    }
}

/// What differs between the signers of OSS4 in headers.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Signer {
    /// The first host label is a bucket, which the canonical URI starts with (the official
    /// OSS SDK V2); the OSS gateway signs the path alone, whatever the host.
    pub(crate) bucket_in_host: bool,
    /// Between the parts of `Authorization`.
    pub(crate) separator: &'static str,
}

/// The official OSS SDK V2's.
const OSS_SDK: Signer = Signer {
    bucket_in_host: true,
    separator: ",",
};

/// The headers a request signed in headers carries besides its own, as the official SDK
/// writes them; `x-oss-content-sha256` is [`UNSIGNED_PAYLOAD`] and a security token is sent
/// as `x-oss-security-token`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Oss4Headers {
    /// `x-oss-date`: `20240501T083000Z`.
    pub oss_date: String,
    /// `Date`: `Wed, 01 May 2024 08:30:00 GMT`.
    pub date: String,
    pub authorization: String,
}

/// Signs `request` in headers at `now`: the signature covers the request's headers and those
/// of [`Oss4Headers`] (and the security token), which the request must then carry as well.
pub fn sign_headers(
    request: &Oss4Request<'_>,
    scope: Scope<'_>,
    credentials: &Credentials,
    now: SystemTime,
) -> (Oss4Headers, Oss4Signature) {
    let oss_date = iso8601_basic(now);
    let mut headers: Vec<(&str, &str)> = request.headers.to_vec();
    let date = httpdate::fmt_http_date(now);
    headers.extend([
        (X_OSS_DATE.as_str(), oss_date.as_str()),
        (DATE.as_str(), date.as_str()),
        (X_OSS_CONTENT_SHA256.as_str(), UNSIGNED_PAYLOAD),
    ]);
    if let Some(token) = credentials.security_token() {
        headers.push((X_OSS_SECURITY_TOKEN.as_str(), token));
    }
    let additional = additional_headers(request.additional_headers, &headers);
    let signature = signature(
        &Canonical {
            method: request.method,
            uri: &canonical_uri(request.bucket, request.key),
            query: request.query,
            headers: &headers,
            additional: &additional,
        },
        scope,
        credentials,
        &oss_date,
    );
    let authorization = signature.authorization();
    (
        Oss4Headers {
            oss_date,
            date,
            authorization,
        },
        signature,
    )
}

/// A presigned URL's query: `request.query` followed by the signature's parameters, encoded,
/// in the order the official SDK writes them, valid for `expires` from `now`.
pub fn presign(
    request: &Oss4Request<'_>,
    scope: Scope<'_>,
    credentials: &Credentials,
    now: SystemTime,
    expires: Duration,
) -> (String, Oss4Signature) {
    let timestamp = iso8601_basic(now);
    let date = &timestamp[..8];
    let additional = additional_headers(request.additional_headers, request.headers);
    let credential = credential(credentials.access_key_id(), date, scope);
    let expires = expires.as_secs().to_string();
    let additional_joined = additional.join(";");
    let mut query: Vec<(&str, &str)> = request.query.to_vec();
    query.extend([
        ("x-oss-signature-version", ALGORITHM),
        ("x-oss-date", timestamp.as_str()),
        ("x-oss-expires", expires.as_str()),
        ("x-oss-credential", credential.as_str()),
    ]);
    if let Some(token) = credentials.security_token() {
        query.push(("x-oss-security-token", token));
    }
    if !additional.is_empty() {
        query.push(("x-oss-additional-headers", additional_joined.as_str()));
    }
    let signature = signature(
        &Canonical {
            method: request.method,
            uri: &canonical_uri(request.bucket, request.key),
            query: &query,
            headers: request.headers,
            additional: &additional,
        },
        scope,
        credentials,
        &timestamp,
    );
    let mut url_query = String::new();
    for (key, value) in query
        .iter()
        .chain([("x-oss-signature", signature.signature.as_str())].iter())
    {
        if !url_query.is_empty() {
            url_query.push('&');
        }
        percent_encode_into(&mut url_query, key);
        if !value.is_empty() {
            url_query.push('=');
            percent_encode_into(&mut url_query, value);
        }
    }
    (url_query, signature)
}

/// What goes into the canonical request.
struct Canonical<'a> {
    method: &'a str,
    /// Percent-encoded but for `/`.
    uri: &'a str,
    query: &'a [(&'a str, &'a str)],
    headers: &'a [(&'a str, &'a str)],
    additional: &'a [String],
}

/// The signature of `canonical` at `timestamp` (`20240501T083000Z`).
fn signature(
    canonical: &Canonical<'_>,
    scope: Scope<'_>,
    credentials: &Credentials,
    timestamp: &str,
) -> Oss4Signature {
    let date = &timestamp[..8];
    let canonical_request = canonical_request(canonical);
    let credential = credential(credentials.access_key_id(), date, scope);
    let mut string_to_sign = format!(
        "{ALGORITHM}\n{timestamp}\n{}\n",
        &credential[credentials.access_key_id().len() + 1..]
    );
    push_lower_hex(
        &mut string_to_sign,
        &Sha256::digest(canonical_request.as_bytes()),
    );
    let mut key = hmac(
        format!("aliyun_v4{}", credentials.access_key_secret()).as_bytes(),
        date.as_bytes(),
    );
    for part in [scope.region, scope.product, "aliyun_v4_request"] {
        key = hmac(&key, part.as_bytes());
    }
    let mut signature = String::with_capacity(64);
    push_lower_hex(&mut signature, &hmac(&key, string_to_sign.as_bytes()));
    Oss4Signature {
        canonical_request,
        string_to_sign,
        signature,
        credential,
        additional_headers: canonical.additional.join(";"),
    }
}

fn hmac(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

fn credential(access_key_id: &str, date: &str, scope: Scope<'_>) -> String {
    format!(
        "{access_key_id}/{date}/{}/{}/aliyun_v4_request",
        scope.region, scope.product
    )
}

/// Whether OSS4 signs a header whatever the request asks.
fn always_signed(name: &str) -> bool {
    name.starts_with("x-oss-") || name == "content-type" || name == "content-md5"
}

/// The additional headers asked for that `headers` carry with a value, lower case, sorted,
/// once each.
fn additional_headers(asked: &[&str], headers: &[(&str, &str)]) -> Vec<String> {
    let mut names: Vec<String> = asked
        .iter()
        .map(|name| name.to_ascii_lowercase())
        .filter(|name| !always_signed(name))
        .filter(|name| {
            headers
                .iter()
                .any(|(header, value)| header.eq_ignore_ascii_case(name) && !value.is_empty())
        })
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// `/<bucket>/<key>`, percent-encoded but for `/`.
fn canonical_uri(bucket: Option<&str>, key: Option<&str>) -> String {
    let mut uri = String::from("/");
    if let Some(bucket) = bucket {
        percent_encode_into(&mut uri, bucket);
        uri.push('/');
    }
    if let Some(key) = key {
        for (index, segment) in key.split('/').enumerate() {
            if index > 0 {
                uri.push('/');
            }
            percent_encode_into(&mut uri, segment);
        }
    }
    uri
}

fn canonical_request(canonical: &Canonical<'_>) -> String {
    let mut text = String::new();
    text.push_str(canonical.method);
    text.push('\n');
    text.push_str(canonical.uri);
    text.push('\n');

    let mut encoded: Vec<(String, String)> = canonical
        .query
        .iter()
        .map(|(key, value)| {
            let (mut encoded_key, mut encoded_value) = (String::new(), String::new());
            percent_encode_into(&mut encoded_key, key);
            percent_encode_into(&mut encoded_value, value);
            (encoded_key, encoded_value)
        })
        .collect();
    encoded.sort_unstable();
    for (index, (key, value)) in encoded.iter().enumerate() {
        if index > 0 {
            text.push('&');
        }
        text.push_str(key);
        if !value.is_empty() {
            text.push('=');
            text.push_str(value);
        }
    }
    text.push('\n');

    let mut headers: Vec<(String, &str)> = canonical
        .headers
        .iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), *value))
        .filter(|(name, _)| always_signed(name) || canonical.additional.contains(name))
        .collect();
    headers.sort_by(|(a, _), (b, _)| a.cmp(b));
    for (name, value) in &headers {
        text.push_str(name);
        text.push(':');
        text.push_str(value);
        text.push('\n');
    }
    text.push('\n');
    text.push_str(&canonical.additional.join(";"));
    text.push('\n');
    let payload = headers
        .iter()
        .find(|(name, _)| name == X_OSS_CONTENT_SHA256.as_str())
        .map_or(UNSIGNED_PAYLOAD, |(_, value)| value);
    text.push_str(payload);
    text
}

/// `20240501T083000Z`: UTC to the second.
fn iso8601_basic(now: SystemTime) -> String {
    let utc = time::OffsetDateTime::from(now);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        utc.year(),
        u8::from(utc.month()),
        utc.day(),
        utc.hour(),
        utc.minute(),
        utc.second()
    )
}

/// A client's request signed in headers: the bucket is the operation's first host label and
/// the object key its path, as sent (in the host or, path-style, before the path: the
/// canonical URI is `/<bucket>/<key>` either way); the scope's region is the client's.
pub(crate) fn sign(
    unsigned: Unsigned<'_>,
    credentials: &Credentials,
) -> Result<SignedRequest, Error> {
    sign_as(OSS_SDK, unsigned, credentials)
}

/// A client's request signed in headers as `signer` signs.
pub(crate) fn sign_as(
    signer: Signer,
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
    let oss_date = iso8601_basic(now);
    let date = httpdate::fmt_http_date(now);
    let mut signed: Vec<(&str, &str)> = Vec::with_capacity(message.headers.len() + 5);
    signed.extend([
        (X_OSS_DATE.as_str(), oss_date.as_str()),
        (DATE.as_str(), date.as_str()),
        (X_OSS_CONTENT_SHA256.as_str(), UNSIGNED_PAYLOAD),
    ]);
    if let Some(token) = credentials.security_token() {
        signed.push((X_OSS_SECURITY_TOKEN.as_str(), token));
    }
    if let Some(content_type) = message.content_type {
        signed.push((CONTENT_TYPE.as_str(), content_type));
    }
    for (name, _) in message.headers.iter() {
        signed.retain(|(fixed, _)| !fixed.eq_ignore_ascii_case(name));
    }
    signed.extend(message.headers.iter());
    let query: Vec<(&str, &str)> = message.query.iter().collect();
    let mut uri = String::from("/");
    if let Some((_, bucket)) = message.host_labels.iter().next() {
        percent_encode_into(&mut uri, bucket);
    }
    uri.push_str(&message.path);
    let signature = signature(
        &Canonical {
            method: call.method.as_http().as_str(),
            // Under path-style addressing the path starts with the bucket already.
            uri: if !signer.bucket_in_host || message.host_labels.is_empty() || base.path_style {
                &message.path
            } else {
                &uri
            },
            query: &query,
            headers: &signed,
            additional: &[],
        },
        Scope {
            region: &base.region,
            product: PRODUCT,
        },
        credentials,
        &oss_date,
    );
    let request_uri = base.uri(message, &crate::sign::canonical_query(query))?;

    let mut headers = HeaderMap::with_capacity(signed.len() + 2);
    headers.insert(X_OSS_DATE.clone(), given_value(&oss_date, "the date")?);
    headers.insert(DATE, given_value(&date, "the date")?);
    headers.insert(
        X_OSS_CONTENT_SHA256.clone(),
        HeaderValue::from_static(UNSIGNED_PAYLOAD),
    );
    if let Some(token) = credentials.security_token() {
        let token = HeaderValue::from_str(token).map_err(|_| unsendable(credentials))?;
        headers.insert(X_OSS_SECURITY_TOKEN.clone(), token);
    }
    if let Some(content_type) = message.content_type {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    }
    let authorization =
        HeaderValue::try_from(signature.authorization_separated_by(signer.separator))
            .map_err(|_| unsendable(credentials))?;
    finish(
        unsigned,
        SchemeOutput {
            headers,
            authorization: Some(authorization),
            uri: request_uri,
            canonical_request: signature.canonical_request,
            string_to_sign: signature.string_to_sign,
        },
    )
}
