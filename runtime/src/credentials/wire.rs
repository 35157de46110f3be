//! Temporary credentials as STS and the instance metadata service send them, read without
//! ever quoting the body: it holds the secret.

use std::time::SystemTime;

use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{Credentials, CredentialsError};

/// `{"AccessKeyId", "AccessKeySecret", "SecurityToken", "Expiration"}`; fields are optional
/// here so that a missing one gets a message naming it.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TemporaryCredentials {
    access_key_id: Option<String>,
    access_key_secret: Option<String>,
    security_token: Option<String>,
    expiration: Option<String>,
}

impl TemporaryCredentials {
    /// `what` names the object in messages (`the STS response's Credentials`).
    pub(crate) fn into_credentials(
        self,
        provider: &'static str,
        what: &str,
    ) -> Result<Credentials, CredentialsError> {
        let missing =
            |field: &str| CredentialsError::new(provider, format!("{what} has no {field}"));
        let id = self
            .access_key_id
            .filter(|id| !id.is_empty())
            .ok_or_else(|| missing("AccessKeyId"))?;
        let secret = self
            .access_key_secret
            .filter(|secret| !secret.is_empty())
            .ok_or_else(|| missing("AccessKeySecret"))?;
        let token = self
            .security_token
            .filter(|token| !token.is_empty())
            .ok_or_else(|| missing("SecurityToken"))?;
        let expiration = self.expiration.ok_or_else(|| missing("Expiration"))?;
        let expiry = parse_expiration(&expiration).ok_or_else(|| {
            CredentialsError::new(
                provider,
                format!("{what} has an Expiration that is not a UTC time: {expiration:?}"),
            )
        })?;
        Ok(Credentials::new(id, secret, provider)
            .with_security_token(token)
            .with_expiry(expiry))
    }
}

/// `2021-10-20T04:27:09Z`.
pub(crate) fn parse_expiration(text: &str) -> Option<SystemTime> {
    OffsetDateTime::parse(text, &Rfc3339)
        .ok()
        .map(SystemTime::from)
}

/// Where and how JSON failed to parse, without serde's message: for a value of the wrong
/// type it quotes the value, which may be a secret.
pub(crate) fn describe_json_error(error: &serde_json::Error) -> String {
    let what = match error.classify() {
        serde_json::error::Category::Io => "cannot be read",
        serde_json::error::Category::Syntax => "is not valid JSON",
        serde_json::error::Category::Data => "has a value of the wrong type",
        serde_json::error::Category::Eof => "ends too early",
    };
    format!("{what} (line {}, column {})", error.line(), error.column())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn expiration_is_utc_seconds() {
        let expiry = parse_expiration("2021-10-20T04:27:09Z").unwrap();
        assert_eq!(
            expiry,
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_634_704_029)
        );
        assert_eq!(parse_expiration("yesterday"), None);
    }

    #[test]
    fn missing_fields_are_named_and_values_never_quoted() {
        let parsed: TemporaryCredentials = serde_json::from_str(
            r#"{"AccessKeyId":"STS.id","AccessKeySecret":"top-secret","Expiration":"x"}"#,
        )
        .unwrap();
        let error = parsed.into_credentials("test", "the response").unwrap_err();
        assert_eq!(error.to_string(), "test: the response has no SecurityToken");

        let wrong_type =
            serde_json::from_str::<TemporaryCredentials>(r#"{"AccessKeySecret": 123456789}"#)
                .err()
                .unwrap();
        let described = describe_json_error(&wrong_type);
        assert_eq!(
            described,
            "has a value of the wrong type (line 1, column 29)"
        );
        assert!(!described.contains("123456789"));
    }
}
