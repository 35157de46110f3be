//! The generic send path every operation goes through: encode, sign, send, retry, decode.
//!
//! Generated operations describe themselves with an [`Operation`] and an [`EncodeRequest`]
//! implementation; [`Client::send`] does the rest. The retry loop is not generic, so it is
//! compiled once however many operations a crate has.

use std::borrow::Cow;
use std::fmt;
use std::fmt::Write as _;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use http::uri::{Authority, Scheme};
use http::{HeaderMap, HeaderName, HeaderValue, Uri};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::config::{CallOptions, Config};
use crate::credentials::{Credentials, CredentialsError, ProvideCredentials};
use crate::endpoint::{self, Endpoint};
use crate::error::{
    BuildError, ConfigError, ConnectionError, Error, ServiceError, TimeoutError, TimeoutKind,
};
use crate::http::{HttpClient, HttpError, HttpErrorKind};
use crate::operation::{Location, Method, Operation};
use crate::params::Params;
use crate::request::{EncodeRequest, RequestParams};
use crate::response::RawResponse;
use crate::retry::{RetryConfig, RetryReason};
use crate::{nonce, sign};

/// What the runtime needs to know about a service. Written by generated code.
#[derive(Debug)]
pub struct Service {
    /// Product code (`oos`).
    pub product: &'static str,
    /// Sent as `x-acs-version`.
    pub api_version: &'static str,
    /// Host for a region not in `regional_endpoints`; `{region}` is replaced.
    pub endpoint_rule: &'static str,
    /// `https` or `http`.
    pub protocol: &'static str,
    pub regional_endpoints: &'static [(&'static str, &'static str)],
    /// The generated crate, for the User-Agent.
    pub sdk_name: &'static str,
    pub sdk_version: &'static str,
}

/// The response of one call of a generated operation: await it for the decoded response.
#[must_use = "a call does nothing until awaited"]
pub struct ResponseFuture<T> {
    sending: Pin<Box<dyn Future<Output = Result<RawResponse, Error>> + Send>>,
    operation: &'static Operation,
    decoded: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for ResponseFuture<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned> Future for ResponseFuture<T> {
    type Output = Result<T, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.sending
            .as_mut()
            .poll(cx)
            .map(|response| response?.decode_as(self.operation))
    }
}

/// A signed request ready to send, with what went into its signature (for `--dry-run` and
/// for explaining `SignatureDoesNotMatch`).
#[derive(Clone)]
pub struct SignedRequest {
    pub request: http::Request<Bytes>,
    /// Holds the security token of temporary credentials, as a signed header.
    pub canonical_request: String,
    pub string_to_sign: String,
}

/// Headers that carry a credential or the signature.
const SECRET_HEADERS: [&str; 2] = ["authorization", "x-acs-security-token"];

/// Shows the method, URL, headers and string to sign; the signature and the security token
/// are redacted, and the canonical request (which repeats the token) is left out.
impl fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .request
            .headers()
            .iter()
            .map(|(name, value)| {
                let shown = if SECRET_HEADERS.contains(&name.as_str()) {
                    "** redacted **"
                } else {
                    value.to_str().unwrap_or("** not text **")
                };
                (name.as_str(), shown)
            })
            .collect();
        f.debug_struct("SignedRequest")
            .field("method", self.request.method())
            .field("uri", self.request.uri())
            .field("headers", &headers)
            .field("string_to_sign", &self.string_to_sign)
            .finish_non_exhaustive()
    }
}

/// The runtime half of a generated client: configuration, service description and the
/// send path. Clones share everything.
#[derive(Clone, Debug)]
pub struct Client {
    inner: Arc<ClientInner>,
}

#[derive(Debug)]
struct ClientInner {
    service: &'static Service,
    config: Config,
    /// Neither the service nor the configuration changes, so this is resolved and checked once;
    /// every call reports the error.
    base: Result<RequestBase, ConfigError>,
}

