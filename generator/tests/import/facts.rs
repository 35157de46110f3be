//! The official SDK's facts (`generator/official-sdk-facts/`): applied after the metadata and
//! before the overlay, and every name and value in them checked, with its line and column.

use std::path::Path;

use acs_codegen::import::{ImportError, OfficialSdkFacts, import_specs};
use acs_codegen::spec::Shape;

use crate::{assert_same, operation, with_api, with_roa_api};

const FILE: &str = "generator/official-sdk-facts/demo-1.yaml";

/// Metadata with one API, `Api`, listed `[POST, GET]`: `Secret` in the query, `Tags` a
/// JSON-style query list, `Name` in the form.
fn metadata() -> String {
    with_api(
        r#"{"methods": ["post", "get"], "parameters": [
            {"name": "Secret", "in": "query", "schema": {"type": "string"}},
            {"name": "Tags", "in": "query", "style": "json",
             "schema": {"type": "array", "items": {"type": "string"}}},
            {"name": "Name", "in": "formData", "schema": {"type": "string"}}]}"#,
    )
}

fn facts(text: &str) -> Result<OfficialSdkFacts, String> {
    OfficialSdkFacts::parse(Path::new(FILE), text).map_err(|error| error.to_string())
}

fn import_with(facts_text: &str, overlay: Option<&str>) -> Result<String, String> {
    let facts = facts(facts_text)?;
    let specs =
        import_specs(&metadata(), Some(&facts), overlay).map_err(|error| error.to_string())?;
    Ok(serde_saphyr::to_string(operation(&specs, "Api")).unwrap())
}

/// Imports `metadata` with each case's facts, and checks that it fails with an error that
/// starts as the case expects.
fn assert_import_errors<T: AsRef<str>>(metadata: &str, cases: &[(T, String)]) {
    for (text, expected) in cases {
        let error = facts(text.as_ref())
            .and_then(|facts| {
                import_specs(metadata, Some(&facts), None).map_err(|error| error.to_string())
            })
            .unwrap_err();
        assert!(
            error.starts_with(expected.as_str()),
            "{error}\nexpected: {expected}"
        );
    }
}

#[test]
fn facts_move_parameters_restyle_them_and_set_the_method() {
    let text = "\
# Where the official Python SDK demo 1.0 sends what the metadata places otherwise.
source: alibabacloud-demo1==1.0
operations:
  Api:
    method: GET
    parameters:
      Secret: {in: formData}
      Tags: {style: simple}
      Name: {in: body}
";
    let facts = facts(text).unwrap();
    assert_eq!(facts.source(), "alibabacloud-demo1==1.0");
    let specs = import_specs(&metadata(), Some(&facts), None).unwrap();
    let api = operation(&specs, "Api");
    assert_eq!(api.methods, ["GET", "POST"], "the fact's method is sent");
    assert_same(
        &api.request,
        r#"
- {name: Secret, in: formData, type: string, sensitive: true}
- {name: Tags, in: query, style: simple, type: array, items: {type: string}}
- {name: Name, in: body, type: string}
"#,
    );
}

#[test]
fn facts_retype_parameters_and_add_those_the_metadata_lacks() {
    let text = "\
source: s
operations:
  Api:
    parameters:
      Tags: {type: string}
      Recipient: {in: formData, type: string}
";
    let facts = facts(text).unwrap();
    let specs = import_specs(&metadata(), Some(&facts), None).unwrap();
    assert_same(
        &operation(&specs, "Api").request,
        r#"
- {name: Secret, in: query, type: string, sensitive: true}
- {name: Tags, in: query, style: json, type: string}
- {name: Name, in: formData, type: string}
- {name: Recipient, in: formData, type: string}
"#,
    );
}

#[test]
fn a_hand_overlay_wins_over_the_facts() {
    let imported = import_with(
        "source: s\noperations:\n  Api:\n    parameters:\n      Secret: {in: formData}\n",
        Some("operations:\n  Api:\n    request:\n      Secret: {in: header}\n"),
    )
    .unwrap();
    assert!(
        imported.contains("name: Secret\n  in: header"),
        "{imported}"
    );
}

