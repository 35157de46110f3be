//! Credentials of a RAM role, assumed with an OIDC token (RRSA on Kubernetes).

use std::path::PathBuf;

use acs_runtime::http::{HttpClient, SharedHttpClient};

use crate::cache::CredentialsCache;
use crate::env::Env;
use crate::files;
use crate::sts::{RoleSession, Sts, StsSettings};
use crate::{Credentials, CredentialsError, ProvideCredentials, ProvideFuture};

pub(crate) const ROLE_ARN_ENV: &str = "ALIBABA_CLOUD_ROLE_ARN";
pub(crate) const OIDC_PROVIDER_ARN_ENV: &str = "ALIBABA_CLOUD_OIDC_PROVIDER_ARN";
pub(crate) const OIDC_TOKEN_FILE_ENV: &str = "ALIBABA_CLOUD_OIDC_TOKEN_FILE";

const PROVIDER: &str = "oidc role";

/// Temporary credentials for a RAM role, from STS `AssumeRoleWithOIDC` with the OIDC token in
/// a file (RRSA on Kubernetes), cached and refreshed ahead of expiry. The token file is read
/// at every refresh, since whoever writes it rotates it.
#[derive(Debug)]
pub struct OidcRoleProvider {
    sts: Sts,
    session: RoleSession,
    oidc_provider_arn: String,
    token_file: PathBuf,
    cache: CredentialsCache,
}

impl OidcRoleProvider {
    pub fn builder(
        role_arn: impl Into<String>,
        oidc_provider_arn: impl Into<String>,
        token_file: impl Into<PathBuf>,
    ) -> OidcRoleProviderBuilder {
        OidcRoleProviderBuilder {
            role_arn: role_arn.into(),
            oidc_provider_arn: oidc_provider_arn.into(),
            token_file: token_file.into(),
            session_name: None,
            duration_seconds: None,
            policy: None,
            sts: StsSettings::default(),
            env: Env::default(),
        }
    }

    /// From `ALIBABA_CLOUD_ROLE_ARN`, `ALIBABA_CLOUD_OIDC_PROVIDER_ARN`,
    /// `ALIBABA_CLOUD_OIDC_TOKEN_FILE` and, optionally, `ALIBABA_CLOUD_ROLE_SESSION_NAME`.
    ///
    /// # Errors
    /// Naming every variable of the three that is not set.
    pub fn from_env() -> Result<Self, CredentialsError> {
        Self::from_env_with(Env::default(), StsSettings::default())
    }

    pub(crate) fn from_env_with(env: Env, sts: StsSettings) -> Result<Self, CredentialsError> {
        let required = [ROLE_ARN_ENV, OIDC_PROVIDER_ARN_ENV, OIDC_TOKEN_FILE_ENV];
        let missing: Vec<&str> = required
            .into_iter()
            .filter(|name| env.get(name).is_none())
            .collect();
        if !missing.is_empty() {
            return Err(CredentialsError::new(
                PROVIDER,
                format!("{} not set", describe_missing(&missing)),
            ));
        }
        let value = |name| env.get(name).unwrap_or_default();
        let builder = Self::builder(
            value(ROLE_ARN_ENV),
            value(OIDC_PROVIDER_ARN_ENV),
            value(OIDC_TOKEN_FILE_ENV),
        )
        .sts(sts);
        builder.env(env).build()
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let path = self.token_file.display();
        let token = files::read_capped(&self.token_file)
            .await
            .map_err(|failure| {
                CredentialsError::new(
                    PROVIDER,
                    format!("the OIDC token file {path} {}", failure.describe()),
                )
            })?;
        let token = String::from_utf8_lossy(&token);
        let token = token.trim();
        if token.is_empty() {
            return Err(CredentialsError::new(
                PROVIDER,
                format!("the OIDC token file {path} is empty"),
            ));
        }
        self.sts
            .assume_role_with_oidc(&self.session, &self.oidc_provider_arn, token)
            .await
    }
}

