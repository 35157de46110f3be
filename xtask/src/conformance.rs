//! `cargo xtask conformance --openmeta-dir DIR [--products a,b | --all] [--cli a,b]
//! [--python PATH] [--out CONFORMANCE.md] [--expect FILE]`: every action of every selected
//! product-version, called through Alibaba Cloud's official Python SDK and through the
//! generated SDK (and, for `--cli`, the generated CLI) with the same inputs, on 127.0.0.1, and
//! the requests and the handling of replies compared (CONFORMANCE.md says what and how).
//!
//! The product-versions are those of the corpus whose official package is pinned in
//! `conformance/requirements-products.txt`. Each is imported from the corpus in memory and
//! generated as a new user would (`import` then `codegen`); OOS is the checked-in `spec/oos`,
//! which holds ten actions its metadata lacks. Then, in order:
//! 1. inputs for every action, from the spec's types (`inputs.rs`);
//! 2. `conformance/official.py`, under `--python`, calls each action through the official SDK
//!    and records what it sent, what of the inputs its models could express, and how it took
//!    each reply;
//! 3. the generated SDK crates and one runner program per batch of product-versions are
//!    written into a scratch workspace (`target/conformance/ws`), built, and run: each builds
//!    every action's request from the inputs the official SDK kept, signs it as the official
//!    call was signed, and sends it to a test server with each reply (`runner.rs`);
//! 4. the `--cli` product-versions' commands are run for every action (`cli.rs`);
//! 5. each pair is compared (`compare.rs`) and the report written (`report.rs`).
//!
//! With `--expect FILE` it fails when a difference is not listed in FILE (one
//! `dir<TAB>action<TAB>side<TAB>class` a line), as CI runs it; `--write-expected FILE` writes
//! the differences found in that form.

mod cli;
mod compare;
mod inputs;
mod pinned;
mod report;
mod runner;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use acs_codegen::ir;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::corpus::{self, Entry, Outcome};
use compare::{Difference, Normalised, Recorded, Side};
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

/// What every call is signed with, on both sides: the official SDK is given the same.
const NONCE: &str = "0123456789abcdef0123456789abcdef";
const DATE: &str = "2024-05-01T08:30:00Z";
const HTTP_DATE: &str = "Wed, 01 May 2024 08:30:00 GMT";
const DATE_SECONDS: u64 = 1_714_552_200;
const ACCESS_KEY_ID: &str = "ak";
const ACCESS_KEY_SECRET: &str = "secret";
const REGION: &str = "cn-hangzhou";

/// The replies every action is sent to: a success that carries a `Code`, as many products
/// answer, and errors with a `Code`.
fn replies() -> Vec<(String, u16, String)> {
    [
        (
            "200 with Code",
            200,
            r#"{"Code":"200","Message":"","Success":true,"RequestId":"00000000-0000-4000-8000-000000000000"}"#,
        ),
        (
            "400 with Code",
            400,
            r#"{"Code":"InvalidParameter","Message":"The parameter is invalid.","RequestId":"00000000-0000-4000-8000-000000000001"}"#,
        ),
        (
            "500 with Code",
            500,
            r#"{"Code":"InternalError","Message":"The request processing has failed due to some unknown error.","RequestId":"00000000-0000-4000-8000-000000000002"}"#,
        ),
    ]
    .into_iter()
    .map(|(name, status, body)| (name.to_owned(), status, body.to_owned()))
    .collect()
}

/// Operations per runner program: a program is one crate, compiled on one core.
const BATCH_OPERATIONS: usize = 1000;

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

pub enum State {
    Compared,
    NoOperations,
    Failed(String),
}

pub struct ActionResult {
    pub action: String,
    pub outcome: ActionOutcome,
    /// Inputs the official SDK's model cannot express, with why: sent by neither side.
    pub dropped: Vec<(String, String)>,
    /// Inputs the official model holds as text, given to it as the text ours sends.
    pub adapted: Vec<String>,
    /// Dropped inputs ours requires: sent by ours alone.
    pub forced: Vec<String>,
    pub normalised: Normalised,
}

pub enum ActionOutcome {
    /// The official SDK made no request (no such method, inputs it refuses): why.
    NotCompared(String),
    Identical,
    Differs(Vec<Difference>),
}

