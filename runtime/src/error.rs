//! The one error type every call returns, and its parts.
//!
//! [`Error`] tells apart what a caller reacts to differently: the service said no
//! ([`ServiceError`], with code, message and request id), the call took too long, the
//! connection failed, the response could not be decoded, a required parameter was missing,
//! or credentials could not be had. `Display` is one line with what a person needs first.

use std::fmt;
use std::time::Duration;

use crate::credentials::CredentialsError;

/// Codes ending so name something that does not exist (`InvalidTemplate.NotFound`) unless
/// they are about the call itself (see [`NOT_ABOUT_RESOURCES`]).
const NOT_FOUND_ENDINGS: &[&str] = &["NotFound", "NotExist", "NotExists"];

/// Codes starting so name something that does not exist (`EntityNotExists.Template`, OOS's).
const NOT_FOUND_PREFIXES: &[&str] = &["EntityNotExist", "NotFound"];

/// Codes of a request the service could not place: an unknown action or access key, not a
/// resource that is missing.
const NOT_ABOUT_RESOURCES: &[&str] = &["InvalidAction", "InvalidAccessKeyId", "InvalidApi"];

/// Codes starting so refuse the caller's permissions (`Forbidden.RAM`, `NoPermission`).
const ACCESS_DENIED_PREFIXES: &[&str] =
    &["Forbidden", "NoPermission", "AccessDenied", "Unauthorized"];

/// Error codes that mean "slow down": retried with backoff.
const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "Throttling.User",
    "Throttling.Api",
    "ServiceUnavailable",
];

/// How much of an undecodable body an error keeps.
const BODY_EXCERPT_CHARS: usize = 512;

#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with an error.
    Service(Box<ServiceError>),
    /// The call or one attempt took longer than allowed.
    Timeout(TimeoutError),
    /// No response: the connection could not be made or broke.
    Connection(ConnectionError),
    /// A response arrived but is not what the operation returns.
    Decode(DecodeError),
    /// The request could not be built (a required parameter is missing).
    Build(BuildError),
    /// No credentials could be resolved.
    Credentials(CredentialsError),
    /// The client is misconfigured (no region, a bad endpoint).
    Config(ConfigError),
    /// A streamed body could not be read, sent again or trusted (see [`BodyError`]).
    Body(BodyError),
}

impl Error {
    /// The service's error code (`InvalidParameter`), for service errors.
    pub fn code(&self) -> Option<&str> {
        self.as_service_error().map(|error| error.code.as_str())
    }

    /// The service's error message, for service errors.
    pub fn message(&self) -> Option<&str> {
        self.as_service_error().map(|error| error.message.as_str())
    }

