//! What the chain and the profile providers share when they set up a source: where STS and the
//! metadata service are, the HTTP client, the environment; and one way to build each kind of
//! provider a profile can name, whichever file names it.

use std::path::PathBuf;

use acs_runtime::http::SharedHttpClient;

use crate::ecs_ram_role::EcsRamRoleProvider;
use crate::env::Env;
use crate::oidc::OidcRoleProvider;
use crate::ram_role_arn::RamRoleArnProvider;
use crate::sts::{StsSettings, check_duration};
use crate::uri::CredentialsUriProvider;
use crate::{CredentialsError, SharedCredentialsProvider};

#[derive(Clone, Debug, Default)]
pub(crate) struct SourceSettings {
    pub(crate) sts_endpoint: Option<String>,
    pub(crate) imds_endpoint: Option<String>,
    pub(crate) http_client: Option<SharedHttpClient>,
    pub(crate) env: Env,
}

/// A role to assume, as a profile describes it.
#[derive(Debug, Default)]
pub(crate) struct Role<'a> {
    pub(crate) arn: &'a str,
    pub(crate) session_name: Option<&'a str>,
    /// `expired_seconds`: 0 for the default.
    pub(crate) duration_seconds: Option<u32>,
    pub(crate) external_id: Option<&'a str>,
    pub(crate) policy: Option<&'a str>,
    pub(crate) sts_region: Option<&'a str>,
    pub(crate) vpc: bool,
}

impl Role<'_> {
    fn sts(&self, settings: &SourceSettings) -> StsSettings {
        StsSettings {
            endpoint: settings.sts_endpoint.clone(),
            region: self.sts_region.map(str::to_string),
            vpc: self.vpc,
            http_client: settings.http_client.clone(),
        }
    }

    /// The duration to ask for: none for 0 or absent, else at least STS's minimum.
    fn duration(&self, provider: &'static str) -> Result<Option<u32>, CredentialsError> {
        match self.duration_seconds {
            None | Some(0) => Ok(None),
            Some(seconds) => check_duration(provider, "expired_seconds", seconds).map(Some),
        }
    }
}

fn shared(provider: impl crate::ProvideCredentials + 'static) -> SharedCredentialsProvider {
    SharedCredentialsProvider::new(provider)
}

impl SourceSettings {
    /// `AssumeRole` of `role`, signed with `source`'s credentials.
    pub(crate) fn ram_role_arn(
        &self,
        source: SharedCredentialsProvider,
        role: &Role<'_>,
    ) -> Result<SharedCredentialsProvider, CredentialsError> {
        let mut builder = RamRoleArnProvider::builder_shared(source, role.arn)
            .sts(role.sts(self))
            .env(self.env.clone());
        if let Some(session_name) = role.session_name {
            builder = builder.session_name(session_name);
        }
        if let Some(seconds) = role.duration("ram role arn")? {
            builder = builder.duration_seconds(seconds);
        }
        if let Some(external_id) = role.external_id {
            builder = builder.external_id(external_id);
        }
        if let Some(policy) = role.policy {
            builder = builder.policy(policy);
        }
        builder.build().map(shared)
    }

    /// `AssumeRoleWithOIDC` of `role` with the token in `token_file`.
    pub(crate) fn oidc_role(
        &self,
        role: &Role<'_>,
        oidc_provider_arn: &str,
        token_file: &str,
    ) -> Result<SharedCredentialsProvider, CredentialsError> {
        let mut builder =
            OidcRoleProvider::builder(role.arn, oidc_provider_arn, PathBuf::from(token_file))
                .sts(role.sts(self))
                .env(self.env.clone());
        if let Some(session_name) = role.session_name {
            builder = builder.session_name(session_name);
        }
        if let Some(seconds) = role.duration("oidc role")? {
            builder = builder.duration_seconds(seconds);
        }
        if let Some(policy) = role.policy {
            builder = builder.policy(policy);
        }
        builder.build().map(shared)
    }

    /// The instance's RAM role (`role_name`, else the one attached).
    pub(crate) fn ecs_ram_role(
        &self,
        role_name: Option<&str>,
    ) -> Result<SharedCredentialsProvider, CredentialsError> {
        let mut builder = EcsRamRoleProvider::builder()
            .http_client_shared(self.http_client.clone())
            .env(self.env.clone());
        if let Some(role_name) = role_name {
            builder = builder.role_name(role_name);
        }
        if let Some(endpoint) = &self.imds_endpoint {
            builder = builder.endpoint(endpoint.clone());
        }
        builder.build().map(shared)
    }

    /// `GET <uri>` (else `ALIBABA_CLOUD_CREDENTIALS_URI`).
    pub(crate) fn credentials_uri(
        &self,
        uri: Option<&str>,
    ) -> Result<SharedCredentialsProvider, CredentialsError> {
        let mut builder = CredentialsUriProvider::builder()
            .http_client_shared(self.http_client.clone())
            .env(self.env.clone());
        if let Some(uri) = uri {
            builder = builder.uri(uri);
        }
        builder.build().map(shared)
    }

    /// A file under the home directory (`.aliyun/config.json`), when there is a home.
    pub(crate) fn in_home(&self, relative: &str) -> Option<PathBuf> {
        self.env.home().map(|home| home.join(relative))
    }
}