#[derive(Debug, Deserialize)]
struct OfficialFile {
    port: u16,
    #[serde(default)]
    failure: Option<String>,
    #[serde(default)]
    actions: BTreeMap<String, OfficialAction>,
}

#[derive(Debug, Deserialize, Clone)]
struct OfficialAction {
    #[serde(default)]
    kept: Map<String, Value>,
    #[serde(default)]
    dropped: Vec<(String, String)>,
    #[serde(default)]
    adapted: Vec<String>,
    #[serde(default)]
    failure: Option<String>,
    #[serde(default)]
    request: Option<Recorded>,
    #[serde(default)]
    outcomes: BTreeMap<String, Value>,
}

#[derive(Debug, Deserialize)]
struct OursLine {
    dir: String,
    action: String,
    #[serde(default)]
    request: Option<Recorded>,
    #[serde(default)]
    failure: Option<String>,
    #[serde(default)]
    outcomes: BTreeMap<String, Value>,
}

/// Wall time of each part of the run.
#[derive(Default)]
pub struct Timings {
    pub generation: Duration,
    pub python: Duration,
    pub build: Duration,
    pub runners: Duration,
    pub cli: Duration,
    pub total: Duration,
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
    let mut timings = Timings::default();
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
    let mut products = generate(root, &scratch, selected, &options.cli)?;
    let inputs_files = write_inputs(&work.join("inputs"), &products)?;
    timings.generation = phase.elapsed();
    println!(
        "conformance: {} product-versions generated, inputs written, in {:.0} s",
        products.len(),
        timings.generation.as_secs_f64()
    );

    // 2. The official SDKs.
    let phase = Instant::now();
    run_python(root, options, &inputs_files, &work.join("official"))?;
    timings.python = phase.elapsed();
    for product in &mut products {
        if !matches!(product.state, State::Compared) {
            continue;
        }
        let path = work.join("official").join(format!("{}.json", product.dir));
        let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let file: OfficialFile =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        if let Some(failure) = file.failure {
            product.state = State::Failed(failure);
            continue;
        }
        product.official_port = file.port;
        product.official = file.actions;
    }
    println!(
        "conformance: official SDKs called in {:.0} s",
        timings.python.as_secs_f64()
    );

    // 3. Ours: runner programs, built with the CLI sample, and run.
    let phase = Instant::now();
    let mut batches = plan_runners(&mut products);
    let cli_packages: Vec<String> = products
        .iter()
        .filter(|product| options.cli.contains(&product.dir) && product.service.is_some())
        .map(|product| format!("alibabacloud-{}-cli", product.dir))
        .collect();
    let build_log = build_runners(&scratch, &work, &mut batches, &mut products, &cli_packages)?;
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
    let ours = run_runners(&work, &batches)?;
    timings.runners = phase.elapsed();

    // 4. The CLI sample.
    let phase = Instant::now();
    let cli_runs = run_cli(&work, &products, &options.cli)?;
    timings.cli = phase.elapsed();

