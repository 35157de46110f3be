//! The default chain: every source in the official order, the first that yields credentials
//! kept.

use std::fmt;
use std::path::PathBuf;

use acs_runtime::http::{HttpClient, SharedHttpClient};

use crate::environment::EnvironmentProvider;
use crate::oidc::OidcRoleProvider;
use crate::settings::SourceSettings;
use crate::sts::StsSettings;
use crate::uri::CREDENTIALS_URI_ENV;
use crate::{
    Credentials, CredentialsError, ProvideCredentials, ProvideFuture, SharedCredentialsProvider,
    ini, profile,
};

const PROVIDER: &str = "default chain";

/// Credentials from the first source that yields them, in the order of Alibaba Cloud's
/// official credential libraries (see [the crate documentation](crate) for each source):
///
/// 1. the environment (`ALIBABA_CLOUD_ACCESS_KEY_ID`, …);
/// 2. an OIDC role, when `ALIBABA_CLOUD_ROLE_ARN`, `ALIBABA_CLOUD_OIDC_PROVIDER_ARN` and
///    `ALIBABA_CLOUD_OIDC_TOKEN_FILE` are all set;
/// 3. a profile of the Alibaba Cloud CLI's `~/.aliyun/config.json`;
/// 4. a section of the credentials file `~/.alibabacloud/credentials`;
/// 5. the ECS instance's RAM role, from the instance metadata service;
/// 6. `ALIBABA_CLOUD_CREDENTIALS_URI`, when set.
///
/// A source that is absent, incomplete or fails is passed over, as the official chain passes
/// over it; when none yields credentials, the error lists what each one said. The source that
/// first yields credentials is kept, with the cache of its temporary credentials, for the
/// chain's life: later failures of that source are its own errors, as officially. One caller
/// walks the chain while others wait for its result.
pub struct DefaultChain {
    settings: SourceSettings,
    config_file: Option<PathBuf>,
    credentials_file: Option<PathBuf>,
    selected: tokio::sync::Mutex<Option<Selected>>,
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
    CredentialsFile,
    EcsRamRole,
    CredentialsUri,
}

const SOURCES: [Source; 6] = [
    Source::Environment,
    Source::OidcRole,
    Source::CliProfile,
    Source::CredentialsFile,
    Source::EcsRamRole,
    Source::CredentialsUri,
];

/// Names the source selected, if any; never what it holds.
impl fmt::Debug for DefaultChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let selected = self
            .selected
            .try_lock()
            .map(|selected| selected.as_ref().map(|selected| selected.source));
        f.debug_struct("DefaultChain")
            .field("selected", &selected.ok().flatten())
            .finish_non_exhaustive()
    }
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

    /// The provider of `source`, or why it is passed over.
    async fn provider(
        &self,
        source: Source,
    ) -> Result<SharedCredentialsProvider, CredentialsError> {
        let settings = &self.settings;
        let env = &settings.env;
        match source {
            Source::Environment => Ok(SharedCredentialsProvider::new(
                EnvironmentProvider::with_env(env.clone()),
            )),
            Source::OidcRole => {
                let sts = StsSettings {
                    endpoint: settings.sts_endpoint.clone(),
                    http_client: settings.http_client.clone(),
                    ..StsSettings::default()
                };
                OidcRoleProvider::from_env_with(env.clone(), sts)
                    .map(SharedCredentialsProvider::new)
            }
            Source::CliProfile => profile::chain_source(settings, self.config_file.as_ref()).await,
            Source::CredentialsFile => {
                ini::chain_source(settings, self.credentials_file.as_ref()).await
            }
            Source::EcsRamRole => settings.ecs_ram_role(None),
            Source::CredentialsUri if env.get(CREDENTIALS_URI_ENV).is_none() => {
                Err(CredentialsError::new(
                    "credentials uri",
                    format!("{CREDENTIALS_URI_ENV} is not set"),
                ))
            }
            Source::CredentialsUri => settings.credentials_uri(None),
        }
    }

    /// Asks each source in turn; the first to yield credentials is kept.
    async fn resolve(&self) -> Result<Credentials, CredentialsError> {
        let mut selected = self.selected.lock().await;
        if let Some(kept) = selected.clone() {
            drop(selected);
            return kept.provider.provide_credentials().await;
        }
        let mut said = Vec::with_capacity(SOURCES.len());
        for source in SOURCES {
            let provider = match self.provider(source).await {
                Ok(provider) => provider,
                Err(passed_over) => {
                    said.push(passed_over.to_string());
                    continue;
                }
            };
            match provider.provide_credentials().await {
                Ok(credentials) => {
                    tracing::debug!(?source, "credentials source selected");
                    *selected = Some(Selected { source, provider });
                    return Ok(credentials);
                }
                Err(failed) => said.push(failed.to_string()),
            }
        }
        Err(CredentialsError::new(
            PROVIDER,
            format!("no credentials found; {}", said.join("; ")),
        ))
    }
}

