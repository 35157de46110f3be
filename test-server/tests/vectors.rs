//! The server's own signature check against the official SDK's vectors (copied from the shared
//! vectors into `fixtures/`): it accepts each request as the official SDK sent it, computes the
//! official string to sign, and refuses tampered copies. Then, over arbitrary requests, it accepts
//! what the client's signer signs: two implementations that agree.

use acs_runtime::sign::{self, SigningRequest};
use acs_test_server::{Received, VerifyError, verify};
use http::{HeaderMap, HeaderName, HeaderValue};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// A request as it arrives: path and query as sent, headers, body.
#[derive(Clone)]
struct Arrived {
    method: String,
    path: String,
    query: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Arrived {
    fn verify(&self, known_id: &str, known_secret: &str) -> Result<(), VerifyError> {
        let received = Received {
            method: &self.method,
            path: &self.path,
            query: &self.query,
            headers: &self.headers,
            body: &self.body,
        };
        verify(&received, |id| {
            (id == known_id).then(|| known_secret.to_owned())
        })
    }

    fn set_header(&mut self, name: &str, value: &str) {
        self.headers.insert(
            HeaderName::try_from(name).unwrap(),
            HeaderValue::from_bytes(value.as_bytes()).unwrap(),
        );
    }
}

fn text(value: &Value) -> &str {
    value.as_str().expect("vector values are strings")
}

fn wire_encoded(text: &str) -> String {
    let mut out = String::new();
    sign::percent_encode_into(&mut out, text);
    out
}

fn header_map(headers: &Map<String, Value>) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        map.append(
            HeaderName::try_from(name.as_str()).unwrap(),
            HeaderValue::from_bytes(text(value).as_bytes()).unwrap(),
        );
    }
    map
}

struct Vector {
    name: String,
    arrived: Arrived,
    access_key_id: String,
    secret: String,
    string_to_sign: String,
    hashed_payload: String,
}

/// The signature vectors, each as it would arrive: the query encoded on the wire, the official
/// `Authorization` header added.
fn signature_vectors() -> Vec<Vector> {
    let file: Value = serde_json::from_str(include_str!("fixtures/acs3-hmac-sha256.json")).unwrap();
    let vectors = file["vectors"].as_array().unwrap();
    assert!(!vectors.is_empty(), "the fixture holds vectors");
    vectors
        .iter()
        .map(|vector| {
            let query: Vec<String> = vector["query"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(key, value)| format!("{}={}", wire_encoded(key), wire_encoded(text(value))))
                .collect();
            let mut arrived = Arrived {
                method: text(&vector["method"]).to_owned(),
                path: text(&vector["pathname"]).to_owned(),
                query: query.join("&"),
                headers: header_map(vector["headers"].as_object().unwrap()),
                body: text(&vector["body"]).as_bytes().to_vec(),
            };
            arrived.set_header("authorization", text(&vector["expected"]["authorization"]));
            Vector {
                name: text(&vector["name"]).to_owned(),
                arrived,
                access_key_id: text(&vector["access_key_id"]).to_owned(),
                secret: text(&vector["access_key_secret"]).to_owned(),
                string_to_sign: text(&vector["expected"]["string_to_sign"]).to_owned(),
                hashed_payload: text(&vector["expected"]["hashed_payload"]).to_owned(),
            }
        })
        .collect()
}

/// The ROA requests exactly as the official SDK sent them: raw path, raw query (space as `+`),
/// every header, the body.
fn roa_vectors() -> Vec<Vector> {
    let file: Value =
        serde_json::from_str(include_str!("fixtures/roa-cs-2015-12-15.json")).unwrap();
    let vectors = file["vectors"].as_array().unwrap();
    assert!(!vectors.is_empty(), "the fixture holds vectors");
    vectors
        .iter()
        .map(|vector| Vector {
            name: text(&vector["name"]).to_owned(),
            arrived: Arrived {
                method: text(&vector["method"]).to_owned(),
                path: text(&vector["raw_path"]).to_owned(),
                query: text(&vector["raw_query"]).to_owned(),
                headers: header_map(vector["headers"].as_object().unwrap()),
                body: text(&vector["body"]).as_bytes().to_vec(),
            },
            access_key_id: text(&vector["access_key_id"]).to_owned(),
            secret: text(&vector["access_key_secret"]).to_owned(),
            string_to_sign: text(&vector["expected"]["string_to_sign"]).to_owned(),
            hashed_payload: text(&vector["expected"]["hashed_payload"]).to_owned(),
        })
        .collect()
}

