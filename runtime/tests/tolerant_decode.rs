//! Tolerant response decoding: each conversion at the top level and nested in arrays, map values
//! and structs; plus properties that it never panics and never rejects what plain serde_json
//! accepts.

use std::collections::BTreeMap;

use acs_runtime::{CompactString, de};
use proptest::prelude::*;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Debug, Default, Deserialize, PartialEq)]
struct Scalars {
    #[serde(rename = "Text")]
    text: Option<String>,
    #[serde(rename = "Small")]
    small: Option<i32>,
    #[serde(rename = "Large")]
    large: Option<i64>,
    #[serde(rename = "Single")]
    single: Option<f32>,
    #[serde(rename = "Double")]
    double: Option<f64>,
    #[serde(rename = "Flag")]
    flag: Option<bool>,
}

#[derive(Debug, Default, Deserialize, PartialEq)]
struct Response {
    #[serde(rename = "RequestId")]
    request_id: Option<String>,
    #[serde(rename = "Top")]
    top: Option<Scalars>,
    #[serde(rename = "Items")]
    items: Option<Vec<Scalars>>,
    #[serde(rename = "Numbers")]
    numbers: Option<Vec<i64>>,
    #[serde(rename = "Names")]
    names: Option<Vec<String>>,
    #[serde(rename = "Flags")]
    flags: Option<Vec<bool>>,
    #[serde(rename = "ByName")]
    by_name: Option<BTreeMap<String, Scalars>>,
    #[serde(rename = "Counts")]
    counts: Option<BTreeMap<String, i32>>,
    #[serde(rename = "Raw")]
    raw: Option<Value>,
    #[serde(rename = "Outer")]
    outer: Option<Outer>,
}

#[derive(Debug, Default, Deserialize, PartialEq)]
struct Outer {
    #[serde(rename = "Inner")]
    inner: Option<Inner>,
}

#[derive(Debug, Default, Deserialize, PartialEq)]
struct Inner {
    #[serde(rename = "Deep")]
    deep: Option<Vec<BTreeMap<String, Vec<Scalars>>>>,
}

fn decode<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, serde_json::Error> {
    de::from_slice(value.to_string().as_bytes())
}

/// Every tolerated form of each scalar, with what it must decode to.
fn mismatched_scalars() -> (Value, Scalars) {
    (
        json!({
            "Text": 12345,
            "Small": "42",
            "Large": " -9007199254740993 ",
            "Single": "0.5",
            "Double": "1e3",
            "Flag": "true"
        }),
        Scalars {
            text: Some("12345".to_owned()),
            small: Some(42),
            large: Some(-9_007_199_254_740_993),
            single: Some(0.5),
            double: Some(1000.0),
            flag: Some(true),
        },
    )
}

#[test]
fn scalars_convert_at_the_top_level() {
    let (value, expected) = mismatched_scalars();
    assert_eq!(decode::<Scalars>(value).unwrap(), expected);
}

#[test]
fn strings_take_numbers_and_booleans_as_their_json_text() {
    let texts = |value: Value| decode::<Vec<String>>(value).unwrap();
    assert_eq!(
        texts(json!([
            7,
            -7,
            18446744073709551615u64,
            1.5,
            2.0,
            1e300,
            true,
            false,
            "s"
        ])),
        [
            "7",
            "-7",
            "18446744073709551615",
            "1.5",
            "2.0",
            "1e+300",
            "true",
            "false",
            "s"
        ]
    );
}

/// Generated responses hold their text as `CompactString`: it takes every form `String` takes,
/// from JSON bytes and from XML read as JSON alike, at the top level and nested.
#[test]
fn compact_strings_take_what_strings_take() {
    let values = json!([
        7,
        -7,
        18446744073709551615u64,
        -9223372036854775808i64,
        1.5,
        1e300,
        true,
        false,
        "",
        "s",
        "a text longer than the twenty-four bytes kept inline",
        "caf\u{e9}"
    ]);
    let as_strings = decode::<Vec<String>>(values.clone()).unwrap();
    let compact = decode::<Vec<CompactString>>(values.clone()).unwrap();
    assert_eq!(compact, as_strings);
    assert_eq!(
        de::from_value::<Vec<CompactString>>(values).unwrap(),
        as_strings
    );

    let nested = json!({"Names": "[1, \"two\"]", "ByName": {"k": [false, null]}});
    #[derive(Debug, Deserialize)]
    struct Nested {
        #[serde(rename = "Names")]
        names: Option<Vec<CompactString>>,
        #[serde(rename = "ByName")]
        by_name: Option<BTreeMap<String, Vec<Option<CompactString>>>>,
    }
    let decoded = decode::<Nested>(nested).unwrap();
    assert_eq!(decoded.names.unwrap(), ["1", "two"]);
    assert_eq!(
        decoded.by_name.unwrap()["k"],
        [Some(CompactString::from("false")), None]
    );
    assert!(decode::<Vec<CompactString>>(json!([[1]])).is_err());
    assert!(decode::<Vec<CompactString>>(json!([{"k": 1}])).is_err());
    assert!(de::from_slice::<Vec<CompactString>>(b"[\"id-\xff\"]").is_err());
}

