//! What an import changes in a product's spec, as semantic versioning sees the generated
//! crates: a removed or retyped operation, parameter or field, or a parameter that became
//! required, breaks callers (major); a new operation, optional parameter, response field or
//! waiter, or a request that travels differently, adds (minor); documentation, examples,
//! endpoints and which values are secrets (redacted from `Debug` and `--dry-run`) change
//! nothing a caller compiles against (patch). [`release`] turns the changes
//! into the next entry of the spec's `changelog.yaml`, with the crate version they call for.

use std::collections::BTreeMap;
use std::fmt;

use crate::spec::{
    ChangelogSpec, OperationSpec, ReleaseSpec, SchemasSpec, ServiceSpec, Shape, WaiterSpec,
};

/// How far a change reaches, in semantic versioning's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Patch,
    Minor,
    Major,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Patch => "patch",
            Level::Minor => "minor",
            Level::Major => "major",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    pub level: Level,
    pub text: String,
}

/// The parts of a product's spec that the generated crates' interface comes from.
#[derive(Debug, Clone, Copy)]
pub struct SpecView<'a> {
    pub service: &'a ServiceSpec,
    pub schemas: &'a SchemasSpec,
    pub operations: &'a BTreeMap<String, OperationSpec>,
}

/// Every change from `old` to `new`, most far-reaching first. Documentation-only changes are
/// counted rather than listed.
pub fn changes(old: SpecView<'_>, new: SpecView<'_>) -> Vec<Change> {
    let mut found = Found::default();
    service(old.service, new.service, &mut found);
    for (action, old_operation) in old.operations {
        match new.operations.get(action) {
            Some(new_operation) => operation(action, old_operation, new_operation, &mut found),
            None => found.push(Level::Major, format!("Removed the operation `{action}`.")),
        }
    }
    for action in new.operations.keys() {
        if !old.operations.contains_key(action) {
            found.push(Level::Minor, format!("Added the operation `{action}`."));
        }
    }
    let old_schemas = by_name(old.schemas);
    let new_schemas = by_name(new.schemas);
    for (name, old_schema) in &old_schemas {
        match new_schemas.get(name) {
            Some(new_schema) => {
                let at = format!("shared type `{name}`");
                fields(
                    &at,
                    &old_schema.fields,
                    &new_schema.fields,
                    Side::Response,
                    &mut found,
                );
                if docs_differ(old_schema, new_schema) {
                    found.documented.insert(at);
                }
            }
            None => found.push(Level::Major, format!("Removed the shared type `{name}`.")),
        }
    }
    for name in new_schemas.keys() {
        if !old_schemas.contains_key(name) {
            found.push(Level::Minor, format!("Added the shared type `{name}`."));
        }
    }
    found.into_changes()
}

/// The highest level among `changes`, if there is any change.
pub fn level(changes: &[Change]) -> Option<Level> {
    changes.iter().map(|change| change.level).max()
}

/// The version after `version` (`major.minor.patch`) for a change of `level`. Below 1.0, as
/// Cargo reads versions, the minor number is the breaking one and the patch number the rest.
pub fn bump(version: &str, level: Level) -> Result<String, String> {
    let numbers: Vec<u64> = version
        .split('.')
        .map(str::parse)
        .collect::<Result<_, _>>()
        .map_err(|_| format!("`{version}` is not a version (major.minor.patch)"))?;
    let [major, minor, patch] = numbers[..] else {
        return Err(format!("`{version}` is not a version (major.minor.patch)"));
    };
    let next = match (major, level) {
        (0, Level::Major) => (0, minor + 1, 0),
        (0, _) => (0, minor, patch + 1),
        (_, Level::Major) => (major + 1, 0, 0),
        (_, Level::Minor) => (major, minor + 1, 0),
        (_, Level::Patch) => (major, minor, patch + 1),
    };
    Ok(format!("{}.{}.{}", next.0, next.1, next.2))
}

/// The version of a spec's first release.
pub const FIRST_VERSION: &str = "0.1.0";

