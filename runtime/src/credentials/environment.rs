use super::{Credentials, CredentialsError, ProvideCredentials, ProvideFuture};

pub const ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
pub const ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
pub const SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";

/// `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and, for temporary
/// credentials, `ALIBABA_CLOUD_SECURITY_TOKEN`, read at every call so a changed environment
/// takes effect.
#[derive(Clone, Debug, Default)]
pub struct EnvironmentProvider {
    _private: (),
}

impl EnvironmentProvider {
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the environment names an access key at all (the default chain moves on if not).
    pub fn is_configured() -> bool {
        non_empty(ACCESS_KEY_ID).is_some()
    }

    fn read() -> Result<Credentials, CredentialsError> {
        let missing =
            |name: &str| CredentialsError::new("environment", format!("{name} is not set"));
        let id = non_empty(ACCESS_KEY_ID).ok_or_else(|| missing(ACCESS_KEY_ID))?;
        let secret = non_empty(ACCESS_KEY_SECRET).ok_or_else(|| missing(ACCESS_KEY_SECRET))?;
        let credentials = Credentials::new(id, secret, "environment");
        Ok(match non_empty(SECURITY_TOKEN) {
            Some(token) => credentials.with_security_token(token),
            None => credentials,
        })
    }
}

impl ProvideCredentials for EnvironmentProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async { Self::read() })
    }
}

fn non_empty(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}
