//! `--pager`: every page of a listing, merged into one document, as aliyun-cli's `--pager`.
//! An operation the spec paginates pages as its SDK paginator does; aliyun-cli's fields
//! (`path=`, `PageNumber=`, `PageSize=`, `TotalCount=`, `NextToken=`) override the spec, and
//! page any other operation. The loop is the runtime's [`Cursor`], which the SDK's
//! paginators follow too.

use acs_runtime::Location;
use acs_runtime::paginator::{self, Cursor, PageSummary};
use acs_runtime::{Client, Paging, RequestParams};
use clap::{Arg, ArgMatches};
use serde_json::Value;

use crate::call;
use crate::dry_run::DRY_RUN;
use crate::exit::Failure;
use crate::model::Operation;
use crate::values;
use crate::waiting::WAITER;

pub const PAGER: &str = "pager";

/// aliyun-cli's field names, which are also its defaults: the response fields (and, by their
/// last name, the request parameters) an operation without a paginator pages by.
const PAGE_NUMBER: &str = "PageNumber";
const PAGE_SIZE: &str = "PageSize";
const TOTAL_COUNT: &str = "TotalCount";
const NEXT_TOKEN: &str = "NextToken";

/// Every operation takes the flag, as in aliyun-cli.
pub fn arg(heading: &'static str) -> Arg {
    Arg::new(PAGER)
        .long(PAGER)
        .num_args(0..=5)
        .value_name("KEY=FIELD")
        .value_parser(field)
        .conflicts_with_all([DRY_RUN, WAITER])
        .help_heading(heading)
        .help(
            "Fetch every page and print the first page's document with every page's items \
             in its list; path=, PageNumber=, PageSize=, TotalCount= and NextToken= name the \
             fields to page by, as in aliyun-cli",
        )
}

/// One field of the flag: its key and the response fields it names, from the top down.
#[derive(Clone, Debug, PartialEq)]
struct Field {
    key: &'static str,
    path: Vec<String>,
}

/// `path=Executions`, aliyun-cli's `path=Instances.Instance[]`, `NextToken=Data.NextToken`.
fn field(text: &str) -> Result<Field, String> {
    let (key, path) = values::field(
        text,
        &["path", PAGE_NUMBER, PAGE_SIZE, TOTAL_COUNT, NEXT_TOKEN],
    )?;
    let fields: Vec<String> = path
        .strip_suffix("[]")
        .unwrap_or(path)
        .split('.')
        .map(str::to_string)
        .collect();
    if fields
        .iter()
        .any(|field| field.is_empty() || field.contains(['[', ']']))
    {
        return Err(format!(
            "{key}=`{path}`: expected field names joined by dots"
        ));
    }
    Ok(Field { key, path: fields })
}

/// What `--pager` follows.
#[derive(Debug)]
pub struct Pages {
    /// The response fields down to the item list; found in the first page when empty.
    items: Vec<String>,
    /// The response fields down to the next token, and the parameter that carries it.
    next_token: Option<(Vec<String>, Paging)>,
    /// How pages are numbered, when they are.
    page_number: Option<Paging>,
    /// The response fields down to the total count, if any.
    total_count: Option<Vec<String>>,
}

impl Pages {
    /// The item list's path, for a table's default rows.
    pub fn items(&self) -> Vec<&str> {
        self.items.iter().map(String::as_str).collect()
    }
}

/// What to follow when `--pager` was given: the operation's pagination, with the fields given
/// in its place; aliyun-cli's defaults for an operation without one. An operation that takes
/// no token and no page number is a usage error, before anything is sent.
pub fn requested(operation: &Operation, matches: &ArgMatches) -> Result<Option<Pages>, Failure> {
    if matches.value_source(PAGER).is_none() {
        return Ok(None);
    }
    let given: Vec<&Field> = matches
        .get_many::<Field>(PAGER)
        .map(|fields| fields.collect())
        .unwrap_or_default();
    let named = |key: &str| {
        given
            .iter()
            .rev()
            .find(|field| field.key == key)
            .map(|field| field.path.clone())
    };
    let spec = operation.pagination.as_ref();
    let mut pages = Pages {
        items: spec.map_or_else(Vec::new, |spec| to_strings(spec.items)),
        next_token: None,
        page_number: None,
        total_count: match spec {
            Some(spec) if spec.total_count.is_empty() => None,
            Some(spec) => Some(to_strings(spec.total_count)),
            None => Some(vec![TOTAL_COUNT.to_owned()]),
        },
    };
    match (operation.call.paging(), spec) {
        (Some(paging @ Paging::Token { .. }), Some(spec)) => {
            pages.next_token = Some((to_strings(spec.output_token), paging));
        }
        (Some(paging @ Paging::Number { .. }), Some(_)) => pages.page_number = Some(paging),
        _ => {
            pages.next_token = token_paging(operation, vec![NEXT_TOKEN.to_owned()]).ok();
            pages.page_number = number_paging(operation, PAGE_NUMBER, PAGE_SIZE).ok();
        }
    }
    if let Some(path) = named("path") {
        pages.items = path;
    }
    if let Some(path) = named(TOTAL_COUNT) {
        pages.total_count = Some(path);
    }
    if let Some(path) = named(NEXT_TOKEN) {
        pages.next_token = Some(token_paging(operation, path).map_err(Failure::Usage)?);
    }
    let page_size = named(PAGE_SIZE);
    if let Some(path) = named(PAGE_NUMBER) {
        let size = page_size.as_ref().map_or(PAGE_SIZE, |size| last(size));
        let paging = number_paging(operation, last(&path), size).map_err(Failure::Usage)?;
        pages.page_number = Some(paging);
    } else if let (Some(size), Some(Paging::Number { page_size, .. })) =
        (&page_size, &mut pages.page_number)
    {
        *page_size = Some(parameter(operation, last(size)).map_err(Failure::Usage)?);
    }
    if pages.next_token.is_none() && pages.page_number.is_none() {
        return Err(Failure::Usage(format!(
            "{} takes neither a `{NEXT_TOKEN}` nor a `{PAGE_NUMBER}` to page by: name the \
             parameters with --pager NextToken=… or PageNumber=…",
            operation.call.action()
        )));
    }
    Ok(Some(pages))
}

