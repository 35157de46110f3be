//! One attempt of a call: fresh credentials, date and nonce; the signed request; the exchange;
//! and what came of it, with whether another attempt may help.

use std::borrow::Cow;
use std::fmt;
use std::fmt::Write as _;
use std::time::{Duration, SystemTime};

use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use http::{HeaderMap, HeaderName, HeaderValue};

use crate::config::Config;
use crate::credentials::{Credentials, CredentialsError, ProvideCredentials};
use crate::error::{BuildError, ConnectionError, Error, TimeoutError, TimeoutKind};
use crate::http::{HttpClient, HttpError, HttpErrorKind};
use crate::operation::CallSpec;
use crate::request::{Message, RequestBase};
use crate::response::RawResponse;
use crate::retry::{self, RetryReason};
use crate::{nonce, sign};

/// A signed request ready to send, with what went into its signature (for `--dry-run` and
/// for explaining `SignatureDoesNotMatch`).
#[derive(Clone)]
pub struct SignedRequest {
    pub request: http::Request<bytes::Bytes>,
    /// Holds the security token of temporary credentials, as a signed header, and every
    /// parameter's value.
    pub canonical_request: String,
    pub string_to_sign: String,
}

/// Headers the client writes itself that carry nothing secret; every other header (the
/// signature, the security token, an operation's header parameters) is redacted in `Debug`.
const SHOWN_HEADERS: [&str; 8] = [
    "accept",
    "content-type",
    "user-agent",
    "x-acs-action",
    "x-acs-content-sha256",
    "x-acs-date",
    "x-acs-signature-nonce",
    "x-acs-version",
];

/// Shows the method, the URL without its query, the query's keys, the headers the client
/// writes itself and the string to sign (a hash of the canonical request). Parameter values,
/// the signature and the security token are redacted; the canonical request, which repeats
/// them, and the body are left out.
impl fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let uri = self.request.uri();
        let query_keys: Vec<&str> = uri
            .query()
            .unwrap_or("")
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| pair.split_once('=').map_or(pair, |(key, _)| key))
            .collect();
        let headers: Vec<(&str, &str)> = self
            .request
            .headers()
            .iter()
            .map(|(name, value)| {
                let shown = if SHOWN_HEADERS.contains(&name.as_str()) {
                    value.to_str().unwrap_or("** not text **")
                } else {
                    "** redacted **"
                };
                (name.as_str(), shown)
            })
            .collect();
        f.debug_struct("SignedRequest")
            .field("method", self.request.method())
            .field(
                "url",
                &format_args!(
                    "{}://{}{}",
                    uri.scheme_str().unwrap_or(""),
                    uri.authority().map_or("", |authority| authority.as_str()),
                    uri.path()
                ),
            )
            .field("query_keys", &query_keys)
            .field("headers", &headers)
            .field("body", &format_args!("{} bytes", self.request.body().len()))
            .field("string_to_sign", &self.string_to_sign)
            .finish_non_exhaustive()
    }
}

/// A failed attempt: the error, and why another attempt may help, if it may.
pub(crate) struct AttemptFailure {
    pub(crate) error: Error,
    pub(crate) retry: Option<RetryReason>,
    /// The wait the service asked for (`x-acs-retry-after`).
    pub(crate) retry_after: Option<Duration>,
}

impl AttemptFailure {
    fn final_error(error: Error) -> Self {
        AttemptFailure {
            error,
            retry: None,
            retry_after: None,
        }
    }

    fn read_timeout(after: Duration) -> Self {
        AttemptFailure {
            error: Error::Timeout(TimeoutError {
                kind: TimeoutKind::Read,
                after,
                action: None,
            }),
            retry: Some(RetryReason::ReadTimeout),
            retry_after: None,
        }
    }

    /// A failed exchange. A connection that could not be made sent nothing; one that broke, or
    /// any other failure on the wire, may have delivered the request. A response over the size
    /// limit or a refused certificate would come again.
    fn from_http(error: HttpError) -> Self {
        let (message, retry) = match error.kind() {
            HttpErrorKind::Connect => ("could not connect", Some(RetryReason::Connect)),
            HttpErrorKind::Io => ("the connection broke", Some(RetryReason::ConnectionBroken)),
            HttpErrorKind::ResponseTooLarge => ("the response is too large", None),
            HttpErrorKind::Certificate => ("the server's certificate was refused", None),
            _ => ("the request failed", Some(RetryReason::ConnectionBroken)),
        };
        AttemptFailure {
            error: Error::Connection(ConnectionError {
                message: message.into(),
                source: Some(error.into_source()),
                action: None,
            }),
            retry,
            retry_after: None,
        }
    }
}

/// One attempt: fresh credentials, date and nonce; a signature; the exchange; the response
/// taken apart into a success or a service error.
pub(crate) async fn attempt(
    config: &Config,
    call: CallSpec<'_>,
    base: &RequestBase,
    message: &Message<'_>,
    read_timeout: Duration,
) -> Result<RawResponse, AttemptFailure> {
    let credentials = config
        .credentials
        .provide_credentials()
        .await
        .map_err(|error| AttemptFailure::final_error(Error::Credentials(error)))?;
    let now = SystemTime::now();
    let signed = sign(call, base, message, &credentials, now, &nonce::next(now))
        .map_err(AttemptFailure::final_error)?;
    let exchange = config.http_client.send(signed.request);
    let response = match tokio::time::timeout(read_timeout, exchange).await {
        Err(_) => return Err(AttemptFailure::read_timeout(read_timeout)),
        Ok(Err(error)) if error.kind() == HttpErrorKind::Timeout => {
            return Err(AttemptFailure::read_timeout(read_timeout));
        }
        Ok(Err(error)) => return Err(AttemptFailure::from_http(error)),
        Ok(Ok(response)) => response,
    };
    let (parts, body) = response.into_parts();
    let response = RawResponse {
        status: parts.status.as_u16(),
        headers: parts.headers,
        body,
    };
    // The attempt's span carries what the response said. Only when a subscriber wants the
    // span: finding the request id allocates, and without the header it parses the body.
    let span = tracing::Span::current();
    if !span.is_disabled() {
        span.record("status", response.status);
        span.record("request_id", response.request_id().as_deref().unwrap_or(""));
    }
    tracing::debug!("response");
    let Some(mut error) = response.service_error() else {
        return Ok(response);
    };
    if error.code == "SignatureDoesNotMatch" {
        error.client_string_to_sign = Some(signed.string_to_sign);
    }
    let error = Error::Service(Box::new(error));
    let retry_after = retry::retry_after(&response.headers);
    Err(AttemptFailure {
        retry: retry::service_retry_reason(&error, retry_after),
        error,
        retry_after,
    })
}

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

