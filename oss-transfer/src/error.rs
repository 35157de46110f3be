//! What can go wrong in a transfer, naming the part, its bytes and the file concerned. The
//! SDK's errors are kept as sources; none of them carries a credential.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// A transfer that did not finish.
#[derive(Debug)]
#[non_exhaustive]
pub enum TransferError {
    /// A local file could not be read or written.
    File {
        what: &'static str,
        path: PathBuf,
        source: io::Error,
    },
    /// A call that is not about one part failed (initiating, listing, completing, the first
    /// bytes of a download).
    Call {
        action: &'static str,
        source: acs_runtime::Error,
    },
    /// One part failed: its number and bytes `[start, end)` of the file or object.
    Part {
        part_number: u32,
        start: u64,
        end: u64,
        source: Box<TransferError>,
    },
    /// A part's bytes failed in the SDK (refused, cut off, damaged).
    Sdk(acs_runtime::Error),
    /// OSS answered something the transfer cannot go on from.
    UnexpectedResponse {
        action: &'static str,
        detail: String,
    },
    /// The object changed (its ETag is no longer the one the download started from).
    ObjectChanged { etag: String },
    /// The file written is not the object: its CRC-64 is not the service's.
    Checksum { computed: u64, service: u64 },
    /// The object a multipart upload completed is not the file: the CRC-64 its parts combine
    /// into is not the one CompleteMultipartUpload answered.
    CompletedChecksum {
        upload_id: String,
        parts: u64,
        object: u64,
    },
    /// The upload's checkpoint file could not be written.
    Checkpoint { path: PathBuf, source: io::Error },
}

impl fmt::Display for TransferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransferError::File { what, path, source } => {
                write!(f, "{what} {}: {source}", path.display())
            }
            TransferError::Call { action, source } => write!(f, "{action} failed: {source}"),
            TransferError::Part {
                part_number,
                start,
                end,
                source,
            } => write!(
                f,
                "part {part_number} (bytes {start} to {end}) failed: {source}"
            ),
            TransferError::Sdk(source) => source.fmt(f),
            TransferError::UnexpectedResponse { action, detail } => {
                write!(f, "{action} answered unexpectedly: {detail}")
            }
            TransferError::ObjectChanged { etag } => write!(
                f,
                "the object changed during the download (it was ETag {etag} when the download \
                 started); download it again"
            ),
            TransferError::Checksum { computed, service } => write!(
                f,
                "the downloaded file's CRC-64 is {computed} but the object's \
                 x-oss-hash-crc64ecma is {service}: the file is not the object"
            ),
            TransferError::CompletedChecksum {
                upload_id,
                parts,
                object,
            } => write!(
                f,
                "the uploaded parts' CRC-64 is {parts} but the object CompleteMultipartUpload \
                 made of them (upload {upload_id}) has x-oss-hash-crc64ecma {object}: the \
                 object is not the file; upload it again"
            ),
            TransferError::Checkpoint { path, source } => write!(
                f,
                "writing the upload's checkpoint {}: {source}",
                path.display()
            ),
        }
    }
}

impl std::error::Error for TransferError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            TransferError::File { source, .. } | TransferError::Checkpoint { source, .. } => {
                Some(source)
            }
            TransferError::Call { source, .. } | TransferError::Sdk(source) => Some(source),
            TransferError::Part { source, .. } => Some(source.as_ref()),
            _ => None,
        }
    }
}

impl TransferError {
    pub(crate) fn file(
        what: &'static str,
        path: &std::path::Path,
    ) -> impl FnOnce(io::Error) -> Self {
        let path = path.to_owned();
        move |source| TransferError::File { what, path, source }
    }

    pub(crate) fn call(action: &'static str) -> impl FnOnce(acs_runtime::Error) -> Self {
        move |source| TransferError::Call { action, source }
    }

    pub(crate) fn in_part(self, part_number: u32, start: u64, end: u64) -> Self {
        TransferError::Part {
            part_number,
            start,
            end,
            source: Box::new(self),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_failure_names_the_part_and_its_bytes() {
        let error = TransferError::ObjectChanged {
            etag: "\"AB\"".into(),
        }
        .in_part(3, 16, 24);
        assert_eq!(
            error.to_string(),
            "part 3 (bytes 16 to 24) failed: the object changed during the download (it was \
             ETag \"AB\" when the download started); download it again"
        );
    }
}
