//! `cargo xtask corpus --openmeta-dir DIR [--compile N]`: imports and generates every
//! product-version of an OpenMeta corpus (`DIR/**/api-docs.json`, as Alibaba Cloud publishes
//! it) in memory, writing nothing; prints one line per failure, then a summary, with how many
//! operations got a paginator, by paging style, and why those that take paging parameters
//! but got none were left out. With `--compile N` it also writes N product-versions into a
//! scratch workspace, builds them and documents them, failing on any warning (of rustc or
//! rustdoc). With `--command-names PATH` it writes the names the commands of some of them take,
//! the fixture of `tests/tests/command_trees.rs` (`command_names.rs`).
//!
//! Each product-version is generated as `cargo xtask import` then `cargo xtask codegen` would
//! make it: imported spec files as YAML text (with the official SDK's facts of the
//! product-version), read back, lowered and rendered. Directory names
//! follow the importer's rule with every version of a product present: the newest version
//! (the greatest version string) takes `<product>`, the others `<product>-<version>`.
//!
//! It prints how many values the importer's rule marked sensitive, and with
//! `--sensitive-report FILE` writes them, one line per distinct name, for review (see
//! `sensitive_report`); `--sensitive-report-check` fails instead when the file is not current.
//!
//! The sample built by `--compile` holds the largest product-version (by operations), those
//! named by `--include`, and others drawn in a shuffle seeded by `--seed`, so that the same
//! command builds the same sample.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use acs_codegen::import::sensitive::Judged;
use acs_codegen::import::{self, ImportedSpecs, LeftOut};

use crate::command_names::{self, Commands};
use crate::sensitive_report::{self, Tally};

#[derive(Debug, clap::Args)]
pub struct Options {
    /// A directory holding the corpus: `<language>/<product>/<version>/api-docs.json`.
    #[arg(long)]
    openmeta_dir: PathBuf,
    /// Also build and document this many product-versions in a scratch workspace, failing on
    /// any warning.
    #[arg(long)]
    compile: Option<usize>,
    /// The seed of the shuffle that picks the built sample.
    #[arg(long, default_value_t = 2025)]
    seed: u64,
    /// Product-versions (spec directory names, such as `ecs`) the built sample includes.
    #[arg(long, value_delimiter = ',')]
    include: Vec<String>,
    /// Write the names the secrets rule marks, and those it passes over, to this file.
    #[arg(long, value_name = "FILE")]
    sensitive_report: Option<PathBuf>,
    /// Compare the report with the file instead of writing it; fail when it differs.
    #[arg(long, requires = "sensitive_report")]
    sensitive_report_check: bool,
    /// Also write the command names of the products named by `--include`, and of those whose
    /// command spells a name of its own, to this file: the fixture of
    /// `tests/tests/command_trees.rs`.
    #[arg(long)]
    command_names: Option<PathBuf>,
}

/// One `api-docs.json` of the corpus.
pub struct Entry {
    pub path: PathBuf,
    pub product: String,
    pub version: String,
    /// Its spec directory name.
    pub dir: String,
}

impl Entry {
    /// The product and version of the metadata at `path`, with the directory name it takes
    /// when no other version of the product is imported.
    pub fn read(path: PathBuf) -> Result<Entry, String> {
        let text = fs::read_to_string(&path)
            .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
        let (product, version) = import::product_and_version(&text)
            .map_err(|error| format!("{}: {error}", path.display()))?;
        let dir = import::directory_name(&product, &version, false);
        Ok(Entry {
            path,
            product,
            version,
            dir,
        })
    }
}

/// What became of one product-version.
pub enum Outcome {
    Generated {
        style: String,
        operations: usize,
        paging: PagingCounts,
        headers_beside_whole_body: HeadersBesideWholeBody,
        files: BTreeMap<PathBuf, String>,
        /// What the secrets rule decided.
        judged_secrets: Vec<Judged>,
        /// The operations the official SDK's facts decline, and why, by action.
        declined: BTreeMap<String, String>,
        /// The names its command takes, when `--command-names` asks for them.
        commands: Option<Commands>,
    },
    NoOperations,
    Failed(String),
}

