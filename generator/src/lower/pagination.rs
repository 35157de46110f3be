//! Pagination, by token or by page number: the request parameters the paginator sets and
//! reads, the response fields it reads (the next token, the total count, the items), and
//! whether the keys given make one style.

use super::shapes::Shapes;
use super::suggestion;
use crate::ir::{self, Location, PageField, PageParameter, PageStyle, Type};
use crate::spec::PaginationSpec;
use crate::yaml::Spanned;

/// The paginator sends a token, a page number or a page size as text, and reads the next
/// token and the total count from text or a number.
fn is_text_or_integer(ty: &Type) -> bool {
    matches!(ty, Type::String | Type::Int32 | Type::Int64)
}

/// A JSON body carries a token as a string and a page number as a number, as the paginator
/// writes them; it reads a page size either way.
fn fits_json_body(key: &str, ty: &Type) -> bool {
    match key {
        "input_token" => *ty == Type::String,
        "page_number" => matches!(ty, Type::Int32 | Type::Int64),
        _ => true,
    }
}

pub(super) fn lower(
    shapes: &mut Shapes<'_>,
    shared: &[ir::Struct],
    spec: &PaginationSpec,
    request: &[ir::Member],
    response: &[ir::Member],
) -> Option<ir::Pagination> {
    let style = match (&spec.input_token, &spec.page_number) {
        (Some(input), None) => token_style(shapes, shared, spec, input, request, response),
        (None, Some(input)) => number_style(shapes, shared, spec, input, request, response),
        (Some(_), Some(page_number)) => {
            shapes.report(
                shapes.at(page_number),
                "pagination takes `input_token` (paging by token) or `page_number` (paging by \
                 page number), not both",
                Some("keep the one the service's responses follow".into()),
            );
            None
        }
        (None, None) => {
            shapes.report(
                shapes.at(&spec.items),
                "pagination names neither `input_token` nor `page_number`",
                Some(
                    "add `input_token` and `output_token` (paging by token) or `page_number` \
                     (paging by page number)"
                        .into(),
                ),
            );
            None
        }
    };
    let page_size = spec
        .page_size
        .as_ref()
        .map(|name| parameter(shapes, request, name, "page_size"));
    let items = field(shapes, shared, &spec.items, response, Leaf::List)?;
    Some(ir::Pagination {
        style: style?,
        page_size: page_size.map_or(Some(None), |found| found.map(Some))?,
        items,
    })
}

fn token_style(
    shapes: &mut Shapes<'_>,
    shared: &[ir::Struct],
    spec: &PaginationSpec,
    input: &Spanned<String>,
    request: &[ir::Member],
    response: &[ir::Member],
) -> Option<PageStyle> {
    if let Some(total_count) = &spec.total_count {
        shapes.report(
            shapes.at(total_count),
            "`total_count` is for paging by page number: paging by token ends at the page \
             without a next token",
            Some("remove `total_count`".into()),
        );
    }
    let input = parameter(shapes, request, input, "input_token");
    let output = match &spec.output_token {
        Some(path) => field(shapes, shared, path, response, Leaf::Scalar),
        None => {
            shapes.report(
                shapes.at(&spec.items),
                "paging by token needs `output_token`, the response field with the next token",
                None,
            );
            None
        }
    };
    Some(PageStyle::Token {
        input: input?,
        output: output?,
    })
}

fn number_style(
    shapes: &mut Shapes<'_>,
    shared: &[ir::Struct],
    spec: &PaginationSpec,
    input: &Spanned<String>,
    request: &[ir::Member],
    response: &[ir::Member],
) -> Option<PageStyle> {
    if let Some(output_token) = &spec.output_token {
        shapes.report(
            shapes.at(output_token),
            "`output_token` is for paging by token, with `input_token`",
            Some("remove `output_token`, or page by token instead of `page_number`".into()),
        );
    }
    let input = parameter(shapes, request, input, "page_number");
    let total_count = match &spec.total_count {
        Some(path) => Some(field(shapes, shared, path, response, Leaf::Scalar)?),
        None => None,
    };
    Some(PageStyle::Number {
        input: input?,
        total_count,
    })
}

