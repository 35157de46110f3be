//! Parameters, fields and their types: each shape is checked for the keys its position
//! allows, its type resolved (to a scalar, a collection, a struct it declares or a shared
//! one), and its Rust names given by [`crate::naming`].

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::{suggestion, tidy};
use crate::diagnostics::{Diagnostic, Diagnostics, SourceLocation};
use crate::ir::{self, Docs, Sides, Type};
use crate::naming;
use crate::spec::Shape;
use crate::yaml::{self, Spanned};

pub(super) const TYPES: &[&str] = &[
    "string", "boolean", "int32", "int64", "float", "double", "binary", "object", "array", "map",
    "any",
];

/// Which side of a call a shape is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Side {
    Request,
    Response,
}

impl Side {
    fn sides(self) -> Sides {
        Sides {
            request: self == Side::Request,
            response: self == Side::Response,
        }
    }
}

/// Where a shape stands, which decides the keys it may carry.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Position {
    Parameter,
    /// A field of an operation's response: of the body, or `in: header`.
    ResponseField,
    Field(Side),
    Element(Side),
    /// A whole response body (`response_body`).
    ResponseBody,
    /// A shared schema of `schemas.yaml`.
    Schema,
}

impl Position {
    fn side(self) -> Side {
        match self {
            Position::Parameter => Side::Request,
            Position::Field(side) | Position::Element(side) => side,
            // A shared schema's sides are marked from its uses; its nested structs start
            // from the response side, which needs the least of them.
            Position::ResponseField | Position::ResponseBody | Position::Schema => Side::Response,
        }
    }

    fn is_named(self) -> bool {
        matches!(
            self,
            Position::Parameter | Position::ResponseField | Position::Field(_) | Position::Schema
        )
    }
}

/// Lowers the shapes of one file, recording diagnostics against it and collecting the
/// structs its objects declare.
pub(super) struct Shapes<'a> {
    pub file: &'a Path,
    pub diagnostics: &'a mut Diagnostics,
    /// Shared schema name → type name.
    shared: &'a BTreeMap<String, String>,
    /// Type names declared in this module, with where each was declared.
    type_names: BTreeMap<String, SourceLocation>,
    pub structs: Vec<ir::Struct>,
    pub enums: Vec<ir::Enum>,
    /// Members already reported as broken: references to them are not reported again.
    pub broken: BTreeSet<String>,
}

impl<'a> Shapes<'a> {
    pub fn new(
        file: &'a Path,
        diagnostics: &'a mut Diagnostics,
        shared: &'a BTreeMap<String, String>,
        reserved: impl IntoIterator<Item = String>,
    ) -> Self {
        let start = SourceLocation::file_start(file);
        Shapes {
            file,
            diagnostics,
            shared,
            type_names: reserved
                .into_iter()
                .map(|name| (name, start.clone()))
                .collect(),
            structs: Vec::new(),
            enums: Vec::new(),
            broken: BTreeSet::new(),
        }
    }

    pub fn report(
        &mut self,
        location: SourceLocation,
        message: impl Into<String>,
        hint: Option<String>,
    ) {
        let diagnostic = Diagnostic::new(location, message);
        self.diagnostics.push(match hint {
            Some(hint) => diagnostic.with_hint(hint),
            None => diagnostic,
        });
    }

    pub fn at<T>(&self, value: &Spanned<T>) -> SourceLocation {
        yaml::location_of(self.file, value)
    }

    pub fn member_location(&self, shape: &Shape) -> SourceLocation {
        shape
            .name
            .as_ref()
            .map(|name| self.at(name))
            .or_else(|| shape.ty.as_ref().map(|ty| self.at(ty)))
            .or_else(|| shape.reference.as_ref().map(|reference| self.at(reference)))
            .unwrap_or_else(|| SourceLocation::file_start(self.file))
    }

