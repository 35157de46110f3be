//! The generated OSS SDK against the test server, which checks every OSS4 signature (in
//! headers and presigned) and answers by route: path-style addressing, object keys with `/`
//! and spaces, user metadata, a range read, an XML listing read through the paginator, and a
//! presigned URL used without credentials.

use std::time::Duration;

use acs_runtime::{CompactString, Config, Credentials};
use acs_test_server::{
    DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, ObjectServer, Reply, TestServer,
};
use http::Method;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn client(server: &TestServer) -> alibabacloud_oss::Client {
    client_of(server.endpoint())
}

fn client_of(endpoint: String) -> alibabacloud_oss::Client {
    alibabacloud_oss::Client::from_conf(
        Config::builder()
            .region("cn-hangzhou")
            .endpoint(endpoint)
            .path_style(true)
            .credentials(Credentials::new(
                DEFAULT_ACCESS_KEY_ID,
                DEFAULT_ACCESS_KEY_SECRET,
                "test",
            ))
            .build()
            .unwrap(),
    )
}

fn listing(keys: &[&str], next: Option<&str>) -> String {
    let contents: String = keys
        .iter()
        .map(|key| format!("<Contents><Key>{key}</Key><Size>3</Size></Contents>"))
        .collect();
    let next = next.map_or(String::new(), |token| {
        format!("<NextContinuationToken>{token}</NextContinuationToken>")
    });
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult><Name>examplebucket</Name>\
         <IsTruncated>{}</IsTruncated>{next}{contents}</ListBucketResult>",
        !next.is_empty()
    )
}

#[tokio::test]
async fn objects_go_up_come_back_and_list_with_verified_signatures() {
    let server = TestServer::start().await.unwrap();
    let oss = client(&server);

    server.route(
        Method::PUT,
        "/examplebucket/dir/a%20b.txt",
        Reply::text(200, ""),
    );
    oss.put_object()
        .bucket("examplebucket")
        .key("dir/a b.txt")
        .content_type("text/plain")
        .x_oss_meta("owner", "Ann Lee")
        .body(b"abc".to_vec())
        .send()
        .await
        .unwrap();
    let put = server.requests().pop().unwrap();
    assert!(put.signature_verified);
    assert_eq!(put.headers["x-oss-meta-owner"], "Ann Lee");
    assert_eq!(put.headers["content-type"], "text/plain");
    assert_eq!(put.body.as_ref(), b"abc");

    server.route(
        Method::GET,
        "/examplebucket/dir/a%20b.txt",
        Reply::text(206, "bc")
            .with_header("ETag", "\"900150983CD24FB0D6963F7D28E17F72\"")
            .with_header("Last-Modified", "Fri, 24 Feb 2012 06:07:48 GMT")
            .with_header("Content-Range", "bytes 1-2/3")
            .with_header("x-oss-hash-crc64ecma", "18446744073709551615")
            .with_header(
                "x-oss-version-id",
                "CAEQNhiBgM0BYiIDc4MGZjZGI2OTBjOTRmNTE5NmU5NmFhZjhjYmY0",
            )
            .with_header("x-oss-tagging-count", "2")
            .with_header("x-oss-delete-marker", "false")
            .with_header("x-oss-meta-owner", "Ann Lee"),
    );
    let got = oss
        .get_object()
        .bucket("examplebucket")
        .key("dir/a b.txt")
        .range("bytes=1-2")
        .send()
        .await
        .unwrap();
    // The response's header fields, typed as the official SDK's GetObjectResult holds them,
    // beside the body, which streams.
    let fields = &got.headers;
    assert_eq!(
        fields.e_tag.as_deref(),
        Some("\"900150983CD24FB0D6963F7D28E17F72\"")
    );
    assert_eq!(fields.content_length, Some(2));
    assert_eq!(
        fields.last_modified.as_deref(),
        Some("Fri, 24 Feb 2012 06:07:48 GMT")
    );
    assert_eq!(fields.content_range.as_deref(), Some("bytes 1-2/3"));
    // A CRC-64 exceeds an int64: it is text, as the official SDK holds it.
    assert_eq!(
        fields.x_oss_hash_crc64ecma.as_deref(),
        Some("18446744073709551615")
    );
    assert_eq!(
        fields.x_oss_version_id.as_deref(),
        Some("CAEQNhiBgM0BYiIDc4MGZjZGI2OTBjOTRmNTE5NmU5NmFhZjhjYmY0")
    );
    assert_eq!(fields.x_oss_tagging_count, Some(2));
    assert_eq!(fields.x_oss_delete_marker, Some(false));
    let metadata = fields.x_oss_meta.as_ref().unwrap();
    assert_eq!(metadata.len(), 1);
    assert_eq!(metadata["owner"], "Ann Lee");
    assert_eq!(fields.x_oss_storage_class, None);
    assert_eq!(got.body.status(), 206);
    assert_eq!(got.body.collect().await.unwrap().as_ref(), b"bc");
    let get = server.requests().pop().unwrap();
    assert!(get.signature_verified);
    assert_eq!(get.headers["range"], "bytes=1-2");

    server.enqueue_route(
        Method::GET,
        "/examplebucket/",
        Reply::xml(200, listing(&["a.txt", "b.txt"], Some("t-2"))),
    );
    server.enqueue_route(
        Method::GET,
        "/examplebucket/",
        Reply::xml(200, listing(&["c.txt"], None)),
    );
    let objects: Vec<_> = futures_util::TryStreamExt::try_collect(
        oss.list_objects_v2()
            .bucket("examplebucket")
            .max_keys(2)
            .into_paginator()
            .items(),
    )
    .await
    .unwrap();
    let keys: Vec<_> = objects
        .iter()
        .map(|object| object.key.as_deref().unwrap())
        .collect();
    assert_eq!(keys, ["a.txt", "b.txt", "c.txt"]);
    assert_eq!(objects[0].size, Some(3));
    let listings: Vec<_> = server.requests().into_iter().rev().take(2).rev().collect();
    assert!(listings.iter().all(|request| request.signature_verified));
    assert_eq!(
        listings[0].query.get("list-type").map(String::as_str),
        Some("2")
    );
    assert_eq!(listings[0].query.get("continuation-token"), None);
    assert_eq!(
        listings[1]
            .query
            .get("continuation-token")
            .map(String::as_str),
        Some("t-2")
    );
}

