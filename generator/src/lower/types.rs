//! What a shape's `type` or `ref` becomes in Rust: a scalar; an array or map of another
//! shape; a string's enum, named by its `type_name`; a struct an object declares, its
//! `type_name` reserved in the module and its fields lowered in turn; or a shared schema.
//! Also the keys that refine a type: `format: date-time` on a string, `entries` on a map.

use super::descriptions::tidy;
use super::shapes::{Position, Shapes};
use super::suggestion;
use crate::diagnostics::SourceLocation;
use crate::ir::{self, Type};
use crate::naming;
use crate::spec::Shape;
use crate::yaml::Spanned;

pub(super) const TYPES: &[&str] = &[
    "string", "boolean", "int32", "int64", "float", "double", "binary", "object", "array", "map",
    "any",
];

impl Shapes<'_> {
    pub(super) fn lower_type(
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
                let of_arrays = items.ty.as_ref().is_some_and(|ty| ty.value == "array");
                let item = self
                    .in_declared_order(of_arrays, |shapes| shapes.lower_member(items, element))?;
                Type::Array(Box::new(item.ty))
            }
            "map" => {
                let Some(values) = &shape.values else {
                    self.report(type_location, "a map needs `values`", None);
                    return None;
                };
                let value =
                    self.in_declared_order(true, |shapes| shapes.lower_member(values, element))?;
                Type::Map(Box::new(value.ty))
            }
            _ => self.lower_struct(shape, position, wire_name, type_location)?,
        })
    }

    /// Lowers with `lower`, the structs it declares keeping their fields in the spec's order
    /// when `declared` (and when the walk is already inside such a place). The official SDKs'
    /// models write an object's fields in the byte order of their names, but for the models
    /// of a map's values and of the items of an array of arrays, and everything inside them,
    /// whose fields they write in the metadata's order: `FeatureViewConfigValue` of
    /// `alibabacloud-paifeaturestore20230621` writes `Partitions`, `EventTime`, `Equal`,
    /// `UseMock`, and eventbridge's `MatchRules` (an array of arrays) `Prefix`, `Suffix`,
    /// `Name`, `MatchState`, as their metadata lists them. The spec keeps the metadata's order.
    fn in_declared_order<T>(&mut self, declared: bool, lower: impl FnOnce(&mut Self) -> T) -> T {
        let outer = self.in_declared_order;
        self.in_declared_order |= declared;
        let lowered = lower(self);
        self.in_declared_order = outer;
        lowered
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
    pub(super) fn lower_format(&mut self, shape: &Shape, ty: &Type) -> bool {
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
    pub(super) fn lower_entries(&mut self, shape: &Shape, ty: &Type) -> Option<ir::Entries> {
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
            in_spec_order: self.in_declared_order,
        });
        Some(Type::Struct(type_name.value.clone()))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    const SERVICE: &str = "product: demo\napi_version: \"2020-01-01\"\nstyle: roa\nprotocol: https\nsignature: ACS3-HMAC-SHA256\nendpoints:\n  rule: demo.{region}.aliyuncs.com\n";

    /// `PutThings`, whose body object, opened into the body's fields, holds an object in each
    /// place an object can be in.
    const OPERATION: &str = r#"
name: PutThings
methods: [POST]
path: /things
request:
  - name: Doc
    in: body
    type: object
    type_name: Doc
    fields:
      - name: Plain
        type: object
        type_name: Plain
        fields:
          - {name: Zed, type: string}
          - {name: Alpha, type: string}
      - name: Rows
        type: array
        items:
          type: object
          type_name: Row
          fields:
            - {name: Zed, type: string}
            - {name: Alpha, type: string}
      - name: Grid
        type: array
        items:
          type: array
          items:
            type: object
            type_name: Cell
            fields:
              - {name: Zed, type: string}
              - {name: Alpha, type: string}
      - name: Configs
        type: map
        values:
          type: object
          type_name: Config
          fields:
            - {name: Zed, type: string}
            - name: Inner
              type: object
              type_name: Inner
              fields:
                - {name: Zed, type: string}
                - {name: Alpha, type: string}
"#;

    #[test]
    fn objects_in_map_values_and_arrays_of_arrays_keep_the_spec_order() {
        let texts = BTreeMap::from([
            (PathBuf::from("spec/demo/service.yaml"), SERVICE.to_owned()),
            (
                PathBuf::from("spec/demo/operations/PutThings.yaml"),
                OPERATION.to_owned(),
            ),
        ]);
        let service = crate::lower_from_texts("demo", &texts).expect("the spec lowers");
        let in_spec_order: BTreeMap<&str, bool> = service.operations[0]
            .structs
            .iter()
            .map(|item| (item.name.as_str(), item.in_spec_order))
            .collect();
        assert_eq!(
            in_spec_order,
            BTreeMap::from([
                ("Cell", true),
                ("Config", true),
                ("Inner", true),
                ("Plain", false),
                ("Row", false),
            ])
        );
    }
}
