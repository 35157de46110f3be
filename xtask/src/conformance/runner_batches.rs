//! The generated SDKs' runs: each action the official SDK called, grouped into runner programs
//! (`runner.rs` writes their text), written into the scratch workspace, built with the CLI
//! sample, and run; an action whose check does not compile is taken out and recorded.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

use serde::Deserialize;
use serde_json::Value;

use super::action_results::{ActionOutcome, ActionResult};
use super::call_constants::{
    ACCESS_KEY_ID, ACCESS_KEY_SECRET, DATE_SECONDS, NONCE, REGION, replies, xml_replies,
};
use super::compare::{self, Difference, Normalised, Recorded};
use super::generation::write_if_changed;
use super::official_sdk::OfficialAction;
use super::{Product, State, runner};

/// Operations per runner program: a program is one crate, compiled on one core.
const BATCH_OPERATIONS: usize = 1000;

#[derive(Debug, Deserialize)]
pub struct OursLine {
    pub dir: String,
    pub action: String,
    #[serde(default)]
    pub request: Option<Recorded>,
    #[serde(default)]
    pub failure: Option<String>,
    #[serde(default)]
    pub outcomes: BTreeMap<String, Value>,
}

/// A runner program and the product-versions it calls.
pub struct Batch {
    pub name: String,
    pub dirs: Vec<String>,
    pub products: Vec<runner::ProductCalls>,
}

/// Groups into runner programs each action the official SDK called, built from the inputs
/// it kept. An input the builders cannot take fails that action alone.
pub fn plan_runners(products: &mut [Product]) -> Vec<Batch> {
    let mut batches: Vec<(Batch, usize)> = Vec::new();
    for product in products.iter_mut() {
        let Some(service) = &product.service else {
            continue;
        };
        if !matches!(product.state, State::Compared) {
            continue;
        }
        let mut calls = Vec::new();
        for (action, official) in &product.official {
            if official.request.is_none() {
                continue;
            }
            // A parameter ours requires is given to ours even when the official model cannot
            // express it: ours cannot build the request without it.
            let mut inputs = official.kept.clone();
            let mut forced = Vec::new();
            let given = product
                .inputs
                .iter()
                .find(|inputs| &inputs.action == action);
            let operation = service.operations.iter().find(|op| &op.name == action);
            if let (Some(given), Some(operation)) = (given, operation) {
                for member in operation.request.iter().filter(|member| member.required) {
                    if let (None, Some(value)) = (
                        inputs.get(&member.wire_name),
                        given.inputs.get(&member.wire_name),
                    ) {
                        inputs.insert(member.wire_name.clone(), value.clone());
                        forced.push(member.wire_name.clone());
                    }
                }
            }
            if !forced.is_empty() {
                product.forced.insert(action.clone(), forced);
            }
            match acs_codegen::request_builder(service, action, &inputs) {
                Ok(builder) => calls.push((action.clone(), builder)),
                Err(error) => product.sdk.push(failed_action(
                    action,
                    official,
                    "ours failed: the inputs cannot be given to the builders",
                    &error.to_string(),
                )),
            }
        }
        let calls = runner::ProductCalls {
            dir: product.dir.clone(),
            official_port: product.official_port,
            xml_replies: product.answers_in_xml(),
            calls,
        };
        let size = calls.calls.len();
        match batches.last_mut() {
            Some((batch, total)) if *total + size <= BATCH_OPERATIONS => {
                batch.dirs.push(product.dir.clone());
                batch.products.push(calls);
                *total += size;
            }
            _ => {
                let name = format!("conformance-runner-{}", batches.len());
                batches.push((
                    Batch {
                        name,
                        dirs: vec![product.dir.clone()],
                        products: vec![calls],
                    },
                    size,
                ));
            }
        }
    }
    batches.into_iter().map(|(batch, _)| batch).collect()
}

fn failed_action(
    action: &str,
    official: &OfficialAction,
    class: &str,
    detail: &str,
) -> ActionResult {
    ActionResult {
        action: action.to_owned(),
        outcome: ActionOutcome::Differs(vec![Difference {
            class: class.into(),
            detail: compare::clip(detail),
        }]),
        dropped: official.dropped.clone(),
        adapted: official.adapted.clone(),
        forced: Vec::new(),
        normalised: Normalised::default(),
    }
}

/// Writes the runner programs (removing those of a previous run and their binaries), and
/// returns the line of each action's check in each: `(line, dir, action)` by runner.
fn write_runners(
    scratch: &Path,
    work: &Path,
    batches: &[Batch],
) -> Result<BTreeMap<String, runner::CheckLines>, String> {
    let replies = replies();
    let xml_replies = xml_replies();
    let constants = runner::Constants {
        date_seconds: DATE_SECONDS,
        nonce: NONCE,
        access_key_id: ACCESS_KEY_ID,
        access_key_secret: ACCESS_KEY_SECRET,
        region: REGION,
        replies: &replies,
        xml_replies: &xml_replies,
    };
    let generated = scratch.join("generated");
    if let Ok(listing) = fs::read_dir(&generated) {
        for item in listing.flatten() {
            let name = item.file_name().to_string_lossy().into_owned();
            if name.starts_with("conformance-runner-")
                && !batches.iter().any(|batch| batch.name == name)
            {
                let _ = fs::remove_dir_all(item.path());
            }
        }
    }
    let mut lines = BTreeMap::new();
    for batch in batches {
        // A binary left by an earlier run must not stand in for one that fails to build.
        let _ = fs::remove_file(work.join("build/debug").join(&batch.name));
        let dir = generated.join(&batch.name);
        let dirs: Vec<&str> = batch.dirs.iter().map(String::as_str).collect();
        write_if_changed(
            &dir.join("Cargo.toml"),
            &runner::manifest(&batch.name, &dirs),
        )?;
        let (text, checks) = runner::main_rs(&constants, &batch.products);
        write_if_changed(&dir.join("src/main.rs"), &text)?;
        lines.insert(batch.name.clone(), checks);
    }
    Ok(lines)
}

