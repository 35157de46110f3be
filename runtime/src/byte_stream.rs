//! Request bodies that stream ([`ByteStream`]): bytes in memory, a file, or a stream of
//! [`Bytes`], sent a chunk at a time without ever holding the whole object.
//!
//! A call may need more than one attempt, and every attempt must send the whole body from its
//! first byte. Bytes and files can do so (a file is read again from its start, by position, so
//! that a read of an earlier attempt still under way cannot move it); a stream of the caller's
//! is read once, and a call that would be retried after sending from it fails instead, naming
//! the failure that would have been retried ([`BodyError::NotReplayable`]). Nothing sends a
//! body again from where an earlier attempt stopped.
//!
//! While an attempt sends, the CRC-64 of what it sent is kept ([`crate::checksum`]), so that
//! the client can hold it to the `x-oss-hash-crc64ecma` the service answers with.

use std::fmt;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, ready};

use bytes::{Bytes, BytesMut};
use futures_util::stream::{self, BoxStream, Stream, StreamExt};
use hyper::body::{Body, Frame, SizeHint};

use crate::checksum::Crc64;
use crate::error::{BodyError, Error};

/// How much of a file one read takes: large enough that reading costs little per byte, small
/// enough that an upload holds a few of them at most.
const FILE_CHUNK: usize = 512 * 1024;

/// A request body, sent as it is read. See the [module documentation](self).
///
/// Clones share the source: a clone of a stream's body is the same one-time stream.
#[derive(Clone)]
pub struct ByteStream {
    source: Arc<Source>,
    length: Option<u64>,
    progress: Option<Progress>,
}

/// Told, as an attempt reads the body, how many bytes it has read so far: every attempt counts
/// again from 0 (a progress bar of an upload, which a retry starts over).
pub type Progress = Arc<dyn Fn(u64) + Send + Sync>;

/// Two bodies are equal when they hold equal bytes, or read the same source.
impl PartialEq for ByteStream {
    fn eq(&self, other: &Self) -> bool {
        match (&*self.source, &*other.source) {
            (Source::Bytes(a), Source::Bytes(b)) => a == b,
            _ => Arc::ptr_eq(&self.source, &other.source),
        }
    }
}

/// From bytes, or text taken as its bytes (a request read from JSON, as the CLI's examples
/// and the generated tests give one).
impl<'de> serde::Deserialize<'de> for ByteStream {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::Blob::deserialize(deserializer).map(|blob| ByteStream::from(blob.0))
    }
}

enum Source {
    Bytes(Bytes),
    /// Opened again for every attempt.
    Path {
        path: PathBuf,
        offset: u64,
    },
    /// The caller's open file, read by position from `offset`.
    File {
        file: Arc<File>,
        offset: u64,
    },
    /// Taken by the first attempt; a later one finds `None`.
    Stream(Mutex<Option<BoxStream<'static, io::Result<Bytes>>>>),
}

impl fmt::Debug for ByteStream {
    /// The kind of source and its length, never the content.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match &*self.source {
            Source::Bytes(_) => "Bytes",
            Source::Path { .. } => "Path",
            Source::File { .. } => "File",
            Source::Stream(_) => "Stream",
        };
        f.debug_struct("ByteStream")
            .field("source", &kind)
            .field("length", &self.length)
            .finish()
    }
}

