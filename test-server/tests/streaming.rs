//! Streamed bodies end to end on 127.0.0.1: the runtime's `ByteStream` uploads and
//! `StreamedResponse` downloads against the object server, with their CRC-64 checks, retries
//! that send a rewindable body again from its start, and a stream that cannot be sent again.

use std::io::Write as _;
use std::path::PathBuf;

use acs_runtime::error::BodyError;
use acs_runtime::http::{HttpClient, HttpFuture};
use acs_runtime::{
    AuthScheme, Body, ByteStream, CallOptions, CallSpec, Client, Config, Credentials, Error,
    Method, RequestParams, RetryConfig, Service,
};
use acs_test_server::{
    DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, ObjectServer, PutFault, Reply, TestServer,
};
use bytes::Bytes;
use futures_util::StreamExt;

static OSS: Service = Service {
    product: "oss",
    api_version: "2019-05-17",
    endpoint_rule: "oss-{region}.aliyuncs.com",
    auth: AuthScheme::Oss4HmacSha256,
    protocol: "https",
    regional_endpoints: &[],
    sdk_name: "streaming-test",
    sdk_version: "0",
};

const REGION: &str = "cn-hangzhou";
const OBJECT_PATH: &str = "/{bucket}/{key}";

fn client(endpoint: &str) -> Client {
    let config = Config::builder()
        .endpoint(endpoint)
        .region(REGION)
        .credentials(Credentials::new(
            DEFAULT_ACCESS_KEY_ID,
            DEFAULT_ACCESS_KEY_SECRET,
            "test",
        ))
        .retry_config(
            RetryConfig::default()
                .with_initial_backoff(std::time::Duration::from_millis(5))
                .with_max_backoff(std::time::Duration::from_millis(20)),
        )
        .build()
        .unwrap();
    Client::new(&OSS, config)
}

fn call(action: &str, method: Method) -> CallSpec<'_> {
    CallSpec {
        action,
        method,
        path: OBJECT_PATH,
        idempotency_token: None,
        read_only: method == Method::Get,
        anonymous: false,
        auth: None,
        body_fields: None,
        defaults: Default::default(),
    }
}

fn object(key: &str) -> RequestParams {
    let mut params = RequestParams::default();
    params.path.insert("bucket", "bucket");
    params.path.insert("key", key.to_owned());
    params
}

/// A directory of its own under the system's temporary directory.
fn scratch(name: &str) -> PathBuf {
    let directory = std::env::temp_dir().join(format!(
        "acs-streaming-{name}-{}-{}",
        std::process::id(),
        uuid::Uuid::new_v4()
    ));
    std::fs::create_dir_all(&directory).unwrap();
    directory
}

/// A file of `length` bytes that differ from one offset to the next.
fn file_of(path: &PathBuf, length: usize) -> Vec<u8> {
    let content: Vec<u8> = (0..length).map(|i| (i * 7 + i / 4093) as u8).collect();
    std::fs::File::create(path)
        .unwrap()
        .write_all(&content)
        .unwrap();
    content
}