/// `A is`, `A and B are`, `A, B and C are`.
fn describe_missing(names: &[&str]) -> String {
    let verb = if names.len() == 1 { "is" } else { "are" };
    format!("{} {verb}", super::list_names(names))
}

impl ProvideCredentials for OidcRoleProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(self.cache.get_or_refresh(|| self.fetch()))
    }
}

#[derive(Debug)]
pub struct OidcRoleProviderBuilder {
    role_arn: String,
    oidc_provider_arn: String,
    token_file: PathBuf,
    session_name: Option<String>,
    duration_seconds: Option<u32>,
    policy: Option<String>,
    sts: StsSettings,
    env: Env,
}

impl OidcRoleProviderBuilder {
    /// Names the role session (shown in ActionTrail); default `ALIBABA_CLOUD_ROLE_SESSION_NAME`,
    /// else `acs-credentials-<unix seconds>`.
    pub fn session_name(mut self, name: impl Into<String>) -> Self {
        self.session_name = Some(name.into());
        self
    }

    /// How long the credentials last, at least 900 seconds; default 3600.
    pub fn duration_seconds(mut self, seconds: u32) -> Self {
        self.duration_seconds = Some(seconds);
        self
    }

    /// A policy (JSON) that narrows what the credentials may do.
    pub fn policy(mut self, policy: impl Into<String>) -> Self {
        self.policy = Some(policy.into());
        self
    }

    /// Calls `sts.<region>.aliyuncs.com` instead of `sts.aliyuncs.com`.
    pub fn sts_region(mut self, region: impl Into<String>) -> Self {
        self.sts.region = Some(region.into());
        self
    }