fn to_strings(path: &[&str]) -> Vec<String> {
    path.iter().map(|field| field.to_string()).collect()
}

fn last(path: &[String]) -> &str {
    path.last().map_or("", String::as_str)
}

/// Paging by the token at `path` of each response, sent back in the parameter of its last
/// name.
fn token_paging(operation: &Operation, path: Vec<String>) -> Result<(Vec<String>, Paging), String> {
    let (parameter, at) = parameter(operation, last(&path))?;
    Ok((path, Paging::Token { parameter, at }))
}

/// Paging by the page number `number`, with the page size `size` when the operation takes it.
fn number_paging(operation: &Operation, number: &str, size: &str) -> Result<Paging, String> {
    let (parameter, at) = parameter(operation, number)?;
    Ok(Paging::Number {
        parameter,
        at,
        page_size: parameter_of(operation, size),
    })
}

fn parameter(operation: &Operation, name: &str) -> Result<(&'static str, Location), String> {
    parameter_of(operation, name).ok_or_else(|| {
        format!(
            "--pager: {} has no parameter `{name}` to page by",
            operation.call.action()
        )
    })
}

/// The operation's parameter `name`, and where the runtime puts it; a whole body is none.
fn parameter_of(operation: &Operation, name: &str) -> Option<(&'static str, Location)> {
    let parameter = operation.parameters.iter().find(|p| p.name == name)?;
    if parameter.location == Location::Body {
        return None;
    }
    Some((parameter.name, parameter.location))
}

/// Fetches every page and returns the first page's document with the items of every page in
/// its list and no next token, as aliyun-cli's `--pager`. It stops as the SDK's paginators
/// do: at the last page, or with an error at a token or a page seen before.
pub async fn all_pages(
    client: &Client,
    operation: &'static Operation,
    mut params: RequestParams,
    pages: &mut Pages,
) -> Result<Value, Failure> {
    let mut document = call::send(client, operation, params.clone()).await?;
    if pages.items.is_empty() {
        pages.items = detect_items(&document).ok_or_else(|| {
            Failure::Usage(
                "cannot tell which list of the response to merge: name it with --pager \
                 path=FIELD.FIELD"
                    .into(),
            )
        })?;
    }
    // The token field of the first page decides, as in aliyun-cli: a listing that returns one
    // pages by token, any other by page number.
    let token_path = pages
        .next_token
        .as_ref()
        .filter(|(path, _)| next_token(&document, path).is_some());
    let paging = match token_path {
        Some((_, paging)) => Some(*paging),
        None => pages.page_number,
    };
    let mut cursor = Cursor::new(paging, &params);
    let mut merged = take_items(&mut document, &pages.items);
    let mut summary = summarize(&document, &merged, pages);
    while advance(&mut cursor, &summary, &mut params)? {
        let mut page = call::send(client, operation, params.clone()).await?;
        let items = take_items(&mut page, &pages.items);
        summary = summarize(&page, &items, pages);
        merged.extend(items);
    }
    put_at(&mut document, &pages.items, Value::Array(merged));
    if let Some((path, _)) = &pages.next_token {
        take_at(&mut document, path);
    }
    Ok(document)
}

fn advance(
    cursor: &mut Cursor,
    page: &PageSummary,
    params: &mut RequestParams,
) -> Result<bool, Failure> {
    cursor
        .advance(page, params)
        .map_err(|repeated| Failure::Unexpected(repeated.to_string()))
}

