//! `cargo xtask bench`: measures what BENCHMARKS.md reports and prints every figure as the
//! median of several runs with the minimum and maximum, next to its target.
//!
//! - `process` runs and times subprocesses; `cargo` builds cargo commands and reads cargo's
//!   JSON messages.
//! - `stats` reduces runs to median, minimum and maximum; `summary` holds the figures and
//!   prints the table.
//! - `programs` builds the `benchmarks` package and runs its criterion benches and
//!   measurement programs; `own_build` times one crate's own compilation.
//! - One module per section, in the order they run: `generation`, `spec_edit`, `compile`,
//!   `ecs`, `corpus`, `client`, `ssm_ratio`, `load`, `paginate`, `stream_object`, `transfer`.

mod cargo;
mod client;
mod compile;
mod corpus;
mod ecs;
mod generation;
mod load;
mod own_build;
mod paginate;
mod process;
mod programs;
mod spec_edit;
mod ssm_ratio;
mod stats;
mod stream_object;
mod summary;
mod transfer;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use clap::ValueEnum;

use process::step;
use programs::Programs;
use stats::Stats;
use summary::Summary;

/// A part of the bench, selected with `--only`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Section {
    /// Generating every spec in-process, and `cargo xtask codegen --check`.
    Generation,
    /// `cargo xtask codegen` after an edit to one spec file.
    SpecEdit,
    /// The OOS SDK crate's own build, the one-call binary, and (`--cold`) its cold build.
    Compile,
    /// The ECS SDK crate's own debug build (needs `--openmeta-dir`).
    Ecs,
    /// `cargo xtask corpus` over the whole corpus (needs `--openmeta-dir`).
    Corpus,
    /// Per-call client CPU.
    Client,
    /// Client CPU per call against aws-sdk-ssm's, in alternating rounds of one run.
    SsmRatio,
    /// Concurrent calls.
    Load,
    /// Memory while paginating.
    Paginate,
    /// A 1 GiB object streamed up and down: throughput and peak RSS.
    StreamObject,
    /// A 1 GiB object up by multipart and down by ranges, in parallel parts: throughput and
    /// peak RSS.
    Transfer,
}

impl Section {
    /// The name `--only` takes and the summary's heading.
    fn name(self) -> &'static str {
        match self {
            Section::Generation => "generation",
            Section::SpecEdit => "spec-edit",
            Section::Compile => "compile",
            Section::Ecs => "ecs",
            Section::Corpus => "corpus",
            Section::Client => "client",
            Section::SsmRatio => "ssm-ratio",
            Section::Load => "load",
            Section::Paginate => "paginate",
            Section::StreamObject => "stream-object",
            Section::Transfer => "transfer",
        }
    }

    /// Whether the section runs a program of the `benchmarks` package (`compile` runs the
    /// `load` bench as the one-call binary's test server).
    fn needs_programs(self) -> bool {
        !matches!(self, Section::SpecEdit | Section::Ecs | Section::Corpus)
    }
}

/// `cargo xtask bench` options.
#[derive(Debug, clap::Args)]
pub struct Options {
    /// Also time cold builds (an empty target directory).
    #[arg(long)]
    cold: bool,
    /// Fewer runs, for a quick look (2 runs, 1 build run unless given).
    #[arg(long)]
    quick: bool,
    /// Runs of each measurement program and timed command.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    runs: Option<u64>,
    /// Runs of each timed build.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..))]
    build_runs: u64,
    /// Runs of the cold build; implies `--cold`.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    cold_runs: Option<u64>,
    /// Sections to run, comma-separated (default: all).
    #[arg(long, value_delimiter = ',')]
    only: Vec<Section>,
    /// The unpacked OpenMeta corpus (`<language>/<product>/<version>/api-docs.json`), for
    /// the `corpus` and `ecs` sections; they are skipped without it.
    #[arg(long, value_name = "DIR")]
    openmeta_dir: Option<PathBuf>,
    /// A Python interpreter with the official OSS SDK V2 (`benches/official/requirements.txt`),
    /// for the `stream-object` and `transfer` sections' comparisons; they are skipped without one.
    #[arg(long, value_name = "PYTHON")]
    official_oss_python: Option<PathBuf>,
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

