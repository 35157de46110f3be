//! The generic send path every operation goes through: encode, then attempts (see
//! [`crate::attempt`]) with retries within the client's budget, then decode.
//!
//! Generated operations describe themselves with an [`Operation`] and an [`EncodeRequest`]
//! implementation; [`Client::send`] does the rest. The retry loop is not generic, so it is
//! compiled once however many operations a crate has.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::attempt::{self, AttemptFailure, SignedRequest};
use crate::auth::{self, AuthScheme, Unsigned};
use crate::byte_stream::ByteStream;
use crate::config::{CallOptions, Config};
use crate::content_type::ContentType;
use crate::credentials::Credentials;
use crate::error::{BodyError, BuildError, ConfigError, Error, TimeoutError, TimeoutKind};
use crate::operation::{CallSpec, Method, Operation};
use crate::params::Params;
use crate::request::{Body, EncodeRequest, Message, RequestBase, RequestParams, wants_content_md5};
use crate::response::RawResponse;
use crate::retry::{RetryBudget, RetryConfig};
use crate::service::Service;
use crate::streamed::{self, StreamedResponse};

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
        // `invoke` names the action in its errors, and `decode_as` in its own.
        self.sending
            .as_mut()
            .poll(cx)
            .map(|response| response?.decode_as(self.operation))
    }
}

/// The runtime half of a generated client: configuration, service description, retry budget
/// and the send path. Clones share everything.
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
    budget: RetryBudget,
}

impl Client {
    pub fn new(service: &'static Service, config: Config) -> Self {
        let base = RequestBase::new(service, &config);
        Client {
            inner: Arc::new(ClientInner {
                service,
                config,
                base,
                budget: RetryBudget::default(),
            }),
        }
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub fn service(&self) -> &'static Service {
        self.inner.service
    }

