//! The server's own check of an OSS4-HMAC-SHA256 signature, in headers or in a presigned
//! URL's query, written from Object Storage Service's description of the algorithm and not
//! from the client's signer. Like `verify.rs`, it favours plainness over speed.
//!
//! - canonical URI: the path as received, decoded, then `/<bucket>/<key>` encoded again with
//!   only `A-Z a-z 0-9 - _ . ~ /` kept;
//! - canonical query: every pair but `x-oss-signature`, key and value encoded with only
//!   `A-Z a-z 0-9 - _ . ~` kept, sorted, `key=value` or `key` alone for an empty value;
//! - canonical headers: `x-oss-*`, `content-type`, `content-md5` and the additional headers
//!   named, `name:value\n` in name order, then an empty line, the additional headers joined
//!   by `;`, and the payload hash (`x-oss-content-sha256`, else `UNSIGNED-PAYLOAD`);
//! - string to sign: `OSS4-HMAC-SHA256`, the `x-oss-date`, the scope and the hex SHA-256 of
//!   the canonical request, one per line;
//! - key: HMAC-SHA256 of `aliyun_v4<secret>` over the date, then the region, the product and
//!   `aliyun_v4_request`.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use crate::verify::{Received, VerifyError};

const ALGORITHM: &str = "OSS4-HMAC-SHA256";
const TERMINATOR: &str = "aliyun_v4_request";

/// What the signature names: who signs, for which date, region and product, and which
/// headers besides those always signed.
struct Claimed {
    access_key_id: String,
    /// `date/region/product/aliyun_v4_request`.
    scope: String,
    timestamp: String,
    additional_headers: Vec<String>,
    signature: String,
}

/// Checks the OSS4 signature of `request` for `bucket` (the bucket named by the host, or
/// `None`) in `region`, looking the secret up with `secret_for`; a request with
/// `x-oss-signature` in its query is checked as a presigned URL, any other by its
/// `Authorization` header. Expiry is not judged here.
pub fn verify_oss4(
    request: &Received<'_>,
    bucket: Option<&str>,
    region: &str,
    secret_for: impl FnOnce(&str) -> Option<String>,
) -> Result<(), VerifyError> {
    let query = crate::decode_query(request.query);
    let presigned = query.iter().any(|(key, _)| key == "x-oss-signature");
    let claimed = if presigned {
        claimed_in_query(&query)?
    } else {
        claimed_in_headers(request)?
    };
    let malformed = |reason| VerifyError::MalformedAuthorization { reason };
    let parts: Vec<&str> = claimed.scope.split('/').collect();
    let [date, scope_region, product, terminator] = parts[..] else {
        return Err(malformed(
            "the credential's scope is not date/region/product/aliyun_v4_request",
        ));
    };
    if scope_region != region || product != "oss" || terminator != TERMINATOR {
        return Err(malformed("the credential's scope is not this region's OSS"));
    }
    if !claimed.timestamp.starts_with(date) {
        return Err(malformed("the credential's date is not the request's"));
    }
    let secret =
        secret_for(&claimed.access_key_id).ok_or_else(|| VerifyError::UnknownAccessKey {
            access_key_id: claimed.access_key_id.clone(),
        })?;

    let canonical = [
        request.method.to_string(),
        canonical_uri(request.path, bucket),
        canonical_query(&query),
        canonical_headers(request, &claimed.additional_headers),
        claimed.additional_headers.join(";"),
        header(request, "x-oss-content-sha256").unwrap_or_else(|| "UNSIGNED-PAYLOAD".into()),
    ]
    .join("\n");
    let string_to_sign = format!(
        "{ALGORITHM}\n{}\n{}\n{}",
        claimed.timestamp,
        claimed.scope,
        hex(&Sha256::digest(canonical.as_bytes()))
    );
    let mut key = mac(format!("aliyun_v4{secret}").as_bytes(), date.as_bytes());
    for part in [scope_region, product, terminator] {
        key = mac(&key, part.as_bytes());
    }
    let mut check = Hmac::<Sha256>::new_from_slice(&key).expect("any key length");
    check.update(string_to_sign.as_bytes());
    match unhex(&claimed.signature) {
        // `verify_slice` compares in constant time.
        Some(signature) if check.verify_slice(&signature).is_ok() => Ok(()),
        _ => Err(VerifyError::SignatureMismatch { string_to_sign }),
    }
}

