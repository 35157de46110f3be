//! OSS4-HMAC-SHA256 over requests of every shape the official OSS SDK V2 signs
//! (`tests/fixtures/official/oss_signing/`, made by its `record.py` at a pinned date): each
//! recorded request, given to the runtime as parameters (bucket, key, query, headers, body),
//! must come out with the recorded URL and headers, `Authorization` included, and each presigned
//! URL byte for byte; the test server's own OSS4 verifier must accept every one and refuse it
//! with any signed part changed.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use acs_runtime::{
    AuthScheme, Body, CallSpec, Client, Config, Credentials, Method, RequestParams, Service,
};
use acs_test_server::{Received, VerifyError, verify_oss4};
use bytes::Bytes;
use http::HeaderMap;
use serde::Deserialize;

static OSS: Service = Service {
    product: "oss",
    api_version: "2019-05-17",
    endpoint_rule: "oss-{region}.aliyuncs.com",
    auth: AuthScheme::Oss4HmacSha256,
    protocol: "https",
    regional_endpoints: &[],
    sdk_name: "oss-signing-test",
    sdk_version: "0",
};

/// 2024-05-01T08:30:00Z, the recording's date.
const PINNED: u64 = 1_714_552_200;

/// Headers the scheme writes itself (and `User-Agent`, which names the SDK and is not signed),
/// left out of what the runtime is given.
const WRITTEN_BY_THE_CLIENT: [&str; 6] = [
    "authorization",
    "date",
    "x-oss-date",
    "x-oss-content-sha256",
    "x-oss-security-token",
    "user-agent",
];

/// The query parameters a presigned URL gets from the presigner, left out of what the runtime
/// is given.
const WRITTEN_BY_THE_PRESIGNER: [&str; 6] = [
    "x-oss-signature-version",
    "x-oss-date",
    "x-oss-expires",
    "x-oss-credential",
    "x-oss-security-token",
    "x-oss-signature",
];

#[derive(Deserialize)]
struct VectorFile {
    region: String,
    endpoint: String,
    access_key_id: String,
    access_key_secret: String,
    vectors: Vec<Vector>,
}

#[derive(Deserialize)]
struct Vector {
    name: String,
    kind: String,
    security_token: Option<String>,
    path_style: bool,
    method: String,
    url: String,
    headers: BTreeMap<String, String>,
    #[serde(default)]
    body: String,
    expires_in: Option<u64>,
}

/// The recorded requests, each signed in headers or presigned in its query: the two tests
/// below check those of their kind, and between them every one.
fn vectors() -> VectorFile {
    let file: VectorFile = serde_json::from_str(include_str!(
        "../../tests/fixtures/official/oss_signing/vectors.json"
    ))
    .expect("the fixture parses");
    for vector in &file.vectors {
        assert!(
            ["header", "query"].contains(&vector.kind.as_str()),
            "{}: a vector of kind `{}`, which no test checks",
            vector.name,
            vector.kind
        );
    }
    file
}

fn pinned() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(PINNED)
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = std::str::from_utf8(&bytes[index + 1..index + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            index += 3;
        } else {
            out.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// A recorded URL in parts: the raw path and the raw query pairs, and the bucket and key
/// decoded, from the host or (path-style) the path's first segment.
struct Recorded<'a> {
    authority: &'a str,
    raw_path: &'a str,
    raw_query: Vec<&'a str>,
    bucket: Option<String>,
    key: Option<String>,
}

fn recorded<'a>(url: &'a str, file: &VectorFile, path_style: bool) -> Recorded<'a> {
    let rest = url.strip_prefix("https://").unwrap();
    let (authority, path_and_query) = rest.split_at(rest.find('/').unwrap());
    let (raw_path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let path = raw_path.strip_prefix('/').unwrap();
    let (bucket, key) = if path_style {
        match path.split_once('/') {
            Some((bucket, key)) => (Some(percent_decode(bucket)), key),
            None => (Some(percent_decode(path)), ""),
        }
    } else {
        let bucket = authority
            .strip_suffix(file.endpoint.as_str())
            .and_then(|labels| labels.strip_suffix('.'))
            .map(str::to_owned);
        (bucket, path)
    };
    Recorded {
        authority,
        raw_path,
        raw_query: query.split('&').filter(|pair| !pair.is_empty()).collect(),
        bucket,
        key: (!key.is_empty()).then(|| percent_decode(key)),
    }
}

fn client(file: &VectorFile, vector: &Vector) -> Client {
    let config = Config::builder()
        .region(file.region.as_str())
        .endpoint(file.endpoint.as_str())
        .path_style(vector.path_style)
        .credentials(credentials(file, vector))
        .build()
        .unwrap();
    Client::new(&OSS, config)
}