    pub(crate) fn request_base(&self) -> Result<&RequestBase, Error> {
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

    /// Sends a generated operation whose response is an object read as it arrives (see
    /// [`Client::invoke_streamed`]), with the response's header fields decoded as `T`.
    pub async fn send_streamed<T: DeserializeOwned>(
        &self,
        operation: &'static Operation,
        request: Result<impl EncodeRequest, BuildError>,
        options: CallOptions,
    ) -> Result<streamed::Streamed<T>, Error> {
        let params = request.and_then(|request| request.to_params())?;
        let body = self
            .invoke_streamed(operation.into(), params, &options)
            .await?;
        streamed::Streamed::decode(body, operation)
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
    /// lacks: `POST` with the parameters in the query, the response as JSON. Not knowing
    /// whether the action only reads, the client retries it only when the service provably
    /// did not process it.
    pub async fn call(&self, action: &str, params: Params) -> Result<serde_json::Value, Error> {
        let call = CallSpec {
            action,
            method: Method::Post,
            path: "/",
            idempotency_token: None,
            read_only: false,
            anonymous: false,
            auth: None,
            body_fields: None,
            defaults: Default::default(),
        };
        let params = RequestParams {
            query: params,
            ..RequestParams::default()
        };
        self.invoke(call, params, &CallOptions::default())
            .await?
            .decode()
    }

    /// Encodes, signs and sends one call with retries; returns the successful response. A
    /// body that streams ([`Body::Stream`]) is sent as [`Client::invoke_streamed`] sends it,
    /// and the response read whole.
    pub async fn invoke(
        &self,
        call: CallSpec<'_>,
        mut params: RequestParams,
        options: &CallOptions,
    ) -> Result<RawResponse, Error> {
        match self.take_payload(&call, &mut params).await? {
            None => self.invoke_with(call, params, options, Buffered).await,
            Some(payload) => self
                .invoke_with(call, params, options, Streamed(Some(&payload)))
                .await?
                .into_raw_response()
                .await
                .map_err(|error| error.with_action(call.action)),
        }
    }

    /// Sends one call whose request body streams ([`RequestParams::put_stream_body`]), or
    /// whose response body is read as it arrives, with retries: see [`StreamedResponse`].
    pub async fn invoke_streamed(
        &self,
        call: CallSpec<'_>,
        mut params: RequestParams,
        options: &CallOptions,
    ) -> Result<StreamedResponse, Error> {
        let payload = self.take_payload(&call, &mut params).await?;
        self.invoke_with(call, params, options, Streamed(payload.as_ref()))
            .await
    }

    /// Takes out of `params` a body that is to stream as it is sent: under OSS4 and the PDS
    /// gateway's scheme, which sign no hash of it. Under the schemes that do (ACS3, the SLS
    /// gateway's), it is read whole into `params`, as the official SDKs read it. A streamed
    /// body without a `Content-Type` header parameter goes as `application/octet-stream`
    /// (unless bare).
    async fn take_payload(
        &self,
        call: &CallSpec<'_>,
        params: &mut RequestParams,
    ) -> Result<Option<ByteStream>, Error> {
        let Some(Body::Stream { stream, bare }) = params
            .body
            .take_if(|body| matches!(body, Body::Stream { .. }))
        else {
            return Ok(None);
        };
        if AuthScheme::of(call, self.request_base()?).signs_body_hash() {
            let whole = stream.collect().await?;
            params.body = Some(if bare {
                Body::Bare(whole)
            } else {
                Body::Binary(whole)
            });
            return Ok(None);
        }
        let typed = params
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("content-type"));
        if !typed && !bare && call.defaults.content_type == ContentType::OfBody {
            params
                .headers
                .insert("Content-Type", crate::request::BINARY_CONTENT_TYPE);
        }
        Ok(Some(stream))
    }

    async fn invoke_with<X: Exchange>(
        &self,
        call: CallSpec<'_>,
        mut params: RequestParams,
        options: &CallOptions,
        exchange: X,
    ) -> Result<X::Response, Error> {
        // A call's own region, endpoint or credentials make a configuration of its own, and
        // the parts of its requests that follow from it.
        let overridden = self.inner.config.overridden(options);
        let call_base;
        let (config, base) = match &overridden {
            Some(config) => {
                call_base = RequestBase::new(self.inner.service, config)?;
                (config, &call_base)
            }
            None => (&self.inner.config, self.request_base()?),
        };
        for (name, value) in options.headers.iter() {
            params.headers.insert(name.to_owned(), value.to_owned());
        }
        if let Some(payload) = exchange.payload() {
            add_streamed_content_md5(&call, &mut params, payload)?;
        }
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
        let attempts = self
            .attempts(call, config, base, &params, options, &exchange)
            .instrument(span);
        let result = match options.call_timeout.or(config.timeouts.call) {
            Some(limit) => {
                tokio::time::timeout(limit, attempts)
                    .await
                    .unwrap_or(Err(Error::Timeout(TimeoutError {
                        kind: TimeoutKind::Call,
                        after: limit,
                        action: None,
                    })))
            }
            None => attempts.await,
        };
        result.map_err(|error| error.with_action(call.action))
    }

    /// Attempts until one succeeds, or a failure is final: not retryable for this call, the
    /// attempts used up, the wait asked for too long, or the client's retry budget spent.
    async fn attempts<X: Exchange>(
        &self,
        call: CallSpec<'_>,
        config: &Config,
        base: &RequestBase,
        params: &RequestParams,
        options: &CallOptions,
        exchange: &X,
    ) -> Result<X::Response, Error> {
        let budget = &self.inner.budget;
        let retry: &RetryConfig = options.retry.as_ref().unwrap_or(&config.retry);
        let read_timeout = options.read_timeout.unwrap_or(config.timeouts.read);
        // The path, host and body do not change between attempts: encode them once.
        let message = Message::new(call, base, params)?;
        let mut attempt = 1;
        let mut last_withdrawal = None;
        loop {
            let result = exchange
                .attempt(config, call, base, &message, read_timeout)
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
                Ok(response) => {
                    budget.record_success(last_withdrawal);
                    return Ok(response);
                }
                Err(failure) => failure,
            };
            let Some(reason) = reason else {
                return Err(error);
            };
            if !reason.not_processed() && !call.is_safe_to_repeat() {
                tracing::debug!(
                    ?reason,
                    "not retried: the service may have acted on a call that is not safe to repeat"
                );
                return Err(error);
            }
            if attempt >= retry.max_attempts() {
                return Err(error);
            }
            if !exchange.replayable() {
                return Err(Error::Body(BodyError::NotReplayable {
                    after: Some(Box::new(error)),
                }));
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
            let Some(withdrawal) = budget.withdraw(reason) else {
                tracing::debug!(?reason, "not retried: the client's retry budget is spent");
                return Err(error);
            };
            last_withdrawal = Some(withdrawal);
            tracing::debug!(
                ?reason,
                wait_ms = wait.as_millis() as u64,
                next_attempt = attempt,
                "retrying"
            );
            tokio::time::sleep(wait).await;
        }
    }

    /// The signed request a call would send with `credentials`, dated `now` and carrying
    /// `nonce` as its `x-acs-signature-nonce`, without sending it. A request sent needs a
    /// nonce of its own ([`crate::nonce::next`]); a fixed one reproduces a recorded request.
    pub fn prepare(
        &self,
        call: CallSpec<'_>,
        params: &RequestParams,
        credentials: &Credentials,
        now: SystemTime,
        nonce: &str,
    ) -> Result<SignedRequest, Error> {
        let base = self.request_base()?;
        let message = Message::new(call, base, params)?;
        let unsigned = Unsigned {
            call,
            base,
            message: &message,
            now,
            nonce,
        };
        let scheme = AuthScheme::of(&call, base);
        let credentials = scheme.takes_credentials(&call).then_some(credentials);
        auth::sign(scheme, unsigned, credentials)
    }
}

/// Adds the `Content-MD5` of a body that streams where the call wants it: hashed when it is in
/// memory, refused when it is read from a file or a stream. A body sent whole is hashed as
/// `Message::new` encodes it.
fn add_streamed_content_md5(
    call: &CallSpec<'_>,
    params: &mut RequestParams,
    payload: &ByteStream,
) -> Result<(), Error> {
    if !wants_content_md5(*call, params) {
        return Ok(());
    }
    // One read from a file or a stream goes to the service, so its digest is the caller's to
    // give as a header.
    let body = payload.in_memory().ok_or_else(|| {
        Error::Build(BuildError::Encode(
            "the Content-MD5 of a body streamed from a file or a stream is not computed: \
             give it as the `Content-MD5` header"
                .to_owned(),
        ))
    })?;
    let md5 = crate::checksum::content_md5(body);
    params.headers.insert("Content-MD5", md5);
    Ok(())
}

/// What an attempt sends and hands back: the whole response, or a streamed one.
trait Exchange: Sync {
    type Response: Send;

