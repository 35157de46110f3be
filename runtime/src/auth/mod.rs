//! How a request shows who sends it: the scheme a product's official SDK signs with.
//!
//! A product signs with one scheme, chosen by data: its spec's `signature` (set by the
//! importer from the product and its metadata), which the generated crate's
//! [`Service`](crate::Service) description carries as [`AuthScheme`]. A client's
//! [`ConfigBuilder::auth_scheme`](crate::ConfigBuilder::auth_scheme) can replace it. Each
//! scheme is a module that writes the headers it signs, signs them and hands the rest to
//! `finish`, which adds what every scheme sends alike: the operation's header parameters, the
//! `User-Agent` and the URL. The test server verifies each scheme with code of its own
//! (`acs-test-server`).
//!
//! An operation the official SDKs send `Anonymous` ([`Operation::anonymous`](crate::Operation::anonymous),
//! from the metadata's `security`) keeps its product's request shape without the signature:
//! `tea-openapi`'s `do_request`, `do_rpcrequest` and `do_roarequest` and the PDS gateway write every header
//! and parameter they otherwise would (date, nonce, body hash) and skip only the credentials
//! and the signature. The SLS and OSS gateways never look at it and sign every call, and so
//! do their schemes here.

pub mod acs3;
pub mod oss4;
pub(crate) mod oss_gateway;
pub mod pds;
pub mod roa_v2;
pub mod rpc_v2;
pub mod sls;

use std::time::SystemTime;

use http::header::{AUTHORIZATION, USER_AGENT};
use http::{HeaderMap, HeaderName, HeaderValue};
use sha2::Digest as _;

use crate::attempt::SignedRequest;
use crate::credentials::{Credentials, CredentialsError};
use crate::error::{BuildError, Error};
use crate::operation::CallSpec;
use crate::request::{Message, RequestBase};

/// The signature scheme of a product's requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthScheme {
    /// ACS3-HMAC-SHA256, Alibaba Cloud's signature V3: the default ([`acs3`]).
    Acs3HmacSha256,
    /// OSS4-HMAC-SHA256, Object Storage Service's signature V4, in headers ([`oss4`]; its
    /// presigned URLs are [`oss4::presign`]'s).
    Oss4HmacSha256,
    /// The OSS gateway's OSS4-HMAC-SHA256, which the official SDKs of products other than
    /// OSS sign through (hcs-mgw): the path alone in the canonical URI, `, ` between the parts
    /// of `Authorization` (`oss_gateway.rs`).
    OssGatewayHmacSha256,
    /// The SLS gateway's scheme, `LOG <id>:<signature>` ([`sls`]).
    SlsLogHmacSha256,
    /// The PDS gateway's scheme, `acs <id>:<signature>` ([`pds`]).
    PdsAcsHmacSha1,
    /// The v2 signature of RPC calls, HMAC-SHA1 in the query, which the official SDKs of
    /// older products send ([`rpc_v2`]).
    RpcV2HmacSha1,
    /// The v2 signature of ROA calls, HMAC-SHA1 in an `acs` `Authorization` with an HTTP
    /// `date`, which the official SDKs send an anonymous ROA operation with ([`roa_v2`]).
    RoaV2HmacSha1,
}

impl AuthScheme {
    /// Every scheme.
    pub const ALL: [AuthScheme; 7] = [
        AuthScheme::Acs3HmacSha256,
        AuthScheme::Oss4HmacSha256,
        AuthScheme::OssGatewayHmacSha256,
        AuthScheme::SlsLogHmacSha256,
        AuthScheme::PdsAcsHmacSha1,
        AuthScheme::RpcV2HmacSha1,
        AuthScheme::RoaV2HmacSha1,
    ];

    /// The scheme a call is sent with: its operation's own (`Operation::with_auth`), else the
    /// client's.
    pub(crate) fn of(call: &CallSpec<'_>, base: &RequestBase) -> AuthScheme {
        call.auth.unwrap_or(base.auth)
    }