fn credentials(file: &VectorFile, vector: &Vector) -> Credentials {
    let credentials = Credentials::new(&file.access_key_id, &file.access_key_secret, "vector");
    match &vector.security_token {
        Some(token) => credentials.with_security_token(token),
        None => credentials,
    }
}

fn method(name: &str) -> Method {
    match name {
        "GET" => Method::Get,
        "PUT" => Method::Put,
        "POST" => Method::Post,
        "DELETE" => Method::Delete,
        "HEAD" => Method::Head,
        other => panic!("no method {other}"),
    }
}

/// The runtime's call and parameters for a recorded request: the bucket a host parameter, the
/// key the path, the query and the headers as recorded (but those the client writes), the
/// body as it is, under no content type of the runtime's own.
fn call_of<'a>(vector: &'a Vector, url: &Recorded<'_>) -> (CallSpec<'a>, RequestParams) {
    let mut params = RequestParams::default();
    if let Some(bucket) = &url.bucket {
        params.host.insert("bucket", bucket.clone());
    }
    if let Some(key) = &url.key {
        params.path.insert("key", key.clone());
    }
    for pair in &url.raw_query {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if !WRITTEN_BY_THE_PRESIGNER.contains(&name) {
            params
                .query
                .insert(percent_decode(name), percent_decode(value));
        }
    }
    for (name, value) in &vector.headers {
        if !WRITTEN_BY_THE_CLIENT.contains(&name.as_str()) {
            params.headers.insert(name.clone(), value.clone());
        }
    }
    if !vector.body.is_empty() {
        params.body = Some(Body::Bare(Bytes::from(vector.body.clone())));
    }
    let call = CallSpec {
        action: &vector.name,
        method: method(&vector.method),
        path: if url.key.is_some() { "/{+key}" } else { "/" },
        idempotency_token: None,
        read_only: false,
        anonymous: false,
        auth: None,
        body_fields: None,
        defaults: Default::default(),
    };
    (call, params)
}

/// The query's pairs as sent, in order: OSS reads them as a set, and the official SDK writes
/// them in the order it adds them, the runtime in byte order.
fn sorted<'a>(pairs: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut pairs: Vec<&str> = pairs.into_iter().collect();
    pairs.sort_unstable();
    pairs
}

/// The bucket the verifier takes from the host, as the server does: none under path-style
/// addressing, whose path holds it already.
fn bucket_in_host<'a>(vector: &Vector, url: &'a Recorded<'_>) -> Option<&'a str> {
    url.bucket.as_deref().filter(|_| !vector.path_style)
}

fn verify(
    method: &str,
    path: &str,
    query: &str,
    headers: &HeaderMap,
    bucket: Option<&str>,
    file: &VectorFile,
) -> Result<(), VerifyError> {
    let received = Received {
        method,
        path,
        query,
        headers,
        body: b"",
    };
    verify_oss4(&received, bucket, &file.region, |id| {
        (id == file.access_key_id).then(|| file.access_key_secret.clone())
    })
}

#[test]
fn requests_signed_in_headers_are_the_official_sdk_s() {
    let file = vectors();
    let mut checked = 0;
    for vector in file.vectors.iter().filter(|vector| vector.kind == "header") {
        let name = &vector.name;
        let url = recorded(&vector.url, &file, vector.path_style);
        let (call, params) = call_of(vector, &url);
        let signed = client(&file, vector)
            .prepare(call, &params, &credentials(&file, vector), pinned(), "")
            .unwrap_or_else(|error| panic!("{name}: {error}"));
        let request = &signed.request;
        let uri = request.uri();
        assert_eq!(vector.method, request.method().as_str(), "{name}");
        assert_eq!(uri.authority().unwrap().as_str(), url.authority, "{name}");
        assert_eq!(uri.path(), url.raw_path, "{name}: the path, encoded");
        assert_eq!(
            sorted(
                uri.query()
                    .unwrap_or("")
                    .split('&')
                    .filter(|pair| !pair.is_empty())
            ),
            sorted(url.raw_query.iter().copied()),
            "{name}: the query, encoded"
        );
        let sent: BTreeMap<&str, &str> = request
            .headers()
            .iter()
            .filter(|(header, _)| *header != "user-agent")
            .map(|(header, value)| {
                (
                    header.as_str(),
                    std::str::from_utf8(value.as_bytes()).unwrap(),
                )
            })
            .collect();
        let expected: BTreeMap<&str, &str> = vector
            .headers
            .iter()
            .filter(|(header, _)| *header != "user-agent")
            .map(|(header, value)| (header.as_str(), value.as_str()))
            .collect();
        assert_eq!(sent, expected, "{name}: headers, Authorization included");

        let bucket = bucket_in_host(vector, &url);
        let query = uri.query().unwrap_or("");
        let method = request.method().as_str();
        verify(method, uri.path(), query, request.headers(), bucket, &file)
            .unwrap_or_else(|error| panic!("{name}: the verifier refuses it: {error}"));
        for (what, outcome) in tampered(method, uri.path(), query, request.headers(), bucket, &file)
        {
            assert!(
                outcome.is_err(),
                "{name}: the verifier takes it with {what}"
            );
        }
        checked += 1;
    }
    assert!(checked > 0, "no request signed in headers was recorded");
}