    fn attempt<'a>(
        &'a self,
        config: &'a Config,
        call: CallSpec<'a>,
        base: &'a RequestBase,
        message: &'a Message<'a>,
        read_timeout: Duration,
    ) -> impl Future<Output = Result<Self::Response, AttemptFailure>> + Send + 'a;

    /// The body it streams, if any; any other body is in memory.
    fn payload(&self) -> Option<&ByteStream>;

    /// Whether another attempt can send the request again from its start.
    fn replayable(&self) -> bool {
        self.payload().is_none_or(ByteStream::is_replayable)
    }
}

struct Buffered;

impl Exchange for Buffered {
    type Response = RawResponse;

    fn attempt<'a>(
        &'a self,
        config: &'a Config,
        call: CallSpec<'a>,
        base: &'a RequestBase,
        message: &'a Message<'a>,
        read_timeout: Duration,
    ) -> impl Future<Output = Result<RawResponse, AttemptFailure>> + Send + 'a {
        attempt::attempt(config, call, base, message, read_timeout)
    }

    fn payload(&self) -> Option<&ByteStream> {
        None
    }
}

struct Streamed<'p>(Option<&'p ByteStream>);

impl Exchange for Streamed<'_> {
    type Response = StreamedResponse;

    fn attempt<'a>(
        &'a self,
        config: &'a Config,
        call: CallSpec<'a>,
        base: &'a RequestBase,
        message: &'a Message<'a>,
        read_timeout: Duration,
    ) -> impl Future<Output = Result<StreamedResponse, AttemptFailure>> + Send + 'a {
        streamed::attempt(config, call, base, message, self.0, read_timeout)
    }

    fn payload(&self) -> Option<&ByteStream> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use http::HeaderName;

    use super::*;
    use crate::auth::AuthScheme;
    use crate::sign;

    static STS: Service = Service {
        product: "sts",
        api_version: "2015-04-01",
        endpoint_rule: "sts.{region}.aliyuncs.com",
        auth: AuthScheme::Acs3HmacSha256,
        protocol: "https",
        regional_endpoints: &[],
        sdk_name: "test",
        sdk_version: "0",
    };

    /// A client whose own credentials go unused: `prepare` signs with the ones it is given.
    fn sts_client(endpoint: &str) -> Client {
        let config = Config::builder()
            .endpoint(endpoint)
            .credentials(Credentials::new("LTAIunused", "unused", "test"))
            .build()
            .unwrap();
        Client::new(&STS, config)
    }

    const NONCE: &str = "0123456789abcdef0123456789abcdef";

    fn call(action: &str) -> CallSpec<'_> {
        CallSpec {
            action,
            method: Method::Post,
            path: "/",
            idempotency_token: None,
            read_only: false,
            anonymous: false,
            auth: None,
            body_fields: None,
            defaults: Default::default(),
        }
    }

    #[test]
    fn an_anonymous_operation_is_sent_without_authorization_nor_security_token() {
        let client = sts_client("sts.aliyuncs.com");
        let credentials = Credentials::new("LTAIid", "secret", "test").with_security_token("token");
        let sign = |call: CallSpec<'_>| {
            client
                .prepare(
                    call,
                    &RequestParams::default(),
                    &credentials,
                    SystemTime::UNIX_EPOCH,
                    NONCE,
                )
                .expect("valid header values")
                .request
        };
        let unsigned = sign(CallSpec {
            anonymous: true,
            ..call("AssumeRoleWithOIDC")
        });
        assert!(unsigned.headers().get("authorization").is_none());
        assert!(unsigned.headers().get("x-acs-security-token").is_none());
        assert_eq!(unsigned.headers()["x-acs-action"], "AssumeRoleWithOIDC");
        assert_eq!(unsigned.headers()["x-acs-signature-nonce"], NONCE);
        assert!(unsigned.headers().contains_key("x-acs-date"));
        assert!(unsigned.headers().contains_key("x-acs-content-sha256"));
        let keyed = sign(call("AssumeRole"));
        assert!(
            keyed.headers()["authorization"]
                .to_str()
                .unwrap()
                .starts_with("ACS3-HMAC-SHA256 Credential=LTAIid,")
        );
    }

    /// The SLS and OSS gateways sign every call, `Anonymous` or not; ACS3, the v2 RPC path and
    /// the PDS gateway leave an anonymous one unsigned, and its client never asks its provider.
    #[tokio::test]
    async fn which_schemes_send_an_anonymous_operation_unsigned() {
        let anonymous = CallSpec {
            anonymous: true,
            ..call("Token")
        };
        for scheme in AuthScheme::ALL {
            let unsigned = !matches!(
                scheme,
                AuthScheme::SlsLogHmacSha256
                    | AuthScheme::Oss4HmacSha256
                    | AuthScheme::OssGatewayHmacSha256
            );
            assert_eq!(
                scheme.takes_credentials(&anonymous),
                !unsigned,
                "{scheme:?}"
            );
            assert!(scheme.takes_credentials(&call("Token")), "{scheme:?}");
        }
        // A port nothing listens on: the unsigned call fails to connect, having been sent.
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let server = format!("http://{}", closed.local_addr().unwrap());
        drop(closed);
        let client = Client::new(
            &STS,
            Config::builder()
                .endpoint(server)
                .credentials_provider(crate::credentials::NoCredentials)
                .retry_config(RetryConfig::disabled())
                .build()
                .unwrap(),
        );
        let signed = client
            .invoke(
                call("AssumeRole"),
                RequestParams::default(),
                &CallOptions::default(),
            )
            .await
            .unwrap_err();
        assert!(matches!(signed, Error::Credentials(_)), "{signed:?}");
        let unsigned = client
            .invoke(anonymous, RequestParams::default(), &CallOptions::default())
            .await
            .unwrap_err();
        assert!(matches!(unsigned, Error::Connection(_)), "{unsigned:?}");
    }

    /// `alibabacloud-gateway-pds` signs `DownloadFile` with a form content type it does not
    /// send; every other call without a body signs none.
    #[test]
    fn the_pds_gateway_signs_download_file_with_a_content_type_it_does_not_send() {
        static PDS: Service = Service {
            product: "pds",
            api_version: "2022-03-01",
            endpoint_rule: "{region}.admin.aliyunpds.com",
            auth: AuthScheme::PdsAcsHmacSha1,
            protocol: "https",
            regional_endpoints: &[],
            sdk_name: "test",
            sdk_version: "0",
        };
        let client = Client::new(
            &PDS,
            Config::builder()
                .endpoint("http://127.0.0.1:8080")
                .credentials(Credentials::new("ak", "secret", "test"))
                .build()
                .unwrap(),
        );
        let signed = |action: &str, path: &str| {
            let call = CallSpec {
                method: Method::Get,
                path,
                ..call(action)
            };
            let credentials = Credentials::new("ak", "secret", "test");
            client
                .prepare(
                    call,
                    &RequestParams::default(),
                    &credentials,
                    SystemTime::UNIX_EPOCH,
                    NONCE,
                )
                .unwrap()
        };
        let download = signed("DownloadFile", "/v2/file/download");
        assert!(download.request.headers().get("content-type").is_none());
        assert!(
            download.canonical_request.starts_with(
                "GET\napplication/json\n\napplication/x-www-form-urlencoded; charset=UTF-8\n"
            ),
            "{}",
            download.canonical_request
        );
        let other = signed("GetFile", "/v2/file/get");
        assert!(
            other
                .canonical_request
                .starts_with("GET\napplication/json\n\n\n")
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
            .prepare(call("AssumeRole"), &params, &credentials, at, NONCE)
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

        assert_eq!(header("x-acs-signature-nonce"), NONCE);
        assert!(
            signed
                .canonical_request
                .contains(&format!("\nx-acs-signature-nonce:{NONCE}\n"))
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
            read_only: false,
            anonymous: false,
            auth: None,
            body_fields: None,
            defaults: Default::default(),
        };
        let mut params = RequestParams::default();
        params.path.insert("ClusterId", "c 1/2");
        params.host.insert("project", "my-project");
        params.query.insert("region_id", "cn-hangzhou");
        params.headers.insert("X-Fc-Invocation-Type", "Async");
        params.put_body_field("cluster_name", "prod 集群").unwrap();
        let credentials = Credentials::new("LTAIid", "secret", "test");
        let signed = client
            .prepare(call, &params, &credentials, SystemTime::UNIX_EPOCH, NONCE)
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
            .prepare(
                call("AssumeRole"),
                &params,
                &credentials,
                SystemTime::now(),
                NONCE,
            )
            .unwrap_err();
        assert!(matches!(error, Error::Credentials(_)), "{error:?}");

        let credentials = Credentials::new("LTAIid", "secret", "test");
        let error = sts_client("sts.aliyuncs.com")
            .prepare(
                call("Assume\nRole"),
                &params,
                &credentials,
                SystemTime::now(),
                NONCE,
            )
            .unwrap_err();
        assert!(matches!(error, Error::Build(_)), "{error:?}");

        // A name with a space (a map's key flattened into it) is percent-encoded, as the
        // official SDKs encode it.
        let mut spaced = RequestParams::default();
        spaced.query.insert("Options.key 1", "x");
        let request = sts_client("sts.aliyuncs.com")
            .prepare(
                call("AssumeRole"),
                &spaced,
                &credentials,
                SystemTime::now(),
                NONCE,
            )
            .unwrap();
        assert_eq!(request.request.uri().query(), Some("Options.key%201=x"));

        // A query longer than a URL can hold here says so, with its length.
        let mut long = RequestParams::default();
        long.query.insert("Data", "x".repeat(70_000));
        let error = sts_client("sts.aliyuncs.com")
            .prepare(
                call("AssumeRole"),
                &long,
                &credentials,
                SystemTime::now(),
                NONCE,
            )
            .unwrap_err();
        assert!(
            matches!(&error, Error::Build(BuildError::Encode(reason))
                if reason.contains("bytes, more than the 65534")),
            "{error:?}"
        );

        let error = sts_client("sts.aliyuncs.com")
            .prepare(
                call("AssumeRole"),
                &params,
                &credentials,
                SystemTime::now(),
                "a\nb",
            )
            .unwrap_err();
        assert!(
            matches!(&error, Error::Build(BuildError::Encode(reason)) if reason.contains("nonce")),
            "{error:?}"
        );

        let error = sts_client("sts.aliyuncs.com\n")
            .prepare(
                call("AssumeRole"),
                &params,
                &credentials,
                SystemTime::now(),
                NONCE,
            )
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid configuration: the endpoint `sts.aliyuncs.com\\n` does not make a valid URL"
        );
    }

    #[test]
    fn a_user_agent_of_the_calls_own_is_sent_as_it_is_signed() {
        let client = sts_client("http://127.0.0.1:8080");
        let credentials = Credentials::new("LTAIid", "secret", "test");
        let default = client
            .prepare(
                call("AssumeRole"),
                &RequestParams::default(),
                &credentials,
                SystemTime::UNIX_EPOCH,
                NONCE,
            )
            .unwrap();
        assert!(!default.canonical_request.contains("user-agent"));
        assert!(
            default.request.headers()["user-agent"]
                .to_str()
                .unwrap()
                .contains("test/0")
        );

        let mut params = RequestParams::default();
        params.headers.insert("User-Agent", "another-client/1.0");
        let signed = client
            .prepare(
                call("AssumeRole"),
                &params,
                &credentials,
                SystemTime::UNIX_EPOCH,
                NONCE,
            )
            .unwrap();
        assert_eq!(signed.request.headers()["user-agent"], "another-client/1.0");
        assert_eq!(
            signed
                .request
                .headers()
                .get_all("user-agent")
                .iter()
                .count(),
            1
        );
        assert!(
            signed
                .canonical_request
                .contains("\nuser-agent:another-client/1.0\n")
        );
    }

    #[test]
    fn a_signed_requests_debug_shows_no_parameter_value_signature_or_token() {
        for scheme in AuthScheme::ALL {
            let client = Client::new(
                &STS,
                Config::builder()
                    .endpoint("http://127.0.0.1:8080")
                    .region("cn-hangzhou")
                    .auth_scheme(scheme)
                    .credentials(Credentials::new("LTAIunused", "unused", "test"))
                    .build()
                    .unwrap(),
            );
            let mut params = RequestParams::default();
            params.query.insert("Value", "query-secret");
            params.headers.insert("x-acs-parameter", "header-secret");
            params.form.insert("OIDCToken", "form-secret");
            let credentials =
                Credentials::new("LTAIid", "key-secret", "test").with_security_token("sts-token");
            let signed = client
                .prepare(
                    call("AssumeRole"),
                    &params,
                    &credentials,
                    SystemTime::now(),
                    NONCE,
                )
                .unwrap();
            let shown = format!("{signed:?}");
            // The v2 signature travels in the query, every other in `Authorization`.
            let authorization = signed
                .request
                .headers()
                .get("authorization")
                .map(|value| value.to_str().unwrap().to_owned())
                .or_else(|| {
                    let query = signed.request.uri().query()?;
                    let (_, signature) = query.split_once("Signature=")?;
                    Some(signature.split('&').next()?.to_owned())
                });
            assert!(authorization.is_some(), "{scheme:?}");
            // The signature, however the scheme writes it (`Signature=<hex>`, `ak:<base64>`).
            let signature = authorization.as_deref().and_then(|value| {
                value
                    .rsplit(['=', ':', ' '])
                    .find(|part| part.len() >= 16)
                    .map(str::to_owned)
            });
            assert!(signature.is_some(), "{scheme:?}");
            for secret in [
                "query-secret",
                "header-secret",
                "form-secret",
                "key-secret",
                "sts-token",
            ]
            .into_iter()
            .chain(signature.as_deref())
            .chain(authorization.as_deref())
            {
                assert!(!shown.contains(secret), "{scheme:?}: {secret} in {shown}");
            }
            assert!(shown.contains("\"Value\""), "{scheme:?}: {shown}");
            assert!(
                shown.contains(&signed.string_to_sign.replace('\n', "\\n")),
                "{scheme:?}: {shown}"
            );
        }
    }
}
