//! Detecting pagination in the metadata, in every style the published APIs use. Names are
//! compared without case and `_` (`NextToken`, `nextToken`, `next_token` are one name).
//!
//! - **Token**: a request parameter `NextToken` (or `NextPageToken`, `PageToken`,
//!   `ContinuationToken`, `Token`), `Marker` or `Cursor`, and a response field with the next
//!   one: `NextToken` (or the others), `NextMarker` or `Marker`, `NextCursor` or `Cursor`. The
//!   response field is top-level or in a top-level object (`Data.NextToken`). The page size
//!   is `MaxResults` (or `MaxResult`, `MaxItems`, `PageSize`, `Limit`, `Size`, …), when the
//!   operation takes one. A bare `Token`, which names access tokens as often, pages only with
//!   a page size. An operation that takes both a token and a page number pages by token.
//! - **Page number**: a request parameter `PageNumber` (or `CurrentPage`, `PageNo`,
//!   `PageNum`, `PageIndex`, `Page`) with a page size (`PageSize`, `MaxResults`, …) or a total
//!   count in the response (`TotalCount`, `Total`, `TotalRecordCount`, `TotalNum`,
//!   `TotalItems`, …, top-level or in a top-level object, and not one its description says
//!   counts pages). A page number with neither is a document's page (OCR's `PageNo`).
//!
//! Both need the page's items: the one list of the response, found through objects (shared
//! ones too) but not through lists. When there are several, the shallowest one wins, looked
//! for first in the object that holds the next token or the total count (`Data.List` beside
//! `Data.TotalCount`); a tie means no paginator.

use std::collections::BTreeMap;

use super::spanned;
use crate::spec::{OperationSpec, PaginationSpec, Shape};

/// Token parameters, each with the response fields that carry the next one, in order of
/// preference (RAM returns the next marker as `Marker`, PDS the next cursor as `cursor`).
const TOKENS: &[(&[&str], &[&str])] = &[
    (
        &[
            "nexttoken",
            "nextpagetoken",
            "pagetoken",
            "continuationtoken",
            "token",
        ],
        &[
            "nexttoken",
            "nextpagetoken",
            "nextcontinuationtoken",
            "pagetoken",
            "continuationtoken",
            "token",
        ],
    ),
    (&["marker", "nextmarker"], &["nextmarker", "marker"]),
    (&["cursor", "nextcursor"], &["nextcursor", "cursor"]),
];

const PAGE_NUMBERS: &[&str] = &[
    "pagenumber",
    "currentpage",
    "pageno",
    "pagenum",
    "pageindex",
    "page",
];

/// Page sizes, in order of preference when paging by token.
const TOKEN_PAGE_SIZES: &[&str] = &[
    "maxresults",
    "maxresult",
    "maxitems",
    "maxkeys",
    "pagesize",
    "limit",
    "size",
    "showsize",
];

/// Page sizes, in order of preference when paging by page number.
const NUMBER_PAGE_SIZES: &[&str] = &[
    "pagesize",
    "size",
    "showsize",
    "limit",
    "maxresults",
    "maxresult",
    "maxitems",
    "maxkeys",
];

const TOTAL_COUNTS: &[&str] = &[
    "totalcount",
    "total",
    "totalrecordcount",
    "totalnum",
    "totalitems",
    "totalitem",
    "totalitemnum",
    "totalelements",
    "totalrecords",
    "totalcounts",
    "totalcnt",
];

/// Offsets: paging by the number of items to skip, which no paginator follows.
const OFFSETS: &[&str] = &["offset", "skip", "start"];

/// Page sizes that say so even without a token or a page number (unlike `Size`, which may be
/// a disk's).
const PAGE_SIZES_ALONE: &[&str] = &["pagesize", "maxresults", "maxresult", "maxitems"];

/// How deep the item list may be: `Domains.Domain`, `Data.Items.Item`.
const MAX_LIST_DEPTH: usize = 3;

