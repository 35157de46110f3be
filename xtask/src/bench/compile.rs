//! Compile cost of the OOS SDK: the crate's own build in debug and release (see `own_build`
//! for how a unit's time is taken from outside), the one-call binary's size, and (`--cold`)
//! the one-call binary's cold build.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use super::own_build::Build;
use super::process::{checked, step, timed};
use super::stats::Stats;
use super::{Bench, cargo, read_tree, rust_lines};

const SDK_DIR: &str = "generated/oos";
const ONE_CALL_BIN: &str = "oos-one-call";

pub fn run(bench: &mut Bench) -> Result<(), String> {
    let files = read_tree(&bench.root, Path::new(SDK_DIR))?;
    bench.figure(
        format!("{SDK_DIR}: lines of .rs"),
        "lines",
        Stats::of(&[rust_lines(&files, Path::new(SDK_DIR)) as f64]),
        None,
    );
    // The crate as it is checked in, copied into a scratch workspace: touching it there
    // leaves this workspace's builds fresh.
    let scratch = bench.scratch_workspace("sdk-oos", &files)?;
    let crate_dir = scratch.join(SDK_DIR);
    for release in [false, true] {
        sdk_profile(bench, &scratch, &crate_dir, release)?;
    }
    one_call_binary(bench)?;
    if bench.options.cold() {
        cold_build(bench)?;
    }
    Ok(())
}

/// The crate's own build in one profile, split as cargo's timing report splits a unit:
/// frontend (to metadata, what `cargo check` does) and codegen (the rest).
fn sdk_profile(
    bench: &mut Bench,
    scratch: &Path,
    crate_dir: &Path,
    release: bool,
) -> Result<(), String> {
    let runs = bench.options.build_runs();
    let build = Build {
        release,
        check: false,
    };
    let profile = build.profile();
    let built = bench.own_build(scratch, crate_dir, build, runs)?;
    let checked = bench.own_build(
        scratch,
        crate_dir,
        Build {
            release,
            check: true,
        },
        runs,
    )?;
    let own = bench.own_build_figures(&format!("alibabacloud-oos {profile}"), &built);
    let target = (!release).then_some(("< 10 s", own.median < 10.0));
    bench.figure(
        format!("alibabacloud-oos {profile}: own unit time (stale − fresh)"),
        "s",
        own,
        target,
    );
    bench.figure(
        format!("alibabacloud-oos {profile}: of which frontend (its own `cargo check` time)"),
        "s",
        Stats::of(&checked.own),
        None,
    );
    let codegen: Vec<f64> = built
        .own
        .iter()
        .zip(&checked.own)
        .map(|(build, check)| build - check)
        .collect();
    bench.figure(
        format!("alibabacloud-oos {profile}: of which codegen (build − check, run by run)"),
        "s",
        Stats::of(&codegen),
        None,
    );
    let rlib = built
        .files
        .iter()
        .find(|file| {
            file.extension()
                .is_some_and(|extension| extension == "rlib")
        })
        .ok_or("the crate's build produced no .rlib")?;
    let size = fs::metadata(rlib)
        .map_err(|error| format!("{}: {error}", rlib.display()))?
        .len();
    bench.figure(
        format!("alibabacloud-oos {profile}: rlib size"),
        "MiB",
        Stats::of(&[size as f64 / 1048576.0]),
        None,
    );
    Ok(())
}

fn one_call_binary(bench: &mut Bench) -> Result<(), String> {
    step("the one-call binary, release");
    checked(bench.cargo().args([
        "build",
        "--release",
        "-p",
        "benchmarks",
        "--bin",
        ONE_CALL_BIN,
    ]))?;
    let binary = bench.root.join("target").join("release").join(ONE_CALL_BIN);
    let bytes = fs::read(&binary).map_err(|e| format!("{}: {e}", binary.display()))?;
    let size = bytes.len() as f64 / 1048576.0;
    // The release profile strips; a symbol table would mean it no longer does.
    let stripped = !bytes
        .windows(b".symtab".len())
        .any(|window| window == b".symtab");
    bench.figure(
        format!(
            "one-call binary, release, {}",
            if stripped { "stripped" } else { "NOT stripped" }
        ),
        "MiB",
        Stats::of(&[size]),
        Some(("< 5 MB", size * 1.048576 < 5.0)),
    );
    // It works: one DescribeRegions call against a test server in a child process.
    let server = bench.programs.executable("load")?;
    let note = smoke_one_call(server, &binary)?;
    bench.summary.note(note);
    Ok(())
}

