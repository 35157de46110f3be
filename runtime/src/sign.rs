//! ACS3-HMAC-SHA256 request signing (Alibaba Cloud signature V3) and its server-side check.
//!
//! [`sign`] builds the canonical request, the string to sign, the signature and the
//! `Authorization` header for a request; [`verify`] recomputes them for a received request the
//! way the service does, which the test server relies on.
//!
//! Canonicalisation:
//! - query values are percent-encoded as UTF-8, keeping only `A-Z a-z 0-9 - _ . ~`
//!   (space is `%20`); keys are written as given; pairs are sorted by key in byte order;
//! - header names are lower-cased and values trimmed; headers whose names are equal after
//!   lower-casing are merged into one line with their values sorted and joined by `,`;
//! - the payload hash is the lower-case hex SHA-256 of the body.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// Name of the signature algorithm, the first word of the `Authorization` header.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// Header carrying the hex SHA-256 of the request body; the verifier checks it against the body.
pub const CONTENT_SHA256_HEADER: &str = "x-acs-content-sha256";

/// Header carrying the signature.
pub const AUTHORIZATION_HEADER: &str = "authorization";

type HmacSha256 = Hmac<Sha256>;

const LOWER_HEX: &[u8; 16] = b"0123456789abcdef";
const UPPER_HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Hex SHA-256 of an empty body, the payload hash of nearly every RPC call.
pub const EMPTY_PAYLOAD_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Lower-case hex SHA-256 of `data`, as used for the payload hash: for an empty body, the
/// constant [`EMPTY_PAYLOAD_SHA256`], neither hashed nor copied.
pub fn hex_sha256(data: &[u8]) -> Cow<'static, str> {
    if data.is_empty() {
        return Cow::Borrowed(EMPTY_PAYLOAD_SHA256);
    }
    let mut out = String::with_capacity(64);
    push_lower_hex(&mut out, &Sha256::digest(data));
    Cow::Owned(out)
}

pub(crate) fn push_lower_hex(out: &mut String, bytes: &[u8]) {
    for &byte in bytes {
        out.push(char::from(LOWER_HEX[usize::from(byte >> 4)]));
        out.push(char::from(LOWER_HEX[usize::from(byte & 0x0f)]));
    }
}

/// Whether each byte stays as it is in a percent-encoded value: `A-Z a-z 0-9 - _ . ~`.
const UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] =
            (byte as u8).is_ascii_alphanumeric() || matches!(byte as u8, b'-' | b'_' | b'.' | b'~');
        byte += 1;
    }
    table
};

/// `%00%01…%FF`: the escape of byte `b` is at `3 * b`, so that it is appended in one copy.
const PERCENT_ESCAPES: &str = {
    const BYTES: [u8; 768] = {
        let mut bytes = [0u8; 768];
        let mut byte = 0;
        while byte < 256 {
            bytes[3 * byte] = b'%';
            bytes[3 * byte + 1] = UPPER_HEX[byte >> 4];
            bytes[3 * byte + 2] = UPPER_HEX[byte & 0x0f];
            byte += 1;
        }
        bytes
    };
    match std::str::from_utf8(&BYTES) {
        Ok(escapes) => escapes,
        Err(_) => panic!("percent escapes are ASCII"),
    }
};

/// Appends `value` to `out` percent-encoded as UTF-8: `A-Z a-z 0-9 - _ . ~` stay as they are,
/// every other byte becomes `%XX` with upper-case hex (so space is `%20`, never `+`).
pub fn percent_encode_into(out: &mut String, value: &str) {
    out.reserve(value.len());
    let bytes = value.as_bytes();
    // Copies runs of unreserved bytes in one go; such a run is ASCII, so both of its ends
    // are character boundaries.
    let mut run_start = 0;
    for (index, &byte) in bytes.iter().enumerate() {
        if UNRESERVED[usize::from(byte)] {
            continue;
        }
        if run_start < index {
            out.push_str(&value[run_start..index]);
        }
        let escape = 3 * usize::from(byte);
        out.push_str(&PERCENT_ESCAPES[escape..escape + 3]);
        run_start = index + 1;
    }
    if run_start < bytes.len() {
        out.push_str(&value[run_start..]);
    }
}

/// The canonical query string: `key=encoded-value` pairs sorted by key in byte order and joined
/// by `&`. Pairs may come in any order. The same string serves as the URL's query.
pub fn canonical_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut pairs: Vec<(&str, &str)> = pairs.into_iter().collect();
    let mut out = String::new();
    write_canonical_query(&mut out, &mut pairs);
    out
}

