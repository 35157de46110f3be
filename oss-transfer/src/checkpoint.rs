//! The record that lets an interrupted multipart upload continue: which upload, of which file
//! (its length and modification time, so that a changed file starts over), in parts of which
//! size, and the parts done with their ETags and CRC-64s. Written after every part, as JSON, to a
//! temporary file then renamed over the last one, so that a crash leaves the last whole record.

use std::path::Path;
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use crate::TransferError;

/// The file being uploaded, as far as telling a changed one goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SourceIdentity {
    pub(crate) length: u64,
    /// Nanoseconds since the epoch (0 where the platform has no modification time).
    pub(crate) modified_nanos: u128,
}

impl SourceIdentity {
    pub(crate) fn of(metadata: &std::fs::Metadata) -> Self {
        SourceIdentity {
            length: metadata.len(),
            modified_nanos: metadata
                .modified()
                .ok()
                .and_then(|modified| modified.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |since| since.as_nanos()),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct DonePart {
    pub(crate) part_number: u32,
    pub(crate) etag: String,
    /// The part's CRC-64 as OSS answered it (absent from a checkpoint of an earlier version).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) crc64: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Checkpoint {
    pub(crate) bucket: String,
    pub(crate) key: String,
    pub(crate) source: SourceIdentity,
    pub(crate) part_size: u64,
    pub(crate) upload_id: String,
    pub(crate) parts: Vec<DonePart>,
}

impl Checkpoint {
    /// The checkpoint at `path`, if there is a readable one.
    pub(crate) fn load(path: &Path) -> Option<Checkpoint> {
        serde_json::from_slice(&std::fs::read(path).ok()?).ok()
    }

    /// Whether this checkpoint is of the same upload: same object, same file unchanged, same
    /// part size.
    pub(crate) fn continues(
        &self,
        bucket: &str,
        key: &str,
        source: SourceIdentity,
        part_size: u64,
    ) -> bool {
        self.bucket == bucket
            && self.key == key
            && self.source == source
            && self.part_size == part_size
    }

    pub(crate) fn save(&self, path: &Path) -> Result<(), TransferError> {
        let failed = |source| TransferError::Checkpoint {
            path: path.to_owned(),
            source,
        };
        let mut temporary = path.as_os_str().to_owned();
        temporary.push(".tmp");
        let json = serde_json::to_vec(self).expect("a checkpoint serializes");
        std::fs::write(&temporary, json).map_err(failed)?;
        std::fs::rename(&temporary, path).map_err(failed)
    }

    pub(crate) fn remove(path: &Path) {
        // Nothing is lost if it stays: it no longer continues any upload.
        let _ = std::fs::remove_file(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkpoint_is_read_back_and_continues_only_the_same_upload_of_the_same_file() {
        let path = std::env::temp_dir().join(format!("checkpoint-{}", std::process::id()));
        let source = SourceIdentity {
            length: 10,
            modified_nanos: 5,
        };
        let checkpoint = Checkpoint {
            bucket: "b".into(),
            key: "k".into(),
            source,
            part_size: 4,
            upload_id: "U".into(),
            parts: vec![DonePart {
                part_number: 1,
                etag: "\"E\"".into(),
                crc64: Some(u64::MAX),
            }],
        };
        checkpoint.save(&path).unwrap();
        let loaded = Checkpoint::load(&path).unwrap();
        assert_eq!(loaded, checkpoint);
        assert!(loaded.continues("b", "k", source, 4));
        assert!(!loaded.continues("b", "other", source, 4));
        assert!(!loaded.continues("b", "k", source, 8));
        let touched = SourceIdentity {
            modified_nanos: 6,
            ..source
        };
        assert!(!loaded.continues("b", "k", touched, 4));
        Checkpoint::remove(&path);
        assert_eq!(Checkpoint::load(&path), None);
    }
}
