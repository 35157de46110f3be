//! The OSS gateway's signature, as the official hcs-mgw SDK signs through it
//! (`alibabacloud-hcs-mgw20240626` 1.0.8 over `alibabacloud-gateway-oss` 0.0.30:
//! `tests/fixtures/official/hcs_mgw/vectors.json`, made by the `record.py` beside it at a pinned
//! date): each recorded request, given to the runtime as parameters (the `userid` host label,
//! the path, the query, the fields the gateway wrote its XML body from), comes out with the
//! recorded host (the `userid` before a `*.mgw.aliyuncs.com` endpoint, none before 127.0.0.1),
//! path, query, body (as the gateway's ElementTree writes XML) and headers, `Content-MD5` and
//! `Authorization` included; the test server's OSS4 verifier, told
//! that no bucket is signed, accepts every official request and refuses it with a signed part
//! changed.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use acs_runtime::{
    AuthScheme, Body, BodyFields, CallSpec, Client, Config, Credentials, Method, RequestDefaults,
    RequestParams, Service,
};
use acs_test_server::{Received, verify_oss4};
use http::{HeaderMap, HeaderName, HeaderValue};
use serde::Deserialize;

static HCS_MGW: Service = Service {
    product: "hcs-mgw",
    api_version: "2024-06-26",
    endpoint_rule: "{region}.mgw.aliyuncs.com",
    auth: AuthScheme::OssGatewayHmacSha256,
    protocol: "https",
    regional_endpoints: &[],
    sdk_name: "oss-gateway-test",
    sdk_version: "0",
};

/// 2024-05-01T08:30:00Z, the recording's date.
const PINNED: u64 = 1_714_552_200;

/// Headers the client writes itself (`User-Agent` names the SDK and is not signed).
const WRITTEN_BY_THE_CLIENT: [&str; 9] = [
    "host",
    "authorization",
    "date",
    "x-oss-date",
    "x-oss-content-sha256",
    "x-oss-security-token",
    "user-agent",
    "content-type",
    "content-md5",
];

#[derive(Deserialize)]
struct VectorFile {
    region: String,
    access_key_id: String,
    access_key_secret: String,
    vectors: Vec<Vector>,
}

#[derive(Deserialize)]
struct Vector {
    name: String,
    security_token: Option<String>,
    /// The client's endpoint, and the `userid` the call was given.
    endpoint: String,
    user_id: String,
    /// What the gateway wrote the XML body from, when there is one.
    body_fields: Option<serde_json::Map<String, serde_json::Value>>,
    method: String,
    /// Unencoded, as the gateway hands it to the HTTP client.
    path: String,
    /// As `requests` puts it on the request line (`+ * & =` as they are, `%` as `%25`).
    sent_path: String,
    query: BTreeMap<String, String>,
    headers: BTreeMap<String, String>,
    body: String,
}

fn vectors() -> VectorFile {
    serde_json::from_str(include_str!(
        "../../tests/fixtures/official/hcs_mgw/vectors.json"
    ))
    .expect("the fixture parses")
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
        "POST" => Method::Post,
        "PUT" => Method::Put,
        "DELETE" => Method::Delete,
        other => panic!("no method {other}"),
    }
}

