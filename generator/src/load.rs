//! Reading the spec tree from disk: `spec/<service>/service.yaml`, `schemas.yaml`,
//! `changelog.yaml` and `operations/*.yaml`, and what the last run left (`last_run`). The only stage besides
//! `sync` that touches the disk.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Diagnostics, SourceLocation};
use crate::fingerprint;
use crate::last_run::{LastRun, Reusable, ServiceRun};
use crate::spec::{ChangelogSpec, OperationSpec, SchemasSpec, ServiceSpec};
use crate::yaml;

/// One service's spec files, parsed. Paths are relative to the workspace root so that
/// diagnostics and generated headers never contain absolute paths.
#[derive(Debug, Clone)]
pub struct ServiceFiles {
    /// Directory name under `spec/` (`oos`).
    pub dir_name: String,
    pub service_path: PathBuf,
    pub service: ServiceSpec,
    /// `schemas.yaml`, when the service has shared schemas.
    pub schemas: Option<SchemasFile>,
    /// `changelog.yaml`, when the service keeps one.
    pub changelog: Option<ChangelogFile>,
    /// Sorted by file name.
    pub operations: Vec<OperationFile>,
    /// Stems of operation files that did not parse (already reported), so that references
    /// to them are not reported again.
    pub unparsed_operations: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct SchemasFile {
    pub path: PathBuf,
    pub schemas: SchemasSpec,
}

#[derive(Debug, Clone)]
pub struct ChangelogFile {
    pub path: PathBuf,
    pub releases: ChangelogSpec,
}

#[derive(Debug, Clone)]
pub struct OperationFile {
    pub path: PathBuf,
    pub spec: OperationSpec,
}

impl OperationFile {
    /// The action the file declares: its `name`, else its file stem.
    pub fn action(&self) -> String {
        match &self.spec.name {
            Some(name) => name.value.clone(),
            None => self
                .path
                .file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
                .unwrap_or_default(),
        }
    }
}

/// Loads every service under `<root>/spec`. Files that do not parse are reported, and the
/// rest are still returned so that one run shows every problem.
pub fn load_services(root: &Path) -> (Vec<ServiceFiles>, Vec<Diagnostic>) {
    let (loaded, diagnostics) = load_against(root, &LastRun::default(), "");
    let services = loaded
        .into_iter()
        .filter_map(|service| match service {
            Loaded::Changed { files, .. } => Some(*files),
            Loaded::Unchanged { .. } => None,
        })
        .collect();
    (services, diagnostics)
}

/// A service as the last run left it, or to generate again.
#[derive(Debug)]
pub enum Loaded {
    /// The same spec and generator as last time, and its generated files as then written:
    /// nothing to do.
    Unchanged { dir_name: String, run: ServiceRun },
    Changed {
        files: Box<ServiceFiles>,
        /// Fingerprint of its spec files.
        spec: u64,
        /// Its generated files that are as the last run wrote them.
        reusable: Reusable,
    },
}

/// Loads every service under `<root>/spec`, but those that `last` (made by the generator
/// build `generator`) shows need nothing: see [`crate::last_run`].
pub fn load_against(
    root: &Path,
    last: &LastRun,
    generator: &str,
) -> (Vec<Loaded>, Vec<Diagnostic>) {
    let mut diagnostics = Diagnostics::default();
    let mut services = Vec::new();
    let spec_dir = root.join("spec");
    for dir in sorted_entries(&spec_dir, &mut diagnostics) {
        if !dir.join("service.yaml").is_file() {
            continue;
        }
        let Some(dir_name) = dir
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
        else {
            continue;
        };
        let texts = read_spec_texts(root, &dir, &mut diagnostics);
        let spec = spec_fingerprint(&texts);
        let previous = last.service(generator, &dir_name);
        if let Some(run) = previous.filter(|run| run.spec == spec && run.is_on_disk(root)) {
            services.push(Loaded::Unchanged {
                dir_name,
                run: run.clone(),
            });
            continue;
        }
        let reusable = previous.map_or_else(Reusable::default, |run| still_written(root, run));
        let relative_dir = relative(root, &dir);
        if let Some(files) = parse_service(&dir_name, &relative_dir, &texts, &mut diagnostics) {
            services.push(Loaded::Changed {
                files: Box::new(files),
                spec,
                reusable,
            });
        }
    }
    if services.is_empty() && diagnostics.is_empty() {
        diagnostics.push(
            Diagnostic::new(
                SourceLocation::new(Path::new("spec"), 0, 0),
                "no service found",
            )
            .with_hint("create spec/<service>/service.yaml (see spec/README.md)"),
        );
    }
    (services, diagnostics.into_sorted())
}

/// The texts of a service's spec files (`root/dir`), by path from `root`.
pub fn read_spec_texts(
    root: &Path,
    dir: &Path,
    diagnostics: &mut Diagnostics,
) -> BTreeMap<PathBuf, String> {
    // A service without operations yet has no `operations/` directory.
    let operations_dir = dir.join("operations");
    let mut paths = vec![
        dir.join("service.yaml"),
        dir.join("schemas.yaml"),
        dir.join("changelog.yaml"),
    ];
    if operations_dir.exists() {
        paths.extend(
            sorted_entries(&operations_dir, diagnostics)
                .into_iter()
                .filter(|path| path.extension().is_some_and(|ext| ext == "yaml")),
        );
    }
    let mut texts = BTreeMap::new();
    for path in paths.into_iter().filter(|path| path.is_file()) {
        match fs::read_to_string(&path) {
            Ok(text) => {
                texts.insert(relative(root, &path), text);
            }
            Err(error) => diagnostics.push(Diagnostic::new(
                SourceLocation::new(&relative(root, &path), 0, 0),
                format!("cannot read file: {error}"),
            )),
        }
    }
    texts
}

/// Fingerprint of spec files: their paths and bytes, in order.
fn spec_fingerprint(texts: &BTreeMap<PathBuf, String>) -> u64 {
    let mut all = Vec::new();
    for (path, text) in texts {
        all.extend_from_slice(path.to_string_lossy().as_bytes());
        all.push(0);
        all.extend_from_slice(text.as_bytes());
        all.push(0);
    }
    fingerprint::fingerprint(&all)
}

/// The files of `run` whose text on disk is still what it wrote.
fn still_written(root: &Path, run: &ServiceRun) -> Reusable {
    let files = run.files.iter().filter_map(|(path, file)| {
        let text = fs::read_to_string(root.join(path)).ok()?;
        (fingerprint::fingerprint(text.as_bytes()) == file.text)
            .then(|| (path.clone(), (file.tokens, text)))
    });
    Reusable(files.collect())
}

/// Parses one service's spec files given as text, keyed by their paths (under `spec_dir`):
/// the same as loading them from disk, for specs that exist only in memory.
pub fn parse_service(
    dir_name: &str,
    spec_dir: &Path,
    texts: &BTreeMap<PathBuf, String>,
    diagnostics: &mut Diagnostics,
) -> Option<ServiceFiles> {
    let service_path = spec_dir.join("service.yaml");
    let service = texts
        .get(&service_path)
        .and_then(|text| parse_text::<ServiceSpec>(&service_path, text, diagnostics));
    let schemas_path = spec_dir.join("schemas.yaml");
    let schemas = texts.get(&schemas_path).and_then(|text| {
        let schemas = parse_text::<SchemasSpec>(&schemas_path, text, diagnostics)?;
        Some(SchemasFile {
            path: schemas_path.clone(),
            schemas,
        })
    });
    let changelog_path = spec_dir.join("changelog.yaml");
    let changelog = texts.get(&changelog_path).and_then(|text| {
        let releases = parse_text::<ChangelogSpec>(&changelog_path, text, diagnostics)?;
        Some(ChangelogFile {
            path: changelog_path.clone(),
            releases,
        })
    });
    let operations_dir = spec_dir.join("operations");
    let operation_texts: Vec<(&PathBuf, &String)> = texts
        .iter()
        .filter(|(path, _)| path.parent() == Some(operations_dir.as_path()))
        .collect();
    let parsed = crate::parallel::map(&operation_texts, |(path, text)| {
        let mut found = Diagnostics::default();
        (parse_text::<OperationSpec>(path, text, &mut found), found)
    });
    let mut operations = Vec::new();
    let mut unparsed_operations = Vec::new();
    for ((path, _), (spec, found)) in operation_texts.into_iter().zip(parsed) {
        diagnostics.extend(found);
        match spec {
            Some(spec) => operations.push(OperationFile {
                path: path.clone(),
                spec,
            }),
            None => unparsed_operations.extend(
                path.file_stem()
                    .map(|stem| stem.to_string_lossy().into_owned()),
            ),
        }
    }
    Some(ServiceFiles {
        dir_name: dir_name.to_owned(),
        service_path,
        service: service?,
        schemas,
        changelog,
        operations,
        unparsed_operations,
    })
}

fn parse_text<T: serde::de::DeserializeOwned>(
    path: &Path,
    text: &str,
    diagnostics: &mut Diagnostics,
) -> Option<T> {
    yaml::parse(path, text)
        .map_err(|diagnostic| diagnostics.push(diagnostic))
        .ok()
}

fn sorted_entries(dir: &Path, diagnostics: &mut Diagnostics) -> Vec<PathBuf> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => {
            diagnostics.push(Diagnostic::new(
                SourceLocation::new(dir, 0, 0),
                format!("cannot read directory: {error}"),
            ));
            return Vec::new();
        }
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|entry| Some(entry.ok()?.path()))
        .collect();
    paths.sort();
    paths
}

fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}
