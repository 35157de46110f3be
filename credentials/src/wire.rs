//! Temporary credentials as STS, the instance metadata service and credentials URIs send them,
//! read without ever quoting the body: it holds the secret.
//!
//! Documents are read as a `serde_json::Value` and then field by field, so that a value of the
//! wrong type is reported by the name of its field rather than by serde's message, which
//! quotes the value.

use std::time::{Duration, SystemTime};

use acs_runtime::error::describe_json_error;
use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::{Credentials, CredentialsError};

/// No STS, metadata service or credentials URI response is this large; a larger one is refused
/// rather than held in memory.
pub(crate) const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// A JSON document's top-level object, or why it is not one, worded to follow the document's
/// name (`… ends too early (line 1, column 51)`).
pub(crate) fn parse_object(document: &[u8]) -> Result<Map<String, Value>, String> {
    match serde_json::from_slice(document) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err("is not a JSON object".to_string()),
        Err(error) => Err(describe_json_error(&error)),
    }
}

/// `object[name]` as text: `None` when absent or `null`; any other type is an error that
/// names the field.
pub(crate) fn text_field<'a>(
    object: &'a Map<String, Value>,
    name: &str,
) -> Result<Option<&'a str>, String> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(_) => Err(wrong_type(name, "a string")),
    }
}

/// Says which field has a value of the wrong type, without the value.
pub(crate) fn wrong_type(field: &str, expected: &str) -> String {
    format!("has a value of the wrong type: {field} is not {expected}")
}

/// Credentials from an object with `AccessKeyId`, `AccessKeySecret`, `SecurityToken` and
/// `Expiration`; `what` names the object in messages (`the STS response's Credentials`).
pub(crate) fn temporary_credentials(
    object: &Map<String, Value>,
    provider: &'static str,
    what: &str,
) -> Result<Credentials, CredentialsError> {
    let error = |reason: String| CredentialsError::new(provider, format!("{what} {reason}"));
    let field = |name: &str| text_field(object, name).map_err(error);
    TemporaryFields {
        access_key_id: field("AccessKeyId")?,
        access_key_secret: field("AccessKeySecret")?,
        security_token: field("SecurityToken")?,
        expiration: field("Expiration")?,
    }
    .credentials(provider, what)
}

/// The four fields of temporary credentials, as read from a response.
pub(crate) struct TemporaryFields<'a> {
    pub(crate) access_key_id: Option<&'a str>,
    pub(crate) access_key_secret: Option<&'a str>,
    pub(crate) security_token: Option<&'a str>,
    pub(crate) expiration: Option<&'a str>,
}

impl TemporaryFields<'_> {
    /// Credentials when every field is present and the expiration is a time; `what` names
    /// the object in messages.
    pub(crate) fn credentials(
        self,
        provider: &'static str,
        what: &str,
    ) -> Result<Credentials, CredentialsError> {
        let error = |reason: String| CredentialsError::new(provider, format!("{what} {reason}"));
        let required = |value: Option<&str>, field: &str| match value {
            Some(value) if !value.is_empty() => Ok(value.to_owned()),
            _ => Err(error(format!("has no {field}"))),
        };
        let id = required(self.access_key_id, "AccessKeyId")?;
        let secret = required(self.access_key_secret, "AccessKeySecret")?;
        let token = required(self.security_token, "SecurityToken")?;
        let expiration = required(self.expiration, "Expiration")?;
        let expiry = parse_expiration(&expiration).ok_or_else(|| {
            error(format!(
                "has an Expiration that is not a UTC time: {expiration:?}"
            ))
        })?;
        Ok(Credentials::new(id, secret, provider)
            .with_security_token(token)
            .with_expiry(expiry))
    }
}

