//! Polling until a status is final: aliyun-cli's `--waiter expr=… to=…` on any operation, and
//! `<name> wait <waiter>` for the spec's waiters. Both run the runtime's `wait`, the loop the
//! SDK's `wait_until_*` methods run, and print one line to stderr per status change.

use std::time::Duration;

use acs_runtime::{Client, RequestParams, StatusCallback, WaitRule, WaiterError};
use clap::{Arg, ArgMatches};
use serde_json::Value;

use crate::call;
use crate::exit::Failure;
use crate::model::{Operation, Waiter};
use crate::query::Query;
use crate::values;

pub const WAITER: &str = "waiter";
/// Options of `wait <waiter>`, overriding the spec's rule.
pub const TIMEOUT: &str = "timeout";
pub const INTERVAL: &str = "interval";

/// aliyun-cli's defaults for `--waiter`.
const FLAG_TIMEOUT: Duration = Duration::from_secs(180);
const FLAG_INTERVAL: Duration = Duration::from_secs(5);

pub fn flag(heading: &'static str) -> Arg {
    Arg::new(WAITER)
        .long(WAITER)
        .num_args(1..=4)
        .value_name("expr=… to=…")
        .value_parser(flag_field)
        .help_heading(heading)
        .help(
            "Call again until the JMESPath expr= selects the value to= (also timeout=SECONDS, \
             default 180; interval=SECONDS, default 5); then print the last response",
        )
}

/// The options of `wait <waiter>` that override the spec's rule.
pub fn rule_args(rule: &WaitRule) -> [Arg; 2] {
    [
        Arg::new(TIMEOUT)
            .long(TIMEOUT)
            .value_name("SECONDS")
            .value_parser(values::seconds)
            .help(format!(
                "Give up after this long (default {})",
                rule.timeout.as_secs()
            )),
        Arg::new(INTERVAL)
            .long(INTERVAL)
            .value_name("SECONDS")
            .value_parser(values::seconds)
            .help(format!(
                "Time between calls (default {})",
                rule.delay.as_secs()
            )),
    ]
}

#[derive(Clone, Debug)]
enum FlagField {
    Expr(Query),
    To(String),
    Timeout(Duration),
    Interval(Duration),
}

fn flag_field(text: &str) -> Result<FlagField, String> {
    match values::field(text, &["expr", "to", "timeout", "interval"])? {
        ("expr", expression) => Query::parse(expression).map(FlagField::Expr),
        ("to", value) => Ok(FlagField::To(value.to_string())),
        ("timeout", seconds) => values::seconds(seconds).map(FlagField::Timeout),
        (_, seconds) => values::seconds(seconds).map(FlagField::Interval),
    }
}

/// What to wait for: where the status is and which values end the wait.
#[derive(Debug)]
pub struct Wait {
    status: Query,
    rule: WaitRule,
}

