//! Keeps temporary credentials and refreshes them ahead of expiry: once, however many
//! callers ask at the same time.

use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use crate::{Credentials, CredentialsError};

/// Refresh at least this long before expiry, so that no call is signed with credentials about
/// to lapse (the official libraries' 180 seconds).
pub(crate) const REFRESH_AHEAD: Duration = Duration::from_secs(3 * 60);

/// Up to this much earlier still, at a random point chosen per fetch: clients that fetched at
/// the same moment (the pods of one node, say) do not all refresh at the same second.
pub(crate) const REFRESH_JITTER: Duration = Duration::from_secs(60);

/// Credentials are refreshed at least this often, whatever expiry they claim: a far-future (or
/// mistaken) expiry would otherwise keep them, revoked or not, for years.
pub(crate) const MAX_LIFETIME: Duration = Duration::from_secs(12 * 60 * 60);

/// After a failed refresh, keep using the still-valid credentials this long before trying
/// again, so that an STS or metadata service outage does not slow every call down.
pub(crate) const RETRY_FAILED_REFRESH_AFTER: Duration = Duration::from_secs(10);

/// The time source, replaceable in tests.
#[derive(Clone)]
pub(crate) struct Clock(Arc<dyn Fn() -> SystemTime + Send + Sync>);

impl Clock {
    pub(crate) fn system() -> Self {
        Clock(Arc::new(SystemTime::now))
    }

    #[cfg(test)]
    pub(crate) fn from_fn(now: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        Clock(Arc::new(now))
    }

    fn now(&self) -> SystemTime {
        (self.0)()
    }
}

pub(crate) struct CredentialsCache {
    provider: &'static str,
    clock: Clock,
    /// A fraction in [0, 1) of [`REFRESH_JITTER`], drawn per fetch.
    jitter: fn() -> f64,
    state: Mutex<State>,
    /// Held by the one caller that refreshes; the others wait on it or use what is valid.
    refreshing: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct State {
    credentials: Option<Credentials>,
    /// When the credentials stop being fresh; `None` for credentials that do not expire.
    refresh_at: Option<SystemTime>,
    /// Set after a failed refresh: no new attempt before then while the credentials last.
    retry_after: Option<SystemTime>,
    /// Counts finished refreshes, so that a caller who waited for one knows it happened.
    refreshes: u64,
    /// Why the last refresh failed, for the callers who waited for it.
    last_error: Option<CredentialsError>,
}

impl State {
    /// What may be handed out without refreshing first.
    fn current(&self, now: SystemTime) -> Option<Credentials> {
        let credentials = self.credentials.as_ref()?;
        let (Some(expiry), Some(refresh_at)) = (credentials.expiry(), self.refresh_at) else {
            return Some(credentials.clone());
        };
        let fresh = now < refresh_at;
        let backing_off = now < expiry && self.retry_after.is_some_and(|after| now < after);
        (fresh || backing_off).then(|| credentials.clone())
    }

    /// What may still be used, if nothing better can be had.
    fn valid(&self, now: SystemTime) -> Option<Credentials> {
        self.credentials
            .as_ref()
            .filter(|credentials| !is_expired(credentials, now))
            .cloned()
    }
}

fn is_expired(credentials: &Credentials, now: SystemTime) -> bool {
    credentials.expiry().is_some_and(|expiry| expiry <= now)
}

impl CredentialsCache {
    pub(crate) fn new(provider: &'static str) -> Self {
        Self::with_clock(provider, Clock::system())
    }

    pub(crate) fn with_clock(provider: &'static str, clock: Clock) -> Self {
        CredentialsCache {
            provider,
            clock,
            jitter: random_fraction,
            state: Mutex::new(State::default()),
            refreshing: tokio::sync::Mutex::new(()),
        }
    }

    #[cfg(test)]
    pub(crate) fn with_jitter(mut self, jitter: fn() -> f64) -> Self {
        self.jitter = jitter;
        self
    }

    /// When credentials fetched at `now` stop being fresh: [`REFRESH_AHEAD`] plus a random
    /// part of [`REFRESH_JITTER`] before their expiry, or before [`MAX_LIFETIME`] from now if
    /// that comes first. Saturating arithmetic: no expiry, however far, can overflow.
    fn refresh_at(&self, expiry: SystemTime, now: SystemTime) -> SystemTime {
        let lifetime = expiry
            .duration_since(now)
            .unwrap_or_default()
            .min(MAX_LIFETIME);
        let ahead = REFRESH_AHEAD + REFRESH_JITTER.mul_f64((self.jitter)().clamp(0.0, 1.0));
        now + lifetime.saturating_sub(ahead)
    }

