//! Fingerprints of the generator's inputs and outputs, which the record of the last run keeps
//! and rendering compares: std's SipHash with fixed keys, the same on every run of one build,
//! which is all a cache needs.

use std::hash::{DefaultHasher, Hasher};

/// A fingerprint of `bytes`.
pub fn fingerprint(bytes: &[u8]) -> u64 {
    let mut hasher = hasher();
    hasher.write(bytes);
    hasher.finish()
}

/// A fingerprint of `value`'s `Debug` text, fed to the hasher as it is written. For the IR,
/// whose types all derive `Debug`, that text holds every field.
pub fn fingerprint_debug(value: &impl std::fmt::Debug) -> u64 {
    struct Feed(DefaultHasher);
    impl std::fmt::Write for Feed {
        fn write_str(&mut self, text: &str) -> std::fmt::Result {
            self.0.write(text.as_bytes());
            Ok(())
        }
    }
    let mut feed = Feed(hasher());
    let _ = std::fmt::Write::write_fmt(&mut feed, format_args!("{value:?}"));
    feed.0.finish()
}

/// The hasher behind [`fingerprint`], for input that is fed in parts.
pub fn hasher() -> DefaultHasher {
    DefaultHasher::new()
}