    /// The request id of the failed call, where the service sent one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Service(error) => error.request_id.as_deref(),
            Error::Decode(error) => error.request_id.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status, where a response arrived.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::Service(error) => Some(error.status),
            Error::Decode(error) => Some(error.status),
            _ => None,
        }
    }

    pub fn as_service_error(&self) -> Option<&ServiceError> {
        match self {
            Error::Service(error) => Some(error),
            _ => None,
        }
    }

    /// Whether the service asked the client to slow down.
    pub fn is_throttling(&self) -> bool {
        self.as_service_error()
            .is_some_and(ServiceError::is_throttling)
    }

    /// Whether the service says what the call names does not exist: `EntityNotExists.*`
    /// (OOS), `*.NotFound`, `*NotExist(s)`, or HTTP 404, but for an unknown action or access
    /// key (`InvalidAction.NotFound`, `InvalidAccessKeyId.NotFound`), which are no resource.
    pub fn is_not_found(&self) -> bool {
        self.as_service_error()
            .is_some_and(ServiceError::is_not_found)
    }

    /// Whether the caller's permissions refused the call: HTTP 403, `Forbidden*`,
    /// `NoPermission*`, `AccessDenied*`, `Unauthorized*`, or an access-denied detail.
    pub fn is_access_denied(&self) -> bool {
        self.as_service_error()
            .is_some_and(ServiceError::is_access_denied)
    }

    /// Whether the same call may succeed later: throttling, an unavailable or failing service
    /// (HTTP 500, 502, 503, 504), a timeout or a broken connection. The client retries these
    /// itself where that is safe; this says whether retrying later can help.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Timeout(_) | Error::Connection(_) => true,
            Error::Service(error) => {
                error.is_throttling() || matches!(error.status, 500 | 502 | 503 | 504)
            }
            _ => false,
        }
    }

    /// The action of the call that failed, where the error came from one.
    pub fn action(&self) -> Option<&str> {
        match self {
            Error::Service(error) => error.action.as_deref(),
            Error::Timeout(error) => error.action.as_deref(),
            Error::Connection(error) => error.action.as_deref(),
            Error::Decode(error) => error.action.as_deref(),
            _ => None,
        }
    }

    /// The same error, naming `action` as the call it came from (unless it names one).
    pub(crate) fn with_action(mut self, action: &str) -> Self {
        let slot = match &mut self {
            Error::Service(error) => &mut error.action,
            Error::Timeout(error) => &mut error.action,
            Error::Connection(error) => &mut error.action,
            Error::Decode(error) => &mut error.action,
            _ => return self,
        };
        slot.get_or_insert_with(|| action.to_owned());
        self
    }

    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout(_))
    }

    pub fn is_connection(&self) -> bool {
        matches!(self, Error::Connection(_))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Service(error) => error.fmt(f),
            Error::Timeout(error) => error.fmt(f),
            Error::Connection(error) => error.fmt(f),
            Error::Decode(error) => error.fmt(f),
            Error::Build(error) => error.fmt(f),
            Error::Credentials(error) => write!(f, "credentials: {error}"),
            Error::Config(error) => error.fmt(f),
            Error::Body(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Connection(error) => error.source.as_deref().map(|source| source as _),
            Error::Decode(error) => Some(&error.source),
            Error::Credentials(error) => Some(error),
            Error::Body(BodyError::Io { source, .. }) => Some(source),
            Error::Body(BodyError::NotReplayable { after: Some(error) }) => Some(error.as_ref()),
            _ => None,
        }
    }
}

/// What went wrong with a body that streams.
#[derive(Debug)]
#[non_exhaustive]
pub enum BodyError {
    /// The call would have been retried, but its body is a stream of the caller's that was
    /// read already: sending it again would send only what is left of it. `after` is the
    /// failure that would have been retried.
    NotReplayable { after: Option<Box<Error>> },
    /// Reading the body to upload, or writing a download, failed.
    Io {
        what: &'static str,
        source: std::io::Error,
    },
    /// The CRC-64 of what was sent or received is not the service's.
    Checksum(ChecksumMismatch),
}

/// The CRC-64 a transfer computed and the one the service sent (`x-oss-hash-crc64ecma`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecksumMismatch {
    /// `upload` or `download`.
    pub direction: &'static str,
    pub client: u64,
    pub server: String,
}

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BodyError::NotReplayable { after } => {
                f.write_str(
                    "the request body could not be replayed: it is a stream that was read \
                     already, so the call was not retried",
                )?;
                match after {
                    Some(error) => write!(f, " after: {error}"),
                    None => Ok(()),
                }
            }
            BodyError::Io { what, source } => write!(f, "{what}: {source}"),
            BodyError::Checksum(mismatch) => write!(
                f,
                "the {}'s CRC-64 is {} but the service's x-oss-hash-crc64ecma is {}: the body \
                 was damaged on the way",
                mismatch.direction, mismatch.client, mismatch.server
            ),
        }
    }
}

impl From<BuildError> for Error {
    fn from(error: BuildError) -> Self {
        Error::Build(error)
    }
}

impl From<CredentialsError> for Error {
    fn from(error: CredentialsError) -> Self {
        Error::Credentials(error)
    }
}

impl From<ConfigError> for Error {
    fn from(error: ConfigError) -> Self {
        Error::Config(error)
    }
}

