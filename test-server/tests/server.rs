//! The test server end to end, through hyper-util's client and through hand-written HTTP/1.1
//! over TCP.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use acs_runtime::sign::{self, SigningRequest};
use acs_test_server::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Reply, TestServer};
use bytes::Bytes;
use http::{Method, Request, Response};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A plain HTTP client, independent of the runtime's own, with kept-alive connections.
type HttpClient = Client<HttpConnector, Full<Bytes>>;

fn client() -> HttpClient {
    Client::builder(TokioExecutor::new()).build_http()
}

/// A request without a body.
fn empty(method: Method, url: &str) -> Request<Full<Bytes>> {
    Request::builder()
        .method(method)
        .uri(url)
        .body(Full::default())
        .expect("a valid request")
}

async fn body_of(response: Response<Incoming>) -> Result<Bytes, hyper::Error> {
    Ok(response.into_body().collect().await?.to_bytes())
}

async fn text_of(response: Response<Incoming>) -> String {
    String::from_utf8(body_of(response).await.expect("body").to_vec()).expect("a text body")
}

/// A signed RPC call as a client would make it: parameters in the query, the action in a header.
/// Each time it is signed, it is dated now with a nonce of its own, as a client signs every
/// request it sends.
struct Call<'a> {
    action: &'a str,
    params: &'a [(&'a str, &'a str)],
    access_key_id: &'a str,
    secret: &'a str,
}

/// `x-acs-date` for now: UTC to the second.
fn date_now() -> String {
    let now = time::OffsetDateTime::now_utc();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    )
}

/// A call signed once: the URL, the headers to send and the signature's string to sign.
struct Signed {
    url: String,
    headers: Vec<(String, String)>,
    string_to_sign: String,
}

impl Signed {
    fn request(&self) -> Request<Full<Bytes>> {
        let mut request = empty(Method::POST, &self.url);
        for (name, value) in &self.headers {
            request.headers_mut().insert(
                http::HeaderName::try_from(name).unwrap(),
                http::HeaderValue::try_from(value).unwrap(),
            );
        }
        request
    }
}

impl<'a> Call<'a> {
    fn new(action: &'a str, params: &'a [(&'a str, &'a str)]) -> Self {
        Self {
            action,
            params,
            access_key_id: DEFAULT_ACCESS_KEY_ID,
            secret: DEFAULT_ACCESS_KEY_SECRET,
        }
    }

    fn signed_by(self, access_key_id: &'a str, secret: &'a str) -> Self {
        Self {
            access_key_id,
            secret,
            ..self
        }
    }

    fn sign(&self, server: &TestServer) -> Signed {
        let mut headers = vec![
            ("host".to_owned(), server.address().to_string()),
            ("x-acs-action".to_owned(), self.action.to_owned()),
            ("x-acs-version".to_owned(), "2019-06-01".to_owned()),
            ("x-acs-date".to_owned(), date_now()),
            (
                "x-acs-signature-nonce".to_owned(),
                uuid::Uuid::new_v4().simple().to_string(),
            ),
            (
                "x-acs-content-sha256".to_owned(),
                sign::hex_sha256(b"").into_owned(),
            ),
        ];
        let header_refs: Vec<(&str, &str)> = headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let signature = sign::sign(
            &SigningRequest {
                method: "POST",
                path: "/",
                query: self.params,
                headers: &header_refs,
                body: b"",
            },
            self.access_key_id,
            self.secret,
        );
        let url = format!("{}/?{}", server.endpoint(), signature.canonical_query());
        headers.push(("authorization".to_owned(), signature.authorization));
        Signed {
            url,
            headers,
            string_to_sign: signature.string_to_sign,
        }
    }

    async fn send(
        &self,
        client: &HttpClient,
        server: &TestServer,
    ) -> Result<Response<Incoming>, hyper_util::client::legacy::Error> {
        client.request(self.sign(server).request()).await
    }
}

async fn json_body(response: Response<Incoming>) -> Value {
    serde_json::from_slice(&body_of(response).await.expect("body")).expect("JSON body")
}