/// The verifier's answers to the request with one signed part changed each: the method, the
/// path, the query, each header it signs, the bucket.
fn tampered(
    method: &str,
    path: &str,
    query: &str,
    headers: &HeaderMap,
    bucket: Option<&str>,
    file: &VectorFile,
) -> Vec<(String, Result<(), VerifyError>)> {
    let other_method = if method == "GET" { "HEAD" } else { "GET" };
    let mut outcomes = vec![
        (
            "another method".to_owned(),
            verify(other_method, path, query, headers, bucket, file),
        ),
        (
            "another path".to_owned(),
            verify(method, &format!("{path}x"), query, headers, bucket, file),
        ),
        (
            "another query".to_owned(),
            verify(
                method,
                path,
                &format!("{query}&extra=1"),
                headers,
                bucket,
                file,
            ),
        ),
        (
            "another bucket".to_owned(),
            verify(method, path, query, headers, Some("otherbucket"), file),
        ),
    ];
    for (name, value) in headers {
        let signed =
            name.as_str().starts_with("x-oss-") || name == "content-type" || name == "content-md5";
        if !signed || name == "x-oss-date" || name == "x-oss-content-sha256" {
            continue;
        }
        let mut changed = headers.clone();
        let mut text = value.as_bytes().to_vec();
        text.push(b'x');
        changed.insert(name, http::HeaderValue::from_bytes(&text).unwrap());
        outcomes.push((
            format!("`{name}` changed"),
            verify(method, path, query, &changed, bucket, file),
        ));
    }
    outcomes
}

#[test]
fn presigned_urls_are_the_official_sdk_s() {
    let file = vectors();
    let mut checked = 0;
    for vector in file.vectors.iter().filter(|vector| vector.kind == "query") {
        let name = &vector.name;
        let url = recorded(&vector.url, &file, vector.path_style);
        let (call, params) = call_of(vector, &url);
        let expires_in = Duration::from_secs(vector.expires_in.unwrap());
        let presigned = client(&file, vector)
            .presign_at(
                call,
                &params,
                &credentials(&file, vector),
                pinned(),
                expires_in,
            )
            .unwrap_or_else(|error| panic!("{name}: {error}"));
        assert_eq!(presigned.method.as_str(), vector.method, "{name}");
        assert_eq!(presigned.url.to_string(), vector.url, "{name}: the URL");
        let signed: BTreeMap<&str, &str> = presigned
            .signed_headers
            .iter()
            .map(|(header, value)| (header.as_str(), value.to_str().unwrap()))
            .collect();
        let expected: BTreeMap<&str, &str> = vector
            .headers
            .iter()
            .map(|(header, value)| (header.as_str(), value.as_str()))
            .collect();
        assert_eq!(signed, expected, "{name}: the headers to send with it");

        let uri = &presigned.url;
        let query = uri.query().unwrap();
        let bucket = bucket_in_host(vector, &url);
        verify(
            vector.method.as_str(),
            uri.path(),
            query,
            &presigned.signed_headers,
            bucket,
            &file,
        )
        .unwrap_or_else(|error| panic!("{name}: the verifier refuses it: {error}"));
        let tampered = tampered(
            &vector.method,
            uri.path(),
            query,
            &presigned.signed_headers,
            bucket,
            &file,
        );
        for (what, outcome) in tampered {
            assert!(
                outcome.is_err(),
                "{name}: the verifier takes it with {what}"
            );
        }
        let longer = query.replacen(
            &format!("x-oss-expires={}", expires_in.as_secs()),
            &format!("x-oss-expires={}", expires_in.as_secs() + 1),
            1,
        );
        assert!(
            verify(
                &vector.method,
                uri.path(),
                &longer,
                &presigned.signed_headers,
                bucket,
                &file
            )
            .is_err(),
            "{name}: the verifier takes a longer expiry"
        );
        checked += 1;
    }
    assert!(checked > 0, "no presigned URL was recorded");
}