/// The changelog after an import from `source` (`Ecs 2014-05-26`): `previous` with a new
/// release on top when the spec changed, or the first release when there was no spec (`old`
/// is `None`). `previous` is empty for a spec imported before it kept a changelog: its crates
/// were at [`FIRST_VERSION`], which becomes their first release.
pub fn release(
    previous: &ChangelogSpec,
    old: Option<SpecView<'_>>,
    new: SpecView<'_>,
    source: &str,
) -> Result<ChangelogSpec, String> {
    let first = ReleaseSpec {
        version: crate::import::spanned(FIRST_VERSION.to_owned()),
        summary: format!(
            "First release: {} operation(s) of {source}.",
            new.operations.len()
        ),
        major: Vec::new(),
        minor: Vec::new(),
        patch: Vec::new(),
    };
    let Some(old) = old else {
        return Ok(vec![first]);
    };
    let mut changelog = previous.clone();
    if changelog.is_empty() {
        changelog.push(ReleaseSpec {
            summary: format!(
                "First release: {} operation(s) of {source}.",
                old.operations.len()
            ),
            ..first
        });
    }
    let changes = changes(old, new);
    let Some(level) = level(&changes) else {
        return Ok(changelog);
    };
    let version = bump(&changelog[0].version.value, level)?;
    let of_level = |wanted: Level| -> Vec<String> {
        changes
            .iter()
            .filter(|change| change.level == wanted)
            .map(|change| change.text.clone())
            .collect()
    };
    let release = ReleaseSpec {
        version: crate::import::spanned(version),
        summary: format!("Imported from the metadata of {source}: a {level} release."),
        major: of_level(Level::Major),
        minor: of_level(Level::Minor),
        patch: of_level(Level::Patch),
    };
    changelog.insert(0, release);
    Ok(changelog)
}

/// Where a shape is, for the rules that differ: a request field that becomes required breaks
/// callers, a response field that does so does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Request,
    Response,
}

#[derive(Default)]
struct Found {
    changes: Vec<Change>,
    /// Things whose documentation alone changed (operations, shared types).
    documented: std::collections::BTreeSet<String>,
}

impl Found {
    fn push(&mut self, level: Level, text: String) {
        self.changes.push(Change { level, text });
    }

    fn into_changes(mut self) -> Vec<Change> {
        if !self.documented.is_empty() {
            let count = self.documented.len();
            let listed: Vec<String> = self.documented.into_iter().take(3).collect();
            let more = if count > listed.len() { ", …" } else { "" };
            self.changes.push(Change {
                level: Level::Patch,
                text: format!(
                    "Documentation of {count} item(s) updated ({}{more}).",
                    listed.join(", ")
                ),
            });
        }
        // Most far-reaching first, each level in the order found.
        self.changes
            .sort_by_key(|change| std::cmp::Reverse(change.level));
        self.changes
    }
}

fn service(old: &ServiceSpec, new: &ServiceSpec, found: &mut Found) {
    if old.api_version.value != new.api_version.value || old.style.value != new.style.value {
        found.push(
            Level::Major,
            format!(
                "The API is now {} {} ({}), not {} ({}).",
                new.product.value,
                new.api_version.value,
                new.style.value,
                old.api_version.value,
                old.style.value
            ),
        );
    }
    let endpoints = |spec: &ServiceSpec| -> Vec<String> {
        let regions = spec.endpoints.regions.iter();
        std::iter::once(spec.endpoints.rule.value.clone())
            .chain(regions.map(|region| format!("{} {}", region.region, region.endpoint)))
            .collect()
    };
    if endpoints(old) != endpoints(new) {
        found.push(Level::Patch, "Endpoints updated.".to_owned());
    }
    let waiters = |spec: &ServiceSpec| -> BTreeMap<String, String> {
        spec.waiters
            .iter()
            .map(|waiter| (waiter.name.value.clone(), waiter_rule(waiter)))
            .collect()
    };
    let (old_waiters, new_waiters) = (waiters(old), waiters(new));
    for (name, rule) in &old_waiters {
        match new_waiters.get(name) {
            None => found.push(Level::Major, format!("Removed the waiter `{name}`.")),
            Some(new_rule) if new_rule != rule => found.push(
                Level::Minor,
                format!("The waiter `{name}` waits differently."),
            ),
            Some(_) => {}
        }
    }
    for name in new_waiters.keys() {
        if !old_waiters.contains_key(name) {
            found.push(Level::Minor, format!("Added the waiter `{name}`."));
        }
    }
}

