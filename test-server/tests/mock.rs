//! The mock HTTP client, driven by the runtime's client as an SDK drives it: signatures
//! checked, replies scripted (typed ones too), faults turned into the errors a real exchange
//! would give, and every request recorded, with no socket.

use acs_runtime::{Client, Config, Credentials, Params, RetryConfig, Service};
use acs_test_server::{
    DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, MockHttpClient, Reply, Scripted, TestServer,
};

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

fn client(mock: &MockHttpClient, secret: &str) -> Client {
    let config = Config::builder()
        .region("cn-hangzhou")
        .credentials(Credentials::new(DEFAULT_ACCESS_KEY_ID, secret, "test"))
        .retry_config(RetryConfig::default().with_max_attempts(1))
        .http_client(mock.clone())
        .build()
        .unwrap();
    Client::new(&OOS, config)
}

#[derive(serde::Serialize)]
#[serde(rename_all = "PascalCase")]
struct Page {
    request_id: &'static str,
    templates: Vec<&'static str>,
}

#[tokio::test]
async fn signed_requests_get_their_scripted_replies_and_are_recorded() {
    let mock = MockHttpClient::new();
    mock.enqueue(
        "ListTemplates",
        Reply::ok(&Page {
            request_id: "R-1",
            templates: vec!["t1"],
        }),
    );
    Scripted::set_default(
        &mock,
        "ListTemplates",
        Reply::json(200, r#"{"RequestId":"R-2"}"#),
    );
    let client = client(&mock, DEFAULT_ACCESS_KEY_SECRET);
    let mut params = Params::new();
    params.insert("TemplateName", "a b");

    let first = client.call("ListTemplates", params.clone()).await.unwrap();
    assert_eq!(first["Templates"][0], "t1");
    let second = client.call("ListTemplates", params).await.unwrap();
    assert_eq!(second["RequestId"], "R-2");

    let requests = mock.requests();
    assert_eq!(mock.request_count(), 2);
    assert!(requests.iter().all(|request| request.signature_verified));
    assert_eq!(requests[0].action.as_deref(), Some("ListTemplates"));
    assert_eq!(requests[0].query["TemplateName"], "a b");
    assert_eq!(requests[0].headers["host"], "oos.cn-hangzhou.aliyuncs.com");
}

#[tokio::test]
async fn a_wrong_signature_or_an_unscripted_action_is_a_service_error() {
    let mock = MockHttpClient::new();
    mock.set_default("ListTemplates", Reply::json(200, "{}"));
    let error = client(&mock, "not-the-secret")
        .call("ListTemplates", Params::new())
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("SignatureDoesNotMatch"));
    assert!(!mock.requests()[0].signature_verified);

    let error = client(&mock, DEFAULT_ACCESS_KEY_SECRET)
        .call("GetTemplate", Params::new())
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("InvalidAction.NotFound"));
}

#[tokio::test]
async fn faults_are_the_errors_a_real_exchange_gives() {
    let mock = MockHttpClient::new();
    for fault in [
        Reply::drop_connection(),
        Reply::truncated_body(),
        Reply::oversized(1024),
    ] {
        mock.enqueue("ListTemplates", fault);
    }
    let client = client(&mock, DEFAULT_ACCESS_KEY_SECRET);
    for _ in 0..3 {
        let error = client
            .call("ListTemplates", Params::new())
            .await
            .unwrap_err();
        assert!(error.is_connection(), "{error:?}");
    }
    assert_eq!(mock.request_count(), 3, "none of them was retried");
}

#[tokio::test]
async fn the_mock_takes_the_settings_of_a_server_builder() {
    let mock = TestServer::builder()
        .with_credentials("LTAIother", "other-secret")
        .keep_requests(0)
        .mock();
    mock.set_default("ListTemplates", Reply::json(200, "{}"));
    let config = Config::builder()
        .region("cn-hangzhou")
        .credentials(Credentials::new("LTAIother", "other-secret", "test"))
        .http_client(mock.clone())
        .build()
        .unwrap();
    Client::new(&OOS, config)
        .call("ListTemplates", Params::new())
        .await
        .expect("the other credentials are known");
    assert!(mock.requests().is_empty(), "none is kept");
    assert_eq!(mock.request_count(), 1);
}
