use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::ecs_ram_role::EcsRamRoleProvider;
use super::env::Env;
use super::oidc::OidcRoleProvider;
use super::ram_role_arn::RamRoleArnProvider;
use super::sts::{self, StsSettings};
use super::wire::{parse_object, text_field, wrong_type};
use super::{
    Credentials, CredentialsError, ProvideCredentials, ProvideFuture, SharedCredentialsProvider,
    StaticProvider,
};
use crate::http::{HttpClient, SharedHttpClient};

/// The profile to use instead of the config file's `current`.
pub(crate) const PROFILE_ENV: &str = "ALIBABA_CLOUD_PROFILE";
/// The CLI config file to read instead of `~/.aliyun/config.json`.
pub(crate) const CONFIG_FILE_ENV: &str = "ALIBABA_CLOUD_CONFIG_FILE";
/// `true` keeps the default chain away from the CLI config file.
pub(crate) const PROFILE_DISABLED_ENV: &str = "ALIBABA_CLOUD_CLI_PROFILE_DISABLED";

const PROVIDER: &str = "cli profile";
const SUPPORTED_MODES: &str = "AK, StsToken, RamRoleArn, EcsRamRole, OIDC";

/// Credentials from a profile of the Alibaba Cloud CLI's config file (`~/.aliyun/config.json`,
/// as `aliyun configure` writes it), in mode `AK`, `StsToken`, `RamRoleArn` (STS `AssumeRole`
/// with the profile's AccessKey), `EcsRamRole` (the instance metadata service) or `OIDC`
/// (STS `AssumeRoleWithOIDC`).
///
/// The file is read once, when the provider is built; temporary credentials are then cached
/// and refreshed by the provider the mode calls for.
#[derive(Debug)]
pub struct ProfileProvider {
    profile_name: String,
    mode: String,
    region_id: Option<String>,
    config_file: PathBuf,
    inner: SharedCredentialsProvider,
}

impl ProfileProvider {
    /// For the profile named with [`ProfileProviderBuilder::profile_name`] (a CLI's
    /// `--profile`), else `ALIBABA_CLOUD_PROFILE`, else the file's `current`, else `default`.
    pub fn builder() -> ProfileProviderBuilder {
        ProfileProviderBuilder::default()
    }

    /// `~/.aliyun/config.json`, where the Alibaba Cloud CLI keeps its profiles; `None` when
    /// there is no home directory.
    pub fn default_config_file() -> Option<PathBuf> {
        default_config_file(&Env::default())
    }

    pub fn profile_name(&self) -> &str {
        &self.profile_name
    }

    /// The profile's `mode` (`AK`, `RamRoleArn`, …).
    pub fn mode(&self) -> &str {
        &self.mode
    }

    /// The profile's `region_id`, for calls that name no region.
    pub fn region_id(&self) -> Option<&str> {
        self.region_id.as_deref()
    }

    /// The file the profile was read from.
    pub fn config_file(&self) -> &Path {
        &self.config_file
    }

    /// Whether the default chain should use a profile: the file exists, or a profile or file
    /// is named; unless `ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true`.
    pub(crate) fn is_configured(env: &Env, config_file: Option<&Path>) -> bool {
        if env.is_true(PROFILE_DISABLED_ENV) {
            return false;
        }
        config_file.is_some()
            || env.get(PROFILE_ENV).is_some()
            || env.get(CONFIG_FILE_ENV).is_some()
            || default_config_file(env).is_some_and(|path| path.is_file())
    }
}

impl ProvideCredentials for ProfileProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            self.inner.provide_credentials().await.map_err(|error| {
                CredentialsError::new(
                    PROVIDER,
                    format!("profile \"{}\": {error}", self.profile_name),
                )
            })
        })
    }
}

fn default_config_file(env: &Env) -> Option<PathBuf> {
    let home = env.get("HOME").or_else(|| env.get("USERPROFILE"))?;
    Some(Path::new(&home).join(".aliyun").join("config.json"))
}

/// Also the default chain's settings, which are the same but for the profile's name.
#[derive(Clone, Debug, Default)]
pub struct ProfileProviderBuilder {
    profile_name: Option<String>,
    pub(super) config_file: Option<PathBuf>,
    pub(super) sts_endpoint: Option<String>,
    pub(super) imds_endpoint: Option<String>,
    pub(super) http_client: Option<SharedHttpClient>,
    pub(super) env: Env,
}

