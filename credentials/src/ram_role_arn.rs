//! Credentials of a RAM role, assumed with another provider's credentials.

use acs_runtime::http::{HttpClient, SharedHttpClient};

use crate::cache::CredentialsCache;
use crate::env::Env;
use crate::sts::{RoleSession, Sts, StsSettings};
use crate::{
    Credentials, CredentialsError, ProvideCredentials, ProvideFuture, SharedCredentialsProvider,
};

const PROVIDER: &str = "ram role arn";

/// Temporary credentials for a RAM role, from STS `AssumeRole` signed with another
/// provider's credentials (an AccessKey, usually), cached and refreshed ahead of expiry.
#[derive(Debug)]
pub struct RamRoleArnProvider {
    sts: Sts,
    session: RoleSession,
    external_id: Option<String>,
    cache: CredentialsCache,
}

impl RamRoleArnProvider {
    /// Assumes `role_arn` (`acs:ram::<account>:role/<name>`) with `source`'s credentials.
    pub fn builder(
        source: impl ProvideCredentials + 'static,
        role_arn: impl Into<String>,
    ) -> RamRoleArnProviderBuilder {
        Self::builder_shared(SharedCredentialsProvider::new(source), role_arn)
    }

    /// [`builder`](Self::builder) for a source already shared (a profile's source profile).
    pub(crate) fn builder_shared(
        source: SharedCredentialsProvider,
        role_arn: impl Into<String>,
    ) -> RamRoleArnProviderBuilder {
        RamRoleArnProviderBuilder {
            source,
            role_arn: role_arn.into(),
            session_name: None,
            duration_seconds: None,
            external_id: None,
            policy: None,
            sts: StsSettings::default(),
            env: Env::default(),
        }
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        self.sts
            .assume_role(&self.session, self.external_id.as_deref())
            .await
    }
}

impl ProvideCredentials for RamRoleArnProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(self.cache.get_or_refresh(|| self.fetch()))
    }
}

#[derive(Debug)]
pub struct RamRoleArnProviderBuilder {
    source: SharedCredentialsProvider,
    role_arn: String,
    session_name: Option<String>,
    duration_seconds: Option<u32>,
    external_id: Option<String>,
    policy: Option<String>,
    sts: StsSettings,
    env: Env,
}

impl RamRoleArnProviderBuilder {
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

