//! Credentials of the ECS instance's RAM role, from the instance metadata service.

use std::time::Duration;

use acs_runtime::http::{HttpClient, SharedHttpClient};
use bytes::Bytes;

use crate::cache::CredentialsCache;
use crate::env::Env;
use crate::fetch::{self, FetchError};
use crate::wire::{parse_object, temporary_credentials, text_field};
use crate::{Credentials, CredentialsError, ProvideCredentials, ProvideFuture};

/// The instance metadata service of ECS (and ECI, and ACK worker nodes).
pub(crate) const METADATA_ENDPOINT: &str = "http://100.100.100.200";
/// Names the instance's RAM role, which saves asking the metadata service for it.
pub(crate) const ROLE_NAME_ENV: &str = "ALIBABA_CLOUD_ECS_METADATA";
/// `true` keeps every provider away from the metadata service: the chain passes over it, and
/// profiles that name it fail.
pub(crate) const METADATA_DISABLED_ENV: &str = "ALIBABA_CLOUD_ECS_METADATA_DISABLED";
/// `true` refuses the plain (IMDSv1) mode when the hardened mode's token cannot be had.
pub(crate) const IMDSV1_DISABLED_ENV: &str = "ALIBABA_CLOUD_IMDSV1_DISABLED";

const TOKEN_PATH: &str = "/latest/api/token";
const ROLES_PATH: &str = "/latest/meta-data/ram/security-credentials/";
const TOKEN_TTL_HEADER: &str = "x-aliyun-ecs-metadata-token-ttl-seconds";
const TOKEN_HEADER: &str = "x-aliyun-ecs-metadata-token";
/// The metadata token is used for the two requests that follow at once; a short life limits
/// what a leaked one is worth.
const TOKEN_TTL_SECONDS: &str = "60";
/// Short, so that the chain does not hang where there is no metadata service.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1);

const PROVIDER: &str = "ecs ram role";

/// Temporary credentials of the ECS instance's RAM role, from the instance metadata service,
/// cached and refreshed ahead of expiry.
///
/// Hardened mode (IMDSv2) first: `PUT /latest/api/token` for a metadata token, sent with the
/// requests that follow. If the token cannot be had, the plain mode is used instead, unless
/// IMDSv1 is disabled ([`EcsRamRoleProviderBuilder::disable_imdsv1`] or
/// `ALIBABA_CLOUD_IMDSV1_DISABLED=true`).
#[derive(Debug)]
pub struct EcsRamRoleProvider {
    http: SharedHttpClient,
    endpoint: String,
    role_name: Option<String>,
    imdsv1_disabled: bool,
    timeout: Duration,
    cache: CredentialsCache,
}

impl EcsRamRoleProvider {
    pub fn builder() -> EcsRamRoleProviderBuilder {
        EcsRamRoleProviderBuilder {
            role_name: None,
            imdsv1_disabled: None,
            endpoint: None,
            http_client: None,
            timeout: DEFAULT_TIMEOUT,
            env: Env::default(),
        }
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let token = match self.metadata_token().await {
            Ok(token) => Some(token),
            Err(reason) if self.imdsv1_disabled => {
                return Err(error(format!(
                    "cannot get a metadata token ({reason}), and IMDSv1 is disabled so the plain mode is not tried"
                )));
            }
            Err(reason) => {
                tracing::debug!(%reason, "no metadata token; falling back to the plain mode (IMDSv1)");
                None
            }
        };
        let role_name = match &self.role_name {
            Some(role_name) => role_name.clone(),
            None => self.attached_role(token.as_deref()).await?,
        };
        let body = self
            .get(&format!("{ROLES_PATH}{role_name}"), token.as_deref())
            .await?;
        role_credentials(&body, &role_name)
    }

