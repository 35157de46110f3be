//! Credentials from a profile of the Alibaba Cloud CLI's config file, `~/.aliyun/config.json`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::external::ExternalProcessProvider;
use crate::files;
use crate::settings::{Role, SourceSettings};
use crate::wire::{parse_object, text_field, wrong_type};
use crate::{
    Credentials, CredentialsError, ProvideCredentials, ProvideFuture, SharedCredentialsProvider,
    StaticProvider,
};

/// The profile to use instead of the config file's `current`; also the credentials file's
/// section.
pub(crate) const PROFILE_ENV: &str = "ALIBABA_CLOUD_PROFILE";
/// The CLI config file to read instead of `~/.aliyun/config.json`.
pub(crate) const CONFIG_FILE_ENV: &str = "ALIBABA_CLOUD_CONFIG_FILE";
/// `true` keeps the default chain away from the CLI config file.
pub(crate) const PROFILE_DISABLED_ENV: &str = "ALIBABA_CLOUD_CLI_PROFILE_DISABLED";

const PROVIDER: &str = "cli profile";
const SUPPORTED_MODES: &str =
    "AK, StsToken, RamRoleArn, EcsRamRole, OIDC, ChainableRamRoleArn, CredentialsURI, External";
/// Modes of the CLI that need its interactive sign-in and token store.
const INTERACTIVE_MODES: [&str; 2] = ["CloudSSO", "OAuth"];

/// Credentials from a profile of the Alibaba Cloud CLI's config file (`~/.aliyun/config.json`,
/// as `aliyun configure` writes it). Modes:
///
/// - `AK` (`access_key_id`, `access_key_secret`) and `StsToken` (and `sts_token`);
/// - `RamRoleArn`: STS `AssumeRole` of `ram_role_arn` with the profile's AccessKey;
/// - `ChainableRamRoleArn`: `AssumeRole` of `ram_role_arn` with the credentials of the profile
///   named by `source_profile`, which may chain further (a profile chain that comes back to
///   itself is an error);
/// - `EcsRamRole`: the instance metadata service (`ram_role_name`, else the attached role);
/// - `OIDC`: STS `AssumeRoleWithOIDC` (`ram_role_arn`, `oidc_provider_arn`, `oidc_token_file`);
/// - `CredentialsURI`: `GET credentials_uri` (else `ALIBABA_CLOUD_CREDENTIALS_URI`);
/// - `External`: runs `process_command`, which prints credentials (as the CLI runs it).
///
/// Role modes also read `ram_session_name`, `expired_seconds`, `policy`, `external_id`,
/// `sts_region` and `enable_vpc`. `CloudSSO` and `OAuth` need the CLI's interactive sign-in:
/// such a profile is an error that names its mode (and the default chain goes on to the next
/// source), as is any other mode.
///
/// The file is read once, without blocking, when the provider is loaded; only the profile used
/// (and those it chains to) must be well-formed. Temporary credentials are then cached and
/// refreshed by the provider the mode calls for.
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

#[derive(Clone, Debug, Default)]
pub struct ProfileProviderBuilder {
    profile_name: Option<String>,
    config_file: Option<PathBuf>,
    settings: SourceSettings,
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

    pub(crate) fn settings(mut self, settings: SourceSettings) -> Self {
        self.settings = settings;
        self
    }

    /// The file this builder reads: the one given, else `ALIBABA_CLOUD_CONFIG_FILE`, else
    /// `~/.aliyun/config.json`; `None` without a home directory.
    pub(crate) fn file(&self) -> Option<PathBuf> {
        self.config_file
            .clone()
            .or_else(|| self.settings.env.get(CONFIG_FILE_ENV).map(PathBuf::from))
            .or_else(|| self.settings.in_home(".aliyun/config.json"))
    }

