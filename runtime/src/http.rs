//! The HTTP layer: a small trait so users can bring their own client, and the default one.
//!
//! [`DefaultHttpClient`] is hyper's HTTP/1.1 client over a pool of kept-alive connections, each
//! driven by the call that uses it (`pool`), over rustls with the *ring* provider: nothing to
//! build beyond Rust and a C compiler. It sends the `http::Request` the runtime signed as it
//! is, with no second parse of its URL and no redirect handling (the API answers every call
//! itself). A request that a kept connection refused before writing any of it (the server
//! had closed it) is sent again on another.
//!
//! **Certificates** are verified unless
//! [`DefaultHttpClientSettings::danger_accept_invalid_certificates`] is set, by
//! rustls-platform-verifier: against the operating system's trust store, through the system's
//! own verifier on macOS, Windows and Android. A root CA that an organisation installs on its
//! machines (for a TLS-inspecting proxy, say) is then trusted here as by every other program
//! there, and the roots follow the system's updates. webpki-roots would instead build one
//! fixed copy of Mozilla's list into every binary and ignore the machine's own roots.
//!
//! **Proxies** come from `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (or their
//! lower-case forms), read when the client is built and applied as curl applies them
//! (hyper-util's [`Matcher`]). An https destination is reached through a `CONNECT` tunnel; an
//! http one by handing the request to the proxy in absolute form. A user and password in the
//! proxy's URL are sent as `Proxy-Authorization: Basic`, with `CONNECT` for a tunnel and with
//! each request otherwise. The proxy itself may be reached over `http://` or `https://`; SOCKS
//! proxies are not supported.
//!
//! **Responses** over [`DefaultHttpClientSettings::max_response_bytes`] are refused after
//! reading at most that many bytes (none, when `Content-Length` announces too many), and
//! errors name the URL without its query, which holds the call's parameters.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use http::header::{HOST, PROXY_AUTHORIZATION};
use http::uri::Scheme;
use http::{HeaderValue, Uri};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper::body::{Body as _, Incoming};
use hyper_rustls::{HttpsConnector, MaybeHttpsStream};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::TokioIo;
use rustls_platform_verifier::BuilderVerifierExt;
use tokio::net::TcpStream;
use tower_service::Service;

mod body;
mod pool;
pub use body::{RequestBody, ResponseStream};
use pool::{Conn, Destination, Forwarding, Pool, Stream};

/// A response body larger than this is refused rather than buffered (64 MiB): OOS responses
/// are at most a few megabytes, and a runaway body must not exhaust memory.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

pub type HttpFuture<'a> =
    Pin<Box<dyn Future<Output = Result<http::Response<Bytes>, HttpError>> + Send + 'a>>;

pub type StreamingHttpFuture<'a> =
    Pin<Box<dyn Future<Output = Result<http::Response<ResponseStream>, HttpError>> + Send + 'a>>;

/// Sends one HTTP request and returns the whole response. Implementations must not retry;
/// the runtime does. Dropping the future must cancel the request.
pub trait HttpClient: Send + Sync + fmt::Debug {
    fn send(&self, request: http::Request<Bytes>) -> HttpFuture<'_>;

    /// Sends a request whose body may stream and returns the response as soon as its head
    /// arrives, its body to be read as it comes: the calls that upload or download an object.
    /// This default reads the request body whole, sends it with [`HttpClient::send`] and hands
    /// back the whole response, which is right for test doubles but holds both bodies in
    /// memory: a client for large objects streams instead, as [`DefaultHttpClient`] does.
    fn send_streaming(&self, request: http::Request<RequestBody>) -> StreamingHttpFuture<'_> {
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let body = body
                .collect()
                .await
                .map_err(|error| HttpError::new(HttpErrorKind::Other, error))?
                .to_bytes();
            let response = self.send(http::Request::from_parts(parts, body)).await?;
            Ok(response.map(ResponseStream::whole))
        })
    }
}

#[derive(Clone, Debug)]
pub struct SharedHttpClient(Arc<dyn HttpClient>);

