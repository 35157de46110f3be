//! The HTTP layer: a small trait so users can bring their own client, and the default one
//! (reqwest over rustls with the *ring* provider and the platform's certificate store: nothing
//! to build beyond Rust and a C compiler; `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` honoured).
//!
//! The default client verifies certificates unless
//! [`ReqwestClientSettings::danger_accept_invalid_certificates`] is set, refuses response
//! bodies over [`ReqwestClientSettings::max_response_bytes`] after reading at most that many
//! bytes, and strips the query (the call's parameters) from the URL its errors show.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use rustls_platform_verifier::BuilderVerifierExt;

/// A response body larger than this is refused rather than buffered (64 MiB): OOS responses
/// are at most a few megabytes, and a runaway body must not exhaust memory.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

pub type HttpFuture<'a> =
    Pin<Box<dyn Future<Output = Result<http::Response<Bytes>, HttpError>> + Send + 'a>>;

/// Sends one HTTP request and returns the whole response. Implementations must not retry;
/// the runtime does. Dropping the future must cancel the request.
pub trait HttpClient: Send + Sync + fmt::Debug {
    fn send(&self, request: http::Request<Bytes>) -> HttpFuture<'_>;
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
pub struct ReqwestClientSettings {
    pub connect_timeout: Duration,
    pub max_response_bytes: usize,
    /// Accept any certificate. Only for tests against a self-signed endpoint; never in
    /// production.
    pub danger_accept_invalid_certificates: bool,
}

impl Default for ReqwestClientSettings {
    fn default() -> Self {
        ReqwestClientSettings {
            connect_timeout: Duration::from_secs(5),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            danger_accept_invalid_certificates: false,
        }
    }
}

/// The default client: reqwest with a connection pool, rustls and the *ring* provider.
#[derive(Clone, Debug)]
pub struct ReqwestClient {
    client: reqwest::Client,
    max_response_bytes: usize,
}

impl ReqwestClient {
    pub fn new(settings: &ReqwestClientSettings) -> Result<Self, HttpError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ClientConfig::builder_with_provider(Arc::clone(&provider))
            .with_safe_default_protocol_versions()
            .map_err(|error| HttpError::new(HttpErrorKind::Other, error))?;
        // reqwest ignores its own `tls_danger_accept_invalid_certs` for a preconfigured TLS
        // backend, so the opt-in is applied here, to the rustls configuration itself.
        let tls = if settings.danger_accept_invalid_certificates {
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
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .connect_timeout(settings.connect_timeout)
            .pool_idle_timeout(Duration::from_secs(90))
            .build()
            .map_err(|error| HttpError::new(HttpErrorKind::Other, error))?;
        Ok(ReqwestClient {
            client,
            max_response_bytes: settings.max_response_bytes,
        })
    }
}

impl HttpClient for ReqwestClient {
    fn send(&self, request: http::Request<Bytes>) -> HttpFuture<'_> {
        Box::pin(async move {
            let request = reqwest::Request::try_from(request.map(reqwest::Body::from))
                .map_err(|error| HttpError::new(HttpErrorKind::Other, error))?;
            let mut response = self.client.execute(request).await.map_err(classify)?;
            let mut builder = http::Response::builder().status(response.status());
            if let Some(headers) = builder.headers_mut() {
                *headers = std::mem::take(response.headers_mut());
            }
            let declared = response.content_length().unwrap_or(0) as usize;
            if declared > self.max_response_bytes {
                return Err(too_large(self.max_response_bytes));
            }
            let mut body = BytesMut::with_capacity(declared);
            while let Some(chunk) = response.chunk().await.map_err(classify)? {
                if body.len() + chunk.len() > self.max_response_bytes {
                    return Err(too_large(self.max_response_bytes));
                }
                body.extend_from_slice(&chunk);
            }
            builder
                .body(body.freeze())
                .map_err(|error| HttpError::new(HttpErrorKind::Other, error))
        })
    }
}

fn too_large(limit: usize) -> HttpError {
    HttpError::new(
        HttpErrorKind::ResponseTooLarge,
        format!("response body exceeds the {limit}-byte limit"),
    )
}

/// The certificate check of [`ReqwestClientSettings::danger_accept_invalid_certificates`]:
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

fn classify(mut error: reqwest::Error) -> HttpError {
    // reqwest's errors show the URL, whose query holds the call's parameters, sensitive ones
    // included; scheme, host and port are enough to tell where a call went.
    if let Some(url) = error.url_mut() {
        url.set_query(None);
    }
    let kind = if error.is_connect() {
        HttpErrorKind::Connect
    } else if error.is_timeout() {
        HttpErrorKind::Timeout
    } else if error.is_request() || error.is_body() || error.is_decode() {
        HttpErrorKind::Io
    } else {
        HttpErrorKind::Other
    };
    HttpError::new(kind, error)
}
