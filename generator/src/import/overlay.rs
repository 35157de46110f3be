//! The overlay: hand refinements to imported specs, kept in `spec/<product>/overlay.yaml`
//! so that they survive re-import. See the module documentation of `import` for the format.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};
use serde_saphyr::Spanned;

use super::error::{ImportError, OverlayProblem};
use super::{path, spanned};
use crate::spec::{EntriesSpec, OperationSpec, PaginationSpec, Shape, WaiterSpec};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Overlay {
    /// Copied into `service.yaml` once their operation, inputs and path are found.
    #[serde(default)]
    pub waiters: Vec<WaiterSpec>,
    /// Copied into `service.yaml`: the crate of the command's hand-written subcommands.
    #[serde(default)]
    pub cli_commands: Option<Spanned<String>>,
    /// Keyed by action.
    #[serde(default)]
    pub operations: BTreeMap<String, OperationOverlay>,
    /// Operations the metadata lacks (that the official SDKs call), keyed by action, each
    /// written as its `operations/<Action>.yaml` would be. `name` may be left out.
    #[serde(default)]
    added_operations: BTreeMap<String, OperationSpec>,
    /// Patches to the fields of shared schemas (`schemas.yaml`), keyed by the schema's name,
    /// then by a field's path within it.
    #[serde(default)]
    schemas: BTreeMap<String, BTreeMap<String, ShapePatch>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OperationOverlay {
    /// Parameters the metadata lacks (that the official SDKs send), appended to the request
    /// before the patches apply.
    #[serde(default)]
    added_parameters: Vec<Shape>,
    /// Patches keyed by the path of a request parameter.
    #[serde(default)]
    request: BTreeMap<String, ShapePatch>,
    /// Patches keyed by the path of a response field.
    #[serde(default)]
    response: BTreeMap<String, ShapePatch>,
    /// Absent: keep what was detected; `null`: no pagination; a mapping: this pagination.
    #[serde(default, deserialize_with = "present")]
    pagination: Option<Option<PaginationSpec>>,
}

/// Keys of a `Shape` to set; absent keys keep their imported value. A `type` different from
/// the imported one first drops what belonged to the old type (`fields`, `type_name`, `items`,
/// `values`). `items` and `values` patch the element in place (creating it if missing);
/// `fields` replaces the object's fields whole.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ShapePatch {
    #[serde(rename = "in")]
    location: Option<String>,
    style: Option<String>,
    required: Option<bool>,
    #[serde(rename = "type")]
    ty: Option<String>,
    format: Option<String>,
    type_name: Option<String>,
    description: Option<String>,
    example: Option<String>,
    #[serde(rename = "enum")]
    enum_values: Option<Vec<String>>,
    default: Option<String>,
    minimum: Option<f64>,
    maximum: Option<f64>,
    max_items: Option<u64>,
    deprecated: Option<bool>,
    sensitive: Option<bool>,
    content_type: Option<String>,
    fields: Option<Vec<Shape>>,
    items: Option<Box<ShapePatch>>,
    values: Option<Box<ShapePatch>>,
    entries: Option<EntriesSpec>,
}

/// Tells a key given as `null` (`Some(None)`) from an absent one (`None`).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

impl Overlay {
    pub(crate) fn parse(yaml: &str) -> Result<Self, ImportError> {
        serde_saphyr::from_str(yaml).map_err(ImportError::OverlaySyntax)
    }

    /// Adds the operations the metadata lacks. One the metadata has is an error: the overlay
    /// would hide what the metadata says of it.
    pub(crate) fn add_operations(
        &self,
        operations: &mut BTreeMap<String, OperationSpec>,
    ) -> Result<(), ImportError> {
        for (action, added) in &self.added_operations {
            let error = |problem| ImportError::Overlay {
                at: format!("added operation `{action}`"),
                problem,
            };
            if operations.contains_key(action) {
                return Err(error(OverlayProblem::InMetadata));
            }
            let mut operation = added.clone();
            match &operation.name {
                Some(name) if name.value != *action => {
                    return Err(error(OverlayProblem::NameMismatch {
                        name: name.value.clone(),
                    }));
                }
                Some(_) => {}
                None => operation.name = Some(spanned(action.clone())),
            }
            operations.insert(action.clone(), operation);
        }
        Ok(())
    }

