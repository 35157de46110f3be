//! Credentials from the environment, read at every call.

use crate::env::Env;
use crate::{Credentials, CredentialsError, ProvideCredentials, ProvideFuture};

pub(crate) const ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
pub(crate) const ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
pub(crate) const SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";

const PROVIDER: &str = "environment";

/// `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and, for temporary
/// credentials, `ALIBABA_CLOUD_SECURITY_TOKEN`, read at every call so a changed environment
/// takes effect.
#[derive(Clone, Debug, Default)]
pub struct EnvironmentProvider {
    env: Env,
}

impl EnvironmentProvider {
    pub fn new() -> Self {
        Self::default()
    }

    pub(crate) fn with_env(env: Env) -> Self {
        EnvironmentProvider { env }
    }

    fn read(&self) -> Result<Credentials, CredentialsError> {
        let missing = |name: &str| CredentialsError::new(PROVIDER, format!("{name} is not set"));
        let id = self
            .env
            .get(ACCESS_KEY_ID)
            .ok_or_else(|| missing(ACCESS_KEY_ID))?;
        let secret = self
            .env
            .get(ACCESS_KEY_SECRET)
            .ok_or_else(|| missing(ACCESS_KEY_SECRET))?;
        let credentials = Credentials::new(id, secret, PROVIDER);
        Ok(match self.env.get(SECURITY_TOKEN) {
            Some(token) => credentials.with_security_token(token),
            None => credentials,
        })
    }
}

impl ProvideCredentials for EnvironmentProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async { self.read() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reads_keys_and_token() {
        let env = Env::fixed(&[
            (ACCESS_KEY_ID, "LTAIenvId"),
            (ACCESS_KEY_SECRET, "env-secret"),
            (SECURITY_TOKEN, "env-token"),
        ]);
        let credentials = EnvironmentProvider::with_env(env)
            .provide_credentials()
            .await
            .unwrap();
        assert_eq!(credentials.access_key_id(), "LTAIenvId");
        assert_eq!(credentials.access_key_secret(), "env-secret");
        assert_eq!(credentials.security_token(), Some("env-token"));
        assert_eq!(credentials.provider(), "environment");
    }

    #[tokio::test]
    async fn a_half_set_environment_names_what_is_missing() {
        let provider =
            EnvironmentProvider::with_env(Env::fixed(&[(ACCESS_KEY_SECRET, "env-secret")]));
        let error = provider.provide_credentials().await.unwrap_err();
        assert_eq!(
            error.to_string(),
            "environment: ALIBABA_CLOUD_ACCESS_KEY_ID is not set"
        );
        let provider = EnvironmentProvider::with_env(Env::fixed(&[(ACCESS_KEY_ID, "LTAIenvId")]));
        let error = provider.provide_credentials().await.unwrap_err();
        assert_eq!(
            error.to_string(),
            "environment: ALIBABA_CLOUD_ACCESS_KEY_SECRET is not set"
        );
        assert!(!format!("{provider:?}").contains("LTAIenvId"));
    }
}
