//! The server's OSS4-HMAC-SHA256 check (`verify_oss4`) against the requests the official OSS
//! SDK V2 signed (`tests/fixtures/official/oss/vectors.json`, and its DeleteMultipleObjects to
//! 127.0.0.1, path-style, in `delete_multiple_objects.json`): it accepts each as sent, in
//! headers and presigned, and refuses each once tampered with.

use acs_test_server::{Received, VerifyError, verify_oss4};
use http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

const ENDPOINT: &str = "oss-cn-hangzhou.aliyuncs.com";

/// A recorded request as the server would receive it.
#[derive(Clone)]
struct Wire {
    method: String,
    bucket: Option<String>,
    path: String,
    query: String,
    headers: HeaderMap,
}

impl Wire {
    fn received(&self) -> Received<'_> {
        Received {
            method: &self.method,
            path: &self.path,
            query: &self.query,
            headers: &self.headers,
            body: b"",
        }
    }

    fn verify(&self) -> Result<(), VerifyError> {
        verify_oss4(
            &self.received(),
            self.bucket.as_deref(),
            "cn-hangzhou",
            |access_key_id| (access_key_id == "ak").then(|| "secret".to_string()),
        )
    }
}

fn wires() -> Vec<(String, Wire)> {
    let mut wires = wires_of(include_str!(
        "../../tests/fixtures/official/oss/vectors.json"
    ));
    wires.extend(wires_of(include_str!(
        "../../tests/fixtures/official/oss/delete_multiple_objects.json"
    )));
    wires
}

/// The requests of a recording, each with the bucket of its host when it has one (a request
/// to 127.0.0.1 names its bucket in its path, which it signs as part of the path).
fn wires_of(recording: &str) -> Vec<(String, Wire)> {
    let file: Value = serde_json::from_str(recording).unwrap();
    file["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|vector| {
            let url = vector["url"].as_str().unwrap();
            let url = url
                .strip_prefix("https://")
                .or_else(|| url.strip_prefix("http://"))
                .unwrap();
            let (host, rest) = url.split_at(url.find('/').unwrap());
            let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
            let mut headers = HeaderMap::new();
            headers.insert("host", HeaderValue::from_str(host).unwrap());
            for (name, value) in vector["headers"].as_object().unwrap() {
                headers.insert(
                    HeaderName::from_bytes(name.as_bytes()).unwrap(),
                    HeaderValue::from_str(value.as_str().unwrap()).unwrap(),
                );
            }
            let bucket = host
                .strip_suffix(ENDPOINT)
                .and_then(|prefix| prefix.strip_suffix('.'))
                .map(str::to_owned);
            let wire = Wire {
                method: vector["method"].as_str().unwrap().to_owned(),
                bucket,
                path: path.to_owned(),
                query: query.to_owned(),
                headers,
            };
            (vector["name"].as_str().unwrap().to_owned(), wire)
        })
        .collect()
}

#[test]
fn every_official_request_is_accepted() {
    let wires = wires();
    // Requests to a bucket's host and to the service's (ListBuckets) alike.
    assert!(
        wires.iter().any(|(_, wire)| wire.bucket.is_some()),
        "no recorded request to a bucket"
    );
    assert!(
        wires.iter().any(|(_, wire)| wire.bucket.is_none()),
        "no recorded request without a bucket"
    );
    assert!(
        wires.iter().any(|(name, wire)| name == "awkward-keys"
            && wire.path == "/examplebucket/"
            && wire.query.starts_with("delete")),
        "no recorded DeleteMultipleObjects"
    );
    for (name, wire) in &wires {
        assert_eq!(wire.verify(), Ok(()), "{name}");
    }
}

#[test]
fn every_official_request_tampered_with_is_refused() {
    for (name, wire) in wires() {
        let mut tampered = Vec::new();
        let method = Wire {
            method: "DELETE".into(),
            ..wire.clone()
        };
        tampered.push(("method", method.verify()));
        let path = Wire {
            path: format!("{}x", wire.path),
            ..wire.clone()
        };
        tampered.push(("path", path.verify()));
        let mut query = wire.clone();
        query.query = if wire.query.is_empty() {
            "acl".into()
        } else {
            format!("{}&extra=1", wire.query)
        };
        tampered.push(("query", query.verify()));
        let mut header = wire.clone();
        header
            .headers
            .insert("x-oss-meta-added", HeaderValue::from_static("1"));
        tampered.push(("x-oss-* header", header.verify()));
        let mut bucket = wire.clone();
        bucket.bucket = Some("otherbucket".into());
        tampered.push(("bucket", bucket.verify()));
        // A body's `Content-MD5` is signed: DeleteMultipleObjects' names the keys to delete.
        if wire.headers.contains_key("content-md5") {
            let mut digest = wire.clone();
            digest.headers.insert(
                "content-md5",
                HeaderValue::from_static("AAAAAAAAAAAAAAAAAAAAAA=="),
            );
            tampered.push(("content-md5", digest.verify()));
        }
        for (what, result) in tampered {
            assert!(
                matches!(result, Err(VerifyError::SignatureMismatch { .. })),
                "{name}: {what} tampered with gave {result:?}"
            );
        }
    }
}

#[test]
fn a_signature_for_another_region_or_key_is_refused() {
    let (_, wire) = wires().remove(0);
    let other_region = verify_oss4(
        &wire.received(),
        wire.bucket.as_deref(),
        "cn-beijing",
        |_| Some("secret".into()),
    );
    assert!(matches!(
        other_region,
        Err(VerifyError::MalformedAuthorization { .. })
    ));
    let unknown = verify_oss4(
        &wire.received(),
        wire.bucket.as_deref(),
        "cn-hangzhou",
        |_| None,
    );
    assert!(matches!(unknown, Err(VerifyError::UnknownAccessKey { .. })));
    let wrong_secret = verify_oss4(
        &wire.received(),
        wire.bucket.as_deref(),
        "cn-hangzhou",
        |_| Some("not-the-secret".into()),
    );
    assert!(matches!(
        wrong_secret,
        Err(VerifyError::SignatureMismatch { .. })
    ));
}
