//! The v2 ROA request (`tea-openapi`'s `do_roarequest`) against the requests the official SDKs
//! wrote with it at a pinned date and nonce (`tests/fixtures/official/roa_v2/vectors.json`,
//! made by its `record.py`): the runtime's client, given the same call, sends the same method,
//! path, query, body and headers, and for a signed call the same `Authorization`; an anonymous
//! call (Elasticsearch's `CapacityPlan`, EIAM's, with the caller's bearer token as its own
//! `Authorization` parameter) goes unsigned. The server's own check of the `acs` signature
//! (`verify_gateway` with `Gateway::RoaV2`: the string the PDS gateway signs too, but over the
//! path as sent) accepts each signed official request as sent and refuses it once tampered
//! with.

use std::time::{Duration, SystemTime};

use acs_runtime::{
    AuthScheme, Body, CallSpec, Client, Config, Credentials, Method, RequestParams, Service,
};
use acs_test_server::{Gateway, Received, VerifyError, verify_gateway};
use http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

/// Wed, 01 May 2024 08:30:00 GMT, the recording's date.
const PINNED: u64 = 1_714_552_200;

/// Headers the official SDK writes that the runtime writes its own way: the HTTP client's
/// `host`, each SDK's `user-agent`, and the official SDK's name of its credentials provider,
/// which it signs (as every `x-acs-*` header) and ours does not send.
const NOT_COMPARED: &[&str] = &["host", "user-agent", "x-acs-credentials-provider"];

/// Headers the scheme writes; any other header of the official request is the call's own.
const SCHEME_HEADERS: &[&str] = &[
    "date",
    "accept",
    "x-acs-signature-nonce",
    "x-acs-signature-method",
    "x-acs-signature-version",
    "x-acs-version",
    "x-acs-action",
    "content-type",
    "x-acs-accesskey-id",
    "x-acs-security-token",
    "authorization",
];

fn vectors() -> Value {
    serde_json::from_str(include_str!(
        "../../tests/fixtures/official/roa_v2/vectors.json"
    ))
    .expect("the vectors are JSON")
}

fn text(value: &Value) -> &str {
    value.as_str().expect("a string")
}

fn official_query(vector: &Value) -> Vec<(String, String)> {
    vector["query"]
        .as_array()
        .expect("a list of pairs")
        .iter()
        .map(|pair| (text(&pair[0]).to_owned(), text(&pair[1]).to_owned()))
        .collect()
}

/// The official request's headers, names in lower case.
fn official_headers(vector: &Value) -> Vec<(String, String)> {
    vector["headers"]
        .as_object()
        .expect("an object")
        .iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), text(value).to_owned()))
        .collect()
}

