//! Shared by the benches: the response fixture, a client for the local test server, the test
//! server in a thread or in a child process, and resource usage from the kernel.
//!
//! Every bench includes this module and uses part of it.
#![allow(dead_code)]

pub mod objects;
pub mod usage;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::thread::JoinHandle;
use std::time::Duration;

use acs_runtime::{Credentials, RetryConfig};
use acs_test_server::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Reply, TestServer};
use alibabacloud_oos::{Client, Config};

use usage::process_cpu;

/// The operation every client bench calls.
pub const ACTION: &str = "ListInstancePatchStates";

/// A ListInstancePatchStates response with `items` fully populated instances, numbered from
/// `first`, and `next_token` when it is not the last page.
pub fn patch_states_body(items: usize, first: usize, next_token: Option<&str>) -> String {
    let states: Vec<serde_json::Value> = (first..first + items)
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
    let mut body = serde_json::json!({
        "RequestId": "4C467B38-3910-447D-87BC-AC049166F216",
        "MaxResults": items,
        "InstancePatchStates": states
    });
    if let Some(token) = next_token {
        body["NextToken"] = serde_json::Value::from(token);
    }
    body.to_string()
}

/// A client for the test server's default credentials. Retries stay on, as in an application;
/// a bench that sees an error panics, so no retry goes unnoticed.
pub fn client(endpoint: &str) -> Client {
    let config = Config::builder()
        .region("cn-hangzhou")
        .endpoint(endpoint)
        .credentials(Credentials::new(
            DEFAULT_ACCESS_KEY_ID,
            DEFAULT_ACCESS_KEY_SECRET,
            "bench",
        ))
        .retry_config(RetryConfig::default().with_initial_backoff(Duration::from_millis(5)))
        .build()
        .expect("a valid configuration");
    Client::from_conf(config)
}

/// The call every client bench makes: ListInstancePatchStates, answered with 10 items.
pub async fn call(client: &Client) -> usize {
    let response = client
        .list_instance_patch_states()
        .region_id("cn-hangzhou")
        .max_results(10)
        .send()
        .await
        .expect("the test server answers");
    response
        .instance_patch_states
        .map_or(0, |states| states.len())
}

