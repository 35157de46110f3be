use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};

use super::ecs_ram_role::{self, EcsRamRoleProvider};
use super::environment::EnvironmentProvider;
use super::oidc::OidcRoleProvider;
use super::profile::{ProfileProvider, ProfileProviderBuilder};
use super::sts::StsSettings;
use super::{CredentialsError, ProvideCredentials, ProvideFuture, SharedCredentialsProvider};
use crate::http::HttpClient;

const PROVIDER: &str = "default chain";

/// Credentials from the first configured source, in the order of Alibaba Cloud's own
/// credential libraries (see [the module](super) for each source's variables):
///
/// 1. the environment (`ALIBABA_CLOUD_ACCESS_KEY_ID`, …);
/// 2. an OIDC role (`ALIBABA_CLOUD_ROLE_ARN`, `ALIBABA_CLOUD_OIDC_PROVIDER_ARN`,
///    `ALIBABA_CLOUD_OIDC_TOKEN_FILE`);
/// 3. a profile of the Alibaba Cloud CLI's `~/.aliyun/config.json`;
/// 4. the ECS instance's RAM role, from the instance metadata service.
///
/// The first source that is configured is used, and its errors are reported as they are (a
/// half-configured source is a mistake to show, not to skip). The source that first yields
/// credentials is kept for the chain's life, with the cache of its temporary credentials; a
/// source that fails is looked for again at the next call.
#[derive(Debug)]
pub struct DefaultChain {
    settings: ProfileProviderBuilder,
    selected: Mutex<Option<Selected>>,
}

#[derive(Clone, Debug)]
struct Selected {
    source: Source,
    provider: SharedCredentialsProvider,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    Environment,
    OidcRole,
    CliProfile,
    EcsRamRole,
}

impl Default for DefaultChain {
    fn default() -> Self {
        Self::new()
    }
}

impl DefaultChain {
    pub fn new() -> Self {
        Self::builder().build()
    }

    pub fn builder() -> DefaultChainBuilder {
        DefaultChainBuilder::default()
    }

    /// The source to use now: the one kept, else the first configured.
    fn selected(&self) -> Result<Selected, CredentialsError> {
        let mut selected = self.selected.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(kept) = selected.as_ref() {
            return Ok(kept.clone());
        }
        let chosen = self.select()?;
        tracing::debug!(source = ?chosen.source, "credentials source selected");
        *selected = Some(chosen.clone());
        Ok(chosen)
    }

    fn select(&self) -> Result<Selected, CredentialsError> {
        let settings = &self.settings;
        let env = &settings.env;
        let environment = EnvironmentProvider::with_env(env.clone());
        if environment.is_configured() {
            return Ok(Selected {
                source: Source::Environment,
                provider: SharedCredentialsProvider::new(environment),
            });
        }
        if OidcRoleProvider::is_configured(env) {
            let sts = StsSettings {
                endpoint: settings.sts_endpoint.clone(),
                region: None,
                http_client: settings.http_client.clone(),
            };
            let provider = OidcRoleProvider::from_env_with(env.clone(), sts)?;
            return Ok(Selected {
                source: Source::OidcRole,
                provider: SharedCredentialsProvider::new(provider),
            });
        }
        if ProfileProvider::is_configured(env, settings.config_file.as_deref()) {
            let provider = settings.clone().build()?;
            return Ok(Selected {
                source: Source::CliProfile,
                provider: SharedCredentialsProvider::new(provider),
            });
        }
        if env.is_true(ecs_ram_role::METADATA_DISABLED_ENV) {
            return Err(CredentialsError::new(
                PROVIDER,
                format!(
                    "no credentials found: {NOT_CONFIGURED}, and the ECS metadata service is not asked \
                     ({}=true)",
                    ecs_ram_role::METADATA_DISABLED_ENV
                ),
            ));
        }
        let mut builder = EcsRamRoleProvider::builder()
            .http_client_shared(settings.http_client.clone())
            .env(env.clone());
        if let Some(endpoint) = &settings.imds_endpoint {
            builder = builder.endpoint(endpoint.clone());
        }
        let provider = builder.build()?;
        Ok(Selected {
            source: Source::EcsRamRole,
            provider: SharedCredentialsProvider::new(provider),
        })
    }

