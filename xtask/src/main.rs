//! Project tasks: `cargo xtask <task> [options]`; `cargo xtask help` lists them.

#![forbid(unsafe_code)]

mod bench;
mod catalog;
mod codegen;
mod command_names;
mod conformance;
mod corpus;
mod download;
mod facts;
mod import;
mod machine;
mod package;
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
    /// Imports a product's OpenMeta metadata into `spec/<product>/`, applying its overlay.
    Import(import::Options),
    /// Writes the catalog of published products (`catalog/products.json`) from a corpus.
    Catalog(catalog::Options),
    /// Writes a product's crates and the workspace crates they need as standalone crates.
    Package(package::Options),
    /// Imports and generates every product-version of an OpenMeta corpus in memory.
    Corpus(corpus::Options),
    /// Calls every action through the official Python SDKs and the generated SDKs and CLIs
    /// on 127.0.0.1, compares, and reports (CONFORMANCE.md).
    Conformance(conformance::Options),
    /// Runs the benchmarks and prints every figure with its target (BENCHMARKS.md).
    Bench(bench::Options),
}

fn main() -> ExitCode {
    let task = Task::parse();
    let root = match workspace_root() {
        Ok(root) => root,
        Err(message) => {
            eprintln!("xtask: {message}");
            return ExitCode::FAILURE;
        }
    };
    match task {
        Task::Codegen { check, root: other } => {
            codegen::run(other.as_deref().unwrap_or(&root), check)
        }
        Task::Import(options) => import::run(&root, options),
        Task::Catalog(options) => catalog::run(&root, options),
        Task::Package(options) => package::run(&root, options),
        Task::Corpus(options) => corpus::run(&root, options),
        Task::Conformance(options) => conformance::run(&root, options),
        Task::Bench(options) => bench::run(&root, options),
    }
}

/// The checkout this run works on, found when it runs rather than when it was built: clones
/// that share one target directory can share one xtask binary too, and each must write into
/// its own tree. `cargo xtask` is `cargo run`, which tells the program the manifest directory
/// of the package it runs (xtask/, one level below the root); run directly, the binary looks
/// for the workspace above the current directory.
fn workspace_root() -> Result<PathBuf, String> {
    if let Some(manifest_dir) = std::env::var_os("CARGO_MANIFEST_DIR") {
        let manifest_dir = PathBuf::from(manifest_dir);
        return match manifest_dir.parent() {
            Some(root) if root.join("xtask/Cargo.toml").is_file() => Ok(root.to_path_buf()),
            _ => Err(format!(
                "CARGO_MANIFEST_DIR is {}, not this project's xtask/",
                manifest_dir.display()
            )),
        };
    }
    let current = std::env::current_dir()
        .map_err(|error| format!("cannot read the current directory: {error}"))?;
    current
        .ancestors()
        .find(|dir| dir.join("xtask/Cargo.toml").is_file() && dir.join("Cargo.toml").is_file())
        .map(PathBuf::from)
        .ok_or_else(|| {
            format!(
                "{} is not inside this project's checkout: run `cargo xtask` there",
                current.display()
            )
        })
}