fn write_canonical_query(out: &mut String, pairs: &mut [(&str, &str)]) {
    // Sorting whole pairs also orders repeated keys by value, so both ends agree on them.
    pairs.sort_unstable();
    out.reserve(
        pairs
            .iter()
            .map(|(key, value)| key.len() + value.len() + 2)
            .sum(),
    );
    for (index, (key, value)) in pairs.iter().enumerate() {
        if index > 0 {
            out.push('&');
        }
        out.push_str(key);
        out.push('=');
        percent_encode_into(out, value);
    }
}

/// The parts of an HTTP request that the signature covers.
#[derive(Clone, Copy, Debug)]
pub struct SigningRequest<'a> {
    /// HTTP method, upper case (`POST`, `GET`).
    pub method: &'a str,
    /// Path of the URL, used as given (`/` for RPC calls).
    pub path: &'a str,
    /// Query parameters, decoded, in any order.
    pub query: &'a [(&'a str, &'a str)],
    /// Headers. [`sign`] signs every header given; [`verify`] uses those named in the
    /// `Authorization` header.
    pub headers: &'a [(&'a str, &'a str)],
    /// Request body; empty for none.
    pub body: &'a [u8],
}

/// The result of signing a request: every intermediate value, for the request and for debugging.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    /// Method, path, canonical query, canonical headers, signed headers and payload hash,
    /// separated by `\n`.
    pub canonical_request: String,
    /// `ACS3-HMAC-SHA256\n` followed by the hex SHA-256 of the canonical request.
    pub string_to_sign: String,
    /// Lower-case hex HMAC-SHA256 of the string to sign, keyed with the access key secret.
    pub signature: String,
    /// Lower-cased names of the signed headers, sorted and joined by `;`.
    pub signed_headers: String,
    /// The `Authorization` header value.
    pub authorization: String,
    query_range: Range<usize>,
}

impl Signature {
    /// The canonical query string inside the canonical request, ready to use as the URL's query
    /// without encoding the parameters a second time.
    pub fn canonical_query(&self) -> &str {
        &self.canonical_request[self.query_range.clone()]
    }
}

/// Signs `request` with the given credentials, covering every header in `request.headers`.
///
/// The caller is expected to have set `x-acs-content-sha256` (see [`hex_sha256`]) and the other
/// `x-acs-*` headers beforehand, so that they are signed.
pub fn sign(
    request: &SigningRequest<'_>,
    access_key_id: &str,
    access_key_secret: &str,
) -> Signature {
    sign_with_payload_hash(
        request,
        &hex_sha256(request.body),
        access_key_id,
        access_key_secret,
    )
}

/// [`sign`] for a caller that has already hashed the body for `x-acs-content-sha256`:
/// `payload_hash` must be [`hex_sha256`] of `request.body`, or the signature is wrong.
pub fn sign_with_payload_hash(
    request: &SigningRequest<'_>,
    payload_hash: &str,
    access_key_id: &str,
    access_key_secret: &str,
) -> Signature {
    let mut headers: Vec<HeaderLine<'_>> = request.headers.iter().map(HeaderLine::new).collect();
    let canonical = CanonicalRequest::build(request, &mut headers, payload_hash);
    let string_to_sign = string_to_sign(&canonical.text);
    let signature = hex_hmac_sha256(access_key_secret.as_bytes(), string_to_sign.as_bytes());
    let authorization = authorization(access_key_id, &canonical.signed_headers, &signature);
    Signature {
        canonical_request: canonical.text,
        string_to_sign,
        signature,
        signed_headers: canonical.signed_headers,
        authorization,
        query_range: canonical.query_range,
    }
}

/// `ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…`, appended into one allocation
/// of the right size rather than formatted: it is built for every attempt.
fn authorization(access_key_id: &str, signed_headers: &str, signature: &str) -> String {
    const CREDENTIAL: &str = " Credential=";
    const SIGNED_HEADERS: &str = ",SignedHeaders=";
    const SIGNATURE: &str = ",Signature=";
    let mut out = String::with_capacity(
        ALGORITHM.len()
            + CREDENTIAL.len()
            + access_key_id.len()
            + SIGNED_HEADERS.len()
            + signed_headers.len()
            + SIGNATURE.len()
            + signature.len(),
    );
    for part in [
        ALGORITHM,
        CREDENTIAL,
        access_key_id,
        SIGNED_HEADERS,
        signed_headers,
        SIGNATURE,
        signature,
    ] {
        out.push_str(part);
    }
    out
}