    // 5. Compare and report.
    for product in &mut products {
        compare_product(product, &ours, &cli_runs, &batches, &build_log);
    }
    timings.total = started.elapsed();
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

/// Imports and generates each product-version (on every core), writes its crates into the
/// scratch workspace, and derives its inputs.
fn generate(
    root: &Path,
    scratch: &Path,
    selected: Vec<(Entry, Package)>,
    cli: &[String],
) -> Result<Vec<Product>, String> {
    let generated_dir = scratch.join("generated");
    fs::create_dir_all(&generated_dir).map_err(|e| format!("{}: {e}", scratch.display()))?;
    write_if_changed(
        &scratch.join("Cargo.toml"),
        &acs_codegen::scratch::workspace_manifest(root).map_err(|e| e.to_string())?,
    )?;
    write_if_changed(
        &scratch.join("Cargo.lock"),
        &fs::read_to_string(root.join("Cargo.lock")).map_err(|e| e.to_string())?,
    )?;
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, Product)>> = Mutex::new(Vec::new());
    let failed: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(1, usize::from);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some((entry, package)) = selected.get(index) else {
                        break;
                    };
                    match generate_one(root, &generated_dir, entry, package, cli) {
                        Ok(product) => done.lock().expect("no panic").push((index, product)),
                        Err(message) => failed
                            .lock()
                            .expect("no panic")
                            .push(format!("{}: {message}", entry.dir)),
                    }
                }
            });
        }
    });
    let failed = failed.into_inner().expect("no panic");
    if !failed.is_empty() {
        return Err(failed.join("\n"));
    }
    let mut done = done.into_inner().expect("no panic");
    done.sort_by_key(|(index, _)| *index);
    let products: Vec<Product> = done.into_iter().map(|(_, product)| product).collect();
    // Crates a previous run left that this one does not build.
    let wanted: BTreeSet<String> = products
        .iter()
        .flat_map(|product| [product.dir.clone(), format!("{}-cli", product.dir)])
        .collect();
    if let Ok(listing) = fs::read_dir(&generated_dir) {
        for item in listing.flatten() {
            let name = item.file_name().to_string_lossy().into_owned();
            if !wanted.contains(&name) && !name.starts_with("conformance-runner-") {
                let _ = fs::remove_dir_all(item.path());
            }
        }
    }
    Ok(products)
}

fn generate_one(
    root: &Path,
    generated_dir: &Path,
    entry: &Entry,
    package: &Package,
    cli: &[String],
) -> Result<Product, String> {
    let mut product = Product {
        dir: entry.dir.clone(),
        product: entry.product.clone(),
        version: entry.version.clone(),
        style: String::new(),
        package: package.clone(),
        state: State::Compared,
        operations: 0,
        sdk: Vec::new(),
        cli: Vec::new(),
        service: None,
        inputs: Vec::new(),
        official: BTreeMap::new(),
        official_port: 0,
        forced: BTreeMap::new(),
    };
    let files = if entry.dir == "oos" {
        // The checked-in spec: the metadata lacks ten of the actions the official SDK has.
        let spec_dir = root.join("spec/oos");
        let mut texts = BTreeMap::new();
        read_tree(&spec_dir, Path::new("spec/oos"), &mut texts)?;
        texts.retain(|path: &PathBuf, _| !path.ends_with("overlay.yaml"));
        let mut files = acs_codegen::generate_from_texts("oos", &texts)
            .map_err(|error| corpus_first_lines(&error.to_string()))?;
        files.extend(texts);
        product.style = "RPC".into();
        files
    } else {
        match corpus::generate(root, entry) {
            Outcome::Generated { style, files, .. } => {
                product.style = style;
                files
            }
            Outcome::NoOperations => {
                product.state = State::NoOperations;
                return Ok(product);
            }
            Outcome::Failed(reason) => {
                product.state = State::Failed(reason);
                return Ok(product);
            }
        }
    };
    let spec_prefix = Path::new("spec").join(&entry.dir);
    let spec_texts: BTreeMap<PathBuf, String> = files
        .iter()
        .filter(|(path, _)| path.starts_with(&spec_prefix))
        .map(|(path, text)| (path.clone(), text.clone()))
        .collect();
    let service = acs_codegen::lower_from_texts(&entry.dir, &spec_texts)
        .map_err(|error| corpus_first_lines(&error.to_string()))?;
    let sdk_dir = Path::new("generated").join(&entry.dir);
    let cli_dir = Path::new("generated").join(format!("{}-cli", entry.dir));
    let with_cli = cli.contains(&entry.dir);
    for (path, text) in &files {
        let keep = path.starts_with(&sdk_dir) || (with_cli && path.starts_with(&cli_dir));
        if keep {
            let relative = path.strip_prefix("generated").expect("under generated/");
            write_if_changed(&generated_dir.join(relative), text)?;
        }
    }
    product.operations = service.operations.len();
    product.inputs = inputs::derive(&service);
    product.service = Some(service);
    Ok(product)
}

fn corpus_first_lines(text: &str) -> String {
    text.lines().take(3).collect::<Vec<_>>().join(" / ")
}

