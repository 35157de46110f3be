//! Calls whose bodies stream: one attempt that sends a [`ByteStream`] as it is read and hands
//! back the response as soon as its head arrives, and that response ([`StreamedResponse`]),
//! read a chunk at a time, collected, or written to a file.
//!
//! Both directions are held to the service's `x-oss-hash-crc64ecma` as the official OSS SDK
//! holds them: an upload's CRC-64 when its response carries one, a download's (the body of a
//! `GET`) when it is of the whole object (status 200, not a range) and carries one. The
//! header of any other response describes the object stored, not the response's body.
//!
//! The read timeout counts from the last byte of the request's body sent to the response's
//! head, so that a large upload is not cut off for taking longer than it; the response's body
//! is read without one.

use std::fmt;
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_util::stream::{Stream, StreamExt};
use tokio::io::AsyncWriteExt;

use crate::attempt::{self, AttemptFailure};
use crate::byte_stream::{ByteStream, Sent};
use crate::checksum::{Crc64, check_crc64};
use crate::config::Config;
use crate::error::{BodyError, ConnectionError, Error};
use crate::http::{HttpClient as _, HttpErrorKind, RequestBody, ResponseStream};
use crate::operation::{CallSpec, Method, Operation};
use crate::request::{Message, RequestBase};
use crate::response::RawResponse;

/// An error response's body is read whole to find the service's error in it, up to this much.
const MAX_ERROR_BODY: usize = 1024 * 1024;

/// One attempt of a streamed call: `payload` sent from its start, the response returned
/// once its head arrives (its body whole only when it is a service error).
pub(crate) async fn attempt(
    config: &Config,
    call: CallSpec<'_>,
    base: &RequestBase,
    message: &Message<'_>,
    payload: Option<&ByteStream>,
    read_timeout: Duration,
) -> Result<StreamedResponse, AttemptFailure> {
    let body = match payload {
        Some(payload) => Some(payload.open().await.map_err(AttemptFailure::final_error)?),
        None => None,
    };
    let sent = body.as_ref().map(|body| body.sent());
    let signed = attempt::sign(config, call, base, message).await?;
    // Without a payload to stream (none, or one read whole because its scheme signs a hash of
    // it), the signed request's own body is what goes.
    let request = signed.request.map(|whole| match body {
        Some(body) => RequestBody::Streamed(body),
        None => RequestBody::whole(whole),
    });
    let exchange = config.http_client.send_streaming(request);
    let response = match head_within(exchange, read_timeout, sent.as_ref()).await {
        None => return Err(AttemptFailure::read_timeout(read_timeout)),
        Some(Err(error)) if error.kind() == HttpErrorKind::Timeout => {
            return Err(AttemptFailure::read_timeout(read_timeout));
        }
        Some(Err(error)) => {
            // A body that could not be read is the caller's to fix: another attempt would
            // meet the same file.
            let unreadable = sent.as_ref().and_then(|sent| {
                sent.lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .read_failure
                    .take()
            });
            return Err(match unreadable {
                Some(source) => AttemptFailure::final_error(Error::Body(BodyError::Io {
                    what: "reading the body to upload",
                    source,
                })),
                None => AttemptFailure::from_http(error),
            });
        }
        Some(Ok(response)) => response,
    };
    let (parts, body) = response.into_parts();
    let status = parts.status.as_u16();
    if RawResponse::is_error_status(status) {
        let body = read_error_body(body).await?;
        let response = RawResponse {
            status,
            headers: parts.headers,
            body,
        };
        return match attempt::failure(&response, signed.string_to_sign) {
            Some(failure) => Err(failure),
            None => Ok(StreamedResponse::new(
                status,
                response.headers,
                ResponseStream::whole(response.body),
                false,
            )),
        };
    }
    if let (Some(sent), Some(payload)) = (sent, payload) {
        let sent = sent.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if payload
            .content_length()
            .is_none_or(|length| length == sent.bytes)
        {
            check_crc64(&parts.headers, sent.crc64.value(), "upload")
                .map_err(AttemptFailure::final_error)?;
        }
    }
    let whole_object = call.method == Method::Get && status == 200;
    Ok(StreamedResponse::new(
        status,
        parts.headers,
        body,
        whole_object,
    ))
}

/// What `exchange` gives, unless `limit` passes without the response's head and without a
/// byte of the request's body sent: sending a large body takes as long as it takes, and the
/// read timeout counts from the last byte sent, as an idle connection's would.
async fn head_within<T>(
    exchange: impl Future<Output = T>,
    limit: Duration,
    sent: Option<&Arc<Mutex<Sent>>>,
) -> Option<T> {
    let bytes_sent = || {
        sent.map_or(0, |sent| {
            sent.lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .bytes
        })
    };
    let mut exchange = std::pin::pin!(exchange);
    let mut progress = bytes_sent();
    loop {
        if let Ok(output) = tokio::time::timeout(limit, exchange.as_mut()).await {
            return Some(output);
        }
        let now = bytes_sent();
        if now == progress {
            return None;
        }
        progress = now;
    }
}

async fn read_error_body(mut body: ResponseStream) -> Result<Bytes, AttemptFailure> {
    let mut whole = BytesMut::new();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(AttemptFailure::from_http)?;
        let room = MAX_ERROR_BODY - whole.len();
        whole.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if whole.len() == MAX_ERROR_BODY {
            break;
        }
    }
    Ok(whole.freeze())
}

