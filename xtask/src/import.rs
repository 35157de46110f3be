//! `cargo xtask import`: brings a product's spec directory in line with its OpenMeta metadata,
//! the official SDK's facts of the product-version (`generator/official-sdk-facts/`) and its
//! overlay, or (`--check`) reports where it is not, through the same sync engine as
//! codegen, with what the change means for the generated crates' version.
//!
//! - `cargo xtask import ecs` (or `ecs@2014-05-26`): the product-version of the catalog
//!   (`catalog/products.json`; a bare code is its newest version), downloaded from Alibaba
//!   Cloud's metadata service, or from `--openmeta-url URL` serving the same paths.
//! - `--openmeta-dir DIR`: read from an unpacked corpus, `DIR/<product>/<version>/api-docs.json`.
//! - `--openmeta FILE`: that `api-docs.json`, whatever its product.
//! - `--list [FILTER]`: the catalog's product-versions whose code contains FILTER.
//! - `--check [PRODUCT…]`: what newer metadata of each spec's own API version changes, and
//!   whether that is a major, minor or patch release; with no product, every spec under
//!   `spec/`. Metadata that cannot be read (a corpus without the file) is an error.
//!
//! A write that changes the spec adds a release to its `changelog.yaml`
//! (`acs_codegen::changes`), whose version the generated crates take.
//!
//! `--into` and `--operations` make fixtures: the spec of a few operations of a product,
//! written under another directory than `spec/` (`tests/fixtures/official/spec`), as the
//! official-SDK vectors test uses them.
//!
//! The directory is `spec/<product>/` (the product code in lower case), unless that holds
//! another version of the product: then `spec/<product>-<version>/`
//! (see `acs_codegen::import::directory_name`). `--dir` names it outright.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use acs_codegen::catalog::{Catalog, Entry};
use acs_codegen::changes;
use acs_codegen::import::{self, ImportedSpecs};
use acs_codegen::spec::ServiceSpec;
use acs_codegen::{Mode, diagnostics::Diagnostics, load, sync};

#[derive(Debug, clap::Args)]
pub struct Options {
    /// Products of the catalog to import: a product code (`ecs`, its newest version) or a code
    /// and a version (`ecs@2014-05-26`).
    #[arg(value_name = "PRODUCT")]
    products: Vec<String>,
    /// Import this `api-docs.json` instead of a product of the catalog.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["products", "openmeta_dir", "openmeta_url"])]
    openmeta: Option<PathBuf>,
    /// Read each product's metadata from this unpacked corpus
    /// (`DIR/<product>/<version>/api-docs.json`) instead of downloading it.
    #[arg(long, value_name = "DIR", conflicts_with = "openmeta_url")]
    openmeta_dir: Option<PathBuf>,
    /// Download from this metadata service instead of the catalog's
    /// (`https://api.aliyun.com/meta/v1`): a mirror, or a stand-in on this machine.
    #[arg(long, value_name = "URL")]
    openmeta_url: Option<String>,
    /// List the catalog's product-versions whose code contains FILTER (every one without),
    /// and import nothing.
    #[arg(long, value_name = "FILTER", num_args = 0..=1, default_missing_value = "")]
    list: Option<String>,
    /// Report what would change and how far (major, minor, patch), write nothing, and fail
    /// if anything would change, or if the metadata cannot be read (CI skips its drift check
    /// itself when `../shared` is absent).
    #[arg(long)]
    check: bool,
    /// The spec directory's name under `spec/`, instead of the one the product code gives.
    #[arg(long)]
    dir: Option<String>,
    /// The directory, from the workspace root, that holds the spec directories.
    #[arg(long, default_value = "spec")]
    into: PathBuf,
    /// Import only these operations (comma-separated actions) and the shared schemas they
    /// use; each must be in the metadata.
    #[arg(long, value_delimiter = ',')]
    operations: Vec<String>,
}

/// Where one import's metadata comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    File(PathBuf),
    Url(String),
}

/// One spec directory to import or check.
#[derive(Debug)]
struct Job {
    source: Source,
    /// The spec directory's name, when it is known before the metadata is read.
    dir: Option<String>,
    /// The command that imports it, for the report.
    command: String,
}

