//! Presigned URLs: a call of an OSS4-signed service (OSS) written as a URL that carries its
//! signature and expiry in the query, which anyone holding it can use until it expires,
//! without credentials, as the official OSS SDK V2's `presign` makes them.

use std::time::{Duration, SystemTime};

use http::HeaderMap;

use crate::auth::AuthScheme;
use crate::auth::oss4::{self, Oss4Request, Scope};
use crate::client::Client;
use crate::credentials::{Credentials, ProvideCredentials as _};
use crate::error::{ConfigError, Error};
use crate::operation::{CallSpec, RequestDefaults};
use crate::request::{EncodeRequest, Message};

/// A presigned call: what to send, where, and until when it is accepted.
#[derive(Clone, Debug)]
pub struct PresignedRequest {
    pub method: http::Method,
    /// The URL, signature included (`x-oss-signature`); it is the credential until it
    /// expires, so treat it as a secret.
    pub url: http::Uri,
    /// Headers the signature covers (`Content-Type`, `x-oss-*`), which the request made with
    /// the URL must carry with these values.
    pub signed_headers: HeaderMap,
    pub expiration: SystemTime,
}

impl Client {
    /// `request` of `call` presigned with the client's credentials, valid for `expires_in`
    /// from now.
    ///
    /// # Errors
    /// When the service does not sign with OSS4, the request does not build, or credentials
    /// cannot be had.
    pub async fn presign(
        &self,
        call: CallSpec<'_>,
        request: &impl EncodeRequest,
        expires_in: Duration,
    ) -> Result<PresignedRequest, Error> {
        let params = request.to_params().map_err(Error::Build)?;
        let credentials = self
            .config()
            .credentials_provider()
            .provide_credentials()
            .await
            .map_err(Error::Credentials)?;
        self.presign_at(call, &params, &credentials, SystemTime::now(), expires_in)
    }

    /// `params` of `call` presigned with `credentials` at `now`, valid for `expires_in`: the
    /// URL the official OSS SDK V2 makes of the same call at that time.
    ///
    /// # Errors
    /// When the service does not sign with OSS4, or the parameters make no URL.
    pub fn presign_at(
        &self,
        call: CallSpec<'_>,
        params: &crate::RequestParams,
        credentials: &Credentials,
        now: SystemTime,
        expires_in: Duration,
    ) -> Result<PresignedRequest, Error> {
        let base = self.request_base()?;
        if base.auth != AuthScheme::Oss4HmacSha256 {
            return Err(Error::Config(ConfigError::new(
                "only calls signed with OSS4-HMAC-SHA256 (OSS) can be presigned",
            )));
        }
        // The official SDK's presigner signs what the request's fields say and nothing it
        // would add to a request it sends (no guessed `Content-Type`, no `Content-MD5`).
        let call = CallSpec {
            defaults: RequestDefaults::default(),
            ..call
        };
        let message = Message::new(call, base, params)?;
        // The key, unencoded, as OSS4 signs it; under path-style addressing the path holds the
        // bucket too, which then signs as the key's first segment, the same canonical URI.
        let bucket = (!base.path_style)
            .then(|| message.host_labels.iter().next().map(|(_, bucket)| bucket))
            .flatten();
        let key = percent_decode(message.path.strip_prefix('/').unwrap_or(&message.path));
        let mut headers: Vec<(&str, &str)> = message.headers.iter().collect();
        if let Some(content_type) = message.content_type
            && !headers
                .iter()
                .any(|(name, _)| name.eq_ignore_ascii_case("content-type"))
        {
            headers.push(("content-type", content_type));
        }
        let query: Vec<(&str, &str)> = message.query.iter().collect();
        let method = call.method.as_http();
        let (url_query, _) = oss4::presign(
            &Oss4Request {
                method: method.as_str(),
                bucket,
                key: Some(&key),
                query: &query,
                headers: &headers,
                additional_headers: &[],
            },
            Scope {
                region: &base.region,
                product: oss4::PRODUCT,
            },
            credentials,
            now,
            expires_in,
        );
        let url = base.uri(&message, "")?;
        let url = http::Uri::try_from(format!("{url}?{url_query}")).map_err(|_| {
            Error::Build(crate::BuildError::Encode(
                "the presigned query makes no URL".into(),
            ))
        })?;
        let mut signed_headers = HeaderMap::new();
        for (name, value) in headers {
            let (Ok(name), Ok(value)) = (
                http::HeaderName::try_from(name),
                http::HeaderValue::try_from(value),
            ) else {
                return Err(Error::Build(crate::BuildError::Encode(format!(
                    "the header `{}` cannot be sent",
                    name.escape_debug()
                ))));
            };
            signed_headers.insert(name, value);
        }
        Ok(PresignedRequest {
            method,
            url,
            signed_headers,
            expiration: now + expires_in,
        })
    }
}

/// `text` with its `%XX` escapes decoded (a path as the runtime encodes it is UTF-8 text).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escaped = bytes
            .get(index + 1..index + 3)
            .filter(|_| bytes[index] == b'%')
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                decoded.push(byte);
                index += 3;
            }
            None => {
                decoded.push(bytes[index]);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}
