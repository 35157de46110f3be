//! An in-process stand-in for an Alibaba Cloud endpoint, for testing code that calls one.
//!
//! [`TestServer`] listens on `127.0.0.1`, checks the signature of every signed request (the
//! action in `x-acs-action`, RPC or ROA alike) against known credentials, by the scheme its
//! `Authorization` names: ACS3-HMAC-SHA256, or the SLS (`LOG`) or PDS (`acs`) gateway's
//! ([`verify_gateway`]; these are dated by their HTTP `date`, and SLS sends no nonce), answers
//! with scripted [`Reply`]s (faults included), and records what it received. As Alibaba Cloud
//! does, it refuses a request that leaves a header it must sign out of its signature (see
//! [`verify`]), one dated more than 15 minutes from its clock, and one whose signature nonce
//! was used before. It also serves routes by method and path: unsigned, for endpoints such as
//! the ECS instance metadata service, and signed, OSS's and SLS's above all, whose requests name
//! no action. A signed request, whatever its scheme, is answered by a route, its action or a
//! reply set for the next request ([`TestServer::reply_next`]) only once its signature checks:
//! OSS4-HMAC-SHA256 ([`verify_oss4`], in headers or a presigned URL) for the bucket in the host
//! or the path and the server's OSS region, the gateways' and ACS3 as above. An SLS `PutLogs`
//! body (protobuf, LZ4) must also decode as SLS decodes it ([`decode_put_logs`]), or is refused
//! as SLS refuses it.
//!
//! [`ObjectServer`] stands in for OSS's object endpoints: objects streamed in by `PUT` and out
//! by `GET`, whole or by range, with their CRC-64, too large to hold in memory.
//!
//! The signature check ([`verify`]) is this crate's own, written from the algorithm's
//! description and tested against the official SDK's vectors, not the client's signer: a
//! mistake made on one side is caught by the other.
//!
//! ```no_run
//! # async fn example() -> std::io::Result<()> {
//! use acs_test_server::{Reply, TestServer};
//!
//! let server = TestServer::start().await?;
//! server.enqueue("ListTemplates", Reply::throttled(None));
//! server.set_default("ListTemplates", Reply::json(200, r#"{"RequestId":"1","Templates":[]}"#));
//! // Point a client at `server.endpoint()` with `DEFAULT_ACCESS_KEY_ID` and
//! // `DEFAULT_ACCESS_KEY_SECRET`, call ListTemplates, then inspect `server.requests()`.
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]

mod diff;
mod freshness;
mod mock;
mod multipart;
mod object_deletion;
mod object_listing;
mod objects;
mod reply;
mod sls_logs;
mod verify;
mod verify_gateways;
mod verify_oss4;
mod verify_rpc_v2;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{HeaderMap, Method, Request, Response};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

pub use diff::lenient_json_diff;
use freshness::{DEFAULT_DATE_WINDOW, DatedBy, Freshness};
pub use mock::MockHttpClient;
pub use objects::{ObjectServer, PutFault, StoredObject};
use reply::ReplyBody;
pub use reply::{JsonBody, Reply};
pub use sls_logs::{Log, LogGroup, Pair, PutLogsError, decode_put_logs};
pub use verify::{Received, VerifyError, verify};
pub use verify_gateways::{Gateway, verify_gateway};
pub use verify_oss4::verify_oss4;
pub use verify_rpc_v2::verify_rpc_v2;

/// The region whose OSS the server stands for unless told otherwise
/// ([`TestServerBuilder::oss_region`]).
pub const DEFAULT_OSS_REGION: &str = "cn-hangzhou";

/// Access key id the server knows unless told otherwise.
pub const DEFAULT_ACCESS_KEY_ID: &str = "LTAI5tTestServerAccessKey";

/// Secret of [`DEFAULT_ACCESS_KEY_ID`].
pub const DEFAULT_ACCESS_KEY_SECRET: &str = "test-server-access-key-secret";

/// A request the server received.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    /// The client's end of the connection that carried the request: requests with the same
    /// address came over one kept-alive connection.
    pub client_address: SocketAddr,
    /// HTTP method.
    pub method: Method,
    /// Path of the URL.
    pub path: String,
    /// The `x-acs-action` header, for signed requests that carry one.
    pub action: Option<String>,
    /// Query parameters, decoded; of a repeated key, the last value.
    pub query: BTreeMap<String, String>,
    /// Every header received.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
    /// Whether the request was accepted as signed: a valid signature by the scheme its
    /// `Authorization` (or presigned query) names, over every header it must sign, a current
    /// date and a new nonce; always `false` on unsigned routes.
    pub signature_verified: bool,
}

