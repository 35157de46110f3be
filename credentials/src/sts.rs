//! STS, the service that hands out temporary credentials, as the providers use it:
//! `AssumeRole` (signed with the caller's credentials) and `AssumeRoleWithOIDC` (unsigned),
//! behind [`Sts`], through the generated STS client (`alibabacloud-sts`), as aws-config calls
//! aws-sdk-sts. The requests are that client's typed ones, sent through its runtime client,
//! which retries them; the response is held to a size limit whatever the HTTP client before
//! it is decoded into the client's typed response.

use std::time::SystemTime;

use acs_runtime::credentials::NoCredentials;
use acs_runtime::http::SharedHttpClient;
use acs_runtime::{CallOptions, CallSpec, Config, ConfigBuilder, EncodeRequest, Operation};
use alibabacloud_sts::operation::{assume_role, assume_role_with_oidc};
use serde::de::DeserializeOwned;

use crate::env::Env;
use crate::wire::{MAX_RESPONSE_BYTES, TemporaryFields};
use crate::{Credentials, CredentialsError, SharedCredentialsProvider};

/// Sends STS calls to this endpoint (a host or URL) instead of the region's.
pub const STS_ENDPOINT_ENV: &str = "ALIBABA_CLOUD_STS_ENDPOINT";
/// Sends STS calls to `sts.<region>.aliyuncs.com` instead of the central `sts.aliyuncs.com`.
pub const STS_REGION_ENV: &str = "ALIBABA_CLOUD_STS_REGION";
/// `true` sends STS calls with a region to the region's VPC endpoint,
/// `sts-vpc.<region>.aliyuncs.com`.
pub const VPC_ENDPOINT_ENV: &str = "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED";
/// Names role sessions whose provider was given no name.
pub(crate) const ROLE_SESSION_NAME_ENV: &str = "ALIBABA_CLOUD_ROLE_SESSION_NAME";

/// How long temporary credentials last unless asked otherwise (one hour).
pub(crate) const DEFAULT_DURATION_SECONDS: u32 = 3600;
/// The shortest lifetime STS grants (15 minutes).
pub(crate) const MIN_DURATION_SECONDS: u32 = 900;

const CENTRAL_ENDPOINT: &str = "sts.aliyuncs.com";

/// Where STS is and how to reach it; shared by the providers that call it.
#[derive(Clone, Debug, Default)]
pub(crate) struct StsSettings {
    pub(crate) endpoint: Option<String>,
    pub(crate) region: Option<String>,
    /// The region's VPC endpoint (a profile's `enable_vpc`); else `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED`.
    pub(crate) vpc: bool,
    pub(crate) http_client: Option<SharedHttpClient>,
}

impl StsSettings {
    /// The endpoint given, else `ALIBABA_CLOUD_STS_ENDPOINT`, else the STS region's (given or
    /// `ALIBABA_CLOUD_STS_REGION`; its VPC endpoint when asked for), else the central one, as
    /// the official libraries choose. A region is checked like any service's, never pasted
    /// into a host name unchecked.
    fn configure(
        &self,
        env: &Env,
        builder: acs_runtime::ConfigBuilder,
    ) -> acs_runtime::ConfigBuilder {
        if let Some(endpoint) = self.endpoint.clone().or_else(|| env.get(STS_ENDPOINT_ENV)) {
            return builder.endpoint(endpoint);
        }
        let Some(region) = self.region.clone().or_else(|| env.get(STS_REGION_ENV)) else {
            return builder.endpoint(CENTRAL_ENDPOINT);
        };
        if self.vpc || env.is_true(VPC_ENDPOINT_ENV) {
            // Checked as a region first, so that it cannot change the host's shape.
            match acs_runtime::endpoint::resolve(&alibabacloud_sts::SERVICE, Some(&region), None) {
                Ok(_) => builder.endpoint(format!("sts-vpc.{region}.aliyuncs.com")),
                Err(_) => builder.region(region),
            }
        } else {
            builder.region(region)
        }
    }
}

/// STS as the providers use it: the generated client for the endpoint the settings name,
/// signing with the given credentials.
#[derive(Debug)]
pub(crate) struct Sts {
    client: alibabacloud_sts::Client,
    provider: &'static str,
}

impl Sts {
    /// Signs `AssumeRole` with `signer`'s credentials.
    pub(crate) fn new(
        settings: &StsSettings,
        env: &Env,
        signer: SharedCredentialsProvider,
        provider: &'static str,
    ) -> Result<Self, CredentialsError> {
        Self::with(
            settings,
            env,
            Config::builder().credentials_provider(signer),
            provider,
        )
    }

