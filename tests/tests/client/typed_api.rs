//! The types a Rust user expects, end to end: per-call overrides, requests built then sent,
//! enums that keep unknown values, timestamps read as times, tags as one map type whatever
//! their wire form, structures sent as JSON text, and the types a user names re-exported.

use std::time::{Duration, SystemTime};

use acs_test_server::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, MockHttpClient, Reply};
use alibabacloud_oos::operation::get_patch_baseline::GetPatchBaselineResponse;
use alibabacloud_oos::operation::list_executions::{Status, StatusInput};
use alibabacloud_oos::operation::list_instance_patch_states::ListInstancePatchStatesRequest;
use alibabacloud_oos::{Client, CompactString, Config, Credentials, IndexMap, TimestampError};
use integration_tests::{client, config, server};
use serde_json::json;

#[tokio::test]
async fn a_call_overrides_the_clients_endpoint_credentials_and_headers() {
    let server = server().await;
    let other = integration_tests::server().await;
    // The client's own key is wrong; the call's is right.
    let client = Client::from_conf(
        config(&server)
            .credentials(Credentials::new(DEFAULT_ACCESS_KEY_ID, "wrong", "test"))
            .build()
            .unwrap(),
    );
    client
        .list_instance_patch_states()
        .customize(|call| {
            call.endpoint(other.endpoint())
                .credentials(Credentials::new(
                    DEFAULT_ACCESS_KEY_ID,
                    DEFAULT_ACCESS_KEY_SECRET,
                    "test",
                ))
                .header("x-acs-extra", "per call")
        })
        .send()
        .await
        .expect("the call's endpoint and credentials are used");
    assert!(server.requests().is_empty());
    let sent = &other.requests()[0];
    assert!(sent.signature_verified);
    assert_eq!(sent.headers["x-acs-extra"], "per call");
    let authorization = sent.headers["authorization"].to_str().unwrap();
    assert!(
        authorization.contains("x-acs-extra"),
        "signed: {authorization}"
    );

    let error = client
        .list_instance_patch_states()
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error.code(),
        Some("SignatureDoesNotMatch"),
        "the client's own key"
    );
}

#[tokio::test]
async fn a_call_in_another_region_goes_to_that_regions_endpoint() {
    let mock = MockHttpClient::new();
    alibabacloud_oos::testing::serve_examples(&mock);
    let config = Config::builder()
        .region("cn-hangzhou")
        .credentials(Credentials::new(
            DEFAULT_ACCESS_KEY_ID,
            DEFAULT_ACCESS_KEY_SECRET,
            "test",
        ))
        .http_client(mock.clone())
        .build()
        .unwrap();
    let client = Client::from_conf(config);
    client.list_instance_patch_states().send().await.unwrap();
    client
        .list_instance_patch_states()
        .customize(|call| {
            call.region("cn-shanghai")
                .read_timeout(Duration::from_secs(3))
        })
        .send()
        .await
        .unwrap();
    let hosts: Vec<String> = mock
        .requests()
        .iter()
        .map(|request| request.headers["host"].to_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        hosts,
        [
            "oos.cn-hangzhou.aliyuncs.com",
            "oos.cn-shanghai.aliyuncs.com"
        ]
    );
}

#[tokio::test]
async fn a_request_built_on_its_own_can_be_sent() {
    let server = server().await;
    let request = ListInstancePatchStatesRequest::builder()
        .region_id("cn-hangzhou")
        .instance_ids("i-1")
        .build()
        .unwrap();
    let response = request.send_with(&client(&server)).await.unwrap();
    assert_eq!(response.instance_patch_states().len(), 1);
    assert_eq!(server.requests()[0].query["InstanceIds"], r#"["i-1"]"#);
}

#[tokio::test]
async fn enums_name_the_values_listed_and_keep_the_others() {
    let server = server().await;
    server.enqueue(
        "ListExecutions",
        Reply::json(
            200,
            json!({"Executions": [{"Status": "Success"}, {"Status": "Paused"}, {"Status": 7}]}),
        ),
    );
    let out = client(&server)
        .list_executions()
        .status(StatusInput::Running)
        .send()
        .await
        .unwrap();
    let statuses: Vec<Option<&Status>> = out.executions().iter().map(|e| e.status()).collect();
    assert_eq!(
        statuses,
        [
            Some(&Status::Success),
            Some(&Status::Unknown("Paused".into())),
            Some(&Status::Unknown("7".into()))
        ]
    );
    assert_eq!(Status::from("Paused").as_str(), "Paused");
    assert_eq!(Status::from("Success"), Status::Success);
    assert_eq!(Status::Success.to_string(), "Success");

    client(&server)
        .list_executions()
        .status("NotListed")
        .send()
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests[0].query["Status"], "Running");
    assert_eq!(
        requests[1].query["Status"], "NotListed",
        "any value can be sent"
    );
}

