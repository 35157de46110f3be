//! What a successful command prints: `--output json|compact|table [cols=…] [rows=…]`,
//! `--cli-query EXPR` and `--quiet`.

use clap::{Arg, ArgAction, ArgMatches};
use serde_json::Value;

use crate::query::Query;
use crate::table::{Column, Table};
use crate::values;

pub const OUTPUT: &str = "output";
pub const CLI_QUERY: &str = "cli-query";
pub const QUIET: &str = "quiet";

/// The options of every command that prints a response, under `heading`.
pub fn args(heading: &'static str) -> [Arg; 3] {
    [
        Arg::new(OUTPUT)
            .long(OUTPUT)
            .num_args(1..)
            .value_name("FORMAT|cols=…|rows=…")
            .value_parser(setting)
            .help_heading(heading)
            .help(
                "json (pretty, the default), compact (one line) or table; a table takes \
                 cols=EXPR,EXPR… (its columns) and rows=EXPR (an array), both JMESPath, \
                 and cols= or rows= alone mean table",
            ),
        Arg::new(CLI_QUERY)
            .long(CLI_QUERY)
            .value_name("JMESPATH")
            .value_parser(Query::parse)
            .help_heading(heading)
            .help("Print what this JMESPath expression selects from the response"),
        Arg::new(QUIET)
            .long(QUIET)
            .action(ArgAction::SetTrue)
            .help_heading(heading)
            .help("Print nothing on success (errors still go to stderr)"),
    ]
}

/// One value of `--output`.
#[derive(Clone, Debug)]
enum Setting {
    Format(FormatName),
    Columns(Vec<Column>),
    Rows(Query),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FormatName {
    Json,
    Compact,
    Table,
}

fn setting(text: &str) -> Result<Setting, String> {
    match text {
        "json" => return Ok(Setting::Format(FormatName::Json)),
        "compact" => return Ok(Setting::Format(FormatName::Compact)),
        "table" => return Ok(Setting::Format(FormatName::Table)),
        _ => {}
    }
    match values::field(text, &["cols", "rows"]) {
        Ok(("cols", columns)) => Column::parse_list(columns).map(Setting::Columns),
        Ok((_, rows)) => Query::parse(rows).map(Setting::Rows),
        Err(_) => Err(format!(
            "`{text}`: expected json, compact, table, cols=… or rows=…"
        )),
    }
}

#[derive(Debug)]
enum Format {
    Json,
    Compact,
    Table(Table),
}

/// How a command prints its response.
#[derive(Debug)]
pub struct Output {
    format: Format,
    query: Option<Query>,
    quiet: bool,
}

impl Output {
    /// The output options of a command's arguments; a contradiction (two formats, `cols=` with
    /// `json`) is a usage error.
    pub fn from_matches(matches: &ArgMatches) -> Result<Self, String> {
        let mut name = None;
        let mut table = Table::default();
        for setting in matches.get_many::<Setting>(OUTPUT).into_iter().flatten() {
            let repeated = match setting.clone() {
                Setting::Format(format) => name.replace(format).is_some(),
                Setting::Columns(columns) => table.columns.replace(columns).is_some(),
                Setting::Rows(rows) => table.rows.replace(rows).is_some(),
            };
            if repeated {
                return Err("--output takes one format, one cols= and one rows=".into());
            }
        }
        let shaped = table.columns.is_some() || table.rows.is_some();
        let format = match (name, shaped) {
            (Some(FormatName::Table), _) | (None, true) => Format::Table(table),
            (Some(_), true) => {
                return Err("--output: cols= and rows= shape a table, not JSON".into());
            }
            (Some(FormatName::Compact), false) => Format::Compact,
            (Some(FormatName::Json) | None, false) => Format::Json,
        };
        Ok(Output {
            format,
            query: matches.get_one::<Query>(CLI_QUERY).cloned(),
            quiet: matches.get_flag(QUIET),
        })
    }

    pub fn quiet(&self) -> bool {
        self.quiet
    }

    /// The text to print for `document` (nothing with `--quiet`): the query's selection, in
    /// the format. `items` is the path to the operation's item list, a table's default rows.
    pub fn render(
        &self,
        document: Value,
        items: Option<&[&str]>,
    ) -> Result<Option<String>, String> {
        if self.quiet {
            return Ok(None);
        }
        let (document, items) = match &self.query {
            Some(query) => (query.search(&document)?, None),
            None => (document, items),
        };
        let text = match &self.format {
            Format::Json => serde_json::to_string_pretty(&document),
            Format::Compact => serde_json::to_string(&document),
            Format::Table(table) => return table.render(&document, items).map(Some),
        };
        text.map(|text| Some(text + "\n"))
            .map_err(|error| format!("cannot print the response: {error}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Command;
    use serde_json::json;

    fn output(given: &[&str]) -> Result<Output, String> {
        let command = Command::new("t").args(args("Call options"));
        let matches = command
            .try_get_matches_from(std::iter::once("t").chain(given.iter().copied()))
            .map_err(|error| error.to_string())?;
        Output::from_matches(&matches)
    }

    #[test]
    fn formats_query_and_quiet() {
        let document = json!({"Executions": [{"ExecutionId": "e-1"}], "RequestId": "R"});
        let query = [
            "--cli-query",
            "Executions[].ExecutionId",
            "--output",
            "compact",
        ];
        let text = output(&query).unwrap().render(document.clone(), None);
        assert_eq!(text, Ok(Some("[\"e-1\"]\n".to_string())));
        let pretty = output(&[]).unwrap().render(json!({"A": 1}), None);
        assert_eq!(pretty, Ok(Some("{\n  \"A\": 1\n}\n".to_string())));
        let quiet = output(&["--quiet"]).unwrap().render(document.clone(), None);
        assert_eq!(quiet, Ok(None));
        let table = output(&["--output", "cols=ExecutionId"]).unwrap();
        let text = table.render(document, Some(&["Executions"][..])).unwrap();
        assert_eq!(text.unwrap(), "ExecutionId\n-----------\ne-1\n");
    }

    #[test]
    fn contradictions_and_bad_expressions_are_usage_errors() {
        let message = |args: &[&str]| output(args).unwrap_err();
        assert!(message(&["--output", "json", "cols=A"]).contains("shape a table"));
        assert!(message(&["--output", "json", "table"]).contains("one format"));
        assert!(message(&["--output", "yaml"]).contains("expected json, compact, table"));
        assert!(message(&["--output", "rows=A["]).contains("invalid JMESPath"));
        assert!(message(&["--cli-query", "A["]).contains("invalid JMESPath"));
    }
}
