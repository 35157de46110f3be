//! The walk over one file's shapes: [`Shapes`] turns each parameter, response field, field
//! of an object, array element, map value, body or shared schema into an [`ir::Member`],
//! checked for the keys its [`Position`] allows, with a wire name unique among its siblings
//! and Rust names from [`crate::naming`]. Where a member travels is `placement`'s concern and
//! what its type becomes is `types`'; `Shapes` holds what they share: the file and its
//! diagnostics, the type names taken in the module, and the structs and enums declared.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::descriptions::tidy;
use crate::diagnostics::{Diagnostic, Diagnostics, SourceLocation};
use crate::ir::{self, Docs, Sides, Type};
use crate::naming;
use crate::spec::Shape;
use crate::yaml::{self, Spanned};

/// Which side of a call a shape is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Side {
    Request,
    Response,
}

impl Side {
    pub(super) fn sides(self) -> Sides {
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
    pub(super) fn side(self) -> Side {
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
    pub shared: &'a BTreeMap<String, String>,
    /// Type names declared in this module, with where each was declared.
    pub type_names: BTreeMap<String, SourceLocation>,
    pub structs: Vec<ir::Struct>,
    pub enums: Vec<ir::Enum>,
    /// Members already reported as broken: references to them are not reported again.
    pub broken: BTreeSet<String>,
    /// Whether the structs declared now are inside a map's values or the items of an array
    /// of arrays, and so keep their fields in the spec's order (`types.rs`).
    pub in_declared_order: bool,
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
            in_declared_order: false,
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
            official_model_lacks: shape.official_model_lacks,
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