/// Every file under `dir`, by its path under `prefix`.
fn read_tree(
    dir: &Path,
    prefix: &Path,
    files: &mut BTreeMap<PathBuf, String>,
) -> Result<(), String> {
    let listing = fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for item in listing {
        let item = item.map_err(|e| format!("{}: {e}", dir.display()))?;
        let path = item.path();
        let name = prefix.join(item.file_name());
        if path.is_dir() {
            read_tree(&path, &name, files)?;
        } else {
            let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            files.insert(name, text);
        }
    }
    Ok(())
}

/// Writes `text` to `path` unless it holds it already, so that cargo sees an unchanged crate
/// as unchanged on the next run.
fn write_if_changed(path: &Path, text: &str) -> Result<(), String> {
    if fs::read(path).is_ok_and(|old| old == text.as_bytes()) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// One inputs file per product-version to call, for the Python driver.
fn write_inputs(dir: &Path, products: &[Product]) -> Result<Vec<(PathBuf, usize)>, String> {
    let replies: Vec<Value> = replies()
        .into_iter()
        .map(|(name, status, body)| json!({"name": name, "status": status, "body": body}))
        .collect();
    let mut files = Vec::new();
    for product in products {
        if !matches!(product.state, State::Compared) {
            continue;
        }
        let document = json!({
            "dir": product.dir,
            "module": product.package.module(),
            "region": REGION,
            "access_key_id": ACCESS_KEY_ID,
            "access_key_secret": ACCESS_KEY_SECRET,
            "nonce": NONCE,
            "date": DATE,
            "http_date": HTTP_DATE,
            "replies": replies,
            "actions": product.inputs.iter().map(inputs::ActionInputs::to_json).collect::<Vec<_>>(),
        });
        let path = dir.join(format!("{}.json", product.dir));
        fs::write(
            &path,
            serde_json::to_string_pretty(&document).expect("JSON"),
        )
        .map_err(|e| format!("{}: {e}", path.display()))?;
        files.push((path, product.inputs.len()));
    }
    Ok(files)
}

/// Runs the Python driver over the inputs files, in `--jobs` processes of about equal work.
fn run_python(
    root: &Path,
    options: &Options,
    inputs: &[(PathBuf, usize)],
    out_dir: &Path,
) -> Result<(), String> {
    let jobs = options
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
        .max(1);
    let mut shares: Vec<(usize, Vec<&PathBuf>)> = vec![(0, Vec::new()); jobs];
    let mut by_size: Vec<&(PathBuf, usize)> = inputs.iter().collect();
    by_size.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    for (path, actions) in by_size {
        let lightest = shares
            .iter_mut()
            .min_by_key(|(load, _)| *load)
            .expect("at least one job");
        lightest.0 += actions + 20;
        lightest.1.push(path);
    }
    let driver = root.join("conformance/official.py");
    let failures: Mutex<Vec<String>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for (_, paths) in shares.iter().filter(|(_, paths)| !paths.is_empty()) {
            let failures = &failures;
            let driver = &driver;
            scope.spawn(move || {
                let output = Command::new(&options.python)
                    .arg(driver)
                    .args(paths.iter())
                    .arg("--out-dir")
                    .arg(out_dir)
                    .output();
                match output {
                    Ok(output) if output.status.success() => {}
                    Ok(output) => failures.lock().expect("no panic").push(format!(
                        "{} failed: {}",
                        driver.display(),
                        String::from_utf8_lossy(&output.stderr)
                            .lines()
                            .rev()
                            .take(5)
                            .collect::<Vec<_>>()
                            .join(" / ")
                    )),
                    Err(error) => failures
                        .lock()
                        .expect("no panic")
                        .push(format!("cannot run {}: {error}", options.python.display())),
                }
            });
        }
    });
    let failures = failures.into_inner().expect("no panic");
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n"))
    }
}

/// A runner program and the product-versions it calls.
struct Batch {
    name: String,
    dirs: Vec<String>,
    products: Vec<runner::ProductCalls>,
}

