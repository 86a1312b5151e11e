//! HTTPS to the Terminal API: one client's connections, built from its options, each
//! request sent and its bounded answer read over one of them, and what the wire saw when
//! it fails (see `wire.rs`). Policy (what to retry, what an answer means) lives in
//! `client.rs`; this file only moves bytes.
//!
//! A connection is made by one connector chain (ureq's CONNECT-proxy and TCP connectors,
//! the TLS connector of `tls.rs`), wrapped by `wire.rs`'s taps, and kept alive in this
//! client's own pool; the exchange on
//! it is `http1.rs`'s: the request in one write, the answer read by its framing. ureq's
//! agent is not used: its per-request machinery (an `http::Request` built and analysed,
//! the head formatted, the answer made an `http::Response`, timings at every step) cost
//! more than the rest of a create.
//!
//! Nothing here starts a thread: a request, its DNS lookup included, runs on the caller's
//! thread, and a cancel stops it by shutting its socket down.

use std::borrow::Cow;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, Weak};
use std::time::{Duration, Instant, SystemTime};

use ureq::http::{Method, Uri};
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{
    ConnectProxyConnector, ConnectionDetails, Connector, NextTimeout, ShutdownHandle,
    Transport as Connection,
};

use crate::cancel::CancelToken;
use crate::error::Error;
use crate::http1::{self, Deadline, RequestHead};
use crate::log::log_line;
use crate::options::{is_connect_proxy, is_loopback_host, ClientOptions};
use crate::terminal_id::TerminalId;
use crate::tls::TlsConnector;
use crate::wire::{Lookup, RequestTapConnector, SocketTapConnector, Steps, Watch};

pub(crate) use crate::http1::MAX_BODY_BYTES;
/// Idle kept-alive connections older than this are dropped, so DNS changes are seen.
const MAX_IDLE_AGE: Duration = Duration::from_secs(15);
/// A host name's addresses are looked up again after this long (or after a connect
/// failure), so DNS changes are seen within the same bound as idle connections.
const DNS_CACHE_AGE: Duration = MAX_IDLE_AGE;
/// Idle kept-alive connections kept: enough for a POS with a few threads calling at once
/// (a client talks to one server).
const MAX_IDLE: usize = 16;
/// What every request accepts.
const ACCEPT_JSON: &str = "application/json";

/// One HTTP answer: its status, its body (at most 64 KiB) and its `Retry-After`.
pub(crate) struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
    pub retry_after: Option<Duration>,
}

/// A request that got no usable answer: the transport's error and what the wire saw.
#[derive(Debug)]
pub(crate) struct Failure {
    pub error: ureq::Error,
    /// A byte of the request may have reached the server.
    pub written: bool,
    /// The caller's cancel token stopped the request.
    pub interrupted: bool,
}

/// How one exchange may run: the caller's cancel token and the time it has left.
#[derive(Clone, Copy, Default)]
pub(crate) struct Limits<'a> {
    pub cancel: Option<&'a CancelToken>,
    /// When set and shorter than the request timeout, the whole exchange (each read
    /// included) must end by then.
    pub deadline: Option<Instant>,
}

/// What [`Transport::probe`] saw: each step, and the answer or the error that ended it.
pub(crate) struct Probe {
    pub steps: Steps,
    pub answer: Result<ProbeAnswer, ureq::Error>,
}

/// The head of the probe's answer.
pub(crate) struct ProbeAnswer {
    /// The server's `Date` header, when it sent one.
    pub date: Option<String>,
    /// This machine's clock when the request was sent and when the answer's head was read.
    pub sent_at: SystemTime,
    pub answered_at: SystemTime,
}

/// Makes a connection through the connector chain (also what the CONNECT connector runs
/// to reach the proxy itself).
type Connect = dyn Fn(&ConnectionDetails) -> Result<Box<dyn Connection>, ureq::Error> + Send + Sync;

