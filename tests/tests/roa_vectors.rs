//! The generated Container Service SDK (cs 2015-12-15, a ROA product) sends each of the eight
//! requests of `roa-cs-2015-12-15.json` as Alibaba Cloud's official Python SDK sent it: the
//! same method, percent-encoded path, query and JSON body, and, signed over the headers the
//! official SDK signed, the same canonical request and signature.
//!
//! The Python models write some unset lists as `[]` (`"exclusions":[]`); the other official
//! SDKs leave them out, as this one does. Where the vector's body has such lists, the bodies
//! are compared as JSON without them, and the signature is reproduced over the vector's body.

use std::time::SystemTime;

use acs_runtime::sign::{self, SigningRequest};
use acs_runtime::{CallSpec, Client, Config, Credentials, EncodeRequest, Operation};
use alibabacloud_cs::operation::{
    create_cluster_node_pool, delete_cluster, describe_cluster_detail, describe_cluster_nodes,
    describe_clusters_v1, modify_cluster, tag_resources, untag_resources,
};
use alibabacloud_cs::types::{MaintenanceWindow, Tag};
use serde_json::Value;

const VECTORS: &str = include_str!("../../test-server/tests/fixtures/roa-cs-2015-12-15.json");

/// The vector named `name`.
fn vector(name: &str) -> Value {
    let vectors: Value = serde_json::from_str(VECTORS).unwrap();
    vectors["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|vector| vector["name"] == name)
        .unwrap_or_else(|| panic!("no vector {name}"))
        .clone()
}

fn client() -> Client {
    let config = Config::builder()
        .region("cn-hangzhou")
        .credentials(Credentials::new("AKIDEXAMPLE", "SECRETEXAMPLE", "test"))
        .build()
        .unwrap();
    Client::new(&alibabacloud_cs::SERVICE, config)
}

/// Checks that `request`, sent as `operation`, is the request of the vector `name`.
fn check(name: &str, operation: &'static Operation, request: impl EncodeRequest) {
    let vector = vector(name);
    let params = request.to_params().expect("the request encodes");
    let credentials = Credentials::new("AKIDEXAMPLE", "SECRETEXAMPLE", "test");
    let signed = client()
        .prepare(
            CallSpec::from(operation),
            &params,
            &credentials,
            SystemTime::now(),
            "0123456789abcdef0123456789abcdef",
        )
        .unwrap();
    let request = &signed.request;

    assert_eq!(
        request.method().as_str(),
        vector["method"],
        "{name}: method"
    );
    assert_eq!(operation.action(), vector["action"], "{name}: action");
    assert_eq!(request.uri().path(), vector["raw_path"], "{name}: path");
    assert_eq!(
        request.uri().host(),
        Some("cs.cn-hangzhou.aliyuncs.com"),
        "{name}: endpoint"
    );
    let query = request.uri().query().unwrap_or("");
    let expected_canonical: Vec<&str> = vector["expected"]["canonical_request"]
        .as_str()
        .unwrap()
        .split('\n')
        .collect();
    assert_eq!(query, expected_canonical[2], "{name}: canonical query");

    let body = request.body().as_ref();
    let official_body = vector["body"].as_str().unwrap();
    let body_matches = body == official_body.as_bytes();
    if !body_matches {
        let ours: Value = serde_json::from_slice(body).expect("our body is JSON");
        let theirs: Value = serde_json::from_str(official_body).expect("the body is JSON");
        assert_eq!(
            ours,
            without_empty_lists(theirs),
            "{name}: body, as JSON without Python's empty lists"
        );
    }
    let headers = vector["headers"].as_object().unwrap();
    if !official_body.is_empty() {
        assert_eq!(
            request.headers()["content-type"],
            headers["content-type"].as_str().unwrap(),
            "{name}: content type"
        );
    }

    // The official signature over what this client sent (the vector's body where only
    // Python's empty lists differ), with the headers the official SDK signed.
    let signed_headers: Vec<(&str, &str)> = headers
        .iter()
        .filter(|(header, _)| *header != "authorization")
        .map(|(header, value)| (header.as_str(), value.as_str().unwrap()))
        .collect();
    let query_pairs: Vec<(String, String)> = vector["query"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(key, value)| (key.clone(), value.as_str().unwrap().to_owned()))
        .collect();
    let ours_decoded = decode_query(query);
    assert_eq!(
        sorted(ours_decoded.clone()),
        sorted(query_pairs),
        "{name}: query values"
    );
    let query_refs: Vec<(&str, &str)> = ours_decoded
        .iter()
        .map(|(key, value)| (key.as_str(), value.as_str()))
        .collect();
    let signed_body = if body_matches {
        body
    } else {
        official_body.as_bytes()
    };
    let signature = sign::sign(
        &SigningRequest {
            method: request.method().as_str(),
            path: request.uri().path(),
            query: &query_refs,
            headers: &signed_headers,
            body: signed_body,
        },
        "AKIDEXAMPLE",
        "SECRETEXAMPLE",
    );
    assert_eq!(
        signature.canonical_request, vector["expected"]["canonical_request"],
        "{name}: canonical request"
    );
    assert_eq!(
        signature.authorization, vector["expected"]["authorization"],
        "{name}: signature"
    );
}

fn without_empty_lists(value: Value) -> Value {
    match value {
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .filter(|(_, field)| !matches!(field, Value::Array(items) if items.is_empty()))
                .map(|(key, field)| (key, without_empty_lists(field)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_empty_lists).collect()),
        other => other,
    }
}

fn decode_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (key.to_owned(), percent_decode(value))
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = std::str::from_utf8(&bytes[index + 1..index + 3]).unwrap();
            decoded.push(u8::from_str_radix(hex, 16).unwrap());
            index += 3;
        } else {
            decoded.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(decoded).unwrap()
}