/// Groups into runner programs each action the official SDK called, built from the inputs
/// it kept. An input the builders cannot take fails that action alone.
fn plan_runners(products: &mut [Product]) -> Vec<Batch> {
    let mut batches: Vec<(Batch, usize)> = Vec::new();
    for product in products.iter_mut() {
        let Some(service) = &product.service else {
            continue;
        };
        if !matches!(product.state, State::Compared) {
            continue;
        }
        let mut calls = Vec::new();
        for (action, official) in &product.official {
            if official.request.is_none() {
                continue;
            }
            // A parameter ours requires is given to ours even when the official model cannot
            // express it: ours cannot build the request without it.
            let mut inputs = official.kept.clone();
            let mut forced = Vec::new();
            let given = product
                .inputs
                .iter()
                .find(|inputs| &inputs.action == action);
            let operation = service.operations.iter().find(|op| &op.name == action);
            if let (Some(given), Some(operation)) = (given, operation) {
                for member in operation.request.iter().filter(|member| member.required) {
                    if let (None, Some(value)) = (
                        inputs.get(&member.wire_name),
                        given.inputs.get(&member.wire_name),
                    ) {
                        inputs.insert(member.wire_name.clone(), value.clone());
                        forced.push(member.wire_name.clone());
                    }
                }
            }
            if !forced.is_empty() {
                product.forced.insert(action.clone(), forced);
            }
            match acs_codegen::request_builder(service, action, &inputs) {
                Ok(builder) => calls.push((action.clone(), builder)),
                Err(error) => product.sdk.push(failed_action(
                    action,
                    official,
                    "ours failed: the inputs cannot be given to the builders",
                    &error.to_string(),
                )),
            }
        }
        let calls = runner::ProductCalls {
            dir: product.dir.clone(),
            official_port: product.official_port,
            calls,
        };
        let size = calls.calls.len();
        match batches.last_mut() {
            Some((batch, total)) if *total + size <= BATCH_OPERATIONS => {
                batch.dirs.push(product.dir.clone());
                batch.products.push(calls);
                *total += size;
            }
            _ => {
                let name = format!("conformance-runner-{}", batches.len());
                batches.push((
                    Batch {
                        name,
                        dirs: vec![product.dir.clone()],
                        products: vec![calls],
                    },
                    size,
                ));
            }
        }
    }
    batches.into_iter().map(|(batch, _)| batch).collect()
}

fn failed_action(
    action: &str,
    official: &OfficialAction,
    class: &str,
    detail: &str,
) -> ActionResult {
    ActionResult {
        action: action.to_owned(),
        outcome: ActionOutcome::Differs(vec![Difference {
            class: class.into(),
            detail: compare::clip(detail),
        }]),
        dropped: official.dropped.clone(),
        adapted: official.adapted.clone(),
        forced: Vec::new(),
        normalised: Normalised::default(),
    }
}

/// Writes the runner programs (removing those of a previous run and their binaries), and
/// returns the line of each action's check in each: `(line, dir, action)` by runner.
fn write_runners(
    scratch: &Path,
    work: &Path,
    batches: &[Batch],
) -> Result<BTreeMap<String, runner::CheckLines>, String> {
    let replies = replies();
    let constants = runner::Constants {
        date_seconds: DATE_SECONDS,
        nonce: NONCE,
        access_key_id: ACCESS_KEY_ID,
        access_key_secret: ACCESS_KEY_SECRET,
        region: REGION,
        replies: &replies,
    };
    let generated = scratch.join("generated");
    if let Ok(listing) = fs::read_dir(&generated) {
        for item in listing.flatten() {
            let name = item.file_name().to_string_lossy().into_owned();
            if name.starts_with("conformance-runner-")
                && !batches.iter().any(|batch| batch.name == name)
            {
                let _ = fs::remove_dir_all(item.path());
            }
        }
    }
    let mut lines = BTreeMap::new();
    for batch in batches {
        // A binary left by an earlier run must not stand in for one that fails to build.
        let _ = fs::remove_file(work.join("build/debug").join(&batch.name));
        let dir = generated.join(&batch.name);
        let dirs: Vec<&str> = batch.dirs.iter().map(String::as_str).collect();
        write_if_changed(
            &dir.join("Cargo.toml"),
            &runner::manifest(&batch.name, &dirs),
        )?;
        let (text, checks) = runner::main_rs(&constants, &batch.products);
        write_if_changed(&dir.join("src/main.rs"), &text)?;
        lines.insert(batch.name.clone(), checks);
    }
    Ok(lines)
}

