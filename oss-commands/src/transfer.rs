//! One object up or down, each direction behind one function, streaming: a file is read and
//! written a chunk at a time, never held whole.

use std::path::Path;

use acs_runtime::{BodyError, ByteStream, Error};
use alibabacloud_oss::Client;
use futures_util::StreamExt;
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::Progress;

/// Uploads the file at `file` to `key` of `bucket` in one `PutObject`, whose retries read the
/// file again from its start; returns the object's length.
///
/// # Errors
/// The file cannot be read, or the call fails after its retries.
pub async fn upload(
    client: &Client,
    file: &Path,
    bucket: &str,
    key: &str,
    progress: impl Progress + Clone + 'static,
) -> Result<u64, Error> {
    let body = ByteStream::from_path(file).await?;
    let length = body.content_length().unwrap_or(0);
    progress.set_length(length);
    let body = body.with_progress(move |read| progress.set_done(read));
    client
        .put_object()
        .bucket(bucket)
        .key(key)
        .body(body)
        .send()
        .await?;
    Ok(length)
}

/// Downloads `key` of `bucket` in one `GetObject` into `destination`, as it arrives, held to
/// the object's CRC-64; returns how many bytes it wrote.
///
/// # Errors
/// The call fails, the body breaks off or fails its check, or `destination` cannot be written.
pub async fn download(
    client: &Client,
    bucket: &str,
    key: &str,
    destination: &mut (impl AsyncWrite + Unpin),
    progress: &impl Progress,
) -> Result<u64, Error> {
    let mut response = client.get_object().bucket(bucket).key(key).send().await?;
    if let Some(length) = response.content_length() {
        progress.set_length(length);
    }
    let write_error = |source| {
        Error::Body(BodyError::Io {
            what: "writing the downloaded object",
            source,
        })
    };
    let mut written = 0;
    while let Some(chunk) = response.next().await {
        let chunk = chunk?;
        destination.write_all(&chunk).await.map_err(write_error)?;
        written += chunk.len() as u64;
        progress.set_done(written);
    }
    destination.flush().await.map_err(write_error)?;
    Ok(written)
}