#[test]
fn booleans_take_true_and_false_strings_in_any_case() {
    assert_eq!(
        decode::<Vec<bool>>(json!(["true", "False", "TRUE", false])).unwrap(),
        [true, false, true, false]
    );
    let error = decode::<Vec<bool>>(json!(["yes"])).unwrap_err();
    assert!(
        error.to_string().contains("invalid value: string \"yes\""),
        "{error}"
    );
}

#[test]
fn numbers_in_strings_respect_the_target_range_and_kind() {
    assert_eq!(decode::<Vec<u8>>(json!(["255", 1])).unwrap(), [255, 1]);
    assert!(decode::<Vec<u8>>(json!(["256"])).is_err());
    assert!(decode::<Vec<i32>>(json!(["1.5"])).is_err());
    assert!(decode::<Vec<i32>>(json!(["twelve"])).is_err());
    assert!(decode::<Vec<f64>>(json!(["NaN"])).is_err());
    assert_eq!(
        decode::<Vec<f64>>(json!(["-0.25", 3])).unwrap(),
        [-0.25, 3.0]
    );
}

#[test]
fn empty_string_for_a_number_is_an_error_even_when_optional() {
    let error = decode::<Scalars>(json!({"Small": ""})).unwrap_err();
    assert!(
        error.to_string().contains("invalid value: string \"\""),
        "{error}"
    );
    assert_eq!(
        decode::<Scalars>(json!({"Text": ""}))
            .unwrap()
            .text
            .as_deref(),
        Some("")
    );
}

#[test]
fn null_means_absent_and_unknown_fields_are_skipped() {
    let response: Response = decode(json!({
        "RequestId": null,
        "Top": {"Text": null, "Small": null, "Unknown": {"a": [1, 2]}},
        "Items": null,
        "Extra": [1, "two", {"three": 3}]
    }))
    .unwrap();
    assert_eq!(
        response,
        Response {
            top: Some(Scalars::default()),
            ..Response::default()
        }
    );
}

#[test]
fn conversions_apply_inside_arrays_maps_and_nested_structs() {
    let (scalars, expected) = mismatched_scalars();
    let response: Response = decode(json!({
        "RequestId": 1234,
        "Top": scalars,
        "Items": [scalars, {"Flag": "false", "Small": 7}],
        "Numbers": ["1", 2, " 3 "],
        "Names": [1, true, "x"],
        "Flags": ["true", false],
        "ByName": {"a": scalars},
        "Counts": {"x": "5", "y": 6},
        "Outer": {"Inner": {"Deep": [{"k": [scalars]}]}}
    }))
    .unwrap();
    let expected_again = || mismatched_scalars().1;
    assert_eq!(
        response,
        Response {
            request_id: Some("1234".to_owned()),
            top: Some(expected),
            items: Some(vec![
                expected_again(),
                Scalars {
                    flag: Some(false),
                    small: Some(7),
                    ..Scalars::default()
                }
            ]),
            numbers: Some(vec![1, 2, 3]),
            names: Some(vec!["1".to_owned(), "true".to_owned(), "x".to_owned()]),
            flags: Some(vec![true, false]),
            by_name: Some(BTreeMap::from([("a".to_owned(), expected_again())])),
            counts: Some(BTreeMap::from([("x".to_owned(), 5), ("y".to_owned(), 6)])),
            raw: None,
            outer: Some(Outer {
                inner: Some(Inner {
                    deep: Some(vec![BTreeMap::from([(
                        "k".to_owned(),
                        vec![expected_again()]
                    )])]),
                }),
            }),
        }
    );
}

