//! Credentials from the credentials file that Alibaba Cloud's official credential libraries
//! read: the INI file `~/.alibabacloud/credentials`.

use std::path::{Path, PathBuf};

use crate::files;
use crate::profile::PROFILE_ENV;
use crate::settings::{Role, SourceSettings};
use crate::{
    Credentials, CredentialsError, ProvideCredentials, ProvideFuture, SharedCredentialsProvider,
    StaticProvider,
};

/// The credentials file to read instead of `~/.alibabacloud/credentials`.
pub(crate) const CREDENTIALS_FILE_ENV: &str = "ALIBABA_CLOUD_CREDENTIALS_FILE";

const PROVIDER: &str = "credentials file";
const SUPPORTED_TYPES: &str = "access_key, ram_role_arn, ecs_ram_role, oidc_role_arn";

/// Credentials from a section of the INI credentials file (`~/.alibabacloud/credentials`, or
/// `ALIBABA_CLOUD_CREDENTIALS_FILE`), chosen by its `type`:
///
/// ```ini
/// [default]
/// type = access_key                  # access_key_id, access_key_secret
///
/// [deploy]
/// type = ram_role_arn                # access_key_id, access_key_secret, role_arn,
/// access_key_id = LTAI…              # and optionally role_session_name, policy
/// access_key_secret = …
/// role_arn = acs:ram::1234:role/deployer
///
/// [on-ecs]
/// type = ecs_ram_role                # optionally role_name
///
/// [pod]
/// type = oidc_role_arn               # role_arn, oidc_provider_arn, oidc_token_file_path
/// ```
///
/// The section is the one named with [`CredentialsFileProviderBuilder::profile_name`], else by
/// `ALIBABA_CLOUD_PROFILE`, else `default`. A section with `enable = false` is refused. Lines
/// starting with `#` or `;` are comments, as is the rest of a line from a `#` or `;` that
/// follows a space or tab. The file is read once, without blocking, when the provider is
/// loaded.
#[derive(Debug)]
pub struct CredentialsFileProvider {
    profile_name: String,
    file: PathBuf,
    inner: SharedCredentialsProvider,
}

impl CredentialsFileProvider {
    pub fn builder() -> CredentialsFileProviderBuilder {
        CredentialsFileProviderBuilder::default()
    }

    pub fn profile_name(&self) -> &str {
        &self.profile_name
    }

    /// The file the section was read from.
    pub fn file(&self) -> &Path {
        &self.file
    }
}

impl ProvideCredentials for CredentialsFileProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            self.inner.provide_credentials().await.map_err(|error| {
                CredentialsError::new(PROVIDER, format!("[{}]: {error}", self.profile_name))
            })
        })
    }
}

#[derive(Clone, Debug, Default)]
pub struct CredentialsFileProviderBuilder {
    profile_name: Option<String>,
    file: Option<PathBuf>,
    settings: SourceSettings,
}

impl CredentialsFileProviderBuilder {
    /// The section to use.
    pub fn profile_name(mut self, name: impl Into<String>) -> Self {
        self.profile_name = Some(name.into());
        self
    }

    /// The file to read; default `ALIBABA_CLOUD_CREDENTIALS_FILE`, else
    /// `~/.alibabacloud/credentials`.
    pub fn file(mut self, path: impl Into<PathBuf>) -> Self {
        self.file = Some(path.into());
        self
    }

    pub(crate) fn settings(mut self, settings: SourceSettings) -> Self {
        self.settings = settings;
        self
    }

    /// Reads the file and sets up the section's type.
    ///
    /// # Errors
    /// When the file cannot be read or parsed, the section is not in it, is disabled, or its
    /// type is unsupported or incomplete.
    pub async fn load(self) -> Result<CredentialsFileProvider, CredentialsError> {
        let file = self
            .file
            .clone()
            .or_else(|| {
                self.settings
                    .env
                    .get(CREDENTIALS_FILE_ENV)
                    .map(PathBuf::from)
            })
            .or_else(|| self.settings.in_home(".alibabacloud/credentials"))
            .ok_or_else(|| {
                error(
                    "cannot find ~/.alibabacloud/credentials: neither HOME nor USERPROFILE is set",
                )
            })?;
        let shown = file.display();
        let bytes = files::read_capped(&file)
            .await
            .map_err(|failure| error(format!("{shown} {}", failure.describe())))?;
        let sections = parse(&String::from_utf8_lossy(&bytes))
            .map_err(|reason| error(format!("{shown}: {reason}")))?;
        let profile_name = self
            .profile_name
            .clone()
            .filter(|name| !name.is_empty())
            .or_else(|| self.settings.env.get(PROFILE_ENV))
            .unwrap_or_else(|| "default".to_string());
        let section = sections
            .iter()
            .find(|section| section.name == profile_name)
            .ok_or_else(|| {
                let names: Vec<&str> = sections
                    .iter()
                    .map(|section| section.name.as_str())
                    .collect();
                error(format!(
                    "{shown} has no section [{profile_name}] (sections there: {})",
                    if names.is_empty() {
                        "none".to_string()
                    } else {
                        names.join(", ")
                    }
                ))
            })?;
        let inner = self
            .provider(section)
            .map_err(|message| error(format!("[{profile_name}] in {shown}: {message}")))?;
        Ok(CredentialsFileProvider {
            profile_name,
            file,
            inner,
        })
    }

