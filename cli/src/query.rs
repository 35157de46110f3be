//! JMESPath expressions (`--cli-query`, table rows and columns, waiter statuses), compiled when
//! the flags are parsed so that a bad one fails before anything is sent.

use serde_json::Value;

/// A compiled expression and the text it was compiled from.
#[derive(Clone, Debug)]
pub struct Query(jmespath::Expression<'static>);

impl Query {
    pub fn parse(text: &str) -> Result<Self, String> {
        jmespath::compile(text)
            .map(Query)
            .map_err(|error| format!("invalid JMESPath: {error}"))
    }

    pub fn text(&self) -> &str {
        self.0.as_str()
    }

    /// What the expression selects from `document`; a type error (a function given a value
    /// it does not take) names the expression.
    pub fn search(&self, document: &Value) -> Result<Value, String> {
        let found = self
            .0
            .search(document)
            .map_err(|error| format!("`{}` cannot be applied: {error}", self.text()))?;
        serde_json::to_value(&*found)
            .map_err(|error| format!("`{}` gave a value JSON cannot hold: {error}", self.text()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn selects_and_reports_errors() {
        let document = json!({"Executions": [{"ExecutionId": "e-1"}, {"ExecutionId": "e-2"}]});
        let ids = Query::parse("Executions[].ExecutionId").unwrap();
        assert_eq!(ids.search(&document), Ok(json!(["e-1", "e-2"])));
        assert_eq!(ids.text(), "Executions[].ExecutionId");
        assert!(
            Query::parse("Executions[")
                .unwrap_err()
                .starts_with("invalid JMESPath")
        );
        let bad_type = Query::parse("length(`1`)").unwrap();
        assert!(
            bad_type
                .search(&document)
                .unwrap_err()
                .contains("cannot be applied")
        );
    }
}
