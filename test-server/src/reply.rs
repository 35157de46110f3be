//! What the test server answers, including faults.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode, header};
use hyper::body::{Body, Frame, SizeHint};
use serde::Serialize;
use serde_json::Value;

/// One answer of the test server: a response, or a fault such as a dropped connection.
///
/// Error replies get a fresh `RequestId` each time they are sent, like the service's.
#[derive(Clone, Debug)]
pub struct Reply {
    kind: ReplyKind,
    delay: Option<Duration>,
    /// Headers sent besides the ones every reply carries.
    headers: http::HeaderMap,
}

#[derive(Clone, Debug)]
enum ReplyKind {
    Body {
        status: StatusCode,
        content_type: &'static str,
        body: Bytes,
    },
    ServiceError {
        status: StatusCode,
        code: String,
        message: String,
        format: ErrorFormat,
        retry_after: Option<Duration>,
    },
    Truncated {
        declared_length: u64,
        sent: Bytes,
    },
    Oversized {
        length: u64,
        announced: bool,
    },
    DropConnection,
}

#[derive(Clone, Copy, Debug)]
enum ErrorFormat {
    Json,
    Xml,
}

/// A JSON reply body: a `serde_json::Value`, or JSON text sent exactly as given.
#[derive(Clone, Debug)]
pub struct JsonBody(Bytes);

impl From<Value> for JsonBody {
    fn from(value: Value) -> Self {
        Self::from(&value)
    }
}

impl From<&Value> for JsonBody {
    fn from(value: &Value) -> Self {
        Self(Bytes::from(value.to_string()))
    }
}

impl From<&str> for JsonBody {
    fn from(text: &str) -> Self {
        Self(Bytes::copy_from_slice(text.as_bytes()))
    }
}

impl From<String> for JsonBody {
    fn from(text: String) -> Self {
        Self(Bytes::from(text))
    }
}

const JSON: &str = "application/json;charset=utf-8";
const XML: &str = "text/xml;charset=utf-8";
const TEXT: &str = "text/plain;charset=utf-8";
const XML_DOCUMENT: &str = "application/xml";

fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or_else(|_| panic!("{status} is not an HTTP status code"))
}

impl Reply {
    /// A JSON body with the given status.
    ///
    /// # Panics
    /// If `status` is not between 100 and 999.
    pub fn json(status: u16, body: impl Into<JsonBody>) -> Self {
        Self::new(ReplyKind::Body {
            status: status_code(status),
            content_type: JSON,
            body: body.into().0,
        })
    }

    /// HTTP 200 with `response` as its JSON body: a typed reply, built from an SDK's response
    /// type (`XResponse::default()` with the fields a test needs set).
    ///
    /// # Panics
    /// If `response` cannot be written as JSON, which an SDK's response types always can.
    pub fn ok(response: &impl Serialize) -> Self {
        let body = serde_json::to_vec(response).expect("a response serialises to JSON");
        Self::new(ReplyKind::Body {
            status: StatusCode::OK,
            content_type: JSON,
            body: Bytes::from(body),
        })
    }

    /// A plain-text body with the given status, as the ECS instance metadata service sends.
    ///
    /// # Panics
    /// If `status` is not between 100 and 999.
    pub fn text(status: u16, body: impl Into<String>) -> Self {
        Self::new(ReplyKind::Body {
            status: status_code(status),
            content_type: TEXT,
            body: Bytes::from(body.into()),
        })
    }

    /// An XML document with the given status, as OSS answers (`application/xml`).
    ///
    /// # Panics
    /// If `status` is not between 100 and 999.
    pub fn xml(status: u16, body: impl Into<String>) -> Self {
        Self::new(ReplyKind::Body {
            status: status_code(status),
            content_type: XML_DOCUMENT,
            body: Bytes::from(body.into()),
        })
    }

    /// The service's JSON error body:
    /// `{"RequestId":…,"HostId":…,"Code":…,"Message":…,"Recommend":…}`.
    ///
    /// # Panics
    /// If `status` is not between 100 and 999.
    pub fn error(status: u16, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::service_error(
            status_code(status),
            code.into(),
            message.into(),
            ErrorFormat::Json,
        )
    }

