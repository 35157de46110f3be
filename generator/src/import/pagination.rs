//! Detecting token pagination: an operation that takes `NextToken` and returns `NextToken`
//! plus exactly one list. The list is a top-level response field; only when there is none
//! is it looked for one level down, inside top-level objects (`TagResources.TagResource`,
//! where the XML heritage wraps a list in an object).

use super::spanned;
use crate::spec::{OperationSpec, PaginationSpec, Shape};

const TOKEN: &str = "NextToken";
const PAGE_SIZE: &str = "MaxResults";

pub(crate) fn detect(operation: &OperationSpec) -> Option<PaginationSpec> {
    if !has_field(&operation.request, TOKEN) || !has_field(&operation.response, TOKEN) {
        return None;
    }
    let top_level: Vec<String> = lists(&operation.response)
        .map(|list| wire_name(list).to_owned())
        .collect();
    let candidates = if top_level.is_empty() {
        operation
            .response
            .iter()
            .filter(|field| type_of(field) == Some("object"))
            .flat_map(|object| {
                lists(&object.fields)
                    .map(move |list| format!("{}.{}", wire_name(object), wire_name(list)))
            })
            .collect()
    } else {
        top_level
    };
    let [items] = <[String; 1]>::try_from(candidates).ok()?;
    Some(PaginationSpec {
        input_token: spanned(TOKEN.to_owned()),
        output_token: spanned(TOKEN.to_owned()),
        page_size: has_field(&operation.request, PAGE_SIZE).then(|| spanned(PAGE_SIZE.to_owned())),
        items: spanned(items),
    })
}

fn lists(fields: &[Shape]) -> impl Iterator<Item = &Shape> {
    fields
        .iter()
        .filter(|field| type_of(field) == Some("array"))
}

fn has_field(fields: &[Shape], name: &str) -> bool {
    fields.iter().any(|field| wire_name(field) == name)
}

fn wire_name(shape: &Shape) -> &str {
    shape.name.as_ref().map_or("", |name| name.value.as_str())
}

fn type_of(shape: &Shape) -> Option<&str> {
    shape.ty.as_ref().map(|ty| ty.value.as_str())
}