#[test]
fn an_unknown_operation_parameter_or_value_is_an_error_at_its_line_and_column() {
    let cases = [
        (
            "source: s\noperations:\n  Missing:\n    method: GET\n",
            format!("{FILE}:3:3: error: the metadata has no operation `Missing`"),
        ),
        (
            "source: s\noperations:\n  Api:\n    parameters:\n      Secret: {in: query}\n      Absent: {in: query}\n",
            format!("{FILE}:6:7: error: `Api` has no request parameter `Absent`"),
        ),
        (
            "source: s\noperations:\n  Api:\n    parameters:\n      Secret: {in: url}\n",
            format!("{FILE}:5:20: error: `url` is no parameter location"),
        ),
        (
            "source: s\noperations:\n  Api:\n    method: FETCH\n",
            format!("{FILE}:4:13: error: `FETCH` is no HTTP method"),
        ),
        (
            "source: s\noperations:\n  Api:\n    parameters:\n      Secret: {style: bracket}\n",
            format!("{FILE}:5:23: error: `bracket` is no style"),
        ),
        (
            "source: s\noperations:\n  Api:\n    parameters:\n      Absent: {type: string}\n",
            format!("{FILE}:5:7: error: `Api` has no request parameter `Absent`"),
        ),
        (
            "source: s\noperations:\n  Api:\n    parameters:\n      Secret: {type: object}\n",
            format!("{FILE}:5:22: error: `object` is no parameter type"),
        ),
        (
            "source: s\noperations:\n  Api:\n    parameters:\n      Secret: {location: query}\n",
            format!("{FILE}:5:16: error: unknown field `location`"),
        ),
    ];
    for (text, expected) in cases {
        let error = import_with(text, None).unwrap_err();
        assert!(
            error.starts_with(&expected),
            "{error}\nexpected: {expected}"
        );
    }
}

#[test]
fn a_log_group_fact_marks_the_operation_s_body_a_log_group() {
    let text = "source: s\noperations:\n  Api:\n    log_group_request: true\n";
    let specs = import_specs(&metadata(), Some(&facts(text).unwrap()), None).unwrap();
    let api = operation(&specs, "Api");
    assert!(api.log_group_request);
    let written = serde_saphyr::to_string(api).unwrap();
    assert!(written.contains("log_group_request: true"), "{written}");
    let plain = import_specs(&metadata(), None, None).unwrap();
    assert!(!operation(&plain, "Api").log_group_request);
}

#[test]
fn a_request_also_as_json_body_fact_marks_every_operation_and_refuses_one_with_a_body() {
    let text = "source: s\nrequest_also_as_json_body: true\n";
    let query_only = with_api(
        r#"{"methods": ["post"], "parameters": [
            {"name": "Service", "in": "query", "schema": {"type": "string"}}]}"#,
    );
    let specs = import_specs(&query_only, Some(&facts(text).unwrap()), None).unwrap();
    let api = operation(&specs, "Api");
    assert!(api.request_also_as_json_body);
    assert_same(&api.request, "- {name: Service, in: query, type: string}\n");
    let written = serde_saphyr::to_string(api).unwrap();
    assert!(
        written.contains("request_also_as_json_body: true"),
        "{written}"
    );
    let plain = import_specs(&query_only, None, None).unwrap();
    assert!(!operation(&plain, "Api").request_also_as_json_body);

    let error = import_with(text, None).unwrap_err();
    assert!(
        error.starts_with(&format!(
            "{FILE}:2:28: error: `Api` sends `Name` in its body already"
        )),
        "{error}"
    );
    let error = import_with("source: s\nrequest_also_as_json_body: false\n", None).unwrap_err();
    assert!(error.contains("says nothing"), "{error}");
}

#[test]
fn a_declined_operation_is_left_out_with_its_reason() {
    let text = "source: s\noperations:\n  Api:\n    declined: \"a protobuf body\"\n";
    let specs = import_specs(&metadata(), Some(&facts(text).unwrap()), None).unwrap();
    assert!(specs.operations.is_empty(), "{:?}", specs.operations.keys());
    assert_eq!(
        specs.declined.into_iter().collect::<Vec<_>>(),
        [("Api".to_owned(), "a protobuf body".to_owned())]
    );
    let kept = import_specs(&metadata(), None, None).unwrap();
    assert!(kept.declined.is_empty());
    assert!(kept.operations.contains_key("Api"));
}

