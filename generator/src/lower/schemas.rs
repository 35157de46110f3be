//! The shared schemas of `schemas.yaml`, which any shape of the service may name with `ref`.
//! They are lowered once, before the operations, so that a `ref` resolves to a known type
//! name; after the operations, each is marked with the sides of calls it is used on (through
//! operations and through other shared schemas), as the types module generates for a struct
//! only the code its sides need.

use std::collections::{BTreeMap, BTreeSet};

use super::shapes::{Position, Shapes, Side};
use crate::diagnostics::Diagnostics;
use crate::ir::{self, Sides, Type};
use crate::load::SchemasFile;

/// The object types of `schemas.yaml`, which shapes reference with `ref`.
pub(super) struct SharedTypes {
    /// Shared schema name → type name.
    pub names: BTreeMap<String, String>,
    structs: Vec<ir::Struct>,
    enums: Vec<ir::Enum>,
}

impl SharedTypes {
    /// Lowers `schemas.yaml`, if any.
    pub fn lower(file: Option<&SchemasFile>, diagnostics: &mut Diagnostics) -> Self {
        let Some(file) = file else {
            return SharedTypes {
                names: BTreeMap::new(),
                structs: Vec::new(),
                enums: Vec::new(),
            };
        };
        let mut names = BTreeMap::new();
        for schema in &file.schemas {
            if let (Some(name), Some(type_name)) = (&schema.name, &schema.type_name) {
                names.insert(name.value.clone(), type_name.value.clone());
            }
        }
        let mut shapes = Shapes::new(&file.path, diagnostics, &names, []);
        let mut seen = BTreeSet::new();
        for schema in &file.schemas {
            let location = shapes.member_location(schema);
            if let Some(name) = &schema.name
                && !seen.insert(name.value.clone())
            {
                shapes.report(
                    location.clone(),
                    format!("schema `{}` is listed twice", name.value),
                    None,
                );
            }
            if schema.ty.as_ref().map(|ty| ty.value.as_str()) != Some("object") {
                shapes.report(
                    location,
                    "a shared schema is an `object` with `type_name` and `fields`",
                    Some("write other types where they are used".into()),
                );
                continue;
            }
            shapes.lower_member(schema, Position::Schema);
        }
        let (structs, enums) = (shapes.structs, shapes.enums);
        SharedTypes {
            names,
            structs,
            enums,
        }
    }

    /// The shared structs, which responses may name.
    pub fn structs(&self) -> &[ir::Struct] {
        &self.structs
    }

    /// Marks each shared struct with the sides of calls it is used on, through operations'
    /// requests and responses and through other shared structs.
    pub fn mark_sides(&mut self, operations: &[ir::Operation]) {
        let mut pending: Vec<(String, Side)> = Vec::new();
        for operation in operations {
            let request_types = operation
                .request
                .iter()
                .map(|member| (&member.ty, Side::Request));
            let response_types = match &operation.response {
                ir::Response::Fields(fields) => fields.iter().map(|member| &member.ty).collect(),
                ir::Response::Json(ty) => vec![ty],
                _ => Vec::new(),
            };
            let local = operation.structs.iter().flat_map(|item| {
                let side = if item.side.request {
                    Side::Request
                } else {
                    Side::Response
                };
                item.fields.iter().map(move |field| (&field.ty, side))
            });
            for (ty, side) in request_types
                .chain(response_types.into_iter().map(|ty| (ty, Side::Response)))
                .chain(local)
            {
                types_module_structs(ty, false, &mut |name| pending.push((name.to_owned(), side)));
            }
        }
        for item in &mut self.structs {
            item.side = Sides::default();
        }
        while let Some((name, side)) = pending.pop() {
            let Some(item) = self.structs.iter_mut().find(|item| item.name == name) else {
                continue;
            };
            let flag = match side {
                Side::Request => &mut item.side.request,
                Side::Response => &mut item.side.response,
            };
            if *flag {
                continue;
            }
            *flag = true;
            for field in &item.fields {
                types_module_structs(&field.ty, true, &mut |name| {
                    pending.push((name.to_owned(), side))
                });
            }
        }
        // A shared struct no operation uses is still decodable, as the response side needs
        // the least.
        for item in &mut self.structs {
            if item.side == Sides::default() {
                item.side.response = true;
            }
        }
    }

    /// The shared structs and enums, each sorted by type name.
    pub fn into_types(self) -> (Vec<ir::Struct>, Vec<ir::Enum>) {
        let (mut structs, mut enums) = (self.structs, self.enums);
        structs.sort_by(|a, b| a.name.cmp(&b.name));
        enums.sort_by(|a, b| a.name.cmp(&b.name));
        (structs, enums)
    }
}

/// Calls `found` with the name of every struct of the types module that `ty` holds; a
/// `Struct` is one of them when `ty` is itself in the types module (`in_types_module`).
fn types_module_structs(ty: &Type, in_types_module: bool, found: &mut impl FnMut(&str)) {
    match ty {
        Type::Shared(name) => found(name),
        Type::Struct(name) if in_types_module => found(name),
        Type::Array(item) | Type::Map(item) => types_module_structs(item, in_types_module, found),
        _ => {}
    }
}
