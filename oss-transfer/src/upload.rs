//! A file up to OSS: in one `PutObject` when it fits in a part, else by multipart upload in
//! parallel parts, each read from the file by range as it is sent, resumable from a
//! checkpoint file.
//!
//! A part's ETag is UploadPart's response header, a field of the generated `UploadPartResponse`
//! (`e_tag`, from the official SDK's facts: the metadata does not declare it).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use acs_runtime::{ByteStream, CallOptions};
use alibabacloud_oss::operation::upload_part::{
    OPERATION as UPLOAD_PART, UploadPartRequest, UploadPartResponse,
};
use alibabacloud_oss::types::{CompleteMultipartUpload, CompleteMultipartUploadPart};
use tokio::task::JoinSet;

use crate::checkpoint::{Checkpoint, DonePart, SourceIdentity};
use crate::combined_crc;
use crate::list_parts::uploaded_parts;
use crate::progress::Tracker;
use crate::{ProgressCallback, TransferError, TransferManager, parts_of};

/// An upload of a file, to configure then [`send`](UploadFile::send).
pub struct UploadFile {
    manager: TransferManager,
    bucket: String,
    key: String,
    source: PathBuf,
    checkpoint: Option<PathBuf>,
    progress: Option<ProgressCallback>,
}

/// The callback is shown as present or not.
impl std::fmt::Debug for UploadFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UploadFile")
            .field("bucket", &self.bucket)
            .field("key", &self.key)
            .field("source", &self.source)
            .field("checkpoint", &self.checkpoint)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// What an upload did.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Uploaded {
    /// The object's length.
    pub length: u64,
    /// How many parts the object was sent in (1 for a single `PutObject`).
    pub parts: u32,
    /// How many of them an earlier, interrupted upload had sent already.
    pub parts_resumed: u32,
    /// Whether the object's CRC-64 was held to the file's: OSS answered it, and (for a
    /// multipart upload) every part's, whose combination it must be.
    pub crc64_checked: bool,
}

impl UploadFile {
    pub(crate) fn new(
        manager: TransferManager,
        bucket: String,
        key: String,
        source: &Path,
    ) -> Self {
        UploadFile {
            manager,
            bucket,
            key,
            source: source.to_owned(),
            checkpoint: None,
            progress: None,
        }
    }

    /// Keeps the upload's progress in the file at `path`, so that the same upload of the
    /// same, unchanged file continues where a failed one stopped instead of starting over.
    /// A failed upload with a checkpoint is not aborted; a finished one removes the file.
    pub fn checkpoint(mut self, path: impl Into<PathBuf>) -> Self {
        self.checkpoint = Some(path.into());
        self
    }

    /// Tells `progress` of every part sent.
    pub fn progress(mut self, progress: ProgressCallback) -> Self {
        self.progress = Some(progress);
        self
    }

    pub async fn send(self) -> Result<Uploaded, TransferError> {
        let metadata = tokio::fs::metadata(&self.source)
            .await
            .map_err(TransferError::file("reading the metadata of", &self.source))?;
        let source = SourceIdentity::of(&metadata);
        let part_size = self.manager.part_size_for(source.length);
        if source.length <= part_size {
            return self.put_whole(source.length).await;
        }
        let mut checkpoint = self.start_or_resume(source, part_size).await?;
        let parts_resumed = checkpoint.parts.len() as u32;
        match self.upload_missing_parts(&mut checkpoint).await {
            Ok(()) => {}
            Err(failure) => {
                if self.checkpoint.is_none() {
                    self.abort(&checkpoint.upload_id).await;
                }
                return Err(failure);
            }
        }
        let crc64_checked = self.complete(&checkpoint).await?;
        if let Some(path) = &self.checkpoint {
            Checkpoint::remove(path);
        }
        Ok(Uploaded {
            length: source.length,
            parts: checkpoint.parts.len() as u32,
            parts_resumed,
            crc64_checked,
        })
    }