    /// Calls STS at this endpoint (a host or URL), whatever the region.
    pub fn sts_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.sts.endpoint = Some(endpoint.into());
        self
    }

    pub fn http_client(mut self, client: impl HttpClient + 'static) -> Self {
        self.sts.http_client = Some(SharedHttpClient::new(client));
        self
    }

    /// Replaces every STS setting at once (for the profile and the chain).
    pub(crate) fn sts(mut self, settings: StsSettings) -> Self {
        self.sts = settings;
        self
    }

    pub(crate) fn env(mut self, env: Env) -> Self {
        self.env = env;
        self
    }

    pub fn build(self) -> Result<OidcRoleProvider, CredentialsError> {
        let missing: Vec<&str> = [
            ("the role ARN", self.role_arn.is_empty()),
            ("the OIDC provider ARN", self.oidc_provider_arn.is_empty()),
            (
                "the OIDC token file",
                self.token_file.as_os_str().is_empty(),
            ),
        ]
        .into_iter()
        .filter_map(|(name, empty)| empty.then_some(name))
        .collect();
        if !missing.is_empty() {
            return Err(CredentialsError::new(
                PROVIDER,
                format!("{} empty", describe_missing(&missing)),
            ));
        }
        let session = RoleSession::new(
            PROVIDER,
            &self.env,
            self.role_arn,
            self.session_name,
            self.duration_seconds,
            self.policy,
        )?;
        Ok(OidcRoleProvider {
            sts: Sts::unsigned(&self.sts, &self.env, PROVIDER)?,
            session,
            oidc_provider_arn: self.oidc_provider_arn,
            token_file: self.token_file,
            cache: CredentialsCache::new(PROVIDER),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sts::{ROLE_SESSION_NAME_ENV, STS_ENDPOINT_ENV};
    use crate::test_support::{FakeHttp, TempDir, in_one_hour, respond, sts_body};

    const TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.oidc-token-payload.signature";

    fn sts() -> FakeHttp {
        FakeHttp::new(|_| {
            respond(
                200,
                sts_body("STS.oidc", "oidc-secret", "oidc-token", in_one_hour()),
            )
        })
    }

    #[tokio::test]
    async fn assume_role_with_oidc_sends_the_token_file_unsigned() {
        let dir = TempDir::new();
        let token_file = dir.write("token", &format!("{TOKEN}\n"));
        let http = sts();
        let env = Env::fixed(&[
            (ROLE_ARN_ENV, "acs:ram::100:role/pod"),
            (OIDC_PROVIDER_ARN_ENV, "acs:ram::100:oidc-provider/ack"),
            (OIDC_TOKEN_FILE_ENV, token_file.to_str().unwrap()),
            (ROLE_SESSION_NAME_ENV, "pod-session"),
            (STS_ENDPOINT_ENV, "http://127.0.0.1:1"),
        ]);
        let settings = StsSettings {
            http_client: Some(SharedHttpClient::new(http.clone())),
            ..StsSettings::default()
        };
        let provider = OidcRoleProvider::from_env_with(env, settings).unwrap();
        let credentials = provider.provide_credentials().await.unwrap();
        assert_eq!(credentials.access_key_id(), "STS.oidc");
        assert_eq!(credentials.security_token(), Some("oidc-token"));
        assert_eq!(credentials.provider(), "oidc role");

        let request = &http.requests()[0];
        assert_eq!(request.uri.authority().unwrap().as_str(), "127.0.0.1:1");
        assert_eq!(request.header("x-acs-action"), Some("AssumeRoleWithOIDC"));
        assert_eq!(request.header("x-acs-version"), Some("2015-04-01"));
        assert_eq!(request.header("authorization"), None);
        assert_eq!(request.header("x-acs-security-token"), None);
        assert_eq!(
            request.query_param("RoleArn").as_deref(),
            Some("acs:ram::100:role/pod")
        );
        assert_eq!(
            request.query_param("OIDCProviderArn").as_deref(),
            Some("acs:ram::100:oidc-provider/ack")
        );
        assert_eq!(
            request.query_param("RoleSessionName").as_deref(),
            Some("pod-session")
        );
        assert_eq!(
            request.query_param("DurationSeconds").as_deref(),
            Some("3600")
        );
        assert_eq!(request.form_param("OIDCToken").as_deref(), Some(TOKEN));
        assert!(
            !request.uri.to_string().contains("oidc-token-payload"),
            "the token stays out of the URL"
        );
    }

    #[tokio::test]
    async fn the_token_file_is_read_at_each_refresh_and_never_quoted() {
        let dir = TempDir::new();
        let token_file = dir.path().join("token");
        let http = sts();
        let provider = OidcRoleProvider::builder(
            "acs:ram::100:role/pod",
            "acs:ram::100:oidc-provider/ack",
            &token_file,
        )
        .sts_endpoint("http://127.0.0.1:1")
        .http_client(http.clone())
        .build()
        .unwrap();
        let missing = provider
            .provide_credentials()
            .await
            .unwrap_err()
            .to_string();
        assert_eq!(
            missing,
            format!(
                "oidc role: the OIDC token file {} does not exist",
                token_file.display()
            )
        );

        dir.write("token", "  \n");
        let empty = provider
            .provide_credentials()
            .await
            .unwrap_err()
            .to_string();
        assert!(empty.ends_with("is empty"), "{empty}");

        dir.write("token", TOKEN);
        provider.provide_credentials().await.unwrap();
        assert_eq!(http.requests().len(), 1);
        assert!(!format!("{provider:?}").contains("oidc-token-payload"));
    }

    #[test]
    fn missing_variables_are_named() {
        let half = Env::fixed(&[(ROLE_ARN_ENV, "acs:ram::100:role/pod")]);
        let error = OidcRoleProvider::from_env_with(half, StsSettings::default()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "oidc role: ALIBABA_CLOUD_OIDC_PROVIDER_ARN and ALIBABA_CLOUD_OIDC_TOKEN_FILE are not set"
        );
        let empty = OidcRoleProvider::builder("", "", "").build().unwrap_err();
        assert_eq!(
            empty.to_string(),
            "oidc role: the role ARN, the OIDC provider ARN and the OIDC token file are empty"
        );
    }
}