#[test]
fn facts_errors_are_import_errors() {
    let facts = facts("source: s\noperations:\n  Missing: {}\n").unwrap();
    let error = import_specs(&metadata(), Some(&facts), None).unwrap_err();
    assert!(matches!(error, ImportError::Facts(_)), "{error}");
}

/// `cargo xtask import --operations` imports a few operations: the facts of the others are
/// left out rather than reported as naming what that metadata lacks.
#[test]
fn an_import_of_some_operations_keeps_only_their_facts() {
    let text = "source: s\noperations:\n  Other: {method: GET}\n  Api: {method: GET}\n";
    let error = import_specs(&metadata(), Some(&facts(text).unwrap()), None).unwrap_err();
    assert!(
        error.to_string().contains("no operation `Other`"),
        "{error}"
    );
    let only = facts(text).unwrap().only_operations(&["Api".to_owned()]);
    let specs = import_specs(&metadata(), Some(&only), None).unwrap();
    assert_eq!(operation(&specs, "Api").methods, ["GET", "POST"]);
}

#[test]
fn every_shipped_facts_file_parses() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("official-sdk-facts");
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        if let Err(error) = OfficialSdkFacts::parse(&path, &text) {
            panic!("{error}");
        }
        files += 1;
    }
    assert!(files > 0, "no facts in {}", dir.display());
}

/// Metadata whose `Api` answers a body field `Name` and the headers `ETag` and
/// `x-count` (an integer).
fn metadata_with_headers() -> String {
    with_api(
        r#"{"methods": ["post"], "responses": {"200": {
            "schema": {"type": "object", "properties": {"Name": {"type": "string"}}},
            "headers": {"ETag": {"schema": {"type": "string"}},
                        "x-count": {"schema": {"type": "integer", "format": "int64"}}}}}}"#,
    )
}

#[test]
fn response_header_facts_set_a_type_and_add_what_the_metadata_lacks() {
    let text = "\
source: s
operations:
  Api:
    response_headers:
      X-Count: {type: string}
      Content-MD5: {type: string}
      x-meta-*: {type: map}
";
    let specs = import_specs(&metadata_with_headers(), Some(&facts(text).unwrap()), None).unwrap();
    assert_same(
        &operation(&specs, "Api").response,
        r#"
- {name: Name, type: string}
- {name: ETag, in: header, type: string}
- {name: x-count, in: header, type: string}
- {name: Content-MD5, in: header, type: string}
- {name: x-meta-*, in: header, style: prefixed, type: map, values: {type: string}}
"#,
    );
}

#[test]
fn a_response_header_fact_that_changes_nothing_or_cannot_be_is_an_error() {
    let cases = [
        (
            "source: s\noperations:\n  Api:\n    response_headers:\n      etag: {type: string}\n",
            format!(
                "{FILE}:5:20: error: the metadata already gives `Api`'s response header `etag` this type"
            ),
        ),
        (
            "source: s\noperations:\n  Api:\n    response_headers:\n      ETag: {type: map}\n",
            format!("{FILE}:5:20: error: `ETag` cannot be a `map`"),
        ),
        (
            "source: s\noperations:\n  Api:\n    response_headers:\n      ETag: {type: array}\n",
            format!("{FILE}:5:20: error: `array` is no response header type"),
        ),
    ];
    assert_import_errors(&metadata_with_headers(), &cases);
}

/// Metadata whose `Api` answers an XML document of one root, `ListPartResult`.
fn metadata_with_xml_root() -> String {
    with_api(
        r#"{"methods": ["get"], "produces": ["application/xml"], "responses": {"200": {
            "schema": {"type": "object", "properties": {"ListPartResult": {"type": "object",
                "properties": {"Key": {"type": "string"}}}}}}}}"#,
    )
}

