//! Project tasks: `cargo xtask <task> [options]`; `cargo xtask help` lists them.

#![forbid(unsafe_code)]

mod bench;
mod codegen;
mod corpus;
mod facts;
mod import;
mod report;
mod sensitive_report;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// Generation builds and drops millions of small token trees and syntax nodes; mimalloc serves
/// them markedly faster than the system allocator (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    about = "Tasks of the Alibaba Cloud Rust SDK project"
)]
enum Task {
    /// Regenerates generated/ from spec/, or checks that it is up to date.
    Codegen {
        /// Report what would change, write nothing, and fail if anything would.
        #[arg(long)]
        check: bool,
        /// The workspace whose spec/ to generate from and whose generated/ to sync, instead
        /// of this one (`cargo xtask bench` times a scratch copy).
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
    /// Imports a product's OpenMeta metadata into spec/<product>/, applying its overlay.
    Import(import::Options),
    /// Imports and generates every product-version of an OpenMeta corpus in memory.
    Corpus(corpus::Options),
    /// Runs the benchmarks and prints every figure with its target (BENCHMARKS.md).
    Bench(bench::Options),
}

fn main() -> ExitCode {
    let root = workspace_root();
    match Task::parse() {
        Task::Codegen { check, root: other } => {
            codegen::run(other.as_deref().unwrap_or(&root), check)
        }
        Task::Import(options) => import::run(&root, options),
        Task::Corpus(options) => corpus::run(&root, options),
        Task::Bench(options) => bench::run(&root, options),
    }
}

/// xtask lives one level below the workspace root.
fn workspace_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(PathBuf::from)
        .unwrap_or(manifest_dir)
}
