//! Lenient comparison of JSON documents, for checking a decoded response against a documented
//! example.

use serde_json::{Number, Value};

/// The first way `actual` falls short of `expected`, described with its JSON path (such as
/// `$.Templates[0].TemplateName`), or `None` when it does not.
///
/// The comparison is lenient in the ways the service is:
/// - a string equals a number or a boolean with the same text (`"5"` and `5`, `"true"` and
///   `true`), and numbers equal by value (`1` and `1.0`);
/// - `null` equals absent: a `null` in `expected` asks for nothing, and a `null` in `actual`
///   counts as missing;
/// - every non-null key of an `expected` object must be in `actual`, which may have more keys;
///   arrays must have the same length and match element by element.
pub fn lenient_json_diff(expected: &Value, actual: &Value) -> Option<String> {
    let mut path = String::from("$");
    first_difference(expected, actual, &mut path)
}

fn first_difference(expected: &Value, actual: &Value, path: &mut String) -> Option<String> {
    match (expected, actual) {
        (Value::Null, _) => None,
        (_, Value::Null) => Some(format!("{path}: expected {expected}, found nothing")),
        (Value::Object(expected_fields), Value::Object(actual_fields)) => {
            expected_fields.iter().find_map(|(key, expected_value)| {
                let parent_length = path.len();
                push_key(path, key);
                let difference = first_difference(
                    expected_value,
                    actual_fields.get(key).unwrap_or(&Value::Null),
                    path,
                );
                path.truncate(parent_length);
                difference
            })
        }
        (Value::Array(expected_items), Value::Array(actual_items)) => {
            if expected_items.len() != actual_items.len() {
                return Some(format!(
                    "{path}: expected {} elements, found {}",
                    expected_items.len(),
                    actual_items.len()
                ));
            }
            expected_items
                .iter()
                .zip(actual_items)
                .enumerate()
                .find_map(|(index, (expected_item, actual_item))| {
                    let parent_length = path.len();
                    path.push_str(&format!("[{index}]"));
                    let difference = first_difference(expected_item, actual_item, path);
                    path.truncate(parent_length);
                    difference
                })
        }
        _ if scalars_equal(expected, actual) => None,
        _ => Some(format!("{path}: expected {expected}, found {actual}")),
    }
}

/// `.Key` for plain names, `["key"]` for anything else.
fn push_key(path: &mut String, key: &str) {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if plain {
        path.push('.');
        path.push_str(key);
    } else {
        path.push('[');
        path.push_str(&Value::from(key).to_string());
        path.push(']');
    }
}

fn scalars_equal(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::String(left), Value::String(right)) => left == right,
        (Value::Bool(left), Value::Bool(right)) => left == right,
        (Value::Number(left), Value::Number(right)) => numbers_equal(left, right),
        (Value::String(text), Value::Number(number))
        | (Value::Number(number), Value::String(text)) => text
            .trim()
            .parse::<Number>()
            .is_ok_and(|parsed| numbers_equal(&parsed, number)),
        (Value::String(text), Value::Bool(flag)) | (Value::Bool(flag), Value::String(text)) => {
            text == if *flag { "true" } else { "false" }
        }
        _ => false,
    }
}

/// Integers compare exactly; otherwise by floating-point value, so that `1` equals `1.0`.
fn numbers_equal(left: &Number, right: &Number) -> bool {
    if let (Some(left), Some(right)) = (left.as_i64(), right.as_i64()) {
        return left == right;
    }
    if let (Some(left), Some(right)) = (left.as_u64(), right.as_u64()) {
        return left == right;
    }
    left.as_f64() == right.as_f64()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn equal_documents_have_no_difference() {
        let document = json!({"A": [1, {"B": "x"}], "C": null, "D": true});
        assert_eq!(lenient_json_diff(&document, &document), None);
    }

    #[test]
    fn strings_equal_numbers_and_booleans_with_the_same_text() {
        let expected = json!({"Count": "5", "Big": 9007199254740993u64, "Ratio": 1, "Flag": "true", "On": false});
        let actual = json!({"Count": 5, "Big": "9007199254740993", "Ratio": 1.0, "Flag": true, "On": "false"});
        assert_eq!(lenient_json_diff(&expected, &actual), None);
        assert_eq!(
            lenient_json_diff(&json!({"Count": "5"}), &json!({"Count": 6})),
            Some("$.Count: expected \"5\", found 6".to_owned())
        );
        assert_eq!(
            lenient_json_diff(&json!(9007199254740993u64), &json!(9007199254740992u64)),
            Some("$: expected 9007199254740993, found 9007199254740992".to_owned())
        );
        assert!(lenient_json_diff(&json!("1.0"), &json!("1")).is_some());
        assert!(lenient_json_diff(&json!(true), &json!(1)).is_some());
    }

    #[test]
    fn null_equals_absent_and_extra_keys_are_allowed() {
        let expected = json!({"Name": "a", "Gone": null});
        assert_eq!(
            lenient_json_diff(&expected, &json!({"Name": "a", "Extra": 1})),
            None
        );
        assert_eq!(
            lenient_json_diff(&json!({"Name": "a"}), &json!({"Name": null})),
            Some("$.Name: expected \"a\", found nothing".to_owned())
        );
        assert_eq!(
            lenient_json_diff(&json!({"Outer": {"Name": "a"}}), &json!({"Outer": {}})),
            Some("$.Outer.Name: expected \"a\", found nothing".to_owned())
        );
    }

    #[test]
    fn differences_name_their_path() {
        let expected = json!({"Items": [{"Id": 1}, {"Id": 2, "Tags": {"a b": "x"}}]});
        let actual = json!({"Items": [{"Id": "1"}, {"Id": 2, "Tags": {"a b": "y"}}]});
        assert_eq!(
            lenient_json_diff(&expected, &actual),
            Some("$.Items[1].Tags[\"a b\"]: expected \"x\", found \"y\"".to_owned())
        );
        assert_eq!(
            lenient_json_diff(&json!({"L": [1, 2]}), &json!({"L": [1]})),
            Some("$.L: expected 2 elements, found 1".to_owned())
        );
        assert_eq!(
            lenient_json_diff(&json!({"L": [1]}), &json!({"L": {"0": 1}})),
            Some("$.L: expected [1], found {\"0\":1}".to_owned())
        );
    }
}
