//! Polling until a resource reaches a final state, for generated `wait_until_*` methods and
//! the CLI's waiters.
//!
//! A wait ends with success or failure on the rule's statuses; with an error on a status
//! that waits for someone to act (an approval), which polling would never change; with an
//! error when the status is missing [`MAX_POLLS_WITHOUT_STATUS`] times in a row (the resource
//! is not there, or the path names nothing); and at the timeout. The delay between polls is
//! jittered, so that waiters started together do not poll together; each change of status is
//! reported through `tracing` and to an optional callback.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use crate::error::Error;

/// How many polls in a row may find no status before a wait fails: enough to let a resource
/// just created appear in listings, few enough not to poll for the whole timeout for one
/// that is not there.
pub const MAX_POLLS_WITHOUT_STATUS: u32 = 3;

/// Which statuses end a wait, and how often and how long to poll.
#[derive(Clone, Debug)]
pub struct WaitRule {
    pub success: &'static [&'static str],
    pub failure: &'static [&'static str],
    /// Statuses in which the resource waits for someone to act (to approve, say): the wait
    /// ends with [`WaiterError::NeedsAction`].
    pub needs_action: &'static [&'static str],
    /// The mean time between polls: each wait is drawn between half and one and a half of it.
    pub delay: Duration,
    pub timeout: Duration,
}

#[derive(Debug)]
#[non_exhaustive]
pub enum WaiterError<R> {
    /// The status reached a failure value; the last response is kept.
    Failed { status: String, response: Box<R> },
    /// The status is one that waits for someone to act; the last response is kept.
    NeedsAction { status: String, response: Box<R> },
    /// [`MAX_POLLS_WITHOUT_STATUS`] polls in a row found no status.
    NoStatus { polls: u32, response: Box<R> },
    /// No final status within the timeout.
    TimedOut {
        last_status: Option<String>,
        waited: Duration,
    },
    /// A poll failed (after the call's own retries).
    Call(Error),
}

impl<R: fmt::Debug> fmt::Display for WaiterError<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaiterError::Failed { status, .. } => write!(f, "wait failed: status is `{status}`"),
            WaiterError::NeedsAction { status, .. } => write!(
                f,
                "wait stopped: status is `{status}`, which waits for someone to act"
            ),
            WaiterError::NoStatus { polls, .. } => {
                write!(f, "wait stopped: {polls} polls in a row found no status")
            }
            WaiterError::TimedOut {
                last_status,
                waited,
            } => write!(
                f,
                "wait timed out after {} s (last status: {})",
                waited.as_secs(),
                last_status.as_deref().unwrap_or("none")
            ),
            WaiterError::Call(error) => write!(f, "wait aborted: {error}"),
        }
    }
}

impl<R: fmt::Debug> std::error::Error for WaiterError<R> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaiterError::Call(error) => Some(error),
            _ => None,
        }
    }
}

/// What a [`StatusCallback`] calls.
type OnStatusChange = dyn FnMut(Option<&str>) + Send;

/// A callback told of each change of status (`None` while no status is found).
pub struct StatusCallback(Box<OnStatusChange>);

impl StatusCallback {
    pub fn new(callback: impl FnMut(Option<&str>) + Send + 'static) -> Self {
        StatusCallback(Box::new(callback))
    }
}

impl fmt::Debug for StatusCallback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StatusCallback")
    }
}