fn client_for(version: &'static str) -> Client {
    let service: &'static Service = Box::leak(Box::new(Service {
        product: "test",
        api_version: version,
        endpoint_rule: "test.{region}.aliyuncs.com",
        auth: AuthScheme::Acs3HmacSha256,
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
        let anonymous = vector["anonymous"].as_bool().unwrap();
        let token = vector["security_token"].as_str();
        let official = official_headers(vector);
        let header = |wanted: &str| {
            official
                .iter()
                .find(|(name, _)| name == wanted)
                .map(|(_, value)| value.as_str())
        };
        let mut params = RequestParams::default();
        for (key, value) in official_query(vector) {
            params.query.insert(key, value);
        }
        for (name, value) in &official {
            let the_schemes =
                SCHEME_HEADERS.contains(&name.as_str()) && !(anonymous && name == "authorization");
            let the_sdks = NOT_COMPARED.contains(&name.as_str());
            if !the_schemes && !the_sdks {
                params.headers.insert(name.clone(), value.as_str());
            }
        }
        // The official SDK signs its provider's name, as every `x-acs-*` header; given as a
        // header parameter, ours signs it too, so the `Authorization`s can be compared.
        if let Some(provider) = header("x-acs-credentials-provider") {
            params
                .headers
                .insert("x-acs-credentials-provider".to_owned(), provider);
        }
        let body = text(&vector["body"]);
        if !body.is_empty() {
            params.body = Some(Body::Text(body.to_owned()));
        }
        let mut credentials = Credentials::new(
            text(&file["access_key_id"]),
            text(&file["access_key_secret"]),
            "test",
        );
        if let Some(token) = token {
            credentials = credentials.with_security_token(token);
        }
        let method = match text(&vector["method"]) {
            "GET" => Method::Get,
            "POST" => Method::Post,
            other => panic!("{name}: a method the vectors do not use: {other}"),
        };
        let call = CallSpec {
            action: header("x-acs-action").unwrap(),
            method,
            path: text(&vector["path"]),
            idempotency_token: None,
            read_only: false,
            anonymous,
            auth: Some(AuthScheme::RoaV2HmacSha1),
            body_fields: None,
            defaults: Default::default(),
        };
        let version = header("x-acs-version").unwrap().to_owned();
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

        assert_eq!(request.method().as_str(), text(&vector["method"]), "{name}");
        assert_eq!(
            request.uri().path(),
            text(&vector["path"]),
            "{name}: the path"
        );
        let mut ours = acs_test_server::decode_query(request.uri().query().unwrap_or(""));
        ours.sort();
        let mut expected = official_query(vector);
        expected.sort();
        assert_eq!(ours, expected, "{name}: the query");
        assert_eq!(request.body().as_ref(), body.as_bytes(), "{name}: the body");
        let mut ours: Vec<(String, String)> = request
            .headers()
            .iter()
            .filter(|(name, _)| !NOT_COMPARED.contains(&name.as_str()))
            .map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_owned()))
            .collect();
        ours.sort();
        let mut expected: Vec<(String, String)> = official
            .iter()
            .filter(|(name, _)| !NOT_COMPARED.contains(&name.as_str()))
            .cloned()
            .collect();
        expected.sort();
        assert_eq!(
            ours, expected,
            "{name}: the headers, `authorization` included"
        );
        assert_eq!(
            request.headers().contains_key("authorization"),
            header("authorization").is_some(),
            "{name}"
        );
    }
}

/// An official request as it went on the wire.
#[derive(Clone)]
struct Wire {
    method: String,
    path: String,
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
        for (name, value) in official_headers(vector) {
            headers.insert(
                HeaderName::try_from(name).unwrap(),
                HeaderValue::try_from(value).unwrap(),
            );
        }
        Wire {
            method: text(&vector["method"]).to_owned(),
            path: text(&vector["path"]).to_owned(),
            query,
            headers,
            body: text(&vector["body"]).as_bytes().to_vec(),
        }
    }

    fn verify(&self) -> Result<(), VerifyError> {
        verify_gateway(
            Gateway::RoaV2,
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

#[test]
fn the_server_accepts_the_official_signed_requests_and_refuses_them_tampered_with() {
    let file = vectors();
    let mut signed = 0;
    for vector in file["vectors"].as_array().unwrap() {
        let name = text(&vector["name"]);
        if vector["anonymous"].as_bool().unwrap() {
            continue;
        }
        signed += 1;
        let wire = Wire::of(vector);
        wire.verify()
            .unwrap_or_else(|error| panic!("{name}: {error:?}"));

        let mut date = wire.clone();
        date.headers.insert(
            "date",
            HeaderValue::from_static("Wed, 01 May 2024 08:30:01 GMT"),
        );
        assert!(
            matches!(date.verify(), Err(VerifyError::SignatureMismatch { .. })),
            "{name}: the date altered"
        );
        let mut nonce = wire.clone();
        nonce
            .headers
            .insert("x-acs-signature-nonce", HeaderValue::from_static("other"));
        assert!(
            matches!(nonce.verify(), Err(VerifyError::SignatureMismatch { .. })),
            "{name}: the nonce altered"
        );
        let mut query = wire.clone();
        query.query.push_str("&added=1");
        assert!(
            matches!(query.verify(), Err(VerifyError::SignatureMismatch { .. })),
            "{name}: the query altered"
        );
        let mut path = wire.clone();
        path.path.push('x');
        assert!(
            matches!(path.verify(), Err(VerifyError::SignatureMismatch { .. })),
            "{name}: the path altered"
        );
    }
    assert_eq!(signed, 2, "the signed vectors");
}
