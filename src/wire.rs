//! What the wire saw of one request, and the handle that stops it.
//!
//! Two facts decide a create's fate and must never be guessed from an error's type:
//! whether any byte of the request reached a socket (then the server may have acted on
//! it), and whether the caller interrupted the request. ureq's connector chain is wrapped
//! at both ends to learn them:
//!
//! - [`SocketTap`] sits on the TCP socket itself (one per real connection, under TLS and
//!   under a CONNECT tunnel). It records bytes written while a request is being sent, and
//!   attaches the socket's shutdown handle to the request in flight, so that a cancel from
//!   another thread closes exactly that request's socket.
//! - [`RequestTap`] sits on top of the finished connection (after the TLS handshake and
//!   any proxy tunnel), so only what ureq writes through it is the request: handshake and
//!   CONNECT bytes never count.
//!
//! The request in flight on a thread is a [`Watch`], found through a thread-local pointer
//! that [`Watch::run`] sets around one exchange. An exchange runs entirely on the calling
//! thread, so every transport call of that request sees it.
//!
//! A watch made by [`Watch::recording`] also keeps the [`Steps`] of the connection its
//! request opens: the name lookups, each TCP connect, the TLS handshake (`tls.rs` reports
//! it), the first byte of the answer. The diagnosis reads a connection made for it this
//! way, through the very code a payment's connection goes through.

use std::cell::Cell;
use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::{Duration, Instant};

use rustls::pki_types::{CertificateDer, UnixTime};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, NextTimeout, ShutdownHandle, TcpConnector,
    Transport,
};

/// What a recording watch saw of the connection its request opened, step by step.
#[derive(Debug, Default, Clone)]
pub(crate) struct Steps {
    /// Each name lookup: the server's, or with a proxy the proxy's.
    pub lookups: Vec<Lookup>,
    /// Each TCP connect tried, in order.
    pub connects: Vec<ConnectAttempt>,
    /// The last TLS handshake (the server's, after a TLS proxy's own).
    pub tls: Option<TlsStep>,
    /// From the request written to the first byte of the answer.
    pub first_byte_ms: Option<u64>,
}

/// One name lookup.
#[derive(Debug, Clone)]
pub(crate) struct Lookup {
    pub host: String,
    /// The host was an address: nothing was looked up.
    pub literal: bool,
    /// The addresses found, or why none were.
    pub addresses: Result<Vec<SocketAddr>, String>,
    pub ms: u64,
}

/// One TCP connect.
#[derive(Debug, Clone)]
pub(crate) struct ConnectAttempt {
    pub address: SocketAddr,
    pub ms: u64,
    /// None when it connected.
    pub error: Option<String>,
}

/// One TLS handshake.
#[derive(Debug, Default, Clone)]
pub(crate) struct TlsStep {
    /// The name the handshake was with (the server's, or a TLS proxy's).
    pub host: String,
    /// The chain the server presented, its own certificate first.
    pub chain: Vec<CertificateDer<'static>>,
    /// The time the chain was checked at.
    pub now: Option<UnixTime>,
    pub protocol: Option<rustls::ProtocolVersion>,
    pub cipher_suite: Option<rustls::CipherSuite>,
    pub ms: u64,
    /// None when the handshake succeeded.
    pub error: Option<rustls::Error>,
}

/// Milliseconds since `started`.
pub(crate) fn elapsed_ms(started: Instant) -> u64 {
    started.elapsed().as_millis().try_into().unwrap_or(u64::MAX)
}

/// One request in flight: what it wrote, whether it was interrupted, and its socket.
#[derive(Default)]
pub(crate) struct Watch {
    /// A byte of the request (not of a TLS handshake or a proxy's CONNECT) was written to
    /// a socket, or a write of it was attempted and failed part way.
    written: AtomicBool,
    /// True while ureq writes the request through the [`RequestTap`].
    sending: AtomicBool,
    /// A cancel token watches this request: its reads are sliced (see `SocketTap`).
    cancellable: AtomicBool,
    state: Mutex<WatchState>,
    /// The steps of the connection, for a recording watch.
    steps: Option<Mutex<Steps>>,
}