    /// Reads the file and sets up the profile's mode.
    ///
    /// # Errors
    /// When the file cannot be read or parsed, the profile is not in it, or its mode is
    /// unsupported or incomplete.
    pub async fn load(self) -> Result<ProfileProvider, CredentialsError> {
        let config_file = self.file().ok_or_else(|| {
            CredentialsError::new(
                PROVIDER,
                "cannot find ~/.aliyun/config.json: neither HOME nor USERPROFILE is set",
            )
        })?;
        let shown = config_file.display();
        let bytes = files::read_capped(&config_file).await.map_err(|failure| {
            let hint = match failure {
                files::ReadError::NotFound => " (`aliyun configure` creates it)",
                _ => "",
            };
            CredentialsError::new(PROVIDER, format!("{shown} {}{hint}", failure.describe()))
        })?;
        let file = ConfigFile::parse(&bytes)
            .map_err(|reason| CredentialsError::new(PROVIDER, format!("{shown} {reason}")))?;
        let profile_name = self
            .profile_name
            .clone()
            .filter(|name| !name.is_empty())
            .or_else(|| self.settings.env.get(PROFILE_ENV))
            .or_else(|| file.current.clone().filter(|current| !current.is_empty()))
            .unwrap_or_else(|| "default".to_string());
        let context = Context {
            file: &file,
            config_file: &config_file,
            settings: &self.settings,
        };
        let profile = context.profile(&profile_name)?;
        let inner = context.provider(&profile_name, &profile, &mut BTreeSet::new())?;
        Ok(ProfileProvider {
            mode: profile.mode.unwrap_or_default(),
            region_id: profile.region_id,
            profile_name,
            config_file,
            inner,
        })
    }
}

/// The file being read, for resolving profiles and naming them in errors.
struct Context<'a> {
    file: &'a ConfigFile,
    config_file: &'a Path,
    settings: &'a SourceSettings,
}

