//! The v2 signature of RPC calls against the requests the official SDKs signed with it at a
//! pinned timestamp and nonce (`tests/fixtures/official/rpc_v2/vectors.json`, made by its
//! `record.py`): the runtime's client, given the same call, sends the same query, headers and
//! body, `Signature` included; the server's own check (`verify_rpc_v2`) accepts each official
//! request as sent and refuses it once tampered with.

use std::time::{Duration, SystemTime};

use acs_runtime::{
    AuthScheme, CallSpec, Client, Config, Credentials, Method, RequestParams, Service,
};
use acs_test_server::{Received, VerifyError, decode_query, verify_rpc_v2};
use http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

/// 2024-05-01T08:30:00Z, the recording's timestamp.
const PINNED: u64 = 1_714_552_200;

/// What the signature adds to the query beside the call's own parameters.
const SIGNATURE_PARAMETERS: &[&str] = &[
    "Action",
    "Format",
    "Version",
    "Timestamp",
    "SignatureNonce",
    "SignatureMethod",
    "SignatureVersion",
    "AccessKeyId",
    "Signature",
];

fn vectors() -> Value {
    serde_json::from_str(include_str!(
        "../../tests/fixtures/official/rpc_v2/vectors.json"
    ))
    .expect("the vectors are JSON")
}

fn text(value: &Value) -> &str {
    value.as_str().expect("a string")
}

/// The decoded pairs of a form body (its `+` a space).
fn form_pairs(body: &str) -> Vec<(String, String)> {
    decode_query(&body.replace('+', "%20"))
}

/// The official request's query pairs, in the order recorded.
fn official_query(vector: &Value) -> Vec<(String, String)> {
    vector["query"]
        .as_array()
        .expect("a list of pairs")
        .iter()
        .map(|pair| (text(&pair[0]).to_owned(), text(&pair[1]).to_owned()))
        .collect()
}

fn client_for(version: &'static str) -> Client {
    let service: &'static Service = Box::leak(Box::new(Service {
        product: "test",
        api_version: version,
        endpoint_rule: "test.{region}.aliyuncs.com",
        auth: AuthScheme::RpcV2HmacSha1,
        protocol: "http",
        regional_endpoints: &[],
        sdk_name: "test",
        sdk_version: "0",
    }));
    let config = Config::builder()
        .endpoint("http://127.0.0.1:8080")
        .credentials(Credentials::new("unused", "unused", "test"))
        .build()
        .unwrap();
    Client::new(service, config)
}

#[test]
fn the_client_sends_what_the_official_sdks_sent() {
    let file = vectors();
    for vector in file["vectors"].as_array().unwrap() {
        let name = text(&vector["name"]);
        let headers = vector["headers"].as_object().unwrap();
        let version = text(&headers["x-acs-version"]).to_owned();
        let action = text(&headers["x-acs-action"]).to_owned();
        let token = vector["security_token"].as_str();
        let official = official_query(vector);
        let mut params = RequestParams::default();
        for (key, value) in &official {
            let the_signatures = SIGNATURE_PARAMETERS.contains(&key.as_str())
                || (key == "SecurityToken" && token.is_some());
            if !the_signatures {
                params.query.insert(key.clone(), value.as_str());
            }
        }
        for (key, value) in form_pairs(text(&vector["body"])) {
            params.form.insert(key, value);
        }
        let mut credentials = Credentials::new(
            text(&file["access_key_id"]),
            text(&file["access_key_secret"]),
            "test",
        );
        if let Some(token) = token {
            credentials = credentials.with_security_token(token);
        }
        let call = CallSpec {
            action: &action,
            method: Method::Post,
            path: "/",
            idempotency_token: None,
            read_only: false,
            anonymous: name.ends_with("anonymous"),
            auth: None,
            body_fields: None,
            defaults: Default::default(),
        };
        let signed = client_for(Box::leak(version.into_boxed_str()))
            .prepare(
                call,
                &params,
                &credentials,
                SystemTime::UNIX_EPOCH + Duration::from_secs(PINNED),
                text(&file["nonce"]),
            )
            .unwrap();
        let request = &signed.request;

        let mut ours = decode_query(request.uri().query().unwrap_or(""));
        ours.sort();
        let mut expected = official.clone();
        expected.sort();
        assert_eq!(ours, expected, "{name}: the query");
        assert_eq!(
            request.body().as_ref(),
            text(&vector["body"]).as_bytes(),
            "{name}: the body"
        );
        for header in ["x-acs-version", "x-acs-action", "content-type"] {
            assert_eq!(
                request
                    .headers()
                    .get(header)
                    .map(|value| value.to_str().unwrap()),
                headers.get(header).map(text),
                "{name}: {header}"
            );
        }
        for absent in [
            "authorization",
            "x-acs-date",
            "x-acs-signature-nonce",
            "date",
        ] {
            assert!(!request.headers().contains_key(absent), "{name}: {absent}");
        }
    }
}

/// An official request as it went on the wire.
#[derive(Clone)]
struct Wire {
    query: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Wire {
    fn of(vector: &Value) -> Self {
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
        let query = official_query(vector)
            .iter()
            .map(|(key, value)| format!("{}={}", encode(key), encode(value)))
            .collect::<Vec<_>>()
            .join("&");
        let mut headers = HeaderMap::new();
        for (name, value) in vector["headers"].as_object().unwrap() {
            headers.insert(
                HeaderName::try_from(name.as_str()).unwrap(),
                HeaderValue::try_from(text(value)).unwrap(),
            );
        }
        Wire {
            query,
            headers,
            body: text(&vector["body"]).as_bytes().to_vec(),
        }
    }

    fn verify(&self) -> Result<(), VerifyError> {
        verify_rpc_v2(
            &Received {
                method: "POST",
                path: "/",
                query: &self.query,
                headers: &self.headers,
                body: &self.body,
            },
            |access_key_id| (access_key_id == "ak").then(|| "secret".to_string()),
        )
    }
}

#[test]
fn the_server_accepts_the_official_requests_and_refuses_them_tampered_with() {
    let file = vectors();
    for vector in file["vectors"].as_array().unwrap() {
        let name = text(&vector["name"]);
        let wire = Wire::of(vector);
        if name.ends_with("anonymous") {
            assert_eq!(wire.verify(), Err(VerifyError::MissingAuthorization));
            continue;
        }
        wire.verify()
            .unwrap_or_else(|error| panic!("{name}: {error:?}"));

        let mut query = wire.clone();
        query.query = query.query.replace("Timestamp=2024", "Timestamp=2025");
        assert!(
            matches!(query.verify(), Err(VerifyError::SignatureMismatch { .. })),
            "{name}: the query altered"
        );
        if !wire.body.is_empty() {
            let mut body = wire.clone();
            body.body.push(b'1');
            assert!(
                matches!(body.verify(), Err(VerifyError::SignatureMismatch { .. })),
                "{name}: the form altered"
            );
        }
        let mut key = wire.clone();
        key.query = key.query.replace("AccessKeyId=ak", "AccessKeyId=other");
        assert_eq!(
            key.verify(),
            Err(VerifyError::UnknownAccessKey {
                access_key_id: "other".into()
            }),
            "{name}"
        );
    }
}