/// What every request of one client has in common, ready to be copied into each attempt's
/// request without parsing or validating it again.
#[derive(Debug)]
struct RequestBase {
    endpoint: Endpoint,
    scheme: Scheme,
    authority: Authority,
    api_version: HeaderValue,
    user_agent: HeaderValue,
}

impl RequestBase {
    fn new(service: &'static Service, config: &Config) -> Result<Self, ConfigError> {
        let endpoint = endpoint::resolve(service, config.region(), config.endpoint())?;
        let not_a_url = || {
            ConfigError::new(format!(
                "the endpoint `{}` does not make a valid URL",
                endpoint.authority.escape_debug()
            ))
        };
        let scheme = Scheme::try_from(endpoint.scheme).map_err(|_| not_a_url())?;
        let authority =
            Authority::try_from(endpoint.authority.as_str()).map_err(|_| not_a_url())?;
        let api_version = HeaderValue::from_str(service.api_version).map_err(|_| {
            ConfigError::new(
                "the service's API version holds characters an HTTP header cannot carry",
            )
        })?;
        let user_agent = HeaderValue::try_from(format!(
            "AlibabaCloud ({}; {}) Rust {}/{} acs-runtime/{}",
            std::env::consts::OS,
            std::env::consts::ARCH,
            service.sdk_name,
            service.sdk_version,
            env!("CARGO_PKG_VERSION"),
        ))
        .map_err(|_| {
            ConfigError::new(
                "the SDK's name or version holds characters an HTTP header cannot carry",
            )
        })?;
        Ok(RequestBase {
            endpoint,
            scheme,
            authority,
            api_version,
            user_agent,
        })
    }

    /// `scheme://authority/path?query` from parts already checked or encoded: the query is
    /// the canonical query, percent-encoded but for its keys, which are sent as given, so a
    /// key with a space (from [`Client::call`]) fails here; a host label from a parameter
    /// fails here too when it cannot be part of a host.
    fn uri(&self, message: &Message, query: &str) -> Result<Uri, Error> {
        let mut path_and_query = String::with_capacity(message.path.len() + 1 + query.len());
        path_and_query.push_str(&message.path);
        if !query.is_empty() {
            path_and_query.push('?');
            path_and_query.push_str(query);
        }
        let authority = match &message.authority {
            Some(authority) => Authority::try_from(authority.as_str()).map_err(|_| {
                Error::Build(BuildError::Encode(
                    "a host parameter holds characters a host name cannot carry".into(),
                ))
            })?,
            None => self.authority.clone(),
        };
        Uri::builder()
            .scheme(self.scheme.clone())
            .authority(authority)
            .path_and_query(path_and_query)
            .build()
            .map_err(|_| {
                Error::Build(BuildError::Encode(
                    "a parameter name holds characters a URL cannot carry".into(),
                ))
            })
    }
}

/// What every attempt of one call sends, encoded once: the path, the host when host
/// parameters change it, and the body with its content type.
struct Message<'p> {
    path: String,
    /// `<host labels>.<endpoint authority>`, when the operation has host parameters.
    authority: Option<String>,
    query: &'p Params,
    headers: &'p Params,
    body: Bytes,
    content_type: Option<&'static str>,
}

impl<'p> Message<'p> {
    fn new(call: &CallSpec<'_>, base: &RequestBase, params: &'p RequestParams) -> Self {
        let (body, content_type) = params.encode_body();
        let authority = (!params.host.is_empty()).then(|| {
            let mut authority = String::new();
            for (_, label) in params.host.iter() {
                authority.push_str(label);
                authority.push('.');
            }
            authority.push_str(&base.endpoint.authority);
            authority
        });
        Message {
            path: params.render_path(call.path),
            authority,
            query: &params.query,
            headers: &params.headers,
            body,
            content_type,
        }
    }

