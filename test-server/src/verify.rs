//! The server's own check of an ACS3-HMAC-SHA256 signature, written from the algorithm's
//! description (see `tests/fixtures/README.md` of the shared vectors) and not from the client's
//! signer: a mistake made in one is then caught by the other. It favours plainness over speed:
//! every step builds its own `String`.
//!
//! The check takes the request as it arrived: the path as sent (percent-encoded, which is the
//! canonical URI), the raw query string (decoded here, then encoded again the canonical way),
//! every header received and the body.
//!
//! A signature proves only what it covers, so the request must sign what says what it asks
//! and when: `host`, `x-acs-action`, `x-acs-version`, `x-acs-date`, `x-acs-signature-nonce`,
//! `x-acs-content-sha256`, `content-type` when it comes with a body (a body of bytes may come
//! without one), and every other `x-acs-*` header it carries (the security token among them).
//! The official SDKs sign all of these (`tests/fixtures/official/vectors.json`). Whether the date is current and the nonce new is
//! the server's to judge, with its clock and memory (`freshness.rs`).

use std::collections::BTreeSet;
use std::fmt;
use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use http::HeaderMap;
use sha2::{Digest, Sha256};

const ALGORITHM: &str = "ACS3-HMAC-SHA256";
const CONTENT_SHA256: &str = "x-acs-content-sha256";

/// Headers every signed request must sign, whether it carries them or not.
const ALWAYS_SIGNED: [&str; 6] = [
    "host",
    "x-acs-action",
    "x-acs-version",
    "x-acs-date",
    "x-acs-signature-nonce",
    CONTENT_SHA256,
];

/// A request as the server received it.
#[derive(Clone, Copy, Debug)]
pub struct Received<'a> {
    pub method: &'a str,
    /// The path as sent, still percent-encoded.
    pub path: &'a str,
    /// The query string as sent, without the `?`.
    pub query: &'a str,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

/// Why a signature was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VerifyError {
    /// The request has no `Authorization` header.
    MissingAuthorization,
    /// The `Authorization` header is not `ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…`.
    MalformedAuthorization {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The server knows no such access key id.
    UnknownAccessKey {
        /// The access key id named in the `Authorization` header.
        access_key_id: String,
    },
    /// A header named in `SignedHeaders` is not in the request.
    MissingSignedHeader {
        /// The header's name, lower-cased.
        name: String,
    },
    /// `SignedHeaders` leaves out headers that must be signed: `host`, every `x-acs-*` header
    /// it was sent (the action, version, date, nonce, payload hash and security token among
    /// them) and `content-type` when there is a body.
    UnsignedHeaders {
        /// Their names, lower-cased, in byte order.
        names: Vec<String>,
    },
    /// `x-acs-content-sha256` is missing or is not the hash of the body.
    PayloadHashMismatch {
        /// The header's value, if present.
        declared: Option<String>,
        /// The hex SHA-256 of the body received.
        actual: String,
    },
    /// The signature is not the one the server computes.
    SignatureMismatch {
        /// The string to sign as the server computed it.
        string_to_sign: String,
    },
    /// `x-acs-date` is not a date such as `2024-05-01T08:30:00Z`.
    MalformedDate {
        /// The header's value.
        date: String,
    },
    /// `x-acs-date` is further from the server's clock than the window allows.
    StaleDate {
        /// The header's value.
        date: String,
        /// How far from the server's clock a date may be.
        window: Duration,
    },
    /// `x-acs-signature-nonce` was used by an earlier request within the window.
    NonceReused {
        /// The nonce.
        nonce: String,
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
            Self::UnsignedHeaders { names } => write!(
                f,
                "SignedHeaders leaves out {}: host, x-acs-action, x-acs-version, x-acs-date, \
                 x-acs-signature-nonce, x-acs-content-sha256, content-type with a body and \
                 every x-acs-* header sent must be signed",
                names.join(", ")
            ),
            Self::PayloadHashMismatch {
                declared: Some(declared),
                actual,
            } => write!(
                f,
                "{CONTENT_SHA256} is {declared:?} but the body hashes to {actual:?}"
            ),
            Self::PayloadHashMismatch { declared: None, .. } => {
                write!(f, "the request has no {CONTENT_SHA256} header")
            }
            Self::SignatureMismatch { string_to_sign } => {
                write!(
                    f,
                    "signature does not match; string to sign is {string_to_sign:?}"
                )
            }
            Self::MalformedDate { date } => {
                write!(
                    f,
                    "x-acs-date {date:?} is not a date such as 2024-05-01T08:30:00Z"
                )
            }
            Self::StaleDate { date, window } => write!(
                f,
                "x-acs-date {date:?} is more than {} s from the server's clock",
                window.as_secs()
            ),
            Self::NonceReused { nonce } => {
                write!(f, "x-acs-signature-nonce {nonce:?} was used already")
            }
        }
    }
}

impl std::error::Error for VerifyError {}

