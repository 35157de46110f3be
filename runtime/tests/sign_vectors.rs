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

#[test]
fn fixture_holds_fifteen_vectors_for_this_algorithm() {
    let file = vector_file();
    assert_eq!(file.algorithm, sign::ALGORITHM);
    assert_eq!(file.vectors.len(), 15);
}

#[test]
fn signer_reproduces_every_vector() {
    for vector in vectors() {
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
