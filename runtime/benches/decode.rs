//! Tolerant decoding against plain serde_json on a ListInstancePatchStates response of 10 items.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use serde::Deserialize;

#[derive(Deserialize)]
struct ListInstancePatchStatesResponse {
    #[serde(rename = "NextToken")]
    next_token: Option<String>,
    #[serde(rename = "RequestId")]
    request_id: Option<String>,
    #[serde(rename = "MaxResults")]
    max_results: Option<i32>,
    #[serde(rename = "InstancePatchStates")]
    instance_patch_states: Option<Vec<InstancePatchState>>,
}

#[derive(Deserialize)]
struct InstancePatchState {
    #[serde(rename = "InstanceId")]
    instance_id: Option<String>,
    #[serde(rename = "PatchGroup")]
    patch_group: Option<String>,
    #[serde(rename = "BaselineId")]
    baseline_id: Option<String>,
    #[serde(rename = "OwnerInformation")]
    owner_information: Option<String>,
    #[serde(rename = "InstalledCount")]
    installed_count: Option<String>,
    #[serde(rename = "InstalledOtherCount")]
    installed_other_count: Option<String>,
    #[serde(rename = "InstalledPendingRebootCount")]
    installed_pending_reboot_count: Option<String>,
    #[serde(rename = "InstalledRejectedCount")]
    installed_rejected_count: Option<String>,
    #[serde(rename = "MissingCount")]
    missing_count: Option<String>,
    #[serde(rename = "FailedCount")]
    failed_count: Option<String>,
    #[serde(rename = "OperationType")]
    operation_type: Option<String>,
    #[serde(rename = "OperationStartTime")]
    operation_start_time: Option<String>,
    #[serde(rename = "OperationEndTime")]
    operation_end_time: Option<String>,
}

impl ListInstancePatchStatesResponse {
    /// Touches every field, so that nothing decoded is optimised away.
    fn total_length(&self) -> usize {
        let text = |field: &Option<String>| field.as_ref().map_or(0, String::len);
        let states = self.instance_patch_states.iter().flatten().map(|state| {
            [
                &state.instance_id,
                &state.patch_group,
                &state.baseline_id,
                &state.owner_information,
                &state.installed_count,
                &state.installed_other_count,
                &state.installed_pending_reboot_count,
                &state.installed_rejected_count,
                &state.missing_count,
                &state.failed_count,
                &state.operation_type,
                &state.operation_start_time,
                &state.operation_end_time,
            ]
            .into_iter()
            .map(text)
            .sum::<usize>()
        });
        text(&self.next_token)
            + text(&self.request_id)
            + self.max_results.map_or(0, |n| n as usize)
            + states.sum::<usize>()
    }
}

fn response_body() -> Vec<u8> {
    let states: Vec<serde_json::Value> = (0..10)
        .map(|n| {
            serde_json::json!({
                "InstanceId": format!("i-bp1jaxa2bs4bps7{n:05}"),
                "PatchGroup": "web-servers",
                "BaselineId": "pb-0af5b2ddc1a54a9c93f0",
                "OwnerInformation": "owner@example.com",
                "InstalledCount": "12",
                "InstalledOtherCount": "3",
                "InstalledPendingRebootCount": "0",
                "InstalledRejectedCount": "0",
                "MissingCount": "4",
                "FailedCount": "1",
                "OperationType": "Scan",
                "OperationStartTime": "2024-05-01T08:30:00Z",
                "OperationEndTime": "2024-05-01T08:35:12Z"
            })
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({
        "NextToken": "MTRBMDc0NjAtRUJFNy00N0NBLTk3NTctMTJDQzQ",
        "RequestId": "4C467B38-3910-447D-87BC-AC049166F216",
        "MaxResults": 10,
        "InstancePatchStates": states
    }))
    .expect("serialisable")
}

fn decode(criterion: &mut Criterion) {
    let body = response_body();
    let plain: ListInstancePatchStatesResponse =
        serde_json::from_slice(&body).expect("plain decode");
    let tolerant: ListInstancePatchStatesResponse =
        acs_runtime::de::from_slice(&body).expect("tolerant decode");
    assert_eq!(plain.total_length(), tolerant.total_length());

    let mut group = criterion.benchmark_group("decode_list_instance_patch_states_10");
    group.bench_function("serde_json::from_slice", |bencher| {
        bencher.iter(|| {
            let response: ListInstancePatchStatesResponse =
                serde_json::from_slice(black_box(&body)).expect("plain decode");
            response.total_length()
        })
    });
    group.bench_function("de::from_slice", |bencher| {
        bencher.iter(|| {
            let response: ListInstancePatchStatesResponse =
                acs_runtime::de::from_slice(black_box(&body)).expect("tolerant decode");
            response.total_length()
        })
    });
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
