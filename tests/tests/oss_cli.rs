//! `oss cp`, `oss ls` and `oss rm` end to end: the built `oss` binary against the test server's object
//! store on 127.0.0.1, which verifies every OSS4 signature, stores what is uploaded and lists
//! it as OSS does.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use acs_test_server::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, ObjectServer, PutFault};

const REGION: &str = "cn-hangzhou";
const BUCKET: &str = "examplebucket";

/// A directory of this test's own, empty.
fn scratch(name: &str) -> PathBuf {
    let directory = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("oss-cli")
        .join(name);
    let _ = std::fs::remove_dir_all(&directory);
    std::fs::create_dir_all(&directory).unwrap();
    directory
}

/// A server storing objects in `directory/store`.
async fn server(directory: &Path) -> ObjectServer {
    let store = directory.join("store");
    std::fs::create_dir_all(&store).unwrap();
    ObjectServer::start(store, REGION).await.unwrap()
}

/// Runs `oss ARGS` against `server` with the test credentials in the environment, and
/// nothing else of the machine's.
async fn oss(server: &ObjectServer, args: &[&str]) -> Output {
    oss_with_secret(server, DEFAULT_ACCESS_KEY_SECRET, args).await
}

async fn oss_with_secret(server: &ObjectServer, secret: &str, args: &[&str]) -> Output {
    let mut command = tokio::process::Command::new(integration_tests::oss_binary());
    command
        .env_clear()
        .env("HOME", std::env::temp_dir().join("oss-cli-tests-home"))
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", DEFAULT_ACCESS_KEY_ID)
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", secret)
        .args(args)
        .args(["--endpoint", &server.endpoint(), "--region", REGION]);
    tokio::time::timeout(Duration::from_secs(120), command.output())
        .await
        .expect("oss ends within two minutes")
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn assert_succeeds(output: &Output) {
    assert!(output.status.success(), "oss failed: {}", stderr(output));
    // stderr is not a terminal here: no progress bar, nothing at all.
    assert_eq!(stderr(output), "");
}

/// The command exits with `code`, saying `message` and never the secret it signs with.
fn assert_fails(output: &Output, code: i32, message: &str) {
    let said = stderr(output);
    assert_eq!(output.status.code(), Some(code), "{said}");
    assert!(said.contains(message), "no `{message}` in:\n{said}");
    assert!(!said.contains(DEFAULT_ACCESS_KEY_SECRET), "{said}");
}

/// `length` bytes that are not all alike.
fn content(length: usize) -> Vec<u8> {
    (0..length).map(|i| (i * 7 % 251) as u8).collect()
}

#[tokio::test]
async fn a_file_larger_than_a_part_goes_up_in_parts_and_comes_back_by_ranges() {
    let directory = scratch("in-parts");
    let server = server(&directory).await;
    // Two whole parts of the default 6 MiB and a short third one.
    let original = content(12 * 1024 * 1024 + 333);
    let file = directory.join("big.bin");
    std::fs::write(&file, &original).unwrap();

    let up = oss(
        &server,
        &["cp", file.to_str().unwrap(), "oss://examplebucket/big.bin"],
    )
    .await;
    assert_succeeds(&up);
    let mut parts = server.uploaded_parts();
    parts.sort();
    assert_eq!(parts, [1, 2, 3]);
    assert!(
        server.put_lengths().is_empty(),
        "no PutObject: {:?}",
        server.put_lengths()
    );
    assert_eq!(server.open_uploads(), 0);

    let copy = directory.join("big-copy.bin");
    let down = oss(
        &server,
        &["cp", "oss://examplebucket/big.bin", copy.to_str().unwrap()],
    )
    .await;
    assert_succeeds(&down);
    assert!(std::fs::read(&copy).unwrap() == original);
}

#[tokio::test]
async fn a_file_goes_up_and_comes_back_the_same() {
    let directory = scratch("round-trip");
    let server = server(&directory).await;
    let original = content(3 * 1024 * 1024 + 5);
    let file = directory.join("data.bin");
    std::fs::write(&file, &original).unwrap();

    let up = oss(
        &server,
        &[
            "cp",
            file.to_str().unwrap(),
            "oss://examplebucket/dir/data.bin",
        ],
    )
    .await;
    assert_succeeds(&up);
    let stored = server.object(BUCKET, "dir/data.bin").unwrap();
    assert_eq!(stored.length, original.len() as u64);

    let copy = directory.join("copy.bin");
    let down = oss(
        &server,
        &[
            "cp",
            "oss://examplebucket/dir/data.bin",
            copy.to_str().unwrap(),
        ],
    )
    .await;
    assert_succeeds(&down);
    assert!(std::fs::read(&copy).unwrap() == original);

    // Into a directory: the object's name; to `-`: stdout.
    let into = directory.join("into");
    std::fs::create_dir(&into).unwrap();
    let down = oss(
        &server,
        &[
            "cp",
            "oss://examplebucket/dir/data.bin",
            into.to_str().unwrap(),
        ],
    )
    .await;
    assert_succeeds(&down);
    assert!(std::fs::read(into.join("data.bin")).unwrap() == original);
    let piped = oss(&server, &["cp", "oss://examplebucket/dir/data.bin", "-"]).await;
    assert_succeeds(&piped);
    assert!(piped.stdout == original);
    // No partial file is left behind.
    let mut left: Vec<String> = std::fs::read_dir(&directory)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["copy.bin", "data.bin", "into", "store"]);

    // A key ending with `/` takes the file's name.
    let up = oss(
        &server,
        &["cp", file.to_str().unwrap(), "oss://examplebucket/other/"],
    )
    .await;
    assert_succeeds(&up);
    assert!(server.object(BUCKET, "other/data.bin").is_some());
}