#[derive(Default)]
struct WatchState {
    interrupted: bool,
    socket: Option<Weak<dyn ShutdownHandle>>,
}

thread_local! {
    /// The request in flight on this thread, or null. A raw pointer, not an `Arc`, so the
    /// slot has no destructor and works during thread teardown too.
    static CURRENT: Cell<*const Watch> = const { Cell::new(std::ptr::null()) };
}

impl Watch {
    /// A watch that keeps the [`Steps`] of the connection its request opens.
    pub(crate) fn recording() -> Watch {
        Watch {
            steps: Some(Mutex::default()),
            ..Watch::default()
        }
    }

    /// Adds to the steps of this thread's request in flight, when it records them.
    pub(crate) fn record(f: impl FnOnce(&mut Steps)) {
        Watch::with_current(|w| {
            if let Some(steps) = &w.steps {
                f(&mut steps.lock().unwrap_or_else(PoisonError::into_inner));
            }
        });
    }

    /// True when this thread's request in flight records its steps.
    pub(crate) fn is_recording() -> bool {
        let mut recording = false;
        Watch::with_current(|w| recording = w.steps.is_some());
        recording
    }

    /// The steps recorded so far (empty for a watch that does not record).
    pub(crate) fn steps(&self) -> Steps {
        self.steps.as_ref().map_or_else(Steps::default, |s| {
            s.lock().unwrap_or_else(PoisonError::into_inner).clone()
        })
    }

    /// Runs `request` (one `Agent::run`) with `self` as this thread's request in flight.
    pub(crate) fn run<T>(self: &Arc<Self>, request: impl FnOnce() -> T) -> T {
        struct Restore(*const Watch);
        impl Drop for Restore {
            fn drop(&mut self) {
                let _ = CURRENT.try_with(|c| c.set(self.0));
            }
        }
        let previous = CURRENT
            .try_with(|c| c.replace(Arc::as_ptr(self)))
            .unwrap_or(std::ptr::null());
        let _restore = Restore(previous);
        request()
    }

    /// Calls `f` with this thread's request in flight, if there is one.
    fn with_current(f: impl FnOnce(&Watch)) {
        let ptr = CURRENT.try_with(Cell::get).unwrap_or(std::ptr::null());
        // SAFETY: the pointer is set only by `run`, which holds an `Arc` to the watch for
        // as long as the pointer is set and restores the previous value before returning
        // (also when unwinding).
        if let Some(watch) = unsafe { ptr.as_ref() } {
            f(watch);
        }
    }

    /// True when a byte of the request may have reached the server.
    pub(crate) fn written(&self) -> bool {
        self.written.load(Ordering::Acquire)
    }

    /// Marks the request as one a cancel token may stop.
    pub(crate) fn set_cancellable(&self) {
        self.cancellable.store(true, Ordering::Release);
    }

    /// True when [`interrupt`](Self::interrupt) was called.
    pub(crate) fn interrupted(&self) -> bool {
        self.lock().interrupted
    }

    /// Stops the request: shuts its socket down now, or as soon as it has one. A read or
    /// write blocked on it returns at once. Safe from any thread.
    pub(crate) fn interrupt(&self) {
        let socket = {
            let mut state = self.lock();
            state.interrupted = true;
            state.socket.as_ref().and_then(Weak::upgrade)
        };
        if let Some(socket) = socket {
            socket.shutdown();
        }
    }