#[test]
fn what_the_official_sdk_adds_to_a_request_and_its_response_root_reach_the_spec() {
    let text = "\
source: s
operations:
  Api:
    content_type: application/xml
    content_md5: true
    response_root: ListPartsResult
    query_defaults: {encoding-type: url}
    url_encoded_response: [Key]
";
    let specs = import_specs(&metadata_with_xml_root(), Some(&facts(text).unwrap()), None).unwrap();
    let api = operation(&specs, "Api");
    assert_eq!(
        api.content_type.as_ref().map(|given| given.value.as_str()),
        Some("application/xml")
    );
    assert!(api.content_type_from.is_none());
    assert!(api.content_md5);
    let defaults: Vec<(&str, &str)> = api
        .query_defaults
        .iter()
        .map(|(name, value)| (name.as_str(), value.value.as_str()))
        .collect();
    assert_eq!(defaults, [("encoding-type", "url")]);
    let decoded: Vec<&str> = api
        .url_encoded_response
        .iter()
        .map(|path| path.value.as_str())
        .collect();
    assert_eq!(decoded, ["Key"]);
    assert_eq!(
        api.response[0]
            .name
            .as_ref()
            .map(|name| name.value.as_str()),
        Some("ListPartsResult")
    );
}

#[test]
fn a_response_root_fact_that_changes_nothing_or_names_no_xml_root_is_an_error() {
    let cases = [
        (
            metadata_with_xml_root(),
            format!(
                "{FILE}:4:20: error: the metadata already names `Api`'s response root `ListPartResult`"
            ),
        ),
        (
            metadata(),
            format!("{FILE}:4:20: error: `Api` has no XML response with one root field to rename"),
        ),
    ];
    let text = "source: s\noperations:\n  Api:\n    response_root: ListPartResult\n";
    for (metadata, expected) in cases {
        let error = facts(text)
            .and_then(|facts| {
                import_specs(&metadata, Some(&facts), None).map_err(|error| error.to_string())
            })
            .unwrap_err();
        assert!(
            error.starts_with(&expected),
            "{error}\nexpected: {expected}"
        );
    }
}

/// Metadata whose `Api` takes its body as the shared schema `Cmd`, whose `disputeId` is an
/// integer.
fn metadata_with_shared_body() -> String {
    with_api(
        r##"{"methods": ["post"], "parameters": [{"name": "body", "in": "body",
            "schema": {"$ref": "#/components/schemas/Cmd"}}]}"##,
    )
    .replace(
        r#""apis""#,
        r#""components": {"schemas": {"Cmd": {"type": "object", "properties": {
            "cpCode": {"type": "string"},
            "disputeId": {"type": "integer", "format": "int64"}}}}}, "apis""#,
    )
}

/// The shared schema `Cmd` of [`metadata_with_shared_body`], imported with the facts `text`.
fn imported_cmd(text: &str) -> Shape {
    let specs = import_specs(
        &metadata_with_shared_body(),
        Some(&facts(text).unwrap()),
        None,
    )
    .unwrap();
    specs
        .schemas
        .into_iter()
        .find(|schema| schema.name.as_ref().is_some_and(|name| name.value == "Cmd"))
        .expect("the shared schema is imported")
}

#[test]
fn schema_facts_retype_fields_of_shared_schemas() {
    let text = "source: s\nschemas:\n  Cmd:\n    disputeId: {type: string}\n";
    let cmd = imported_cmd(text);
    assert_same(
        &cmd.fields,
        "- {name: cpCode, type: string}\n- {name: disputeId, type: string}\n",
    );
}

#[test]
fn a_schema_fact_that_names_nothing_or_changes_nothing_is_an_error() {
    let cases = [
        (
            "source: s\nschemas:\n  Other:\n    disputeId: {type: string}\n",
            format!("{FILE}:3:3: error: no request or response uses a shared schema `Other`"),
        ),
        (
            "source: s\nschemas:\n  Cmd:\n    orderId: {type: string}\n",
            format!("{FILE}:4:5: error: schema `Cmd`, path `orderId`"),
        ),
        (
            "source: s\nschemas:\n  Cmd:\n    cpCode: {type: string}\n",
            format!(
                "{FILE}:4:20: error: the metadata already types `cpCode` of schema `Cmd` `string`"
            ),
        ),
        (
            "source: s\nschemas:\n  Cmd:\n    cpCode: {type: text}\n",
            format!("{FILE}:4:20: error: `text` is no field type"),
        ),
    ];
    assert_import_errors(&metadata_with_shared_body(), &cases);
}