#[tokio::test]
async fn an_upload_refused_once_is_sent_again_whole() {
    let directory = scratch("retry");
    let server = server(&directory).await;
    let file = directory.join("data.bin");
    std::fs::write(&file, content(700 * 1024)).unwrap();
    server.fail_next_put(PutFault::Unavailable);
    let up = oss(
        &server,
        &["cp", file.to_str().unwrap(), "oss://examplebucket/data.bin"],
    )
    .await;
    assert_succeeds(&up);
    assert_eq!(server.put_lengths(), [700 * 1024, 700 * 1024]);
}

#[tokio::test]
async fn ls_pages_through_every_object_under_a_prefix() {
    let directory = scratch("listing");
    let server = server(&directory).await;
    let file = directory.join("small.txt");
    std::fs::write(&file, b"abc").unwrap();
    let keys = [
        "logs/2024/a.log",
        "logs/2024/b.log",
        "logs/2025/c.log",
        "logs/d.log",
        "logs/e.log",
        "photos/cat.jpg",
    ];
    for key in keys {
        let up = oss(
            &server,
            &[
                "cp",
                file.to_str().unwrap(),
                &format!("oss://examplebucket/{key}"),
            ],
        )
        .await;
        assert_succeeds(&up);
    }
    std::fs::write(&file, b"abcdef").unwrap();
    let up = oss(
        &server,
        &["cp", file.to_str().unwrap(), "oss://otherbucket/x"],
    )
    .await;
    assert_succeeds(&up);

    // Five objects, two a page: three requests, every object once, in order.
    let short = oss(
        &server,
        &["ls", "oss://examplebucket/logs/", "--page-size", "2", "-s"],
    )
    .await;
    assert_succeeds(&short);
    let listed: Vec<String> = keys[..5]
        .iter()
        .map(|key| format!("oss://examplebucket/{key}"))
        .collect();
    assert_eq!(
        String::from_utf8(short.stdout).unwrap(),
        listed.join("\n") + "\n"
    );

    // The long format: modified, size, storage class, URL.
    let long = oss(&server, &["ls", "oss://otherbucket"]).await;
    assert_succeeds(&long);
    let line = String::from_utf8(long.stdout).unwrap();
    let columns: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(
        columns[1..],
        ["6", "Standard", "oss://otherbucket/x"],
        "{line}"
    );
    assert!(
        columns[0].ends_with('Z') && columns[0].len() == 24,
        "{line}"
    );

    // One level: the "directories" and the objects beside them.
    let level = oss(
        &server,
        &[
            "ls",
            "oss://examplebucket/logs/",
            "-d",
            "-s",
            "--page-size",
            "1",
        ],
    )
    .await;
    assert_succeeds(&level);
    assert_eq!(
        String::from_utf8(level.stdout).unwrap(),
        "oss://examplebucket/logs/2024/\noss://examplebucket/logs/2025/\n\
         oss://examplebucket/logs/d.log\noss://examplebucket/logs/e.log\n"
    );

    let buckets = oss(&server, &["ls", "-s", "--page-size", "1"]).await;
    assert_succeeds(&buckets);
    assert_eq!(
        String::from_utf8(buckets.stdout).unwrap(),
        "oss://examplebucket\noss://otherbucket\n"
    );
}

