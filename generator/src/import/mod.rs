//! The importer: Alibaba Cloud OpenMeta metadata (`api-docs.json`) → spec files, as a pure
//! function of the metadata, the official SDK's facts of the product-version and an optional
//! overlay. The same input gives the same bytes.
//!
//! # Mapping
//!
//! `service.yaml` takes the product, `info.version` as `api_version`, `info.style` lower-cased,
//! protocol `https`, signature `ACS3-HMAC-SHA256`, the endpoints (see `endpoints`: every listed
//! host, and the rule most of them follow) and the overlay's waiters.
//!
//! `operations/<Action>.yaml` takes, per API: the name, summary, description, `deprecated`,
//! the methods upper-cased in the metadata's order but for `POST`, which goes first when it is
//! listed (calls are sent with the first: `POST` when the metadata lists it, else the method it
//! lists, as the official SDKs send them; the `formData` parameters of a call sent with `GET`
//! go in the query, where the official SDKs send every parameter of such a call), the `path` of RESTful APIs (`[Name]` read as `{Name}`, a `*` segment
//! as the one path parameter not otherwise named, and a placeholder without a parameter given
//! one), the RAM action `<product>:<Action>` with `systemTags.operationType` as access level,
//! `read_only` for access levels `get` and `list`, every parameter once (name, `in`, `style`,
//! `required`, type, description, example, enum, default, minimum, maximum, `maxItems`,
//! `deprecated`), the first success (`2xx`) response's fields at any depth (or its whole
//! `response_body` when it is not an object with properties), the `json` sample of
//! `responseDemo` verbatim when it is JSON, and pagination (see `pagination`). Summaries and
//! descriptions are made plain text (markdown escapes and HTML markup outside code removed, see
//! `text`) and lose trailing whitespace; one without any letter or digit (`****`) is a
//! placeholder and is dropped, as is an empty example. `enum` comes from `enum`, else from the
//! keys of `enumValueTitles`.
//!
//! Types: `string` (`binary` for a whole body of format `binary` or `byte`), `boolean`;
//! `integer` is `int32` with format `int32`, else `int64`; `number` is `float` with format
//! `float`, else `double`; `array` has `items` (free-form when absent); an `object` with
//! properties is `object` with `fields` and a `type_name` (see `naming`), one with an
//! `additionalProperties` schema is `map` with `values`, any other is `any` (free-form JSON),
//! as is a schema without a type or of a type the spec has no word for. A `$ref` to an object
//! of `components.schemas` is a `ref` to it, written to `schemas.yaml`; a `$ref` to anything
//! else is that schema inline, and one that names no schema is `any`. Styles: the metadata's
//! where it fits the value; a structured query or form value without one is flattened as the
//! official SDKs flatten it (`repeatList` for arrays, `flat` otherwise) and a structured
//! header is `json`. Documentation values of an unexpected shape are dropped, never an error.
//!
//! # Facts of the official SDK
//!
//! Where the official SDK of a product-version sends a parameter elsewhere or a call with
//! another method than the metadata and the rules above give, and only the SDK knows it (KMS
//! CreateSecret's `SecretData` goes in the form body, where the metadata says query), the fact
//! is data in `generator/official-sdk-facts/<product>-<version>.yaml` (see [`facts`]), applied
//! after the metadata and before the overlay on every import of that product-version.
//!
//! # Overlay
//!
//! Hand refinements live in `spec/<product>/overlay.yaml` and are applied on every import:
//!
//! ```yaml
//! cli_commands: alibabacloud-oss-commands  # copied into service.yaml
//! waiters:                       # copied into service.yaml (keys as in service.yaml)
//!   - name: ExecutionFinished
//!     operation: ListExecutions
//!     input: [ExecutionId]
//!     path: "Executions[0].Status"
//!     success: [Success]
//!     failure: [Failed, Cancelled]
//!     delay_seconds: 5
//!     timeout_seconds: 1800
//! operations:
//!   ListTagResources:            # the action
//!     request:                   # patches keyed by path of a request parameter
//!       ResourceIds:
//!         type: array
//!         items: {type: string}
//!     response:                  # patches keyed by path of a response field
//!       "TagResources.TagResource[].TagValue":
//!         description: The tag value.
//!     pagination: null           # null: none; a mapping: replaces the detected one
//! schemas:
//!   Session:                     # a shared schema, by name
//!     SessionToken: {sensitive: false}  # patches keyed by path of one of its fields
//! ```
//!
//! A path names parameters and fields by wire name, joined by `.`; `[]` steps into an
//! array's items and `{}` into a map's values (`Executions[].Status`, `Labels{}.Name`).
//! A patch takes any key of a shape but `name`; the keys it gives replace the imported ones
//! (see `overlay.rs` for how `type`, `items`, `values` and `fields` combine).
//! Patches apply in path order, so `ResourceIds` is patched before `ResourceIds[]`, after
//! the [`sensitive`] rule marked secrets (a patch's `sensitive` overrides it), and before
//! pagination is detected and type names are chosen. An operation, path, parameter
//! or field that the metadata lacks is an error, so an overlay cannot silently rot.

