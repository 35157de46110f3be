//! `x-acs-signature-nonce` values: a different one for every attempt, unpredictable, and
//! without a system call each.
//!
//! A nonce is 128 bits from rand's thread-local generator (ChaCha12, seeded from the operating
//! system and reseeded after every 64 KiB of output), written as 32 lower-case hex digits (as
//! long as the UUIDs sent before). The service needs it unique within its 15-minute window,
//! and unguessable so that a request cannot be prepared for a nonce before it is used; the
//! official SDKs send an MD5 of the time, a counter and a non-cryptographic random number.
//! The signing time in nanoseconds is mixed in for a forked child, which inherits the
//! generator's state (rand does not reseed on fork): it repeats its parent's nonce only by
//! signing in the same nanosecond.
//!
//! `uuid::Uuid::new_v4` asked the operating system for 16 bytes every attempt (a `getrandom`
//! system call, about 1.5 µs here); an HMAC-SHA256 over a counter, used next, cost two SHA-256
//! blocks an attempt; the generator costs a quarter of a ChaCha block.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::sign::push_lower_hex;

/// A nonce for a request signed at `now`.
///
/// # Panics
/// When the operating system's random number generator cannot be read, the first time a thread
/// asks (as `uuid::Uuid::new_v4` did on every call).
pub fn next(now: SystemTime) -> String {
    let since_epoch = now
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos());
    let random: u128 = rand::random();
    let mut nonce = String::with_capacity(32);
    push_lower_hex(&mut nonce, &(random ^ since_epoch).to_le_bytes());
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
