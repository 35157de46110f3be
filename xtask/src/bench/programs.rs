//! The `benchmarks` package (`benches/`): built once in the bench profile, then its
//! executables run directly, so that nothing is rebuilt between runs. Criterion benches save
//! their samples as JSON; the measurement programs print one `RESULT key=value …` line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::process::{checked, step};
use super::stats::Stats;
use super::{Bench, cargo};

/// The numbers of one `RESULT` line, by key.
pub type Results = BTreeMap<String, f64>;

/// The bench executables, by target name.
#[derive(Default)]
pub struct Programs {
    executables: BTreeMap<String, PathBuf>,
}

impl Programs {
    pub fn build(root: &Path) -> Result<Programs, String> {
        step("building the benches (cargo bench -p benchmarks --no-run)");
        let output = checked(cargo::command(root).args([
            "bench",
            "-p",
            "benchmarks",
            "--no-run",
            "--message-format=json-render-diagnostics",
        ]))?;
        let executables = cargo::artifacts(&String::from_utf8_lossy(&output.stdout))
            .into_iter()
            .filter(|artifact| artifact.kinds.iter().any(|kind| kind == "bench"))
            .filter_map(|artifact| Some((artifact.target, artifact.executable?)))
            .collect();
        Ok(Programs { executables })
    }

    pub fn executable(&self, name: &str) -> Result<&Path, String> {
        self.executables
            .get(name)
            .map(PathBuf::as_path)
            .ok_or_else(|| format!("the bench `{name}` was not built"))
    }
}

impl Bench {
    /// Runs a criterion bench; returns nanoseconds per iteration of every sample, by bench id.
    pub fn criterion(&self, name: &str) -> Result<BTreeMap<String, Vec<f64>>, String> {
        let home = self.out_dir.join("criterion").join(name);
        let _ = std::fs::remove_dir_all(&home);
        let (warm_up, measurement) = if self.options.quick {
            ("0.5", "1")
        } else {
            ("1", "3")
        };
        let mut command = Command::new(self.programs.executable(name)?);
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

    /// Runs a measurement program `runs` times, pinned to CPU 0 when `pin`; the `RESULT`
    /// values of each run.
    pub fn measure(
        &self,
        name: &str,
        pin: bool,
        args: &[&str],
        runs: usize,
    ) -> Result<Vec<Results>, String> {
        let executable = self.programs.executable(name)?;
        (0..runs)
            .map(|run| self.measure_once(executable, name, pin, args, run))
            .collect()
    }

    /// Runs `executable` (logged as `name`, run `run`) once, pinned to CPU 0 when `pin`; its
    /// `RESULT` values.
    pub fn measure_once(
        &self,
        executable: &Path,
        name: &str,
        pin: bool,
        args: &[&str],
        run: usize,
    ) -> Result<Results, String> {
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
    }
}

/// The `key=value` pairs of the `RESULT` line a measurement program prints; booleans and other
/// text are left out.
pub fn parse_result(stdout: &str) -> Result<Results, String> {
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

/// One key of every run.
pub fn column(results: &[Results], key: &str) -> Result<Stats, String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_lines_parse_numbers_and_skip_text() {
        let results = parse_result("noise\nRESULT calls=10 wall_us=2.5 collect=false\n").unwrap();
        assert_eq!(results["calls"], 10.0);
        assert_eq!(results["wall_us"], 2.5);
        assert!(!results.contains_key("collect"));
        assert!(parse_result("nothing").is_err());
    }

    #[test]
    fn columns_take_one_key_of_every_run_and_need_it_in_each() {
        let runs = [
            parse_result("RESULT a=1 b=5").unwrap(),
            parse_result("RESULT a=3").unwrap(),
        ];
        assert_eq!(column(&runs, "a").unwrap(), Stats::of(&[1.0, 3.0]));
        assert!(column(&runs, "b").is_err());
    }

    #[test]
    fn criterion_samples_are_per_iteration_by_full_id() {
        let home =
            std::env::temp_dir().join(format!("xtask-bench-criterion-{}", std::process::id()));
        let new = home.join("sign").join("acs3").join("new");
        std::fs::create_dir_all(&new).unwrap();
        std::fs::write(new.join("benchmark.json"), r#"{"full_id":"sign/acs3"}"#).unwrap();
        std::fs::write(
            new.join("sample.json"),
            r#"{"sampling_mode":"Linear","iters":[10.0,20.0],"times":[1000.0,3000.0]}"#,
        )
        .unwrap();
        let mut samples = BTreeMap::new();
        let collected = collect_criterion_samples(&home, &mut samples);
        std::fs::remove_dir_all(&home).unwrap();
        collected.unwrap();
        assert_eq!(samples["sign/acs3"], [100.0, 150.0]);
    }
}