#[tokio::test]
async fn a_signed_request_is_accepted_and_recorded() {
    let server = TestServer::start().await.unwrap();
    server.set_default(
        "ListTemplates",
        Reply::json(200, json!({"RequestId": "r-1", "Templates": []})),
    );
    let params = [
        ("RegionId", "cn-hangzhou"),
        ("TemplateName", "a b/c*~+中文"),
        ("Tags", r#"{"k":"v"}"#),
    ];

    let response = Call::new("ListTemplates", &params)
        .send(&client(), &server)
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/json;charset=utf-8"
    );
    assert_eq!(
        json_body(response).await,
        json!({"RequestId": "r-1", "Templates": []})
    );

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let recorded = &requests[0];
    assert!(recorded.signature_verified);
    assert_eq!(recorded.action.as_deref(), Some("ListTemplates"));
    assert_eq!(recorded.method, Method::POST);
    assert_eq!(recorded.path, "/");
    let expected_query: BTreeMap<String, String> = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    assert_eq!(recorded.query, expected_query);
    assert_eq!(recorded.headers["x-acs-version"], "2019-06-01");
    assert!(recorded.body.is_empty());
}

#[tokio::test]
async fn a_wrong_signature_gets_signature_does_not_match_with_the_string_to_sign() {
    let server = TestServer::start().await.unwrap();
    server.set_default("ListTemplates", Reply::json(200, json!({})));
    let call = Call::new("ListTemplates", &[("RegionId", "cn-hangzhou")])
        .signed_by(DEFAULT_ACCESS_KEY_ID, "wrong");
    let signed = call.sign(&server);

    let response = client().request(signed.request()).await.unwrap();
    assert_eq!(response.status(), 400);
    let body = json_body(response).await;
    assert_eq!(body["Code"], "SignatureDoesNotMatch");
    assert_eq!(
        body["Message"],
        format!(
            "Specified signature does not match our calculation. server string to sign is:{}",
            signed.string_to_sign
        )
    );
    for field in ["RequestId", "HostId", "Recommend"] {
        assert!(
            body[field].as_str().is_some_and(|text| !text.is_empty()),
            "{field}"
        );
    }
    let requests = server.requests();
    assert!(!requests[0].signature_verified);
    assert_eq!(requests[0].action.as_deref(), Some("ListTemplates"));
}

#[tokio::test]
async fn unknown_or_missing_access_keys_get_invalid_access_key_id() {
    let server = TestServer::start().await.unwrap();
    let client = client();
    let response = Call::new("ListTemplates", &[])
        .signed_by("LTAI-unknown", DEFAULT_ACCESS_KEY_SECRET)
        .send(&client, &server)
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(
        json_body(response).await["Code"],
        "InvalidAccessKeyId.NotFound"
    );

    let mut unsigned = empty(Method::POST, &server.endpoint());
    unsigned
        .headers_mut()
        .insert("x-acs-action", "ListTemplates".parse().unwrap());
    let unsigned = client.request(unsigned).await.unwrap();
    assert_eq!(unsigned.status(), 404);
    assert_eq!(
        json_body(unsigned).await["Code"],
        "InvalidAccessKeyId.NotFound"
    );
}

#[tokio::test]
async fn extra_credentials_are_accepted_next_to_the_default_ones() {
    let server = TestServer::builder()
        .with_credentials("STS.mine", "my-secret")
        .start()
        .await
        .unwrap();
    server.set_default("DescribeRegions", Reply::json(200, "{}"));
    let client = client();
    let mine = Call::new("DescribeRegions", &[]).signed_by("STS.mine", "my-secret");
    assert_eq!(mine.send(&client, &server).await.unwrap().status(), 200);
    let default = Call::new("DescribeRegions", &[]);
    assert_eq!(default.send(&client, &server).await.unwrap().status(), 200);
    assert!(
        server
            .requests()
            .iter()
            .all(|request| request.signature_verified)
    );
}

