//! What the runtime needs to know about a service, written once per generated crate.

use crate::auth::AuthScheme;

/// A service's product code, API version, signature scheme, endpoints and the generated crate's name.
#[derive(Debug)]
pub struct Service {
    /// Product code (`oos`).
    pub product: &'static str,
    /// Sent as `x-acs-version`.
    pub api_version: &'static str,
    /// Host for a region not in `regional_endpoints`; `{region}` is replaced.
    pub endpoint_rule: &'static str,
    /// How its requests are signed: its spec's `signature`.
    pub auth: AuthScheme,
    /// `https` or `http`.
    pub protocol: &'static str,
    pub regional_endpoints: &'static [(&'static str, &'static str)],
    /// The generated crate, for the User-Agent.
    pub sdk_name: &'static str,
    pub sdk_version: &'static str,
}