pub fn run(root: &Path, options: Options) -> ExitCode {
    let jobs = match &options.list {
        Some(filter) => return list(root, filter),
        None => jobs(root, &options),
    };
    let jobs = match jobs {
        Ok(jobs) => jobs,
        Err(message) => {
            eprintln!("import: {message}");
            return ExitCode::FAILURE;
        }
    };
    let mut outcome = ExitCode::SUCCESS;
    for job in jobs {
        let code = import_one(root, &options, &job).unwrap_or_else(|message| {
            eprintln!("import: {message}");
            ExitCode::FAILURE
        });
        if code != ExitCode::SUCCESS {
            outcome = code;
        }
    }
    outcome
}

/// Prints the catalog's product-versions whose code contains `filter`.
fn list(root: &Path, filter: &str) -> ExitCode {
    let catalog = match crate::catalog::read(root) {
        Ok(catalog) => catalog,
        Err(message) => {
            eprintln!("import: {message}");
            return ExitCode::FAILURE;
        }
    };
    let entries = catalog.matching(filter);
    for entry in &entries {
        println!(
            "{:<40} {:<10} {:>5} operations",
            entry.name(),
            entry.style,
            entry.operations
        );
    }
    println!(
        "{} of {} product-versions; `cargo xtask import <product>` imports the newest version, \
         `<product>@<version>` another",
        entries.len(),
        catalog.products.len()
    );
    ExitCode::SUCCESS
}

/// The imports `options` ask for.
fn jobs(root: &Path, options: &Options) -> Result<Vec<Job>, String> {
    if let Some(file) = &options.openmeta {
        return Ok(vec![Job {
            source: Source::File(file.clone()),
            dir: options.dir.clone(),
            command: format!("cargo xtask import --openmeta {}", file.display()),
        }]);
    }
    if options.dir.is_some() && options.products.len() != 1 {
        return Err("--dir names the directory of one product".to_owned());
    }
    let catalog = crate::catalog::read(root)?;
    if options.products.is_empty() {
        if !options.check {
            return Err(
                "name a product (`cargo xtask import ecs`), or an `--openmeta FILE`; \
                        `cargo xtask import --list` shows the catalog"
                    .to_owned(),
            );
        }
        return every_spec(root, options, &catalog);
    }
    options
        .products
        .iter()
        .map(|wanted| {
            let entry = catalog.resolve(wanted)?;
            // A check of a product by its code checks the version its spec holds.
            let (entry, dir) = match (options.check, wanted.contains('@')) {
                (true, false) => match spec_of_product(root, options, &entry.code) {
                    Some((dir, version)) => {
                        (known_or_bare(&catalog, &entry.code, &version), Some(dir))
                    }
                    None => (entry.clone(), None),
                },
                _ => (entry.clone(), None),
            };
            if let Some(newest) = catalog.newest(&entry.code)
                && newest.version > entry.version
            {
                println!(
                    "{}: the catalog has a newer API version, {} (`cargo xtask import {}`)",
                    entry.name(),
                    newest.version,
                    newest.name()
                );
            }
            Ok(Job {
                source: source(options, &catalog, &entry),
                dir: options.dir.clone().or(dir),
                command: command(options, &entry.name()),
            })
        })
        .collect()
}

/// A check of every spec directory under `--into`, each against its own API version.
fn every_spec(root: &Path, options: &Options, catalog: &Catalog) -> Result<Vec<Job>, String> {
    let mut jobs = Vec::new();
    for (dir, service) in specs(root, &options.into)? {
        let entry = known_or_bare(catalog, &service.product.value, &service.api_version.value);
        jobs.push(Job {
            source: source(options, catalog, &entry),
            command: command(options, &format!("{} --dir {dir}", entry.name())),
            dir: Some(dir),
        });
    }
    Ok(jobs)
}

/// The catalog's entry of `code` and `version`, or one with only those (a version the catalog
/// does not list still has its place on the metadata service).
fn known_or_bare(catalog: &Catalog, code: &str, version: &str) -> Entry {
    catalog
        .find(code, version)
        .cloned()
        .unwrap_or_else(|| Entry {
            code: code.to_owned(),
            version: version.to_owned(),
            style: String::new(),
            operations: 0,
        })
}

