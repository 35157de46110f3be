//! Large OSS transfers over the generated `alibabacloud-oss` SDK, as the official OSS SDK V2's
//! uploader and downloader make them:
//!
//! - [`TransferManager::upload_file`]: a file in parts of [`TransferManager::part_size`],
//!   [`TransferManager::concurrency`] of them at a time, each read from the file by range as
//!   it is sent, then completed with the parts' ETags in order, and the object's CRC-64 held
//!   to the one its parts' CRC-64s combine into. A file no larger than a part goes up in one
//!   `PutObject`. With a checkpoint file, an interrupted upload continues with
//!   the parts it lacks; without one, a failed upload is aborted.
//! - [`TransferManager::download_file`]: an object in ranged `GET`s of a part each, written at
//!   their offsets, all held to the ETag of the first (`If-Match`), then the whole file to the
//!   object's CRC-64.
//!
//! Memory is bounded by part size × concurrency whatever the file's size: no part is held
//! whole, each streams a chunk at a time between the file and the connection.
//!
//! Both report their progress to a [`ProgressCallback`], and fail with a [`TransferError`]
//! naming the part and its bytes.

#![deny(unsafe_code)]

mod checkpoint;
mod combined_crc;
mod download;
mod error;
mod list_parts;
mod progress;
mod upload;

use std::path::Path;

pub use download::Downloaded;
pub use error::TransferError;
pub use progress::{Progress, ProgressCallback};
pub use upload::{UploadFile, Uploaded};

/// The official SDK's default part size.
pub const DEFAULT_PART_SIZE: u64 = 6 * 1024 * 1024;
/// The official SDK's default number of parts in flight.
pub const DEFAULT_CONCURRENCY: usize = 3;
/// OSS's smallest part, the last excepted.
pub const MIN_PART_SIZE: u64 = 100 * 1024;
/// OSS's most parts in one upload.
pub const MAX_PARTS: u64 = 10_000;

/// Uploads and downloads files in parallel parts through an OSS [`Client`]. Cheap to clone.
///
/// [`Client`]: alibabacloud_oss::Client
#[derive(Clone, Debug)]
pub struct TransferManager {
    client: alibabacloud_oss::Client,
    part_size: u64,
    concurrency: usize,
}

impl TransferManager {
    /// Parts of [`DEFAULT_PART_SIZE`], [`DEFAULT_CONCURRENCY`] at a time.
    pub fn new(client: alibabacloud_oss::Client) -> Self {
        TransferManager {
            client,
            part_size: DEFAULT_PART_SIZE,
            concurrency: DEFAULT_CONCURRENCY,
        }
    }

    /// The size of each part (at least [`MIN_PART_SIZE`]; raised for a file that would
    /// otherwise take more than [`MAX_PARTS`]). A file no larger uploads in one request.
    pub fn part_size(mut self, bytes: u64) -> Self {
        self.part_size = bytes.max(MIN_PART_SIZE);
        self
    }

    /// How many parts move at the same time (at least one).
    pub fn concurrency(mut self, parts: usize) -> Self {
        self.concurrency = parts.max(1);
        self
    }

    /// Uploads the file at `source` to `bucket`/`key`: see [`UploadFile`] for its options.
    pub fn upload_file(
        &self,
        bucket: impl Into<String>,
        key: impl Into<String>,
        source: impl AsRef<Path>,
    ) -> UploadFile {
        UploadFile::new(self.clone(), bucket.into(), key.into(), source.as_ref())
    }

    /// Downloads `bucket`/`key` to a file at `destination`, replaced only once the whole object
    /// arrived and was checked. `progress` hears of every chunk written.
    pub async fn download_file(
        &self,
        bucket: &str,
        key: &str,
        destination: impl AsRef<Path>,
        progress: Option<ProgressCallback>,
    ) -> Result<Downloaded, TransferError> {
        download::download_file(self, bucket, key, destination.as_ref(), progress).await
    }

    /// The part size for `length` bytes: the configured one, raised so that the parts are
    /// [`MAX_PARTS`] at most.
    fn part_size_for(&self, length: u64) -> u64 {
        self.part_size.max(length.div_ceil(MAX_PARTS))
    }
}

/// The `[start, end)` bytes of each part of `length` bytes cut in `part_size`, numbered from 1.
fn parts_of(length: u64, part_size: u64) -> impl Iterator<Item = (u32, u64, u64)> {
    (0..length.div_ceil(part_size)).map(move |index| {
        let start = index * part_size;
        (index as u32 + 1, start, (start + part_size).min(length))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_length_is_cut_into_parts_of_the_size_the_last_one_shorter() {
        let parts: Vec<_> = parts_of(25, 10).collect();
        assert_eq!(parts, [(1, 0, 10), (2, 10, 20), (3, 20, 25)]);
        assert_eq!(parts_of(20, 10).count(), 2);
        assert_eq!(parts_of(0, 10).count(), 0);
    }

    #[test]
    fn the_part_size_grows_so_that_no_upload_takes_more_parts_than_oss_allows() {
        let client = alibabacloud_oss::Client::from_conf(
            acs_runtime::Config::builder()
                .endpoint("http://127.0.0.1:1")
                .credentials(acs_runtime::Credentials::new("id", "secret", "test"))
                .build()
                .unwrap(),
        );
        let manager = TransferManager::new(client).part_size(1);
        assert_eq!(manager.part_size, MIN_PART_SIZE);
        assert_eq!(manager.part_size_for(1024), MIN_PART_SIZE);
        let huge = MIN_PART_SIZE * MAX_PARTS * 3;
        assert_eq!(manager.part_size_for(huge), MIN_PART_SIZE * 3);
        assert!(parts_of(huge, manager.part_size_for(huge)).count() as u64 <= MAX_PARTS);
    }
}
