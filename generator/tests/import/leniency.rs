//! What the published metadata holds beyond the happy path imports without failing: values
//! that only document are dropped when malformed, shapes without a usable type are free-form
//! JSON, and only metadata that is not OpenMeta at all, or OSS, is refused.

use acs_codegen::import::{ImportError, import_specs, product_and_version};

use crate::{assert_same, imported, operation, with_api, with_roa_api};

/// An API whose one parameter, `Spec`, has schema `schema`.
fn with_parameter_schema(schema: &str) -> String {
    with_api(&format!(
        r#"{{"parameters": [{{"name": "Spec", "in": "query", "schema": {schema}}}],
            "responses": {{"200": {{"schema": {{"type": "object"}}}}}}}}"#
    ))
}

fn parameter_yaml(metadata: &str) -> String {
    let specs = imported(metadata);
    serde_saphyr::to_string(&operation(&specs, "Api").request).unwrap()
}

#[test]
fn unknown_types_and_formats_are_free_form_or_the_nearest_type() {
    let metadata = with_parameter_schema(
        r#"{"type": "object", "properties": {"Files": {"type": "array", "items": {"type": "file"}}}}"#,
    );
    assert_same(
        &operation(&imported(&metadata), "Api").request,
        "- {name: Spec, in: query, style: flat, type: object, type_name: Spec,
           fields: [{name: Files, type: array, items: {type: any}}]}",
    );
    let int16 = with_parameter_schema(r#"{"type": "integer", "format": "int16"}"#);
    assert!(parameter_yaml(&int16).contains("type: int64"));
    let untyped = with_parameter_schema(r#"{"description": "no type"}"#);
    assert!(
        parameter_yaml(&untyped).contains("type: any"),
        "{}",
        parameter_yaml(&untyped)
    );
    let without_items = with_parameter_schema(r#"{"type": "array"}"#);
    assert_same(
        &operation(&imported(&without_items), "Api").request,
        "- {name: Spec, in: query, style: repeatList, type: array, items: {type: any}}",
    );
}

#[test]
fn malformed_documentation_is_dropped() {
    let metadata = with_parameter_schema(
        r#"{"type": "integer", "minimum": "ten", "maximum": 20, "maxItems": 2.5,
            "example": {"a": 1}, "enum": [1, {"x": 2}], "description": ["one", "two"]}"#,
    );
    assert_same(
        &operation(&imported(&metadata), "Api").request,
        "- {name: Spec, in: query, type: int64, description: \"one\\n\\ntwo\", enum: ['1'], maximum: 20}",
    );
}

#[test]
fn responses_that_are_not_objects_are_whole_bodies() {
    let text = with_api(r#"{"responses": {"200": {"schema": {"type": "string"}}}}"#);
    let specs = imported(&text);
    let text_response = operation(&specs, "Api");
    assert!(text_response.response.is_empty());
    assert_same(&text_response.response_body, "{type: string}");

    let array = with_api(
        r#"{"responses": {"200": {"schema": {"type": "array", "items": {"type": "object",
            "properties": {"Id": {"type": "string"}}}}}}}"#,
    );
    let specs = imported(&array);
    assert_same(
        &operation(&specs, "Api").response_body,
        "{type: array, items: {type: object, type_name: Item, fields: [{name: Id, type: string}]}}",
    );

    let created = with_api(
        r#"{"responses": {"201": {"schema": {"type": "object", "properties": {"Id": {"type": "string"}}}}}}"#,
    );
    let specs = imported(&created);
    assert_same(
        &operation(&specs, "Api").response,
        "[{name: Id, type: string}]",
    );

    let nothing = with_api(r#"{"responses": {"404": {}}}"#);
    let specs = imported(&nothing);
    assert!(operation(&specs, "Api").response.is_empty());
    assert!(operation(&specs, "Api").response_body.is_none());
}

#[test]
fn examples_that_are_empty_or_not_json_are_skipped() {
    for demo in [
        r#""not json""#,
        r#""[{\"type\": \"json\", \"example\": \"\"}]""#,
        r#""[{\"type\": \"json\", \"example\": \"<xml/>\"}]""#,
    ] {
        let metadata = with_api(&format!(r#"{{"responses": {{}}, "responseDemo": {demo}}}"#));
        assert!(
            operation(&imported(&metadata), "Api")
                .response_example
                .is_none(),
            "{demo}"
        );
    }
}

#[test]
fn a_parameter_listed_twice_is_one_parameter() {
    let metadata = with_api(
        r#"{"parameters": [
            {"name": "Id", "in": "query", "schema": {"type": "string", "description": "first"}},
            {"name": "Id", "in": "query", "schema": {"type": "string", "description": "second"}}]}"#,
    );
    assert_same(
        &operation(&imported(&metadata), "Api").request,
        "- {name: Id, in: query, type: string, description: first}",
    );
}

#[test]
fn references_become_shared_schemas_or_free_form_json() {
    let metadata = r##"{"info": {"style": "ROA", "product": "demo", "version": "1"},
        "components": {"schemas": {
            "maintenance_window": {"type": "object", "properties": {
                "enable": {"type": "boolean"}, "next": {"$ref": "#/components/schemas/maintenance_window"}}},
            "names": {"type": "array", "items": {"type": "string"}},
            "unused": {"type": "object", "properties": {"x": {"type": "string"}}}}},
        "apis": {"Api": {"path": "/a", "methods": ["put"], "parameters": [
            {"name": "window", "in": "query", "style": "json", "schema": {"$ref": "#/components/schemas/maintenance_window"}},
            {"name": "names", "in": "query", "style": "json", "schema": {"$ref": "#/components/schemas/names"}},
            {"name": "gone", "in": "query", "style": "json", "schema": {"$ref": "#/components/schemas/Hugepage"}}]}}}"##;
    let specs = imported(metadata);
    assert_same(
        &operation(&specs, "Api").request,
        "- {name: window, in: query, style: json, ref: maintenance_window}\n\
         - {name: names, in: query, style: json, type: array, items: {type: string}}\n\
         - {name: gone, in: query, style: json, type: any}",
    );
    assert_same(
        &specs.schemas,
        "- {name: maintenance_window, type: object, type_name: MaintenanceWindow, fields: [\
             {name: enable, type: boolean}, {name: next, ref: maintenance_window}]}",
    );
}

