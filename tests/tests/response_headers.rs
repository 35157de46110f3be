//! Response fields carried by headers, through the generated OSS SDK against the test server:
//! what the metadata declares (`HeadObject`'s `Content-Length` and `x-oss-meta-*`) and what
//! the official OSS SDK V2 adds in `generator/official-sdk-facts/oss-2019-05-17.yaml`
//! (`UploadPart`'s `ETag`, a CRC-64 as text), and a header that does not read as its type.
//! The fleet fixture's end-to-end test (`tests/fixtures/fleet_end_to_end.rs`) does the same
//! for an RPC product's JSON response.

use acs_runtime::{Config, Credentials, Error};
use acs_test_server::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Reply, TestServer};
use http::Method;

fn client(server: &TestServer) -> alibabacloud_oss::Client {
    alibabacloud_oss::Client::from_conf(
        Config::builder()
            .region("cn-hangzhou")
            .endpoint(server.endpoint())
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

#[tokio::test]
async fn an_uploaded_part_returns_its_etag_and_crc64() {
    let server = TestServer::start().await.unwrap();
    // The part's CRC-64/ECMA-182, which the runtime holds the upload to; the official SDK
    // reads it as text (a CRC-64 can exceed `i64::MAX`), and so does the spec.
    let crc64 = "4032296071926164436";
    server.route(
        Method::PUT,
        "/examplebucket/big.bin",
        Reply::text(200, "")
            .with_header("ETag", "\"7265F4D211B56873A381D321F586E4A9\"")
            .with_header("x-oss-hash-crc64ecma", crc64),
    );
    let part = client(&server)
        .upload_part()
        .bucket("examplebucket")
        .key("big.bin")
        .part_number(1)
        .upload_id("0004B9895DBBB6EC98E36")
        .body(vec![7u8; 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(
        part.e_tag.as_deref(),
        Some("\"7265F4D211B56873A381D321F586E4A9\"")
    );
    assert_eq!(part.x_oss_hash_crc64ecma.as_deref(), Some(crc64));
    assert_eq!(
        part.content_md5, None,
        "a header not sent leaves its field unset"
    );
    assert!(server.requests().pop().unwrap().signature_verified);
}

#[tokio::test]
async fn an_object_head_types_its_length_and_collects_its_user_metadata() {
    let server = TestServer::start().await.unwrap();
    server.route(
        Method::HEAD,
        "/examplebucket/a.txt",
        Reply::text(200, "")
            .with_header("ETag", "\"E1\"")
            .with_header("x-oss-meta-Owner", "Ann Lee")
            .with_header("x-oss-meta-city", "Hangzhou")
            .with_header("x-oss-tagging-count", "3"),
    );
    let head = client(&server)
        .head_object()
        .bucket("examplebucket")
        .key("a.txt")
        .send()
        .await
        .unwrap();
    assert_eq!(head.e_tag.as_deref(), Some("\"E1\""));
    assert_eq!(head.x_oss_tagging_count, Some(3));
    let metadata = head.x_oss_meta.unwrap();
    assert_eq!(
        metadata.get("owner").map(|value| value.as_str()),
        Some("Ann Lee")
    );
    assert_eq!(
        metadata.get("city").map(|value| value.as_str()),
        Some("Hangzhou")
    );
    assert_eq!(metadata.len(), 2);
}

#[tokio::test]
async fn a_header_that_does_not_read_as_its_type_fails_the_call_naming_it() {
    let server = TestServer::start().await.unwrap();
    server.route(
        Method::HEAD,
        "/examplebucket/a.txt",
        Reply::text(200, "").with_header("x-oss-tagging-count", "three"),
    );
    let error = client(&server)
        .head_object()
        .bucket("examplebucket")
        .key("a.txt")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Decode(_)), "{error:?}");
    let message = error.to_string();
    assert!(
        message.contains("HeadObject")
            && message.contains("`x-oss-tagging-count` is not an integer"),
        "{message}"
    );
}