pub fn run(root: &Path, options: Options) -> ExitCode {
    let started = Instant::now();
    let entries = match entries(&options.openmeta_dir) {
        Ok(entries) if !entries.is_empty() => entries,
        Ok(_) => {
            eprintln!(
                "corpus: no api-docs.json under {}",
                options.openmeta_dir.display()
            );
            return ExitCode::FAILURE;
        }
        Err(message) => {
            eprintln!("corpus: {message}");
            return ExitCode::FAILURE;
        }
    };
    let outcomes = generate_all(
        root,
        &entries,
        options.compile.is_some(),
        options.command_names.is_some(),
    );
    let mut summary = Summary::default();
    let mut generated = Vec::new();
    let mut command_names = BTreeMap::new();
    for (entry, outcome) in entries.iter().zip(outcomes) {
        summary.count(entry, &outcome);
        if let Outcome::Generated {
            operations,
            files,
            commands,
            ..
        } = outcome
        {
            if let Some(commands) =
                commands.filter(|commands| commands.chosen(&entry.dir, &options.include))
            {
                command_names.insert(entry.dir.clone(), commands);
            }
            if options.compile.is_some() {
                generated.push((entry.dir.clone(), operations, files));
            }
        }
    }
    summary.print(started);
    if summary.failed > 0 {
        return ExitCode::FAILURE;
    }
    if let Some(file) = &options.sensitive_report
        && !sensitive_report::write_or_check(
            &summary.secrets,
            &root.join(file),
            options.sensitive_report_check,
        )
    {
        return ExitCode::FAILURE;
    }
    if let Some(path) = &options.command_names {
        match command_names::write(path, &options.include, &command_names) {
            Ok(()) => println!(
                "command names of {} product-versions written to {}",
                command_names.len(),
                path.display()
            ),
            Err(message) => {
                eprintln!("corpus: {message}");
                return ExitCode::FAILURE;
            }
        }
    }
    match options.compile {
        Some(count) => compile(root, &options, count, generated),
        None => ExitCode::SUCCESS,
    }
}

/// Every `api-docs.json` under `dir`, with its product, version and spec directory name.
pub fn entries(dir: &Path) -> Result<Vec<Entry>, String> {
    let paths = api_docs_files(dir)?;
    let mut entries = paths
        .into_iter()
        .map(Entry::read)
        .collect::<Result<Vec<_>, _>>()?;
    let mut newest: BTreeMap<String, String> = BTreeMap::new();
    for entry in &entries {
        let product = entry.product.to_lowercase();
        let current = newest.entry(product).or_default();
        if entry.version > *current {
            current.clone_from(&entry.version);
        }
    }
    for entry in &mut entries {
        let beside_another = newest[&entry.product.to_lowercase()] != entry.version;
        entry.dir = import::directory_name(&entry.product, &entry.version, beside_another);
    }
    Ok(entries)
}

/// Every `api-docs.json` under `dir`, at any depth, sorted.
pub fn api_docs_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut paths = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let listing = fs::read_dir(&dir)
            .map_err(|error| format!("cannot list {}: {error}", dir.display()))?;
        for item in listing {
            let path = item
                .map_err(|error| format!("cannot list {}: {error}", dir.display()))?
                .path();
            if path.is_dir() {
                pending.push(path);
            } else if path.file_name().is_some_and(|name| name == "api-docs.json") {
                paths.push(path);
            }
        }
    }
    paths.sort();
    Ok(paths)
}

/// The outcome of every entry, in order, generated on every core: one product-version
/// after another on each, as most of a product-version's work is not parallel. The files are
/// kept only when `keep_files`, and the names their commands take found only when
/// `find_commands`.
fn generate_all(
    root: &Path,
    entries: &[Entry],
    keep_files: bool,
    find_commands: bool,
) -> Vec<Outcome> {
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(1, usize::from);
    let mut outcomes: Vec<(usize, Outcome)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(entry) = entries.get(index) else {
                            break done;
                        };
                        let mut outcome = generate(root, entry);
                        if let Outcome::Generated {
                            files, commands, ..
                        } = &mut outcome
                            && find_commands
                        {
                            match Commands::of(&entry.dir, files) {
                                Ok(found) => *commands = Some(found),
                                Err(problem) => outcome = Outcome::Failed(problem),
                            }
                        }
                        if let Outcome::Generated { files, .. } = &mut outcome
                            && !keep_files
                        {
                            files.clear();
                        }
                        done.push((index, outcome));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| handle.join().expect("a corpus worker panicked"))
            .collect()
    });
    outcomes.sort_by_key(|(index, _)| *index);
    outcomes.into_iter().map(|(_, outcome)| outcome).collect()
}