/// Builds the runners and the CLI sample. An action whose check does not compile (an input
/// the builders write wrongly) is taken out of its runner, recorded, and the runner built
/// again, up to three times. Returns cargo's last errors (empty when all built).
fn build_runners(
    scratch: &Path,
    work: &Path,
    batches: &mut [Batch],
    products: &mut [Product],
    cli_packages: &[String],
) -> Result<String, String> {
    let mut log = String::new();
    for _ in 0..3 {
        let lines = write_runners(scratch, work, batches)?;
        log = build(scratch, work, batches, cli_packages)?;
        if log.is_empty() {
            break;
        }
        let mut excluded = 0;
        for batch in batches.iter_mut() {
            let file = format!("generated/{}/src/main.rs", batch.name);
            let failing = runner::failing_lines(&log, &file);
            let checks = &lines[&batch.name];
            for (line, dir, action) in checks.iter().filter(|(line, ..)| failing.contains(line)) {
                let Some(product) = products.iter_mut().find(|p| &p.dir == dir) else {
                    continue;
                };
                let message = compile_error_at(&log, &file, *line);
                if let Some(official) = product.official.get(action) {
                    product.sdk.push(failed_action(
                        action,
                        official,
                        "ours failed: the builders' expression does not compile",
                        &message,
                    ));
                }
                for calls in batch.products.iter_mut().filter(|calls| &calls.dir == dir) {
                    calls.calls.retain(|(name, _)| name != action);
                }
                excluded += 1;
            }
        }
        if excluded == 0 {
            break;
        }
        println!(
            "conformance: {excluded} action(s) whose check does not compile taken out; building again"
        );
    }
    Ok(log)
}

/// The first error message before the compiler's pointer at `file:line`.
fn compile_error_at(log: &str, file: &str, line: usize) -> String {
    let place = format!("--> {file}:{line}:");
    let lines: Vec<&str> = log.lines().collect();
    lines
        .iter()
        .position(|text| text.trim_start().starts_with(&place))
        .and_then(|at| {
            lines[..at]
                .iter()
                .rev()
                .find(|text| text.starts_with("error"))
        })
        .map_or_else(String::new, |text| (*text).to_owned())
}

/// Builds the runners and the CLI sample; returns cargo's errors (empty when all built).
fn build(
    scratch: &Path,
    work: &Path,
    batches: &[Batch],
    cli_packages: &[String],
) -> Result<String, String> {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command
        .args(["build", "--offline", "--keep-going", "--quiet"])
        .current_dir(scratch)
        .env("CARGO_TARGET_DIR", work.join("build"))
        // A scratch build is thrown away: incremental caches and debug information would only
        // fill the disk and slow the build (the runners hold thousands of functions).
        .env("CARGO_INCREMENTAL", "0")
        .env("CARGO_PROFILE_DEV_DEBUG", "false");
    for batch in batches {
        command.args(["-p", &batch.name]);
    }
    for package in cli_packages {
        command.args(["-p", package]);
    }
    let output = command
        .output()
        .map_err(|error| format!("cannot run cargo: {error}"))?;
    let log = String::from_utf8_lossy(&output.stderr).into_owned();
    if output.status.success() {
        Ok(String::new())
    } else if log.is_empty() {
        Ok("cargo build failed".into())
    } else {
        Ok(log)
    }
}

/// Runs each runner that was built; their lines by (dir, action).
fn run_runners(
    work: &Path,
    batches: &[Batch],
) -> Result<BTreeMap<(String, String), OursLine>, String> {
    let mut lines = BTreeMap::new();
    for batch in batches {
        let binary = work.join("build/debug").join(&batch.name);
        if !binary.exists() {
            continue;
        }
        let output = Command::new(&binary)
            .output()
            .map_err(|error| format!("cannot run {}: {error}", binary.display()))?;
        if !output.status.success() {
            eprintln!(
                "conformance: {} ended with {}: {}",
                batch.name,
                output.status,
                String::from_utf8_lossy(&output.stderr)
                    .lines()
                    .take(5)
                    .collect::<Vec<_>>()
                    .join(" / ")
            );
        }
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let parsed: OursLine =
                serde_json::from_str(line).map_err(|e| format!("{}: {e}: {line}", batch.name))?;
            lines.insert((parsed.dir.clone(), parsed.action.clone()), parsed);
        }
    }
    Ok(lines)
}