    fn provider(&self, section: &Section) -> Result<SharedCredentialsProvider, String> {
        if section
            .get("enable")
            .is_some_and(|enable| enable.eq_ignore_ascii_case("false"))
        {
            return Err("the section is disabled (enable = false)".to_string());
        }
        let kind = section.get("type").ok_or("has no type")?;
        let require = |keys: &[&str]| -> Result<(), String> {
            let missing: Vec<&str> = keys
                .iter()
                .copied()
                .filter(|key| section.get(key).is_none())
                .collect();
            if missing.is_empty() {
                Ok(())
            } else {
                Err(format!("type {kind} needs {}", crate::list_names(&missing)))
            }
        };
        let value = |key: &str| section.get(key).unwrap_or_default();
        let role = || Role {
            arn: value("role_arn"),
            session_name: section.get("role_session_name"),
            policy: section.get("policy"),
            ..Role::default()
        };
        match kind {
            "access_key" => {
                require(&["access_key_id", "access_key_secret"])?;
                let credentials =
                    Credentials::new(value("access_key_id"), value("access_key_secret"), PROVIDER);
                Ok(SharedCredentialsProvider::new(StaticProvider::new(
                    credentials,
                )))
            }
            "ram_role_arn" => {
                require(&["access_key_id", "access_key_secret", "role_arn"])?;
                let key =
                    Credentials::new(value("access_key_id"), value("access_key_secret"), PROVIDER);
                let source = SharedCredentialsProvider::new(StaticProvider::new(key));
                self.settings
                    .ram_role_arn(source, &role())
                    .map_err(|failure| failure.to_string())
            }
            "ecs_ram_role" => self
                .settings
                .ecs_ram_role(section.get("role_name"))
                .map_err(|failure| failure.to_string()),
            "oidc_role_arn" => {
                require(&["role_arn", "oidc_provider_arn", "oidc_token_file_path"])?;
                self.settings
                    .oidc_role(
                        &role(),
                        value("oidc_provider_arn"),
                        value("oidc_token_file_path"),
                    )
                    .map_err(|failure| failure.to_string())
            }
            other => Err(format!(
                "type {other} is not supported (supported: {SUPPORTED_TYPES})"
            )),
        }
    }
}

fn error(message: impl Into<String>) -> CredentialsError {
    CredentialsError::new(PROVIDER, message)
}

/// The credentials file source of the default chain.
pub(crate) async fn chain_source(
    settings: &SourceSettings,
    file: Option<&PathBuf>,
) -> Result<SharedCredentialsProvider, CredentialsError> {
    let mut builder = CredentialsFileProvider::builder().settings(settings.clone());
    if let Some(file) = file {
        builder = builder.file(file);
    }
    builder.load().await.map(SharedCredentialsProvider::new)
}

/// One `[name]` section and its `key = value` pairs; of a key given twice, the later value.
#[derive(Debug, PartialEq, Eq)]
struct Section {
    name: String,
    entries: Vec<(String, String)>,
}

impl Section {
    /// The value of `key`, unless empty.
    fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .rev()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.as_str())
            .filter(|value| !value.is_empty())
    }
}

/// Parses the INI text as the official Java library does. The reason names the line and never
/// quotes it: a value may be a secret.
fn parse(text: &str) -> Result<Vec<Section>, String> {
    let mut sections: Vec<Section> = Vec::new();
    // The section that the lines read go to: the one named last.
    let mut current = None;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        let line = without_trailing_comment(line);
        if let Some(header) = line.strip_prefix('[') {
            let name = header
                .strip_suffix(']')
                .ok_or_else(|| format!("line {number}: a section header must end with `]`"))?
                .trim();
            if name.is_empty() {
                return Err(format!("line {number}: a section has no name"));
            }
            current = Some(
                match sections.iter().position(|section| section.name == name) {
                    Some(at) => at,
                    None => {
                        sections.push(Section {
                            name: name.to_string(),
                            entries: Vec::new(),
                        });
                        sections.len() - 1
                    }
                },
            );
            continue;
        }
        let (key, value) = line.split_once('=').ok_or_else(|| {
            format!("line {number} is neither a section, a `key = value` line nor a comment")
        })?;
        let key = key.trim();
        if key.is_empty() {
            return Err(format!("line {number}: a value has no key"));
        }
        let section = current
            .map(|at| &mut sections[at])
            .ok_or_else(|| format!("line {number}: a value comes before any section"))?;
        section
            .entries
            .push((key.to_string(), value.trim().to_string()));
    }
    Ok(sections)
}

