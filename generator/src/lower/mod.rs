//! Validation and lowering in one walk: every spec value is checked where it is turned into
//! IR, so lowering never sees an unchecked value and every problem is reported in one run.
//!
//! - `mod.rs`: the service (its keys, endpoints and names);
//! - `descriptions`: the API reference's descriptions made fit for rustdoc;
//! - `shapes`: the walk that turns each parameter and field into a member;
//! - `placement`: where a parameter or response field travels, and its encoding style;
//! - `types`: what a shape's `type` or `ref` becomes, and the enums and structs it declares;
//! - `schemas`: the shared schemas of `schemas.yaml`, which shapes name with `ref`;
//! - `operation`: one operation (path template, methods, body, response);
//! - `pagination` and `waiter`: the paths they name into requests and responses;
//! - `recursion`: which struct fields need a `Box`.

mod descriptions;
mod operation;
mod pagination;
mod placement;
mod recursion;
mod schemas;
mod shapes;
mod types;
mod waiter;

use std::collections::BTreeMap;

use crate::diagnostics::{Diagnostic, Diagnostics, SourceLocation};
use crate::ir;
use crate::load::ServiceFiles;
use crate::naming::{self, OperationNames};
use crate::yaml::{self, Spanned};

/// Request styles generated; `oss` has a protocol and signature of its own.
const STYLES: &[&str] = &["rpc", "roa", "v3", "fc", "aligenie", "pds", "oss"];

/// Checks one service's spec and lowers it to IR, or returns every problem found.
pub fn lower(files: &ServiceFiles) -> Result<ir::Service, Vec<Diagnostic>> {
    let mut diagnostics = Diagnostics::default();
    let service = lower_service(files, &mut diagnostics);
    if diagnostics.is_empty() {
        Ok(service)
    } else {
        Err(diagnostics.into_sorted())
    }
}

fn lower_service(files: &ServiceFiles, diagnostics: &mut Diagnostics) -> ir::Service {
    let spec = &files.service;
    let file = files.service_path.as_path();
    let mut check = |value: &Spanned<String>, expected: &[&str], what: &str| {
        if !expected.contains(&value.value.as_str()) {
            diagnostics.push(
                Diagnostic::new(
                    yaml::location_of(file, value),
                    format!("unsupported {what} `{}`", value.value),
                )
                .with_hint(format!("supported: {}", expected.join(", "))),
            );
        }
    };
    check(&spec.style, STYLES, "style");
    let signatures: Vec<&str> = ir::Signature::ALL.iter().map(|(name, _)| *name).collect();
    check(&spec.signature, &signatures, "signature");
    let auth = ir::Signature::ALL
        .iter()
        .find(|(name, _)| *name == spec.signature.value)
        .map_or(ir::Signature::Acs3HmacSha256, |(_, signature)| *signature);
    check(&spec.protocol, &["https", "http"], "protocol");
    if spec.endpoints.rule.value.trim().is_empty() {
        diagnostics.push(
            Diagnostic::new(
                yaml::location_of(file, &spec.endpoints.rule),
                "the endpoint rule is empty",
            )
            .with_hint("write the host, with `{region}` where the region goes, e.g. `oos.{region}.aliyuncs.com`"),
        );
    }
    if let Some(commands) = &spec.cli_commands {
        let valid = !commands.value.is_empty()
            && commands.value.bytes().all(|byte| {
                byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-' || byte == b'_'
            });
        if !valid {
            diagnostics.push(
                Diagnostic::new(
                    yaml::location_of(file, commands),
                    format!("`{}` is not a crate name", commands.value),
                )
                .with_hint("name the crate of the hand-written subcommands, e.g. `alibabacloud-oss-commands`"),
            );
        }
    }
    let mut regions = BTreeMap::new();
    for region in &spec.endpoints.regions {
        if regions.insert(region.region.as_str(), ()).is_some() {
            diagnostics.push(Diagnostic::new(
                SourceLocation::file_start(file),
                format!(
                    "region `{}` is listed twice under endpoints.regions",
                    region.region
                ),
            ));
        }
    }

    let actions: Vec<String> = files
        .operations
        .iter()
        .map(crate::load::OperationFile::action)
        .collect();
    let (operation_names, waiter_names) = naming::client_names(
        actions.iter().map(String::as_str),
        spec.waiters.iter().map(|waiter| waiter.name.value.as_str()),
    );
    let names_of: BTreeMap<&str, &OperationNames> = actions
        .iter()
        .map(String::as_str)
        .zip(&operation_names)
        .collect();

    let mut shared = schemas::SharedTypes::lower(files.schemas.as_ref(), diagnostics);
    let mut operations: Vec<ir::Operation> = files
        .operations
        .iter()
        .zip(&actions)
        .map(|(operation, action)| {
            operation::lower(operation, names_of[action.as_str()], &shared, diagnostics)
        })
        .collect();
    operations.sort_by(|a, b| a.name.cmp(&b.name));
    for operation in &mut operations {
        operation.presignable = auth == ir::Signature::Oss4HmacSha256;
    }
    shared.mark_sides(&operations);
    let (mut shared_structs, shared_enums) = shared.into_types();
    recursion::box_cycles(&mut shared_structs);
    // The official OSS SDK V2's models declare their fields in the metadata's order, and its
    // XML bodies follow them; a tea-openapi model (hcs-mgw's, whose XML the OSS gateway
    // writes) declares them in their names' byte order, as every other official model does
    // (`AddressDetail.to_map` of alibabacloud-hcs-mgw20240626: `AccessId`, `AccessSecret`,
    // `AddressType`, …, where the metadata lists `AddressType` first).
    if auth == ir::Signature::Oss4HmacSha256
        && operations.iter().any(|operation| operation.xml_request)
    {
        let local = operations
            .iter_mut()
            .flat_map(|operation| operation.structs.iter_mut());
        for item in shared_structs.iter_mut().chain(local) {
            item.in_spec_order = true;
        }
    }
    let waiters = spec
        .waiters
        .iter()
        .zip(waiter_names)
        .filter(|(waiter, _)| !files.unparsed_operations.contains(&waiter.operation.value))
        .filter_map(|(waiter, names)| {
            waiter::lower(
                file,
                waiter,
                names,
                &operations,
                &shared_structs,
                diagnostics,
            )
        })
        .collect();

    let crates = naming::crate_names(&files.dir_name);
    let releases = releases(files, diagnostics);
    ir::Service {
        dir_name: files.dir_name.clone(),
        cli_dir_name: crates.cli_dir,
        spec_path: files.service_path.clone(),
        crate_ident: crates.sdk_ident,
        cli_crate_name: crates.cli,
        cli_crate_ident: crates.cli_ident,
        cli_binary: crates.binary,
        cli_commands: spec
            .cli_commands
            .as_ref()
            .map(|commands| commands.value.clone()),
        crate_name: crates.sdk,
        product: spec.product.value.clone(),
        api_version: spec.api_version.value.clone(),
        version: releases[0].version.value.clone(),
        releases,
        protocol: spec.protocol.value.clone(),
        auth,
        endpoint_rule: spec.endpoints.rule.value.clone(),
        regions: spec
            .endpoints
            .regions
            .iter()
            .map(|region| (region.region.clone(), region.endpoint.clone()))
            .collect(),
        operations,
        shared_structs,
        shared_enums,
        waiters,
    }
}