    /// Whether the scheme signs a hash of the body, which must then be read whole before it
    /// is sent; OSS4 and the PDS gateway sign none, so their bodies stream.
    pub(crate) fn signs_body_hash(self) -> bool {
        !matches!(
            self,
            AuthScheme::Oss4HmacSha256
                | AuthScheme::OssGatewayHmacSha256
                | AuthScheme::PdsAcsHmacSha1
                | AuthScheme::RoaV2HmacSha1
        )
    }

    /// Whether the request line carries path values as the gateways' official SDKs send them
    /// through Python's `requests` (`request.rs`'s `encode_as_python_requests_into`: SLS and
    /// the OSS gateway, whose official SDKs put the values into the path unencoded); the
    /// other schemes' SDKs encode every byte but the unreserved ones.
    pub(crate) fn sends_path_values_as_python_requests(self) -> bool {
        matches!(
            self,
            AuthScheme::SlsLogHmacSha256 | AuthScheme::OssGatewayHmacSha256
        )
    }

    /// Whether a call of `call`'s operation is signed with credentials, which the client then
    /// asks its provider for before every attempt: every call but an anonymous operation's of
    /// a scheme that sends those unsigned.
    pub fn takes_credentials(self, call: &CallSpec<'_>) -> bool {
        !call.anonymous
            || matches!(
                self,
                AuthScheme::SlsLogHmacSha256
                    | AuthScheme::Oss4HmacSha256
                    | AuthScheme::OssGatewayHmacSha256
            )
    }
}

/// One attempt's request before its scheme's headers: the call, what every attempt sends, and
/// the attempt's date and nonce.
#[derive(Clone, Copy)]
pub(crate) struct Unsigned<'a> {
    pub(crate) call: CallSpec<'a>,
    pub(crate) base: &'a RequestBase,
    pub(crate) message: &'a Message<'a>,
    pub(crate) now: SystemTime,
    pub(crate) nonce: &'a str,
}

/// The request of `unsigned` by `scheme`, signed with `credentials` if given: none for a call
/// that takes none ([`AuthScheme::takes_credentials`]), whose client never asks its provider.
pub(crate) fn sign(
    scheme: AuthScheme,
    unsigned: Unsigned<'_>,
    credentials: Option<&Credentials>,
) -> Result<SignedRequest, Error> {
    match (scheme, credentials) {
        (AuthScheme::Acs3HmacSha256, keys) => acs3::request(unsigned, keys),
        (AuthScheme::PdsAcsHmacSha1, keys) => pds::request(unsigned, keys),
        (AuthScheme::RpcV2HmacSha1, keys) => rpc_v2::request(unsigned, keys),
        (AuthScheme::RoaV2HmacSha1, keys) => roa_v2::request(unsigned, keys),
        (AuthScheme::Oss4HmacSha256, Some(keys)) => oss4::sign(unsigned, keys),
        (AuthScheme::OssGatewayHmacSha256, Some(keys)) => oss_gateway::sign(unsigned, keys),
        (AuthScheme::SlsLogHmacSha256, Some(keys)) => sls::sign(unsigned, keys),
        (
            AuthScheme::Oss4HmacSha256
            | AuthScheme::OssGatewayHmacSha256
            | AuthScheme::SlsLogHmacSha256,
            None,
        ) => Err(Error::Credentials(CredentialsError::new(
            "none",
            "this scheme signs every call, and no credentials were given",
        ))),
    }
}

/// What a scheme made of one request: its own headers (in the order they are sent), the
/// `Authorization` value if it has one, the URL (whose query some schemes sign in a form of
/// their own), and what went into the signature.
pub(crate) struct SchemeOutput {
    pub(crate) headers: HeaderMap,
    pub(crate) authorization: Option<HeaderValue>,
    pub(crate) uri: http::Uri,
    pub(crate) canonical_request: String,
    pub(crate) string_to_sign: String,
}