/// Builds the runners and the CLI sample. An action whose check does not compile (an input
/// the builders write wrongly) is taken out of its runner, recorded, and the runner built
/// again, up to three times. Returns cargo's last errors (empty when all built).
pub fn build_runners(
    scratch: &Path,
    work: &Path,
    batches: &mut [Batch],
    products: &mut [Product],
    cli_packages: &[String],
) -> Result<String, String> {
    // A runner left by an earlier run would otherwise be run as this one's when its build fails.
    for batch in batches.iter() {
        let binary = work.join("build/debug").join(&batch.name);
        if binary.exists() {
            fs::remove_file(&binary).map_err(|e| format!("{}: {e}", binary.display()))?;
        }
    }
    let mut log = String::new();
    for _ in 0..3 {
        let lines = write_runners(scratch, work, batches)?;
        log = build(scratch, work, batches, cli_packages)?;
        if log.is_empty() {
            break;
        }
        let mut excluded = 0;
        for batch in batches.iter_mut() {
            let file = format!("generated/{}/src/main.rs", batch.name);
            let failing = runner::failing_lines(&log, &file);
            let checks = &lines[&batch.name];
            for (line, dir, action) in checks.iter().filter(|(line, ..)| failing.contains(line)) {
                let Some(product) = products.iter_mut().find(|p| &p.dir == dir) else {
                    continue;
                };
                let message = compile_error_at(&log, &file, *line);
                if let Some(official) = product.official.get(action) {
                    product.sdk.push(failed_action(
                        action,
                        official,
                        "ours failed: the builders' expression does not compile",
                        &message,
                    ));
                }
                for calls in batch.products.iter_mut().filter(|calls| &calls.dir == dir) {
                    calls.calls.retain(|(name, _)| name != action);
                }
                excluded += 1;
            }
        }
        if excluded == 0 {
            break;
        }
        println!(
            "conformance: {excluded} action(s) whose check does not compile taken out; building again"
        );
    }
    // Cargo that built nothing (a crate it could not download: the build is offline) is the
    // harness failing, not the generated SDKs: stop rather than report every action differing.
    let built = batches
        .iter()
        .any(|batch| work.join("build/debug").join(&batch.name).exists());
    if !batches.is_empty() && !built {
        let head: Vec<&str> = log.lines().take(20).collect();
        return Err(format!(
            "cargo built no runner, so nothing of ours can be compared (run `cargo fetch --locked` \
             first if a crate could not be downloaded):\n{}",
            head.join("\n")
        ));
    }
    Ok(log)
}

/// The first error message before the compiler's pointer at `file:line`.
fn compile_error_at(log: &str, file: &str, line: usize) -> String {
    let place = format!("--> {file}:{line}:");
    let lines: Vec<&str> = log.lines().collect();
    lines
        .iter()
        .position(|text| text.trim_start().starts_with(&place))
        .and_then(|at| {
            lines[..at]
                .iter()
                .rev()
                .find(|text| text.starts_with("error"))
        })
        .map_or_else(String::new, |text| (*text).to_owned())
}

/// Builds the runners and the CLI sample; returns cargo's errors (empty when all built).
fn build(
    scratch: &Path,
    work: &Path,
    batches: &[Batch],
    cli_packages: &[String],
) -> Result<String, String> {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command
        .args(["build", "--offline", "--keep-going", "--quiet"])
        .current_dir(scratch)
        .env("CARGO_TARGET_DIR", work.join("build"))
        // A scratch build is thrown away: incremental caches and debug information would only
        // fill the disk and slow the build (the runners hold thousands of functions).
        .env("CARGO_INCREMENTAL", "0")
        .env("CARGO_PROFILE_DEV_DEBUG", "false");
    for batch in batches {
        command.args(["-p", &batch.name]);
    }
    for package in cli_packages {
        command.args(["-p", package]);
    }
    let output = command
        .output()
        .map_err(|error| format!("cannot run cargo: {error}"))?;
    let log = String::from_utf8_lossy(&output.stderr).into_owned();
    if output.status.success() {
        Ok(String::new())
    } else if log.is_empty() {
        Ok("cargo build failed".into())
    } else {
        Ok(log)
    }
}

/// Runs each runner that was built; their lines by (dir, action).
pub fn run_runners(
    work: &Path,
    batches: &[Batch],
) -> Result<BTreeMap<(String, String), OursLine>, String> {
    let mut lines = BTreeMap::new();
    for batch in batches {
        let binary = work.join("build/debug").join(&batch.name);
        if !binary.exists() {
            continue;
        }
        let output = Command::new(&binary)
            .output()
            .map_err(|error| format!("cannot run {}: {error}", binary.display()))?;
        if !output.status.success() {
            eprintln!(
                "conformance: {} ended with {}: {}",
                batch.name,
                output.status,
                String::from_utf8_lossy(&output.stderr)
                    .lines()
                    .take(5)
                    .collect::<Vec<_>>()
                    .join(" / ")
            );
        }
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let parsed: OursLine =
                serde_json::from_str(line).map_err(|e| format!("{}: {e}: {line}", batch.name))?;
            lines.insert((parsed.dir.clone(), parsed.action.clone()), parsed);
        }
    }
    Ok(lines)
}
