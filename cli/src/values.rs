//! Flag values to JSON values, validated by kind before anything is sent.

use clap::builder::{PossibleValuesParser, TypedValueParser, ValueParser};
use serde_json::Value;

use crate::model::Kind;

/// A clap parser that accepts only values of `kind` and yields them as JSON values: strings
/// as they are, numbers and booleans checked, JSON parsed.
pub fn parser(kind: Kind) -> ValueParser {
    match kind {
        Kind::String => {
            ValueParser::new(clap::builder::StringValueParser::new().map(Value::String))
        }
        Kind::Int32 => ValueParser::new(clap::value_parser!(i32).map(Value::from)),
        Kind::Int64 => ValueParser::new(clap::value_parser!(i64).map(Value::from)),
        Kind::Float => ValueParser::new(parse_number),
        Kind::Boolean => ValueParser::new(
            PossibleValuesParser::new(["true", "false"]).map(|text| Value::Bool(text == "true")),
        ),
        Kind::Json => ValueParser::new(parse_json),
    }
}

fn parse_number(text: &str) -> Result<Value, String> {
    text.parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .map(Value::Number)
        .ok_or_else(|| format!("`{text}` is not a finite number"))
}

fn parse_json(text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|error| format!("not valid JSON ({error})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_numbers_and_json() {
        assert_eq!(parse_number("1.5"), Ok(Value::from(1.5)));
        assert!(parse_number("NaN").is_err());
        assert_eq!(parse_json(r#"{"k":"v"}"#).unwrap()["k"], "v");
        assert!(parse_json("{k}").unwrap_err().starts_with("not valid JSON"));
    }
}