/// Every spec directory under `into` with its `service.yaml`, by name.
fn specs(root: &Path, into: &Path) -> Result<Vec<(String, ServiceSpec)>, String> {
    let dir = root.join(into);
    let listing =
        fs::read_dir(&dir).map_err(|error| format!("cannot list {}: {error}", dir.display()))?;
    let mut specs = Vec::new();
    for item in listing {
        let path = item
            .map_err(|error| format!("cannot list {}: {error}", dir.display()))?
            .path();
        let service_file = path.join("service.yaml");
        let Ok(text) = fs::read_to_string(&service_file) else {
            continue;
        };
        let service = acs_codegen::yaml::parse::<ServiceSpec>(&service_file, &text)
            .map_err(|diagnostic| diagnostic.to_string())?;
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        specs.push((name, service));
    }
    specs.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(specs)
}

/// The spec directory named after `code`, and the API version it holds, if there is one.
fn spec_of_product(root: &Path, options: &Options, code: &str) -> Option<(String, String)> {
    let dir = import::directory_name(code, "", false);
    let service = service_in(&root.join(&options.into).join(&dir))?;
    Some((dir, service.api_version.value))
}

fn service_in(spec_dir: &Path) -> Option<ServiceSpec> {
    let service_file = spec_dir.join("service.yaml");
    let text = fs::read_to_string(&service_file).ok()?;
    acs_codegen::yaml::parse::<ServiceSpec>(&service_file, &text).ok()
}

fn source(options: &Options, catalog: &Catalog, entry: &Entry) -> Source {
    match &options.openmeta_dir {
        Some(dir) => Source::File(dir.join(entry.corpus_path())),
        None => {
            let service = options.openmeta_url.as_deref().unwrap_or(&catalog.service);
            Source::Url(entry.url(service, &catalog.language))
        }
    }
}

/// The command that imports `product` with these options' source.
fn command(options: &Options, product: &str) -> String {
    match &options.openmeta_dir {
        Some(dir) => format!(
            "cargo xtask import {product} --openmeta-dir {}",
            dir.display()
        ),
        None => format!("cargo xtask import {product}"),
    }
}

fn import_one(root: &Path, options: &Options, job: &Job) -> Result<ExitCode, String> {
    let started = Instant::now();
    let metadata = match &job.source {
        Source::File(path) => fs::read_to_string(path)
            .map_err(|error| format!("cannot read {}: {error}", path.display()))?,
        Source::Url(url) => {
            println!("downloading {url}");
            crate::download::text(url)?
        }
    };
    let metadata = if options.operations.is_empty() {
        metadata
    } else {
        only_operations(&metadata, &options.operations)?
    };
    let (product, version) =
        import::product_and_version(&metadata).map_err(|error| error.to_string())?;
    let dir = match &job.dir {
        Some(dir) => dir.clone(),
        None => default_dir(root, &options.into, &product, &version),
    };
    let spec_dir = options.into.join(&dir);
    let overlay_file = root.join(&spec_dir).join("overlay.yaml");
    let overlay = match fs::read_to_string(&overlay_file) {
        Ok(text) => Some(text),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => return Err(format!("cannot read {}: {error}", overlay_file.display())),
    };
    let mut facts = crate::facts::read(root, &product, &version)?;
    if !options.operations.is_empty() {
        facts = facts.map(|facts| facts.only_operations(&options.operations));
    }
    let mut specs = import::import_specs(&metadata, facts.as_ref(), overlay.as_deref())
        .map_err(|error| error.to_string())?;
    for (action, reason) in &specs.declined {
        println!("{product} {version}: {action} declined: {reason}");
    }
    if specs.operations.is_empty() {
        println!("{product} {version} lists no operations: nothing to import");
        return Ok(ExitCode::SUCCESS);
    }
    let old = current_spec(root, &spec_dir, &dir)?;
    let source = format!("{product} {version}");
    specs.changelog = changes::release(
        old.as_ref().map_or(&Vec::new(), |old| &old.changelog),
        old.as_ref().map(ImportedSpecs::view),
        specs.view(),
        &source,
    )?;
    if let Some(old) = &old {
        print_changes(&spec_dir, old, &specs);
    }
    let files = specs
        .to_files()
        .map_err(|error| error.to_string())?
        .into_iter()
        .map(|(file, text)| (spec_dir.join(file), text))
        .collect();
    // Operation files and the shared schemas belong to the importer; the overlay does not.
    let owned = [spec_dir.join("operations"), spec_dir.join("schemas.yaml")];
    let mode = if options.check {
        Mode::Check
    } else {
        Mode::Write
    };
    let report = sync::sync(root, &owned, &files, &[], mode).map_err(|error| error.to_string())?;
    let task = match &facts {
        Some(facts) => format!(
            "import {} (with the facts of {})",
            spec_dir.display(),
            facts.source()
        ),
        None => format!("import {}", spec_dir.display()),
    };
    Ok(crate::report::print(
        &task,
        mode,
        &report,
        started,
        &job.command,
    ))
}

