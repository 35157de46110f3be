//! A response before decoding: whether it is a service error, and its decoding into an
//! operation's response type by what the operation says its body holds.

mod error_document;
mod headers;
mod url_encoded;

pub use headers::{HeaderKind, ResponseHeader};

use std::fmt;
use std::ops::RangeInclusive;

use bytes::Bytes;
use serde::de::value::{BytesDeserializer, MapDeserializer, StrDeserializer};
use serde::de::{DeserializeOwned, Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::de::FieldName;
use crate::error::{DecodeError, Error, ServiceError};
use crate::operation::{Operation, ResponseBody};

/// The statuses of a failed call. The official SDKs raise for these and decode every other
/// response, whatever its body holds: many services answer a success with
/// `{"Code":"200","Message":"","Success":true,…}`.
const ERROR_STATUSES: RangeInclusive<u16> = 400..=599;

/// A response, before decoding.
#[derive(Clone)]
pub struct RawResponse {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: Bytes,
}

/// Shows the status, the headers and the body's size: the body may hold secrets (a secret
/// parameter's value, temporary credentials).
impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &format_args!("{} bytes", self.body.len()))
            .finish()
    }
}

impl RawResponse {
    /// Whether a response of `status` is a service error.
    pub(crate) fn is_error_status(status: u16) -> bool {
        ERROR_STATUSES.contains(&status)
    }

    /// The service error this response carries, if any: a 4xx or 5xx status, with the error
    /// its body describes, or one made from the status when the body describes none. The
    /// request id comes from the body, else from the `x-acs-request-id` header.
    pub fn service_error(&self) -> Option<ServiceError> {
        if !ERROR_STATUSES.contains(&self.status) {
            return None;
        }
        let mut error = error_document::parse(self.status, &self.body)
            .unwrap_or_else(|| ServiceError::from_status(self.status, None));
        if error.request_id.is_none() {
            error.request_id = header_request_id(&self.headers);
        }
        Some(error)
    }

    /// The request id from the `x-acs-request-id` header, else from the body.
    pub fn request_id(&self) -> Option<String> {
        header_request_id(&self.headers).or_else(|| body_request_id(&self.body))
    }

