//! An object down to a file by ranged `GET`s of a part each, in parallel, each written at its
//! offset as it arrives.
//!
//! The first part's response tells the object's length (`Content-Range`), ETag and CRC-64;
//! every other part is asked `If-Match` that ETag, so that an object replaced during the
//! download fails it clearly instead of mixing two objects in one file. The file is written
//! beside the destination and takes its place only once whole and, when OSS gave the
//! object's CRC-64, held to it (the file is read once more for it: the parts arrive out of
//! order and the CRC of a whole is not the sum of its parts').

use std::io::{self, Read as _, SeekFrom};
use std::path::{Path, PathBuf};

use acs_runtime::StreamedResponse;
use acs_runtime::checksum::Crc64;
use futures_util::StreamExt;
use tokio::io::{AsyncSeekExt, AsyncWriteExt};
use tokio::task::JoinSet;

use crate::progress::Tracker;
use crate::{ProgressCallback, TransferError, TransferManager, parts_of};

/// How much of a part is gathered before it is written: a few writes per part, not one per
/// network chunk.
const WRITE_BUFFER: usize = 1024 * 1024;
/// How much of the file is read at a time to compute its CRC-64.
const HASH_CHUNK: usize = 1024 * 1024;

/// What a download wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Downloaded {
    /// The object's length, which is the file's.
    pub length: u64,
    /// The object's ETag, which every part was asked to match.
    pub etag: Option<String>,
    /// Whether the file was held to the object's CRC-64 (OSS sends it for most objects).
    pub crc64_checked: bool,
}

pub(crate) async fn download_file(
    manager: &TransferManager,
    bucket: &str,
    key: &str,
    destination: &Path,
    progress: Option<ProgressCallback>,
) -> Result<Downloaded, TransferError> {
    let mut temporary = destination.as_os_str().to_owned();
    temporary.push(".download");
    let temporary = PathBuf::from(temporary);
    let downloaded = download_to(manager, bucket, key, &temporary, progress).await;
    match downloaded {
        Ok(downloaded) => {
            tokio::fs::rename(&temporary, destination)
                .await
                .map_err(TransferError::file(
                    "moving the downloaded file to",
                    destination,
                ))?;
            Ok(downloaded)
        }
        Err(failure) => {
            let _ = tokio::fs::remove_file(&temporary).await;
            Err(failure)
        }
    }
}

async fn download_to(
    manager: &TransferManager,
    bucket: &str,
    key: &str,
    path: &Path,
    progress: Option<ProgressCallback>,
) -> Result<Downloaded, TransferError> {
    let part_size = manager.part_size;
    let first = manager
        .client
        .get_object()
        .bucket(bucket)
        .key(key)
        .range(format!("bytes=0-{}", part_size - 1))
        .send()
        .await
        .map_err(TransferError::call("GetObject"))?;
    let file = tokio::fs::File::create(path)
        .await
        .map_err(TransferError::file("creating", path))?;
    let etag = first.headers.e_tag.as_deref().map(String::from);
    if first.body.status() == 200 {
        // The whole object (OSS ignores a range that starts past the end of an empty one):
        // the response checks its own CRC-64.
        let length = first.body.content_length().unwrap_or(0);
        let crc64_checked = first.headers.x_oss_hash_crc64ecma.is_some();
        let tracker = Tracker::new(length, 0, progress);
        write_part(first.body, path, 0, length, &tracker)
            .await
            .map_err(|failure| failure.in_part(1, 0, length))?;
        return Ok(Downloaded {
            length,
            etag,
            crc64_checked,
        });
    }
    let length = first
        .headers
        .content_range
        .as_deref()
        .and_then(total_length)
        .ok_or_else(|| TransferError::UnexpectedResponse {
            action: "GetObject",
            detail: "a part without the object's length in Content-Range".into(),
        })?;
    let crc64 = first
        .headers
        .x_oss_hash_crc64ecma
        .as_deref()
        .and_then(|value| value.trim().parse::<u64>().ok());
    file.set_len(length)
        .await
        .map_err(TransferError::file("sizing", path))?;
    drop(file);

    let tracker = Tracker::new(length, 0, progress);
    let mut parts = parts_of(length, part_size);
    let mut first = Some(first.body);
    let mut running = JoinSet::new();
    loop {
        while running.len() < manager.concurrency {
            let Some((part_number, start, end)) = parts.next() else {
                break;
            };
            let response = first.take();
            let (client, bucket, key, etag) = (
                manager.client.clone(),
                bucket.to_owned(),
                key.to_owned(),
                etag.clone(),
            );
            let (path, tracker) = (path.to_owned(), tracker.clone());
            running.spawn(async move {
                let response = match response {
                    Some(response) => Ok(response),
                    None => get_range(&client, &bucket, &key, etag.as_deref(), start, end).await,
                };
                let written = match response {
                    Ok(response) => write_part(response, &path, start, end - start, &tracker).await,
                    Err(failure) => Err(failure),
                };
                written.map_err(|failure| failure.in_part(part_number, start, end))
            });
        }
        let Some(finished) = running.join_next().await else {
            break;
        };
        finished.expect("a download task does not panic")?;
    }
    if let Some(service) = crc64 {
        let computed = crc64_of(path).await?;
        if computed != service {
            return Err(TransferError::Checksum { computed, service });
        }
    }
    Ok(Downloaded {
        length,
        etag,
        crc64_checked: crc64.is_some(),
    })
}