#[tokio::test]
async fn ls_shows_keys_xml_cannot_carry_as_they_were_written() {
    let directory = scratch("awkward-keys");
    let server = server(&directory).await;
    let file = directory.join("small.txt");
    std::fs::write(&file, b"abc").unwrap();
    let mut keys = [
        "x y/a b+c.txt",
        "x y/100%.txt",
        "x y/中文 😀.png",
        "x y/ctl\u{1}end",
    ];
    for key in keys {
        let url = format!("oss://{BUCKET}/{key}");
        assert_succeeds(&oss(&server, &["cp", file.to_str().unwrap(), &url]).await);
    }
    keys.sort_unstable();
    let listed = oss(
        &server,
        &["ls", "oss://examplebucket/x y/", "--page-size", "1", "-s"],
    )
    .await;
    assert_succeeds(&listed);
    let urls: Vec<String> = keys
        .iter()
        .map(|key| format!("oss://{BUCKET}/{key}"))
        .collect();
    assert_eq!(
        String::from_utf8(listed.stdout).unwrap(),
        urls.join("\n") + "\n"
    );
}

#[tokio::test]
async fn failures_exit_with_the_engines_codes_and_never_show_the_secret() {
    let directory = scratch("failures");
    let server = server(&directory).await;
    let file = directory.join("small.txt");
    std::fs::write(&file, b"abc").unwrap();
    let path = file.to_str().unwrap();
    assert_succeeds(&oss(&server, &["cp", path, "oss://examplebucket/k"]).await);

    // The service's errors: 3, with the code and the request id.
    let missing_bucket = oss(&server, &["ls", "oss://nosuchbucket/"]).await;
    assert_fails(&missing_bucket, 3, "NoSuchBucket");
    assert_fails(&missing_bucket, 3, "RequestId: object-server");
    let target = directory.join("never");
    let missing_key = oss(
        &server,
        &[
            "cp",
            "oss://examplebucket/missing",
            target.to_str().unwrap(),
        ],
    )
    .await;
    assert_fails(&missing_key, 3, "NoSuchKey");
    assert!(!target.exists());
    let missing_bucket = oss(&server, &["cp", "oss://nosuchbucket/k", "-"]).await;
    assert_fails(&missing_bucket, 3, "NoSuchBucket");

    // Usage errors: 2, before anything is sent.
    for args in [
        ["cp", path, "oss://Bad_Bucket/k"],
        ["cp", path, "oss:///k"],
        ["cp", "./no/such/file", "oss://examplebucket/k"],
        ["cp", path, "./elsewhere"],
        ["cp", "oss://examplebucket/k", "oss://examplebucket/k2"],
        ["cp", "oss://examplebucket/dir/", "-"],
        ["ls", "https://examplebucket", "-s"],
    ] {
        let output = oss(&server, &args).await;
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).starts_with("ERROR: "),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    let unknown = oss(&server, &["ls", "--no-such-flag"]).await;
    assert_eq!(unknown.status.code(), Some(2));

    // A wrong secret: the service refuses the signature (3), and the secret is not shown.
    let secret = "not-the-secret-0123456789";
    let refused = oss_with_secret(
        &server,
        secret,
        &["ls", "oss://examplebucket", "--log-level", "debug"],
    )
    .await;
    assert_fails(&refused, 3, "SignatureDoesNotMatch");
    assert!(!stderr(&refused).contains(secret));
    assert!(!String::from_utf8_lossy(&refused.stdout).contains(secret));
}