impl SharedHttpClient {
    pub fn new(client: impl HttpClient + 'static) -> Self {
        SharedHttpClient(Arc::new(client))
    }
}

impl HttpClient for SharedHttpClient {
    fn send(&self, request: http::Request<Bytes>) -> HttpFuture<'_> {
        self.0.send(request)
    }

    fn send_streaming(&self, request: http::Request<RequestBody>) -> StreamingHttpFuture<'_> {
        self.0.send_streaming(request)
    }
}

/// Why an HTTP exchange failed; [`HttpErrorKind`] decides whether a retry may help.
#[derive(Debug)]
pub struct HttpError {
    kind: HttpErrorKind,
    source: Box<dyn std::error::Error + Send + Sync>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HttpErrorKind {
    /// The connection could not be established; the request was not sent.
    Connect,
    /// The connection broke while sending or receiving.
    Io,
    /// The client's own timeout fired.
    Timeout,
    /// The response body exceeded the size limit.
    ResponseTooLarge,
    /// The server's certificate was refused: another attempt would meet the same one.
    Certificate,
    /// Anything else (a malformed request, a TLS configuration error).
    Other,
}

impl HttpError {
    pub fn new(
        kind: HttpErrorKind,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        HttpError {
            kind,
            source: source.into(),
        }
    }

    pub fn kind(&self) -> HttpErrorKind {
        self.kind
    }

    pub fn into_source(self) -> Box<dyn std::error::Error + Send + Sync> {
        self.source
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.kind, self.source)
    }
}

impl std::error::Error for HttpError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.source.as_ref())
    }
}

/// Settings of the default HTTP client.
#[derive(Clone, Debug)]
pub struct DefaultHttpClientSettings {
    /// Reaching the destination: TCP, the proxy's tunnel if any, and the TLS handshake.
    pub connect_timeout: Duration,
    pub max_response_bytes: usize,
    /// Accept any certificate. Only for tests against a self-signed endpoint; never in
    /// production.
    pub danger_accept_invalid_certificates: bool,
}

impl Default for DefaultHttpClientSettings {
    fn default() -> Self {
        DefaultHttpClientSettings {
            connect_timeout: Duration::from_secs(5),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            danger_accept_invalid_certificates: false,
        }
    }
}

/// At most this many unused connections per destination stay open: a burst of concurrent
/// calls opens as many connections as it needs, and all but these are closed once it is over,
/// rather than holding sockets (and the server's resources) until they have been idle for
/// 90 seconds.
pub const MAX_IDLE_CONNECTIONS_PER_HOST: usize = 32;

/// TCP keepalive probes on pooled connections keep NAT and firewall entries for them alive
/// and reveal a peer that went away.
const TCP_KEEPALIVE: Duration = Duration::from_secs(15);

type BoxError = Box<dyn StdError + Send + Sync>;
type Connecting<T> = Pin<Box<dyn Future<Output = Result<T, BoxError>> + Send>>;

/// The default client (see the [module documentation](self)). Clones share the connection
/// pool.
#[derive(Clone)]
pub struct DefaultHttpClient {
    connector: Connector,
    pool: Arc<Pool>,
    proxies: Arc<Matcher>,
    max_response_bytes: usize,
}

/// Shows the proxies' matcher, which hides their credentials.
impl fmt::Debug for DefaultHttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DefaultHttpClient")
            .field("proxies", &self.proxies)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish_non_exhaustive()
    }
}

impl DefaultHttpClient {
    /// A client with the proxies the environment names (see the [module documentation](self)).
    pub fn new(settings: &DefaultHttpClientSettings) -> Result<Self, HttpError> {
        Self::with_proxies(settings, Matcher::from_env())
    }

    /// A client that ignores the environment's proxies: for the instance metadata service,
    /// a link-local address whose session token must not travel through a proxy.
    pub fn direct(settings: &DefaultHttpClientSettings) -> Result<Self, HttpError> {
        Self::with_proxies(settings, Matcher::builder().build())
    }

