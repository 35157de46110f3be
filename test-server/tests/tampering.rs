//! A request the runtime's client signed is accepted, by the server over HTTP and by the mock
//! client in process; every way of tampering with it is refused, with the error Alibaba Cloud
//! gives for it: a header that must be signed left out of the signature (signed again
//! without it), a signed header, the body or the query altered after signing, the request sent
//! again with its nonce, and a request dated 20 minutes from the server's clock.

use std::time::{Duration, SystemTime};

use acs_runtime::http::HttpClient;
use acs_runtime::sign::{self, SigningRequest};
use acs_runtime::{CallSpec, Client, Config, Credentials, Method, RequestParams, Service};
use acs_test_server::{
    DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, MockHttpClient, Reply, TestServer,
    decode_query,
};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

static OOS: Service = Service {
    product: "oos",
    api_version: "2019-06-01",
    endpoint_rule: "oos.{region}.aliyuncs.com",
    auth: acs_runtime::AuthScheme::Acs3HmacSha256,
    protocol: "https",
    regional_endpoints: &[],
    sdk_name: "test",
    sdk_version: "0",
};

const ACTION: &str = "UpdateTemplate";

fn credentials() -> Credentials {
    Credentials::new(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, "test")
        .with_security_token("sts-token")
}

/// A request as it goes on the wire, `host` included, and the headers its signature covers.
#[derive(Clone, Debug)]
struct Wire {
    method: http::Method,
    /// `scheme://authority`.
    origin: String,
    path: String,
    /// The query string as sent.
    query: String,
    /// Names lower-cased, in the order sent.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    signed: Vec<String>,
}

impl Wire {
    /// What the runtime's client sends to `endpoint` for a call signed at `at`: parameters in
    /// the query and a form, a header parameter of the call (`x-acs-custom`) and a security
    /// token, so that every kind of header that must be signed is there.
    fn signed_by_the_client(endpoint: &str, at: SystemTime) -> Self {
        let config = Config::builder()
            .endpoint(endpoint)
            .credentials(credentials())
            .build()
            .unwrap();
        let mut params = RequestParams::default();
        params.query.insert("TemplateName", "a b/c*~");
        params.form.insert("Content", r#"{"k":"中文"}"#);
        params.headers.insert("x-acs-custom", "custom");
        let call = CallSpec {
            action: ACTION,
            method: Method::Post,
            path: "/",
            idempotency_token: None,
            read_only: false,
            anonymous: false,
            auth: None,
            body_fields: None,
            defaults: Default::default(),
        };
        let nonce = acs_runtime::nonce::next(at);
        let request = Client::new(&OOS, config)
            .prepare(call, &params, &credentials(), at, &nonce)
            .unwrap()
            .request;
        let uri = request.uri();
        let authority = uri.authority().unwrap().to_string();
        let mut headers = vec![("host".to_owned(), authority.clone())];
        headers.extend(
            request
                .headers()
                .iter()
                .map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_owned())),
        );
        let mut wire = Wire {
            method: request.method().clone(),
            origin: format!("{}://{authority}", uri.scheme_str().unwrap()),
            path: uri.path().to_owned(),
            query: uri.query().unwrap_or("").to_owned(),
            headers,
            body: request.body().to_vec(),
            signed: Vec::new(),
        };
        wire.signed = wire
            .header("authorization")
            .split_once("SignedHeaders=")
            .and_then(|(_, rest)| rest.split(',').next())
            .unwrap()
            .split(';')
            .map(str::to_owned)
            .collect();
        wire
    }

    fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(header, _)| header == name)
            .map(|(_, value)| value.as_str())
            .unwrap_or_else(|| panic!("no header {name}"))
    }

    fn set_header(&mut self, name: &str, value: &str) {
        for (header, old) in &mut self.headers {
            if header == name {
                *old = value.to_owned();
            }
        }
    }

    /// Signs again over the headers in `signed`, as a client that signs only those would.
    fn sign_again(&mut self) {
        let pairs = decode_query(&self.query);
        let query: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(key, value)| (key.as_str(), value.as_str()))
            .collect();
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .filter(|(name, _)| self.signed.contains(name))
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        let signature = sign::sign(
            &SigningRequest {
                method: self.method.as_str(),
                path: &self.path,
                query: &query,
                headers: &headers,
                body: &self.body,
            },
            DEFAULT_ACCESS_KEY_ID,
            DEFAULT_ACCESS_KEY_SECRET,
        );
        self.set_header("authorization", &signature.authorization);
    }

    fn to_http(&self) -> http::Request<Bytes> {
        let mut request = http::Request::builder()
            .method(self.method.clone())
            .uri(format!("{}{}?{}", self.origin, self.path, self.query));
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        request.body(Bytes::from(self.body.clone())).unwrap()
    }
}