pub(crate) struct Transport {
    /// ureq's configuration, as its connectors read it: proxy, TLS, buffer sizes.
    config: ureq::config::Config,
    connect: Arc<Connect>,
    /// The base URL, parsed: where every connection goes.
    base: Uri,
    base_url: String,
    connect_timeout: Duration,
    request_timeout: Duration,
    head: RequestHead,
    /// The request target of a fixed path (see `target`).
    fixed_target: OnceLock<(&'static str, Box<str>)>,
    /// Idle connections, the most recently used last, each with when it was last used.
    idle: Mutex<Vec<(Box<dyn Connection>, Instant)>>,
    resolver: CachingResolver,
}

impl Transport {
    pub fn new(options: &ClientOptions) -> Result<Transport, Error> {
        Transport::build(options, true)
    }

    /// A transport as [`new`](Self::new) builds it (proxy, resolver, connectors, roots),
    /// but one that verifies no certificate: only for the diagnosis to read a server's
    /// `Date` after verification failed, asking with [`probe`](Self::probe), which sends
    /// nothing secret.
    pub fn unverified(options: &ClientOptions) -> Result<Transport, Error> {
        Transport::build(options, false)
    }

    fn build(options: &ClientOptions, verify: bool) -> Result<Transport, Error> {
        let mut user_agent = user_agent(options.user_agent_suffix.as_deref());
        if !http1::is_header_value(&user_agent) {
            user_agent = self::user_agent(None);
        }
        let proxy = choose_proxy(options)?;
        let config = ureq::Agent::config_builder()
            .user_agent(&user_agent)
            .proxy(proxy)
            // Room for any request and answer this library makes, allocated once per
            // connection (ureq's default is 128 KiB each way).
            .input_buffer_size(MAX_BODY_BYTES + 16 * 1024)
            .output_buffer_size(16 * 1024)
            .build();
        let proxied = config.proxy().is_some();
        let chain =
            ().chain(ConnectProxyConnector::default())
                .chain(SocketTapConnector::default())
                .chain(TlsConnector::new(options, verify)?)
                .chain(RequestTapConnector { proxied });
        let connect: Arc<Connect> = Arc::new(move |details: &ConnectionDetails| {
            chain
                .connect(details, None)?
                .map(Connection::boxed)
                .ok_or(ureq::Error::ConnectionFailed)
        });
        let base: Uri = options
            .base_url
            .parse()
            .map_err(|_| Error::invalid_argument("the base URL is not valid"))?;
        let authority = base
            .authority()
            .map(|a| {
                a.as_str()
                    .rsplit('@')
                    .next()
                    .unwrap_or(a.as_str())
                    .to_string()
            })
            .ok_or_else(|| Error::invalid_argument("the base URL has no host"))?;
        Ok(Transport {
            config,
            connect,
            base,
            base_url: options.base_url.clone(),
            connect_timeout: options.connect_timeout,
            request_timeout: options.request_timeout,
            head: RequestHead::new(&authority, crate::VERSION, &user_agent, ACCEPT_JSON),
            fixed_target: OnceLock::new(),
            idle: Mutex::new(Vec::new()),
            resolver: CachingResolver::default(),
        })
    }

    /// `{method} {base}{path}`, with a JSON body when one is given. A `Cow::Borrowed`
    /// path is the same for every call (an endpoint's fixed path): it is checked once.
    // The Cow's variant is the point (fixed or built path), so it is taken as a Cow.
    #[allow(clippy::ptr_arg)]
    pub fn send(
        &self,
        method: Method,
        path: &Cow<'static, str>,
        json: Option<&str>,
        terminal_id: TerminalId<'_>,
        limits: Limits<'_>,
    ) -> Result<Answer, Failure> {
        let watch = Arc::new(Watch::default());
        let _watching = limits.cancel.map(|token| {
            watch.set_cancellable();
            token.watching(&watch)
        });
        let result = logged(method.as_str(), path, terminal_id, || {
            let target = match path {
                Cow::Borrowed(path) => self.fixed_target(path)?,
                Cow::Owned(path) => Cow::Owned(self.target(path)?),
            };
            let id = terminal_id.secret();
            if !http1::is_header_value(id) {
                return Err(invalid_header());
            }
            let mut request = Vec::new();
            self.head
                .write(&mut request, method.as_str(), &target, Some(id), json);
            let deadline = self.deadline(limits)?;
            let response = watch.run(|| self.exchange(&request, deadline, false, true))?;
            Ok(Answer {
                status: response.status,
                body: response.body,
                retry_after: response.retry_after,
            })
        });
        result.map_err(|error| {
            self.resolver.forget();
            Failure {
                error,
                written: watch.written(),
                interrupted: watch.interrupted(),
            }
        })
    }