#[test]
fn path_templates_name_every_path_parameter() {
    let metadata = with_roa_api(
        r#"{"path": "/instances/{instanceId}/items/*", "methods": ["get"], "parameters": [
            {"name": "instanceId", "in": "path", "schema": {"type": "string", "required": true}},
            {"name": "rest", "in": "path", "schema": {"type": "string"}}]}"#,
    );
    let specs = imported(&metadata);
    assert_eq!(
        operation(&specs, "Api")
            .path
            .as_ref()
            .map(|path| path.value.as_str()),
        Some("/instances/{instanceId}/items/{rest}")
    );

    let undeclared = with_roa_api(r#"{"path": "/providers/{provider}/x", "methods": ["get"]}"#);
    let specs = imported(&undeclared);
    let names: Vec<&str> = specs.operations["Api"]
        .request
        .iter()
        .filter_map(|parameter| parameter.name.as_ref().map(|name| name.value.as_str()))
        .collect();
    assert_eq!(
        names,
        ["provider"],
        "a placeholder without a parameter gets one"
    );
}

#[test]
fn a_star_path_whose_template_names_undeclared_placeholders_is_the_whole_path() {
    // Cloud Control: `requestPath` is the whole path, as the official SDKs send it.
    let metadata = with_roa_api(
        r#"{"path": "/api/v1/providers/{provider}/products/{product}/resources/*",
            "methods": ["post"], "parameters": [
            {"name": "requestPath", "in": "path", "schema": {"type": "string"}}]}"#,
    );
    let specs = imported(&metadata);
    let api = operation(&specs, "Api");
    assert_eq!(
        api.path.as_ref().map(|path| path.value.as_str()),
        Some("{+requestPath}")
    );
    let names: Vec<&str> = api
        .request
        .iter()
        .filter_map(|parameter| parameter.name.as_ref().map(|name| name.value.as_str()))
        .collect();
    assert_eq!(names, ["requestPath"], "no parameter is invented");
}

#[test]
fn a_body_of_format_byte_goes_without_content_type() {
    let metadata = with_api(
        r#"{"path": "/invoke", "methods": ["post"], "parameters": [
            {"name": "body", "in": "body", "schema": {"type": "string", "format": "byte"}}]}"#,
    );
    assert_same(
        &operation(&imported(&metadata), "Api").request,
        "- {name: body, in: body, type: binary, content_type: none}",
    );
    let stream = with_api(
        r#"{"path": "/invoke", "methods": ["post"], "parameters": [
            {"name": "body", "in": "body", "schema": {"type": "string", "format": "binary"}}]}"#,
    );
    assert_same(
        &operation(&imported(&stream), "Api").request,
        "- {name: body, in: body, type: binary}",
    );
}

#[test]
fn oss_imports_and_products_without_operations_import_nothing() {
    let oss = r#"{"info": {"style": "OSS", "product": "Oss", "version": "2019-05-17"},
        "apis": {"PutBucketTags": {"path": "/?tagging", "methods": ["put"],
            "produces": ["application/xml"],
            "parameters": [
                {"name": "bucket", "in": "host", "schema": {"type": "string", "required": true}},
                {"name": "body", "in": "body", "style": "xml", "schema": {"type": "object",
                    "properties": {"Tagging": {"type": "object",
                        "properties": {"Name": {"type": "string"}}}}}}
            ],
            "responses": {"200": {"schema": {"type": "object",
                "properties": {"Result": {"type": "object",
                    "properties": {"Name": {"type": "string"}}}}}}}},
         "GetObject": {"path": "/{key}", "methods": ["get"],
            "parameters": [{"name": "key", "in": "path", "schema": {"type": "string"}}]}}}"#;
    let specs = imported(oss);
    assert_eq!(specs.service.signature.value, "OSS4-HMAC-SHA256");
    let tags = operation(&specs, "PutBucketTags");
    assert!(tags.xml_request && tags.xml_response);
    assert_eq!(tags.request[0].location.as_ref().unwrap().value, "host");
    // An object key keeps its `/`, as the official OSS SDK sends it.
    let get = operation(&specs, "GetObject");
    assert_eq!(get.path.as_ref().unwrap().value, "/{+key}");
    assert!(!get.xml_request && !get.xml_response);
    let empty =
        r#"{"info": {"style": "RPC", "product": "cas", "version": "2018-07-13"}, "apis": {}}"#;
    assert!(imported(empty).operations.is_empty());
}

#[test]
fn metadata_that_is_not_openmeta() {
    for metadata in ["not json", r#"{"info": {"product": "demo"}}"#] {
        let error = import_specs(metadata, None, None).expect_err("import should fail");
        assert!(matches!(error, ImportError::Metadata(_)), "{error}");
        assert!(
            error.to_string().starts_with("invalid OpenMeta metadata: "),
            "{error}"
        );
    }
}

#[test]
fn product_and_version_read_only_the_header() {
    assert_eq!(
        product_and_version(&with_api(r#"{"responses": {}}"#)).expect("header is valid"),
        ("demo".to_owned(), "1".to_owned())
    );
    assert!(matches!(
        product_and_version("{}"),
        Err(ImportError::Metadata(_))
    ));
}