/// Configures a [`TestServer`] before it starts.
#[derive(Clone, Debug)]
pub struct TestServerBuilder {
    credentials: HashMap<String, String>,
    kept_requests: Option<usize>,
    date_window: Duration,
    accept_unsigned: bool,
    oss_region: String,
}

impl TestServerBuilder {
    /// Also accepts requests signed with this access key.
    pub fn with_credentials(
        mut self,
        access_key_id: impl Into<String>,
        access_key_secret: impl Into<String>,
    ) -> Self {
        self.credentials
            .insert(access_key_id.into(), access_key_secret.into());
        self
    }

    /// The region whose OSS the server stands for, which an OSS4 signature's scope must name
    /// (`cn-hangzhou` unless told otherwise).
    pub fn oss_region(mut self, region: impl Into<String>) -> Self {
        self.oss_region = region.into();
        self
    }

    /// Keeps only the last `limit` requests for [`TestServer::requests`] (every one, by
    /// default): each takes a few kilobytes, which adds up in a long run of calls.
    /// [`TestServer::request_count`] still counts them all.
    pub fn keep_requests(mut self, limit: usize) -> Self {
        self.kept_requests = Some(limit);
        self
    }

    /// Accepts requests dated up to `window` from the server's clock, either way, instead of
    /// 15 minutes, and refuses a nonce used again as long; for requests signed at a pinned
    /// date (`Duration::MAX` accepts any date, and remembers every nonce).
    pub fn date_window(mut self, window: Duration) -> Self {
        self.date_window = window;
        self
    }

    /// Also answers requests that carry no signature at all, as a service answers the
    /// operations whose request itself authenticates the caller (a spec's `anonymous`); they
    /// are still dated and their nonce checked when they carry them.
    pub fn accept_unsigned(mut self, accept: bool) -> Self {
        self.accept_unsigned = accept;
        self
    }

    /// Binds `127.0.0.1` on a free port and starts serving on the current tokio runtime.
    ///
    /// # Errors
    /// When the port cannot be bound.
    pub async fn start(self) -> std::io::Result<TestServer> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let address = listener.local_addr()?;
        let state = Arc::new(State::new(self));
        let accept_loop = tokio::spawn(accept_connections(listener, Arc::clone(&state)));
        Ok(TestServer {
            address,
            state,
            accept_loop,
        })
    }
}

/// An in-process Alibaba Cloud endpoint on `127.0.0.1`; see the [crate docs](crate).
///
/// Dropping it stops the server and closes its connections.
pub struct TestServer {
    address: SocketAddr,
    state: Arc<State>,
    accept_loop: JoinHandle<()>,
}

impl fmt::Debug for TestServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestServer")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        // The accept loop owns the connection tasks; aborting it ends them too.
        self.accept_loop.abort();
    }
}

impl TestServer {
    /// A server that knows only the default credentials.
    pub fn builder() -> TestServerBuilder {
        TestServerBuilder {
            credentials: HashMap::from([(
                DEFAULT_ACCESS_KEY_ID.to_owned(),
                DEFAULT_ACCESS_KEY_SECRET.to_owned(),
            )]),
            kept_requests: None,
            date_window: DEFAULT_DATE_WINDOW,
            accept_unsigned: false,
            oss_region: DEFAULT_OSS_REGION.to_owned(),
        }
    }

    /// Starts a server that knows only the default credentials.
    ///
    /// # Errors
    /// When the port cannot be bound.
    pub async fn start() -> std::io::Result<Self> {
        Self::builder().start().await
    }

    /// `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The address the server listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Queues a reply for the next call of `action` not yet answered; queued replies go out in
    /// the order they were queued, before the default.
    pub fn enqueue(&self, action: &str, reply: Reply) {
        self.state.enqueue(action, reply);
    }

    /// Sets the reply for calls of `action` once its queue is empty. Without one, such calls get
    /// HTTP 404 `InvalidAction.NotFound`.
    pub fn set_default(&self, action: &str, reply: Reply) {
        self.state.set_default(action, reply);
    }