fn summarize(page: &Value, items: &[Value], pages: &Pages) -> PageSummary {
    PageSummary {
        next_token: pages
            .next_token
            .as_ref()
            .and_then(|(path, _)| next_token(page, path)),
        total_count: pages
            .total_count
            .as_ref()
            .and_then(|path| total_count(page, path)),
        items: items.len(),
        fingerprint: paginator::fingerprint(items),
    }
}

/// A token that is absent or empty ends the pages; some services page with a number.
fn next_token(page: &Value, path: &[String]) -> Option<String> {
    match value_at(page, path)? {
        Value::String(token) if !token.is_empty() => Some(token.clone()),
        Value::Number(token) => Some(token.to_string()),
        _ => None,
    }
}

fn total_count(page: &Value, path: &[String]) -> Option<u64> {
    match value_at(page, path)? {
        Value::Number(count) => count.as_u64(),
        Value::String(count) => count.trim().parse().ok(),
        _ => None,
    }
}

/// aliyun-cli's guess: a top-level list, else the first list in a top-level object
/// (`Instances.Instance`).
fn detect_items(document: &Value) -> Option<Vec<String>> {
    let fields = document.as_object()?;
    let top_level = fields
        .iter()
        .find(|(_, value)| value.is_array())
        .map(|(name, _)| vec![name.clone()]);
    top_level.or_else(|| {
        fields.iter().find_map(|(outer, value)| {
            let (inner, _) = value
                .as_object()?
                .iter()
                .find(|(_, value)| value.is_array())?;
            Some(vec![outer.clone(), inner.clone()])
        })
    })
}

fn value_at<'a>(document: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter().try_fold(document, |value, key| value.get(key))
}

/// Removes the page's item list; a page without one has no items.
fn take_items(page: &mut Value, path: &[String]) -> Vec<Value> {
    match take_at(page, path) {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    }
}

fn take_at(document: &mut Value, path: &[String]) -> Option<Value> {
    let (last, parents) = path.split_last()?;
    let mut current = document;
    for key in parents {
        current = current.get_mut(key)?;
    }
    current.as_object_mut()?.shift_remove(last)
}

fn put_at(document: &mut Value, path: &[String], value: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut current = document;
    for key in parents {
        let Value::Object(fields) = current else {
            return;
        };
        current = fields
            .entry(key.clone())
            .or_insert_with(|| Value::Object(Default::default()));
    }
    if let Value::Object(fields) = current {
        fields.insert(last.clone(), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(fields: &[&str]) -> Vec<String> {
        fields.iter().map(|field| field.to_string()).collect()
    }

    #[test]
    fn items_move_between_nested_paths() {
        let items = path(&["A", "B"]);
        let mut page: Value = serde_json::json!({"A": {"B": [1, 2]}, "NextToken": "t"});
        assert_eq!(take_at(&mut page, &items), Some(serde_json::json!([1, 2])));
        put_at(&mut page, &items, serde_json::json!([1, 2, 3]));
        assert_eq!(page["A"]["B"], serde_json::json!([1, 2, 3]));
    }

    #[test]
    fn fields_are_dotted_names_with_an_optional_list_suffix() {
        let parsed = |key, fields: &[&str]| Field {
            key,
            path: path(fields),
        };
        assert_eq!(
            field("path=Executions"),
            Ok(parsed("path", &["Executions"]))
        );
        assert_eq!(
            field("path=Instances.Instance[]"),
            Ok(parsed("path", &["Instances", "Instance"]))
        );
        assert_eq!(
            field("TotalCount=PageInfo.TotalCount"),
            Ok(parsed(TOTAL_COUNT, &["PageInfo", "TotalCount"]))
        );
        for bad in [
            "path=A..B",
            "path=A[0]",
            "path=",
            "items=A",
            "A",
            "NextToken=",
        ] {
            assert!(field(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tokens_and_totals_are_read_from_text_or_numbers() {
        let page = serde_json::json!({"Data": {"NextToken": "t", "Total": "12"}, "N": 3, "E": ""});
        assert_eq!(
            next_token(&page, &path(&["Data", "NextToken"])),
            Some("t".into())
        );
        assert_eq!(next_token(&page, &path(&["N"])), Some("3".into()));
        assert_eq!(next_token(&page, &path(&["E"])), None);
        assert_eq!(total_count(&page, &path(&["Data", "Total"])), Some(12));
        assert_eq!(total_count(&page, &path(&["N"])), Some(3));
        assert_eq!(total_count(&page, &path(&["Missing"])), None);
    }

    #[test]
    fn the_item_list_is_guessed_as_aliyun_cli_guesses_it() {
        let guess = |document: Value| detect_items(&document);
        assert_eq!(
            guess(serde_json::json!({"RequestId": "r", "Items": [1]})),
            Some(path(&["Items"]))
        );
        assert_eq!(
            guess(serde_json::json!({"TotalCount": 1, "Vpcs": {"Vpc": [1]}})),
            Some(path(&["Vpcs", "Vpc"]))
        );
        assert_eq!(guess(serde_json::json!({"TotalCount": 1})), None);
    }
}