    /// The service's XML error body:
    /// `<?xml …?><Error><RequestId>…</RequestId><HostId>…</HostId><Code>…</Code><Message>…</Message></Error>`.
    ///
    /// # Panics
    /// If `status` is not between 100 and 999.
    pub fn xml_error(status: u16, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::service_error(
            status_code(status),
            code.into(),
            message.into(),
            ErrorFormat::Xml,
        )
    }

    /// HTTP 400 `Throttling.User`, with `x-acs-retry-after` in milliseconds when given.
    pub fn throttled(retry_after: Option<Duration>) -> Self {
        Self::new(ReplyKind::ServiceError {
            status: StatusCode::BAD_REQUEST,
            code: "Throttling.User".to_owned(),
            message: "Request was denied due to user flow control.".to_owned(),
            format: ErrorFormat::Json,
            retry_after,
        })
    }

    /// HTTP 503 `ServiceUnavailable`.
    pub fn service_unavailable() -> Self {
        Self::service_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailable".to_owned(),
            "The request has failed due to a temporary failure of the server.".to_owned(),
            ErrorFormat::Json,
        )
    }

    /// HTTP 200 with a JSON content type and a body that is not JSON.
    pub fn malformed_json() -> Self {
        Self::new(ReplyKind::Body {
            status: StatusCode::OK,
            content_type: JSON,
            body: Bytes::from_static(
                b"{\"RequestId\": \"2F5B1C9A-0000-4000-8000-000000000000\", \"Template",
            ),
        })
    }

    /// HTTP 200 that declares a `Content-Length` larger than the part of the body it sends, then
    /// closes the connection.
    pub fn truncated_body() -> Self {
        let sent = Bytes::from_static(
            b"{\"RequestId\":\"2F5B1C9A-0000-4000-8000-000000000000\",\"Templates\":[",
        );
        Self::new(ReplyKind::Truncated {
            declared_length: sent.len() as u64 * 4,
            sent,
        })
    }

    /// Closes the connection without answering.
    pub fn drop_connection() -> Self {
        Self::new(ReplyKind::DropConnection)
    }

    /// HTTP 200 with a JSON content type and a body of exactly `bytes` filler bytes, streamed, for
    /// testing a client's response size limit.
    pub fn oversized(bytes: u64) -> Self {
        Self::new(ReplyKind::Oversized {
            length: bytes,
            announced: true,
        })
    }

    /// Like [`oversized`](Self::oversized), but chunked, without a `Content-Length`: a client
    /// learns the size only by reading.
    pub fn oversized_chunked(bytes: u64) -> Self {
        Self::new(ReplyKind::Oversized {
            length: bytes,
            announced: false,
        })
    }

    /// The same reply, sent after waiting `delay` (for a dropped connection: dropped after it).
    pub fn delayed(self, delay: Duration) -> Self {
        Self {
            delay: Some(delay),
            ..self
        }
    }

    /// The same reply with the header `name: value` too (a response field a service sends
    /// as a header, an object's `ETag`).
    ///
    /// # Panics
    /// If `name` or `value` cannot be an HTTP header's.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        let name = http::HeaderName::from_bytes(name.as_bytes())
            .unwrap_or_else(|_| panic!("`{name}` is no header name"));
        let value =
            HeaderValue::from_str(value).unwrap_or_else(|_| panic!("`{value}` is no header value"));
        self.headers.append(name, value);
        self
    }

    fn new(kind: ReplyKind) -> Self {
        Self {
            kind,
            delay: None,
            headers: http::HeaderMap::new(),
        }
    }

    fn service_error(
        status: StatusCode,
        code: String,
        message: String,
        format: ErrorFormat,
    ) -> Self {
        Self::new(ReplyKind::ServiceError {
            status,
            code,
            message,
            format,
            retry_after: None,
        })
    }

    pub(super) fn delay(&self) -> Option<Duration> {
        self.delay
    }

    /// The HTTP response, or `None` when the connection is to be dropped.
    pub(super) fn into_response(self, host_id: &str) -> Option<Response<ReplyBody>> {
        self.into_parts(host_id).map(|response| {
            response.map(|payload| match payload {
                Payload::Complete(body) => ReplyBody::complete(body),
                Payload::Truncated {
                    declared_length,
                    sent,
                } => ReplyBody::truncated(declared_length, sent),
                Payload::Oversized { length, announced } => ReplyBody::filler(length, announced),
            })
        })
    }

    /// The response as an in-process HTTP client hands it over, with the failure a client
    /// would meet for a fault: a dropped connection or a cut body breaks the exchange, and an
    /// oversized body exceeds any limit.
    pub(super) fn into_bytes_response(
        self,
        host_id: &str,
    ) -> Result<Response<Bytes>, acs_runtime::http::HttpError> {
        use acs_runtime::http::{HttpError, HttpErrorKind};
        let Some(response) = self.into_parts(host_id) else {
            return Err(HttpError::new(
                HttpErrorKind::Io,
                "connection dropped on purpose",
            ));
        };
        let (parts, payload) = response.into_parts();
        match payload {
            Payload::Complete(body) => Ok(Response::from_parts(parts, body)),
            Payload::Truncated { .. } => Err(HttpError::new(
                HttpErrorKind::Io,
                "reply body truncated on purpose",
            )),
            Payload::Oversized { .. } => Err(HttpError::new(
                HttpErrorKind::ResponseTooLarge,
                "reply body oversized on purpose",
            )),
        }
    }

    /// The response's status and headers, and what its body is to be.
    fn into_parts(self, host_id: &str) -> Option<Response<Payload>> {
        let request_id = uuid::Uuid::new_v4().to_string().to_uppercase();
        let (status, content_type, body, retry_after) = match self.kind {
            ReplyKind::DropConnection => return None,
            ReplyKind::Body {
                status,
                content_type,
                body,
            } => (status, content_type, Payload::Complete(body), None),
            ReplyKind::ServiceError {
                status,
                code,
                message,
                format,
                retry_after,
            } => {
                let body = match format {
                    ErrorFormat::Json => json_error(&request_id, host_id, &code, &message),
                    ErrorFormat::Xml => xml_error(&request_id, host_id, &code, &message),
                };
                let content_type = match format {
                    ErrorFormat::Json => JSON,
                    ErrorFormat::Xml => XML,
                };
                (status, content_type, Payload::Complete(body), retry_after)
            }
            ReplyKind::Truncated {
                declared_length,
                sent,
            } => (
                StatusCode::OK,
                JSON,
                Payload::Truncated {
                    declared_length,
                    sent,
                },
                None,
            ),
            ReplyKind::Oversized { length, announced } => (
                StatusCode::OK,
                JSON,
                Payload::Oversized { length, announced },
                None,
            ),
        };
        let mut response = Response::new(body);
        *response.status_mut() = status;
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        headers.insert(
            "x-acs-request-id",
            HeaderValue::from_str(&request_id).expect("a UUID is a valid header value"),
        );
        if let Some(retry_after) = retry_after {
            headers.insert(
                "x-acs-retry-after",
                HeaderValue::from(retry_after.as_millis() as u64),
            );
        }
        for (name, value) in &self.headers {
            headers.insert(name, value.clone());
        }
        Some(response)
    }
}

