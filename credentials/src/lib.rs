//! Alibaba Cloud credentials, found where Alibaba Cloud's official credential libraries
//! (`credentials-go`, `credentials-python`, `credentials-java`) and CLI (`aliyun`) find them.
//!
//! ```no_run
//! # fn example() -> Result<(), acs_runtime::Error> {
//! // Region from ALIBABA_CLOUD_REGION_ID, credentials from the default chain.
//! let config = acs_credentials::load_from_env()?;
//! # let _ = config;
//! # Ok(())
//! # }
//! ```
//!
//! # The default chain
//!
//! [`DefaultChain`] asks these sources in this order, as the official libraries do. A source
//! that is absent, incomplete or failing is passed over, and the next one is asked; the error,
//! when none yields credentials, says what each one said. The first source that yields
//! credentials is kept, with its cache, for the chain's life.
//!
//! 1. **Environment** ([`EnvironmentProvider`]): `ALIBABA_CLOUD_ACCESS_KEY_ID`,
//!    `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and, for temporary credentials,
//!    `ALIBABA_CLOUD_SECURITY_TOKEN`.
//! 2. **OIDC role** ([`OidcRoleProvider`], RRSA on Kubernetes): only when
//!    `ALIBABA_CLOUD_ROLE_ARN`, `ALIBABA_CLOUD_OIDC_PROVIDER_ARN` and
//!    `ALIBABA_CLOUD_OIDC_TOKEN_FILE` are all set; STS `AssumeRoleWithOIDC`.
//! 3. **CLI profile** ([`ProfileProvider`]): a profile of the Alibaba Cloud CLI's
//!    `~/.aliyun/config.json` (or `ALIBABA_CLOUD_CONFIG_FILE`), named by `ALIBABA_CLOUD_PROFILE`,
//!    else the file's `current`; not with `ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true`. Modes `AK`,
//!    `StsToken`, `RamRoleArn`, `EcsRamRole`, `OIDC`, `ChainableRamRoleArn`, `CredentialsURI` and
//!    `External`; `CloudSSO`, `OAuth` and the others fail with an error naming the mode, and the
//!    chain goes on.
//! 4. **Credentials file** ([`CredentialsFileProvider`]): the INI file
//!    `~/.alibabacloud/credentials` (or `ALIBABA_CLOUD_CREDENTIALS_FILE`), section
//!    `ALIBABA_CLOUD_PROFILE`, else `default`. Types `access_key`, `ram_role_arn`,
//!    `ecs_ram_role` and `oidc_role_arn`.
//! 5. **ECS RAM role** ([`EcsRamRoleProvider`]): the instance metadata service, not with
//!    `ALIBABA_CLOUD_ECS_METADATA_DISABLED=true`.
//! 6. **Credentials URI** ([`CredentialsUriProvider`]): only when
//!    `ALIBABA_CLOUD_CREDENTIALS_URI` is set.
//!
//! Explicit settings beat the chain: credentials given to the configuration, or a provider
//! built for a named profile ([`ProfileProvider::builder`]), are used as they are.
//!
//! # STS
//!
//! `AssumeRole` and `AssumeRoleWithOIDC` go to `sts.aliyuncs.com`; with an STS region
//! (`ALIBABA_CLOUD_STS_REGION`, a profile's `sts_region`, or a builder's) to
//! `sts.<region>.aliyuncs.com`, or `sts-vpc.<region>.aliyuncs.com` when
//! `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED=true` or the profile's `enable_vpc` is set; to
//! `ALIBABA_CLOUD_STS_ENDPOINT` when set; a builder's endpoint beats them all. Session names
//! default to `ALIBABA_CLOUD_ROLE_SESSION_NAME`, durations to an hour (a profile's
//! `expired_seconds` changes it; the official libraries read no variable for it).
//!
//! # Caching and bounds
//!
//! Temporary credentials are cached and refreshed 3 to 4 minutes (a random point, so that many
//! clients do not refresh at once) before they expire, by one caller however many ask at once;
//! an expiry more than 12 hours away counts as 12 hours. When a refresh fails while the cached
//! credentials are still valid, they stay in use (with a warning) and the refresh is retried 10
//! seconds later; expired credentials are never handed out. STS, metadata and credentials-URI
//! responses and config, credentials and token files over 1 MiB are refused; files are read
//! without blocking the async runtime.
//!
//! Secrets (access key secrets, security tokens, OIDC tokens, the contents of config files)
//! never appear in `Debug` output, logs or errors.

#![forbid(unsafe_code)]

mod cache;
mod chain;
mod ecs_ram_role;
mod env;
mod environment;
mod external;
mod fetch;
mod files;
mod ini;
mod oidc;
mod profile;
mod ram_role_arn;
mod settings;
mod sts;
#[cfg(test)]
mod test_support;
mod uri;
mod wire;

use acs_runtime::config::REGION_ENV;
use acs_runtime::{Config, ConfigBuilder, Error};

pub use acs_runtime::credentials::{
    Credentials, CredentialsError, ProvideCredentials, ProvideFuture, SharedCredentialsProvider,
    StaticProvider,
};
pub use chain::{DefaultChain, DefaultChainBuilder};
pub use ecs_ram_role::{EcsRamRoleProvider, EcsRamRoleProviderBuilder};
pub use environment::EnvironmentProvider;
pub use ini::{CredentialsFileProvider, CredentialsFileProviderBuilder};
pub use oidc::{OidcRoleProvider, OidcRoleProviderBuilder};
pub use profile::{ProfileProvider, ProfileProviderBuilder};
pub use ram_role_arn::{RamRoleArnProvider, RamRoleArnProviderBuilder};
pub use sts::{STS_ENDPOINT_ENV, STS_REGION_ENV, VPC_ENDPOINT_ENV};
pub use uri::{CredentialsUriProvider, CredentialsUriProviderBuilder};

/// A configuration builder with the region from `ALIBABA_CLOUD_REGION_ID` (when set) and
/// credentials from the [`DefaultChain`], for settings of one's own before
/// [`build`](ConfigBuilder::build).
pub fn from_env() -> ConfigBuilder {
    let builder = Config::builder().credentials_provider(DefaultChain::new());
    match env::Env::default().get(REGION_ENV) {
        Some(region) => builder.region(region),
        None => builder,
    }
}

/// [`from_env`], built: what a client needs to call Alibaba Cloud the way the official tools
/// would.
///
/// # Errors
/// When the HTTP client cannot be set up.
pub fn load_from_env() -> Result<Config, Error> {
    from_env().build()
}

/// `a`, `a and b`, `a, b and c`: what an error says is missing.
pub(crate) fn list_names(names: &[&str]) -> String {
    match names {
        [init @ .., last] if !init.is_empty() => format!("{} and {last}", init.join(", ")),
        _ => names.concat(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_names_read_as_a_list() {
        assert_eq!(list_names(&["a"]), "a");
        assert_eq!(list_names(&["a", "b"]), "a and b");
        assert_eq!(list_names(&["a", "b", "c"]), "a, b and c");
    }

    #[test]
    fn the_configuration_from_the_environment_uses_the_default_chain() {
        let config = from_env().endpoint("http://127.0.0.1:1").build().unwrap();
        assert!(
            format!("{:?}", config.credentials_provider()).contains("DefaultChain"),
            "{config:?}"
        );
    }
}