/// Imports and generates one product-version in memory, with the official SDK's facts of
/// the product-version from the workspace at `root`.
pub fn generate(root: &Path, entry: &Entry) -> Outcome {
    let text = match fs::read_to_string(&entry.path) {
        Ok(text) => text,
        Err(error) => return Outcome::Failed(format!("cannot read: {error}")),
    };
    let facts = match crate::facts::read(root, &entry.product, &entry.version) {
        Ok(facts) => facts,
        Err(error) => return Outcome::Failed(format!("facts: {error}")),
    };
    let specs = match import::import_specs(&text, facts.as_ref(), None) {
        Ok(specs) => specs,
        Err(error) => return Outcome::Failed(format!("import: {error}")),
    };
    if specs.operations.is_empty() {
        return Outcome::NoOperations;
    }
    let spec_dir = Path::new("spec").join(&entry.dir);
    let texts = match specs.to_files() {
        Ok(files) => files
            .into_iter()
            .map(|(file, text)| (spec_dir.join(file), text))
            .collect(),
        Err(error) => return Outcome::Failed(format!("import: {error}")),
    };
    match acs_codegen::generate_from_texts(&entry.dir, &texts) {
        Ok(mut files) => {
            files.extend(texts);
            Outcome::Generated {
                style: specs.service.style.value.clone(),
                operations: specs.operations.len(),
                paging: PagingCounts::of(&specs),
                headers_beside_whole_body: HeadersBesideWholeBody::of(&specs),
                files,
                judged_secrets: specs.judged_secrets,
                declined: specs.declined,
                commands: None,
            }
        }
        Err(error) => Outcome::Failed(first_lines(&error.to_string(), 3)),
    }
}

fn first_lines(text: &str, count: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut shown = lines[..lines.len().min(count)].join("\n    ");
    if lines.len() > count {
        shown.push_str(&format!("\n    … {} more line(s)", lines.len() - count));
    }
    shown
}

/// The operations of one or more product-versions whose response has header fields beside a
/// whole body: a binary one, which streams beside them, or any other (JSON, text), decoded
/// with them as their document's `body`.
#[derive(Default)]
pub struct HeadersBesideWholeBody {
    binary: usize,
    other: usize,
}

impl HeadersBesideWholeBody {
    fn of(specs: &ImportedSpecs) -> Self {
        let mut counts = HeadersBesideWholeBody::default();
        for operation in specs.operations.values() {
            let Some(body) = &operation.response_body else {
                continue;
            };
            let has_headers = operation.response.iter().any(|field| {
                field
                    .location
                    .as_ref()
                    .is_some_and(|at| at.value == "header")
            });
            if !has_headers {
                continue;
            }
            if body.ty.as_ref().is_some_and(|ty| ty.value == "binary") {
                counts.binary += 1;
            } else {
                counts.other += 1;
            }
        }
        counts
    }

    fn add(&mut self, other: &HeadersBesideWholeBody) {
        self.binary += other.binary;
        self.other += other.other;
    }

    fn print(&self) {
        println!(
            "header fields beside a whole body: {} operations ({} binary, {} JSON or text)",
            self.binary + self.other,
            self.binary,
            self.other
        );
    }
}

/// How the operations of one or more product-versions page.
#[derive(Default)]
pub struct PagingCounts {
    /// Paging style → operations with a paginator.
    by_style: BTreeMap<&'static str, usize>,
    /// Operations with a paginator whose page size is `MaxResults` (in any spelling).
    max_results: usize,
    /// Why operations that take paging parameters got no paginator.
    left_out: BTreeMap<LeftOut, usize>,
}