    /// Lowers the members of one object (or the request, or the response), checking that
    /// their wire names are unique, and names them.
    pub fn lower_members(&mut self, shapes: &[Shape], position: Position) -> Vec<ir::Member> {
        let mut seen: BTreeMap<String, SourceLocation> = BTreeMap::new();
        let mut members = Vec::new();
        for shape in shapes {
            let Some(member) = self.lower_member(shape, position) else {
                if let Some(name) = &shape.name {
                    self.broken.insert(name.value.clone());
                }
                continue;
            };
            let location = self.member_location(shape);
            let key = member.wire_name.clone();
            if let Some(first) = seen.get(&key) {
                let hint = format!("first declared at line {}; remove one", first.line);
                self.report(
                    location,
                    format!("duplicate name `{}`", member.wire_name),
                    Some(hint),
                );
                continue;
            }
            seen.insert(key, location);
            members.push(member);
        }
        name_members(&mut members);
        members
    }

    /// One member, unnamed in Rust until [`name_members`] sees its siblings.
    pub fn lower_member(&mut self, shape: &Shape, position: Position) -> Option<ir::Member> {
        let location = self.member_location(shape);
        let wire_name = match (&shape.name, position.is_named()) {
            (Some(name), true) => {
                if name.value.trim().is_empty() {
                    self.report(self.at(name), "a name cannot be empty", None);
                }
                name.value.clone()
            }
            (None, true) => {
                self.report(location.clone(), "missing key `name`", None);
                String::new()
            }
            (Some(name), false) => {
                self.report(
                    self.at(name),
                    "an array element, map value or response body takes no `name`",
                    Some("remove `name` here".into()),
                );
                String::new()
            }
            (None, false) => String::new(),
        };
        let (location_kind, style) = self.lower_encoding(shape, position, &location);
        let ty = self.lower_type(shape, position, &wire_name, &location)?;
        let timestamp = self.lower_format(shape, &ty);
        let entries = self.lower_entries(shape, &ty);
        if position == Position::Parameter {
            self.check_fits(shape, location_kind, style, &ty, &location);
        } else if ty == Type::Binary && position != Position::ResponseBody {
            self.report(
                location.clone(),
                "`binary` is the type of a whole body only",
                Some("use `string` for a field".into()),
            );
        }
        let bare_body = self.lower_content_type(shape, location_kind, &ty);
        if let (Some(minimum), Some(maximum)) = (shape.minimum, shape.maximum)
            && minimum > maximum
        {
            self.report(
                location,
                format!("minimum {minimum} exceeds maximum {maximum}"),
                None,
            );
        }
        Some(ir::Member {
            names: naming::field_names([(wire_name.as_str(), timestamp)]).remove(0),
            wire_name,
            ty,
            required: shape.required,
            location: location_kind,
            style,
            sensitive: shape.sensitive,
            boxed: false,
            bare_body,
            entries,
            timestamp,
            docs: Docs {
                description: shape.description.as_deref().map(tidy),
                example: shape.example.clone(),
                enum_values: shape.enum_values.clone(),
                default: shape.default.clone(),
                minimum: shape.minimum,
                maximum: shape.maximum,
                max_items: shape.max_items,
                deprecated: shape.deprecated,
            },
        })
    }

