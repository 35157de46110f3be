//! The official OSS SDK V2's requests (`alibabacloud-oss-v2` 1.4.1, signed at a pinned date:
//! `tests/fixtures/official/oss/vectors.json`, made by the `record.py` beside it) reproduced
//! through the generated OSS SDK: method, host, path, query, headers, body and
//! `Authorization` of each request signed in headers, and each presigned URL whole.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use acs_runtime::{CallSpec, Config, Credentials, EncodeRequest, RequestParams};
use alibabacloud_oss::operation::{
    complete_multipart_upload, delete_multiple_objects, get_bucket_acl, get_bucket_tags,
    get_object, initiate_multipart_upload, list_buckets, list_multipart_uploads,
    list_object_versions, list_objects, list_objects_v2, list_parts, put_bucket_tags, put_object,
    put_object_tagging, upload_part,
};
use alibabacloud_oss::types::{
    CompleteMultipartUpload, CompleteMultipartUploadPart, Tag, TagSet, Tagging,
};
use serde_json::Value;

/// 2024-05-01T08:30:00Z, the recording's date.
const PINNED: u64 = 1_714_552_200;

fn vectors() -> Value {
    let text = include_str!("../fixtures/official/oss/vectors.json");
    serde_json::from_str(text).unwrap()
}

fn client(security_token: Option<&str>) -> alibabacloud_oss::Client {
    alibabacloud_oss::Client::from_conf(
        Config::builder()
            .region("cn-hangzhou")
            .credentials(credentials(security_token))
            .build()
            .unwrap(),
    )
}

fn credentials(security_token: Option<&str>) -> Credentials {
    let credentials = Credentials::new("ak", "secret", "vector");
    match security_token {
        Some(token) => credentials.with_security_token(token),
        None => credentials,
    }
}

fn bytes(text: &str) -> Vec<u8> {
    text.as_bytes().to_vec()
}

