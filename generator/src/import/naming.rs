//! Rust type names (`type_name`) for every `object` shape of an operation and of the shared
//! schemas, and for every `string` with `enum` values, which becomes an enum of them.
//!
//! An object field is named after the field (`Parameter`, `__anchorTs__` → `AnchorTs`, by
//! [`crate::naming::type_name`]); the object inside an array or map field after the field's
//! singular (`InstancePatchStates` → `InstancePatchState`, `Policies` → `Policy`, `Statuses`
//! → `Status`; a name that is not plural, such as `Filter`, stays as is); the object inside
//! an array response body is `Item`. Names are unique within an operation and never one of
//! the names the generator gives the operation's own types ([`OperationNames`]:
//! `AssumeRoleWithOidcRequest`, `…RequestBuilder`, `…FluentBuilder`, `…Response`) or a
//! prelude name the generated code uses (`Result`, `Option`, …: a `Results` array's item
//! becomes `<Parent>Result`). Response types are named first, in document order, then
//! request types. A clash is resolved by trying, in turn:
//!
//! 1. the name itself, or for a request type whose name a response type already has, the name
//!    suffixed with `Input` (`Tag` → `TagInput`), so that response types keep the plain names
//!    users read most;
//! 2. that name prefixed with the parent object's type name (`PatchBaselineTag`); for top-level
//!    parameters and fields the parent is the operation's request or response type;
//! 3. that prefixed name followed by `2`, `3`, … .
//!
//! Shared schemas are named after their name (`maintenance_window` → `MaintenanceWindow`), and
//! the objects inside them as above, unique across the shared types; the parent of a clashing
//! schema name is `Shared`. Type names already present (set by the overlay) are kept and
//! reserved first.

use std::collections::BTreeSet;

use super::spanned;
use crate::naming::{OperationNames, PRELUDE_NAMES, type_name};
use crate::spec::{OperationSpec, SchemasSpec, Shape};

/// Fills in `type_name` of every object shape of `operation` that has none.
pub(crate) fn assign_type_names(names: &OperationNames, operation: &mut OperationSpec) {
    let mut taken = names
        .type_names()
        .iter()
        .map(|name| name.to_string())
        .chain(PRELUDE_NAMES.iter().map(|name| name.to_string()))
        .collect();
    collect_type_names(
        operation
            .request
            .iter()
            .chain(&operation.response)
            .chain(&operation.response_body),
        &mut taken,
    );
    let mut namer = Namer {
        taken,
        input_clashes: BTreeSet::new(),
    };
    namer.name_fields(&mut operation.response, &names.response);
    if let Some(body) = &mut operation.response_body {
        namer.name_shape(body, "Item", false, &names.response);
    }
    collect_type_names(
        operation.response.iter().chain(&operation.response_body),
        &mut namer.input_clashes,
    );
    namer.name_fields(&mut operation.request, &names.request);
}

/// Fills in `type_name` of every shared schema (after its name: `maintenance_window` →
/// `MaintenanceWindow`) and of the objects inside them, unique across the shared types.
pub(crate) fn assign_schema_type_names(schemas: &mut SchemasSpec) {
    let mut taken = PRELUDE_NAMES.iter().map(|name| name.to_string()).collect();
    collect_type_names(schemas.iter(), &mut taken);
    let mut namer = Namer {
        taken,
        input_clashes: BTreeSet::new(),
    };
    for schema in schemas.iter_mut() {
        if schema.type_name.is_none() {
            let base = schema
                .name
                .as_ref()
                .map(|name| type_name(&name.value))
                .unwrap_or_default();
            let fresh = namer.fresh_name(&base, "Shared");
            schema.type_name = Some(spanned(fresh));
        }
    }
    for schema in schemas.iter_mut() {
        let parent = schema
            .type_name
            .as_ref()
            .map(|name| name.value.clone())
            .unwrap_or_default();
        namer.name_fields(&mut schema.fields, &parent);
    }
}

