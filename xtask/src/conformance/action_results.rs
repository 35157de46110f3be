//! Each action's result: the official SDK's record and ours paired and compared, the request
//! (`compare.rs`) and how each side took each reply.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::call_constants::{ACCESS_KEY_SECRET, replies};
use super::cli::CliRun;
use super::compare::{self, Difference, Normalised, Side};
use super::runner_batches::{Batch, OursLine};
use super::{Product, State};

pub struct ActionResult {
    pub action: String,
    pub outcome: ActionOutcome,
    /// Inputs the official SDK's model cannot express, with why: sent by neither side.
    pub dropped: Vec<(String, String)>,
    /// Inputs the official model holds as text, given to it as the text ours sends.
    pub adapted: Vec<String>,
    /// Dropped inputs ours requires: sent by ours alone.
    pub forced: Vec<String>,
    pub normalised: Normalised,
}

pub enum ActionOutcome {
    /// The official SDK made no request (no such method, inputs it refuses): why.
    NotCompared(String),
    Identical,
    Differs(Vec<Difference>),
}

pub fn compare_product(
    product: &mut Product,
    ours: &BTreeMap<(String, String), OursLine>,
    cli_runs: &BTreeMap<(String, String), CliRun>,
    batches: &[Batch],
    build_log: &str,
) {
    if !matches!(product.state, State::Compared) {
        return;
    }
    let built = batches
        .iter()
        .find(|batch| batch.dirs.contains(&product.dir))
        .is_some_and(|_| ours.keys().any(|(dir, _)| dir == &product.dir));
    let already: BTreeSet<String> = product.sdk.iter().map(|r| r.action.clone()).collect();
    for input in &product.inputs {
        let action = &input.action;
        if already.contains(action) {
            continue;
        }
        let Some(official) = product.official.get(action) else {
            continue;
        };
        let key = (product.dir.clone(), action.clone());
        let (outcome, normalised) = match (&official.request, ours.get(&key)) {
            (None, _) => (
                ActionOutcome::NotCompared(official.failure.clone().unwrap_or_default()),
                Normalised::default(),
            ),
            (Some(_), None) if !built => (
                ActionOutcome::Differs(vec![Difference {
                    class: "ours failed: the runner did not build".into(),
                    detail: compare::clip(
                        build_log
                            .lines()
                            .find(|l| l.contains("error"))
                            .unwrap_or(""),
                    ),
                }]),
                Normalised::default(),
            ),
            (Some(_), None) => (
                ActionOutcome::Differs(vec![Difference {
                    class: "ours failed: the runner stopped before this action".into(),
                    detail: String::new(),
                }]),
                Normalised::default(),
            ),
            (Some(official_request), Some(line)) => {
                let mut found = Vec::new();
                let mut normalised = Normalised::default();
                match (&line.request, &line.failure) {
                    (Some(request), _) => {
                        let (differences, applied) = compare::compare(
                            official_request,
                            request,
                            Side::Sdk,
                            ACCESS_KEY_SECRET,
                        );
                        found.extend(differences);
                        normalised = applied;
                    }
                    (None, failure) => found.push(Difference {
                        class: failure_class(failure.as_deref().unwrap_or("")),
                        detail: compare::clip(failure.as_deref().unwrap_or("")),
                    }),
                }
                if !line.outcomes.is_empty() {
                    found.extend(outcome_differences(&official.outcomes, &line.outcomes));
                }
                (finish(found), normalised)
            }
        };
        product.sdk.push(ActionResult {
            action: action.clone(),
            outcome,
            dropped: official.dropped.clone(),
            adapted: official.adapted.clone(),
            forced: product.forced.get(action).cloned().unwrap_or_default(),
            normalised,
        });
    }
    product.sdk.sort_by(|a, b| a.action.cmp(&b.action));
    for input in &product.inputs {
        let key = (product.dir.clone(), input.action.clone());
        let Some(run) = cli_runs.get(&key) else {
            continue;
        };
        let official = &product.official[&input.action];
        let Some(official_request) = &official.request else {
            continue;
        };
        let mut found = Vec::new();
        let mut normalised = Normalised::default();
        match (&run.request, &run.failure) {
            (Some(request), _) => {
                let (differences, applied) =
                    compare::compare(official_request, request, Side::Cli, ACCESS_KEY_SECRET);
                found.extend(differences);
                normalised = applied;
                if !run.verified {
                    found.push(Difference {
                        class: "signature: the test server refused the CLI's".into(),
                        detail: String::new(),
                    });
                }
            }
            (None, failure) => found.push(Difference {
                class: "ours failed: the CLI sent nothing".into(),
                detail: compare::clip(failure.as_deref().unwrap_or("")),
            }),
        }
        found.extend(outcome_differences(&official.outcomes, &run.outcomes));
        product.cli.push(ActionResult {
            action: input.action.clone(),
            outcome: finish(found),
            dropped: official.dropped.clone(),
            adapted: official.adapted.clone(),
            forced: Vec::new(),
            normalised,
        });
    }
}

fn finish(mut found: Vec<Difference>) -> ActionOutcome {
    found.sort();
    found.dedup();
    if found.is_empty() {
        ActionOutcome::Identical
    } else {
        ActionOutcome::Differs(found)
    }
}

/// A failure of ours before anything was sent, by its kind.
fn failure_class(failure: &str) -> String {
    let kind = failure.split(':').next().unwrap_or(failure);
    format!("ours failed: {kind}")
}

/// A reply one side took as a success and the other as an error.
fn outcome_differences(
    official: &BTreeMap<String, Value>,
    ours: &BTreeMap<String, Value>,
) -> Vec<Difference> {
    let mut found = Vec::new();
    for (name, _, _) in replies() {
        let kind = |outcomes: &BTreeMap<String, Value>| {
            outcomes
                .get(&name)
                .and_then(|outcome| outcome["outcome"].as_str())
                .unwrap_or("none")
                .to_owned()
        };
        let (theirs, mine) = (kind(official), kind(ours));
        if theirs != mine {
            let detail = |outcomes: &BTreeMap<String, Value>| {
                outcomes
                    .get(&name)
                    .and_then(|outcome| outcome["detail"].as_str())
                    .unwrap_or("")
                    .to_owned()
            };
            found.push(Difference {
                class: format!("reply {name}: official {theirs}, ours {mine}"),
                detail: compare::clip(&format!(
                    "official {}, ours {}",
                    detail(official),
                    detail(ours)
                )),
            });
        }
    }
    found
}
