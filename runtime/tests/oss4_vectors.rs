//! OSS4-HMAC-SHA256 requests the official OSS SDK V2 signed at a pinned date
//! (`tests/fixtures/official/oss/`, made by its `record.py`): the runtime's signer must write
//! the same `x-oss-date`, `Date` and `Authorization` in headers, and the same presigned URL,
//! byte for byte.

use std::time::{Duration, SystemTime};

use acs_runtime::Credentials;
use acs_runtime::auth::oss4::{self, Oss4Request, Scope};
use serde::Deserialize;
use serde_json::{Map, Value};

#[derive(Deserialize)]
struct VectorFile {
    region: String,
    access_key_id: String,
    access_key_secret: String,
    vectors: Vec<Vector>,
}

/// Whether a vector is of a kind the recording must hold.
type IsOfKind = fn(&Vector) -> bool;

#[derive(Deserialize)]
struct Vector {
    name: String,
    kind: String,
    security_token: Option<String>,
    method: String,
    url: String,
    headers: Map<String, Value>,
}

/// 2024-05-01T08:30:00Z, the recording's date.
const PINNED: u64 = 1_714_552_200;
/// The presigned URLs' expiration, an hour after the pinned date.
const EXPIRES: Duration = Duration::from_secs(3600);
/// The headers the scheme writes itself, left out of what the request is given.
const WRITTEN_BY_THE_SCHEME: [&str; 5] = [
    "authorization",
    "date",
    "x-oss-date",
    "x-oss-content-sha256",
    "x-oss-security-token",
];

fn vectors() -> VectorFile {
    serde_json::from_str(include_str!(
        "../../tests/fixtures/official/oss/vectors.json"
    ))
    .expect("fixture parses")
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

/// The bucket (from a virtual-hosted host), the key and the query of a recorded URL, decoded.
struct UrlParts {
    bucket: Option<String>,
    key: Option<String>,
    query: Vec<(String, String)>,
}

fn url_parts(url: &str, endpoint: &str) -> UrlParts {
    let rest = url.strip_prefix("https://").unwrap();
    let (host, path_and_query) = rest.split_at(rest.find('/').unwrap());
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let bucket = host
        .strip_suffix(endpoint)
        .and_then(|prefix| prefix.strip_suffix('.'))
        .map(str::to_owned);
    let key = path.strip_prefix('/').filter(|key| !key.is_empty());
    UrlParts {
        bucket,
        key: key.map(percent_decode),
        query: query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                (percent_decode(key), percent_decode(value))
            })
            .collect(),
    }
}

fn credentials(file: &VectorFile, vector: &Vector) -> Credentials {
    let credentials = Credentials::new(&file.access_key_id, &file.access_key_secret, "vector");
    match &vector.security_token {
        Some(token) => credentials.with_security_token(token),
        None => credentials,
    }
}

const ENDPOINT: &str = "oss-cn-hangzhou.aliyuncs.com";

#[test]
fn requests_signed_in_headers_match_the_official_sdk() {
    let file = vectors();
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(PINNED);
    let mut checked = 0;
    for vector in file.vectors.iter().filter(|vector| vector.kind == "header") {
        let parts = url_parts(&vector.url, ENDPOINT);
        let query: Vec<(&str, &str)> = parts
            .query
            .iter()
            .map(|(key, value)| (key.as_str(), value.as_str()))
            .collect();
        let given: Vec<(&str, &str)> = vector
            .headers
            .iter()
            .filter(|(name, _)| !WRITTEN_BY_THE_SCHEME.contains(&name.as_str()))
            .map(|(name, value)| (name.as_str(), value.as_str().unwrap()))
            .collect();
        let (headers, signature) = oss4::sign_headers(
            &Oss4Request {
                method: &vector.method,
                bucket: parts.bucket.as_deref(),
                key: parts.key.as_deref(),
                query: &query,
                headers: &given,
                additional_headers: &[],
            },
            Scope {
                region: &file.region,
                product: oss4::PRODUCT,
            },
            &credentials(&file, vector),
            at,
        );
        let recorded = |name: &str| vector.headers[name].as_str().unwrap();
        assert_eq!(
            headers.authorization,
            recorded("authorization"),
            "{}",
            vector.name
        );
        assert_eq!(headers.oss_date, recorded("x-oss-date"), "{}", vector.name);
        assert_eq!(headers.date, recorded("date"), "{}", vector.name);
        assert_eq!(
            oss4::UNSIGNED_PAYLOAD,
            recorded("x-oss-content-sha256"),
            "{}",
            vector.name
        );
        assert!(
            signature.string_to_sign.starts_with(
                "OSS4-HMAC-SHA256\n20240501T083000Z\n20240501/cn-hangzhou/oss/aliyun_v4_request\n"
            ),
            "{}",
            vector.name
        );
        checked += 1;
    }
    assert!(checked > 0, "no header vector");
}