impl Wait {
    /// `--waiter`, if given; without `expr=` and `to=` it is a usage error.
    pub fn from_flag(matches: &ArgMatches) -> Result<Option<Wait>, String> {
        let Some(fields) = matches.get_many::<FlagField>(WAITER) else {
            return Ok(None);
        };
        let (mut status, mut target) = (None, None);
        let (mut timeout, mut delay) = (FLAG_TIMEOUT, FLAG_INTERVAL);
        for field in fields {
            match field.clone() {
                FlagField::Expr(query) => status = Some(query),
                FlagField::To(value) => target = Some(value),
                FlagField::Timeout(limit) => timeout = limit,
                FlagField::Interval(interval) => delay = interval,
            }
        }
        let (Some(status), Some(target)) = (status, target) else {
            return Err("--waiter needs expr=JMESPATH and to=VALUE".into());
        };
        // A rule holds 'static values, as the SDK's constant rules do. The process makes one
        // wait and ends, so the few leaked bytes go with it.
        let success: &'static [&'static str] = Box::leak(Box::new([&*target.leak()]));
        Ok(Some(Wait {
            status,
            rule: WaitRule {
                success,
                failure: &[],
                needs_action: &[],
                delay,
                timeout,
            },
        }))
    }

    /// The spec's waiter, with `--timeout` and `--interval` if given.
    pub fn from_table(waiter: &Waiter, matches: &ArgMatches) -> Result<Wait, Failure> {
        let status = Query::parse(waiter.status_path).map_err(|problem| {
            Failure::Unexpected(format!("the waiter's status path: {problem}"))
        })?;
        let mut rule = waiter.rule.clone();
        if let Some(timeout) = matches.get_one::<Duration>(TIMEOUT) {
            rule.timeout = *timeout;
        }
        if let Some(interval) = matches.get_one::<Duration>(INTERVAL) {
            rule.delay = *interval;
        }
        Ok(Wait { status, rule })
    }

    /// Calls `operation` until the status is final and returns the last response. With
    /// `progress`, prints `<path>: <status>` to stderr each time the status changes.
    pub async fn run(
        &self,
        client: &Client,
        operation: &'static Operation,
        params: RequestParams,
        progress: bool,
    ) -> Result<Value, Failure> {
        let path = self.status.text().to_owned();
        let report = progress.then(|| {
            StatusCallback::new(move |status| {
                eprintln!("{path}: {}", status.unwrap_or("(none)"));
            })
        });
        let polled = acs_runtime::wait(
            || {
                let params = params.clone();
                async move {
                    let document = call::send(client, operation, params).await?;
                    let status = self.status_of(&document);
                    Ok(Polled { document, status })
                }
            },
            |polled: &Polled| polled.status.as_deref(),
            self.rule.clone(),
            report,
        )
        .await;
        match polled {
            Ok(polled) => Ok(polled.document),
            Err(WaiterError::Failed { status, .. }) => Err(Failure::WaitFailed(format!(
                "{} is `{status}`, a failure status",
                self.status.text()
            ))),
            Err(WaiterError::NeedsAction { status, .. }) => Err(Failure::WaitFailed(format!(
                "{} is `{status}`: it waits for someone to act, not for time",
                self.status.text()
            ))),
            Err(WaiterError::NoStatus { polls, .. }) => Err(Failure::Unexpected(format!(
                "{polls} calls in a row found no {}: nothing to wait for",
                self.status.text()
            ))),
            Err(WaiterError::TimedOut {
                last_status,
                waited,
            }) => Err(Failure::WaitTimedOut(format!(
                "gave up after {:.1} s waiting for {} to be {} (last: {})",
                waited.as_secs_f64(),
                self.status.text(),
                self.rule.success.join(" or "),
                last_status.as_deref().unwrap_or("(none)")
            ))),
            Err(WaiterError::Call(error)) => Err(Failure::Call(error)),
            Err(other) => Err(Failure::Unexpected(other.to_string())),
        }
    }

    /// A string status as it is, null or a missing field as none, anything else as JSON text.
    fn status_of(&self, document: &Value) -> Option<String> {
        match self.status.search(document).ok()? {
            Value::Null => None,
            Value::String(text) => Some(text),
            other => Some(other.to_string()),
        }
    }
}

/// One poll's response and the status found in it.
#[derive(Debug)]
struct Polled {
    document: Value,
    status: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Command;
    use serde_json::json;

    fn wait(args: &[&str]) -> Result<Option<Wait>, String> {
        let matches = Command::new("t")
            .arg(flag("Call options"))
            .try_get_matches_from(std::iter::once("t").chain(args.iter().copied()))
            .map_err(|error| error.to_string())?;
        Wait::from_flag(&matches)
    }

    #[test]
    fn the_flag_takes_aliyun_cli_fields_and_defaults() {
        let parsed = wait(&["--waiter", "expr=A[0].S", "to=Done"])
            .unwrap()
            .unwrap();
        assert_eq!(parsed.status.text(), "A[0].S");
        assert_eq!(parsed.rule.success, ["Done"]);
        assert!(parsed.rule.failure.is_empty());
        assert_eq!(parsed.rule.timeout, Duration::from_secs(180));
        assert_eq!(parsed.rule.delay, Duration::from_secs(5));
        let tuned = wait(&["--waiter", "expr=S", "to=x", "timeout=2", "interval=0.5"]);
        let tuned = tuned.unwrap().unwrap();
        assert_eq!(tuned.rule.timeout, Duration::from_secs(2));
        assert_eq!(tuned.rule.delay, Duration::from_millis(500));
        assert!(wait(&[]).unwrap().is_none());
        assert!(
            wait(&["--waiter", "expr=S"])
                .unwrap_err()
                .contains("needs expr")
        );
        assert!(
            wait(&["--waiter", "expr=S[", "to=x"])
                .unwrap_err()
                .contains("JMESPath")
        );
        assert!(wait(&["--waiter", "to=x", "timeout=0"]).is_err());
    }

    #[test]
    fn statuses_are_text() {
        let parsed = wait(&["--waiter", "expr=S", "to=x"]).unwrap().unwrap();
        assert_eq!(
            parsed.status_of(&json!({"S": "Running"})),
            Some("Running".into())
        );
        assert_eq!(parsed.status_of(&json!({"S": 3})), Some("3".into()));
        assert_eq!(parsed.status_of(&json!({"T": 3})), None);
    }
}