/// Signs one attempt's request with `credentials`, dated `now` and carrying `nonce` (fresh for
/// every attempt sent; given, so that a test can sign as a recorded request was signed): the
/// signature, and the request with the endpoint's parts and header names made beforehand.
pub(crate) fn sign(
    call: CallSpec<'_>,
    base: &RequestBase,
    message: &Message<'_>,
    credentials: &Credentials,
    now: SystemTime,
    nonce: &str,
) -> Result<SignedRequest, Error> {
    let date = format_date(now);
    let payload_hash = sign::hex_sha256(&message.body);
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
    if let Some(token) = credentials.security_token() {
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
    let signature = sign::sign_with_payload_hash(
        &sign::SigningRequest {
            method: call.method.as_http().as_str(),
            path: &message.path,
            query: &query_pairs,
            headers: &signed_headers,
            body: &message.body,
        },
        &payload_hash,
        credentials.access_key_id(),
        credentials.access_key_secret(),
    );
    let uri = base.uri(message, signature.canonical_query())?;

    // The same headers in the same order, but `host`, which the HTTP client writes from
    // the URI.
    let mut headers = HeaderMap::with_capacity(signed_headers.len() + 2);
    let action = HeaderValue::from_str(call.action).map_err(|_| {
        Error::Build(BuildError::Encode(
            "the action name holds characters an HTTP header cannot carry".into(),
        ))
    })?;
    headers.insert(ACCEPT, HeaderValue::from_static(JSON_MEDIA_TYPE));
    headers.insert(X_ACS_ACTION.clone(), action);
    headers.insert(X_ACS_CONTENT_SHA256.clone(), generated_value(payload_hash));
    headers.insert(X_ACS_DATE.clone(), generated_value(date.into()));
    let nonce = HeaderValue::from_str(nonce).map_err(|_| {
        Error::Build(BuildError::Encode(
            "the signature nonce holds characters an HTTP header cannot carry".into(),
        ))
    })?;
    headers.insert(X_ACS_SIGNATURE_NONCE.clone(), nonce);
    headers.insert(X_ACS_VERSION.clone(), base.api_version_header.clone());
    if let Some(token) = credentials.security_token() {
        let token = HeaderValue::from_str(token).map_err(|_| unsendable(credentials))?;
        headers.insert(X_ACS_SECURITY_TOKEN.clone(), token);
    }
    if let Some(content_type) = message.content_type {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    }
    for (name, value) in message.headers.iter() {
        let name = HeaderName::try_from(name).map_err(|_| {
            Error::Build(BuildError::Encode(format!(
                "`{}` cannot be an HTTP header name",
                name.escape_debug()
            )))
        })?;
        let value = HeaderValue::try_from(value).map_err(|_| {
            Error::Build(BuildError::Encode(format!(
                "the value of the header parameter `{name}` holds characters an HTTP header cannot carry"
            )))
        })?;
        headers.insert(name, value);
    }
    let sign::Signature {
        canonical_request,
        string_to_sign,
        authorization,
        ..
    } = signature;
    // Anonymous calls (STS `AssumeRoleWithOIDC`) are authenticated otherwise: no signature.
    if !credentials.is_anonymous() {
        let authorization =
            HeaderValue::try_from(authorization).map_err(|_| unsendable(credentials))?;
        headers.insert(AUTHORIZATION, authorization);
    }
    // A `User-Agent` of the call's own is signed above and sent as it is, like any header
    // parameter.
    headers
        .entry(USER_AGENT)
        .or_insert_with(|| base.user_agent.clone());

    let mut request = http::Request::new(message.body.clone());
    *request.method_mut() = call.method.as_http();
    *request.uri_mut() = uri;
    *request.headers_mut() = headers;
    Ok(SignedRequest {
        request,
        canonical_request,
        string_to_sign,
    })
}

/// A header value the client made itself (a date, a hex digest): ASCII letters,
/// digits and punctuation only. An owned string becomes the value without being copied.
fn generated_value(text: Cow<'static, str>) -> HeaderValue {
    let value = match text {
        Cow::Borrowed(text) => Ok(HeaderValue::from_static(text)),
        Cow::Owned(text) => HeaderValue::try_from(text),
    };
    value.expect("dates and digests are printable ASCII")
}

/// Credentials HTTP cannot carry (a line break at the end of an access key read from a file,
/// say). The message never quotes them.
fn unsendable(credentials: &Credentials) -> Error {
    Error::Credentials(CredentialsError::new(
        credentials.provider(),
        "the access key id or security token holds characters an HTTP header cannot carry",
    ))
}

/// `x-acs-date`: UTC to the second, `2024-05-01T08:30:00Z`. The two-digit fields are
/// appended as digits rather than formatted, as this runs for every attempt.
fn format_date(now: SystemTime) -> String {
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
