//! The generated Container Service SDK (cs 2015-12-15, a ROA product) sends each of the eight
//! requests of `roa-cs-2015-12-15.json` as Alibaba Cloud's official Python SDK sent it: signed
//! by the runtime at the vector's date with its nonce, the same method, percent-encoded path,
//! query, JSON body and headers, and the same canonical request, `SignedHeaders` and
//! `Authorization`. The comparison is `tests/fixtures/official/check.rs`, the one the other
//! products' official requests go through (`official_vectors.rs`).
//!
//! The Python models write some unset lists as `[]` (`"exclusions":[]`); the other official
//! SDKs leave them out, as this one does. Where the vector's body has such lists, the bodies
//! are compared as JSON without them, and the payload hash expected is that of this body.

use std::time::SystemTime;

use alibabacloud_cs::operation::{
    create_cluster_node_pool, delete_cluster, describe_cluster_detail, describe_cluster_nodes,
    describe_clusters_v1, modify_cluster, tag_resources, untag_resources,
};
use alibabacloud_cs::types::{MaintenanceWindow, Tag};

const VECTORS: &str = include_str!("../../test-server/tests/fixtures/roa-cs-2015-12-15.json");

include!("../fixtures/official/check.rs");

/// The request of the vector `name`, as Container Service's `operation`.
fn cs<R>(operation: &'static Operation, request: R) -> (&'static Service, &'static Operation, R) {
    (&alibabacloud_cs::SERVICE, operation, request)
}

/// The official SDK sent every vector to the host the runtime picks for cn-hangzhou.
#[test]
fn the_region_host_is_the_official_one() {
    let config = Config::builder()
        .region("cn-hangzhou")
        .credentials(Credentials::new("AKIDEXAMPLE", "SECRETEXAMPLE", "test"))
        .build()
        .unwrap();
    let signed = Client::new(&alibabacloud_cs::SERVICE, config)
        .prepare(
            (&describe_clusters_v1::OPERATION).into(),
            &Default::default(),
            &Credentials::new("AKIDEXAMPLE", "SECRETEXAMPLE", "test"),
            SystemTime::now(),
            "0123456789abcdef0123456789abcdef",
        )
        .unwrap();
    let vectors: Value = serde_json::from_str(VECTORS).unwrap();
    for vector in vectors["vectors"].as_array().unwrap() {
        assert_eq!(
            signed.request.uri().host(),
            vector["headers"]["host"].as_str(),
            "{}",
            vector["name"]
        );
    }
}

#[test]
fn a_path_parameter_with_characters_that_need_encoding() {
    check(
        "path parameter with characters that need encoding (GET, no body)",
        cs(
            &describe_cluster_detail::OPERATION,
            describe_cluster_detail::DescribeClusterDetailRequest::builder()
                .cluster_id("c-8a7b 中文/x+y*~")
                .build()
                .unwrap(),
        ),
    );
}

#[test]
fn query_parameters_of_several_types() {
    check(
        "query parameters of several types (GET)",
        cs(
            &describe_clusters_v1::OPERATION,
            describe_clusters_v1::DescribeClustersV1Request::builder()
                .name("web a&b")
                .cluster_type("ManagedKubernetes")
                .page_size(10)
                .page_number(2)
                .region_id("cn-hangzhou")
                .build()
                .unwrap(),
        ),
    );
}

#[test]
fn delete_with_boolean_and_json_array_query_parameters() {
    check(
        "DELETE with boolean and JSON-array (shrunk) query parameters",
        cs(
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
        ),
    );
}

#[test]
fn put_with_a_json_body_of_scalars_a_list_and_a_nested_object() {
    check(
        "PUT with a JSON body of scalars, a list and a nested object",
        cs(
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
        ),
    );
}

#[test]
fn post_with_a_nested_json_body_under_a_path_parameter() {
    use create_cluster_node_pool::{NodepoolInfo, ScalingGroup};
    check(
        "POST with a nested JSON body under a path parameter",
        cs(
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
        ),
    );
}

#[test]
fn put_with_a_json_body_holding_a_list_of_objects() {
    check(
        "PUT with a JSON body holding a list of objects, no path parameter",
        cs(
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
        ),
    );
}

#[test]
fn delete_with_json_array_query_parameters_and_a_boolean() {
    check(
        "DELETE with JSON-array (shrunk) query parameters and a boolean",
        cs(
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
        ),
    );
}

#[test]
fn get_with_camel_case_query_names_under_a_path_parameter() {
    check(
        "GET with camelCase query names under a path parameter",
        cs(
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
        ),
    );
}