    /// Makes `socket` the request's socket (a request uses one connection, new or pooled).
    fn attach(&self, socket: &Weak<dyn ShutdownHandle>) {
        let interrupted = {
            let mut state = self.lock();
            if state.socket.is_none() {
                state.socket = Some(socket.clone());
            }
            state.interrupted
        };
        if interrupted {
            if let Some(socket) = socket.upgrade() {
                socket.shutdown();
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, WatchState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Opens TCP connections with ureq's [`TcpConnector`] and wraps each in a [`SocketTap`].
/// A transport handed in by an earlier connector (a CONNECT tunnel) already has its tap.
///
/// The addresses are tried one by one, as ureq's TCP connector would try them (each with
/// a share of the connect timeout: half of what is left, the last one all of it; an
/// address that refuses or cannot be reached gives way to the next at once), so that each
/// attempt can be recorded for the diagnosis.
#[derive(Debug, Default)]
pub(crate) struct SocketTapConnector(TcpConnector);

impl<In: Transport> Connector<In> for SocketTapConnector {
    type Out = Either<In, SocketTap>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        if chained.is_some() {
            return Ok(chained.map(Either::A));
        }
        let started = Instant::now();
        let total: Option<Duration> = details.timeout.not_zero().map(|d| *d);
        let count = details.addrs.len();
        let mut last: Option<ureq::Error> = None;
        for (i, address) in details.addrs.iter().enumerate() {
            let mut timeout = details.timeout;
            if let Some(total) = total {
                let left = total.saturating_sub(started.elapsed());
                if left.is_zero() {
                    return Err(ureq::Error::Timeout(details.timeout.reason));
                }
                let share = if i + 1 == count { left } else { left / 2 };
                timeout.after = share.max(Duration::from_millis(10)).into();
            }
            let mut addrs = details.resolver.empty();
            addrs.push(*address);
            let attempt = Instant::now();
            let result = self.connect_one(details, addrs, timeout);
            Watch::record(|steps| {
                steps.connects.push(ConnectAttempt {
                    address: *address,
                    ms: elapsed_ms(attempt),
                    error: result.as_ref().err().map(|e| match e {
                        ureq::Error::Io(io) => io.to_string(),
                        other => other.to_string(),
                    }),
                })
            });
            match result {
                Ok(tap) => return Ok(Some(Either::B(tap))),
                Err(ureq::Error::Timeout(reason)) => {
                    if total.is_some_and(|total| started.elapsed() >= total) {
                        return Err(ureq::Error::Timeout(details.timeout.reason));
                    }
                    last = Some(ureq::Error::Timeout(reason));
                }
                Err(ureq::Error::Io(e)) if is_address_specific(&e) => {
                    last = Some(ureq::Error::Io(e))
                }
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or(ureq::Error::ConnectionFailed))
    }
}

impl SocketTapConnector {
    /// Connects to the one address of `addrs`.
    fn connect_one(
        &self,
        details: &ConnectionDetails,
        addrs: ureq::unversioned::resolver::ResolvedSocketAddrs,
        timeout: NextTimeout,
    ) -> Result<SocketTap, ureq::Error> {
        // Keep the socket's shutdown handle (the transport's pool is not told of it).
        let handle: Arc<Mutex<Option<Weak<dyn ShutdownHandle>>>> = Arc::default();
        let register = {
            let handle = Arc::clone(&handle);
            Arc::new(move |socket: Weak<dyn ShutdownHandle>| {
                *handle.lock().unwrap_or_else(PoisonError::into_inner) = Some(socket);
                Ok(())
            })
        };
        let tcp_details = ConnectionDetails {
            uri: details.uri,
            addrs,
            config: details.config,
            request_level: details.request_level,
            resolver: details.resolver,
            now: details.now,
            timeout,
            current_time: Arc::clone(&details.current_time),
            run_connector: Arc::clone(&details.run_connector),
            register_shutdown: register,
        };
        let tcp = Connector::<()>::connect(&self.0, &tcp_details, None)?
            .ok_or(ureq::Error::ConnectionFailed)?;
        let socket = handle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
            .ok_or_else(|| ureq::Error::Other("the TCP connector gave no socket handle".into()))?;
        Ok(SocketTap {
            inner: Box::new(tcp),
            socket,
        })
    }
}

/// An error of one address that the next one may not have (as ureq's TCP connector
/// judges it).
fn is_address_specific(e: &io::Error) -> bool {
    // WSAEACCES: a firewall refusing this address.
    #[cfg(windows)]
    if e.raw_os_error() == Some(10013) {
        return true;
    }
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::HostUnreachable
            | io::ErrorKind::NetworkUnreachable
            | io::ErrorKind::NetworkDown
            | io::ErrorKind::AddrNotAvailable
    )
}

/// A TCP connection that reports to the request in flight (see the module's comment).
pub(crate) struct SocketTap {
    inner: Box<dyn Transport>,
    socket: Weak<dyn ShutdownHandle>,
}

impl Transport for SocketTap {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        let mut sending = false;
        Watch::with_current(|w| {
            w.attach(&self.socket);
            sending = w.sending.load(Ordering::Acquire);
        });
        let result = self.inner.transmit_output(amount, timeout);
        if sending && amount > 0 {
            // Also on failure: a failed write may have sent part of the request.
            Watch::with_current(|w| w.written.store(true, Ordering::Release));
        }
        result
    }

    /// A read of a request a cancel token watches waits in slices of [`READ_SLICE`] and
    /// looks at the token between them: shutting a socket down wakes a blocked read on
    /// Linux, but not on every platform (not on Windows under Wine), and a cancel must
    /// end a wait within 100 ms everywhere. Other reads (a create's) block as long as
    /// their timeout allows, at no extra cost.
    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        let mut cancellable = false;
        Watch::with_current(|w| {
            w.attach(&self.socket);
            cancellable = w.cancellable.load(Ordering::Acquire);
        });
        if !cancellable {
            return self.inner.await_input(timeout);
        }
        let started = std::time::Instant::now();
        loop {
            let left = timeout.after.saturating_sub(started.elapsed());
            let mut slice = timeout;
            slice.after = left.into();
            slice.per_read = Some(READ_SLICE.into());
            match self.inner.await_input(slice) {
                Err(ureq::Error::Timeout(ureq::Timeout::PerRead)) if left > READ_SLICE => {
                    let mut interrupted = false;
                    Watch::with_current(|w| interrupted = w.interrupted());
                    if interrupted {
                        return Err(ureq::Error::Io(std::io::ErrorKind::Interrupted.into()));
                    }
                }
                other => return other,
            }
        }
    }

    fn is_open(&mut self) -> bool {
        self.inner.is_open()
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}

/// How long one read of a cancellable request blocks before it looks at its token.
const READ_SLICE: std::time::Duration = std::time::Duration::from_millis(50);

impl fmt::Debug for SocketTap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SocketTap").finish_non_exhaustive()
    }
}

