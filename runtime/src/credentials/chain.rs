use super::{CredentialsError, EnvironmentProvider, ProvideCredentials, ProvideFuture};

/// The default order, as Alibaba Cloud's credential libraries resolve credentials: the
/// first source that is configured is used, and its errors are reported as they are (a
/// half-configured source is a mistake to show, not to skip).
///
/// 1. Environment: `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET`,
///    `ALIBABA_CLOUD_SECURITY_TOKEN`.
#[derive(Debug, Default)]
pub struct DefaultChain {
    environment: EnvironmentProvider,
}

impl DefaultChain {
    pub fn new() -> Self {
        Self::default()
    }
}

impl ProvideCredentials for DefaultChain {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            if EnvironmentProvider::is_configured() {
                return self.environment.provide_credentials().await;
            }
            Err(CredentialsError::new(
                "default chain",
                "no credentials found: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET",
            ))
        })
    }
}
