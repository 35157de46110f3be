//! A large object through the OSS transfer helper on loopback: up from a file by multipart
//! upload in parallel parts (`TransferManager::upload_file`) and back into a file by ranged
//! `GET`s in parallel parts (`TransferManager::download_file`, held to the object's CRC-64),
//! through the generated OSS SDK, against the test server's object endpoints in a child
//! process, so that the peak RSS (`VmHWM`) read at the end is the client's alone.
//!
//! `transfer [--mib N] [--part-mib P] [--concurrency C] [--dir DIR] [--server-dir DIR]
//! [--python PATH]` prints one
//! `RESULT` line: the object's size, each direction's throughput in MiB/s, the seconds from the
//! last part sent to the upload's end (CompleteMultipartUpload) and the client's peak RSS in KiB. With `--python`, an interpreter that has the official OSS SDK V2
//! (`benches/official/requirements.txt`), the official SDK's uploader and downloader then move
//! the same object through the same server with the same part size and parallelism
//! (`benches/official/transfer.py`), and the line carries their figures and ours over them.

#![deny(unsafe_code)]

mod common;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use acs_runtime::{Config, Credentials, TimeoutConfig};
use acs_test_server::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET};
use alibabacloud_oss_transfer::{Progress, TransferManager};

use common::Args;
use common::objects::{self, ObjectServerProcess, REGION, write_object};

fn main() {
    let args = Args::from_env();
    if objects::serve_objects_if_asked(&args) {
        return;
    }
    let mib = args.number("--mib", 64) as u64;
    let part_mib = args.number("--part-mib", 6) as u64;
    let concurrency = args.number("--concurrency", 3);
    let scratch = args
        .text("--dir")
        .map_or_else(std::env::temp_dir, PathBuf::from)
        .join(format!("acs-transfer-{}", std::process::id()));
    // The server's files may go elsewhere (`--server-dir`, a tmpfs), so that the stand-in's
    // disk writes, which OSS does not make on the client's machine, do not bound both SDKs.
    let server_dir = args
        .text("--server-dir")
        .map_or_else(|| scratch.clone(), PathBuf::from)
        .join(format!("acs-transfer-server-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("a scratch directory");
    std::fs::create_dir_all(&server_dir).expect("the server's directory");
    let source = scratch.join("source");
    write_object(&source, mib);
    let server = ObjectServerProcess::spawn(&server_dir, 2);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let manager = TransferManager::new(client(&server.endpoint))
        .part_size(part_mib * 1024 * 1024)
        .concurrency(concurrency);
    let bytes = mib * 1024 * 1024;
    let (upload, completing, download) = runtime.block_on(async {
        let started = Instant::now();
        // When the last part is sent: what follows is CompleteMultipartUpload.
        let parts_sent = Arc::new(Mutex::new(None));
        let record = Arc::clone(&parts_sent);
        let uploaded = manager
            .upload_file("bench", "object", &source)
            .progress(Arc::new(move |progress: Progress| {
                if progress.done == progress.total {
                    *record.lock().expect("not poisoned") = Some(Instant::now());
                }
            }))
            .send()
            .await
            .expect("the upload succeeds");
        assert_eq!(uploaded.length, bytes);
        let upload = started.elapsed();
        let completing = parts_sent
            .lock()
            .expect("not poisoned")
            .map_or(Duration::ZERO, |sent| sent.elapsed());

        let started = Instant::now();
        let downloaded = manager
            .download_file("bench", "object", scratch.join("copy"), None)
            .await
            .expect("the download arrives and its CRC-64 is the object's");
        assert_eq!(downloaded.length, bytes);
        assert!(downloaded.crc64_checked, "the server gives the CRC-64");
        (upload, completing, started.elapsed())
    });
    let peak_rss_kib = common::peak_rss_kib();
    assert_eq!(
        std::fs::metadata(scratch.join("copy"))
            .expect("the copy")
            .len(),
        bytes
    );
    let rate = |seconds: f64| mib as f64 / seconds;
    let (upload, download) = (rate(upload.as_secs_f64()), rate(download.as_secs_f64()));
    let mut line = format!(
        "RESULT object_mib={mib} part_mib={part_mib} concurrency={concurrency} \
         upload_mib_s={upload:.1} complete_s={:.3} download_mib_s={download:.1} \
         peak_rss_kib={peak_rss_kib}",
        completing.as_secs_f64()
    );
    if let Some(python) = args.text("--python") {
        let (official_upload, official_download) = objects::official_seconds(
            python,
            "transfer.py",
            &server.endpoint,
            &source,
            &scratch.join("official-copy"),
            &[
                (part_mib * 1024 * 1024).to_string(),
                concurrency.to_string(),
            ],
        );
        let (official_upload, official_download) = (rate(official_upload), rate(official_download));
        line.push_str(&format!(
            " official_upload_mib_s={official_upload:.1} official_download_mib_s={official_download:.1} \
             upload_ratio={:.2} download_ratio={:.2}",
            upload / official_upload,
            download / official_download
        ));
    }
    drop(server);
    let _ = std::fs::remove_dir_all(&server_dir);
    std::fs::remove_dir_all(&scratch).expect("the scratch directory is removed");
    println!("{line}");
}

/// The generated OSS SDK's client for the object server (an IP: buckets go in the path).
fn client(endpoint: &str) -> alibabacloud_oss::Client {
    let config = Config::builder()
        .endpoint(endpoint)
        .region(REGION)
        .path_style(true)
        // The official SDK's read timeout (20 s) rather than ours (10 s), as both must wait
        // for the stand-in to join 1 GiB of parts when the upload completes, which a loaded
        // machine can take seconds to do.
        .timeout_config(TimeoutConfig {
            read: Duration::from_secs(20),
            ..TimeoutConfig::default()
        })
        .credentials(Credentials::new(
            DEFAULT_ACCESS_KEY_ID,
            DEFAULT_ACCESS_KEY_SECRET,
            "bench",
        ))
        .build()
        .expect("a configuration");
    alibabacloud_oss::Client::from_conf(config)
}