fn string_to_sign(canonical_request: &str) -> String {
    let mut out = String::with_capacity(ALGORITHM.len() + 1 + 64);
    out.push_str(ALGORITHM);
    out.push('\n');
    push_lower_hex(&mut out, &Sha256::digest(canonical_request.as_bytes()));
    out
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(message);
    mac
}

fn hex_hmac_sha256(key: &[u8], message: &[u8]) -> String {
    let mut out = String::with_capacity(64);
    push_lower_hex(&mut out, &hmac_sha256(key, message).finalize().into_bytes());
    out
}

/// One header with its name lower-cased and its value trimmed.
struct HeaderLine<'a> {
    name: Cow<'a, str>,
    value: &'a str,
}

impl<'a> HeaderLine<'a> {
    fn new(&(name, value): &(&'a str, &'a str)) -> Self {
        Self {
            name: lower_case(name),
            value: value.trim(),
        }
    }
}

/// Lower-cases without allocating when the name already is (the usual case).
fn lower_case(name: &str) -> Cow<'_, str> {
    if name.is_ascii() && !name.bytes().any(|byte| byte.is_ascii_uppercase()) {
        Cow::Borrowed(name)
    } else {
        Cow::Owned(name.to_lowercase())
    }
}

struct CanonicalRequest {
    text: String,
    signed_headers: String,
    query_range: Range<usize>,
}

impl CanonicalRequest {
    /// Sorts `headers` and builds the canonical request over all of them.
    fn build(
        request: &SigningRequest<'_>,
        headers: &mut [HeaderLine<'_>],
        hashed_payload: &str,
    ) -> Self {
        headers.sort_unstable_by(|a, b| a.name.cmp(&b.name).then_with(|| a.value.cmp(b.value)));

        let mut text = String::with_capacity(estimated_length(request, headers));
        text.push_str(request.method);
        text.push('\n');
        text.push_str(request.path);
        text.push('\n');

        let query_start = text.len();
        if request.query.len() <= SORT_BUFFER_PAIRS {
            let mut buffer = [("", ""); SORT_BUFFER_PAIRS];
            let pairs = &mut buffer[..request.query.len()];
            pairs.copy_from_slice(request.query);
            write_canonical_query(&mut text, pairs);
        } else {
            write_canonical_query(&mut text, &mut request.query.to_vec());
        }
        let query_range = query_start..text.len();
        text.push('\n');

        let mut signed_headers =
            String::with_capacity(headers.iter().map(|line| line.name.len() + 1).sum());
        let mut index = 0;
        while index < headers.len() {
            let name = &headers[index].name;
            text.push_str(name);
            text.push(':');
            if index > 0 {
                signed_headers.push(';');
            }
            signed_headers.push_str(name);
            let mut next = index;
            while next < headers.len() && headers[next].name == *name {
                if next > index {
                    text.push(',');
                }
                text.push_str(headers[next].value);
                next += 1;
            }
            text.push('\n');
            index = next;
        }
        text.push('\n');
        text.push_str(&signed_headers);
        text.push('\n');
        text.push_str(hashed_payload);

        Self {
            text,
            signed_headers,
            query_range,
        }
    }
}

/// Requests with at most this many parameters sort them on the stack.
const SORT_BUFFER_PAIRS: usize = 32;

fn estimated_length(request: &SigningRequest<'_>, headers: &[HeaderLine<'_>]) -> usize {
    let query: usize = request
        .query
        .iter()
        .map(|(key, value)| key.len() + value.len() * 2 + 2)
        .sum();
    let header_lines: usize = headers
        .iter()
        .map(|line| line.name.len() * 2 + line.value.len() + 3)
        .sum();
    request.method.len() + request.path.len() + query + header_lines + 64 + 8
}