fn collect_type_names<'a>(
    shapes: impl IntoIterator<Item = &'a Shape>,
    names: &mut BTreeSet<String>,
) {
    for shape in shapes {
        if let Some(type_name) = &shape.type_name {
            names.insert(type_name.value.clone());
        }
        let children = shape
            .fields
            .iter()
            .chain(shape.items.as_deref())
            .chain(shape.values.as_deref());
        collect_type_names(children, names);
    }
}

/// The singular of a PascalCase plural, judged by its last word's ending.
fn singular(name: &str) -> String {
    const ENDINGS: [(&str, &str); 6] = [
        ("ies", "y"),
        ("sses", "ss"),
        ("uses", "us"),
        ("xes", "x"),
        ("ches", "ch"),
        ("shes", "sh"),
    ];
    for (plural, singular) in ENDINGS {
        if let Some(stem) = name.strip_suffix(plural) {
            return format!("{stem}{singular}");
        }
    }
    // `Address`, `Status`, `Analysis` end in `s` without being plural.
    let not_plural = ["ss", "us", "is"]
        .iter()
        .any(|ending| name.ends_with(ending));
    match name.strip_suffix('s') {
        Some(stem) if !not_plural && !stem.is_empty() => stem.to_owned(),
        _ => name.to_owned(),
    }
}

struct Namer {
    taken: BTreeSet<String>,
    /// While naming request types: the response's type names, which a request type
    /// avoids by taking the `Input` suffix.
    input_clashes: BTreeSet<String>,
}

impl Namer {
    fn name_fields(&mut self, fields: &mut [Shape], parent: &str) {
        for field in fields {
            let field_name = field
                .name
                .as_ref()
                .map(|name| type_name(&name.value))
                .unwrap_or_default();
            self.name_shape(field, &field_name, false, parent);
        }
    }

    /// `base` is the field's name, or its singular once inside an array or map.
    fn name_shape(&mut self, shape: &mut Shape, base: &str, element: bool, parent: &str) {
        match shape.ty.as_ref().map(|ty| ty.value.as_str()) {
            Some("string") if !shape.enum_values.is_empty() && shape.type_name.is_none() => {
                let fresh = self.fresh_name(base, parent);
                shape.type_name = Some(spanned(fresh));
            }
            Some("object") => {
                let type_name = match &shape.type_name {
                    Some(existing) => existing.value.clone(),
                    None => {
                        let fresh = self.fresh_name(base, parent);
                        shape.type_name = Some(spanned(fresh.clone()));
                        fresh
                    }
                };
                self.name_fields(&mut shape.fields, &type_name);
            }
            Some("array" | "map") => {
                let element_base = if element {
                    base.to_owned()
                } else {
                    type_name(&singular(base))
                };
                for child in shape.items.iter_mut().chain(shape.values.iter_mut()) {
                    self.name_shape(child, &element_base, true, parent);
                }
            }
            _ => {}
        }
    }

    fn fresh_name(&mut self, base: &str, parent: &str) -> String {
        let stem = if self.input_clashes.contains(base) {
            format!("{base}Input")
        } else {
            base.to_owned()
        };
        let prefixed = format!("{parent}{stem}");
        let chosen = [stem, prefixed.clone()]
            .into_iter()
            .chain((2..).map(|counter| format!("{prefixed}{counter}")))
            .find(|candidate| !self.taken.contains(candidate))
            .expect("an unbounded sequence of distinct names has one not taken");
        self.taken.insert(chosen.clone());
        chosen
    }
}

#[cfg(test)]
mod tests {
    use super::singular;

    #[test]
    fn singular_of_plurals_and_non_plurals() {
        let cases = [
            ("InstancePatchStates", "InstancePatchState"),
            ("Policies", "Policy"),
            ("Statuses", "Status"),
            ("Entries", "Entry"),
            ("Addresses", "Address"),
            ("Boxes", "Box"),
            ("Branches", "Branch"),
            ("Hashes", "Hash"),
            ("Tags", "Tag"),
            ("Values", "Value"),
            ("Filter", "Filter"),
            ("TagResource", "TagResource"),
            ("Status", "Status"),
            ("Address", "Address"),
            ("Analysis", "Analysis"),
            ("S", "S"),
        ];
        for (plural, expected) in cases {
            assert_eq!(singular(plural), expected, "singular of {plural}");
        }
    }
}
