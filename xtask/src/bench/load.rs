//! Concurrency: the measurement program `load` with 1, 16 and 256 tasks sharing one client,
//! the test server in a child process.

use super::Bench;
use super::process::step;
use super::programs::column;

pub fn run(bench: &mut Bench) -> Result<(), String> {
    let calls = if bench.options.quick { "2000" } else { "20000" };
    for tasks in ["1", "16", "256"] {
        step(&format!("{tasks} concurrent task(s), {calls} calls"));
        let results = bench.measure(
            "load",
            false,
            &["--tasks", tasks, "--calls", calls],
            bench.options.runs(),
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
            bench.figure(format!("{tasks} task(s): {name}"), unit, stats, None);
        }
    }
    Ok(())
}