    /// Forgets a source that failed, so the next call looks again (the environment may have
    /// been fixed meanwhile).
    fn forget(&self, failed: &Selected) {
        let mut selected = self.selected.lock().unwrap_or_else(PoisonError::into_inner);
        if selected
            .as_ref()
            .is_some_and(|kept| kept.provider.ptr_eq(&failed.provider))
        {
            *selected = None;
        }
    }
}

/// What the chain looked for before the metadata service, for errors.
const NOT_CONFIGURED: &str = concat!(
    "the environment has no ALIBABA_CLOUD_ACCESS_KEY_ID, no OIDC role is set (ALIBABA_CLOUD_ROLE_ARN, ",
    "ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE), no CLI profile exists (~/.aliyun/config.json; ",
    "`aliyun configure` creates it)"
);

impl ProvideCredentials for DefaultChain {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            let selected = self.selected()?;
            match selected.provider.provide_credentials().await {
                Ok(credentials) => Ok(credentials),
                Err(error) => {
                    self.forget(&selected);
                    match selected.source {
                        // Reached only because nothing else is configured: say so.
                        Source::EcsRamRole => Err(CredentialsError::new(
                            PROVIDER,
                            format!("no credentials found: {NOT_CONFIGURED}, and {error}"),
                        )),
                        _ => Err(error),
                    }
                }
            }
        })
    }
}

/// Settings of the sources the chain may use; tests point them at local servers.
#[derive(Clone, Debug, Default)]
pub struct DefaultChainBuilder {
    /// The profile source's settings are all the chain has; the profile's name comes from
    /// the environment or the file.
    profile: ProfileProviderBuilder,
}

