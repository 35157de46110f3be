//! The CRC-64 of an object uploaded in parts, from the parts' own: OSS answers
//! CompleteMultipartUpload with the whole object's `x-oss-hash-crc64ecma`, which the official
//! SDK's uploader compares with the combination of its parts' (`Crc64.combine` in
//! `alibabacloud-oss-v2`), so that an object assembled wrongly fails the upload.

use crc_fast::{CrcAlgorithm, checksum_combine};

/// The CRC-64/XZ of the concatenation of parts given in order as `(crc64, length)`; `None`
/// when a part's CRC is unknown (OSS did not send it).
pub(crate) fn combined(parts: impl IntoIterator<Item = (Option<u64>, u64)>) -> Option<u64> {
    parts.into_iter().try_fold(0, |whole, (crc64, length)| {
        Some(checksum_combine(
            CrcAlgorithm::Crc64Xz,
            whole,
            crc64?,
            length,
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use acs_runtime::checksum::Crc64;

    fn crc64(bytes: &[u8]) -> u64 {
        let mut crc = Crc64::default();
        crc.update(bytes);
        crc.value()
    }

    #[test]
    fn the_parts_combine_into_the_whole_object_s_crc() {
        let object: Vec<u8> = (0..10_000u32).map(|n| (n * 7 % 251) as u8).collect();
        let parts = [&object[..4096], &object[4096..8192], &object[8192..]];
        let combined = combined(
            parts
                .iter()
                .map(|part| (Some(crc64(part)), part.len() as u64)),
        );
        assert_eq!(combined, Some(crc64(&object)));
        // The official SDK's check value: the CRC of `123456789`.
        assert_eq!(
            super::combined([(Some(crc64(b"1234")), 4), (Some(crc64(b"56789")), 5)]),
            Some(0x995d_c9bb_df19_39fa)
        );
    }

    #[test]
    fn a_part_without_a_crc_leaves_the_whole_unknown() {
        assert_eq!(combined([(Some(1), 4), (None, 5)]), None);
        assert_eq!(combined([]), Some(0));
    }
}
