//! The ECS SDK crate's own debug build, per operation. ECS 2014-05-26 is the corpus's
//! largest RPC product (358 operations) and not a member of this workspace: it is imported and
//! generated in memory by what `cargo xtask corpus` runs for each product-version, written into
//! a scratch workspace, and its own build timed as the OOS crate's is (`own_build`).

use std::fs;
use std::path::{Path, PathBuf};

use crate::corpus;

use super::own_build::Build;
use super::process::step;
use super::stats::Stats;
use super::{Bench, Section, rust_lines};

const PRODUCT: &str = "ecs";
const VERSION: &str = "2014-05-26";

pub fn run(bench: &mut Bench) -> Result<(), String> {
    let Some(corpus_dir) = bench.openmeta_dir(Section::Ecs) else {
        return Ok(());
    };
    let metadata = find_metadata(&corpus_dir)?;
    step(&format!("importing and generating {}", metadata.display()));
    let entry = corpus::Entry::read(metadata)?;
    let corpus::Outcome::Generated {
        operations, files, ..
    } = corpus::generate(&bench.root, &entry)
    else {
        return Err(format!(
            "{PRODUCT} {VERSION} does not generate: `cargo xtask corpus` says why"
        ));
    };
    let dir = entry.dir;
    let scratch = bench.scratch_workspace(&format!("sdk-{dir}"), &files)?;

    let operations = operations as f64;
    let sdk_dir = Path::new("generated").join(&dir);
    let label = format!("{dir} {VERSION} SDK ({})", sdk_dir.display());
    bench.figure(
        format!("{label}: operations"),
        "operations",
        Stats::of(&[operations]),
        None,
    );
    bench.figure(
        format!("{label}: lines of .rs"),
        "lines",
        Stats::of(&[rust_lines(&files, &sdk_dir) as f64]),
        None,
    );
    let build = Build {
        release: false,
        check: false,
    };
    let runs = bench.options.build_runs();
    let built = bench.own_build(&scratch, &scratch.join(&sdk_dir), build, runs)?;
    let own = bench.own_build_figures(&format!("{label} debug"), &built);
    bench.figure(
        format!("{label} debug: own unit time (stale − fresh)"),
        "s",
        own,
        None,
    );
    let per_operation = own.scaled(1.0 / operations);
    bench.figure(
        format!("{label} debug: own unit time per operation"),
        "s",
        per_operation,
        Some(("≤ 0.1 s", per_operation.median <= 0.1)),
    );
    Ok(())
}

/// `<language>/ecs/2014-05-26/api-docs.json` under the corpus directory.
fn find_metadata(corpus: &Path) -> Result<PathBuf, String> {
    let languages = fs::read_dir(corpus).map_err(|e| format!("{}: {e}", corpus.display()))?;
    languages
        .flatten()
        .map(|language| {
            language
                .path()
                .join(PRODUCT)
                .join(VERSION)
                .join("api-docs.json")
        })
        .find(|path| path.is_file())
        .ok_or_else(|| {
            format!(
                "no {PRODUCT}/{VERSION}/api-docs.json under {}",
                corpus.display()
            )
        })
}