/// The last connector of the chain: wraps each finished connection in a [`RequestTap`].
/// With a CONNECT proxy, ureq runs the whole chain once more for the connection to the
/// proxy itself (with a config that has no proxy); that inner connection is not wrapped,
/// so the CONNECT line never counts as the request.
#[derive(Debug)]
pub(crate) struct RequestTapConnector {
    /// Whether the client's requests go through a proxy.
    pub proxied: bool,
}

impl<In: Transport> Connector<In> for RequestTapConnector {
    type Out = Either<In, RequestTap>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        let Some(transport) = chained else {
            return Ok(None);
        };
        if self.proxied && details.config.proxy().is_none() {
            return Ok(Some(Either::A(transport)));
        }
        Ok(Some(Either::B(RequestTap {
            inner: transport.boxed(),
        })))
    }
}

/// A finished connection: what ureq writes through it is the request.
pub(crate) struct RequestTap {
    inner: Box<dyn Transport>,
}

impl Transport for RequestTap {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        Watch::with_current(|w| w.sending.store(true, Ordering::Release));
        let result = self.inner.transmit_output(amount, timeout);
        Watch::with_current(|w| w.sending.store(false, Ordering::Release));
        result
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.inner.await_input(timeout)
    }

    fn is_open(&mut self) -> bool {
        self.inner.is_open()
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}

impl fmt::Debug for RequestTap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestTap").finish_non_exhaustive()
    }
}
