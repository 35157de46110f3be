//! Client configuration: region, endpoint, credentials, retries, timeouts, HTTP client.

use std::fmt;
use std::time::Duration;

use crate::auth::AuthScheme;
use crate::credentials::{
    Credentials, ProvideCredentials, SharedCredentialsProvider, StaticProvider,
};
use crate::error::{ConfigError, Error};
use crate::http::{
    DEFAULT_MAX_RESPONSE_BYTES, DefaultHttpClient, DefaultHttpClientSettings, HttpClient,
    SharedHttpClient,
};
use crate::params::Params;
use crate::retry::RetryConfig;

/// Region id from the environment, as Alibaba Cloud's tools name it.
pub const REGION_ENV: &str = "ALIBABA_CLOUD_REGION_ID";

/// Time limits. The connect timeout belongs to the HTTP client; the others apply per call
/// and can be overridden with [`CallOptions`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimeoutConfig {
    /// Establishing a connection (default 5 s).
    pub connect: Duration,
    /// One attempt, from sending the request to the end of the response (default 10 s).
    pub read: Duration,
    /// The whole call including retries and backoff (default: none).
    pub call: Option<Duration>,
}

impl Default for TimeoutConfig {
    fn default() -> Self {
        TimeoutConfig {
            connect: Duration::from_secs(5),
            read: Duration::from_secs(10),
            call: None,
        }
    }
}

/// Per-call overrides of the client's settings: what a generated operation's `customize()`
/// edits. `Debug` shows header names, never their values.
#[derive(Clone, Debug, Default)]
pub struct CallOptions {
    pub(crate) region: Option<String>,
    pub(crate) endpoint: Option<String>,
    pub(crate) credentials: Option<SharedCredentialsProvider>,
    pub(crate) headers: Params,
    pub(crate) read_timeout: Option<Duration>,
    pub(crate) call_timeout: Option<Duration>,
    pub(crate) retry: Option<RetryConfig>,
}

impl CallOptions {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sends the call to this region's endpoint (unless an endpoint is given too).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Sends the call to this endpoint: a URL or a host, as [`ConfigBuilder::endpoint`] takes.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Signs the call with these credentials.
    pub fn credentials(self, credentials: Credentials) -> Self {
        self.credentials_provider(StaticProvider::new(credentials))
    }

    /// Signs the call with credentials from this provider.
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(SharedCredentialsProvider::new(provider));
        self
    }

    /// Sends this header too, signed with the others; it replaces a header of the same name
    /// that the call would send.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.insert(name.into(), value.into());
        self
    }

    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = Some(timeout);
        self
    }

    pub fn call_timeout(mut self, timeout: Duration) -> Self {
        self.call_timeout = Some(timeout);
        self
    }

    pub fn retry_config(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }
}

/// Everything a client needs besides the service description. Cheap to clone.
#[derive(Clone)]
pub struct Config {
    pub(crate) region: Option<String>,
    pub(crate) endpoint: Option<String>,
    pub(crate) credentials: SharedCredentialsProvider,
    pub(crate) auth_scheme: Option<AuthScheme>,
    pub(crate) path_style: bool,
    pub(crate) retry: RetryConfig,
    pub(crate) timeouts: TimeoutConfig,
    pub(crate) http_client: SharedHttpClient,
}

impl Config {
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// This configuration with a call's overrides of region, endpoint and credentials, or
    /// `None` when it overrides none of them.
    pub(crate) fn overridden(&self, options: &CallOptions) -> Option<Config> {
        if options.region.is_none() && options.endpoint.is_none() && options.credentials.is_none() {
            return None;
        }
        let mut config = self.clone();
        if let Some(region) = &options.region {
            config.region = Some(region.clone());
            // A region given for the call picks its endpoint, over the client's endpoint.
            config.endpoint = None;
        }
        if let Some(endpoint) = &options.endpoint {
            config.endpoint = Some(endpoint.clone());
        }
        if let Some(credentials) = &options.credentials {
            config.credentials = credentials.clone();
        }
        Some(config)
    }

    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    pub fn endpoint(&self) -> Option<&str> {
        self.endpoint.as_deref()
    }

    pub fn retry_config(&self) -> &RetryConfig {
        &self.retry
    }

    pub fn timeout_config(&self) -> &TimeoutConfig {
        &self.timeouts
    }

    pub fn credentials_provider(&self) -> &SharedCredentialsProvider {
        &self.credentials
    }

    /// The scheme that replaces the service's, if one does.
    pub fn auth_scheme(&self) -> Option<AuthScheme> {
        self.auth_scheme
    }

    /// Whether host parameters go before the path rather than the host (see
    /// [`ConfigBuilder::path_style`]).
    pub fn path_style(&self) -> bool {
        self.path_style
    }

    pub fn http_client(&self) -> &SharedHttpClient {
        &self.http_client
    }
}

