//! The whole corpus: `cargo xtask corpus --openmeta-dir DIR` (import and generate every
//! product-version in memory), timed as a command, xtask built.

use super::process::{millis, step, timed};
use super::stats::Stats;
use super::{Bench, Section};

pub fn run(bench: &mut Bench) -> Result<(), String> {
    let Some(corpus) = bench.openmeta_dir(Section::Corpus) else {
        return Ok(());
    };
    let runs = bench.options.runs();
    let mut times = Vec::new();
    let mut summary = String::new();
    for run in 1..=runs {
        step(&format!(
            "cargo xtask corpus --openmeta-dir {} ({run}/{runs})",
            corpus.display()
        ));
        let mut command = bench.cargo();
        command
            .args(["xtask", "corpus", "--openmeta-dir"])
            .arg(&corpus);
        // A failing product-version fails the command, and so the bench.
        let (elapsed, output) = timed(&mut command)?;
        times.push(millis(elapsed) / 1000.0);
        let stdout = String::from_utf8_lossy(&output.stdout);
        summary = summary_line(&stdout)
            .ok_or(format!(
                "no summary in the corpus command's output:\n{stdout}"
            ))?
            .to_string();
        bench.log(&format!("corpus-{run}"), &output);
    }
    let wall = Stats::of(&times);
    bench.figure(
        "`cargo xtask corpus --openmeta-dir DIR`, xtask built (wall)",
        "s",
        wall,
        Some(("< 60 s", wall.median < 60.0)),
    );
    bench.summary.note(summary);
    Ok(())
}

/// The command's summary: `corpus: N product-versions: … generated (… APIs), … in … s`.
fn summary_line(stdout: &str) -> Option<&str> {
    stdout
        .lines()
        .find(|line| line.starts_with("corpus: ") && line.contains(" product-versions: "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_is_found_among_the_declines() {
        let stdout = "oss (Oss 2019-05-17): declined: OSS has a protocol of its own\n\n\
                      corpus: 350 product-versions: 345 generated (24440 APIs), 4 without operations, 1 declined, 0 failed, in 41.2 s\n  \
                      RPC: 275 product-versions, 20000 APIs\n";
        assert_eq!(
            summary_line(stdout),
            Some(
                "corpus: 350 product-versions: 345 generated (24440 APIs), 4 without operations, 1 declined, 0 failed, in 41.2 s"
            )
        );
        assert_eq!(summary_line("corpus: no api-docs.json under /x"), None);
    }
}