/// A cold debug build of the one-call binary's whole dependency tree, in its own target
/// directory. Units are counted from cargo's JSON messages; cargo's own timing report of the
/// last run is kept for a reader (BENCHMARKS.md quotes its longest units), not parsed.
fn cold_build(bench: &mut Bench) -> Result<(), String> {
    let target_dir = bench.root.join("target").join("bench-cold");
    let runs = bench.options.cold_runs();
    let mut walls = Vec::new();
    let mut units = Vec::new();
    for run in 1..=runs {
        step(&format!(
            "cold debug build of {ONE_CALL_BIN} and its dependencies ({run}/{runs})"
        ));
        let _ = fs::remove_dir_all(&target_dir);
        let mut build = bench.cargo();
        build.env("CARGO_TARGET_DIR", &target_dir).args([
            "build",
            "-p",
            "benchmarks",
            "--bin",
            ONE_CALL_BIN,
            "--timings",
            "--message-format=json-render-diagnostics",
        ]);
        let (elapsed, output) = timed(&mut build)?;
        walls.push(elapsed.as_secs_f64());
        let stdout = String::from_utf8_lossy(&output.stdout);
        let compiled = cargo::artifacts(&stdout)
            .iter()
            .filter(|artifact| !artifact.fresh)
            .count();
        units.push((compiled + cargo::build_scripts_run(&stdout)) as f64);
    }
    let cold = Stats::of(&walls);
    bench.figure(
        format!("{ONE_CALL_BIN}: cold debug build, whole tree (wall)"),
        "s",
        cold,
        Some(("< 60 s", cold.median < 60.0)),
    );
    bench.figure(
        format!("{ONE_CALL_BIN}: cold debug build, units compiled or run"),
        "units",
        Stats::of(&units),
        None,
    );
    let report = target_dir.join("cargo-timings").join("cargo-timing.html");
    let kept = bench.out_dir.join("cold-build-timings.html");
    match fs::copy(&report, &kept) {
        Ok(_) => bench.summary.note(format!(
            "cold build: cargo's timing report of the last run is {}",
            kept.display()
        )),
        Err(error) => bench.summary.note(format!(
            "cold build: no timing report kept ({}: {error})",
            report.display()
        )),
    }
    let _ = fs::remove_dir_all(&target_dir);
    Ok(())
}

/// Starts a test server (the `load` bench in its serving mode) and makes the one-call binary
/// call it once, with the server's credentials in the environment.
fn smoke_one_call(server: &Path, binary: &Path) -> Result<String, String> {
    let mut child = Command::new(server)
        .args(["--serve-test-server", "0", "0"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    // Kept open until the server has exited: it may still print.
    let mut stdout = BufReader::new(child.stdout.take().ok_or("no stdout")?);
    let mut line = String::new();
    stdout.read_line(&mut line).map_err(|e| e.to_string())?;
    let endpoint = line
        .trim()
        .strip_prefix("ENDPOINT ")
        .unwrap_or("")
        .to_string();
    let result = Command::new(binary)
        .arg(&endpoint)
        .env("ALIBABA_CLOUD_REGION_ID", "cn-hangzhou")
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI5tTestServerAccessKey")
        .env(
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
            "test-server-access-key-secret",
        )
        .output();
    // The server stops when its stdin closes.
    drop(child.stdin.take());
    let _ = child.wait();
    drop(stdout);
    let output = result.map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(format!(
            "the one-call binary failed against the test server: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(format!(
        "one-call binary against the test server: {}",
        String::from_utf8_lossy(&output.stdout).trim()
    ))
}
