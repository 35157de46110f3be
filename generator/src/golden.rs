//! The golden output: the fleet fixture (`generator/tests/fixtures/openmeta/product.json`, the
//! project's own OpenMeta metadata with formData, flat, repeat-list and map parameters, every
//! scalar type, enums, keywords and colliding names as names, both kinds of pagination, a
//! parameter nested in an object, a call listed with `GET` only, response headers (two typed; one
//! named as a body field and one with non-breaking hyphens, left out), and facts of an official SDK in
//! `product.facts.yaml`) imported and generated into `generator/tests/golden/fleet/`. It is checked in, so that a
//! change to what the importer or the emitters write shows in review as a diff of that tree.
//! `cargo xtask codegen` keeps it with `generated/`, and `--check` reports it stale the same
//! way; `tests/tests/another_product.rs` builds it and runs its generated tests.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::fingerprint;
use crate::last_run::{self, LastRun, ServiceRun};
use crate::{Error, Mode, Report, import, sync};

/// The fixture, from the workspace root.
pub const FIXTURE: &str = "generator/tests/fixtures/openmeta/product.json";
/// The official-SDK facts the fixture is imported with, as a real product's are
/// (`generator/official-sdk-facts/`), from the workspace root.
pub const FACTS_FIXTURE: &str = "generator/tests/fixtures/openmeta/product.facts.yaml";
/// The golden tree, from the workspace root: `spec/fleet/` and `generated/fleet*/`, as
/// `cargo xtask import` and `cargo xtask codegen` would write them in a workspace of their own.
pub const GOLDEN_DIR: &str = "generator/tests/golden/fleet";

/// Where the last run's record of the golden tree lives (see [`crate::last_run`]).
const RECORD: &str = "target/codegen/golden-fleet.json";

/// The golden tree's files, keyed by path from the workspace root `root`.
pub fn files(root: &Path) -> Result<BTreeMap<PathBuf, String>, Error> {
    let (metadata, facts) = fixture_texts(root)?;
    files_from(&metadata, &facts)
}

/// The fixture imported as `cargo xtask import` imports a product, with its facts: the spec
/// files, keyed by path from a workspace root (`spec/fleet/…`).
pub fn spec_files(root: &Path) -> Result<BTreeMap<PathBuf, String>, Error> {
    let (metadata, facts) = fixture_texts(root)?;
    imported(&metadata, &facts).map(|(_, files)| files)
}

/// The fixture's metadata and the text of its facts.
fn fixture_texts(root: &Path) -> Result<(String, String), Error> {
    let read = |path: &str| fs::read_to_string(root.join(path)).map_err(Error::Io);
    Ok((read(FIXTURE)?, read(FACTS_FIXTURE)?))
}

/// The spec directory's name and the spec files of the fixture.
fn imported(
    metadata: &str,
    facts_text: &str,
) -> Result<(String, BTreeMap<PathBuf, String>), Error> {
    let facts = import::OfficialSdkFacts::parse(Path::new(FACTS_FIXTURE), facts_text)
        .map_err(|diagnostic| Error::Import(import::ImportError::Facts(diagnostic)))?;
    let (product, version) = import::product_and_version(metadata).map_err(Error::Import)?;
    let dir_name = import::directory_name(&product, &version, false);
    let spec_dir = Path::new("spec").join(&dir_name);
    let spec_files = import::import_specs(metadata, Some(&facts), None)
        .and_then(|specs| specs.to_files())
        .map_err(Error::Import)?
        .into_iter()
        .map(|(file, text)| (spec_dir.join(file), text))
        .collect();
    Ok((dir_name, spec_files))
}

fn files_from(metadata: &str, facts_text: &str) -> Result<BTreeMap<PathBuf, String>, Error> {
    let (dir_name, spec_files) = imported(metadata, facts_text)?;
    let generated = crate::generate_from_texts(&dir_name, &spec_files)?;
    let golden = Path::new(GOLDEN_DIR);
    Ok(spec_files
        .into_iter()
        .chain(generated)
        .map(|(path, text)| (golden.join(path), text))
        .collect())
}

/// Writes the golden tree under `root`, or in [`Mode::Check`] reports how it differs. As
/// for `generated/`, a run whose generator build and fixture are those of the last run, and
/// whose golden files are still as then written, generates nothing.
pub fn sync(root: &Path, mode: Mode) -> Result<Report, Error> {
    let owned = [PathBuf::from(GOLDEN_DIR)];
    let record_path = root.join(RECORD);
    let (metadata, facts) = fixture_texts(root)?;
    let fixture = fingerprint::fingerprint(format!("{metadata}\0{facts}").as_bytes());
    let generator = last_run::generator_build();
    let last = LastRun::read(&record_path);
    if let Some(run) = last.service(&generator, GOLDEN_DIR)
        && run.spec == fixture
        && run.is_on_disk(root)
    {
        let kept: Vec<PathBuf> = run.files.keys().cloned().collect();
        return sync::sync(root, &owned, &BTreeMap::new(), &kept, mode).map_err(Error::Io);
    }
    let files = files_from(&metadata, &facts)?;
    let report = sync::sync(root, &owned, &files, &[], mode).map_err(Error::Io)?;
    if report.drift.is_empty() {
        let run = ServiceRun::of_texts(fixture, &files);
        let record = LastRun {
            generator,
            services: BTreeMap::from([(GOLDEN_DIR.to_owned(), run)]),
        };
        // Only a cache, as for `generated/`.
        let _ = record.write(&record_path);
    }
    Ok(report)
}
