//! Credentials: what they are, where they come from, and how they are kept fresh.
//!
//! A [`ProvideCredentials`] yields [`Credentials`]; the client asks for them before every
//! attempt, so providers of temporary credentials cache them and refresh them ahead of
//! expiry. Secrets (access key secrets, security tokens, OIDC tokens, the contents of the
//! CLI's config file) never appear in `Debug` output, logs or errors.
//!
//! # Where credentials come from
//!
//! [`DefaultChain`] (what [`Config::builder`](crate::Config::builder) uses unless told
//! otherwise) looks at these sources in this order, as Alibaba Cloud's own credential
//! libraries do. The **first source that is configured wins**, and its errors are reported as
//! they are: a half-configured source is a mistake to show, not a reason to look further.
//!
//! 1. **Environment** ([`EnvironmentProvider`]): `ALIBABA_CLOUD_ACCESS_KEY_ID`,
//!    `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and, for temporary credentials,
//!    `ALIBABA_CLOUD_SECURITY_TOKEN`. Configured when any of them is set.
//! 2. **OIDC role** ([`OidcRoleProvider`], e.g. RRSA on Kubernetes): `ALIBABA_CLOUD_ROLE_ARN`,
//!    `ALIBABA_CLOUD_OIDC_PROVIDER_ARN`, `ALIBABA_CLOUD_OIDC_TOKEN_FILE` and, optionally,
//!    `ALIBABA_CLOUD_ROLE_SESSION_NAME`; STS `AssumeRoleWithOIDC`, which is not signed.
//!    Configured when any of the first three is set.
//! 3. **CLI profile** ([`ProfileProvider`]): the Alibaba Cloud CLI's `~/.aliyun/config.json`
//!    (or the file named by `ALIBABA_CLOUD_CONFIG_FILE`), profile `ALIBABA_CLOUD_PROFILE`, else
//!    the file's `current`. Modes `AK`, `StsToken`, `RamRoleArn`, `EcsRamRole` and `OIDC`.
//!    Configured when the file exists or `ALIBABA_CLOUD_PROFILE` or `ALIBABA_CLOUD_CONFIG_FILE`
//!    is set; `ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true` skips it.
//! 4. **ECS RAM role** ([`EcsRamRoleProvider`]): the instance metadata service at
//!    `http://100.100.100.200`, hardened mode first (IMDSv2; plain mode only as a fallback,
//!    never with `ALIBABA_CLOUD_IMDSV1_DISABLED=true`), role from `ALIBABA_CLOUD_ECS_METADATA`
//!    or the instance. Tried when nothing above is configured, unless
//!    `ALIBABA_CLOUD_ECS_METADATA_DISABLED=true`; 1 s timeouts keep it quick off ECS.
//!
//! The chain keeps the source that first yields credentials (with its cache) for its life;
//! a source that fails is looked for again at the next call.
//!
//! Explicit settings always beat the chain: credentials given to the config
//! ([`StaticProvider`], e.g. from command-line flags) or a provider built for a named profile
//! ([`ProfileProvider::builder`]) are used as they are.
//!
//! STS calls (`AssumeRole`, `AssumeRoleWithOIDC`) go to `sts.aliyuncs.com`, or
//! `sts.<region>.aliyuncs.com` with an STS region (`ALIBABA_CLOUD_STS_REGION`, a profile's
//! `sts_region`, or a builder's), or to `ALIBABA_CLOUD_STS_ENDPOINT` when set; a builder's
//! endpoint beats them all.
//!
//! # Caching
//!
//! Temporary credentials (STS, metadata service) are cached and refreshed 3 minutes before
//! they expire, by one caller however many ask at once. When a refresh fails while the cached
//! credentials are still valid, they stay in use (with a warning) and the refresh is retried
//! 10 seconds later; expired credentials are never handed out.

mod cache;
mod chain;
mod ecs_ram_role;
mod env;
mod environment;
mod oidc;
mod profile;
mod ram_role_arn;
mod static_provider;
mod sts;
#[cfg(test)]
mod test_support;
mod wire;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::SystemTime;

pub use chain::{DefaultChain, DefaultChainBuilder};
pub use ecs_ram_role::{EcsRamRoleProvider, EcsRamRoleProviderBuilder};
pub use environment::EnvironmentProvider;
pub use oidc::{OidcRoleProvider, OidcRoleProviderBuilder};
pub use profile::{ProfileProvider, ProfileProviderBuilder};
pub use ram_role_arn::{RamRoleArnProvider, RamRoleArnProviderBuilder};
pub use static_provider::StaticProvider;
pub use sts::{STS_ENDPOINT_ENV, STS_REGION_ENV};

/// A boxed future, so providers can be used as trait objects.
pub type ProvideFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Credentials, CredentialsError>> + Send + 'a>>;

/// Something that can produce credentials, perhaps asynchronously (from a file, STS or the
/// instance metadata service).
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    fn provide_credentials(&self) -> ProvideFuture<'_>;
}

/// A provider shared by every clone of a client.
#[derive(Clone, Debug)]
pub struct SharedCredentialsProvider(Arc<dyn ProvideCredentials>);

impl SharedCredentialsProvider {
    pub fn new(provider: impl ProvideCredentials + 'static) -> Self {
        SharedCredentialsProvider(Arc::new(provider))
    }