/// Shows the provider, never the credentials it holds.
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("credentials", &self.credentials)
            .field("auth_scheme", &self.auth_scheme)
            .field("path_style", &self.path_style)
            .field("retry", &self.retry)
            .field("timeouts", &self.timeouts)
            .field("http_client", &self.http_client)
            .finish()
    }
}

#[derive(Default)]
pub struct ConfigBuilder {
    region: Option<String>,
    endpoint: Option<String>,
    credentials: Option<SharedCredentialsProvider>,
    auth_scheme: Option<AuthScheme>,
    path_style: bool,
    retry: Option<RetryConfig>,
    timeouts: Option<TimeoutConfig>,
    http_client: Option<SharedHttpClient>,
    max_response_bytes: Option<usize>,
    danger_accept_invalid_certificates: bool,
}

impl ConfigBuilder {
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Sends every call to this endpoint instead of the region's: a URL
    /// (`http://127.0.0.1:8080`) or a host (`oos-vpc.cn-hangzhou.aliyuncs.com`).
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(SharedCredentialsProvider::new(provider));
        self
    }

    /// Fixed credentials.
    pub fn credentials(self, credentials: Credentials) -> Self {
        self.credentials_provider(StaticProvider::new(credentials))
    }

    /// Signs every call by `scheme` rather than by the service's own.
    pub fn auth_scheme(mut self, scheme: AuthScheme) -> Self {
        self.auth_scheme = Some(scheme);
        self
    }

    /// Sends host parameters as the first segments of the path instead of labels before the
    /// host: OSS's path-style addressing (`oss-cn-hangzhou.aliyuncs.com/bucket/key` rather than
    /// `bucket.oss-cn-hangzhou.aliyuncs.com/key`), for endpoints that are an IP address or
    /// serve no bucket subdomains. OSS4 signs the same request either way.
    pub fn path_style(mut self, path_style: bool) -> Self {
        self.path_style = path_style;
        self
    }

    pub fn retry_config(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }

    pub fn timeout_config(mut self, timeouts: TimeoutConfig) -> Self {
        self.timeouts = Some(timeouts);
        self
    }

    /// Replaces the default HTTP client (its connect timeout, response size limit, certificate
    /// checks and proxies are then the client's own).
    pub fn http_client(mut self, client: impl HttpClient + 'static) -> Self {
        self.http_client = Some(SharedHttpClient::new(client));
        self
    }

    /// The largest response body the default HTTP client accepts (default
    /// [`DEFAULT_MAX_RESPONSE_BYTES`], 64 MiB). A larger one fails the call with a connection
    /// error, without being retried, after reading at most this many bytes.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = Some(bytes);
        self
    }

    /// Accept any TLS certificate with the default HTTP client. Only for tests against a
    /// self-signed endpoint: it removes the protection TLS gives.
    pub fn danger_accept_invalid_certificates(mut self, accept: bool) -> Self {
        self.danger_accept_invalid_certificates = accept;
        self
    }

    /// Builds the configuration.
    ///
    /// # Errors
    /// Without credentials or a credentials provider: the runtime has no default source of
    /// its own. A client that sends only operations the official SDKs send unsigned (STS
    /// `AssumeRoleWithOIDC`) is given
    /// [`NoCredentials`](crate::credentials::NoCredentials).
    /// `acs_credentials::from_env()` starts a builder with Alibaba Cloud's default chain, and
    /// the region from `ALIBABA_CLOUD_REGION_ID`.
    pub fn build(self) -> Result<Config, Error> {
        let Some(credentials) = self.credentials else {
            return Err(ConfigError::new(
                "no credentials: set them with `credentials` or `credentials_provider` \
                 (acs_credentials::from_env() uses Alibaba Cloud's default chain)",
            )
            .into());
        };
        let timeouts = self.timeouts.unwrap_or_default();
        let http_client = match self.http_client {
            Some(client) => client,
            None => {
                let settings = DefaultHttpClientSettings {
                    connect_timeout: timeouts.connect,
                    max_response_bytes: self
                        .max_response_bytes
                        .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES),
                    danger_accept_invalid_certificates: self.danger_accept_invalid_certificates,
                };
                let client = DefaultHttpClient::new(&settings).map_err(|error| {
                    ConfigError::new(format!("cannot build the HTTP client: {error}"))
                })?;
                SharedHttpClient::new(client)
            }
        };
        Ok(Config {
            region: self.region,
            endpoint: self.endpoint,
            credentials,
            auth_scheme: self.auth_scheme,
            path_style: self.path_style,
            retry: self.retry.unwrap_or_default(),
            timeouts,
            http_client,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_configuration_without_credentials_says_where_to_get_them() {
        let error = Config::builder().region("cn-hangzhou").build().unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("invalid configuration: no credentials:")
                && error.to_string().contains("acs_credentials::from_env()"),
            "{error}"
        );
        let config = Config::builder()
            .credentials(Credentials::new("LTAIid", "secret", "test"))
            .build()
            .unwrap();
        assert!(!format!("{config:?}").contains("secret\""));
    }
}
