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
use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering::SeqCst;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use futures_util::task::AtomicWaker;
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
    /// The waker `drive` polls with: one for the connection's life, so that no call makes one.
    relay: Arc<Relay>,
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
            relay: Arc::new(Relay::default()),
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
    ///
    /// Both are polled with the connection's [`Relay`]: what one of them wakes while they are
    /// polled is polled again at once, rather than through the runtime.
    pub(super) async fn drive<T>(&mut self, work: impl Future<Output = T>) -> T {
        let mut work = pin!(work);
        poll_fn(|cx| {
            self.relay.task.register(cx.waker());
            let relay = Waker::from(Arc::clone(&self.relay));
            let mut relayed = Context::from_waker(&relay);
            for _ in 0..MAX_POLLS_IN_A_ROW {
                self.relay.polling.store(true, SeqCst);
                self.relay.woken_while_polling.store(false, SeqCst);
                // Its failures reach the response or the body, which are `work`'s to report.
                if !self.finished
                    && self
                        .connection
                        .poll_without_shutdown(&mut relayed)
                        .is_ready()
                {
                    self.finished = true;
                }
                let polled = work.as_mut().poll(&mut relayed);
                self.relay.polling.store(false, SeqCst);
                if polled.is_ready() || !self.relay.woken_while_polling.load(SeqCst) {
                    return polled;
                }
            }
            // Left to the runtime, which runs other tasks in between.
            cx.waker().wake_by_ref();
            Poll::Pending
        })
        .await
    }

    /// Whether the connection is open and waiting for a request: after an exchange, whether
    /// the response left it reusable; in the pool, whether the server has closed it since.
    ///
    /// Polled with a waker that does nothing: nobody waits on an idle connection, and the
    /// call that takes it next polls it with its own waker. Had the caller's waker been left
    /// with the connection, the next request handed to it would wake the caller's task while
    /// it runs, and the runtime would poll its driver once more before it sleeps.
    pub(super) fn is_idle(&mut self) -> bool {
        let mut unwatched = Context::from_waker(Waker::noop());
        if !self.finished
            && self
                .connection
                .poll_without_shutdown(&mut unwatched)
                .is_ready()
        {
            self.finished = true;
        }
        !self.finished && self.sender.is_ready()
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

/// How many times in a row `drive` polls again for wakes made while it polled, before it leaves
/// the next poll to the runtime: tokio's cooperative budget, which makes a busy task yield, is
/// spent by the connection's reads and writes, and a relayed wake must not starve other tasks.
const MAX_POLLS_IN_A_ROW: usize = 4;

/// The waker a connection and the call's work are polled with in `drive`: it wakes the call's
/// task only when the wake comes from outside that poll (the I/O driver, another thread).
///
/// Within the poll, the connection wakes the response it has just received and the body it has
/// just read, and the body wakes the connection when it wants more. A task of tokio's
/// current-thread runtime woken while it runs is, once it returns `Pending`, polled again
/// after a turn of the I/O driver that does not block (an `epoll_wait` system call with a zero
/// timeout, on every call) before the thread sleeps; relayed, such a wake is answered by
/// polling again at once, and the call's task sleeps as soon as it has nothing to do.
#[derive(Default)]
struct Relay {
    task: AtomicWaker,
    polling: AtomicBool,
    woken_while_polling: AtomicBool,
}

impl Wake for Relay {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    /// The flag is set before `polling` is read, and `drive` clears `polling` before it reads
    /// the flag: a wake racing with the end of a poll is seen by one side or the other.
    fn wake_by_ref(self: &Arc<Self>) {
        self.woken_while_polling.store(true, SeqCst);
        if !self.polling.load(SeqCst) {
            self.task.wake();
        }
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
    pub(super) fn check_out(&self, to: &Destination) -> Option<Conn> {
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
            if conn.is_idle() {
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

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;

    #[derive(Default)]
    struct CountedWakes(AtomicUsize);

    impl Wake for CountedWakes {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, SeqCst);
        }
    }

    #[test]
    fn a_relay_wakes_the_task_only_for_wakes_from_outside_the_poll() {
        let task = Arc::new(CountedWakes::default());
        let relay = Arc::new(Relay::default());
        relay.task.register(&Waker::from(Arc::clone(&task)));
        let relayed = Waker::from(Arc::clone(&relay));

        relay.polling.store(true, SeqCst);
        relayed.wake_by_ref();
        assert_eq!(
            task.0.load(SeqCst),
            0,
            "a wake during the poll is noted, not sent"
        );
        assert!(relay.woken_while_polling.load(SeqCst));

        relay.polling.store(false, SeqCst);
        relayed.wake_by_ref();
        assert_eq!(
            task.0.load(SeqCst),
            1,
            "a wake after the poll reaches the task"
        );
    }
}
