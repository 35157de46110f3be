//! The server's own check of the signatures the SLS and PDS gateways write,
//! `LOG <id>:<signature>` and `acs <id>:<signature>`, written from the gateways' description
//! of them and not from the client's signer. Both sign a string made of the method, a few
//! headers by position, the headers of their own prefix sorted, and the path with the query
//! decoded and sorted; SLS's is a base64 HMAC-SHA256 and also declares the body's MD5, PDS's a
//! base64 HMAC-SHA1. Both gateways sign the `pathname` their SDK wrote, which the HTTP client
//! encodes only after (a space is sent `%20`), so the path is checked decoded. PDS's string is
//! the v2 ROA signature's, which `tea-openapi`'s `do_roarequest` signs too, over the path as
//! sent, since the ROA clients encode their path values themselves: `Gateway::RoaV2`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use md5::{Digest as _, Md5};
use sha1::Sha1;
use sha2::Sha256;

use crate::verify::{Received, VerifyError};

/// Which gateway's signature a request carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gateway {
    /// SLS: `LOG`, HMAC-SHA256 over `content-md5`, `content-type`, `date`, the headers naming
    /// `x-log-` or `x-acs-`, and the resource.
    Sls,
    /// PDS: `acs`, HMAC-SHA1 over `accept`, `content-md5`, `content-type`, `date`, the
    /// `x-acs-*` headers with trimmed values, and the resource, its path decoded.
    Pds,
    /// The v2 ROA request of `do_roarequest`: PDS's string, but over the path as sent.
    RoaV2,
}

impl Gateway {
    /// Whether the resource signed holds the path decoded (the gateways') or as sent.
    fn signs_decoded_path(self) -> bool {
        matches!(self, Gateway::Sls | Gateway::Pds)
    }
}

/// Checks `request`'s signature by `gateway`, looking the secret up with `secret_for`; for
/// SLS, that `content-md5` is the body's too.
pub fn verify_gateway(
    gateway: Gateway,
    request: &Received<'_>,
    secret_for: impl FnOnce(&str) -> Option<String>,
) -> Result<(), VerifyError> {
    let malformed = |reason| VerifyError::MalformedAuthorization { reason };
    let value = header(request, "authorization").ok_or(VerifyError::MissingAuthorization)?;
    let prefix = match gateway {
        Gateway::Sls => "LOG ",
        Gateway::Pds | Gateway::RoaV2 => "acs ",
    };
    let (access_key_id, signature) = value
        .strip_prefix(prefix)
        .and_then(|rest| rest.split_once(':'))
        .ok_or(malformed(
            "it is not `<algorithm> <access key id>:<signature>`",
        ))?;
    let secret = secret_for(access_key_id).ok_or_else(|| VerifyError::UnknownAccessKey {
        access_key_id: access_key_id.to_string(),
    })?;
    if gateway == Gateway::Sls {
        let actual: String = if request.body.is_empty() {
            String::new()
        } else {
            Md5::digest(request.body)
                .iter()
                .map(|byte| format!("{byte:02X}"))
                .collect()
        };
        let declared = header(request, "content-md5");
        if declared.as_deref().unwrap_or("") != actual {
            return Err(malformed("content-md5 is not the body's MD5"));
        }
    }
    let string_to_sign = string_to_sign(gateway, request);
    let expected = match gateway {
        Gateway::Sls => {
            let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key");
            mac.update(string_to_sign.as_bytes());
            STANDARD.encode(mac.finalize().into_bytes())
        }
        Gateway::Pds | Gateway::RoaV2 => {
            let mut mac = Hmac::<Sha1>::new_from_slice(secret.as_bytes()).expect("any key");
            mac.update(string_to_sign.as_bytes());
            STANDARD.encode(mac.finalize().into_bytes())
        }
    };
    if expected == signature {
        Ok(())
    } else {
        Err(VerifyError::SignatureMismatch { string_to_sign })
    }
}

fn string_to_sign(gateway: Gateway, request: &Received<'_>) -> String {
    let positional: &[&str] = match gateway {
        Gateway::Sls => &["content-md5", "content-type", "date"],
        Gateway::Pds | Gateway::RoaV2 => &["accept", "content-md5", "content-type", "date"],
    };
    let mut lines = vec![request.method.to_string()];
    for name in positional {
        let value = header(request, name).or_else(|| {
            // The PDS gateway signs `DownloadFile`, which sends no body, as a form.
            let download = gateway == Gateway::Pds
                && *name == "content-type"
                && request.path == "/v2/file/download"
                && header(request, "x-acs-action").as_deref() == Some("DownloadFile");
            download.then(|| "application/x-www-form-urlencoded; charset=UTF-8".to_string())
        });
        lines.push(value.unwrap_or_default());
    }
    let mut text = lines.join("\n");
    text.push('\n');
    let mut own: Vec<(String, String)> = request
        .headers
        .iter()
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            (name.as_str().to_string(), value)
        })
        .filter(|(name, _)| match gateway {
            Gateway::Sls => name.contains("x-log-") || name.contains("x-acs-"),
            Gateway::Pds | Gateway::RoaV2 => name.starts_with("x-acs-"),
        })
        .map(|(name, value)| match gateway {
            Gateway::Sls => (name, value),
            Gateway::Pds | Gateway::RoaV2 => (name, value.trim().to_string()),
        })
        .collect();
    own.sort();
    for (name, value) in own {
        text.push_str(&format!("{name}:{value}\n"));
    }
    if gateway.signs_decoded_path() {
        text.push_str(&crate::percent_decode_path(request.path));
    } else {
        text.push_str(request.path);
    }
    let mut query = crate::decode_query(request.query);
    query.sort();
    for (index, (key, value)) in query.into_iter().enumerate() {
        text.push(if index == 0 { '?' } else { '&' });
        text.push_str(&key);
        if gateway == Gateway::Sls || !value.is_empty() {
            text.push('=');
            text.push_str(&value);
        }
    }
    text
}

fn header(request: &Received<'_>, name: &str) -> Option<String> {
    request
        .headers
        .get(name)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
}