impl Context<'_> {
    fn error(&self, profile_name: &str, message: impl std::fmt::Display) -> CredentialsError {
        CredentialsError::new(
            PROVIDER,
            format!(
                "profile \"{profile_name}\": {message} (in {})",
                self.config_file.display()
            ),
        )
    }

    fn profile(&self, name: &str) -> Result<Profile, CredentialsError> {
        match self.file.profile(name) {
            Some(Ok(profile)) => Ok(profile),
            Some(Err(reason)) => Err(self.error(name, reason)),
            None => {
                let names = self.file.names();
                let known = if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                };
                Err(CredentialsError::new(
                    PROVIDER,
                    format!(
                        "profile \"{name}\" is not in {} (profiles there: {known})",
                        self.config_file.display()
                    ),
                ))
            }
        }
    }

    /// The provider `profile`'s mode calls for. `visiting` holds the profiles of the chain
    /// being resolved, to refuse one that comes back to itself.
    fn provider(
        &self,
        name: &str,
        profile: &Profile,
        visiting: &mut BTreeSet<String>,
    ) -> Result<SharedCredentialsProvider, CredentialsError> {
        let error = |message: String| self.error(name, message);
        let nested = |failure: CredentialsError| self.error(name, failure);
        let mode = profile
            .mode
            .as_deref()
            .ok_or_else(|| error("has no mode".to_string()))?;
        let require = |fields: &[(&str, &Option<String>)]| -> Result<(), CredentialsError> {
            let missing: Vec<&str> = fields
                .iter()
                .filter(|(_, value)| value.is_none())
                .map(|(field, _)| *field)
                .collect();
            if missing.is_empty() {
                Ok(())
            } else {
                Err(error(format!(
                    "mode {mode} needs {}",
                    crate::list_names(&missing)
                )))
            }
        };
        let role = || Role {
            arn: profile.ram_role_arn.as_deref().unwrap_or_default(),
            session_name: profile.ram_session_name.as_deref(),
            duration_seconds: profile.expired_seconds,
            external_id: profile.external_id.as_deref(),
            policy: profile.policy.as_deref(),
            sts_region: profile.sts_region.as_deref(),
            vpc: profile.enable_vpc,
        };
        let access_key = || {
            let credentials = Credentials::new(
                profile.access_key_id.clone().unwrap_or_default(),
                profile.access_key_secret.clone().unwrap_or_default(),
                PROVIDER,
            );
            let credentials = match &profile.sts_token {
                Some(token) => credentials.with_security_token(token.clone()),
                None => credentials,
            };
            SharedCredentialsProvider::new(StaticProvider::new(credentials))
        };
        let key_fields = [
            ("access_key_id", &profile.access_key_id),
            ("access_key_secret", &profile.access_key_secret),
        ];
        match mode {
            "AK" => {
                require(&key_fields)?;
                let credentials = Credentials::new(
                    profile.access_key_id.clone().unwrap_or_default(),
                    profile.access_key_secret.clone().unwrap_or_default(),
                    PROVIDER,
                );
                Ok(SharedCredentialsProvider::new(StaticProvider::new(
                    credentials,
                )))
            }
            "StsToken" => {
                require(&[
                    key_fields[0],
                    key_fields[1],
                    ("sts_token", &profile.sts_token),
                ])?;
                Ok(access_key())
            }
            "RamRoleArn" => {
                require(&[
                    key_fields[0],
                    key_fields[1],
                    ("ram_role_arn", &profile.ram_role_arn),
                ])?;
                self.settings
                    .ram_role_arn(access_key(), &role())
                    .map_err(nested)
            }
            "ChainableRamRoleArn" => {
                require(&[
                    ("source_profile", &profile.source_profile),
                    ("ram_role_arn", &profile.ram_role_arn),
                ])?;
                let source_name = profile.source_profile.as_deref().unwrap_or_default();
                visiting.insert(name.to_string());
                if visiting.contains(source_name) {
                    return Err(error(format!(
                        "source_profile \"{source_name}\" leads back to a profile already in the chain ({})",
                        visiting.iter().cloned().collect::<Vec<_>>().join(", ")
                    )));
                }
                let source_profile = self.profile(source_name)?;
                let source = self.provider(source_name, &source_profile, visiting)?;
                self.settings.ram_role_arn(source, &role()).map_err(nested)
            }
            "EcsRamRole" => self
                .settings
                .ecs_ram_role(profile.ram_role_name.as_deref())
                .map_err(nested),
            "OIDC" => {
                require(&[
                    ("ram_role_arn", &profile.ram_role_arn),
                    ("oidc_provider_arn", &profile.oidc_provider_arn),
                    ("oidc_token_file", &profile.oidc_token_file),
                ])?;
                self.settings
                    .oidc_role(
                        &role(),
                        profile.oidc_provider_arn.as_deref().unwrap_or_default(),
                        profile.oidc_token_file.as_deref().unwrap_or_default(),
                    )
                    .map_err(nested)
            }
            "CredentialsURI" => self
                .settings
                .credentials_uri(profile.credentials_uri.as_deref())
                .map_err(nested),
            "External" => {
                require(&[("process_command", &profile.process_command)])?;
                let command = profile.process_command.as_deref().unwrap_or_default();
                ExternalProcessProvider::new(command)
                    .map(SharedCredentialsProvider::new)
                    .map_err(nested)
            }
            interactive if INTERACTIVE_MODES.contains(&interactive) => Err(error(format!(
                "mode {interactive} is not supported: it needs the Alibaba Cloud CLI's interactive \
                 sign-in (supported: {SUPPORTED_MODES})"
            ))),
            other => Err(error(format!(
                "mode {other} is not supported (supported: {SUPPORTED_MODES})"
            ))),
        }
    }
}

/// The parts of the CLI's config file this crate reads. The CLI writes `""` for unset fields
/// and has more of them, which are ignored.
struct ConfigFile {
    current: Option<String>,
    profiles: Vec<Value>,
}