impl PagingCounts {
    fn of(specs: &ImportedSpecs) -> Self {
        let mut paging = PagingCounts::default();
        for pagination in specs
            .operations
            .values()
            .filter_map(|op| op.pagination.as_ref())
        {
            let spelled = |name: &Option<acs_codegen::yaml::Spanned<String>>, words: &[&str]| {
                name.as_ref().is_some_and(|name| {
                    let name = name.value.to_lowercase().replace('_', "");
                    words.iter().any(|word| name == *word)
                })
            };
            let style = if spelled(&pagination.input_token, &["marker", "nextmarker"]) {
                "marker (Marker in; NextMarker or Marker out)"
            } else if pagination.input_token.is_some() {
                "token (NextToken, nextToken, next_token, NextPageToken, Cursor, …)"
            } else if pagination.total_count.is_some() {
                "page number, ending at the total count"
            } else {
                "page number, ending at a short or empty page"
            };
            *paging.by_style.entry(style).or_default() += 1;
            if spelled(&pagination.page_size, &["maxresults", "maxresult"]) {
                paging.max_results += 1;
            }
        }
        for reason in specs.paging_left_out.values() {
            *paging.left_out.entry(*reason).or_default() += 1;
        }
        paging
    }

    fn add(&mut self, other: &PagingCounts) {
        for (style, count) in &other.by_style {
            *self.by_style.entry(style).or_default() += count;
        }
        self.max_results += other.max_results;
        for (reason, count) in &other.left_out {
            *self.left_out.entry(*reason).or_default() += count;
        }
    }

    fn print(&self) {
        let paginated: usize = self.by_style.values().sum();
        println!("paginators: {paginated} operations");
        for (style, count) in &self.by_style {
            println!("  {style}: {count}");
        }
        println!(
            "  of which MaxResults (any spelling) sets the page size: {}",
            self.max_results
        );
        let left_out: usize = self.left_out.values().sum();
        println!("paging parameters but no paginator: {left_out} operations");
        for (reason, count) in &self.left_out {
            println!("  {}: {count}", reason.describe());
        }
    }
}

#[derive(Default)]
struct Summary {
    generated: usize,
    no_operations: usize,
    /// Operations, not product-versions: a product-version is generated or fails.
    declined: usize,
    failed: usize,
    /// Style → (product-versions, operations).
    by_style: BTreeMap<String, (usize, usize)>,
    secrets: Tally,
    paging: PagingCounts,
    headers_beside_whole_body: HeadersBesideWholeBody,
}

impl Summary {
    fn count(&mut self, entry: &Entry, outcome: &Outcome) {
        let name = format!("{} ({} {})", entry.dir, entry.product, entry.version);
        match outcome {
            Outcome::Generated {
                style,
                operations,
                paging,
                headers_beside_whole_body,
                judged_secrets,
                declined,
                ..
            } => {
                self.generated += 1;
                self.declined += declined.len();
                for (action, reason) in declined {
                    println!("{name}: {action} declined: {reason}");
                }
                self.paging.add(paging);
                self.headers_beside_whole_body
                    .add(headers_beside_whole_body);
                self.secrets.add(
                    &format!("{} {}", entry.product.to_lowercase(), entry.version),
                    judged_secrets,
                );
                let counts = self.by_style.entry(style.clone()).or_default();
                counts.0 += 1;
                counts.1 += operations;
            }
            Outcome::NoOperations => {
                self.no_operations += 1;
                println!("{name}: lists no operations; nothing generated");
            }
            Outcome::Failed(problem) => {
                self.failed += 1;
                println!("{name}: FAILED: {problem}");
            }
        }
    }

    fn print(&self, started: Instant) {
        let total = self.generated + self.no_operations + self.failed;
        let operations: usize = self
            .by_style
            .values()
            .map(|(_, operations)| operations)
            .sum();
        println!(
            "\ncorpus: {total} product-versions: {} generated ({operations} APIs), {} without operations, {} failed, in {:.1} s; operations declined: {}",
            self.generated,
            self.no_operations,
            self.failed,
            started.elapsed().as_secs_f64(),
            self.declined,
        );
        for (style, (products, operations)) in &self.by_style {
            println!("  {style}: {products} product-versions, {operations} APIs");
        }
        self.paging.print();
        self.headers_beside_whole_body.print();
        println!("{}", self.secrets.summary());
    }
}

