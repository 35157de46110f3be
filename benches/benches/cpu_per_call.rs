//! Process CPU time per call: N calls of the generated client, one after another on one task,
//! against the test server on another thread of the same process.
//!
//! Run it under `taskset -c 0` to keep client and server on one CPU: across CPUs, every
//! request and response wakes a sleeping CPU, which on a VM inflates system time.
//!
//! `cpu_per_call [--calls N] [--warmup N]` prints one `RESULT` line: wall time, process CPU
//! (user + system, from `getrusage`) and its split between the client's thread and the server's,
//! each in µs per call.

// Measuring CPU time takes three libc calls (`common/mod.rs`), each allowed where it is
// made; nothing else may be `unsafe`.
#![deny(unsafe_code)]

mod common;

use std::time::Instant;

use common::{Args, ServerThread, micros};

fn main() {
    let args = Args::from_env();
    let calls = args.number("--calls", 2_000);
    let warmup = args.number("--warmup", 200);

    let server = ServerThread::start();
    let client = common::client(&server.endpoint);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        for _ in 0..warmup {
            assert_eq!(common::call(&client).await, 10);
        }
    });

    let process_before = common::process_usage();
    let client_thread_before = common::thread_usage();
    let client_cpu_before = common::thread_cpu();
    let server_cpu_before = server.cpu_time();
    let started = Instant::now();
    let items = runtime.block_on(async {
        let mut items = 0;
        for _ in 0..calls {
            items += common::call(&client).await;
        }
        items
    });
    let wall = started.elapsed();
    let server_cpu = server.cpu_time() - server_cpu_before;
    let client_cpu = common::thread_cpu() - client_cpu_before;
    let client_thread = common::thread_usage().since(&client_thread_before);
    let process = common::process_usage().since(&process_before);
    assert_eq!(items, calls * 10);
    drop(server);

    let per_call = |duration: std::time::Duration| micros(duration) / calls as f64;
    let other = process
        .total()
        .saturating_sub(client_cpu)
        .saturating_sub(server_cpu);
    println!(
        "RESULT calls={calls} wall_us={:.2} calls_per_s={:.0} process_cpu_us={:.2} \
         process_user_us={:.2} process_sys_us={:.2} client_thread_cpu_us={:.2} \
         client_thread_user_us={:.2} client_thread_sys_us={:.2} server_thread_cpu_us={:.2} \
         other_threads_cpu_us={:.2} voluntary_switches_per_call={:.2} involuntary_switches_per_call={:.3}",
        per_call(wall),
        calls as f64 / wall.as_secs_f64(),
        per_call(process.total()),
        per_call(process.user),
        per_call(process.system),
        per_call(client_cpu),
        per_call(client_thread.user),
        per_call(client_thread.system),
        per_call(server_cpu),
        per_call(other),
        process.voluntary_switches as f64 / calls as f64,
        process.involuntary_switches as f64 / calls as f64,
    );
}