impl ConfigFile {
    fn parse(document: &[u8]) -> Result<Self, String> {
        let file = parse_object(document)?;
        let profiles = match file.get("profiles") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(profiles)) => profiles.clone(),
            Some(_) => return Err(wrong_type("profiles", "an array")),
        };
        Ok(ConfigFile {
            current: non_empty(text_field(&file, "current")?),
            profiles,
        })
    }

    fn name_of(profile: &Value) -> Option<&str> {
        profile.get("name")?.as_str()
    }

    /// The profile named `name`, read strictly: only it must be well-formed, so that one broken
    /// or unsupported profile elsewhere in the file does not take the others down with it.
    fn profile(&self, name: &str) -> Option<Result<Profile, String>> {
        let (index, profile) = self
            .profiles
            .iter()
            .enumerate()
            .find(|(_, profile)| Self::name_of(profile) == Some(name))?;
        Some(Profile::parse(profile).map_err(|reason| format!("{reason} in profiles[{index}]")))
    }

    fn names(&self) -> Vec<&str> {
        self.profiles.iter().filter_map(Self::name_of).collect()
    }
}

/// One profile's fields, `""` read as absent.
#[derive(Debug, Default)]
struct Profile {
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
    enable_vpc: bool,
    external_id: Option<String>,
    policy: Option<String>,
    source_profile: Option<String>,
    oidc_provider_arn: Option<String>,
    oidc_token_file: Option<String>,
    credentials_uri: Option<String>,
    process_command: Option<String>,
}

impl Profile {
    /// Errors name the field and never quote its value.
    fn parse(profile: &Value) -> Result<Self, String> {
        let Value::Object(profile) = profile else {
            return Err(wrong_type("a profile", "an object"));
        };
        let text = |field: &str| text_field(profile, field).map(non_empty);
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
            enable_vpc: flag(profile, "enable_vpc")?,
            external_id: text("external_id")?,
            policy: text("policy")?,
            source_profile: text("source_profile")?,
            oidc_provider_arn: text("oidc_provider_arn")?,
            oidc_token_file: text("oidc_token_file")?,
            credentials_uri: text("credentials_uri")?,
            process_command: text("process_command")?,
        })
    }
}

fn non_empty(value: Option<&str>) -> Option<String> {
    value.filter(|value| !value.is_empty()).map(str::to_string)
}

/// A boolean field; absent or `null` is false.
fn flag(object: &Map<String, Value>, field: &str) -> Result<bool, String> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(flag)) => Ok(*flag),
        Some(_) => Err(wrong_type(field, "true or false")),
    }
}

/// The CLI profile source of the default chain: passed over when disabled or when the file does
/// not exist, like every other failure.
pub(crate) async fn chain_source(
    settings: &SourceSettings,
    config_file: Option<&PathBuf>,
) -> Result<SharedCredentialsProvider, CredentialsError> {
    if settings.env.is_true(PROFILE_DISABLED_ENV) {
        return Err(CredentialsError::new(
            PROVIDER,
            format!("not read ({PROFILE_DISABLED_ENV}=true)"),
        ));
    }
    let mut builder = ProfileProvider::builder().settings(settings.clone());
    if let Some(config_file) = config_file {
        builder = builder.config_file(config_file);
    }
    builder.load().await.map(SharedCredentialsProvider::new)
}

#[cfg(test)]
mod tests {
    use acs_runtime::http::HttpError;
    use proptest::prelude::*;

    use super::*;
    use crate::env::Env;
    use crate::test_support::{
        FakeHttp, TempDir, Via, credentials_json, fake_metadata, in_one_hour, respond, sts_body,
    };

