//! `cargo xtask bench`: builds the `benchmarks` package, runs its benches and measurement
//! programs as subprocesses, times cargo builds, and prints every figure as the median of
//! several runs with the minimum and maximum, next to its target. BENCHMARKS.md explains them.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const SECTIONS: [&str; 5] = ["generation", "compile", "client", "load", "paginate"];
const SDK_PACKAGE: &str = "alibabacloud-oos";
const ONE_CALL_BIN: &str = "oos-one-call";

/// `cargo xtask bench` options.
#[derive(Debug, clap::Args)]
pub struct Options {
    /// Also time cold builds (an empty target directory).
    #[arg(long)]
    cold: bool,
    /// Fewer runs, for a quick look (2 runs, 1 build run unless given).
    #[arg(long)]
    quick: bool,
    /// Runs of each measurement program.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    runs: Option<u64>,
    /// Runs of each timed build.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..))]
    build_runs: u64,
    /// Runs of the cold build; implies `--cold`.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    cold_runs: Option<u64>,
    /// Sections to run.
    #[arg(long, value_delimiter = ',', default_values_t = SECTIONS.map(String::from))]
    only: Vec<String>,
}

impl Options {
    fn runs(&self) -> usize {
        match (self.runs, self.quick) {
            (Some(runs), _) => runs as usize,
            (None, true) => 2,
            (None, false) => 5,
        }
    }

    fn build_runs(&self) -> usize {
        if self.quick {
            1
        } else {
            self.build_runs as usize
        }
    }

    fn cold(&self) -> bool {
        self.cold || self.cold_runs.is_some()
    }

    fn cold_runs(&self) -> usize {
        self.cold_runs.unwrap_or(1) as usize
    }

    fn wants(&self, section: &str) -> bool {
        self.only.iter().any(|name| name == section)
    }
}

