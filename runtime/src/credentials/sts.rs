//! STS, the service that hands out temporary credentials: `AssumeRole` (signed with the
//! caller's AccessKey) and `AssumeRoleWithOIDC` (unsigned), sent through this runtime's
//! [`Client`] like any other call, retries included.

use std::time::SystemTime;

use serde_json::Value;

use super::env::Env;
use super::wire::{parse_object, temporary_credentials, wrong_type};
use super::{Credentials, CredentialsError, SharedCredentialsProvider};
use crate::client::{CallSpec, Client, Service};
use crate::config::{CallOptions, Config};
use crate::http::SharedHttpClient;
use crate::operation::Method;
use crate::params::Params;
use crate::request::RequestParams;

/// Sends STS calls to this endpoint (a host or URL) instead of the region's.
pub const STS_ENDPOINT_ENV: &str = "ALIBABA_CLOUD_STS_ENDPOINT";
/// Sends STS calls to `sts.<region>.aliyuncs.com` instead of the central `sts.aliyuncs.com`.
pub const STS_REGION_ENV: &str = "ALIBABA_CLOUD_STS_REGION";

/// How long temporary credentials last unless asked otherwise (one hour).
pub(crate) const DEFAULT_DURATION_SECONDS: u32 = 3600;
/// The shortest lifetime STS grants (15 minutes).
pub(crate) const MIN_DURATION_SECONDS: u32 = 900;

const CENTRAL_ENDPOINT: &str = "sts.aliyuncs.com";

static STS: Service = Service {
    product: "sts",
    api_version: "2015-04-01",
    endpoint_rule: "sts.{region}.aliyuncs.com",
    protocol: "https",
    regional_endpoints: &[],
    sdk_name: "acs-runtime-credentials",
    sdk_version: env!("CARGO_PKG_VERSION"),
};

/// Where STS is and how to reach it; shared by the providers that call it.
#[derive(Clone, Debug, Default)]
pub(crate) struct StsSettings {
    pub(crate) endpoint: Option<String>,
    pub(crate) region: Option<String>,
    pub(crate) http_client: Option<SharedHttpClient>,
}

