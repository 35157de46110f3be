//! aws-sdk-ssm's client CPU per call, measured as `benches/benches/cpu_per_call.rs` measures the
//! generated client's: N DescribeInstancePatchStates calls (SSM's counterpart of OOS's
//! ListInstancePatchStates), one after another on a current-thread runtime, each answered with
//! 10 fully populated items by a loopback server on another thread of the same process.
//!
//! Run it under `taskset -c 0`, as `cargo xtask bench --only ssm-ratio` does.
//! `ssm-baseline [--calls N] [--warmup N]` prints the same `RESULT` line as `cpu_per_call`.

// Measuring CPU time takes three libc calls (`usage.rs`), each allowed where it is made.
#![deny(unsafe_code)]

#[path = "../../benches/common/usage.rs"]
#[allow(dead_code)]
mod usage;

use std::convert::Infallible;
use std::thread::JoinHandle;

use aws_sdk_ssm::config::{BehaviorVersion, Credentials, Region};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use usage::CallLoop;

/// Items in every reply, as in `cpu_per_call`.
const ITEMS: usize = 10;

fn main() {
    let calls = number("--calls", 2_000);
    let warmup = number("--warmup", 200);

    let server = ServerThread::start();
    let client = client(&server.endpoint);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        for _ in 0..warmup {
            assert_eq!(call(&client).await, ITEMS);
        }
    });

    let mut items = 0;
    let measured = CallLoop::measure(
        calls,
        || usage::thread_cpu_of(&server.thread),
        || {
            items = runtime.block_on(async {
                let mut items = 0;
                for _ in 0..calls {
                    items += call(&client).await;
                }
                items
            });
        },
    );
    assert_eq!(items, calls * ITEMS);
    println!("{}", measured.result_line());
}

/// `--name N` after the executable, or `default`.
fn number(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|arg| arg == name)
        .and_then(|position| args.get(position + 1))
        .map_or(default, |value| {
            value
                .parse()
                .unwrap_or_else(|_| panic!("{name} takes a number, not {value:?}"))
        })
}

/// A client as an application configures one without `aws-config`: static test credentials
/// (the server checks nothing), a region, the loopback endpoint, and the SDK's defaults for
/// everything else (its HTTP client, standard retries, stalled-stream protection).
fn client(endpoint: &str) -> aws_sdk_ssm::Client {
    let config = aws_sdk_ssm::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new(
            "AKIDBENCHMARKEXAMPLE",
            "bench-secret-access-key-for-loopback-only",
            None,
            None,
            "bench",
        ))
        .build();
    aws_sdk_ssm::Client::from_conf(config)
}

async fn call(client: &aws_sdk_ssm::Client) -> usize {
    let response = client
        .describe_instance_patch_states()
        .instance_ids("i-bp1jaxa2bs4bps700000")
        .max_results(ITEMS as i32)
        .send()
        .await
        .expect("the loopback server answers");
    response.instance_patch_states().len()
}

/// The reply: `ITEMS` instances with the fields of the OOS fixture
/// (`benches/benches/common/mod.rs`), in SSM's shapes (counts as numbers, times as epoch
/// seconds).
fn reply_body() -> Bytes {
    let states: Vec<String> = (0..ITEMS)
        .map(|n| {
            format!(
                r#"{{"InstanceId":"i-bp1jaxa2bs4bps7{n:05}","PatchGroup":"web-servers","BaselineId":"pb-0af5b2ddc1a54a9c93f0","OwnerInformation":"owner@example.com","InstalledCount":12,"InstalledOtherCount":3,"InstalledPendingRebootCount":0,"InstalledRejectedCount":0,"MissingCount":4,"FailedCount":1,"Operation":"Scan","OperationStartTime":1714552200.0,"OperationEndTime":1714552512.0}}"#
            )
        })
        .collect();
    Bytes::from(format!(
        r#"{{"InstancePatchStates":[{}]}}"#,
        states.join(",")
    ))
}

/// An AWS JSON 1.1 endpoint on 127.0.0.1 that answers every request with the same reply, on a
/// thread of its own with a current-thread runtime, so that its CPU time can be told apart from
/// the client's.
struct ServerThread {
    endpoint: String,
    thread: JoinHandle<()>,
}

impl ServerThread {
    fn start() -> Self {
        let (endpoint_tx, endpoint_rx) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("ssm-server".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a runtime");
                runtime.block_on(serve(endpoint_tx));
            })
            .expect("a thread");
        let endpoint = endpoint_rx.recv().expect("the server thread starts");
        ServerThread { endpoint, thread }
    }
}

/// Accepts connections until the process ends.
async fn serve(endpoint_tx: std::sync::mpsc::Sender<String>) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let address = listener.local_addr().expect("the bound address");
    endpoint_tx
        .send(format!("http://{address}"))
        .expect("the bench waits");
    let body = reply_body();
    loop {
        let (stream, _) = listener.accept().await.expect("a connection");
        let body = body.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request: Request<Incoming>| {
                let body = body.clone();
                async move {
                    // The whole request is read, as a real endpoint does.
                    let _ = request.into_body().collect().await;
                    Ok::<_, Infallible>(
                        Response::builder()
                            .header("content-type", "application/x-amz-json-1.1")
                            .header("x-amzn-requestid", "4c467b38-3910-447d-87bc-ac049166f216")
                            .body(Full::new(body))
                            .expect("a valid response"),
                    )
                }
            });
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}
