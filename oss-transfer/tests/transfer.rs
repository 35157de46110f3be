//! The transfer manager end to end against the test server's object endpoints on 127.0.0.1:
//! multipart uploads (whole, resumed, restarted, aborted) and ranged downloads, with the
//! contents and CRC-64 compared and the server's record of the parts it received.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use acs_runtime::{Config, Credentials};
use acs_test_server::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, ObjectServer};
use alibabacloud_oss::Client;
use alibabacloud_oss_transfer::{
    MIN_PART_SIZE, Progress, ProgressCallback, TransferError, TransferManager,
};

const REGION: &str = "cn-hangzhou";
const BUCKET: &str = "bucket";
/// Six parts of `MIN_PART_SIZE`, the last one short.
const LENGTH: usize = 5 * MIN_PART_SIZE as usize + 1234;
const PARTS: u32 = 6;

struct Fixture {
    directory: PathBuf,
    server: ObjectServer,
    client: Client,
}

impl Fixture {
    async fn new(name: &str) -> Fixture {
        let directory =
            std::env::temp_dir().join(format!("oss-transfer-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&directory);
        std::fs::create_dir_all(directory.join("server")).unwrap();
        let server = ObjectServer::start(directory.join("server"), REGION)
            .await
            .unwrap();
        let config = Config::builder()
            .endpoint(server.endpoint())
            .region(REGION)
            .path_style(true)
            .credentials(Credentials::new(
                DEFAULT_ACCESS_KEY_ID,
                DEFAULT_ACCESS_KEY_SECRET,
                "test",
            ))
            .build()
            .unwrap();
        Fixture {
            directory,
            server,
            client: Client::from_conf(config),
        }
    }

    fn manager(&self, concurrency: usize) -> TransferManager {
        TransferManager::new(self.client.clone())
            .part_size(MIN_PART_SIZE)
            .concurrency(concurrency)
    }

    fn file(&self, name: &str, content: &[u8]) -> PathBuf {
        let path = self.directory.join(name);
        std::fs::write(&path, content).unwrap();
        path
    }

    fn path(&self, name: &str) -> PathBuf {
        self.directory.join(name)
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.directory);
    }
}

fn content(length: usize, seed: u8) -> Vec<u8> {
    (0..length)
        .map(|index| (index % 251) as u8 ^ seed)
        .collect()
}

fn crc64(bytes: &[u8]) -> u64 {
    let mut crc = acs_runtime::checksum::Crc64::default();
    crc.update(bytes);
    crc.value()
}

fn recorder() -> (ProgressCallback, Arc<Mutex<Vec<Progress>>>) {
    let heard = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&heard);
    (
        Arc::new(move |progress| record.lock().unwrap().push(progress)),
        heard,
    )
}