    /// Answers the next request whose signature checks (or that is accepted unsigned), by any
    /// scheme, with `reply`, instead of what is scripted for its action or route; replaces a
    /// reply set so and not yet sent. For a caller that sends one request at a time and need
    /// not know how the server would key it (OSS and SLS requests name no action). A refused
    /// request does not take it, nor does one an unsigned [`route`](Self::route) answers.
    pub fn reply_next(&self, reply: Reply) {
        self.scripts().next = Some(reply);
    }

    /// Serves `method path` with `reply` once the route's queue is empty: an unsigned request
    /// as it is, a signed one (by any scheme; OSS4's and SLS's name no action) once its
    /// signature checks, before the replies scripted for its action.
    pub fn route(&self, method: Method, path: &str, reply: Reply) {
        self.scripts()
            .routes
            .entry((method, path.to_owned()))
            .or_default()
            .default = Some(reply);
    }

    /// Serves `method path` (unsigned, or signed once its signature checks, as
    /// [`route`](Self::route) does), queueing `reply` like
    /// [`enqueue`](Self::enqueue). A route with nothing left to send answers HTTP 404.
    pub fn enqueue_route(&self, method: Method, path: &str, reply: Reply) {
        self.scripts()
            .routes
            .entry((method, path.to_owned()))
            .or_default()
            .queued
            .push_back(reply);
    }

    /// Every request received so far, in the order they arrived (the last ones only, under
    /// [`TestServerBuilder::keep_requests`]).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.requests()
    }

    /// How many requests arrived, kept or not.
    pub fn request_count(&self) -> u64 {
        lock(&self.state.requests).count
    }

    fn scripts(&self) -> MutexGuard<'_, Scripts> {
        lock(&self.state.scripts)
    }
}

/// A panic in a test must not hide what the server saw, so poisoning is ignored.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// What answers calls by action: a [`TestServer`] or a [`MockHttpClient`].
pub trait Scripted {
    /// Queues a reply for the next call of `action` (see [`TestServer::enqueue`]).
    fn enqueue(&self, action: &str, reply: Reply);
    /// Sets the reply for calls of `action` once its queue is empty (see
    /// [`TestServer::set_default`]).
    fn set_default(&self, action: &str, reply: Reply);
}

impl Scripted for TestServer {
    fn enqueue(&self, action: &str, reply: Reply) {
        self.state.enqueue(action, reply);
    }

    fn set_default(&self, action: &str, reply: Reply) {
        self.state.set_default(action, reply);
    }
}

/// What a server or a mock knows and has seen.
struct State {
    credentials: HashMap<String, String>,
    oss_region: String,
    freshness: Freshness,
    accept_unsigned: bool,
    scripts: Mutex<Scripts>,
    requests: Mutex<RequestLog>,
}

impl State {
    fn new(settings: TestServerBuilder) -> Self {
        State {
            credentials: settings.credentials,
            oss_region: settings.oss_region,
            freshness: Freshness::new(settings.date_window),
            accept_unsigned: settings.accept_unsigned,
            scripts: Mutex::default(),
            requests: Mutex::new(RequestLog {
                kept: VecDeque::new(),
                limit: settings.kept_requests,
                count: 0,
            }),
        }
    }

    fn enqueue(&self, action: &str, reply: Reply) {
        lock(&self.scripts)
            .actions
            .entry(action.to_owned())
            .or_default()
            .queued
            .push_back(reply);
    }

    fn set_default(&self, action: &str, reply: Reply) {
        lock(&self.scripts)
            .actions
            .entry(action.to_owned())
            .or_default()
            .default = Some(reply);
    }

    fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.requests).kept.iter().cloned().collect()
    }
}

struct RequestLog {
    kept: VecDeque<RecordedRequest>,
    limit: Option<usize>,
    count: u64,
}

impl RequestLog {
    fn record(&mut self, request: RecordedRequest) {
        self.count += 1;
        if self.limit == Some(0) {
            return;
        }
        if self.limit == Some(self.kept.len()) {
            self.kept.pop_front();
        }
        self.kept.push_back(request);
    }
}