/// How a request was answered.
#[derive(Debug)]
struct Answer {
    status: u16,
    code: String,
    message: String,
}

/// The server over HTTP, or the mock client in process: each must refuse what the other does.
enum Target {
    Server(TestServer, HyperClient<HttpConnector, Full<Bytes>>),
    Mock(MockHttpClient),
}

impl Target {
    async fn both() -> [Target; 2] {
        let server = TestServer::start().await.unwrap();
        server.set_default(ACTION, Reply::json(200, r#"{"RequestId":"accepted"}"#));
        let mock = MockHttpClient::new();
        mock.set_default(ACTION, Reply::json(200, r#"{"RequestId":"accepted"}"#));
        let client = HyperClient::builder(TokioExecutor::new()).build_http();
        [Target::Server(server, client), Target::Mock(mock)]
    }

    fn name(&self) -> &'static str {
        match self {
            Target::Server(..) => "server",
            Target::Mock(_) => "mock",
        }
    }

    fn endpoint(&self) -> String {
        match self {
            Target::Server(server, _) => server.endpoint(),
            Target::Mock(_) => "https://oos.cn-hangzhou.aliyuncs.com".to_owned(),
        }
    }

    /// A request the client signed now, for this target.
    fn signed_request(&self) -> Wire {
        Wire::signed_by_the_client(&self.endpoint(), SystemTime::now())
    }

    async fn send(&self, wire: &Wire) -> Answer {
        let (status, body) = match self {
            Target::Server(_, client) => {
                let (parts, body) = wire.to_http().into_parts();
                let response = client
                    .request(http::Request::from_parts(parts, Full::new(body)))
                    .await
                    .unwrap();
                let status = response.status().as_u16();
                (
                    status,
                    response.into_body().collect().await.unwrap().to_bytes(),
                )
            }
            Target::Mock(mock) => {
                let response = mock.send(wire.to_http()).await.unwrap();
                (response.status().as_u16(), response.into_body())
            }
        };
        let body: Value = serde_json::from_slice(&body).unwrap();
        Answer {
            status,
            code: body["Code"].as_str().unwrap_or("").to_owned(),
            message: body["Message"].as_str().unwrap_or("").to_owned(),
        }
    }

    /// Whether the last request was recorded as accepted.
    fn last_accepted(&self) -> bool {
        let requests = match self {
            Target::Server(server, _) => server.requests(),
            Target::Mock(mock) => mock.requests(),
        };
        requests.last().unwrap().signature_verified
    }

    /// Sends `wire` and checks that it is refused with `status` and `code`, with a message
    /// that holds `naming`.
    async fn assert_refused(&self, wire: &Wire, status: u16, code: &str, naming: &str, case: &str) {
        let answer = self.send(wire).await;
        let target = self.name();
        assert_eq!(
            (answer.status, answer.code.as_str()),
            (status, code),
            "{target}, {case}: {answer:?}"
        );
        assert!(
            answer.message.contains(naming),
            "{target}, {case}: the message does not name {naming:?}: {}",
            answer.message
        );
        assert!(
            !self.last_accepted(),
            "{target}, {case}: recorded as accepted"
        );
    }
}

#[tokio::test]
async fn the_untampered_request_is_accepted() {
    for target in Target::both().await {
        let wire = target.signed_request();
        let answer = target.send(&wire).await;
        assert_eq!(answer.status, 200, "{}: {answer:?}", target.name());
        assert!(target.last_accepted());
        // It holds every kind of header that must be signed, each signed.
        for name in [
            "host",
            "x-acs-action",
            "x-acs-version",
            "x-acs-date",
            "x-acs-signature-nonce",
            "x-acs-content-sha256",
            "x-acs-security-token",
            "x-acs-custom",
            "content-type",
        ] {
            assert!(wire.signed.iter().any(|signed| signed == name), "{name}");
        }
    }
}

#[tokio::test]
async fn a_header_that_must_be_signed_left_out_of_the_signature_is_refused_by_name() {
    for target in Target::both().await {
        let correct = target.signed_request();
        for name in [
            "host",
            "x-acs-action",
            "x-acs-version",
            "x-acs-date",
            "x-acs-signature-nonce",
            "x-acs-content-sha256",
            "x-acs-security-token",
            "x-acs-custom",
            "content-type",
        ] {
            let mut wire = correct.clone();
            wire.signed.retain(|signed| signed != name);
            wire.sign_again();
            target
                .assert_refused(
                    &wire,
                    400,
                    "IncompleteSignature",
                    &format!("SignedHeaders leaves out {name}:"),
                    &format!("{name} not signed"),
                )
                .await;
        }
        // What may go unsigned: `accept`, and `user-agent`, which the official SDKs sign.
        let mut wire = correct.clone();
        wire.signed.retain(|signed| signed != "accept");
        wire.sign_again();
        assert_eq!(target.send(&wire).await.status, 200, "{}", target.name());
    }
}

#[tokio::test]
async fn a_signed_header_altered_after_signing_is_refused() {
    for target in Target::both().await {
        let correct = target.signed_request();
        for name in correct.signed.clone() {
            let mut wire = correct.clone();
            let altered = match name.as_str() {
                "x-acs-date" => "2099-01-01T00:00:00Z".to_owned(),
                _ => format!("{}0", wire.header(&name)),
            };
            wire.set_header(&name, &altered);
            target
                .assert_refused(
                    &wire,
                    400,
                    "SignatureDoesNotMatch",
                    "",
                    &format!("{name} altered"),
                )
                .await;
        }
    }
}

#[tokio::test]
async fn an_altered_body_is_refused_with_or_without_a_new_hash() {
    for target in Target::both().await {
        let mut wire = target.signed_request();
        wire.body.extend_from_slice(b"&Extra=1");
        target
            .assert_refused(
                &wire,
                400,
                "SignatureDoesNotMatch",
                "x-acs-content-sha256",
                "body altered",
            )
            .await;
        let hash = sign::hex_sha256(&wire.body).into_owned();
        wire.set_header("x-acs-content-sha256", &hash);
        target
            .assert_refused(
                &wire,
                400,
                "SignatureDoesNotMatch",
                "server string to sign",
                "body and hash altered",
            )
            .await;
    }
}

#[tokio::test]
async fn an_altered_query_is_refused() {
    for target in Target::both().await {
        let correct = target.signed_request();
        let altered = [
            correct.query.replace("TemplateName=a", "TemplateName=b"),
            format!("{}&Added=1", correct.query),
            String::new(),
        ];
        for query in altered {
            let mut wire = correct.clone();
            wire.query = query;
            target
                .assert_refused(
                    &wire,
                    400,
                    "SignatureDoesNotMatch",
                    "server string to sign",
                    &format!("query {:?}", wire.query),
                )
                .await;
        }
    }
}

#[tokio::test]
async fn a_request_sent_again_with_its_nonce_is_refused() {
    for target in Target::both().await {
        let wire = target.signed_request();
        assert_eq!(target.send(&wire).await.status, 200, "{}", target.name());
        target
            .assert_refused(
                &wire,
                400,
                "SignatureNonceUsed",
                wire.header("x-acs-signature-nonce"),
                "replayed",
            )
            .await;
    }
}

#[tokio::test]
async fn a_request_dated_twenty_minutes_off_is_refused() {
    let twenty_minutes = Duration::from_secs(20 * 60);
    for target in Target::both().await {
        let now = SystemTime::now();
        for at in [now - twenty_minutes, now + twenty_minutes] {
            let wire = Wire::signed_by_the_client(&target.endpoint(), at);
            target
                .assert_refused(
                    &wire,
                    400,
                    "InvalidTimeStamp.Expired",
                    wire.header("x-acs-date"),
                    "dated 20 minutes off",
                )
                .await;
        }
    }
}

#[tokio::test]
async fn a_longer_date_window_accepts_an_older_request() {
    let server = TestServer::builder()
        .date_window(Duration::from_secs(3600))
        .start()
        .await
        .unwrap();
    server.set_default(ACTION, Reply::json(200, "{}"));
    let mock = TestServer::builder()
        .date_window(Duration::from_secs(3600))
        .mock();
    mock.set_default(ACTION, Reply::json(200, "{}"));
    let client = HyperClient::builder(TokioExecutor::new()).build_http();
    for target in [Target::Server(server, client), Target::Mock(mock)] {
        let at = SystemTime::now() - Duration::from_secs(20 * 60);
        let wire = Wire::signed_by_the_client(&target.endpoint(), at);
        assert_eq!(target.send(&wire).await.status, 200, "{}", target.name());
    }
}
