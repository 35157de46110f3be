//! A ROA (RESTful) product end to end, Container Service through its generated SDK and its
//! `cs` command against the signature-verifying test server: path parameters, JSON bodies and
//! responses that are not JSON objects.

use std::process::Output;

use acs_runtime::{Config, Credentials};
use acs_test_server::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Reply, TestServer};
use alibabacloud_cs::Client;
use serde_json::{Value, json};

async fn client(server: &TestServer) -> Client {
    let config = Config::builder()
        .endpoint(server.endpoint())
        .credentials(Credentials::new(
            DEFAULT_ACCESS_KEY_ID,
            DEFAULT_ACCESS_KEY_SECRET,
            "test",
        ))
        .build()
        .unwrap();
    Client::from_conf(config)
}

async fn cs(server: &TestServer, args: &[&str]) -> Output {
    tokio::process::Command::new(integration_tests::cs_binary())
        .env_clear()
        .env("HOME", std::env::temp_dir().join("cs-cli-tests-home"))
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", DEFAULT_ACCESS_KEY_ID)
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", DEFAULT_ACCESS_KEY_SECRET)
        .args(args)
        .args(["--endpoint", &server.endpoint()])
        .output()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_json_body_under_a_path_parameter_is_signed_and_sent() {
    let server = TestServer::start().await.unwrap();
    server.enqueue(
        "ModifyCluster",
        Reply::json(
            200,
            r#"{"cluster_id":"c 1/2","request_id":"R-1","task_id":"T-1"}"#,
        ),
    );
    let response = client(&server)
        .await
        .modify_cluster()
        .cluster_id("c 1/2")
        .cluster_name("prod 集群")
        .deletion_protection(true)
        .send()
        .await
        .unwrap();
    assert_eq!(response.task_id.as_deref(), Some("T-1"));

    let request = &server.requests()[0];
    assert!(request.signature_verified);
    assert_eq!(request.method, http::Method::PUT);
    assert_eq!(request.path, "/api/v2/clusters/c%201%2F2");
    assert_eq!(
        request.headers["content-type"],
        "application/json; charset=utf-8"
    );
    let body: Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(
        body,
        json!({"cluster_name": "prod 集群", "deletion_protection": true})
    );
}

#[tokio::test]
async fn responses_that_are_text_or_arrays_decode_whole() {
    let server = TestServer::start().await.unwrap();
    server.enqueue(
        "DescribeClusterAttachScripts",
        Reply::text(200, "curl https://example.com/attach.sh | bash"),
    );
    server.enqueue(
        "DescribeClusterResources",
        Reply::json(
            200,
            r#"[{"cluster_id":"c-1","resource_type":"ALIYUN::SLB::LoadBalancer"}]"#,
        ),
    );
    let client = client(&server).await;
    let script = client
        .describe_cluster_attach_scripts()
        .cluster_id("c-1")
        .send()
        .await
        .unwrap();
    assert_eq!(script.body, "curl https://example.com/attach.sh | bash");
    let resources = client
        .describe_cluster_resources()
        .cluster_id("c-1")
        .send()
        .await
        .unwrap();
    let resources = resources.body.unwrap();
    assert_eq!(resources.len(), 1);
    assert_eq!(
        resources[0].resource_type.as_deref(),
        Some("ALIYUN::SLB::LoadBalancer")
    );
    let requests = server.requests();
    assert!(requests.iter().all(|request| request.signature_verified));
    assert_eq!(requests[0].path, "/clusters/c-1/attachscript");
    assert_eq!(requests[1].path, "/clusters/c-1/resources");
}

#[tokio::test]
async fn the_cs_command_takes_the_body_whole_and_path_parameters_as_flags() {
    let server = TestServer::start().await.unwrap();
    server.enqueue(
        "ModifyCluster",
        Reply::json(
            200,
            r#"{"cluster_id":"c-1","request_id":"R-1","task_id":"T-1"}"#,
        ),
    );
    let output = cs(
        &server,
        &[
            "ModifyCluster",
            "--ClusterId",
            "c-1",
            "--body",
            r#"{"cluster_name":"prod","deletion_protection":true}"#,
        ],
    )
    .await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(printed["task_id"], "T-1");
    let request = &server.requests()[0];
    assert!(request.signature_verified);
    assert_eq!(request.path, "/api/v2/clusters/c-1");
    let body: Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(
        body,
        json!({"cluster_name": "prod", "deletion_protection": true})
    );

    let dry_run = cs(
        &server,
        &[
            "DeleteCluster",
            "--cluster-id",
            "c-2",
            "--retain-resources",
            r#"["sg-1"]"#,
            "--dry-run",
        ],
    )
    .await;
    let shown = String::from_utf8_lossy(&dry_run.stdout);
    assert!(dry_run.status.success(), "{shown}");
    assert!(shown.starts_with("DELETE http://127.0.0.1:"), "{shown}");
    assert!(
        shown.contains("/clusters/c-2?retain_resources=%5B%22sg-1%22%5D"),
        "{shown}"
    );
    assert_eq!(server.requests().len(), 1, "a dry run sends nothing");
}

/// Container Service's `profile` parameter is spelled like the command's `--profile`: it is
/// `--param-profile`, and `--profile` stays the credentials' profile.
#[tokio::test]
async fn a_parameter_spelled_like_a_global_option_is_sent_under_its_own_flag() {
    let server = TestServer::start().await.unwrap();
    server.enqueue("DescribeAddon", Reply::json(200, r#"{"name":"coredns"}"#));
    let output = cs(
        &server,
        &[
            "DescribeAddon",
            "--addon_name",
            "coredns",
            "--param-profile",
            "Default",
            "--cluster_version=-1",
        ],
    )
    .await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let request = &server.requests()[0];
    assert!(request.signature_verified);
    assert_eq!(request.path, "/addons/coredns");
    assert_eq!(request.query["profile"], "Default");
    assert_eq!(request.query["cluster_version"], "-1");

    // `--profile` names a profile of aliyun-cli's configuration, which this home lacks: a
    // configuration problem (exit 5), not a parameter.
    let profile = cs(&server, &["DescribeAddon", "--profile", "Default"]).await;
    assert_eq!(profile.status.code(), Some(5));
    let said = String::from_utf8_lossy(&profile.stderr);
    assert!(said.contains("cli profile"), "{said}");
    assert_eq!(server.requests().len(), 1);
}

/// Container Service pages by `page_number` in the query and reports the total inside
/// `page_info`: the SDK's paginator and `--pager` ask each page once and stop at the total.
#[tokio::test]
async fn numbered_pages_end_at_the_total_inside_an_object() {
    let page = |ids: &[&str]| {
        let clusters: Vec<Value> = ids.iter().map(|id| json!({"cluster_id": id})).collect();
        Reply::json(
            200,
            json!({"clusters": clusters,
                   "page_info": {"page_number": 1, "page_size": 2, "total_count": 3}}),
        )
    };
    let page_numbers = |server: &TestServer| -> Vec<Option<String>> {
        server
            .requests()
            .iter()
            .map(|request| request.query.get("page_number").cloned())
            .collect()
    };

    let server = TestServer::start().await.unwrap();
    server.enqueue("DescribeClustersV1", page(&["c-1", "c-2"]));
    server.enqueue("DescribeClustersV1", page(&["c-3"]));
    let clusters: Vec<_> = futures_util::TryStreamExt::try_collect(
        client(&server)
            .await
            .describe_clusters_v1()
            .page_size(2)
            .into_paginator()
            .items(),
    )
    .await
    .unwrap();
    let ids: Vec<_> = clusters
        .iter()
        .map(|cluster| cluster.cluster_id.as_deref().unwrap())
        .collect();
    assert_eq!(ids, ["c-1", "c-2", "c-3"]);
    assert_eq!(page_numbers(&server), [None, Some("2".into())]);

    let server = TestServer::start().await.unwrap();
    server.enqueue("DescribeClustersV1", page(&["c-1", "c-2"]));
    server.enqueue("DescribeClustersV1", page(&["c-3"]));
    let output = cs(
        &server,
        &["DescribeClustersV1", "--page_size", "2", "--pager"],
    )
    .await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let document: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        document["clusters"],
        json!([{"cluster_id": "c-1"}, {"cluster_id": "c-2"}, {"cluster_id": "c-3"}])
    );
    assert_eq!(page_numbers(&server), [None, Some("2".into())]);
}
