//! The server's own check of the v2 signature of RPC calls, written from Alibaba Cloud's
//! description of it ("Signature algorithm of RPC APIs") and not from the client's signer:
//! `Signature` in the query is the base64 HMAC-SHA1, keyed with `<secret>&`, of
//! `METHOD&%2F&<canonical query, percent-encoded once more>`, where the canonical query is
//! every other query parameter and every form field, sorted by key, `key=value` joined by
//! `&`, both percent-encoded by RFC 3986 (a space as `%20`, `~` as it is).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

use crate::verify::{Received, VerifyError};

/// RFC 3986's percent-encoding: every byte but the unreserved `A-Z a-z 0-9 - _ . ~`.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The pairs of a query or form body, decoded (a form's `+` is a space).
fn pairs(text: &str, plus_is_space: bool) -> Vec<(String, String)> {
    let text = if plus_is_space {
        text.replace('+', "%20")
    } else {
        text.to_owned()
    };
    crate::decode_query(&text)
}

/// Checks the `Signature` parameter of `request`, looking the secret of its `AccessKeyId` up
/// with `secret_for`. The form body's fields are signed with the query when the request says
/// it is a form.
pub fn verify_rpc_v2(
    request: &Received<'_>,
    secret_for: impl FnOnce(&str) -> Option<String>,
) -> Result<(), VerifyError> {
    let malformed = |reason| VerifyError::MalformedAuthorization { reason };
    let mut signed = pairs(request.query, false);
    let is_form = request
        .headers
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
    let body = std::str::from_utf8(request.body).map_err(|_| malformed("the form is not text"))?;
    if is_form {
        for (key, value) in pairs(body, true) {
            signed.retain(|(existing, _)| *existing != key);
            signed.push((key, value));
        }
    }
    let value_of = |name: &str, pairs: &[(String, String)]| {
        pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    };
    let signature = value_of("Signature", &signed).ok_or(VerifyError::MissingAuthorization)?;
    if value_of("SignatureMethod", &signed).as_deref() != Some("HMAC-SHA1")
        || value_of("SignatureVersion", &signed).as_deref() != Some("1.0")
    {
        return Err(malformed(
            "it does not declare SignatureMethod HMAC-SHA1, SignatureVersion 1.0",
        ));
    }
    let access_key_id =
        value_of("AccessKeyId", &signed).ok_or(malformed("it names no AccessKeyId"))?;
    let secret = secret_for(&access_key_id).ok_or_else(|| VerifyError::UnknownAccessKey {
        access_key_id: access_key_id.clone(),
    })?;
    signed.retain(|(key, _)| key != "Signature");
    signed.sort();
    let canonical: Vec<String> = signed
        .iter()
        .map(|(key, value)| format!("{}={}", encode(key), encode(value)))
        .collect();
    let string_to_sign = format!(
        "{}&{}&{}",
        request.method,
        encode("/"),
        encode(&canonical.join("&"))
    );
    let mut mac = Hmac::<Sha1>::new_from_slice(format!("{secret}&").as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(string_to_sign.as_bytes());
    if STANDARD.encode(mac.finalize().into_bytes()) == signature {
        Ok(())
    } else {
        Err(VerifyError::SignatureMismatch { string_to_sign })
    }
}