    /// Opens a new connection exactly as a request does (proxy rule, resolver, TCP,
    /// CONNECT tunnel, TLS with the client's roots), recording each step, and sends `GET
    /// {base}{path}` on it with no terminal id (nothing secret): the diagnosis's probe. The
    /// answer's head is read for its status and `Date`; the body is not.
    pub fn probe(&self, path: &str) -> Probe {
        let watch = Arc::new(Watch::recording());
        let result = (|| {
            let target = self.target(path)?;
            let mut request = Vec::new();
            self.head.write(&mut request, "GET", &target, None, None);
            let deadline = self.deadline(Limits::default())?;
            watch.run(|| {
                let mut conn = self.open(deadline)?;
                let sent = Instant::now();
                let sent_at = SystemTime::now();
                http1::send(&mut *conn, &request, deadline)?;
                let response = http1::receive(&mut *conn, deadline, true, false)?;
                let answered_at = SystemTime::now();
                Watch::record(|steps| steps.first_byte_ms = Some(crate::wire::elapsed_ms(sent)));
                Ok(ProbeAnswer {
                    date: response.date,
                    sent_at,
                    answered_at,
                })
            })
        })();
        Probe {
            steps: watch.steps(),
            answer: result,
        }
    }

    /// When the exchange must end: the request timeout from now, or the caller's
    /// deadline when that is sooner.
    fn deadline(&self, limits: Limits<'_>) -> Result<Deadline, ureq::Error> {
        let now = Instant::now();
        let at = now + self.request_timeout;
        let at = match limits.deadline {
            Some(deadline) if deadline <= now => {
                return Err(ureq::Error::Timeout(ureq::Timeout::Global))
            }
            Some(deadline) => deadline.min(at),
            None => at,
        };
        Ok(Deadline {
            at,
            reason: ureq::Timeout::Global,
        })
    }

    /// Sends one whole request on a kept-alive connection or a new one, and reads its
    /// answer. The connection goes back to the pool only after a complete, reusable
    /// answer; after any failure it is dropped (closed).
    fn exchange(
        &self,
        request: &[u8],
        deadline: Deadline,
        want_date: bool,
        want_body: bool,
    ) -> Result<http1::Response, ureq::Error> {
        let mut conn = match self.pooled() {
            Some(conn) => conn,
            None => self.open(deadline)?,
        };
        http1::send(&mut *conn, request, deadline)?;
        let response = http1::receive(&mut *conn, deadline, want_date, want_body)?;
        if response.reusable {
            self.release(conn);
        }
        Ok(response)
    }

    /// The most recently used idle connection that is still open and young enough. The
    /// lock is held only to take one from the pool: whether it is still open (a few
    /// system calls) is checked outside it, so threads sharing a client wait on each other
    /// as little as possible.
    fn pooled(&self) -> Option<Box<dyn Connection>> {
        loop {
            let (mut conn, stale) = {
                let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
                let (conn, since) = idle.pop()?;
                if since.elapsed() >= MAX_IDLE_AGE {
                    // The others are older still.
                    let stale: Vec<_> = idle.drain(..).map(|(c, _)| c).collect();
                    (conn, Some(stale))
                } else {
                    (conn, None)
                }
            };
            if let Some(stale) = stale {
                // Closed outside the lock, with the one taken.
                drop((conn, stale));
                return None;
            }
            if conn.is_open() {
                return Some(conn);
            }
        }
    }

    /// Keeps a connection for the next request, unless enough are kept already.
    fn release(&self, conn: Box<dyn Connection>) {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < MAX_IDLE {
            idle.push((conn, Instant::now()));
        }
    }