/// A test server on its own thread, with a single-threaded runtime, so that its CPU time can be
/// told apart from the client's.
pub struct ServerThread {
    pub endpoint: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl ServerThread {
    /// Starts a server answering every ListInstancePatchStates with a 10-item page.
    pub fn start() -> Self {
        let (endpoint_tx, endpoint_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("test-server".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a runtime");
                runtime.block_on(async move {
                    // Keeping every request would grow the server's memory on every call, on
                    // the CPU the pinned client shares with it, and cost the client 7–11% of
                    // its measured CPU per call through the caches (BENCHMARKS.md, run U);
                    // aws-sdk-ssm's server in `ssm-baseline` keeps none either.
                    let server = TestServer::builder()
                        .keep_requests(16)
                        .start()
                        .await
                        .expect("the test server starts");
                    server.set_default(ACTION, Reply::json(200, patch_states_body(10, 0, None)));
                    endpoint_tx
                        .send(server.endpoint())
                        .expect("the bench waits");
                    let _ = stopped.await;
                });
            })
            .expect("a thread");
        let endpoint = endpoint_rx.recv().expect("the server thread starts");
        ServerThread {
            endpoint,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// CPU time the server thread has used so far.
    pub fn cpu_time(&self) -> Duration {
        usage::thread_cpu_of(self.thread.as_ref().expect("running"))
    }
}

impl Drop for ServerThread {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The argument that makes a bench binary serve instead of measuring.
const SERVE: &str = "--serve-test-server";

/// What a server child process reports when its standard input closes.
#[derive(Debug, Default)]
pub struct ServerReport {
    pub requests: usize,
    pub unverified: usize,
    pub cpu: Duration,
    pub peak_rss_kib: u64,
}

/// A test server in a child process (this same executable), so that its memory, which grows
/// with every request it records, stays out of the measured process.
pub struct ServerProcess {
    pub endpoint: String,
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl ServerProcess {
    /// Serves `pages` pages of `page_size` items chained by `NextToken`, then 404; with
    /// `pages == 0`, a 10-item page for every call.
    pub fn spawn(pages: usize, page_size: usize) -> Self {
        let executable = std::env::current_exe().expect("the bench's own path");
        let mut child = Command::new(executable)
            .args([SERVE, &pages.to_string(), &page_size.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the server process starts");
        let stdin = child.stdin.take();
        let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
        let mut line = String::new();
        stdout
            .read_line(&mut line)
            .expect("the server's first line");
        let endpoint = line
            .trim()
            .strip_prefix("ENDPOINT ")
            .unwrap_or_else(|| panic!("unexpected server output {line:?}"))
            .to_string();
        ServerProcess {
            endpoint,
            child,
            stdin,
            stdout,
        }
    }

    /// Stops the server and returns what it measured.
    pub fn finish(mut self) -> ServerReport {
        drop(self.stdin.take());
        let mut output = String::new();
        self.stdout
            .read_to_string(&mut output)
            .expect("the server's report");
        let status = self.child.wait().expect("the server exits");
        assert!(status.success(), "the server failed: {status}");
        let mut report = ServerReport::default();
        for (key, value) in output
            .split_whitespace()
            .filter_map(|pair| pair.split_once('='))
        {
            match key {
                "requests" => report.requests = value.parse().unwrap_or(0),
                "unverified" => report.unverified = value.parse().unwrap_or(0),
                "cpu_us" => report.cpu = Duration::from_micros(value.parse().unwrap_or(0)),
                "peak_rss_kib" => report.peak_rss_kib = value.parse().unwrap_or(0),
                _ => {}
            }
        }
        report
    }
}

/// When this process was started as a server child, serves until standard input closes,
/// prints its report and returns `true`.
pub fn serve_if_asked() -> bool {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) != Some(SERVE) {
        return false;
    }
    let number = |index: usize| -> usize {
        args.get(index)
            .and_then(|text| text.parse().ok())
            .unwrap_or(0)
    };
    let (pages, page_size) = (number(2), number(3));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async move {
        let server = TestServer::start().await.expect("the test server starts");
        if pages == 0 {
            server.set_default(ACTION, Reply::json(200, patch_states_body(10, 0, None)));
        }
        // For the one-call binary's smoke run.
        server.set_default(
            "DescribeRegions",
            Reply::json(
                200,
                r#"{"RequestId":"1","Regions":[{"RegionId":"cn-hangzhou","RegionEndpoint":"oos.cn-hangzhou.aliyuncs.com"}]}"#,
            ),
        );
        for page in 0..pages {
            let token = (page + 1 < pages).then(|| format!("token-{}", page + 1));
            let body = patch_states_body(page_size, page * page_size, token.as_deref());
            server.enqueue(ACTION, Reply::json(200, body));
        }
        println!("ENDPOINT {}", server.endpoint());
        std::io::stdout().flush().expect("stdout");
        // Standard input closes when the bench is done (or dies).
        tokio::task::spawn_blocking(|| std::io::copy(&mut std::io::stdin(), &mut std::io::sink()))
            .await
            .expect("the stdin reader")
            .ok();
        let peak_rss_kib = peak_rss_kib();
        let cpu = process_cpu();
        let requests = server.requests();
        let unverified = requests
            .iter()
            .filter(|request| !request.signature_verified)
            .count();
        println!(
            "requests={} unverified={unverified} cpu_us={} peak_rss_kib={peak_rss_kib}",
            requests.len(),
            cpu.as_micros()
        );
    });
    true
}

/// `--name value` options after the executable; `cargo bench` adds `--bench`, which is ignored.
pub struct Args(Vec<String>);

impl Args {
    pub fn from_env() -> Self {
        Args(std::env::args().skip(1).collect())
    }

    pub fn number(&self, name: &str, default: usize) -> usize {
        self.text(name).map_or(default, |value| {
            value
                .parse()
                .unwrap_or_else(|_| panic!("{name} takes a number, not {value:?}"))
        })
    }

    pub fn numbers(&self, name: &str, default: &[usize]) -> Vec<usize> {
        self.text(name).map_or_else(
            || default.to_vec(),
            |value| {
                value
                    .split(',')
                    .map(|item| item.parse().expect("a comma-separated list of numbers"))
                    .collect()
            },
        )
    }

    pub fn flag(&self, name: &str) -> bool {
        self.0.iter().any(|arg| arg == name)
    }

    pub fn text(&self, name: &str) -> Option<&str> {
        let position = self.0.iter().position(|arg| arg == name)?;
        self.0.get(position + 1).map(String::as_str)
    }
}

/// A line of `/proc/self/status` in KiB (`VmHWM`, `VmRSS`).
fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Peak resident set size so far (`VmHWM`).
pub fn peak_rss_kib() -> u64 {
    status_kib("VmHWM")
}

/// Current resident set size (`VmRSS`).
pub fn rss_kib() -> u64 {
    status_kib("VmRSS")
}

/// The value at `fraction` (0 to 1) of sorted `values`.
pub fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() - 1) as f64 * fraction).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}