    /// Decodes the body as JSON, tolerantly (see [`crate::de`]); an error shows the body's
    /// start.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, Error> {
        crate::de::from_slice(&self.body)
            .map_err(|source| Error::Decode(self.decode_error(source, false)))
    }

    /// Decodes the body of `operation`'s response as the operation says it is held: JSON as
    /// [`RawResponse::decode`] does, text and bytes whole, and an empty description without
    /// reading the body. When the operation's responses carry secrets, an error shows
    /// nothing of the body.
    ///
    /// An operation with fields carried by headers ([`Operation::response_headers`]) has its
    /// body read as a document first, the headers' fields added to it, and the whole decoded
    /// as one (`response/headers.rs`).
    pub fn decode_as<T: DeserializeOwned>(&self, operation: &Operation) -> Result<T, Error> {
        if !operation.response_headers().is_empty() {
            return self.decode_with_headers(operation);
        }
        let decoded = match operation.response_body() {
            ResponseBody::Json => crate::de::from_slice(&self.body),
            ResponseBody::Xml => self.xml_document(operation).and_then(crate::de::from_value),
            ResponseBody::Text => {
                let text = String::from_utf8_lossy(&self.body);
                T::deserialize(StrDeserializer::<serde_json::Error>::new(&text))
            }
            ResponseBody::Binary => {
                T::deserialize(BytesDeserializer::<serde_json::Error>::new(&self.body))
            }
            ResponseBody::Empty => T::deserialize(MapDeserializer::<_, serde_json::Error>::new(
                std::iter::empty::<(&str, &str)>(),
            )),
        };
        decoded.map_err(|source| {
            Error::Decode(self.decode_error(source, operation.secret_response()))
                .with_action(operation.action())
        })
    }

    fn decode_with_headers<T: DeserializeOwned>(&self, operation: &Operation) -> Result<T, Error> {
        let with_action = |error: DecodeError| Error::Decode(error).with_action(operation.action());
        let secret = operation.secret_response();
        let body = match operation.response_body() {
            ResponseBody::Json => crate::de::from_slice::<serde_json::Value>(&self.body),
            ResponseBody::Xml => self.xml_document(operation),
            ResponseBody::Text => Ok(serde_json::Value::String(
                String::from_utf8_lossy(&self.body).into_owned(),
            )),
            // A binary body streams beside the header fields (`StreamedResponse`), never in
            // the document.
            ResponseBody::Empty | ResponseBody::Binary => {
                Ok(serde_json::Value::Object(serde_json::Map::new()))
            }
        };
        let mut document = match body {
            Ok(body) if operation.whole_body_beside_headers() => {
                let mut document = serde_json::Map::new();
                document.insert(WHOLE_BODY_FIELD.to_owned(), body);
                document
            }
            Ok(serde_json::Value::Object(document)) => document,
            Ok(_) => {
                let source = serde::de::Error::custom("the body is not an object with fields");
                return Err(with_action(self.decode_error(source, secret)));
            }
            Err(source) => return Err(with_action(self.decode_error(source, secret))),
        };
        add_header_fields(&mut document, self.status, &self.headers, operation)?;
        crate::de::from_value(serde_json::Value::Object(document))
            .map_err(|source| with_action(self.decode_error(source, secret)))
    }

    /// The XML body as JSON, its URL-encoded fields decoded (`response/url_encoded.rs`).
    fn xml_document(&self, operation: &Operation) -> Result<serde_json::Value, serde_json::Error> {
        let mut document = crate::xml::from_xml(&self.body).map_err(serde::de::Error::custom)?;
        url_encoded::decode(&mut document, operation.url_encoded_response());
        Ok(document)
    }

    pub(crate) fn decode_error(&self, source: serde_json::Error, secret: bool) -> DecodeError {
        let request_id = self.request_id();
        if secret {
            DecodeError::withholding_body(self.status, request_id, &source)
        } else {
            DecodeError::new(self.status, request_id, &self.body, source)
        }
    }
}

/// The key under which a whole body (an array, text) is decoded beside the header fields
/// ([`Operation::whole_body_beside_headers`]): the generated response's field `body`.
const WHOLE_BODY_FIELD: &str = "body";

/// Adds the header fields of `operation` that `headers` carry to `document`; one that does
/// not read as its kind fails the decoding, naming the header and not its value.
fn add_header_fields(
    document: &mut serde_json::Map<String, serde_json::Value>,
    status: u16,
    headers: &http::HeaderMap,
    operation: &Operation,
) -> Result<(), Error> {
    headers::add_to(document, headers, operation.response_headers()).map_err(|unreadable| {
        let source = serde::de::Error::custom(unreadable);
        Error::Decode(DecodeError::without_body(
            status,
            header_request_id(headers),
            source,
        ))
        .with_action(operation.action())
    })
}

/// The header fields of `operation` read from `headers` alone, as `T` (the fields of a
/// response whose body streams).
pub(crate) fn decode_header_fields<T: DeserializeOwned>(
    status: u16,
    headers: &http::HeaderMap,
    operation: &Operation,
) -> Result<T, Error> {
    let mut document = serde_json::Map::new();
    add_header_fields(&mut document, status, headers, operation)?;
    crate::de::from_value(serde_json::Value::Object(document)).map_err(|source| {
        Error::Decode(DecodeError::without_body(
            status,
            header_request_id(headers),
            source,
        ))
        .with_action(operation.action())
    })
}

fn header_request_id(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get("x-acs-request-id")?
        .to_str()
        .ok()
        .map(str::to_string)
}

fn body_request_id(body: &[u8]) -> Option<String> {
    crate::de::from_slice::<BodyRequestId>(body).ok()?.0
}

/// The `RequestId` of a JSON object (a number taken as its text, as the tolerant decoder
/// does), every other field skipped without being built.
struct BodyRequestId(Option<String>);