/// The spec's releases, newest first: its `changelog.yaml`, whose releases must have
/// versions that go down from the newest, or without one the first release.
fn releases(files: &ServiceFiles, diagnostics: &mut Diagnostics) -> Vec<crate::spec::ReleaseSpec> {
    let Some(file) = files
        .changelog
        .as_ref()
        .filter(|file| !file.releases.is_empty())
    else {
        return vec![crate::spec::ReleaseSpec {
            version: crate::import::spanned(crate::changes::FIRST_VERSION.to_owned()),
            summary: "First release.".to_owned(),
            major: Vec::new(),
            minor: Vec::new(),
            patch: Vec::new(),
        }];
    };
    let mut newer: Option<Vec<u64>> = None;
    for release in &file.releases {
        let numbers: Option<Vec<u64>> = release
            .version
            .value
            .split('.')
            .map(|number| number.parse().ok())
            .collect();
        let problem = match &numbers {
            Some(numbers) if numbers.len() == 3 => newer
                .as_ref()
                .filter(|newer| *newer <= numbers)
                .map(|_| "is not older than the release above it"),
            _ => Some("is not a version (major.minor.patch)"),
        };
        if let Some(problem) = problem {
            diagnostics.push(
                Diagnostic::new(
                    yaml::location_of(&file.path, &release.version),
                    format!("release `{}` {problem}", release.version.value),
                )
                .with_hint("releases go newest first, each `major.minor.patch`"),
            );
        }
        newer = numbers;
    }
    file.releases.clone()
}

/// `did you mean …?` for the candidate closest to `got`, else the list of candidates.
fn suggestion(got: &str, candidates: &[&str]) -> String {
    let closest = candidates
        .iter()
        .map(|candidate| {
            (
                strsim::levenshtein(&got.to_lowercase(), &candidate.to_lowercase()),
                candidate,
            )
        })
        .min();
    match closest {
        Some((distance, candidate)) if distance <= 3 => format!("did you mean `{candidate}`?"),
        _ if candidates.is_empty() => "nothing to choose from".to_string(),
        _ if candidates.len() > 12 => {
            format!("expected one of: {}, …", candidates[..12].join(", "))
        }
        _ => format!("expected one of: {}", candidates.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_name() {
        assert_eq!(suggestion("strng", types::TYPES), "did you mean `string`?");
        assert_eq!(
            suggestion("repeatlist", placement::STYLES),
            "did you mean `repeatList`?"
        );
        assert!(suggestion("zzzzzzzzzz", types::TYPES).starts_with("expected one of"));
    }
}
