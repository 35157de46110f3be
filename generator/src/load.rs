//! Reading the spec tree from disk: `spec/<service>/service.yaml` and
//! `spec/<service>/operations/*.yaml`. The only stage besides `sync` that touches the disk.

use std::fs;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Diagnostics, SourceLocation};
use crate::spec::{OperationSpec, ServiceSpec};
use crate::yaml;

/// One service's spec files, parsed. Paths are relative to the workspace root so that
/// diagnostics and generated headers never contain absolute paths.
#[derive(Debug, Clone)]
pub struct ServiceFiles {
    /// Directory name under `spec/` (`oos`).
    pub dir_name: String,
    pub service_path: PathBuf,
    pub service: ServiceSpec,
    /// Sorted by file name.
    pub operations: Vec<OperationFile>,
    /// Stems of operation files that did not parse (already reported), so that references
    /// to them are not reported again.
    pub unparsed_operations: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct OperationFile {
    pub path: PathBuf,
    pub spec: OperationSpec,
}

/// Loads every service under `<root>/spec`. Files that do not parse are reported, and the
/// rest are still returned so that one run shows every problem.
pub fn load_services(root: &Path) -> (Vec<ServiceFiles>, Vec<Diagnostic>) {
    let mut diagnostics = Diagnostics::default();
    let mut services = Vec::new();
    let spec_dir = root.join("spec");
    for dir in sorted_entries(&spec_dir, &mut diagnostics) {
        if !dir.join("service.yaml").is_file() {
            continue;
        }
        if let Some(service) = load_service(root, &dir, &mut diagnostics) {
            services.push(service);
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

fn load_service(root: &Path, dir: &Path, diagnostics: &mut Diagnostics) -> Option<ServiceFiles> {
    let service_path = relative(root, &dir.join("service.yaml"));
    let service = parse_file::<ServiceSpec>(root, &service_path, diagnostics);
    let paths: Vec<PathBuf> = sorted_entries(&dir.join("operations"), diagnostics)
        .into_iter()
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .map(|path| relative(root, &path))
        .collect();
    let parsed = crate::parallel::map(&paths, |path| {
        let mut found = Diagnostics::default();
        (parse_file::<OperationSpec>(root, path, &mut found), found)
    });
    let mut operations = Vec::new();
    let mut unparsed_operations = Vec::new();
    for (path, (spec, found)) in paths.into_iter().zip(parsed) {
        diagnostics.extend(found);
        match spec {
            Some(spec) => operations.push(OperationFile { path, spec }),
            None => unparsed_operations.extend(
                path.file_stem()
                    .map(|stem| stem.to_string_lossy().into_owned()),
            ),
        }
    }
    Some(ServiceFiles {
        dir_name: dir.file_name()?.to_string_lossy().into_owned(),
        service_path,
        service: service?,
        operations,
        unparsed_operations,
    })
}

fn parse_file<T: serde::de::DeserializeOwned>(
    root: &Path,
    path: &Path,
    diagnostics: &mut Diagnostics,
) -> Option<T> {
    let text = match fs::read_to_string(root.join(path)) {
        Ok(text) => text,
        Err(error) => {
            diagnostics.push(Diagnostic::new(
                SourceLocation::new(path, 0, 0),
                format!("cannot read file: {error}"),
            ));
            return None;
        }
    };
    yaml::parse(path, &text)
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
