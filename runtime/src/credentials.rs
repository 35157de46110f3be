//! Credentials as the client uses them: the keys ([`Credentials`]), what yields them
//! ([`ProvideCredentials`]), fixed keys ([`StaticProvider`]) and why none could be had
//! ([`CredentialsError`]).
//!
//! The client asks its provider before every attempt, so that a provider of temporary
//! credentials can refresh them. Where credentials come from (the environment, profiles, STS,
//! the ECS instance metadata service, Alibaba Cloud's default chain) is the `acs-credentials`
//! crate's job: it calls STS through this runtime, so the runtime cannot depend on it.
//! Secrets never appear in `Debug` output, logs or errors.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

use crate::sign::SigningKey;

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

/// Credentials fixed in code or given on a command line.
#[derive(Clone, Debug)]
pub struct StaticProvider(Credentials);

impl StaticProvider {
    pub fn new(credentials: Credentials) -> Self {
        StaticProvider(credentials)
    }

    /// An AccessKey (and, for temporary credentials, a security token) given directly, as
    /// with command-line flags; `source` (`command line`) names them in errors. An empty key
    /// is refused here, where it can be told apart from a key left out, rather than failing
    /// later at the service.
    pub fn from_access_key(
        access_key_id: impl Into<String>,
        access_key_secret: impl Into<String>,
        security_token: Option<String>,
        source: &'static str,
    ) -> Result<Self, CredentialsError> {
        let (id, secret) = (access_key_id.into(), access_key_secret.into());
        if id.is_empty() {
            return Err(CredentialsError::new(source, "the access key id is empty"));
        }
        if secret.is_empty() {
            return Err(CredentialsError::new(
                source,
                "the access key secret is empty",
            ));
        }
        let credentials = Credentials::new(id, secret, source);
        Ok(StaticProvider(
            match security_token.filter(|token| !token.is_empty()) {
                Some(token) => credentials.with_security_token(token),
                None => credentials,
            },
        ))
    }
}

impl ProvideCredentials for StaticProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        let credentials = self.0.clone();
        Box::pin(async move { Ok(credentials) })
    }
}

/// The provider of a client that sends only operations the official SDKs send unsigned
/// ([`Operation::anonymous`](crate::Operation::anonymous), STS `AssumeRoleWithOIDC`): the
/// client never asks it for those, and a call that is signed is told there are none.
#[derive(Clone, Copy, Debug)]
pub struct NoCredentials;

impl ProvideCredentials for NoCredentials {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async {
            Err(CredentialsError::new(
                "none",
                "this client holds no credentials: it sends only the operations sent unsigned",
            ))
        })
    }
}

/// An access key pair, with a security token and expiry for temporary (STS) credentials.
///
/// Clones share the keys: a provider hands out a clone for every attempt, and a cache or
/// chain may clone again, so a clone costs a reference count rather than copies of every
/// secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials(Arc<Keys>);

#[derive(Clone)]
struct Keys {
    access_key_id: String,
    access_key_secret: String,
    security_token: Option<String>,
    expiry: Option<SystemTime>,
    provider: &'static str,
    /// The secret as an ACS3 signature's HMAC key, made at the first signature: every
    /// attempt signs with the same secret, and making the key hashes a block each of its
    /// inner and outer pads.
    acs3_key: OnceLock<SigningKey>,
}

/// Equal keys: the signing key follows from the secret.
impl PartialEq for Keys {
    fn eq(&self, other: &Self) -> bool {
        self.access_key_id == other.access_key_id
            && self.access_key_secret == other.access_key_secret
            && self.security_token == other.security_token
            && self.expiry == other.expiry
            && self.provider == other.provider
    }
}

impl Eq for Keys {}

impl Credentials {
    /// Long-term credentials (an AccessKey pair).
    pub fn new(
        access_key_id: impl Into<String>,
        access_key_secret: impl Into<String>,
        provider: &'static str,
    ) -> Self {
        Credentials(Arc::new(Keys {
            access_key_id: access_key_id.into(),
            access_key_secret: access_key_secret.into(),
            security_token: None,
            expiry: None,
            provider,
            acs3_key: OnceLock::new(),
        }))
    }

    /// Adds the security token of temporary credentials.
    pub fn with_security_token(mut self, security_token: impl Into<String>) -> Self {
        Arc::make_mut(&mut self.0).security_token = Some(security_token.into());
        self
    }

    /// Adds when temporary credentials stop working.
    pub fn with_expiry(mut self, expiry: SystemTime) -> Self {
        Arc::make_mut(&mut self.0).expiry = Some(expiry);
        self
    }

    pub fn access_key_id(&self) -> &str {
        &self.0.access_key_id
    }

    pub fn access_key_secret(&self) -> &str {
        &self.0.access_key_secret
    }

    pub fn security_token(&self) -> Option<&str> {
        self.0.security_token.as_deref()
    }

    pub fn expiry(&self) -> Option<SystemTime> {
        self.0.expiry
    }

    /// Which provider produced these credentials (`environment`, `profile`, …).
    pub fn provider(&self) -> &'static str {
        self.0.provider
    }

    /// The ACS3 signature's key: the secret's HMAC-SHA256 key, made once for these keys and
    /// every clone of them.
    pub(crate) fn acs3_key(&self) -> &SigningKey {
        self.0
            .acs3_key
            .get_or_init(|| SigningKey::new(self.access_key_secret()))
    }
}

/// Shows the access key id's first four characters only, and never the secret or token.
impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &redact_key_id(self.access_key_id()))
            .field("access_key_secret", &"** redacted **")
            .field(
                "security_token",
                &self.security_token().map(|_| "** redacted **"),
            )
            .field("expiry", &self.expiry())
            .field("provider", &self.provider())
            .finish()
    }
}

/// `LTAI****`: enough to tell keys apart in logs, not enough to use one.
fn redact_key_id(access_key_id: &str) -> String {
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

    #[tokio::test]
    async fn access_keys_from_flags_must_be_complete() {
        let provider = StaticProvider::from_access_key(
            "LTAIflag",
            "flag-secret",
            Some("flag-token".into()),
            "command line",
        );
        let credentials = provider.unwrap().provide_credentials().await.unwrap();
        assert_eq!(credentials.access_key_id(), "LTAIflag");
        assert_eq!(credentials.security_token(), Some("flag-token"));
        assert_eq!(credentials.provider(), "command line");

        let error =
            StaticProvider::from_access_key("", "flag-secret", None, "command line").unwrap_err();
        assert_eq!(
            error.to_string(),
            "command line: the access key id is empty"
        );
        let error =
            StaticProvider::from_access_key("LTAIflag", "", None, "command line").unwrap_err();
        assert_eq!(
            error.to_string(),
            "command line: the access key secret is empty"
        );
    }
}