fn checkpointed_parts(path: &Path) -> BTreeSet<u32> {
    let checkpoint: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    checkpoint["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|part| part["part_number"].as_u64().unwrap() as u32)
        .collect()
}

#[tokio::test]
async fn a_file_goes_up_in_parallel_parts_and_comes_back_by_ranges() {
    let fixture = Fixture::new("round-trip").await;
    let original = content(LENGTH, 0);
    let source = fixture.file("source", &original);
    let manager = fixture.manager(3);
    let (progress, heard) = recorder();

    let uploaded = manager
        .upload_file(BUCKET, "dir/object", &source)
        .progress(progress)
        .send()
        .await
        .unwrap();
    assert_eq!((uploaded.length, uploaded.parts), (LENGTH as u64, PARTS));
    assert!(uploaded.crc64_checked);
    let stored = fixture.server.object(BUCKET, "dir/object").unwrap();
    assert_eq!(
        (stored.length, stored.crc64),
        (LENGTH as u64, crc64(&original))
    );
    let mut parts = fixture.server.uploaded_parts();
    parts.sort_unstable();
    assert_eq!(parts, (1..=PARTS).collect::<Vec<_>>());
    assert!(fixture.server.max_parts_in_flight() <= 3);
    assert_eq!(fixture.server.open_uploads(), 0);
    assert_eq!(
        heard.lock().unwrap().last(),
        Some(&Progress {
            done: LENGTH as u64,
            total: LENGTH as u64
        })
    );

    let (progress, heard) = recorder();
    let copy = fixture.path("copy");
    let downloaded = manager
        .download_file(BUCKET, "dir/object", &copy, Some(progress))
        .await
        .unwrap();
    assert_eq!(downloaded.length, LENGTH as u64);
    assert!(downloaded.crc64_checked);
    assert!(std::fs::read(&copy).unwrap() == original);
    let heard = heard.lock().unwrap();
    assert!(heard.windows(2).all(|pair| pair[0].done <= pair[1].done));
    assert_eq!(
        heard.last().map(|progress| progress.done),
        Some(LENGTH as u64)
    );
}

#[tokio::test]
async fn the_concurrency_bound_holds_however_many_parts_there_are() {
    let fixture = Fixture::new("bound").await;
    let source = fixture.file("source", &content(LENGTH, 1));
    fixture
        .manager(2)
        .upload_file(BUCKET, "object", &source)
        .send()
        .await
        .unwrap();
    let in_flight = fixture.server.max_parts_in_flight();
    assert!(
        (1..=2).contains(&in_flight),
        "{in_flight} parts in flight at once"
    );
}

#[tokio::test]
async fn a_file_that_fits_in_a_part_goes_in_one_put() {
    let fixture = Fixture::new("small").await;
    let original = content(1000, 2);
    let source = fixture.file("source", &original);
    let manager = fixture.manager(3);
    let uploaded = manager
        .upload_file(BUCKET, "small", &source)
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.parts, 1);
    assert_eq!(fixture.server.put_lengths(), [1000]);
    assert!(fixture.server.uploaded_parts().is_empty());
    let copy = fixture.path("copy");
    manager
        .download_file(BUCKET, "small", &copy, None)
        .await
        .unwrap();
    assert!(std::fs::read(&copy).unwrap() == original);
}

#[tokio::test]
async fn an_interrupted_upload_resumes_with_only_the_missing_parts() {
    let fixture = Fixture::new("resume").await;
    let original = content(LENGTH, 3);
    let source = fixture.file("source", &original);
    let checkpoint = fixture.path("checkpoint");
    let manager = fixture.manager(2);

    fixture.server.refuse_part(Some(4));
    let failure = manager
        .upload_file(BUCKET, "object", &source)
        .checkpoint(&checkpoint)
        .send()
        .await
        .unwrap_err();
    let message = failure.to_string();
    assert!(
        message.starts_with(&format!(
            "part 4 (bytes {} to {}) failed:",
            3 * MIN_PART_SIZE,
            4 * MIN_PART_SIZE
        )),
        "{message}"
    );
    assert!(matches!(
        failure,
        TransferError::Part { part_number: 4, .. }
    ));
    assert_eq!(fixture.server.open_uploads(), 1, "kept to be resumed");
    let done = checkpointed_parts(&checkpoint);
    assert!(!done.is_empty() && !done.contains(&4), "{done:?}");
    let sent_before = fixture.server.uploaded_parts().len();

    fixture.server.refuse_part(None);
    let uploaded = manager
        .upload_file(BUCKET, "object", &source)
        .checkpoint(&checkpoint)
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.parts_resumed as usize, done.len());
    let sent_after: BTreeSet<u32> = fixture.server.uploaded_parts()[sent_before..]
        .iter()
        .copied()
        .collect();
    let missing: BTreeSet<u32> = (1..=PARTS).filter(|part| !done.contains(part)).collect();
    assert_eq!(sent_after, missing);
    assert!(!checkpoint.exists());
    assert_eq!(fixture.server.open_uploads(), 0);
    assert_eq!(
        fixture
            .server
            .object(BUCKET, "object")
            .map(|stored| stored.crc64),
        Some(crc64(&original))
    );
}