/// An error response from the service.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServiceError {
    /// The action of the call (`ListExecutions`).
    pub action: Option<String>,
    pub status: u16,
    pub code: String,
    pub message: String,
    pub request_id: Option<String>,
    pub host_id: Option<String>,
    /// A link to the service's troubleshooting page for this error.
    pub recommend: Option<String>,
    /// Which policy denied the call, for `NoPermission`-style errors (as the service sent it).
    pub access_denied_detail: Option<serde_json::Value>,
    /// For `SignatureDoesNotMatch`: the string to sign this client computed, to compare with
    /// the one the service quotes in the message.
    pub client_string_to_sign: Option<String>,
}

impl ServiceError {
    pub fn is_throttling(&self) -> bool {
        THROTTLING_CODES.contains(&self.code.as_str()) || self.code.starts_with("Throttling.")
    }

    /// See [`Error::is_not_found`].
    pub fn is_not_found(&self) -> bool {
        let code = self.code.as_str();
        let about_the_call = NOT_ABOUT_RESOURCES
            .iter()
            .any(|prefix| code.starts_with(prefix));
        let by_code = NOT_FOUND_PREFIXES
            .iter()
            .any(|prefix| code.starts_with(prefix))
            || NOT_FOUND_ENDINGS
                .iter()
                .any(|ending| code.ends_with(ending));
        !about_the_call && (by_code || self.status == 404)
    }

    /// See [`Error::is_access_denied`].
    pub fn is_access_denied(&self) -> bool {
        self.status == 403
            || self.access_denied_detail.is_some()
            || ACCESS_DENIED_PREFIXES
                .iter()
                .any(|prefix| self.code.starts_with(prefix))
    }

    /// An error for a status with a body that carries no error code.
    pub fn from_status(status: u16, request_id: Option<String>) -> Self {
        ServiceError {
            action: None,
            status,
            code: format!("HTTP{status}"),
            message: format!("the service answered HTTP {status} without an error code"),
            request_id,
            host_id: None,
            recommend: None,
            access_denied_detail: None,
            client_string_to_sign: None,
        }
    }
}

/// `action, ` when there is one, as the parenthesised details of errors begin.
fn action_prefix(action: &Option<String>) -> String {
    action
        .as_deref()
        .map(|action| format!("{action}, "))
        .unwrap_or_default()
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} ({}HTTP {}",
            self.code,
            self.message,
            action_prefix(&self.action),
            self.status
        )?;
        if let Some(request_id) = &self.request_id {
            write!(f, ", request id {request_id}")?;
        }
        write!(f, ")")?;
        if let Some(ours) = &self.client_string_to_sign {
            write!(
                f,
                "; client string to sign was: {}",
                ours.replace('\n', "\\n")
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for ServiceError {}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutKind {
    /// One attempt waited longer than the read timeout for its response.
    Read,
    /// The whole call, retries included, took longer than the call timeout.
    Call,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeoutError {
    pub kind: TimeoutKind,
    pub after: Duration,
    /// The action of the call.
    pub action: Option<String>,
}

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TimeoutKind::Read => "no response within the read timeout",
            TimeoutKind::Call => "the call did not finish within the call timeout",
        };
        write!(
            f,
            "timed out: {what} ({}{} ms)",
            action_prefix(&self.action),
            self.after.as_millis()
        )
    }
}

#[derive(Debug)]
pub struct ConnectionError {
    pub message: String,
    pub source: Option<Box<dyn std::error::Error + Send + Sync>>,
    /// The action of the call.
    pub action: Option<String>,
}

/// What failed, for which call, the transport's error, and the root cause of that error.
impl fmt::Display for ConnectionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "connection failed: {}", self.message)?;
        if let Some(action) = &self.action {
            write!(f, " ({action})")?;
        }
        if let Some(source) = &self.source {
            write!(f, ": {source}")?;
            // The transport's own message is generic ("error sending request"); what happened
            // (a reset, an untrusted certificate) is at the end of its chain of sources.
            let mut root: &(dyn std::error::Error + 'static) = source.as_ref();
            let mut depth = 0;
            while let Some(cause) = root.source() {
                root = cause;
                depth += 1;
            }
            if depth > 0 {
                write!(f, ": {root}")?;
            }
        }
        Ok(())
    }
}

