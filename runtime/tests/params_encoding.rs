//! The shared OOS encoding cases, made with Alibaba Cloud's official SDK: each request is built
//! twice, from typed fields as generated code does and from JSON values with the metadata's
//! styles as the CLI does, and must give the query the SDK sent.

use std::collections::BTreeMap;

use acs_runtime::params::{Params, Style};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Deserialize)]
struct Case {
    action: String,
    inputs: Map<String, Value>,
    query: BTreeMap<String, String>,
}

fn cases() -> Vec<Case> {
    serde_json::from_str(include_str!("fixtures/oos-rpc-encoding.json")).expect("fixture parses")
}

fn case(action: &str) -> Case {
    cases()
        .into_iter()
        .find(|case| case.action == action)
        .unwrap_or_else(|| panic!("no case for {action}"))
}

/// Typed requests read their fields from the case's inputs; unknown fields are refused so that
/// every input is encoded.
fn typed<T: for<'de> Deserialize<'de>>(case: &Case) -> T {
    serde_json::from_value(Value::Object(case.inputs.clone()))
        .expect("inputs fit the typed request")
}

fn query_of(params: &Params) -> BTreeMap<String, String> {
    params
        .iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// Compares exactly, except that the values under `json_keys` are compared as parsed JSON
/// (typed maps may order their keys differently from the caller's object).
fn assert_query_matches(case: &Case, params: &Params, json_keys: &[&str]) {
    let actual = query_of(params);
    assert_eq!(
        actual.keys().collect::<Vec<_>>(),
        case.query.keys().collect::<Vec<_>>(),
        "{}",
        case.action
    );
    for (key, expected) in &case.query {
        let actual = &actual[key];
        if json_keys.contains(&key.as_str()) {
            let parse = |text: &str| serde_json::from_str::<Value>(text).expect("JSON parameter");
            assert_eq!(parse(actual), parse(expected), "{} {key}", case.action);
        } else {
            assert_eq!(actual, expected, "{} {key}", case.action);
        }
    }
}

/// The CLI's path: every input set from its JSON value with the style the metadata gives.
fn dynamic_params(case: &Case) -> Params {
    let mut params = Params::new();
    for (name, value) in &case.inputs {
        let style = match name.as_str() {
            "Tags" | "ApprovedPatches" | "RejectedPatches" | "Sources" | "ResourceIds" => {
                Style::Json
            }
            "Filter" | "OpsItemIds" => Style::RepeatList,
            _ => Style::Simple,
        };
        params.put_value(name, style, value);
    }
    params
}

#[test]
fn fixture_holds_six_cases() {
    let actions: Vec<String> = cases().into_iter().map(|case| case.action).collect();
    assert_eq!(
        actions,
        [
            "ListInstancePatchStates",
            "StartExecution",
            "CreatePatchBaseline",
            "ListInventoryEntries",
            "DeleteOpsItems",
            "ListTagResources"
        ]
    );
}

#[test]
fn dynamic_values_with_metadata_styles_give_the_exact_query() {
    for case in cases() {
        assert_eq!(
            query_of(&dynamic_params(&case)),
            case.query,
            "{}",
            case.action
        );
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListInstancePatchStatesRequest {
    #[serde(rename = "RegionId")]
    region_id: Option<String>,
    #[serde(rename = "MaxResults")]
    max_results: Option<i32>,
    #[serde(rename = "NextToken")]
    next_token: Option<String>,
    #[serde(rename = "InstanceIds")]
    instance_ids: Option<String>,
}

#[test]
fn typed_list_instance_patch_states() {
    let case = case("ListInstancePatchStates");
    let request: ListInstancePatchStatesRequest = typed(&case);
    let mut params = Params::new();
    params.put("RegionId", &request.region_id);
    params.put("MaxResults", &request.max_results);
    params.put("NextToken", &request.next_token);
    params.put("InstanceIds", &request.instance_ids);
    assert_query_matches(&case, &params, &[]);
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StartExecutionRequest {
    #[serde(rename = "RegionId")]
    region_id: Option<String>,
    #[serde(rename = "TemplateName")]
    template_name: Option<String>,
    #[serde(rename = "TemplateVersion")]
    template_version: Option<String>,
    #[serde(rename = "Mode")]
    mode: Option<String>,
    #[serde(rename = "LoopMode")]
    loop_mode: Option<String>,
    #[serde(rename = "ParentExecutionId")]
    parent_execution_id: Option<String>,
    #[serde(rename = "SafetyCheck")]
    safety_check: Option<String>,
    #[serde(rename = "Parameters")]
    parameters: Option<String>,
    #[serde(rename = "ClientToken")]
    client_token: Option<String>,
    #[serde(rename = "Tags")]
    tags: Option<BTreeMap<String, String>>,
    #[serde(rename = "Description")]
    description: Option<String>,
    #[serde(rename = "TemplateContent")]
    template_content: Option<String>,
    #[serde(rename = "ResourceGroupId")]
    resource_group_id: Option<String>,
    #[serde(rename = "TemplateURL")]
    template_url: Option<String>,
}

#[test]
fn typed_start_execution() {
    let case = case("StartExecution");
    let request: StartExecutionRequest = typed(&case);
    let mut params = Params::new();
    params.put("RegionId", &request.region_id);
    params.put("TemplateName", &request.template_name);
    params.put("TemplateVersion", &request.template_version);
    params.put("Mode", &request.mode);
    params.put("LoopMode", &request.loop_mode);
    params.put("ParentExecutionId", &request.parent_execution_id);
    params.put("SafetyCheck", &request.safety_check);
    params.put("Parameters", &request.parameters);
    params.put("ClientToken", &request.client_token);
    params.put_json("Tags", &request.tags).unwrap();
    params.put("Description", &request.description);
    params.put("TemplateContent", &request.template_content);
    params.put("ResourceGroupId", &request.resource_group_id);
    params.put("TemplateURL", &request.template_url);
    assert_query_matches(&case, &params, &["Tags"]);
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Tag {
    #[serde(rename = "Key")]
    key: Option<String>,
    #[serde(rename = "Value")]
    value: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreatePatchBaselineRequest {
    #[serde(rename = "RegionId")]
    region_id: Option<String>,
    #[serde(rename = "Name")]
    name: Option<String>,
    #[serde(rename = "Description")]
    description: Option<String>,
    #[serde(rename = "ClientToken")]
    client_token: Option<String>,
    #[serde(rename = "OperationSystem")]
    operation_system: Option<String>,
    #[serde(rename = "ApprovalRules")]
    approval_rules: Option<String>,
    #[serde(rename = "RejectedPatches")]
    rejected_patches: Option<Vec<String>>,
    #[serde(rename = "RejectedPatchesAction")]
    rejected_patches_action: Option<String>,
    #[serde(rename = "ApprovedPatches")]
    approved_patches: Option<Vec<String>>,
    #[serde(rename = "ApprovedPatchesEnableNonSecurity")]
    approved_patches_enable_non_security: Option<bool>,
    #[serde(rename = "Sources")]
    sources: Option<Vec<String>>,
    #[serde(rename = "Tags")]
    tags: Option<Vec<Tag>>,
    #[serde(rename = "ResourceGroupId")]
    resource_group_id: Option<String>,
}

#[test]
fn typed_create_patch_baseline() {
    let case = case("CreatePatchBaseline");
    let request: CreatePatchBaselineRequest = typed(&case);
    let mut params = Params::new();
    params.put("RegionId", &request.region_id);
    params.put("Name", &request.name);
    params.put("Description", &request.description);
    params.put("ClientToken", &request.client_token);
    params.put("OperationSystem", &request.operation_system);
    params.put("ApprovalRules", &request.approval_rules);
    params
        .put_json("RejectedPatches", &request.rejected_patches)
        .unwrap();
    params.put("RejectedPatchesAction", &request.rejected_patches_action);
    params
        .put_json("ApprovedPatches", &request.approved_patches)
        .unwrap();
    params.put(
        "ApprovedPatchesEnableNonSecurity",
        &request.approved_patches_enable_non_security,
    );
    params.put_json("Sources", &request.sources).unwrap();
    params.put_json("Tags", &request.tags).unwrap();
    params.put("ResourceGroupId", &request.resource_group_id);
    assert_query_matches(&case, &params, &[]);
    assert_eq!(params.get("ApprovedPatchesEnableNonSecurity"), Some("true"));
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Filter {
    #[serde(rename = "Name")]
    name: Option<String>,
    #[serde(rename = "Value")]
    value: Option<Vec<String>>,
    #[serde(rename = "Operator")]
    operator: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListInventoryEntriesRequest {
    #[serde(rename = "InstanceId")]
    instance_id: Option<String>,
    #[serde(rename = "TypeName")]
    type_name: Option<String>,
    #[serde(rename = "MaxResults")]
    max_results: Option<i32>,
    #[serde(rename = "NextToken")]
    next_token: Option<String>,
    #[serde(rename = "Filter")]
    filter: Option<Vec<Filter>>,
    #[serde(rename = "RegionId")]
    region_id: Option<String>,
}

#[test]
fn typed_list_inventory_entries() {
    let case = case("ListInventoryEntries");
    let request: ListInventoryEntriesRequest = typed(&case);
    let mut params = Params::new();
    params.put("InstanceId", &request.instance_id);
    params.put("TypeName", &request.type_name);
    params.put("MaxResults", &request.max_results);
    params.put("NextToken", &request.next_token);
    params.put_repeat_list("Filter", &request.filter).unwrap();
    params.put("RegionId", &request.region_id);
    assert_query_matches(&case, &params, &[]);
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeleteOpsItemsRequest {
    #[serde(rename = "RegionId")]
    region_id: Option<String>,
    #[serde(rename = "OpsItemIds")]
    ops_item_ids: Option<Vec<String>>,
}

#[test]
fn typed_delete_ops_items() {
    let case = case("DeleteOpsItems");
    let request: DeleteOpsItemsRequest = typed(&case);
    let mut params = Params::new();
    params.put("RegionId", &request.region_id);
    params
        .put_repeat_list("OpsItemIds", &request.ops_item_ids)
        .unwrap();
    assert_query_matches(&case, &params, &[]);
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListTagResourcesRequest {
    #[serde(rename = "RegionId")]
    region_id: Option<String>,
    #[serde(rename = "ResourceIds")]
    resource_ids: Option<Vec<String>>,
    #[serde(rename = "ResourceType")]
    resource_type: Option<String>,
    #[serde(rename = "Tags")]
    tags: Option<BTreeMap<String, String>>,
    #[serde(rename = "NextToken")]
    next_token: Option<String>,
}

#[test]
fn typed_list_tag_resources() {
    let case = case("ListTagResources");
    let request: ListTagResourcesRequest = typed(&case);
    let mut params = Params::new();
    params.put("RegionId", &request.region_id);
    params
        .put_json("ResourceIds", &request.resource_ids)
        .unwrap();
    params.put("ResourceType", &request.resource_type);
    params.put_json("Tags", &request.tags).unwrap();
    params.put("NextToken", &request.next_token);
    assert_query_matches(&case, &params, &["Tags"]);
}

#[test]
fn encoded_parameters_sign_as_the_canonical_query() {
    let case = case("ListInventoryEntries");
    let params = dynamic_params(&case);
    let query = acs_runtime::sign::canonical_query(params.iter());
    let decoded: BTreeMap<String, String> = query
        .split('&')
        .map(|pair| {
            let (key, value) = pair.split_once('=').expect("key=value");
            (key.to_owned(), percent_decode(value))
        })
        .collect();
    assert_eq!(decoded, case.query);
    assert!(
        query.starts_with(
            "Filter.1.Name=PlatformName%20%C3%A9moji%F0%9F%98%80%20%22q%22%20%27s%27&"
        )
    );
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = std::str::from_utf8(&bytes[index + 1..index + 3]).expect("ASCII hex");
            out.push(u8::from_str_radix(hex, 16).expect("hex digits"));
            index += 3;
        } else {
            out.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(out).expect("UTF-8")
}
