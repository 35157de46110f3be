//! The generated client against the test server's faults: broken connections, bad bodies,
//! oversized responses, long retry-after, slow replies, cancelled calls and failing pages.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use acs_runtime::error::TimeoutKind;
use acs_runtime::http::DEFAULT_MAX_RESPONSE_BYTES;
use acs_runtime::{Error, RetryConfig, TimeoutConfig};
use acs_test_server::{Reply, TestServer};
use alibabacloud_oos::Client;
use futures_util::StreamExt;
use integration_tests::{client, config, response_example, server};
use serde_json::json;

async fn get_template(client: &Client) -> Result<String, Error> {
    client
        .get_template()
        .template_name("T")
        .send()
        .await
        .map(|response| response.request_id.unwrap_or_default().into())
}

fn nonces(server: &TestServer) -> BTreeSet<String> {
    server
        .requests()
        .iter()
        .map(|request| {
            request.headers["x-acs-signature-nonce"]
                .to_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn a_connection_dropped_before_the_response_is_retried_with_a_fresh_signature() {
    let server = server().await;
    server.enqueue("GetTemplate", Reply::drop_connection());

    let request_id = get_template(&client(&server)).await.unwrap();

    assert!(!request_id.is_empty());
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|request| request.signature_verified));
    assert_eq!(nonces(&server).len(), 2);
}

#[tokio::test]
async fn a_connection_dropped_on_every_attempt_ends_in_a_connection_error() {
    let server = server().await;
    for _ in 0..3 {
        server.enqueue("GetTemplate", Reply::drop_connection());
    }

    let error = get_template(&client(&server)).await.unwrap_err();

    assert!(matches!(error, Error::Connection(_)), "{error:?}");
    assert!(
        error.to_string().starts_with("connection failed: "),
        "{error}"
    );
    assert_eq!(server.requests().len(), 3, "three attempts, then the error");
}

#[tokio::test]
async fn a_connection_dropped_mid_response_is_retried() {
    let server = server().await;
    server.enqueue("GetTemplate", Reply::truncated_body());

    let request_id = get_template(&client(&server)).await.unwrap();

    assert!(!request_id.is_empty());
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_body_truncated_on_every_attempt_ends_in_a_connection_error() {
    let server = server().await;
    for _ in 0..3 {
        server.enqueue("GetTemplate", Reply::truncated_body());
    }

    let error = get_template(&client(&server)).await.unwrap_err();

    assert!(error.is_connection(), "{error:?}");
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn malformed_json_on_http_200_is_a_decode_error_with_request_id_and_body_excerpt() {
    let server = server().await;
    server.enqueue("GetTemplate", Reply::malformed_json());

    let error = get_template(&client(&server)).await.unwrap_err();

    let Error::Decode(decode) = &error else {
        panic!("expected a decode error, got {error:?}");
    };
    assert_eq!(decode.status, 200);
    let request_id = decode.request_id.as_deref().expect("x-acs-request-id");
    assert_eq!(request_id.len(), 36, "{request_id}");
    let excerpt = decode
        .body_excerpt
        .as_deref()
        .expect("GetTemplate carries no secrets");
    assert!(
        excerpt.starts_with(r#"{"RequestId": "2F5B1C9A-0000-4000-8000-000000000000", "Template"#),
        "{excerpt}"
    );
    assert!(error.to_string().contains(request_id), "{error}");
    assert_eq!(server.requests().len(), 1, "a decode error is not retried");
}

#[tokio::test]
async fn an_error_body_without_a_request_id_takes_the_header_one() {
    let server = server().await;
    let body = r#"{"Code":"InvalidParameter","Message":"The parameter is invalid."}"#;
    server.enqueue("GetTemplate", Reply::json(400, body));

    let error = get_template(&client(&server)).await.unwrap_err();

    assert_eq!(error.code(), Some("InvalidParameter"));
    let request_id = error.request_id().expect("the x-acs-request-id header");
    assert_eq!(request_id.len(), 36, "{request_id}");
}

#[tokio::test]
async fn a_long_undecodable_body_is_cut_to_an_excerpt() {
    let server = server().await;
    let body = format!("{{\"RequestId\":\"R\",\"Template\":{}", "7".repeat(10_000));
    server.enqueue("GetTemplate", Reply::json(200, body));

    let error = get_template(&client(&server)).await.unwrap_err();

    let Error::Decode(decode) = error else {
        panic!("expected a decode error");
    };
    let excerpt = decode.body_excerpt.expect("GetTemplate carries no secrets");
    assert_eq!(excerpt.chars().count(), 513);
    assert!(excerpt.ends_with("777…"));
}

/// Many services answer every success with `Code`, `Message` and `Success` beside the data,
/// and the official SDKs raise only for HTTP 4xx and 5xx: a 2xx body is the response whatever
/// its `Code` says, through the typed call, the paginator and the generic call alike.
#[tokio::test]
async fn a_code_in_a_2xx_body_is_a_success() {
    let server = server().await;
    let mut success: serde_json::Value =
        serde_json::from_str(response_example("GetTemplate")).unwrap();
    success["Code"] = json!("200");
    success["Message"] = json!("");
    success["Success"] = json!(true);
    server.enqueue("GetTemplate", Reply::json(200, success.clone()));
    let response = client(&server)
        .get_template()
        .template_name("T")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response
            .template
            .and_then(|template| template.template_name)
            .as_deref(),
        success["Template"]["TemplateName"].as_str()
    );

    for code in ["InternalError", "Throttling.User"] {
        server.enqueue(
            "GetTemplate",
            Reply::json(
                201,
                json!({"Code": code, "Message": "m", "RequestId": "R-2xx"}),
            ),
        );
        assert_eq!(get_template(&client(&server)).await.unwrap(), "R-2xx");
    }
    assert_eq!(server.requests().len(), 3, "a success is never retried");

    server.enqueue(
        "ListTemplates",
        Reply::json(
            200,
            json!({"Code": "200", "Message": "", "Templates": [{"TemplateName": "T1"}]}),
        ),
    );
    let page = client(&server)
        .list_templates()
        .into_paginator()
        .send()
        .next()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(page.templates.unwrap().len(), 1);
    server.enqueue(
        "DescribeNewThing",
        Reply::json(200, json!({"Code": "200", "Message": "", "Success": true})),
    );
    let generic = client(&server)
        .runtime()
        .call("DescribeNewThing", acs_runtime::Params::new())
        .await
        .unwrap();
    assert_eq!(generic["Success"], json!(true));
}

/// The same document with a 4xx or 5xx status is the service's error.
#[tokio::test]
async fn a_code_in_a_4xx_or_5xx_body_is_a_service_error() {
    let server = server().await;
    for status in [400, 404, 500, 599] {
        server.enqueue(
            "UpdateTemplate",
            Reply::json(
                status,
                json!({
                    "Code": "InvalidTemplate",
                    "Message": "The template is invalid.",
                    "RequestId": "D7C2A1B3-0000-4000-8000-000000000400",
                }),
            ),
        );
        let error = client(&server)
            .update_template()
            .template_name("T")
            .content("{}")
            .send()
            .await
            .unwrap_err();
        assert_eq!(error.code(), Some("InvalidTemplate"), "HTTP {status}");
        assert_eq!(error.message(), Some("The template is invalid."));
        assert_eq!(
            error.request_id(),
            Some("D7C2A1B3-0000-4000-8000-000000000400")
        );
        assert_eq!(error.http_status(), Some(status));
    }
    assert_eq!(
        server.requests().len(),
        4,
        "a write is not retried after them"
    );
}

#[tokio::test]
async fn a_success_with_nested_code_and_message_fields_decodes() {
    let server = server().await;
    let mut example: serde_json::Value =
        serde_json::from_str(response_example("GetTemplate")).unwrap();
    example["Template"]["Description"] = json!(r#"{"Code":"X","Message":"quoted"}"#);
    example["Template"]["Tags"] = json!({"Code": "tag", "Message": "tag"});
    server.enqueue("GetTemplate", Reply::json(200, example));

    let request_id = get_template(&client(&server)).await.unwrap();

    assert!(!request_id.is_empty());
}

const SMALL_LIMIT: usize = 64 * 1024;

fn client_with_small_limit(server: &TestServer) -> Client {
    Client::from_conf(
        config(server)
            .max_response_bytes(SMALL_LIMIT)
            .build()
            .unwrap(),
    )
}

fn assert_too_large(error: &Error) {
    assert!(error.is_connection(), "{error:?}");
    assert!(
        error.to_string().contains("the response is too large"),
        "{error}"
    );
}

#[tokio::test]
async fn a_body_at_the_limit_is_read_and_one_byte_more_is_refused() {
    let server = server().await;
    let client = client_with_small_limit(&server);

    server.enqueue("GetTemplate", Reply::oversized(SMALL_LIMIT as u64));
    let at_limit = get_template(&client).await.unwrap_err();
    // Read in full: whitespace only, so the decoder is what complains.
    assert!(matches!(at_limit, Error::Decode(_)), "{at_limit:?}");

    server.enqueue("GetTemplate", Reply::oversized(SMALL_LIMIT as u64 + 1));
    assert_too_large(&get_template(&client).await.unwrap_err());
    server.enqueue(
        "GetTemplate",
        Reply::oversized_chunked(SMALL_LIMIT as u64 + 1),
    );
    assert_too_large(&get_template(&client).await.unwrap_err());
    assert_eq!(server.requests().len(), 3, "a refused body is not retried");
}

#[tokio::test]
async fn a_huge_body_is_refused_without_reading_it() {
    const ONE_GIB: u64 = 1 << 30;
    let server = server().await;
    let limited = client_with_small_limit(&server);

    let started = Instant::now();
    server.enqueue("GetTemplate", Reply::oversized(ONE_GIB));
    assert_too_large(&get_template(&limited).await.unwrap_err());
    server.enqueue("GetTemplate", Reply::oversized_chunked(ONE_GIB));
    assert_too_large(&get_template(&limited).await.unwrap_err());
    // Streaming a gibibyte over loopback takes seconds; stopping at the limit takes
    // milliseconds, and so does the memory it holds.
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );

    let with_defaults = client(&server);
    server.enqueue(
        "GetTemplate",
        Reply::oversized(DEFAULT_MAX_RESPONSE_BYTES as u64 + 1),
    );
    let started = Instant::now();
    assert_too_large(&get_template(&with_defaults).await.unwrap_err());
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_retry_after_beyond_the_retry_budget_fails_at_once() {
    let server = server().await;
    server.enqueue(
        "GetTemplate",
        Reply::throttled(Some(Duration::from_secs(60))),
    );
    let client = Client::from_conf(
        config(&server)
            .retry_config(RetryConfig::default().with_max_backoff(Duration::from_secs(2)))
            .build()
            .unwrap(),
    );

    let started = Instant::now();
    let error = get_template(&client).await.unwrap_err();
    let elapsed = started.elapsed();

    assert!(error.is_throttling(), "{error:?}");
    assert!(elapsed < Duration::from_millis(500), "waited {elapsed:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_retry_after_within_the_budget_is_waited_for() {
    let server = server().await;
    let asked = Duration::from_millis(300);
    server.enqueue("GetTemplate", Reply::throttled(Some(asked)));

    let started = Instant::now();
    get_template(&client(&server)).await.unwrap();

    assert!(started.elapsed() >= asked, "{:?}", started.elapsed());
    assert_eq!(server.requests().len(), 2);
}

/// The service may have acted on a request that timed out: a read is sent again, a write
/// (`UpdateParameter`, with no client token) is not.
#[tokio::test]
async fn a_read_timeout_is_retried_for_a_read_and_ends_a_write_at_once() {
    let server = server().await;
    let slow =
        |action: &str| Reply::json(200, response_example(action)).delayed(Duration::from_secs(1));
    server.enqueue("GetTemplate", slow("GetTemplate"));
    server.enqueue("UpdateParameter", slow("UpdateParameter"));
    let read = Duration::from_millis(150);
    let client = Client::from_conf(
        config(&server)
            .timeout_config(TimeoutConfig {
                read,
                ..TimeoutConfig::default()
            })
            .build()
            .unwrap(),
    );

    get_template(&client).await.unwrap();
    assert_eq!(server.requests().len(), 2, "the read was sent again");

    let started = Instant::now();
    let error = client
        .update_parameter()
        .name("p")
        .value("v")
        .send()
        .await
        .unwrap_err();
    let Error::Timeout(timeout) = &error else {
        panic!("expected a timeout, got {error:?}");
    };
    assert_eq!(timeout.kind, TimeoutKind::Read);
    assert_eq!(timeout.after, read);
    assert!(started.elapsed() < read * 2, "{:?}", started.elapsed());
    let updates = server
        .requests()
        .iter()
        .filter(|request| request.action.as_deref() == Some("UpdateParameter"))
        .count();
    assert_eq!(updates, 1, "the write was not sent again");
}

#[tokio::test]
async fn the_call_timeout_bounds_retries_and_backoff_together() {
    let server = server().await;
    server.set_default("GetTemplate", Reply::service_unavailable());
    let client = Client::from_conf(
        config(&server)
            .retry_config(
                RetryConfig::default()
                    .with_max_attempts(10)
                    .with_initial_backoff(Duration::from_millis(100)),
            )
            .build()
            .unwrap(),
    );
    let limit = Duration::from_millis(250);

    let started = Instant::now();
    let error = client
        .get_template()
        .template_name("T")
        .customize(|call| call.call_timeout(limit))
        .send()
        .await
        .unwrap_err();

    assert!(
        matches!(&error, Error::Timeout(timeout) if timeout.kind == TimeoutKind::Call),
        "{error:?}"
    );
    assert!(started.elapsed() < limit * 2, "{:?}", started.elapsed());
    let attempts = server.requests().len();
    assert!((2..10).contains(&attempts), "{attempts} attempts");
}

/// Runs the test server on a runtime of its own, so that the client's runtime holds only the
/// tasks the client side spawns.
fn server_on_its_own_runtime() -> (tokio::runtime::Runtime, TestServer) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = runtime.block_on(server());
    (runtime, server)
}

fn client_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Waits up to a second for the runtime's live tasks to drop to `expected` or fewer.
async fn settle_to(expected: usize) -> usize {
    let metrics = tokio::runtime::Handle::current().metrics();
    let deadline = Instant::now() + Duration::from_secs(1);
    while metrics.num_alive_tasks() > expected && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    metrics.num_alive_tasks()
}

#[test]
fn a_call_dropped_mid_flight_leaves_no_task_no_broken_connection_and_no_lock() {
    let (_server_runtime, server) = server_on_its_own_runtime();
    client_runtime().block_on(async {
        let client = client(&server);
        get_template(&client).await.unwrap();
        // The tasks alive between calls: none of the connection pool's, whose idle connections
        // wait for the call that takes them.
        let idle_tasks = tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks();

        server.enqueue(
            "GetTemplate",
            Reply::json(200, json!({"RequestId": "stale"})).delayed(Duration::from_millis(300)),
        );
        let dropped = tokio::time::timeout(Duration::from_millis(50), get_template(&client)).await;
        assert!(dropped.is_err(), "the call was still waiting for its reply");

        server.enqueue(
            "GetTemplate",
            Reply::json(200, json!({"RequestId": "fresh"})),
        );
        let next = tokio::time::timeout(Duration::from_secs(1), get_template(&client))
            .await
            .expect("the next call does not wait on anything the dropped one held")
            .expect("the next call succeeds");
        assert_eq!(next, "fresh", "the next call read its own response");
        let requests = server.requests();
        assert_ne!(
            requests[2].client_address, requests[1].client_address,
            "the interrupted connection was not reused"
        );

        assert!(
            settle_to(idle_tasks).await <= idle_tasks,
            "a task outlived the dropped call"
        );
        // Past the delayed reply: nothing retried the dropped call behind the caller's back.
        tokio::time::sleep(Duration::from_millis(350)).await;
        assert_eq!(server.requests().len(), 3);
    });
}

#[test]
fn a_call_dropped_while_backing_off_makes_no_further_attempt() {
    let (_server_runtime, server) = server_on_its_own_runtime();
    client_runtime().block_on(async {
        let tasks_before = tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks();
        server.enqueue("GetTemplate", Reply::service_unavailable());
        let client = Client::from_conf(
            config(&server)
                .retry_config(
                    RetryConfig::default()
                        .with_initial_backoff(Duration::from_millis(200))
                        .with_max_backoff(Duration::from_millis(200)),
                )
                .build()
                .unwrap(),
        );

        let dropped = tokio::time::timeout(Duration::from_millis(50), get_template(&client)).await;
        assert!(dropped.is_err());
        assert_eq!(server.requests().len(), 1);

        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(server.requests().len(), 1, "no attempt after the drop");
        drop(client);
        assert!(settle_to(tasks_before).await <= tasks_before);
    });
}

fn patch_state_page(ids: &[&str], next_token: Option<&str>) -> Reply {
    let states: Vec<_> = ids.iter().map(|id| json!({"InstanceId": id})).collect();
    let mut body = json!({"RequestId": "R", "InstancePatchStates": states});
    if let Some(token) = next_token {
        body["NextToken"] = json!(token);
    }
    Reply::json(200, body)
}

#[tokio::test]
async fn a_failing_second_page_ends_the_item_stream_with_its_error_after_the_first_pages_items() {
    let server = server().await;
    server.enqueue(
        "ListInstancePatchStates",
        patch_state_page(&["i-1", "i-2"], Some("t1")),
    );
    server.enqueue(
        "ListInstancePatchStates",
        Reply::error(400, "InvalidParameter", "The NextToken is invalid."),
    );
    server.enqueue(
        "ListInstancePatchStates",
        patch_state_page(&["i-never"], None),
    );

    let mut items = std::pin::pin!(
        client(&server)
            .list_instance_patch_states()
            .into_paginator()
            .items()
    );
    let mut seen = Vec::new();
    let mut errors = Vec::new();
    while let Some(item) = items.next().await {
        match item {
            Ok(state) => seen.push(state.instance_id.unwrap()),
            Err(error) => errors.push(error),
        }
    }

    assert_eq!(seen, ["i-1", "i-2"]);
    assert_eq!(errors.len(), 1, "the stream ends after its error");
    assert_eq!(errors[0].code(), Some("InvalidParameter"));
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "no page is asked for after the error");
    assert_eq!(requests[1].query["NextToken"], "t1");
}