/// One CLI run: the request the test server recorded (if any), whether its signature
/// verified, and how each reply was taken.
struct CliRun {
    request: Option<Recorded>,
    verified: bool,
    outcomes: BTreeMap<String, Value>,
    failure: Option<String>,
}

/// Runs every action of the CLI sample once per reply, against a test server.
fn run_cli(
    work: &Path,
    products: &[Product],
    sample: &[String],
) -> Result<BTreeMap<(String, String), CliRun>, String> {
    let mut runs = BTreeMap::new();
    if sample.is_empty() {
        return Ok(runs);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|error| format!("a tokio runtime: {error}"))?;
    let server = runtime
        .block_on(
            acs_test_server::TestServer::builder()
                .with_credentials(ACCESS_KEY_ID, ACCESS_KEY_SECRET)
                .keep_requests(1)
                .start(),
        )
        .map_err(|error| format!("the test server: {error}"))?;
    let endpoint = server.endpoint();
    for product in products
        .iter()
        .filter(|product| sample.contains(&product.dir))
    {
        let Some(service) = &product.service else {
            continue;
        };
        let binary = work.join("build/debug").join(&service.cli_binary);
        for (action, official) in &product.official {
            if official.request.is_none() {
                continue;
            }
            let Some(operation) = service.operations.iter().find(|op| &op.name == action) else {
                continue;
            };
            let flags = cli::flags(service, operation, &official.kept);
            let mut run = CliRun {
                request: None,
                verified: false,
                outcomes: BTreeMap::new(),
                failure: None,
            };
            if !binary.exists() {
                run.failure = Some("the CLI did not build".into());
            }
            for (name, status, body) in replies() {
                if run.failure.is_some() {
                    break;
                }
                let before = server.request_count();
                server.enqueue(action, acs_test_server::Reply::json(status, body));
                let output = cli::run(
                    &binary,
                    action,
                    &flags,
                    &endpoint,
                    (ACCESS_KEY_ID, ACCESS_KEY_SECRET),
                    REGION,
                )
                .map_err(|error| format!("cannot run {}: {error}", binary.display()))?;
                let outcome = cli::outcome(output.status.code(), &output.stderr);
                let sent = server.request_count() > before;
                match server.requests().last().filter(|_| sent) {
                    Some(request) if run.request.is_none() => {
                        run.verified = request.signature_verified;
                        run.request = Some(cli::recorded(request));
                    }
                    Some(_) => {}
                    // Its reply is still queued: the run of this action stops here.
                    None => {
                        run.failure = Some(format!(
                            "the CLI sent nothing: {}",
                            outcome["detail"].as_str().unwrap_or_default()
                        ));
                    }
                }
                run.outcomes.insert(name, outcome);
            }
            runs.insert((product.dir.clone(), action.clone()), run);
        }
    }
    Ok(runs)
}

