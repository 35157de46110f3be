//! Credentials from a credentials URI: an HTTP endpoint of one's own (a sidecar, a vault
//! agent) that answers `GET` with temporary credentials.

use std::time::Duration;

use acs_runtime::http::{HttpClient, SharedHttpClient};
use bytes::Bytes;

use crate::cache::CredentialsCache;
use crate::env::Env;
use crate::fetch;
use crate::wire::{parse_object, temporary_credentials, text_field};
use crate::{Credentials, CredentialsError, ProvideCredentials, ProvideFuture};

/// The URI the default chain asks last, when it is set.
pub(crate) const CREDENTIALS_URI_ENV: &str = "ALIBABA_CLOUD_CREDENTIALS_URI";

/// The official libraries' limits: 5 seconds to connect, 10 for the whole answer.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const TIMEOUT: Duration = Duration::from_secs(10);

const PROVIDER: &str = "credentials uri";

/// Temporary credentials from `GET <uri>`, cached and refreshed ahead of expiry. The endpoint
/// answers HTTP 200 with a JSON object holding `AccessKeyId`, `AccessKeySecret`,
/// `SecurityToken` and `Expiration`, and, optionally, `"Code": "Success"`.
#[derive(Debug)]
pub struct CredentialsUriProvider {
    uri: http::Uri,
    http: SharedHttpClient,
    cache: CredentialsCache,
}

impl CredentialsUriProvider {
    /// For the URI given to [`CredentialsUriProviderBuilder::uri`], else
    /// `ALIBABA_CLOUD_CREDENTIALS_URI`.
    pub fn builder() -> CredentialsUriProviderBuilder {
        CredentialsUriProviderBuilder {
            uri: None,
            http_client: None,
            env: Env::default(),
        }
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        // The URI's query may hold a token of its own: messages show the rest only.
        let shown = format!(
            "{}://{}{}",
            self.uri.scheme_str().unwrap_or(""),
            self.uri
                .authority()
                .map_or("", |authority| authority.as_str()),
            self.uri.path()
        );
        let request = http::Request::get(self.uri.clone())
            .body(Bytes::new())
            .map_err(|failure| error(failure.to_string()))?;
        let response = fetch::fetch(&self.http, request, TIMEOUT)
            .await
            .map_err(|failure| error(format!("{shown} {}", failure.describe())))?;
        if response.status() != http::StatusCode::OK {
            return Err(error(format!(
                "{shown} answered HTTP {}",
                response.status().as_u16()
            )));
        }
        let what = format!("the answer of {shown}");
        let invalid = |reason: String| error(format!("{what} {reason}"));
        let document = parse_object(response.body()).map_err(invalid)?;
        match text_field(&document, "Code").map_err(invalid)? {
            None | Some("Success") => temporary_credentials(&document, PROVIDER, &what),
            Some(code) => Err(error(format!(
                "{what} came with code {code:?} instead of \"Success\""
            ))),
        }
    }
}

fn error(message: impl Into<String>) -> CredentialsError {
    CredentialsError::new(PROVIDER, message)
}

impl ProvideCredentials for CredentialsUriProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(self.cache.get_or_refresh(|| self.fetch()))
    }
}

#[derive(Debug)]
pub struct CredentialsUriProviderBuilder {
    uri: Option<String>,
    http_client: Option<SharedHttpClient>,
    env: Env,
}

impl CredentialsUriProviderBuilder {
    /// The endpoint (`http://127.0.0.1:8080/credentials`); default
    /// `ALIBABA_CLOUD_CREDENTIALS_URI`.
    pub fn uri(mut self, uri: impl Into<String>) -> Self {
        self.uri = Some(uri.into());
        self
    }

    /// The HTTP client; default one that honours the environment's proxies.
    pub fn http_client(mut self, client: impl HttpClient + 'static) -> Self {
        self.http_client = Some(SharedHttpClient::new(client));
        self
    }

    pub(crate) fn http_client_shared(mut self, client: Option<SharedHttpClient>) -> Self {
        self.http_client = client;
        self
    }

    pub(crate) fn env(mut self, env: Env) -> Self {
        self.env = env;
        self
    }

