//! Errors name the API and the parameter or field at fault.

use acs_codegen::import::{ApiProblem, ImportError, import, product_code};

/// Metadata with one API, `Broken`, whose JSON is `api`.
fn with_api(api: &str) -> String {
    format!(
        r#"{{"info": {{"style": "RPC", "product": "demo", "version": "1"}}, "apis": {{"Broken": {api}}}}}"#
    )
}

/// An API whose one parameter, `Spec`, has schema `schema`.
fn with_parameter_schema(schema: &str) -> String {
    with_api(&format!(
        r#"{{"parameters": [{{"name": "Spec", "in": "query", "schema": {schema}}}],
            "responses": {{"200": {{"schema": {{"type": "object"}}}}}}}}"#
    ))
}

fn error_text(metadata: &str) -> String {
    match import(metadata, None) {
        Ok(_) => panic!("import should fail"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn unsupported_type_deep_inside_a_parameter() {
    let metadata = with_parameter_schema(
        r#"{"type": "object", "properties": {"Files": {"type": "array", "items": {"type": "file"}}}}"#,
    );
    assert_eq!(
        error_text(&metadata),
        "API Broken, request parameter `Spec.Files[]`: unsupported type `file`"
    );
}

#[test]
fn unsupported_format_and_missing_type() {
    let int16 = with_parameter_schema(r#"{"type": "integer", "format": "int16"}"#);
    assert_eq!(
        error_text(&int16),
        "API Broken, request parameter `Spec`: unsupported type `integer` with format `int16`"
    );
    let untyped = with_parameter_schema(r#"{"description": "no type"}"#);
    assert_eq!(
        error_text(&untyped),
        "API Broken, request parameter `Spec`: unsupported type `(none)`"
    );
}

#[test]
fn array_without_items() {
    let metadata = with_parameter_schema(r#"{"type": "array"}"#);
    assert_eq!(
        error_text(&metadata),
        "API Broken, request parameter `Spec`: array without `items`"
    );
}

#[test]
fn bounds_that_are_not_numbers() {
    let minimum = with_parameter_schema(r#"{"type": "integer", "minimum": "ten"}"#);
    assert_eq!(
        error_text(&minimum),
        r#"API Broken, request parameter `Spec`: `minimum` is not a valid number: "ten""#
    );
    let max_items =
        with_parameter_schema(r#"{"type": "array", "maxItems": 2.5, "items": {"type": "string"}}"#);
    assert_eq!(
        error_text(&max_items),
        "API Broken, request parameter `Spec`: `maxItems` is not a valid number: 2.5"
    );
}

#[test]
fn example_that_is_not_a_scalar() {
    let metadata = with_parameter_schema(r#"{"type": "string", "example": {"a": 1}}"#);
    assert_eq!(
        error_text(&metadata),
        r#"API Broken, request parameter `Spec`: `example` is not a string, number or boolean: {"a":1}"#
    );
}

#[test]
fn response_field_errors_say_response_field() {
    let metadata = with_api(
        r#"{"responses": {"200": {"schema": {"type": "object", "properties": {
            "Items": {"type": "array", "items": {"type": "object", "properties": {"Size": {"type": "number", "format": "decimal"}}}}
        }}}}}"#,
    );
    assert_eq!(
        error_text(&metadata),
        "API Broken, response field `Items[].Size`: unsupported type `number` with format `decimal`"
    );
}

#[test]
fn response_that_is_not_an_object() {
    let metadata = with_api(r#"{"responses": {"200": {"schema": {"type": "string"}}}}"#);
    assert_eq!(
        error_text(&metadata),
        "API Broken, response: unsupported type `string`"
    );
}

#[test]
fn api_without_success_response() {
    let metadata = with_api(r#"{"responses": {"404": {}}}"#);
    assert_eq!(error_text(&metadata), "API Broken: no `200` response");
}

#[test]
fn malformed_response_demo_keeps_its_cause() {
    let metadata = with_api(r#"{"responses": {"200": {}}, "responseDemo": "not json"}"#);
    let error = import(&metadata, None).expect_err("import should fail");
    assert!(matches!(
        &error,
        ImportError::Api { api, problem: ApiProblem::ResponseDemo(_), .. } if api == "Broken"
    ));
    assert!(
        error
            .to_string()
            .starts_with("API Broken: `responseDemo` is not a JSON list: "),
        "{error}"
    );
    assert!(std::error::Error::source(&error).is_some());
}

#[test]
fn metadata_that_is_not_openmeta() {
    for metadata in ["not json", r#"{"info": {"product": "demo"}}"#] {
        let error = import(metadata, None).expect_err("import should fail");
        assert!(matches!(error, ImportError::Metadata(_)), "{error}");
        assert!(
            error.to_string().starts_with("invalid OpenMeta metadata: "),
            "{error}"
        );
    }
}

#[test]
fn product_code_reads_only_the_header() {
    assert_eq!(
        product_code(&with_api(r#"{"responses": {}}"#)).expect("header is valid"),
        "demo"
    );
    assert!(matches!(product_code("{}"), Err(ImportError::Metadata(_))));
}