#[derive(Default)]
struct Scripts {
    actions: HashMap<String, Script>,
    routes: HashMap<(Method, String), Script>,
    /// [`TestServer::reply_next`]'s.
    next: Option<Reply>,
}

#[derive(Default)]
struct Script {
    queued: VecDeque<Reply>,
    default: Option<Reply>,
}

impl Script {
    fn next_reply(&mut self) -> Option<Reply> {
        self.queued.pop_front().or_else(|| self.default.clone())
    }
}

/// Serves connections until the server is dropped, which aborts this task and, with the
/// `JoinSet`, every connection still open.
async fn accept_connections(listener: TcpListener, state: Arc<State>) {
    let mut connections = JoinSet::new();
    loop {
        match listener.accept().await {
            Ok((stream, client_address)) => {
                connections.spawn(serve_connection(stream, client_address, Arc::clone(&state)));
            }
            Err(error) => {
                // Such as running out of file descriptors: wait for connections to close.
                tracing::warn!(%error, "test server could not accept a connection");
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
        // Forgets the connections that have ended, so that the set holds only open ones.
        while connections.try_join_next().is_some() {}
    }
}

async fn serve_connection(stream: TcpStream, client_address: SocketAddr, state: Arc<State>) {
    let service = service_fn(move |request| answer(Arc::clone(&state), client_address, request));
    if let Err(error) = http1::Builder::new()
        .serve_connection(TokioIo::new(stream), service)
        .await
    {
        tracing::debug!(%error, "test server connection ended");
    }
}

/// Returned by the service to make hyper close the connection without a response.
#[derive(Debug)]
struct DroppedOnPurpose;

impl fmt::Display for DroppedOnPurpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped on purpose")
    }
}

impl std::error::Error for DroppedOnPurpose {}

async fn answer(
    state: Arc<State>,
    client_address: SocketAddr,
    request: Request<Incoming>,
) -> Result<Response<ReplyBody>, DroppedOnPurpose> {
    let (parts, body) = request.into_parts();
    let body = body
        .collect()
        .await
        .map_err(|_| DroppedOnPurpose)?
        .to_bytes();
    let (reply, host_id) = respond(&state, client_address, parts, body);
    if let Some(delay) = reply.delay() {
        tokio::time::sleep(delay).await;
    }
    reply.into_response(&host_id).ok_or(DroppedOnPurpose)
}

/// Records a request and picks its reply ([`reply_to`]), with the host it was sent to, which
/// error replies name as their `HostId`.
fn respond(
    state: &State,
    client_address: SocketAddr,
    parts: http::request::Parts,
    body: Bytes,
) -> (Reply, String) {
    let raw_query = parts.uri.query().unwrap_or("").to_owned();
    let host_id = parts
        .headers
        .get(http::header::HOST)
        .and_then(|host| host.to_str().ok())
        .or(parts.uri.host())
        .unwrap_or("127.0.0.1")
        .to_owned();
    let mut recorded = RecordedRequest {
        client_address,
        method: parts.method,
        path: parts.uri.path().to_owned(),
        action: None,
        query: decode_query(&raw_query).into_iter().collect(),
        headers: parts.headers,
        body,
        signature_verified: false,
    };

    let reply = reply_to(state, &mut recorded, &raw_query);
    lock(&state.requests).record(recorded);
    (reply, host_id)
}

impl RecordedRequest {
    /// The request as a verifier reads it, with its query as sent.
    fn received<'a>(&'a self, raw_query: &'a str) -> Received<'a> {
        Received {
            method: self.method.as_str(),
            path: &self.path,
            query: raw_query,
            headers: &self.headers,
            body: &self.body,
        }
    }
}

/// How a request says it is signed, as the service tells it: by the first word of its
/// `Authorization`, or by the query a presigned OSS URL or a v2 RPC request carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scheme {
    /// OSS4-HMAC-SHA256 (OSS's, and the OSS gateway's), in headers or presigned.
    Oss4 { presigned: bool },
    /// The SLS gateway's `LOG`.
    Sls,
    /// `acs`: the PDS gateway's, and the v2 ROA request's (`do_roarequest`).
    Acs,
    /// ACS3-HMAC-SHA256.
    Acs3,
    /// The v2 RPC signature, in the query.
    RpcV2,
    /// No signature at all (an anonymous call, or an endpoint nothing signs).
    Unsigned,
}

