//! One attempt of a call: fresh credentials, date and nonce; the signed request; the exchange;
//! and what came of it, with whether another attempt may help.

use std::fmt;
use std::time::{Duration, SystemTime};

use crate::auth::{self, AuthScheme, Unsigned};
use crate::config::Config;
use crate::credentials::ProvideCredentials;
use crate::error::{ConnectionError, Error, TimeoutError, TimeoutKind};
use crate::http::{HttpClient, HttpError, HttpErrorKind};
use crate::nonce;
use crate::operation::CallSpec;
use crate::request::{Message, RequestBase};
use crate::response::RawResponse;
use crate::retry::{self, RetryReason};

/// A signed request ready to send, with what went into its signature (for `--dry-run` and
/// for explaining `SignatureDoesNotMatch`).
#[derive(Clone)]
pub struct SignedRequest {
    pub request: http::Request<bytes::Bytes>,
    /// Holds the security token of temporary credentials, as a signed header, and every
    /// parameter's value. For the SLS and PDS schemes, which sign no canonical request, the
    /// string to sign itself.
    pub canonical_request: String,
    /// Shown in `Debug`: it holds nothing secret (for the SLS and PDS schemes, whose string
    /// to sign holds the request's values, a digest of it).
    pub string_to_sign: String,
}

/// Headers the client writes itself that carry nothing secret; every other header (the
/// signature, the security token, an operation's header parameters) is redacted in `Debug`.
const SHOWN_HEADERS: [&str; 17] = [
    "accept",
    "content-md5",
    "content-type",
    "date",
    "user-agent",
    "x-acs-action",
    "x-acs-content-sha256",
    "x-acs-date",
    "x-acs-signature-method",
    "x-acs-signature-nonce",
    "x-acs-signature-version",
    "x-acs-version",
    "x-log-apiversion",
    "x-log-bodyrawsize",
    "x-log-signaturemethod",
    "x-oss-content-sha256",
    "x-oss-date",
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
    pub(crate) fn final_error(error: Error) -> Self {
        AttemptFailure {
            error,
            retry: None,
            retry_after: None,
        }
    }

    pub(crate) fn read_timeout(after: Duration) -> Self {
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
    pub(crate) fn from_http(error: HttpError) -> Self {
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
    let signed = sign(config, call, base, message).await?;
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
    match failure(&response, signed.string_to_sign) {
        Some(failure) => Err(failure),
        None => Ok(response),
    }
}

/// The attempt's request, signed with fresh credentials, date and nonce.
pub(crate) async fn sign(
    config: &Config,
    call: CallSpec<'_>,
    base: &RequestBase,
    message: &Message<'_>,
) -> Result<SignedRequest, AttemptFailure> {
    let now = SystemTime::now();
    let nonce = nonce::next(now);
    let unsigned = Unsigned {
        call,
        base,
        message,
        now,
        nonce: &nonce,
    };
    let scheme = AuthScheme::of(&call, base);
    let credentials = if scheme.takes_credentials(&call) {
        let credentials = config
            .credentials
            .provide_credentials()
            .await
            .map_err(|error| AttemptFailure::final_error(Error::Credentials(error)))?;
        Some(credentials)
    } else {
        None
    };
    auth::sign(scheme, unsigned, credentials.as_ref()).map_err(AttemptFailure::final_error)
}

/// The service error `response` carries, as a failed attempt, if it carries one.
pub(crate) fn failure(response: &RawResponse, string_to_sign: String) -> Option<AttemptFailure> {
    // The attempt's span carries what the response said. Only when a subscriber wants the
    // span: finding the request id allocates, and without the header it parses the body.
    let span = tracing::Span::current();
    if !span.is_disabled() {
        span.record("status", response.status);
        span.record("request_id", response.request_id().as_deref().unwrap_or(""));
    }
    tracing::debug!("response");
    let mut error = response.service_error()?;
    if error.code == "SignatureDoesNotMatch" {
        error.client_string_to_sign = Some(string_to_sign);
    }
    let error = Error::Service(Box::new(error));
    let retry_after = retry::retry_after(&response.headers);
    Some(AttemptFailure {
        retry: retry::service_retry_reason(&error, retry_after),
        error,
        retry_after,
    })
}