/// The generated SDK's request for the vector `name`: its operation and parameters.
fn generated(name: &str) -> (CallSpec<'static>, RequestParams) {
    fn of(
        operation: &'static acs_runtime::Operation,
        request: Result<impl EncodeRequest, acs_runtime::BuildError>,
    ) -> (CallSpec<'static>, RequestParams) {
        (
            CallSpec::from(operation),
            request.unwrap().to_params().unwrap(),
        )
    }
    match name {
        "get-object-key-to-encode" => of(
            &get_object::OPERATION,
            get_object::GetObjectRequest::builder()
                .bucket("examplebucket")
                .key("dir/a b+c*~中文.txt")
                .build(),
        ),
        "put-object-body-meta-content-type" => of(
            &put_object::OPERATION,
            put_object::PutObjectRequest::builder()
                .bucket("examplebucket")
                .key("notes.txt")
                .body(bytes("hello oss"))
                .content_type("text/plain")
                .x_oss_meta("owner", "Ann Lee")
                .build(),
        ),
        "list-objects-v2-query" => of(
            &list_objects_v2::OPERATION,
            list_objects_v2::ListObjectsV2Request::builder()
                .bucket("examplebucket")
                .prefix("logs/2024 05/")
                .max_keys(10)
                .delimiter("/")
                .build(),
        ),
        "get-bucket-acl-empty-parameter" => of(
            &get_bucket_acl::OPERATION,
            get_bucket_acl::GetBucketAclRequest::builder()
                .bucket("examplebucket")
                .build(),
        ),
        "list-buckets-no-bucket-security-token" => of(
            &list_buckets::OPERATION,
            list_buckets::ListBucketsRequest::builder().build(),
        ),
        "put-object-meta-special-key" => of(
            &put_object::OPERATION,
            put_object::PutObjectRequest::builder()
                .bucket("examplebucket")
                .key("dir/a b+c*~中文.txt")
                .body(bytes("<bytes>"))
                .x_oss_meta("owner", "Ann Lee")
                .x_oss_meta("project", "北 1")
                .build(),
        ),
        "get-object-range" => of(
            &get_object::OPERATION,
            get_object::GetObjectRequest::builder()
                .bucket("examplebucket")
                .key("logs/2024/05.log")
                .range("bytes=0-99")
                .build(),
        ),
        "list-objects-v2-continuation" => of(
            &list_objects_v2::OPERATION,
            list_objects_v2::ListObjectsV2Request::builder()
                .bucket("examplebucket")
                .continuation_token("ChR0ZXN0")
                .max_keys(2)
                .encoding_type("url")
                .build(),
        ),
        "list-buckets-marker" => of(
            &list_buckets::OPERATION,
            list_buckets::ListBucketsRequest::builder()
                .marker("bucket-a")
                .max_keys(5)
                .prefix("bucket")
                .build(),
        ),
        "put-bucket-tags-xml" => of(
            &put_bucket_tags::OPERATION,
            put_bucket_tags::PutBucketTagsRequest::builder()
                .bucket("examplebucket")
                .tagging(
                    Tagging::new().tag_set(
                        TagSet::new()
                            .tag(Tag::new().key("k1").value("v 1"))
                            .tag(Tag::new().key("k2").value("<&>")),
                    ),
                )
                .build(),
        ),
        "complete-multipart-upload-xml" => of(
            &complete_multipart_upload::OPERATION,
            complete_multipart_upload::CompleteMultipartUploadRequest::builder()
                .bucket("examplebucket")
                .key("big.bin")
                .upload_id("0004B9895DBBB6EC98E")
                .encoding_type("url")
                .complete_multipart_upload(
                    CompleteMultipartUpload::new()
                        .part(
                            CompleteMultipartUploadPart::new()
                                .part_number(1)
                                .e_tag("\"E1\""),
                        )
                        .part(
                            CompleteMultipartUploadPart::new()
                                .part_number(2)
                                .e_tag("\"E2\""),
                        ),
                )
                .build(),
        ),
        "put-object-unknown-extension" => of(
            &put_object::OPERATION,
            put_object::PutObjectRequest::builder()
                .bucket("examplebucket")
                .key("archive.unknownext")
                .body(bytes("x"))
                .build(),
        ),
        "initiate-multipart-upload-guessed-type" => of(
            &initiate_multipart_upload::OPERATION,
            initiate_multipart_upload::InitiateMultipartUploadRequest::builder()
                .bucket("examplebucket")
                .key("video/clip 01.mp4")
                .build(),
        ),
        "upload-part-no-content-type" => of(
            &upload_part::OPERATION,
            upload_part::UploadPartRequest::builder()
                .bucket("examplebucket")
                .key("big.bin")
                .part_number(2)
                .upload_id("0004B999EF5A239BB9138C6227D69F95")
                .body(bytes("part"))
                .build(),
        ),
        "put-object-tagging-md5-no-type" => of(
            &put_object_tagging::OPERATION,
            put_object_tagging::PutObjectTaggingRequest::builder()
                .bucket("examplebucket")
                .key("notes.txt")
                .tagging(
                    Tagging::new().tag_set(TagSet::new().tag(Tag::new().key("team").value("a b"))),
                )
                .build(),
        ),
        "get-bucket-tags-xml-type-without-body" => of(
            &get_bucket_tags::OPERATION,
            get_bucket_tags::GetBucketTagsRequest::builder()
                .bucket("examplebucket")
                .build(),
        ),
        // `encoding-type=url` is the operations' own default (the official SDK's facts).
        "list-objects-default-encoding" => of(
            &list_objects::OPERATION,
            list_objects::ListObjectsRequest::builder()
                .bucket("examplebucket")
                .prefix("a b/")
                .marker("a b/c+d")
                .build(),
        ),
        "list-objects-v2-default-encoding" => of(
            &list_objects_v2::OPERATION,
            list_objects_v2::ListObjectsV2Request::builder()
                .bucket("examplebucket")
                .start_after("中文 %")
                .delimiter("/")
                .build(),
        ),
        "list-object-versions-default-encoding" => of(
            &list_object_versions::OPERATION,
            list_object_versions::ListObjectVersionsRequest::builder()
                .bucket("examplebucket")
                .key_marker("k+1")
                .build(),
        ),
        "list-multipart-uploads-default-encoding" => of(
            &list_multipart_uploads::OPERATION,
            list_multipart_uploads::ListMultipartUploadsRequest::builder()
                .bucket("examplebucket")
                .prefix("up/")
                .build(),
        ),
        "list-parts-default-encoding" => of(
            &list_parts::OPERATION,
            list_parts::ListPartsRequest::builder()
                .bucket("examplebucket")
                .key("big file.bin")
                .upload_id("0004B999EF5A239BB9138C6227D69F95")
                .build(),
        ),
        "complete-multipart-upload-default-encoding" => of(
            &complete_multipart_upload::OPERATION,
            complete_multipart_upload::CompleteMultipartUploadRequest::builder()
                .bucket("examplebucket")
                .key("big file.bin")
                .upload_id("0004B9895DBBB6EC98E")
                .complete_multipart_upload(
                    CompleteMultipartUpload::new().part(
                        CompleteMultipartUploadPart::new()
                            .part_number(1)
                            .e_tag("\"E1\""),
                    ),
                )
                .build(),
        ),
        other => panic!("no generated request for the vector `{other}`"),
    }
}

