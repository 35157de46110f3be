//! What the last `codegen` produced, kept in `target/codegen/last-run.json`, so that the next
//! run redoes only what changed: a service whose spec files and generator are the same as
//! last time, and whose generated files are still as written, is neither read nor generated
//! again; and a file whose token stream is the same as last time is not parsed and formatted
//! again (rendering is most of the generator's time).
//!
//! The record is a cache, never a source of truth: a missing or unreadable one means a full
//! run, and nothing is taken from it that the files on disk do not confirm (their text must
//! hash to what the record says was written). Any other build of the generator starts afresh.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::fingerprint::fingerprint;
use crate::render::Rendered;

/// Where the record of `generated/` lives, under the workspace root.
pub const RECORD: &str = "target/codegen/last-run.json";

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct LastRun {
    /// The generator build that made it (see [`generator_build`]).
    pub generator: String,
    /// By service directory name.
    pub services: BTreeMap<String, ServiceRun>,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct ServiceRun {
    /// Fingerprint of the service's spec files (their paths and bytes).
    pub spec: u64,
    /// Every file generated for the service.
    pub files: BTreeMap<PathBuf, FileRun>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRun {
    /// Fingerprint of the token stream the file was rendered from (of the text, for files
    /// that are not Rust).
    pub tokens: u64,
    /// Fingerprint of the file's text.
    pub text: u64,
}

/// Files of a service that is generated again, whose text on disk is what the last run
/// wrote: by path, the fingerprint of their tokens then and the text.
#[derive(Debug, Default)]
pub struct Reusable(pub BTreeMap<PathBuf, (u64, String)>);

impl Reusable {
    /// Whether `text` is the text of `path` on disk.
    pub fn is_on_disk(&self, path: &Path, text: &str) -> bool {
        self.0.get(path).is_some_and(|(_, on_disk)| on_disk == text)
    }

    /// The text of `path` if it was rendered from the same tokens.
    pub fn text(&self, path: &Path, tokens: u64) -> Option<&str> {
        match self.0.get(path) {
            Some((previous, text)) if *previous == tokens => Some(text),
            _ => None,
        }
    }
}

impl ServiceRun {
    /// The record of a service generated from spec files with fingerprint `spec`.
    pub fn of(spec: u64, files: &BTreeMap<PathBuf, Rendered>) -> Self {
        let files = files
            .iter()
            .map(|(path, rendered)| {
                let file = FileRun {
                    tokens: rendered.from,
                    text: fingerprint(rendered.text.as_bytes()),
                };
                (path.clone(), file)
            })
            .collect();
        ServiceRun { spec, files }
    }

    /// The record of files that are not rendered from tokens, made from input with
    /// fingerprint `input`.
    pub fn of_texts(input: u64, files: &BTreeMap<PathBuf, String>) -> Self {
        let files = files
            .iter()
            .map(|(path, text)| {
                let text = fingerprint(text.as_bytes());
                (path.clone(), FileRun { tokens: text, text })
            })
            .collect();
        ServiceRun { spec: input, files }
    }

    /// Whether every file it records is on disk under `root` with the text it recorded.
    pub fn is_on_disk(&self, root: &Path) -> bool {
        self.files.iter().all(|(path, file)| {
            fs::read(root.join(path)).is_ok_and(|bytes| fingerprint(&bytes) == file.text)
        })
    }
}

impl LastRun {
    /// The record at `path`, or an empty one.
    pub fn read(path: &Path) -> Self {
        fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    pub fn write(&self, path: &Path) -> io::Result<()> {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let text = serde_json::to_vec(self).map_err(io::Error::other)?;
        // Renamed into place, so that a run in parallel (a test and `cargo xtask codegen`)
        // reads a whole record or none.
        let partial = path.with_extension(format!("{}.partial", std::process::id()));
        fs::write(&partial, text)?;
        fs::rename(partial, path)
    }

    /// The service's record, if this generator build made it.
    pub fn service(&self, generator: &str, dir_name: &str) -> Option<&ServiceRun> {
        let same_build = self.generator == generator && !generator.is_empty();
        self.services.get(dir_name).filter(|_| same_build)
    }
}

/// Identifies the running generator build by its executable's size and modification time; a
/// rebuilt generator never trusts the previous one's record. Empty (no reuse) when unknown.
pub fn generator_build() -> String {
    let Some(metadata) = std::env::current_exe()
        .ok()
        .and_then(|exe| fs::metadata(exe).ok())
    else {
        return String::new();
    };
    let modified = metadata
        .modified()
        .ok()
        .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |since| since.as_nanos());
    format!("{}:{modified}", metadata.len())
}