fn every_vector() -> Vec<Vector> {
    signature_vectors()
        .into_iter()
        .chain(roa_vectors())
        .collect()
}

#[test]
fn every_vector_is_accepted_as_sent() {
    for vector in every_vector() {
        assert_eq!(
            vector.arrived.verify(&vector.access_key_id, &vector.secret),
            Ok(()),
            "{}",
            vector.name
        );
    }
}

/// With the wrong secret the check fails, and shows the string to sign it computed: the
/// official one, so the canonical request is the official SDK's byte for byte.
#[test]
fn the_string_to_sign_is_the_official_one() {
    for vector in every_vector() {
        assert_eq!(
            vector
                .arrived
                .verify(&vector.access_key_id, "not-the-secret"),
            Err(VerifyError::SignatureMismatch {
                string_to_sign: vector.string_to_sign.clone()
            }),
            "{}",
            vector.name
        );
    }
}

fn is_mismatch(result: Result<(), VerifyError>, official: &str) -> bool {
    matches!(result, Err(VerifyError::SignatureMismatch { string_to_sign }) if string_to_sign != official)
}

#[test]
fn a_tampered_query_path_or_signed_header_is_refused() {
    for vector in every_vector() {
        let (id, secret) = (&vector.access_key_id, &vector.secret);
        let mut query = vector.arrived.clone();
        query.query = if query.query.is_empty() {
            "Added=1".to_owned()
        } else {
            format!("{}x", query.query)
        };
        assert!(
            is_mismatch(query.verify(id, secret), &vector.string_to_sign),
            "{}",
            vector.name
        );

        let mut path = vector.arrived.clone();
        path.path.push('x');
        assert!(
            is_mismatch(path.verify(id, secret), &vector.string_to_sign),
            "{}",
            vector.name
        );

        let mut date = vector.arrived.clone();
        date.set_header("x-acs-date", "2025-01-01T00:00:00Z");
        assert!(
            is_mismatch(date.verify(id, secret), &vector.string_to_sign),
            "{}",
            vector.name
        );
    }
}

#[test]
fn unsigned_headers_do_not_count() {
    for vector in every_vector() {
        let mut arrived = vector.arrived.clone();
        arrived.set_header("connection", "keep-alive");
        arrived.set_header("x-forwarded-for", "10.0.0.1");
        assert_eq!(
            arrived.verify(&vector.access_key_id, &vector.secret),
            Ok(()),
            "{}",
            vector.name
        );
    }
}

#[test]
fn a_missing_signed_header_or_a_body_that_does_not_match_its_hash_is_refused() {
    for vector in every_vector() {
        let mut missing = vector.arrived.clone();
        missing.headers.remove("x-acs-signature-nonce");
        assert_eq!(
            missing.verify(&vector.access_key_id, &vector.secret),
            Err(VerifyError::MissingSignedHeader {
                name: "x-acs-signature-nonce".to_owned()
            }),
            "{}",
            vector.name
        );

        let mut body = vector.arrived.clone();
        body.body.extend_from_slice(b"&Extra=1");
        let actual = sign::hex_sha256(&body.body).into_owned();
        assert_eq!(
            body.verify(&vector.access_key_id, &vector.secret),
            Err(VerifyError::PayloadHashMismatch {
                declared: Some(vector.hashed_payload.clone()),
                actual,
            }),
            "{}",
            vector.name
        );
    }
}