    /// A new connection to the base URL's server (through the proxy when there is one):
    /// resolved, connected and secured within the connect timeout.
    fn open(&self, deadline: Deadline) -> Result<Box<dyn Connection>, ureq::Error> {
        let now = Instant::now();
        let connect_by = now + self.connect_timeout;
        let connect_deadline = if connect_by < deadline.at {
            Deadline {
                at: connect_by,
                reason: ureq::Timeout::Connect,
            }
        } else {
            deadline
        };
        let direct = match self.config.proxy() {
            None => true,
            Some(proxy) => proxy.is_no_proxy(&self.base),
        };
        let addrs = if direct {
            self.resolver
                .resolve(&self.base, &self.config, connect_deadline.next()?)?
        } else {
            // The proxy resolves the server's name.
            self.resolver.inner.empty()
        };
        let details = ConnectionDetails {
            uri: &self.base,
            addrs,
            config: &self.config,
            request_level: false,
            resolver: &self.resolver,
            now: ureq::unversioned::transport::time::Instant::now(),
            timeout: connect_deadline.next()?,
            current_time: Arc::new(ureq::unversioned::transport::time::Instant::now),
            run_connector: Arc::clone(&self.connect) as _,
            register_shutdown: Arc::new(|_: Weak<dyn ShutdownHandle>| Ok(())),
        };
        let conn = (self.connect)(&details)?;
        if details.needs_tls() && !conn.is_tls() {
            return Err(ureq::Error::TlsRequired);
        }
        Ok(conn)
    }

    /// The request target of a fixed path (a create's): checked once and then reused.
    fn fixed_target(&self, path: &'static str) -> Result<Cow<'_, str>, ureq::Error> {
        if let Some((cached, target)) = self.fixed_target.get() {
            if *cached == path {
                return Ok(Cow::Borrowed(&**target));
            }
        }
        let target = self.target(path)?;
        let _ = self.fixed_target.set((path, target.as_str().into()));
        Ok(Cow::Owned(target))
    }

    /// The request target of `{base}{path}`: its path and query, checked as a URI.
    fn target(&self, path: &str) -> Result<String, ureq::Error> {
        let mut url = String::with_capacity(self.base_url.len() + path.len());
        url.push_str(&self.base_url);
        url.push_str(path);
        let uri = Uri::try_from(url).map_err(|e| ureq::Error::Http(e.into()))?;
        Ok(uri
            .path_and_query()
            .map_or_else(|| "/".to_string(), |p| p.as_str().to_string()))
    }
}

/// The error of a value that cannot be a header's.
fn invalid_header() -> ureq::Error {
    match ureq::http::HeaderValue::from_bytes(b"\n") {
        Err(e) => ureq::Error::Http(e.into()),
        Ok(_) => ureq::Error::Other("a header value is not valid".into()),
    }
}

/// Finds the server's addresses. ureq asks before every request, even one that then
/// reuses a kept-alive connection, and its default resolver starts a thread for each
/// lookup when a timeout is set (a thread that outlives the call when the lookup times
/// out). This one answers an IP literal directly and keeps a host name's addresses for
/// [`DNS_CACHE_AGE`]; a miss goes to ureq's resolver without a timeout, so the lookup
/// runs on the caller's thread, bounded by the system resolver's own timeouts. A name
/// that does not resolve is [`ureq::Error::HostNotFound`] (ureq reports it as I/O).
#[derive(Debug, Default)]
struct CachingResolver {
    inner: DefaultResolver,
    /// (scheme, authority, addresses, when looked up); a client talks to one server and
    /// at most one proxy.
    cache: Mutex<Vec<(String, String, ResolvedSocketAddrs, Instant)>>,
}

impl CachingResolver {
    fn forget(&self) {
        self.cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// The address of a URI whose host is an IP literal: nothing to look up.
    fn literal(&self, uri: &Uri, config: &ureq::config::Config) -> Option<ResolvedSocketAddrs> {
        let host = uri.host()?;
        let ip: IpAddr = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host)
            .parse()
            .ok()?;
        let port = uri.port_u16().or(match uri.scheme_str()? {
            "https" => Some(443),
            "http" => Some(80),
            _ => None,
        })?;
        let addr = SocketAddr::new(ip, port);
        // An address of the wrong family goes to ureq's resolver, which refuses it.
        config
            .ip_family()
            .keep_wanted(std::iter::once(addr))
            .next()?;
        let mut addrs = self.inner.empty();
        addrs.push(addr);
        Some(addrs)
    }
}

impl Resolver for CachingResolver {
    /// Records the lookup for a request that records its steps (see `wire.rs`); such a
    /// request (the diagnosis's) looks the name up afresh rather than from the cache.
    fn resolve(
        &self,
        uri: &Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        // On the caller's thread: see the type's comment.
        let _ = timeout;
        if let Some(addrs) = self.literal(uri, config) {
            Watch::record(|steps| {
                steps
                    .lookups
                    .push(lookup_step(uri, true, Ok::<_, String>(&addrs), 0))
            });
            return Ok(addrs);
        }
        let started = Instant::now();
        let lookup = |uri: &Uri| {
            let result = self.inner.resolve(uri, config, NextTimeout::default());
            Watch::record(|steps| {
                let ms = crate::wire::elapsed_ms(started);
                let result = result.as_ref().map_err(|e| match e {
                    ureq::Error::Io(io) => io.to_string(),
                    other => other.to_string(),
                });
                steps.lookups.push(lookup_step(uri, false, result, ms));
            });
            match result {
                Err(ureq::Error::Io(_)) => Err(ureq::Error::HostNotFound),
                other => other,
            }
        };
        let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
            return lookup(uri);
        };
        if Watch::is_recording() {
            return lookup(uri);
        }
        let now = Instant::now();
        {
            let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
            cache.retain(|(_, _, _, at)| now.duration_since(*at) < DNS_CACHE_AGE);
            if let Some((_, _, addrs, _)) = cache
                .iter()
                .find(|(s, a, _, _)| s == scheme && a == authority.as_str())
            {
                return Ok(addrs.clone());
            }
        }
        let addrs = lookup(uri)?;
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        if cache.len() >= 4 {
            cache.remove(0);
        }
        cache.push((
            scheme.to_string(),
            authority.to_string(),
            addrs.clone(),
            now,
        ));
        Ok(addrs)
    }
}

/// A lookup as the diagnosis reads it.
fn lookup_step<E: ToString>(
    uri: &Uri,
    literal: bool,
    result: Result<&ResolvedSocketAddrs, E>,
    ms: u64,
) -> Lookup {
    let host = uri.host().unwrap_or_default();
    Lookup {
        host: host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host)
            .to_string(),
        literal,
        addresses: result
            .map(|addrs| addrs.iter().copied().collect())
            .map_err(|e| e.to_string()),
        ms,
    }
}