    fn authority<'a>(&'a self, base: &'a RequestBase) -> &'a str {
        self.authority
            .as_deref()
            .unwrap_or(base.endpoint.authority.as_str())
    }
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

/// One call as the send path sees it.
#[derive(Clone, Copy, Debug)]
pub struct CallSpec<'a> {
    pub action: &'a str,
    pub method: Method,
    /// The path template (`/` for RPC-style operations).
    pub path: &'a str,
    pub idempotency_token: Option<(&'a str, Location)>,
}

impl From<&Operation> for CallSpec<'static> {
    fn from(operation: &Operation) -> Self {
        CallSpec {
            action: operation.action(),
            method: operation.method(),
            path: operation.path(),
            idempotency_token: operation.idempotency_token(),
        }
    }
}

impl Client {
    pub fn new(service: &'static Service, config: Config) -> Self {
        let base = RequestBase::new(service, &config);
        Client {
            inner: Arc::new(ClientInner {
                service,
                config,
                base,
            }),
        }
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub fn service(&self) -> &'static Service {
        self.inner.service
    }

    fn request_base(&self) -> Result<&RequestBase, Error> {
        self.inner
            .base
            .as_ref()
            .map_err(|error| Error::Config(error.clone()))
    }

    /// Sends a generated operation's request (or reports why it could not be built) and
    /// decodes its response. Only encoding and decoding are generic: the sending future is
    /// the same for every operation, so each one costs little to compile.
    pub fn send<T: DeserializeOwned>(
        &self,
        operation: &'static Operation,
        request: Result<impl EncodeRequest, BuildError>,
        options: CallOptions,
    ) -> ResponseFuture<T> {
        let params = request.and_then(|request| request.to_params());
        ResponseFuture {
            sending: self.invoke_owned(operation.into(), params, options),
            operation,
            decoded: PhantomData,
        }
    }

    fn invoke_owned(
        &self,
        call: CallSpec<'static>,
        params: Result<RequestParams, BuildError>,
        options: CallOptions,
    ) -> Pin<Box<dyn Future<Output = Result<RawResponse, Error>> + Send>> {
        let client = self.clone();
        Box::pin(async move { client.invoke(call, params?, &options).await })
    }

    /// Calls any action with parameters built by hand, for operations the generated code
    /// lacks: `POST` with the parameters in the query, the response as JSON.
    pub async fn call(&self, action: &str, params: Params) -> Result<serde_json::Value, Error> {
        let call = CallSpec {
            action,
            method: Method::Post,
            path: "/",
            idempotency_token: None,
        };
        let params = RequestParams {
            query: params,
            ..RequestParams::default()
        };
        self.invoke(call, params, &CallOptions::default())
            .await?
            .decode()
    }

    /// Encodes, signs and sends one call with retries; returns the successful response.
    pub async fn invoke(
        &self,
        call: CallSpec<'_>,
        mut params: RequestParams,
        options: &CallOptions,
    ) -> Result<RawResponse, Error> {
        let config = &self.inner.config;
        let base = self.request_base()?;
        if let Some((token, location)) = call.idempotency_token
            && params.get(location, token).is_none_or(str::is_empty)
        {
            params.insert(location, token, uuid::Uuid::new_v4().to_string());
        }
        let span = tracing::debug_span!(
            "acs_call",
            action = call.action,
            region = config.region().unwrap_or(""),
            endpoint = %base.endpoint.authority,
        );
        let attempts = self.attempts(call, base, &params, options).instrument(span);
        match options.call_timeout.or(config.timeouts.call) {
            Some(limit) => {
                tokio::time::timeout(limit, attempts)
                    .await
                    .unwrap_or(Err(Error::Timeout(TimeoutError {
                        kind: TimeoutKind::Call,
                        after: limit,
                    })))
            }
            None => attempts.await,
        }
    }