/// A query key or value percent-encoded as Python's `quote(text, safe='/~')` does (written
/// here, apart from the runtime's encoder).
fn encoded(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[test]
fn requests_are_the_official_sdk_s_authorization_included() {
    let file = vectors();
    let pinned = SystemTime::UNIX_EPOCH + Duration::from_secs(PINNED);
    // The recording covers both kinds of endpoint, with and without an XML body.
    for (before_host, xml) in [(true, true), (true, false), (false, true), (false, false)] {
        assert!(
            file.vectors.iter().any(|vector| {
                vector.headers["host"].starts_with(&format!("{}.", vector.user_id)) == before_host
                    && vector.body_fields.is_some() == xml
            }),
            "no vector with the user ID before the host: {before_host}, an XML body: {xml}"
        );
    }
    // And a path value holding what `requests` sends unencoded.
    assert!(
        file.vectors
            .iter()
            .any(|vector| vector.sent_path.contains("a+b")),
        "no vector with `+` sent in its path"
    );
    for vector in &file.vectors {
        let name = &vector.name;
        let mut params = RequestParams::default();
        params.host.insert("userid", vector.user_id.clone());
        params.path.insert("path", vector.path.clone());
        for (key, value) in &vector.query {
            params.query.insert(key.clone(), value.clone());
        }
        for (header, value) in &vector.headers {
            if !WRITTEN_BY_THE_CLIENT.contains(&header.as_str()) {
                params.headers.insert(header.clone(), value.clone());
            }
        }
        // An XML body goes as the gateway writes one from its fields: `application/xml`, with
        // its MD5.
        let xml = vector.body_fields.is_some();
        if let Some(fields) = &vector.body_fields {
            params.body = Some(Body::Json(serde_json::Value::Object(fields.clone())));
        }
        let call = CallSpec {
            action: name,
            method: method(&vector.method),
            path: "{+path}",
            idempotency_token: None,
            read_only: false,
            anonymous: false,
            auth: None,
            body_fields: xml.then_some(BodyFields::Xml),
            defaults: RequestDefaults {
                content_md5: xml,
                ..RequestDefaults::default()
            },
        };
        let config = Config::builder()
            .region(file.region.as_str())
            .endpoint(vector.endpoint.as_str())
            .credentials(credentials(&file, vector))
            .build()
            .unwrap();
        let signed = Client::new(&HCS_MGW, config)
            .prepare(call, &params, &credentials(&file, vector), pinned, "")
            .unwrap_or_else(|error| panic!("{name}: {error}"));
        let request = &signed.request;
        let uri = request.uri();
        assert_eq!(request.method().as_str(), vector.method, "{name}");
        assert_eq!(
            uri.authority().unwrap().as_str(),
            vector.headers["host"],
            "{name}"
        );
        assert_eq!(uri.path(), vector.sent_path, "{name}");
        let sent_query: BTreeMap<String, String> = url_pairs(uri.query().unwrap_or(""));
        assert_eq!(sent_query, vector.query, "{name}: query");
        assert_eq!(
            String::from_utf8_lossy(request.body()),
            vector.body,
            "{name}: the body"
        );
        let sent: BTreeMap<&str, &str> = request
            .headers()
            .iter()
            .map(|(header, value)| (header.as_str(), value.to_str().unwrap()))
            .filter(|(header, _)| *header != "user-agent")
            .collect();
        let recorded: BTreeMap<&str, &str> = vector
            .headers
            .iter()
            .map(|(header, value)| (header.as_str(), value.as_str()))
            .filter(|(header, _)| !matches!(*header, "user-agent" | "host"))
            .collect();
        assert_eq!(sent, recorded, "{name}: headers, Authorization included");
    }
}

fn url_pairs(query: &str) -> BTreeMap<String, String> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(key), percent_decode(value))
        })
        .collect()
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

/// The official request as the server receives it, `change` applied to its headers.
fn verify_official(
    file: &VectorFile,
    vector: &Vector,
    change: impl FnOnce(&mut HeaderMap),
) -> Result<(), acs_test_server::VerifyError> {
    let mut headers = HeaderMap::new();
    for (header, value) in &vector.headers {
        headers.insert(
            HeaderName::from_bytes(header.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    change(&mut headers);
    let query: Vec<String> = vector
        .query
        .iter()
        .map(|(key, value)| format!("{}={}", encoded(key), encoded(value)))
        .collect();
    let received = Received {
        method: &vector.method,
        path: &vector.sent_path,
        query: &query.join("&"),
        headers: &headers,
        body: vector.body.as_bytes(),
    };
    verify_oss4(&received, None, &file.region, |id| {
        (id == file.access_key_id).then(|| file.access_key_secret.clone())
    })
}

#[test]
fn the_test_server_verifies_every_official_request_and_refuses_one_changed() {
    let file = vectors();
    for vector in &file.vectors {
        let name = &vector.name;
        assert_eq!(verify_official(&file, vector, |_| {}), Ok(()), "{name}");
        let tampered = verify_official(&file, vector, |headers| {
            headers.insert("x-oss-date", HeaderValue::from_static("20240501T083001Z"));
        });
        assert!(tampered.is_err(), "{name}: a changed x-oss-date is refused");
    }
}