    /// The sections to run, in the order they run.
    fn sections(&self) -> Vec<Section> {
        Section::value_variants()
            .iter()
            .copied()
            .filter(|section| self.only.is_empty() || self.only.contains(section))
            .collect()
    }
}

pub fn run(root: &Path, options: Options) -> ExitCode {
    let mut bench = Bench::new(root, options);
    if let Err(message) = bench.run_all() {
        eprintln!("bench failed: {message}");
        return ExitCode::FAILURE;
    }
    let table = bench.summary.render();
    println!("\n{table}");
    let path = bench.out_dir.join("summary.md");
    if let Err(error) = fs::write(&path, &table) {
        eprintln!("cannot write {}: {error}", path.display());
        return ExitCode::FAILURE;
    }
    println!("written to {}", path.display());
    ExitCode::SUCCESS
}

/// What every section works with: the workspace, the options, the built programs, and the
/// summary it adds its figures to.
struct Bench {
    root: PathBuf,
    options: Options,
    /// `target/bench`: logs, criterion's data, scratch workspaces and the summary.
    out_dir: PathBuf,
    programs: Programs,
    summary: Summary,
}

impl Bench {
    fn new(root: &Path, options: Options) -> Self {
        Bench {
            root: root.to_path_buf(),
            options,
            out_dir: root.join("target").join("bench"),
            programs: Programs::default(),
            summary: Summary::default(),
        }
    }

    fn run_all(&mut self) -> Result<(), String> {
        fs::create_dir_all(self.out_dir.join("logs")).map_err(|e| e.to_string())?;
        let sections = self.options.sections();
        self.summary.describe_machine();
        if sections.iter().any(|section| section.needs_programs()) {
            self.programs = Programs::build(&self.root)?;
        }
        for section in sections {
            self.summary.start_section(section);
            match section {
                Section::Generation => generation::run(self)?,
                Section::SpecEdit => spec_edit::run(self)?,
                Section::Compile => compile::run(self)?,
                Section::Ecs => ecs::run(self)?,
                Section::Corpus => corpus::run(self)?,
                Section::Client => client::run(self)?,
                Section::SsmRatio => ssm_ratio::run(self)?,
                Section::Load => load::run(self)?,
                Section::Paginate => paginate::run(self)?,
                Section::StreamObject => stream_object::run(self)?,
                Section::Transfer => transfer::run(self)?,
            }
        }
        self.summary.finish();
        Ok(())
    }

    /// `cargo` in the workspace root.
    fn cargo(&self) -> Command {
        cargo::command(&self.root)
    }

    /// The corpus directory, or `None` after recording that `section` is skipped.
    fn openmeta_dir(&mut self, section: Section) -> Option<PathBuf> {
        let dir = self.options.openmeta_dir.clone();
        if dir.is_none() {
            step(&format!(
                "{}: skipped: no corpus given (--openmeta-dir DIR)",
                section.name()
            ));
            self.summary
                .skip("skipped: no corpus given (`--openmeta-dir DIR`)");
        }
        dir
    }

    /// Writes `files` (keyed from a workspace root) into the scratch workspace
    /// `target/bench/<name>`, which refers to this workspace's runtime and lock file; returns
    /// its directory.
    fn scratch_workspace(
        &self,
        name: &str,
        files: &BTreeMap<PathBuf, String>,
    ) -> Result<PathBuf, String> {
        let dir = self.out_dir.join(name);
        acs_codegen::scratch::write_workspace(&self.root, &dir, files)
            .map_err(|error| format!("cannot write {}: {error}", dir.display()))?;
        Ok(dir)
    }

    /// Adds a figure to the running section's table.
    fn figure(
        &mut self,
        name: impl Into<String>,
        unit: &'static str,
        stats: Stats,
        target: Option<(&str, bool)>,
    ) {
        self.summary.figure(name, unit, stats, target);
    }