/// The request every scheme sends: its headers, then the operation's header parameters (which
/// replace a scheme's header of the same name, as they were signed), the `Authorization`, a
/// `User-Agent` unless the call gave its own.
pub(crate) fn finish(unsigned: Unsigned<'_>, output: SchemeOutput) -> Result<SignedRequest, Error> {
    let SchemeOutput {
        mut headers,
        authorization,
        uri,
        canonical_request,
        string_to_sign,
    } = output;
    let Unsigned {
        call,
        base,
        message,
        ..
    } = unsigned;
    for (name, value) in message.headers.iter() {
        let name = HeaderName::try_from(name).map_err(|_| {
            Error::Build(BuildError::Encode(format!(
                "`{}` cannot be an HTTP header name",
                name.escape_debug()
            )))
        })?;
        let value = HeaderValue::try_from(value).map_err(|_| {
            Error::Build(BuildError::Encode(format!(
                "the value of the header parameter `{name}` holds characters an HTTP header cannot carry"
            )))
        })?;
        headers.insert(name, value);
    }
    if let Some(authorization) = authorization {
        headers.insert(AUTHORIZATION, authorization);
    }
    // A `User-Agent` of the call's own is signed and sent as it is, like any header parameter.
    headers
        .entry(USER_AGENT)
        .or_insert_with(|| base.user_agent.clone());

    let mut request = http::Request::new(message.body.clone());
    *request.method_mut() = call.method.as_http();
    *request.uri_mut() = uri;
    *request.headers_mut() = headers;
    Ok(SignedRequest {
        request,
        canonical_request,
        string_to_sign,
    })
}

/// How a gateway's string to sign writes a query parameter with an empty value.
#[derive(Clone, Copy)]
pub(crate) enum EmptyValue {
    /// `key` (PDS).
    KeyAlone,
    /// `key=` (SLS).
    WithEquals,
}

/// The resource the SLS and PDS gateways sign: the path as sent, then the query decoded and
/// sorted by key, `?k=v&…`.
pub(crate) fn push_resource(
    text: &mut String,
    path: &str,
    query: &[(&str, &str)],
    empty_value: EmptyValue,
) {
    text.push_str(path);
    let mut pairs = query.to_vec();
    pairs.sort_by_key(|(key, _)| *key);
    for (index, (key, value)) in pairs.iter().enumerate() {
        text.push(if index == 0 { '?' } else { '&' });
        text.push_str(key);
        if !value.is_empty() || matches!(empty_value, EmptyValue::WithEquals) {
            text.push('=');
            text.push_str(value);
        }
    }
}

/// What a scheme whose string to sign holds the request's values (a security token, the
/// query) shows of it: `<algorithm>\n<hex SHA-256 of it>`, enough to tell two apart. The
/// string itself is kept as the request's `canonical_request`, which nothing shows.
pub(crate) fn digest_of(algorithm: &str, string_to_sign: &str) -> String {
    let mut digest = format!("{algorithm}\n");
    crate::sign::push_lower_hex(
        &mut digest,
        &sha2::Sha256::digest(string_to_sign.as_bytes()),
    );
    digest
}

/// A header value the client made itself (a date, a hex digest): ASCII letters, digits and
/// punctuation only. An owned string becomes the value without being copied.
pub(crate) fn generated_value(text: std::borrow::Cow<'static, str>) -> HeaderValue {
    let value = match text {
        std::borrow::Cow::Borrowed(text) => Ok(HeaderValue::from_static(text)),
        std::borrow::Cow::Owned(text) => HeaderValue::try_from(text),
    };
    value.expect("dates and digests are printable ASCII")
}

/// A header value given by the caller or the service description (an action name, a nonce),
/// refused with `what` named when HTTP cannot carry it.
pub(crate) fn given_value(value: &str, what: &str) -> Result<HeaderValue, Error> {
    HeaderValue::from_str(value).map_err(|_| {
        Error::Build(BuildError::Encode(format!(
            "{what} holds characters an HTTP header cannot carry"
        )))
    })
}

/// Credentials HTTP cannot carry (a line break at the end of an access key read from a file,
/// say). The message never quotes them.
pub(crate) fn unsendable(credentials: &Credentials) -> Error {
    Error::Credentials(CredentialsError::new(
        credentials.provider(),
        "the access key id or security token holds characters an HTTP header cannot carry",
    ))
}