impl ProfileProviderBuilder {
    /// The profile to use (a CLI's `--profile NAME`).
    pub fn profile_name(mut self, name: impl Into<String>) -> Self {
        self.profile_name = Some(name.into());
        self
    }

    /// The file to read; default `ALIBABA_CLOUD_CONFIG_FILE`, else `~/.aliyun/config.json`.
    pub fn config_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.config_file = Some(path.into());
        self
    }

    /// Where STS calls go for modes `RamRoleArn` and `OIDC`, whatever the profile's `sts_region`.
    pub fn sts_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.sts_endpoint = Some(endpoint.into());
        self
    }

    /// The instance metadata service's URL for mode `EcsRamRole`.
    pub fn imds_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.imds_endpoint = Some(endpoint.into());
        self
    }

    /// The HTTP client for STS and the metadata service.
    pub fn http_client(mut self, client: impl HttpClient + 'static) -> Self {
        self.http_client = Some(SharedHttpClient::new(client));
        self
    }

    #[cfg(test)]
    pub(crate) fn env(mut self, env: Env) -> Self {
        self.env = env;
        self
    }

    /// Reads the file and sets up the profile's mode.
    pub fn build(self) -> Result<ProfileProvider, CredentialsError> {
        let config_file = self
            .config_file
            .clone()
            .or_else(|| self.env.get(CONFIG_FILE_ENV).map(PathBuf::from))
            .or_else(|| default_config_file(&self.env))
            .ok_or_else(|| {
                CredentialsError::new(
                    PROVIDER,
                    "cannot find ~/.aliyun/config.json: neither HOME nor USERPROFILE is set",
                )
            })?;
        let file = read_config_file(&config_file)?;
        let profile_name = self
            .profile_name
            .clone()
            .filter(|name| !name.is_empty())
            .or_else(|| self.env.get(PROFILE_ENV))
            .or_else(|| file.current.clone().filter(|current| !current.is_empty()))
            .unwrap_or_else(|| "default".to_string());
        let Some(profile) = file
            .profiles
            .iter()
            .find(|profile| profile.name.as_deref() == Some(&profile_name))
        else {
            let names: Vec<&str> = file
                .profiles
                .iter()
                .filter_map(|profile| profile.name.as_deref())
                .collect();
            let known = if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            };
            return Err(CredentialsError::new(
                PROVIDER,
                format!(
                    "profile \"{profile_name}\" is not in {} (profiles there: {known})",
                    config_file.display()
                ),
            ));
        };
        let context = ProfileContext {
            name: &profile_name,
            config_file: &config_file,
        };
        let inner = self.provider_for(profile, &context)?;
        Ok(ProfileProvider {
            mode: profile.mode.clone().unwrap_or_default(),
            region_id: non_empty(&profile.region_id).map(str::to_string),
            profile_name,
            config_file,
            inner,
        })
    }

    fn provider_for(
        &self,
        profile: &Profile,
        context: &ProfileContext<'_>,
    ) -> Result<SharedCredentialsProvider, CredentialsError> {
        let mode =
            non_empty(&profile.mode).ok_or_else(|| context.error("has no mode".to_string()))?;
        let sts = StsSettings {
            endpoint: self.sts_endpoint.clone(),
            region: non_empty(&profile.sts_region).map(str::to_string),
            http_client: self.http_client.clone(),
        };
        let nested = |error: CredentialsError| context.error(error.to_string());
        let provider = match mode {
            "AK" => {
                let [id, secret] = context.require(
                    mode,
                    [
                        ("access_key_id", &profile.access_key_id),
                        ("access_key_secret", &profile.access_key_secret),
                    ],
                )?;
                SharedCredentialsProvider::new(StaticProvider::new(Credentials::new(
                    id, secret, PROVIDER,
                )))
            }
            "StsToken" => {
                let [id, secret, token] = context.require(
                    mode,
                    [
                        ("access_key_id", &profile.access_key_id),
                        ("access_key_secret", &profile.access_key_secret),
                        ("sts_token", &profile.sts_token),
                    ],
                )?;
                let credentials = Credentials::new(id, secret, PROVIDER).with_security_token(token);
                SharedCredentialsProvider::new(StaticProvider::new(credentials))
            }
            "RamRoleArn" => {
                let [id, secret, role_arn] = context.require(
                    mode,
                    [
                        ("access_key_id", &profile.access_key_id),
                        ("access_key_secret", &profile.access_key_secret),
                        ("ram_role_arn", &profile.ram_role_arn),
                    ],
                )?;
                let access_key = StaticProvider::new(Credentials::new(id, secret, PROVIDER));
                let mut builder = RamRoleArnProvider::builder(access_key, role_arn)
                    .sts(sts)
                    .env(self.env.clone());
                if let Some(session_name) = non_empty(&profile.ram_session_name) {
                    builder = builder.session_name(session_name);
                }
                if let Some(seconds) = context.duration(profile.expired_seconds)? {
                    builder = builder.duration_seconds(seconds);
                }
                if let Some(external_id) = non_empty(&profile.external_id) {
                    builder = builder.external_id(external_id);
                }
                if let Some(policy) = non_empty(&profile.policy) {
                    builder = builder.policy(policy);
                }
                SharedCredentialsProvider::new(builder.build().map_err(nested)?)
            }
            "EcsRamRole" => {
                let mut builder = EcsRamRoleProvider::builder()
                    .http_client_shared(self.http_client.clone())
                    .env(self.env.clone());
                if let Some(role_name) = non_empty(&profile.ram_role_name) {
                    builder = builder.role_name(role_name);
                }
                if let Some(endpoint) = &self.imds_endpoint {
                    builder = builder.endpoint(endpoint.clone());
                }
                SharedCredentialsProvider::new(builder.build().map_err(nested)?)
            }
            "OIDC" => {
                let [role_arn, provider_arn, token_file] = context.require(
                    mode,
                    [
                        ("ram_role_arn", &profile.ram_role_arn),
                        ("oidc_provider_arn", &profile.oidc_provider_arn),
                        ("oidc_token_file", &profile.oidc_token_file),
                    ],
                )?;
                let mut builder = OidcRoleProvider::builder(role_arn, provider_arn, token_file)
                    .sts(sts)
                    .env(self.env.clone());
                if let Some(session_name) = non_empty(&profile.ram_session_name) {
                    builder = builder.session_name(session_name);
                }
                if let Some(seconds) = context.duration(profile.expired_seconds)? {
                    builder = builder.duration_seconds(seconds);
                }
                if let Some(policy) = non_empty(&profile.policy) {
                    builder = builder.policy(policy);
                }
                SharedCredentialsProvider::new(builder.build().map_err(nested)?)
            }
            other => {
                return Err(context.error(format!(
                    "mode {other} is not supported (supported: {SUPPORTED_MODES})"
                )));
            }
        };
        Ok(provider)
    }
}

