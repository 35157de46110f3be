//! A stand-in for OSS's object endpoints, for transfers too large to hold in memory:
//! [`ObjectServer`] stores each object `PUT` to `/<bucket>/<key>` (path style, as OSS is
//! addressed by IP) in a file of its directory as the body arrives, and serves it back to `GET`,
//! whole or by `Range`, a chunk at a time. Like OSS, it answers both with the object's CRC-64 in
//! `x-oss-hash-crc64ecma`, checks a `Content-MD5` it is sent, and refuses a request whose OSS4
//! signature does not verify ([`verify_oss4`](crate::verify_oss4)). Its ETag is derived from
//! the CRC-64 (so it changes with the content), and a `GET` whose `If-Match` is not it is
//! refused with `412 PreconditionFailed`. The multipart upload's requests, told apart by their
//! query, are answered by [`crate::multipart`]. It lists objects
//! and buckets as OSS does (`object_listing.rs`), and deletes them one by one or by the
//! thousand (`object_deletion.rs`).
//!
//! The CRC-64 is computed with `crc64fast` directly, not through the client's code, and the
//! client's CRC is held to the official SDK's values in its own tests.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::fmt;
use std::io::{self, SeekFrom};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use bytes::{Bytes, BytesMut};
use futures_util::stream::{self, Stream, StreamExt};
use http::{HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use md5::{Digest as _, Md5};
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};

use crate::multipart::{self, Uploads};
use crate::object_deletion;
use crate::object_listing::{self, Answer};
use crate::verify::Received;
use crate::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, lock, verify_oss4};

/// How much of an object one read of its file takes when serving it.
const CHUNK: usize = 256 * 1024;
/// How much of an arriving object is gathered before it is written to its file.
const WRITE_BUFFER: usize = 4 * 1024 * 1024;

pub(crate) type ObjectBody =
    StreamBody<Pin<Box<dyn Stream<Item = io::Result<Frame<Bytes>>> + Send>>>;

/// What the server does to the next `PUT` instead of storing it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PutFault {
    /// Reads the whole body, then answers `503 ServiceUnavailable`, which a client retries.
    Unavailable,
    /// Stores the object but answers with a CRC-64 that is not its own.
    WrongCrc,
}

/// What the server knows of one stored object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoredObject {
    pub length: u64,
    pub crc64: u64,
}

/// A stand-in for OSS's object endpoints: each object `PUT` to `/<bucket>/<key>` is stored in
/// a file as it arrives and served back to `GET`, whole or by `Range`, with its CRC-64 in
/// `x-oss-hash-crc64ecma`; an OSS4 signature that does not verify is refused. Dropping it
/// stops the server; the files stay in its directory, which is the caller's.
pub struct ObjectServer {
    address: SocketAddr,
    pub(crate) state: Arc<ObjectState>,
    accept_loop: JoinHandle<()>,
}

impl fmt::Debug for ObjectServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ObjectServer")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl Drop for ObjectServer {
    fn drop(&mut self) {
        self.accept_loop.abort();
    }
}

pub(crate) struct ObjectState {
    pub(crate) directory: PathBuf,
    region: String,
    pub(crate) objects: Mutex<HashMap<String, StoredObject>>,
    pub(crate) uploads: Uploads,
    faults: Mutex<VecDeque<PutFault>>,
    /// The bytes each `PUT` delivered, in order, faults included.
    put_lengths: Mutex<Vec<u64>>,
}