/// A response body that does not decode as the operation's response.
#[derive(Debug)]
pub struct DecodeError {
    /// The action of the call.
    pub action: Option<String>,
    pub status: u16,
    pub request_id: Option<String>,
    /// The start of the body, at most 512 characters; `None` where it could show secrets
    /// (see [`crate::Operation::with_secret_response`]).
    pub body_excerpt: Option<String>,
    pub source: serde_json::Error,
}

impl DecodeError {
    /// An error that shows the start of `body`, to tell what came back instead.
    pub fn new(
        status: u16,
        request_id: Option<String>,
        body: &[u8],
        source: serde_json::Error,
    ) -> Self {
        let text = String::from_utf8_lossy(body);
        let mut excerpt: String = text.chars().take(BODY_EXCERPT_CHARS).collect();
        if text.chars().nth(BODY_EXCERPT_CHARS).is_some() {
            excerpt.push('…');
        }
        DecodeError {
            action: None,
            status,
            request_id,
            body_excerpt: Some(excerpt),
            source,
        }
    }

    /// An error whose message says all there is to say, the body being beside the point (a
    /// response header that does not read as its field's type).
    pub fn without_body(
        status: u16,
        request_id: Option<String>,
        source: serde_json::Error,
    ) -> Self {
        DecodeError {
            action: None,
            status,
            request_id,
            body_excerpt: None,
            source,
        }
    }

    /// An error about a response that carries secrets: no excerpt of the body, and instead
    /// of serde's message, which quotes the value of the wrong type, only where and how the
    /// JSON failed.
    pub fn withholding_body(
        status: u16,
        request_id: Option<String>,
        source: &serde_json::Error,
    ) -> Self {
        DecodeError {
            action: None,
            status,
            request_id,
            body_excerpt: None,
            source: serde::de::Error::custom(describe_json_error(source)),
        }
    }
}

/// Where and how JSON failed to parse, without serde's message: for a value of the wrong
/// type it quotes the value, which may be a secret.
pub fn describe_json_error(error: &serde_json::Error) -> String {
    let what = match error.classify() {
        serde_json::error::Category::Io => "cannot be read",
        serde_json::error::Category::Syntax => "is not valid JSON",
        serde_json::error::Category::Data => "has a value of the wrong type",
        serde_json::error::Category::Eof => "ends too early",
    };
    format!("{what} (line {}, column {})", error.line(), error.column())
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot decode the response ({}HTTP {}",
            action_prefix(&self.action),
            self.status
        )?;
        if let Some(request_id) = &self.request_id {
            write!(f, ", request id {request_id}")?;
        }
        write!(f, "): {}", self.source)?;
        match &self.body_excerpt {
            Some(excerpt) => write!(f, "; body starts: {excerpt}"),
            None => Ok(()),
        }
    }
}

/// A request that cannot be sent as built.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuildError {
    /// A required parameter, by wire name, was not set.
    MissingParameter(&'static str),
    /// A parameter value cannot be encoded (JSON cannot express it).
    Encode(String),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::MissingParameter(name) => {
                write!(f, "missing required parameter `{name}`")
            }
            BuildError::Encode(reason) => write!(f, "cannot encode a parameter: {reason}"),
        }
    }
}

impl std::error::Error for BuildError {}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub message: String,
}

impl ConfigError {
    pub fn new(message: impl Into<String>) -> Self {
        ConfigError {
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid configuration: {}", self.message)
    }
}

impl std::error::Error for ConfigError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(status: u16, code: &str) -> Error {
        Error::Service(Box::new(ServiceError {
            code: code.into(),
            message: "m".into(),
            request_id: Some("R".into()),
            ..ServiceError::from_status(status, None)
        }))
    }

