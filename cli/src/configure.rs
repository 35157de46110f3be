//! The client a command calls with: global options over the environment over the profile.

use std::time::Duration;

use acs_credentials::{DefaultChain, ProfileProvider};
use acs_runtime::credentials::StaticProvider;
use acs_runtime::{Client, Config, Error, RetryConfig, TimeoutConfig};
use clap::ArgMatches;

use crate::command::{
    ACCESS_KEY_ID, ACCESS_KEY_SECRET, CONNECT_TIMEOUT, ENDPOINT, PROFILE, READ_TIMEOUT, REGION,
    RETRY_COUNT,
};
use crate::model::Cli;

/// Credentials: the key options, else the named profile, else the default chain. Region, as
/// aliyun-cli picks it: `--region`, else the call's own `RegionId` (`region_parameter`), else
/// `ALIBABA_CLOUD_REGION_ID`, else the profile's `region_id` (the named profile's, or the
/// current one of `~/.aliyun/config.json` when that file exists).
pub async fn client(
    cli: &Cli,
    arguments: &ArgMatches,
    region_parameter: Option<&str>,
) -> Result<Client, Error> {
    Ok(Client::new(
        cli.service,
        config(arguments, region_parameter).await?,
    ))
}

/// The configuration of [`client`], for any service.
pub async fn config(
    arguments: &ArgMatches,
    region_parameter: Option<&str>,
) -> Result<Config, Error> {
    let mut builder = Config::builder();
    let profile_name = arguments.get_one::<String>(PROFILE);
    let profile = match profile_name {
        Some(name) => Some(
            ProfileProvider::builder()
                .profile_name(name.clone())
                .load()
                .await?,
        ),
        None => ProfileProvider::builder().load().await.ok(),
    };
    let region = arguments
        .get_one::<String>(REGION)
        .cloned()
        .or_else(|| region_parameter.map(str::to_string))
        .or_else(|| {
            std::env::var(acs_runtime::config::REGION_ENV)
                .ok()
                .filter(|region| !region.is_empty())
        })
        .or_else(|| {
            profile
                .as_ref()
                .and_then(|profile| profile.region_id())
                .map(str::to_string)
        });
    if let Some(region) = region {
        builder = builder.region(region);
    }
    if let Some(endpoint) = arguments.get_one::<String>(ENDPOINT) {
        // An IP address serves no bucket subdomains: the official OSS SDK V2 addresses it by
        // path. Only host parameters (OSS's bucket) are placed by this.
        builder = builder
            .path_style(host_is_ip_address(endpoint))
            .endpoint(endpoint.clone());
    }
    let keys = (
        arguments.get_one::<String>(ACCESS_KEY_ID),
        arguments.get_one::<String>(ACCESS_KEY_SECRET),
    );
    if let (Some(id), Some(secret)) = keys {
        builder = builder.credentials_provider(StaticProvider::from_access_key(
            id,
            secret,
            None,
            "command line",
        )?);
    } else if let (Some(profile), Some(_)) = (profile, profile_name) {
        builder = builder.credentials_provider(profile);
    } else {
        builder = builder.credentials_provider(DefaultChain::new());
    }
    let defaults = TimeoutConfig::default();
    let seconds = |id: &str| arguments.get_one::<Duration>(id).copied();
    builder = builder.timeout_config(TimeoutConfig {
        connect: seconds(CONNECT_TIMEOUT).unwrap_or(defaults.connect),
        read: seconds(READ_TIMEOUT).unwrap_or(defaults.read),
        call: defaults.call,
    });
    // aliyun-cli's `--retry-count` counts the attempts after the first.
    if let Some(retries) = arguments.get_one::<u32>(RETRY_COUNT) {
        builder = builder
            .retry_config(RetryConfig::default().with_max_attempts(retries.saturating_add(1)));
    }
    builder.build()
}

/// Whether the host of `endpoint` (a URL or a bare `host[:port]`) is an IPv4 or IPv6 address.
fn host_is_ip_address(endpoint: &str) -> bool {
    let authority = endpoint
        .split_once("://")
        .map_or(endpoint, |(_, rest)| rest);
    let authority = authority.split(['/', '?']).next().unwrap_or_default();
    if let Some(bracketed) = authority.strip_prefix('[') {
        return bracketed
            .split_once(']')
            .is_some_and(|(host, _)| host.parse::<std::net::Ipv6Addr>().is_ok());
    }
    let host = authority
        .rsplit_once(':')
        .map_or(authority, |(host, _)| host);
    host.parse::<std::net::Ipv4Addr>().is_ok()
}

#[cfg(test)]
mod tests {
    use acs_runtime::Method;

    use super::*;
    use crate::command;
    use crate::model::Operation;

    use crate::demo_service::SERVICE;

    static CLI: Cli = Cli {
        name: "demo",
        version: "0",
        about: "A demo.",
        service: &SERVICE,
        operations: &[Operation {
            command: "Ping",
            alias: Some("ping"),
            summary: "Pings.",
            call: acs_runtime::Operation::new("Ping", Method::Post),
            pagination: None,
            parameters: &[],
            nested_secrets: &[],
        }],
        waiters: &[],
    };

    fn configured(args: &[&str], region_parameter: Option<&str>) -> Client {
        let matches = command::build(&CLI)
            .try_get_matches_from(["demo", "Ping"].iter().chain(args))
            .unwrap();
        let (_, arguments) = matches.subcommand().unwrap();
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(client(&CLI, arguments, region_parameter))
            .unwrap()
    }

    #[test]
    fn timeouts_and_retries_come_from_the_options() {
        let client = configured(
            &[
                "--connect-timeout",
                "7",
                "--read-timeout",
                "2.5",
                "--retry-count",
                "0",
            ],
            None,
        );
        let timeouts = client.config().timeout_config();
        assert_eq!(timeouts.connect, Duration::from_secs(7));
        assert_eq!(timeouts.read, Duration::from_millis(2500));
        assert_eq!(client.config().retry_config().max_attempts(), 1);

        let defaults = configured(&[], None);
        assert_eq!(
            defaults.config().timeout_config(),
            &TimeoutConfig::default()
        );
        assert_eq!(defaults.config().retry_config(), &RetryConfig::default());
    }

    #[test]
    fn an_ip_address_endpoint_is_addressed_by_path() {
        for (endpoint, by_path) in [
            ("http://127.0.0.1:8080", true),
            ("127.0.0.1", true),
            ("https://[::1]:443/", true),
            ("oss-cn-hangzhou.aliyuncs.com", false),
            ("http://localhost:8080", false),
        ] {
            let client = configured(&["--endpoint", endpoint], None);
            assert_eq!(client.config().path_style(), by_path, "{endpoint}");
        }
    }

    #[test]
    fn the_region_option_wins_over_the_calls_region_id() {
        let by_option = configured(&["--region", "cn-shenzhen"], Some("cn-shanghai"));
        assert_eq!(by_option.config().region(), Some("cn-shenzhen"));
        let by_parameter = configured(&[], Some("cn-shanghai"));
        assert_eq!(by_parameter.config().region(), Some("cn-shanghai"));
    }
}
