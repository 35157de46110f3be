//! Retry policy: which failures are worth another attempt, and how long to wait first.
//!
//! Retried: throttling codes (`Throttling`, `Throttling.User`, `Throttling.Api`,
//! `ServiceUnavailable`), HTTP 5xx, and connection failures. Not retried: other service
//! errors (the request was wrong), read timeouts (the service may have acted on the request;
//! the caller decides), responses over the size limit (the same request brings the same
//! body), and decoding errors. Backoff is capped exponential with jitter; an
//! `x-acs-retry-after` header (milliseconds) is honoured, and if it asks for more than the
//! maximum backoff the call fails at once rather than sleeping past its budget.
//!
//! An error document sent with HTTP 2xx (`{"Code":"InternalError","Message":…}`: top-level
//! string `Code` and `Message`) is a service error like any other, never decoded as an empty
//! response; as its status says nothing, it is retried only for a throttling code.

use std::time::Duration;

/// How many attempts a call may make and how long to wait between them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryConfig {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
}

impl Default for RetryConfig {
    /// Three attempts, backoff from 200 ms doubling up to 20 s.
    fn default() -> Self {
        RetryConfig {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(20),
        }
    }
}

impl RetryConfig {
    /// One attempt only.
    pub fn disabled() -> Self {
        RetryConfig {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Total attempts including the first; at least 1.
    pub fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts.max(1);
        self
    }

    pub fn with_initial_backoff(mut self, initial_backoff: Duration) -> Self {
        self.initial_backoff = initial_backoff;
        self
    }

    pub fn with_max_backoff(mut self, max_backoff: Duration) -> Self {
        self.max_backoff = max_backoff;
        self
    }

    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// The wait before attempt `next_attempt` (2 for the first retry): a random duration
    /// between half and all of `initial * 2^(retry-1)`, capped at the maximum.
    pub fn backoff(&self, next_attempt: u32) -> Duration {
        let exponent = next_attempt.saturating_sub(2).min(20);
        let ceiling = self
            .initial_backoff
            .saturating_mul(1 << exponent)
            .min(self.max_backoff);
        let half = ceiling / 2;
        half + half.mul_f64(jitter())
    }
}

/// A uniformly distributed fraction in [0, 1), from the random bytes of a v4 UUID (uuid is
/// already a dependency, for idempotency tokens); only retries pay for it.
fn jitter() -> f64 {
    let random = uuid::Uuid::new_v4().as_u64_pair().0;
    (random >> 11) as f64 / (1u64 << 53) as f64
}

/// Why a failed attempt may be tried again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryReason {
    Throttled,
    ServerError,
    Connection,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_stays_capped() {
        let config = RetryConfig::default()
            .with_initial_backoff(Duration::from_millis(100))
            .with_max_backoff(Duration::from_millis(350));
        for _ in 0..100 {
            let first = config.backoff(2);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let second = config.backoff(3);
            assert!(second >= Duration::from_millis(100) && second <= Duration::from_millis(200));
            let capped = config.backoff(10);
            assert!(capped >= Duration::from_millis(175) && capped <= Duration::from_millis(350));
        }
    }

    #[test]
    fn max_attempts_is_at_least_one() {
        assert_eq!(
            RetryConfig::default().with_max_attempts(0).max_attempts(),
            1
        );
        assert_eq!(RetryConfig::disabled().max_attempts(), 1);
    }
}