    /// # Errors
    /// Without a URI, or with one that is not an `http` or `https` URL.
    pub fn build(self) -> Result<CredentialsUriProvider, CredentialsError> {
        let text = self
            .uri
            .filter(|uri| !uri.is_empty())
            .or_else(|| self.env.get(CREDENTIALS_URI_ENV))
            .ok_or_else(|| error(format!("{CREDENTIALS_URI_ENV} is not set")))?;
        let uri = http::Uri::try_from(text.as_str())
            .ok()
            .filter(|uri| {
                matches!(uri.scheme_str(), Some("http" | "https")) && uri.host().is_some()
            })
            .ok_or_else(|| error("the credentials URI is not an http or https URL"))?;
        let http = match self.http_client {
            Some(client) => client,
            None => fetch::default_http_client(CONNECT_TIMEOUT, true).map_err(error)?,
        };
        Ok(CredentialsUriProvider {
            uri,
            http,
            cache: CredentialsCache::new(PROVIDER),
        })
    }
}

#[cfg(test)]
mod tests {
    use acs_test_server::{Reply, TestServer};

    use super::*;
    use crate::test_support::{FakeHttp, credentials_json, in_one_hour, respond};

    fn answer() -> String {
        let mut body = credentials_json("STS.uri", "uri-secret", "uri-token", in_one_hour());
        body["Code"] = "Success".into();
        body.to_string()
    }

    #[tokio::test]
    async fn credentials_come_from_the_uri_over_http_and_are_cached() {
        let server = TestServer::start().await.unwrap();
        server.route(
            http::Method::GET,
            "/credentials",
            Reply::json(200, answer()),
        );
        let uri = format!("{}/credentials?token=uri-query-secret", server.endpoint());
        let provider = CredentialsUriProvider::builder()
            .env(Env::fixed(&[(CREDENTIALS_URI_ENV, &uri)]))
            .build()
            .unwrap();
        let credentials = provider.provide_credentials().await.unwrap();
        assert_eq!(
            (
                credentials.access_key_id(),
                credentials.access_key_secret(),
                credentials.security_token()
            ),
            ("STS.uri", "uri-secret", Some("uri-token"))
        );
        assert_eq!(credentials.provider(), "credentials uri");
        assert!(credentials.expiry().is_some());
        provider.provide_credentials().await.unwrap();
        assert_eq!(server.request_count(), 1, "cached until close to expiry");
        assert_eq!(server.requests()[0].query["token"], "uri-query-secret");
    }

    #[tokio::test]
    async fn failures_name_the_uri_without_its_query_and_never_quote_secrets() {
        let uri = "http://127.0.0.1:1/credentials?token=uri-query-secret";
        let error_of = |respond_with: fn() -> Result<http::Response<Bytes>, _>| async move {
            CredentialsUriProvider::builder()
                .uri(uri)
                .http_client(FakeHttp::new(move |_| respond_with()))
                .env(Env::fixed(&[]))
                .build()
                .unwrap()
                .provide_credentials()
                .await
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            error_of(|| respond(500, "oops")).await,
            "credentials uri: http://127.0.0.1:1/credentials answered HTTP 500"
        );
        let failed =
            error_of(|| respond(200, r#"{"Code":"Failed","AccessKeySecret":"half-secret"}"#)).await;
        assert_eq!(
            failed,
            "credentials uri: the answer of http://127.0.0.1:1/credentials came with code \"Failed\" instead of \"Success\""
        );
        let incomplete = error_of(|| {
            respond(
                200,
                r#"{"AccessKeyId":"STS.x","AccessKeySecret":"half-secret"}"#,
            )
        })
        .await;
        assert!(incomplete.ends_with("has no SecurityToken"), "{incomplete}");
        for shown in [failed, incomplete] {
            assert!(!shown.contains("half-secret") && !shown.contains("uri-query-secret"));
        }
    }

    #[test]
    fn the_uri_must_be_set_and_http() {
        let unset = CredentialsUriProvider::builder()
            .env(Env::fixed(&[]))
            .build();
        assert_eq!(
            unset.unwrap_err().to_string(),
            "credentials uri: ALIBABA_CLOUD_CREDENTIALS_URI is not set"
        );
        for bad in ["file:///etc/passwd", "not a url", "/relative"] {
            let error = CredentialsUriProvider::builder()
                .uri(bad)
                .env(Env::fixed(&[]))
                .build()
                .unwrap_err();
            assert_eq!(
                error.to_string(),
                "credentials uri: the credentials URI is not an http or https URL"
            );
        }
    }
}