#[test]
fn json_values_keep_what_was_sent() {
    let raw = json!({"Count": "5", "Flag": "true", "List": [1, "2", null], "Zero": 0.0});
    let response: Response = decode(json!({"Raw": raw})).unwrap();
    assert_eq!(response.raw, Some(raw));
    let text = r#"{"Raw":{"b":1,"a":2}}"#;
    let response: Response = de::from_slice(text.as_bytes()).unwrap();
    assert_eq!(response.raw.unwrap().to_string(), r#"{"b":1,"a":2}"#);
}

#[test]
fn a_single_value_where_a_list_is_expected_is_a_list_of_one() {
    let response: Response = decode(json!({"Items": {"Flag": "true"}})).unwrap();
    assert_eq!(response.items.unwrap().len(), 1);
}

#[test]
fn errors_still_catch_what_cannot_fit() {
    assert!(decode::<Response>(json!({"Top": "not an object"})).is_err());
    assert!(decode::<Response>(json!({"Items": 5})).is_err());
    assert!(decode::<Response>(json!({"Names": [[1]]})).is_err());
    assert!(de::from_slice::<Response>(b"{\"RequestId\":\"x\"} trailing").is_err());
    assert!(de::from_slice::<Response>(b"{\"RequestId\":").is_err());
}

#[test]
fn bytes_that_are_not_utf8_are_refused_in_a_kept_field_and_skipped_elsewhere() {
    let valid = b"{\"RequestId\":\"id\",\"Names\":[\"caf\xc3\xa9\"]}";
    let response = de::from_slice::<Response>(valid).unwrap();
    assert_eq!(response.names, Some(vec!["caf\u{e9}".to_owned()]));
    let in_an_unknown_field = b"{\"RequestId\":\"id\",\"Unknown\":\"\xc3\"}";
    let response = de::from_slice::<Response>(in_an_unknown_field).unwrap();
    assert_eq!(response.request_id.as_deref(), Some("id"));
    let in_a_kept_field = b"{\"RequestId\":\"id-\xff\xfe\"}";
    assert!(de::from_slice::<Response>(in_a_kept_field).is_err());
}

/// JSON documents shaped roughly like `Response`: known and unknown keys, every kind of scalar,
/// including numeric and boolean strings.
fn response_like_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        "[0-9]{1,4}".prop_map(Value::from),
        prop::sample::select(vec!["true", "false", "", " 7 ", "1.5"]).prop_map(Value::from),
        any::<String>().prop_map(Value::from),
    ];
    let key = prop::sample::select(vec![
        "RequestId",
        "Top",
        "Items",
        "Numbers",
        "Names",
        "Flags",
        "ByName",
        "Counts",
        "Raw",
        "Outer",
        "Inner",
        "Deep",
        "Text",
        "Small",
        "Large",
        "Single",
        "Double",
        "Flag",
        "k",
        "Other",
    ])
    .prop_map(str::to_owned);
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

/// The tolerant decoder returns (it does not panic), and it gives the same value as plain
/// serde_json wherever plain serde_json succeeds.
fn decodes_at_least_like_plain_serde_json(bytes: &[u8]) -> Result<(), TestCaseError> {
    let tolerant = de::from_slice::<Response>(bytes);
    if let Ok(plain) = serde_json::from_slice::<Response>(bytes) {
        prop_assert_eq!(tolerant.ok(), Some(plain));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        decodes_at_least_like_plain_serde_json(&bytes)?;
    }

    #[test]
    fn damaged_documents_never_panic(
        document in response_like_json(),
        position in any::<prop::sample::Index>(),
        replacement in any::<u8>(),
        keep in any::<prop::sample::Index>(),
    ) {
        let mut bytes = document.to_string().into_bytes();
        let at = position.index(bytes.len());
        bytes[at] = replacement;
        bytes.truncate(keep.index(bytes.len()) + 1);
        decodes_at_least_like_plain_serde_json(&bytes)?;
    }

    #[test]
    fn accepts_everything_plain_serde_json_accepts(document in response_like_json()) {
        decodes_at_least_like_plain_serde_json(&document.to_string().into_bytes())?;
    }
}

#[test]
fn a_structure_sent_as_json_text_decodes_as_that_structure() {
    let decoded: Response = de::from_slice(
        br#"{"Top": "{\"Small\": \"3\", \"Flag\": true}",
             "Items": "[{\"Text\": 1}]",
             "Counts": "{\"a\": \"1\"}",
             "Raw": "{\"kept\": \"as text\"}",
             "Outer": "{\"Inner\": {\"Deep\": \"[{\\\"k\\\": []}]\"}}"}"#,
    )
    .unwrap();
    assert_eq!(decoded.top.unwrap().small, Some(3));
    assert_eq!(decoded.items.unwrap()[0].text.as_deref(), Some("1"));
    assert_eq!(decoded.counts.unwrap()["a"], 1);
    assert_eq!(
        decoded.raw,
        Some(json!(r#"{"kept": "as text"}"#)),
        "free-form JSON keeps the string"
    );
    let deep = decoded.outer.unwrap().inner.unwrap().deep.unwrap();
    assert!(deep[0]["k"].is_empty(), "text within text");
    let not_json = de::from_slice::<Response>(br#"{"Items": "[{\"Text\""}"#).unwrap_err();
    assert!(
        not_json.to_string().contains("invalid type: string"),
        "{not_json}"
    );
}