    fn with_proxies(
        settings: &DefaultHttpClientSettings,
        proxies: Matcher,
    ) -> Result<Self, HttpError> {
        let tls = Arc::new(tls_config(settings.danger_accept_invalid_certificates)?);
        let proxies = Arc::new(proxies);
        let route = Route {
            direct: tcp_connector(),
            to_proxy: HttpsConnector::from((tcp_connector(), Arc::clone(&tls))),
            proxies: Arc::clone(&proxies),
        };
        let connector = Connector {
            tls: HttpsConnector::from((route, tls)),
            timeout: settings.connect_timeout,
        };
        Ok(DefaultHttpClient {
            connector,
            pool: Arc::new(Pool::new(MAX_IDLE_CONNECTIONS_PER_HOST)),
            proxies,
            max_response_bytes: settings.max_response_bytes,
        })
    }

    /// A new connection to `destination`, within the connect timeout, ready for a request.
    async fn connect(&self, destination: &Uri) -> Result<Conn, HttpError> {
        let failed = |error: BoxError| {
            let kind = if refused_certificate(error.as_ref()) {
                HttpErrorKind::Certificate
            } else {
                HttpErrorKind::Connect
            };
            HttpError::new(
                kind,
                ExchangeError::new("sending the request to", destination, error),
            )
        };
        let stream = self.connector.clone().call(destination.clone()).await;
        let stream = stream.map_err(failed)?;
        let (sender, connection) = hyper::client::conn::http1::handshake(stream)
            .await
            .map_err(|error| failed(error.into()))?;
        Ok(Conn::new(sender, connection, self.forwarding(destination)))
    }

    /// Whether requests to `destination` go to a proxy that forwards them: an http
    /// destination behind a proxy (an https one is tunnelled, see [`Route`]). Such a proxy
    /// reads its credentials from each request.
    fn forwarding(&self, destination: &Uri) -> Option<Forwarding> {
        if destination.scheme() != Some(&Scheme::HTTP) {
            return None;
        }
        let proxy = self.proxies.intercept(destination)?;
        Some(Forwarding {
            proxy_authorization: proxy.basic_auth().cloned(),
        })
    }

    /// Sends `request` and returns the response once its head has arrived, with the
    /// connection it came on, whose body is still to be read from it.
    async fn exchange(
        &self,
        request: http::Request<RequestBody>,
    ) -> Result<(Conn, Destination, http::Response<Incoming>), HttpError> {
        let (mut parts, body) = request.into_parts();
        // Kept whole for an error's message, a second connection and a forwarding proxy.
        let uri = std::mem::take(&mut parts.uri);
        let Some(destination) = Destination::of(&uri) else {
            return Err(HttpError::new(
                HttpErrorKind::Other,
                ExchangeError::new("sending the request to", &uri, "the URL names no host"),
            ));
        };
        if !parts.headers.contains_key(HOST) {
            parts.headers.insert(HOST, host_header(&uri)?);
        }
        let mut request = http::Request::from_parts(parts, body);
        loop {
            let mut conn = match self.pool.check_out(&destination) {
                Some(conn) => conn,
                // Boxed: the connector's future (TCP, proxy tunnel, TLS handshake) is large,
                // and inline it would enlarge every call's future, which is built on the
                // stack and copied into its box whole, for the few calls that connect.
                None => Box::pin(self.connect(&uri)).await?,
            };
            match &conn.forwarding {
                Some(forwarding) => {
                    *request.uri_mut() = uri.clone();
                    if let Some(credentials) = &forwarding.proxy_authorization {
                        request
                            .headers_mut()
                            .insert(PROXY_AUTHORIZATION, credentials.clone());
                    }
                }
                None => *request.uri_mut() = origin_form(&uri),
            }
            match conn.send(request).await {
                Ok(response) => return Ok((conn, destination, response)),
                Err(mut refused) => match refused.take_message() {
                    // The server closed the kept connection before it took the request.
                    Some(unsent) if conn.reused => request = unsent,
                    _ => {
                        let error = refused.into_error();
                        let kind = if error.is_user() {
                            HttpErrorKind::Other
                        } else {
                            HttpErrorKind::Io
                        };
                        return Err(HttpError::new(
                            kind,
                            ExchangeError::new("sending the request to", &uri, error),
                        ));
                    }
                },
            }
        }
    }
}