impl ByteStream {
    /// The whole body, in memory.
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        let bytes = bytes.into();
        ByteStream {
            length: Some(bytes.len() as u64),
            source: Arc::new(Source::Bytes(bytes)),
            progress: None,
        }
    }

    /// The file at `path`, from its start to its end as it is now. Every attempt opens it
    /// again and sends that many bytes; a file that shrank in between fails the attempt.
    pub async fn from_path(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref().to_owned();
        let length = tokio::fs::metadata(&path)
            .await
            .map_err(|source| {
                Error::Body(BodyError::Io {
                    what: "reading the length of the file to upload",
                    source,
                })
            })?
            .len();
        Ok(ByteStream {
            source: Arc::new(Source::Path { path, offset: 0 }),
            length: Some(length),
            progress: None,
        })
    }

    /// `length` bytes of the file at `path` from `offset`: one part of a multipart upload.
    pub fn from_path_range(path: impl AsRef<Path>, offset: u64, length: u64) -> Self {
        ByteStream {
            source: Arc::new(Source::Path {
                path: path.as_ref().to_owned(),
                offset,
            }),
            length: Some(length),
            progress: None,
        }
    }

    /// An open file, from its current position to its end. Every attempt reads it from that
    /// position again.
    pub async fn from_file(file: tokio::fs::File) -> Result<Self, Error> {
        let mut file = file;
        let io_error = |source| {
            Error::Body(BodyError::Io {
                what: "reading the position and length of the file to upload",
                source,
            })
        };
        let offset = tokio::io::AsyncSeekExt::stream_position(&mut file)
            .await
            .map_err(io_error)?;
        let length = file.metadata().await.map_err(io_error)?.len();
        Ok(ByteStream {
            source: Arc::new(Source::File {
                file: Arc::new(file.into_std().await),
                offset,
            }),
            length: Some(length.saturating_sub(offset)),
            progress: None,
        })
    }

    /// A stream of the caller's, of `length` bytes when known (else the body is sent chunked).
    /// It is read once: a call that fails after sending from it is not retried
    /// ([`BodyError::NotReplayable`]).
    pub fn from_stream<S>(stream: S, length: Option<u64>) -> Self
    where
        S: Stream<Item = io::Result<Bytes>> + Send + 'static,
    {
        ByteStream {
            source: Arc::new(Source::Stream(Mutex::new(Some(stream.boxed())))),
            length,
            progress: None,
        }
    }

    /// This body, telling `progress` how much of it each attempt has read.
    pub fn with_progress(mut self, progress: impl Fn(u64) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// The body's length in bytes, when known before it is read.
    pub fn content_length(&self) -> Option<u64> {
        self.length
    }

    /// Whether every attempt can send the body from its start.
    pub fn is_replayable(&self) -> bool {
        !matches!(*self.source, Source::Stream(_))
    }

    /// The body, when it is bytes in memory.
    pub fn in_memory(&self) -> Option<&Bytes> {
        match &*self.source {
            Source::Bytes(bytes) => Some(bytes),
            _ => None,
        }
    }

    /// The whole body in memory, for a scheme that signs the body's hash (as the official
    /// SDKs read a stream whole for it).
    pub async fn collect(&self) -> Result<Bytes, Error> {
        if let Some(bytes) = self.in_memory() {
            return Ok(bytes.clone());
        }
        let mut chunks = self.chunks().await?;
        let mut whole = BytesMut::with_capacity(self.length.unwrap_or(0) as usize);
        while let Some(chunk) = chunks.next().await {
            whole.extend_from_slice(&chunk.map_err(|source| {
                Error::Body(BodyError::Io {
                    what: "reading the body to upload",
                    source,
                })
            })?);
        }
        Ok(whole.freeze())
    }

    /// The body of one attempt, from the start.
    pub(crate) async fn open(&self) -> Result<AttemptBody, Error> {
        let mut chunks = self.chunks().await?;
        if let Some(progress) = &self.progress {
            let progress = Arc::clone(progress);
            let mut read = 0;
            chunks = chunks
                .inspect(move |chunk| {
                    if let Ok(chunk) = chunk {
                        read += chunk.len() as u64;
                        progress(read);
                    }
                })
                .boxed();
        }
        Ok(AttemptBody {
            chunks,
            length: self.length,
            sent: Arc::new(Mutex::new(Sent::default())),
        })
    }

    async fn chunks(&self) -> Result<BoxStream<'static, io::Result<Bytes>>, Error> {
        match &*self.source {
            Source::Bytes(bytes) => Ok(stream::iter([Ok(bytes.clone())]).boxed()),
            Source::Path { path, offset } => {
                let path = path.clone();
                let file = tokio::task::spawn_blocking(move || File::open(path))
                    .await
                    .map_err(|error| io::Error::other(error.to_string()))
                    .and_then(|opened| opened)
                    .map_err(|source| {
                        Error::Body(BodyError::Io {
                            what: "opening the file to upload",
                            source,
                        })
                    })?;
                Ok(file_chunks(
                    Arc::new(file),
                    *offset,
                    self.length.unwrap_or(0),
                ))
            }
            Source::File { file, offset } => Ok(file_chunks(
                Arc::clone(file),
                *offset,
                self.length.unwrap_or(0),
            )),
            Source::Stream(slot) => slot
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .take()
                .ok_or(Error::Body(BodyError::NotReplayable { after: None })),
        }
    }
}

impl From<Bytes> for ByteStream {
    fn from(bytes: Bytes) -> Self {
        ByteStream::from_bytes(bytes)
    }
}

