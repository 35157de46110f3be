//! The server's check of the SLS and PDS gateways' signatures (`verify_gateway`) against the
//! requests the official gateways signed (`tests/fixtures/official/gateways/vectors.json`): it
//! accepts each as sent (the path as the official SDK's HTTP client encoded it, after the
//! gateway signed it unencoded) and refuses each once tampered with.

use acs_test_server::{Gateway, Received, VerifyError, verify_gateway};
use http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

#[derive(Clone)]
struct Wire {
    gateway: Gateway,
    method: String,
    path: String,
    query: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Wire {
    fn verify(&self) -> Result<(), VerifyError> {
        verify_gateway(
            self.gateway,
            &Received {
                method: &self.method,
                path: &self.path,
                query: &self.query,
                headers: &self.headers,
                body: &self.body,
            },
            |access_key_id| (access_key_id == "ak").then(|| "secret".to_string()),
        )
    }
}

/// `key=value&…`, encoded as a URL carries it.
fn encoded_query(query: &serde_json::Map<String, Value>) -> String {
    let encode = |text: &str| {
        text.bytes()
            .map(|byte| {
                if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
                    char::from(byte).to_string()
                } else {
                    format!("%{byte:02X}")
                }
            })
            .collect::<String>()
    };
    query
        .iter()
        .map(|(key, value)| format!("{}={}", encode(key), encode(value.as_str().unwrap())))
        .collect::<Vec<_>>()
        .join("&")
}

fn wires() -> Vec<(String, Wire)> {
    let file: Value = serde_json::from_str(include_str!(
        "../../tests/fixtures/official/gateways/vectors.json"
    ))
    .unwrap();
    file["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|vector| {
            let mut headers = HeaderMap::new();
            for (name, value) in vector["headers"].as_object().unwrap() {
                headers.insert(
                    HeaderName::from_bytes(name.to_ascii_lowercase().as_bytes()).unwrap(),
                    HeaderValue::from_str(value.as_str().unwrap()).unwrap(),
                );
            }
            let wire = Wire {
                gateway: match vector["scheme"].as_str().unwrap() {
                    "sls" => Gateway::Sls,
                    _ => Gateway::Pds,
                },
                method: vector["method"].as_str().unwrap().to_owned(),
                // As sent: the gateways signed the path before their HTTP client encoded it.
                path: vector["wire_path"].as_str().unwrap().to_owned(),
                query: encoded_query(vector["query"].as_object().unwrap()),
                headers,
                body: vector["body"].as_str().unwrap().as_bytes().to_vec(),
            };
            (vector["name"].as_str().unwrap().to_owned(), wire)
        })
        .collect()
}

#[test]
fn every_official_request_is_accepted() {
    let wires = wires();
    for gateway in [Gateway::Sls, Gateway::Pds] {
        assert!(
            wires.iter().any(|(_, wire)| wire.gateway == gateway),
            "no recorded request of {gateway:?}'s gateway"
        );
    }
    for (name, wire) in &wires {
        assert_eq!(wire.verify(), Ok(()), "{name}");
    }
}

#[test]
fn every_official_request_tampered_with_is_refused() {
    for (name, wire) in wires() {
        let method = Wire {
            method: "DELETE".into(),
            ..wire.clone()
        };
        let path = Wire {
            path: format!("{}x", wire.path),
            ..wire.clone()
        };
        let query = Wire {
            query: format!("{}&extra=1", wire.query),
            ..wire.clone()
        };
        let mut header = wire.clone();
        let own_prefix = match wire.gateway {
            Gateway::Sls => "x-log-added",
            Gateway::Pds | Gateway::RoaV2 => "x-acs-added",
        };
        header
            .headers
            .insert(own_prefix, HeaderValue::from_static("1"));
        let mut date = wire.clone();
        date.headers.insert(
            "date",
            HeaderValue::from_static("Wed, 01 May 2024 08:30:01 GMT"),
        );
        for (what, tampered) in [
            ("method", method),
            ("path", path),
            ("query", query),
            ("own header", header),
            ("date", date),
        ] {
            let result = tampered.verify();
            assert!(
                matches!(result, Err(VerifyError::SignatureMismatch { .. })),
                "{name}: {what} tampered with gave {result:?}"
            );
        }
        if wire.gateway == Gateway::Sls && !wire.body.is_empty() {
            let body = Wire {
                body: b"{}".to_vec(),
                ..wire.clone()
            };
            assert!(
                matches!(
                    body.verify(),
                    Err(VerifyError::MalformedAuthorization { .. })
                ),
                "{name}: a body other than the one declared"
            );
        }
    }
}

/// The PDS gateway signs the path its SDK wrote, and its HTTP client encodes a space, CJK and
/// emoji only after: the path as sent is not what was signed, and a check over it fails.
#[test]
fn a_pds_path_is_checked_as_the_gateway_signed_it() {
    let (name, wire) = wires()
        .into_iter()
        .find(|(name, _)| name == "pds-execute-path-to-encode")
        .unwrap();
    assert!(
        wire.path.contains("%20") && wire.path.contains("%E4%B8%AD"),
        "{name}"
    );
    assert_eq!(wire.verify(), Ok(()), "{name}");
    let as_sent = Wire {
        gateway: Gateway::RoaV2,
        ..wire
    };
    assert!(
        matches!(as_sent.verify(), Err(VerifyError::SignatureMismatch { .. })),
        "{name}: signed over the encoded path"
    );
}