impl DefaultChainBuilder {
    /// The CLI config file to read instead of `ALIBABA_CLOUD_CONFIG_FILE` or
    /// `~/.aliyun/config.json`; naming one makes the profile source configured.
    pub fn config_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.profile = self.profile.config_file(path);
        self
    }

    /// Where STS calls go (a host or URL), instead of `ALIBABA_CLOUD_STS_ENDPOINT` or the
    /// STS region's endpoint.
    pub fn sts_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.profile = self.profile.sts_endpoint(endpoint);
        self
    }

    /// The instance metadata service's URL instead of `http://100.100.100.200`.
    pub fn imds_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.profile = self.profile.imds_endpoint(endpoint);
        self
    }

    /// The HTTP client for STS and the metadata service.
    pub fn http_client(mut self, client: impl HttpClient + 'static) -> Self {
        self.profile = self.profile.http_client(client);
        self
    }

    #[cfg(test)]
    pub(crate) fn env(mut self, env: super::env::Env) -> Self {
        self.profile = self.profile.env(env);
        self
    }

    pub fn build(self) -> DefaultChain {
        DefaultChain {
            settings: self.profile,
            selected: Mutex::new(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::env::Env;
    use crate::credentials::test_support::{
        FakeHttp, TempDir, credentials_json, in_one_hour, respond, sts_body,
    };

    const STS_AT: &str = "127.0.0.1:1";
    const IMDS_AT: &str = "127.0.0.1:2";

    const AK_PROFILE: &str = r#"{"current": "default", "profiles": [{"name": "default", "mode": "AK",
        "access_key_id": "LTAIprofile", "access_key_secret": "profile-secret", "region_id": "cn-hangzhou"}]}"#;

    const ROLE_PROFILE: &str = r#"{"current": "default", "profiles": [{"name": "default", "mode": "RamRoleArn",
        "access_key_id": "LTAIsource", "access_key_secret": "source-secret", "ram_role_arn": "acs:ram::1:role/r"}]}"#;

    /// STS at `STS_AT` and a metadata service with role `worker` at `IMDS_AT`.
    fn cloud() -> FakeHttp {
        FakeHttp::new(
            |request| match (request.uri.authority().unwrap().as_str(), request.path()) {
                (STS_AT, _) => respond(
                    200,
                    sts_body(
                        "STS.assumed",
                        "assumed-secret",
                        "assumed-token",
                        in_one_hour(),
                    ),
                ),
                (IMDS_AT, "/latest/api/token") => respond(200, "metadata-token"),
                (IMDS_AT, "/latest/meta-data/ram/security-credentials/") => respond(200, "worker"),
                (IMDS_AT, "/latest/meta-data/ram/security-credentials/worker") => {
                    let mut body =
                        credentials_json("STS.ecs", "ecs-secret", "ecs-token", in_one_hour());
                    body["Code"] = "Success".into();
                    respond(200, body.to_string())
                }
                _ => respond(404, "Not Found"),
            },
        )
    }

    fn chain(http: &FakeHttp, env: &[(&str, &str)]) -> DefaultChain {
        DefaultChain::builder()
            .sts_endpoint(format!("http://{STS_AT}"))
            .imds_endpoint(format!("http://{IMDS_AT}"))
            .http_client(http.clone())
            .env(Env::fixed(env))
            .build()
    }

    /// A home directory, with a CLI config file if `config` is given.
    fn home(config: Option<&str>) -> TempDir {
        let dir = TempDir::new();
        if let Some(config) = config {
            dir.write(".aliyun/config.json", config);
        }
        dir
    }

    fn hosts(http: &FakeHttp) -> Vec<String> {
        http.requests()
            .iter()
            .map(|request| request.uri.authority().unwrap().to_string())
            .collect()
    }

    async fn key_id(chain: &DefaultChain) -> String {
        chain
            .provide_credentials()
            .await
            .unwrap()
            .access_key_id()
            .to_string()
    }

    #[tokio::test]
    async fn each_source_beats_the_ones_after_it() {
        let profile_home = home(Some(AK_PROFILE));
        let home_dir = profile_home.path().to_str().unwrap();
        let token_file = profile_home.write("token", "oidc-token");
        let environment = [
            ("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIenv"),
            ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-secret"),
        ];
        let oidc = [
            ("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::1:role/pod"),
            (
                "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
                "acs:ram::1:oidc-provider/ack",
            ),
            (
                "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
                token_file.to_str().unwrap(),
            ),
        ];
        let everything: Vec<_> = environment
            .iter()
            .chain(&oidc)
            .copied()
            .chain([("HOME", home_dir)])
            .collect();

        let http = cloud();
        assert_eq!(key_id(&chain(&http, &everything)).await, "LTAIenv");
        assert!(http.requests().is_empty());

        let http = cloud();
        let without_environment: Vec<_> =
            oidc.iter().copied().chain([("HOME", home_dir)]).collect();
        assert_eq!(
            key_id(&chain(&http, &without_environment)).await,
            "STS.assumed"
        );
        assert_eq!(
            http.requests()[0].header("x-acs-action"),
            Some("AssumeRoleWithOIDC")
        );

        let http = cloud();
        assert_eq!(
            key_id(&chain(&http, &[("HOME", home_dir)])).await,
            "LTAIprofile"
        );
        assert!(http.requests().is_empty());

        let http = cloud();
        let empty_home = home(None);
        assert_eq!(
            key_id(&chain(
                &http,
                &[("HOME", empty_home.path().to_str().unwrap())]
            ))
            .await,
            "STS.ecs"
        );
        assert_eq!(hosts(&http), [IMDS_AT; 3]);
    }

    #[tokio::test]
    async fn a_half_configured_source_is_reported_not_skipped() {
        let profile_home = home(Some(AK_PROFILE));
        let home_dir = profile_home.path().to_str().unwrap();
        let http = cloud();

        let error = chain(
            &http,
            &[
                ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-secret"),
                ("HOME", home_dir),
            ],
        )
        .provide_credentials()
        .await
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "environment: ALIBABA_CLOUD_ACCESS_KEY_ID is not set"
        );

        let error = chain(
            &http,
            &[
                ("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::1:role/pod"),
                ("HOME", home_dir),
            ],
        )
        .provide_credentials()
        .await
        .unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("oidc role: ALIBABA_CLOUD_OIDC_PROVIDER_ARN and"),
            "{error}"
        );

        let broken_home = home(Some("{\"profiles\": ["));
        let error = chain(&http, &[("HOME", broken_home.path().to_str().unwrap())])
            .provide_credentials()
            .await
            .unwrap_err();
        assert!(
            error.to_string().contains("config.json ends too early"),
            "{error}"
        );

        let error = chain(
            &http,
            &[("HOME", home_dir), ("ALIBABA_CLOUD_PROFILE", "prod")],
        )
        .provide_credentials()
        .await
        .unwrap_err();
        assert!(
            error.to_string().contains("profile \"prod\" is not in"),
            "{error}"
        );

        // A named config file that does not exist is an error too, not a reason to go on.
        let error = chain(
            &http,
            &[("ALIBABA_CLOUD_CONFIG_FILE", "/nonexistent/config.json")],
        )
        .provide_credentials()
        .await
        .unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("cli profile: cannot read /nonexistent/config.json"),
            "{error}"
        );
        assert!(
            http.requests().is_empty(),
            "no source after the broken one was asked"
        );
    }

    #[tokio::test]
    async fn switches_turn_sources_off() {
        let profile_home = home(Some(AK_PROFILE));
        let home_dir = profile_home.path().to_str().unwrap();
        let http = cloud();
        let skipped = chain(
            &http,
            &[
                ("HOME", home_dir),
                ("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true"),
            ],
        );
        assert_eq!(key_id(&skipped).await, "STS.ecs");

        let nothing = chain(
            &http,
            &[
                ("HOME", home_dir),
                ("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true"),
                ("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "TRUE"),
            ],
        );
        let error = nothing.provide_credentials().await.unwrap_err().to_string();
        assert!(error.starts_with("default chain: no credentials found: the environment has no ALIBABA_CLOUD_ACCESS_KEY_ID"));
        assert!(error.ends_with(
            "and the ECS metadata service is not asked (ALIBABA_CLOUD_ECS_METADATA_DISABLED=true)"
        ));
    }

    #[tokio::test]
    async fn when_the_metadata_service_fails_the_error_says_what_was_looked_for() {
        let http = FakeHttp::new(|_| respond(404, "Not Found"));
        let empty_home = home(None);
        let error = chain(&http, &[("HOME", empty_home.path().to_str().unwrap())])
            .provide_credentials()
            .await
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("default chain: no credentials found: the environment has no"),
            "{error}"
        );
        assert!(
            error.ends_with("and ecs ram role: no RAM role is attached to this instance"),
            "{error}"
        );
    }

    #[tokio::test]
    async fn the_source_that_worked_is_kept_with_its_cache_and_a_failed_one_looked_for_again() {
        let dir = home(Some("not json"));
        let config_file = dir.path().join(".aliyun/config.json");
        let http = cloud();
        let chain = DefaultChain::builder()
            .config_file(&config_file)
            .sts_endpoint(format!("http://{STS_AT}"))
            .http_client(http.clone())
            .env(Env::fixed(&[]))
            .build();
        assert!(chain.provide_credentials().await.is_err());

        dir.write(".aliyun/config.json", ROLE_PROFILE);
        assert_eq!(key_id(&chain).await, "STS.assumed");
        assert_eq!(key_id(&chain).await, "STS.assumed");
        assert_eq!(hosts(&http), [STS_AT], "one AssumeRole for both calls");
        http.requests()[0]
            .verify_signature("LTAIsource", "source-secret")
            .unwrap();

        let shown = format!("{chain:?}");
        assert!(
            !shown.contains("source-secret") && !shown.contains("assumed-secret"),
            "{shown}"
        );
    }
}