    /// For `AssumeRoleWithOIDC`, which the OIDC token authenticates: the operation is sent
    /// unsigned (the spec's `anonymous`), so the client holds no credentials.
    pub(crate) fn unsigned(
        settings: &StsSettings,
        env: &Env,
        provider: &'static str,
    ) -> Result<Self, CredentialsError> {
        Self::with(
            settings,
            env,
            Config::builder().credentials_provider(NoCredentials),
            provider,
        )
    }

    fn with(
        settings: &StsSettings,
        env: &Env,
        builder: ConfigBuilder,
        provider: &'static str,
    ) -> Result<Self, CredentialsError> {
        let mut builder = settings.configure(env, builder);
        builder = match &settings.http_client {
            Some(http_client) => builder.http_client(http_client.clone()),
            None => builder.max_response_bytes(MAX_RESPONSE_BYTES),
        };
        let config = builder.build().map_err(|error| {
            CredentialsError::new(provider, format!("cannot set up the STS client: {error}"))
        })?;
        Ok(Sts {
            client: alibabacloud_sts::Client::from_conf(config),
            provider,
        })
    }

    /// `AssumeRole`: credentials of `session`'s role.
    pub(crate) async fn assume_role(
        &self,
        session: &RoleSession,
        external_id: Option<&str>,
    ) -> Result<Credentials, CredentialsError> {
        let request = assume_role::AssumeRoleRequest::builder()
            .role_arn(&session.role_arn)
            .role_session_name(&session.session_name)
            .duration_seconds(i64::from(session.duration_seconds))
            .set_policy(session.policy.clone())
            .set_external_id(external_id.map(str::to_owned))
            .build();
        let response: assume_role::AssumeRoleResponse =
            self.send(&assume_role::OPERATION, request).await?;
        let credentials = response.credentials.unwrap_or_default();
        self.credentials(
            &assume_role::OPERATION,
            TemporaryFields {
                access_key_id: credentials.access_key_id.as_deref(),
                access_key_secret: credentials.access_key_secret.as_deref(),
                security_token: credentials.security_token.as_deref(),
                expiration: credentials.expiration.as_deref(),
            },
        )
    }

    /// `AssumeRoleWithOIDC`. The token travels in the form body, not the URL, where proxies and
    /// servers log it (the STS spec's overlay puts it there).
    pub(crate) async fn assume_role_with_oidc(
        &self,
        session: &RoleSession,
        oidc_provider_arn: &str,
        oidc_token: &str,
    ) -> Result<Credentials, CredentialsError> {
        let request = assume_role_with_oidc::AssumeRoleWithOidcRequest::builder()
            .role_arn(&session.role_arn)
            .role_session_name(&session.session_name)
            .duration_seconds(i64::from(session.duration_seconds))
            .set_policy(session.policy.clone())
            .oidc_provider_arn(oidc_provider_arn)
            .oidc_token(oidc_token)
            .build();
        let response: assume_role_with_oidc::AssumeRoleWithOidcResponse = self
            .send(&assume_role_with_oidc::OPERATION, request)
            .await?;
        let credentials = response.credentials.unwrap_or_default();
        self.credentials(
            &assume_role_with_oidc::OPERATION,
            TemporaryFields {
                access_key_id: credentials.access_key_id.as_deref(),
                access_key_secret: credentials.access_key_secret.as_deref(),
                security_token: credentials.security_token.as_deref(),
                expiration: credentials.expiration.as_deref(),
            },
        )
    }

    /// Sends `request` and decodes its response, refusing one over the size limit whatever the
    /// HTTP client. A decode error quotes nothing of the body: the operations' responses are
    /// marked as carrying secrets.
    async fn send<T: DeserializeOwned>(
        &self,
        operation: &'static Operation,
        request: Result<impl EncodeRequest, acs_runtime::BuildError>,
    ) -> Result<T, CredentialsError> {
        let action = operation.action();
        let failed = |error: acs_runtime::Error| {
            CredentialsError::new(self.provider, format!("STS {action} failed: {error}"))
        };
        let params = request
            .and_then(|request| request.to_params())
            .map_err(|error| failed(acs_runtime::Error::Build(error)))?;
        let response = self
            .client
            .runtime()
            .invoke(CallSpec::from(operation), params, &CallOptions::default())
            .await
            .map_err(failed)?;
        // The default HTTP client stops reading there; another one is held to it here.
        if response.body.len() > MAX_RESPONSE_BYTES {
            return Err(CredentialsError::new(
                self.provider,
                format!("the STS {action} response is larger than {MAX_RESPONSE_BYTES} bytes"),
            ));
        }
        response.decode_as(operation).map_err(|error| {
            CredentialsError::new(
                self.provider,
                format!("the STS {action} response does not decode: {error}"),
            )
        })
    }