impl ObjectServer {
    /// Serves on a free port of `127.0.0.1`, storing objects under `directory`, and verifying
    /// OSS4 signatures made with the default credentials for `region`.
    ///
    /// # Errors
    /// When the port cannot be bound.
    pub async fn start(directory: impl Into<PathBuf>, region: &str) -> io::Result<Self> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let address = listener.local_addr()?;
        let state = Arc::new(ObjectState {
            directory: directory.into(),
            region: region.to_owned(),
            objects: Mutex::default(),
            faults: Mutex::default(),
            put_lengths: Mutex::default(),
            uploads: Uploads::default(),
        });
        let accept_loop = tokio::spawn(accept(listener, Arc::clone(&state)));
        Ok(ObjectServer {
            address,
            state,
            accept_loop,
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The next `PUT` meets `fault` (faults queue up in order).
    pub fn fail_next_put(&self, fault: PutFault) {
        lock(&self.state.faults).push_back(fault);
    }

    /// The object stored at `/<bucket>/<key>`, if any.
    pub fn object(&self, bucket: &str, key: &str) -> Option<StoredObject> {
        lock(&self.state.objects)
            .get(&format!("/{bucket}/{key}"))
            .copied()
    }

    /// How many bytes each `PUT` so far delivered, in order.
    pub fn put_lengths(&self) -> Vec<u64> {
        lock(&self.state.put_lengths).clone()
    }
}

async fn accept(listener: TcpListener, state: Arc<ObjectState>) {
    let mut connections = JoinSet::new();
    while let Ok((stream, _)) = listener.accept().await {
        let state = Arc::clone(&state);
        connections.spawn(async move {
            let service = service_fn(move |request| serve(Arc::clone(&state), request));
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
        while connections.try_join_next().is_some() {}
    }
}

async fn serve(
    state: Arc<ObjectState>,
    request: Request<Incoming>,
) -> Result<Response<ObjectBody>, Infallible> {
    let (parts, body) = request.into_parts();
    let received = Received {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query().unwrap_or(""),
        headers: &parts.headers,
        body: &[],
    };
    let secret_for =
        |id: &str| (id == DEFAULT_ACCESS_KEY_ID).then(|| DEFAULT_ACCESS_KEY_SECRET.to_owned());
    if let Err(refused) = verify_oss4(&received, None, &state.region, secret_for) {
        return Ok(error(
            StatusCode::FORBIDDEN,
            "SignatureDoesNotMatch",
            &format!("{refused:?}"),
        ));
    }
    let name = crate::percent_decode_path(parts.uri.path());
    let file = object_file(&state, &name);
    let query = crate::decode_query(parts.uri.query().unwrap_or(""));
    if object_deletion::is_batch(&parts.method, &name, &query) {
        let Ok(body) = body
            .collect()
            .await
            .map(http_body_util::Collected::to_bytes)
        else {
            return Ok(error(
                StatusCode::BAD_REQUEST,
                "IncompleteBody",
                "the body did not arrive whole",
            ));
        };
        let content_md5 = parts.headers.get("content-md5").map(HeaderValue::as_bytes);
        let answer = object_deletion::delete_batch(
            &name,
            &query,
            content_md5,
            &body,
            &mut lock(&state.objects),
            |deleted| {
                // A file left behind is only disk: the object is gone from the server's record.
                let _ = std::fs::remove_file(object_file(&state, deleted));
            },
        );
        return Ok(reply_of(answer));
    }
    if multipart::is_multipart(&query) {
        let answered = multipart::serve(&state, &parts.method, &query, &name, file, body).await;
        return Ok(answered.unwrap_or_else(|failure| {
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "InternalError",
                &failure.to_string(),
            )
        }));
    }
    let listed = object_listing::answer(
        &parts.method,
        &name,
        parts.uri.query().unwrap_or(""),
        &lock(&state.objects),
        |name| {
            std::fs::metadata(object_file(&state, name))
                .and_then(|file| file.modified())
                .ok()
        },
    );
    if let Some(answer) = listed {
        return Ok(reply_of(answer));
    }
    let answered = match parts.method {
        Method::PUT => put(&state, &name, file, &parts.headers, body).await,
        Method::GET => get(&state, &name, file, &parts.headers).await,
        // What a GET would answer, without the body (the official downloader asks first).
        Method::HEAD => get(&state, &name, file, &parts.headers)
            .await
            .map(|response| response.map(|_| whole(Bytes::new()))),
        // DeleteObject: 204, whether or not the object was there.
        Method::DELETE => {
            if lock(&state.objects).remove(&name).is_some() {
                let _ = tokio::fs::remove_file(file).await;
            }
            Ok(Response::builder()
                .status(StatusCode::NO_CONTENT)
                .header("x-oss-request-id", "object-server")
                .body(whole(Bytes::new()))
                .expect("the headers are valid"))
        }
        _ => Ok(error(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            "",
        )),
    };
    Ok(answered.unwrap_or_else(|failure| {
        error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalError",
            &failure.to_string(),
        )
    }))
}

/// The file the object `/<bucket>/<key>` is kept in.
fn object_file(state: &ObjectState, name: &str) -> PathBuf {
    state
        .directory
        .join(name.trim_start_matches('/').replace('/', "%2F"))
}

async fn put(
    state: &ObjectState,
    name: &str,
    path: PathBuf,
    headers: &http::HeaderMap,
    mut body: Incoming,
) -> io::Result<Response<ObjectBody>> {
    let fault = lock(&state.faults).pop_front();
    let partial = path.with_extension("partial");
    // Written a few MiB at a time: each write of a tokio file is a trip to a blocking thread,
    // and the frames of a body are small.
    let mut file =
        tokio::io::BufWriter::with_capacity(WRITE_BUFFER, tokio::fs::File::create(&partial).await?);
    let mut crc64 = crc64fast::Digest::new();
    let mut md5 = Md5::new();
    let mut length = 0;
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame.map_err(io::Error::other)?.into_data() else {
            continue;
        };
        crc64.write(&data);
        md5.update(&data);
        length += data.len() as u64;
        file.write_all(&data).await?;
    }
    file.flush().await?;
    lock(&state.put_lengths).push(length);
    if fault == Some(PutFault::Unavailable) {
        return Ok(error(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailable",
            "the test server refused this upload on purpose",
        ));
    }
    if let Some(sent) = headers.get("content-md5") {
        let computed = base64::engine::general_purpose::STANDARD.encode(md5.finalize());
        if sent.as_bytes() != computed.as_bytes() {
            return Ok(error(
                StatusCode::BAD_REQUEST,
                "InvalidDigest",
                "the Content-MD5 is not the body's",
            ));
        }
    }
    tokio::fs::rename(&partial, &path).await?;
    let mut crc64 = crc64.sum64();
    lock(&state.objects).insert(name.to_owned(), StoredObject { length, crc64 });
    if fault == Some(PutFault::WrongCrc) {
        crc64 ^= 1;
    }
    Ok(Response::builder()
        .header("x-oss-request-id", "object-server")
        .header("x-oss-hash-crc64ecma", crc64.to_string())
        .header("etag", object_etag(crc64))
        .body(whole(Bytes::new()))
        .expect("the headers are valid"))
}

async fn get(
    state: &ObjectState,
    name: &str,
    path: PathBuf,
    headers: &http::HeaderMap,
) -> io::Result<Response<ObjectBody>> {
    let Some(object) = lock(&state.objects).get(name).copied() else {
        return Ok(error(
            StatusCode::NOT_FOUND,
            "NoSuchKey",
            "The specified key does not exist.",
        ));
    };
    let etag = object_etag(object.crc64);
    if headers
        .get(http::header::IF_MATCH)
        .is_some_and(|wanted| wanted.as_bytes() != etag.as_bytes())
    {
        return Ok(error(
            StatusCode::PRECONDITION_FAILED,
            "PreconditionFailed",
            "At least one of the pre-conditions you specified did not hold.",
        ));
    }
    let range = headers
        .get(http::header::RANGE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| parse_range(value, object.length));
    let (status, start, end) = match range {
        Some((start, end)) => (StatusCode::PARTIAL_CONTENT, start, end),
        None => (StatusCode::OK, 0, object.length),
    };
    let mut file = tokio::fs::File::open(&path).await?;
    file.seek(SeekFrom::Start(start)).await?;
    let chunks = stream::try_unfold((file, end - start), |(mut file, left)| async move {
        if left == 0 {
            return Ok(None);
        }
        let mut chunk = BytesMut::with_capacity(CHUNK.min(left as usize));
        let read = file.read_buf(&mut chunk).await?;
        if read == 0 {
            return Err(io::Error::from(io::ErrorKind::UnexpectedEof));
        }
        Ok(Some((
            Frame::data(chunk.freeze()),
            (file, left - read as u64),
        )))
    });
    let mut response = Response::builder()
        .status(status)
        .header("x-oss-request-id", "object-server")
        .header("x-oss-hash-crc64ecma", object.crc64.to_string())
        .header(http::header::ETAG, etag)
        .header(http::header::CONTENT_LENGTH, end - start)
        .header(http::header::CONTENT_TYPE, "application/octet-stream");
    if status == StatusCode::PARTIAL_CONTENT {
        response = response.header(
            http::header::CONTENT_RANGE,
            format!("bytes {start}-{}/{}", end - 1, object.length),
        );
    }
    Ok(response
        .body(StreamBody::new(chunks.boxed()))
        .expect("the headers are valid"))
}

/// `bytes=a-b` (inclusive, `b` optional) as the half-open `[a, b+1)` within `length`.
fn parse_range(value: &str, length: u64) -> Option<(u64, u64)> {
    let (first, last) = value.strip_prefix("bytes=")?.split_once('-')?;
    let first: u64 = first.parse().ok()?;
    let end = match last {
        "" => length,
        last => last.parse::<u64>().ok()?.saturating_add(1).min(length),
    };
    (first < end).then_some((first, end))
}

/// This server's ETag of an object: derived from its CRC-64, so that it changes with the
/// content, as OSS's does.
pub(crate) fn object_etag(crc64: u64) -> String {
    format!("\"{crc64:016X}\"")
}

pub(crate) fn whole(bytes: Bytes) -> ObjectBody {
    StreamBody::new(stream::iter([Ok(Frame::data(bytes))]).boxed())
}

fn reply_of(answer: Answer) -> Response<ObjectBody> {
    match answer {
        Answer::Xml(xml) => xml_reply(xml),
        Answer::Error {
            status,
            code,
            message,
        } => error(status, code, &message),
    }
}

fn xml_reply(xml: String) -> Response<ObjectBody> {
    Response::builder()
        .header("x-oss-request-id", "object-server")
        .header(http::header::CONTENT_TYPE, "application/xml")
        .body(whole(Bytes::from(xml)))
        .expect("the headers are valid")
}

pub(crate) fn error(status: StatusCode, code: &str, message: &str) -> Response<ObjectBody> {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>\n  <Code>{code}</Code>\n  \
         <Message>{message}</Message>\n  <RequestId>object-server</RequestId>\n</Error>\n"
    );
    let mut response = Response::new(whole(Bytes::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/xml"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_read_as_http_writes_them() {
        assert_eq!(parse_range("bytes=0-9", 100), Some((0, 10)));
        assert_eq!(parse_range("bytes=90-", 100), Some((90, 100)));
        assert_eq!(parse_range("bytes=90-200", 100), Some((90, 100)));
        assert_eq!(parse_range("bytes=100-", 100), None);
        assert_eq!(parse_range("items=0-9", 100), None);
    }
}
