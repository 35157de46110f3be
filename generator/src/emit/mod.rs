//! IR → files. One small function per item kind; the map keeps output ordered by path, so
//! generation is deterministic by construction.

mod cli_crate;
mod docs;
mod enums;
mod examples;
mod markdown;
mod operation;
mod runtime_operation;
mod sdk_crate;
mod serde_impls;
mod types;
mod waiters;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::quote;

use crate::fingerprint;
use crate::ir::{Location, Service, Style};
use crate::last_run::Reusable;
use crate::render::{self, Rendered};
pub(crate) use examples::request_builder;

/// A generated file that failed the syntax gate: a generator bug, never a spec problem.
#[derive(Debug)]
pub struct EmitError {
    pub path: PathBuf,
    pub error: syn::Error,
}

impl std::fmt::Display for EmitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "generated {} is not valid Rust: {}",
            self.path.display(),
            self.error
        )
    }
}

impl std::error::Error for EmitError {}

/// Every generated file of one service: the SDK crate `generated/<service>/` and the
/// command-line crate `generated/<service>-cli/`, keyed by path from the workspace root.
/// Rust files are emitted and rendered on every available core: they are independent, and
/// rendering (parsing and formatting) is most of the generator's time; a file whose input is
/// the same as when `reusable`'s text was rendered is not rendered again.
pub fn service_files(
    service: &Service,
    reusable: &Reusable,
) -> Result<BTreeMap<PathBuf, Rendered>, EmitError> {
    let sdk = Path::new("generated").join(&service.dir_name);
    let cli = Path::new("generated").join(&service.cli_dir_name);
    let service_spec = spec_path(&service.spec_path);
    let operations_spec = format!("{}operations/", spec_dir(service));
    let mut jobs = vec![
        Job::new(sdk.join("src/lib.rs"), &service_spec, Item::Lib),
        Job::new(sdk.join("src/client.rs"), &service_spec, Item::Client),
        Job::new(
            sdk.join("src/operation/mod.rs"),
            &operations_spec,
            Item::OperationModule,
        ),
        Job::new(sdk.join("src/testing.rs"), &operations_spec, Item::Testing),
        Job::new(
            sdk.join("tests/examples.rs"),
            &operations_spec,
            Item::Examples,
        ),
        Job::new(cli.join("src/lib.rs"), &spec_dir(service), Item::CliLib),
        Job::new(
            cli.join("src/operation/mod.rs"),
            &operations_spec,
            Item::CliOperationModule,
        ),
        Job::new(cli.join("src/main.rs"), &spec_dir(service), Item::CliMain),
    ];
    if !service.shared_structs.is_empty() {
        let schemas_spec = format!("{}schemas.yaml", spec_dir(service));
        jobs.push(Job::new(
            sdk.join("src/types.rs"),
            &schemas_spec,
            Item::Types,
        ));
    }
    if !service.waiters.is_empty() {
        jobs.push(Job::new(
            sdk.join("src/waiters.rs"),
            &service_spec,
            Item::Waiters,
        ));
    }
    for operation in &service.operations {
        let file = format!("{}.rs", crate::naming::unraw(&operation.names.module));
        let spec = spec_path(&operation.spec_path);
        jobs.push(Job::new(
            sdk.join("src/operation").join(&file),
            &spec,
            Item::Operation(operation),
        ));
        jobs.push(Job::new(
            cli.join("src/operation").join(&file),
            &spec,
            Item::CliOperation(operation),
        ));
    }
    let mut files = render_in_parallel(service, &jobs, reusable)?;
    let cli_spec = spec_dir(service);
    let changelog_spec = format!("{}changelog.yaml", spec_dir(service));
    let manifests = [
        (
            sdk.join("Cargo.toml"),
            render::header("#", &service_spec),
            sdk_crate::cargo_toml(service),
        ),
        (
            sdk.join("README.md"),
            render::header_html(&service_spec),
            sdk_crate::readme(service),
        ),
        (
            cli.join("Cargo.toml"),
            render::header("#", &cli_spec),
            cli_crate::cargo_toml(service),
        ),
        (
            cli.join("README.md"),
            render::header_html(&cli_spec),
            cli_crate::readme(service),
        ),
        (
            sdk.join("CHANGELOG.md"),
            render::header_html(&changelog_spec),
            crate::changes::markdown(&service.crate_name, &spec_dir(service), &service.releases),
        ),
        (
            cli.join("CHANGELOG.md"),
            render::header_html(&changelog_spec),
            crate::changes::markdown(
                &service.cli_crate_name,
                &spec_dir(service),
                &service.releases,
            ),
        ),
    ];
    for (path, header, body) in manifests {
        let text = format!("{header}{body}");
        let from = fingerprint::fingerprint(text.as_bytes());
        files.insert(path, Rendered { text, from });
    }
    Ok(files)
}

