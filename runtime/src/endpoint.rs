//! Where a call goes: an explicit endpoint if the user set one, else the service's host for
//! the region (its published table first, then its rule).

use crate::error::ConfigError;
use crate::service::Service;

/// A resolved endpoint: scheme and authority (host, with a port if not the default).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    pub scheme: &'static str,
    pub authority: String,
}

impl Endpoint {
    /// `scheme://authority/`, the URL RPC calls are sent to.
    pub fn url(&self) -> String {
        format!("{}://{}/", self.scheme, self.authority)
    }
}

/// Resolves the endpoint of a call. `explicit` is a URL (`http://127.0.0.1:8080`) or a bare
/// host (`oos-vpc.cn-hangzhou.aliyuncs.com`, then with the service's protocol).
pub fn resolve(
    service: &Service,
    region: Option<&str>,
    explicit: Option<&str>,
) -> Result<Endpoint, ConfigError> {
    let default_scheme = if service.protocol == "http" {
        "http"
    } else {
        "https"
    };
    if let Some(explicit) = explicit {
        return parse_explicit(explicit, default_scheme);
    }
    let region = region.ok_or_else(|| {
        ConfigError::new(format!(
            "no region: set one on the config or in ALIBABA_CLOUD_REGION_ID (e.g. cn-hangzhou), or set an endpoint for {}",
            service.product
        ))
    })?;
    if region.is_empty()
        || !region
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(ConfigError::new(format!("`{region}` is not a region id")));
    }
    let authority = service
        .regional_endpoints
        .iter()
        .find(|(known, _)| *known == region)
        .map(|(_, host)| host.to_string())
        .unwrap_or_else(|| service.endpoint_rule.replace("{region}", region));
    Ok(Endpoint {
        scheme: default_scheme,
        authority,
    })
}

fn parse_explicit(explicit: &str, default_scheme: &'static str) -> Result<Endpoint, ConfigError> {
    let (scheme, rest) = match explicit.split_once("://") {
        Some(("https", rest)) => ("https", rest),
        Some(("http", rest)) => ("http", rest),
        Some((other, _)) => {
            return Err(ConfigError::new(format!(
                "endpoint scheme `{other}` is not http or https"
            )));
        }
        None => (default_scheme, explicit),
    };
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if authority.is_empty() || authority.contains(['/', '?', '#', '@', ' ']) {
        return Err(ConfigError::new(format!(
            "endpoint `{explicit}` must be a scheme and host[:port] only"
        )));
    }
    Ok(Endpoint {
        scheme,
        authority: authority.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    static SERVICE: Service = Service {
        product: "oos",
        api_version: "2019-06-01",
        endpoint_rule: "oos.{region}.aliyuncs.com",
        auth: crate::AuthScheme::Acs3HmacSha256,
        protocol: "https",
        regional_endpoints: &[("cn-special", "oos-special.example.com")],
        sdk_name: "test",
        sdk_version: "0",
    };

    #[test]
    fn region_rule_table_and_override() {
        let rule = resolve(&SERVICE, Some("cn-hangzhou"), None).unwrap();
        assert_eq!(rule.url(), "https://oos.cn-hangzhou.aliyuncs.com/");
        let table = resolve(&SERVICE, Some("cn-special"), None).unwrap();
        assert_eq!(table.authority, "oos-special.example.com");
        let local = resolve(&SERVICE, Some("cn-hangzhou"), Some("http://127.0.0.1:8080")).unwrap();
        assert_eq!(
            local,
            Endpoint {
                scheme: "http",
                authority: "127.0.0.1:8080".into()
            }
        );
        let host = resolve(&SERVICE, None, Some("oos-vpc.cn-hangzhou.aliyuncs.com")).unwrap();
        assert_eq!(host.url(), "https://oos-vpc.cn-hangzhou.aliyuncs.com/");
    }

    #[test]
    fn rejects_missing_region_and_bad_endpoints() {
        assert!(
            resolve(&SERVICE, None, None)
                .unwrap_err()
                .message
                .contains("no region")
        );
        assert!(resolve(&SERVICE, Some("cn-hangzhou/evil"), None).is_err());
        assert!(resolve(&SERVICE, None, Some("ftp://host")).is_err());
        assert!(resolve(&SERVICE, None, Some("http://host/path")).is_err());
    }
}
