//! Per-call client CPU: criterion bench `client` (signing, encoding, decoding, the full call
//! against the test server), and the measurement program `cpu_per_call`, pinned to CPU 0 and
//! not, which splits a call's CPU into the client's thread and the test server's.

use super::Bench;
use super::process::step;
use super::programs::column;
use super::stats::Stats;

pub fn run(bench: &mut Bench) -> Result<(), String> {
    step("per-call CPU (criterion)");
    let samples = bench.criterion("client")?;
    let micros = |id: &str| -> Result<Stats, String> {
        samples
            .get(id)
            .map(|values| Stats::of(values).scaled(1e-3))
            .ok_or_else(|| format!("no samples for {id}"))
    };
    let rows: [(&str, &str, Option<&str>); 10] = [
        ("sign/acs3_signature_only", "ACS3 signature alone", None),
        (
            "sign/signed_request",
            "signing one attempt (date, nonce, signature, http::Request)",
            None,
        ),
        (
            "encode/start_execution_12_params",
            "encoding StartExecution, 12 parameters",
            None,
        ),
        (
            "encode/list_inventory_entries_repeat_list",
            "encoding ListInventoryEntries with a repeatList filter",
            None,
        ),
        (
            "encode_and_sign/start_execution",
            "encoding + signing StartExecution",
            Some("< 5 µs"),
        ),
        (
            "decode_list_instance_patch_states_10/serde_json_hand_written",
            "decoding 10 items: plain serde_json, hand-written struct",
            None,
        ),
        (
            "decode_list_instance_patch_states_10/serde_json_sdk_type",
            "decoding 10 items: plain serde_json, SDK type",
            None,
        ),
        (
            "decode_list_instance_patch_states_10/sdk",
            "decoding 10 items: SDK (tolerant)",
            None,
        ),
        (
            "list_instance_patch_states_10/encode_sign_decode",
            "ListInstancePatchStates 10 items: encode + sign + decode",
            None,
        ),
        (
            "list_instance_patch_states_10/full_call",
            "full call against the test server, one task (wall)",
            None,
        ),
    ];
    for (id, name, target) in rows {
        let stats = micros(id)?;
        let target = target.map(|text| (text, stats.median < 5.0));
        bench.figure(name, "µs", stats, target);
    }
    let plain = micros("decode_list_instance_patch_states_10/serde_json_hand_written")?;
    let sdk = micros("decode_list_instance_patch_states_10/sdk")?;
    let sdk_type = micros("decode_list_instance_patch_states_10/serde_json_sdk_type")?;
    let ratio = sdk.median / plain.median;
    bench.figure(
        "decoding: SDK ÷ plain serde_json (ratio of medians)",
        "×",
        Stats::of(&[ratio]),
        Some(("≤ 1.3×", ratio <= 1.3)),
    );
    bench.figure(
        "decoding: SDK type through plain serde_json ÷ hand-written (ratio of medians)",
        "×",
        Stats::of(&[sdk_type.median / plain.median]),
        None,
    );
    let full = micros("list_instance_patch_states_10/full_call")?;
    bench.figure(
        "full call, one task: calls per second (from the median)",
        "calls/s",
        full.reciprocal(1e6),
        None,
    );

    let calls = if bench.options.quick { "2000" } else { "20000" };
    let args = ["--calls", calls, "--warmup", "1000"];
    for pin in [true, false] {
        let label = if pin {
            "pinned to CPU 0 (taskset -c 0)"
        } else {
            "not pinned"
        };
        step(&format!("process CPU per call, {label}"));
        let results = bench.measure("cpu_per_call", pin, &args, bench.options.runs())?;
        let client_cpu = column(&results, "client_thread_cpu_us")?;
        bench.figure(
            format!("full call, {label}: client thread CPU per call"),
            "µs",
            client_cpu,
            pin.then_some(("< 30 µs", client_cpu.median < 30.0)),
        );
        for (key, name) in [
            ("client_thread_user_us", "of which user"),
            ("client_thread_sys_us", "of which system"),
            ("server_thread_cpu_us", "test server thread CPU per call"),
            ("process_cpu_us", "process CPU (user + system) per call"),
            ("wall_us", "wall time per call"),
        ] {
            let stats = column(&results, key)?;
            bench.figure(format!("full call, {label}: {name}"), "µs", stats, None);
        }
        let stats = column(&results, "calls_per_s")?;
        bench.figure(
            format!("full call, {label}: calls per second"),
            "calls/s",
            stats,
            None,
        );
    }
    Ok(())
}