    /// The hardened mode's token, or why there is none.
    async fn metadata_token(&self) -> Result<String, String> {
        let request = http::Request::put(format!("{}{TOKEN_PATH}", self.endpoint))
            .header(TOKEN_TTL_HEADER, TOKEN_TTL_SECONDS)
            .body(Bytes::new())
            .map_err(|build_error| build_error.to_string())?;
        let response = self
            .exchange(request)
            .await
            .map_err(|failure| failure.message().to_string())?;
        if !response.status().is_success() {
            return Err(format!(
                "PUT {TOKEN_PATH} answered HTTP {}",
                response.status().as_u16()
            ));
        }
        let token = String::from_utf8(response.into_body().to_vec())
            .map_err(|_| format!("PUT {TOKEN_PATH} answered with a token that is not text"))?;
        match token.trim() {
            "" => Err(format!("PUT {TOKEN_PATH} answered with an empty token")),
            token => Ok(token.to_string()),
        }
    }

    /// The name of the RAM role attached to the instance.
    async fn attached_role(&self, token: Option<&str>) -> Result<String, CredentialsError> {
        let body = self.get(ROLES_PATH, token).await?;
        attached_role_name(&body)
    }

    async fn get(&self, path: &str, token: Option<&str>) -> Result<Bytes, CredentialsError> {
        let mut request = http::Request::get(format!("{}{path}", self.endpoint));
        if let Some(token) = token {
            request = request.header(TOKEN_HEADER, token);
        }
        let request = request
            .body(Bytes::new())
            .map_err(|build_error| error(build_error.to_string()))?;
        let response = self.exchange(request).await?;
        match response.status().as_u16() {
            200 => Ok(response.into_body()),
            404 if path == ROLES_PATH => Err(error("no RAM role is attached to this instance")),
            404 => Err(error(format!(
                "the instance has no RAM role named in GET {path}"
            ))),
            status => Err(error(format!("GET {path} answered HTTP {status}"))),
        }
    }

    async fn exchange(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, CredentialsError> {
        fetch::fetch(&self.http, request, self.timeout)
            .await
            .map_err(|failure| {
                let hint = match failure {
                    FetchError::TimedOut(_) | FetchError::Unreachable(_) => format!(
                        " (is this an ECS instance? set {METADATA_DISABLED_ENV}=true to skip it)"
                    ),
                    FetchError::TooLarge | FetchError::Failed(_) => String::new(),
                };
                error(format!(
                    "the instance metadata service at {} {}{hint}",
                    self.endpoint,
                    failure.describe()
                ))
            })
    }
}

fn error(message: impl Into<String>) -> CredentialsError {
    CredentialsError::new(PROVIDER, message)
}

/// The first role the metadata service lists (one per line).
fn attached_role_name(listing: &[u8]) -> Result<String, CredentialsError> {
    let listed = String::from_utf8_lossy(listing);
    let role_name = listed
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .ok_or_else(|| error("no RAM role is attached to this instance"))?;
    check_role_name(role_name)?;
    Ok(role_name.to_string())
}

/// The credentials document of `role_name`, which must say `"Code": "Success"`.
fn role_credentials(body: &[u8], role_name: &str) -> Result<Credentials, CredentialsError> {
    let what = format!("the metadata service's credentials for role {role_name}");
    let invalid = |reason: String| error(format!("{what} {reason}"));
    let document = parse_object(body).map_err(invalid)?;
    match text_field(&document, "Code").map_err(invalid)? {
        Some("Success") => temporary_credentials(&document, PROVIDER, &what),
        Some(code) => Err(error(format!(
            "{what} came with code {code:?} instead of \"Success\""
        ))),
        None => Err(error(format!("{what} came without a Code"))),
    }
}

/// RAM role names are letters, digits, `.`, `-` and `_`; nothing else may reach a URL path.
fn check_role_name(role_name: &str) -> Result<(), CredentialsError> {
    if role_name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_')
    {
        Ok(())
    } else {
        Err(error(format!("{role_name:?} is not a RAM role name")))
    }
}

impl ProvideCredentials for EcsRamRoleProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(self.cache.get_or_refresh(|| self.fetch()))
    }
}