    #[test]
    fn display_is_one_line_with_code_message_and_request_id() {
        let error = service(400, "InvalidParameter");
        assert_eq!(
            error.to_string(),
            "InvalidParameter: m (HTTP 400, request id R)"
        );
        assert_eq!(error.code(), Some("InvalidParameter"));
        assert_eq!(error.message(), Some("m"));
        assert_eq!(error.request_id(), Some("R"));
        assert_eq!(error.http_status(), Some(400));
    }

    #[test]
    fn errors_say_whether_something_is_missing_refused_or_worth_retrying() {
        for (status, code) in [
            (404, "EntityNotExists.Template"),
            (400, "EntityNotExists.Execution"),
            (400, "InvalidTemplate.NotFound"),
            (400, "Parameter.NotExists"),
            (404, "HTTP404"),
        ] {
            assert!(service(status, code).is_not_found(), "{code}");
        }
        for (status, code) in [
            (404, "InvalidAction.NotFound"),
            (404, "InvalidAccessKeyId.NotFound"),
            (400, "InvalidParameter"),
        ] {
            assert!(!service(status, code).is_not_found(), "{code}");
        }
        for (status, code) in [
            (403, "Forbidden.RAM"),
            (400, "NoPermission"),
            (403, "SomethingElse"),
        ] {
            assert!(service(status, code).is_access_denied(), "{code}");
        }
        assert!(!service(400, "InvalidParameter").is_access_denied());
        for (status, code) in [
            (400, "Throttling.User"),
            (503, "ServiceUnavailable"),
            (500, "InternalError"),
            (504, "HTTP504"),
        ] {
            assert!(service(status, code).is_retryable(), "{code}");
        }
        assert!(!service(400, "InvalidParameter").is_retryable());
        assert!(!service(404, "EntityNotExists.Template").is_retryable());
        let timeout = Error::Timeout(TimeoutError {
            kind: TimeoutKind::Read,
            after: Duration::from_secs(1),
            action: None,
        });
        assert!(timeout.is_retryable() && !timeout.is_not_found());
        assert!(!Error::Build(BuildError::MissingParameter("Name")).is_retryable());
    }

    #[test]
    fn errors_of_a_call_name_its_action() {
        let error = service(400, "InvalidParameter").with_action("ListExecutions");
        assert_eq!(error.action(), Some("ListExecutions"));
        assert_eq!(
            error.to_string(),
            "InvalidParameter: m (ListExecutions, HTTP 400, request id R)"
        );
        let timeout = Error::Timeout(TimeoutError {
            kind: TimeoutKind::Call,
            after: Duration::from_millis(1500),
            action: None,
        })
        .with_action("GetTemplate");
        assert_eq!(
            timeout.to_string(),
            "timed out: the call did not finish within the call timeout (GetTemplate, 1500 ms)"
        );
        let connection = Error::Connection(ConnectionError {
            message: "could not connect".into(),
            source: None,
            action: None,
        })
        .with_action("GetTemplate")
        .with_action("Ignored");
        assert_eq!(
            connection.to_string(),
            "connection failed: could not connect (GetTemplate)"
        );
        let source = serde_json::from_str::<u8>("x").unwrap_err();
        let decode = Error::Decode(DecodeError::new(200, None, b"x", source)).with_action("A");
        assert!(
            decode
                .to_string()
                .starts_with("cannot decode the response (A, HTTP 200)")
        );
        let build = Error::Build(BuildError::MissingParameter("Name")).with_action("A");
        assert_eq!(build.action(), None, "no call was made");
    }

    #[test]
    fn decode_errors_keep_a_truncated_body() {
        let body = "x".repeat(2000);
        let source = serde_json::from_str::<u8>("x").unwrap_err();
        let error = DecodeError::new(200, Some("R-4".into()), body.as_bytes(), source);
        let excerpt = error.body_excerpt.as_deref().unwrap();
        assert_eq!(excerpt.chars().count(), BODY_EXCERPT_CHARS + 1);
        assert!(error.to_string().contains("request id R-4"));
        let shown = error.to_string();
        assert!(
            shown.ends_with(&format!("; body starts: {excerpt}")),
            "{shown}"
        );
    }
}