    impl Via for ProfileProviderBuilder {
        fn source_settings(&mut self) -> &mut SourceSettings {
            &mut self.settings
        }
    }

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
            {"name": "vpc-role", "mode": "RamRoleArn", "access_key_id": "LTAIroleSource",
             "access_key_secret": "role-source-secret", "ram_role_arn": "acs:ram::100:role/admin",
             "sts_region": "cn-hangzhou", "enable_vpc": true},
            {"name": "chained", "mode": "ChainableRamRoleArn", "source_profile": "role",
             "ram_role_arn": "acs:ram::100:role/deployer", "ram_session_name": "chained-session"},
            {"name": "loop-a", "mode": "ChainableRamRoleArn", "source_profile": "loop-b", "ram_role_arn": "acs:ram::1:role/a"},
            {"name": "loop-b", "mode": "ChainableRamRoleArn", "source_profile": "loop-a", "ram_role_arn": "acs:ram::1:role/b"},
            {"name": "ecs", "mode": "EcsRamRole", "ram_role_name": "worker", "region_id": ""},
            {"name": "oidc", "mode": "OIDC", "ram_role_arn": "acs:ram::100:role/pod",
             "oidc_provider_arn": "acs:ram::100:oidc-provider/ack", "oidc_token_file": "{token_file}",
             "ram_session_name": "oidc-session"},
            {"name": "uri", "mode": "CredentialsURI", "credentials_uri": "http://127.0.0.1:1/credentials"},
            {"name": "external", "mode": "External", "process_command": ""},
            {"name": "sso", "mode": "CloudSSO", "cloud_sso_sign_in_url": "https://signin.example"},
            {"name": "dev", "mode": "RamRoleArn", "access_key_id": "LTAIdev", "access_key_secret": "dev-secret",
             "ram_role_arn": ""},
            {"name": "bare", "mode": "AK"},
            {"name": "short", "mode": "RamRoleArn", "access_key_id": "LTAIdev", "access_key_secret": "dev-secret",
             "ram_role_arn": "acs:ram::100:role/admin", "expired_seconds": 300},
            {"name": "rsa", "mode": "RsaKeyPair", "private_key": "-----BEGIN PRIVATE KEY-----"},
            {"name": "nomode"},
            {"name": "broken", "mode": "AK", "access_key_id": 12345, "access_key_secret": 98765432123},
            "not a profile"
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
            .settings(SourceSettings {
                env: Env::fixed(env),
                ..SourceSettings::default()
            })
    }

    async fn load(builder: ProfileProviderBuilder) -> Result<ProfileProvider, String> {
        builder.load().await.map_err(|error| error.to_string())
    }

    async fn error_of(builder: ProfileProviderBuilder) -> String {
        load(builder).await.unwrap_err()
    }

    fn sts_answering() -> FakeHttp {
        FakeHttp::new(|_| {
            respond(
                200,
                sts_body("STS.role", "role-secret", "role-token", in_one_hour()),
            )
        })
    }

    #[tokio::test]
    async fn ak_and_sts_token_profiles_and_which_profile_is_used() {
        let fixture = fixture();
        let current = load(builder(&fixture, &[])).await.unwrap();
        assert_eq!(
            (current.profile_name(), current.mode(), current.region_id()),
            ("ak", "AK", Some("cn-hangzhou"))
        );
        let credentials = current.provide_credentials().await.unwrap();
        assert_eq!(credentials.access_key_id(), "LTAIprofileKey");
        assert_eq!(credentials.access_key_secret(), "profile-secret");
        assert_eq!(credentials.security_token(), None);
        assert_eq!(credentials.provider(), "cli profile");

        let from_env = load(builder(&fixture, &[(PROFILE_ENV, "sts")]))
            .await
            .unwrap();
        assert_eq!(from_env.region_id(), Some("cn-beijing"));
        let credentials = from_env.provide_credentials().await.unwrap();
        assert_eq!(credentials.access_key_id(), "STS.fixed");
        assert_eq!(credentials.security_token(), Some("fixed-token"));

        // A CLI's --profile beats ALIBABA_CLOUD_PROFILE.
        let named = load(builder(&fixture, &[(PROFILE_ENV, "sts")]).profile_name("ak"))
            .await
            .unwrap();
        assert_eq!(named.profile_name(), "ak");

        // The file from ALIBABA_CLOUD_CONFIG_FILE, else ~/.aliyun/config.json under HOME.
        let path = fixture.config_file.to_str().unwrap();
        let by_env = ProfileProvider::builder().settings(SourceSettings {
            env: Env::fixed(&[(CONFIG_FILE_ENV, path)]),
            ..SourceSettings::default()
        });
        assert_eq!(
            load(by_env).await.unwrap().config_file(),
            fixture.config_file
        );
        let home = fixture.dir.path().to_str().unwrap();
        let by_home = ProfileProvider::builder().settings(SourceSettings {
            env: Env::fixed(&[("HOME", home)]),
            ..SourceSettings::default()
        });
        let by_home = load(by_home).await.unwrap();
        assert_eq!(by_home.config_file(), fixture.config_file);
        assert_eq!(by_home.profile_name(), "ak");
    }

    #[tokio::test]
    async fn ram_role_arn_profiles_assume_the_role_signed_with_their_key() {
        let fixture = fixture();
        let http = sts_answering();
        let provider = load(
            builder(&fixture, &[])
                .profile_name("role")
                .via(&http, None, None),
        )
        .await
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
        request
            .verify_signature("LTAIroleSource", "role-source-secret")
            .unwrap();

        // enable_vpc sends it to the region's VPC endpoint.
        let vpc = load(
            builder(&fixture, &[])
                .profile_name("vpc-role")
                .via(&http, None, None),
        )
        .await
        .unwrap();
        vpc.provide_credentials().await.unwrap();
        assert_eq!(
            http.requests()[1].uri.authority().unwrap().as_str(),
            "sts-vpc.cn-hangzhou.aliyuncs.com"
        );

        // An explicit STS endpoint beats the profile's sts_region.
        let local = builder(&fixture, &[]).profile_name("role").via(
            &http,
            Some("http://127.0.0.1:1"),
            None,
        );
        load(local)
            .await
            .unwrap()
            .provide_credentials()
            .await
            .unwrap();
        assert_eq!(
            http.requests()[2].uri.authority().unwrap().as_str(),
            "127.0.0.1:1"
        );
    }

    #[tokio::test]
    async fn chainable_profiles_assume_their_role_with_the_source_profiles_credentials() {
        let fixture = fixture();
        let http = FakeHttp::new(|request| {
            let (id, secret, token) = match request.query_param("RoleArn").as_deref() {
                Some("acs:ram::100:role/admin") => ("STS.admin", "admin-secret", "admin-token"),
                _ => ("STS.deployer", "deployer-secret", "deployer-token"),
            };
            respond(200, sts_body(id, secret, token, in_one_hour()))
        });
        let provider = builder(&fixture, &[]).profile_name("chained").via(
            &http,
            Some("http://127.0.0.1:1"),
            None,
        );
        let credentials = load(provider)
            .await
            .unwrap()
            .provide_credentials()
            .await
            .unwrap();
        assert_eq!(credentials.access_key_id(), "STS.deployer");

        let requests = http.requests();
        assert_eq!(
            requests.len(),
            2,
            "the source's role first, then the chained one"
        );
        requests[0]
            .verify_signature("LTAIroleSource", "role-source-secret")
            .unwrap();
        assert_eq!(
            requests[1].query_param("RoleArn").as_deref(),
            Some("acs:ram::100:role/deployer")
        );
        assert_eq!(
            requests[1].header("x-acs-security-token"),
            Some("admin-token")
        );
        requests[1]
            .verify_signature("STS.admin", "admin-secret")
            .unwrap();

        let error = error_of(builder(&fixture, &[]).profile_name("loop-a")).await;
        assert!(
            error.contains("source_profile \"loop-a\" leads back to a profile already in the chain (loop-a, loop-b)"),
            "{error}"
        );
    }

    #[tokio::test]
    async fn ecs_ram_role_profiles_ask_the_metadata_service_unless_it_is_disabled() {
        let fixture = fixture();
        let http = fake_metadata(true);
        let provider = load(builder(&fixture, &[]).profile_name("ecs").via(
            &http,
            None,
            Some("http://127.0.0.1:1"),
        ))
        .await
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

        let disabled = builder(&fixture, &[("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")])
            .profile_name("ecs")
            .via(&http, None, None);
        let error = error_of(disabled).await;
        assert!(
            error.contains("the instance metadata service is not asked (ALIBABA_CLOUD_ECS_METADATA_DISABLED=true)"),
            "{error}"
        );
        assert_eq!(http.requests().len(), 2, "not asked");
    }

    #[tokio::test]
    async fn oidc_profiles_send_their_token_file() {
        let fixture = fixture();
        let http = sts_answering();
        let provider = load(builder(&fixture, &[]).profile_name("oidc").via(
            &http,
            Some("http://127.0.0.1:1"),
            None,
        ))
        .await
        .unwrap();
        provider.provide_credentials().await.unwrap();
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

    #[tokio::test]
    async fn credentials_uri_profiles_get_their_uri() {
        let fixture = fixture();
        let http = FakeHttp::new(|_| {
            respond(
                200,
                credentials_json("STS.uri", "uri-secret", "uri-token", in_one_hour()).to_string(),
            )
        });
        let provider = load(
            builder(&fixture, &[])
                .profile_name("uri")
                .via(&http, None, None),
        )
        .await
        .unwrap();
        assert_eq!(
            provider
                .provide_credentials()
                .await
                .unwrap()
                .access_key_id(),
            "STS.uri"
        );
        assert_eq!(
            http.requests()[0].uri.to_string(),
            "http://127.0.0.1:1/credentials"
        );
        let refused = FakeHttp::new(|_| {
            Err(HttpError::new(
                acs_runtime::http::HttpErrorKind::Connect,
                "refused",
            ))
        });
        let provider = load(
            builder(&fixture, &[])
                .profile_name("uri")
                .via(&refused, None, None),
        )
        .await
        .unwrap();
        let error = provider
            .provide_credentials()
            .await
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("cli profile: profile \"uri\": credentials uri: http://127.0.0.1:1/credentials cannot be reached"),
            "{error}"
        );
    }

    /// As the CLI runs it: the command prints a profile-shaped object.
    #[cfg(unix)]
    #[tokio::test]
    async fn external_profiles_run_their_command() {
        use std::os::unix::fs::PermissionsExt;
        let dir = TempDir::new();
        let script = dir.write(
            "credentials.sh",
            "#!/bin/sh\necho '{\"mode\":\"AK\",\"access_key_id\":\"LTAIexternal\",\"access_key_secret\":\"external-secret\"}'\n",
        );
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        let config = format!(
            r#"{{"profiles": [{{"name": "ext", "mode": "External", "process_command": "{} --profile ext"}}]}}"#,
            script.display()
        );
        let config_file = dir.write(".aliyun/config.json", &config);
        let provider = ProfileProvider::builder()
            .config_file(config_file)
            .profile_name("ext")
            .settings(SourceSettings {
                env: Env::fixed(&[]),
                ..SourceSettings::default()
            });
        let credentials = load(provider)
            .await
            .unwrap()
            .provide_credentials()
            .await
            .unwrap();
        assert_eq!(credentials.access_key_id(), "LTAIexternal");
        assert_eq!(credentials.provider(), "external command");
    }

    #[tokio::test]
    async fn incomplete_or_unsupported_profiles_say_what_is_wrong() {
        let fixture = fixture();
        let path = fixture.config_file.display().to_string();
        let error = error_of(builder(&fixture, &[]).profile_name("dev")).await;
        assert_eq!(
            error,
            format!("cli profile: profile \"dev\": mode RamRoleArn needs ram_role_arn (in {path})")
        );
        for (profile, expected) in [
            (
                "bare",
                "profile \"bare\": mode AK needs access_key_id and access_key_secret",
            ),
            ("external", "mode External needs process_command"),
            (
                "short",
                "expired_seconds must be at least 900 seconds, not 300",
            ),
            (
                "sso",
                "profile \"sso\": mode CloudSSO is not supported: it needs the Alibaba Cloud CLI's interactive sign-in",
            ),
            (
                "rsa",
                "profile \"rsa\": mode RsaKeyPair is not supported (supported: AK, StsToken, RamRoleArn, EcsRamRole, OIDC, ChainableRamRoleArn, CredentialsURI, External)",
            ),
            ("nomode", "profile \"nomode\": has no mode"),
        ] {
            let error = error_of(builder(&fixture, &[]).profile_name(profile)).await;
            assert!(error.contains(expected), "{error}");
            assert!(
                !error.contains("PRIVATE KEY") && !error.contains("-secret"),
                "{error}"
            );
        }
        let error = error_of(builder(&fixture, &[]).profile_name("broken")).await;
        assert!(
            error.ends_with("has a value of the wrong type: access_key_id is not a string in profiles[17] (in {path})".replace("{path}", &path).as_str()),
            "{error}"
        );
        assert!(!error.contains("98765432123"));
        let error = error_of(builder(&fixture, &[]).profile_name("prod")).await;
        assert!(
            error.starts_with(&format!(
                "cli profile: profile \"prod\" is not in {path} (profiles there: ak, sts, role,"
            )),
            "{error}"
        );
    }

    #[tokio::test]
    async fn missing_and_invalid_files_are_clear_and_never_quoted() {
        let dir = TempDir::new();
        let no_env = || SourceSettings {
            env: Env::fixed(&[]),
            ..SourceSettings::default()
        };
        let missing = dir.path().join("config.json");
        let error = error_of(
            ProfileProvider::builder()
                .config_file(&missing)
                .settings(no_env()),
        )
        .await;
        assert_eq!(
            error,
            format!(
                "cli profile: {} does not exist (`aliyun configure` creates it)",
                missing.display()
            )
        );

        let broken = dir.write(
            "broken.json",
            "{\"profiles\": [{\"access_key_secret\": \"broken-secret\"",
        );
        let error = error_of(
            ProfileProvider::builder()
                .config_file(&broken)
                .settings(no_env()),
        )
        .await;
        assert_eq!(
            error,
            format!(
                "cli profile: {} ends too early (line 1, column 51)",
                broken.display()
            )
        );
        assert!(!error.contains("broken-secret"));

        let no_home = error_of(ProfileProvider::builder().settings(no_env())).await;
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
        let provider = load(
            builder(&fixture, &[])
                .profile_name("role")
                .via(&down, None, None),
        )
        .await
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

        let static_profile = load(builder(&fixture, &[])).await.unwrap();
        assert!(!format!("{static_profile:?}").contains("profile-secret"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Any bytes, and JSON of any shape where a profile goes: parsing and reading the
        /// profile give a value or an error, never a panic.
        #[test]
        fn config_files_never_panic(
            bytes in proptest::collection::vec(any::<u8>(), 0..200),
            field in prop_oneof![Just("mode"), Just("access_key_id"), Just("expired_seconds"), Just("enable_vpc"), Just("source_profile")],
            value in prop_oneof![Just("null".to_string()), Just("true".to_string()), Just("-1".to_string()), Just("1e400".to_string()), Just("[]".to_string()), "\"\\\\PC{0,12}\""],
        ) {
            if let Ok(file) = ConfigFile::parse(&bytes) {
                let _ = file.profile("default");
            }
            let document = format!(r#"{{"current":"p","profiles":[{{"name":"p",{field:?}:{value}}}]}}"#);
            if let Ok(file) = ConfigFile::parse(document.as_bytes()) {
                let _ = file.profile("p");
            }
        }
    }
}