    /// The cached credentials, or new ones from `fetch` when they are missing or close to
    /// expiry. `fetch` runs at most once at a time.
    pub(crate) async fn get_or_refresh<F, Fut>(
        &self,
        fetch: F,
    ) -> Result<Credentials, CredentialsError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Credentials, CredentialsError>>,
    {
        let refreshes_seen = {
            let state = self.state();
            if let Some(credentials) = state.current(self.clock.now()) {
                return Ok(credentials);
            }
            state.refreshes
        };
        let _refreshing = match self.refreshing.try_lock() {
            Ok(guard) => guard,
            Err(_) => {
                // Someone else is refreshing: valid credentials need not wait for them.
                if let Some(credentials) = self.state().valid(self.clock.now()) {
                    return Ok(credentials);
                }
                self.refreshing.lock().await
            }
        };
        {
            let state = self.state();
            if let Some(credentials) = state.current(self.clock.now()) {
                return Ok(credentials);
            }
            // The refresh we waited for failed: share its answer instead of asking again.
            if state.refreshes != refreshes_seen
                && let Some(error) = &state.last_error
            {
                return Err(error.clone());
            }
        }
        let fetched = fetch().await;
        let now = self.clock.now();
        let fetched = fetched.and_then(|credentials| {
            if is_expired(&credentials, now) {
                Err(CredentialsError::new(
                    self.provider,
                    "the credentials received have already expired (is the system clock right?)",
                ))
            } else {
                Ok(credentials)
            }
        });
        let mut state = self.state();
        state.refreshes += 1;
        match fetched {
            Ok(credentials) => {
                state.refresh_at = credentials
                    .expiry()
                    .map(|expiry| self.refresh_at(expiry, now));
                state.credentials = Some(credentials.clone());
                state.retry_after = None;
                state.last_error = None;
                Ok(credentials)
            }
            Err(error) => {
                state.last_error = Some(error.clone());
                match state.valid(now) {
                    Some(credentials) => {
                        tracing::warn!(
                            provider = self.provider,
                            %error,
                            "refreshing credentials failed; the cached ones stay in use until they expire"
                        );
                        state.retry_after = Some(now + RETRY_FAILED_REFRESH_AFTER);
                        Ok(credentials)
                    }
                    None => Err(error),
                }
            }
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // The state is consistent after every statement, so a panic elsewhere leaves it usable.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A uniformly distributed fraction in [0, 1), from the random bytes of a v4 UUID.
fn random_fraction() -> f64 {
    let random = uuid::Uuid::new_v4().as_u64_pair().0;
    (random >> 11) as f64 / (1u64 << 53) as f64
}

/// Shows when the cached credentials expire, never the credentials.
impl fmt::Debug for CredentialsCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state();
        f.debug_struct("CredentialsCache")
            .field("cached", &state.credentials.is_some())
            .field(
                "expiry",
                &state.credentials.as_ref().and_then(Credentials::expiry),
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::test_support::{LogRecorder, ManualClock};

    const START: Duration = Duration::from_secs(1_700_000_000);

    fn temporary(id: &str, expiry: SystemTime) -> Credentials {
        Credentials::new(id, format!("{id}-secret"), "test")
            .with_security_token("token")
            .with_expiry(expiry)
    }

    fn failure() -> CredentialsError {
        CredentialsError::new("test", "STS is down")
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_fetch_for_a_hundred_concurrent_calls() {
        let cache = Arc::new(CredentialsCache::new("test"));
        let fetches = Arc::new(AtomicUsize::new(0));
        let calls: Vec<_> = (0..100)
            .map(|_| {
                let (cache, fetches) = (cache.clone(), fetches.clone());
                tokio::spawn(async move {
                    cache
                        .get_or_refresh(|| async {
                            fetches.fetch_add(1, Ordering::SeqCst);
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            Ok(temporary(
                                "STS.one",
                                SystemTime::now() + Duration::from_secs(3600),
                            ))
                        })
                        .await
                })
            })
            .collect();
        for call in calls {
            assert_eq!(call.await.unwrap().unwrap().access_key_id(), "STS.one");
        }
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn callers_who_waited_share_a_failed_refresh() {
        let cache = Arc::new(CredentialsCache::new("test"));
        let fetches = Arc::new(AtomicUsize::new(0));
        let calls: Vec<_> = (0..20)
            .map(|_| {
                let (cache, fetches) = (cache.clone(), fetches.clone());
                tokio::spawn(async move {
                    cache
                        .get_or_refresh(|| async {
                            fetches.fetch_add(1, Ordering::SeqCst);
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            Err(failure())
                        })
                        .await
                })
            })
            .collect();
        for call in calls {
            assert_eq!(call.await.unwrap().unwrap_err(), failure());
        }
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
    }

    /// Fetches credentials that expire at `expiry`, with the refresh's random part fixed at
    /// `jitter`; checks that they are kept for `fresh_for` but not a second longer.
    async fn assert_fresh_for(jitter: fn() -> f64, expiry: SystemTime, fresh_for: Duration) {
        let time = ManualClock::new(SystemTime::UNIX_EPOCH + START);
        let cache = CredentialsCache::with_clock("test", time.clock()).with_jitter(jitter);
        let fetch = |id: &'static str| {
            let cache = &cache;
            async move {
                cache
                    .get_or_refresh(|| async { Ok(temporary(id, expiry)) })
                    .await
                    .unwrap()
                    .access_key_id()
                    .to_string()
            }
        };
        assert_eq!(fetch("STS.first").await, "STS.first");
        time.advance(fresh_for - Duration::from_secs(1));
        assert_eq!(fetch("STS.unwanted").await, "STS.first");
        time.advance(Duration::from_secs(2));
        assert_eq!(fetch("STS.second").await, "STS.second");
    }

    #[tokio::test]
    async fn refreshes_three_minutes_ahead_of_expiry_without_jitter() {
        let expiry = SystemTime::UNIX_EPOCH + START + Duration::from_secs(600);
        assert_fresh_for(|| 0.0, expiry, Duration::from_secs(600 - 180)).await;
    }

    #[tokio::test]
    async fn jitter_moves_the_refresh_up_to_a_minute_earlier() {
        let expiry = SystemTime::UNIX_EPOCH + START + Duration::from_secs(600);
        assert_fresh_for(|| 0.5, expiry, Duration::from_secs(600 - 210)).await;

        // The random part is drawn per fetch and stays within its minute.
        let random = CredentialsCache::new("test");
        let now = SystemTime::UNIX_EPOCH + START;
        for _ in 0..100 {
            let at = random.refresh_at(expiry, now);
            assert!(at <= expiry - REFRESH_AHEAD && at >= expiry - REFRESH_AHEAD - REFRESH_JITTER);
        }
    }

    #[tokio::test]
    async fn far_future_expiries_are_refreshed_after_twelve_hours() {
        let far = crate::wire::parse_expiration("9999-12-31T23:59:59Z").unwrap();
        assert_fresh_for(|| 0.0, far, MAX_LIFETIME - REFRESH_AHEAD).await;
    }

    #[tokio::test]
    async fn a_failed_refresh_keeps_valid_credentials_warns_and_retries_later() {
        let time = ManualClock::new(SystemTime::UNIX_EPOCH + START);
        let cache = CredentialsCache::with_clock("test", time.clock());
        let expiry = SystemTime::UNIX_EPOCH + START + Duration::from_secs(600);
        cache
            .get_or_refresh(|| async { Ok(temporary("STS.first", expiry)) })
            .await
            .unwrap();
        time.advance(Duration::from_secs(500));

        let logs = LogRecorder::default();
        let _logging = tracing::subscriber::set_default(logs.clone());
        let attempts = AtomicUsize::new(0);
        let failing = || async {
            attempts.fetch_add(1, Ordering::SeqCst);
            Err(failure())
        };
        let kept = cache.get_or_refresh(failing).await.unwrap();
        assert_eq!(kept.access_key_id(), "STS.first");
        let warnings = logs.lines();
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].starts_with("WARN") && warnings[0].contains("STS is down"),
            "{warnings:?}"
        );
        assert!(!warnings[0].contains("STS.first-secret"));

        // Within the back-off, no new attempt.
        time.advance(RETRY_FAILED_REFRESH_AFTER - Duration::from_secs(1));
        assert_eq!(
            cache.get_or_refresh(failing).await.unwrap().access_key_id(),
            "STS.first"
        );
        assert_eq!(attempts.load(Ordering::SeqCst), 1);

        time.advance(Duration::from_secs(2));
        assert_eq!(
            cache.get_or_refresh(failing).await.unwrap().access_key_id(),
            "STS.first"
        );
        assert_eq!(attempts.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn expired_credentials_are_never_returned() {
        let time = ManualClock::new(SystemTime::UNIX_EPOCH + START);
        let cache = CredentialsCache::with_clock("test", time.clock());
        let expiry = SystemTime::UNIX_EPOCH + START + Duration::from_secs(600);
        cache
            .get_or_refresh(|| async { Ok(temporary("STS.first", expiry)) })
            .await
            .unwrap();

        time.advance(Duration::from_secs(600));
        let error = cache
            .get_or_refresh(|| async { Err(failure()) })
            .await
            .unwrap_err();
        assert_eq!(error, failure());

        let stale = expiry - Duration::from_secs(1);
        let error = cache
            .get_or_refresh(|| async { Ok(temporary("STS.stale", stale)) })
            .await
            .unwrap_err();
        assert!(error.message().contains("already expired"), "{error}");
    }

    #[tokio::test]
    async fn credentials_without_expiry_are_fetched_once() {
        let cache = CredentialsCache::new("test");
        let long_term = || async { Ok(Credentials::new("LTAIkey", "secret", "test")) };
        cache.get_or_refresh(long_term).await.unwrap();
        let again = cache
            .get_or_refresh(|| async { Err(failure()) })
            .await
            .unwrap();
        assert_eq!(again.access_key_id(), "LTAIkey");
        assert!(!format!("{cache:?}").contains("secret"));
    }
}