    async fn put_whole(&self, length: u64) -> Result<Uploaded, TransferError> {
        let tracker = Tracker::new(length, 0, self.progress.clone());
        let body = ByteStream::from_path(&self.source)
            .await
            .map_err(TransferError::call("PutObject"))?;
        // The SDK holds the body to the CRC-64 OSS answers, when it answers one.
        let put = self
            .manager
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(&self.key)
            .body(body)
            .send()
            .await
            .map_err(TransferError::call("PutObject"))?;
        tracker.add(length);
        Ok(Uploaded {
            length,
            parts: 1,
            parts_resumed: 0,
            crc64_checked: put.x_oss_hash_crc64ecma.is_some(),
        })
    }

    /// The checkpoint of the upload to continue: the one in the checkpoint file when it
    /// continues this upload and OSS still holds its parts (those OSS lists as the checkpoint
    /// recorded them), else that of a new upload.
    async fn start_or_resume(
        &self,
        source: SourceIdentity,
        part_size: u64,
    ) -> Result<Checkpoint, TransferError> {
        if let Some(earlier) = self.checkpoint.as_deref().and_then(Checkpoint::load) {
            if earlier.continues(&self.bucket, &self.key, source, part_size) {
                if let Some(resumed) = self.still_held(earlier, source.length).await? {
                    return Ok(resumed);
                }
            } else if earlier.bucket == self.bucket && earlier.key == self.key {
                // The file changed: its parts are of no use, and would be billed until aborted.
                self.abort(&earlier.upload_id).await;
            }
        }
        let initiated = self
            .manager
            .client
            .initiate_multipart_upload()
            .bucket(&self.bucket)
            .key(&self.key)
            .send()
            .await
            .map_err(TransferError::call("InitiateMultipartUpload"))?;
        let upload_id = initiated
            .initiate_multipart_upload_result()
            .and_then(|result| result.upload_id())
            .ok_or_else(|| TransferError::UnexpectedResponse {
                action: "InitiateMultipartUpload",
                detail: "no UploadId".into(),
            })?;
        let checkpoint = Checkpoint {
            bucket: self.bucket.clone(),
            key: self.key.clone(),
            source,
            part_size,
            upload_id: upload_id.to_owned(),
            parts: Vec::new(),
        };
        if let Some(path) = &self.checkpoint {
            checkpoint.save(path)?;
        }
        Ok(checkpoint)
    }

    /// `earlier` with only the parts OSS lists with the ETag and size recorded, or `None` when
    /// OSS no longer knows the upload.
    async fn still_held(
        &self,
        mut earlier: Checkpoint,
        length: u64,
    ) -> Result<Option<Checkpoint>, TransferError> {
        let listed = match uploaded_parts(
            &self.manager.client,
            &self.bucket,
            &self.key,
            &earlier.upload_id,
        )
        .await
        {
            Ok(listed) => listed,
            Err(TransferError::Call { source, .. }) if source.code() == Some("NoSuchUpload") => {
                return Ok(None);
            }
            Err(failure) => return Err(failure),
        };
        let listed: BTreeMap<u32, _> = listed
            .into_iter()
            .map(|part| (part.part_number, part))
            .collect();
        let sizes: BTreeMap<u32, u64> = parts_of(length, earlier.part_size)
            .map(|(number, start, end)| (number, end - start))
            .collect();
        earlier.parts.retain(|done| {
            listed.get(&done.part_number).is_some_and(|part| {
                part.etag == done.etag && Some(&part.size) == sizes.get(&done.part_number)
            })
        });
        Ok(Some(earlier))
    }