impl HttpClient for DefaultHttpClient {
    fn send(&self, request: http::Request<Bytes>) -> HttpFuture<'_> {
        Box::pin(async move {
            // Only for an error's message: the request goes to hyper.
            let uri = request.uri().clone();
            let (mut conn, destination, response) =
                self.exchange(request.map(RequestBody::whole)).await?;
            let (parts, body) = response.into_parts();
            let limit = self.max_response_bytes;
            // The lower bound is the `Content-Length`, where there is one.
            if body.size_hint().lower() > limit as u64 {
                return Err(too_large(limit));
            }
            let body = conn.drive(Limited::new(body, limit).collect()).await;
            let body = body.map_err(|error| {
                if error.is::<LengthLimitError>() {
                    too_large(limit)
                } else {
                    HttpError::new(
                        HttpErrorKind::Io,
                        ExchangeError::new("reading the response from", &uri, error),
                    )
                }
            })?;
            if conn.is_idle() {
                self.pool.check_in(destination, conn);
            }
            Ok(http::Response::from_parts(parts, body.to_bytes()))
        })
    }

    /// Streams both bodies: the response's size limit does not apply, as the caller reads it
    /// a chunk at a time, while a task drives the connection.
    fn send_streaming(&self, request: http::Request<RequestBody>) -> StreamingHttpFuture<'_> {
        Box::pin(async move {
            let (conn, destination, response) = self.exchange(request).await?;
            conn.drive_in_background(Arc::clone(&self.pool), destination);
            Ok(response.map(ResponseStream::incoming))
        })
    }
}

/// The `Host` header of a request to `uri`: its host, and its port unless it is the scheme's
/// own. A port other than the scheme's is sent as the URL writes it, which is copied rather
/// than formatted again for every request.
fn host_header(uri: &Uri) -> Result<HeaderValue, HttpError> {
    let default_port = match uri.scheme_str() {
        Some("https") => 443,
        _ => 80,
    };
    let value = match (uri.authority(), uri.port_u16()) {
        (Some(authority), Some(port)) if port != default_port => {
            // The authority less any user information: `host:port`.
            let text = authority.as_str();
            HeaderValue::from_str(text.rsplit_once('@').map_or(text, |(_, host)| host))
        }
        _ => HeaderValue::from_str(uri.host().unwrap_or_default()),
    };
    value.map_err(|error| HttpError::new(HttpErrorKind::Other, error))
}

/// The request line's target for a server reached directly: the path and query alone.
fn origin_form(uri: &Uri) -> Uri {
    match uri.path_and_query() {
        Some(path) => Uri::from(path.clone()),
        None => Uri::from_static("/"),
    }
}

fn too_large(limit: usize) -> HttpError {
    HttpError::new(
        HttpErrorKind::ResponseTooLarge,
        format!("response body exceeds the {limit}-byte limit"),
    )
}

/// Whether rustls refused the server's certificate somewhere down `error`'s causes. rustls's
/// error reaches here inside `io::Error`s, whose `source` skips what they wrap: step into
/// them with `get_ref` instead.
fn refused_certificate(error: &(dyn StdError + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if let Some(tls) = error.downcast_ref::<rustls::Error>() {
            return matches!(
                tls,
                rustls::Error::InvalidCertificate(_) | rustls::Error::NoCertificatesPresented
            );
        }
        cause = match error.downcast_ref::<io::Error>() {
            Some(io) => io.get_ref().map(|inner| inner as &(dyn StdError + 'static)),
            None => error.source(),
        };
    }
    false
}

/// A failed exchange and where it was going: scheme, host, port and path. The query is left
/// out, since it holds the call's parameters, sensitive ones included.
#[derive(Debug)]
struct ExchangeError {
    doing: &'static str,
    destination: String,
    cause: BoxError,
}

impl ExchangeError {
    fn new(doing: &'static str, destination: &Uri, cause: impl Into<BoxError>) -> Self {
        let destination = format!(
            "{}://{}{}",
            destination.scheme_str().unwrap_or_default(),
            destination
                .authority()
                .map_or("", http::uri::Authority::as_str),
            destination.path()
        );
        ExchangeError {
            doing,
            destination,
            cause: cause.into(),
        }
    }
}

/// Says where; what went wrong is the cause's to say (see `ConnectionError`'s `Display`).
impl fmt::Display for ExchangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error {} {}", self.doing, self.destination)
    }
}

