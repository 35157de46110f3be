//! Process CPU time per call: N calls of the generated client, one after another on one task,
//! against the test server on another thread of the same process.
//!
//! Run it under `taskset -c 0` to keep client and server on one CPU: across CPUs, every
//! request and response wakes a sleeping CPU, which on a VM inflates system time.
//!
//! `cpu_per_call [--calls N] [--warmup N]` prints one `RESULT` line: wall time, process CPU
//! (user + system, from `getrusage`) and its split between the client's thread and the server's,
//! each in µs per call.

// Measuring CPU time takes three libc calls (`common/usage.rs`), each allowed where it is
// made; nothing else may be `unsafe`.
#![deny(unsafe_code)]

mod common;

use common::usage::CallLoop;
use common::{Args, ServerThread};

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

    let mut items = 0;
    let measured = CallLoop::measure(
        calls,
        || server.cpu_time(),
        || {
            items = runtime.block_on(async {
                let mut items = 0;
                for _ in 0..calls {
                    items += common::call(&client).await;
                }
                items
            });
        },
    );
    assert_eq!(items, calls * 10);
    drop(server);
    println!("{}", measured.result_line());
}