fn compare_product(
    product: &mut Product,
    ours: &BTreeMap<(String, String), OursLine>,
    cli_runs: &BTreeMap<(String, String), CliRun>,
    batches: &[Batch],
    build_log: &str,
) {
    if !matches!(product.state, State::Compared) {
        return;
    }
    let built = batches
        .iter()
        .find(|batch| batch.dirs.contains(&product.dir))
        .is_some_and(|_| ours.keys().any(|(dir, _)| dir == &product.dir));
    let already: BTreeSet<String> = product.sdk.iter().map(|r| r.action.clone()).collect();
    for input in &product.inputs {
        let action = &input.action;
        if already.contains(action) {
            continue;
        }
        let Some(official) = product.official.get(action) else {
            continue;
        };
        let key = (product.dir.clone(), action.clone());
        let (outcome, normalised) = match (&official.request, ours.get(&key)) {
            (None, _) => (
                ActionOutcome::NotCompared(official.failure.clone().unwrap_or_default()),
                Normalised::default(),
            ),
            (Some(_), None) if !built => (
                ActionOutcome::Differs(vec![Difference {
                    class: "ours failed: the runner did not build".into(),
                    detail: compare::clip(
                        build_log
                            .lines()
                            .find(|l| l.contains("error"))
                            .unwrap_or(""),
                    ),
                }]),
                Normalised::default(),
            ),
            (Some(_), None) => (
                ActionOutcome::Differs(vec![Difference {
                    class: "ours failed: the runner stopped before this action".into(),
                    detail: String::new(),
                }]),
                Normalised::default(),
            ),
            (Some(official_request), Some(line)) => {
                let mut found = Vec::new();
                let mut normalised = Normalised::default();
                match (&line.request, &line.failure) {
                    (Some(request), _) => {
                        let (differences, applied) = compare::compare(
                            official_request,
                            request,
                            Side::Sdk,
                            ACCESS_KEY_SECRET,
                        );
                        found.extend(differences);
                        normalised = applied;
                    }
                    (None, failure) => found.push(Difference {
                        class: failure_class(failure.as_deref().unwrap_or("")),
                        detail: compare::clip(failure.as_deref().unwrap_or("")),
                    }),
                }
                if !line.outcomes.is_empty() {
                    found.extend(outcome_differences(&official.outcomes, &line.outcomes));
                }
                (finish(found), normalised)
            }
        };
        product.sdk.push(ActionResult {
            action: action.clone(),
            outcome,
            dropped: official.dropped.clone(),
            adapted: official.adapted.clone(),
            forced: product.forced.get(action).cloned().unwrap_or_default(),
            normalised,
        });
    }
    product.sdk.sort_by(|a, b| a.action.cmp(&b.action));
    for input in &product.inputs {
        let key = (product.dir.clone(), input.action.clone());
        let Some(run) = cli_runs.get(&key) else {
            continue;
        };
        let official = &product.official[&input.action];
        let Some(official_request) = &official.request else {
            continue;
        };
        let mut found = Vec::new();
        let mut normalised = Normalised::default();
        match (&run.request, &run.failure) {
            (Some(request), _) => {
                let (differences, applied) =
                    compare::compare(official_request, request, Side::Cli, ACCESS_KEY_SECRET);
                found.extend(differences);
                normalised = applied;
                if !run.verified {
                    found.push(Difference {
                        class: "signature: the test server refused the CLI's".into(),
                        detail: String::new(),
                    });
                }
            }
            (None, failure) => found.push(Difference {
                class: "ours failed: the CLI sent nothing".into(),
                detail: compare::clip(failure.as_deref().unwrap_or("")),
            }),
        }
        found.extend(outcome_differences(&official.outcomes, &run.outcomes));
        product.cli.push(ActionResult {
            action: input.action.clone(),
            outcome: finish(found),
            dropped: official.dropped.clone(),
            adapted: official.adapted.clone(),
            forced: Vec::new(),
            normalised,
        });
    }
}

fn finish(mut found: Vec<Difference>) -> ActionOutcome {
    found.sort();
    found.dedup();
    if found.is_empty() {
        ActionOutcome::Identical
    } else {
        ActionOutcome::Differs(found)
    }
}

/// A failure of ours before anything was sent, by its kind.
fn failure_class(failure: &str) -> String {
    let kind = failure.split(':').next().unwrap_or(failure);
    format!("ours failed: {kind}")
}

/// A reply one side took as a success and the other as an error.
fn outcome_differences(
    official: &BTreeMap<String, Value>,
    ours: &BTreeMap<String, Value>,
) -> Vec<Difference> {
    let mut found = Vec::new();
    for (name, _, _) in replies() {
        let kind = |outcomes: &BTreeMap<String, Value>| {
            outcomes
                .get(&name)
                .and_then(|outcome| outcome["outcome"].as_str())
                .unwrap_or("none")
                .to_owned()
        };
        let (theirs, mine) = (kind(official), kind(ours));
        if theirs != mine {
            let detail = |outcomes: &BTreeMap<String, Value>| {
                outcomes
                    .get(&name)
                    .and_then(|outcome| outcome["detail"].as_str())
                    .unwrap_or("")
                    .to_owned()
            };
            found.push(Difference {
                class: format!("reply {name}: official {theirs}, ours {mine}"),
                detail: compare::clip(&format!(
                    "official {}, ours {}",
                    detail(official),
                    detail(ours)
                )),
            });
        }
    }
    found
}
