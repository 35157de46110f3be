//! Generation: every spec generated in-process (criterion bench `codegen`), and
//! `cargo xtask codegen --check` as a command, through cargo and as the xtask binary alone.

use std::process::Command;

use super::Bench;
use super::process::{checked, millis, step, timed};
use super::stats::Stats;

pub fn run(bench: &mut Bench) -> Result<(), String> {
    step("generation in-process (criterion)");
    let samples = bench.criterion("codegen")?;
    let generate = Stats::of(&samples["codegen/generate_all"]).scaled(1e-6);
    bench.figure(
        "generate all specs in-process (load, validate, emit, format)",
        "ms",
        generate,
        Some(("< 100 ms", generate.median < 100.0)),
    );

    step("`cargo xtask codegen --check` as a command");
    // Once untimed: xtask is built and the check passes.
    checked(bench.cargo().args(["xtask", "codegen", "--check"]))?;
    let xtask = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut through_cargo = Vec::new();
    let mut alone = Vec::new();
    for _ in 0..bench.options.runs().max(3) {
        let (elapsed, _) = timed(bench.cargo().args(["xtask", "codegen", "--check"]))?;
        through_cargo.push(millis(elapsed));
        let mut direct = Command::new(&xtask);
        direct.current_dir(&bench.root).args(["codegen", "--check"]);
        let (elapsed, _) = timed(&mut direct)?;
        alone.push(millis(elapsed));
    }
    let through_cargo = Stats::of(&through_cargo);
    bench.figure(
        "`cargo xtask codegen --check`, xtask built (wall)",
        "ms",
        through_cargo,
        Some(("< 1 s", through_cargo.median < 1000.0)),
    );
    bench.figure(
        "the xtask binary alone: `xtask codegen --check` (wall)",
        "ms",
        Stats::of(&alone),
        None,
    );
    Ok(())
}
