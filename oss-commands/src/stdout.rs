//! An object down to standard output, in one `GetObject`, written as it arrives: a pipe takes
//! bytes in order, so the ranged parts a file gets cannot help here.

use acs_runtime::{BodyError, Error};
use alibabacloud_oss::Client;
use futures_util::StreamExt;
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::progress::Bar;

/// Writes `key` of `bucket` into `destination` as it arrives, held to the object's CRC-64;
/// returns how many bytes it wrote.
///
/// # Errors
/// The call fails, the body breaks off or fails its check, or `destination` cannot be written.
pub(crate) async fn download_to(
    client: &Client,
    bucket: &str,
    key: &str,
    destination: &mut (impl AsyncWrite + Unpin),
    progress: &Bar,
) -> Result<u64, Error> {
    let mut response = client
        .get_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await?
        .body;
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