/// `2021-10-20T04:27:09Z` (any RFC 3339 time). A time before 1970 is the epoch: expired all
/// the same. Converted through whole seconds, which cannot overflow `SystemTime` the way
/// `SystemTime::from(OffsetDateTime)` can (it panics on some platforms for far-off years).
pub(crate) fn parse_expiration(text: &str) -> Option<SystemTime> {
    let seconds = OffsetDateTime::parse(text, &Rfc3339).ok()?.unix_timestamp();
    let since_epoch = Duration::from_secs(u64::try_from(seconds).unwrap_or(0));
    SystemTime::UNIX_EPOCH.checked_add(since_epoch)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn expiration_is_utc_seconds_and_never_panics() {
        let expiry = parse_expiration("2021-10-20T04:27:09Z").unwrap();
        assert_eq!(
            expiry,
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_634_704_029)
        );
        assert_eq!(parse_expiration("2021-10-20T12:27:09+08:00"), Some(expiry));
        assert_eq!(parse_expiration("yesterday"), None);
        assert_eq!(
            parse_expiration("1900-01-01T00:00:00Z"),
            Some(SystemTime::UNIX_EPOCH)
        );
        assert!(parse_expiration("9999-12-31T23:59:59Z").unwrap() > expiry);
    }

    fn credentials_of(json: &str) -> Result<Credentials, String> {
        let object = parse_object(json.as_bytes())?;
        temporary_credentials(&object, "test", "the response").map_err(|error| error.to_string())
    }

    #[test]
    fn complete_objects_make_temporary_credentials() {
        let credentials = credentials_of(
            r#"{"AccessKeyId":"STS.id","AccessKeySecret":"s","SecurityToken":"t",
                "Expiration":"2021-10-20T04:27:09Z","LastUpdated":"2021-10-20T03:27:09Z"}"#,
        )
        .unwrap();
        assert_eq!(
            (
                credentials.access_key_id(),
                credentials.access_key_secret(),
                credentials.security_token()
            ),
            ("STS.id", "s", Some("t"))
        );
        assert_eq!(
            credentials.expiry(),
            parse_expiration("2021-10-20T04:27:09Z")
        );
    }

    #[test]
    fn missing_fields_are_named_and_values_never_quoted() {
        let error = credentials_of(
            r#"{"AccessKeyId":"STS.id","AccessKeySecret":"top-secret","SecurityToken":"","Expiration":"x"}"#,
        )
        .unwrap_err();
        assert_eq!(error, "test: the response has no SecurityToken");

        let error =
            credentials_of(r#"{"AccessKeyId":"STS.id","AccessKeySecret":123456789}"#).unwrap_err();
        assert_eq!(
            error,
            "test: the response has a value of the wrong type: AccessKeySecret is not a string"
        );

        assert_eq!(
            parse_object(br#"["top-secret"]"#).unwrap_err(),
            "is not a JSON object"
        );
        assert_eq!(
            parse_object(br#"{"AccessKeySecret": top-secret}"#).unwrap_err(),
            "is not valid JSON (line 1, column 22)"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Whatever STS, the metadata service or a credentials URI send, reading it gives
        /// credentials or an error, never a panic; and an error never quotes the secret.
        #[test]
        fn credential_documents_never_panic_or_leak(
            id in "\\PC{0,12}",
            expiration in prop_oneof![
                "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z",
                "\\PC{0,24}",
            ],
            junk in "\\PC{0,40}",
            shape in 0..4u8,
        ) {
            let secret = "Sx7-never-shown";
            let document = match shape {
                0 => format!(r#"{{"AccessKeyId":{id:?},"AccessKeySecret":"{secret}","SecurityToken":"t","Expiration":{expiration:?}}}"#),
                1 => format!(r#"{{"AccessKeySecret":"{secret}",{junk}"#),
                2 => format!(r#"{{"AccessKeySecret":"{secret}","Expiration":[{junk:?}]}}"#),
                _ => junk.clone(),
            };
            if let Err(error) = credentials_of(&document) {
                prop_assert!(!error.contains(secret), "{}", error);
            }
        }

        #[test]
        fn any_text_parses_as_an_expiration_or_not_without_panicking(text in "\\PC{0,40}") {
            let _ = parse_expiration(&text);
        }
    }
}