    /// Whether both share one provider.
    pub(crate) fn ptr_eq(&self, other: &SharedCredentialsProvider) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl ProvideCredentials for SharedCredentialsProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        self.0.provide_credentials()
    }
}

/// An access key pair, with a security token and expiry for temporary (STS) credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    access_key_secret: String,
    security_token: Option<String>,
    expiry: Option<SystemTime>,
    provider: &'static str,
    /// Set only by [`Credentials::anonymous`]: an empty key given by mistake still signs
    /// (and fails at the service) rather than silently sending an unsigned request.
    anonymous: bool,
}

impl Credentials {
    /// Long-term credentials (an AccessKey pair).
    pub fn new(
        access_key_id: impl Into<String>,
        access_key_secret: impl Into<String>,
        provider: &'static str,
    ) -> Self {
        Credentials {
            access_key_id: access_key_id.into(),
            access_key_secret: access_key_secret.into(),
            security_token: None,
            expiry: None,
            provider,
            anonymous: false,
        }
    }

    /// No credentials: the client sends requests without an `Authorization` header, for the
    /// few calls that take none (STS `AssumeRoleWithOIDC`).
    pub fn anonymous() -> Self {
        Credentials {
            anonymous: true,
            ..Credentials::new("", "", "anonymous")
        }
    }

    /// Whether these are [`Credentials::anonymous`].
    pub fn is_anonymous(&self) -> bool {
        self.anonymous
    }

    /// Adds the security token of temporary credentials.
    pub fn with_security_token(mut self, security_token: impl Into<String>) -> Self {
        self.security_token = Some(security_token.into());
        self
    }

    /// Adds when temporary credentials stop working.
    pub fn with_expiry(mut self, expiry: SystemTime) -> Self {
        self.expiry = Some(expiry);
        self
    }

    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    pub fn access_key_secret(&self) -> &str {
        &self.access_key_secret
    }

    pub fn security_token(&self) -> Option<&str> {
        self.security_token.as_deref()
    }

    pub fn expiry(&self) -> Option<SystemTime> {
        self.expiry
    }

    /// Which provider produced these credentials (`environment`, `profile`, …).
    pub fn provider(&self) -> &'static str {
        self.provider
    }
}

/// Shows the access key id's first four characters only, and never the secret or token.
impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &redact_key_id(&self.access_key_id))
            .field("access_key_secret", &"** redacted **")
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "** redacted **"),
            )
            .field("expiry", &self.expiry)
            .field("provider", &self.provider)
            .finish()
    }
}

/// `LTAI****`: enough to tell keys apart in logs, not enough to use one.
pub(crate) fn redact_key_id(access_key_id: &str) -> String {
    let shown: String = access_key_id.chars().take(4).collect();
    format!("{shown}****")
}

/// `a`, `a and b`, `a, b and c`: what an error says is missing.
pub(crate) fn list_names(names: &[&str]) -> String {
    match names {
        [init @ .., last] if !init.is_empty() => format!("{} and {last}", init.join(", ")),
        _ => names.concat(),
    }
}

/// Why credentials could not be had. Messages name the provider and what is missing, never
/// a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialsError {
    provider: &'static str,
    message: String,
}

impl CredentialsError {
    pub fn new(provider: &'static str, message: impl Into<String>) -> Self {
        CredentialsError {
            provider,
            message: message.into(),
        }
    }

    pub fn provider(&self) -> &'static str {
        self.provider
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.provider, self.message)
    }
}

impl std::error::Error for CredentialsError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_secrets() {
        let credentials = Credentials::new("LTAIexampleKeyId", "VerySecretValue", "test")
            .with_security_token("TokenSecretValue");
        let shown = format!("{credentials:?}");
        assert!(shown.contains("LTAI****"));
        assert!(!shown.contains("exampleKeyId"));
        assert!(!shown.contains("VerySecretValue"));
        assert!(!shown.contains("TokenSecretValue"));
        let provider = SharedCredentialsProvider::new(StaticProvider::new(credentials));
        assert!(!format!("{provider:?}").contains("VerySecretValue"));
    }

    #[test]
    fn anonymous_credentials_have_no_key() {
        let anonymous = Credentials::anonymous();
        assert!(anonymous.is_anonymous());
        assert_eq!(anonymous.provider(), "anonymous");
        assert!(!Credentials::new("LTAIkey", "secret", "test").is_anonymous());
        assert!(
            !Credentials::new("", "", "test").is_anonymous(),
            "only anonymous() is anonymous"
        );
    }

    #[test]
    fn missing_names_read_as_a_list() {
        assert_eq!(list_names(&["a"]), "a");
        assert_eq!(list_names(&["a", "b"]), "a and b");
        assert_eq!(list_names(&["a", "b", "c"]), "a, b and c");
    }

    #[test]
    fn errors_show_the_provider_then_the_message() {
        let error = CredentialsError::new(
            "cli profile",
            "profile \"dev\": mode RamRoleArn needs ram_role_arn",
        );
        assert_eq!(
            error.to_string(),
            "cli profile: profile \"dev\": mode RamRoleArn needs ram_role_arn"
        );
        assert_eq!(error.provider(), "cli profile");
    }
}
