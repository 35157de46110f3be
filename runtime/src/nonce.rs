//! `x-acs-signature-nonce` values: a different one for every attempt, unpredictable, and
//! without a system call each.
//!
//! A nonce is HMAC-SHA256 over a process-wide counter and the signing time, keyed once per
//! process with 32 bytes from the operating system's generator, cut to 128 bits and written as
//! 32 lower-case hex digits (as long as the UUIDs sent before). The counter never repeats
//! within a process, so neither does the nonce; without the key, which never leaves this
//! module, the next nonce cannot be told from the previous ones. The time is there for a
//! forked child, which inherits key and counter: it repeats its parent's nonce only by signing
//! with the same count in the same nanosecond.
//!
//! `uuid::Uuid::new_v4` asked the operating system for 16 bytes every attempt (a `getrandom`
//! system call, about 1.5 µs here); this costs two SHA-256 blocks. uuid's `fast-rng` feature
//! would avoid the call too, but brings `rand` and `chacha20` into every build for what the
//! `hmac` and `sha2` the signature needs already do.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::sign::push_lower_hex;

/// The HMAC state with the key absorbed, cloned for each nonce.
static KEYED: OnceLock<Hmac<Sha256>> = OnceLock::new();
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Bytes of the HMAC kept: 128 bits.
const NONCE_BYTES: usize = 16;

/// A nonce for a request signed at `now`.
///
/// # Panics
/// When the operating system's random number generator cannot be read, the first time only
/// (as `uuid::Uuid::new_v4` did on every call).
pub fn next(now: SystemTime) -> String {
    let keyed = KEYED.get_or_init(|| {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).expect("the operating system's random number generator works");
        Hmac::new_from_slice(&key).expect("HMAC takes keys of any length")
    });
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let since_epoch = now
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos());
    let mut mac = keyed.clone();
    mac.update(&count.to_le_bytes());
    mac.update(&since_epoch.to_le_bytes());
    let digest = mac.finalize().into_bytes();
    let mut nonce = String::with_capacity(2 * NONCE_BYTES);
    push_lower_hex(&mut nonce, &digest[..NONCE_BYTES]);
    nonce
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn nonces_are_32_hex_digits_and_never_repeat_even_at_the_same_time() {
        let now = SystemTime::now();
        let nonces: HashSet<String> = (0..10_000).map(|_| next(now)).collect();
        assert_eq!(nonces.len(), 10_000);
        for nonce in &nonces {
            assert_eq!(nonce.len(), 32, "{nonce}");
            assert!(
                nonce
                    .bytes()
                    .all(|digit| matches!(digit, b'0'..=b'9' | b'a'..=b'f')),
                "{nonce}"
            );
        }
    }

    #[test]
    fn nonces_from_many_threads_are_all_different() {
        let now = SystemTime::now();
        let per_thread: Vec<Vec<String>> = std::thread::scope(|scope| {
            let threads: Vec<_> = (0..4)
                .map(|_| scope.spawn(|| (0..1_000).map(|_| next(now)).collect()))
                .collect();
            threads
                .into_iter()
                .map(|thread| thread.join().expect("no panic"))
                .collect()
        });
        let distinct: HashSet<&String> = per_thread.iter().flatten().collect();
        assert_eq!(distinct.len(), 4_000);
    }
}
