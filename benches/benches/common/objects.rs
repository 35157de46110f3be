//! What the large-object benches (`stream_object`, `transfer`) share: the object written to a
//! file, and the test server's object endpoints in a child process of the bench's own
//! executable, so that the peak RSS the bench reads is the client's alone.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use acs_test_server::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, ObjectServer};

/// The argument that makes a bench's executable the object server.
const SERVE_OBJECTS: &str = "--serve-objects";
const SERVER_THREADS: &str = "--server-threads";
pub const REGION: &str = "cn-hangzhou";

/// `mib` MiB of bytes that differ from one offset to the next, written a MiB at a time.
pub fn write_object(path: &Path, mib: u64) {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).expect("the object file"));
    let mut chunk = vec![0u8; 1024 * 1024];
    for index in 0..mib {
        for (offset, byte) in chunk.iter_mut().enumerate() {
            *byte = (offset as u64 * 31 + index) as u8;
        }
        file.write_all(&chunk).expect("the object is written");
    }
    file.flush().expect("the object is written");
}

/// The object server in a child process storing under `directory`, until it is dropped.
pub struct ObjectServerProcess {
    child: Child,
    pub endpoint: String,
}

impl ObjectServerProcess {
    pub fn spawn(directory: &Path, worker_threads: usize) -> Self {
        let mut child = Command::new(std::env::current_exe().expect("the bench's own path"))
            .arg(SERVE_OBJECTS)
            .arg(directory)
            .arg(SERVER_THREADS)
            .arg(worker_threads.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the object server starts");
        let mut endpoint = String::new();
        BufReader::new(child.stdout.take().expect("piped"))
            .read_line(&mut endpoint)
            .expect("the server's endpoint");
        ObjectServerProcess {
            child,
            endpoint: endpoint.trim().to_owned(),
        }
    }
}

impl Drop for ObjectServerProcess {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

/// When started as the object server (`--serve-objects DIR --server-threads N`), serves until standard
/// input closes and returns `true`.
pub fn serve_objects_if_asked(args: &super::Args) -> bool {
    let Some(directory) = args.text(SERVE_OBJECTS) else {
        return false;
    };
    let worker_threads = args.number(SERVER_THREADS, 1);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(worker_threads)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let server = ObjectServer::start(directory, REGION)
            .await
            .expect("the object server binds");
        println!("{}", server.endpoint());
        std::io::stdout().flush().expect("the endpoint is sent");
        tokio::task::spawn_blocking(|| std::io::read_to_string(std::io::stdin()))
            .await
            .expect("stdin is read")
            .expect("stdin closes");
    });
    true
}

/// The seconds the official SDK's script `official/<script>` takes to upload `source` through
/// the object server at `endpoint` and to download it to `copy` (its `RESULT upload_s=…
/// download_s=…` line), the copy checked to be as long as the source. `extra` follows the
/// script's five fixed arguments.
pub fn official_seconds(
    python: &str,
    script: &str,
    endpoint: &str,
    source: &Path,
    copy: &Path,
    extra: &[String],
) -> (f64, f64) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("official")
        .join(script);
    let output = Command::new(python)
        .arg(script)
        .args([
            endpoint,
            REGION,
            DEFAULT_ACCESS_KEY_ID,
            DEFAULT_ACCESS_KEY_SECRET,
        ])
        .arg(source)
        .arg(copy)
        .args(extra)
        .output()
        .expect("the official SDK's script starts");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the official SDK's transfer failed: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let seconds = |key: &str| -> f64 {
        stdout
            .split_whitespace()
            .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))
            .and_then(|value| value.parse().ok())
            .unwrap_or_else(|| panic!("no {key} in {stdout}"))
    };
    assert_eq!(
        std::fs::metadata(copy).expect("the official copy").len(),
        std::fs::metadata(source).expect("the object").len()
    );
    (seconds("upload_s"), seconds("download_s"))
}
