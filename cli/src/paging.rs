//! `--pager [path=…]`: every page of a paginated operation, merged into one document.

use std::collections::HashSet;

use acs_runtime::{Client, Location, RequestParams};
use clap::{Arg, ArgMatches};
use serde_json::Value;

use crate::call;
use crate::dry_run::DRY_RUN;
use crate::exit::Failure;
use crate::model::Operation;
use crate::values;
use crate::waiting::WAITER;

pub const PAGER: &str = "pager";

/// Only paginated operations take the flag, so clap refuses it elsewhere.
pub fn arg(heading: &'static str) -> Arg {
    Arg::new(PAGER)
        .long(PAGER)
        .num_args(0..=1)
        .value_name("path=FIELD[.FIELD…]")
        .value_parser(items_path)
        .conflicts_with_all([DRY_RUN, WAITER])
        .help_heading(heading)
        .help(
            "Fetch every page and print the first page's document with every page's items \
             in its list; path= names the list (default: the operation's)",
        )
}

/// `path=Executions`, or aliyun-cli's `path=Instances.Instance[]`: the fields from the top of
/// the response down to the item list.
#[derive(Clone, Debug, PartialEq)]
struct ItemsPath(Vec<String>);

fn items_path(text: &str) -> Result<ItemsPath, String> {
    let (_, path) = values::field(text, &["path"])?;
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
            "path=`{path}`: expected field names joined by dots"
        ));
    }
    Ok(ItemsPath(fields))
}

/// What `--pager` follows: the token parameters and the item list.
pub struct Pages {
    /// The request parameter that carries the token, and where.
    input_token: (&'static str, Location),
    output_token: &'static str,
    items: Vec<String>,
}

/// Whether `operation` pages by token, and so takes `--pager`.
pub fn pages_by_token(operation: &Operation) -> bool {
    operation.call.pagination_token().is_some() && operation.pagination.is_some()
}

/// What to follow when `--pager` was given: its item list, else the operation's.
pub fn requested(operation: &Operation, matches: &ArgMatches) -> Option<Pages> {
    if !pages_by_token(operation) {
        return None;
    }
    matches.value_source(PAGER)?;
    let pagination = operation.pagination.as_ref()?;
    let items = match matches.get_one::<ItemsPath>(PAGER) {
        Some(ItemsPath(fields)) => fields.clone(),
        None => pagination.items.iter().map(|f| f.to_string()).collect(),
    };
    Some(Pages {
        input_token: operation.call.pagination_token()?,
        output_token: pagination.output_token,
        items,
    })
}

impl Pages {
    /// The item list's path, for a table's default rows.
    pub fn items(&self) -> Vec<&str> {
        self.items.iter().map(String::as_str).collect()
    }
}

/// Follows the next token to the last page and returns the first page's document with the
/// items of every page in its list and no next token, as aliyun-cli's `--pager`. A token seen
/// before (A→B→A) ends the loop with an error: the pages would repeat forever.
pub async fn all_pages(
    client: &Client,
    operation: &'static Operation,
    mut params: RequestParams,
    pages: &Pages,
) -> Result<Value, Failure> {
    let mut document = call::send(client, operation, params.clone()).await?;
    let mut merged = take_items(&mut document, &pages.items);
    let mut next = next_token(&document, pages.output_token);
    let mut seen = HashSet::new();
    while let Some(token) = next {
        if !seen.insert(token.clone()) {
            return Err(Failure::Unexpected(format!(
                "the service returned the page token `{token}` a second time, after {} pages: \
                 the pages would repeat forever",
                seen.len() + 1
            )));
        }
        let (name, location) = pages.input_token;
        params.insert(location, name, token);
        let mut page = call::send(client, operation, params.clone()).await?;
        merged.extend(take_items(&mut page, &pages.items));
        next = next_token(&page, pages.output_token);
    }
    put_at(&mut document, &pages.items, Value::Array(merged));
    if let Value::Object(fields) = &mut document {
        fields.shift_remove(pages.output_token);
    }
    Ok(document)
}

/// An absent or empty token ends the pages.
fn next_token(page: &Value, field: &str) -> Option<String> {
    page.get(field)
        .and_then(Value::as_str)
        .filter(|token| !token.is_empty())
        .map(str::to_string)
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

    #[test]
    fn items_move_between_nested_paths() {
        let path = ["A".to_string(), "B".to_string()];
        let mut page: Value = serde_json::json!({"A": {"B": [1, 2]}, "NextToken": "t"});
        assert_eq!(take_at(&mut page, &path), Some(serde_json::json!([1, 2])));
        put_at(&mut page, &path, serde_json::json!([1, 2, 3]));
        assert_eq!(page["A"]["B"], serde_json::json!([1, 2, 3]));
    }

    #[test]
    fn paths_are_dotted_fields_with_an_optional_list_suffix() {
        let fields = |list: &[&str]| ItemsPath(list.iter().map(|f| f.to_string()).collect());
        assert_eq!(items_path("path=Executions"), Ok(fields(&["Executions"])));
        assert_eq!(
            items_path("path=Instances.Instance[]"),
            Ok(fields(&["Instances", "Instance"]))
        );
        for bad in ["path=A..B", "path=A[0]", "path=", "items=A", "A"] {
            assert!(items_path(bad).is_err(), "{bad}");
        }
    }
}