/// The line up to a `#` or `;` that follows whitespace: a comment after a value. One without
/// whitespace before it belongs to the value.
fn without_trailing_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    let comment = (1..bytes.len())
        .find(|&at| matches!(bytes[at], b'#' | b';') && matches!(bytes[at - 1], b' ' | b'\t'));
    match comment {
        Some(at) => line[..at].trim_end(),
        None => line,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::env::Env;
    use crate::test_support::{
        FakeHttp, TempDir, Via, fake_metadata, in_one_hour, respond, sts_body,
    };

    impl Via for CredentialsFileProviderBuilder {
        fn source_settings(&mut self) -> &mut SourceSettings {
            &mut self.settings
        }
    }

    const FILE: &str = "\
# Written by hand.
[default]
type = access_key           ; the long-term key
access_key_id = LTAIiniKey
access_key_secret = ini#secret;part

[deploy]
type = ram_role_arn
access_key_id = LTAIdeploySource
access_key_secret = deploy-source-secret
role_arn = acs:ram::100:role/deployer
role_session_name = ini-session
policy = {\"Version\":\"1\"}

[pod]
type = oidc_role_arn
role_arn = acs:ram::100:role/pod
oidc_provider_arn = acs:ram::100:oidc-provider/ack
oidc_token_file_path = {token_file}

[on-ecs]
type = ecs_ram_role
role_name = worker

[off]
enable = false
type = access_key
access_key_id = LTAIoff
access_key_secret = off-secret

[rsa]
type = rsa_key_pair
public_key_id = x

[half]
type = ram_role_arn
access_key_id = LTAIhalf
";

    fn fixture(dir: &TempDir) -> PathBuf {
        let token_file = dir.write("token", "ini-oidc-token");
        dir.write(
            ".alibabacloud/credentials",
            &FILE.replace("{token_file}", token_file.to_str().unwrap()),
        )
    }

    fn builder(file: &Path, env: &[(&str, &str)]) -> CredentialsFileProviderBuilder {
        CredentialsFileProvider::builder()
            .file(file)
            .settings(SourceSettings {
                env: Env::fixed(env),
                ..SourceSettings::default()
            })
    }

    #[tokio::test]
    async fn access_keys_come_from_the_default_section_or_the_one_named() {
        let dir = TempDir::new();
        let file = fixture(&dir);
        let provider = builder(&file, &[]).load().await.unwrap();
        assert_eq!(provider.profile_name(), "default");
        let credentials = provider.provide_credentials().await.unwrap();
        assert_eq!(credentials.access_key_id(), "LTAIiniKey");
        assert_eq!(
            credentials.access_key_secret(),
            "ini#secret;part",
            "a # or ; inside a value is part of it"
        );
        assert_eq!(credentials.provider(), "credentials file");

        // ALIBABA_CLOUD_CREDENTIALS_FILE, else the home directory's; ALIBABA_CLOUD_PROFILE.
        let by_env = CredentialsFileProvider::builder().settings(SourceSettings {
            env: Env::fixed(&[
                (CREDENTIALS_FILE_ENV, file.to_str().unwrap()),
                (PROFILE_ENV, "off"),
            ]),
            ..SourceSettings::default()
        });
        let error = by_env.load().await.unwrap_err().to_string();
        assert!(
            error.ends_with("the section is disabled (enable = false)"),
            "{error}"
        );
        let by_home = CredentialsFileProvider::builder().settings(SourceSettings {
            env: Env::fixed(&[("HOME", dir.path().to_str().unwrap())]),
            ..SourceSettings::default()
        });
        assert_eq!(by_home.load().await.unwrap().file(), file);
    }

    #[tokio::test]
    async fn role_sections_assume_their_role() {
        let dir = TempDir::new();
        let file = fixture(&dir);
        let http = FakeHttp::new(|_| {
            respond(
                200,
                sts_body("STS.ini", "ini-secret", "ini-token", in_one_hour()),
            )
        });
        let provider = builder(&file, &[])
            .profile_name("deploy")
            .via(&http, Some("http://127.0.0.1:1"), None)
            .load()
            .await
            .unwrap();
        assert_eq!(
            provider
                .provide_credentials()
                .await
                .unwrap()
                .access_key_id(),
            "STS.ini"
        );
        let request = &http.requests()[0];
        assert_eq!(request.header("x-acs-action"), Some("AssumeRole"));
        assert_eq!(
            request.query_param("RoleSessionName").as_deref(),
            Some("ini-session")
        );
        assert_eq!(
            request.query_param("Policy").as_deref(),
            Some(r#"{"Version":"1"}"#)
        );
        request
            .verify_signature("LTAIdeploySource", "deploy-source-secret")
            .unwrap();

        let pod = builder(&file, &[])
            .profile_name("pod")
            .via(&http, Some("http://127.0.0.1:1"), None)
            .load()
            .await
            .unwrap();
        pod.provide_credentials().await.unwrap();
        assert_eq!(
            http.requests()[1].form_param("OIDCToken").as_deref(),
            Some("ini-oidc-token")
        );
    }

    #[tokio::test]
    async fn ecs_ram_role_sections_ask_the_metadata_service_for_their_role() {
        let dir = TempDir::new();
        let file = fixture(&dir);
        let http = fake_metadata(true);
        let provider = builder(&file, &[])
            .profile_name("on-ecs")
            .via(&http, None, Some("http://127.0.0.1:1"))
            .load()
            .await
            .unwrap();
        assert_eq!(
            provider
                .provide_credentials()
                .await
                .unwrap()
                .access_key_id(),
            "STS.ecs"
        );
        assert_eq!(http.requests().len(), 2, "the named role is not looked up");
    }

    #[tokio::test]
    async fn unsupported_incomplete_or_missing_sections_are_explained() {
        let dir = TempDir::new();
        let file = fixture(&dir);
        let error_of = |name: &'static str, env: &'static [(&'static str, &'static str)]| {
            let builder = builder(&file, env).profile_name(name);
            async move { builder.load().await.unwrap_err().to_string() }
        };
        let shown = file.display().to_string();
        assert_eq!(
            error_of("rsa", &[]).await,
            format!(
                "credentials file: [rsa] in {shown}: type rsa_key_pair is not supported (supported: access_key, ram_role_arn, ecs_ram_role, oidc_role_arn)"
            )
        );
        assert!(
            error_of("half", &[])
                .await
                .ends_with("type ram_role_arn needs access_key_secret and role_arn")
        );
        assert_eq!(
            error_of("prod", &[]).await,
            format!(
                "credentials file: {shown} has no section [prod] (sections there: default, deploy, pod, on-ecs, off, rsa, half)"
            )
        );
        assert!(
            error_of("on-ecs", &[("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")])
                .await
                .ends_with("ecs ram role: the instance metadata service is not asked (ALIBABA_CLOUD_ECS_METADATA_DISABLED=true)")
        );
        let missing = dir.path().join("nothing");
        let error = builder(&missing, &[]).load().await.unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("credentials file: {} does not exist", missing.display())
        );
    }

    #[test]
    fn the_parser_follows_the_official_rules_and_never_quotes_a_line() {
        let sections =
            parse("; comment\n  [ a ]  # trailing\nk=v\nk = w \n\n[b]\nx = 1 ;c\n[a]\ny=2\n")
                .unwrap();
        assert_eq!(
            sections,
            [
                Section {
                    name: "a".into(),
                    entries: vec![
                        ("k".into(), "v".into()),
                        ("k".into(), "w".into()),
                        ("y".into(), "2".into())
                    ]
                },
                Section {
                    name: "b".into(),
                    entries: vec![("x".into(), "1".into())]
                },
            ]
        );
        assert_eq!(sections[0].get("k"), Some("w"), "the later value wins");
        for (text, reason) in [
            ("[open\n", "line 1: a section header must end with `]`"),
            ("[]\n", "line 1: a section has no name"),
            (
                "secret-value = 1\n",
                "line 1: a value comes before any section",
            ),
            (
                "[a]\nsecret-value\n",
                "line 2 is neither a section, a `key = value` line nor a comment",
            ),
            ("[a]\n = secret-value\n", "line 2: a value has no key"),
        ] {
            assert_eq!(parse(text).unwrap_err(), reason);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn any_text_parses_or_fails_without_panicking(
            text in "(\\[?[\\PC]{0,8}\\]?[ =#;\\t]{0,2}[\\PC]{0,8}\\n){0,8}"
        ) {
            if let Ok(sections) = parse(&text) {
                for section in &sections {
                    let _ = section.get("type");
                }
            }
            let _ = without_trailing_comment(&text);
        }
    }
}