impl StsSettings {
    /// A client for STS that signs with `signer`'s credentials, at the endpoint given, else
    /// `ALIBABA_CLOUD_STS_ENDPOINT`, else the STS region's (given or `ALIBABA_CLOUD_STS_REGION`,
    /// resolved and checked like any service's region), else the central one.
    pub(crate) fn client(
        &self,
        env: &Env,
        signer: SharedCredentialsProvider,
        provider: &'static str,
    ) -> Result<Client, CredentialsError> {
        let mut builder = Config::builder().credentials_provider(signer);
        let endpoint = self.endpoint.clone().or_else(|| env.get(STS_ENDPOINT_ENV));
        builder = match (
            endpoint,
            self.region.clone().or_else(|| env.get(STS_REGION_ENV)),
        ) {
            (Some(endpoint), _) => builder.endpoint(endpoint),
            (None, Some(region)) => builder.region(region),
            (None, None) => builder.endpoint(CENTRAL_ENDPOINT),
        };
        if let Some(http_client) = &self.http_client {
            builder = builder.http_client(http_client.clone());
        }
        let config = builder.build().map_err(|error| {
            CredentialsError::new(provider, format!("cannot set up the STS client: {error}"))
        })?;
        Ok(Client::new(&STS, config))
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
    /// The session name defaults to `acs-runtime-<unix seconds>` and the duration to an
    /// hour; a duration under STS's minimum is refused here rather than by STS.
    pub(crate) fn new(
        provider: &'static str,
        role_arn: String,
        session_name: Option<String>,
        duration_seconds: Option<u32>,
        policy: Option<String>,
    ) -> Result<Self, CredentialsError> {
        let duration_seconds = match duration_seconds {
            Some(seconds) => check_duration(provider, "the duration", seconds)?,
            None => DEFAULT_DURATION_SECONDS,
        };
        Ok(RoleSession {
            role_arn,
            session_name: session_name.unwrap_or_else(default_session_name),
            duration_seconds,
            policy,
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

/// `AssumeRole`, signed with the client's credentials.
pub(crate) async fn assume_role(
    client: &Client,
    session: &RoleSession,
    external_id: Option<&str>,
    provider: &'static str,
) -> Result<Credentials, CredentialsError> {
    let mut query = session.params();
    if let Some(external_id) = external_id {
        query.insert("ExternalId", external_id);
    }
    send(
        client,
        "AssumeRole",
        RequestParams {
            query,
            ..RequestParams::default()
        },
        provider,
    )
    .await
}

/// `AssumeRoleWithOIDC`, with a client whose credentials are anonymous. The token travels in
/// the form body, not the URL, where proxies and servers log it.
pub(crate) async fn assume_role_with_oidc(
    client: &Client,
    session: &RoleSession,
    oidc_provider_arn: &str,
    oidc_token: &str,
    provider: &'static str,
) -> Result<Credentials, CredentialsError> {
    let mut query = session.params();
    query.insert("OIDCProviderArn", oidc_provider_arn);
    let mut form = Params::new();
    form.insert("OIDCToken", oidc_token);
    send(
        client,
        "AssumeRoleWithOIDC",
        RequestParams {
            query,
            form,
            ..RequestParams::default()
        },
        provider,
    )
    .await
}

async fn send(
    client: &Client,
    action: &'static str,
    params: RequestParams,
    provider: &'static str,
) -> Result<Credentials, CredentialsError> {
    let call = CallSpec {
        action,
        method: Method::Post,
        path: "/",
        idempotency_token: None,
    };
    // `invoke`, not `call`: a body that fails to decode must not be quoted in the error.
    let response = client
        .invoke(call, params, &CallOptions::default())
        .await
        .map_err(|error| {
            CredentialsError::new(provider, format!("STS {action} failed: {error}"))
        })?;

    let what = format!("the STS {action} response");
    let error = |reason: String| CredentialsError::new(provider, format!("{what} {reason}"));
    let body = parse_object(&response.body).map_err(error)?;
    match body.get("Credentials") {
        Some(Value::Object(credentials)) => {
            temporary_credentials(credentials, provider, &format!("{what}'s Credentials"))
        }
        None | Some(Value::Null) => Err(error("has no Credentials".to_string())),
        Some(_) => Err(error(wrong_type("Credentials", "an object"))),
    }
}

/// A session name for callers that give none: `acs-runtime-<unix seconds>`, within STS's
/// 2 to 64 characters of letters, digits and `.@-_`.
pub(crate) fn default_session_name() -> String {
    let seconds = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|since| since.as_secs())
        .unwrap_or(0);
    format!("acs-runtime-{seconds}")
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

    /// Where `settings` send STS calls: the signed request's scheme and host, or the error.
    fn endpoint(settings: &StsSettings, env: &Env) -> Result<String, String> {
        let anyone = SharedCredentialsProvider::new(crate::credentials::StaticProvider::new(
            Credentials::new("id", "secret", "test"),
        ));
        let client = settings
            .client(env, anyone, "test")
            .map_err(|e| e.to_string())?;
        let call = crate::client::CallSpec {
            action: "AssumeRole",
            method: crate::operation::Method::Post,
            path: "/",
            idempotency_token: None,
        };
        let signed = client
            .prepare(
                call,
                &Default::default(),
                &Credentials::new("id", "secret", "test"),
                std::time::SystemTime::now(),
            )
            .map_err(|e| e.to_string())?;
        let uri = signed.request.uri();
        Ok(format!(
            "{}://{}",
            uri.scheme_str().unwrap(),
            uri.authority().unwrap()
        ))
    }

    #[test]
    fn endpoint_precedence() {
        let settings = StsSettings::default();
        assert_eq!(
            endpoint(&settings, &Env::fixed(&[])).unwrap(),
            "https://sts.aliyuncs.com"
        );
        assert_eq!(
            endpoint(&settings, &Env::fixed(&[(STS_REGION_ENV, "cn-shanghai")])).unwrap(),
            "https://sts.cn-shanghai.aliyuncs.com"
        );
        let from_env = Env::fixed(&[
            (STS_REGION_ENV, "cn-shanghai"),
            (STS_ENDPOINT_ENV, "http://127.0.0.1:9"),
        ]);
        assert_eq!(
            endpoint(&settings, &from_env).unwrap(),
            "http://127.0.0.1:9"
        );
        let regional = StsSettings {
            region: Some("cn-beijing".into()),
            ..StsSettings::default()
        };
        assert_eq!(
            endpoint(&regional, &Env::fixed(&[(STS_REGION_ENV, "cn-shanghai")])).unwrap(),
            "https://sts.cn-beijing.aliyuncs.com"
        );
        let explicit = StsSettings {
            endpoint: Some("sts-vpc.cn-beijing.aliyuncs.com".into()),
            ..regional
        };
        assert_eq!(
            endpoint(&explicit, &from_env).unwrap(),
            "https://sts-vpc.cn-beijing.aliyuncs.com"
        );
        // A region is checked as any service's is, not pasted into the host name.
        let error = endpoint(
            &settings,
            &Env::fixed(&[(STS_REGION_ENV, "evil.example/x")]),
        )
        .unwrap_err();
        assert!(error.contains("is not a region id"), "{error}");
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

    #[test]
    fn default_session_names_are_valid() {
        let name = default_session_name();
        assert!(name.starts_with("acs-runtime-") && name.len() <= 64);
        assert!(
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-.@_".contains(c))
        );
    }
}