/// SLS's `GetLogs` as the metadata lists it: `GET /logstores/{logstore}?type=log` with its
/// parameters in the query and an array of logs as the answer.
const GET_LOGS: &str = r#""GetLogs": {"methods": ["get"], "path": "/logstores/{logstore}?type=log",
    "parameters": [
        {"name": "logstore", "in": "path", "schema": {"type": "string", "required": true}},
        {"name": "from", "in": "query", "schema": {"type": "integer", "format": "int32"}}],
    "responses": {"200": {"schema": {"type": "array", "items": {"type": "object"}},
        "headers": {"x-log-progress": {"schema": {"type": "string"}}}}}}"#;

/// SLS's `GetLogsV2`: a `POST` to `/logstores/{logstore}/logs` answering `{meta, data}`.
const GET_LOGS_V2: &str = r#""GetLogsV2": {"methods": ["post"], "path": "/logstores/{logstore}/logs",
    "parameters": [
        {"name": "logstore", "in": "path", "schema": {"type": "string", "required": true}}],
    "responses": {"200": {"schema": {"type": "object", "properties": {
        "meta": {"type": "object", "properties": {"progress": {"type": "string"}}},
        "data": {"type": "array", "items": {"type": "string"}}}}}},
    "responseDemo": "[{\"type\": \"json\", \"example\": \"{\\\"meta\\\": {}}\"}]"}"#;

/// A RESTful document with these APIs.
fn roa_metadata(apis: &[&str]) -> String {
    format!(
        r#"{{"info": {{"style": "ROA", "product": "demo", "version": "1"}}, "apis": {{{}}}}}"#,
        apis.join(",")
    )
}

fn metadata_like_sls() -> String {
    roa_metadata(&[GET_LOGS, GET_LOGS_V2])
}

const GET_LOGS_AS_THE_SDK_SENDS_IT: &str = "\
source: s
operations:
  GetLogs:
    method: POST
    path: /logstores/{logstore}/logs
    response_from: GetLogsV2
    parameters:
      from: {in: body}
      session: {in: body, type: string}
";

#[test]
fn facts_give_an_operation_the_method_path_places_and_response_the_official_sdk_has() {
    let facts = facts(GET_LOGS_AS_THE_SDK_SENDS_IT).unwrap();
    let specs = import_specs(&metadata_like_sls(), Some(&facts), None).unwrap();
    let get_logs = operation(&specs, "GetLogs");
    assert_eq!(get_logs.methods, ["POST", "GET"]);
    assert_eq!(
        get_logs.path.as_ref().map(|path| path.value.as_str()),
        Some("/logstores/{logstore}/logs")
    );
    assert_same(
        &get_logs.request,
        r#"
- {name: logstore, in: path, required: true, type: string}
- {name: from, in: body, type: int32}
- {name: session, in: body, type: string}
"#,
    );
    let v2 = operation(&specs, "GetLogsV2");
    let response = |operation: &acs_codegen::spec::OperationSpec| {
        serde_json::to_value((
            &operation.response,
            &operation.response_body,
            &operation.response_example,
        ))
        .unwrap()
    };
    assert_eq!(response(get_logs), response(v2));
    assert!(get_logs.response_body.is_none(), "the array is gone");
    assert!(get_logs.response_example.is_some());
}