#[derive(Debug)]
pub struct EcsRamRoleProviderBuilder {
    role_name: Option<String>,
    imdsv1_disabled: Option<bool>,
    endpoint: Option<String>,
    http_client: Option<SharedHttpClient>,
    timeout: Duration,
    env: Env,
}

impl EcsRamRoleProviderBuilder {
    /// The instance's RAM role; default `ALIBABA_CLOUD_ECS_METADATA`, else asked of the
    /// metadata service.
    pub fn role_name(mut self, role_name: impl Into<String>) -> Self {
        self.role_name = Some(role_name.into());
        self
    }

    /// Refuses the plain mode; default `ALIBABA_CLOUD_IMDSV1_DISABLED=true`, else false.
    pub fn disable_imdsv1(mut self, disabled: bool) -> Self {
        self.imdsv1_disabled = Some(disabled);
        self
    }

    /// The metadata service's URL; default `http://100.100.100.200`.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// The client for the metadata service; default one with a connect timeout as short as
    /// [`timeout`](Self::timeout).
    pub fn http_client(mut self, client: impl HttpClient + 'static) -> Self {
        self.http_client = Some(SharedHttpClient::new(client));
        self
    }

    /// The limit on each request to the metadata service; default 1 second.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
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
    /// When `ALIBABA_CLOUD_ECS_METADATA_DISABLED=true`, or the role name is not one.
    pub fn build(self) -> Result<EcsRamRoleProvider, CredentialsError> {
        if self.env.is_true(METADATA_DISABLED_ENV) {
            return Err(error(format!(
                "the instance metadata service is not asked ({METADATA_DISABLED_ENV}=true)"
            )));
        }
        let role_name = self
            .role_name
            .filter(|name| !name.is_empty())
            .or_else(|| self.env.get(ROLE_NAME_ENV));
        if let Some(role_name) = &role_name {
            check_role_name(role_name)?;
        }
        let http = match self.http_client {
            Some(client) => client,
            None => fetch::default_http_client(self.timeout, false).map_err(error)?,
        };
        let endpoint = self
            .endpoint
            .unwrap_or_else(|| METADATA_ENDPOINT.to_string());
        Ok(EcsRamRoleProvider {
            http,
            endpoint: endpoint.trim_end_matches('/').to_string(),
            role_name,
            imdsv1_disabled: self
                .imdsv1_disabled
                .unwrap_or_else(|| self.env.is_true(IMDSV1_DISABLED_ENV)),
            timeout: self.timeout,
            cache: CredentialsCache::new(PROVIDER),
        })
    }
}

#[cfg(test)]
mod tests {
    use acs_runtime::http::{HttpError, HttpErrorKind};
    use acs_test_server::{Reply, TestServer};

    use super::*;
    use crate::test_support::{
        FakeHttp, METADATA_TOKEN, fake_metadata, metadata_service, respond, worker_credentials,
    };

    fn provider(http: &FakeHttp, env: Env) -> EcsRamRoleProvider {
        EcsRamRoleProvider::builder()
            .endpoint("http://127.0.0.1:1")
            .http_client(http.clone())
            .env(env)
            .build()
            .unwrap()
    }

    #[tokio::test]
    async fn hardened_mode_gets_a_token_then_the_role_then_its_credentials() {
        let http = fake_metadata(true);
        let credentials = provider(&http, Env::fixed(&[]))
            .provide_credentials()
            .await
            .unwrap();
        assert_eq!(credentials.access_key_id(), "STS.ecs");
        assert_eq!(credentials.access_key_secret(), "ecs-secret");
        assert_eq!(credentials.security_token(), Some("ecs-token"));
        assert_eq!(credentials.provider(), "ecs ram role");

        let requests = http.requests();
        let steps: Vec<(&str, &str)> = requests
            .iter()
            .map(|request| (request.method.as_str(), request.path()))
            .collect();
        assert_eq!(
            steps,
            [
                ("PUT", "/latest/api/token"),
                ("GET", "/latest/meta-data/ram/security-credentials/"),
                ("GET", "/latest/meta-data/ram/security-credentials/worker"),
            ]
        );
        assert_eq!(
            requests[0].header("x-aliyun-ecs-metadata-token-ttl-seconds"),
            Some(TOKEN_TTL_SECONDS)
        );
        assert_eq!(
            requests[1].header("x-aliyun-ecs-metadata-token"),
            Some(METADATA_TOKEN)
        );
        assert_eq!(
            requests[2].header("x-aliyun-ecs-metadata-token"),
            Some(METADATA_TOKEN)
        );
    }