/// Why [`verify`] rejected a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VerifyError {
    /// The request has no `Authorization` header.
    MissingAuthorization,
    /// The `Authorization` header is not `ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…`.
    MalformedAuthorization {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The secret lookup knows no such access key id.
    UnknownAccessKey {
        /// The access key id named in the `Authorization` header.
        access_key_id: String,
    },
    /// A header named in `SignedHeaders` is not in the request.
    MissingSignedHeader {
        /// The lower-cased header name.
        name: String,
    },
    /// `x-acs-content-sha256` is missing or is not the hash of the body.
    PayloadHashMismatch {
        /// The header's value, if present.
        declared: Option<String>,
        /// The hex SHA-256 of the body received.
        actual: String,
    },
    /// The signature is not the one computed from the request and the secret.
    SignatureMismatch {
        /// The string to sign as computed on the receiving side.
        string_to_sign: String,
    },
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingAuthorization => f.write_str("the request has no Authorization header"),
            Self::MalformedAuthorization { reason } => {
                write!(f, "malformed Authorization header: {reason}")
            }
            Self::UnknownAccessKey { access_key_id } => {
                write!(f, "unknown access key id {access_key_id:?}")
            }
            Self::MissingSignedHeader { name } => {
                write!(f, "signed header {name:?} is not in the request")
            }
            Self::PayloadHashMismatch {
                declared: Some(declared),
                actual,
            } => write!(
                f,
                "{CONTENT_SHA256_HEADER} is {declared:?} but the body hashes to {actual:?}"
            ),
            Self::PayloadHashMismatch { declared: None, .. } => {
                write!(f, "the request has no {CONTENT_SHA256_HEADER} header")
            }
            Self::SignatureMismatch { string_to_sign } => {
                write!(
                    f,
                    "signature does not match; string to sign is {string_to_sign:?}"
                )
            }
        }
    }
}

impl std::error::Error for VerifyError {}

struct Authorization<'a> {
    access_key_id: &'a str,
    signed_headers: &'a str,
    signature: &'a str,
}

fn parse_authorization(value: &str) -> Result<Authorization<'_>, VerifyError> {
    let malformed = |reason| VerifyError::MalformedAuthorization { reason };
    let fields = value
        .strip_prefix(ALGORITHM)
        .and_then(|rest| rest.strip_prefix(' '))
        .ok_or(malformed("it does not start with \"ACS3-HMAC-SHA256 \""))?;
    let (mut access_key_id, mut signed_headers, mut signature) = (None, None, None);
    for field in fields.split(',') {
        let (name, value) = field
            .trim()
            .split_once('=')
            .ok_or(malformed("a field is not name=value"))?;
        match name {
            "Credential" => access_key_id = Some(value),
            "SignedHeaders" => signed_headers = Some(value),
            "Signature" => signature = Some(value),
            _ => return Err(malformed("unknown field")),
        }
    }
    Ok(Authorization {
        access_key_id: access_key_id.ok_or(malformed("no Credential"))?,
        signed_headers: signed_headers.ok_or(malformed("no SignedHeaders"))?,
        signature: signature.ok_or(malformed("no Signature"))?,
    })
}

fn decode_hex_digest(text: &str) -> Option<[u8; 32]> {
    fn nibble(digit: u8) -> Option<u8> {
        char::from(digit)
            .to_digit(16)
            .and_then(|value| u8::try_from(value).ok())
    }
    let digits = text.as_bytes();
    if digits.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        *byte = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Some(out)
}