impl StdError for ExchangeError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(self.cause.as_ref())
    }
}

/// rustls with the *ring* provider and TLS 1.2 and 1.3, verifying certificates with the
/// platform's verifier unless told to accept any.
fn tls_config(accept_invalid_certificates: bool) -> Result<rustls::ClientConfig, HttpError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(|error| HttpError::new(HttpErrorKind::Other, error))?;
    let config = if accept_invalid_certificates {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate { provider }))
            .with_no_client_auth()
    } else {
        builder
            .with_platform_verifier()
            .map_err(|error| HttpError::new(HttpErrorKind::Other, error))?
            .with_no_client_auth()
    };
    Ok(config)
}

fn tcp_connector() -> HttpConnector {
    let mut connector = HttpConnector::new();
    // https URLs come here too: the TLS on top is `HttpsConnector`'s.
    connector.enforce_http(false);
    // A request is written at once; holding it back to fill a segment only adds latency.
    connector.set_nodelay(true);
    connector.set_keepalive(Some(TCP_KEEPALIVE));
    connector
}

/// Opens the pool's connections: a [`Route`] to the destination, then TLS to it for https,
/// all within the connect timeout.
#[derive(Clone)]
struct Connector {
    tls: HttpsConnector<Route>,
    timeout: Duration,
}

impl Service<Uri> for Connector {
    type Response = Stream;
    type Error = BoxError;
    type Future = Connecting<Self::Response>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.tls.poll_ready(cx)
    }

    fn call(&mut self, destination: Uri) -> Self::Future {
        let connecting = self.tls.call(destination);
        let limit = self.timeout;
        Box::pin(async move {
            tokio::time::timeout(limit, connecting)
                .await
                .unwrap_or_else(|_| {
                    let message = format!("not connected within {} ms", limit.as_millis());
                    Err(io::Error::new(io::ErrorKind::TimedOut, message).into())
                })
        })
    }
}

/// Reaches a destination directly, or through the proxy the environment names for it: a
/// `CONNECT` tunnel through it for https, a connection to it for http, which it forwards.
#[derive(Clone)]
struct Route {
    direct: HttpConnector,
    /// Reaches a proxy, over TLS when its URL is `https://`.
    to_proxy: HttpsConnector<HttpConnector>,
    proxies: Arc<Matcher>,
}

impl Service<Uri> for Route {
    type Response = MaybeHttpsStream<TokioIo<TcpStream>>;
    type Error = BoxError;
    type Future = Connecting<Self::Response>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        ready!(self.direct.poll_ready(cx))?;
        self.to_proxy.poll_ready(cx)
    }

    fn call(&mut self, destination: Uri) -> Self::Future {
        let Some(proxy) = self.proxies.intercept(&destination) else {
            let connecting = self.direct.call(destination);
            return Box::pin(async move {
                Ok::<_, BoxError>(MaybeHttpsStream::Http(connecting.await?))
            });
        };
        if destination.scheme() == Some(&Scheme::HTTPS) {
            let mut tunnel = Tunnel::new(proxy.uri().clone(), self.to_proxy.clone());
            if let Some(credentials) = proxy.basic_auth() {
                tunnel = tunnel.with_auth(credentials.clone());
            }
            let connecting = tunnel.call(destination);
            Box::pin(async move { Ok::<_, BoxError>(connecting.await?) })
        } else {
            self.to_proxy.call(proxy.uri().clone())
        }
    }
}

/// The certificate check of [`DefaultHttpClientSettings::danger_accept_invalid_certificates`]:
/// any certificate for any name is accepted. Handshake signatures are still checked, so the
/// peer must hold the key of the certificate it shows, whatever that certificate is.
#[derive(Debug)]
struct AcceptAnyCertificate {
    provider: Arc<rustls::crypto::CryptoProvider>,
}

