//! The shared ACS3-HMAC-SHA256 vectors, computed with Alibaba Cloud's official SDK: the signer
//! must reproduce every intermediate value byte for byte. (The test server's own check of them
//! is in `test-server/tests/vectors.rs`.)

use acs_runtime::sign::{self, SigningRequest};
use serde::Deserialize;
use serde_json::{Map, Value};

#[derive(Deserialize)]
struct VectorFile {
    algorithm: String,
    vectors: Vec<Vector>,
}

/// Whether a vector is of a kind the recording must hold.
type IsOfKind = fn(&Vector) -> bool;

#[derive(Deserialize)]
struct Vector {
    name: String,
    method: String,
    pathname: String,
    query: Map<String, Value>,
    headers: Map<String, Value>,
    body: String,
    access_key_id: String,
    access_key_secret: String,
    expected: Expected,
}

#[derive(Deserialize)]
struct Expected {
    hashed_payload: String,
    canonical_request: String,
    string_to_sign: String,
    signature: String,
    authorization: String,
}

/// A vector as owned pairs, so tests can alter them before borrowing a `SigningRequest`.
#[derive(Clone)]
struct OwnedRequest {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl OwnedRequest {
    fn from_vector(vector: &Vector) -> Self {
        Self {
            method: vector.method.clone(),
            path: vector.pathname.clone(),
            query: string_pairs(&vector.query),
            headers: string_pairs(&vector.headers),
            body: vector.body.as_bytes().to_vec(),
        }
    }

    fn with<R>(&self, use_request: impl FnOnce(&SigningRequest<'_>) -> R) -> R {
        let query: Vec<(&str, &str)> = self
            .query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        use_request(&SigningRequest {
            method: &self.method,
            path: &self.path,
            query: &query,
            headers: &headers,
            body: &self.body,
        })
    }
}

fn string_pairs(map: &Map<String, Value>) -> Vec<(String, String)> {
    map.iter()
        .map(|(key, value)| {
            (
                key.clone(),
                value
                    .as_str()
                    .expect("vector values are strings")
                    .to_owned(),
            )
        })
        .collect()
}

fn vector_file() -> VectorFile {
    serde_json::from_str(include_str!("fixtures/acs3-hmac-sha256.json")).expect("fixture parses")
}

fn vectors() -> Vec<Vector> {
    vector_file().vectors
}

/// The vectors are of this algorithm, and among them is each kind of request the signer is
/// held to (`signer_reproduces_every_vector` checks every one).
#[test]
fn the_fixture_covers_every_kind_of_request_for_this_algorithm() {
    let file = vector_file();
    assert_eq!(file.algorithm, sign::ALGORITHM);
    let covers: [(&str, IsOfKind); 8] = [
        ("a GET", |vector| vector.method == "GET"),
        ("a POST", |vector| vector.method == "POST"),
        ("a body", |vector| !vector.body.is_empty()),
        ("no query", |vector| vector.query.is_empty()),
        ("many query parameters", |vector| vector.query.len() > 10),
        ("text outside ASCII in the query", |vector| {
            vector
                .query
                .iter()
                .any(|(key, value)| !key.is_ascii() || !value.as_str().is_some_and(str::is_ascii))
        }),
        ("a security token", |vector| {
            vector.headers.contains_key("x-acs-security-token")
        }),
        ("header names in mixed case", |vector| {
            vector
                .headers
                .keys()
                .any(|name| name.bytes().any(|byte| byte.is_ascii_uppercase()))
        }),
    ];
    for (kind, has) in covers {
        assert!(file.vectors.iter().any(has), "no vector with {kind}");
    }
}

#[test]
fn signer_reproduces_every_vector() {
    let vectors = vectors();
    assert!(!vectors.is_empty(), "the fixture holds vectors");
    for vector in vectors {
        let name = &vector.name;
        let expected = &vector.expected;
        assert_eq!(
            sign::hex_sha256(vector.body.as_bytes()),
            expected.hashed_payload,
            "{name}"
        );
        let signature = OwnedRequest::from_vector(&vector)
            .with(|request| sign::sign(request, &vector.access_key_id, &vector.access_key_secret));
        assert_eq!(
            signature.canonical_request, expected.canonical_request,
            "{name}"
        );
        assert_eq!(signature.string_to_sign, expected.string_to_sign, "{name}");
        assert_eq!(signature.signature(), expected.signature, "{name}");
        assert_eq!(signature.authorization, expected.authorization, "{name}");
        let signed_line = expected
            .canonical_request
            .lines()
            .rev()
            .nth(1)
            .expect("signed headers line");
        assert_eq!(signature.signed_headers(), signed_line, "{name}");
        let query_line = expected
            .canonical_request
            .lines()
            .nth(2)
            .expect("query line");
        assert_eq!(signature.canonical_query(), query_line, "{name}");
    }
}

#[test]
fn signer_ignores_the_order_of_query_pairs_and_headers() {
    for vector in vectors() {
        let mut request = OwnedRequest::from_vector(&vector);
        request.query.reverse();
        request.headers.reverse();
        let signature = request
            .with(|request| sign::sign(request, &vector.access_key_id, &vector.access_key_secret));
        assert_eq!(
            signature.signature(),
            vector.expected.signature,
            "{}",
            vector.name
        );
    }
}