fn claimed_in_headers(request: &Received<'_>) -> Result<Claimed, VerifyError> {
    let malformed = |reason| VerifyError::MalformedAuthorization { reason };
    let value = header(request, "authorization").ok_or(VerifyError::MissingAuthorization)?;
    let fields = value
        .strip_prefix("OSS4-HMAC-SHA256 ")
        .ok_or(malformed("it does not start with \"OSS4-HMAC-SHA256 \""))?;
    let (mut credential, mut additional, mut signature) = (None, Vec::new(), None);
    for field in fields.split(',') {
        match field.trim().split_once('=') {
            Some(("Credential", value)) => credential = Some(value.to_string()),
            Some(("AdditionalHeaders", value)) => {
                additional = value.split(';').map(str::to_lowercase).collect()
            }
            Some(("Signature", value)) => signature = Some(value.to_string()),
            Some(_) => return Err(malformed("unknown field")),
            None => return Err(malformed("a field is not name=value")),
        }
    }
    let credential = credential.ok_or(malformed("no Credential"))?;
    let (access_key_id, scope) = credential
        .split_once('/')
        .ok_or(malformed("the Credential has no scope"))?;
    Ok(Claimed {
        access_key_id: access_key_id.to_string(),
        scope: scope.to_string(),
        timestamp: header(request, "x-oss-date").ok_or(malformed("no x-oss-date header"))?,
        additional_headers: additional,
        signature: signature.ok_or(malformed("no Signature"))?,
    })
}

fn claimed_in_query(query: &[(String, String)]) -> Result<Claimed, VerifyError> {
    let malformed = |reason| VerifyError::MalformedAuthorization { reason };
    let get = |name: &str| {
        query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    };
    if get("x-oss-signature-version").as_deref() != Some(ALGORITHM) {
        return Err(malformed("x-oss-signature-version is not OSS4-HMAC-SHA256"));
    }
    let credential = get("x-oss-credential").ok_or(malformed("no x-oss-credential"))?;
    let (access_key_id, scope) = credential
        .split_once('/')
        .ok_or(malformed("the credential has no scope"))?;
    Ok(Claimed {
        access_key_id: access_key_id.to_string(),
        scope: scope.to_string(),
        timestamp: get("x-oss-date").ok_or(malformed("no x-oss-date"))?,
        additional_headers: get("x-oss-additional-headers")
            .map(|names| names.split(';').map(str::to_lowercase).collect())
            .unwrap_or_default(),
        signature: get("x-oss-signature").ok_or(malformed("no x-oss-signature"))?,
    })
}

fn header(request: &Received<'_>, name: &str) -> Option<String> {
    request
        .headers
        .get(name)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
}

fn canonical_uri(path: &str, bucket: Option<&str>) -> String {
    let key = crate::percent_decode_path(path.strip_prefix('/').unwrap_or(path));
    let resource = match bucket {
        Some(bucket) => format!("/{bucket}/{key}"),
        None => format!("/{key}"),
    };
    encode(&resource, b"-_.~/")
}

fn canonical_query(query: &[(String, String)]) -> String {
    let mut pairs: Vec<(String, String)> = query
        .iter()
        .filter(|(key, _)| key != "x-oss-signature")
        .map(|(key, value)| (encode(key, b"-_.~"), encode(value, b"-_.~")))
        .collect();
    pairs.sort();
    let written: Vec<String> = pairs
        .into_iter()
        .map(|(key, value)| {
            if value.is_empty() {
                key
            } else {
                format!("{key}={value}")
            }
        })
        .collect();
    written.join("&")
}

/// Each signed header's `name:value\n`, in name order.
fn canonical_headers(request: &Received<'_>, additional: &[String]) -> String {
    let mut lines: Vec<(String, String)> = request
        .headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .filter(|(name, _)| {
            name.starts_with("x-oss-")
                || name == "content-type"
                || name == "content-md5"
                || additional.contains(name)
        })
        .collect();
    lines.sort();
    lines
        .into_iter()
        .map(|(name, value)| format!("{name}:{value}\n"))
        .collect()
}

/// Percent-encoding of UTF-8 that keeps ASCII letters, digits and the bytes of `kept`.
fn encode(text: &str, kept: &[u8]) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || kept.contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn mac(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() != 64 || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|at| u8::from_str_radix(&text[at..at + 2], 16).ok())
        .collect()
}
