//! Requests the official SLS and PDS gateways signed at a pinned date and nonce
//! (`tests/fixtures/official/gateways/`, made by its `record.py`): a client of each scheme,
//! given the same call, must send the same headers, `Authorization` included, byte for byte.

mod support;

use acs_runtime::auth::{roa_v2, sls};
use acs_runtime::{
    AuthScheme, CallSpec, Client, Config, Credentials, Method, RequestParams, Service,
};
use serde::Deserialize;
use serde_json::Value;
use support::{Recorded, SLS, headers_sent, pinned_date};

#[derive(Deserialize)]
struct VectorFile {
    nonce: String,
    access_key_id: String,
    access_key_secret: String,
    vectors: Vec<Vector>,
}

#[derive(Deserialize)]
struct Vector {
    name: String,
    scheme: String,
    security_token: Option<String>,
    #[serde(flatten)]
    sent: Recorded,
    /// The path as the official SDK's HTTP client sends it: `sent.path`, which the gateway
    /// signs, with what a URL cannot carry percent-encoded.
    wire_path: String,
    body: String,
}

static PDS: Service = Service {
    product: "pds",
    api_version: "2022-03-01",
    endpoint_rule: "{region}.admin.aliyunpds.com",
    auth: AuthScheme::PdsAcsHmacSha1,
    protocol: "https",
    regional_endpoints: &[],
    sdk_name: "test",
    sdk_version: "0",
};

fn vectors() -> VectorFile {
    serde_json::from_str(include_str!(
        "../../tests/fixtures/official/gateways/vectors.json"
    ))
    .expect("fixture parses")
}

fn text(value: &Value) -> &str {
    value.as_str().expect("recorded values are text")
}

/// The action of a PDS vector, which the request names in `x-acs-action`; SLS sends none.
fn action(vector: &Vector) -> &str {
    vector.sent.headers.get("x-acs-action").map_or("Sls", text)
}

#[test]
fn the_official_strings_to_sign_give_the_official_authorization() {
    let file = vectors();
    for vector in &file.vectors {
        let sent = &vector.sent;
        let query: Vec<(&str, &str)> = sent
            .query
            .iter()
            .map(|(k, v)| (k.as_str(), text(v)))
            .collect();
        let headers: Vec<(&str, &str)> = sent
            .headers
            .iter()
            .filter(|(name, _)| !name.eq_ignore_ascii_case("authorization"))
            .map(|(name, value)| (name.as_str(), text(value)))
            .collect();
        let recorded = sent
            .headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("authorization"))
            .map(|(_, value)| text(value))
            .unwrap();
        let authorization = match vector.scheme.as_str() {
            "sls" => sls::authorization(
                &file.access_key_id,
                &file.access_key_secret,
                &sls::string_to_sign(&sent.method, &sent.path, &query, &headers),
            ),
            _ => roa_v2::authorization(
                &file.access_key_id,
                &file.access_key_secret,
                &roa_v2::string_to_sign(&sent.method, &sent.path, &query, &headers),
            ),
        };
        assert_eq!(authorization, recorded, "{}", vector.name);
    }
}

#[test]
fn a_client_of_each_gateway_scheme_sends_the_official_request() {
    let file = vectors();
    let at = pinned_date();
    let mut schemes_checked = std::collections::BTreeSet::new();
    for vector in &file.vectors {
        let (service, host_suffix) = match vector.scheme.as_str() {
            "sls" => (&SLS, "cn-hangzhou.log.aliyuncs.com"),
            _ => (&PDS, "cn-hangzhou.admin.aliyunpds.com"),
        };
        let client = Client::new(
            service,
            Config::builder()
                .region("cn-hangzhou")
                .credentials(Credentials::new("unused", "unused", "test"))
                .build()
                .unwrap(),
        );
        let mut params = RequestParams::default();
        let host = vector.sent.header("host");
        if let Some(project) = host
            .strip_suffix(host_suffix)
            .and_then(|p| p.strip_suffix('.'))
        {
            params.host.insert("project", project);
        }
        for (key, value) in &vector.sent.query {
            params.query.insert(key.clone(), text(value));
        }
        params
            .headers
            .insert("user-agent", vector.sent.header("user-agent"));
        if !vector.body.is_empty() {
            params.put_text_body(&vector.body);
        }
        let credentials = Credentials::new(&file.access_key_id, &file.access_key_secret, "vector");
        let credentials = match &vector.security_token {
            Some(token) => credentials.with_security_token(token),
            None => credentials,
        };
        let method = match vector.sent.method.as_str() {
            "GET" => Method::Get,
            _ => Method::Post,
        };
        let call = CallSpec {
            action: action(vector),
            method,
            path: &vector.sent.path,
            idempotency_token: None,
            read_only: false,
            anonymous: false,
            auth: None,
            body_fields: None,
            defaults: Default::default(),
        };
        let signed = client
            .prepare(call, &params, &credentials, at, &file.nonce)
            .unwrap();
        let request = &signed.request;
        assert_eq!(request.uri().host(), Some(host), "{}", vector.name);
        assert_eq!(request.uri().path(), vector.wire_path, "{}", vector.name);
        assert_eq!(
            request.body().as_ref(),
            vector.body.as_bytes(),
            "{}",
            vector.name
        );
        assert_eq!(
            headers_sent(request),
            vector.sent.headers_but_host(),
            "{}",
            vector.name
        );
        schemes_checked.insert(vector.scheme.as_str());
    }
    assert_eq!(
        schemes_checked,
        std::collections::BTreeSet::from(["pds", "sls"]),
        "a vector of each gateway is checked"
    );
}
