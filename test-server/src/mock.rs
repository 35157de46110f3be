//! [`MockHttpClient`]: the test server without a socket. It plugs into a client's
//! configuration as its HTTP client (`Config::builder().http_client(mock.clone())`), checks
//! every request as the server does (the signature with this crate's own
//! [`verify`](crate::verify), then the date and nonce), answers with scripted [`Reply`]s and
//! records what it was sent, all in process: nothing listens, so tests need no port, and run
//! where sockets are not allowed.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use acs_runtime::http::{HttpClient, HttpFuture};
use bytes::Bytes;

use crate::{RecordedRequest, Reply, Scripted, State, TestServer, TestServerBuilder, lock};

/// An in-process HTTP client that answers as a [`TestServer`] would. Clones share the
/// replies and the record.
///
/// ```
/// # async fn example() -> Result<(), acs_runtime::Error> {
/// use acs_runtime::{Config, Credentials};
/// use acs_test_server::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, MockHttpClient, Reply};
///
/// let mock = MockHttpClient::new();
/// mock.enqueue("ListTemplates", Reply::json(200, r#"{"RequestId":"1","Templates":[]}"#));
/// let config = Config::builder()
///     .region("cn-hangzhou")
///     .credentials(Credentials::new(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, "test"))
///     .http_client(mock.clone())
///     .build()?;
/// // Build a client from `config`, call ListTemplates, then inspect `mock.requests()`.
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct MockHttpClient {
    state: Arc<State>,
}

impl std::fmt::Debug for MockHttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockHttpClient").finish_non_exhaustive()
    }
}

impl Default for MockHttpClient {
    fn default() -> Self {
        Self::new()
    }
}

impl TestServerBuilder {
    /// The mock HTTP client these settings make, instead of a server.
    pub fn mock(self) -> MockHttpClient {
        MockHttpClient {
            state: Arc::new(State::new(self)),
        }
    }
}

impl MockHttpClient {
    /// A mock that knows only the default credentials; [`TestServer::builder`] then
    /// [`TestServerBuilder::mock`] for others.
    pub fn new() -> Self {
        TestServer::builder().mock()
    }

    /// Queues a reply for the next call of `action` (see [`TestServer::enqueue`]).
    pub fn enqueue(&self, action: &str, reply: Reply) {
        self.state.enqueue(action, reply);
    }

    /// Sets the reply for calls of `action` once its queue is empty (see
    /// [`TestServer::set_default`]).
    pub fn set_default(&self, action: &str, reply: Reply) {
        self.state.set_default(action, reply);
    }

    /// Every request sent so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.requests()
    }

    /// How many requests were sent, kept or not.
    pub fn request_count(&self) -> u64 {
        lock(&self.state.requests).count
    }
}

impl Scripted for MockHttpClient {
    fn enqueue(&self, action: &str, reply: Reply) {
        self.state.enqueue(action, reply);
    }

    fn set_default(&self, action: &str, reply: Reply) {
        self.state.set_default(action, reply);
    }
}

impl HttpClient for MockHttpClient {
    fn send(&self, request: http::Request<Bytes>) -> HttpFuture<'_> {
        let state = Arc::clone(&self.state);
        Box::pin(async move {
            let (mut parts, body) = request.into_parts();
            // An HTTP client writes `host` from the URL, as it goes on the wire; the signature
            // covers it.
            if let Some(authority) = parts.uri.authority()
                && let Ok(host) = http::HeaderValue::from_str(authority.as_str())
            {
                parts.headers.entry(http::header::HOST).or_insert(host);
            }
            // No connection carries the request: the unspecified address says so.
            let client_address = SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0));
            let (reply, host_id) = crate::respond(&state, client_address, parts, body);
            if let Some(delay) = reply.delay() {
                tokio::time::sleep(delay).await;
            }
            reply.into_bytes_response(&host_id)
        })
    }
}