/// Names the profile and file in errors.
struct ProfileContext<'a> {
    name: &'a str,
    config_file: &'a Path,
}

impl ProfileContext<'_> {
    fn error(&self, message: String) -> CredentialsError {
        CredentialsError::new(
            PROVIDER,
            format!(
                "profile \"{}\": {message} (in {})",
                self.name,
                self.config_file.display()
            ),
        )
    }

    /// The values of fields the mode cannot do without, or an error naming every one missing.
    fn require<'p, const N: usize>(
        &self,
        mode: &str,
        fields: [(&str, &'p Option<String>); N],
    ) -> Result<[&'p str; N], CredentialsError> {
        let missing: Vec<&str> = fields
            .iter()
            .filter(|(_, value)| non_empty(value).is_none())
            .map(|(name, _)| *name)
            .collect();
        if !missing.is_empty() {
            return Err(self.error(format!("mode {mode} needs {}", super::list_names(&missing))));
        }
        Ok(fields.map(|(_, value)| non_empty(value).unwrap_or_default()))
    }

    /// `expired_seconds`: 0 or absent for the default, else at least STS's minimum.
    fn duration(&self, expired_seconds: Option<u32>) -> Result<Option<u32>, CredentialsError> {
        match expired_seconds {
            None | Some(0) => Ok(None),
            Some(seconds) => sts::check_duration(PROVIDER, "expired_seconds", seconds)
                .map(Some)
                .map_err(|error| self.error(error.message().to_string())),
        }
    }
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|value| !value.is_empty())
}