fn sorted(mut pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    pairs.sort();
    pairs
}

#[test]
fn a_path_parameter_with_characters_that_need_encoding() {
    check(
        "path parameter with characters that need encoding (GET, no body)",
        &describe_cluster_detail::OPERATION,
        describe_cluster_detail::DescribeClusterDetailRequest::builder()
            .cluster_id("c-8a7b 中文/x+y*~")
            .build()
            .unwrap(),
    );
}

#[test]
fn query_parameters_of_several_types() {
    check(
        "query parameters of several types (GET)",
        &describe_clusters_v1::OPERATION,
        describe_clusters_v1::DescribeClustersV1Request::builder()
            .name("web a&b")
            .cluster_type("ManagedKubernetes")
            .page_size(10)
            .page_number(2)
            .region_id("cn-hangzhou")
            .build()
            .unwrap(),
    );
}

#[test]
fn delete_with_boolean_and_json_array_query_parameters() {
    check(
        "DELETE with boolean and JSON-array (shrunk) query parameters",
        &delete_cluster::OPERATION,
        delete_cluster::DeleteClusterRequest::builder()
            .cluster_id("c-1")
            .retain_all_resources(false)
            .keep_slb(true)
            .retain_resources("sg-1")
            .retain_resources("vsw 2")
            .delete_options(
                delete_cluster::DeleteOption::new()
                    .resource_type("SLB")
                    .delete_mode("delete"),
            )
            .build()
            .unwrap(),
    );
}

#[test]
fn put_with_a_json_body_of_scalars_a_list_and_a_nested_object() {
    check(
        "PUT with a JSON body of scalars, a list and a nested object",
        &modify_cluster::OPERATION,
        modify_cluster::ModifyClusterRequest::builder()
            .cluster_id("c-1")
            .cluster_name("prod 集群")
            .deletion_protection(true)
            .api_server_eip(false)
            .vswitch_ids("vsw-1")
            .vswitch_ids("vsw-2")
            .maintenance_window(
                MaintenanceWindow::new()
                    .enable(true)
                    .maintenance_time("03:00:00Z")
                    .duration("3h")
                    .weekly_period("Monday,Thursday"),
            )
            .build()
            .unwrap(),
    );
}

#[test]
fn post_with_a_nested_json_body_under_a_path_parameter() {
    use create_cluster_node_pool::{NodepoolInfo, ScalingGroup};
    check(
        "POST with a nested JSON body under a path parameter",
        &create_cluster_node_pool::OPERATION,
        create_cluster_node_pool::CreateClusterNodePoolRequest::builder()
            .cluster_id("c-1")
            .nodepool_info(NodepoolInfo::new().name("np-1").r#type("ess"))
            .scaling_group(
                ScalingGroup::new()
                    .vswitch_ids("vsw-1")
                    .instance_types("ecs.g7.large")
                    .system_disk_size(120)
                    .tags(create_cluster_node_pool::Tag::new().key("k").value("v")),
            )
            .count(2)
            .build()
            .unwrap(),
    );
}

#[test]
fn put_with_a_json_body_holding_a_list_of_objects() {
    check(
        "PUT with a JSON body holding a list of objects, no path parameter",
        &tag_resources::OPERATION,
        tag_resources::TagResourcesRequest::builder()
            .region_id("cn-hangzhou")
            .resource_ids("c-1")
            .resource_ids("c-2")
            .resource_type("CLUSTER")
            .tags(Tag::new().key("env").value("prod"))
            .tags(Tag::new().key("team").value("a b"))
            .build()
            .unwrap(),
    );
}

#[test]
fn delete_with_json_array_query_parameters_and_a_boolean() {
    check(
        "DELETE with JSON-array (shrunk) query parameters and a boolean",
        &untag_resources::OPERATION,
        untag_resources::UntagResourcesRequest::builder()
            .region_id("cn-hangzhou")
            .resource_ids("c-1")
            .resource_type("CLUSTER")
            .tag_keys("env")
            .tag_keys("team")
            .all(false)
            .build()
            .unwrap(),
    );
}

#[test]
fn get_with_camel_case_query_names_under_a_path_parameter() {
    check(
        "GET with camelCase query names under a path parameter",
        &describe_cluster_nodes::OPERATION,
        describe_cluster_nodes::DescribeClusterNodesRequest::builder()
            .cluster_id("c-1")
            .nodepool_id("np-1")
            .page_size("20")
            .page_number("1")
            .instance_ids("i-1,i-2")
            .state("running")
            .build()
            .unwrap(),
    );
}