    async fn attempts(
        &self,
        call: CallSpec<'_>,
        base: &RequestBase,
        params: &RequestParams,
        options: &CallOptions,
    ) -> Result<RawResponse, Error> {
        let config = &self.inner.config;
        let retry: &RetryConfig = options.retry.as_ref().unwrap_or(&config.retry);
        let read_timeout = options.read_timeout.unwrap_or(config.timeouts.read);
        // The path, host and body do not change between attempts: encode them once.
        let message = Message::new(&call, base, params);
        let mut attempt = 1;
        loop {
            let result = self
                .attempt(call, base, &message, read_timeout)
                .instrument(tracing::debug_span!(
                    "acs_attempt",
                    attempt,
                    status = tracing::field::Empty,
                    request_id = tracing::field::Empty,
                ))
                .await;
            let AttemptFailure {
                error,
                retry: reason,
                retry_after,
            } = match result {
                Ok(response) => return Ok(response),
                Err(failure) => failure,
            };
            let Some(reason) = reason else {
                return Err(error);
            };
            if attempt >= retry.max_attempts() {
                return Err(error);
            }
            attempt += 1;
            let backoff = retry.backoff(attempt);
            let wait = match retry_after {
                Some(asked) if asked > retry.max_backoff() => {
                    tracing::debug!(
                        ?reason,
                        asked_ms = asked.as_millis() as u64,
                        "retry-after exceeds the retry budget"
                    );
                    return Err(error);
                }
                Some(asked) => asked.max(backoff),
                None => backoff,
            };
            tracing::debug!(
                ?reason,
                wait_ms = wait.as_millis() as u64,
                next_attempt = attempt,
                "retrying"
            );
            tokio::time::sleep(wait).await;
        }
    }