    /// Applies the patches to the shared schemas' fields, after the importer's rule marked
    /// them: as for an operation's, a patch's `sensitive` overrides the rule.
    pub(crate) fn patch_schemas(&self, schemas: &mut [Shape]) -> Result<(), ImportError> {
        for (name, patches) in &self.schemas {
            let Some(schema) = schemas
                .iter_mut()
                .find(|schema| schema.name.as_ref().is_some_and(|own| own.value == *name))
            else {
                return Err(ImportError::Overlay {
                    at: format!("schema `{name}`"),
                    problem: OverlayProblem::UnknownSchema,
                });
            };
            for (field_path, patch) in patches {
                let error = |problem| ImportError::Overlay {
                    at: format!("schema `{name}`, path `{field_path}`"),
                    problem,
                };
                let target = path::resolve(&mut schema.fields, field_path).map_err(error)?;
                patch.apply(target).map_err(error)?;
            }
        }
        Ok(())
    }

    /// Every operation the overlay names must exist, so that no entry silently stops applying.
    pub(crate) fn check_operations_exist(
        &self,
        operations: &BTreeMap<String, OperationSpec>,
    ) -> Result<(), ImportError> {
        match self
            .operations
            .keys()
            .find(|action| !operations.contains_key(*action))
        {
            Some(action) => Err(ImportError::Overlay {
                at: format!("operation `{action}`"),
                problem: OverlayProblem::UnknownOperation,
            }),
            None => Ok(()),
        }
    }

    /// The waiters, each checked against the operation it polls. `operations` is mutable
    /// only because paths resolve through the same resolver that patches use.
    pub(crate) fn checked_waiters(
        &self,
        operations: &mut BTreeMap<String, OperationSpec>,
    ) -> Result<Vec<WaiterSpec>, ImportError> {
        for waiter in &self.waiters {
            let action = &waiter.operation.value;
            let error = |entry: String, problem| ImportError::Overlay {
                at: format!("waiter `{}`, {entry}", waiter.name.value),
                problem,
            };
            let Some(operation) = operations.get_mut(action) else {
                return Err(error(
                    format!("operation `{action}`"),
                    OverlayProblem::UnknownOperation,
                ));
            };
            for input in &waiter.input {
                require_parameter(&operation.request, &input.value)
                    .map_err(|problem| error("input".to_owned(), problem))?;
            }
            path::resolve(&mut operation.response, &waiter.path.value)
                .map_err(|problem| error(format!("path `{}`", waiter.path.value), problem))?;
        }
        Ok(self.waiters.clone())
    }
}

impl OperationOverlay {
    /// Appends the parameters the metadata lacks.
    pub(crate) fn add_parameters(
        &self,
        action: &str,
        operation: &mut OperationSpec,
    ) -> Result<(), ImportError> {
        for parameter in &self.added_parameters {
            let name = parameter.name.as_ref().map(|name| name.value.clone());
            let error = |problem| ImportError::Overlay {
                at: format!(
                    "operation `{action}`, added parameter `{}`",
                    name.as_deref().unwrap_or_default()
                ),
                problem,
            };
            let Some(name) = &name else {
                return Err(error(OverlayProblem::Unnamed));
            };
            if require_parameter(&operation.request, name).is_ok() {
                return Err(error(OverlayProblem::InMetadata));
            }
            operation.request.push(parameter.clone());
        }
        Ok(())
    }

    /// Applies the patches, after the importer's rule marked what is sensitive: a patch's
    /// `sensitive` overrides the rule, and one that agrees with it is an error.
    pub(crate) fn patch_shapes(
        &self,
        action: &str,
        operation: &mut OperationSpec,
    ) -> Result<(), ImportError> {
        let sides = [
            ("request", &self.request, &mut operation.request),
            ("response", &self.response, &mut operation.response),
        ];
        for (side, patches, shapes) in sides {
            for (shape_path, patch) in patches {
                let error = |problem| ImportError::Overlay {
                    at: format!("operation `{action}`, {side} path `{shape_path}`"),
                    problem,
                };
                let target = path::resolve(shapes, shape_path).map_err(error)?;
                patch.apply(target).map_err(error)?;
            }
        }
        Ok(())
    }