/// Why an operation that takes paging parameters gets no paginator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LeftOut {
    /// No list in the response, or several without one to prefer.
    NoItemList,
    /// A token parameter, but no next token in the response.
    NoNextToken,
    /// A page number without a page size or a total count: a document's page, not a
    /// listing's.
    PageNumberAlone,
    /// A page size alone: one page of a chosen size.
    PageSizeAlone,
    /// An offset (`Offset`, `Skip`, `Start`) with a page size.
    Offset,
    /// A page parameter of a type the paginator cannot send (an object, a number in a JSON
    /// body held as text, …).
    UnsendableParameter,
}

impl LeftOut {
    pub fn describe(self) -> &'static str {
        match self {
            LeftOut::NoItemList => "no item list, or several without one to prefer",
            LeftOut::NoNextToken => "a token parameter, but no next token in the response",
            LeftOut::PageNumberAlone => {
                "a page number without a page size or a total count (a document's page)"
            }
            LeftOut::PageSizeAlone => "a page size without a token or a page number",
            LeftOut::Offset => "an offset and a page size (paging by offset)",
            LeftOut::UnsendableParameter => "a page parameter of a type the paginator cannot send",
        }
    }
}

/// A request parameter as the paginator would send it.
struct Parameter<'a> {
    name: &'a str,
    ty: &'a str,
    /// A field of the JSON body (the metadata's `body` object opened, or `in: body`).
    in_json_body: bool,
}

/// A response field and the wire names down to it.
struct Field<'a> {
    path: Vec<&'a str>,
    shape: &'a Shape,
}

/// The operation's pagination; `None` when its request takes no paging parameter, and why
/// not when it takes some that no paginator could follow.
pub(crate) fn detect(
    operation: &OperationSpec,
    schemas: &[Shape],
) -> Result<Option<PaginationSpec>, LeftOut> {
    let action = operation
        .name
        .as_ref()
        .map_or("", |name| name.value.as_str());
    let schemas: BTreeMap<&str, &Shape> = schemas
        .iter()
        .filter_map(|schema| Some((wire_name(schema)?, schema)))
        .collect();
    let parameters = parameters(&operation.request);
    let find = |names: &[&str]| {
        names
            .iter()
            .find_map(|name| parameters.iter().find(|p| normalized(p.name) == *name))
    };
    let mut fields = Vec::new();
    collect_fields(&operation.response, &schemas, Vec::new(), &mut fields);
    let takes_page_size = find(TOKEN_PAGE_SIZES).is_some();

    let tokens: Vec<_> = TOKENS
        .iter()
        .filter_map(|(inputs, outputs)| {
            find(inputs).map(|input| (input, next_token(&fields, outputs)))
        })
        .collect();
    let token = tokens
        .iter()
        .find(|(_, output)| output.is_some())
        .or(tokens.first())
        .copied()
        .filter(|(input, output)| !is_bare_token(input.name, *output) || takes_page_size);
    let page_number = find(PAGE_NUMBERS);
    match (token, page_number) {
        (Some((input, Some(output))), _) => {
            if !sendable(input, Kind::Token) {
                return Err(LeftOut::UnsendableParameter);
            }
            let page_size = find(TOKEN_PAGE_SIZES).filter(|size| sendable(size, Kind::Size));
            match items(&fields, &output.path, action) {
                Some(items) => Ok(Some(PaginationSpec {
                    input_token: Some(spanned(input.name.to_owned())),
                    output_token: Some(spanned(output.path.join("."))),
                    page_number: None,
                    page_size: page_size.map(|size| spanned(size.name.to_owned())),
                    total_count: None,
                    items: spanned(items),
                })),
                None => Err(LeftOut::NoItemList),
            }
        }
        (_, Some(input)) => {
            if !sendable(input, Kind::Number) {
                return Err(LeftOut::UnsendableParameter);
            }
            let page_size = find(NUMBER_PAGE_SIZES).filter(|size| sendable(size, Kind::Size));
            let total_count = total_count(&fields);
            if page_size.is_none() && total_count.is_none() {
                return Err(LeftOut::PageNumberAlone);
            }
            let anchor = total_count.map_or(&[][..], |total| &total.path);
            match items(&fields, anchor, action) {
                Some(items) => Ok(Some(PaginationSpec {
                    input_token: None,
                    output_token: None,
                    page_number: Some(spanned(input.name.to_owned())),
                    page_size: page_size.map(|size| spanned(size.name.to_owned())),
                    total_count: total_count.map(|total| spanned(total.path.join("."))),
                    items: spanned(items),
                })),
                None => Err(LeftOut::NoItemList),
            }
        }
        (Some((_, None)), None) => Err(LeftOut::NoNextToken),
        (None, None) if find(OFFSETS).is_some() && find(TOKEN_PAGE_SIZES).is_some() => {
            Err(LeftOut::Offset)
        }
        (None, None) if find(PAGE_SIZES_ALONE).is_some() => Err(LeftOut::PageSizeAlone),
        (None, None) => Ok(None),
    }
}