/// Runs `oss ARGS` with `input` on its standard input, and the peak resident memory it reached
/// (`VmHWM`, read while it runs; Linux only), in KiB.
async fn oss_with_stdin(server: &ObjectServer, args: &[&str], input: Vec<u8>) -> (Output, u64) {
    let mut command = tokio::process::Command::new(integration_tests::oss_binary());
    command
        .env_clear()
        .env("HOME", std::env::temp_dir().join("oss-cli-tests-home"))
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", DEFAULT_ACCESS_KEY_ID)
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", DEFAULT_ACCESS_KEY_SECRET)
        .args(args)
        .args(["--endpoint", &server.endpoint(), "--region", REGION])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = command.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feeding = tokio::spawn(async move {
        use tokio::io::AsyncWriteExt;
        // The command may stop reading early (a refused flag): that is its to report.
        let _ = stdin.write_all(&input).await;
    });
    let peak = peak_memory_kib(child.id().unwrap());
    let output = tokio::time::timeout(Duration::from_secs(120), child.wait_with_output())
        .await
        .expect("oss ends within two minutes")
        .unwrap();
    feeding.await.unwrap();
    (output, peak.await.unwrap())
}

/// The highest `VmHWM` of process `pid` until it ends (0 where `/proc` does not tell).
fn peak_memory_kib(pid: u32) -> tokio::task::JoinHandle<u64> {
    tokio::spawn(async move {
        let mut peak = 0;
        while let Ok(status) = tokio::fs::read_to_string(format!("/proc/{pid}/status")).await {
            let Some(kib) = status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            else {
                break;
            };
            peak = peak.max(kib);
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        peak
    })
}

/// An object of several MiB, streamed by the command (see `MEMORY_BOUND_KIB`).
const LARGE: usize = 24 * 1024 * 1024 + 11;
/// What the `oss` command may hold at its peak while it streams a `LARGE` object. A debug
/// build peaks at about 18 MiB whatever the object's size (its code and runtime); one that
/// held the body whole would need that and the object's 24 MiB.
const MEMORY_BOUND_KIB: u64 = 32 * 1024;

fn json(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes)
        .unwrap_or_else(|error| panic!("not JSON ({error}): {}", String::from_utf8_lossy(bytes)))
}

#[tokio::test]
async fn put_object_and_get_object_stream_a_file_both_ways_in_bounded_memory() {
    let directory = scratch("bodies-file");
    let server = server(&directory).await;
    let original = content(LARGE);
    let file = directory.join("large.bin");
    std::fs::write(&file, &original).unwrap();
    let body = format!("file://{}", file.display());

    let (up, up_peak) = oss_with_stdin(
        &server,
        &[
            "PutObject",
            "--bucket",
            BUCKET,
            "--key",
            "large.bin",
            "--body",
            &body,
        ],
        Vec::new(),
    )
    .await;
    assert_succeeds(&up);
    let stored = server.object(BUCKET, "large.bin").unwrap();
    assert_eq!(stored.length, LARGE as u64);
    // The response's header fields, checked against the upload's CRC-64 by the command.
    let answered = json(&up.stdout);
    assert_eq!(answered["x-oss-hash-crc64ecma"], stored.crc64.to_string());
    assert!(answered["ETag"].is_string(), "{answered}");

    let copy = directory.join("copy.bin");
    let (down, down_peak) = oss_with_stdin(
        &server,
        &[
            "GetObject",
            "--bucket",
            BUCKET,
            "--key",
            "large.bin",
            "--outfile",
            copy.to_str().unwrap(),
        ],
        Vec::new(),
    )
    .await;
    assert_succeeds(&down);
    assert!(std::fs::read(&copy).unwrap() == original);
    // The response's header fields, typed as the SDK's (a length is a number), and nothing
    // else of the headers.
    let fields = json(&down.stdout);
    assert_eq!(
        fields,
        serde_json::json!({
            "Content-Length": LARGE,
            "Content-Type": "application/octet-stream",
            "ETag": answered["ETag"],
            "x-oss-hash-crc64ecma": stored.crc64.to_string(),
        })
    );
    // Nothing but the object and its copy: no partial file is left.
    let mut left: Vec<String> = std::fs::read_dir(&directory)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["copy.bin", "large.bin", "store"]);

    if cfg!(target_os = "linux") {
        for (direction, peak) in [("up", up_peak), ("down", down_peak)] {
            assert!(peak > 0, "{direction}: no VmHWM read");
            assert!(
                peak < MEMORY_BOUND_KIB,
                "{direction}: peak RSS {peak} KiB for a {LARGE}-byte object"
            );
        }
    }
}