#[tokio::test]
async fn timestamps_stay_text_and_read_as_times() {
    let server = server().await;
    let out = client(&server).list_executions().send().await.unwrap();
    let execution = &out.executions()[0];
    assert_eq!(execution.create_date(), Some("2019-05-16T10:26:14Z"));
    assert_eq!(
        execution.create_date_as_time(),
        Some(Ok(
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_558_002_374)
        ))
    );

    server.enqueue(
        "ListExecutions",
        Reply::json(
            200,
            json!({"Executions": [{"CreateDate": "yesterday"}, {}]}),
        ),
    );
    let out = client(&server).list_executions().send().await.unwrap();
    let error: TimestampError = out.executions()[0]
        .create_date_as_time()
        .unwrap()
        .unwrap_err();
    assert_eq!(error.to_string(), "`yesterday` is not an RFC 3339 time");
    assert_eq!(out.executions()[1].create_date_as_time(), None);
}

#[tokio::test]
async fn tags_are_one_map_type_whatever_the_wire_carries() {
    let server = server().await;
    // Sent as a list of {Key, Value} objects, in the order given.
    client(&server)
        .create_patch_baseline()
        .name("pb")
        .operation_system("Windows")
        .approval_rules(alibabacloud_oos::operation::create_patch_baseline::ApprovalRules::new())
        .tags("env", "prod")
        .tags("a team", "ops")
        .send()
        .await
        .unwrap();
    assert_eq!(
        server.requests()[0].query["Tags"],
        r#"[{"Key":"env","Value":"prod"},{"Key":"a team","Value":"ops"}]"#
    );

    // Read from a list of {TagKey, TagValue} objects.
    let out: GetPatchBaselineResponse = client(&server)
        .get_patch_baseline()
        .name("pb")
        .send()
        .await
        .unwrap();
    let tags: &IndexMap<String, CompactString> = out.patch_baseline().unwrap().tags().unwrap();
    assert_eq!(tags.get("key").map(CompactString::as_str), Some("value"));

    // Read from JSON text, as UpdateParameter's sample sends them.
    let out = client(&server)
        .update_parameter()
        .name("p")
        .value("v")
        .send()
        .await
        .unwrap();
    let tags = out.parameter().unwrap().tags().unwrap();
    let pairs: Vec<(&str, &str)> = tags.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(pairs, [("k1", "v1"), ("k2", "v2")]);
}

/// The official SDKs send a call with `POST` when its metadata lists `POST`, and otherwise
/// with the method it lists: GetServiceSettings (`GET` only) goes out as `GET` with its
/// parameters in the query, GetOpsItem (`GET` and `POST`) as `POST`.
#[tokio::test]
async fn each_call_goes_out_with_the_official_sdks_method() {
    let server = server().await;
    let client = client(&server);
    client
        .get_service_settings()
        .region_id("cn-hangzhou")
        .send()
        .await
        .unwrap();
    client
        .get_ops_item()
        .ops_item_id("oi-1")
        .send()
        .await
        .unwrap();
    let requests = server.requests();
    let sent: Vec<(&str, &str, Vec<&str>, usize)> = requests
        .iter()
        .map(|request| {
            (
                request.method.as_str(),
                request.action.as_deref().unwrap_or(""),
                request.query.keys().map(String::as_str).collect(),
                request.body.len(),
            )
        })
        .collect();
    assert_eq!(
        sent,
        [
            ("GET", "GetServiceSettings", vec!["RegionId"], 0),
            ("POST", "GetOpsItem", vec!["OpsItemId"], 0)
        ]
    );
    assert!(requests.iter().all(|request| request.signature_verified));
}