fn json_error(request_id: &str, host_id: &str, code: &str, message: &str) -> Bytes {
    let body = serde_json::json!({
        "RequestId": request_id,
        "HostId": host_id,
        "Code": code,
        "Message": message,
        "Recommend": format!("https://api.aliyun.com/troubleshoot?q={code}&product=Oos&requestId={request_id}"),
    });
    Bytes::from(body.to_string())
}

fn xml_error(request_id: &str, host_id: &str, code: &str, message: &str) -> Bytes {
    let mut body = String::from("<?xml version='1.0' encoding='UTF-8'?><Error>");
    for (element, text) in [
        ("RequestId", request_id),
        ("HostId", host_id),
        ("Code", code),
        ("Message", message),
    ] {
        body.push('<');
        body.push_str(element);
        body.push('>');
        push_xml_escaped(&mut body, text);
        body.push_str("</");
        body.push_str(element);
        body.push('>');
    }
    body.push_str("</Error>");
    Bytes::from(body)
}

fn push_xml_escaped(out: &mut String, text: &str) {
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(character),
        }
    }
}

/// What a reply's body is to be, before it is streamed or handed over.
enum Payload {
    Complete(Bytes),
    Truncated { declared_length: u64, sent: Bytes },
    Oversized { length: u64, announced: bool },
}

