//! Token pagination: the request parameter that carries the token, the response field that
//! returns the next one, the page size, and the path to the page's items.

use super::shapes::Shapes;
use super::suggestion;
use crate::ir::{self, Type};
use crate::spec::PaginationSpec;
use crate::yaml::Spanned;

/// Types a token or a page size may have: the paginator sends them as text.
fn is_token_type(ty: &Type) -> bool {
    matches!(ty, Type::String | Type::Int32 | Type::Int64)
}

pub(super) fn lower(
    shapes: &mut Shapes<'_>,
    spec: &PaginationSpec,
    request: &[ir::Member],
    response: &[ir::Member],
) -> Option<ir::Pagination> {
    let input_token = find_member(shapes, request, &spec.input_token, "request parameter");
    let output_token = find_member(shapes, response, &spec.output_token, "response field");
    let page_size = match &spec.page_size {
        Some(page_size) => Some(find_member(
            shapes,
            request,
            page_size,
            "request parameter",
        )?),
        None => None,
    };
    let (items_path, item_type) = resolve_items(shapes, &spec.items, response)?;
    let (input_token, output_token) = (input_token?, output_token?);
    Some(ir::Pagination {
        input_token: input_token.names.clone(),
        input_token_wire: input_token.wire_name.clone(),
        input_token_location: input_token.location,
        output_token: output_token.names.clone(),
        output_token_wire: output_token.wire_name.clone(),
        page_size: page_size.map(|member| member.names.clone()),
        items_wire_path: spec.items.value.split('.').map(str::to_string).collect(),
        items_path,
        item_type,
    })
}

fn find_member<'m>(
    shapes: &mut Shapes<'_>,
    members: &'m [ir::Member],
    name: &Spanned<String>,
    what: &str,
) -> Option<&'m ir::Member> {
    match members.iter().find(|member| member.wire_name == name.value) {
        Some(member) if is_token_type(&member.ty) => Some(member),
        Some(member) => {
            let message = format!(
                "pagination names `{}`, which is of type {:?}, not a string or an integer",
                name.value, member.ty
            );
            shapes.report(shapes.at(name), message, None);
            None
        }
        None if shapes.broken.contains(&name.value) => None,
        None => {
            let names: Vec<&str> = members.iter().map(|m| m.wire_name.as_str()).collect();
            let message = format!("pagination names `{}`, which is no {what}", name.value);
            let hint = suggestion(&name.value, &names);
            shapes.report(shapes.at(name), message, Some(hint));
            None
        }
    }
}

/// Resolves `Outer.Inner` through response objects down to an array.
fn resolve_items(
    shapes: &mut Shapes<'_>,
    path: &Spanned<String>,
    response: &[ir::Member],
) -> Option<(Vec<ir::FieldNames>, Type)> {
    let mut members = response.to_vec();
    let mut field_names = Vec::new();
    let segments: Vec<&str> = path.value.split('.').collect();
    for (index, segment) in segments.iter().enumerate() {
        let Some(member) = members.iter().find(|member| member.wire_name == *segment) else {
            if shapes.broken.contains(*segment) {
                return None;
            }
            let names: Vec<&str> = members.iter().map(|m| m.wire_name.as_str()).collect();
            let hint = suggestion(segment, &names);
            shapes.report(
                shapes.at(path),
                format!("pagination items `{}`: no field `{segment}`", path.value),
                Some(hint),
            );
            return None;
        };
        field_names.push(member.names.clone());
        let last = index + 1 == segments.len();
        match (&member.ty, last) {
            (Type::Array(item), true) => return Some((field_names, (**item).clone())),
            (Type::Struct(name), false) => {
                members = shapes
                    .structs
                    .iter()
                    .find(|s| &s.name == name)
                    .map(|s| s.fields.clone())
                    .unwrap_or_default();
            }
            _ => {
                let expected = if last { "an array" } else { "an object" };
                shapes.report(
                    shapes.at(path),
                    format!(
                        "pagination items `{}`: `{segment}` is not {expected} of this operation",
                        path.value
                    ),
                    None,
                );
                return None;
            }
        }
    }
    None
}