impl From<Vec<u8>> for ByteStream {
    fn from(bytes: Vec<u8>) -> Self {
        ByteStream::from_bytes(bytes)
    }
}

impl From<&'static [u8]> for ByteStream {
    fn from(bytes: &'static [u8]) -> Self {
        ByteStream::from_bytes(Bytes::from_static(bytes))
    }
}

impl From<&'static str> for ByteStream {
    fn from(text: &'static str) -> Self {
        ByteStream::from_bytes(Bytes::from_static(text.as_bytes()))
    }
}

/// `length` bytes of `file` from `offset`, a chunk at a time, each read by position on
/// tokio's blocking threads.
fn file_chunks(file: Arc<File>, offset: u64, length: u64) -> BoxStream<'static, io::Result<Bytes>> {
    let end = offset + length;
    stream::try_unfold(offset, move |position| {
        let file = Arc::clone(&file);
        async move {
            if position >= end {
                return Ok(None);
            }
            let wanted = (end - position).min(FILE_CHUNK as u64) as usize;
            let chunk = tokio::task::spawn_blocking(move || read_at(&file, position, wanted))
                .await
                .map_err(|error| io::Error::other(error.to_string()))??;
            if chunk.is_empty() {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!(
                        "the file ended {} bytes before the length announced",
                        end - position
                    ),
                ));
            }
            let next = position + chunk.len() as u64;
            Ok(Some((chunk, next)))
        }
    })
    .boxed()
}

/// Up to `wanted` bytes at `position`, without using the file's cursor (which another handle
/// of the same file shares).
fn read_at(file: &File, position: u64, wanted: usize) -> io::Result<Bytes> {
    let mut buffer = vec![0; wanted];
    #[cfg(unix)]
    let read = std::os::unix::fs::FileExt::read_at(file, &mut buffer, position)?;
    #[cfg(windows)]
    let read = std::os::windows::fs::FileExt::seek_read(file, &mut buffer, position)?;
    buffer.truncate(read);
    Ok(Bytes::from(buffer))
}

/// What one attempt has sent so far: the bytes and their CRC-64, and why reading the body
/// failed, if it did (HTTP reports only that the body broke off).
#[derive(Default)]
pub(crate) struct Sent {
    pub(crate) bytes: u64,
    pub(crate) crc64: Crc64,
    pub(crate) read_failure: Option<io::Error>,
}

/// The body of one attempt as HTTP sends it, keeping count of what it sent.
pub struct AttemptBody {
    chunks: BoxStream<'static, io::Result<Bytes>>,
    length: Option<u64>,
    sent: Arc<Mutex<Sent>>,
}

impl AttemptBody {
    /// What was sent so far; still readable once HTTP has the body.
    pub(crate) fn sent(&self) -> Arc<Mutex<Sent>> {
        Arc::clone(&self.sent)
    }
}

impl fmt::Debug for AttemptBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AttemptBody")
            .field("length", &self.length)
            .finish_non_exhaustive()
    }
}