/// Writes the sample into a scratch workspace under `target/`, builds it and documents it,
/// warnings denied in both.
fn compile(
    root: &Path,
    options: &Options,
    count: usize,
    mut generated: Vec<(String, usize, BTreeMap<PathBuf, String>)>,
) -> ExitCode {
    generated.sort_by(|a, b| a.0.cmp(&b.0));
    let in_use = match acs_codegen::scratch::generated_crates_in_use(root) {
        Ok(names) => names,
        Err(error) => {
            eprintln!("compile: cannot read the workspace's manifests: {error}");
            return ExitCode::FAILURE;
        }
    };
    generated.retain(|(dir, _, files)| {
        let manifest = files.get(&Path::new("generated").join(dir).join("Cargo.toml"));
        let name = manifest.and_then(|text| package_name(text));
        let in_use = name.is_some_and(|name| in_use.contains(name));
        if in_use {
            println!(
                "compile: {dir} left out: this workspace's runtime depends on its own {}, built \
                 with the workspace, and a workspace holds one crate of a name",
                name.unwrap_or_default()
            );
        }
        !in_use
    });
    let sample = sample(&generated, count, &options.include, options.seed);
    let mut files = BTreeMap::new();
    let mut names = Vec::new();
    for &index in &sample {
        let (dir, operations, product_files) = &generated[index];
        names.push(format!("{dir} ({operations})"));
        files.extend(product_files.clone());
    }
    println!(
        "\ncompile: {} product-versions: {}",
        sample.len(),
        names.join(", ")
    );
    let scratch = root.join("target/corpus");
    if let Err(error) = acs_codegen::scratch::write_workspace(root, &scratch, &files) {
        eprintln!("compile: cannot write {}: {error}", scratch.display());
        return ExitCode::FAILURE;
    }
    // Every crate of the sample is built, so that one run reports all that fail.
    let build = cargo_denying_warnings(&scratch, "RUSTFLAGS", &["build", "--keep-going"]);
    // The metadata's Markdown, as rendered into doc comments, must pass rustdoc's lints.
    let doc = || cargo_denying_warnings(&scratch, "RUSTDOCFLAGS", &["doc", "--no-deps"]);
    if build == ExitCode::SUCCESS {
        doc()
    } else {
        build
    }
}

/// `cargo <arguments> --workspace --offline` in the scratch workspace with `-D warnings` in
/// `flags_variable`.
fn cargo_denying_warnings(scratch: &Path, flags_variable: &str, arguments: &[&str]) -> ExitCode {
    let started = Instant::now();
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(arguments)
        .args(["--workspace", "--offline"])
        .current_dir(scratch)
        .env(flags_variable, "-D warnings")
        .status();
    let task = arguments[0];
    match status {
        Ok(status) if status.success() => {
            println!(
                "compile: cargo {task} passed without warnings in {:.0} s",
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Ok(status) => {
            eprintln!("compile: cargo {task} failed ({status})");
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("compile: cannot run cargo: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The `name` of a manifest's package.
fn package_name(manifest: &str) -> Option<&str> {
    manifest
        .lines()
        .find_map(|line| line.strip_prefix("name = \""))
        .and_then(|rest| rest.strip_suffix('"'))
}

/// Indices of the sample: the largest product-version, those named in `include`, then others
/// in a seeded shuffle until `count` are chosen.
fn sample(
    generated: &[(String, usize, BTreeMap<PathBuf, String>)],
    count: usize,
    include: &[String],
    seed: u64,
) -> Vec<usize> {
    let mut chosen: Vec<usize> = Vec::new();
    let mut choose = |index: usize| {
        if !chosen.contains(&index) && chosen.len() < count {
            chosen.push(index);
        }
    };
    if let Some(largest) = (0..generated.len()).max_by_key(|&index| generated[index].1) {
        choose(largest);
    }
    for name in include {
        if let Some(index) = generated.iter().position(|(dir, ..)| dir == name) {
            choose(index);
        }
    }
    let mut order: Vec<usize> = (0..generated.len()).collect();
    let mut state = seed;
    // Fisher–Yates with splitmix64: a fixed sequence for a seed, with no dependency.
    for last in (1..order.len()).rev() {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut mixed = state;
        mixed = (mixed ^ (mixed >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        mixed = (mixed ^ (mixed >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        mixed ^= mixed >> 31;
        order.swap(last, (mixed % (last as u64 + 1)) as usize);
    }
    for index in order {
        choose(index);
    }
    chosen.sort_unstable();
    chosen
}
