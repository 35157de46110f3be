//! The v2 signature of RPC calls, which the official SDKs of older products still send
//! (`tea-openapi`'s `do_rpcrequest`, taken by clients generated without ACS3, and by those
//! that set `_signature_algorithm = 'v2'`): the call and its signature travel in the query.
//!
//! ```text
//! Action, Format=json, Version, Timestamp, SignatureNonce, the call's query parameters,
//! [SecurityToken], SignatureMethod=HMAC-SHA1, SignatureVersion=1.0, AccessKeyId, Signature
//! ```
//!
//! `Signature` is the base64 HMAC-SHA1, keyed with `<secret>&`, of
//! `METHOD&%2F&<percent-encoded canonical query>`, the canonical query being every query
//! parameter and form field (a form field replaces a query parameter of its name), sorted by
//! key, keys and values percent-encoded (RFC 3986). The only headers are `x-acs-version`,
//! `x-acs-action` and the body's `content-type`: no date, nonce or hash header, no
//! `Authorization`. An anonymous call goes without the parameters from `SecurityToken` on.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use http::header::CONTENT_TYPE;
use http::{HeaderMap, HeaderName, HeaderValue};
use sha1::Sha1;

use super::{SchemeOutput, Unsigned, acs3, digest_of, finish, given_value};
use crate::attempt::SignedRequest;
use crate::credentials::Credentials;
use crate::error::{BuildError, Error};
use crate::sign::percent_encode_into;

static X_ACS_ACTION: HeaderName = HeaderName::from_static("x-acs-action");
static X_ACS_VERSION: HeaderName = HeaderName::from_static("x-acs-version");

/// What `string_to_sign` (for `--dry-run`) starts with.
const ALGORITHM: &str = "HMAC-SHA1";
const SIGNATURE_VERSION: &str = "1.0";

/// `METHOD&%2F&<percent-encoded canonical query>` over `pairs`, which hold every signed
/// parameter once.
pub fn string_to_sign(method: &str, pairs: &[(&str, &str)]) -> String {
    let mut sorted = pairs.to_vec();
    sorted.sort_unstable();
    let query = encoded_query(&sorted);
    let mut text = format!("{method}&%2F&");
    percent_encode_into(&mut text, &query);
    text
}

/// The base64 HMAC-SHA1 of `string_to_sign`, keyed with `<secret>&`.
pub fn signature(access_key_secret: &str, string_to_sign: &str) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(format!("{access_key_secret}&").as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(string_to_sign.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// `key=value` pairs joined by `&`, keys and values percent-encoded, in the order given.
fn encoded_query(pairs: &[(&str, &str)]) -> String {
    let mut query = String::new();
    for (index, (key, value)) in pairs.iter().enumerate() {
        if index > 0 {
            query.push('&');
        }
        percent_encode_into(&mut query, key);
        query.push('=');
        percent_encode_into(&mut query, value);
    }
    query
}

/// A parameter of the call replaces the signature's of the same name, as it does in the
/// official SDK's map of query parameters.
fn set<'a>(pairs: &mut Vec<(&'a str, &'a str)>, key: &'a str, value: &'a str) {
    pairs.retain(|(existing, _)| *existing != key);
    pairs.push((key, value));
}

/// The request with the call in its query, signed with `credentials` when given.
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
    let timestamp = acs3::format_date(now);
    let mut query: Vec<(&str, &str)> = vec![
        ("Action", call.action),
        ("Format", "json"),
        ("Version", base.api_version),
        ("Timestamp", &timestamp),
        ("SignatureNonce", nonce),
    ];
    for (key, value) in message.query.iter() {
        set(&mut query, key, value);
    }
    let method = call.method.as_http();
    let mut string_to_sign = String::new();
    let signature;
    if let Some(credentials) = credentials {
        if let Some(token) = credentials.security_token() {
            set(&mut query, "SecurityToken", token);
        }
        set(&mut query, "SignatureMethod", ALGORITHM);
        set(&mut query, "SignatureVersion", SIGNATURE_VERSION);
        set(&mut query, "AccessKeyId", credentials.access_key_id());
        let mut signed = query.clone();
        for (key, value) in message.form.iter() {
            set(&mut signed, key, value);
        }
        string_to_sign = self::string_to_sign(method.as_str(), &signed);
        signature = self::signature(credentials.access_key_secret(), &string_to_sign);
        set(&mut query, "Signature", &signature);
    }
    query.sort_unstable();

    // The path from the base, then this scheme's query, every key encoded.
    let mut uri = base.uri(message, "")?.into_parts();
    let path_and_query = format!("{}?{}", message.path, encoded_query(&query));
    uri.path_and_query = Some(crate::request::path_and_query_part(path_and_query)?);
    let uri = http::Uri::from_parts(uri).map_err(|_| {
        Error::Build(BuildError::Encode(
            "the path or query holds characters a URL cannot carry".into(),
        ))
    })?;

    let mut headers = HeaderMap::with_capacity(message.headers.len() + 4);
    headers.insert(X_ACS_VERSION.clone(), base.api_version_header.clone());
    headers.insert(
        X_ACS_ACTION.clone(),
        given_value(call.action, "the action name")?,
    );
    if let Some(content_type) = message.content_type {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    }
    finish(
        unsigned,
        SchemeOutput {
            headers,
            authorization: None,
            uri,
            string_to_sign: digest_of(ALGORITHM, &string_to_sign),
            canonical_request: string_to_sign,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of Alibaba Cloud's documentation of the v2 signature ("Signature
    /// algorithm of RPC APIs"), key `testsecret`.
    #[test]
    fn the_documented_example_signs_as_documented() {
        let pairs = [
            ("AccessKeyId", "testid"),
            ("Action", "DescribeRegions"),
            ("Format", "XML"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
            ("SignatureVersion", "1.0"),
            ("Timestamp", "2016-02-23T12:46:24Z"),
            ("Version", "2014-05-26"),
        ];
        let text = string_to_sign("GET", &pairs);
        assert_eq!(
            text,
            "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML\
             %26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf\
             %26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z\
             %26Version%3D2014-05-26"
        );
        assert_eq!(
            signature("testsecret", &text),
            "OLeaidS1JvxuMvnyHOwuJ+uX5qY="
        );
    }
}