    #[tokio::test]
    async fn falls_back_to_the_plain_mode_when_no_token_is_given() {
        let http = fake_metadata(false);
        let credentials = provider(&http, Env::fixed(&[]))
            .provide_credentials()
            .await
            .unwrap();
        assert_eq!(credentials.access_key_id(), "STS.ecs");
        let requests = http.requests();
        assert_eq!(requests.len(), 3);
        assert!(
            requests[1..]
                .iter()
                .all(|request| request.header("x-aliyun-ecs-metadata-token").is_none())
        );

        let unreachable_token = FakeHttp::new(|request| match request.method.as_str() {
            "PUT" => Err(HttpError::new(HttpErrorKind::Connect, "connection refused")),
            _ => {
                let (status, body) = metadata_service(request, false);
                respond(status, body)
            }
        });
        let credentials = provider(&unreachable_token, Env::fixed(&[]))
            .provide_credentials()
            .await
            .unwrap();
        assert_eq!(credentials.access_key_id(), "STS.ecs");
    }

    #[tokio::test]
    async fn with_imdsv1_disabled_a_missing_token_is_an_error() {
        let http = fake_metadata(false);
        let env = Env::fixed(&[(IMDSV1_DISABLED_ENV, "true")]);
        let error = provider(&http, env)
            .provide_credentials()
            .await
            .unwrap_err()
            .to_string();
        assert_eq!(
            error,
            "ecs ram role: cannot get a metadata token (PUT /latest/api/token answered HTTP 403), \
             and IMDSv1 is disabled so the plain mode is not tried"
        );
        assert_eq!(http.requests().len(), 1);

        let explicit = EcsRamRoleProvider::builder()
            .endpoint("http://127.0.0.1:1")
            .http_client(http.clone())
            .disable_imdsv1(true)
            .build()
            .unwrap();
        assert!(explicit.provide_credentials().await.is_err());
        assert_eq!(http.requests().len(), 2);
    }

    #[tokio::test]
    async fn a_named_role_is_not_looked_up() {
        let http = fake_metadata(true);
        let env = Env::fixed(&[(ROLE_NAME_ENV, "worker")]);
        provider(&http, env).provide_credentials().await.unwrap();
        let paths: Vec<String> = http
            .requests()
            .iter()
            .map(|request| request.path().to_string())
            .collect();
        assert_eq!(
            paths,
            [
                "/latest/api/token",
                "/latest/meta-data/ram/security-credentials/worker"
            ]
        );

        let bad = EcsRamRoleProvider::builder()
            .role_name("../admin")
            .build()
            .unwrap_err();
        assert_eq!(
            bad.to_string(),
            "ecs ram role: \"../admin\" is not a RAM role name"
        );
    }

    #[tokio::test]
    async fn failures_are_explained_without_secrets() {
        let no_role = FakeHttp::new(|request| match request.path() {
            TOKEN_PATH => respond(200, METADATA_TOKEN),
            _ => respond(404, "Not Found"),
        });
        let error = provider(&no_role, Env::fixed(&[]))
            .provide_credentials()
            .await
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "ecs ram role: no RAM role is attached to this instance"
        );

