//! `--output table [cols=…] [rows=…]`, laid out as aliyun-cli lays out its tables: a header, a
//! line of dashes under each column name, cells separated by ` | `.

use serde_json::Value;

use crate::query::Query;

/// A column: its heading and the expression that picks its cell from a row.
#[derive(Clone, Debug)]
pub struct Column {
    heading: String,
    cell: Query,
}

impl Column {
    /// `cols=` names columns by JMESPath expressions, each shown as its own heading.
    pub fn parse_list(text: &str) -> Result<Vec<Column>, String> {
        text.split(',')
            .map(|expression| {
                Ok(Column {
                    heading: expression.to_string(),
                    cell: Query::parse(expression)?,
                })
            })
            .collect()
    }

    /// A column for a field of the row, quoted so that any field name is one identifier.
    fn field(name: &str) -> Result<Column, String> {
        let quoted = serde_json::to_string(name).map_err(|error| error.to_string())?;
        Ok(Column {
            heading: name.to_string(),
            cell: Query::parse(&quoted)?,
        })
    }
}

#[derive(Clone, Debug, Default)]
pub struct Table {
    pub columns: Option<Vec<Column>>,
    pub rows: Option<Query>,
}

impl Table {
    /// The rows are `rows=`'s array; by default the operation's item list (`items`, given
    /// only when the document is the response itself), else the document's elements when it
    /// is an array, else the document as one row. The columns are `cols=`; by default every
    /// field of the first row that holds no object or array, or the row itself when it is not
    /// an object.
    pub fn render(&self, document: &Value, items: Option<&[&str]>) -> Result<String, String> {
        let rows = match &self.rows {
            Some(rows) => match rows.search(document)? {
                Value::Array(rows) => rows,
                other => {
                    return Err(format!(
                        "rows=`{}` selects {}, not an array",
                        rows.text(),
                        kind_of(&other)
                    ));
                }
            },
            None => default_rows(document, items),
        };
        let columns = match &self.columns {
            Some(columns) => columns.clone(),
            None => default_columns(rows.first())?,
        };
        let mut lines = Vec::with_capacity(rows.len() + 2);
        lines.push(columns.iter().map(|c| c.heading.clone()).collect());
        lines.push(
            columns
                .iter()
                .map(|c| "-".repeat(c.heading.chars().count()))
                .collect(),
        );
        for row in &rows {
            let cells = columns
                .iter()
                .map(|column| column.cell.search(row).map(|value| cell_text(&value)))
                .collect::<Result<Vec<String>, String>>()?;
            lines.push(cells);
        }
        Ok(layout(&lines))
    }
}

fn default_rows(document: &Value, items: Option<&[&str]>) -> Vec<Value> {
    let item_list = items.and_then(|path| {
        path.iter()
            .try_fold(document, |current, field| current.get(*field))
    });
    match (item_list, document) {
        (Some(Value::Array(items)), _) => items.clone(),
        (_, Value::Array(elements)) => elements.clone(),
        _ => vec![document.clone()],
    }
}

fn default_columns(first_row: Option<&Value>) -> Result<Vec<Column>, String> {
    match first_row {
        Some(Value::Object(fields)) => fields
            .iter()
            .filter(|(_, value)| !value.is_object() && !value.is_array())
            .map(|(name, _)| Column::field(name))
            .collect(),
        _ => Ok(vec![Column {
            heading: "@".to_string(),
            cell: Query::parse("@")?,
        }]),
    }
}

/// Strings as they are, null as nothing, anything else as compact JSON; control characters
/// escaped so that every row stays on one line.
fn cell_text(value: &Value) -> String {
    let text = match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    if text.chars().any(char::is_control) {
        text.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect()
    } else {
        text
    }
}

/// Each column as wide as its widest cell; the last column unpadded.
fn layout(lines: &[Vec<String>]) -> String {
    let columns = lines.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|index| {
            lines
                .iter()
                .map(|cells| cells[index].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut text = String::new();
    for cells in lines {
        for (index, cell) in cells.iter().enumerate() {
            if index + 1 == columns {
                text.push_str(cell);
            } else {
                let padding = widths[index] - cell.chars().count();
                text.push_str(cell);
                text.extend(std::iter::repeat_n(' ', padding));
                text.push_str(" | ");
            }
        }
        text.push('\n');
    }
    text
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn executions() -> Value {
        json!({
            "RequestId": "R",
            "Executions": [
                {"ExecutionId": "exec-1", "Status": "Success", "Outputs": {"k": 1}, "Counters": 3},
                {"ExecutionId": "exec-22", "Status": "Running\nagain", "Counters": null}
            ]
        })
    }

    #[test]
    fn cols_and_rows_pick_cells_as_aliyun_cli_lays_them_out() {
        let table = Table {
            columns: Some(Column::parse_list("ExecutionId,Status,Outputs.k").unwrap()),
            rows: Some(Query::parse("Executions").unwrap()),
        };
        assert_eq!(
            table.render(&executions(), None).unwrap(),
            "ExecutionId | Status         | Outputs.k\n\
             ----------- | ------         | ---------\n\
             exec-1      | Success        | 1\n\
             exec-22     | Running\\nagain | \n"
        );
    }

    #[test]
    fn defaults_take_the_item_list_and_its_scalar_fields() {
        let table = Table::default();
        assert_eq!(
            table
                .render(&executions(), Some(&["Executions"][..]))
                .unwrap(),
            "ExecutionId | Status         | Counters\n\
             ----------- | ------         | --------\n\
             exec-1      | Success        | 3\n\
             exec-22     | Running\\nagain | \n"
        );
        // Without an item list, the document is one row; an array's elements are rows.
        assert_eq!(
            table.render(&executions(), None).unwrap(),
            "RequestId\n---------\nR\n"
        );
        assert_eq!(
            table.render(&json!(["a", "bb"]), None).unwrap(),
            "@\n-\na\nbb\n"
        );
    }

    #[test]
    fn rows_must_select_an_array() {
        let table = Table {
            columns: None,
            rows: Some(Query::parse("RequestId").unwrap()),
        };
        assert_eq!(
            table.render(&executions(), None).unwrap_err(),
            "rows=`RequestId` selects a string, not an array"
        );
    }
}
