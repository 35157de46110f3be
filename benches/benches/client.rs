//! Per-call client CPU, through the generated SDK: encoding, signing, decoding, the three
//! together, and a whole call against the local test server.

// Measuring CPU time takes three libc calls (`common/mod.rs`), each allowed where it is
// made; nothing else may be `unsafe`.
#![deny(unsafe_code)]

mod common;

use std::hint::black_box;
use std::time::SystemTime;

use acs_runtime::{CallSpec, Credentials, EncodeRequest, Method, RequestParams};
use acs_test_server::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET};
use alibabacloud_oos::operation::list_instance_patch_states::{
    ListInstancePatchStatesRequest, ListInstancePatchStatesResponse,
};
use alibabacloud_oos::operation::list_inventory_entries::{Filter, ListInventoryEntriesRequest};
use alibabacloud_oos::operation::start_execution::StartExecutionRequest;
use criterion::{Criterion, criterion_group, criterion_main};
use serde::Deserialize;

/// StartExecution with 12 of its 14 parameters set, one of them a JSON-encoded tag map.
fn start_execution() -> StartExecutionRequest {
    StartExecutionRequest::builder()
        .region_id("cn-hangzhou")
        .template_name("ACS-ECS-BulkyStartInstances")
        .template_version("v3")
        .mode("Automatic")
        .loop_mode("Automatic")
        .parent_execution_id("exec-0af5b2ddc1a54a9c93f0")
        .safety_check("ConfirmEveryHighRiskAction")
        .parameters(r#"{"regionId":"cn-hangzhou","targets":{"Type":"ResourceIds","ResourceIds":["i-1","i-2"]}}"#)
        .client_token("123e4567-e89b-12d3-a456-426655440000")
        .tags("team", "ops")
        .tags("env", "prod")
        .description("nightly restart 中文")
        .resource_group_id("rg-acfmxsn4m4xxxxx")
        .build()
        .expect("no required parameter is missing")
}

/// ListInventoryEntries with a repeat-list filter: two filters, three values.
fn list_inventory_entries() -> ListInventoryEntriesRequest {
    ListInventoryEntriesRequest::builder()
        .region_id("cn-hangzhou")
        .instance_id("i-bp1jaxa2bs4bps700000")
        .type_name("ACS:Application")
        .max_results(50)
        .filter(
            Filter::new()
                .name("Name")
                .operator("Equal")
                .value("nginx")
                .value("httpd"),
        )
        .filter(
            Filter::new()
                .name("Version")
                .operator("BeginWith")
                .value("1."),
        )
        .build()
        .expect("no required parameter is missing")
}

fn list_instance_patch_states() -> ListInstancePatchStatesRequest {
    ListInstancePatchStatesRequest::builder()
        .region_id("cn-hangzhou")
        .max_results(10)
        .next_token("MTRBMDc0NjAtRUJFNy00N0NBLTk3NTctMTJDQzQ")
        .instance_ids("i-bp1jaxa2bs4bps700000")
        .instance_ids("i-bp1jaxa2bs4bps700001")
        .build()
        .expect("no required parameter is missing")
}

fn call_spec(action: &'static str) -> CallSpec<'static> {
    CallSpec {
        action,
        method: Method::Post,
        path: "/",
        idempotency_token: None,
        read_only: true,
        anonymous: false,
        auth: None,
        body_fields: None,
        defaults: Default::default(),
    }
}

fn credentials() -> Credentials {
    Credentials::new(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, "bench")
}

/// A client that is never used to send: `prepare` signs as a call's attempt does.
fn offline_client() -> alibabacloud_oos::Client {
    common::client("http://127.0.0.1:9")
}

/// The same shape as the SDK's `ListInstancePatchStatesResponse`, written by hand, for plain
/// `serde_json`.
#[derive(Deserialize)]
struct PlainResponse {
    #[serde(rename = "NextToken")]
    next_token: Option<String>,
    #[serde(rename = "RequestId")]
    request_id: Option<String>,
    #[serde(rename = "MaxResults")]
    max_results: Option<i32>,
    #[serde(rename = "InstancePatchStates")]
    instance_patch_states: Option<Vec<PlainState>>,
}

#[derive(Deserialize)]
struct PlainState {
    #[serde(rename = "MissingCount")]
    missing_count: Option<String>,
    #[serde(rename = "OperationEndTime")]
    operation_end_time: Option<String>,
    #[serde(rename = "OwnerInformation")]
    owner_information: Option<String>,
    #[serde(rename = "InstalledOtherCount")]
    installed_other_count: Option<String>,
    #[serde(rename = "InstanceId")]
    instance_id: Option<String>,
    #[serde(rename = "OperationType")]
    operation_type: Option<String>,
    #[serde(rename = "OperationStartTime")]
    operation_start_time: Option<String>,
    #[serde(rename = "FailedCount")]
    failed_count: Option<String>,
    #[serde(rename = "BaselineId")]
    baseline_id: Option<String>,
    #[serde(rename = "InstalledPendingRebootCount")]
    installed_pending_reboot_count: Option<String>,
    #[serde(rename = "InstalledRejectedCount")]
    installed_rejected_count: Option<String>,
    #[serde(rename = "PatchGroup")]
    patch_group: Option<String>,
    #[serde(rename = "InstalledCount")]
    installed_count: Option<String>,
}

/// What a decoded field adds to [`decoded_size!`]: a text's length, a count's value. The
/// hand-written struct keeps the counts as the text they are sent as, and its text as `String`;
/// the SDK's counts are integers, its text `CompactString`.
trait DecodedSize {
    fn decoded_size(&self) -> usize;
}

impl DecodedSize for Option<String> {
    fn decoded_size(&self) -> usize {
        self.as_ref().map_or(0, String::len)
    }
}

impl DecodedSize for Option<acs_runtime::CompactString> {
    fn decoded_size(&self) -> usize {
        self.as_ref().map_or(0, |text| text.len())
    }
}

impl DecodedSize for Option<i32> {
    fn decoded_size(&self) -> usize {
        self.map_or(0, |count| count.unsigned_abs() as usize)
    }
}

/// The total size of every decoded field, so that nothing decoded is optimised away; the
/// hand-written and SDK structs have the same field names.
macro_rules! decoded_size {
    ($response:expr) => {{
        let response = $response;
        let states = response.instance_patch_states.iter().flatten();
        let states = states.map(|state| {
            state.missing_count.decoded_size()
                + state.operation_end_time.decoded_size()
                + state.owner_information.decoded_size()
                + state.installed_other_count.decoded_size()
                + state.instance_id.decoded_size()
                + state.operation_type.decoded_size()
                + state.operation_start_time.decoded_size()
                + state.failed_count.decoded_size()
                + state.baseline_id.decoded_size()
                + state.installed_pending_reboot_count.decoded_size()
                + state.installed_rejected_count.decoded_size()
                + state.patch_group.decoded_size()
                + state.installed_count.decoded_size()
        });
        response.next_token.decoded_size()
            + response.request_id.decoded_size()
            + response.max_results.decoded_size()
            + states.sum::<usize>()
    }};
}

fn plain_size(response: &PlainResponse) -> usize {
    decoded_size!(response)
}

fn sdk_size(response: &ListInstancePatchStatesResponse) -> usize {
    decoded_size!(response)
}

fn encode(criterion: &mut Criterion) {
    let start = start_execution();
    let inventory = list_inventory_entries();
    assert_eq!(start.to_params().expect("encodes").query.len(), 12);
    let filters = inventory.to_params().expect("encodes").query;
    assert!(filters.get("Filter.1.Value.2").is_some(), "{filters:?}");

    let mut group = criterion.benchmark_group("encode");
    group.bench_function("start_execution_12_params", |bencher| {
        bencher.iter(|| black_box(&start).to_params().expect("encodes"))
    });
    group.bench_function("list_inventory_entries_repeat_list", |bencher| {
        bencher.iter(|| black_box(&inventory).to_params().expect("encodes"))
    });
    group.finish();
}

fn sign(criterion: &mut Criterion) {
    let client = offline_client();
    let credentials = credentials();
    let params = start_execution().to_params().expect("encodes");
    let query: Vec<(&str, &str)> = params.query.iter().collect();
    let headers = [
        ("host", "oos.cn-hangzhou.aliyuncs.com"),
        ("x-acs-action", "StartExecution"),
        (
            "x-acs-content-sha256",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
        ("x-acs-date", "2024-05-01T08:30:00Z"),
        ("x-acs-signature-nonce", "3f2b7c9e1d4a4b6f8e0c5a7d9b1e2f30"),
        ("x-acs-version", "2019-06-01"),
    ];

    let mut group = criterion.benchmark_group("sign");
    // The signature alone: canonical request, SHA-256, HMAC-SHA256, given every header.
    group.bench_function("acs3_signature_only", |bencher| {
        bencher.iter(|| {
            acs_runtime::sign::sign(
                &acs_runtime::sign::SigningRequest {
                    method: "POST",
                    path: "/",
                    query: black_box(&query),
                    headers: &headers,
                    body: b"",
                },
                credentials.access_key_id(),
                credentials.access_key_secret(),
            )
            .authorization
        })
    });
    // What one attempt does: endpoint, date, nonce, payload hash, signature, the HTTP request.
    group.bench_function("signed_request", |bencher| {
        bencher.iter(|| {
            let now = SystemTime::now();
            client
                .runtime()
                .prepare(
                    call_spec("StartExecution"),
                    black_box(&params),
                    &credentials,
                    now,
                    &acs_runtime::nonce::next(now),
                )
                .expect("signs")
        })
    });
    group.finish();

    let start = start_execution();
    let mut group = criterion.benchmark_group("encode_and_sign");
    group.bench_function("start_execution", |bencher| {
        bencher.iter(|| {
            let params: RequestParams = black_box(&start).to_params().expect("encodes");
            let now = SystemTime::now();
            client
                .runtime()
                .prepare(
                    call_spec("StartExecution"),
                    &params,
                    &credentials,
                    now,
                    &acs_runtime::nonce::next(now),
                )
                .expect("signs")
        })
    });
    group.finish();
}

fn decode(criterion: &mut Criterion) {
    let body = common::patch_states_body(10, 0, Some("MTRBMDc0NjAtRUJFNy00N0NBLTk3NTctMTJDQzQ"));
    let plain: PlainResponse = serde_json::from_slice(body.as_bytes()).expect("decodes");
    let sdk: ListInstancePatchStatesResponse =
        acs_runtime::de::from_slice(body.as_bytes()).expect("decodes");
    assert_eq!(plain_size(&plain), sdk_size(&sdk));
    assert_eq!(sdk.instance_patch_states.as_ref().map(Vec::len), Some(10));

    let mut group = criterion.benchmark_group("decode_list_instance_patch_states_10");
    group.bench_function("serde_json_hand_written", |bencher| {
        bencher.iter(|| {
            let response: PlainResponse =
                serde_json::from_slice(black_box(body.as_bytes())).expect("decodes");
            plain_size(&response)
        })
    });
    group.bench_function("serde_json_sdk_type", |bencher| {
        bencher.iter(|| {
            let response: ListInstancePatchStatesResponse =
                serde_json::from_slice(black_box(body.as_bytes())).expect("decodes");
            sdk_size(&response)
        })
    });
    // What the SDK does with a response: the tolerant adapter around serde_json.
    group.bench_function("sdk", |bencher| {
        bencher.iter(|| {
            let response: ListInstancePatchStatesResponse =
                acs_runtime::de::from_slice(black_box(body.as_bytes())).expect("decodes");
            sdk_size(&response)
        })
    });
    group.finish();
}

fn call(criterion: &mut Criterion) {
    let client = offline_client();
    let credentials = credentials();
    let request = list_instance_patch_states();
    let body = common::patch_states_body(10, 0, Some("MTRBMDc0NjAtRUJFNy00N0NBLTk3NTctMTJDQzQ"));

    let mut group = criterion.benchmark_group("list_instance_patch_states_10");
    // Everything a call computes, without the network: encode, sign, decode.
    group.bench_function("encode_sign_decode", |bencher| {
        bencher.iter(|| {
            let params = black_box(&request).to_params().expect("encodes");
            let now = SystemTime::now();
            let signed = client
                .runtime()
                .prepare(
                    call_spec(common::ACTION),
                    &params,
                    &credentials,
                    now,
                    &acs_runtime::nonce::next(now),
                )
                .expect("signs");
            let response: ListInstancePatchStatesResponse =
                acs_runtime::de::from_slice(black_box(body.as_bytes())).expect("decodes");
            (
                signed.request.uri().query().map_or(0, str::len),
                sdk_size(&response),
            )
        })
    });

    // The whole call on one task: the generated fluent builder, the runtime's send path,
    // HTTP/1.1 over a pooled loopback connection, and the test server (on its own thread),
    // which checks the signature.
    let server = common::ServerThread::start();
    let client = common::client(&server.endpoint);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    assert_eq!(runtime.block_on(common::call(&client)), 10);
    group.bench_function("full_call", |bencher| {
        bencher.iter(|| runtime.block_on(common::call(&client)))
    });
    group.finish();
    drop(server);
}

criterion_group!(benches, encode, sign, decode, call);
criterion_main!(benches);