#[test]
fn a_path_or_response_fact_that_changes_nothing_or_names_nothing_is_an_error() {
    let with = |line: &str| format!("source: s\noperations:\n  GetLogs:\n    {line}\n");
    let cases = [
        (
            with("path: /logstores/{logstore}?type=log"),
            format!(
                "{FILE}:4:11: error: the metadata already sends `GetLogs` to `/logstores/{{logstore}}?type=log`"
            ),
        ),
        (
            with("path: /logstores/{name}/logs"),
            format!("{FILE}:4:11: error: `GetLogs` has no path parameter `name`"),
        ),
        (
            with("path: /logstores/{from}/logs"),
            format!("{FILE}:4:11: error: `GetLogs` has no path parameter `from`"),
        ),
        (
            with("response_from: GetLogsV3"),
            format!("{FILE}:4:20: error: the metadata has no operation `GetLogsV3`"),
        ),
        (
            with("response_from: GetLogs"),
            format!("{FILE}:4:20: error: `GetLogs` names its own response"),
        ),
        (
            "source: s\noperations:\n  GetLogsV2:\n    method: POST\n".to_owned(),
            format!("{FILE}:4:13: error: `GetLogsV2` is already sent with `POST`"),
        ),
    ];
    assert_import_errors(&metadata_like_sls(), &cases);
    // The same response twice: the second changes nothing.
    let twice = "source: s\noperations:\n  GetLogs:\n    response_from: GetLogsV2\n  GetLogsV2:\n    response_from: GetLogs\n";
    let specs = import_specs(&metadata_like_sls(), Some(&facts(twice).unwrap()), None);
    assert!(
        specs.is_ok(),
        "each copies the metadata's response of the other"
    );
}

/// An import of some operations (`--operations`) must take the operation whose response
/// another is read as.
#[test]
fn a_response_fact_naming_an_operation_left_out_of_the_import_says_to_import_it() {
    let only = facts(GET_LOGS_AS_THE_SDK_SENDS_IT)
        .unwrap()
        .only_operations(&["GetLogs".to_owned()]);
    let without_v2 = roa_metadata(&[GET_LOGS]);
    let error = import_specs(&without_v2, Some(&only), None).unwrap_err();
    assert!(
        error.to_string().contains("no operation `GetLogsV2`")
            && error.to_string().contains("--operations"),
        "{error}"
    );
}

/// AliGenie IAP `WakeUpApp` as the metadata lists it: a `body` object requiring `Path` and
/// `SubjectId`, and a `TargetInfo` object requiring `TargetType`.
fn metadata_like_wake_up_app() -> String {
    with_roa_api(
        r#"{"methods": ["put"], "path": "/v1.0/iap/wakeup", "parameters": [
            {"name": "body", "in": "body", "style": "json", "schema": {"type": "object", "properties": {
                "Path": {"type": "string", "required": true},
                "SubjectId": {"type": "string", "required": true},
                "TargetInfo": {"type": "object", "properties": {
                    "TargetType": {"type": "string", "required": true}}}}}}]}"#,
    )
}

#[test]
fn request_facts_set_whether_a_parameter_or_a_field_at_any_depth_is_required() {
    let text = "\
source: s
operations:
  Api:
    request:
      body.SubjectId: {required: false}
      body.TargetInfo.TargetType: {required: false, type: int32}
      body.TargetInfo: {required: true}
";
    let specs = import_specs(
        &metadata_like_wake_up_app(),
        Some(&facts(text).unwrap()),
        None,
    )
    .unwrap();
    let body = &operation(&specs, "Api").request[0];
    let field = |name: &str| {
        body.fields
            .iter()
            .find(|field| field.name.as_ref().is_some_and(|wire| wire.value == name))
            .unwrap()
    };
    assert!(field("Path").required, "untouched");
    assert!(!field("SubjectId").required);
    let target = field("TargetInfo");
    assert!(target.required);
    assert!(!target.fields[0].required);
    assert_eq!(target.fields[0].ty.as_ref().unwrap().value, "int32");
}

#[test]
fn a_request_fact_that_changes_nothing_names_nothing_or_says_nothing_is_an_error() {
    let with = |line: &str| format!("source: s\noperations:\n  Api:\n    request:\n      {line}\n");
    let cases = [
        (
            with("body.Path: {required: true}"),
            format!(
                "{FILE}:5:29: error: the metadata already has `body.Path` of `Api`'s request required"
            ),
        ),
        (
            with("body.TargetInfo: {required: false}"),
            format!(
                "{FILE}:5:35: error: the metadata already has `body.TargetInfo` of `Api`'s request not required"
            ),
        ),
        (
            with("body.Absent: {required: false}"),
            format!("{FILE}:5:7: error: `Api`'s request, path `body.Absent`"),
        ),
        (
            with("body.Path: {type: string}"),
            format!(
                "{FILE}:5:25: error: the metadata already types `body.Path` of `Api`'s request `string`"
            ),
        ),
        (
            with("body.Path: {}"),
            format!("{FILE}:5:7: error: the fact of `body.Path` says nothing"),
        ),
    ];
    assert_import_errors(&metadata_like_wake_up_app(), &cases);
}