impl Scheme {
    fn of(headers: &HeaderMap, raw_query: &str) -> Self {
        let authorization = headers
            .get("authorization")
            .map_or(&b""[..], |value| value.as_bytes());
        let in_query = |name: &str| {
            raw_query
                .split('&')
                .any(|pair| pair.split('=').next() == Some(name))
        };
        if authorization.starts_with(b"OSS4-HMAC-SHA256 ") {
            Scheme::Oss4 { presigned: false }
        } else if in_query("x-oss-signature") {
            Scheme::Oss4 {
                presigned: authorization.is_empty(),
            }
        } else if authorization.starts_with(b"LOG ") {
            Scheme::Sls
        } else if authorization.starts_with(b"acs ") {
            Scheme::Acs
        } else if !authorization.is_empty() && !headers.contains_key("x-acs-signature-method") {
            // A request in the v2 ROA shape (`x-acs-signature-method`) that is not signed `acs`
            // is an anonymous call whose `Authorization` is a parameter of its own (EIAM's
            // bearer token), not a signature.
            Scheme::Acs3
        } else if in_query("Signature") {
            Scheme::RpcV2
        } else {
            Scheme::Unsigned
        }
    }
}

/// The reply to a request. Whatever scheme signed it, its signature (then its date and nonce)
/// is checked before anything scripted answers it, a route or [`TestServer::reply_next`]'s
/// reply alike; only a request that carries no signature is answered by a route as it is (the
/// instance metadata service's, which nothing signs).
fn reply_to(state: &State, recorded: &mut RecordedRequest, raw_query: &str) -> Reply {
    let scheme = Scheme::of(&recorded.headers, raw_query);
    if scheme == Scheme::Unsigned
        && let Some(script) = lock(&state.scripts)
            .routes
            .get_mut(&(recorded.method.clone(), recorded.path.clone()))
    {
        return script
            .next_reply()
            .unwrap_or_else(|| no_more_replies(&recorded.method, &recorded.path));
    }
    if !matches!(scheme, Scheme::Oss4 { .. }) {
        recorded.action = recorded
            .headers
            .get("x-acs-action")
            .map(|action| String::from_utf8_lossy(action.as_bytes()).into_owned());
    }
    if let Err(error) = check_signature(state, recorded, raw_query, scheme) {
        return signature_error_reply(error);
    }
    recorded.signature_verified = true;
    // SLS refuses a `PutLogs` body (protobuf, LZ4) it cannot decode.
    let protobuf = recorded
        .headers
        .get(http::header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes() == b"application/x-protobuf");
    if scheme == Scheme::Sls
        && protobuf
        && let Err(PutLogsError(reason)) = decode_put_logs(&recorded.headers, &recorded.body)
    {
        return Reply::error(400, "PostBodyInvalid", reason);
    }
    scripted_reply(state, recorded, scheme)
}

