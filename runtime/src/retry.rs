//! Retry policy: which failures are worth another attempt, for which operations, how long to
//! wait first, and how many retries a client may make at all.
//!
//! **Every operation** is retried when the request was provably not processed: the service
//! asked the client to slow down (a throttling code such as `Throttling.User` or
//! `ServiceUnavailable`, or an `x-acs-retry-after` header), answered HTTP 503, or the connection
//! could not be made.
//!
//! **Only operations that are safe to repeat** are retried when the request may have been
//! processed: HTTP 500, 502 or 504, a connection that broke after the request was written, a
//! read timeout. Safe means read-only (the spec says so, from the RAM access level) or carrying
//! an idempotency token (`ClientToken`), which stays the same on every attempt so that the
//! service carries the request out once. Anything else (`UpdateParameter` after a 500, say) fails
//! at once rather than risk applying a write twice.
//!
//! Not retried at all: other service errors (the request was wrong), responses over the size
//! limit (the same request brings the same body), refused certificates, decoding errors.
//!
//! Backoff is capped exponential with jitter; an `x-acs-retry-after` header (milliseconds) is
//! honoured, and if it asks for more than the maximum backoff the call fails at once rather
//! than sleeping past its budget.
//!
//! **Retry budget.** Each client holds a token bucket (as the AWS SDKs'
//! standard strategy does): a retry takes 5 tokens (10 after a network failure or timeout),
//! a call that succeeds at once puts 1 back, and a call that succeeds after retrying returns
//! what its last retry took. With the bucket empty, failures are returned without retrying, so a
//! failing service gets about one request per call instead of a storm of retries.
//!
//! Only a 4xx or 5xx response is a service error, as in the official SDKs: a 2xx body that
//! carries a `Code` (`{"Code":"200","Success":true,…}`) is a success and never retried.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use crate::error::Error;

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
/// already a dependency, for idempotency tokens); only retries and waits pay for it.
pub(crate) fn jitter() -> f64 {
    let random = uuid::Uuid::new_v4().as_u64_pair().0;
    (random >> 11) as f64 / (1u64 << 53) as f64
}

/// Why a failed attempt may be tried again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryReason {
    /// A throttling code, or `x-acs-retry-after`: the service did not act on the request.
    Throttled,
    /// HTTP 503: the service did not act on the request.
    Unavailable,
    /// No connection could be made, so nothing was sent.
    Connect,
    /// HTTP 500, 502 or 504: the service may have acted on the request.
    ServerError,
    /// The connection broke after the request was written.
    ConnectionBroken,
    /// No response within the read timeout.
    ReadTimeout,
}

impl RetryReason {
    /// Whether the request was provably not processed, so that any operation may be sent
    /// again; otherwise only one that is safe to repeat.
    pub fn not_processed(self) -> bool {
        matches!(
            self,
            RetryReason::Throttled | RetryReason::Unavailable | RetryReason::Connect
        )
    }

    /// Tokens a retry for this reason takes from the [`RetryBudget`]: more for the network
    /// failures and timeouts that a struggling service or path shows first.
    fn cost(self) -> u32 {
        match self {
            RetryReason::Connect | RetryReason::ConnectionBroken | RetryReason::ReadTimeout => 10,
            RetryReason::Throttled | RetryReason::Unavailable | RetryReason::ServerError => 5,
        }
    }
}

/// Why a service error may be retried: only its status, its code and `x-acs-retry-after`
/// count. A 2xx error document is retried for throttling codes only.
pub(crate) fn service_retry_reason(
    error: &Error,
    retry_after: Option<Duration>,
) -> Option<RetryReason> {
    let Error::Service(error) = error else {
        return None;
    };
    if error.is_throttling() || retry_after.is_some() {
        return Some(RetryReason::Throttled);
    }
    match error.status {
        503 => Some(RetryReason::Unavailable),
        500 | 502 | 504 => Some(RetryReason::ServerError),
        _ => None,
    }
}

/// `x-acs-retry-after`, in milliseconds.
pub(crate) fn retry_after(headers: &http::HeaderMap) -> Option<Duration> {
    let value = headers
        .get("x-acs-retry-after")?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()?;
    (value > 0).then(|| Duration::from_millis(value))
}

/// The tokens a client starts with: 100 retries of a service error, 50 after network failures.
const BUDGET_CAPACITY: u32 = 500;
/// What a call that succeeds at its first attempt puts back.
const SUCCESS_REFUND: u32 = 1;

