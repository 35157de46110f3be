//! A crate's own build time, measured from the outside, without cargo's timing report.
//!
//! The crate sits in a scratch workspace (so that nothing in this repository is touched) and
//! builds into `target/bench/build`, a target directory of the bench's own. Its dependencies
//! are built first. Then, each run, only the crate is made stale by setting its `src/lib.rs`'s
//! modification time to now, and the same `cargo build` is timed twice:
//!
//! - **stale**: cargo starts, checks every unit's freshness, finds only the crate stale and runs
//!   one `rustc` for it;
//! - **fresh**, straight after: cargo starts and checks every unit's freshness, and finds
//!   nothing to do.
//!
//! Their difference is the crate's `rustc` process alone: its unit time, the figure that
//! `cargo build --timings` reports for it. Cargo's JSON messages prove the premise each
//! run: the stale build compiled that one unit and the fresh build none.
//!
//! Incremental compilation is off (`CARGO_INCREMENTAL=0`): with it, a touched crate would
//! reuse the previous build's incremental cache and the figure would be a partial rebuild.
//! Without it every run compiles the whole crate, as cargo does for a dependency that comes
//! from a registry.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::Bench;
use super::cargo::{self, Artifact};
use super::process::{checked, step, timed};
use super::stats::Stats;

/// How the crate is built: `cargo build` or `cargo check`, in the dev or release profile.
#[derive(Clone, Copy, Debug)]
pub struct Build {
    pub release: bool,
    /// `cargo check`: analysis up to the crate's metadata, no code generation. Cargo's timing
    /// report calls that part of a full build the unit's frontend (it ends when the metadata
    /// is written), and the rest its codegen.
    pub check: bool,
}

impl Build {
    pub fn profile(self) -> &'static str {
        if self.release { "release" } else { "debug" }
    }

    fn subcommand(self) -> &'static str {
        if self.check { "check" } else { "build" }
    }

    fn name(self) -> String {
        format!("{} {}", self.profile(), self.subcommand())
    }

    fn args(self) -> Vec<&'static str> {
        let mut args = vec![self.subcommand()];
        if self.release {
            args.push("--release");
        }
        args
    }
}

/// Seconds of each run.
#[derive(Default)]
pub struct OwnBuild {
    /// The build with only the crate stale (wall).
    pub stale: Vec<f64>,
    /// The same build with nothing stale: cargo's start-up and freshness check (wall).
    pub fresh: Vec<f64>,
    /// `stale − fresh`: the crate's own unit time.
    pub own: Vec<f64>,
    /// What the crate's unit produced (its `.rlib`, or `.rmeta` for a check).
    pub files: Vec<PathBuf>,
}

impl Bench {
    /// Builds the crate at `crate_dir`, a member of the scratch workspace `workspace`, with
    /// its dependencies, then times its own build `runs` times.
    pub fn own_build(
        &self,
        workspace: &Path,
        crate_dir: &Path,
        build: Build,
        runs: usize,
    ) -> Result<OwnBuild, String> {
        let manifest = crate_dir.join("Cargo.toml");
        let name = crate_dir.file_name().unwrap_or_default().to_string_lossy();
        let command = || {
            let mut command = cargo::command(workspace);
            command
                .env("CARGO_TARGET_DIR", self.out_dir.join("build"))
                .env("CARGO_INCREMENTAL", "0")
                .args(build.args())
                .args(["--offline", "--message-format=json", "--manifest-path"])
                .arg(&manifest);
            command
        };
        step(&format!(
            "{name} {}: building it and its dependencies",
            build.name()
        ));
        let output = checked(&mut command())?;
        self.log(
            &format!("own-build-{name}-{}", build.name().replace(' ', "-")),
            &output,
        );

        let canonical_manifest = canonical(&manifest)?;
        let lib_rs = crate_dir.join("src").join("lib.rs");
        let mut measured = OwnBuild::default();
        for run in 1..=runs {
            step(&format!("{name} {}: own build {run}/{runs}", build.name()));
            touch(&lib_rs)?;
            let (stale, output) = timed(&mut command())?;
            let mut compiled = compiled_units(&output.stdout);
            let only_the_crate =
                compiled.len() == 1 && canonical(&compiled[0].manifest_path)? == canonical_manifest;
            if !only_the_crate {
                return Err(format!(
                    "touching {} compiled {:?}, not just that crate",
                    lib_rs.display(),
                    targets(&compiled)
                ));
            }
            measured.files = compiled.remove(0).filenames;
            let (fresh, output) = timed(&mut command())?;
            let compiled = compiled_units(&output.stdout);
            if !compiled.is_empty() {
                return Err(format!(
                    "a build straight after another compiled {:?}",
                    targets(&compiled)
                ));
            }
            let (stale, fresh) = (stale.as_secs_f64(), fresh.as_secs_f64());
            measured.stale.push(stale);
            measured.fresh.push(fresh);
            measured.own.push(stale - fresh);
        }
        Ok(measured)
    }

    /// The two timed builds of an own-build measurement as figures; returns the own unit
    /// time, which each caller reports with its own target.
    pub fn own_build_figures(&mut self, label: &str, built: &OwnBuild) -> Stats {
        self.figure(
            format!("{label}: build with only the crate stale (wall)"),
            "s",
            Stats::of(&built.stale),
            None,
        );
        self.figure(
            format!("{label}: the same build with nothing stale (cargo alone, wall)"),
            "s",
            Stats::of(&built.fresh),
            None,
        );
        Stats::of(&built.own)
    }
}

/// The units a build compiled.
fn compiled_units(stdout: &[u8]) -> Vec<Artifact> {
    cargo::artifacts(&String::from_utf8_lossy(stdout))
        .into_iter()
        .filter(|artifact| !artifact.fresh)
        .collect()
}

fn targets(artifacts: &[Artifact]) -> Vec<&str> {
    artifacts
        .iter()
        .map(|artifact| artifact.target.as_str())
        .collect()
}

fn canonical(path: &Path) -> Result<PathBuf, String> {
    fs::canonicalize(path).map_err(|error| format!("{}: {error}", path.display()))
}

/// Makes `path` newer than anything built from it, without changing it.
fn touch(path: &Path) -> Result<(), String> {
    fs::File::options()
        .write(true)
        .open(path)
        .and_then(|file| file.set_modified(SystemTime::now()))
        .map_err(|error| format!("cannot touch {}: {error}", path.display()))
}