/// The request parameter `name`, which the paginator sets or reads as `key` says.
fn parameter(
    shapes: &mut Shapes<'_>,
    members: &[ir::Member],
    name: &Spanned<String>,
    key: &str,
) -> Option<PageParameter> {
    let Some(member) = members.iter().find(|member| member.wire_name == name.value) else {
        if !shapes.broken.contains(&name.value) {
            let names: Vec<&str> = members.iter().map(|m| m.wire_name.as_str()).collect();
            let hint = suggestion(&name.value, &names);
            shapes.report(
                shapes.at(name),
                format!(
                    "pagination `{key}` names `{}`, which is no request parameter",
                    name.value
                ),
                Some(hint),
            );
        }
        return None;
    };
    let problem = if member.location == Location::Body {
        Some("is the whole body, not one parameter".to_owned())
    } else if !is_text_or_integer(&member.ty) {
        Some(format!(
            "is of type {:?}, not a string or an integer",
            member.ty
        ))
    } else if member.location == Location::BodyField && !fits_json_body(key, &member.ty) {
        Some(format!(
            "is a JSON body field of type {:?}, where the paginator writes {}",
            member.ty,
            if key == "input_token" {
                "a string"
            } else {
                "an integer"
            }
        ))
    } else {
        None
    };
    if let Some(problem) = problem {
        shapes.report(
            shapes.at(name),
            format!("pagination `{key}` names `{}`, which {problem}", name.value),
            None,
        );
        return None;
    }
    Some(PageParameter {
        wire_name: member.wire_name.clone(),
        location: member.location,
    })
}

/// What a response path of the pagination ends at.
#[derive(Clone, Copy)]
enum Leaf {
    /// The item list: an array.
    List,
    /// A next token or a total count: text or an integer.
    Scalar,
}

/// Resolves `Outer.Inner` through response objects, shared ones included, down to a field of
/// the kind `leaf`, with its type (for a list, an item's).
fn field(
    shapes: &mut Shapes<'_>,
    shared: &[ir::Struct],
    path: &Spanned<String>,
    response: &[ir::Member],
    leaf: Leaf,
) -> Option<PageField> {
    let mut members = response.to_vec();
    let mut in_shared = false;
    let mut names = Vec::new();
    let segments: Vec<&str> = path.value.split('.').collect();
    for (index, segment) in segments.iter().enumerate() {
        let Some(member) = members.iter().find(|member| member.wire_name == *segment) else {
            if shapes.broken.contains(*segment) {
                return None;
            }
            let candidates: Vec<&str> = members.iter().map(|m| m.wire_name.as_str()).collect();
            let hint = suggestion(segment, &candidates);
            shapes.report(
                shapes.at(path),
                format!("pagination names `{}`: no field `{segment}`", path.value),
                Some(hint),
            );
            return None;
        };
        names.push(member.names.clone());
        let last = index + 1 == segments.len();
        let found = match (&member.ty, last, leaf) {
            (Type::Array(item), true, Leaf::List) => Some((**item).clone()),
            (ty, true, Leaf::Scalar) if is_text_or_integer(ty) => Some(ty.clone()),
            // An inline object of a shared schema is a shared type too.
            (Type::Struct(name), false, _) if in_shared => {
                members = struct_fields(shared, name);
                None
            }
            (Type::Struct(name), false, _) => {
                members = struct_fields(&shapes.structs, name);
                None
            }
            (Type::Shared(name), false, _) => {
                members = struct_fields(shared, name);
                in_shared = true;
                None
            }
            _ => {
                let expected = match (last, leaf) {
                    (false, _) => "an object",
                    (true, Leaf::List) => "an array",
                    (true, Leaf::Scalar) => "a string or an integer",
                };
                shapes.report(
                    shapes.at(path),
                    format!(
                        "pagination names `{}`: `{segment}` is not {expected} of this operation",
                        path.value
                    ),
                    None,
                );
                return None;
            }
        };
        if let Some(ty) = found {
            return Some(PageField {
                path: names,
                wire_path: segments.iter().map(|segment| segment.to_string()).collect(),
                ty,
            });
        }
    }
    None
}

fn struct_fields(structs: &[ir::Struct], name: &str) -> Vec<ir::Member> {
    structs
        .iter()
        .find(|item| item.name == name)
        .map(|item| item.fields.clone())
        .unwrap_or_default()
}
