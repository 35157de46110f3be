//! A large object through the runtime's streamed bodies on loopback: one `PUT` from a file
//! (`ByteStream::from_path`) and one `GET` written to a file (`StreamedResponse::into_file`),
//! both held to the object's CRC-64, against the test server's object endpoints in a child
//! process, so that the peak RSS (`VmHWM`) read at the end is the client's alone.
//!
//! `stream_object [--mib N] [--dir DIR] [--python PATH]` prints one `RESULT` line: the object's
//! size, each direction's throughput in MiB/s and the client's peak RSS in KiB. The object and
//! its copies are written under `DIR` (the system's temporary directory by default) and removed
//! after. With `--python`, an interpreter that has the official OSS SDK V2
//! (`benches/official/requirements.txt`), the official SDK then moves the same object through
//! the same server (`benches/official/stream_object.py`), and the line carries its figures
//! (`official_upload_mib_s`, `official_download_mib_s`) and ours over them.

#![deny(unsafe_code)]

mod common;

use std::path::PathBuf;
use std::time::Instant;

use acs_runtime::{
    AuthScheme, ByteStream, CallOptions, CallSpec, Client, Config, Credentials, Method,
    RequestParams, Service,
};
use acs_test_server::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET};

use common::Args;
use common::objects::{self, ObjectServerProcess, REGION, write_object};

static OSS: Service = Service {
    product: "oss",
    api_version: "2019-05-17",
    endpoint_rule: "oss-{region}.aliyuncs.com",
    auth: AuthScheme::Oss4HmacSha256,
    protocol: "https",
    regional_endpoints: &[],
    sdk_name: "stream-object-bench",
    sdk_version: "0",
};

fn main() {
    let args = Args::from_env();
    if objects::serve_objects_if_asked(&args) {
        return;
    }
    let mib = args.number("--mib", 64) as u64;
    let scratch = args
        .text("--dir")
        .map_or_else(std::env::temp_dir, PathBuf::from)
        .join(format!("acs-stream-object-{}", std::process::id()));
    std::fs::create_dir_all(scratch.join("server")).expect("a scratch directory");
    let source = scratch.join("source");
    write_object(&source, mib);

    let server = ObjectServerProcess::spawn(&scratch.join("server"), 1);
    let endpoint = &server.endpoint;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let client = client(endpoint);
    let bytes = mib * 1024 * 1024;
    let (upload, download) = runtime.block_on(async {
        let started = Instant::now();
        let body = ByteStream::from_path(&source).await.expect("the object");
        let uploaded = client
            .invoke_streamed(
                call(Method::Put),
                with_payload(object(), body),
                &CallOptions::default(),
            )
            .await
            .expect("the upload succeeds and its CRC-64 is the server's");
        assert_eq!(uploaded.status(), 200);
        let upload = started.elapsed();

        let started = Instant::now();
        let written = client
            .invoke_streamed(call(Method::Get), object(), &CallOptions::default())
            .await
            .expect("the download starts")
            .into_file(scratch.join("copy"))
            .await
            .expect("the download arrives and its CRC-64 is the server's");
        assert_eq!(written, bytes);
        (upload, started.elapsed())
    });
    let peak_rss_kib = common::peak_rss_kib();
    let rate = |seconds: f64| mib as f64 / seconds;
    let (upload, download) = (rate(upload.as_secs_f64()), rate(download.as_secs_f64()));
    let mut line = format!(
        "RESULT object_mib={mib} upload_mib_s={upload:.1} download_mib_s={download:.1} \
         peak_rss_kib={peak_rss_kib}"
    );
    if let Some(python) = args.text("--python") {
        let (official_upload, official_download) = objects::official_seconds(
            python,
            "stream_object.py",
            endpoint,
            &source,
            &scratch.join("official-copy"),
            &[],
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
    std::fs::remove_dir_all(&scratch).expect("the scratch directory is removed");
    println!("{line}");
}

fn client(endpoint: &str) -> Client {
    let config = Config::builder()
        .endpoint(endpoint)
        .region(REGION)
        .credentials(Credentials::new(
            DEFAULT_ACCESS_KEY_ID,
            DEFAULT_ACCESS_KEY_SECRET,
            "bench",
        ))
        .build()
        .expect("a configuration");
    Client::new(&OSS, config)
}

fn call(method: Method) -> CallSpec<'static> {
    CallSpec {
        action: if method == Method::Put {
            "PutObject"
        } else {
            "GetObject"
        },
        method,
        path: "/{bucket}/{key}",
        idempotency_token: None,
        read_only: method == Method::Get,
        anonymous: false,
        auth: None,
        body_fields: None,
        defaults: Default::default(),
    }
}

fn object() -> RequestParams {
    let mut params = RequestParams::default();
    params.path.insert("bucket", "bench");
    params.path.insert("key", "object");
    params
}

fn with_payload(mut params: RequestParams, payload: ByteStream) -> RequestParams {
    params.put_stream_body(&payload, false);
    params
}