#[tokio::test]
async fn a_bounded_log_keeps_the_last_requests_and_counts_them_all() {
    let server = TestServer::builder()
        .keep_requests(2)
        .start()
        .await
        .unwrap();
    server.set_default("GetTemplate", Reply::json(200, "{}"));
    let client = client();
    for name in ["a", "b", "c", "d", "e"] {
        let params = [("TemplateName", name)];
        let call = Call::new("GetTemplate", &params);
        assert_eq!(call.send(&client, &server).await.unwrap().status(), 200);
    }
    let kept: Vec<_> = server
        .requests()
        .iter()
        .map(|request| request.query["TemplateName"].clone())
        .collect();
    assert_eq!(kept, ["d", "e"]);
    assert_eq!(server.request_count(), 5);

    let silent = TestServer::builder()
        .keep_requests(0)
        .start()
        .await
        .unwrap();
    silent.set_default("GetTemplate", Reply::json(200, "{}"));
    let call = Call::new("GetTemplate", &[("TemplateName", "a")]);
    assert_eq!(call.send(&client, &silent).await.unwrap().status(), 200);
    assert!(silent.requests().is_empty());
    assert_eq!(silent.request_count(), 1);
}

#[tokio::test]
async fn scripted_replies_come_in_order_then_the_default_then_not_found() {
    let server = TestServer::start().await.unwrap();
    server.enqueue("GetTemplate", Reply::json(200, json!({"N": 1})));
    server.enqueue(
        "GetTemplate",
        Reply::error(400, "EntityNotExists.Template", "no such template"),
    );
    server.enqueue("GetTemplate", Reply::json(200, json!({"N": 3})));
    let client = client();
    let call = Call::new("GetTemplate", &[("TemplateName", "t")]);

    let first = call.send(&client, &server).await.unwrap();
    assert_eq!(json_body(first).await, json!({"N": 1}));
    let second = call.send(&client, &server).await.unwrap();
    assert_eq!(second.status(), 400);
    let second_body = json_body(second).await;
    assert_eq!(second_body["Code"], "EntityNotExists.Template");
    assert_eq!(second_body["Message"], "no such template");
    assert_eq!(
        json_body(call.send(&client, &server).await.unwrap()).await,
        json!({"N": 3})
    );

    let exhausted = call.send(&client, &server).await.unwrap();
    assert_eq!(exhausted.status(), 404);
    assert_eq!(json_body(exhausted).await["Code"], "InvalidAction.NotFound");

    server.set_default("GetTemplate", Reply::json(200, json!({"N": "default"})));
    server.enqueue("GetTemplate", Reply::json(200, json!({"N": 4})));
    assert_eq!(
        json_body(call.send(&client, &server).await.unwrap()).await,
        json!({"N": 4})
    );
    for _ in 0..2 {
        let reply = json_body(call.send(&client, &server).await.unwrap()).await;
        assert_eq!(reply, json!({"N": "default"}));
    }
    assert_eq!(server.requests().len(), 7);
    assert_eq!(server.request_count(), 7);
}

#[tokio::test]
async fn error_replies_get_a_fresh_request_id_each_time() {
    let server = TestServer::start().await.unwrap();
    server.set_default("ListTemplates", Reply::service_unavailable());
    let client = client();
    let call = Call::new("ListTemplates", &[]);
    let mut request_ids = Vec::new();
    for _ in 0..2 {
        let response = call.send(&client, &server).await.unwrap();
        assert_eq!(response.status(), 503);
        let header_id = response.headers()["x-acs-request-id"]
            .to_str()
            .unwrap()
            .to_owned();
        let body = json_body(response).await;
        assert_eq!(body["Code"], "ServiceUnavailable");
        assert_eq!(body["RequestId"], header_id);
        assert_eq!(body["HostId"], server.address().to_string());
        request_ids.push(header_id);
    }
    assert_ne!(request_ids[0], request_ids[1]);
}