/// The spec at `spec_dir` as it is on disk, if there is one.
fn current_spec(root: &Path, spec_dir: &Path, dir: &str) -> Result<Option<ImportedSpecs>, String> {
    if !root.join(spec_dir).join("service.yaml").is_file() {
        return Ok(None);
    }
    let mut diagnostics = Diagnostics::default();
    let texts = load::read_spec_texts(root, &root.join(spec_dir), &mut diagnostics);
    let files = load::parse_service(dir, spec_dir, &texts, &mut diagnostics);
    match files {
        Some(files) if diagnostics.is_empty() => Ok(Some(ImportedSpecs::from_files(files))),
        _ => Err(format!(
            "the spec in {} does not read, so what an import changes is unknown; fix it or \
             remove it first:\n{}",
            spec_dir.display(),
            diagnostics
                .into_sorted()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )),
    }
}

/// What the import changes in `spec_dir`, its semver level and the version it leads to.
fn print_changes(spec_dir: &Path, old: &ImportedSpecs, new: &ImportedSpecs) {
    let found = changes::changes(old.view(), new.view());
    let Some(level) = changes::level(&found) else {
        println!("{}: no change to the API", spec_dir.display());
        return;
    };
    let version = |specs: &ImportedSpecs| {
        specs
            .changelog
            .first()
            .map_or(changes::FIRST_VERSION.to_owned(), |release| {
                release.version.value.clone()
            })
    };
    println!(
        "{}: a {level} change, {} → {}",
        spec_dir.display(),
        version(old),
        version(new)
    );
    for change in &found {
        println!("  {}: {}", change.level, change.text);
    }
}

/// The metadata with only the APIs named in `actions`, or the first of them it lacks.
fn only_operations(metadata: &str, actions: &[String]) -> Result<String, String> {
    let mut document: serde_json::Value =
        serde_json::from_str(metadata).map_err(|error| format!("the metadata: {error}"))?;
    let apis = document
        .get_mut("apis")
        .and_then(serde_json::Value::as_object_mut)
        .ok_or("the metadata lists no APIs")?;
    if let Some(missing) = actions.iter().find(|action| !apis.contains_key(*action)) {
        return Err(format!("the metadata has no API {missing}"));
    }
    apis.retain(|action, _| actions.contains(action));
    Ok(document.to_string())
}

/// `<into>/<product>/`, unless it holds another version of the product.
fn default_dir(root: &Path, into: &Path, product: &str, version: &str) -> String {
    let plain = import::directory_name(product, version, false);
    let existing_version =
        service_in(&root.join(into).join(&plain)).map(|service| service.api_version.value);
    match existing_version {
        Some(existing) if existing != version => import::directory_name(product, version, true),
        _ => plain,
    }
}

#[cfg(test)]
mod tests {
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;
    use std::thread::JoinHandle;

    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Command {
        #[command(flatten)]
        options: Options,
    }

    fn options(arguments: &[&str]) -> Options {
        Command::parse_from(std::iter::once("import").chain(arguments.iter().copied())).options
    }

