//! Throughput and latency under concurrency: T tasks share one client and make N calls in all
//! against the test server, which runs in a child process so that the peak RSS reported is the
//! client's alone (the server keeps every request it receives).
//!
//! `load [--tasks T] [--calls N]` prints one `RESULT` line.

// Measuring CPU time takes three libc calls (`common/mod.rs`), each allowed where it is
// made; nothing else may be `unsafe`.
#![deny(unsafe_code)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::usage::{micros, process_usage};
use common::{Args, ServerProcess, percentile};

fn main() {
    if common::serve_if_asked() {
        return;
    }
    let args = Args::from_env();
    let tasks = args.number("--tasks", 16).max(1);
    let calls = args.number("--calls", 2_000);

    let server = ServerProcess::spawn(0, 0);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let client = common::client(&server.endpoint);
    let rss_before_kib = common::rss_kib();

    // Warm up: every task makes two calls, so that the pool holds its connections.
    let warmup = tasks * 2;
    runtime.block_on(run(&client, tasks, warmup));

    let process_before = process_usage();
    let started = Instant::now();
    let mut latencies = runtime.block_on(run(&client, tasks, calls));
    let wall = started.elapsed();
    let process = process_usage().since(&process_before);
    let peak_rss_kib = common::peak_rss_kib();
    drop(client);
    drop(runtime);
    let server = server.finish();
    assert_eq!(latencies.len(), calls);
    assert_eq!(server.requests, warmup + calls, "no call was retried");
    assert_eq!(server.unverified, 0, "every signature verified");

    latencies.sort_unstable();
    println!(
        "RESULT tasks={tasks} calls={calls} calls_per_s={:.0} p50_us={:.1} p99_us={:.1} \
         max_us={:.1} client_cpu_us_per_call={:.2} peak_rss_kib={peak_rss_kib} \
         rss_before_kib={rss_before_kib} server_cpu_us_per_call={:.2} server_peak_rss_kib={}",
        calls as f64 / wall.as_secs_f64(),
        micros(percentile(&latencies, 0.50)),
        micros(percentile(&latencies, 0.99)),
        micros(percentile(&latencies, 1.0)),
        micros(process.total()) / calls as f64,
        micros(server.cpu) / (warmup + calls) as f64,
        server.peak_rss_kib,
    );
}

/// `calls` calls spread over `tasks` tasks sharing `client`; the latency of each.
async fn run(client: &alibabacloud_oos::Client, tasks: usize, calls: usize) -> Vec<Duration> {
    let next = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let client = client.clone();
            let next = Arc::clone(&next);
            tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(calls / tasks + 1);
                while next.fetch_add(1, Ordering::Relaxed) < calls {
                    let started = Instant::now();
                    assert_eq!(common::call(&client).await, 10);
                    latencies.push(started.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut all = Vec::with_capacity(calls);
    for handle in handles {
        all.extend(handle.await.expect("a task finishes"));
    }
    all
}