pub fn run(root: &Path, options: Options) -> ExitCode {
    if let Some(unknown) = options
        .only
        .iter()
        .find(|name| !SECTIONS.contains(&name.as_str()))
    {
        eprintln!(
            "unknown section {unknown}; sections: {}",
            SECTIONS.join(", ")
        );
        return ExitCode::from(2);
    }
    let mut bench = Bench::new(root, options);
    match bench.run_all() {
        Ok(()) => {
            let summary = bench.summary();
            println!("\n{summary}");
            let path = bench.out_dir.join("summary.md");
            if let Err(error) = std::fs::write(&path, &summary) {
                eprintln!("cannot write {}: {error}", path.display());
                return ExitCode::FAILURE;
            }
            println!("written to {}", path.display());
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("bench failed: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Median, minimum and maximum of several runs.
#[derive(Clone, Copy, Debug)]
struct Stats {
    median: f64,
    min: f64,
    max: f64,
    runs: usize,
}

impl Stats {
    fn of(values: &[f64]) -> Stats {
        let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        sorted.sort_by(f64::total_cmp);
        let median = match sorted.len() {
            0 => f64::NAN,
            n if n % 2 == 1 => sorted[n / 2],
            n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
        };
        Stats {
            median,
            min: sorted.first().copied().unwrap_or(f64::NAN),
            max: sorted.last().copied().unwrap_or(f64::NAN),
            runs: sorted.len(),
        }
    }

    fn scaled(self, factor: f64) -> Stats {
        Stats {
            median: self.median * factor,
            min: self.min * factor,
            max: self.max * factor,
            runs: self.runs,
        }
    }
}

/// One reported figure, with its target when it has one (judged on the median).
struct Figure {
    section: &'static str,
    name: String,
    unit: &'static str,
    stats: Stats,
    target: Option<(String, bool)>,
}

type Results = BTreeMap<String, f64>;

struct Bench {
    root: PathBuf,
    options: Options,
    out_dir: PathBuf,
    cargo: String,
    executables: BTreeMap<String, PathBuf>,
    figures: Vec<Figure>,
    notes: Vec<String>,
    machine: Vec<String>,
}

impl Bench {
    fn new(root: &Path, options: Options) -> Self {
        Bench {
            root: root.to_path_buf(),
            options,
            out_dir: root.join("target").join("bench"),
            cargo: std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()),
            executables: BTreeMap::new(),
            figures: Vec::new(),
            notes: Vec::new(),
            machine: Vec::new(),
        }
    }

    fn run_all(&mut self) -> Result<(), String> {
        std::fs::create_dir_all(self.out_dir.join("logs")).map_err(|e| e.to_string())?;
        self.machine = machine();
        self.machine
            .push(format!("load average at start: {}", load_average()));
        // Every section runs a bench; `compile` uses `load` as the server for the one-call
        // binary's smoke run.
        self.build_benches()?;
        if self.options.wants("generation") {
            self.generation()?;
        }
        if self.options.wants("compile") {
            self.compile()?;
        }
        if self.options.wants("client") {
            self.client()?;
        }
        if self.options.wants("load") {
            self.load()?;
        }
        if self.options.wants("paginate") {
            self.paginate()?;
        }
        self.machine
            .push(format!("load average at the end: {}", load_average()));
        Ok(())
    }

    fn figure(
        &mut self,
        section: &'static str,
        name: impl Into<String>,
        unit: &'static str,
        stats: Stats,
        target: Option<(&str, bool)>,
    ) {
        self.figures.push(Figure {
            section,
            name: name.into(),
            unit,
            stats,
            target: target.map(|(text, met)| (text.to_string(), met)),
        });
    }

    fn cargo(&self) -> Command {
        let mut command = Command::new(&self.cargo);
        command.current_dir(&self.root);
        command
    }

    fn log(&self, name: &str, output: &Output) {
        let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
        text.push_str(&String::from_utf8_lossy(&output.stderr));
        let _ = std::fs::write(self.out_dir.join("logs").join(format!("{name}.log")), text);
    }

    /// Builds the benches (release) and records each executable by target name.
    fn build_benches(&mut self) -> Result<(), String> {
        step("building the benches (cargo bench -p benchmarks --no-run)");
        let mut command = self.cargo();
        command.args([
            "bench",
            "-p",
            "benchmarks",
            "--no-run",
            "--message-format=json-render-diagnostics",
        ]);
        let output = checked(&mut command)?;
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let Ok(message) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            let is_bench = message["target"]["kind"]
                .as_array()
                .is_some_and(|kinds| kinds.iter().any(|kind| kind == "bench"));
            if message["reason"] == "compiler-artifact"
                && is_bench
                && let (Some(name), Some(executable)) = (
                    message["target"]["name"].as_str(),
                    message["executable"].as_str(),
                )
            {
                self.executables
                    .insert(name.to_string(), PathBuf::from(executable));
            }
        }
        Ok(())
    }

    fn executable(&self, name: &str) -> Result<&Path, String> {
        self.executables
            .get(name)
            .map(PathBuf::as_path)
            .ok_or_else(|| format!("the bench `{name}` was not built"))
    }

    /// Runs a criterion bench; returns nanoseconds per iteration of every sample, by bench id.
    fn criterion(&self, name: &str) -> Result<BTreeMap<String, Vec<f64>>, String> {
        let home = self.out_dir.join("criterion").join(name);
        let _ = std::fs::remove_dir_all(&home);
        let (warm_up, measurement) = if self.options.quick {
            ("0.5", "1")
        } else {
            ("1", "3")
        };
        let mut command = Command::new(self.executable(name)?);
        command
            .current_dir(&self.root)
            .env("CRITERION_HOME", &home)
            .args([
                "--bench",
                "--warm-up-time",
                warm_up,
                "--measurement-time",
                measurement,
            ]);
        let output = checked(&mut command)?;
        self.log(&format!("criterion-{name}"), &output);
        let mut samples = BTreeMap::new();
        collect_criterion_samples(&home, &mut samples)?;
        if samples.is_empty() {
            return Err(format!("criterion bench `{name}` saved no samples"));
        }
        Ok(samples)
    }

    /// Runs a measurement program `runs` times; the `RESULT` values of each run.
    fn measure(
        &self,
        name: &str,
        pin: bool,
        args: &[&str],
        runs: usize,
    ) -> Result<Vec<Results>, String> {
        let executable = self.executable(name)?;
        (0..runs)
            .map(|run| {
                let mut command = if pin {
                    let mut command = Command::new("taskset");
                    command.args(["-c", "0"]).arg(executable);
                    command
                } else {
                    Command::new(executable)
                };
                command.current_dir(&self.root).args(args);
                let output = checked(&mut command)?;
                let pinned = if pin { "-pinned" } else { "" };
                self.log(&format!("{name}{pinned}{}-{run}", args.join("_")), &output);
                parse_result(&String::from_utf8_lossy(&output.stdout))
            })
            .collect()
    }

    fn generation(&mut self) -> Result<(), String> {
        step("generation in-process (criterion)");
        let samples = self.criterion("codegen")?;
        let generate = Stats::of(&samples["codegen/generate_all"]).scaled(1e-6);
        self.figure(
            "generation",
            "generate all specs in-process (load, validate, emit, format)",
            "ms",
            generate,
            Some(("< 100 ms", generate.median < 100.0)),
        );

        step("`cargo xtask codegen --check` as a command");
        // Once to be sure xtask is built and the check passes; then timed.
        checked(self.cargo().args(["xtask", "codegen", "--check"]))?;
        let runs = self.options.runs().max(3);
        let mut cargo_times = Vec::new();
        let mut direct_times = Vec::new();
        let xtask = std::env::current_exe().map_err(|e| e.to_string())?;
        for _ in 0..runs {
            let (elapsed, _) = timed(self.cargo().args(["xtask", "codegen", "--check"]))?;
            cargo_times.push(millis(elapsed));
            let mut direct = Command::new(&xtask);
            direct.current_dir(&self.root).args(["codegen", "--check"]);
            let (elapsed, _) = timed(&mut direct)?;
            direct_times.push(millis(elapsed));
        }
        let cargo = Stats::of(&cargo_times);
        self.figure(
            "generation",
            "`cargo xtask codegen --check`, xtask built (wall)",
            "ms",
            cargo,
            Some(("< 1 s", cargo.median < 1000.0)),
        );
        self.figure(
            "generation",
            "the xtask binary alone: `xtask codegen --check` (wall)",
            "ms",
            Stats::of(&direct_times),
            None,
        );
        Ok(())
    }

    fn compile(&mut self) -> Result<(), String> {
        let lines = count_lines(&self.root.join("generated").join("oos"))?;
        self.figure(
            "compile",
            "generated/oos: lines of .rs",
            "lines",
            Stats::of(&[lines as f64]),
            None,
        );
        for release in [false, true] {
            self.compile_sdk(release)?;
        }
        self.one_call_binary()?;
        if self.options.cold() {
            self.cold_build()?;
        }
        Ok(())
    }

    /// The SDK crate's own build: its dependencies built, its artefacts cleaned, built again.
    fn compile_sdk(&mut self, release: bool) -> Result<(), String> {
        let profile = if release { "release" } else { "debug" };
        step(&format!(
            "{SDK_PACKAGE} {profile} build, dependencies built"
        ));
        let with_profile = |command: &mut Command| {
            if release {
                command.arg("--release");
            }
        };
        let mut build = self.cargo();
        build.args(["build", "-p", SDK_PACKAGE]);
        with_profile(&mut build);
        checked(&mut build)?;

        let mut walls = Vec::new();
        let mut units = Vec::new();
        let mut frontends = Vec::new();
        let mut codegens = Vec::new();
        for _ in 0..self.options.build_runs() {
            let mut clean = self.cargo();
            clean.args(["clean", "-p", SDK_PACKAGE]);
            with_profile(&mut clean);
            checked(&mut clean)?;
            let mut build = self.cargo();
            build.args(["build", "-p", SDK_PACKAGE, "--timings"]);
            with_profile(&mut build);
            let (elapsed, output) = timed(&mut build)?;
            let log = String::from_utf8_lossy(&output.stderr);
            if !log.contains(&format!("Compiling {SDK_PACKAGE}")) {
                return Err(format!(
                    "{SDK_PACKAGE} was not rebuilt after `cargo clean -p`"
                ));
            }
            walls.push(elapsed.as_secs_f64());
            let timings = read_timings(&self.root.join("target").join("cargo-timings"))?;
            let unit = timings
                .iter()
                .filter(|unit| unit.name == SDK_PACKAGE)
                .max_by(|a, b| a.duration.total_cmp(&b.duration))
                .ok_or("the timing report has no unit for the SDK crate")?;
            units.push(unit.duration);
            frontends.push(unit.section("frontend"));
            codegens.push(unit.section("codegen"));
        }
        let unit = Stats::of(&units);
        let target = (!release).then_some(("< 10 s", unit.median < 10.0));
        self.figure(
            "compile",
            format!("{SDK_PACKAGE} {profile}: clean build of the crate alone (wall)"),
            "s",
            Stats::of(&walls),
            None,
        );
        self.figure(
            "compile",
            format!("{SDK_PACKAGE} {profile}: own unit time (cargo --timings)"),
            "s",
            unit,
            target,
        );
        self.figure(
            "compile",
            format!("{SDK_PACKAGE} {profile}: of which frontend (to metadata)"),
            "s",
            Stats::of(&frontends),
            None,
        );
        self.figure(
            "compile",
            format!("{SDK_PACKAGE} {profile}: of which codegen"),
            "s",
            Stats::of(&codegens),
            None,
        );
        let rlib = self
            .root
            .join("target")
            .join(profile)
            .join("libalibabacloud_oos.rlib");
        let size = std::fs::metadata(&rlib)
            .map_err(|error| format!("{}: {error}", rlib.display()))?
            .len();
        self.figure(
            "compile",
            format!("{SDK_PACKAGE} {profile}: rlib size"),
            "MiB",
            Stats::of(&[size as f64 / 1048576.0]),
            None,
        );
        Ok(())
    }

    fn one_call_binary(&mut self) -> Result<(), String> {
        step("the one-call binary, release");
        checked(self.cargo().args([
            "build",
            "--release",
            "-p",
            "benchmarks",
            "--bin",
            ONE_CALL_BIN,
        ]))?;
        let binary = self.root.join("target").join("release").join(ONE_CALL_BIN);
        let bytes = std::fs::read(&binary).map_err(|e| format!("{}: {e}", binary.display()))?;
        let size = bytes.len() as f64 / 1048576.0;
        let stripped = !contains(&bytes, b".symtab");
        self.figure(
            "compile",
            format!(
                "one-call binary, release, {}",
                if stripped { "stripped" } else { "NOT stripped" }
            ),
            "MiB",
            Stats::of(&[size]),
            Some(("< 5 MB", size * 1.048576 < 5.0)),
        );
        // It works: one DescribeRegions call against a test server in a child process.
        if let Ok(server) = self.executable("load") {
            let note = smoke_one_call(server, &binary)?;
            self.notes.push(note);
        }
        Ok(())
    }

    /// A cold debug build of the one-call binary's whole dependency tree, in its own target
    /// directory.
    fn cold_build(&mut self) -> Result<(), String> {
        let target_dir = self.root.join("target").join("bench-cold");
        let mut walls = Vec::new();
        let mut top = Vec::new();
        for run in 0..self.options.cold_runs() {
            step(&format!(
                "cold debug build of {ONE_CALL_BIN} and its dependencies ({}/{})",
                run + 1,
                self.options.cold_runs()
            ));
            let _ = std::fs::remove_dir_all(&target_dir);
            let mut build = self.cargo();
            build.env("CARGO_TARGET_DIR", &target_dir).args([
                "build",
                "-p",
                "benchmarks",
                "--bin",
                ONE_CALL_BIN,
                "--timings",
            ]);
            let (elapsed, _) = timed(&mut build)?;
            walls.push(elapsed.as_secs_f64());
            let timings = read_timings(&target_dir.join("cargo-timings"))?;
            let total: f64 = timings.iter().map(|unit| unit.duration).sum();
            let mut units: Vec<&Unit> = timings.iter().collect();
            units.sort_by(|a, b| b.duration.total_cmp(&a.duration));
            top = units
                .iter()
                .take(12)
                .map(|unit| {
                    let name = format!("{} {} {}", unit.name, unit.version, unit.target.trim());
                    format!("{} {:.1} s", name.trim(), unit.duration)
                })
                .collect();
            top.insert(
                0,
                format!(
                    "{} units, {total:.1} s of unit time in {:.1} s wall",
                    timings.len(),
                    elapsed.as_secs_f64()
                ),
            );
        }
        let cold = Stats::of(&walls);
        self.figure(
            "compile",
            format!("{ONE_CALL_BIN}: cold debug build, whole tree (wall)"),
            "s",
            cold,
            Some(("< 60 s", cold.median < 60.0)),
        );
        self.notes.push(format!(
            "cold build, longest units (last run): {}",
            top.join("; ")
        ));
        let _ = std::fs::remove_dir_all(&target_dir);
        Ok(())
    }

    fn client(&mut self) -> Result<(), String> {
        step("per-call CPU (criterion)");
        let samples = self.criterion("client")?;
        let micros = |id: &str| -> Result<Stats, String> {
            samples
                .get(id)
                .map(|values| Stats::of(values).scaled(1e-3))
                .ok_or_else(|| format!("no samples for {id}"))
        };
        let rows: [(&str, &str, Option<&str>); 10] = [
            ("sign/acs3_signature_only", "ACS3 signature alone", None),
            (
                "sign/signed_request",
                "signing one attempt (date, nonce, signature, http::Request)",
                None,
            ),
            (
                "encode/start_execution_12_params",
                "encoding StartExecution, 12 parameters",
                None,
            ),
            (
                "encode/list_inventory_entries_repeat_list",
                "encoding ListInventoryEntries with a repeatList filter",
                None,
            ),
            (
                "encode_and_sign/start_execution",
                "encoding + signing StartExecution",
                Some("< 5 µs"),
            ),
            (
                "decode_list_instance_patch_states_10/serde_json_hand_written",
                "decoding 10 items: plain serde_json, hand-written struct",
                None,
            ),
            (
                "decode_list_instance_patch_states_10/serde_json_sdk_type",
                "decoding 10 items: plain serde_json, SDK type",
                None,
            ),
            (
                "decode_list_instance_patch_states_10/sdk",
                "decoding 10 items: SDK (tolerant)",
                None,
            ),
            (
                "list_instance_patch_states_10/encode_sign_decode",
                "ListInstancePatchStates 10 items: encode + sign + decode",
                None,
            ),
            (
                "list_instance_patch_states_10/full_call",
                "full call against the test server, one task (wall)",
                None,
            ),
        ];
        for (id, name, target) in rows {
            let stats = micros(id)?;
            let target = target.map(|text| (text, stats.median < 5.0));
            self.figure("client", name, "µs", stats, target);
        }
        let plain = micros("decode_list_instance_patch_states_10/serde_json_hand_written")?;
        let sdk = micros("decode_list_instance_patch_states_10/sdk")?;
        let sdk_type = micros("decode_list_instance_patch_states_10/serde_json_sdk_type")?;
        let ratio = sdk.median / plain.median;
        self.figure(
            "client",
            "decoding: SDK ÷ plain serde_json (ratio of medians)",
            "×",
            Stats::of(&[ratio]),
            Some(("≤ 1.3×", ratio <= 1.3)),
        );
        self.figure(
            "client",
            "decoding: SDK type through plain serde_json ÷ hand-written (ratio of medians)",
            "×",
            Stats::of(&[sdk_type.median / plain.median]),
            None,
        );
        let full = micros("list_instance_patch_states_10/full_call")?;
        self.figure(
            "client",
            "full call, one task: calls per second (from the median)",
            "calls/s",
            Stats {
                median: 1e6 / full.median,
                min: 1e6 / full.max,
                max: 1e6 / full.min,
                runs: full.runs,
            },
            None,
        );

        let calls = if self.options.quick { "2000" } else { "20000" };
        let args = ["--calls", calls, "--warmup", "1000"];
        for pin in [true, false] {
            let label = if pin {
                "pinned to CPU 0 (taskset -c 0)"
            } else {
                "not pinned"
            };
            step(&format!("process CPU per call, {label}"));
            let results = self.measure("cpu_per_call", pin, &args, self.options.runs())?;
            let client_cpu = column(&results, "client_thread_cpu_us")?;
            self.figure(
                "client",
                format!("full call, {label}: client thread CPU per call"),
                "µs",
                client_cpu,
                pin.then_some(("< 30 µs", client_cpu.median < 30.0)),
            );
            for (key, name) in [
                ("client_thread_user_us", "of which user"),
                ("client_thread_sys_us", "of which system"),
                ("server_thread_cpu_us", "test server thread CPU per call"),
                ("process_cpu_us", "process CPU (user + system) per call"),
                ("wall_us", "wall time per call"),
            ] {
                let stats = column(&results, key)?;
                self.figure(
                    "client",
                    format!("full call, {label}: {name}"),
                    "µs",
                    stats,
                    None,
                );
            }
            let stats = column(&results, "calls_per_s")?;
            self.figure(
                "client",
                format!("full call, {label}: calls per second"),
                "calls/s",
                stats,
                None,
            );
        }
        Ok(())
    }

    fn load(&mut self) -> Result<(), String> {
        let calls = if self.options.quick { "2000" } else { "20000" };
        for tasks in ["1", "16", "256"] {
            step(&format!("{tasks} concurrent task(s), {calls} calls"));
            let results = self.measure(
                "load",
                false,
                &["--tasks", tasks, "--calls", calls],
                self.options.runs(),
            )?;
            for (key, name, unit) in [
                ("calls_per_s", "calls per second", "calls/s"),
                ("p50_us", "latency p50", "µs"),
                ("p99_us", "latency p99", "µs"),
                (
                    "client_cpu_us_per_call",
                    "client process CPU per call",
                    "µs",
                ),
                ("peak_rss_kib", "client peak RSS", "MiB"),
                ("server_peak_rss_kib", "test server peak RSS", "MiB"),
            ] {
                let mut stats = column(&results, key)?;
                if unit == "MiB" {
                    stats = stats.scaled(1.0 / 1024.0);
                }
                self.figure(
                    "load",
                    format!("{tasks} task(s): {name}"),
                    unit,
                    stats,
                    None,
                );
            }
        }
        Ok(())
    }

    fn paginate(&mut self) -> Result<(), String> {
        step("paginating 100,000 items (1,000 pages of 100)");
        let checkpoints = [100, 1_000, 10_000, 100_000];
        let list = checkpoints.map(|n| n.to_string()).join(",");
        let results = self.measure(
            "paginate",
            false,
            &[
                "--pages",
                "1000",
                "--page-size",
                "100",
                "--checkpoints",
                &list,
            ],
            self.options.runs(),
        )?;
        for at in checkpoints {
            let stats = column(&results, &format!("peak_rss_kib_at_{at}"))?.scaled(1.0 / 1024.0);
            self.figure(
                "paginate",
                format!("peak RSS after {at} items"),
                "MiB",
                stats,
                None,
            );
        }
        let growth_10k: Vec<f64> = results
            .iter()
            .map(|run| run["peak_rss_kib_at_10000"] - run["peak_rss_kib_at_100"])
            .collect();
        let growth = Stats::of(&growth_10k).scaled(1.0 / 1024.0);
        // "Flat": the 9,900 items after the first page add less than one page's worth of
        // decoded items (100 items are about 0.1 MiB) plus allocator slack.
        self.figure(
            "paginate",
            "peak RSS growth from 100 to 10,000 items",
            "MiB",
            growth,
            Some(("flat (< 1 MiB)", growth.max < 1.0)),
        );
        let growth_100k = column(&results, "peak_growth_kib_100_to_100000")?.scaled(1.0 / 1024.0);
        self.figure(
            "paginate",
            "peak RSS growth from 100 to 100,000 items",
            "MiB",
            growth_100k,
            None,
        );

        step("control: keeping every item of 10,000");
        let control = self.measure(
            "paginate",
            false,
            &["--pages", "100", "--page-size", "100", "--collect"],
            1,
        )?;
        let growth = column(&control, "peak_growth_kib_100_to_10000")?.scaled(1.0 / 1024.0);
        self.figure(
            "paginate",
            "control (items kept): peak RSS growth from 100 to 10,000 items",
            "MiB",
            growth,
            None,
        );
        Ok(())
    }

    fn summary(&self) -> String {
        let mut out = String::from("# cargo xtask bench\n\n");
        for line in &self.machine {
            let _ = writeln!(out, "- {line}");
        }
        let mut section = "";
        for figure in &self.figures {
            if figure.section != section {
                section = figure.section;
                let _ = write!(
                    out,
                    "\n## {section}\n\n| figure | median | min | max | runs | target | met |\n\
                     | --- | --: | --: | --: | --: | --- | --- |\n"
                );
            }
            let (target, met) = match &figure.target {
                Some((text, true)) => (text.as_str(), "met"),
                Some((text, false)) => (text.as_str(), "NOT MET"),
                None => ("", ""),
            };
            let stats = figure.stats;
            let _ = writeln!(
                out,
                "| {} | {} {} | {} | {} | {} | {target} | {met} |",
                figure.name,
                number(stats.median),
                figure.unit,
                number(stats.min),
                number(stats.max),
                stats.runs
            );
        }
        if !self.notes.is_empty() {
            out.push_str("\n## notes\n\n");
            for note in &self.notes {
                let _ = writeln!(out, "- {note}");
            }
        }
        out
    }
}

fn step(message: &str) {
    eprintln!("== {message}");
}

/// Runs `command` and fails with its output if it fails.
fn checked(command: &mut Command) -> Result<Output, String> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|error| format!("cannot run {command:?}: {error}"))?;
    if !output.status.success() {
        return Err(format!(
            "{command:?} failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(output)
}

fn timed(command: &mut Command) -> Result<(Duration, Output), String> {
    let started = Instant::now();
    let output = checked(command)?;
    Ok((started.elapsed(), output))
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// The `key=value` pairs of the `RESULT` line a measurement program prints; booleans and other
/// text are left out.
fn parse_result(stdout: &str) -> Result<Results, String> {
    let line = stdout
        .lines()
        .find_map(|line| line.strip_prefix("RESULT "))
        .ok_or_else(|| format!("no RESULT line in:\n{stdout}"))?;
    Ok(line
        .split_whitespace()
        .filter_map(|pair| pair.split_once('='))
        .filter_map(|(key, value)| Some((key.to_string(), value.parse().ok()?)))
        .collect())
}

fn column(results: &[Results], key: &str) -> Result<Stats, String> {
    let values = results
        .iter()
        .map(|run| {
            run.get(key)
                .copied()
                .ok_or_else(|| format!("no {key} in a RESULT line"))
        })
        .collect::<Result<Vec<f64>, String>>()?;
    Ok(Stats::of(&values))
}

/// Walks a criterion output directory: every `new/benchmark.json` names a bench, and the
/// `new/sample.json` beside it holds its samples (iteration counts and total times in ns).
fn collect_criterion_samples(
    directory: &Path,
    samples: &mut BTreeMap<String, Vec<f64>>,
) -> Result<(), String> {
    let entries =
        std::fs::read_dir(directory).map_err(|e| format!("{}: {e}", directory.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        if path.file_name().is_some_and(|name| name == "new") {
            let read = |file: &str| -> Result<Value, String> {
                let text = std::fs::read_to_string(path.join(file))
                    .map_err(|e| format!("{}: {e}", path.join(file).display()))?;
                serde_json::from_str(&text).map_err(|e| e.to_string())
            };
            let id = read("benchmark.json")?["full_id"]
                .as_str()
                .ok_or("benchmark.json without full_id")?
                .to_string();
            let sample = read("sample.json")?;
            let numbers = |key: &str| -> Vec<f64> {
                sample[key]
                    .as_array()
                    .map(|values| values.iter().filter_map(Value::as_f64).collect())
                    .unwrap_or_default()
            };
            let per_iteration = numbers("iters")
                .iter()
                .zip(numbers("times"))
                .map(|(iterations, time)| time / iterations)
                .collect();
            samples.insert(id, per_iteration);
        } else {
            collect_criterion_samples(&path, samples)?;
        }
    }
    Ok(())
}

/// One compilation unit of a `cargo build --timings` report.
struct Unit {
    name: String,
    version: String,
    target: String,
    duration: f64,
    sections: Vec<(String, f64)>,
}

impl Unit {
    fn section(&self, name: &str) -> f64 {
        self.sections
            .iter()
            .find(|(section, _)| section == name)
            .map_or(f64::NAN, |(_, seconds)| *seconds)
    }
}

/// The units cargo built, from the `UNIT_DATA` array of the latest `cargo-timing.html`.
fn read_timings(directory: &Path) -> Result<Vec<Unit>, String> {
    let path = directory.join("cargo-timing.html");
    let html = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let start = html
        .find("const UNIT_DATA = ")
        .map(|at| at + "const UNIT_DATA = ".len())
        .ok_or("no UNIT_DATA in the timing report")?;
    let end = html[start..]
        .find("];")
        .map(|at| start + at + 1)
        .ok_or("UNIT_DATA does not end")?;
    let units: Value = serde_json::from_str(&html[start..end]).map_err(|e| e.to_string())?;
    let units = units.as_array().ok_or("UNIT_DATA is not an array")?;
    Ok(units
        .iter()
        .filter(|unit| unit["duration"].as_f64().is_some_and(|d| d > 0.0))
        .map(|unit| Unit {
            name: unit["name"].as_str().unwrap_or("").to_string(),
            version: unit["version"].as_str().unwrap_or("").to_string(),
            target: unit["target"].as_str().unwrap_or("").to_string(),
            duration: unit["duration"].as_f64().unwrap_or(0.0),
            sections: unit["sections"]
                .as_array()
                .map(|sections| {
                    sections
                        .iter()
                        .filter_map(|section| {
                            let name = section[0].as_str()?.to_string();
                            let span = &section[1];
                            Some((name, span["end"].as_f64()? - span["start"].as_f64()?))
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect())
}

fn count_lines(directory: &Path) -> Result<usize, String> {
    let mut lines = 0;
    let entries =
        std::fs::read_dir(directory).map_err(|e| format!("{}: {e}", directory.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            lines += count_lines(&path)?;
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
            lines += text.lines().count();
        }
    }
    Ok(lines)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// Starts a test server (the `load` bench in its serving mode) and makes the one-call binary
/// call it once, with the server's credentials in the environment.
fn smoke_one_call(server: &Path, binary: &Path) -> Result<String, String> {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(server)
        .args(["--serve-test-server", "0", "0"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let mut line = String::new();
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut stdout = BufReader::new(stdout);
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
    drop(child.stdin.take());
    let _ = child.wait();
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

fn machine() -> Vec<String> {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|line| line.strip_prefix("model name")?.split_once(':'))
        .map_or("unknown", |(_, model)| model.trim());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory = meminfo
        .lines()
        .find_map(|line| line.strip_prefix("MemTotal:"))
        .map_or("unknown".to_string(), |kib| kib.trim().to_string());
    let cpus = std::thread::available_parallelism().map_or(0, usize::from);
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_string())
        .unwrap_or_default();
    vec![
        format!("CPU: {model}, {cpus} CPU(s)"),
        format!("memory: {memory}"),
        rustc,
    ]
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}

/// Three significant figures, without exponent.
fn number(value: f64) -> String {
    if !value.is_finite() {
        return "-".into();
    }
    let magnitude = value.abs();
    if magnitude >= 100.0 {
        format!("{value:.0}")
    } else if magnitude >= 10.0 {
        format!("{value:.1}")
    } else if magnitude >= 1.0 {
        format!("{value:.2}")
    } else {
        format!("{value:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_take_the_median_of_odd_and_even_counts() {
        let odd = Stats::of(&[3.0, 1.0, 2.0]);
        assert_eq!((odd.median, odd.min, odd.max, odd.runs), (2.0, 1.0, 3.0, 3));
        let even = Stats::of(&[4.0, 1.0, 3.0, 2.0]);
        assert_eq!(even.median, 2.5);
    }

    #[test]
    fn result_lines_parse_numbers_and_skip_text() {
        let results = parse_result("noise\nRESULT calls=10 wall_us=2.5 collect=false\n").unwrap();
        assert_eq!(results["calls"], 10.0);
        assert_eq!(results["wall_us"], 2.5);
        assert!(!results.contains_key("collect"));
        assert!(parse_result("nothing").is_err());
    }

    #[test]
    fn options_parse() {
        #[derive(clap::Parser)]
        struct Command {
            #[command(flatten)]
            options: Options,
        }
        let options = <Command as clap::Parser>::try_parse_from([
            "bench",
            "--quick",
            "--only",
            "client,load",
        ])
        .unwrap()
        .options;
        assert!(options.quick && options.wants("load") && !options.wants("compile"));
        assert_eq!(options.runs(), 2);
        assert_eq!(options.build_runs(), 1);
        assert!(<Command as clap::Parser>::try_parse_from(["bench", "--runs", "0"]).is_err());
    }
}