mod convert;
mod emit;
mod endpoints;
mod error;
pub mod facts;
mod naming;
mod openmeta;
mod overlay;
mod pagination;
mod path;
pub mod sensitive;
mod signature;
mod text;

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_saphyr::{Location, Spanned};

pub use emit::HEADER;
pub use error::{ImportError, OverlayProblem};
pub use facts::OfficialSdkFacts;
pub use pagination::LeftOut;

use crate::changes::SpecView;
use crate::spec::{ChangelogSpec, OperationSpec, SchemasSpec, ServiceSpec};
use overlay::Overlay;

/// The specs of one product, before they are written as files.
#[derive(Debug, Clone)]
pub struct ImportedSpecs {
    pub service: ServiceSpec,
    /// The shared schemas (`schemas.yaml`), sorted by name.
    pub schemas: SchemasSpec,
    /// Keyed by action; empty for a product-version that lists no operation.
    pub operations: BTreeMap<String, OperationSpec>,
    /// What the importer's rule marked sensitive, and what it passed over that is named like
    /// a secret (see [`sensitive`]), before the overlay overrode any of it.
    pub judged_secrets: Vec<sensitive::Judged>,
    /// The operations that take paging parameters but got no paginator, and why (not those
    /// whose pagination the overlay turned off).
    pub paging_left_out: BTreeMap<String, LeftOut>,
    /// The operations the official SDK's facts decline, and why, by action: left out of
    /// `operations`.
    pub declined: BTreeMap<String, String>,
    /// The releases of `changelog.yaml`, newest first; not written when empty. The importer
    /// leaves it empty: what an import changed depends on the spec it replaces
    /// ([`crate::changes::release`]).
    pub changelog: ChangelogSpec,
}

/// The product code (`oos`) and API version of the metadata.
pub fn product_and_version(openmeta_json: &str) -> Result<(String, String), ImportError> {
    let header: openmeta::Header =
        serde_json::from_str(openmeta_json).map_err(ImportError::Metadata)?;
    Ok((header.info.product, header.info.version))
}

/// What the catalog records of the metadata: its product code, version, style and number of
/// operations.
pub fn catalog_entry(openmeta_json: &str) -> Result<crate::catalog::Entry, ImportError> {
    let outline: openmeta::Outline =
        serde_json::from_str(openmeta_json).map_err(ImportError::Metadata)?;
    Ok(crate::catalog::Entry {
        code: outline.info.product,
        version: outline.info.version,
        style: outline.info.style,
        operations: outline.apis.len(),
    })
}

/// The spec directory of a product-version: the product code in lower case (`spec/kms`),
/// or, for a version imported beside another version of the product, the product code and
/// the version with every run of characters other than letters and digits made one `-`
/// (`spec/cas-2018-07-13`, `spec/aligenie-iap-1-0`). The same name is the SDK crate's
/// (`alibabacloud-<name>`) and the command-line tool's.
pub fn directory_name(product: &str, version: &str, beside_another: bool) -> String {
    let product = product.to_lowercase();
    if !beside_another {
        return product;
    }
    let mut name = product;
    let mut separated = false;
    for c in version.chars() {
        if c.is_ascii_alphanumeric() {
            if !separated {
                name.push('-');
                separated = true;
            }
            name.push(c.to_ascii_lowercase());
        } else {
            separated = false;
        }
    }
    name
}

