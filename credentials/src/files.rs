//! Reading the files credentials come from (config files, the credentials file, OIDC tokens)
//! without blocking the async runtime and without reading more than a credential file can
//! reasonably hold.

use std::io;
use std::path::Path;

use tokio::io::AsyncReadExt;

/// No config, credentials or token file is this large; a larger one (a device, a log file
/// named by mistake) is refused rather than read into memory.
pub(crate) const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Why a file could not be had.
#[derive(Debug)]
pub(crate) enum ReadError {
    NotFound,
    TooLarge,
    Io(io::Error),
}

impl ReadError {
    /// What to say after the file's name: `does not exist`, …
    pub(crate) fn describe(&self) -> String {
        match self {
            ReadError::NotFound => "does not exist".to_string(),
            ReadError::TooLarge => format!("is larger than {MAX_FILE_BYTES} bytes"),
            ReadError::Io(error) => format!("cannot be read: {error}"),
        }
    }
}

/// The file's bytes, at most [`MAX_FILE_BYTES`] of them, read on tokio's blocking pool.
pub(crate) async fn read_capped(path: &Path) -> Result<Vec<u8>, ReadError> {
    let file = tokio::fs::File::open(path).await.map_err(|error| {
        if error.kind() == io::ErrorKind::NotFound {
            ReadError::NotFound
        } else {
            ReadError::Io(error)
        }
    })?;
    let mut bytes = Vec::new();
    // One byte past the limit tells a file at the limit from a larger one.
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .await
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge);
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::TempDir;

    #[tokio::test]
    async fn files_up_to_the_limit_are_read_and_larger_ones_refused() {
        let dir = TempDir::new();
        let at_limit = dir.write("at-limit", &"x".repeat(MAX_FILE_BYTES as usize));
        assert_eq!(
            read_capped(&at_limit).await.unwrap().len() as u64,
            MAX_FILE_BYTES
        );
        let over = dir.write("over", &"x".repeat(MAX_FILE_BYTES as usize + 1));
        let error = read_capped(&over).await.unwrap_err();
        assert_eq!(error.describe(), "is larger than 1048576 bytes");
        let missing = read_capped(&dir.path().join("missing")).await.unwrap_err();
        assert_eq!(missing.describe(), "does not exist");
        let directory = read_capped(dir.path()).await.unwrap_err();
        assert!(
            directory.describe().starts_with("cannot be read: "),
            "{directory:?}"
        );
    }
}