/// A proxy set for a client (in its options, or else in the environment) and whether its
/// requests go through it: the one proxy rule. The transport acts on it
/// ([`choose_proxy`]); the diagnosis reports it as it stands.
pub(crate) struct ProxyChoice {
    pub proxy: ureq::Proxy,
    /// `proxy` (the option) or the environment variable ureq took it from.
    pub source: &'static str,
    /// Why requests do not go through it; None when they do.
    pub unused: Option<ProxyUnused>,
}

/// Why a proxy that is set is not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ProxyUnused {
    /// The base URL is loopback or plain `http://`: the terminal id would cross the proxy
    /// in clear.
    DirectBaseUrl,
    /// A SOCKS proxy (from the environment; `set_proxy` refuses one): only HTTP CONNECT
    /// proxies are supported.
    Socks,
    /// `NO_PROXY` exempts the API host (ureq applies it, request by request).
    NoProxy,
}

/// The proxy set for a client and the rule's verdict on it; None when none is set.
/// Never a proxy for a loopback or a plain-`http://` base URL, nor a SOCKS one.
pub(crate) fn proxy_choice(options: &ClientOptions) -> Result<Option<ProxyChoice>, Error> {
    let base: Uri = options
        .base_url
        .parse()
        .map_err(|_| Error::invalid_argument("the base URL is not valid"))?;
    let direct = base.scheme_str() != Some("https") || base.host().is_some_and(is_loopback_host);
    let (proxy, source) = match &options.proxy {
        Some(url) => (
            ureq::Proxy::new(url).map_err(|_| Error::invalid_argument("proxy URL is not valid"))?,
            "proxy",
        ),
        None => match ureq::Proxy::try_from_env() {
            Some(proxy) => (proxy, proxy_variable()),
            None => return Ok(None),
        },
    };
    let unused = if direct {
        Some(ProxyUnused::DirectBaseUrl)
    } else if !is_connect_proxy(&proxy) {
        Some(ProxyUnused::Socks)
    } else if proxy.is_no_proxy(&base) {
        Some(ProxyUnused::NoProxy)
    } else {
        None
    };
    Ok(Some(ProxyChoice {
        proxy,
        source,
        unused,
    }))
}

