//! SLS `PutLogs` end to end: a client sends a log group to the test server, which checks the
//! `LOG` signature, decodes the body on its own (LZ4 by `lz4_flex`, the protobuf by its own
//! messages, `x-log-bodyrawsize` held to the decompressed size) and answers by path; a body
//! whose declared size is wrong is refused as SLS refuses it.

use acs_runtime::{
    AuthScheme, BodyFields, CallOptions, CallSpec, Client, Config, ContentType, Credentials, Error,
    Method, RequestDefaults, RequestParams, Service,
};
use acs_test_server::{
    DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Log, LogGroup, Pair, Reply, TestServer,
    decode_put_logs,
};
use serde_json::json;

static SLS: Service = Service {
    product: "Sls",
    api_version: "2020-12-30",
    endpoint_rule: "{region}.log.aliyuncs.com",
    auth: AuthScheme::SlsLogHmacSha256,
    protocol: "https",
    regional_endpoints: &[],
    sdk_name: "test",
    sdk_version: "0",
};

const PUT_LOGS: CallSpec<'static> = CallSpec {
    action: "PutLogs",
    method: Method::Post,
    path: "/logstores/{logstore}/shards/lb",
    idempotency_token: None,
    read_only: false,
    anonymous: false,
    auth: None,
    body_fields: Some(BodyFields::SlsLogGroup),
    defaults: RequestDefaults {
        content_type: ContentType::OfBody,
        content_md5: false,
        query: &[],
    },
};

fn pair(key: &str, value: &str) -> Pair {
    Pair {
        key: key.into(),
        value: value.into(),
    }
}

/// A `PutLogs` call's parameters as the generated SDK encodes them: the log group's fields in
/// the body, the project a host label, the logstore in the path.
fn put_logs(logs: usize) -> RequestParams {
    let mut params = RequestParams::default();
    params.host.insert("project", "my-project");
    params.path.insert("logstore", "app-logs");
    params.headers.insert("x-log-compresstype", "lz4");
    let items: Vec<_> = (0..logs)
        .map(|i| {
            json!({"Contents": [
                {"Key": "message", "Value": format!("用户登录 😀 第 {i} 次")},
                {"Key": "level", "Value": "INFO"},
            ], "Time": 1_714_552_200 + i})
        })
        .collect();
    params.put_body_field("LogItems", &items).unwrap();
    params
        .put_body_field(
            "LogTags",
            &json!([{"Key": "区域", "Value": "杭州 🌏"}, {"Key": "", "Value": ""}]),
        )
        .unwrap();
    params.put_body_field("Source", "10.0.0.1").unwrap();
    params.put_body_field("Topic", "").unwrap();
    params
}

async fn client(server: &TestServer) -> Client {
    Client::new(
        &SLS,
        Config::builder()
            .endpoint(server.endpoint())
            // The project is the host's first label; on 127.0.0.1 it goes first in the path.
            .path_style(true)
            .credentials(Credentials::new(
                DEFAULT_ACCESS_KEY_ID,
                DEFAULT_ACCESS_KEY_SECRET,
                "test",
            ))
            .build()
            .unwrap(),
    )
}

#[tokio::test]
async fn a_log_group_arrives_signed_and_decodes_to_what_was_sent() {
    let server = TestServer::start().await.unwrap();
    let path = "/my-project/logstores/app-logs/shards/lb";
    server.route(http::Method::POST, path, Reply::text(200, ""));
    let client = client(&server).await;
    client
        .invoke(PUT_LOGS, put_logs(30), &CallOptions::default())
        .await
        .unwrap();

    let requests = server.requests();
    let [request] = requests.as_slice() else {
        panic!("one request: {requests:?}")
    };
    assert!(request.signature_verified);
    assert_eq!(request.path, path);
    assert_eq!(request.headers["content-type"], "application/x-protobuf");
    assert_eq!(request.headers["x-log-compresstype"], "lz4");
    let group = decode_put_logs(&request.headers, &request.body).unwrap();
    let raw_size: usize = request.headers["x-log-bodyrawsize"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(request.body.len() < raw_size, "the body is compressed");
    let expected = LogGroup {
        logs: (0..30)
            .map(|i| Log {
                time: 1_714_552_200 + i,
                contents: vec![
                    pair("message", &format!("用户登录 😀 第 {i} 次")),
                    pair("level", "INFO"),
                ],
            })
            .collect(),
        topic: Some(String::new()),
        source: Some("10.0.0.1".into()),
        tags: vec![pair("区域", "杭州 🌏"), pair("", "")],
    };
    assert_eq!(group, expected);
}

#[tokio::test]
async fn a_body_whose_declared_raw_size_is_wrong_is_refused() {
    let server = TestServer::start().await.unwrap();
    server.route(
        http::Method::POST,
        "/my-project/logstores/app-logs/shards/lb",
        Reply::text(200, ""),
    );
    let client = client(&server).await;
    let mut params = put_logs(3);
    // A header parameter replaces the scheme's header of that name, and is signed.
    params.headers.insert("x-log-bodyrawsize", "7");
    let error = client
        .invoke(PUT_LOGS, params, &CallOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Service(_)), "{error:?}");
    assert_eq!(error.code(), Some("PostBodyInvalid"), "{error:?}");
    assert!(server.requests()[0].signature_verified);
}