#[test]
fn added_fields_join_the_objects_the_official_models_have_them_in_with_their_type_names() {
    let text = "\
source: s
operations:
  Api:
    request:
      body.TargetInfo.StorageMounts:
        added:
          type: array
          items:
            type: object
            fields:
            - {name: MountPath, type: string}
            - {name: StorageId, type: int64}
";
    let specs = import_specs(
        &metadata_like_wake_up_app(),
        Some(&facts(text).unwrap()),
        None,
    )
    .unwrap();
    let target = operation(&specs, "Api").request[0]
        .fields
        .iter()
        .find(|field| field.name.as_ref().unwrap().value == "TargetInfo")
        .unwrap();
    assert_same(
        &target.fields,
        "\
- {name: TargetType, required: true, type: string}
- name: StorageMounts
  type: array
  items:
    type: object
    type_name: StorageMount
    fields:
    - {name: MountPath, type: string}
    - {name: StorageId, type: int64}
",
    );
    let text = "\
source: s
schemas:
  Cmd:
    Labels:
      added:
        type: map
        values: {type: object, fields: [{name: Key, type: string}]}
";
    let cmd = imported_cmd(text);
    assert_eq!(cmd.fields.len(), 3);
    assert_eq!(cmd.fields[2].name.as_ref().unwrap().value, "Labels");
    assert_eq!(cmd.fields[2].ty.as_ref().unwrap().value, "map");
}

#[test]
fn an_added_field_the_metadata_has_or_that_has_no_object_is_an_error() {
    let with = |line: &str| format!("source: s\noperations:\n  Api:\n    request:\n      {line}\n");
    let cases = [
        (
            with("body.TargetInfo.TargetType: {added: {type: string}}"),
            format!(
                "{FILE}:5:7: error: `Api`'s request, path `body.TargetInfo.TargetType`: the metadata has `TargetType` already"
            ),
        ),
        (
            with("body.Path.Inner: {added: {type: string}}"),
            format!(
                "{FILE}:5:7: error: `Api`'s request, path `body.Path.Inner`: `Inner` would be a field of no object"
            ),
        ),
        (
            with("Extra: {added: {type: string}}"),
            format!(
                "{FILE}:5:7: error: `Api`'s request, path `Extra`: a fact adds fields of objects, not parameters"
            ),
        ),
        (
            with("body.Absent.Inner: {added: {type: string}}"),
            format!("{FILE}:5:7: error: `Api`'s request, path `body.Absent.Inner`"),
        ),
        (
            with("body.Other: {required: true, added: {type: string}}"),
            format!("{FILE}:5:7: error: the fact of `body.Other` adds it and changes it"),
        ),
    ];
    assert_import_errors(&metadata_like_wake_up_app(), &cases);
}

#[test]
fn a_field_the_official_model_lacks_is_marked_once() {
    let text = "source: s\nschemas:\n  Cmd:\n    disputeId: {official_model_lacks: true}\n";
    let cmd = imported_cmd(text);
    assert!(!cmd.fields[0].official_model_lacks);
    assert!(cmd.fields[1].official_model_lacks);
    let with = |line: &str| format!("source: s\nschemas:\n  Cmd:\n    {line}\n");
    let cases = [
        (
            with("disputeId: {official_model_lacks: false}"),
            format!("{FILE}:4:5: error: the fact of `disputeId` says nothing"),
        ),
        (
            with("disputeId: {official_model_lacks: true, added: {type: string}}"),
            format!("{FILE}:4:5: error: the fact of `disputeId` adds it and changes it"),
        ),
    ];
    assert_import_errors(&metadata_with_shared_body(), &cases);
}