    fn lower_type(
        &mut self,
        shape: &Shape,
        position: Position,
        wire_name: &str,
        location: &SourceLocation,
    ) -> Option<Type> {
        if let Some(reference) = &shape.reference {
            if let Some(ty) = &shape.ty {
                self.report(
                    self.at(ty),
                    "a shape has a `type` or a `ref`, not both",
                    Some("remove one".into()),
                );
            }
            return self.lower_reference(reference);
        }
        let Some(ty) = &shape.ty else {
            self.report(
                location.clone(),
                "missing key `type`",
                Some(format!(
                    "one of: {}, or `ref` to a shared schema",
                    TYPES.join(", ")
                )),
            );
            return None;
        };
        let type_location = self.at(ty);
        let kind = ty.value.as_str();
        if !TYPES.contains(&kind) {
            self.report(
                type_location,
                format!("unknown type `{kind}`"),
                Some(suggestion(kind, TYPES)),
            );
            return None;
        }
        for (key, present, applies_to) in [
            ("fields", !shape.fields.is_empty(), "object"),
            ("items", shape.items.is_some(), "array"),
            ("values", shape.values.is_some(), "map"),
            ("type_name", shape.type_name.is_some(), "object"),
        ] {
            // A string's `type_name` names the enum of its values.
            let enum_name = key == "type_name" && kind == "string";
            if present && kind != applies_to && !enum_name {
                self.report(
                    type_location.clone(),
                    format!("`{key}` applies to `{applies_to}`, not `{kind}`"),
                    Some(format!(
                        "remove `{key}` or change the type to `{applies_to}`"
                    )),
                );
            }
        }
        let element = Position::Element(position.side());
        Some(match kind {
            "string" => match &shape.type_name {
                Some(type_name) => self.lower_enum(shape, type_name)?,
                None => Type::String,
            },
            "boolean" => Type::Boolean,
            "int32" => Type::Int32,
            "int64" => Type::Int64,
            "float" => Type::Float,
            "double" => Type::Double,
            "binary" => Type::Binary,
            "any" => Type::Any,
            "array" => {
                let Some(items) = &shape.items else {
                    self.report(
                        type_location,
                        "an array needs `items`",
                        Some("use `items: {type: any}` for free-form elements".into()),
                    );
                    return None;
                };
                Type::Array(Box::new(self.lower_member(items, element)?.ty))
            }
            "map" => {
                let Some(values) = &shape.values else {
                    self.report(type_location, "a map needs `values`", None);
                    return None;
                };
                Type::Map(Box::new(self.lower_member(values, element)?.ty))
            }
            _ => self.lower_struct(shape, position, wire_name, type_location)?,
        })
    }

    /// A string with `enum` values and a `type_name`: an enum of those values.
    fn lower_enum(&mut self, shape: &Shape, type_name: &Spanned<String>) -> Option<Type> {
        let name_location = self.at(type_name);
        if !self.declare_type_name(type_name) {
            return None;
        }
        let mut values: Vec<&str> = Vec::new();
        for value in &shape.enum_values {
            if !values.contains(&value.as_str()) {
                values.push(value);
            }
        }
        if values.is_empty() {
            self.report(
                name_location,
                "a `type_name` on a `string` names the enum of its `enum` values, and it has none",
                Some("list the values under `enum`, or remove `type_name`".into()),
            );
            return None;
        }
        let variants = naming::enum_variants(values.iter().copied())
            .into_iter()
            .zip(&values)
            .map(|(name, value)| ir::Variant {
                value: (*value).to_owned(),
                name,
            })
            .collect();
        self.enums.push(ir::Enum {
            name: type_name.value.clone(),
            description: shape.description.as_deref().map(tidy),
            variants,
        });
        Some(Type::Enum(type_name.value.clone()))
    }

    /// Whether the shape is a timestamp (`format: date-time`, on strings only).
    fn lower_format(&mut self, shape: &Shape, ty: &Type) -> bool {
        let Some(format) = &shape.format else {
            return false;
        };
        if format.value != "date-time" {
            self.report(
                self.at(format),
                format!("unknown format `{}`", format.value),
                Some("the one format is `date-time`".into()),
            );
            return false;
        }
        if *ty != Type::String {
            self.report(
                self.at(format),
                "`format: date-time` applies to a `string` without `enum` names",
                Some("remove `format`".into()),
            );
            return false;
        }
        true
    }

