//! STS, the service that hands out temporary credentials, and the one place this crate builds
//! STS requests: `AssumeRole` (signed with the caller's credentials) and `AssumeRoleWithOIDC`
//! (unsigned), behind [`Sts`].
//!
//! The requests are built by hand and sent through acs-runtime's generic
//! [`Client::invoke`], retries included. When the generated STS client (`alibabacloud-sts`)
//! exists, this module alone changes: [`Sts`] wraps that client instead, and the providers,
//! which see only [`Sts`], [`StsSettings`] and [`RoleSession`], stay as they are.

use std::time::SystemTime;

use acs_runtime::http::SharedHttpClient;
use acs_runtime::{
    CallOptions, CallSpec, Client, Config, Method, Operation, Params, RequestParams, Service,
};
use serde_json::Value;

use crate::env::Env;
use crate::wire::{MAX_RESPONSE_BYTES, parse_object, temporary_credentials, wrong_type};
use crate::{Credentials, CredentialsError, SharedCredentialsProvider, StaticProvider};

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

static SERVICE: Service = Service {
    product: "sts",
    api_version: "2015-04-01",
    endpoint_rule: "sts.{region}.aliyuncs.com",
    protocol: "https",
    regional_endpoints: &[],
    sdk_name: "acs-credentials",
    sdk_version: env!("CARGO_PKG_VERSION"),
};

/// Sending either call twice only mints a second session, so both may be retried after any
/// transient failure, as read-only operations are.
static ASSUME_ROLE: Operation = Operation::new("AssumeRole", Method::Post).read_only();
static ASSUME_ROLE_WITH_OIDC: Operation =
    Operation::new("AssumeRoleWithOIDC", Method::Post).read_only();

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
            match acs_runtime::endpoint::resolve(&SERVICE, Some(&region), None) {
                Ok(_) => builder.endpoint(format!("sts-vpc.{region}.aliyuncs.com")),
                Err(_) => builder.region(region),
            }
        } else {
            builder.region(region)
        }
    }
}

/// STS as the providers use it: a client for the endpoint the settings name, signing with the
/// given credentials.
#[derive(Debug)]
pub(crate) struct Sts {
    client: Client,
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
        let mut builder = settings.configure(env, Config::builder().credentials_provider(signer));
        builder = match &settings.http_client {
            Some(http_client) => builder.http_client(http_client.clone()),
            None => builder.max_response_bytes(MAX_RESPONSE_BYTES),
        };
        let config = builder.build().map_err(|error| {
            CredentialsError::new(provider, format!("cannot set up the STS client: {error}"))
        })?;
        Ok(Sts {
            client: Client::new(&SERVICE, config),
            provider,
        })
    }

    /// For `AssumeRoleWithOIDC`, which the OIDC token authenticates: no signature.
    pub(crate) fn unsigned(
        settings: &StsSettings,
        env: &Env,
        provider: &'static str,
    ) -> Result<Self, CredentialsError> {
        let anonymous = StaticProvider::new(Credentials::anonymous());
        Self::new(
            settings,
            env,
            SharedCredentialsProvider::new(anonymous),
            provider,
        )
    }

    /// `AssumeRole`: credentials of `session`'s role.
    pub(crate) async fn assume_role(
        &self,
        session: &RoleSession,
        external_id: Option<&str>,
    ) -> Result<Credentials, CredentialsError> {
        let mut query = session.params();
        if let Some(external_id) = external_id {
            query.insert("ExternalId", external_id);
        }
        let params = RequestParams {
            query,
            ..RequestParams::default()
        };
        self.send(&ASSUME_ROLE, params).await
    }

    /// `AssumeRoleWithOIDC`. The token travels in the form body, not the URL, where proxies and
    /// servers log it.
    pub(crate) async fn assume_role_with_oidc(
        &self,
        session: &RoleSession,
        oidc_provider_arn: &str,
        oidc_token: &str,
    ) -> Result<Credentials, CredentialsError> {
        let mut query = session.params();
        query.insert("OIDCProviderArn", oidc_provider_arn);
        let mut form = Params::new();
        form.insert("OIDCToken", oidc_token);
        let params = RequestParams {
            query,
            form,
            ..RequestParams::default()
        };
        self.send(&ASSUME_ROLE_WITH_OIDC, params).await
    }

    async fn send(
        &self,
        operation: &'static Operation,
        params: RequestParams,
    ) -> Result<Credentials, CredentialsError> {
        let action = operation.action();
        // `invoke`, not `call`: a body that fails to decode must not be quoted in the error.
        let response = self
            .client
            .invoke(CallSpec::from(operation), params, &CallOptions::default())
            .await
            .map_err(|error| {
                CredentialsError::new(self.provider, format!("STS {action} failed: {error}"))
            })?;
        let what = format!("the STS {action} response");
        let error =
            |reason: String| CredentialsError::new(self.provider, format!("{what} {reason}"));
        // The default HTTP client stops reading there; another one is held to it here.
        if response.body.len() > MAX_RESPONSE_BYTES {
            return Err(error(format!("is larger than {MAX_RESPONSE_BYTES} bytes")));
        }
        let body = parse_object(&response.body).map_err(error)?;
        match body.get("Credentials") {
            Some(Value::Object(credentials)) => {
                temporary_credentials(credentials, self.provider, &format!("{what}'s Credentials"))
            }
            None | Some(Value::Null) => Err(error("has no Credentials".to_string())),
            Some(_) => Err(error(wrong_type("Credentials", "an object"))),
        }
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

    fn params(&self) -> Params {
        let mut params = Params::new();
        params.insert("RoleArn", self.role_arn.as_str());
        params.insert("RoleSessionName", self.session_name.as_str());
        params.insert("DurationSeconds", self.duration_seconds.to_string());
        if let Some(policy) = &self.policy {
            params.insert("Policy", policy.as_str());
        }
        params
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
        sts.assume_role(&session, None)
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
        let error = sts.assume_role(&session, None).await.unwrap_err();
        assert_eq!(
            error.to_string(),
            "test: the STS AssumeRole response is larger than 1048576 bytes"
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