impl<'de> serde::Deserialize<'de> for BodyRequestId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RequestIdVisitor;

        impl<'de> Visitor<'de> for RequestIdVisitor {
            type Value = BodyRequestId;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut fields: A) -> Result<Self::Value, A::Error> {
                let mut request_id = None;
                while let Some(name) = fields.next_key::<FieldName<'de>>()? {
                    if name.as_str() == "RequestId" {
                        request_id = fields.next_value()?;
                    } else {
                        fields.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(BodyRequestId(request_id))
            }
        }

        deserializer.deserialize_map(RequestIdVisitor)
    }
}

/// The bytes of a binary request or response body. Deserialises from bytes, as a binary
/// response gives them, or from text; serialises as bytes.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Blob(pub Vec<u8>);

impl fmt::Debug for Blob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Blob({} bytes)", self.0.len())
    }
}

impl AsRef<[u8]> for Blob {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for Blob {
    fn from(bytes: Vec<u8>) -> Self {
        Blob(bytes)
    }
}

impl From<&[u8]> for Blob {
    fn from(bytes: &[u8]) -> Self {
        Blob(bytes.to_vec())
    }
}

impl serde::Serialize for Blob {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Blob {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BlobVisitor;

        impl Visitor<'_> for BlobVisitor {
            type Value = Blob;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("bytes")
            }

            fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<Blob, E> {
                Ok(Blob(bytes.to_vec()))
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Blob, E> {
                Ok(Blob(text.as_bytes().to_vec()))
            }
        }