impl ProvideCredentials for DefaultChain {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(self.resolve())
    }
}

/// Settings of the sources the chain may use; tests point them at local servers.
#[derive(Clone, Debug, Default)]
pub struct DefaultChainBuilder {
    settings: SourceSettings,
    config_file: Option<PathBuf>,
    credentials_file: Option<PathBuf>,
}

impl DefaultChainBuilder {
    /// The CLI config file to read instead of `ALIBABA_CLOUD_CONFIG_FILE` or
    /// `~/.aliyun/config.json`.
    pub fn config_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.config_file = Some(path.into());
        self
    }

    /// The credentials file to read instead of `ALIBABA_CLOUD_CREDENTIALS_FILE` or
    /// `~/.alibabacloud/credentials`.
    pub fn credentials_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.credentials_file = Some(path.into());
        self
    }

    /// Where STS calls go (a host or URL), instead of `ALIBABA_CLOUD_STS_ENDPOINT` or the
    /// STS region's endpoint.
    pub fn sts_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.settings.sts_endpoint = Some(endpoint.into());
        self
    }

    /// The instance metadata service's URL instead of `http://100.100.100.200`.
    pub fn imds_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.settings.imds_endpoint = Some(endpoint.into());
        self
    }

    /// The HTTP client for STS, the metadata service and credentials URIs.
    pub fn http_client(mut self, client: impl HttpClient + 'static) -> Self {
        self.settings.http_client = Some(SharedHttpClient::new(client));
        self
    }

    #[cfg(test)]
    pub(crate) fn env(mut self, env: crate::env::Env) -> Self {
        self.settings.env = env;
        self
    }

    pub fn build(self) -> DefaultChain {
        DefaultChain {
            settings: self.settings,
            config_file: self.config_file,
            credentials_file: self.credentials_file,
            selected: tokio::sync::Mutex::new(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::Env;
    use crate::test_support::{
        FakeHttp, TempDir, credentials_json, in_one_hour, metadata_service, respond, sts_body,
    };

    const STS_AT: &str = "127.0.0.1:1";
    const IMDS_AT: &str = "127.0.0.1:2";
    const URI_AT: &str = "127.0.0.1:3";

    const AK_PROFILE: &str = r#"{"current": "default", "profiles": [{"name": "default", "mode": "AK",
        "access_key_id": "LTAIprofile", "access_key_secret": "profile-secret", "region_id": "cn-hangzhou"}]}"#;

    const SSO_PROFILE: &str =
        r#"{"current": "sso", "profiles": [{"name": "sso", "mode": "CloudSSO"}]}"#;

    const ROLE_PROFILE: &str = r#"{"current": "default", "profiles": [{"name": "default", "mode": "RamRoleArn",
        "access_key_id": "LTAIsource", "access_key_secret": "source-secret", "ram_role_arn": "acs:ram::1:role/r"}]}"#;

    const INI: &str =
        "[default]\ntype = access_key\naccess_key_id = LTAIini\naccess_key_secret = ini-secret\n";

    /// STS at `STS_AT`, a metadata service with role `worker` at `IMDS_AT` (or none, when
    /// `imds` is false), and a credentials URI at `URI_AT`.
    fn cloud(imds: bool) -> FakeHttp {
        FakeHttp::new(move |request| {
            match (request.uri.authority().unwrap().as_str(), request.path()) {
                (STS_AT, _) => respond(
                    200,
                    sts_body(
                        "STS.assumed",
                        "assumed-secret",
                        "assumed-token",
                        in_one_hour(),
                    ),
                ),
                (IMDS_AT, _) if !imds => Err(acs_runtime::http::HttpError::new(
                    acs_runtime::http::HttpErrorKind::Connect,
                    "no route to host",
                )),
                (IMDS_AT, _) => {
                    let (status, body) = metadata_service(request, true);
                    respond(status, body)
                }
                (URI_AT, _) => respond(
                    200,
                    credentials_json("STS.uri", "uri-secret", "uri-token", in_one_hour())
                        .to_string(),
                ),
                _ => respond(404, "Not Found"),
            }
        })
    }

    fn chain(http: &FakeHttp, env: &[(&str, &str)]) -> DefaultChain {
        DefaultChain::builder()
            .sts_endpoint(format!("http://{STS_AT}"))
            .imds_endpoint(format!("http://{IMDS_AT}"))
            .http_client(http.clone())
            .env(Env::fixed(env))
            .build()
    }

    /// A home directory, with a CLI config file and a credentials file if given.
    fn home(config: Option<&str>, ini: Option<&str>) -> TempDir {
        let dir = TempDir::new();
        if let Some(config) = config {
            dir.write(".aliyun/config.json", config);
        }
        if let Some(ini) = ini {
            dir.write(".alibabacloud/credentials", ini);
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
        let full_home = home(Some(AK_PROFILE), Some(INI));
        let home_dir = full_home.path().to_str().unwrap();
        let token_file = full_home.write("token", "oidc-token");
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
        let uri = format!("http://{URI_AT}/credentials");
        let uri = [("ALIBABA_CLOUD_CREDENTIALS_URI", uri.as_str())];
        let mut env: Vec<(&str, &str)> = environment
            .iter()
            .chain(&oidc)
            .chain(&uri)
            .copied()
            .chain([("HOME", home_dir)])
            .collect();

        let http = cloud(true);
        assert_eq!(key_id(&chain(&http, &env)).await, "LTAIenv");
        assert!(http.requests().is_empty());

        env.retain(|(name, _)| !name.starts_with("ALIBABA_CLOUD_ACCESS_KEY"));
        let http = cloud(true);
        assert_eq!(key_id(&chain(&http, &env)).await, "STS.assumed");
        assert_eq!(
            http.requests()[0].header("x-acs-action"),
            Some("AssumeRoleWithOIDC")
        );

        env.retain(|(name, _)| !oidc.iter().any(|(oidc, _)| oidc == name));
        let http = cloud(true);
        assert_eq!(key_id(&chain(&http, &env)).await, "LTAIprofile");

        let ini_home = home(None, Some(INI));
        let ini_dir = ini_home.path().to_str().unwrap();
        env.retain(|(name, _)| *name != "HOME");
        env.push(("HOME", ini_dir));
        let http = cloud(true);
        assert_eq!(key_id(&chain(&http, &env)).await, "LTAIini");
        assert!(http.requests().is_empty());

        let empty_home = home(None, None);
        env.retain(|(name, _)| *name != "HOME");
        env.push(("HOME", empty_home.path().to_str().unwrap()));
        let http = cloud(true);
        assert_eq!(key_id(&chain(&http, &env)).await, "STS.ecs");
        assert_eq!(hosts(&http), [IMDS_AT; 3]);

        let http = cloud(false);
        assert_eq!(key_id(&chain(&http, &env)).await, "STS.uri");
        assert_eq!(hosts(&http).last().map(String::as_str), Some(URI_AT));
    }

    /// The official chain passes over what is half set up, and an unsupported profile: the
    /// next source is asked.
    #[tokio::test]
    async fn absent_incomplete_or_unsupported_sources_are_passed_over() {
        let ini_home = home(Some(SSO_PROFILE), Some(INI));
        let home_dir = ini_home.path().to_str().unwrap();
        let http = cloud(true);
        let half_set = [
            ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-secret"),
            ("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::1:role/pod"),
            ("HOME", home_dir),
        ];
        assert_eq!(key_id(&chain(&http, &half_set)).await, "LTAIini");
        assert!(http.requests().is_empty());

        let broken = home(Some("{\"profiles\": ["), None);
        let env = [
            ("HOME", broken.path().to_str().unwrap()),
            ("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true"),
            ("ALIBABA_CLOUD_CREDENTIALS_URI", "http://127.0.0.1:3/"),
        ];
        assert_eq!(key_id(&chain(&http, &env)).await, "STS.uri");
    }

    #[tokio::test]
    async fn when_nothing_yields_credentials_the_error_says_what_each_source_said() {
        let empty_home = home(None, None);
        let home_dir = empty_home.path().to_str().unwrap();
        let http = cloud(false);
        let error = chain(
            &http,
            &[
                ("HOME", home_dir),
                ("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::1:role/pod"),
                ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-secret"),
            ],
        )
        .provide_credentials()
        .await
        .unwrap_err()
        .to_string();
        let said: Vec<&str> = error
            .strip_prefix("default chain: no credentials found; ")
            .unwrap_or_else(|| panic!("{error}"))
            .split("; ")
            .collect();
        assert_eq!(said.len(), 6, "{error}");
        assert_eq!(
            said[0],
            "environment: ALIBABA_CLOUD_ACCESS_KEY_ID is not set"
        );
        assert_eq!(
            said[1],
            "oidc role: ALIBABA_CLOUD_OIDC_PROVIDER_ARN and ALIBABA_CLOUD_OIDC_TOKEN_FILE are not set"
        );
        assert!(
            said[2].starts_with("cli profile: ")
                && said[2].contains(".aliyun/config.json does not exist"),
            "{error}"
        );
        assert!(
            said[3].starts_with("credentials file: ")
                && said[3].ends_with(".alibabacloud/credentials does not exist"),
            "{error}"
        );
        assert!(said[4].starts_with("ecs ram role: the instance metadata service at http://127.0.0.1:2 cannot be reached"), "{error}");
        assert_eq!(
            said[5],
            "credentials uri: ALIBABA_CLOUD_CREDENTIALS_URI is not set"
        );
        assert!(!error.contains("env-secret"));

        let switched_off = chain(
            &http,
            &[
                ("HOME", home_dir),
                ("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true"),
                ("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "TRUE"),
            ],
        )
        .provide_credentials()
        .await
        .unwrap_err()
        .to_string();
        assert!(
            switched_off
                .contains("; cli profile: not read (ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true); "),
            "{switched_off}"
        );
        assert!(switched_off.contains("; ecs ram role: the instance metadata service is not asked (ALIBABA_CLOUD_ECS_METADATA_DISABLED=true); "), "{switched_off}");
    }

    #[tokio::test]
    async fn the_source_that_worked_is_kept_with_its_cache() {
        let dir = home(Some(ROLE_PROFILE), None);
        let http = cloud(true);
        let chain = DefaultChain::builder()
            .config_file(dir.path().join(".aliyun/config.json"))
            .sts_endpoint(format!("http://{STS_AT}"))
            .http_client(http.clone())
            .env(Env::fixed(&[(
                "ALIBABA_CLOUD_ECS_METADATA_DISABLED",
                "true",
            )]))
            .build();
        assert_eq!(key_id(&chain).await, "STS.assumed");
        // Keys in the environment now would win a fresh walk; the kept source still answers.
        dir.write(".aliyun/config.json", AK_PROFILE);
        assert_eq!(key_id(&chain).await, "STS.assumed");
        assert_eq!(hosts(&http), [STS_AT], "one AssumeRole for both calls");
        http.requests()[0]
            .verify_signature("LTAIsource", "source-secret")
            .unwrap();

        let shown = format!("{chain:?}");
        assert!(shown.contains("CliProfile"), "{shown}");
        assert!(
            !shown.contains("source-secret") && !shown.contains("assumed-secret"),
            "{shown}"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_first_calls_walk_the_chain_once() {
        let dir = home(Some(ROLE_PROFILE), None);
        let http = cloud(true).with_delay(std::time::Duration::from_millis(50));
        let chain = std::sync::Arc::new(
            DefaultChain::builder()
                .config_file(dir.path().join(".aliyun/config.json"))
                .sts_endpoint(format!("http://{STS_AT}"))
                .http_client(http.clone())
                .env(Env::fixed(&[]))
                .build(),
        );
        let calls: Vec<_> = (0..20)
            .map(|_| {
                let chain = chain.clone();
                tokio::spawn(async move { chain.provide_credentials().await })
            })
            .collect();
        for call in calls {
            assert_eq!(call.await.unwrap().unwrap().access_key_id(), "STS.assumed");
        }
        assert_eq!(http.requests().len(), 1);
    }
}
