//! The checksums the official OSS SDK holds a transfer to: the CRC-64 of a body, computed
//! while it streams and compared with the service's `x-oss-hash-crc64ecma`, and the
//! `Content-MD5` of a body an operation requires one for.
//!
//! The CRC is ECMA-182's polynomial, reflected, with all bits set before and after:
//! CRC-64/XZ, which the official SDK's `Crc64` computes (its check value, the CRC of
//! `123456789`, is `0x995dc9bbdf1939fa`). The service writes it in decimal.

use base64::Engine as _;
use md5::{Digest as _, Md5};

use crate::error::{BodyError, ChecksumMismatch, Error};

/// The response header holding the CRC-64 of the whole object, in decimal.
pub const CRC64_HEADER: &str = "x-oss-hash-crc64ecma";

/// The running CRC-64/XZ of the bytes given to [`Crc64::update`].
#[derive(Clone)]
pub struct Crc64(crc64fast::Digest);

impl Default for Crc64 {
    fn default() -> Self {
        Crc64(crc64fast::Digest::new())
    }
}

impl Crc64 {
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.write(bytes);
    }

    /// The CRC of everything given so far (0 for nothing).
    pub fn value(&self) -> u64 {
        self.0.sum64()
    }
}

/// The `Content-MD5` of `body`: the base64 of its MD5.
pub fn content_md5(body: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(Md5::digest(body))
}

/// Holds `computed`, the CRC of the whole body that went `direction`, to the service's
/// header, when the response carries one (the official SDK checks nothing otherwise).
pub(crate) fn check_crc64(
    headers: &http::HeaderMap,
    computed: u64,
    direction: &'static str,
) -> Result<(), Error> {
    let Some(server) = headers.get(CRC64_HEADER) else {
        return Ok(());
    };
    let server = server.to_str().unwrap_or("").trim();
    if server == computed.to_string() {
        return Ok(());
    }
    Err(Error::Body(BodyError::Checksum(ChecksumMismatch {
        direction,
        client: computed,
        server: server.to_owned(),
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Computed by `alibabacloud_oss_v2.crc.Crc64(0)` (alibabacloud-oss-v2 1.4.1): the input,
    /// and `sum64()` after `update(input)`.
    fn official_vectors() -> Vec<(Vec<u8>, u64)> {
        vec![
            (b"".to_vec(), 0),
            (b"a".to_vec(), 3_675_645_893_302_102_789),
            (b"123456789".to_vec(), 11_051_210_869_376_104_954),
            (b"hello world".to_vec(), 5_981_764_153_023_615_706),
            (
                (0..=255u8).cycle().take(1024).collect(),
                15_357_192_874_899_391_488,
            ),
            (vec![0; 1000], 3_975_238_299_387_831_631),
        ]
    }

    #[test]
    fn the_crc_is_the_official_sdks_in_one_piece_and_in_chunks() {
        for (input, expected) in official_vectors() {
            let mut whole = Crc64::default();
            whole.update(&input);
            assert_eq!(whole.value(), expected, "{input:?}");
            let mut chunked = Crc64::default();
            for chunk in input.chunks(7) {
                chunked.update(chunk);
            }
            assert_eq!(chunked.value(), expected, "{input:?} in chunks");
        }
    }

    #[test]
    fn content_md5_is_the_base64_of_the_md5() {
        // The official SDK's value for no body.
        assert_eq!(content_md5(b""), "1B2M2Y8AsgTpgAmY7PhCfg==");
        assert_eq!(content_md5(b"hello world"), "XrY7u+Ae7tCTyyK7j1rNww==");
    }

    #[test]
    fn a_crc_is_held_to_the_header_when_there_is_one() {
        let mut headers = http::HeaderMap::new();
        assert!(check_crc64(&headers, 7, "upload").is_ok());
        headers.insert(CRC64_HEADER, "5981764153023615706".parse().unwrap());
        assert!(check_crc64(&headers, 5_981_764_153_023_615_706, "upload").is_ok());
        let error = check_crc64(&headers, 1, "download").unwrap_err();
        assert_eq!(
            error.to_string(),
            "the download's CRC-64 is 1 but the service's x-oss-hash-crc64ecma is \
             5981764153023615706: the body was damaged on the way"
        );
    }
}
