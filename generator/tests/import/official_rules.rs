//! Where the official SDKs send a call otherwise than a literal reading of its metadata, by
//! rules that hold across the published metadata: the method, the form fields of a `GET`, and
//! parameters nested in an object.

use crate::{assert_same, imported, operation, with_api, with_roa_api};

/// The official SDKs send a call with `POST` when its metadata lists `POST`, else with the
/// method it lists, whatever the style; the spec's first method is the one sent.
#[test]
fn post_goes_first_when_listed_and_any_other_method_keeps_its_place() {
    for (listed, spec) in [
        (r#"["get"]"#, &["GET"][..]),
        (r#"["get", "post"]"#, &["POST", "GET"]),
        (r#"["post", "get"]"#, &["POST", "GET"]),
        (r#"["patch", "post"]"#, &["POST", "PATCH"]),
        (r#"["put", "delete"]"#, &["PUT", "DELETE"]),
        ("[]", &[]),
    ] {
        let metadata = with_api(&format!(r#"{{"methods": {listed}}}"#));
        assert_eq!(
            operation(&imported(&metadata), "Api").methods,
            spec,
            "{listed}"
        );
    }
}

/// The official SDKs send every RPC call to `/`, whatever path its metadata lists (AIMath
/// `ChatMessage` lists `/conversation/message`); a RESTful call keeps its path.
#[test]
fn rpc_calls_go_to_the_root_whatever_path_is_listed() {
    let api = r#"{"path": "/conversation/message", "methods": ["post"]}"#;
    let rpc = with_api(api);
    assert!(operation(&imported(&rpc), "Api").path.is_none());
    let roa = with_roa_api(api);
    let path = operation(&imported(&roa), "Api")
        .path
        .as_ref()
        .map(|path| path.value.clone());
    assert_eq!(path.as_deref(), Some("/conversation/message"));
}

/// A call sent with `GET` carries no body: the official SDKs send its form fields in the query.
#[test]
fn the_form_fields_of_a_get_go_in_the_query() {
    let parameters = r#""parameters": [
        {"name": "Content", "in": "formData", "schema": {"type": "string"}},
        {"name": "Id", "in": "query", "schema": {"type": "string"}}]"#;
    let get = with_api(&format!(r#"{{"methods": ["get"], {parameters}}}"#));
    assert_same(
        &operation(&imported(&get), "Api").request,
        "[{name: Content, in: query, type: string}, {name: Id, in: query, type: string}]",
    );
    let posted = with_api(&format!(r#"{{"methods": ["get", "post"], {parameters}}}"#));
    assert_same(
        &operation(&imported(&posted), "Api").request,
        "[{name: Content, in: formData, type: string}, {name: Id, in: query, type: string}]",
    );
}

/// A parameter named `Outer.Inner` is a field of the object `Outer` in the official SDKs,
/// which flatten that object whole: its style is `flat` (`repeatList` for a list) whatever the
/// metadata says, as for KMS UpdateSecret's `ExtendedConfig.CustomData` (`style: json`).
#[test]
fn parameters_nested_in_an_object_are_flattened_whatever_their_style() {
    let metadata = with_api(
        r#"{"parameters": [
            {"name": "ExtendedConfig.CustomData", "in": "query", "style": "json",
             "schema": {"type": "object"}},
            {"name": "DnsConfig.NameServer", "in": "query", "style": "simple",
             "schema": {"type": "array", "items": {"type": "string"}}},
            {"name": "TaskOption.HttpURI", "in": "query", "schema": {"type": "string"}},
            {"name": "CustomData", "in": "query", "style": "json", "schema": {"type": "object"}}]}"#,
    );
    assert_same(
        &operation(&imported(&metadata), "Api").request,
        r#"
- {name: ExtendedConfig.CustomData, in: query, style: flat, type: any}
- {name: DnsConfig.NameServer, in: query, style: repeatList, type: array, items: {type: string}}
- {name: TaskOption.HttpURI, in: query, type: string}
- {name: CustomData, in: query, style: json, type: any}
"#,
    );
}

/// The official SDKs send an anonymous operation of a product that signs with ACS3 through
/// their old paths, unsigned: an RPC one through `do_rpcrequest` (the v2 RPC request), a ROA
/// one through `do_roarequest` (the v2 ROA request); a signed operation keeps its service's
/// scheme.
#[test]
fn an_anonymous_operation_goes_the_old_path_of_its_style() {
    let anonymous =
        r#"{"path": "/v1/things", "methods": ["post"], "security": [{"Anonymous": []}]}"#;
    let signed = r#"{"path": "/v1/things", "methods": ["post"], "security": [{"AK": []}]}"#;
    for (metadata, expected) in [
        (with_api(anonymous), Some("RPC-V2-HMAC-SHA1")),
        (with_roa_api(anonymous), Some("ROA-V2-HMAC-SHA1")),
        (with_api(signed), None),
        (with_roa_api(signed), None),
    ] {
        let imported = imported(&metadata);
        let operation = operation(&imported, "Api");
        assert_eq!(
            operation.signature.as_ref().map(|name| name.value.as_str()),
            expected,
            "{metadata}"
        );
    }
}

/// The official ROA clients send a `body` that the metadata types a free-form `object` as the
/// JSON body's field `body` (`body['body'] = request.body`: OpenSearch `BindEsInstance`,
/// AIRec `ModifyRankingSystem`), so the spec holds it as an object whose one field is `body`;
/// a `body` of `type: any`, or of a V3 call (Cloud Control `CreateResource`), stays the whole
/// body.
#[test]
fn a_roa_call_s_free_form_body_object_is_the_body_s_field_body() {
    let parameters = |schema: &str| {
        format!(
            r#"{{"path": "/a", "parameters": [{{"name": "body", "in": "body", "style": "json", "schema": {schema}}}]}}"#
        )
    };
    let object = parameters(r#"{"type": "object", "description": "The body."}"#);
    assert_same(
        &operation(&imported(&with_roa_api(&object)), "Api").request,
        "[{name: body, in: body, type: object, type_name: Body, fields: [{name: body, type: any, description: The body.}]}]",
    );
    let map = parameters(r#"{"type": "object", "additionalProperties": {"type": "string"}}"#);
    assert_same(
        &operation(&imported(&with_roa_api(&map)), "Api").request,
        "[{name: body, in: body, type: object, type_name: Body, fields: [{name: body, type: map, values: {type: string}}]}]",
    );
    let any = parameters(r#"{"type": "any"}"#);
    assert_same(
        &operation(&imported(&with_roa_api(&any)), "Api").request,
        "[{name: body, in: body, type: any}]",
    );
    let v3 = with_api(&object).replace(r#""style": "RPC""#, r#""style": "V3""#);
    assert_same(
        &operation(&imported(&v3), "Api").request,
        "[{name: body, in: body, type: any, description: The body.}]",
    );
}

/// A `[Name]` in a path is text, not a placeholder: AIRec's official client takes
/// `instance_id` for `ListOfflineStorages` and sends `/v2/openapi/instances/%5BinstanceId%5D/…`.
#[test]
fn a_bracketed_name_in_a_path_stays_text() {
    let api = r#"{"path": "/instances/[instanceId]/offlineStorages", "parameters": [
        {"name": "instanceId", "in": "path", "schema": {"type": "string", "required": true}}]}"#;
    let imported = imported(&with_roa_api(api));
    let path = operation(&imported, "Api")
        .path
        .as_ref()
        .map(|path| path.value.clone());
    assert_eq!(
        path.as_deref(),
        Some("/instances/[instanceId]/offlineStorages")
    );
}