    fn credentials(
        &self,
        operation: &Operation,
        fields: TemporaryFields<'_>,
    ) -> Result<Credentials, CredentialsError> {
        let what = format!("the STS {} response's Credentials", operation.action());
        fields.credentials(self.provider, &what)
    }
}

/// The parameters both role calls share, settled when their provider is built.
#[derive(Debug)]
pub(crate) struct RoleSession {
    role_arn: String,
    session_name: String,
    duration_seconds: u32,
    policy: Option<String>,
}

impl RoleSession {
    /// The session name defaults to `ALIBABA_CLOUD_ROLE_SESSION_NAME`, else
    /// `acs-credentials-<unix seconds>`, and the duration to an hour; a duration under STS's
    /// minimum is refused here rather than by STS.
    pub(crate) fn new(
        provider: &'static str,
        env: &Env,
        role_arn: String,
        session_name: Option<String>,
        duration_seconds: Option<u32>,
        policy: Option<String>,
    ) -> Result<Self, CredentialsError> {
        let duration_seconds = match duration_seconds {
            Some(seconds) => check_duration(provider, "the duration", seconds)?,
            None => DEFAULT_DURATION_SECONDS,
        };
        let session_name = session_name
            .filter(|name| !name.is_empty())
            .or_else(|| env.get(ROLE_SESSION_NAME_ENV))
            .unwrap_or_else(default_session_name);
        Ok(RoleSession {
            role_arn,
            session_name,
            duration_seconds,
            policy: policy.filter(|policy| !policy.is_empty()),
        })
    }
}

/// A session name for callers that give none: `acs-credentials-<unix seconds>`, within STS's
/// 2 to 64 characters of letters, digits and `.@-_`.
fn default_session_name() -> String {
    let seconds = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|since| since.as_secs())
        .unwrap_or(0);
    format!("acs-credentials-{seconds}")
}