/// Checks the ACS3-HMAC-SHA256 signature of a received request.
///
/// `request.headers` holds every header received, `Authorization` included. The check parses the
/// `Authorization` header, looks its access key id up with `secret_for`, requires
/// `x-acs-content-sha256` to be the hash of the body, recomputes the signature over exactly the
/// headers named in `SignedHeaders` and compares it in constant time.
pub fn verify<S: AsRef<str>>(
    request: &SigningRequest<'_>,
    secret_for: impl FnOnce(&str) -> Option<S>,
) -> Result<(), VerifyError> {
    let header_value = |wanted: &str| {
        request
            .headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(wanted))
            .map(|&(_, value)| value)
    };
    let authorization = parse_authorization(
        header_value(AUTHORIZATION_HEADER).ok_or(VerifyError::MissingAuthorization)?,
    )?;
    let secret =
        secret_for(authorization.access_key_id).ok_or_else(|| VerifyError::UnknownAccessKey {
            access_key_id: authorization.access_key_id.to_owned(),
        })?;

    let signed_names: Vec<Cow<'_, str>> = authorization
        .signed_headers
        .split(';')
        .map(lower_case)
        .collect();
    let mut headers: Vec<HeaderLine<'_>> = request
        .headers
        .iter()
        .map(HeaderLine::new)
        .filter(|line| signed_names.contains(&line.name))
        .collect();
    if let Some(missing) = signed_names
        .iter()
        .find(|name| !headers.iter().any(|line| line.name == **name))
    {
        return Err(VerifyError::MissingSignedHeader {
            name: missing.to_string(),
        });
    }

    let actual_payload_hash = hex_sha256(request.body);
    match header_value(CONTENT_SHA256_HEADER) {
        Some(declared) if declared.trim() == actual_payload_hash => {}
        declared => {
            return Err(VerifyError::PayloadHashMismatch {
                declared: declared.map(str::to_owned),
                actual: actual_payload_hash.into_owned(),
            });
        }
    }

    let canonical = CanonicalRequest::build(request, &mut headers, &actual_payload_hash);
    let string_to_sign = string_to_sign(&canonical.text);
    let expected = hmac_sha256(secret.as_ref().as_bytes(), string_to_sign.as_bytes());
    match decode_hex_digest(authorization.signature) {
        Some(received) if expected.verify_slice(&received).is_ok() => Ok(()),
        _ => Err(VerifyError::SignatureMismatch { string_to_sign }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_empty_payload_hash_is_the_hash_of_nothing() {
        let mut computed = String::new();
        push_lower_hex(&mut computed, &Sha256::digest(b""));
        assert_eq!(computed, EMPTY_PAYLOAD_SHA256);
        assert_eq!(hex_sha256(b""), EMPTY_PAYLOAD_SHA256);
        assert_eq!(
            hex_sha256(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn percent_encoding_keeps_only_unreserved_bytes() {
        let mut out = String::new();
        percent_encode_into(&mut out, "aZ09-_.~ +*/%é😀");
        assert_eq!(out, "aZ09-_.~%20%2B%2A%2F%25%C3%A9%F0%9F%98%80");
    }

    #[test]
    fn percent_encoding_appends() {
        let mut out = String::from("k=");
        percent_encode_into(&mut out, "é");
        percent_encode_into(&mut out, "");
        percent_encode_into(&mut out, "x y");
        assert_eq!(out, "k=%C3%A9x%20y");
    }

    #[test]
    fn canonical_query_sorts_by_key_bytes() {
        let query = canonical_query([
            ("b", "2"),
            ("B", "1"),
            ("Filter.2", "x"),
            ("Filter.10", "y"),
        ]);
        assert_eq!(query, "B=1&Filter.10=y&Filter.2=x&b=2");
        assert_eq!(canonical_query([]), "");
    }

    #[test]
    fn canonical_query_beyond_the_stack_buffer_matches_the_small_path() {
        let keys: Vec<String> = (0..SORT_BUFFER_PAIRS * 2)
            .rev()
            .map(|n| format!("K{n:03}"))
            .collect();
        let pairs: Vec<(&str, &str)> = keys.iter().map(|key| (key.as_str(), "v w")).collect();
        let request = SigningRequest {
            method: "GET",
            path: "/",
            query: &pairs,
            headers: &[],
            body: b"",
        };
        let signature = sign(&request, "id", "secret");
        assert_eq!(
            signature.canonical_query(),
            canonical_query(pairs.iter().copied())
        );
        assert!(
            signature
                .canonical_query()
                .starts_with("K000=v%20w&K001=v%20w&")
        );
    }

    #[test]
    fn duplicate_header_names_merge_with_sorted_values() {
        let request = SigningRequest {
            method: "POST",
            path: "/",
            query: &[],
            headers: &[("X-B", " 2 "), ("x-a", "z"), ("x-b", "1"), ("X-A", "y")],
            body: b"",
        };
        let signature = sign(&request, "id", "secret");
        assert_eq!(signature.signed_headers, "x-a;x-b");
        assert_eq!(
            signature.canonical_request,
            format!(
                "POST\n/\n\nx-a:y,z\nx-b:1,2\n\nx-a;x-b\n{}",
                hex_sha256(b"")
            )
        );
    }

    #[test]
    fn hex_digest_decoding_rejects_bad_input() {
        let digest = "00ff".repeat(16);
        assert_eq!(decode_hex_digest(&digest).map(|bytes| bytes[1]), Some(0xff));
        assert_eq!(
            decode_hex_digest(&digest.to_uppercase()).map(|bytes| bytes[1]),
            Some(0xff)
        );
        assert_eq!(decode_hex_digest(&digest[2..]), None);
        assert_eq!(decode_hex_digest(&"zz".repeat(32)), None);
    }

    #[test]
    fn authorization_parsing_names_the_problem() {
        let reason = |value| match parse_authorization(value) {
            Err(VerifyError::MalformedAuthorization { reason }) => reason,
            _ => "parsed",
        };
        assert_eq!(
            reason("HMAC-SHA1 Credential=a"),
            "it does not start with \"ACS3-HMAC-SHA256 \""
        );
        assert_eq!(
            reason("ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host"),
            "no Signature"
        );
        assert_eq!(
            reason("ACS3-HMAC-SHA256 Credential"),
            "a field is not name=value"
        );
        assert_eq!(
            reason("ACS3-HMAC-SHA256 Credential=a, SignedHeaders=h, Signature=s"),
            "parsed"
        );
    }
}
