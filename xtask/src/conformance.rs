//! `cargo xtask conformance --openmeta-dir DIR [--products a,b | --all] [--cli a,b]
//! [--python PATH] [--out CONFORMANCE.md] [--expect FILE]`: every action of every selected
//! product-version, called through Alibaba Cloud's official Python SDK and through the
//! generated SDK (and, for `--cli`, the generated CLI) with the same inputs, on 127.0.0.1, and
//! the requests and the handling of replies compared (CONFORMANCE.md says what and how).
//!
//! The product-versions are those of the corpus whose official package is pinned in
//! `conformance/requirements-products.txt`. Each is imported from the corpus in memory and
//! generated as a new user would (`import` then `codegen`); OOS is the checked-in `spec/oos`,
//! which holds ten actions its metadata lacks (`generation.rs`). Then, in order:
//! 1. inputs for every action, from the spec's types (`inputs.rs`);
//! 2. `conformance/official.py`, under `--python`, calls each action through the official SDK
//!    and records what it sent, what of the inputs its models could express, and how it took
//!    each reply (`official_sdk.rs`);
//! 3. the generated SDK crates and one runner program per batch of product-versions are
//!    written into a scratch workspace (`target/conformance/ws`), built, and run: each builds
//!    every action's request from the inputs the official SDK kept, signs it as the official
//!    call was signed, and sends it to a test server with each reply (`runner_batches.rs`, the
//!    programs' text `runner.rs`);
//! 4. the `--cli` product-versions' commands are run for every action (`cli.rs`);
//! 5. each pair is compared (`action_results.rs`, the requests by `compare.rs`) and the report
//!    written (`report.rs`).
//!
//! Both sides sign with the same date, nonce, keys and region, and are sent the same replies
//! (`call_constants.rs`).
//!
//! With `--expect FILE` it fails when a difference is not listed in FILE (one
//! `dir<TAB>action<TAB>side<TAB>class` a line), as CI runs it; `--write-expected FILE` writes
//! the differences found in that form.

mod action_results;
mod call_constants;
mod cli;
mod compare;
mod generation;
mod inputs;
mod official_sdk;
mod pinned;
mod report;
mod runner;
mod runner_batches;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use acs_codegen::ir;

use crate::corpus::{self, Entry};
use action_results::ActionResult;
use official_sdk::OfficialAction;
use pinned::Package;

#[derive(Debug, clap::Args)]
pub struct Options {
    /// A directory holding the corpus: `<language>/<product>/<version>/api-docs.json`.
    #[arg(long)]
    openmeta_dir: PathBuf,
    /// The product-versions to run, by spec directory name (`oos`, `ecs`, `cas-2018-07-13`).
    #[arg(long, value_delimiter = ',', conflicts_with = "all")]
    products: Vec<String>,
    /// Every product-version with a pinned official SDK.
    #[arg(long)]
    all: bool,
    /// Product-versions (of those run) whose every action is also run through the generated CLI.
    #[arg(long, value_delimiter = ',')]
    cli: Vec<String>,
    /// The Python that has the pinned official SDKs (`conformance/requirements-*.txt`).
    #[arg(long, default_value = "python3")]
    python: PathBuf,
    /// Where to write the report.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Fail when a difference is not listed in this file.
    #[arg(long)]
    expect: Option<PathBuf>,
    /// Write the differences found to this file, in the form `--expect` reads.
    #[arg(long)]
    write_expected: Option<PathBuf>,
    /// Python processes run at once (default: one per core).
    #[arg(long)]
    jobs: Option<usize>,
}

/// One product-version of the run.
pub struct Product {
    pub dir: String,
    pub product: String,
    pub version: String,
    pub style: String,
    pub package: Package,
    pub state: State,
    /// Operations in the spec.
    pub operations: usize,
    pub sdk: Vec<ActionResult>,
    pub cli: Vec<ActionResult>,
    service: Option<ir::Service>,
    inputs: Vec<inputs::ActionInputs>,
    official: BTreeMap<String, OfficialAction>,
    official_port: u16,
    /// By action: inputs the official model cannot express that ours requires, sent by ours.
    forced: BTreeMap<String, Vec<String>>,
}

impl Product {
    /// Whether the product answers every call with an XML document (OSS, and hcs-mgw through
    /// the OSS gateway), and is sent the replies in XML (`call_constants::xml_replies`).
    pub fn answers_in_xml(&self) -> bool {
        self.service.as_ref().is_some_and(|service| {
            matches!(
                service.auth,
                ir::Signature::OssGatewayHmacSha256 | ir::Signature::Oss4HmacSha256
            )
        })
    }
}

pub enum State {
    Compared,
    NoOperations,
    Failed(String),
}

/// Wall time of each part of the run, and the machine it ran on.
#[derive(Default)]
pub struct Timings {
    pub generation: Duration,
    pub python: Duration,
    pub build: Duration,
    pub runners: Duration,
    pub cli: Duration,
    pub total: Duration,
    pub cpus: usize,
    /// The 1, 5 and 15 minute load averages when the run started and when it ended: what
    /// else the machine was doing shows in them.
    pub load_at_start: String,
    pub load_at_end: String,
}

pub fn run(root: &Path, options: Options) -> ExitCode {
    match conform(root, &options) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("conformance: {message}");
            ExitCode::FAILURE
        }
    }
}