#[tokio::test]
async fn unsigned_routes_answer_by_method_and_path_in_order() {
    let server = TestServer::start().await.unwrap();
    let path = "/latest/meta-data/ram/security-credentials/";
    server.enqueue_route(Method::GET, path, Reply::text(200, "first-role"));
    server.route(Method::GET, path, Reply::text(200, "my-role"));
    server.route(
        Method::PUT,
        "/latest/api/token",
        Reply::text(200, "token-1"),
    );
    let client = client();
    let url = format!("{}{path}", server.endpoint());

    let get = |url: &str| client.request(empty(Method::GET, url));

    assert_eq!(text_of(get(&url).await.unwrap()).await, "first-role");
    let second = get(&url).await.unwrap();
    assert_eq!(second.headers()["content-type"], "text/plain;charset=utf-8");
    assert_eq!(text_of(second).await, "my-role");
    let token_url = format!("{}/latest/api/token", server.endpoint());
    let token = client
        .request(empty(Method::PUT, &token_url))
        .await
        .unwrap();
    assert_eq!(text_of(token).await, "token-1");

    server.enqueue_route(Method::GET, "/once", Reply::text(200, "once"));
    let once_url = format!("{}/once", server.endpoint());
    assert_eq!(get(&once_url).await.unwrap().status(), 200);
    let exhausted = get(&once_url).await.unwrap();
    assert_eq!(exhausted.status(), 404);

    let requests = server.requests();
    assert_eq!(requests.len(), 5);
    assert!(
        requests
            .iter()
            .all(|request| !request.signature_verified && request.action.is_none())
    );
    assert_eq!(requests[2].method, Method::PUT);
}

#[tokio::test]
async fn delayed_replies_wait_and_clients_can_time_out() {
    let server = TestServer::start().await.unwrap();
    server.enqueue(
        "ListTemplates",
        Reply::json(200, json!({})).delayed(Duration::from_millis(300)),
    );
    server.enqueue(
        "ListTemplates",
        Reply::json(200, json!({})).delayed(Duration::from_secs(5)),
    );
    let client = client();
    let call = Call::new("ListTemplates", &[]);

    let started = Instant::now();
    assert_eq!(call.send(&client, &server).await.unwrap().status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(300));

    let timed_out =
        tokio::time::timeout(Duration::from_millis(100), call.send(&client, &server)).await;
    assert!(timed_out.is_err(), "answered within 100 ms");
}

/// Writes `request` on a new connection and reads until the server closes it.
async fn raw_exchange(address: SocketAddr, request: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut response = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), async {
        let mut buffer = [0u8; 4096];
        // A reset after the last bytes ends the response as well as an orderly close.
        while let Ok(count @ 1..) = stream.read(&mut buffer).await {
            response.extend_from_slice(&buffer[..count]);
        }
    });
    read.await.expect("the server closes the connection");
    response
}

fn raw_request(call: &Call<'_>, server: &TestServer, extra_headers: &str) -> Vec<u8> {
    let Signed { url, headers, .. } = call.sign(server);
    let target = url.strip_prefix(&server.endpoint()).expect("same endpoint");
    let mut text = format!("POST {target} HTTP/1.1\r\n");
    for (name, value) in headers {
        text += &format!("{name}: {value}\r\n");
    }
    text += &format!("content-length: 0\r\n{extra_headers}\r\n");
    text.into_bytes()
}

struct RawResponse {
    head: String,
    body: Vec<u8>,
}

impl RawResponse {
    fn parse(bytes: &[u8]) -> Self {
        let split = bytes
            .windows(4)
            .position(|window| window == b"\r\n\r\n")
            .expect("a response head");
        Self {
            head: String::from_utf8(bytes[..split].to_vec())
                .expect("ASCII head")
                .to_lowercase(),
            body: bytes[split + 4..].to_vec(),
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| {
            let (header, value) = line.split_once(':')?;
            (header == name).then(|| value.trim())
        })
    }
}