/// The body of a reply: complete, streamed filler, or cut short on purpose.
pub(super) struct ReplyBody {
    remaining_length: u64,
    /// Whether the length is declared up front (`Content-Length`) rather than chunked.
    announced: bool,
    state: BodyState,
}

enum BodyState {
    Data(Option<Bytes>),
    Filler(Bytes),
    /// Sends what it has, pauses so that it reaches the socket, then fails, which makes the
    /// server close the connection short of the declared length.
    Truncated {
        sent: Option<Bytes>,
        pause: Pin<Box<tokio::time::Sleep>>,
    },
}

/// How long a truncated body waits after its last bytes before the connection is closed.
const TRUNCATION_PAUSE: Duration = Duration::from_millis(20);

const FILLER_CHUNK: usize = 64 * 1024;

impl ReplyBody {
    fn complete(body: Bytes) -> Self {
        Self {
            remaining_length: body.len() as u64,
            announced: true,
            state: BodyState::Data(Some(body)),
        }
    }

    fn filler(length: u64, announced: bool) -> Self {
        Self {
            remaining_length: length,
            announced,
            state: BodyState::Filler(Bytes::from(vec![b' '; FILLER_CHUNK])),
        }
    }

    fn truncated(declared_length: u64, sent: Bytes) -> Self {
        Self {
            remaining_length: declared_length,
            announced: true,
            state: BodyState::Truncated {
                sent: Some(sent),
                pause: Box::pin(tokio::time::sleep(TRUNCATION_PAUSE)),
            },
        }
    }

    fn data_frame(
        &mut self,
        data: Bytes,
    ) -> Poll<Option<Result<Frame<Bytes>, TruncatedOnPurpose>>> {
        self.remaining_length -= data.len() as u64;
        Poll::Ready(Some(Ok(Frame::data(data))))
    }
}

/// The error that ends a truncated body.
#[derive(Debug)]
pub(super) struct TruncatedOnPurpose;

impl fmt::Display for TruncatedOnPurpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("reply body truncated on purpose")
    }
}

impl std::error::Error for TruncatedOnPurpose {}

impl Body for ReplyBody {
    type Data = Bytes;
    type Error = TruncatedOnPurpose;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, TruncatedOnPurpose>>> {
        let this = self.get_mut();
        match &mut this.state {
            BodyState::Data(data) => match data.take() {
                Some(data) => this.data_frame(data),
                None => Poll::Ready(None),
            },
            BodyState::Filler(chunk) => {
                if this.remaining_length == 0 {
                    return Poll::Ready(None);
                }
                let length = usize::try_from(this.remaining_length)
                    .map_or(chunk.len(), |left| left.min(chunk.len()));
                let data = chunk.slice(..length);
                this.data_frame(data)
            }
            BodyState::Truncated { sent, pause } => match sent.take() {
                Some(data) => this.data_frame(data),
                None => {
                    std::task::ready!(pause.as_mut().poll(cx));
                    Poll::Ready(Some(Err(TruncatedOnPurpose)))
                }
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.remaining_length == 0 && !matches!(self.state, BodyState::Truncated { .. })
    }

    fn size_hint(&self) -> SizeHint {
        if self.announced {
            SizeHint::with_exact(self.remaining_length)
        } else {
            SizeHint::default()
        }
    }
}