    fn log(&self, name: &str, output: &std::process::Output) {
        process::log(&self.out_dir.join("logs"), name, output);
    }
}

/// Every file under `root/dir`, keyed by its path from `root`, as `acs_codegen`'s file maps
/// are.
fn read_tree(root: &Path, dir: &Path) -> Result<BTreeMap<PathBuf, String>, String> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let listing =
            fs::read_dir(root.join(&dir)).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in listing {
            let name = entry.map_err(|e| e.to_string())?.file_name();
            let path = dir.join(name);
            let absolute = root.join(&path);
            if absolute.is_dir() {
                pending.push(path);
            } else {
                let text = fs::read_to_string(&absolute)
                    .map_err(|e| format!("{}: {e}", absolute.display()))?;
                files.insert(path, text);
            }
        }
    }
    Ok(files)
}

/// Lines of the `.rs` files of `files` under `dir`.
fn rust_lines(files: &BTreeMap<PathBuf, String>, dir: &Path) -> usize {
    files
        .iter()
        .filter(|(path, _)| {
            path.starts_with(dir) && path.extension().is_some_and(|extension| extension == "rs")
        })
        .map(|(_, text)| text.lines().count())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(clap::Parser)]
    struct Command {
        #[command(flatten)]
        options: Options,
    }

    fn parse(args: &[&str]) -> Result<Options, clap::Error> {
        <Command as clap::Parser>::try_parse_from(
            std::iter::once("bench").chain(args.iter().copied()),
        )
        .map(|command| command.options)
    }

    #[test]
    fn options_parse() {
        let options = parse(&["--quick", "--only", "client,spec-edit"]).unwrap();
        assert!(options.quick);
        assert_eq!(options.sections(), [Section::SpecEdit, Section::Client]);
        assert_eq!(options.runs(), 2);
        assert_eq!(options.build_runs(), 1);
        assert!(options.openmeta_dir.is_none());

        let options = parse(&["--openmeta-dir", "/tmp/corpus", "--runs", "3"]).unwrap();
        assert_eq!(options.openmeta_dir, Some(PathBuf::from("/tmp/corpus")));
        assert_eq!(options.runs(), 3);
        assert_eq!(options.build_runs(), 3);
        assert_eq!(options.sections().len(), Section::value_variants().len());
        assert!(!options.cold());
        assert!(parse(&["--cold-runs", "2"]).unwrap().cold());

        assert!(parse(&["--runs", "0"]).is_err());
        assert!(parse(&["--only", "compile,nonsense"]).is_err());
    }

    #[test]
    fn section_names_are_the_ones_only_takes() {
        for section in Section::value_variants() {
            let value = section.to_possible_value().unwrap();
            assert_eq!(value.get_name(), section.name());
        }
    }

    #[test]
    fn trees_are_keyed_from_the_root_and_lines_counted_per_directory() {
        let root = std::env::temp_dir().join(format!("xtask-bench-tree-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(root.join("generated/a/src")).unwrap();
        fs::create_dir_all(root.join("generated/b")).unwrap();
        fs::write(root.join("generated/a/src/lib.rs"), "a\nb\n").unwrap();
        fs::write(root.join("generated/a/Cargo.toml"), "x\ny\nz\n").unwrap();
        fs::write(root.join("generated/b/lib.rs"), "c\n").unwrap();
        let files = read_tree(&root, Path::new("generated")).unwrap();
        fs::remove_dir_all(&root).unwrap();
        assert_eq!(
            files.keys().collect::<Vec<_>>(),
            [
                Path::new("generated/a/Cargo.toml"),
                Path::new("generated/a/src/lib.rs"),
                Path::new("generated/b/lib.rs")
            ]
        );
        assert_eq!(rust_lines(&files, Path::new("generated/a")), 2);
        assert_eq!(rust_lines(&files, Path::new("generated")), 3);
    }
}