    /// Replaces or removes the detected pagination, after checking that a replacement's
    /// parameters and fields exist; returns whether the overlay set the pagination.
    pub(crate) fn override_pagination(
        &self,
        action: &str,
        operation: &mut OperationSpec,
    ) -> Result<bool, ImportError> {
        let Some(pagination) = &self.pagination else {
            return Ok(false);
        };
        if let Some(pagination) = pagination {
            let error = |key: &str, problem| ImportError::Overlay {
                at: format!("operation `{action}`, pagination `{key}`"),
                problem,
            };
            let parameters = [
                ("input_token", &pagination.input_token),
                ("page_number", &pagination.page_number),
                ("page_size", &pagination.page_size),
            ];
            for (key, name) in parameters {
                if let Some(name) = name {
                    require_parameter(&operation.request, &name.value)
                        .map_err(|problem| error(key, problem))?;
                }
            }
            let fields = [
                ("output_token", &pagination.output_token),
                ("total_count", &pagination.total_count),
            ];
            for (key, path) in fields {
                if let Some(path) = path {
                    path::resolve(&mut operation.response, &path.value)
                        .map_err(|problem| error(key, problem))?;
                }
            }
            let items = path::resolve(&mut operation.response, &pagination.items.value)
                .map_err(|problem| error("items", problem))?;
            if items.ty.as_ref().is_none_or(|ty| ty.value != "array") {
                return Err(error(
                    "items",
                    OverlayProblem::NotAnArray {
                        name: pagination.items.value.clone(),
                    },
                ));
            }
        }
        operation.pagination = pagination.clone();
        Ok(true)
    }
}

/// A parameter of the request, or a field of a body object declared in place (a `body`,
/// FC's `function`), which the SDK opens into parameters.
fn require_parameter(request: &[Shape], name: &str) -> Result<(), OverlayProblem> {
    let is_named = |shape: &Shape| shape.name.as_ref().is_some_and(|wire| wire.value == name);
    let known = request.iter().any(|parameter| {
        is_named(parameter)
            || parameter
                .location
                .as_ref()
                .is_some_and(|location| location.value == "body")
                && parameter.fields.iter().any(is_named)
    });
    if known {
        Ok(())
    } else {
        Err(OverlayProblem::UnknownParameter {
            name: name.to_owned(),
        })
    }
}

impl ShapePatch {
    fn apply(&self, shape: &mut Shape) -> Result<(), OverlayProblem> {
        if self.sensitive == Some(shape.sensitive) {
            return Err(OverlayProblem::SensitiveAsImported {
                sensitive: shape.sensitive,
            });
        }
        if let Some(ty) = &self.ty {
            if shape.ty.as_ref().is_none_or(|current| &current.value != ty) {
                shape.fields.clear();
                shape.type_name = None;
                shape.items = None;
                shape.values = None;
                shape.entries = None;
                shape.format = None;
            }
            shape.ty = Some(spanned(ty.clone()));
        }
        if let Some(location) = &self.location {
            shape.location = Some(spanned(location.clone()));
        }
        if let Some(style) = &self.style {
            shape.style = Some(spanned(style.clone()));
        }
        if let Some(format) = &self.format {
            shape.format = Some(spanned(format.clone()));
        }
        if let Some(entries) = &self.entries {
            shape.entries = Some(entries.clone());
        }
        if let Some(type_name) = &self.type_name {
            shape.type_name = Some(spanned(type_name.clone()));
        }
        if let Some(required) = self.required {
            shape.required = required;
        }
        if let Some(deprecated) = self.deprecated {
            shape.deprecated = deprecated;
        }
        if let Some(sensitive) = self.sensitive {
            shape.sensitive = sensitive;
        }
        if let Some(content_type) = &self.content_type {
            shape.content_type = Some(spanned(content_type.clone()));
        }
        if let Some(description) = &self.description {
            shape.description = Some(description.clone());
        }
        if let Some(example) = &self.example {
            shape.example = Some(example.clone());
        }
        if let Some(enum_values) = &self.enum_values {
            shape.enum_values = enum_values.clone();
        }
        if let Some(default) = &self.default {
            shape.default = Some(default.clone());
        }
        if let Some(minimum) = self.minimum {
            shape.minimum = Some(minimum);
        }
        if let Some(maximum) = self.maximum {
            shape.maximum = Some(maximum);
        }
        if let Some(max_items) = self.max_items {
            shape.max_items = Some(max_items);
        }
        if let Some(fields) = &self.fields {
            shape.fields = fields.clone();
        }
        if let Some(items) = &self.items {
            items.apply(shape.items.get_or_insert_with(Box::default))?;
        }
        if let Some(values) = &self.values {
            values.apply(shape.values.get_or_insert_with(Box::default))?;
        }
        Ok(())
    }
}