    /// A checkout with nothing but a catalog that lists the project's own OpenMeta fixture,
    /// the product `fleet`.
    fn checkout(name: &str) -> PathBuf {
        let root = std::env::temp_dir().join(format!("xtask-import-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let catalog = Catalog::from_entries(vec![Entry {
            code: "fleet".to_owned(),
            version: "2023-06-01".to_owned(),
            style: "RPC".to_owned(),
            operations: 8,
        }]);
        let file = root.join(acs_codegen::catalog::CATALOG_FILE);
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        fs::write(file, catalog.to_json()).unwrap();
        root
    }

    fn fixture() -> String {
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        fs::read_to_string(workspace.join("generator/tests/fixtures/openmeta/product.json"))
            .unwrap()
    }

    /// How many operations the fixture's metadata lists: one file each under `operations/`.
    fn operations_in(metadata: &str) -> usize {
        let metadata: serde_json::Value = serde_json::from_str(metadata).unwrap();
        metadata["apis"].as_object().unwrap().len()
    }

    /// A stand-in for the metadata service on 127.0.0.1 that answers one request with
    /// `status` and `body`, and returns the request line it got.
    fn metadata_service(status: &str, body: String) -> (String, JoinHandle<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let status = status.to_owned();
        let served = std::thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(stream);
            let mut request_line = String::new();
            reader.read_line(&mut request_line).unwrap();
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap() > 2 {
                line.clear();
            }
            let mut stream = reader.into_inner();
            write!(
                stream,
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
                 connection: close\r\n\r\n{body}",
                body.len()
            )
            .unwrap();
            request_line.trim_end().to_owned()
        });
        (format!("http://{address}/meta/v1"), served)
    }

    #[test]
    fn a_product_by_name_is_downloaded_from_the_metadata_service_and_imported() {
        let root = checkout("download");
        let (service, served) = metadata_service("200 OK", fixture());
        let code = run(&root, options(&["fleet", "--openmeta-url", &service]));
        assert_eq!(code, ExitCode::SUCCESS);
        assert_eq!(
            served.join().unwrap(),
            "GET /meta/v1/products/fleet/versions/2023-06-01/api-docs.json?language=EN_US HTTP/1.1"
        );
        let service_yaml = fs::read_to_string(root.join("spec/fleet/service.yaml")).unwrap();
        assert!(
            service_yaml.contains("api_version: \"2023-06-01\""),
            "{service_yaml}"
        );
        assert_eq!(
            fs::read_dir(root.join("spec/fleet/operations"))
                .unwrap()
                .count(),
            operations_in(&fixture())
        );
        let changelog = fs::read_to_string(root.join("spec/fleet/changelog.yaml")).unwrap();
        assert!(changelog.contains("version: \"0.1.0\""), "{changelog}");

        // The same metadata again changes nothing, and a check says so.
        let (service, served) = metadata_service("200 OK", fixture());
        let code = run(
            &root,
            options(&["--check", "fleet", "--openmeta-url", &service]),
        );
        served.join().unwrap();
        assert_eq!(code, ExitCode::SUCCESS);
        fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn a_failed_download_writes_nothing() {
        let root = checkout("not-found");
        let (service, served) = metadata_service("404 Not Found", "{}".to_owned());
        let code = run(&root, options(&["fleet", "--openmeta-url", &service]));
        served.join().unwrap();
        assert_eq!(code, ExitCode::FAILURE);
        assert!(!root.join("spec").exists());
        fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn a_corpus_directory_is_read_by_product_and_version_and_a_check_reports_the_change() {
        let root = checkout("corpus");
        let corpus = root.join("corpus");
        let file = corpus.join("fleet/2023-06-01/api-docs.json");
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        let mut metadata: serde_json::Value = serde_json::from_str(&fixture()).unwrap();
        let apis = metadata["apis"].as_object_mut().unwrap();
        let removed = apis.keys().next().unwrap().clone();
        apis.remove(&removed);
        fs::write(&file, metadata.to_string()).unwrap();
        let corpus = corpus.to_str().unwrap();
        assert_eq!(
            run(&root, options(&["fleet", "--openmeta-dir", corpus])),
            ExitCode::SUCCESS
        );
        assert_eq!(
            fs::read_dir(root.join("spec/fleet/operations"))
                .unwrap()
                .count(),
            operations_in(&fixture()) - 1
        );

        // The whole fixture adds an operation back: a minor change, which a check reports and
        // an import records as release 0.1.1.
        fs::write(&file, fixture()).unwrap();
        assert_eq!(
            run(&root, options(&["--check", "--openmeta-dir", corpus])),
            ExitCode::FAILURE
        );
        assert_eq!(
            run(&root, options(&["fleet", "--openmeta-dir", corpus])),
            ExitCode::SUCCESS
        );
        let changelog = fs::read_to_string(root.join("spec/fleet/changelog.yaml")).unwrap();
        assert!(changelog.contains("- version: \"0.1.1\""), "{changelog}");
        assert!(
            changelog.contains(&format!("Added the operation `{removed}`.")),
            "{changelog}"
        );

        // A corpus without the product's file fails the check, so that a drift check cannot
        // pass by finding nothing to compare.
        fs::remove_file(&file).unwrap();
        assert_eq!(
            run(&root, options(&["--check", "--openmeta-dir", corpus])),
            ExitCode::FAILURE
        );
        fs::remove_dir_all(root).unwrap();
    }
}