fn conform(root: &Path, options: &Options) -> Result<ExitCode, String> {
    let started = Instant::now();
    let mut timings = Timings {
        cpus: std::thread::available_parallelism().map_or(0, usize::from),
        load_at_start: crate::machine::load_average(),
        ..Timings::default()
    };
    let work = root.join("target/conformance");
    for dir in ["inputs", "official"] {
        let _ = fs::remove_dir_all(work.join(dir));
        fs::create_dir_all(work.join(dir)).map_err(|e| format!("{}: {e}", work.display()))?;
    }
    let pinned_text = fs::read_to_string(root.join("conformance/requirements-products.txt"))
        .map_err(|error| format!("conformance/requirements-products.txt: {error}"))?;
    let pinned = pinned::parse(&pinned_text)?;

    // 1. Which product-versions, generated into the scratch workspace, with their inputs.
    let phase = Instant::now();
    let entries = corpus::entries(&options.openmeta_dir)?;
    let in_use = acs_codegen::scratch::generated_crates_in_use(root)
        .map_err(|error| format!("the workspace's manifests: {error}"))?;
    let mut selected: Vec<(Entry, Package)> = Vec::new();
    for mut entry in entries {
        let Some(package) = pinned.get(&pinned::package_of(&entry.product, &entry.version)) else {
            continue;
        };
        // A crate this workspace's runtime depends on cannot have a twin in the scratch
        // workspace: it takes its versioned name there.
        if in_use.contains(&format!("alibabacloud-{}", entry.dir)) {
            entry.dir = acs_codegen::import::directory_name(&entry.product, &entry.version, true);
        }
        if options.all || options.products.contains(&entry.dir) {
            selected.push((entry, package.clone()));
        }
    }
    for wanted in &options.products {
        if !selected.iter().any(|(entry, _)| &entry.dir == wanted) {
            return Err(format!(
                "`{wanted}` is not a product-version of the corpus with a pinned official SDK"
            ));
        }
    }
    if selected.is_empty() {
        return Err("nothing to run: name product-versions with --products, or --all".into());
    }
    let scratch = work.join("ws");
    let mut products = generation::generate(root, &scratch, selected, &options.cli)?;
    let inputs_files = official_sdk::write_inputs(&work.join("inputs"), &products)?;
    timings.generation = phase.elapsed();
    println!(
        "conformance: {} product-versions generated, inputs written, in {:.0} s",
        products.len(),
        timings.generation.as_secs_f64()
    );

    // 2. The official SDKs.
    let phase = Instant::now();
    official_sdk::run_python(root, options, &inputs_files, &work.join("official"))?;
    timings.python = phase.elapsed();
    official_sdk::read_records(&work.join("official"), &mut products)?;
    println!(
        "conformance: official SDKs called in {:.0} s",
        timings.python.as_secs_f64()
    );

    // 3. Ours: runner programs, built with the CLI sample, and run.
    let phase = Instant::now();
    let mut batches = runner_batches::plan_runners(&mut products);
    let cli_packages: Vec<String> = products
        .iter()
        .filter(|product| options.cli.contains(&product.dir) && product.service.is_some())
        .map(|product| format!("alibabacloud-{}-cli", product.dir))
        .collect();
    let build_log =
        runner_batches::build_runners(&scratch, &work, &mut batches, &mut products, &cli_packages)?;
    if !build_log.is_empty() {
        eprintln!(
            "{}",
            build_log.lines().take(40).collect::<Vec<_>>().join("\n")
        );
    }
    timings.build = phase.elapsed();
    println!(
        "conformance: built in {:.0} s{}",
        timings.build.as_secs_f64(),
        if build_log.is_empty() {
            ""
        } else {
            " (with failures)"
        }
    );
    let phase = Instant::now();
    let ours = runner_batches::run_runners(&work, &batches)?;
    timings.runners = phase.elapsed();

    // 4. The CLI sample.
    let phase = Instant::now();
    let cli_runs = cli::run_cli(&work, &products, &options.cli)?;
    timings.cli = phase.elapsed();

    // 5. Compare and report.
    for product in &mut products {
        action_results::compare_product(product, &ours, &cli_runs, &batches, &build_log);
    }
    timings.total = started.elapsed();
    timings.load_at_end = crate::machine::load_average();
    let found = report::known(&products);
    if let Some(path) = &options.write_expected {
        fs::write(path, report::expected_text(&found))
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let command = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    let text = report::markdown(root, &command, &timings, &products);
    print!("{}", report::summary(&products));
    if let Some(out) = &options.out {
        fs::write(out, text).map_err(|e| format!("{}: {e}", out.display()))?;
        println!("conformance: report written to {}", out.display());
    }
    println!(
        "conformance: {:.0} s in all (generation {:.0} s, official SDKs {:.0} s, build {:.0} s, runs {:.0} s, CLI {:.0} s)",
        timings.total.as_secs_f64(),
        timings.generation.as_secs_f64(),
        timings.python.as_secs_f64(),
        timings.build.as_secs_f64(),
        timings.runners.as_secs_f64(),
        timings.cli.as_secs_f64()
    );
    if let Some(path) = &options.expect {
        let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let expected = report::parse_expected(&text);
        let unexpected: Vec<&String> = found.difference(&expected).collect();
        let gone: Vec<&String> = expected.difference(&found).collect();
        if !gone.is_empty() {
            println!(
                "conformance: {} known difference(s) of {} no longer found (remove them):",
                gone.len(),
                path.display()
            );
            for line in &gone {
                println!("  {line}");
            }
        }
        if !unexpected.is_empty() {
            eprintln!(
                "conformance: {} difference(s) not listed in {}:",
                unexpected.len(),
                path.display()
            );
            for line in &unexpected {
                eprintln!("  {line}");
            }
            return Ok(ExitCode::FAILURE);
        }
    }
    Ok(ExitCode::SUCCESS)
}