#[tokio::test]
async fn bodies_come_from_stdin_and_text_and_go_to_stdout() {
    let directory = scratch("bodies-stdio");
    let server = server(&directory).await;
    let original = content(LARGE);

    let (up, up_peak) = oss_with_stdin(
        &server,
        &[
            "PutObject",
            "--bucket",
            BUCKET,
            "--key",
            "piped",
            "--body",
            "-",
        ],
        original.clone(),
    )
    .await;
    assert_succeeds(&up);
    assert_eq!(server.put_lengths(), [LARGE as u64]);
    assert_eq!(server.object(BUCKET, "piped").unwrap().length, LARGE as u64);

    // stdout is a pipe here: the body goes there unasked, and the headers to stderr.
    let (down, down_peak) = oss_with_stdin(
        &server,
        &["GetObject", "--bucket", BUCKET, "--key", "piped"],
        Vec::new(),
    )
    .await;
    assert!(down.status.success(), "{}", stderr(&down));
    assert!(down.stdout == original, "the body, and nothing else");
    let fields = json(&down.stderr);
    assert_eq!(fields["Content-Length"], LARGE);
    if cfg!(target_os = "linux") {
        for (direction, peak) in [("up", up_peak), ("down", down_peak)] {
            assert!(
                peak > 0 && peak < MEMORY_BOUND_KIB,
                "{direction}: peak RSS {peak} KiB"
            );
        }
    }

    // Text is the body's bytes, whatever it starts with; `--outfile -` asks for stdout.
    for text in ["hello", "-1", "--not-an-option"] {
        let up = oss(
            &server,
            &[
                "PutObject",
                "--bucket",
                BUCKET,
                "--key",
                "text",
                "--body",
                text,
            ],
        )
        .await;
        assert_succeeds(&up);
        let down = oss(
            &server,
            &[
                "GetObject",
                "--bucket",
                BUCKET,
                "--key",
                "text",
                "--outfile",
                "-",
                "--quiet",
            ],
        )
        .await;
        assert_succeeds(&down);
        assert_eq!(down.stdout, text.as_bytes());
    }
}

#[tokio::test]
async fn body_errors_are_clear_and_leave_files_as_they_were() {
    let directory = scratch("bodies-errors");
    let server = server(&directory).await;
    let missing = directory.join("missing.bin");
    let put = |key: &'static str, body: String| {
        let server = &server;
        async move {
            oss(
                server,
                &[
                    "PutObject",
                    "--bucket",
                    BUCKET,
                    "--key",
                    key,
                    "--body",
                    &body,
                ],
            )
            .await
        }
    };

    // A file that is not there: a usage error, before anything is sent.
    let output = put("k", format!("file://{}", missing.display())).await;
    assert_fails(&output, 2, "cannot read");
    assert_fails(&output, 2, "missing.bin");
    assert!(server.put_lengths().is_empty());

    // The upload's CRC-64 is not the service's: exit 1, saying so.
    server.fail_next_put(PutFault::WrongCrc);
    let output = put("k", "some bytes".to_owned()).await;
    assert_fails(&output, 1, "CRC-64");

    // An output that cannot be written: a usage error, before anything is sent.
    let file = directory.join("object.bin");
    std::fs::write(&file, content(1024 * 1024)).unwrap();
    let output = put("object.bin", format!("file://{}", file.display())).await;
    assert_succeeds(&output);
    let get = |outfile: PathBuf| {
        let server = &server;
        async move {
            oss(
                server,
                &[
                    "GetObject",
                    "--bucket",
                    BUCKET,
                    "--key",
                    "object.bin",
                    "--outfile",
                    outfile.to_str().unwrap(),
                ],
            )
            .await
        }
    };
    let output = get(directory.join("no-such-directory").join("x.bin")).await;
    assert_fails(&output, 2, "cannot write");
    let output = get(directory.clone()).await;
    assert_fails(&output, 2, "is a directory");

    // The object damaged in the store: the download fails its CRC-64 check (exit 1), and the
    // file it was to replace is left as it was.
    let stored = std::fs::read_dir(directory.join("store"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| path.to_string_lossy().ends_with("object.bin"))
        .expect("the object's file in the store");
    let mut damaged = std::fs::read(&stored).unwrap();
    damaged[1000] ^= 0xff;
    std::fs::write(&stored, damaged).unwrap();
    let kept = directory.join("kept.bin");
    std::fs::write(&kept, b"as it was").unwrap();
    let output = get(kept.clone()).await;
    assert_fails(&output, 1, "CRC-64");
    assert_eq!(std::fs::read(&kept).unwrap(), b"as it was");
    // A missing object: the service's error (3), nothing written.
    let output = oss(
        &server,
        &[
            "GetObject",
            "--bucket",
            BUCKET,
            "--key",
            "nothing-here",
            "--outfile",
            directory.join("never.bin").to_str().unwrap(),
        ],
    )
    .await;
    assert_fails(&output, 3, "NoSuchKey");
    let mut left: Vec<String> = std::fs::read_dir(&directory)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["kept.bin", "object.bin", "store"]);
}