#[tokio::test]
async fn a_dropped_connection_sends_nothing() {
    let server = TestServer::start().await.unwrap();
    server.enqueue("ListTemplates", Reply::drop_connection());
    let call = Call::new("ListTemplates", &[]);

    let response = raw_exchange(server.address(), &raw_request(&call, &server, "")).await;
    assert!(
        response.is_empty(),
        "{}",
        String::from_utf8_lossy(&response)
    );

    server.enqueue(
        "ListTemplates",
        Reply::drop_connection().delayed(Duration::from_millis(50)),
    );
    let error = call.send(&client(), &server).await.unwrap_err();
    assert!(
        !error.is_connect(),
        "connected, then lost the connection: {error}"
    );
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_truncated_body_declares_more_than_it_sends_then_closes() {
    let server = TestServer::start().await.unwrap();
    server.enqueue("ListTemplates", Reply::truncated_body());
    let call = Call::new("ListTemplates", &[]);

    let response =
        RawResponse::parse(&raw_exchange(server.address(), &raw_request(&call, &server, "")).await);
    assert!(
        response.head.starts_with("http/1.1 200"),
        "{}",
        response.head
    );
    let declared: usize = response.header("content-length").unwrap().parse().unwrap();
    assert!(!response.body.is_empty());
    assert!(
        response.body.len() < declared,
        "{} of {declared}",
        response.body.len()
    );
    assert!(response.body.starts_with(b"{\"RequestId\""));

    server.enqueue("ListTemplates", Reply::truncated_body());
    let through_a_client = call.send(&client(), &server).await.unwrap();
    assert_eq!(through_a_client.status(), 200);
    assert!(body_of(through_a_client).await.is_err());
}

#[tokio::test]
async fn xml_errors_have_the_service_shape() {
    let server = TestServer::start().await.unwrap();
    server.enqueue(
        "ListTemplates",
        Reply::xml_error(403, "Forbidden.RAM", "User <x> & 'y' not authorized"),
    );
    let response = call_once(&server).await;
    assert_eq!(response.status(), 403);
    assert_eq!(response.headers()["content-type"], "text/xml;charset=utf-8");
    let request_id = response.headers()["x-acs-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let body = text_of(response).await;
    assert_eq!(
        body,
        format!(
            "<?xml version='1.0' encoding='UTF-8'?><Error><RequestId>{request_id}</RequestId>\
             <HostId>{}</HostId><Code>Forbidden.RAM</Code>\
             <Message>User &lt;x&gt; &amp; &apos;y&apos; not authorized</Message></Error>",
            server.address()
        )
    );
}

async fn call_once(server: &TestServer) -> Response<Incoming> {
    Call::new("ListTemplates", &[])
        .send(&client(), server)
        .await
        .unwrap()
}

#[tokio::test]
async fn throttling_carries_retry_after_in_milliseconds_when_given() {
    let server = TestServer::start().await.unwrap();
    server.enqueue(
        "ListTemplates",
        Reply::throttled(Some(Duration::from_millis(1500))),
    );
    server.enqueue("ListTemplates", Reply::throttled(None));

    let with_delay = call_once(&server).await;
    assert_eq!(with_delay.status(), 400);
    assert_eq!(with_delay.headers()["x-acs-retry-after"], "1500");
    assert_eq!(json_body(with_delay).await["Code"], "Throttling.User");

    let without = call_once(&server).await;
    assert_eq!(without.status(), 400);
    assert!(without.headers().get("x-acs-retry-after").is_none());
    assert_eq!(json_body(without).await["Code"], "Throttling.User");
}

#[tokio::test]
async fn malformed_and_oversized_bodies() {
    let server = TestServer::start().await.unwrap();
    server.enqueue("ListTemplates", Reply::malformed_json());
    server.enqueue("ListTemplates", Reply::oversized(3 * 1024 * 1024 + 7));

    let malformed = call_once(&server).await;
    assert_eq!(malformed.status(), 200);
    let bytes = body_of(malformed).await.unwrap();
    assert!(!bytes.is_empty());
    assert!(serde_json::from_slice::<Value>(&bytes).is_err());

    let oversized = call_once(&server).await;
    assert_eq!(oversized.status(), 200);
    assert_eq!(oversized.headers()["content-length"], "3145735");
    assert_eq!(body_of(oversized).await.unwrap().len(), 3 * 1024 * 1024 + 7);

    server.enqueue("ListTemplates", Reply::oversized_chunked(200_003));
    let chunked = call_once(&server).await;
    assert!(chunked.headers().get("content-length").is_none());
    assert_eq!(chunked.headers()["transfer-encoding"], "chunked");
    assert_eq!(body_of(chunked).await.unwrap().len(), 200_003);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_concurrent_calls_over_kept_alive_connections() {
    let server = TestServer::start().await.unwrap();
    server.set_default("DescribeRegions", Reply::json(200, json!({"Regions": []})));
    let client = client();
    let calls = (0..64).map(|index| {
        let client = client.clone();
        let server = &server;
        async move {
            let value = index.to_string();
            let params = [("Index", value.as_str())];
            let response = Call::new("DescribeRegions", &params)
                .send(&client, server)
                .await
                .unwrap();
            response.status()
        }
    });
    let statuses = futures_util::future::join_all(calls).await;
    assert!(statuses.iter().all(|status| *status == 200));
    let requests = server.requests();
    assert_eq!(requests.len(), 64);
    assert!(requests.iter().all(|request| request.signature_verified));
    let mut indexes: Vec<usize> = requests
        .iter()
        .map(|request| request.query["Index"].parse().unwrap())
        .collect();
    indexes.sort_unstable();
    assert_eq!(indexes, (0..64).collect::<Vec<_>>());
}

#[tokio::test]
async fn one_connection_serves_several_requests() {
    let server = TestServer::start().await.unwrap();
    server.set_default("DescribeRegions", Reply::json(200, "{\"Ok\":true}"));
    let call = Call::new("DescribeRegions", &[]);
    let mut stream = TcpStream::connect(server.address()).await.unwrap();
    for _ in 0..3 {
        stream
            .write_all(&raw_request(&call, &server, ""))
            .await
            .unwrap();
        let mut received = Vec::new();
        let mut buffer = [0u8; 1024];
        // Until the reply's end, or, should the request be refused, until the wait runs out.
        let reply = tokio::time::timeout(Duration::from_secs(5), async {
            while !received.ends_with(b"{\"Ok\":true}") {
                let count = stream.read(&mut buffer).await.unwrap();
                assert!(count > 0, "the server closed a kept-alive connection");
                received.extend_from_slice(&buffer[..count]);
            }
        });
        let ended = reply.await;
        let received = String::from_utf8_lossy(&received);
        assert!(
            ended.is_ok() && received.starts_with("HTTP/1.1 200"),
            "{received}"
        );
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    let local = stream.local_addr().unwrap();
    assert!(
        requests
            .iter()
            .all(|request| request.client_address == local)
    );
}

#[tokio::test]
async fn requests_on_separate_connections_have_separate_client_addresses() {
    let server = TestServer::start().await.unwrap();
    server.set_default("DescribeRegions", Reply::json(200, "{}"));
    for _ in 0..2 {
        let call = Call::new("DescribeRegions", &[]);
        let request = raw_request(&call, &server, "connection: close\r\n");
        let received = raw_exchange(server.address(), &request).await;
        assert!(received.starts_with(b"HTTP/1.1 200"));
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_ne!(requests[0].client_address, requests[1].client_address);
    assert!(
        requests
            .iter()
            .all(|request| request.client_address.ip().is_loopback())
    );
}

#[tokio::test]
async fn dropping_the_server_closes_its_listener_and_connections() {
    let server = TestServer::start().await.unwrap();
    server.set_default("DescribeRegions", Reply::json(200, "{}"));
    let address = server.address();
    let mut open = TcpStream::connect(address).await.unwrap();
    open.write_all(&raw_request(
        &Call::new("DescribeRegions", &[]),
        &server,
        "",
    ))
    .await
    .unwrap();
    let mut buffer = [0u8; 1024];
    assert!(open.read(&mut buffer).await.unwrap() > 0);

    drop(server);
    let closed = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match open.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
    });
    closed.await.expect("the kept-alive connection is closed");
    assert!(TcpStream::connect(address).await.is_err());
}

#[derive(serde::Deserialize)]
struct VectorFile {
    vectors: Vec<Value>,
}

fn wire_encoded(text: &str) -> String {
    let mut out = String::new();
    sign::percent_encode_into(&mut out, text);
    out
}

/// Each shared vector, sent byte for byte with its own headers and its official signature.
/// The vectors share one nonce, so each goes to a server of its own: to one server, all but
/// the first would be replays.
#[tokio::test]
async fn the_server_verifies_every_shared_vector() {
    let file: VectorFile =
        serde_json::from_str(include_str!("fixtures/acs3-hmac-sha256.json")).unwrap();
    assert!(!file.vectors.is_empty(), "the fixture holds vectors");
    for vector in &file.vectors {
        let server = TestServer::builder()
            .with_credentials("AKIDEXAMPLE", "SECRETEXAMPLE")
            .with_credentials("STS.AKIDEXAMPLE", "STSSECRETEXAMPLE")
            // The vectors were signed at a fixed date, years ago.
            .date_window(Duration::MAX)
            .start()
            .await
            .unwrap();
        let query: Vec<String> = vector["query"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(key, value)| {
                format!(
                    "{}={}",
                    wire_encoded(key),
                    wire_encoded(value.as_str().unwrap())
                )
            })
            .collect();
        let method = vector["method"].as_str().unwrap();
        let body = vector["body"].as_str().unwrap();
        let mut request = format!(
            "{method} {}?{} HTTP/1.1\r\n",
            vector["pathname"].as_str().unwrap(),
            query.join("&")
        );
        for (name, value) in vector["headers"].as_object().unwrap() {
            request += &format!("{name}: {}\r\n", value.as_str().unwrap());
        }
        request += &format!(
            "Authorization: {}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            vector["expected"]["authorization"].as_str().unwrap(),
            body.len()
        );
        let response =
            RawResponse::parse(&raw_exchange(server.address(), request.as_bytes()).await);
        assert!(
            response.head.starts_with("http/1.1 404"),
            "{}: {}\n{}",
            vector["name"],
            response.head,
            String::from_utf8_lossy(&response.body)
        );
        let error: Value = serde_json::from_slice(&response.body).unwrap();
        assert_eq!(
            error["Code"], "InvalidAction.NotFound",
            "{}",
            vector["name"]
        );
        let requests = server.requests();
        assert_eq!(requests.len(), 1);
        assert!(requests[0].signature_verified, "{}", vector["name"]);
        let expected_query: BTreeMap<String, String> = vector["query"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(key, value)| (key.clone(), value.as_str().unwrap().to_owned()))
            .collect();
        assert_eq!(requests[0].query, expected_query, "{}", vector["name"]);
    }
}

/// Each ROA request exactly as the official SDK sent it (raw path, raw query with `+` for a
/// space, every header and the body) is accepted over HTTP, and recorded with its action.
#[tokio::test]
async fn the_server_verifies_every_official_roa_request() {
    let file: VectorFile =
        serde_json::from_str(include_str!("fixtures/roa-cs-2015-12-15.json")).unwrap();
    let server = TestServer::builder()
        .with_credentials("AKIDEXAMPLE", "SECRETEXAMPLE")
        .date_window(Duration::MAX)
        .start()
        .await
        .unwrap();
    for vector in &file.vectors {
        let raw_query = vector["raw_query"].as_str().unwrap();
        let target = match raw_query {
            "" => vector["raw_path"].as_str().unwrap().to_owned(),
            query => format!("{}?{query}", vector["raw_path"].as_str().unwrap()),
        };
        let body = vector["body"].as_str().unwrap();
        let mut request = format!(
            "{} {target} HTTP/1.1\r\n",
            vector["method"].as_str().unwrap()
        );
        for (name, value) in vector["headers"].as_object().unwrap() {
            request += &format!("{name}: {}\r\n", value.as_str().unwrap());
        }
        request += &format!(
            "content-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        raw_exchange(server.address(), request.as_bytes()).await;
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 8);
    for (recorded, vector) in requests.iter().zip(&file.vectors) {
        assert!(recorded.signature_verified, "{}", vector["name"]);
        assert_eq!(
            recorded.action.as_deref(),
            vector["action"].as_str(),
            "{}",
            vector["name"]
        );
    }
}

/// Every request the official Python SDKs sent for fourteen products (in
/// `tests/fixtures/official/vectors.json`, those signed with ACS3-HMAC-SHA256), as sent: the
/// raw path, query and body and every header, their own `Authorization` included. Each signs
/// every header this server requires. Where Python wrote a boolean `True` into a form, the
/// vector's `x-acs-content-sha256` holds the hash of the body with `true`: the hash of the body
/// sent is put back. They share one nonce, so each goes to a server of its own.
#[tokio::test]
async fn the_server_accepts_every_official_request_as_sent() {
    let file: Value =
        serde_json::from_str(include_str!("../../tests/fixtures/official/vectors.json")).unwrap();
    let mut accepted = 0;
    for vector in file["vectors"].as_array().unwrap() {
        let headers = vector["headers"].as_object().unwrap();
        let signed_with_acs3 = headers
            .get("authorization")
            .and_then(Value::as_str)
            .is_some_and(|authorization| authorization.starts_with("ACS3-HMAC-SHA256 "));
        if !signed_with_acs3 {
            continue;
        }
        let server = TestServer::builder()
            .with_credentials("ak", "secret")
            .date_window(Duration::MAX)
            .start()
            .await
            .unwrap();
        let body = vector
            .get("raw_body")
            .unwrap_or(&vector["body"])
            .as_str()
            .unwrap();
        let target = match vector["raw_query"].as_str().unwrap() {
            "" => vector["raw_path"].as_str().unwrap().to_owned(),
            query => format!("{}?{query}", vector["raw_path"].as_str().unwrap()),
        };
        let mut request = format!(
            "{} {target} HTTP/1.1\r\n",
            vector["method"].as_str().unwrap()
        );
        for (name, value) in headers {
            let value = match name.as_str() {
                "content-length" | "connection" => continue,
                "x-acs-content-sha256" => sign::hex_sha256(body.as_bytes()).into_owned(),
                _ => value.as_str().unwrap().to_owned(),
            };
            request += &format!("{name}: {value}\r\n");
        }
        request += &format!(
            "content-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        let response =
            RawResponse::parse(&raw_exchange(server.address(), request.as_bytes()).await);
        let requests = server.requests();
        assert!(
            requests.len() == 1 && requests[0].signature_verified,
            "{}: {}\n{}",
            vector["name"],
            response.head,
            String::from_utf8_lossy(&response.body)
        );
        accepted += 1;
    }
    assert_eq!(accepted, 45, "the vectors signed with ACS3-HMAC-SHA256");
}

/// The official OSS SDK V2's DeleteMultipleObjects (`tests/fixtures/official/oss/
/// delete_multiple_objects.json`, signed at a pinned date for 127.0.0.1, path-style) sent to
/// the server as recorded: its route answers each once the OSS4 signature checks, and not one
/// whose signed `Content-MD5` no longer names its body.
#[tokio::test]
async fn the_server_verifies_the_official_delete_multiple_objects() {
    let file: Value = serde_json::from_str(include_str!(
        "../../tests/fixtures/official/oss/delete_multiple_objects.json"
    ))
    .unwrap();
    let server = TestServer::builder()
        .with_credentials("ak", "secret")
        .date_window(Duration::MAX)
        .start()
        .await
        .unwrap();
    let recorded_endpoint = file["endpoint"].as_str().unwrap();
    let request = |vector: &Value, tampered: bool| {
        let url = vector["url"]
            .as_str()
            .unwrap()
            .replace(recorded_endpoint, &server.endpoint());
        let mut request = Request::builder().method(Method::POST).uri(url);
        for (name, value) in vector["headers"].as_object().unwrap() {
            let value = match (tampered, name.as_str()) {
                (true, "content-md5") => "AAAAAAAAAAAAAAAAAAAAAA==",
                _ => value.as_str().unwrap(),
            };
            request = request.header(name.as_str(), value);
        }
        let body = Bytes::from(vector["body"].as_str().unwrap().to_owned());
        request.body(Full::new(body)).unwrap()
    };
    let client = client();
    for vector in file["vectors"].as_array().unwrap() {
        let name = vector["name"].as_str().unwrap();
        server.enqueue_route(
            Method::POST,
            "/examplebucket/",
            Reply::text(200, "<DeleteResult/>"),
        );
        let refused = client.request(request(vector, true)).await.unwrap();
        assert_eq!(refused.status(), 400, "{name}");
        assert!(
            text_of(refused).await.contains("SignatureDoesNotMatch"),
            "{name}"
        );
        let accepted = client.request(request(vector, false)).await.unwrap();
        assert_eq!(accepted.status(), 200, "{name}");
        assert_eq!(text_of(accepted).await, "<DeleteResult/>", "{name}");
        let requests = server.requests();
        let [.., refused, accepted] = requests.as_slice() else {
            panic!("{name}: two requests recorded");
        };
        assert!(!refused.signature_verified, "{name}");
        assert!(accepted.signature_verified, "{name}");
        assert_eq!(
            accepted.query.get("encoding-type").map(String::as_str),
            Some("url")
        );
        assert_eq!(accepted.body, vector["body"].as_str().unwrap().as_bytes());
    }
}