#[tokio::test]
async fn a_request_signed_with_another_secret_is_refused() {
    let server = TestServer::start().await.unwrap();
    server.route(Method::GET, "/examplebucket/a.txt", Reply::text(200, "a"));
    let wrong = alibabacloud_oss::Client::from_conf(
        Config::builder()
            .region("cn-hangzhou")
            .endpoint(server.endpoint())
            .path_style(true)
            .credentials(Credentials::new(
                DEFAULT_ACCESS_KEY_ID,
                "not-the-secret",
                "test",
            ))
            .build()
            .unwrap(),
    );
    let error = wrong
        .get_object()
        .bucket("examplebucket")
        .key("a.txt")
        .send()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("Signature"), "{error}");
    assert!(!server.requests().pop().unwrap().signature_verified);
}

#[tokio::test]
async fn a_presigned_url_works_without_credentials() {
    let server = TestServer::start().await.unwrap();
    server.route(
        Method::GET,
        "/examplebucket/dir/a%20b.txt",
        Reply::text(200, "abc"),
    );
    let presigned = client(&server)
        .get_object()
        .bucket("examplebucket")
        .key("dir/a b.txt")
        .presign(Duration::from_secs(600))
        .await
        .unwrap();
    assert_eq!(presigned.method, Method::GET);

    let target = presigned.url.path_and_query().unwrap().as_str();
    let mut stream = tokio::net::TcpStream::connect(server.address())
        .await
        .unwrap();
    let request = format!(
        "GET {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        server.address()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with("abc"), "{response}");
    let received = server.requests().pop().unwrap();
    assert!(received.signature_verified);
    assert!(received.headers.get("authorization").is_none());
}

/// Keys a listing must give back as they were written: a space, `+`, `%`, CJK, an emoji and a
/// control character (U+0001), which XML 1.0 cannot carry and OSS sends only URL-encoded.
const AWKWARD_KEYS: &[&str] = &[
    "dir 1/a b+c.txt",
    "dir 1/100%.txt",
    "dir 1/中文/😀.png",
    "dir 1/ctl\u{1}end",
    "dir 1/plus+%2B",
];

#[tokio::test]
async fn awkward_keys_list_as_they_were_written_page_after_page() {
    let store = std::env::temp_dir().join(format!("oss-awkward-keys-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&store);
    std::fs::create_dir_all(&store).unwrap();
    let server = ObjectServer::start(&store, "cn-hangzhou").await.unwrap();
    let oss = client_of(server.endpoint());
    for key in AWKWARD_KEYS {
        oss.put_object()
            .bucket("examplebucket")
            .key(*key)
            .body(b"abc".to_vec())
            .send()
            .await
            .unwrap();
    }
    let mut written: Vec<&str> = AWKWARD_KEYS.to_vec();
    written.sort_unstable();

    // Two keys a page: the decoded token of each page asks for the next.
    let listed: Vec<CompactString> = futures_util::TryStreamExt::try_collect::<Vec<_>>(
        oss.list_objects_v2()
            .bucket("examplebucket")
            .prefix("dir 1/")
            .max_keys(2)
            .into_paginator()
            .items(),
    )
    .await
    .unwrap()
    .into_iter()
    .map(|object| object.key.unwrap())
    .collect();
    assert_eq!(listed, written);

    // A caller who asks for the encoding themselves gets each key decoded once.
    let asked = oss
        .list_objects_v2()
        .bucket("examplebucket")
        .prefix("dir 1/")
        .delimiter("/")
        .encoding_type("url")
        .send()
        .await
        .unwrap()
        .list_bucket_result
        .unwrap();
    assert_eq!(asked.prefix.as_deref(), Some("dir 1/"));
    assert_eq!(asked.delimiter.as_deref(), Some("/"));
    let prefixes: Vec<_> = asked
        .common_prefixes
        .iter()
        .flatten()
        .map(|prefix| prefix.prefix.as_deref().unwrap())
        .collect();
    assert_eq!(prefixes, ["dir 1/中文/"]);
    let keys: Vec<_> = asked
        .contents
        .iter()
        .flatten()
        .map(|object| object.key.as_deref().unwrap())
        .collect();
    let beside: Vec<&str> = written
        .iter()
        .copied()
        .filter(|key| !key.starts_with("dir 1/中文/"))
        .collect();
    assert_eq!(keys, beside);
    drop(server);
    let _ = std::fs::remove_dir_all(&store);
}