/// `Token` names access tokens as often as page tokens: it pages only with a page size.
fn is_bare_token(input: &str, output: Option<&Field<'_>>) -> bool {
    normalized(input) == "token"
        || output.is_some_and(|output| normalized(output.last()) == "token")
}

#[derive(Clone, Copy)]
enum Kind {
    Token,
    Number,
    Size,
}

/// Whether the paginator can send (or read) the parameter: a token as text, a page number or
/// size as an integer or, outside a JSON body, as text.
fn sendable(parameter: &Parameter<'_>, kind: Kind) -> bool {
    match (kind, parameter.ty, parameter.in_json_body) {
        (Kind::Token, "string", _) => true,
        (Kind::Token, "int32" | "int64", in_json_body) => !in_json_body,
        (Kind::Number | Kind::Size, "int32" | "int64", _) => true,
        (Kind::Number, "string", in_json_body) => !in_json_body,
        (Kind::Size, "string", _) => true,
        _ => false,
    }
}

/// The request's parameters, with the fields of a body object declared in place (a `body`,
/// FC's `function`), which the SDK opens into parameters, as the lowering does; a whole body
/// is not a parameter.
fn parameters(request: &[Shape]) -> Vec<Parameter<'_>> {
    let mut found = Vec::new();
    for shape in request {
        let (Some(name), Some(location)) = (wire_name(shape), location(shape)) else {
            continue;
        };
        let ty = type_of(shape).unwrap_or_default();
        match location {
            "body" if ty == "object" => {
                found.extend(shape.fields.iter().filter_map(|field| {
                    Some(Parameter {
                        name: wire_name(field)?,
                        ty: type_of(field).unwrap_or_default(),
                        in_json_body: true,
                    })
                }));
            }
            "body" if name.eq_ignore_ascii_case("body") => {}
            "body" if ty == "array" => {}
            "query" | "formData" | "header" | "body" => found.push(Parameter {
                name,
                ty,
                in_json_body: location == "body",
            }),
            _ => {}
        }
    }
    found
}

/// Every response field reachable through objects, with its path, objects before what they
/// hold; lists are not entered.
fn collect_fields<'a>(
    shapes: &'a [Shape],
    schemas: &BTreeMap<&str, &'a Shape>,
    parent: Vec<&'a str>,
    found: &mut Vec<Field<'a>>,
) {
    for shape in shapes {
        let Some(name) = wire_name(shape) else {
            continue;
        };
        let mut path = parent.clone();
        path.push(name);
        let object_fields = match shape.reference.as_ref() {
            Some(reference) => schemas
                .get(reference.value.as_str())
                .map_or(&[][..], |schema| &schema.fields),
            None => &shape.fields,
        };
        if path.len() < MAX_LIST_DEPTH {
            collect_fields(object_fields, schemas, path.clone(), found);
        }
        found.push(Field { path, shape });
    }
}