/// Checks a request's signature by `scheme`, then its date and nonce (a presigned URL's
/// expiry is not judged).
fn check_signature(
    state: &State,
    recorded: &RecordedRequest,
    raw_query: &str,
    scheme: Scheme,
) -> Result<(), VerifyError> {
    let received = recorded.received(raw_query);
    let secret_for = |access_key_id: &str| state.credentials.get(access_key_id).cloned();
    let query = decode_query(raw_query);
    let in_query = |name: &str| {
        query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    };
    let (verified, dated_by) = match scheme {
        Scheme::Oss4 { presigned } => {
            // OSS4 signs for the bucket in the host, or (path-style) in the path.
            let bucket = bucket_in_host(&recorded.headers);
            let verified = verify_oss4(&received, bucket.as_deref(), &state.oss_region, secret_for);
            let dated_by = (!presigned).then_some(DatedFrom::Headers(DatedBy::HttpDate));
            (verified, dated_by)
        }
        Scheme::Sls => (
            verify_gateway(Gateway::Sls, &received, secret_for),
            Some(DatedFrom::Headers(DatedBy::HttpDate)),
        ),
        // The PDS gateway and `do_roarequest` sign the same string but for the path (decoded,
        // or as sent), and nothing in the request says which wrote it: either is accepted.
        Scheme::Acs => (
            verify_gateway(Gateway::Pds, &received, secret_for).or_else(|error| match error {
                VerifyError::SignatureMismatch { .. } => {
                    verify_gateway(Gateway::RoaV2, &received, secret_for)
                }
                error => Err(error),
            }),
            Some(DatedFrom::Headers(DatedBy::HttpDate)),
        ),
        Scheme::Acs3 => (
            verify(&received, secret_for),
            Some(DatedFrom::Headers(DatedBy::AcsDate)),
        ),
        Scheme::RpcV2 => (verify_rpc_v2(&received, secret_for), Some(DatedFrom::Query)),
        Scheme::Unsigned => {
            let verified = if state.accept_unsigned {
                Ok(())
            } else {
                Err(VerifyError::MissingAuthorization)
            };
            // Dated as the scheme whose other headers it carries dates its requests.
            let dated_by = if in_query("Timestamp").is_some() {
                DatedFrom::Query
            } else if recorded.headers.contains_key("date") {
                DatedFrom::Headers(DatedBy::HttpDate)
            } else {
                DatedFrom::Headers(DatedBy::AcsDate)
            };
            (verified, Some(dated_by))
        }
    };
    verified?;
    match dated_by {
        None => Ok(()),
        // The v2 request's timestamp and nonce are judged as ACS3's headers are.
        Some(DatedFrom::Query) => {
            let mut dating = http::HeaderMap::new();
            for (parameter, header) in [
                ("Timestamp", "x-acs-date"),
                ("SignatureNonce", "x-acs-signature-nonce"),
            ] {
                if let Some(value) =
                    in_query(parameter).and_then(|value| http::HeaderValue::try_from(value).ok())
                {
                    dating.insert(header, value);
                }
            }
            state
                .freshness
                .check(&dating, DatedBy::AcsDate, SystemTime::now())
        }
        Some(DatedFrom::Headers(dated_by)) => {
            state
                .freshness
                .check(&recorded.headers, dated_by, SystemTime::now())
        }
    }
}

/// What answers a request whose signature checked (or that is accepted unsigned):
/// [`TestServer::reply_next`]'s reply, else its route's (method and path), else its action's;
/// OSS and SLS, whose requests name no action, answer by route alone.
fn scripted_reply(state: &State, recorded: &RecordedRequest, scheme: Scheme) -> Reply {
    let mut scripts = lock(&state.scripts);
    if let Some(reply) = scripts.next.take() {
        return reply;
    }
    let (method, path) = (&recorded.method, &recorded.path);
    let routed = scripts
        .routes
        .get_mut(&(method.clone(), path.clone()))
        .map(Script::next_reply);
    match (scheme, routed) {
        (Scheme::Oss4 { .. }, routed) => routed.flatten().unwrap_or_else(|| {
            Reply::xml_error(
                404,
                "NoSuchKey",
                format!("Nothing is routed at {method} {path}."),
            )
        }),
        (Scheme::Sls, routed) => routed.flatten().unwrap_or_else(|| {
            Reply::error(
                404,
                "InvalidRoute.NotFound",
                format!("Nothing is routed at {method} {path}."),
            )
        }),
        (_, Some(routed)) => routed.unwrap_or_else(|| no_more_replies(method, path)),
        (_, None) => recorded
            .action
            .as_deref()
            .and_then(|action| scripts.actions.get_mut(action))
            .and_then(Script::next_reply)
            .unwrap_or_else(|| {
                Reply::error(
                    404,
                    "InvalidAction.NotFound",
                    "Specified api is not found, please check your url and method.",
                )
            }),
    }
}

/// A route's reply once its queue is spent and it has no default.
fn no_more_replies(method: &Method, path: &str) -> Reply {
    Reply::error(
        404,
        "InvalidRoute.NotFound",
        format!("No more replies for {method} {path}."),
    )
}

/// The bucket an OSS request names in its host, as a virtual-hosted request does: the host's
/// first label, unless the host is this server's own address (an IP address or `localhost`),
/// where a bucket is the path's first segment (path-style) and signed as part of the path.
fn bucket_in_host(headers: &HeaderMap) -> Option<String> {
    let host = headers.get(http::header::HOST)?.to_str().ok()?;
    let name = host.rsplit_once(':').map_or(host, |(name, _)| name);
    if name.parse::<std::net::IpAddr>().is_ok() || name == "localhost" {
        return None;
    }
    let (bucket, _) = name.split_once('.')?;
    Some(bucket.to_owned())
}