/// Checks a requested lifetime against STS's minimum.
pub(crate) fn check_duration(
    provider: &'static str,
    setting: &str,
    seconds: u32,
) -> Result<u32, CredentialsError> {
    if seconds < MIN_DURATION_SECONDS {
        return Err(CredentialsError::new(
            provider,
            format!("{setting} must be at least {MIN_DURATION_SECONDS} seconds, not {seconds}"),
        ));
    }
    Ok(seconds)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{FakeHttp, in_one_hour, respond, sts_body};

    /// Where `settings` send STS calls (scheme and host), or why they cannot.
    async fn endpoint(settings: &StsSettings, env: &Env) -> Result<String, String> {
        let http =
            FakeHttp::new(|_| respond(200, sts_body("STS.id", "secret", "token", in_one_hour())));
        let settings = StsSettings {
            http_client: Some(SharedHttpClient::new(http.clone())),
            ..settings.clone()
        };
        let sts = Sts::unsigned(&settings, env, "test").map_err(|e| e.to_string())?;
        let session =
            RoleSession::new("test", env, "acs:ram::1:role/r".into(), None, None, None).unwrap();
        sts.assume_role_with_oidc(&session, "acs:ram::1:oidc-provider/p", "token")
            .await
            .map_err(|e| e.to_string())?;
        let uri = http.requests()[0].uri.clone();
        Ok(format!(
            "{}://{}",
            uri.scheme_str().unwrap(),
            uri.authority().unwrap()
        ))
    }

    #[tokio::test]
    async fn endpoint_precedence() {
        let settings = StsSettings::default();
        let none = Env::fixed(&[]);
        assert_eq!(
            endpoint(&settings, &none).await.unwrap(),
            "https://sts.aliyuncs.com"
        );
        let regional = Env::fixed(&[(STS_REGION_ENV, "cn-shanghai")]);
        assert_eq!(
            endpoint(&settings, &regional).await.unwrap(),
            "https://sts.cn-shanghai.aliyuncs.com"
        );
        let from_env = Env::fixed(&[
            (STS_REGION_ENV, "cn-shanghai"),
            (STS_ENDPOINT_ENV, "http://127.0.0.1:9"),
        ]);
        assert_eq!(
            endpoint(&settings, &from_env).await.unwrap(),
            "http://127.0.0.1:9"
        );
        let given_region = StsSettings {
            region: Some("cn-beijing".into()),
            ..StsSettings::default()
        };
        assert_eq!(
            endpoint(&given_region, &regional).await.unwrap(),
            "https://sts.cn-beijing.aliyuncs.com"
        );
        let explicit = StsSettings {
            endpoint: Some("sts-vpc.cn-beijing.aliyuncs.com".into()),
            ..given_region
        };
        assert_eq!(
            endpoint(&explicit, &from_env).await.unwrap(),
            "https://sts-vpc.cn-beijing.aliyuncs.com"
        );
        // A region is checked as any service's is, not pasted into the host name.
        let error = endpoint(
            &settings,
            &Env::fixed(&[(STS_REGION_ENV, "evil.example/x")]),
        )
        .await
        .unwrap_err();
        assert!(error.contains("is not a region id"), "{error}");
    }

    #[tokio::test]
    async fn vpc_endpoints_are_used_when_asked_for_and_a_region_is_known() {
        let vpc_env = Env::fixed(&[(STS_REGION_ENV, "cn-shanghai"), (VPC_ENDPOINT_ENV, "TRUE")]);
        assert_eq!(
            endpoint(&StsSettings::default(), &vpc_env).await.unwrap(),
            "https://sts-vpc.cn-shanghai.aliyuncs.com"
        );
        let profile_vpc = StsSettings {
            region: Some("cn-beijing".into()),
            vpc: true,
            ..StsSettings::default()
        };
        assert_eq!(
            endpoint(&profile_vpc, &Env::fixed(&[])).await.unwrap(),
            "https://sts-vpc.cn-beijing.aliyuncs.com"
        );
        // Without a region there is no VPC endpoint to go to: the central one, as officially.
        assert_eq!(
            endpoint(
                &StsSettings::default(),
                &Env::fixed(&[(VPC_ENDPOINT_ENV, "true")])
            )
            .await
            .unwrap(),
            "https://sts.aliyuncs.com"
        );
        let bad = Env::fixed(&[(STS_REGION_ENV, "x/../y"), (VPC_ENDPOINT_ENV, "true")]);
        let error = endpoint(&StsSettings::default(), &bad).await.unwrap_err();
        assert!(error.contains("is not a region id"), "{error}");
    }

    #[tokio::test]
    async fn responses_over_a_mebibyte_are_refused_whatever_the_http_client() {
        let padding = "x".repeat(MAX_RESPONSE_BYTES);
        let http = FakeHttp::new(move |_| respond(200, format!(r#"{{"Padding":"{padding}"}}"#)));
        let settings = StsSettings {
            endpoint: Some("http://127.0.0.1:1".into()),
            http_client: Some(SharedHttpClient::new(http)),
            ..StsSettings::default()
        };
        let env = Env::fixed(&[]);
        let sts = Sts::unsigned(&settings, &env, "test").unwrap();
        let session =
            RoleSession::new("test", &env, "acs:ram::1:role/r".into(), None, None, None).unwrap();
        let error = sts
            .assume_role_with_oidc(&session, "acs:ram::1:oidc-provider/p", "token")
            .await
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "test: the STS AssumeRoleWithOIDC response is larger than 1048576 bytes"
        );
    }

    #[test]
    fn session_names_and_durations_default_as_officially() {
        let env = Env::fixed(&[(ROLE_SESSION_NAME_ENV, "from-env")]);
        let session = |name: Option<&str>, env: &Env| {
            RoleSession::new(
                "test",
                env,
                "arn".into(),
                name.map(str::to_string),
                None,
                None,
            )
            .unwrap()
        };
        assert_eq!(session(None, &env).session_name, "from-env");
        assert_eq!(session(Some("given"), &env).session_name, "given");
        let default = session(None, &Env::fixed(&[])).session_name;
        assert!(default.starts_with("acs-credentials-") && default.len() <= 64);
        assert!(
            default
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-.@_".contains(c))
        );
        assert_eq!(session(None, &env).duration_seconds, 3600);
    }

    #[test]
    fn durations_below_the_minimum_are_refused() {
        assert_eq!(check_duration("test", "expired_seconds", 900), Ok(900));
        let error = check_duration("test", "expired_seconds", 60).unwrap_err();
        assert_eq!(
            error.to_string(),
            "test: expired_seconds must be at least 900 seconds, not 60"
        );
    }
}