/// One Rust file to emit: what it holds, where it goes, and the spec it comes from.
struct Job<'a> {
    path: PathBuf,
    spec: String,
    item: Item<'a>,
}

impl<'a> Job<'a> {
    fn new(path: PathBuf, spec: &str, item: Item<'a>) -> Self {
        Job {
            path,
            spec: spec.to_string(),
            item,
        }
    }

    fn render(
        &self,
        service: &Service,
        shared_structs: u64,
        reusable: &Reusable,
    ) -> Result<Rendered, EmitError> {
        // An operation's module, in the SDK or the command, is a function of its IR and the
        // shared structs alone: when those are as last time, its text is reused without even
        // emitting its tokens.
        if let Item::Operation(operation) | Item::CliOperation(operation) = self.item {
            let from = fingerprint::fingerprint_debug(&(&self.spec, operation, shared_structs));
            let text = match reusable.text(&self.path, from) {
                Some(text) => text.to_owned(),
                None => {
                    let shared = &service.shared_structs;
                    let tokens = match self.item {
                        Item::CliOperation(_) => cli_crate::operation_rs(operation, shared),
                        _ => operation::emit_operation(operation, shared),
                    };
                    render::rust_file(&self.spec, tokens).map_err(|error| self.error(error))?
                }
            };
            return Ok(Rendered { text, from });
        }
        let tokens = match self.item {
            Item::Lib => sdk_crate::lib_rs(service),
            Item::Client => sdk_crate::client_rs(service),
            Item::OperationModule => sdk_crate::operation_mod_rs(service),
            Item::Testing => sdk_crate::testing_rs(service),
            Item::Types => sdk_crate::types_rs(service),
            Item::Waiters => waiters::emit_waiters(&service.waiters),
            Item::Examples => examples::emit_examples(service),
            Item::CliLib => cli_crate::lib_rs(service),
            Item::CliOperationModule => cli_crate::operation_mod_rs(service),
            Item::CliMain => cli_crate::main_rs(service),
            Item::Operation(_) | Item::CliOperation(_) => unreachable!("rendered above"),
        };
        let reuse = |from| reusable.text(&self.path, from).map(str::to_owned);
        render::rust_file_or_reuse(&self.spec, tokens, reuse).map_err(|error| self.error(error))
    }

    fn error(&self, error: syn::Error) -> EmitError {
        EmitError {
            path: self.path.clone(),
            error,
        }
    }
}

#[derive(Clone, Copy)]
enum Item<'a> {
    Lib,
    Client,
    OperationModule,
    Testing,
    Types,
    Waiters,
    Examples,
    CliLib,
    CliOperationModule,
    CliMain,
    Operation(&'a crate::ir::Operation),
    CliOperation(&'a crate::ir::Operation),
}

/// Renders every job on every core (token streams are not `Send`, so each job is emitted
/// where it is rendered); the first error in job order wins.
fn render_in_parallel(
    service: &Service,
    jobs: &[Job<'_>],
    reusable: &Reusable,
) -> Result<BTreeMap<PathBuf, Rendered>, EmitError> {
    let shared_structs = fingerprint::fingerprint_debug(&service.shared_structs);
    let texts = crate::parallel::map(jobs, |job| job.render(service, shared_structs, reusable));
    jobs.iter()
        .zip(texts)
        .map(|(job, text)| Ok((job.path.clone(), text?)))
        .collect()
}

/// `spec/<service>/`.
fn spec_dir(service: &Service) -> String {
    format!(
        "{}/",
        spec_path(service.spec_path.parent().unwrap_or(Path::new("")))
    )
}

/// Spec paths in headers use `/` whatever the platform, so output is the same everywhere.
fn spec_path(path: &Path) -> String {
    path.components()
        .map(|component| component.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// `::acs_runtime::Location::<variant>`: the runtime's value of `location`.
fn location_path(location: Location) -> TokenStream {
    let variant = match location {
        Location::Path => quote!(Path),
        Location::Host => quote!(Host),
        Location::Query => quote!(Query),
        Location::Header => quote!(Header),
        Location::Form => quote!(Form),
        Location::BodyField => quote!(BodyField),
        Location::Body => quote!(Body),
    };
    quote!(::acs_runtime::Location::#variant)
}

/// `::acs_runtime::params::Style::<variant>`: the runtime's value of `style`.
fn style_path(style: Style) -> TokenStream {
    let variant = match style {
        Style::Simple => quote!(Simple),
        Style::Json => quote!(Json),
        Style::RepeatList => quote!(RepeatList),
        Style::Flat => quote!(Flat),
        Style::Prefixed => quote!(Prefixed),
    };
    quote!(::acs_runtime::params::Style::#variant)
}
