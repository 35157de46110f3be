//! Temporary credentials as STS and the instance metadata service send them, read without
//! ever quoting the body: it holds the secret.
//!
//! Documents are read as a `serde_json::Value` and then field by field, so that a value of the
//! wrong type is reported by the name of its field rather than by serde's message, which
//! quotes the value.

use std::time::SystemTime;

use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{Credentials, CredentialsError};
use crate::error::describe_json_error;

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
    let required = |field: &str| match text_field(object, field).map_err(error)? {
        Some(value) if !value.is_empty() => Ok(value),
        _ => Err(error(format!("has no {field}"))),
    };
    let id = required("AccessKeyId")?;
    let secret = required("AccessKeySecret")?;
    let token = required("SecurityToken")?;
    let expiration = required("Expiration")?;
    let expiry = parse_expiration(expiration).ok_or_else(|| {
        error(format!(
            "has an Expiration that is not a UTC time: {expiration:?}"
        ))
    })?;
    Ok(Credentials::new(id, secret, provider)
        .with_security_token(token)
        .with_expiry(expiry))
}

/// `2021-10-20T04:27:09Z`.
pub(crate) fn parse_expiration(text: &str) -> Option<SystemTime> {
    OffsetDateTime::parse(text, &Rfc3339)
        .ok()
        .map(SystemTime::from)
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
}