impl rustls::client::danger::ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &rustls::pki_types::CertificateDer<'_>,
        _intermediates: &[rustls::pki_types::CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        certificate: &rustls::pki_types::CertificateDer<'_>,
        signature: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            certificate,
            signature,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        certificate: &rustls::pki_types::CertificateDer<'_>,
        signature: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            certificate,
            signature,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    use super::*;

    /// `Basic` and the base64 of `proxy-user:proxy-password`.
    const PROXY_CREDENTIALS: &str = "Basic cHJveHktdXNlcjpwcm94eS1wYXNzd29yZA==";

    fn client_through(proxy: &str) -> DefaultHttpClient {
        let settings = DefaultHttpClientSettings {
            danger_accept_invalid_certificates: true,
            ..DefaultHttpClientSettings::default()
        };
        DefaultHttpClient::with_proxies(&settings, Matcher::builder().all(proxy).build()).unwrap()
    }

    fn get(url: &str) -> http::Request<Bytes> {
        http::Request::get(url).body(Bytes::new()).unwrap()
    }

    /// A listener on 127.0.0.1 and the URL of a proxy there with credentials.
    async fn proxy_listener() -> (TcpListener, String) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!(
            "http://proxy-user:proxy-password@{}",
            listener.local_addr().unwrap()
        );
        (listener, url)
    }

    /// A request's or `CONNECT`'s head, up to and with the empty line, read byte by byte so
    /// that nothing after it is taken from the stream.
    async fn read_head(stream: &mut (impl AsyncRead + Unpin)) -> String {
        let mut head = Vec::new();
        while !head.ends_with(b"\r\n\r\n") {
            head.push(stream.read_u8().await.unwrap());
        }
        String::from_utf8(head).unwrap()
    }

    #[test]
    fn the_host_header_names_the_port_only_when_it_is_not_the_schemes() {
        for (url, host) in [
            ("https://ecs.aliyuncs.com/?a=1", "ecs.aliyuncs.com"),
            ("https://ecs.aliyuncs.com:443/", "ecs.aliyuncs.com"),
            ("http://ecs.aliyuncs.com:80/", "ecs.aliyuncs.com"),
            ("http://127.0.0.1:8080/", "127.0.0.1:8080"),
            ("https://ecs.aliyuncs.com:80/", "ecs.aliyuncs.com:80"),
            ("http://[::1]:8080/", "[::1]:8080"),
            ("http://user:secret@127.0.0.1:8080/", "127.0.0.1:8080"),
            ("http://user:secret@example.com/", "example.com"),
        ] {
            let uri: Uri = url.parse().unwrap();
            assert_eq!(host_header(&uri).unwrap(), host, "{url}");
        }
    }

    #[tokio::test]
    async fn an_http_destination_is_handed_to_the_proxy_in_absolute_form_with_its_credentials() {
        let (listener, proxy) = proxy_listener().await;
        let forwarding_proxy = tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            let head = read_head(&mut stream).await;
            stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 9\r\n\r\nforwarded")
                .await
                .unwrap();
            head
        });

        let client = client_through(&proxy);
        let response = client
            .send(get("http://oos.example.invalid/?Action=Describe"))
            .await
            .unwrap();

        assert!(!format!("{client:?}").contains("proxy-password"));
        assert_eq!(&response.body()[..], b"forwarded");
        let head = forwarding_proxy.await.unwrap();
        assert!(
            head.starts_with("GET http://oos.example.invalid/?Action=Describe HTTP/1.1\r\n"),
            "{head}"
        );
        assert!(head.contains("host: oos.example.invalid\r\n"), "{head}");
        assert!(
            head.contains(&format!("proxy-authorization: {PROXY_CREDENTIALS}\r\n")),
            "{head}"
        );
    }

    #[tokio::test]
    async fn an_https_destination_is_tunnelled_and_the_proxy_credentials_stay_with_the_proxy() {
        let (listener, proxy) = proxy_listener().await;
        let certified =
            rcgen::generate_simple_self_signed(vec!["oos.example.invalid".to_owned()]).unwrap();
        let key =
            rustls::pki_types::PrivatePkcs8KeyDer::from(certified.signing_key.serialize_der());
        let server_config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![certified.cert.der().clone()], key.into())
        .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(server_config));
        // The proxy and, inside the tunnel it opens, the destination.
        let tunnelling_proxy = tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            let connect = read_head(&mut stream).await;
            stream
                .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                .await
                .unwrap();
            let mut tls = acceptor.accept(stream).await.unwrap();
            let request = read_head(&mut tls).await;
            tls.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\ntunnelled!")
                .await
                .unwrap();
            tls.flush().await.unwrap();
            (connect, request)
        });

        let response = client_through(&proxy)
            .send(get("https://oos.example.invalid/?Action=Describe"))
            .await
            .unwrap();

        assert_eq!(&response.body()[..], b"tunnelled!");
        let (connect, request) = tunnelling_proxy.await.unwrap();
        assert!(
            connect.starts_with("CONNECT oos.example.invalid:443 HTTP/1.1\r\n"),
            "{connect}"
        );
        assert!(
            connect.contains(&format!("Proxy-Authorization: {PROXY_CREDENTIALS}\r\n")),
            "{connect}"
        );
        assert!(
            request.starts_with("GET /?Action=Describe HTTP/1.1\r\n"),
            "{request}"
        );
        assert!(
            !request.to_ascii_lowercase().contains("proxy-authorization"),
            "{request}"
        );
    }

    #[tokio::test]
    async fn a_kept_connection_carries_the_next_request_and_one_the_server_closed_is_replaced() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let (mut kept, _) = listener.accept().await.unwrap();
            for body in ["one", "two"] {
                read_head(&mut kept).await;
                let response = format!("HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\n{body}");
                kept.write_all(response.as_bytes()).await.unwrap();
            }
            drop(kept);
            let (mut replacement, _) = listener.accept().await.unwrap();
            read_head(&mut replacement).await;
            replacement
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nthree")
                .await
                .unwrap();
            replacement
        });
        let client = DefaultHttpClient::direct(&DefaultHttpClientSettings::default()).unwrap();
        let url = format!("http://{address}/?Action=Describe");

        for expected in ["one", "two"] {
            let response = client.send(get(&url)).await.unwrap();
            assert_eq!(&response.body()[..], expected.as_bytes());
        }
        // The server's close reaches the kept connection while it is idle.
        tokio::time::sleep(Duration::from_millis(100)).await;
        let response = client.send(get(&url)).await.unwrap();

        assert_eq!(&response.body()[..], b"three");
        server.await.unwrap();
    }

    /// The error and its sources, as `ConnectionError` shows them.
    fn shown_with_causes(error: HttpError) -> String {
        let source = error.into_source();
        let mut shown = source.to_string();
        let mut cause = source.source();
        while let Some(next) = cause {
            shown = format!("{shown}: {next}");
            cause = next.source();
        }
        shown
    }

    #[tokio::test]
    async fn the_connect_timeout_covers_the_tls_handshake_and_the_error_leaves_out_the_query() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        // Takes the connection and never answers the client's hello.
        let silent_server = tokio::spawn(async move {
            let (stream, _) = listener.accept().await.unwrap();
            tokio::time::sleep(Duration::from_secs(10)).await;
            drop(stream);
        });
        let settings = DefaultHttpClientSettings {
            connect_timeout: Duration::from_millis(200),
            ..DefaultHttpClientSettings::default()
        };
        let client = DefaultHttpClient::direct(&settings).unwrap();

        let started = Instant::now();
        let error = client
            .send(get(&format!("https://{address}/?Secret=parameter-value")))
            .await
            .unwrap_err();

        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(error.kind(), HttpErrorKind::Connect);
        let shown = shown_with_causes(error);
        assert!(
            shown.starts_with(&format!(
                "error sending the request to https://{address}/: "
            )),
            "{shown}"
        );
        assert!(shown.ends_with("not connected within 200 ms"), "{shown}");
        assert!(!shown.contains("parameter-value"), "{shown}");
        silent_server.abort();
    }
}
