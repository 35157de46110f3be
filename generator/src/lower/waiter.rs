//! Waiters: the operation polled, the parameters the waiter takes, and the path to the
//! status it compares.

use std::path::Path;

use super::descriptions::tidy;
use super::suggestion;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::ir::{self, PathStep, Response, Type};
use crate::naming;
use crate::spec::WaiterSpec;
use crate::yaml::{self, Spanned};

pub(super) fn lower(
    file: &Path,
    spec: &WaiterSpec,
    names: ir::WaiterNames,
    operations: &[ir::Operation],
    shared: &[ir::Struct],
    diagnostics: &mut Diagnostics,
) -> Option<ir::Waiter> {
    let mut report = |value: &Spanned<String>, message: String, hint: Option<String>| {
        let diagnostic = Diagnostic::new(yaml::location_of(file, value), message);
        diagnostics.push(match hint {
            Some(hint) => diagnostic.with_hint(hint),
            None => diagnostic,
        });
    };
    if !naming::is_type_name(&spec.name.value) {
        report(
            &spec.name,
            format!("waiter name `{}` is not PascalCase", spec.name.value),
            None,
        );
    }
    let Some(operation) = operations.iter().find(|op| op.name == spec.operation.value) else {
        let names: Vec<&str> = operations.iter().map(|op| op.name.as_str()).collect();
        let hint = suggestion(&spec.operation.value, &names);
        report(
            &spec.operation,
            format!("waiter polls unknown operation `{}`", spec.operation.value),
            Some(hint),
        );
        return None;
    };
    let mut inputs = Vec::new();
    for input in &spec.input {
        match operation
            .request
            .iter()
            .find(|member| member.wire_name == input.value)
        {
            Some(member) => inputs.push(member.clone()),
            None => report(
                input,
                format!(
                    "`{}` is not a request parameter of {}",
                    input.value, operation.name
                ),
                None,
            ),
        }
    }
    if spec.success.is_empty() {
        report(
            &spec.name,
            "a waiter needs at least one `success` value".into(),
            None,
        );
    }
    let path = match resolve_path(&spec.path.value, operation, shared) {
        Ok(path) => path,
        Err(problem) => {
            report(
                &spec.path,
                format!("waiter path `{}`: {problem}", spec.path.value),
                None,
            );
            return None;
        }
    };
    Some(ir::Waiter {
        name: spec.name.value.clone(),
        names,
        description: spec.description.as_deref().map(tidy),
        operation_names: operation.names.clone(),
        operation_name: operation.name.clone(),
        inputs,
        path,
        wire_path: spec.path.value.clone(),
        success: spec.success.clone(),
        failure: spec.failure.clone(),
        needs_action: spec.needs_action.clone(),
        delay_seconds: spec.delay_seconds,
        timeout_seconds: spec.timeout_seconds,
    })
}

/// Resolves `Executions[0].Status` to field steps ending at a string field.
fn resolve_path(
    path: &str,
    operation: &ir::Operation,
    shared: &[ir::Struct],
) -> Result<Vec<PathStep>, String> {
    let Response::Fields(fields) = &operation.response else {
        return Err("the operation's response has no fields".into());
    };
    let mut steps = Vec::new();
    let mut members = fields.clone();
    let mut current: Option<Type> = None;
    // Inside a shared struct, a `Struct` is one of the shared module's too.
    let mut in_shared = false;
    for segment in path.split('.') {
        match &current {
            Some(Type::Struct(name)) if !in_shared => {
                members = fields_of(&operation.structs, name);
            }
            Some(Type::Struct(name) | Type::Shared(name)) => {
                in_shared = true;
                members = fields_of(shared, name);
            }
            Some(_) => return Err(format!("cannot descend into `{segment}` of a non-object")),
            None => {}
        }
        let (field, first_element) = match segment.strip_suffix("[0]") {
            Some(field) => (field, true),
            None => (segment, false),
        };
        let member = members
            .iter()
            .find(|member| member.wire_name == field)
            .ok_or_else(|| format!("no field `{field}`"))?;
        steps.push(PathStep::Field(member.names.clone()));
        let mut ty = member.ty.clone();
        if first_element {
            let Type::Array(item) = ty else {
                return Err(format!("`{field}` is not an array"));
            };
            steps.push(PathStep::FirstElement);
            ty = *item;
        }
        current = Some(ty);
    }
    match current {
        Some(Type::String | Type::Enum(_) | Type::SharedEnum(_)) => Ok(steps),
        _ => Err("must end at a string field".into()),
    }
}

fn fields_of(structs: &[ir::Struct], name: &str) -> Vec<ir::Member> {
    structs
        .iter()
        .find(|item| item.name == name)
        .map(|item| item.fields.clone())
        .unwrap_or_default()
}