/// Where a request's date and nonce are: in headers, or in the query (the v2 RPC request).
#[derive(Clone, Copy)]
enum DatedFrom {
    Headers(DatedBy),
    Query,
}

fn signature_error_reply(error: VerifyError) -> Reply {
    match error {
        VerifyError::MissingAuthorization | VerifyError::UnknownAccessKey { .. } => Reply::error(
            404,
            "InvalidAccessKeyId.NotFound",
            "Specified access key is not found.",
        ),
        VerifyError::SignatureMismatch { string_to_sign } => Reply::error(
            400,
            "SignatureDoesNotMatch",
            format!(
                "Specified signature does not match our calculation. server string to sign is:{string_to_sign}"
            ),
        ),
        VerifyError::PayloadHashMismatch { .. } => Reply::error(
            400,
            "SignatureDoesNotMatch",
            format!("Specified signature does not match our calculation. {error}"),
        ),
        VerifyError::MalformedAuthorization { .. }
        | VerifyError::MissingSignedHeader { .. }
        | VerifyError::UnsignedHeaders { .. } => Reply::error(
            400,
            "IncompleteSignature",
            format!("The request signature does not conform to Aliyun standards. {error}"),
        ),
        VerifyError::MalformedDate { .. } => Reply::error(
            400,
            "InvalidTimeStamp.Format",
            format!("Specified time stamp or date value is not well formatted. {error}"),
        ),
        VerifyError::StaleDate { .. } => Reply::error(
            400,
            "InvalidTimeStamp.Expired",
            format!("Specified time stamp or date value is expired. {error}"),
        ),
        VerifyError::NonceReused { .. } => Reply::error(
            400,
            "SignatureNonceUsed",
            format!("Specified signature nonce was used already. {error}"),
        ),
    }
}

/// Decodes `application/x-www-form-urlencoded` text: `+` is a space, `%XX` a byte; invalid
/// UTF-8 is replaced rather than refused, so that the signature check reports the mismatch.
pub fn decode_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(key), percent_decode(value))
        })
        .collect()
}

/// A query or form value decoded: `%XX` escapes, and `+` for a space.
pub(crate) fn percent_decode(text: &str) -> String {
    decode_escapes(text, true)
}

/// A path decoded: `%XX` escapes only, `+` being itself in a path.
pub(crate) fn percent_decode_path(text: &str) -> String {
    decode_escapes(text, false)
}

fn decode_escapes(text: &str, plus_is_space: bool) -> String {
    fn hex_value(digit: u8) -> Option<u8> {
        char::from(digit)
            .to_digit(16)
            .and_then(|value| u8::try_from(value).ok())
    }
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'+' if plus_is_space => decoded.push(b' '),
            b'%' => {
                let escaped = bytes
                    .get(index + 1..index + 3)
                    .and_then(|digits| Some((hex_value(digits[0])? << 4) | hex_value(digits[1])?));
                if let Some(byte) = escaped {
                    decoded.push(byte);
                    index += 3;
                    continue;
                }
                decoded.push(b'%');
            }
            byte => decoded.push(byte),
        }
        index += 1;
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_decoding_handles_plus_escapes_and_bad_escapes() {
        assert_eq!(
            decode_query("a=1+2&b=%E4%B8%AD%2b&c&=x&d=100%&e=%zz"),
            [
                ("a".to_owned(), "1 2".to_owned()),
                ("b".to_owned(), "中+".to_owned()),
                ("c".to_owned(), String::new()),
                (String::new(), "x".to_owned()),
                ("d".to_owned(), "100%".to_owned()),
                ("e".to_owned(), "%zz".to_owned()),
            ]
        );
        assert!(decode_query("").is_empty());
    }

    #[test]
    fn scripts_send_queued_replies_before_the_default() {
        let mut script = Script::default();
        assert!(script.next_reply().is_none());
        script.queued.push_back(Reply::drop_connection());
        script.default = Some(Reply::service_unavailable());
        assert!(format!("{:?}", script.next_reply()).contains("DropConnection"));
        assert!(format!("{:?}", script.next_reply()).contains("ServiceUnavailable"));
        assert!(format!("{:?}", script.next_reply()).contains("ServiceUnavailable"));
    }
}
