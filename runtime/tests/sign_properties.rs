//! Property tests: the signer against a deliberately naive reference written from the rules,
//! over arbitrary Unicode keys, values and headers.

use std::collections::BTreeMap;

use acs_runtime::sign::{self, SigningRequest};
use hmac::{Hmac, KeyInit, Mac};
use proptest::prelude::*;
use sha2::{Digest, Sha256};

fn naive_percent_encode(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        let character = char::from(byte);
        if character.is_ascii_alphanumeric() || "-_.~".contains(character) {
            out.push(character);
        } else {
            out += &format!("%{byte:02X}");
        }
    }
    out
}

/// Expects unique keys, as a request's parameters are.
fn naive_canonical_query(pairs: &[(String, String)]) -> String {
    let sorted: BTreeMap<&str, &str> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    sorted
        .iter()
        .map(|(key, value)| format!("{key}={}", naive_percent_encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

fn naive_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

struct NaiveSignature {
    canonical_request: String,
    string_to_sign: String,
    signature: String,
    signed_headers: String,
    authorization: String,
}

fn naive_sign(
    method: &str,
    path: &str,
    query: &[(String, String)],
    headers: &[(String, String)],
    body: &[u8],
    access_key_id: &str,
    secret: &str,
) -> NaiveSignature {
    let mut grouped: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, value) in headers {
        grouped
            .entry(name.to_lowercase())
            .or_default()
            .push(value.trim().to_owned());
    }
    let mut header_block = String::new();
    for (name, values) in &mut grouped {
        values.sort();
        header_block += &format!("{name}:{}\n", values.join(","));
    }
    let signed_headers = grouped.keys().cloned().collect::<Vec<_>>().join(";");
    let canonical_request = format!(
        "{method}\n{path}\n{}\n{header_block}\n{signed_headers}\n{}",
        naive_canonical_query(query),
        naive_hex(&Sha256::digest(body))
    );
    let string_to_sign = format!(
        "ACS3-HMAC-SHA256\n{}",
        naive_hex(&Sha256::digest(canonical_request.as_bytes()))
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(string_to_sign.as_bytes());
    let signature = naive_hex(&mac.finalize().into_bytes());
    let authorization = format!(
        "ACS3-HMAC-SHA256 Credential={access_key_id},SignedHeaders={signed_headers},Signature={signature}"
    );
    NaiveSignature {
        canonical_request,
        string_to_sign,
        signature,
        signed_headers,
        authorization,
    }
}

fn borrowed(pairs: &[(String, String)]) -> Vec<(&str, &str)> {
    pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// Unique keys in a shuffled order.
fn query_pairs() -> impl Strategy<Value = Vec<(String, String)>> {
    proptest::collection::btree_map(any::<String>(), any::<String>(), 0..12)
        .prop_map(|map| map.into_iter().collect::<Vec<_>>())
        .prop_shuffle()
}

/// Header names that are tokens, with case variants of the same name so that merging happens.
fn token_header_name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "host",
            "Host",
            "X-Acs-Date",
            "x-acs-date",
            "x-ACS-Custom",
            "Accept"
        ])
        .prop_map(str::to_owned),
        "[A-Za-z][A-Za-z0-9-]{0,10}",
    ]
}

fn header_values() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ \t]{0,2}[!-~]{0,12}( [!-~]{1,5}){0,2}[ \t]{0,2}",
        any::<String>()
    ]
}

fn headers(name: impl Strategy<Value = String>) -> impl Strategy<Value = Vec<(String, String)>> {
    proptest::collection::vec((name, header_values()), 0..8)
}

fn method() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["GET", "POST"]).prop_map(str::to_owned)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn canonical_query_matches_the_reference(pairs in query_pairs()) {
        prop_assert_eq!(
            sign::canonical_query(borrowed(&pairs)),
            naive_canonical_query(&pairs)
        );
    }

    #[test]
    fn percent_encoding_matches_the_reference(value in any::<String>()) {
        let mut out = String::new();
        sign::percent_encode_into(&mut out, &value);
        prop_assert_eq!(out, naive_percent_encode(&value));
    }

    #[test]
    fn signature_matches_the_reference(
        method in method(),
        path in "/[a-z0-9/._-]{0,12}",
        query in query_pairs(),
        headers in headers(prop_oneof![token_header_name(), any::<String>()]),
        body in proptest::collection::vec(any::<u8>(), 0..64),
        access_key_id in "[A-Za-z0-9.]{1,24}",
        secret in any::<String>(),
    ) {
        let query_refs = borrowed(&query);
        let header_refs = borrowed(&headers);
        let request = SigningRequest { method: &method, path: &path, query: &query_refs, headers: &header_refs, body: &body };
        let actual = sign::sign(&request, &access_key_id, &secret);
        let expected = naive_sign(&method, &path, &query, &headers, &body, &access_key_id, &secret);
        prop_assert_eq!(&actual.canonical_request, &expected.canonical_request);
        prop_assert_eq!(&actual.string_to_sign, &expected.string_to_sign);
        prop_assert_eq!(actual.signature(), expected.signature);
        prop_assert_eq!(actual.signed_headers(), expected.signed_headers);
        prop_assert_eq!(&actual.authorization, &expected.authorization);
        prop_assert_eq!(actual.canonical_query(), naive_canonical_query(&query));
    }
}