/// The three fields of an `Authorization` header.
#[derive(Debug, PartialEq, Eq)]
struct Authorization<'a> {
    access_key_id: &'a str,
    signed_headers: Vec<String>,
    signature: &'a str,
}

/// Checks the signature of `request`, looking its access key's secret up with `secret_for`:
/// that it signs every header it must, that `x-acs-content-sha256` is the body's hash, and
/// that the signature is the one the secret makes. The date and nonce are checked by the
/// server, which has a clock and remembers nonces.
pub fn verify(
    request: &Received<'_>,
    secret_for: impl FnOnce(&str) -> Option<String>,
) -> Result<(), VerifyError> {
    let header = request
        .headers
        .get("authorization")
        .ok_or(VerifyError::MissingAuthorization)?;
    let header = header
        .to_str()
        .map_err(|_| VerifyError::MalformedAuthorization {
            reason: "it is not text",
        })?;
    let authorization = parse_authorization(header)?;
    let secret =
        secret_for(authorization.access_key_id).ok_or_else(|| VerifyError::UnknownAccessKey {
            access_key_id: authorization.access_key_id.to_string(),
        })?;

    let unsigned = unsigned_headers(request, &authorization.signed_headers);
    if !unsigned.is_empty() {
        return Err(VerifyError::UnsignedHeaders { names: unsigned });
    }

    let body_hash = hex(&Sha256::digest(request.body));
    let declared = request
        .headers
        .get(CONTENT_SHA256)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).trim().to_string());
    if declared.as_deref() != Some(body_hash.as_str()) {
        return Err(VerifyError::PayloadHashMismatch {
            declared,
            actual: body_hash,
        });
    }

    let canonical = canonical_request(request, &authorization.signed_headers, &body_hash)?;
    let string_to_sign = format!(
        "{ALGORITHM}\n{}",
        hex(&Sha256::digest(canonical.as_bytes()))
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(string_to_sign.as_bytes());
    match unhex(authorization.signature) {
        // `verify_slice` compares in constant time.
        Some(signature) if mac.verify_slice(&signature).is_ok() => Ok(()),
        _ => Err(VerifyError::SignatureMismatch { string_to_sign }),
    }
}

/// The headers `request` must sign that `signed` leaves out, in byte order.
fn unsigned_headers(request: &Received<'_>, signed: &[String]) -> Vec<String> {
    let mut required: BTreeSet<&str> = ALWAYS_SIGNED.into_iter().collect();
    // Header names arrive lower-cased (`http` keeps them so).
    for name in request.headers.keys() {
        let name = name.as_str();
        if name.starts_with("x-acs-") || (name == "content-type" && !request.body.is_empty()) {
            required.insert(name);
        }
    }
    required
        .into_iter()
        .filter(|name| !signed.iter().any(|signed| signed == name))
        .map(str::to_owned)
        .collect()
}

