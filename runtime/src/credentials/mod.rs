//! Credentials: what they are, where they come from, and how they are kept fresh.
//!
//! A [`ProvideCredentials`] yields [`Credentials`]; the client asks for them before every
//! attempt, so providers of temporary credentials cache them and refresh ahead of expiry.
//! Secrets never appear in `Debug` output, logs or errors.

mod chain;
mod environment;
mod static_provider;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::SystemTime;

pub use chain::DefaultChain;
pub use environment::EnvironmentProvider;
pub use static_provider::StaticProvider;

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
        }
    }

    /// No credentials: the client sends requests without an `Authorization` header, for the
    /// few calls that take none (STS `AssumeRoleWithOIDC`).
    pub fn anonymous() -> Self {
        Credentials::new("", "", "anonymous")
    }

    /// Whether these are [`Credentials::anonymous`] (no access key id).
    pub fn is_anonymous(&self) -> bool {
        self.access_key_id.is_empty()
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
            .field("security_token", &self.security_token.as_ref().map(|_| "** redacted **"))
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

/// Why credentials could not be had. Messages name the provider and what is missing, never
/// a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialsError {
    provider: &'static str,
    message: String,
}

impl CredentialsError {
    pub fn new(provider: &'static str, message: impl Into<String>) -> Self {
        CredentialsError { provider, message: message.into() }
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
    }

    #[test]
    fn anonymous_credentials_have_no_key() {
        let anonymous = Credentials::anonymous();
        assert!(anonymous.is_anonymous());
        assert_eq!(anonymous.provider(), "anonymous");
        assert!(!Credentials::new("LTAIkey", "secret", "test").is_anonymous());
    }
}
