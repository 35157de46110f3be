//! Shared schemas can contain themselves (an outline whose sections are outlines). A struct
//! that holds itself directly, not through a `Vec` or a map, would have no size: such fields
//! are boxed. A field is boxed when the struct it holds can reach the field's own struct
//! again through fields that are held directly.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Struct, Type};

pub(super) fn box_cycles(structs: &mut [Struct]) {
    let direct: BTreeMap<String, Vec<String>> = structs
        .iter()
        .map(|item| {
            let held = item
                .fields
                .iter()
                .filter_map(|field| held_directly(&field.ty).map(str::to_owned))
                .collect();
            (item.name.clone(), held)
        })
        .collect();
    for item in structs.iter_mut() {
        for field in &mut item.fields {
            if let Some(held) = held_directly(&field.ty) {
                field.boxed = reaches(&direct, held, &item.name);
            }
        }
    }
}

/// The struct a field of this type holds without an indirection, if any.
fn held_directly(ty: &Type) -> Option<&str> {
    match ty {
        Type::Struct(name) | Type::Shared(name) => Some(name),
        _ => None,
    }
}

/// Whether `from` reaches `to` through directly held fields (`from == to` counts).
fn reaches(direct: &BTreeMap<String, Vec<String>>, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut pending = vec![from];
    while let Some(name) = pending.pop() {
        if name == to {
            return true;
        }
        if seen.insert(name) {
            pending.extend(direct.get(name).into_iter().flatten().map(String::as_str));
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Docs, Location, Member, Sides, Style};
    use crate::naming;

    fn member(name: &str, ty: Type) -> Member {
        Member {
            bare_body: false,
            wire_name: name.into(),
            names: naming::field_names([(name, false)]).remove(0),
            ty,
            required: false,
            location: Location::Query,
            style: Style::Simple,
            sensitive: false,
            boxed: false,
            entries: None,
            timestamp: false,
            official_model_lacks: false,
            docs: Docs::default(),
        }
    }

    fn item(name: &str, fields: Vec<Member>) -> Struct {
        Struct {
            name: name.into(),
            side: Sides::default(),
            description: None,
            fields,
            in_spec_order: false,
        }
    }

    #[test]
    fn only_fields_that_close_a_direct_cycle_are_boxed() {
        let mut structs = vec![
            item(
                "Outline",
                vec![
                    member("Parent", Type::Shared("Outline".into())),
                    member(
                        "Children",
                        Type::Array(Box::new(Type::Shared("Outline".into()))),
                    ),
                    member("Style", Type::Struct("Style".into())),
                ],
            ),
            item("Style", vec![member("Name", Type::String)]),
            item("A", vec![member("B", Type::Shared("B".into()))]),
            item("B", vec![member("A", Type::Shared("A".into()))]),
        ];
        box_cycles(&mut structs);
        let boxed: Vec<(&str, bool)> = structs
            .iter()
            .flat_map(|item| item.fields.iter().map(|f| (f.wire_name.as_str(), f.boxed)))
            .collect();
        assert_eq!(
            boxed,
            [
                ("Parent", true),
                ("Children", false),
                ("Style", false),
                ("Name", false),
                ("B", true),
                ("A", true),
            ]
        );
    }
}