/// A URL's query decoded into sorted pairs, a key without `=` with an empty value.
fn query_pairs(query: &str) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(key), percent_decode(value))
        })
        .collect();
    pairs.sort();
    pairs
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            out.push(u8::from_str_radix(&text[index + 1..index + 3], 16).unwrap());
            index += 3;
        } else {
            out.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn requests_signed_in_headers_are_the_official_sdk_s() {
    let file = vectors();
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(PINNED);
    let mut checked = 0;
    for vector in file["vectors"].as_array().unwrap() {
        if vector["kind"] != "header" {
            continue;
        }
        let name = vector["name"].as_str().unwrap();
        let token = vector["security_token"].as_str();
        let recorded: BTreeMap<&str, &str> = vector["headers"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(header, value)| (header.as_str(), value.as_str().unwrap()))
            .filter(|(header, _)| *header != "user-agent")
            .collect();
        // Nothing is added by hand: the `Content-MD5` and `Content-Type` the official SDK
        // adds are the generated operations' own (the official SDK's facts,
        // `generator/official-sdk-facts/oss-2019-05-17.yaml`).
        let (call, params) = generated(name);
        let signed = client(token)
            .runtime()
            .prepare(call, &params, &credentials(token), at, "unused")
            .unwrap();
        let request = &signed.request;

        let (recorded_base, recorded_query) = vector["url"]
            .as_str()
            .unwrap()
            .split_once('?')
            .unwrap_or((vector["url"].as_str().unwrap(), ""));
        let uri = request.uri();
        let sent_base = format!(
            "{}://{}{}",
            uri.scheme_str().unwrap(),
            uri.authority().unwrap(),
            uri.path()
        );
        assert_eq!(vector["method"], request.method().as_str(), "{name}");
        assert_eq!(sent_base, recorded_base, "{name}: scheme, host and path");
        assert_eq!(
            query_pairs(uri.query().unwrap_or("")),
            query_pairs(recorded_query),
            "{name}: query"
        );
        assert_eq!(
            request.body().as_ref(),
            vector["body"].as_str().unwrap().as_bytes(),
            "{name}: body"
        );
        // Header values are UTF-8 text here (user metadata may be any text).
        let sent: BTreeMap<&str, String> = request
            .headers()
            .iter()
            .map(|(header, value)| {
                let value = String::from_utf8(value.as_bytes().to_vec()).unwrap();
                (header.as_str(), value)
            })
            .filter(|(header, _)| *header != "user-agent")
            .collect();
        let recorded: BTreeMap<&str, String> = recorded
            .into_iter()
            .map(|(header, value)| (header, value.to_owned()))
            .collect();
        assert_eq!(sent, recorded, "{name}: headers, Authorization included");
        checked += 1;
    }
    assert_eq!(checked, 22, "every request signed in headers is checked");
}

#[test]
fn presigned_urls_are_the_official_sdk_s() {
    let file = vectors();
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(PINNED);
    let expires_in = Duration::from_secs(3600);
    let presigned = |vector: &Value, call: CallSpec<'static>, params: RequestParams| {
        let token = vector["security_token"].as_str();
        client(token)
            .runtime()
            .presign_at(call, &params, &credentials(token), at, expires_in)
            .unwrap()
    };
    let vector = |name: &str| {
        file["vectors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|vector| vector["name"] == name)
            .unwrap()
            .clone()
    };

    let get = vector("presign-get-object");
    let (call, params) = (
        CallSpec::from(&get_object::OPERATION),
        get_object::GetObjectRequest::builder()
            .bucket("examplebucket")
            .key("dir/a b.txt")
            .build()
            .unwrap()
            .to_params()
            .unwrap(),
    );
    let url = presigned(&get, call, params);
    assert_eq!(url.method, http::Method::GET);
    assert_eq!(url.url.to_string(), get["url"].as_str().unwrap());
    assert!(url.signed_headers.is_empty());
    assert_eq!(url.expiration, at + expires_in);

    let put = vector("presign-put-object-content-type-security-token");
    let (call, params) = (
        CallSpec::from(&put_object::OPERATION),
        put_object::PutObjectRequest::builder()
            .bucket("examplebucket")
            .key("up load.bin")
            .content_type("application/octet-stream")
            .build()
            .unwrap()
            .to_params()
            .unwrap(),
    );
    let url = presigned(&put, call, params);
    assert_eq!(url.method, http::Method::PUT);
    assert_eq!(url.url.to_string(), put["url"].as_str().unwrap());
    assert_eq!(
        url.signed_headers["content-type"],
        put["headers"]["content-type"].as_str().unwrap()
    );
}

/// The field at `path` (`Contents.Key`) under a decoded document's root element, as the
/// official recorder writes it: text, or a list of texts where the path passes a list (a
/// single element as a list of one).
fn field_at(root: &Value, path: &str) -> Value {
    fn walk(value: &Value, path: &[&str]) -> Vec<Value> {
        match (value, path.split_first()) {
            (Value::Array(items), _) => items.iter().flat_map(|item| walk(item, path)).collect(),
            (Value::Object(fields), Some((name, rest))) => fields
                .get(*name)
                .map(|child| walk(child, rest))
                .unwrap_or_default(),
            (text, None) => vec![text.clone()],
            _ => Vec::new(),
        }
    }
    let segments: Vec<&str> = path.split('.').collect();
    let found = walk(root, &segments);
    if segments.len() > 1 {
        Value::Array(found)
    } else {
        found.into_iter().next().unwrap_or(Value::Null)
    }
}

/// The operation of each recorded reply, by the start of the case's name.
const OPERATIONS: &[(&str, &acs_runtime::Operation)] = &[
    ("list-objects-v2-", &list_objects_v2::OPERATION),
    ("list-objects-", &list_objects::OPERATION),
    ("list-object-versions-", &list_object_versions::OPERATION),
    (
        "list-multipart-uploads-",
        &list_multipart_uploads::OPERATION,
    ),
    ("list-parts-", &list_parts::OPERATION),
    (
        "initiate-multipart-upload-",
        &initiate_multipart_upload::OPERATION,
    ),
    (
        "complete-multipart-upload-",
        &complete_multipart_upload::OPERATION,
    ),
    (
        "delete-multiple-objects-",
        &delete_multiple_objects::OPERATION,
    ),
];

/// The official recorder hands each operation a reply of OSS (URL-encoded, or not, or asked
/// for by the caller) and writes down what its result holds; the runtime reads the same reply
/// into the same text, each field decoded once, and only when the reply says `url`.
#[test]
fn url_encoded_listings_decode_as_the_official_sdk_decodes_them() {
    let text = include_str!("../fixtures/official/oss_listing/decoded.json");
    let file: Value = serde_json::from_str(text).unwrap();
    let cases = file["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 10);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let (_, operation) = OPERATIONS
            .iter()
            .find(|(prefix, _)| name.starts_with(prefix))
            .unwrap_or_else(|| panic!("no operation for `{name}`"));
        let reply = acs_runtime::RawResponse {
            status: 200,
            headers: http::HeaderMap::new(),
            body: case["reply"].as_str().unwrap().to_owned().into(),
        };
        let document: Value = reply.decode_as(operation).unwrap();
        let root = document.as_object().unwrap().values().next().unwrap();
        for (path, official) in case["decoded"].as_object().unwrap() {
            assert_eq!(&field_at(root, path), official, "{name}: {path}");
        }
    }
}

/// DeleteMultipleObjects, which the metadata lacks and the overlay adds, as the official SDK
/// sent it to 127.0.0.1 (`tests/fixtures/official/oss/delete_multiple_objects.json`): the
/// body's XML (its keys escaped as `escape_xml_value` escapes them) and its `Content-MD5`, the
/// path-style path, the query (`encoding-type=url` by default) and every header,
/// `Authorization` included.
#[test]
fn delete_multiple_objects_is_the_official_sdk_s() {
    use delete_multiple_objects::{
        Delete, DeleteMultipleObjectsRequest, OPERATION, ObjectIdentifier,
    };
    let file: Value = serde_json::from_str(include_str!(
        "../fixtures/official/oss/delete_multiple_objects.json"
    ))
    .unwrap();
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(PINNED);
    let endpoint = file["endpoint"].as_str().unwrap();
    let vectors = file["vectors"].as_array().unwrap();
    assert_eq!(vectors.len(), 3);
    for vector in vectors {
        let name = vector["name"].as_str().unwrap();
        let token = vector["security_token"].as_str();
        let mut delete = Delete::new().quiet(vector["quiet"].as_bool().unwrap());
        for object in vector["objects"].as_array().unwrap() {
            let mut identifier = ObjectIdentifier::new().key(object["key"].as_str().unwrap());
            if let Some(version_id) = object["version_id"].as_str() {
                identifier = identifier.version_id(version_id);
            }
            delete = delete.object(identifier);
        }
        let mut request = DeleteMultipleObjectsRequest::builder()
            .bucket("examplebucket")
            .delete(delete);
        if let Some(encoding_type) = vector["encoding_type"].as_str() {
            request = request.encoding_type(encoding_type);
        }
        let params = request.build().unwrap().to_params().unwrap();
        let client = alibabacloud_oss::Client::from_conf(
            Config::builder()
                .region("cn-hangzhou")
                .endpoint(endpoint)
                .path_style(true)
                .credentials(credentials(token))
                .build()
                .unwrap(),
        );
        let signed = client
            .runtime()
            .prepare(
                CallSpec::from(&OPERATION),
                &params,
                &credentials(token),
                at,
                "unused",
            )
            .unwrap();
        let request = &signed.request;
        let (recorded_base, recorded_query) =
            vector["url"].as_str().unwrap().split_once('?').unwrap();
        let uri = request.uri();
        assert_eq!(vector["method"], request.method().as_str(), "{name}");
        assert_eq!(
            format!(
                "{}://{}{}",
                uri.scheme_str().unwrap(),
                uri.authority().unwrap(),
                uri.path()
            ),
            recorded_base,
            "{name}: scheme, host and path"
        );
        assert_eq!(
            query_pairs(uri.query().unwrap_or("")),
            query_pairs(recorded_query),
            "{name}: query"
        );
        assert_eq!(
            std::str::from_utf8(request.body().as_ref()).unwrap(),
            vector["body"].as_str().unwrap(),
            "{name}: body"
        );
        let sent: BTreeMap<&str, &str> = request
            .headers()
            .iter()
            .filter(|(header, _)| *header != "user-agent")
            .map(|(header, value)| (header.as_str(), value.to_str().unwrap()))
            .collect();
        let recorded: BTreeMap<&str, &str> = vector["headers"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(header, _)| *header != "user-agent")
            .map(|(header, value)| (header.as_str(), value.as_str().unwrap()))
            .collect();
        assert_eq!(sent, recorded, "{name}: headers, Authorization included");
    }
}