#[tokio::test]
async fn rm_deletes_an_object_or_with_recursive_every_object_under_a_prefix() {
    let directory = scratch("remove");
    let server = server(&directory).await;
    let file = directory.join("small.txt");
    std::fs::write(&file, b"abc").unwrap();
    let keys = [
        "del/a b+c=d.txt",
        "del/100%/x%20y.log",
        "del/中文/😀 smile.png",
        "del/sub/one.txt",
        "delta.txt",
        "keep/e.txt",
    ];
    for key in keys {
        let up = oss(
            &server,
            &[
                "cp",
                file.to_str().unwrap(),
                &format!("oss://{BUCKET}/{key}"),
            ],
        )
        .await;
        assert_succeeds(&up);
    }

    // One object, by DeleteObject.
    let one = oss(&server, &["rm", "oss://examplebucket/del/sub/one.txt"]).await;
    assert_succeeds(&one);
    assert_eq!(
        String::from_utf8(one.stdout).unwrap(),
        "oss://examplebucket/del/sub/one.txt\n"
    );
    assert_eq!(server.object(BUCKET, "del/sub/one.txt"), None);

    // Without --recursive, a bucket alone names nothing to delete.
    let bucket = oss(&server, &["rm", "oss://examplebucket"]).await;
    assert_fails(&bucket, 2, "names no object");

    // Every object under `del/` by DeleteMultipleObjects, whose answer names each key
    // URL-encoded; `delta.txt` and `keep/` stay.
    let prefix = oss(&server, &["rm", "oss://examplebucket/del/", "--recursive"]).await;
    assert_succeeds(&prefix);
    assert_eq!(
        String::from_utf8(prefix.stdout).unwrap(),
        "oss://examplebucket/del/100%/x%20y.log\n\
         oss://examplebucket/del/a b+c=d.txt\n\
         oss://examplebucket/del/中文/😀 smile.png\n"
    );
    for key in &keys[..4] {
        assert_eq!(server.object(BUCKET, key), None, "{key}");
    }
    for key in &keys[4..] {
        assert!(server.object(BUCKET, key).is_some(), "{key}");
    }
    let left = oss(&server, &["ls", "oss://examplebucket/", "-s"]).await;
    assert_succeeds(&left);
    assert_eq!(
        String::from_utf8(left.stdout).unwrap(),
        "oss://examplebucket/delta.txt\noss://examplebucket/keep/e.txt\n"
    );

    // Nothing left under the prefix: nothing to delete, and no call to delete it.
    let again = oss(&server, &["rm", "oss://examplebucket/del/", "-r"]).await;
    assert_succeeds(&again);
    assert!(again.stdout.is_empty());
}