        deserializer.deserialize_bytes(BlobVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operation::Method;

    fn response(body: &'static [u8]) -> RawResponse {
        RawResponse {
            status: 200,
            headers: http::HeaderMap::new(),
            body: Bytes::from_static(body),
        }
    }

    #[test]
    fn the_request_id_is_read_from_the_top_level_of_a_body() {
        assert_eq!(
            body_request_id(br#"{"Nested":{"RequestId":"inner"},"RequestId":"R-1","N":[1]}"#),
            Some("R-1".to_string())
        );
        assert_eq!(body_request_id(br#"{"RequestId":123}"#), Some("123".into()));
        assert_eq!(body_request_id(br#"{"Items":[]}"#), None);
        assert_eq!(body_request_id(b"<Error/>"), None);
        assert_eq!(body_request_id(br#"["RequestId"]"#), None);
    }

    #[test]
    fn a_whole_body_beside_header_fields_is_their_documents_body() {
        const COUNT: &[ResponseHeader] = &[ResponseHeader {
            name: "x-log-count",
            kind: headers::HeaderKind::Integer,
        }];
        static LOGS: Operation = Operation::new("GetLogs", Method::Get)
            .with_response_headers(COUNT)
            .with_whole_body_beside_headers();
        static TEXT: Operation = Operation::new("A", Method::Get)
            .with_response_body(ResponseBody::Text)
            .with_response_headers(COUNT)
            .with_whole_body_beside_headers();
        static OBJECT: Operation = Operation::new("GetObject", Method::Get)
            .with_response_body(ResponseBody::Binary)
            .with_response_headers(COUNT);
        let mut answer = response(br#"[{"a":"1"}]"#);
        answer.headers.insert("x-log-count", "1".parse().unwrap());
        let decoded: serde_json::Value = answer.decode_as(&LOGS).unwrap();
        assert_eq!(
            decoded,
            serde_json::json!({"body": [{"a": "1"}], "x-log-count": 1})
        );

        answer.body = Bytes::from_static(b"text, not JSON");
        let decoded: serde_json::Value = answer.decode_as(&TEXT).unwrap();
        assert_eq!(
            decoded,
            serde_json::json!({"body": "text, not JSON", "x-log-count": 1})
        );
        // A binary body streams beside the header fields, never in their document.
        let decoded: serde_json::Value = answer.decode_as(&OBJECT).unwrap();
        assert_eq!(decoded, serde_json::json!({"x-log-count": 1}));
        let decoded: serde_json::Value =
            decode_header_fields(200, &answer.headers, &OBJECT).unwrap();
        assert_eq!(decoded, serde_json::json!({"x-log-count": 1}));

        answer.headers.insert("x-log-count", "1a".parse().unwrap());
        let error = answer.decode_as::<serde_json::Value>(&TEXT).unwrap_err();
        assert!(error.to_string().contains("x-log-count"), "{error}");
        let error =
            decode_header_fields::<serde_json::Value>(200, &answer.headers, &OBJECT).unwrap_err();
        assert!(error.to_string().contains("x-log-count"), "{error}");
    }

    #[test]
    fn bodies_decode_as_the_operation_describes_them() {
        static JSON: Operation = Operation::new("A", Method::Get);
        static TEXT: Operation =
            Operation::new("A", Method::Get).with_response_body(ResponseBody::Text);
        static BINARY: Operation =
            Operation::new("A", Method::Get).with_response_body(ResponseBody::Binary);
        static EMPTY: Operation =
            Operation::new("A", Method::Get).with_response_body(ResponseBody::Empty);

        let items: Vec<i32> = response(b"[1,\"2\"]").decode_as(&JSON).unwrap();
        assert_eq!(items, [1, 2]);
        let text: String = response(b"#!/bin/sh\necho hi").decode_as(&TEXT).unwrap();
        assert_eq!(text, "#!/bin/sh\necho hi");
        let blob: Blob = response(&[0, 255, 10]).decode_as(&BINARY).unwrap();
        assert_eq!(blob.as_ref(), [0, 255, 10]);
        let nothing: std::collections::BTreeMap<String, String> =
            response(b"not json").decode_as(&EMPTY).unwrap();
        assert!(nothing.is_empty());
        let error = response(b"not json")
            .decode_as::<Vec<i32>>(&JSON)
            .unwrap_err();
        assert!(matches!(error, Error::Decode(_)), "{error:?}");
    }

    #[test]
    fn error_statuses_are_service_errors_whatever_the_body() {
        let mut denied = response(br#"{"Code":"Forbidden.RAM","Message":"no"}"#);
        denied.status = 403;
        denied
            .headers
            .insert("x-acs-request-id", "R-header".parse().unwrap());
        let error = denied.service_error().unwrap();
        assert_eq!(
            (error.code.as_str(), error.request_id.as_deref()),
            ("Forbidden.RAM", Some("R-header"))
        );

        let mut failed =
            response(br#"{"RequestId":"R-body","Code":"InternalError","Message":"x"}"#);
        failed.status = 500;
        let error = failed.service_error().unwrap();
        assert_eq!(
            (
                error.status,
                error.code.as_str(),
                error.request_id.as_deref()
            ),
            (500, "InternalError", Some("R-body"))
        );

        for (status, code) in [(502, "HTTP502"), (400, "HTTP400"), (599, "HTTP599")] {
            let mut bare = response(b"<html>bad gateway</html>");
            bare.status = status;
            assert_eq!(bare.service_error().unwrap().code, code);
        }
    }

    #[test]
    fn other_statuses_are_decoded_even_with_a_code_in_the_body() {
        static JSON: Operation = Operation::new("A", Method::Post);
        #[derive(serde::Deserialize, Debug, PartialEq)]
        #[serde(rename_all = "PascalCase")]
        struct Answer {
            code: String,
            message: String,
            success: bool,
            data: Vec<i32>,
        }
        for status in [200, 201, 204, 299, 302, 399, 600] {
            let mut answer = response(
                br#"{"Code":"200","Message":"","Success":true,"Data":[1],"RequestId":"R"}"#,
            );
            answer.status = status;
            assert!(answer.service_error().is_none(), "HTTP {status}");
            let decoded: Answer = answer.decode_as(&JSON).unwrap();
            assert_eq!(
                decoded,
                Answer {
                    code: "200".into(),
                    message: String::new(),
                    success: true,
                    data: vec![1]
                }
            );
        }
        let failure_document = response(br#"{"Code":"InternalError","Message":"failed"}"#);
        assert!(
            failure_document.service_error().is_none(),
            "the official SDKs decode it too"
        );
    }

    #[test]
    fn debug_shows_the_size_of_the_body_never_its_content() {
        let shown = format!("{:?}", response(br#"{"Value":"secret-value"}"#));
        assert!(shown.contains("24 bytes"), "{shown}");
        assert!(!shown.contains("secret-value"), "{shown}");
    }
}