#[tokio::test]
async fn a_changed_file_starts_a_new_upload_and_aborts_the_old_one() {
    let fixture = Fixture::new("changed").await;
    let source = fixture.file("source", &content(LENGTH, 4));
    let checkpoint = fixture.path("checkpoint");
    let manager = fixture.manager(2);

    fixture.server.refuse_part(Some(5));
    manager
        .upload_file(BUCKET, "object", &source)
        .checkpoint(&checkpoint)
        .send()
        .await
        .unwrap_err();
    assert_eq!(fixture.server.open_uploads(), 1);
    fixture.server.refuse_part(None);

    let changed = content(LENGTH + 7, 5);
    std::fs::write(&source, &changed).unwrap();
    let uploaded = manager
        .upload_file(BUCKET, "object", &source)
        .checkpoint(&checkpoint)
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.parts_resumed, 0);
    assert_eq!(
        fixture.server.open_uploads(),
        0,
        "the old upload is aborted"
    );
    let copy = fixture.path("copy");
    manager
        .download_file(BUCKET, "object", &copy, None)
        .await
        .unwrap();
    assert!(std::fs::read(&copy).unwrap() == changed);
}

#[tokio::test]
async fn a_completed_object_whose_crc_is_not_the_parts_fails_the_upload() {
    let fixture = Fixture::new("misreported").await;
    let original = content(LENGTH, 9);
    let source = fixture.file("source", &original);
    fixture.server.misreport_next_completion();
    let failure = fixture
        .manager(2)
        .upload_file(BUCKET, "object", &source)
        .send()
        .await
        .unwrap_err();
    let TransferError::CompletedChecksum { parts, object, .. } = &failure else {
        panic!("not a checksum failure: {failure}");
    };
    assert_eq!(*parts, crc64(&original));
    assert_eq!(*object, !crc64(&original));
    assert!(
        failure.to_string().contains("the object is not the file"),
        "{failure}"
    );
}

#[tokio::test]
async fn a_failed_upload_without_a_checkpoint_is_aborted() {
    let fixture = Fixture::new("abort").await;
    let source = fixture.file("source", &content(LENGTH, 6));
    fixture.server.refuse_part(Some(2));
    let failure = fixture
        .manager(2)
        .upload_file(BUCKET, "object", &source)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(
        failure,
        TransferError::Part { part_number: 2, .. }
    ));
    assert_eq!(fixture.server.open_uploads(), 0);
    assert!(fixture.server.object(BUCKET, "object").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_object_replaced_during_a_download_fails_it_clearly() {
    let fixture = Fixture::new("replaced").await;
    let source = fixture.file("source", &content(LENGTH, 7));
    let replacement = fixture.file("replacement", &content(LENGTH, 8));
    let manager = fixture.manager(1);
    manager
        .upload_file(BUCKET, "object", &source)
        .send()
        .await
        .unwrap();

    // Once the first part is written, and before the second is asked for (one part at a
    // time), the object is replaced.
    let replacer = manager.clone();
    let replaced = Arc::new(Mutex::new(false));
    let progress: ProgressCallback = Arc::new(move |progress| {
        let mut replaced = replaced.lock().unwrap();
        if progress.done >= MIN_PART_SIZE && !*replaced {
            *replaced = true;
            // The callback runs on a worker of this runtime, which the upload needs too.
            tokio::task::block_in_place(|| {
                tokio::runtime::Handle::current()
                    .block_on(replacer.upload_file(BUCKET, "object", &replacement).send())
                    .unwrap()
            });
        }
    });
    let copy = fixture.path("copy");
    let failure = manager
        .download_file(BUCKET, "object", &copy, Some(progress))
        .await
        .unwrap_err();
    assert!(
        matches!(&failure, TransferError::Part { part_number: 2, source, .. }
            if matches!(**source, TransferError::ObjectChanged { .. })),
        "{failure}"
    );
    assert!(!copy.exists());
}
