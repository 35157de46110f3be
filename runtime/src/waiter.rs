//! Polling until a resource reaches a final state, for generated `wait_until_*` methods.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use crate::error::Error;

/// Which statuses end a wait, and how often and how long to poll.
#[derive(Clone, Debug)]
pub struct WaitRule {
    pub success: &'static [&'static str],
    pub failure: &'static [&'static str],
    pub delay: Duration,
    pub timeout: Duration,
}

#[derive(Debug)]
#[non_exhaustive]
pub enum WaiterError<R> {
    /// The status reached a failure value; the last response is kept.
    Failed { status: String, response: Box<R> },
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

/// Calls `poll` until `status` of its response is a success or failure value of `rule`,
/// sleeping `rule.delay` between polls and giving up after `rule.timeout`.
pub async fn wait<R, F, Fut>(
    mut poll: F,
    status: for<'a> fn(&'a R) -> Option<&'a str>,
    rule: WaitRule,
) -> Result<R, WaiterError<R>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<R, Error>>,
{
    let started = Instant::now();
    let deadline = started + rule.timeout;
    loop {
        let response = poll().await.map_err(WaiterError::Call)?;
        let current = status(&response).map(str::to_string);
        match current.as_deref() {
            Some(value) if rule.success.contains(&value) => return Ok(response),
            Some(value) if rule.failure.contains(&value) => {
                return Err(WaiterError::Failed {
                    status: value.to_string(),
                    response: Box::new(response),
                });
            }
            _ => {}
        }
        let now = Instant::now();
        if now + rule.delay > deadline {
            return Err(WaiterError::TimedOut {
                last_status: current,
                waited: now - started,
            });
        }
        tracing::debug!(status = current.as_deref().unwrap_or(""), "waiting");
        tokio::time::sleep(rule.delay).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Execution(&'static str);

    fn status(response: &Execution) -> Option<&str> {
        Some(response.0)
    }

    const RULE: WaitRule = WaitRule {
        success: &["Success"],
        failure: &["Failed", "Cancelled"],
        delay: Duration::from_secs(5),
        timeout: Duration::from_secs(60),
    };

    #[tokio::test(start_paused = true)]
    async fn polls_until_success() {
        let mut answers = vec!["Running", "Running", "Success"].into_iter();
        let mut polls = 0;
        let result = wait(
            || {
                polls += 1;
                let answer = Execution(answers.next().unwrap());
                async move { Ok(answer) }
            },
            status,
            RULE,
        )
        .await;
        assert_eq!(result.unwrap().0, "Success");
        assert_eq!(polls, 3);
    }

    #[tokio::test(start_paused = true)]
    async fn stops_on_failure_and_on_timeout() {
        let failed = wait(|| async { Ok(Execution("Cancelled")) }, status, RULE).await;
        assert!(
            matches!(failed, Err(WaiterError::Failed { ref status, .. }) if status == "Cancelled")
        );
        let started = Instant::now();
        let timed_out = wait(|| async { Ok(Execution("Running")) }, status, RULE).await;
        assert!(
            matches!(timed_out, Err(WaiterError::TimedOut { last_status: Some(ref s), .. }) if s == "Running")
        );
        assert!(started.elapsed() <= Duration::from_secs(60));
    }
}