/// A client's token bucket for retries (see the [module documentation](self)). Clones of a
/// client share it.
#[derive(Debug)]
pub(crate) struct RetryBudget {
    tokens: AtomicU32,
}

impl Default for RetryBudget {
    fn default() -> Self {
        RetryBudget {
            tokens: AtomicU32::new(BUDGET_CAPACITY),
        }
    }
}

impl RetryBudget {
    /// Takes the cost of a retry for `reason`, or `None` when too few tokens are left; the
    /// tokens taken, to give back if the retry succeeds.
    pub(crate) fn withdraw(&self, reason: RetryReason) -> Option<u32> {
        let cost = reason.cost();
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |tokens| {
                tokens.checked_sub(cost)
            })
            .ok()
            .map(|_| cost)
    }

    /// Gives `tokens` back, never beyond the starting amount.
    pub(crate) fn deposit(&self, tokens: u32) {
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |held| {
                Some(held.saturating_add(tokens).min(BUDGET_CAPACITY))
            });
    }

    /// A call succeeded: what its last retry took comes back, or, without a retry, a token.
    pub(crate) fn record_success(&self, last_withdrawal: Option<u32>) {
        self.deposit(last_withdrawal.unwrap_or(SUCCESS_REFUND));
    }

    #[cfg(test)]
    fn available(&self) -> u32 {
        self.tokens.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ServiceError;

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

    fn service_error(status: u16, code: &str) -> Error {
        Error::Service(Box::new(ServiceError {
            code: code.into(),
            ..ServiceError::from_status(status, None)
        }))
    }

    #[test]
    fn what_the_service_did_not_process_is_told_apart_from_what_it_may_have() {
        let reason = |status, code| service_retry_reason(&service_error(status, code), None);
        assert_eq!(reason(400, "Throttling.User"), Some(RetryReason::Throttled));
        assert_eq!(
            reason(400, "ServiceUnavailable"),
            Some(RetryReason::Throttled)
        );
        assert_eq!(reason(503, "Busy"), Some(RetryReason::Unavailable));
        for status in [500, 502, 504] {
            assert_eq!(
                reason(status, "InternalError"),
                Some(RetryReason::ServerError)
            );
        }
        assert_eq!(reason(501, "NotImplemented"), None);
        assert_eq!(reason(400, "InvalidParameter"), None);
        assert_eq!(
            service_retry_reason(
                &service_error(500, "InternalError"),
                Some(Duration::from_millis(10))
            ),
            Some(RetryReason::Throttled),
            "x-acs-retry-after says the request was not carried out"
        );

        for unprocessed in [
            RetryReason::Throttled,
            RetryReason::Unavailable,
            RetryReason::Connect,
        ] {
            assert!(unprocessed.not_processed());
        }
        for maybe_processed in [
            RetryReason::ServerError,
            RetryReason::ConnectionBroken,
            RetryReason::ReadTimeout,
        ] {
            assert!(!maybe_processed.not_processed());
        }
    }

    #[test]
    fn retry_after_is_milliseconds() {
        let mut headers = http::HeaderMap::new();
        headers.insert("x-acs-retry-after", " 1500 ".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_millis(1500)));
        headers.insert("x-acs-retry-after", "0".parse().unwrap());
        assert_eq!(retry_after(&headers), None);
        headers.insert("x-acs-retry-after", "soon".parse().unwrap());
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn the_budget_runs_out_refills_on_success_and_never_overflows() {
        let budget = RetryBudget::default();
        let mut retries = 0;
        while budget.withdraw(RetryReason::Unavailable).is_some() {
            retries += 1;
        }
        assert_eq!(retries, BUDGET_CAPACITY / 5);
        assert_eq!(budget.available(), 0);
        assert_eq!(budget.withdraw(RetryReason::Throttled), None);

        budget.record_success(None);
        assert_eq!(budget.available(), SUCCESS_REFUND);
        budget.deposit(4);
        assert_eq!(budget.withdraw(RetryReason::ServerError), Some(5));
        assert_eq!(budget.available(), 0);
        budget.record_success(Some(5));
        assert_eq!(budget.available(), 5);
        assert_eq!(
            budget.withdraw(RetryReason::ReadTimeout),
            None,
            "a timeout costs 10"
        );

        let full = RetryBudget::default();
        full.record_success(None);
        assert_eq!(full.available(), BUDGET_CAPACITY);
    }
}