/// What a generated operation whose response body streams returns: the response's fields
/// carried by headers, typed (`headers`, the operation's response type), and the body as it
/// arrives (`body`, with the status and every header as sent).
#[derive(Debug)]
#[non_exhaustive]
pub struct Streamed<T> {
    pub headers: T,
    pub body: StreamedResponse,
}

impl<T: serde::de::DeserializeOwned> Streamed<T> {
    /// Reads `operation`'s header fields from `body`'s headers; one that does not read as its
    /// type fails as any response's does.
    pub(crate) fn decode(body: StreamedResponse, operation: &Operation) -> Result<Self, Error> {
        let headers = body.decode_header_fields(operation)?;
        Ok(Streamed { headers, body })
    }
}

/// The response of a call whose body streams: its status and headers, and its body as it
/// arrives. As a [`Stream`] it yields the body's chunks, then, when the body was a whole
/// object (`GET`, status 200) and its CRC-64 is not the service's, an error
/// ([`BodyError::Checksum`]).
pub struct StreamedResponse {
    status: u16,
    headers: http::HeaderMap,
    body: ResponseStream,
    /// The CRC-64 of what arrived so far, when it is to be held to the service's.
    crc64: Option<Crc64>,
    finished: bool,
}

impl fmt::Debug for StreamedResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamedResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}

impl StreamedResponse {
    /// `whole_object`: the body is a whole object, to be held to the header's CRC-64.
    fn new(
        status: u16,
        headers: http::HeaderMap,
        body: ResponseStream,
        whole_object: bool,
    ) -> Self {
        let checked = whole_object && headers.contains_key(crate::checksum::CRC64_HEADER);
        StreamedResponse {
            status,
            headers,
            body,
            crc64: checked.then(Crc64::default),
            finished: false,
        }
    }

    pub fn status(&self) -> u16 {
        self.status
    }

    pub fn headers(&self) -> &http::HeaderMap {
        &self.headers
    }

    /// `operation`'s response fields carried by headers, read from this response's headers
    /// as [`RawResponse::decode_as`] reads them beside a body.
    pub fn decode_header_fields<T: serde::de::DeserializeOwned>(
        &self,
        operation: &Operation,
    ) -> Result<T, Error> {
        crate::response::decode_header_fields(self.status, &self.headers, operation)
    }

    /// The body's length, from `Content-Length`.
    pub fn content_length(&self) -> Option<u64> {
        self.headers
            .get(http::header::CONTENT_LENGTH)?
            .to_str()
            .ok()?
            .parse()
            .ok()
    }

    /// The response with its whole body, checked, for decoding as an operation's.
    pub(crate) async fn into_raw_response(self) -> Result<RawResponse, Error> {
        let (status, headers) = (self.status, self.headers.clone());
        Ok(RawResponse {
            status,
            headers,
            body: self.collect().await?,
        })
    }

    /// The whole body in memory, checked.
    pub async fn collect(mut self) -> Result<Bytes, Error> {
        let mut whole = BytesMut::with_capacity(self.content_length().unwrap_or(0) as usize);
        while let Some(chunk) = self.next().await {
            whole.extend_from_slice(&chunk?);
        }
        Ok(whole.freeze())
    }

    /// Writes the body to `writer` as it arrives and returns how many bytes it wrote; the
    /// checks are made before the last write is flushed.
    pub async fn write_to(
        mut self,
        writer: &mut (impl tokio::io::AsyncWrite + Unpin),
    ) -> Result<u64, Error> {
        let written_error = |source| {
            Error::Body(BodyError::Io {
                what: "writing the downloaded body",
                source,
            })
        };
        let mut written = 0;
        while let Some(chunk) = self.next().await {
            let chunk = chunk?;
            writer.write_all(&chunk).await.map_err(written_error)?;
            written += chunk.len() as u64;
        }
        writer.flush().await.map_err(written_error)?;
        Ok(written)
    }

    /// Writes the body to a new file at `path` (replacing one there) and returns its length.
    /// A body that fails its check leaves the file as far as it was written.
    pub async fn into_file(self, path: impl AsRef<Path>) -> Result<u64, Error> {
        let mut file = tokio::fs::File::create(path.as_ref())
            .await
            .map_err(|source| {
                Error::Body(BodyError::Io {
                    what: "creating the file to download to",
                    source,
                })
            })?;
        self.write_to(&mut file).await
    }
}

impl Stream for StreamedResponse {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.finished {
            return Poll::Ready(None);
        }
        let this = &mut *self;
        match this.body.poll_next_unpin(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Some(Ok(chunk))) => {
                if let Some(crc64) = &mut this.crc64 {
                    crc64.update(&chunk);
                }
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(error))) => {
                this.finished = true;
                Poll::Ready(Some(Err(Error::Connection(ConnectionError {
                    message: "the connection broke while the body arrived".into(),
                    source: Some(error.into_source()),
                    action: None,
                }))))
            }
            Poll::Ready(None) => {
                this.finished = true;
                let checked = match &this.crc64 {
                    Some(crc64) => check_crc64(&this.headers, crc64.value(), "download"),
                    None => Ok(()),
                };
                Poll::Ready(checked.err().map(Err))
            }
        }
    }
}