/// The specs of the metadata with the official SDK's facts (see [`facts`]) and then the
/// overlay applied, or why the product is declined.
pub fn import_specs(
    openmeta_json: &str,
    facts: Option<&OfficialSdkFacts>,
    overlay_yaml: Option<&str>,
) -> Result<ImportedSpecs, ImportError> {
    let document: openmeta::Document =
        serde_json::from_str(openmeta_json).map_err(ImportError::Metadata)?;
    let overlay = overlay_yaml
        .map(Overlay::parse)
        .transpose()?
        .unwrap_or_default();
    let converter = convert::Converter::new(&document);
    let mut operations: BTreeMap<String, OperationSpec> = document
        .apis
        .iter()
        .map(|(action, api)| (action.clone(), converter.operation(action, api)))
        .collect();
    let declined = match facts {
        Some(facts) => facts.apply(&mut operations).map_err(ImportError::Facts)?,
        None => BTreeMap::new(),
    };
    overlay.add_operations(&mut operations)?;
    overlay.check_operations_exist(&operations)?;
    let (names, _) = crate::naming::client_names(
        operations.keys().map(String::as_str),
        overlay
            .waiters
            .iter()
            .map(|waiter| waiter.name.value.as_str()),
    );
    let mut judged_secrets = Vec::new();
    for (action, operation) in operations.iter_mut() {
        let refinements = overlay.operations.get(action);
        if let Some(refinements) = refinements {
            refinements.add_parameters(action, operation)?;
        }
        sensitive::mark_operation(action, operation, &mut judged_secrets);
        if let Some(refinements) = refinements {
            refinements.patch_shapes(action, operation)?;
        }
    }
    // Pagination is detected through the shared schemas that responses reference.
    let mut schemas = converter.shared_schemas(&operations);
    if let Some(facts) = facts {
        facts
            .apply_to_schemas(&mut schemas)
            .map_err(ImportError::Facts)?;
    }
    sensitive::mark_schemas(&mut schemas, &mut judged_secrets);
    overlay.patch_schemas(&mut schemas)?;
    let mut paging_left_out = BTreeMap::new();
    for ((action, operation), names) in operations.iter_mut().zip(&names) {
        match pagination::detect(operation, &schemas) {
            Ok(pagination) => operation.pagination = pagination,
            Err(reason) => {
                paging_left_out.insert(action.clone(), reason);
            }
        }
        if let Some(refinements) = overlay.operations.get(action)
            && refinements.override_pagination(action, operation)?
        {
            paging_left_out.remove(action);
        }
        naming::assign_type_names(names, operation);
    }
    naming::assign_schema_type_names(&mut schemas);
    let mut service = ServiceSpec {
        waiters: overlay.checked_waiters(&mut operations)?,
        cli_commands: overlay.cli_commands.clone(),
        ..convert::service(&document)
    };
    if let Some(signature) = facts.and_then(OfficialSdkFacts::signature) {
        service.signature = spanned(signature.value.clone());
    }
    for operation in operations.values_mut() {
        operation.signature = signature::of_operation(&service, operation).map(spanned);
    }
    Ok(ImportedSpecs {
        service,
        schemas,
        operations,
        judged_secrets,
        paging_left_out,
        declined,
        changelog: ChangelogSpec::new(),
    })
}

impl ImportedSpecs {
    /// The specs of a service read back from its files (with the changelog it keeps).
    pub fn from_files(files: crate::load::ServiceFiles) -> ImportedSpecs {
        let operations = files
            .operations
            .into_iter()
            .map(|file| (file.action(), file.spec))
            .collect();
        ImportedSpecs {
            service: files.service,
            schemas: files.schemas.map(|file| file.schemas).unwrap_or_default(),
            operations,
            // Only an import from the metadata knows what the secrets rule judged, what
            // paging parameters went unpaginated and which operations the facts declined.
            judged_secrets: Vec::new(),
            paging_left_out: BTreeMap::new(),
            declined: BTreeMap::new(),
            changelog: files
                .changelog
                .map(|file| file.releases)
                .unwrap_or_default(),
        }
    }

    /// What [`crate::changes`] compares.
    pub fn view(&self) -> SpecView<'_> {
        SpecView {
            service: &self.service,
            schemas: &self.schemas,
            operations: &self.operations,
        }
    }

    /// The spec files (`service.yaml`, `schemas.yaml`, `operations/<Action>.yaml`, relative
    /// to the product's spec directory) and their contents.
    pub fn to_files(&self) -> Result<BTreeMap<PathBuf, String>, ImportError> {
        let service_file = PathBuf::from("service.yaml");
        let mut files = BTreeMap::new();
        files.insert(
            service_file.clone(),
            emit::yaml_file(&service_file, &self.service)?,
        );
        if !self.schemas.is_empty() {
            let schemas_file = PathBuf::from("schemas.yaml");
            let text = emit::yaml_file(&schemas_file, &self.schemas)?;
            files.insert(schemas_file, text);
        }
        if !self.changelog.is_empty() {
            let changelog_file = PathBuf::from("changelog.yaml");
            let text = emit::yaml_file(&changelog_file, &self.changelog)?;
            files.insert(changelog_file, text);
        }
        for (action, operation) in &self.operations {
            let file = PathBuf::from("operations").join(format!("{action}.yaml"));
            let text = emit::yaml_file(&file, operation)?;
            files.insert(file, text);
        }
        Ok(files)
    }
}

/// A value made here rather than read from a file, so it has no source location.
pub(crate) fn spanned<T>(value: T) -> Spanned<T> {
    Spanned::new(value, Location::UNKNOWN, Location::UNKNOWN)
}