/// The official SDK's SLS requests (`tests/fixtures/official/sls/vectors.json`): their
/// signature checks (`GetMachineGroup`'s over a path of reserved and non-ASCII characters,
/// which the gateway signs unencoded), and `PutLogs`'s bodies decode to the log groups they
/// were made from.
#[test]
fn the_official_put_logs_requests_verify_and_decode_to_their_log_groups() {
    use acs_test_server::{Gateway, Received, verify_gateway};

    let vectors = official_sls_vectors("vectors");
    assert!(!vectors.is_empty(), "the fixture holds vectors");
    for vector in &vectors {
        let (headers, body) = recorded_headers_and_body(vector);
        let received = Received {
            method: vector["method"].as_str().unwrap(),
            path: vector["path"].as_str().unwrap(),
            query: "",
            headers: &headers,
            body: &body,
        };
        verify_gateway(Gateway::Sls, &received, |id| {
            (id == "ak").then(|| "secret".to_owned())
        })
        .unwrap();

        let Some(given) = vector.get("log_group") else {
            assert_eq!(vector["operation"], "GetMachineGroup");
            continue;
        };
        let pairs = |list: &serde_json::Value| -> Vec<Pair> {
            list.as_array()
                .map(|pairs| {
                    pairs
                        .iter()
                        .map(|p| pair(p[0].as_str().unwrap(), p[1].as_str().unwrap()))
                        .collect()
                })
                .unwrap_or_default()
        };
        let expected = LogGroup {
            logs: given["LogItems"]
                .as_array()
                .unwrap()
                .iter()
                .map(|log| Log {
                    time: u32::try_from(log["Time"].as_u64().unwrap()).unwrap(),
                    contents: pairs(&log["Contents"]),
                })
                .collect(),
            topic: given["Topic"].as_str().map(str::to_owned),
            source: given["Source"].as_str().map(str::to_owned),
            tags: pairs(&given["LogTags"]),
        };
        assert_eq!(decode_put_logs(&headers, &body).unwrap(), expected);
    }
}

/// The official SDK's `GetLogs` requests (`tests/fixtures/official/sls/vectors.json`): a JSON
/// body to `/logstores/{logstore}/logs`, whose signature (its `content-md5` included) checks,
/// and fails with a byte of the body changed.
#[test]
fn the_official_get_logs_requests_verify_and_fail_with_their_body_changed() {
    use acs_test_server::{Gateway, Received, verify_gateway};

    let vectors = official_sls_vectors("get_logs");
    assert!(!vectors.is_empty(), "the fixture holds GetLogs vectors");
    for vector in &vectors {
        let (headers, body) = recorded_headers_and_body(vector);
        let secrets = |id: &str| (id == "ak").then(|| "secret".to_owned());
        let received = |body| Received {
            method: vector["method"].as_str().unwrap(),
            path: vector["path"].as_str().unwrap(),
            query: "",
            headers: &headers,
            body,
        };
        verify_gateway(Gateway::Sls, &received(&body), secrets).unwrap();
        let mut changed = body.clone();
        changed[0] ^= 1;
        assert!(
            verify_gateway(Gateway::Sls, &received(&changed), secrets).is_err(),
            "{}: a changed body still verifies",
            vector["name"]
        );
    }
}

/// The official SDK's SLS requests recorded under `key` in
/// `tests/fixtures/official/sls/vectors.json`.
fn official_sls_vectors(key: &str) -> Vec<serde_json::Value> {
    let file: serde_json::Value = serde_json::from_str(include_str!(
        "../../tests/fixtures/official/sls/vectors.json"
    ))
    .unwrap();
    file[key].as_array().unwrap().clone()
}

/// A recorded request's headers and body, as the official SDK sent them.
fn recorded_headers_and_body(vector: &serde_json::Value) -> (http::HeaderMap, Vec<u8>) {
    use base64::Engine as _;

    let mut headers = http::HeaderMap::new();
    for (name, value) in vector["headers"].as_object().unwrap() {
        headers.insert(
            http::HeaderName::try_from(name.as_str()).unwrap(),
            http::HeaderValue::try_from(value.as_str().unwrap()).unwrap(),
        );
    }
    let body = base64::engine::general_purpose::STANDARD
        .decode(vector["body_base64"].as_str().unwrap())
        .unwrap();
    (headers, body)
}