        let failed = FakeHttp::new(|request| match request.path() {
            TOKEN_PATH => respond(200, METADATA_TOKEN),
            ROLES_PATH => respond(200, "worker"),
            _ => respond(200, r#"{"Code":"Failed","AccessKeySecret":"half-secret"}"#),
        });
        let error = provider(&failed, Env::fixed(&[]))
            .provide_credentials()
            .await
            .unwrap_err()
            .to_string();
        assert!(error.contains(r#"came with code "Failed""#), "{error}");
        assert!(!error.contains("half-secret") && !error.contains(METADATA_TOKEN));
    }

    #[tokio::test(start_paused = true)]
    async fn a_silent_metadata_service_times_out_quickly() {
        let silent = fake_metadata(true).with_delay(Duration::from_secs(30));
        let provider = EcsRamRoleProvider::builder()
            .endpoint("http://127.0.0.1:1")
            .http_client(silent.clone())
            .env(Env::fixed(&[]))
            .build()
            .unwrap();
        let started = tokio::time::Instant::now();
        let error = provider
            .provide_credentials()
            .await
            .unwrap_err()
            .to_string();
        // One second for the token, one for the plain-mode fallback.
        assert_eq!(started.elapsed(), Duration::from_secs(2));
        assert!(
            error.contains("http://127.0.0.1:1 did not answer within 1000 ms"),
            "{error}"
        );
        assert!(error.contains("ALIBABA_CLOUD_ECS_METADATA_DISABLED=true"));
    }

    #[tokio::test]
    async fn works_over_real_http_with_the_default_client() {
        let server = TestServer::start().await.unwrap();
        server.route(
            http::Method::PUT,
            TOKEN_PATH,
            Reply::text(200, METADATA_TOKEN),
        );
        server.route(http::Method::GET, ROLES_PATH, Reply::text(200, "worker"));
        let credentials_path = format!("{ROLES_PATH}worker");
        server.route(
            http::Method::GET,
            &credentials_path,
            Reply::json(200, worker_credentials()),
        );
        let provider = EcsRamRoleProvider::builder()
            .endpoint(format!("{}/", server.endpoint()))
            .env(Env::fixed(&[]))
            .build()
            .unwrap();
        let credentials = provider.provide_credentials().await.unwrap();
        assert_eq!(credentials.access_key_id(), "STS.ecs");
        let received = server.requests();
        assert_eq!(received.len(), 3);
        assert_eq!(
            received[2].headers["x-aliyun-ecs-metadata-token"],
            METADATA_TOKEN
        );
    }

    #[test]
    fn a_disabled_metadata_service_is_never_asked() {
        let http = fake_metadata(true);
        let error = EcsRamRoleProvider::builder()
            .endpoint("http://127.0.0.1:1")
            .http_client(http.clone())
            .env(Env::fixed(&[(METADATA_DISABLED_ENV, "True")]))
            .build()
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "ecs ram role: the instance metadata service is not asked (ALIBABA_CLOUD_ECS_METADATA_DISABLED=true)"
        );
        assert!(http.requests().is_empty());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// Whatever the metadata service (or something answering in its place) sends, the role
        /// listing and the credentials document give a value or an error, never a panic, and an
        /// error never quotes a secret.
        #[test]
        fn metadata_answers_never_panic_or_leak(
            listing in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..120),
            code in "(Success|Failed|\\PC{0,8})",
            field in "(AccessKeyId|AccessKeySecret|SecurityToken|Expiration|Code)",
            value in r#"(null|1|\[\]|"\PC{0,24}")"#,
            cut in 0usize..200,
        ) {
            let _ = attached_role_name(&listing);
            let secret = "never-shown-secret";
            let body = format!(
                r#"{{"Code":{code:?},"AccessKeyId":"STS.x","AccessKeySecret":"{secret}","SecurityToken":"t","Expiration":"2030-01-01T00:00:00Z",{field:?}:{value}}}"#
            );
            for bytes in [body.as_bytes(), &body.as_bytes()[..cut.min(body.len())]] {
                if let Err(error) = role_credentials(bytes, "worker") {
                    proptest::prop_assert!(!error.to_string().contains(secret), "{}", error);
                }
            }
        }
    }
}