    /// The entry names of a map sent as a list of key-value objects.
    fn lower_entries(&mut self, shape: &Shape, ty: &Type) -> Option<ir::Entries> {
        let entries = shape.entries.as_ref()?;
        let location = self.member_location(shape);
        if !matches!(ty, Type::Map(_)) {
            self.report(
                location,
                "`entries` applies to `map`",
                Some("remove `entries`, or make the shape a `map`".into()),
            );
            return None;
        }
        if entries.key.is_empty() || entries.value.is_empty() || entries.key == entries.value {
            self.report(
                location,
                "`entries` names a key field and a value field, both non-empty and different",
                Some("e.g. `entries: {key: Key, value: Value}`".into()),
            );
            return None;
        }
        Some(ir::Entries {
            key: entries.key.clone(),
            value: entries.value.clone(),
        })
    }

    /// Reserves a type name of this module, reporting one that is not PascalCase, shadows a
    /// prelude name or is taken. Returns whether the name is usable.
    fn declare_type_name(&mut self, type_name: &Spanned<String>) -> bool {
        let name_location = self.at(type_name);
        let mut usable = true;
        if !naming::is_type_name(&type_name.value) {
            self.report(
                name_location.clone(),
                format!("type name `{}` is not PascalCase", type_name.value),
                Some(format!("e.g. `{}`", naming::type_name(&type_name.value))),
            );
            usable = false;
        }
        if naming::PRELUDE_NAMES.contains(&type_name.value.as_str()) {
            self.report(
                name_location.clone(),
                format!(
                    "type name `{}` would hide the standard `{}` the generated code uses",
                    type_name.value, type_name.value
                ),
                Some(format!(
                    "pick another `type_name`, e.g. `{}Value`",
                    type_name.value
                )),
            );
            usable = false;
        }
        if let Some(first) = self.type_names.get(&type_name.value) {
            let hint = format!(
                "already used at line {} of this file; pick another `type_name`",
                first.line
            );
            self.report(
                name_location.clone(),
                format!("type name `{}` is taken", type_name.value),
                Some(hint),
            );
            usable = false;
        }
        self.type_names
            .insert(type_name.value.clone(), name_location);
        usable
    }

    fn lower_reference(&mut self, reference: &Spanned<String>) -> Option<Type> {
        match self.shared.get(&reference.value) {
            Some(type_name) => Some(Type::Shared(type_name.clone())),
            None => {
                let names: Vec<&str> = self.shared.keys().map(String::as_str).collect();
                let hint = suggestion(&reference.value, &names);
                self.report(
                    self.at(reference),
                    format!("`ref` names no shared schema `{}`", reference.value),
                    Some(hint),
                );
                None
            }
        }
    }

    fn lower_struct(
        &mut self,
        shape: &Shape,
        position: Position,
        wire_name: &str,
        type_location: SourceLocation,
    ) -> Option<Type> {
        let Some(type_name) = &shape.type_name else {
            let guess = if wire_name.is_empty() {
                "Item".to_string()
            } else {
                naming::type_name(wire_name)
            };
            self.report(
                type_location,
                "an object needs a `type_name`",
                Some(format!("add e.g. `type_name: {guess}`")),
            );
            return None;
        };
        let name_location = self.at(type_name);
        self.declare_type_name(type_name);
        if shape.fields.is_empty() {
            self.report(
                name_location,
                "an object needs `fields`",
                Some("use `type: any` for free-form JSON".into()),
            );
        }
        let fields = self.lower_members(&shape.fields, Position::Field(position.side()));
        self.structs.push(ir::Struct {
            name: type_name.value.clone(),
            side: position.side().sides(),
            description: shape.description.as_deref().map(tidy),
            fields,
            in_spec_order: false,
        });
        Some(Type::Struct(type_name.value.clone()))
    }
}

/// Gives the members of one struct (or request, or response) their Rust names, together so
/// that collisions resolve as [`crate::naming`] describes.
pub(super) fn name_members(members: &mut [ir::Member]) {
    let names = naming::field_names(
        members
            .iter()
            .map(|member| (member.wire_name.as_str(), member.timestamp)),
    );
    for (member, names) in members.iter_mut().zip(names) {
        member.names = names;
    }
}