fn waiter_rule(waiter: &WaiterSpec) -> String {
    let input: Vec<&str> = waiter
        .input
        .iter()
        .map(|name| name.value.as_str())
        .collect();
    format!(
        "{} {input:?} {} {:?} {:?} {:?} {} {}",
        waiter.operation.value,
        waiter.path.value,
        waiter.success,
        waiter.failure,
        waiter.needs_action,
        waiter.delay_seconds,
        waiter.timeout_seconds
    )
}

fn operation(action: &str, old: &OperationSpec, new: &OperationSpec, found: &mut Found) {
    let at = format!("`{action}`");
    fields(&at, &old.request, &new.request, Side::Request, found);
    fields(&at, &old.response, &new.response, Side::Response, found);
    match (&old.response_body, &new.response_body) {
        (Some(old_body), Some(new_body)) => shape(
            &at,
            "the response body",
            old_body,
            new_body,
            Side::Response,
            found,
        ),
        (None, None) => {}
        _ => found.push(
            Level::Major,
            format!("{at}: the response body changed type."),
        ),
    }
    // A whole body takes its first header fields by a change of shape: a streamed body's
    // `send()` returns them beside it, and any other is decoded as their document's `body`.
    let has_headers = |spec: &OperationSpec| {
        spec.response.iter().any(|field| {
            field
                .location
                .as_ref()
                .is_some_and(|at| at.value == "header")
        })
    };
    if new.response_body.is_some() && has_headers(old) != has_headers(new) {
        let change = if has_headers(new) {
            "its response's header fields now go beside its whole body, which the response \
             holds otherwise"
        } else {
            "its response no longer has header fields beside its whole body"
        };
        found.push(Level::Major, format!("{at}: {change}."));
    }
    let path = |spec: &OperationSpec| spec.path.as_ref().map(|path| path.value.clone());
    if old.methods != new.methods || path(old) != path(new) {
        found.push(
            Level::Minor,
            format!("{at}: sent with another method or path."),
        );
    }
    match (&old.pagination, &new.pagination) {
        (None, Some(_)) => found.push(Level::Minor, format!("{at}: added a paginator.")),
        (Some(_), None) => found.push(Level::Major, format!("{at}: removed its paginator.")),
        (Some(old_pages), Some(new_pages)) => {
            let items = |pages: &crate::spec::PaginationSpec| {
                let text = |key: &Option<serde_saphyr::Spanned<String>>| {
                    key.as_ref().map(|key| key.value.clone())
                };
                (
                    text(&pages.input_token),
                    text(&pages.output_token),
                    text(&pages.page_number),
                    text(&pages.page_size),
                    text(&pages.total_count),
                    pages.items.value.clone(),
                )
            };
            if items(old_pages) != items(new_pages) {
                found.push(Level::Major, format!("{at}: its paginator changed."));
            }
        }
        (None, None) => {}
    }
    if !old.deprecated && new.deprecated {
        found.push(Level::Minor, format!("{at}: deprecated."));
    }
    url_encoding(&at, old, new, found);
    if old.read_only != new.read_only {
        found.push(
            Level::Minor,
            format!(
                "{at}: retried as a {} operation.",
                write_or_read(new.read_only)
            ),
        );
    }
    if old.summary != new.summary
        || old.description != new.description
        || old.response_example != new.response_example
    {
        found.documented.insert(at);
    }
}