/// The parts of the CLI's config file this runtime reads; the CLI writes `""` for unset
/// fields and has more of them, which are ignored.
struct ConfigFile {
    current: Option<String>,
    profiles: Vec<Profile>,
}

impl ConfigFile {
    /// Reads the whole file, so that a value of the wrong type anywhere is reported whichever
    /// profile is used; the error names the field and never quotes a value.
    fn parse(document: &[u8]) -> Result<Self, String> {
        let file = parse_object(document)?;
        let profiles = match file.get("profiles") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(profiles)) => profiles
                .iter()
                .enumerate()
                .map(|(index, profile)| {
                    Profile::parse(profile)
                        .map_err(|reason| format!("{reason} in profiles[{index}]"))
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(wrong_type("profiles", "an array")),
        };
        Ok(ConfigFile {
            current: owned_text(&file, "current")?,
            profiles,
        })
    }
}

struct Profile {
    name: Option<String>,
    mode: Option<String>,
    access_key_id: Option<String>,
    access_key_secret: Option<String>,
    sts_token: Option<String>,
    ram_role_arn: Option<String>,
    ram_session_name: Option<String>,
    ram_role_name: Option<String>,
    expired_seconds: Option<u32>,
    region_id: Option<String>,
    sts_region: Option<String>,
    external_id: Option<String>,
    policy: Option<String>,
    oidc_provider_arn: Option<String>,
    oidc_token_file: Option<String>,
}

impl Profile {
    fn parse(profile: &Value) -> Result<Self, String> {
        let Value::Object(profile) = profile else {
            return Err(wrong_type("a profile", "an object"));
        };
        let text = |field: &str| owned_text(profile, field);
        let expired_seconds = match profile.get("expired_seconds") {
            None | Some(Value::Null) => None,
            Some(seconds) => Some(
                seconds
                    .as_u64()
                    .and_then(|seconds| u32::try_from(seconds).ok())
                    .ok_or_else(|| wrong_type("expired_seconds", "a number of seconds"))?,
            ),
        };
        Ok(Profile {
            name: text("name")?,
            mode: text("mode")?,
            access_key_id: text("access_key_id")?,
            access_key_secret: text("access_key_secret")?,
            sts_token: text("sts_token")?,
            ram_role_arn: text("ram_role_arn")?,
            ram_session_name: text("ram_session_name")?,
            ram_role_name: text("ram_role_name")?,
            expired_seconds,
            region_id: text("region_id")?,
            sts_region: text("sts_region")?,
            external_id: text("external_id")?,
            policy: text("policy")?,
            oidc_provider_arn: text("oidc_provider_arn")?,
            oidc_token_file: text("oidc_token_file")?,
        })
    }
}

fn owned_text(object: &Map<String, Value>, field: &str) -> Result<Option<String>, String> {
    text_field(object, field).map(|text| text.map(str::to_string))
}