/// The bytes `[start, end)` of the object, if it still has the ETag `etag`.
async fn get_range(
    client: &alibabacloud_oss::Client,
    bucket: &str,
    key: &str,
    etag: Option<&str>,
    start: u64,
    end: u64,
) -> Result<StreamedResponse, TransferError> {
    let mut request = client
        .get_object()
        .bucket(bucket)
        .key(key)
        .range(format!("bytes={start}-{}", end - 1));
    if let Some(etag) = etag {
        request = request.if_match(etag);
    }
    let response = request
        .send()
        .await
        .map_err(|failure| match (failure.code(), etag) {
            (Some("PreconditionFailed"), Some(etag)) => TransferError::ObjectChanged {
                etag: etag.to_owned(),
            },
            _ => TransferError::Sdk(failure),
        })?;
    let range = response.headers.content_range.as_deref();
    let expected = format!("bytes {start}-{}/", end - 1);
    let status = response.body.status();
    if status != 206 || !range.is_some_and(|range| range.starts_with(&expected)) {
        return Err(TransferError::UnexpectedResponse {
            action: "GetObject",
            detail: format!("status {status} with Content-Range {range:?}, not the part asked for"),
        });
    }
    Ok(response.body)
}

/// Writes `response`'s body, which must be `length` bytes, at `offset` of the file at `path`.
async fn write_part(
    mut response: StreamedResponse,
    path: &Path,
    offset: u64,
    length: u64,
    tracker: &Tracker,
) -> Result<(), TransferError> {
    let written_error = TransferError::file("writing the part to", path);
    let mut file = tokio::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .await
        .map_err(TransferError::file("opening", path))?;
    if let Err(error) = file.seek(SeekFrom::Start(offset)).await {
        return Err(written_error(error));
    }
    let mut file = tokio::io::BufWriter::with_capacity(WRITE_BUFFER, file);
    let mut written = 0;
    while let Some(chunk) = response.next().await {
        let chunk = chunk.map_err(TransferError::Sdk)?;
        written += chunk.len() as u64;
        if written > length {
            break;
        }
        if let Err(error) = file.write_all(&chunk).await {
            return Err(written_error(error));
        }
        tracker.add(chunk.len() as u64);
    }
    if written != length {
        return Err(TransferError::UnexpectedResponse {
            action: "GetObject",
            detail: format!("the part brought {written} bytes, not {length}"),
        });
    }
    file.flush().await.map_err(written_error)
}

/// The CRC-64 of the file at `path`, read once from start to end.
async fn crc64_of(path: &Path) -> Result<u64, TransferError> {
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || {
        let read = || -> io::Result<u64> {
            let mut file = std::fs::File::open(&path)?;
            let mut crc64 = Crc64::default();
            let mut buffer = vec![0; HASH_CHUNK];
            loop {
                let read = file.read(&mut buffer)?;
                if read == 0 {
                    return Ok(crc64.value());
                }
                crc64.update(&buffer[..read]);
            }
        };
        read().map_err(TransferError::file("reading back", &path))
    })
    .await
    .expect("the CRC-64 task does not panic")
}

/// The object's length in a `Content-Range` of `bytes a-b/length`.
fn total_length(content_range: &str) -> Option<u64> {
    content_range.rsplit_once('/')?.1.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_object_s_length_is_read_from_a_content_range() {
        assert_eq!(total_length("bytes 0-9/100"), Some(100));
        assert_eq!(total_length("bytes 0-9/*"), None);
        assert_eq!(total_length("bytes 0-9"), None);
    }
}