#[tokio::test]
async fn a_file_goes_up_and_comes_back_whole_and_by_ranges() {
    let directory = scratch("round-trip");
    let server = ObjectServer::start(directory.join("server"), REGION)
        .await
        .unwrap();
    std::fs::create_dir_all(directory.join("server")).unwrap();
    let source = directory.join("source");
    let content = file_of(&source, 24 * 1024 * 1024 + 5);
    let client = client(&server.endpoint());

    let uploaded = client
        .invoke_streamed(
            call("PutObject", Method::Put),
            with_payload(
                object("large"),
                ByteStream::from_path(&source).await.unwrap(),
            ),
            &CallOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(uploaded.status(), 200);
    let stored = server.object("bucket", "large").unwrap();
    assert_eq!(stored.length, content.len() as u64);
    assert_eq!(
        uploaded.headers()["x-oss-hash-crc64ecma"],
        stored.crc64.to_string()
    );

    let downloaded = directory.join("downloaded");
    let written = client
        .invoke_streamed(
            call("GetObject", Method::Get),
            object("large"),
            &CallOptions::default(),
        )
        .await
        .unwrap()
        .into_file(&downloaded)
        .await
        .unwrap();
    assert_eq!(written, content.len() as u64);
    assert!(std::fs::read(&downloaded).unwrap() == content);

    let mut range = object("large");
    range.headers.insert("Range", "bytes=1048570-2097160");
    let part = client
        .invoke_streamed(
            call("GetObject", Method::Get),
            range,
            &CallOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(
        part.collect().await.unwrap(),
        content[1_048_570..=2_097_160]
    );
    std::fs::remove_dir_all(&directory).unwrap();
}

#[tokio::test]
async fn a_retried_upload_sends_a_rewindable_body_again_from_its_start() {
    let directory = scratch("retry");
    let server = ObjectServer::start(&directory, REGION).await.unwrap();
    let source = directory.join("source");
    let content = file_of(&source, 3 * 1024 * 1024 + 1);
    let client = client(&server.endpoint());

    for (key, body) in [
        ("from-path", ByteStream::from_path(&source).await.unwrap()),
        ("from-bytes", ByteStream::from(content.clone())),
        (
            "from-file",
            ByteStream::from_file(tokio::fs::File::open(&source).await.unwrap())
                .await
                .unwrap(),
        ),
    ] {
        server.fail_next_put(PutFault::Unavailable);
        client
            .invoke_streamed(
                call("PutObject", Method::Put),
                with_payload(object(key), body),
                &CallOptions::default(),
            )
            .await
            .unwrap();
        let stored = server.object("bucket", key).unwrap();
        assert_eq!(stored.length, content.len() as u64, "{key}");
    }
    let length = content.len() as u64;
    assert_eq!(server.put_lengths(), [length; 6]);
    std::fs::remove_dir_all(&directory).unwrap();
}

#[tokio::test]
async fn a_stream_that_cannot_be_sent_again_fails_clearly_instead_of_being_retried() {
    let directory = scratch("one-shot");
    let server = ObjectServer::start(&directory, REGION).await.unwrap();
    let client = client(&server.endpoint());
    server.fail_next_put(PutFault::Unavailable);
    let chunks = futures_util::stream::iter(
        (0..4).map(|_| Ok::<_, std::io::Error>(Bytes::from(vec![7u8; 64 * 1024]))),
    );

    let error = client
        .invoke_streamed(
            call("PutObject", Method::Put),
            with_payload(object("one-shot"), ByteStream::from_stream(chunks, None)),
            &CallOptions::default(),
        )
        .await
        .unwrap_err();

    let Error::Body(BodyError::NotReplayable { after: Some(cause) }) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(cause.code(), Some("ServiceUnavailable"));
    assert!(
        error
            .to_string()
            .starts_with("the request body could not be replayed"),
        "{error}"
    );
    assert_eq!(
        server.put_lengths(),
        [256 * 1024],
        "one attempt, never a second"
    );
    assert!(server.object("bucket", "one-shot").is_none());
    std::fs::remove_dir_all(&directory).unwrap();
}

#[tokio::test]
async fn a_streamed_body_sent_for_a_decoded_response_goes_the_same_way() {
    let directory = scratch("decoded");
    let server = ObjectServer::start(&directory, REGION).await.unwrap();
    let chunks =
        futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from_static(b"hello world"))]);
    let response = client(&server.endpoint())
        .invoke(
            call("PutObject", Method::Put),
            with_payload(object("decoded"), ByteStream::from_stream(chunks, Some(11))),
            &CallOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(
        response.headers["x-oss-hash-crc64ecma"],
        "5981764153023615706"
    );
    assert_eq!(server.put_lengths(), [11]);
    std::fs::remove_dir_all(&directory).unwrap();
}

#[tokio::test]
async fn an_upload_whose_crc_is_not_the_services_is_an_error() {
    let directory = scratch("upload-crc");
    let server = ObjectServer::start(&directory, REGION).await.unwrap();
    server.fail_next_put(PutFault::WrongCrc);

    let error = client(&server.endpoint())
        .invoke_streamed(
            call("PutObject", Method::Put),
            with_payload(object("damaged"), ByteStream::from("hello world")),
            &CallOptions::default(),
        )
        .await
        .unwrap_err();

    let Error::Body(BodyError::Checksum(mismatch)) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(mismatch.direction, "upload");
    assert_eq!(mismatch.client, 5_981_764_153_023_615_706);
    assert_eq!(mismatch.server, "5981764153023615707");
    std::fs::remove_dir_all(&directory).unwrap();
}

#[tokio::test]
async fn content_md5_is_added_when_the_operation_requires_it() {
    let directory = scratch("md5");
    let server = ObjectServer::start(&directory, REGION).await.unwrap();
    let mut params = object("configuration");
    params.body = Some(Body::Binary(Bytes::from_static(
        b"<Delete><Quiet>true</Quiet></Delete>",
    )));
    params.content_md5 = true;
    client(&server.endpoint())
        .invoke(
            call("PutObject", Method::Put),
            params.clone(),
            &CallOptions::default(),
        )
        .await
        .unwrap();

    params
        .headers
        .insert("Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg==");
    let refused = client(&server.endpoint())
        .invoke(
            call("PutObject", Method::Put),
            params,
            &CallOptions::default(),
        )
        .await
        .unwrap_err();
    assert_eq!(
        refused.code(),
        Some("InvalidDigest"),
        "a caller's own is sent as it is"
    );
    std::fs::remove_dir_all(&directory).unwrap();
}

