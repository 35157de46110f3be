//! The default client's connections: HTTP/1.1 connections kept open per destination, each
//! driven by the call that uses it.
//!
//! hyper-util's pooling client runs every connection as a task of its own that a call talks to
//! through channels, and spawns one more task per call to put the connection back: each call
//! then wakes two tasks and pays for the pool's locking and hashing. Here a call takes an idle
//! connection, polls it itself while it waits for the response and its body (hyper's
//! `client::conn::http1`), and puts it back once the body is read. Only a streamed response,
//! whose body is read after the call has returned, has its connection driven by a task.

use std::future::{Future, poll_fn};
use std::pin::pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::Poll;
use std::time::{Duration, Instant};

use http::HeaderValue;
use http::uri::{Authority, Scheme, Uri};
use hyper::body::Incoming;
use hyper::client::conn::TrySendError;
use hyper::client::conn::http1::{Connection, SendRequest};
use hyper_rustls::MaybeHttpsStream;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use super::RequestBody;

/// What a connection runs over: TLS or not to the destination, over TLS or not to a proxy, if
/// any, over TCP.
pub(super) type Stream = MaybeHttpsStream<MaybeHttpsStream<TokioIo<TcpStream>>>;

/// An unused connection is closed rather than used after this long; servers drop idle ones
/// themselves after a while.
const IDLE_CONNECTION_LIFETIME: Duration = Duration::from_secs(90);

/// Requests to the same scheme and authority share connections.
#[derive(Clone, PartialEq, Eq)]
pub(super) struct Destination {
    scheme: Scheme,
    authority: Authority,
}

impl Destination {
    /// `None` for a URL without a scheme or host, which names no destination.
    pub(super) fn of(uri: &Uri) -> Option<Self> {
        Some(Destination {
            scheme: uri.scheme()?.clone(),
            authority: uri.authority()?.clone(),
        })
    }
}

/// One HTTP/1.1 connection: the handle requests are sent through, and the connection itself,
/// which moves only while someone polls it.
pub(super) struct Conn {
    sender: SendRequest<RequestBody>,
    /// Boxed: with its TLS state and buffers it takes kilobytes, which every move of the
    /// connection (out of the pool, into the call's future, back) and every future that holds
    /// one (built on the stack, then moved into its box) would otherwise copy, on every call.
    connection: Box<Connection<Stream, RequestBody>>,
    /// Polling the connection again after it finished is not allowed.
    finished: bool,
    /// Connected to a proxy that forwards requests: they carry their URL in absolute form
    /// (`POST http://host/?… HTTP/1.1`) and the proxy's credentials, if any.
    pub(super) forwarding: Option<Forwarding>,
    /// Taken from the pool: the server may have closed it in the meantime, and a request that
    /// it refused before writing is then sent again on another.
    pub(super) reused: bool,
}

pub(super) struct Forwarding {
    pub(super) proxy_authorization: Option<HeaderValue>,
}

impl Conn {
    pub(super) fn new(
        sender: SendRequest<RequestBody>,
        connection: Connection<Stream, RequestBody>,
        forwarding: Option<Forwarding>,
    ) -> Self {
        Conn {
            sender,
            connection: Box::new(connection),
            finished: false,
            forwarding,
            reused: false,
        }
    }

    /// Sends `request`, driving the connection until the response's head has arrived. A
    /// request the connection refused before writing any of it comes back with the error.
    pub(super) async fn send(
        &mut self,
        request: http::Request<RequestBody>,
    ) -> Result<http::Response<Incoming>, TrySendError<http::Request<RequestBody>>> {
        let sent = self.sender.try_send_request(request);
        self.drive(sent).await
    }

    /// Awaits `work`, polling the connection before it each time: reading and writing happen
    /// in the connection's poll, which hands what it read to the response and its body.
    pub(super) async fn drive<T>(&mut self, work: impl Future<Output = T>) -> T {
        let mut work = pin!(work);
        poll_fn(|cx| {
            // Its failures reach the response or the body, which are `work`'s to report.
            if !self.finished && self.connection.poll_without_shutdown(cx).is_ready() {
                self.finished = true;
            }
            work.as_mut().poll(cx)
        })
        .await
    }

    /// Whether the connection is open and waiting for a request: after an exchange, whether
    /// the response left it reusable; in the pool, whether the server has closed it since.
    pub(super) async fn is_idle(&mut self) -> bool {
        poll_fn(|cx| {
            if !self.finished && self.connection.poll_without_shutdown(cx).is_ready() {
                self.finished = true;
            }
            Poll::Ready(!self.finished && self.sender.is_ready())
        })
        .await
    }

    /// Drives the connection on a task of its own until its exchange is over, then puts it
    /// back: for a response whose body is read after the call has returned.
    pub(super) fn drive_in_background(mut self, pool: Arc<Pool>, to: Destination) {
        tokio::spawn(async move {
            let idle = poll_fn(|cx| {
                if self.connection.poll_without_shutdown(cx).is_ready() {
                    return Poll::Ready(false);
                }
                self.sender.poll_ready(cx).map(|ready| ready.is_ok())
            })
            .await;
            if idle {
                pool.check_in(to, self);
            }
        });
    }
}

/// The idle connections, most recently used last, per destination (a client talks to one or
/// a few: a list is quicker to search than a map is to hash).
pub(super) struct Pool {
    idle: Mutex<Vec<(Destination, Vec<Idle>)>>,
    max_idle_per_destination: usize,
}

struct Idle {
    conn: Conn,
    since: Instant,
}

impl Pool {
    pub(super) fn new(max_idle_per_destination: usize) -> Self {
        Pool {
            idle: Mutex::new(Vec::new()),
            max_idle_per_destination,
        }
    }

    /// The most recently used idle connection to `to` that is still open, if any; expired and
    /// closed ones met on the way are dropped, which closes them.
    pub(super) async fn check_out(&self, to: &Destination) -> Option<Conn> {
        loop {
            let idle = {
                let mut pool = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
                let (_, idle) = pool.iter_mut().find(|(destination, _)| destination == to)?;
                let newest = idle.pop()?;
                if newest.since.elapsed() > IDLE_CONNECTION_LIFETIME {
                    // The others have been idle longer still.
                    idle.clear();
                    return None;
                }
                newest
            };
            let mut conn = idle.conn;
            if conn.is_idle().await {
                conn.reused = true;
                return Some(conn);
            }
        }
    }

    /// Keeps `conn` for the next request to `to`, unless as many are kept already: a burst of
    /// concurrent calls opens as many connections as it needs, and all but these are closed.
    pub(super) fn check_in(&self, to: Destination, conn: Conn) {
        let now = Instant::now();
        let mut pool = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        let idle = match pool.iter().position(|(destination, _)| *destination == to) {
            Some(index) => &mut pool[index].1,
            None => {
                pool.push((to, Vec::new()));
                &mut pool.last_mut().expect("just pushed").1
            }
        };
        idle.retain(|kept| now.duration_since(kept.since) <= IDLE_CONNECTION_LIFETIME);
        if idle.len() < self.max_idle_per_destination {
            idle.push(Idle { conn, since: now });
        }
    }
}
