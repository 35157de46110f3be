//! One shared client under many concurrent calls, on a multi-threaded runtime.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use acs_runtime::Credentials;
use acs_runtime::testing::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, TestServer};
use alibabacloud_oos::{Client, Config};

const CALLS: usize = 1_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_concurrent_calls_on_one_client_all_complete_over_shared_connections() {
    let server = TestServer::start().await.unwrap();
    alibabacloud_oos::testing::serve_examples(&server);
    let client = Client::from_conf(
        Config::builder()
            .region("cn-hangzhou")
            .endpoint(server.endpoint())
            .credentials(Credentials::new(
                DEFAULT_ACCESS_KEY_ID,
                DEFAULT_ACCESS_KEY_SECRET,
                "test",
            ))
            .build()
            .unwrap(),
    );

    let started = Instant::now();
    let calls: Vec<_> = (0..CALLS)
        .map(|index| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .get_template()
                    .template_name(format!("T-{index}"))
                    .send()
                    .await
            })
        })
        .collect();
    for call in calls {
        let response = call
            .await
            .expect("the task ran")
            .expect("the call succeeded");
        assert!(response.template.is_some());
    }
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");

    let requests = server.requests();
    assert_eq!(requests.len(), CALLS, "one request per call: none retried");
    assert!(requests.iter().all(|request| request.signature_verified));
    let nonces: BTreeSet<_> = requests
        .iter()
        .map(|request| request.headers["x-acs-signature-nonce"].clone())
        .collect();
    assert_eq!(nonces.len(), CALLS, "every request has its own nonce");
    let names: BTreeSet<_> = requests
        .iter()
        .map(|request| request.query["TemplateName"].clone())
        .collect();
    assert_eq!(names.len(), CALLS, "every call sent its own parameters");

    // HTTP/1.1 carries one request at a time per connection, so how many connections the burst
    // opens depends on scheduling (a few hundred here); what must hold is that none is wasted
    // and that later calls take them from the pool.
    let connections = server.connections_accepted();
    assert!(connections <= CALLS, "{connections} connections");
    for _ in 0..20 {
        client
            .get_template()
            .template_name("T")
            .send()
            .await
            .unwrap();
    }
    assert_eq!(
        server.connections_accepted(),
        connections,
        "calls after the burst reused its connections"
    );
    assert_eq!(server.requests().len(), CALLS + 20);
}