impl Body for AttemptBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        let next = ready!(self.chunks.poll_next_unpin(cx));
        let mut sent = self
            .sent
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match next {
            Some(Ok(chunk)) => {
                sent.bytes += chunk.len() as u64;
                if let Some(length) = self.length
                    && sent.bytes > length
                {
                    return Poll::Ready(Some(Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("the body holds more than the {length} bytes announced"),
                    ))));
                }
                sent.crc64.update(&chunk);
                Poll::Ready(Some(Ok(Frame::data(chunk))))
            }
            Some(Err(error)) => {
                sent.read_failure = Some(io::Error::new(error.kind(), error.to_string()));
                Poll::Ready(Some(Err(error)))
            }
            None => match self.length {
                Some(length) if sent.bytes != length => Poll::Ready(Some(Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!(
                        "the body ended after {} of the {length} bytes announced",
                        sent.bytes
                    ),
                )))),
                _ => Poll::Ready(None),
            },
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self.length {
            Some(length) => SizeHint::with_exact(length),
            None => SizeHint::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use http_body_util::BodyExt;

    use super::*;

    async fn sent_by_one_attempt(body: &ByteStream) -> Result<Bytes, Error> {
        let attempt = body.open().await?;
        let sent = attempt.sent();
        let whole = attempt
            .collect()
            .await
            .map_err(|source| {
                Error::Body(BodyError::Io {
                    what: "test",
                    source,
                })
            })?
            .to_bytes();
        let sent = sent.lock().unwrap();
        assert_eq!(sent.bytes, whole.len() as u64);
        let mut crc = Crc64::default();
        crc.update(&whole);
        assert_eq!(sent.crc64.value(), crc.value());
        Ok(whole)
    }

    #[tokio::test]
    async fn progress_counts_what_each_attempt_read_from_zero() {
        let content: Vec<u8> = (0..2 * FILE_CHUNK + 5).map(|i| (i % 251) as u8).collect();
        let (path, mut file) = tempfile();
        file.write_all(&content).unwrap();
        let reported = Arc::new(Mutex::new(Vec::new()));
        let body = ByteStream::from_path(&path).await.unwrap().with_progress({
            let reported = Arc::clone(&reported);
            move |read| reported.lock().unwrap().push(read)
        });
        let whole = content.len() as u64;
        let chunk = FILE_CHUNK as u64;
        for _attempt in 0..2 {
            sent_by_one_attempt(&body).await.unwrap();
            let counts = std::mem::take(&mut *reported.lock().unwrap());
            assert_eq!(counts, [chunk, 2 * chunk, whole]);
        }
        std::fs::remove_file(path).unwrap();
    }

    #[tokio::test]
    async fn bytes_and_files_are_sent_whole_by_every_attempt() {
        let content: Vec<u8> = (0..3 * FILE_CHUNK + 17).map(|i| (i % 251) as u8).collect();
        let mut file = tempfile();
        file.1.write_all(&content).unwrap();

        let from_bytes = ByteStream::from(content.clone());
        let from_path = ByteStream::from_path(&file.0).await.unwrap();
        let mut opened = tokio::fs::File::open(&file.0).await.unwrap();
        tokio::io::AsyncSeekExt::seek(&mut opened, io::SeekFrom::Start(5))
            .await
            .unwrap();
        let from_file = ByteStream::from_file(opened).await.unwrap();
        let part = ByteStream::from_path_range(&file.0, FILE_CHUNK as u64, 10);
        for body in [&from_bytes, &from_path] {
            assert_eq!(body.content_length(), Some(content.len() as u64));
            for _attempt in 0..2 {
                assert_eq!(sent_by_one_attempt(body).await.unwrap(), content[..]);
            }
        }
        for _attempt in 0..2 {
            assert_eq!(sent_by_one_attempt(&from_file).await.unwrap(), content[5..]);
        }
        assert_eq!(
            sent_by_one_attempt(&part).await.unwrap(),
            content[FILE_CHUNK..FILE_CHUNK + 10]
        );
        assert_eq!(from_path.collect().await.unwrap(), content[..]);
        std::fs::remove_file(&file.0).unwrap();
    }

    #[tokio::test]
    async fn a_stream_is_read_once_and_refused_after() {
        let chunks = stream::iter([Ok(Bytes::from_static(b"ab")), Ok(Bytes::from_static(b"c"))]);
        let body = ByteStream::from_stream(chunks, Some(3));
        assert!(!body.is_replayable());
        assert_eq!(sent_by_one_attempt(&body).await.unwrap(), &b"abc"[..]);
        let error = body.open().await.unwrap_err();
        assert!(
            matches!(error, Error::Body(BodyError::NotReplayable { .. })),
            "{error:?}"
        );
    }

    #[tokio::test]
    async fn a_body_shorter_or_longer_than_announced_fails_the_attempt() {
        for (announced, content) in [(5, &b"abc"[..]), (2, &b"abc"[..])] {
            let body = ByteStream::from_stream(
                stream::iter([Ok(Bytes::from_static(content))]),
                Some(announced),
            );
            let error = body.open().await.unwrap().collect().await.unwrap_err();
            assert!(error.to_string().contains("announced"), "{error}");
        }
        let file = tempfile();
        let shrunk = ByteStream::from_path_range(&file.0, 0, 4);
        let error = shrunk.open().await.unwrap().collect().await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof, "{error}");
        std::fs::remove_file(&file.0).unwrap();
    }

    #[test]
    fn debug_shows_the_kind_and_length_never_the_content() {
        let shown = format!("{:?}", ByteStream::from("secret-content"));
        assert_eq!(shown, r#"ByteStream { source: "Bytes", length: Some(14) }"#);
    }

    fn tempfile() -> (PathBuf, File) {
        let path = std::env::temp_dir().join(format!(
            "acs-runtime-byte-stream-{}-{}",
            std::process::id(),
            uuid::Uuid::new_v4()
        ));
        let file = File::create(&path).unwrap();
        (path, file)
    }
}
