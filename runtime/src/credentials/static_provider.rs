use super::{Credentials, CredentialsError, ProvideCredentials, ProvideFuture};

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

#[cfg(test)]
mod tests {
    use super::*;

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
