//! The shared ACS3-HMAC-SHA256 vectors, computed with Alibaba Cloud's official SDK: the signer
//! must reproduce every intermediate value byte for byte, and the verifier must accept each
//! vector and reject tampered copies.

use acs_runtime::sign::{self, SigningRequest, VerifyError};
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

    fn signed(mut self, access_key_id: &str, secret: &str) -> Self {
        let authorization =
            self.with(|request| sign::sign(request, access_key_id, secret).authorization);
        self.headers
            .push(("Authorization".to_owned(), authorization));
        self
    }

    fn verify(&self, known_id: &str, known_secret: &str) -> Result<(), VerifyError> {
        self.with(|request| sign::verify(request, |id| (id == known_id).then_some(known_secret)))
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
        assert_eq!(signature.signature, expected.signature, "{name}");
        assert_eq!(signature.authorization, expected.authorization, "{name}");
        let signed_line = expected
            .canonical_request
            .lines()
            .rev()
            .nth(1)
            .expect("signed headers line");
        assert_eq!(signature.signed_headers, signed_line, "{name}");
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
            signature.signature, vector.expected.signature,
            "{}",
            vector.name
        );
    }
}

#[test]
fn verifier_accepts_every_vector_as_sent() {
    for vector in vectors() {
        let mut request = OwnedRequest::from_vector(&vector);
        request.headers.push((
            "Authorization".to_owned(),
            vector.expected.authorization.clone(),
        ));
        assert_eq!(
            request.verify(&vector.access_key_id, &vector.access_key_secret),
            Ok(()),
            "{}",
            vector.name
        );
    }
}

#[test]
fn verifier_ignores_unsigned_headers() {
    for vector in vectors() {
        let mut request = OwnedRequest::from_vector(&vector)
            .signed(&vector.access_key_id, &vector.access_key_secret);
        request
            .headers
            .push(("Connection".to_owned(), "keep-alive".to_owned()));
        request
            .headers
            .push(("Content-Length".to_owned(), "0".to_owned()));
        assert_eq!(
            request.verify(&vector.access_key_id, &vector.access_key_secret),
            Ok(()),
            "{}",
            vector.name
        );
    }
}

/// The string to sign the verifier should report: the one computed from the request as received.
fn recomputed_string_to_sign(request: &OwnedRequest) -> String {
    let mut unsigned = request.clone();
    unsigned.headers.retain(|(name, _)| name != "Authorization");
    unsigned.with(|request| sign::sign(request, "unused", "unused").string_to_sign)
}

#[test]
fn verifier_rejects_a_tampered_query_value_with_its_own_string_to_sign() {
    for vector in vectors() {
        let mut request = OwnedRequest::from_vector(&vector)
            .signed(&vector.access_key_id, &vector.access_key_secret);
        match request.query.first_mut() {
            Some((_, value)) => value.push('x'),
            None => request.query.push(("Added".to_owned(), "1".to_owned())),
        }
        let string_to_sign = recomputed_string_to_sign(&request);
        assert_ne!(string_to_sign, vector.expected.string_to_sign);
        assert_eq!(
            request.verify(&vector.access_key_id, &vector.access_key_secret),
            Err(VerifyError::SignatureMismatch { string_to_sign }),
            "{}",
            vector.name
        );
    }
}

#[test]
fn verifier_rejects_a_tampered_signed_header() {
    for vector in vectors() {
        let mut request = OwnedRequest::from_vector(&vector)
            .signed(&vector.access_key_id, &vector.access_key_secret);
        let (_, date) = request
            .headers
            .iter_mut()
            .find(|(name, _)| name.eq_ignore_ascii_case("x-acs-date"))
            .expect("every vector has x-acs-date");
        date.replace_range(0..4, "2025");
        let string_to_sign = recomputed_string_to_sign(&request);
        assert_ne!(string_to_sign, vector.expected.string_to_sign);
        assert_eq!(
            request.verify(&vector.access_key_id, &vector.access_key_secret),
            Err(VerifyError::SignatureMismatch { string_to_sign }),
            "{}",
            vector.name
        );
    }
}

#[test]
fn verifier_rejects_a_wrong_secret() {
    for vector in vectors() {
        let request =
            OwnedRequest::from_vector(&vector).signed(&vector.access_key_id, "not-the-secret");
        assert!(
            matches!(
                request.verify(&vector.access_key_id, &vector.access_key_secret),
                Err(VerifyError::SignatureMismatch { string_to_sign }) if string_to_sign == vector.expected.string_to_sign
            ),
            "{}",
            vector.name
        );
    }
}

#[test]
fn verifier_rejects_a_missing_signed_header() {
    for vector in vectors() {
        let mut request = OwnedRequest::from_vector(&vector)
            .signed(&vector.access_key_id, &vector.access_key_secret);
        request
            .headers
            .retain(|(name, _)| !name.eq_ignore_ascii_case("x-acs-signature-nonce"));
        assert_eq!(
            request.verify(&vector.access_key_id, &vector.access_key_secret),
            Err(VerifyError::MissingSignedHeader {
                name: "x-acs-signature-nonce".to_owned()
            }),
            "{}",
            vector.name
        );
    }
}

#[test]
fn verifier_rejects_a_body_that_does_not_match_its_hash() {
    for vector in vectors() {
        let mut request = OwnedRequest::from_vector(&vector)
            .signed(&vector.access_key_id, &vector.access_key_secret);
        request.body.extend_from_slice(b"&Extra=1");
        assert_eq!(
            request.verify(&vector.access_key_id, &vector.access_key_secret),
            Err(VerifyError::PayloadHashMismatch {
                declared: Some(vector.expected.hashed_payload.clone()),
                actual: sign::hex_sha256(&request.body).into_owned(),
            }),
            "{}",
            vector.name
        );
    }
}

#[test]
fn verifier_rejects_unknown_keys_and_missing_or_malformed_authorization() {
    let vector = vectors().into_iter().next().expect("at least one vector");
    let request =
        OwnedRequest::from_vector(&vector).signed("SOMEONE-ELSE", &vector.access_key_secret);
    assert_eq!(
        request.verify(&vector.access_key_id, &vector.access_key_secret),
        Err(VerifyError::UnknownAccessKey {
            access_key_id: "SOMEONE-ELSE".to_owned()
        })
    );

    let unsigned = OwnedRequest::from_vector(&vector);
    assert_eq!(
        unsigned.verify(&vector.access_key_id, &vector.access_key_secret),
        Err(VerifyError::MissingAuthorization)
    );

    let mut malformed = OwnedRequest::from_vector(&vector);
    malformed.headers.push((
        "authorization".to_owned(),
        "ACS3-HMAC-SHA256 Credential=AKIDEXAMPLE".to_owned(),
    ));
    assert!(matches!(
        malformed.verify(&vector.access_key_id, &vector.access_key_secret),
        Err(VerifyError::MalformedAuthorization { .. })
    ));
}