/// A body streamed from a file is read once, for the service: its `Content-MD5` is not
/// computed from a second read but asked of the caller, and one the caller gives is sent.
#[tokio::test]
async fn content_md5_of_a_streamed_file_is_the_callers_to_give() {
    let directory = scratch("md5-file");
    let server = ObjectServer::start(directory.join("server"), REGION)
        .await
        .unwrap();
    std::fs::create_dir_all(directory.join("server")).unwrap();
    let source = directory.join("source");
    std::fs::write(&source, b"hello world").unwrap();
    let mut params = with_payload(
        object("digest"),
        ByteStream::from_path(&source).await.unwrap(),
    );
    params.content_md5 = true;
    let refused = client(&server.endpoint())
        .invoke_streamed(
            call("PutObject", Method::Put),
            params.clone(),
            &CallOptions::default(),
        )
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("`Content-MD5` header"),
        "{refused}"
    );
    assert!(server.put_lengths().is_empty(), "nothing was sent");

    params
        .headers
        .insert("Content-MD5", "XrY7u+Ae7tCTyyK7j1rNww==");
    client(&server.endpoint())
        .invoke_streamed(
            call("PutObject", Method::Put),
            params,
            &CallOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(server.put_lengths(), [11]);
    std::fs::remove_dir_all(&directory).unwrap();
}

/// Answers every request with `hello world` and a CRC-64 that is not its own, as a whole
/// response: the `HttpClient` default that buffers.
#[derive(Debug)]
struct DamagedDownload;

impl HttpClient for DamagedDownload {
    fn send(&self, _request: http::Request<Bytes>) -> HttpFuture<'_> {
        Box::pin(async {
            Ok(http::Response::builder()
                .header("x-oss-hash-crc64ecma", "1")
                .body(Bytes::from_static(b"hello world"))
                .unwrap())
        })
    }
}

#[tokio::test]
async fn a_download_whose_crc_is_not_the_services_ends_with_an_error() {
    let config = Config::builder()
        .endpoint("http://127.0.0.1:9")
        .region(REGION)
        .credentials(Credentials::new("id", "secret", "test"))
        .http_client(DamagedDownload)
        .build()
        .unwrap();
    let mut response = Client::new(&OSS, config)
        .invoke_streamed(
            call("GetObject", Method::Get),
            object("damaged"),
            &CallOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(response.next().await.unwrap().unwrap(), &b"hello world"[..]);
    let error = response.next().await.unwrap().unwrap_err();
    assert!(
        matches!(&error, Error::Body(BodyError::Checksum(mismatch)) if mismatch.direction == "download"),
        "{error:?}"
    );
    assert!(response.next().await.is_none());
}

/// ACS3 signs a hash of the body, so a streamed body is read whole before it is signed (FC
/// `InvokeFunction`, OCR's images): what goes must be those bytes, under that signature.
#[tokio::test]
async fn a_stream_read_whole_for_acs3_is_the_body_sent_and_signed() {
    static FC: Service = Service {
        product: "fc",
        api_version: "2023-03-30",
        endpoint_rule: "fc.{region}.aliyuncs.com",
        auth: AuthScheme::Acs3HmacSha256,
        protocol: "https",
        regional_endpoints: &[],
        sdk_name: "streaming-test",
        sdk_version: "0",
    };
    let server = TestServer::start().await.unwrap();
    server.enqueue("InvokeFunction", Reply::json(200, r#"{"RequestId":"r"}"#));
    let config = Config::builder()
        .endpoint(server.endpoint())
        .region(REGION)
        .credentials(Credentials::new(
            DEFAULT_ACCESS_KEY_ID,
            DEFAULT_ACCESS_KEY_SECRET,
            "test",
        ))
        .build()
        .unwrap();
    let chunks = futures_util::stream::iter([
        Ok::<_, std::io::Error>(Bytes::from_static(b"event ")),
        Ok(Bytes::from_static(b"payload")),
    ]);
    let call = CallSpec {
        action: "InvokeFunction",
        method: Method::Post,
        path: "/functions/f/invocations",
        idempotency_token: None,
        read_only: false,
        anonymous: false,
        auth: None,
        body_fields: None,
        defaults: Default::default(),
    };
    let mut params = RequestParams::default();
    params.put_stream_body(&ByteStream::from_stream(chunks, Some(13)), false);
    let response = Client::new(&FC, config)
        .invoke(call, params, &CallOptions::default())
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    let sent = server.requests().pop().unwrap();
    assert!(sent.signature_verified);
    assert_eq!(sent.body.as_ref(), b"event payload");
    assert_eq!(sent.headers["content-type"], "application/octet-stream");
}

fn with_payload(mut params: RequestParams, payload: ByteStream) -> RequestParams {
    params.put_stream_body(&payload, false);
    params
}