/// Each vector signed again, by the client's signer, over its headers but one that must be
/// signed: refused, naming that header. (The official SDKs sign every one of them.)
#[test]
fn a_vector_signed_again_without_a_header_it_must_sign_is_refused_by_name() {
    for vector in every_vector() {
        let arrived = &vector.arrived;
        let must_sign: Vec<String> = arrived
            .headers
            .keys()
            .map(|name| name.as_str().to_owned())
            .filter(|name| {
                name == "host"
                    || name.starts_with("x-acs-")
                    || (name == "content-type" && !arrived.body.is_empty())
            })
            .collect();
        assert!(must_sign.len() >= 6, "{}", vector.name);
        let query = acs_test_server::decode_query(&arrived.query);
        let query: Vec<(&str, &str)> = query
            .iter()
            .map(|(key, value)| (key.as_str(), value.as_str()))
            .collect();
        for left_out in &must_sign {
            let headers: Vec<(&str, &str)> = arrived
                .headers
                .iter()
                .filter(|(name, _)| *name != "authorization" && name.as_str() != left_out)
                .map(|(name, value)| (name.as_str(), value.to_str().unwrap()))
                .collect();
            let signature = sign::sign(
                &SigningRequest {
                    method: &arrived.method,
                    path: &arrived.path,
                    query: &query,
                    headers: &headers,
                    body: &arrived.body,
                },
                &vector.access_key_id,
                &vector.secret,
            );
            let mut resigned = arrived.clone();
            resigned.set_header("authorization", &signature.authorization);
            assert_eq!(
                resigned.verify(&vector.access_key_id, &vector.secret),
                Err(VerifyError::UnsignedHeaders {
                    names: vec![left_out.clone()]
                }),
                "{}",
                vector.name
            );
        }
    }
}

#[test]
fn unknown_keys_and_missing_or_malformed_authorization_are_refused() {
    let vector = signature_vectors().remove(0);
    assert_eq!(
        vector.arrived.verify("SOMEONE-ELSE", &vector.secret),
        Err(VerifyError::UnknownAccessKey {
            access_key_id: vector.access_key_id.clone()
        })
    );
    let mut unsigned = vector.arrived.clone();
    unsigned.headers.remove("authorization");
    assert_eq!(
        unsigned.verify(&vector.access_key_id, &vector.secret),
        Err(VerifyError::MissingAuthorization)
    );
    let mut malformed = vector.arrived.clone();
    malformed.set_header("authorization", "ACS3-HMAC-SHA256 Credential=AKIDEXAMPLE");
    assert!(matches!(
        malformed.verify(&vector.access_key_id, &vector.secret),
        Err(VerifyError::MalformedAuthorization { .. })
    ));
}

fn token() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9-]{0,12}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// What the client signs, sent the way the client sends it (the canonical query as the URL's
    /// query), the server accepts: over arbitrary Unicode parameters, header values and bodies.
    #[test]
    fn the_server_accepts_what_the_client_signs(
        method in prop::sample::select(vec!["GET", "POST", "PUT", "DELETE"]),
        query in proptest::collection::btree_map(any::<String>(), any::<String>(), 0..6),
        headers in proptest::collection::btree_map(token().prop_map(|name| format!("x-acs-extra-{name}")), "[ -~]{0,24}", 0..6),
        body in proptest::collection::vec(any::<u8>(), 0..64),
        secret in any::<String>(),
    ) {
        let mut header_pairs: Vec<(&str, &str)> =
            headers.iter().map(|(name, value)| (name.as_str(), value.as_str())).collect();
        let payload_hash = sign::hex_sha256(&body);
        // What every request must sign.
        header_pairs.extend([
            ("host", "127.0.0.1:8080"),
            ("x-acs-action", "DescribeRegions"),
            ("x-acs-version", "2014-05-26"),
            ("x-acs-date", "2024-05-01T08:30:00Z"),
            ("x-acs-signature-nonce", "0123456789abcdef0123456789abcdef"),
            ("x-acs-content-sha256", &payload_hash),
        ]);
        let query_pairs: Vec<(&str, &str)> =
            query.iter().map(|(key, value)| (key.as_str(), value.as_str())).collect();
        let request = SigningRequest {
            method, path: "/", query: &query_pairs, headers: &header_pairs, body: &body,
        };
        let signature = sign::sign(&request, "AKID", &secret);
        // Keys travel encoded in a URL; the signer writes them as given in its canonical query.
        let wire_query: Vec<String> = query
            .iter()
            .map(|(key, value)| format!("{}={}", wire_encoded(key), wire_encoded(value)))
            .collect();
        let mut arrived = Arrived {
            method: method.to_owned(),
            path: "/".to_owned(),
            query: wire_query.join("&"),
            headers: HeaderMap::new(),
            body,
        };
        for (name, value) in &header_pairs {
            arrived.set_header(name, value);
        }
        arrived.set_header("authorization", &signature.authorization);
        prop_assert_eq!(arrived.verify("AKID", &secret), Ok(()));
    }
}