/// `method \n path \n canonical query \n canonical headers \n signed headers \n body hash`;
/// each canonical header line ends in `\n`, so an empty line precedes the signed headers.
fn canonical_request(
    request: &Received<'_>,
    signed_headers: &[String],
    body_hash: &str,
) -> Result<String, VerifyError> {
    let mut lines = vec![
        request.method.to_string(),
        request.path.to_string(),
        canonical_query(request.query),
    ];
    let mut header_block = String::new();
    for name in signed_headers {
        let mut values: Vec<String> = request
            .headers
            .get_all(name.as_str())
            .iter()
            .map(|value| String::from_utf8_lossy(value.as_bytes()).trim().to_string())
            .collect();
        if values.is_empty() {
            return Err(VerifyError::MissingSignedHeader { name: name.clone() });
        }
        values.sort();
        header_block.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    lines.push(header_block);
    lines.push(signed_headers.join(";"));
    lines.push(body_hash.to_string());
    Ok(lines.join("\n"))
}

/// The query's pairs, decoded, sorted, each value encoded again: `key=value&…`. Keys are
/// written as they decode, which is what the signer does with them.
fn canonical_query(raw: &str) -> String {
    let mut pairs = crate::decode_query(raw);
    pairs.sort();
    let encoded: Vec<String> = pairs
        .into_iter()
        .map(|(key, value)| format!("{key}={}", encode(&value)))
        .collect();
    encoded.join("&")
}

/// RFC 3986 percent-encoding of UTF-8: only `A-Z a-z 0-9 - _ . ~` stay.
pub(crate) fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn parse_authorization(value: &str) -> Result<Authorization<'_>, VerifyError> {
    let malformed = |reason| VerifyError::MalformedAuthorization { reason };
    let Some(fields) = value.strip_prefix("ACS3-HMAC-SHA256 ") else {
        return Err(malformed("it does not start with \"ACS3-HMAC-SHA256 \""));
    };
    let (mut access_key_id, mut signed_headers, mut signature) = (None, None, None);
    for field in fields.split(',') {
        match field.trim().split_once('=') {
            Some(("Credential", value)) => access_key_id = Some(value),
            Some(("SignedHeaders", value)) => {
                signed_headers = Some(value.split(';').map(str::to_lowercase).collect())
            }
            Some(("Signature", value)) => signature = Some(value),
            Some(_) => return Err(malformed("unknown field")),
            None => return Err(malformed("a field is not name=value")),
        }
    }
    Ok(Authorization {
        access_key_id: access_key_id.ok_or(malformed("no Credential"))?,
        signed_headers: signed_headers.ok_or(malformed("no SignedHeaders"))?,
        signature: signature.ok_or(malformed("no Signature"))?,
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// 64 hex digits (either case) as 32 bytes; `None` for anything else.
fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() != 64 || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|at| u8::from_str_radix(&text[at..at + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
            reason("ACS3-HMAC-SHA256 Credential=a,Other=b"),
            "unknown field"
        );
        assert_eq!(
            parse_authorization(
                "ACS3-HMAC-SHA256 Credential=a, SignedHeaders=Host;X-Acs-Date, Signature=s"
            ),
            Ok(Authorization {
                access_key_id: "a",
                signed_headers: vec!["host".into(), "x-acs-date".into()],
                signature: "s",
            })
        );
    }

    #[test]
    fn hex_digests_decode_in_either_case_and_nothing_else() {
        let digest = "00ff".repeat(16);
        assert_eq!(unhex(&digest).map(|bytes| bytes[1]), Some(0xff));
        assert_eq!(
            unhex(&digest.to_uppercase()).map(|bytes| bytes[1]),
            Some(0xff)
        );
        assert_eq!(unhex(&digest[2..]), None);
        assert_eq!(unhex(&"zz".repeat(32)), None);
        assert_eq!(unhex(&"é".repeat(32)), None);
    }

    #[test]
    fn the_canonical_query_is_decoded_sorted_and_encoded_again() {
        assert_eq!(
            canonical_query("b=2&B=1&Filter.2=x&Filter.10=a+b%2A&e="),
            "B=1&Filter.10=a%20b%2A&Filter.2=x&b=2&e="
        );
        assert_eq!(canonical_query(""), "");
        assert_eq!(encode("aZ09-_.~ +*/%é"), "aZ09-_.~%20%2B%2A%2F%25%C3%A9");
    }

    #[test]
    fn every_header_that_must_be_signed_is_named_when_left_out() {
        let mut headers = HeaderMap::new();
        for name in [
            "host",
            "x-acs-action",
            "x-acs-version",
            "x-acs-date",
            "x-acs-signature-nonce",
            "x-acs-content-sha256",
            "x-acs-security-token",
            "x-acs-custom",
            "content-type",
            "user-agent",
        ] {
            headers.insert(name, "v".parse().unwrap());
        }
        let with_body = Received {
            method: "POST",
            path: "/",
            query: "",
            headers: &headers,
            body: b"a=1",
        };
        let all: Vec<String> = headers
            .keys()
            .map(|name| name.to_string())
            .filter(|name| name != "user-agent")
            .collect();
        assert!(unsigned_headers(&with_body, &all).is_empty());
        let mut expected = all.clone();
        expected.sort();
        assert_eq!(unsigned_headers(&with_body, &[]), expected);
        // `user-agent` may be signed or not; `content-type` must be only with a body.
        let without_body = Received {
            body: b"",
            ..with_body
        };
        let all_but_content_type: Vec<String> = all
            .iter()
            .filter(|name| *name != "content-type")
            .cloned()
            .collect();
        assert!(unsigned_headers(&without_body, &all_but_content_type).is_empty());
        assert_eq!(
            unsigned_headers(&with_body, &all_but_content_type),
            ["content-type"]
        );
        // The fixed headers must be signed even when the request does not carry them.
        let bare = HeaderMap::new();
        let nothing = Received {
            headers: &bare,
            ..without_body
        };
        assert_eq!(
            unsigned_headers(&nothing, &["host".to_owned()]),
            [
                "x-acs-action",
                "x-acs-content-sha256",
                "x-acs-date",
                "x-acs-signature-nonce",
                "x-acs-version"
            ]
        );
    }

    #[test]
    fn repeated_headers_make_one_line_of_sorted_values() {
        let mut headers = HeaderMap::new();
        headers.append("x-b", " 2 ".parse().unwrap());
        headers.append("x-a", "z".parse().unwrap());
        headers.append("x-b", "1".parse().unwrap());
        headers.append("x-a", "y".parse().unwrap());
        let request = Received {
            method: "POST",
            path: "/",
            query: "",
            headers: &headers,
            body: b"",
        };
        let signed = ["x-a".to_string(), "x-b".to_string()];
        assert_eq!(
            canonical_request(&request, &signed, "hash").unwrap(),
            "POST\n/\n\nx-a:y,z\nx-b:1,2\n\nx-a;x-b\nhash"
        );
        let missing = ["x-c".to_string()];
        assert_eq!(
            canonical_request(&request, &missing, "hash"),
            Err(VerifyError::MissingSignedHeader { name: "x-c".into() })
        );
    }
}