/// The response field with the next token: the shallowest, then the first of `names`.
fn next_token<'f, 'a>(fields: &'f [Field<'a>], names: &[&str]) -> Option<&'f Field<'a>> {
    fields
        .iter()
        .filter(|field| field.path.len() <= 2 && is_text_or_integer(field.shape))
        .filter_map(|field| {
            let rank = names
                .iter()
                .position(|name| normalized(field.last()) == *name)?;
            Some(((field.path.len(), rank), field))
        })
        .min_by_key(|(key, _)| *key)
        .map(|(_, field)| field)
}

/// The response field that counts the listing's items: the shallowest, then the first of
/// [`TOTAL_COUNTS`]; not one its description says counts pages.
fn total_count<'f, 'a>(fields: &'f [Field<'a>]) -> Option<&'f Field<'a>> {
    fields
        .iter()
        .filter(|field| field.path.len() <= 2 && is_text_or_integer(field.shape))
        .filter(|field| !counts_pages(field.shape))
        .filter_map(|field| {
            let rank = TOTAL_COUNTS
                .iter()
                .position(|name| normalized(field.last()) == *name)?;
            Some(((field.path.len(), rank), field))
        })
        .min_by_key(|(key, _)| *key)
        .map(|(_, field)| field)
}

/// "The total number of pages returned": a count of pages, not of items.
fn counts_pages(shape: &Shape) -> bool {
    let description = shape
        .description
        .as_deref()
        .unwrap_or_default()
        .to_lowercase();
    description.contains("pages")
        && !["entr", "record", "item"]
            .iter()
            .any(|word| description.contains(word))
}

/// The path of the page's item list. `beside` is the path of the next token or total count:
/// a list in the same object is preferred (`Data.List` beside `Data.TotalCount`). Between
/// lists as deep, the one the action names wins (`Resources` of `SearchResources`).
fn items(fields: &[Field<'_>], beside: &[&str], action: &str) -> Option<String> {
    let lists: Vec<&Field<'_>> = fields
        .iter()
        .filter(|field| type_of(field.shape) == Some("array"))
        .collect();
    // Listings list objects; a list of text beside them holds errors or parameters.
    let of_objects: Vec<&Field<'_>> = lists
        .iter()
        .copied()
        .filter(|list| list.shape.items.as_deref().is_some_and(is_object))
        .collect();
    let lists = if of_objects.is_empty() {
        lists
    } else {
        of_objects
    };
    let parent = beside.split_last().map_or(&[][..], |(_, parent)| parent);
    let in_parent: Vec<&Field<'_>> = lists
        .iter()
        .copied()
        .filter(|list| list.path.starts_with(parent))
        .collect();
    let candidates = if in_parent.is_empty() {
        lists
    } else {
        in_parent
    };
    let shallowest = candidates.iter().map(|list| list.path.len()).min()?;
    let at_shallowest: Vec<&Field<'_>> = candidates
        .into_iter()
        .filter(|list| list.path.len() == shallowest)
        .collect();
    let named: Vec<&Field<'_>> = at_shallowest
        .iter()
        .copied()
        .filter(|list| list.path.iter().any(|name| action.contains(name)))
        .collect();
    match (at_shallowest.as_slice(), named.as_slice()) {
        ([list], _) | (_, [list]) => Some(list.path.join(".")),
        _ => None,
    }
}

impl Field<'_> {
    fn last(&self) -> &str {
        self.path.last().copied().unwrap_or_default()
    }
}

fn is_object(shape: &Shape) -> bool {
    shape.reference.is_some() || type_of(shape) == Some("object")
}

fn is_text_or_integer(shape: &Shape) -> bool {
    matches!(type_of(shape), Some("string" | "int32" | "int64"))
}

/// `NextToken`, `nextToken` and `next_token` are one name: `nexttoken`.
fn normalized(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn wire_name(shape: &Shape) -> Option<&str> {
    shape.name.as_ref().map(|name| name.value.as_str())
}

fn location(shape: &Shape) -> Option<&str> {
    shape.location.as_ref().map(|at| at.value.as_str())
}

fn type_of(shape: &Shape) -> Option<&str> {
    shape.ty.as_ref().map(|ty| ty.value.as_str())
}
