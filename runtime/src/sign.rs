//! ACS3-HMAC-SHA256 request signing (Alibaba Cloud signature V3).
//!
//! [`sign`] builds the canonical request, the string to sign, the signature and the
//! `Authorization` header for a request. The test server (`acs-test-server`) checks signatures
//! with its own implementation, so that a mistake here is not repeated there.
//!
//! Canonicalisation:
//! - query values are percent-encoded as UTF-8, keeping only `A-Z a-z 0-9 - _ . ~`
//!   (space is `%20`); keys are written as given; pairs are sorted by key in byte order;
//! - header names are lower-cased and values trimmed; headers whose names are equal after
//!   lower-casing are merged into one line with their values sorted and joined by `,`;
//! - the payload hash is the lower-case hex SHA-256 of the body.

use std::borrow::Cow;
use std::ops::Range;

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// Name of the signature algorithm, the first word of the `Authorization` header.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// Header carrying the hex SHA-256 of the request body, which the service checks against the body.
pub const CONTENT_SHA256_HEADER: &str = "x-acs-content-sha256";

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
    /// Headers; [`sign`] signs every header given.
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
    /// The `Authorization` header value.
    pub authorization: String,
    query_range: Range<usize>,
    signed_headers_range: Range<usize>,
}

impl Signature {
    /// The canonical query string inside the canonical request, ready to use as the URL's query
    /// without encoding the parameters a second time.
    pub fn canonical_query(&self) -> &str {
        &self.canonical_request[self.query_range.clone()]
    }

    /// Lower-cased names of the signed headers, sorted and joined by `;`: a line of the
    /// canonical request.
    pub fn signed_headers(&self) -> &str {
        &self.canonical_request[self.signed_headers_range.clone()]
    }

    /// Lower-case hex HMAC-SHA256 of the string to sign, keyed with the access key secret:
    /// the end of the `Authorization` value.
    pub fn signature(&self) -> &str {
        &self.authorization[self.authorization.len() - SIGNATURE_HEX_LEN..]
    }
}

/// Hex digits of an HMAC-SHA256.
const SIGNATURE_HEX_LEN: usize = 64;

/// An access key secret as an HMAC-SHA256 key: the hash state after its inner and outer pads,
/// which every signature with the secret starts from (`Credentials` keeps one).
#[derive(Clone)]
pub(crate) struct SigningKey(HmacSha256);

impl SigningKey {
    pub(crate) fn new(access_key_secret: &str) -> Self {
        SigningKey(
            HmacSha256::new_from_slice(access_key_secret.as_bytes())
                .expect("HMAC takes keys of any length"),
        )
    }

    /// The HMAC-SHA256 of `message` under this key.
    fn mac(&self, message: &[u8]) -> [u8; 32] {
        let mut mac = self.0.clone();
        mac.update(message);
        mac.finalize().into_bytes().into()
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
    sign_with_key(
        request,
        &hex_sha256(request.body),
        access_key_id,
        &SigningKey::new(access_key_secret),
    )
}

/// [`sign`] with the secret's key made already, for a caller that has already hashed the
/// body for `x-acs-content-sha256`: `payload_hash` must be [`hex_sha256`] of `request.body`,
/// or the signature is wrong.
pub(crate) fn sign_with_key(
    request: &SigningRequest<'_>,
    payload_hash: &str,
    access_key_id: &str,
    key: &SigningKey,
) -> Signature {
    let mut headers: Vec<HeaderLine<'_>> = request.headers.iter().map(HeaderLine::new).collect();
    let canonical = CanonicalRequest::build(request, &mut headers, payload_hash);
    let string_to_sign = string_to_sign(&canonical.text);
    let authorization = authorization(
        access_key_id,
        &canonical.text[canonical.signed_headers_range.clone()],
        &key.mac(string_to_sign.as_bytes()),
    );
    Signature {
        canonical_request: canonical.text,
        string_to_sign,
        authorization,
        query_range: canonical.query_range,
        signed_headers_range: canonical.signed_headers_range,
    }
}

/// `ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…`, appended into one allocation
/// of the right size rather than formatted: it is built for every attempt.
fn authorization(access_key_id: &str, signed_headers: &str, signature: &[u8]) -> String {
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
            + SIGNATURE_HEX_LEN,
    );
    for part in [
        ALGORITHM,
        CREDENTIAL,
        access_key_id,
        SIGNED_HEADERS,
        signed_headers,
        SIGNATURE,
    ] {
        out.push_str(part);
    }
    push_lower_hex(&mut out, signature);
    out
}

fn string_to_sign(canonical_request: &str) -> String {
    let mut out = String::with_capacity(ALGORITHM.len() + 1 + 64);
    out.push_str(ALGORITHM);
    out.push('\n');
    push_lower_hex(&mut out, &Sha256::digest(canonical_request.as_bytes()));
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
    query_range: Range<usize>,
    signed_headers_range: Range<usize>,
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

        // One line per name, the values of a repeated name joined by `,`.
        for (index, line) in headers.iter().enumerate() {
            let repeated = index > 0 && headers[index - 1].name == line.name;
            if repeated {
                text.pop();
                text.push(',');
            } else {
                text.push_str(&line.name);
                text.push(':');
            }
            text.push_str(line.value);
            text.push('\n');
        }
        text.push('\n');
        let signed_headers_start = text.len();
        for (index, line) in headers.iter().enumerate() {
            if index > 0 && headers[index - 1].name == line.name {
                continue;
            }
            if index > 0 {
                text.push(';');
            }
            text.push_str(&line.name);
        }
        let signed_headers_range = signed_headers_start..text.len();
        text.push('\n');
        text.push_str(hashed_payload);

        Self {
            text,
            query_range,
            signed_headers_range,
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
        assert_eq!(signature.signed_headers(), "x-a;x-b");
        assert_eq!(
            signature.canonical_request,
            format!(
                "POST\n/\n\nx-a:y,z\nx-b:1,2\n\nx-a;x-b\n{}",
                hex_sha256(b"")
            )
        );
    }
}