fn read_config_file(path: &Path) -> Result<ConfigFile, CredentialsError> {
    let shown = path.display();
    let bytes = std::fs::read(path).map_err(|error| {
        let hint = if error.kind() == std::io::ErrorKind::NotFound {
            "; `aliyun configure` creates it"
        } else {
            ""
        };
        CredentialsError::new(PROVIDER, format!("cannot read {shown}: {error}{hint}"))
    })?;
    ConfigFile::parse(&bytes)
        .map_err(|reason| CredentialsError::new(PROVIDER, format!("{shown} {reason}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::test_support::{
        FakeHttp, TempDir, credentials_json, in_one_hour, respond, sts_body,
    };

    /// A config file as `aliyun configure` writes it, with one profile per mode and some
    /// broken ones; `{token_file}` is replaced.
    const CONFIG: &str = r#"{
        "current": "ak",
        "profiles": [
            {"name": "ak", "mode": "AK", "access_key_id": "LTAIprofileKey", "access_key_secret": "profile-secret",
             "sts_token": "", "ram_role_name": "", "ram_role_arn": "", "ram_session_name": "", "private_key": "",
             "key_pair_name": "", "expired_seconds": 0, "verified": "", "region_id": "cn-hangzhou",
             "output_format": "json", "language": "en", "site": "", "retry_timeout": 0, "retry_count": 0},
            {"name": "sts", "mode": "StsToken", "access_key_id": "STS.fixed", "access_key_secret": "fixed-secret",
             "sts_token": "fixed-token", "region_id": "cn-beijing"},
            {"name": "role", "mode": "RamRoleArn", "access_key_id": "LTAIroleSource",
             "access_key_secret": "role-source-secret", "ram_role_arn": "acs:ram::100:role/admin",
             "ram_session_name": "cli-session", "expired_seconds": 900, "external_id": "ext-1",
             "sts_region": "cn-shenzhen", "region_id": "cn-shenzhen"},
            {"name": "ecs", "mode": "EcsRamRole", "ram_role_name": "worker", "region_id": ""},
            {"name": "oidc", "mode": "OIDC", "ram_role_arn": "acs:ram::100:role/pod",
             "oidc_provider_arn": "acs:ram::100:oidc-provider/ack", "oidc_token_file": "{token_file}",
             "ram_session_name": "oidc-session"},
            {"name": "dev", "mode": "RamRoleArn", "access_key_id": "LTAIdev", "access_key_secret": "dev-secret",
             "ram_role_arn": ""},
            {"name": "bare", "mode": "AK"},
            {"name": "short", "mode": "RamRoleArn", "access_key_id": "LTAIdev", "access_key_secret": "dev-secret",
             "ram_role_arn": "acs:ram::100:role/admin", "expired_seconds": 300},
            {"name": "rsa", "mode": "RsaKeyPair", "private_key": "-----BEGIN PRIVATE KEY-----"},
            {"name": "nomode"}
        ]
    }"#;

    struct Fixture {
        dir: TempDir,
        config_file: PathBuf,
    }

    fn fixture() -> Fixture {
        let dir = TempDir::new();
        let token_file = dir.write("oidc-token", "profile-oidc-token");
        let config = CONFIG.replace("{token_file}", token_file.to_str().unwrap());
        let config_file = dir.write(".aliyun/config.json", &config);
        Fixture { dir, config_file }
    }

    fn builder(fixture: &Fixture, env: &[(&str, &str)]) -> ProfileProviderBuilder {
        ProfileProvider::builder()
            .config_file(&fixture.config_file)
            .env(Env::fixed(env))
    }

    fn error_of(result: Result<ProfileProvider, CredentialsError>) -> String {
        result.unwrap_err().to_string()
    }

    #[tokio::test]
    async fn ak_and_sts_token_profiles_and_which_profile_is_used() {
        let fixture = fixture();
        let current = builder(&fixture, &[]).build().unwrap();
        assert_eq!(
            (current.profile_name(), current.mode(), current.region_id()),
            ("ak", "AK", Some("cn-hangzhou"))
        );
        let credentials = current.provide_credentials().await.unwrap();
        assert_eq!(credentials.access_key_id(), "LTAIprofileKey");
        assert_eq!(credentials.access_key_secret(), "profile-secret");
        assert_eq!(credentials.security_token(), None);
        assert_eq!(credentials.provider(), "cli profile");

        let from_env = builder(&fixture, &[(PROFILE_ENV, "sts")]).build().unwrap();
        assert_eq!(from_env.region_id(), Some("cn-beijing"));
        let credentials = from_env.provide_credentials().await.unwrap();
        assert_eq!(credentials.access_key_id(), "STS.fixed");
        assert_eq!(credentials.security_token(), Some("fixed-token"));

        // A CLI's --profile beats ALIBABA_CLOUD_PROFILE.
        let named = builder(&fixture, &[(PROFILE_ENV, "sts")])
            .profile_name("ak")
            .build()
            .unwrap();
        assert_eq!(named.profile_name(), "ak");

        // The file from ALIBABA_CLOUD_CONFIG_FILE, else ~/.aliyun/config.json under HOME.
        let path = fixture.config_file.to_str().unwrap();
        let by_env = ProfileProvider::builder()
            .env(Env::fixed(&[(CONFIG_FILE_ENV, path)]))
            .build()
            .unwrap();
        assert_eq!(by_env.config_file(), fixture.config_file);
        let home = fixture.dir.path().to_str().unwrap();
        let by_home = ProfileProvider::builder()
            .env(Env::fixed(&[("HOME", home)]))
            .build()
            .unwrap();
        assert_eq!(by_home.config_file(), fixture.config_file);
        assert_eq!(by_home.profile_name(), "ak");
    }

    #[tokio::test]
    async fn ram_role_arn_profiles_assume_the_role_signed_with_their_key() {
        let fixture = fixture();
        let http = FakeHttp::new(|_| {
            respond(
                200,
                sts_body("STS.role", "role-secret", "role-token", in_one_hour()),
            )
        });
        let provider = builder(&fixture, &[])
            .profile_name("role")
            .http_client(http.clone())
            .build()
            .unwrap();
        let credentials = provider.provide_credentials().await.unwrap();
        assert_eq!(credentials.access_key_id(), "STS.role");
        assert_eq!(credentials.security_token(), Some("role-token"));

        let request = &http.requests()[0];
        assert_eq!(
            request.uri.authority().unwrap().as_str(),
            "sts.cn-shenzhen.aliyuncs.com"
        );
        assert_eq!(request.header("x-acs-action"), Some("AssumeRole"));
        assert_eq!(
            request.query_param("RoleArn").as_deref(),
            Some("acs:ram::100:role/admin")
        );
        assert_eq!(
            request.query_param("RoleSessionName").as_deref(),
            Some("cli-session")
        );
        assert_eq!(
            request.query_param("DurationSeconds").as_deref(),
            Some("900")
        );
        assert_eq!(request.query_param("ExternalId").as_deref(), Some("ext-1"));
        assert!(
            request
                .header("authorization")
                .unwrap()
                .starts_with("ACS3-HMAC-SHA256 Credential=LTAIroleSource,")
        );
        request
            .verify_signature("LTAIroleSource", "role-source-secret")
            .unwrap();

        // An explicit STS endpoint beats the profile's sts_region.
        let local = builder(&fixture, &[])
            .profile_name("role")
            .sts_endpoint("http://127.0.0.1:1")
            .http_client(http.clone())
            .build()
            .unwrap();
        local.provide_credentials().await.unwrap();
        assert_eq!(
            http.requests()[1].uri.authority().unwrap().as_str(),
            "127.0.0.1:1"
        );
    }

    #[tokio::test]
    async fn ecs_ram_role_profiles_ask_the_metadata_service_for_their_role() {
        let fixture = fixture();
        let http = FakeHttp::new(|request| match request.path() {
            "/latest/api/token" => respond(200, "metadata-token"),
            "/latest/meta-data/ram/security-credentials/worker" => {
                let mut body =
                    credentials_json("STS.ecs", "ecs-secret", "ecs-token", in_one_hour());
                body["Code"] = "Success".into();
                respond(200, body.to_string())
            }
            _ => respond(404, "Not Found"),
        });
        let provider = builder(&fixture, &[])
            .profile_name("ecs")
            .imds_endpoint("http://127.0.0.1:1")
            .http_client(http.clone())
            .build()
            .unwrap();
        assert_eq!(provider.region_id(), None);
        assert_eq!(
            provider
                .provide_credentials()
                .await
                .unwrap()
                .access_key_id(),
            "STS.ecs"
        );
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
    }

    #[tokio::test]
    async fn oidc_profiles_send_their_token_file() {
        let fixture = fixture();
        let http = FakeHttp::new(|_| {
            respond(
                200,
                sts_body("STS.oidc", "oidc-secret", "oidc-token", in_one_hour()),
            )
        });
        let provider = builder(&fixture, &[])
            .profile_name("oidc")
            .sts_endpoint("http://127.0.0.1:1")
            .http_client(http.clone())
            .build()
            .unwrap();
        assert_eq!(
            provider
                .provide_credentials()
                .await
                .unwrap()
                .access_key_id(),
            "STS.oidc"
        );
        let request = &http.requests()[0];
        assert_eq!(request.header("x-acs-action"), Some("AssumeRoleWithOIDC"));
        assert_eq!(request.header("authorization"), None);
        assert_eq!(
            request.form_param("OIDCToken").as_deref(),
            Some("profile-oidc-token")
        );
        assert_eq!(
            request.query_param("RoleSessionName").as_deref(),
            Some("oidc-session")
        );
    }

    #[test]
    fn incomplete_or_unsupported_profiles_say_what_is_wrong() {
        let fixture = fixture();
        let path = fixture.config_file.display().to_string();
        let error = error_of(builder(&fixture, &[]).profile_name("dev").build());
        assert_eq!(
            error,
            format!("cli profile: profile \"dev\": mode RamRoleArn needs ram_role_arn (in {path})")
        );
        let error = error_of(builder(&fixture, &[]).profile_name("bare").build());
        assert!(
            error.contains("profile \"bare\": mode AK needs access_key_id and access_key_secret"),
            "{error}"
        );
        let error = error_of(builder(&fixture, &[]).profile_name("short").build());
        assert!(
            error.contains(
                "profile \"short\": expired_seconds must be at least 900 seconds, not 300"
            ),
            "{error}"
        );
        let error = error_of(builder(&fixture, &[]).profile_name("rsa").build());
        assert!(error.contains("profile \"rsa\": mode RsaKeyPair is not supported (supported: AK, StsToken, RamRoleArn, EcsRamRole, OIDC)"));
        assert!(!error.contains("PRIVATE KEY"));
        let error = error_of(builder(&fixture, &[]).profile_name("nomode").build());
        assert!(error.contains("profile \"nomode\": has no mode"), "{error}");
        let error = error_of(builder(&fixture, &[]).profile_name("prod").build());
        assert_eq!(
            error,
            format!(
                "cli profile: profile \"prod\" is not in {path} \
                 (profiles there: ak, sts, role, ecs, oidc, dev, bare, short, rsa, nomode)"
            )
        );
    }

    #[test]
    fn missing_and_invalid_files_are_clear_and_never_quoted() {
        let dir = TempDir::new();
        let missing = dir.path().join("config.json");
        let error = error_of(
            ProfileProvider::builder()
                .config_file(&missing)
                .env(Env::fixed(&[]))
                .build(),
        );
        assert!(
            error.starts_with(&format!("cli profile: cannot read {}: ", missing.display())),
            "{error}"
        );
        assert!(error.ends_with("`aliyun configure` creates it"), "{error}");

        let broken = dir.write(
            "broken.json",
            "{\"profiles\": [{\"access_key_secret\": \"broken-secret\"",
        );
        let error = error_of(
            ProfileProvider::builder()
                .config_file(&broken)
                .env(Env::fixed(&[]))
                .build(),
        );
        assert_eq!(
            error,
            format!(
                "cli profile: {} ends too early (line 1, column 51)",
                broken.display()
            )
        );

        let wrong = dir.write(
            "wrong.json",
            r#"{"profiles": [{"name": "ak", "access_key_secret": 98765432123}]}"#,
        );
        let error = error_of(
            ProfileProvider::builder()
                .config_file(&wrong)
                .env(Env::fixed(&[]))
                .build(),
        );
        assert!(
            error.ends_with(
                "has a value of the wrong type: access_key_secret is not a string in profiles[0]"
            ),
            "{error}"
        );
        assert!(!error.contains("98765432123"), "{error}");

        let no_home = error_of(ProfileProvider::builder().env(Env::fixed(&[])).build());
        assert_eq!(
            no_home,
            "cli profile: cannot find ~/.aliyun/config.json: neither HOME nor USERPROFILE is set"
        );
    }

    #[tokio::test]
    async fn errors_name_the_profile_and_debug_hides_secrets() {
        let fixture = fixture();
        let down = FakeHttp::new(|_| {
            respond(
                503,
                r#"{"Code":"ServiceUnavailable","Message":"try later"}"#,
            )
        });
        let provider = builder(&fixture, &[])
            .profile_name("role")
            .http_client(down)
            .build()
            .unwrap();
        let shown = format!("{provider:?}");
        assert!(
            !shown.contains("role-source-secret") && !shown.contains("LTAIroleSource"),
            "{shown}"
        );
        let error = provider
            .provide_credentials()
            .await
            .unwrap_err()
            .to_string();
        assert!(error.starts_with("cli profile: profile \"role\": ram role arn: STS AssumeRole failed: ServiceUnavailable"), "{error}");
        assert!(!error.contains("role-source-secret"));

        let static_profile = builder(&fixture, &[]).build().unwrap();
        assert!(!format!("{static_profile:?}").contains("profile-secret"));
    }
}