/// Every vector is of a kind the tests above check (so none goes unchecked), and the recording
/// holds each shape of request they are there to hold the signer to.
#[test]
fn the_recording_covers_every_kind_and_shape_of_request() {
    let file = vectors();
    for vector in &file.vectors {
        assert!(
            matches!(vector.kind.as_str(), "header" | "query"),
            "{}: no test checks a vector of kind {}",
            vector.name,
            vector.kind
        );
    }
    fn in_headers(vector: &Vector) -> bool {
        vector.kind == "header"
    }
    let covers: [(&str, IsOfKind); 10] = [
        ("signed in headers", in_headers),
        ("presigned", |vector| vector.kind == "query"),
        ("a GET", |vector| {
            in_headers(vector) && vector.method == "GET"
        }),
        ("a PUT", |vector| {
            in_headers(vector) && vector.method == "PUT"
        }),
        ("a POST", |vector| {
            in_headers(vector) && vector.method == "POST"
        }),
        ("a query", |vector| {
            in_headers(vector) && vector.url.contains('?')
        }),
        ("no bucket", |vector| {
            url_parts(&vector.url, ENDPOINT).bucket.is_none()
        }),
        ("a key outside ASCII", |vector| {
            url_parts(vector.url.split('?').next().unwrap(), ENDPOINT)
                .key
                .is_some_and(|key| !key.is_ascii())
        }),
        ("a security token in headers", |vector| {
            in_headers(vector) && vector.security_token.is_some()
        }),
        ("a presigned security token", |vector| {
            vector.kind == "query" && vector.security_token.is_some()
        }),
    ];
    for (shape, has) in covers {
        assert!(file.vectors.iter().any(has), "no vector with {shape}");
    }
}

#[test]
fn presigned_urls_match_the_official_sdk() {
    let file = vectors();
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(PINNED);
    let mut checked = 0;
    for vector in file.vectors.iter().filter(|vector| vector.kind == "query") {
        let (without_query, recorded_query) = vector.url.split_once('?').unwrap();
        let parts = url_parts(without_query, ENDPOINT);
        let headers: Vec<(&str, &str)> = vector
            .headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str().unwrap()))
            .collect();
        let (query, _) = oss4::presign(
            &Oss4Request {
                method: &vector.method,
                bucket: parts.bucket.as_deref(),
                key: parts.key.as_deref(),
                query: &[],
                headers: &headers,
                additional_headers: &[],
            },
            Scope {
                region: &file.region,
                product: oss4::PRODUCT,
            },
            &credentials(&file, vector),
            at,
            EXPIRES,
        );
        assert_eq!(query, recorded_query, "{}", vector.name);
        checked += 1;
    }
    assert!(checked > 0, "no presigned vector");
}

#[test]
fn a_tampered_request_signs_otherwise() {
    let file = vectors();
    let vector = &file.vectors[0];
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(PINNED);
    let sign = |key: &str, method: &str| {
        oss4::sign_headers(
            &Oss4Request {
                method,
                bucket: Some("examplebucket"),
                key: Some(key),
                query: &[],
                headers: &[],
                additional_headers: &[],
            },
            Scope {
                region: &file.region,
                product: oss4::PRODUCT,
            },
            &credentials(&file, vector),
            at,
        )
        .0
        .authorization
    };
    let original = sign("dir/a b+c*~中文.txt", "GET");
    assert_eq!(original, vector.headers["authorization"].as_str().unwrap());
    assert_ne!(sign("dir/a b+c*~中文.txT", "GET"), original);
    assert_ne!(sign("dir/a b+c*~中文.txt", "HEAD"), original);
}