/// The query defaults and URL-decoded response fields: a field decoded now, or no longer,
/// holds other text than before for a caller who asked for the encoding (major); a default
/// alone changes only what is asked (patch).
fn url_encoding(at: &str, old: &OperationSpec, new: &OperationSpec, found: &mut Found) {
    let paths = |spec: &OperationSpec| -> Vec<String> {
        let mut paths: Vec<String> = spec
            .url_encoded_response
            .iter()
            .map(|path| path.value.clone())
            .collect();
        paths.sort_unstable();
        paths
    };
    let (before, after) = (paths(old), paths(new));
    let quoted = |paths: Vec<&String>| {
        paths
            .into_iter()
            .map(|path| format!("`{path}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let decoded: Vec<&String> = after.iter().filter(|path| !before.contains(path)).collect();
    if !decoded.is_empty() {
        found.push(
            Level::Major,
            format!(
                "{at}: {} URL-decoded when the answer's `EncodingType` is `url`.",
                quoted(decoded)
            ),
        );
    }
    let kept: Vec<&String> = before.iter().filter(|path| !after.contains(path)).collect();
    if !kept.is_empty() {
        found.push(
            Level::Major,
            format!("{at}: {} no longer URL-decoded.", quoted(kept)),
        );
    }
    let defaults = |spec: &OperationSpec| -> Vec<(String, String)> {
        spec.query_defaults
            .iter()
            .map(|(name, value)| (name.clone(), value.value.clone()))
            .collect()
    };
    if defaults(old) != defaults(new) {
        let sent: Vec<String> = defaults(new)
            .into_iter()
            .map(|(name, value)| format!("`{name}={value}`"))
            .collect();
        let text = if sent.is_empty() {
            format!("{at}: sent without query defaults.")
        } else {
            format!(
                "{at}: sent with {} unless the caller sets it.",
                sent.join(", ")
            )
        };
        found.push(Level::Patch, text);
    }
}

fn write_or_read(read_only: bool) -> &'static str {
    if read_only { "read-only" } else { "writing" }
}

/// Compares fields (or parameters) by wire name.
fn fields(at: &str, old: &[Shape], new: &[Shape], side: Side, found: &mut Found) {
    let old_fields = by_name(old);
    let new_fields = by_name(new);
    let what = match side {
        Side::Request => "parameter",
        Side::Response => "field",
    };
    for (name, old_field) in &old_fields {
        match new_fields.get(name) {
            Some(new_field) => {
                let label = format!("the {what} `{name}`");
                shape(at, &label, old_field, new_field, side, found);
            }
            None => found.push(Level::Major, format!("{at}: removed the {what} `{name}`.")),
        }
    }
    for (name, field) in &new_fields {
        if old_fields.contains_key(name) {
            continue;
        }
        let (level, kind) = match (side, field.required) {
            (Side::Request, true) => (Level::Major, "required "),
            (Side::Request, false) => (Level::Minor, "optional "),
            (Side::Response, _) => (Level::Minor, ""),
        };
        found.push(level, format!("{at}: added the {kind}{what} `{name}`."));
    }
}

/// Compares one parameter or field (`label`) of `at`, and what it holds.
fn shape(at: &str, label: &str, old: &Shape, new: &Shape, side: Side, found: &mut Found) {
    if type_of(old) != type_of(new) {
        found.push(
            Level::Major,
            format!(
                "{at}: {label} is now {}, not {}.",
                type_of(new),
                type_of(old)
            ),
        );
        return;
    }
    if side == Side::Request && old.required != new.required {
        let (level, now) = if new.required {
            (Level::Major, "required")
        } else {
            (Level::Minor, "optional")
        };
        found.push(level, format!("{at}: {label} is now {now}."));
    }
    let travel = |shape: &Shape| {
        (
            shape.location.as_ref().map(|value| value.value.clone()),
            shape.style.as_ref().map(|value| value.value.clone()),
            shape.content_type.as_ref().map(|value| value.value.clone()),
            shape.entries.clone(),
        )
    };
    if travel(old) != travel(new) {
        found.push(Level::Minor, format!("{at}: {label} travels differently."));
    }
    if old.type_name.is_some() && !old.enum_values.is_empty() {
        let removed: Vec<&String> = old
            .enum_values
            .iter()
            .filter(|value| !new.enum_values.contains(value))
            .collect();
        let added = new
            .enum_values
            .iter()
            .filter(|value| !old.enum_values.contains(value))
            .count();
        if !removed.is_empty() {
            found.push(
                Level::Major,
                format!("{at}: {label} lost the value(s) {removed:?}."),
            );
        }
        if added > 0 {
            found.push(
                Level::Minor,
                format!("{at}: {label} takes {added} more value(s)."),
            );
        }
    }
    if !old.deprecated && new.deprecated {
        found.push(Level::Minor, format!("{at}: {label} is deprecated."));
    }
    if old.sensitive != new.sensitive {
        let now = if new.sensitive {
            "is now a secret, redacted from `Debug`"
        } else {
            "is no longer redacted from `Debug`"
        };
        found.push(Level::Patch, format!("{at}: {label} {now}."));
    }
    if docs_differ(old, new) {
        found.documented.insert(at.to_owned());
    }
    let nested = format!("{at}: {label}");
    fields(&nested, &old.fields, &new.fields, side, found);
    if let (Some(old_items), Some(new_items)) = (&old.items, &new.items) {
        let items = format!("{label}'s items");
        shape(at, &items, old_items, new_items, side, found);
    }
    if let (Some(old_values), Some(new_values)) = (&old.values, &new.values) {
        shape(
            at,
            &format!("{label}'s values"),
            old_values,
            new_values,
            side,
            found,
        );
    }
}

/// The Rust type a shape becomes, as far as its own level goes: nested fields are compared
/// one by one.
fn type_of(shape: &Shape) -> String {
    let value = |field: &Option<serde_saphyr::Spanned<String>>| {
        field
            .as_ref()
            .map(|value| value.value.clone())
            .unwrap_or_default()
    };
    let mut text = match &shape.reference {
        Some(reference) => format!("the shared type `{}`", reference.value),
        None => format!("`{}`", value(&shape.ty)),
    };
    if shape.format.is_some() {
        text.push_str(&format!(" ({})", value(&shape.format)));
    }
    if shape.type_name.is_some() {
        text.push_str(&format!(" named `{}`", value(&shape.type_name)));
    }
    text
}

fn docs_differ(old: &Shape, new: &Shape) -> bool {
    old.description != new.description
        || old.example != new.example
        || old.default != new.default
        || old.minimum != new.minimum
        || old.maximum != new.maximum
        || old.max_items != new.max_items
        || (old.type_name.is_none() && old.enum_values != new.enum_values)
}

fn by_name(shapes: &[Shape]) -> BTreeMap<String, &Shape> {
    shapes
        .iter()
        .filter_map(|shape| Some((shape.name.as_ref()?.value.clone(), shape)))
        .collect()
}

/// `CHANGELOG.md` of a generated crate (`crate_name`) from its spec's changelog.
pub fn markdown(crate_name: &str, spec_dir: &str, changelog: &[ReleaseSpec]) -> String {
    let mut out = format!(
        "# Changelog of {crate_name}\n\n\
         Written by `cargo xtask import` from what each import changed in `{spec_dir}`. \
         Versions follow semantic versioning as Cargo reads it: a major change breaks \
         callers, a minor one adds, a patch changes nothing they compile against.\n"
    );
    for release in changelog {
        out.push_str(&format!(
            "\n## {}\n\n{}\n",
            release.version.value, release.summary
        ));
        for (heading, lines) in [
            ("Breaking changes (major)", &release.major),
            ("Additions (minor)", &release.minor),
            ("Other changes (patch)", &release.patch),
        ] {
            if lines.is_empty() {
                continue;
            }
            out.push_str(&format!("\n### {heading}\n\n"));
            for line in lines {
                out.push_str(&format!("- {line}\n"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse<T: serde::de::DeserializeOwned>(text: &str) -> T {
        crate::yaml::parse(std::path::Path::new("test.yaml"), text).unwrap()
    }

    fn service() -> ServiceSpec {
        parse(
            "product: Fleet\napi_version: '2023-06-01'\nstyle: rpc\nprotocol: https\n\
             signature: ACS3-HMAC-SHA256\nendpoints: {rule: 'fleet.{region}.aliyuncs.com'}\n",
        )
    }

    fn operations(specs: &[(&str, &str)]) -> BTreeMap<String, OperationSpec> {
        specs
            .iter()
            .map(|(name, text)| (name.to_string(), parse(text)))
            .collect()
    }

    const LIST: &str = "request:\n- {name: RegionId, in: query, type: string, required: true}\n\
                        - {name: PageSize, in: query, type: int32}\n\
                        response:\n- {name: RequestId, type: string}\n";

    fn changes_between(
        old: &BTreeMap<String, OperationSpec>,
        new: &BTreeMap<String, OperationSpec>,
    ) -> Vec<Change> {
        let service = service();
        let schemas = Vec::new();
        changes(
            SpecView {
                service: &service,
                schemas: &schemas,
                operations: old,
            },
            SpecView {
                service: &service,
                schemas: &schemas,
                operations: new,
            },
        )
    }

    #[test]
    fn header_fields_beside_a_whole_body_change_its_shape() {
        let bare = "response_body: {type: binary}\n";
        let with_header =
            "response:\n- {name: ETag, in: header, type: string}\nresponse_body: {type: binary}\n";
        let gained = changes_between(
            &operations(&[("GetObject", bare)]),
            &operations(&[("GetObject", with_header)]),
        );
        assert_eq!(level(&gained), Some(Level::Major), "{gained:?}");
        assert!(
            gained
                .iter()
                .any(|change| change.text.contains("now go beside its whole body")),
            "{gained:?}"
        );
        let lost = changes_between(
            &operations(&[("GetObject", with_header)]),
            &operations(&[("GetObject", bare)]),
        );
        assert_eq!(level(&lost), Some(Level::Major), "{lost:?}");
    }

    #[test]
    fn new_operations_and_optional_parameters_are_minor() {
        let old = operations(&[("ListFleets", LIST)]);
        let new = operations(&[
            (
                "ListFleets",
                &format!("{LIST}- {{name: Total, type: int64}}\n"),
            ),
            ("GetFleet", "request: []\n"),
        ]);
        let changes = changes_between(&old, &new);
        assert_eq!(level(&changes), Some(Level::Minor));
        let texts: Vec<&str> = changes.iter().map(|change| change.text.as_str()).collect();
        assert!(
            texts.contains(&"Added the operation `GetFleet`."),
            "{texts:?}"
        );
        assert!(
            texts.contains(&"`ListFleets`: added the field `Total`."),
            "{texts:?}"
        );
        let with_filter = LIST.replace(
            "response:",
            "- {name: Filter, in: query, type: string}\nresponse:",
        );
        let changes = changes_between(&old, &operations(&[("ListFleets", &with_filter)]));
        assert_eq!(
            changes,
            [Change {
                level: Level::Minor,
                text: "`ListFleets`: added the optional parameter `Filter`.".into()
            }]
        );
    }

    #[test]
    fn removed_or_retyped_operations_and_parameters_are_major() {
        let old = operations(&[("ListFleets", LIST), ("GetFleet", "request: []\n")]);
        let retyped = LIST.replace(
            "PageSize, in: query, type: int32",
            "PageSize, in: query, type: string",
        );
        let changes = changes_between(&old, &operations(&[("ListFleets", &retyped)]));
        assert_eq!(level(&changes), Some(Level::Major));
        let texts: Vec<&str> = changes.iter().map(|change| change.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Removed the operation `GetFleet`.",
                "`ListFleets`: the parameter `PageSize` is now `string`, not `int32`."
            ]
        );
        let required = LIST.replace("type: int32", "type: int32, required: true");
        let changes = changes_between(
            &operations(&[("ListFleets", LIST)]),
            &operations(&[("ListFleets", &required)]),
        );
        assert_eq!(level(&changes), Some(Level::Major));
    }

    #[test]
    fn documentation_alone_is_a_patch_and_nothing_is_no_release() {
        let old = operations(&[("ListFleets", LIST)]);
        let documented = LIST.replace("type: int32}", "type: int32, description: Items a page.}");
        let changes = changes_between(&old, &operations(&[("ListFleets", &documented)]));
        assert_eq!(
            changes,
            [Change {
                level: Level::Patch,
                text: "Documentation of 1 item(s) updated (`ListFleets`).".into()
            }]
        );
        assert!(changes_between(&old, &old).is_empty());
    }

    #[test]
    fn a_value_that_becomes_or_stops_being_a_secret_is_a_patch() {
        let plain = "request:\n- {name: Config, in: query, type: object, fields: [\
                     {name: Password, type: string}]}\n";
        let secret = plain.replace("type: string}", "type: string, sensitive: true}");
        let (plain, secret) = (
            operations(&[("CreateFleet", plain)]),
            operations(&[("CreateFleet", &secret)]),
        );
        assert_eq!(
            changes_between(&plain, &secret),
            [Change {
                level: Level::Patch,
                text: "`CreateFleet`: the parameter `Config`: the parameter `Password` is now a \
                       secret, redacted from `Debug`."
                    .into()
            }]
        );
        assert_eq!(
            changes_between(&secret, &plain),
            [Change {
                level: Level::Patch,
                text: "`CreateFleet`: the parameter `Config`: the parameter `Password` is no \
                       longer redacted from `Debug`."
                    .into()
            }]
        );
    }

    #[test]
    fn versions_bump_as_cargo_reads_them() {
        assert_eq!(bump("0.1.0", Level::Major).unwrap(), "0.2.0");
        assert_eq!(bump("0.1.0", Level::Minor).unwrap(), "0.1.1");
        assert_eq!(bump("0.1.1", Level::Patch).unwrap(), "0.1.2");
        assert_eq!(bump("1.2.3", Level::Major).unwrap(), "2.0.0");
        assert_eq!(bump("1.2.3", Level::Minor).unwrap(), "1.3.0");
        assert_eq!(bump("1.2.3", Level::Patch).unwrap(), "1.2.4");
        assert!(bump("1.2", Level::Patch).is_err());
    }

    #[test]
    fn a_release_goes_on_top_of_the_changelog_and_renders_as_markdown() {
        let service = service();
        let schemas = Vec::new();
        let old = operations(&[("ListFleets", LIST)]);
        let new = operations(&[("ListFleets", LIST), ("GetFleet", "request: []\n")]);
        let view = |operations| SpecView {
            service: &service,
            schemas: &schemas,
            operations,
        };
        let first = release(&Vec::new(), None, view(&old), "Fleet 2023-06-01").unwrap();
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].version.value, "0.1.0");
        let unchanged = release(&first, Some(view(&old)), view(&old), "Fleet 2023-06-01").unwrap();
        assert_eq!(unchanged.len(), 1);
        let next = release(&first, Some(view(&old)), view(&new), "Fleet 2023-06-01").unwrap();
        assert_eq!(next[0].version.value, "0.1.1");
        assert_eq!(next[0].minor, ["Added the operation `GetFleet`."]);
        let text = markdown("alibabacloud-fleet", "spec/fleet/", &next);
        assert!(
            text.contains("\n## 0.1.1\n\nImported from the metadata of Fleet 2023-06-01: a minor release.\n\n### Additions (minor)\n\n- Added the operation `GetFleet`.\n\n## 0.1.0\n\nFirst release: 1 operation(s) of Fleet 2023-06-01.\n"),
            "{text}"
        );
    }
}
