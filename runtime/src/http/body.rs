//! The bodies an [`HttpClient`](super::HttpClient) carries when a call streams: the request's,
//! whole or sent as a [`ByteStream`](crate::ByteStream) is read, and the response's, as it
//! arrives.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::stream::Stream;
use hyper::body::{Body, Frame, Incoming, SizeHint};

use super::{HttpError, HttpErrorKind};
use crate::byte_stream::AttemptBody;

/// A request body: whole in memory, or streamed.
#[derive(Debug)]
pub enum RequestBody {
    Whole(Option<Bytes>),
    Streamed(AttemptBody),
}

impl RequestBody {
    pub fn whole(bytes: Bytes) -> Self {
        RequestBody::Whole((!bytes.is_empty()).then_some(bytes))
    }
}

impl Body for RequestBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        match self.get_mut() {
            RequestBody::Whole(bytes) => {
                Poll::Ready(bytes.take().map(|bytes| Ok(Frame::data(bytes))))
            }
            RequestBody::Streamed(body) => Pin::new(body).poll_frame(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, RequestBody::Whole(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            RequestBody::Whole(bytes) => {
                SizeHint::with_exact(bytes.as_ref().map_or(0, |bytes| bytes.len() as u64))
            }
            RequestBody::Streamed(body) => body.size_hint(),
        }
    }
}

/// A response body, a chunk at a time as it arrives.
pub struct ResponseStream(Arriving);

enum Arriving {
    Whole(Option<Bytes>),
    Incoming(Incoming),
}

impl fmt::Debug for ResponseStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseStream").finish_non_exhaustive()
    }
}

impl ResponseStream {
    /// A body that arrived whole (from an [`HttpClient`](super::HttpClient) that buffers).
    pub fn whole(bytes: Bytes) -> Self {
        ResponseStream(Arriving::Whole((!bytes.is_empty()).then_some(bytes)))
    }

    pub(crate) fn incoming(body: Incoming) -> Self {
        ResponseStream(Arriving::Incoming(body))
    }
}

impl Stream for ResponseStream {
    type Item = Result<Bytes, HttpError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let incoming = match &mut self.get_mut().0 {
            Arriving::Whole(bytes) => return Poll::Ready(bytes.take().map(Ok)),
            Arriving::Incoming(incoming) => incoming,
        };
        loop {
            let frame = match Pin::new(&mut *incoming).poll_frame(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(error))) => {
                    return Poll::Ready(Some(Err(HttpError::new(HttpErrorKind::Io, error))));
                }
                Poll::Ready(Some(Ok(frame))) => frame,
            };
            // Trailers carry nothing a call reads.
            if let Ok(data) = frame.into_data() {
                return Poll::Ready(Some(Ok(data)));
            }
        }
    }
}