/// The environment variable ureq takes a proxy from (it reads them in this order).
fn proxy_variable() -> &'static str {
    [
        "ALL_PROXY",
        "all_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
    ]
    .into_iter()
    .find(|name| std::env::var(name).is_ok_and(|v| !v.is_empty()))
    .unwrap_or("the environment")
}

/// The proxy the connections go through (see [`proxy_choice`]). One exempted by `NO_PROXY`
/// is still given: the transport and the CONNECT connector skip it for the exempted hosts.
/// A SOCKS proxy is left out, with a log line.
pub(crate) fn choose_proxy(options: &ClientOptions) -> Result<Option<ureq::Proxy>, Error> {
    let Some(choice) = proxy_choice(options)? else {
        return Ok(None);
    };
    match choice.unused {
        Some(ProxyUnused::DirectBaseUrl) => Ok(None),
        Some(ProxyUnused::Socks) => {
            log_line!(
                Warn,
                "ignoring the SOCKS proxy from the environment: only HTTP CONNECT proxies are supported"
            );
            Ok(None)
        }
        Some(ProxyUnused::NoProxy) | None => Ok(Some(choice.proxy)),
    }
}

/// Runs one exchange and logs its outcome and duration (never the body or the id in clear).
fn logged(
    method: &str,
    path: &str,
    terminal_id: TerminalId<'_>,
    exchange: impl FnOnce() -> Result<Answer, ureq::Error>,
) -> Result<Answer, ureq::Error> {
    log_line!(Debug, "{method} {path} (terminal {terminal_id}): sending");
    // The clock is read only for a log line someone listens to.
    let started = crate::log::enabled(crate::log::LogLevel::Warn).then(Instant::now);
    let result = exchange();
    let ms = started.map_or(0, |started| started.elapsed().as_millis());
    match &result {
        Ok(answer) => log_line!(
            Info,
            "{method} {path} (terminal {terminal_id}): HTTP {} in {ms} ms",
            answer.status
        ),
        Err(e) => log_line!(
            Warn,
            "{method} {path} (terminal {terminal_id}): no answer after {ms} ms: {e}"
        ),
    }
    result
}

/// `authsignal-terminal/<version> (<os>; <arch>)`, then the caller's suffix.
pub(crate) fn user_agent(suffix: Option<&str>) -> String {
    let mut ua = format!(
        "authsignal-terminal/{} ({}; {})",
        crate::VERSION,
        std::env::consts::OS,
        std::env::consts::ARCH
    );
    if let Some(suffix) = suffix {
        ua.push(' ');
        ua.push_str(suffix);
    }
    ua
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agent_names_library_platform_and_suffix() {
        let ua = user_agent(Some("MyPOS/1.0"));
        assert!(ua.starts_with(&format!("authsignal-terminal/{} (", crate::VERSION)));
        assert!(ua.contains(std::env::consts::OS));
        assert!(ua.ends_with(") MyPOS/1.0"));
        assert!(!user_agent(None).ends_with(' '));
    }

    #[test]
    fn ca_file_errors_are_invalid_arguments() {
        let dir = std::env::temp_dir().join(format!("as-ca-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let empty = dir.join("empty.pem");
        std::fs::write(&empty, "no certificates here\n").unwrap();
        for path in [dir.join("missing.pem"), empty] {
            let mut options = ClientOptions::new();
            options.set_ca_file(&path).unwrap();
            let e = Transport::new(&options).err().unwrap();
            assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