    /// One attempt: fresh credentials, date and nonce; a signature; the exchange.
    ///
    /// A 2xx response whose body is an error document (see
    /// [`ServiceError::from_success_body`]) fails like an error status does: decoding
    /// `{"Code":"InternalError",…}` as the operation's response would hand the caller an
    /// empty success.
    async fn attempt(
        &self,
        call: CallSpec<'_>,
        base: &RequestBase,
        message: &Message<'_>,
        read_timeout: Duration,
    ) -> Result<RawResponse, AttemptFailure> {
        let credentials = self
            .inner
            .config
            .credentials
            .provide_credentials()
            .await
            .map_err(|error| AttemptFailure::final_error(Error::Credentials(error)))?;
        let signed = self
            .sign(call, base, message, &credentials, SystemTime::now())
            .map_err(AttemptFailure::final_error)?;
        let exchange = self.inner.config.http_client.send(signed.request);
        let read_timed_out = || {
            AttemptFailure::final_error(Error::Timeout(TimeoutError {
                kind: TimeoutKind::Read,
                after: read_timeout,
            }))
        };
        let response = match tokio::time::timeout(read_timeout, exchange).await {
            Err(_) => return Err(read_timed_out()),
            Ok(Err(error)) if error.kind() == HttpErrorKind::Timeout => {
                return Err(read_timed_out());
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
        let mut error = if parts.status.is_success() {
            match ServiceError::from_success_body(response.status, &response.body) {
                Some(error) => error,
                None => return Ok(response),
            }
        } else {
            ServiceError::from_body(response.status, &response.body)
                .unwrap_or_else(|| ServiceError::from_status(response.status, None))
        };
        if error.request_id.is_none() {
            error.request_id = response.request_id();
        }
        if error.code == "SignatureDoesNotMatch" {
            error.client_string_to_sign = Some(signed.string_to_sign);
        }
        let error = Error::Service(Box::new(error));
        Err(AttemptFailure {
            retry: retry_reason(&error),
            error,
            retry_after: retry_after(&response.headers),
        })
    }

    /// The signed request a call would send with `credentials` at `now`, without sending it.
    pub fn prepare(
        &self,
        call: CallSpec<'_>,
        params: &RequestParams,
        credentials: &Credentials,
        now: SystemTime,
    ) -> Result<SignedRequest, Error> {
        let base = self.request_base()?;
        self.sign(
            call,
            base,
            &Message::new(&call, base, params),
            credentials,
            now,
        )
    }

    /// Signs one attempt's request with `credentials` at `now`: a fresh date and nonce, the
    /// signature, and the request with the endpoint's parts and header names made beforehand.
    fn sign(
        &self,
        call: CallSpec<'_>,
        base: &RequestBase,
        message: &Message<'_>,
        credentials: &Credentials,
        now: SystemTime,
    ) -> Result<SignedRequest, Error> {
        let date = format_date(now);
        let nonce = nonce::next(now);
        let payload_hash = sign::hex_sha256(&message.body);
        let mut signed_headers: Vec<(&str, &str)> = Vec::with_capacity(9 + message.headers.len());
        signed_headers.extend([
            ("host", message.authority(base)),
            (ACCEPT.as_str(), JSON_MEDIA_TYPE),
            (X_ACS_ACTION.as_str(), call.action),
            (X_ACS_CONTENT_SHA256.as_str(), &payload_hash),
            (X_ACS_DATE.as_str(), &date),
            (X_ACS_SIGNATURE_NONCE.as_str(), &nonce),
            (X_ACS_VERSION.as_str(), self.inner.service.api_version),
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
        headers.insert(X_ACS_SIGNATURE_NONCE.clone(), generated_value(nonce.into()));
        headers.insert(X_ACS_VERSION.clone(), base.api_version.clone());
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
        headers.insert(USER_AGENT, base.user_agent.clone());

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
}

/// A header value the client made itself (a date, a nonce, a hex digest): ASCII letters,
/// digits and punctuation only. An owned string becomes the value without being copied.
fn generated_value(text: Cow<'static, str>) -> HeaderValue {
    let value = match text {
        Cow::Borrowed(text) => Ok(HeaderValue::from_static(text)),
        Cow::Owned(text) => HeaderValue::try_from(text),
    };
    value.expect("dates, nonces and digests are printable ASCII")
}

/// Credentials HTTP cannot carry (a line break at the end of an access key read from a file,
/// say). The message never quotes them.
fn unsendable(credentials: &Credentials) -> Error {
    Error::Credentials(CredentialsError::new(
        credentials.provider(),
        "the access key id or security token holds characters an HTTP header cannot carry",
    ))
}

/// A failed attempt: the error, whether another attempt may help, and the wait the service
/// asked for (`x-acs-retry-after`).
struct AttemptFailure {
    error: Error,
    retry: Option<RetryReason>,
    retry_after: Option<Duration>,
}

impl AttemptFailure {
    fn final_error(error: Error) -> Self {
        AttemptFailure {
            error,
            retry: None,
            retry_after: None,
        }
    }

    /// A failed exchange is retried unless the response was too large: the same request
    /// would bring the same body again.
    fn from_http(error: HttpError) -> Self {
        let (message, retry) = match error.kind() {
            HttpErrorKind::Connect => ("could not connect", Some(RetryReason::Connection)),
            HttpErrorKind::Io => ("the connection broke", Some(RetryReason::Connection)),
            HttpErrorKind::ResponseTooLarge => ("the response is too large", None),
            HttpErrorKind::Certificate => ("the server's certificate was refused", None),
            _ => ("the request failed", Some(RetryReason::Connection)),
        };
        AttemptFailure {
            error: Error::Connection(ConnectionError {
                message: message.into(),
                source: Some(error.into_source()),
            }),
            retry,
            retry_after: None,
        }
    }
}

/// Whether a service error is worth another attempt. Only the status and the code count: a
/// 2xx error body is retried for throttling codes only.
fn retry_reason(error: &Error) -> Option<RetryReason> {
    match error {
        Error::Service(error) if error.is_throttling() => Some(RetryReason::Throttled),
        Error::Service(error) if error.status >= 500 => Some(RetryReason::ServerError),
        _ => None,
    }
}

/// `x-acs-retry-after`, in milliseconds.
fn retry_after(headers: &http::HeaderMap) -> Option<Duration> {
    let value = headers
        .get("x-acs-retry-after")?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()?;
    (value > 0).then(|| Duration::from_millis(value))
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

    static STS: Service = Service {
        product: "sts",
        api_version: "2015-04-01",
        endpoint_rule: "sts.{region}.aliyuncs.com",
        protocol: "https",
        regional_endpoints: &[],
        sdk_name: "test",
        sdk_version: "0",
    };

    fn sts_client(endpoint: &str) -> Client {
        Client::new(&STS, Config::builder().endpoint(endpoint).build().unwrap())
    }

    fn call(action: &str) -> CallSpec<'_> {
        CallSpec {
            action,
            method: Method::Post,
            path: "/",
            idempotency_token: None,
        }
    }

    #[test]
    fn anonymous_credentials_send_no_authorization() {
        let client = sts_client("sts.aliyuncs.com");
        let sign = |credentials: Credentials| {
            client
                .prepare(
                    call("AssumeRoleWithOIDC"),
                    &RequestParams::default(),
                    &credentials,
                    SystemTime::UNIX_EPOCH,
                )
                .expect("valid header values")
        };

        let anonymous = sign(Credentials::anonymous()).request;
        assert!(anonymous.headers().get("authorization").is_none());
        assert_eq!(anonymous.headers()["x-acs-action"], "AssumeRoleWithOIDC");
        let keyed = sign(Credentials::new("LTAIid", "secret", "test")).request;
        assert!(
            keyed.headers()["authorization"]
                .to_str()
                .unwrap()
                .starts_with("ACS3-HMAC-SHA256 Credential=LTAIid,")
        );
    }

    #[test]
    fn requests_carry_the_signed_headers_in_order_and_the_canonical_query() {
        let client = sts_client("http://127.0.0.1:8080");
        let mut params = RequestParams::default();
        params.query.insert("RoleSessionName", "a b");
        params.query.insert("DurationSeconds", "900");
        params.form.insert("OIDCToken", "token");
        let credentials =
            Credentials::new("LTAIid", "secret", "test").with_security_token("sts-token");
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_714_552_200);
        let signed = client
            .prepare(call("AssumeRole"), &params, &credentials, at)
            .unwrap();

        let request = &signed.request;
        assert_eq!(request.method(), http::Method::POST);
        assert_eq!(
            request.uri(),
            "http://127.0.0.1:8080/?DurationSeconds=900&RoleSessionName=a%20b"
        );
        let names: Vec<&str> = request.headers().keys().map(HeaderName::as_str).collect();
        assert_eq!(
            names,
            [
                "accept",
                "x-acs-action",
                "x-acs-content-sha256",
                "x-acs-date",
                "x-acs-signature-nonce",
                "x-acs-version",
                "x-acs-security-token",
                "content-type",
                "authorization",
                "user-agent",
            ]
        );
        let header = |name: &str| request.headers()[name].to_str().unwrap();
        assert_eq!(header("x-acs-date"), "2024-05-01T08:30:00Z");
        assert_eq!(
            header("x-acs-content-sha256"),
            sign::hex_sha256(b"OIDCToken=token")
        );
        assert_eq!(request.body().as_ref(), b"OIDCToken=token");
        assert!(
            header("authorization").contains(
                ",SignedHeaders=accept;content-type;host;x-acs-action;x-acs-content-sha256;x-acs-date;\
                 x-acs-security-token;x-acs-signature-nonce;x-acs-version,"
            ),
            "{}",
            header("authorization")
        );
        assert!(signed.canonical_request.contains("\nhost:127.0.0.1:8080\n"));

        let again = client
            .prepare(call("AssumeRole"), &params, &credentials, at)
            .unwrap();
        assert_ne!(
            again.request.headers()["x-acs-signature-nonce"],
            request.headers()["x-acs-signature-nonce"],
            "each attempt has its own nonce, even at the same time"
        );
    }

    #[test]
    fn roa_requests_carry_their_path_host_labels_header_parameters_and_json_body() {
        let client = sts_client("http://127.0.0.1:8080");
        let call = CallSpec {
            action: "ModifyCluster",
            method: Method::Put,
            path: "/api/v2/clusters/{ClusterId}",
            idempotency_token: None,
        };
        let mut params = RequestParams::default();
        params.path.insert("ClusterId", "c 1/2");
        params.host.insert("project", "my-project");
        params.query.insert("region_id", "cn-hangzhou");
        params.headers.insert("X-Fc-Invocation-Type", "Async");
        params.put_body_field("cluster_name", "prod 集群").unwrap();
        let credentials = Credentials::new("LTAIid", "secret", "test");
        let signed = client
            .prepare(call, &params, &credentials, SystemTime::UNIX_EPOCH)
            .unwrap();

        let request = &signed.request;
        assert_eq!(request.method(), http::Method::PUT);
        assert_eq!(
            request.uri(),
            "http://my-project.127.0.0.1:8080/api/v2/clusters/c%201%2F2?region_id=cn-hangzhou"
        );
        assert_eq!(request.headers()["x-fc-invocation-type"], "Async");
        assert_eq!(
            request.headers()["content-type"],
            "application/json; charset=utf-8"
        );
        assert_eq!(
            request.body().as_ref(),
            r#"{"cluster_name":"prod 集群"}"#.as_bytes()
        );
        let canonical: Vec<&str> = signed.canonical_request.lines().collect();
        assert_eq!(canonical[0], "PUT");
        assert_eq!(canonical[1], "/api/v2/clusters/c%201%2F2");
        assert_eq!(canonical[2], "region_id=cn-hangzhou");
        assert!(canonical.contains(&"host:my-project.127.0.0.1:8080"));
        assert!(canonical.contains(&"x-fc-invocation-type:Async"));
        assert_eq!(
            canonical.last(),
            Some(&&*sign::hex_sha256(
                r#"{"cluster_name":"prod 集群"}"#.as_bytes()
            ))
        );
    }

    #[test]
    fn what_a_request_cannot_carry_is_an_error_naming_the_input() {
        let params = RequestParams::default();
        let credentials = Credentials::new("LTAIid\n", "secret", "test");
        let error = sts_client("sts.aliyuncs.com")
            .prepare(call("AssumeRole"), &params, &credentials, SystemTime::now())
            .unwrap_err();
        assert!(matches!(error, Error::Credentials(_)), "{error:?}");

        let credentials = Credentials::new("LTAIid", "secret", "test");
        let error = sts_client("sts.aliyuncs.com")
            .prepare(
                call("Assume\nRole"),
                &params,
                &credentials,
                SystemTime::now(),
            )
            .unwrap_err();
        assert!(matches!(error, Error::Build(_)), "{error:?}");

        let mut spaced = RequestParams::default();
        spaced.query.insert("Role Arn", "x");
        let error = sts_client("sts.aliyuncs.com")
            .prepare(call("AssumeRole"), &spaced, &credentials, SystemTime::now())
            .unwrap_err();
        assert!(matches!(error, Error::Build(_)), "{error:?}");

        let error = sts_client("sts.aliyuncs.com\n")
            .prepare(call("AssumeRole"), &params, &credentials, SystemTime::now())
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid configuration: the endpoint `sts.aliyuncs.com\\n` does not make a valid URL"
        );
    }

    #[test]
    fn retry_after_is_milliseconds() {
        let mut headers = http::HeaderMap::new();
        headers.insert("x-acs-retry-after", " 1500 ".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_millis(1500)));
        headers.insert("x-acs-retry-after", "0".parse().unwrap());
        assert_eq!(retry_after(&headers), None);
    }
}