/// Calls `poll` until `status` of its response is a success, failure or needs-action value of
/// `rule`, sleeping about `rule.delay` between polls and giving up after `rule.timeout`;
/// `on_change` hears of every change of status.
pub async fn wait<R, F, Fut>(
    mut poll: F,
    status: for<'a> fn(&'a R) -> Option<&'a str>,
    rule: WaitRule,
    mut on_change: Option<StatusCallback>,
) -> Result<R, WaiterError<R>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<R, Error>>,
{
    let started = Instant::now();
    let deadline = started + rule.timeout;
    let mut previous: Option<Option<String>> = None;
    let mut polls_without_status = 0;
    loop {
        let response = poll().await.map_err(WaiterError::Call)?;
        let current = status(&response).map(str::to_string);
        if previous.as_ref() != Some(&current) {
            tracing::debug!(status = current.as_deref().unwrap_or(""), "status changed");
            if let Some(callback) = &mut on_change {
                (callback.0)(current.as_deref());
            }
            previous = Some(current.clone());
        }
        match current.as_deref() {
            Some(value) if rule.success.contains(&value) => return Ok(response),
            Some(value) if rule.failure.contains(&value) => {
                return Err(WaiterError::Failed {
                    status: value.to_string(),
                    response: Box::new(response),
                });
            }
            Some(value) if rule.needs_action.contains(&value) => {
                return Err(WaiterError::NeedsAction {
                    status: value.to_string(),
                    response: Box::new(response),
                });
            }
            Some(_) => polls_without_status = 0,
            None => {
                polls_without_status += 1;
                if polls_without_status >= MAX_POLLS_WITHOUT_STATUS {
                    return Err(WaiterError::NoStatus {
                        polls: polls_without_status,
                        response: Box::new(response),
                    });
                }
            }
        }
        let now = Instant::now();
        let pause = rule.delay.mul_f64(0.5 + crate::retry::jitter());
        if now + pause > deadline {
            return Err(WaiterError::TimedOut {
                last_status: current,
                waited: now - started,
            });
        }
        tokio::time::sleep(pause).await;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[derive(Debug)]
    struct Execution(Option<&'static str>);

    fn status(response: &Execution) -> Option<&str> {
        response.0
    }

    const RULE: WaitRule = WaitRule {
        success: &["Success"],
        failure: &["Failed", "Cancelled"],
        needs_action: &["Waiting"],
        delay: Duration::from_secs(5),
        timeout: Duration::from_secs(60),
    };

    /// Polls answering `statuses` in turn, then the last one for ever; how many polls ran.
    async fn run(
        statuses: &[Option<&'static str>],
        on_change: Option<StatusCallback>,
    ) -> (Result<Execution, WaiterError<Execution>>, usize) {
        let mut answers = statuses.iter().copied();
        let last = *statuses.last().unwrap();
        let mut polls = 0;
        let result = wait(
            || {
                polls += 1;
                let answer = Execution(answers.next().unwrap_or(last));
                async move { Ok(answer) }
            },
            status,
            RULE,
            on_change,
        )
        .await;
        (result, polls)
    }

    #[tokio::test(start_paused = true)]
    async fn polls_until_success_and_reports_each_change() {
        let heard = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&heard);
        let callback = StatusCallback::new(move |status| {
            record.lock().unwrap().push(status.map(str::to_owned));
        });
        let (result, polls) = run(
            &[None, Some("Running"), Some("Running"), Some("Success")],
            Some(callback),
        )
        .await;
        assert_eq!(result.unwrap().0, Some("Success"));
        assert_eq!(polls, 4);
        assert_eq!(
            *heard.lock().unwrap(),
            [None, Some("Running".into()), Some("Success".into())]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn stops_on_failure_on_a_status_that_needs_action_and_on_timeout() {
        let (failed, _) = run(&[Some("Cancelled")], None).await;
        assert!(
            matches!(failed, Err(WaiterError::Failed { ref status, .. }) if status == "Cancelled")
        );
        let (waiting, polls) = run(&[Some("Running"), Some("Waiting")], None).await;
        assert!(
            matches!(waiting, Err(WaiterError::NeedsAction { ref status, .. }) if status == "Waiting")
        );
        assert_eq!(polls, 2);
        let started = Instant::now();
        let (timed_out, _) = run(&[Some("Running")], None).await;
        assert!(
            matches!(timed_out, Err(WaiterError::TimedOut { last_status: Some(ref s), .. }) if s == "Running")
        );
        assert!(started.elapsed() <= Duration::from_secs(60));
    }

    #[tokio::test(start_paused = true)]
    async fn a_status_missing_a_few_polls_in_a_row_ends_the_wait() {
        let (result, polls) = run(&[None], None).await;
        assert!(matches!(
            result,
            Err(WaiterError::NoStatus { polls: 3, .. })
        ));
        assert_eq!(polls, 3);
        let (result, _) = run(
            &[None, None, Some("Running"), None, None, Some("Success")],
            None,
        )
        .await;
        assert!(result.is_ok(), "only polls in a row count");
    }

    #[tokio::test(start_paused = true)]
    async fn the_delay_between_polls_is_jittered_around_the_rule() {
        let mut pauses = Vec::new();
        let mut last = Instant::now();
        let _ = wait(
            || {
                let now = Instant::now();
                pauses.push(now - last);
                last = now;
                async { Ok(Execution(Some("Running"))) }
            },
            status,
            WaitRule {
                timeout: Duration::from_secs(600),
                ..RULE
            },
            None,
        )
        .await;
        let pauses = &pauses[1..];
        assert!(pauses.len() > 50, "{}", pauses.len());
        assert!(pauses.iter().all(|pause| {
            *pause >= Duration::from_millis(2500) && *pause <= Duration::from_millis(7500)
        }));
        let distinct: std::collections::BTreeSet<_> = pauses.iter().collect();
        assert!(distinct.len() > pauses.len() / 2, "{pauses:?}");
    }
}
