//! One shared client under many concurrent calls, on a multi-threaded runtime.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

const CALLS: usize = 1_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_concurrent_calls_on_one_client_all_complete_over_shared_connections() {
    let server = integration_tests::server().await;
    let client = integration_tests::client(&server);

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

    // HTTP/1.1 carries one request at a time per connection, so how many connections the
    // burst opens depends on scheduling; calls after it take kept-alive ones from the pool.
    for _ in 0..20 {
        client
            .get_template()
            .template_name("T")
            .send()
            .await
            .unwrap();
    }
    let requests = server.requests();
    assert_eq!(requests.len(), CALLS + 20);
    let connections: BTreeSet<_> = requests
        .iter()
        .map(|request| request.client_address)
        .collect();
    assert!(
        connections.len() < requests.len(),
        "{} connections carried {} requests: none was reused",
        connections.len(),
        requests.len()
    );
}

/// A burst opens as many connections as it needs; once it is over, the pool keeps no more
/// than `MAX_IDLE_CONNECTIONS_PER_HOST` of them for the next burst.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn idle_connections_beyond_the_cap_are_closed_after_a_burst() {
    const BURST: usize = acs_runtime::http::MAX_IDLE_CONNECTIONS_PER_HOST + 16;
    let server = integration_tests::server().await;
    // Slow enough that every call of a burst needs a connection of its own.
    server.set_default(
        "GetTemplate",
        acs_test_server::Reply::json(200, integration_tests::response_example("GetTemplate"))
            .delayed(Duration::from_millis(300)),
    );
    let client = integration_tests::client(&server);
    let burst = || async {
        let calls: Vec<_> = (0..BURST)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { client.get_template().template_name("T").send().await })
            })
            .collect();
        for call in calls {
            call.await.unwrap().unwrap();
        }
    };

    burst().await;
    let first: BTreeSet<_> = server
        .requests()
        .iter()
        .map(|request| request.client_address)
        .collect();
    assert_eq!(first.len(), BURST, "one connection per concurrent call");
    burst().await;
    let reused = server.requests()[BURST..]
        .iter()
        .filter(|request| first.contains(&request.client_address))
        .count();
    assert!(
        reused <= acs_runtime::http::MAX_IDLE_CONNECTIONS_PER_HOST,
        "{reused} calls of the second burst reused a connection of the first"
    );
    assert!(reused > 0, "kept connections are reused");
}
