//! Client CPU per call against aws-sdk-ssm's for the same loop: `cpu_per_call` and the
//! baseline `benches/ssm-baseline` (DescribeInstancePatchStates, 10 items, a loopback server on
//! a second thread), both pinned to CPU 0, in alternating rounds of one run, so that the
//! machine's load weighs on both alike. The figure is aws-sdk-ssm's median over ours.
//!
//! The baseline is a workspace of its own with its own lock file, built here in release into
//! `target/ssm-baseline`: nothing else compiles aws-sdk-ssm.

use std::path::PathBuf;

use super::process::{checked, step};
use super::programs::Results;
use super::stats::Stats;
use super::{Bench, cargo};

/// The baseline crate, from the workspace root.
const BASELINE_DIR: &str = "benches/ssm-baseline";

/// At least this many times less client CPU per call than aws-sdk-ssm (issue 18).
const TARGET_RATIO: f64 = 3.5;

pub fn run(bench: &mut Bench) -> Result<(), String> {
    let baseline = build_baseline(bench)?;
    let ours = bench.programs.executable("cpu_per_call")?.to_path_buf();
    let calls = if bench.options.quick { "2000" } else { "20000" };
    let args = ["--calls", calls, "--warmup", "1000"];
    let rounds = bench.options.runs();
    let (mut our_runs, mut their_runs): (Vec<Results>, Vec<Results>) = (vec![], vec![]);
    for round in 0..rounds {
        step(&format!(
            "client CPU per call, pinned to CPU 0: round {} of {rounds}, ours then aws-sdk-ssm's",
            round + 1
        ));
        our_runs.push(bench.measure_once(&ours, "cpu_per_call", true, &args, round)?);
        their_runs.push(bench.measure_once(&baseline, "ssm-baseline", true, &args, round)?);
    }
    let client_cpu = |runs: &[Results]| -> Result<Vec<f64>, String> {
        runs.iter()
            .map(|run| {
                run.get("client_thread_cpu_us")
                    .copied()
                    .ok_or_else(|| "no client_thread_cpu_us in a RESULT line".to_string())
            })
            .collect()
    };
    let (ours, theirs) = (client_cpu(&our_runs)?, client_cpu(&their_runs)?);
    let (our_stats, their_stats) = (Stats::of(&ours), Stats::of(&theirs));
    bench.figure(
        "ours: client thread CPU per call, pinned",
        "µs",
        our_stats,
        None,
    );
    bench.figure(
        "aws-sdk-ssm: client thread CPU per call, pinned",
        "µs",
        their_stats,
        None,
    );
    let ratio = their_stats.median / our_stats.median;
    bench.figure(
        "aws-sdk-ssm ÷ ours, client CPU per call (ratio of medians)",
        "×",
        Stats::of(&[ratio]),
        Some((">= 3.5×", ratio >= TARGET_RATIO)),
    );
    let per_round: Vec<f64> = theirs.iter().zip(&ours).map(|(t, o)| t / o).collect();
    bench.figure(
        "aws-sdk-ssm ÷ ours, round by round",
        "×",
        Stats::of(&per_round),
        None,
    );
    for (key, name) in [
        ("server_thread_cpu_us", "server thread CPU per call"),
        ("wall_us", "wall time per call"),
    ] {
        for (who, runs) in [("ours", &our_runs), ("aws-sdk-ssm", &their_runs)] {
            let values: Vec<f64> = runs
                .iter()
                .filter_map(|run| run.get(key).copied())
                .collect();
            bench.figure(format!("{who}: {name}"), "µs", Stats::of(&values), None);
        }
    }
    Ok(())
}

/// `cargo build --release` of the baseline; its executable.
fn build_baseline(bench: &Bench) -> Result<PathBuf, String> {
    step("building the aws-sdk-ssm baseline (benches/ssm-baseline, release)");
    let manifest = bench.root.join(BASELINE_DIR).join("Cargo.toml");
    let target_dir = bench.root.join("target").join("ssm-baseline");
    let output = checked(
        bench
            .cargo()
            .args([
                "build",
                "--release",
                "--locked",
                "--message-format=json-render-diagnostics",
            ])
            .arg("--manifest-path")
            .arg(&manifest)
            .arg("--target-dir")
            .arg(&target_dir),
    )?;
    cargo::artifacts(&String::from_utf8_lossy(&output.stdout))
        .into_iter()
        .find(|artifact| artifact.target == "ssm-baseline")
        .and_then(|artifact| artifact.executable)
        .ok_or_else(|| "the aws-sdk-ssm baseline built no executable".to_string())
}