    /// Sends the parts `checkpoint` lacks, `concurrency` at a time, recording each as it
    /// finishes. The first failure stops the others.
    async fn upload_missing_parts(&self, checkpoint: &mut Checkpoint) -> Result<(), TransferError> {
        let length = checkpoint.source.length;
        let done: Vec<u32> = checkpoint
            .parts
            .iter()
            .map(|part| part.part_number)
            .collect();
        let already: u64 = parts_of(length, checkpoint.part_size)
            .filter(|(number, ..)| done.contains(number))
            .map(|(_, start, end)| end - start)
            .sum();
        let tracker = Tracker::new(length, already, self.progress.clone());
        let mut missing =
            parts_of(length, checkpoint.part_size).filter(|(number, ..)| !done.contains(number));
        let mut running = JoinSet::new();
        loop {
            while running.len() < self.manager.concurrency {
                let Some((part_number, start, end)) = missing.next() else {
                    break;
                };
                let request = UploadPartRequest::builder()
                    .bucket(&self.bucket)
                    .key(&self.key)
                    .upload_id(&checkpoint.upload_id)
                    .part_number(i64::from(part_number))
                    .body(ByteStream::from_path_range(
                        &self.source,
                        start,
                        end - start,
                    ))
                    .build();
                let client = self.manager.client.clone();
                running.spawn(async move {
                    let (etag, crc64) = upload_part(&client, request)
                        .await
                        .map_err(|failure| failure.in_part(part_number, start, end))?;
                    Ok::<_, TransferError>((part_number, end - start, etag, crc64))
                });
            }
            let Some(finished) = running.join_next().await else {
                return Ok(());
            };
            let (part_number, bytes, etag, crc64) =
                finished.expect("an upload task does not panic")?;
            checkpoint.parts.push(DonePart {
                part_number,
                etag,
                crc64,
            });
            if let Some(path) = &self.checkpoint {
                checkpoint.save(path)?;
            }
            tracker.add(bytes);
        }
    }

    /// Completes the upload, and holds the object's CRC-64 to the combination of its parts'
    /// in order, as the official SDK's uploader does: whether it could (OSS answered every
    /// CRC). A mismatch fails the upload; the object is OSS's by then, and not the file.
    async fn complete(&self, checkpoint: &Checkpoint) -> Result<bool, TransferError> {
        let mut parts = checkpoint.parts.clone();
        parts.sort_by_key(|part| part.part_number);
        let sizes: BTreeMap<u32, u64> = parts_of(checkpoint.source.length, checkpoint.part_size)
            .map(|(number, start, end)| (number, end - start))
            .collect();
        let parts_crc64 = combined_crc::combined(
            parts
                .iter()
                .map(|part| (part.crc64, sizes[&part.part_number])),
        );
        let list = parts
            .into_iter()
            .fold(CompleteMultipartUpload::new(), |list, part| {
                list.part(
                    CompleteMultipartUploadPart::new()
                        .part_number(i64::from(part.part_number))
                        .e_tag(part.etag),
                )
            });
        let completed = self
            .manager
            .client
            .complete_multipart_upload()
            .bucket(&self.bucket)
            .key(&self.key)
            .upload_id(&checkpoint.upload_id)
            .complete_multipart_upload(list)
            .send()
            .await
            .map_err(TransferError::call("CompleteMultipartUpload"))?;
        let object_crc64 = completed
            .x_oss_hash_crc64ecma
            .as_deref()
            .and_then(|text| text.trim().parse::<u64>().ok());
        match (parts_crc64, object_crc64) {
            (Some(parts), Some(object)) if parts != object => {
                Err(TransferError::CompletedChecksum {
                    upload_id: checkpoint.upload_id.clone(),
                    parts,
                    object,
                })
            }
            (Some(_), Some(_)) => Ok(true),
            _ => Ok(false),
        }
    }

    /// Aborts `upload_id`, as well as it can: the upload failed already, and its error is the
    /// one to report.
    async fn abort(&self, upload_id: &str) {
        let _ = self
            .manager
            .client
            .abort_multipart_upload()
            .bucket(&self.bucket)
            .key(&self.key)
            .upload_id(upload_id)
            .send()
            .await;
    }
}

/// Sends one part and returns its ETag and the CRC-64 OSS answered (which the SDK has held
/// to the bytes sent).
async fn upload_part(
    client: &alibabacloud_oss::Client,
    request: Result<UploadPartRequest, acs_runtime::BuildError>,
) -> Result<(String, Option<u64>), TransferError> {
    let response: UploadPartResponse = client
        .runtime()
        .send(&UPLOAD_PART, request, CallOptions::default())
        .await
        .map_err(TransferError::Sdk)?;
    let crc64 = response
        .x_oss_hash_crc64ecma
        .as_deref()
        .and_then(|text| text.trim().parse::<u64>().ok());
    let etag =
        response
            .e_tag
            .map(String::from)
            .ok_or_else(|| TransferError::UnexpectedResponse {
                action: "UploadPart",
                detail: "no ETag header".into(),
            })?;
    Ok((etag, crc64))
}