    /// The external id the role's trust policy asks for, against confused-deputy attacks.
    pub fn external_id(mut self, external_id: impl Into<String>) -> Self {
        self.external_id = Some(external_id.into());
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

    pub fn build(self) -> Result<RamRoleArnProvider, CredentialsError> {
        if self.role_arn.is_empty() {
            return Err(CredentialsError::new(PROVIDER, "the role ARN is empty"));
        }
        let session = RoleSession::new(
            PROVIDER,
            &self.env,
            self.role_arn,
            self.session_name,
            self.duration_seconds,
            self.policy,
        )?;
        Ok(RamRoleArnProvider {
            sts: Sts::new(&self.sts, &self.env, self.source, PROVIDER)?,
            session,
            external_id: self.external_id,
            cache: CredentialsCache::new(PROVIDER),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::{Duration, SystemTime};

    use super::*;
    use crate::StaticProvider;
    use crate::test_support::{FakeHttp, in_one_hour, respond, sts_body};

    fn access_key() -> StaticProvider {
        StaticProvider::new(Credentials::new("LTAIsourceKey", "source-secret", "test"))
    }

    fn sts_answering(expiry: SystemTime) -> FakeHttp {
        FakeHttp::new(move |_| {
            respond(
                200,
                sts_body("STS.assumed", "assumed-secret", "assumed-token", expiry),
            )
        })
    }

    #[tokio::test]
    async fn assume_role_is_signed_with_the_source_key_and_carries_the_parameters() {
        let http = sts_answering(in_one_hour());
        let provider = RamRoleArnProvider::builder(access_key(), "acs:ram::100:role/deployer")
            .session_name("ci-run")
            .duration_seconds(1800)
            .external_id("ext-7")
            .policy(r#"{"Version":"1"}"#)
            .sts_endpoint("http://127.0.0.1:1")
            .http_client(http.clone())
            .build()
            .unwrap();
        let credentials = provider.provide_credentials().await.unwrap();
        assert_eq!(credentials.access_key_id(), "STS.assumed");
        assert_eq!(credentials.access_key_secret(), "assumed-secret");
        assert_eq!(credentials.security_token(), Some("assumed-token"));
        assert!(credentials.expiry().is_some());
        assert_eq!(credentials.provider(), "ram role arn");

        let requests = http.requests();
        assert_eq!(requests.len(), 1);
        let request = &requests[0];
        assert_eq!(request.method, http::Method::POST);
        assert_eq!(request.uri.authority().unwrap().as_str(), "127.0.0.1:1");
        assert_eq!(request.header("x-acs-action"), Some("AssumeRole"));
        assert_eq!(request.header("x-acs-version"), Some("2015-04-01"));
        assert_eq!(
            request.query_param("RoleArn").as_deref(),
            Some("acs:ram::100:role/deployer")
        );
        assert_eq!(
            request.query_param("RoleSessionName").as_deref(),
            Some("ci-run")
        );
        assert_eq!(
            request.query_param("DurationSeconds").as_deref(),
            Some("1800")
        );
        assert_eq!(request.query_param("ExternalId").as_deref(), Some("ext-7"));
        assert_eq!(
            request.query_param("Policy").as_deref(),
            Some(r#"{"Version":"1"}"#)
        );
        let authorization = request.header("authorization").unwrap();
        assert!(
            authorization.starts_with("ACS3-HMAC-SHA256 Credential=LTAIsourceKey,SignedHeaders="),
            "{authorization}"
        );
        let signature = authorization.rsplit_once("Signature=").unwrap().1;
        assert!(signature.len() == 64 && signature.chars().all(|c| c.is_ascii_hexdigit()));
        request
            .verify_signature("LTAIsourceKey", "source-secret")
            .unwrap();
    }

    #[tokio::test]
    async fn the_sts_region_picks_the_regional_endpoint_and_defaults_apply() {
        let http = sts_answering(in_one_hour());
        let provider = RamRoleArnProvider::builder(access_key(), "acs:ram::100:role/deployer")
            .sts_region("cn-shanghai")
            .http_client(http.clone())
            .build()
            .unwrap();
        provider.provide_credentials().await.unwrap();
        let request = &http.requests()[0];
        assert_eq!(
            request.uri.to_string().split('?').next(),
            Some("https://sts.cn-shanghai.aliyuncs.com/")
        );
        assert_eq!(
            request.query_param("DurationSeconds").as_deref(),
            Some("3600")
        );
        assert!(
            request
                .query_param("RoleSessionName")
                .unwrap()
                .starts_with("acs-credentials-")
        );
        assert_eq!(request.query_param("ExternalId"), None);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_hundred_concurrent_calls_make_one_sts_call() {
        let http = sts_answering(in_one_hour()).with_delay(Duration::from_millis(50));
        let provider = Arc::new(
            RamRoleArnProvider::builder(access_key(), "acs:ram::100:role/deployer")
                .sts_endpoint("http://127.0.0.1:1")
                .http_client(http.clone())
                .build()
                .unwrap(),
        );
        let calls: Vec<_> = (0..100)
            .map(|_| {
                let provider = provider.clone();
                tokio::spawn(async move { provider.provide_credentials().await })
            })
            .collect();
        for call in calls {
            assert_eq!(call.await.unwrap().unwrap().access_key_id(), "STS.assumed");
        }
        assert_eq!(http.requests().len(), 1);
    }

    #[tokio::test]
    async fn credentials_close_to_expiry_are_refreshed_and_others_reused() {
        let short = sts_answering(SystemTime::now() + Duration::from_secs(120));
        let provider = RamRoleArnProvider::builder(access_key(), "acs:ram::100:role/deployer")
            .sts_endpoint("http://127.0.0.1:1")
            .http_client(short.clone())
            .build()
            .unwrap();
        provider.provide_credentials().await.unwrap();
        provider.provide_credentials().await.unwrap();
        assert_eq!(
            short.requests().len(),
            2,
            "credentials within 3 minutes of expiry are refreshed"
        );

        let long = sts_answering(in_one_hour());
        let provider = RamRoleArnProvider::builder(access_key(), "acs:ram::100:role/deployer")
            .sts_endpoint("http://127.0.0.1:1")
            .http_client(long.clone())
            .build()
            .unwrap();
        provider.provide_credentials().await.unwrap();
        provider.provide_credentials().await.unwrap();
        assert_eq!(long.requests().len(), 1);
    }

    #[tokio::test]
    async fn sts_errors_name_the_call_and_never_the_secrets() {
        let denied = FakeHttp::new(|_| {
            respond(
                403,
                r#"{"RequestId":"R-9","Code":"NoPermission","Message":"You are not authorized to do this action."}"#,
            )
        });
        let provider = RamRoleArnProvider::builder(access_key(), "acs:ram::100:role/deployer")
            .sts_endpoint("http://127.0.0.1:1")
            .http_client(denied)
            .build()
            .unwrap();
        let error = provider
            .provide_credentials()
            .await
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("ram role arn: STS AssumeRole failed: NoPermission:"),
            "{error}"
        );
        assert!(error.contains("request id R-9"));
        assert!(!error.contains("source-secret"));

        // A truncated body holding the new secret must not be quoted.
        let truncated = FakeHttp::new(|_| {
            respond(200, r#"{"Credentials":{"AccessKeySecret":"leaked-secret","#)
        });
        let provider = RamRoleArnProvider::builder(access_key(), "acs:ram::100:role/deployer")
            .sts_endpoint("http://127.0.0.1:1")
            .http_client(truncated)
            .build()
            .unwrap();
        let error = provider
            .provide_credentials()
            .await
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("the STS AssumeRole response does not decode")
                && error.contains("ends too early"),
            "{error}"
        );
        assert!(!error.contains("leaked-secret"));
    }

    #[test]
    fn settings_are_checked_when_built_and_debug_hides_secrets() {
        let short = RamRoleArnProvider::builder(access_key(), "acs:ram::100:role/deployer")
            .duration_seconds(60)
            .build();
        assert_eq!(
            short.unwrap_err().to_string(),
            "ram role arn: the duration must be at least 900 seconds, not 60"
        );
        let empty = RamRoleArnProvider::builder(access_key(), "").build();
        assert_eq!(
            empty.unwrap_err().to_string(),
            "ram role arn: the role ARN is empty"
        );

        let provider = RamRoleArnProvider::builder(access_key(), "acs:ram::100:role/deployer")
            .build()
            .unwrap();
        let shown = format!("{provider:?}");
        assert!(shown.contains("acs:ram::100:role/deployer"));
        assert!(
            !shown.contains("source-secret") && !shown.contains("LTAIsourceKey"),
            "{shown}"
        );
    }
}
