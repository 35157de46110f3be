//! ACS3-HMAC-SHA256, Alibaba Cloud's signature V3, as the official SDKs send it: the
//! `x-acs-*` headers of the call (action, version, date, nonce, the body's hash, the security
//! token) and the `Authorization` over them ([`crate::sign`] holds the algorithm).

use std::fmt::Write as _;
use std::time::SystemTime;

use http::header::{ACCEPT, CONTENT_TYPE};
use http::{HeaderMap, HeaderName, HeaderValue};

use super::{SchemeOutput, Unsigned, finish, generated_value, given_value, unsendable};
use crate::attempt::SignedRequest;
use crate::credentials::Credentials;
use crate::error::Error;
use crate::sign;

// Statics rather than constants, so that their names are `&'static str` for the signature
// and each request's copy shares the static bytes.
static X_ACS_ACTION: HeaderName = HeaderName::from_static("x-acs-action");
static X_ACS_CONTENT_SHA256: HeaderName = HeaderName::from_static(sign::CONTENT_SHA256_HEADER);
static X_ACS_DATE: HeaderName = HeaderName::from_static("x-acs-date");
static X_ACS_SIGNATURE_NONCE: HeaderName = HeaderName::from_static("x-acs-signature-nonce");
static X_ACS_VERSION: HeaderName = HeaderName::from_static("x-acs-version");
static X_ACS_SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-acs-security-token");

/// Asked for in `accept`, as the official SDKs do: some services answer XML otherwise.
const JSON_MEDIA_TYPE: &str = "application/json";

// Header values every call sends, checked once at compile time rather than at each attempt.
static JSON_MEDIA_TYPE_VALUE: HeaderValue = HeaderValue::from_static(JSON_MEDIA_TYPE);
static EMPTY_PAYLOAD_SHA256_VALUE: HeaderValue =
    HeaderValue::from_static(sign::EMPTY_PAYLOAD_SHA256);

/// The request with the headers ACS3 signs, signed with `credentials` when given: without,
/// it has neither a security token nor an `Authorization`, as `tea-openapi`'s `do_request`
/// sends an `Anonymous` call (the canonical request is still made, for the URL's query and
/// for `--dry-run`).
pub(crate) fn request(
    unsigned: Unsigned<'_>,
    credentials: Option<&Credentials>,
) -> Result<SignedRequest, Error> {
    let Unsigned {
        call,
        base,
        message,
        now,
        nonce,
    } = unsigned;
    let date = format_date(now);
    let payload_hash = sign::hex_sha256(&message.body);
    let security_token = credentials.and_then(Credentials::security_token);
    let mut signed_headers: Vec<(&str, &str)> = Vec::with_capacity(9 + message.headers.len());
    signed_headers.extend([
        ("host", message.authority(base)),
        (ACCEPT.as_str(), JSON_MEDIA_TYPE),
        (X_ACS_ACTION.as_str(), call.action),
        (X_ACS_CONTENT_SHA256.as_str(), &payload_hash),
        (X_ACS_DATE.as_str(), &date),
        (X_ACS_SIGNATURE_NONCE.as_str(), nonce),
        (X_ACS_VERSION.as_str(), base.api_version),
    ]);
    if let Some(token) = security_token {
        signed_headers.push((X_ACS_SECURITY_TOKEN.as_str(), token));
    }
    if let Some(content_type) = message.content_type {
        signed_headers.push((CONTENT_TYPE.as_str(), content_type));
    }
    // A header parameter of the operation (a `Content-Type` of its own, say) replaces the
    // client's header of that name, in the signature as on the wire.
    for (name, _) in message.headers.iter() {
        signed_headers.retain(|(fixed, _)| !fixed.eq_ignore_ascii_case(name));
    }
    signed_headers.extend(message.headers.iter());
    let query_pairs: Vec<(&str, &str)> = message.query.iter().collect();
    let anonymous_key;
    let (access_key_id, key) = match credentials {
        Some(credentials) => (credentials.access_key_id(), credentials.acs3_key()),
        None => {
            anonymous_key = sign::SigningKey::new("");
            ("", &anonymous_key)
        }
    };
    let signature = sign::sign_with_key(
        &sign::SigningRequest {
            method: call.method.as_http().as_str(),
            path: &message.path,
            query: &query_pairs,
            headers: &signed_headers,
            body: &message.body,
        },
        &payload_hash,
        access_key_id,
        key,
    );

    let uri = base.uri(message, signature.canonical_query())?;
    let sign::Signature {
        canonical_request,
        string_to_sign,
        authorization,
        ..
    } = signature;

    // The same headers in the same order, but `host`, which the HTTP client writes from
    // the URI, and the operation's header parameters, which `finish` adds.
    let mut headers = HeaderMap::with_capacity(signed_headers.len() + 2);
    headers.insert(ACCEPT, JSON_MEDIA_TYPE_VALUE.clone());
    headers.insert(
        X_ACS_ACTION.clone(),
        given_value(call.action, "the action name")?,
    );
    let payload_hash = if message.body.is_empty() {
        EMPTY_PAYLOAD_SHA256_VALUE.clone()
    } else {
        generated_value(payload_hash)
    };
    headers.insert(X_ACS_CONTENT_SHA256.clone(), payload_hash);
    headers.insert(X_ACS_DATE.clone(), generated_value(date.into()));
    headers.insert(
        X_ACS_SIGNATURE_NONCE.clone(),
        given_value(nonce, "the signature nonce")?,
    );
    headers.insert(X_ACS_VERSION.clone(), base.api_version_header.clone());
    if let (Some(token), Some(credentials)) = (security_token, credentials) {
        let token = HeaderValue::from_str(token).map_err(|_| unsendable(credentials))?;
        headers.insert(X_ACS_SECURITY_TOKEN.clone(), token);
    }
    if let Some(content_type) = message.content_type {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    }
    let authorization = match credentials {
        Some(credentials) => {
            Some(HeaderValue::try_from(authorization).map_err(|_| unsendable(credentials))?)
        }
        None => None,
    };
    finish(
        unsigned,
        SchemeOutput {
            headers,
            authorization,
            uri,
            canonical_request,
            string_to_sign,
        },
    )
}

/// `x-acs-date`: UTC to the second, `2024-05-01T08:30:00Z`. The two-digit fields are
/// appended as digits rather than formatted, as this runs for every attempt.
pub(crate) fn format_date(now: SystemTime) -> String {
    let utc = time::OffsetDateTime::from(now);
    let mut date = String::with_capacity(20);
    write!(date, "{:04}", utc.year()).expect("writing to a String cannot fail");
    let (hour, minute, second) = utc.to_hms();
    for (separator, field) in [
        ('-', u8::from(utc.month())),
        ('-', utc.day()),
        ('T', hour),
        (':', minute),
        (':', second),
    ] {
        date.push(separator);
        date.push(char::from(b'0' + field / 10));
        date.push(char::from(b'0' + field % 10));
    }
    date.push('Z');
    date
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn dates_are_utc_seconds() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_714_552_200);
        assert_eq!(format_date(at), "2024-05-01T08:30:00Z");
        let later = SystemTime::UNIX_EPOCH + Duration::new(4_102_444_799, 999_999_999);
        assert_eq!(format_date(later), "2099-12-31T23:59:59Z");
        assert_eq!(format_date(SystemTime::UNIX_EPOCH), "1970-01-01T00:00:00Z");
    }
}
