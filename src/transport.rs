//! HTTPS to the Terminal API: one kept-alive ureq agent per client, built from the
//! client's options, that sends one request and reads one bounded answer, and says what
//! the wire saw when it fails (see `wire.rs`). Policy (what to retry, what an answer
//! means) lives in `client.rs`; this file only moves bytes.
//!
//! Nothing here starts a thread: a request, its DNS lookup included, runs on the caller's
//! thread, and a cancel stops it by shutting its socket down.

use std::borrow::Cow;
use std::io::Read;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use ureq::http::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE, DATE, USER_AGENT,
};
use ureq::http::{Method, Request, Uri};
use ureq::tls::{Certificate, RootCerts, TlsConfig};
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{
    ConnectProxyConnector, Connector, NextTimeout, RustlsConnector,
};

use crate::cancel::CancelToken;
use crate::error::Error;
use crate::log::log_line;
use crate::options::{is_connect_proxy, is_loopback_host, ClientOptions};
use crate::terminal_id::TerminalId;
use crate::wire::{RequestTapConnector, SocketTapConnector, Watch};

/// Answers larger than this are refused.
pub(crate) const MAX_BODY_BYTES: u64 = 64 * 1024;
/// Idle kept-alive connections older than this are dropped, so DNS changes are seen.
const MAX_IDLE_AGE: Duration = Duration::from_secs(15);
/// A host name's addresses are looked up again after this long (or after a connect
/// failure), so DNS changes are seen within the same bound as idle connections.
const DNS_CACHE_AGE: Duration = MAX_IDLE_AGE;
/// Idle kept-alive connections kept per host: enough for a POS with a few threads
/// calling at once (ureq's default, 3, makes a 4th concurrent caller reconnect each time).
const MAX_IDLE_PER_HOST: usize = 16;
/// The header that carries the terminal id.
const TERMINAL_HEADER: HeaderName = HeaderName::from_static("x-authsignal-terminal");
/// What every request accepts.
const ACCEPT_JSON: &str = "application/json";
/// The header that carries this library's version, as Authsignal's SDKs send it.
const VERSION_HEADER: HeaderName = HeaderName::from_static("x-authsignal-version");

/// One HTTP answer: its status, its body (at most 64 KiB) and its `Retry-After`.
pub(crate) struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
    pub retry_after: Option<Duration>,
}

/// A request that got no usable answer: ureq's error and what the wire saw.
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

pub(crate) struct Transport {
    agent: ureq::Agent,
    request_timeout: Duration,
    base_url: String,
    headers: FixedHeaders,
    /// The parsed URI of a fixed path (see `fixed_uri`).
    fixed_uri: OnceLock<(&'static str, Uri)>,
    resolver: SharedResolver,
}

impl Transport {
    pub fn new(options: &ClientOptions) -> Result<Transport, Error> {
        Transport::build(options, true)
    }

    /// A transport as [`new`](Self::new) builds it (proxy, resolver, connectors, roots),
    /// but one that verifies no certificate: only for the diagnosis to read a server's
    /// `Date` after verification failed, asking with [`server_date`](Self::server_date),
    /// which sends nothing secret.
    pub fn unverified(options: &ClientOptions) -> Result<Transport, Error> {
        Transport::build(options, false)
    }

    fn build(options: &ClientOptions, verify: bool) -> Result<Transport, Error> {
        let user_agent = user_agent(options.user_agent_suffix.as_deref());
        let mut config = ureq::Agent::config_builder()
            // Error statuses carry Authsignal's error body: read it rather than lose it.
            .http_status_as_error(false)
            // The base URL rule (https, or http on loopback) is checked by ClientOptions.
            .https_only(false)
            // A redirect could carry the terminal id to another host: never follow one.
            .max_redirects(0)
            .max_redirects_will_error(false)
            .user_agent(&user_agent)
            .accept(ACCEPT_JSON)
            .timeout_resolve(Some(options.connect_timeout))
            .timeout_connect(Some(options.connect_timeout))
            .timeout_global(Some(options.request_timeout))
            .max_idle_age(MAX_IDLE_AGE)
            .max_idle_connections_per_host(MAX_IDLE_PER_HOST)
            .tls_config(tls_config(options, verify)?);
        let proxy = choose_proxy(options)?;
        let connector =
            ().chain(ConnectProxyConnector::default())
                .chain(SocketTapConnector::default())
                .chain(RustlsConnector::default())
                .chain(RequestTapConnector {
                    proxied: proxy.is_some(),
                });
        config = config.proxy(proxy);
        let resolver = SharedResolver(Arc::new(CachingResolver::default()));
        let agent = ureq::Agent::with_parts(
            config.build(),
            connector,
            SharedResolver(Arc::clone(&resolver.0)),
        );
        Ok(Transport {
            agent,
            request_timeout: options.request_timeout,
            base_url: options.base_url.clone(),
            headers: FixedHeaders::new(&user_agent),
            fixed_uri: OnceLock::new(),
            resolver,
        })
    }

    /// `{method} {base}{path}`, with a JSON body when one is given. A `Cow::Borrowed`
    /// path is the same for every call (an endpoint's fixed path): it is parsed once.
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
        let uri = || match path {
            Cow::Borrowed(fixed) => self.fixed_uri(fixed),
            Cow::Owned(path) => self.uri(path),
        };
        match json {
            Some(json) => self.exchange(method, path, terminal_id, uri, json, limits),
            None => self.exchange(method, path, terminal_id, uri, (), limits),
        }
    }

    /// Sends one request (a body means JSON) and reads its answer, logged, on the
    /// calling thread. After a failed exchange it forgets looked-up addresses: they may be
    /// stale, and the next connection (a retry) looks the host up again.
    fn exchange<B: ureq::AsSendBody>(
        &self,
        method: Method,
        path: &str,
        terminal_id: TerminalId<'_>,
        uri: impl FnOnce() -> Result<Uri, ureq::Error>,
        body: B,
        limits: Limits<'_>,
    ) -> Result<Answer, Failure> {
        let json_body = method == Method::POST;
        let name = method.clone();
        let watch = Arc::new(Watch::default());
        let _watching = limits.cancel.map(|token| {
            watch.set_cancellable();
            token.watching(&watch)
        });
        let result = logged(name.as_str(), path, terminal_id, || {
            let mut request = Request::new(body);
            *request.uri_mut() = uri()?;
            *request.headers_mut() = self.headers.build(terminal_id.secret(), json_body)?;
            *request.method_mut() = method;
            let request = match limits.deadline {
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Err(ureq::Error::Timeout(ureq::Timeout::Global));
                    }
                    if left < self.request_timeout {
                        self.agent
                            .configure_request(request)
                            .timeout_global(Some(left))
                            .build()
                    } else {
                        request
                    }
                }
                None => request,
            };
            watch.run(|| read_answer(self.agent.run(request)?))
        });
        result.map_err(|error| {
            self.resolver.0.forget();
            Failure {
                error,
                written: watch.written(),
                interrupted: watch.interrupted(),
            }
        })
    }

    /// The `Date` header of the answer to `GET {base}{path}` sent with no terminal id (the
    /// diagnosis's clock: any answer carries the date, nothing secret is sent), or None
    /// when it has none. The body is not read.
    pub fn server_date(&self, path: &str) -> Result<Option<String>, ureq::Error> {
        let mut request = Request::new(());
        *request.uri_mut() = self.uri(path)?;
        let mut headers = HeaderMap::with_capacity(4);
        headers.insert(VERSION_HEADER, HeaderValue::from_static(crate::VERSION));
        if let Some(user_agent) = &self.headers.user_agent {
            headers.insert(USER_AGENT, user_agent.clone());
        }
        headers.insert(ACCEPT, HeaderValue::from_static(ACCEPT_JSON));
        *request.headers_mut() = headers;
        let response = self.agent.run(request)?;
        Ok(response
            .headers()
            .get(DATE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string))
    }

    /// The URI of a fixed path (a create's): parsed once and then cloned (a clone shares
    /// the parsed bytes).
    fn fixed_uri(&self, path: &'static str) -> Result<Uri, ureq::Error> {
        if let Some((cached, uri)) = self.fixed_uri.get() {
            if *cached == path {
                return Ok(uri.clone());
            }
        }
        let uri = self.uri(path)?;
        let _ = self.fixed_uri.set((path, uri.clone()));
        Ok(uri)
    }

    fn uri(&self, path: &str) -> Result<Uri, ureq::Error> {
        let mut url = String::with_capacity(self.base_url.len() + path.len());
        url.push_str(&self.base_url);
        url.push_str(path);
        Uri::try_from(url).map_err(|e| ureq::Error::Http(e.into()))
    }
}

/// Header values made once per client and cloned into each request (a clone shares the
/// bytes), so a request parses and copies no header but the terminal id, and that only
/// when it differs from the last one.
#[derive(Debug)]
struct FixedHeaders {
    /// `User-Agent`; None (ureq's config then adds it) if it is not a valid value.
    user_agent: Option<HeaderValue>,
    /// The last terminal id sent and its header value.
    last_terminal_id: Mutex<Option<(Box<str>, HeaderValue)>>,
}

impl FixedHeaders {
    fn new(user_agent: &str) -> FixedHeaders {
        FixedHeaders {
            user_agent: HeaderValue::from_str(user_agent).ok(),
            last_terminal_id: Mutex::new(None),
        }
    }

    fn terminal_id(&self, terminal_id: &str) -> Result<HeaderValue, ureq::Error> {
        let mut last = self
            .last_terminal_id
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some((id, value)) = &*last {
            if **id == *terminal_id {
                return Ok(value.clone());
            }
        }
        let value = HeaderValue::from_str(terminal_id).map_err(|e| ureq::Error::Http(e.into()))?;
        *last = Some((terminal_id.into(), value.clone()));
        Ok(value)
    }

    /// The headers of one request. Names and fixed values are static or shared;
    /// ureq adds `Host` and `Content-Length`.
    fn build(&self, terminal_id: &str, json_body: bool) -> Result<HeaderMap, ureq::Error> {
        let terminal_id = self.terminal_id(terminal_id)?;
        // Room for these and what ureq adds, so the map is allocated once.
        let mut headers = HeaderMap::with_capacity(8);
        headers.insert(TERMINAL_HEADER, terminal_id);
        headers.insert(VERSION_HEADER, HeaderValue::from_static(crate::VERSION));
        if json_body {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        if let Some(user_agent) = &self.user_agent {
            headers.insert(USER_AGENT, user_agent.clone());
        }
        headers.insert(ACCEPT, HeaderValue::from_static(ACCEPT_JSON));
        Ok(headers)
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

/// The resolver as ureq holds it, sharing its cache with the transport.
#[derive(Debug)]
struct SharedResolver(Arc<CachingResolver>);

impl Resolver for SharedResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        if let Some(addrs) = self.0.literal(uri, config) {
            return Ok(addrs);
        }
        // On the caller's thread: see the type's comment.
        let _ = timeout;
        let lookup = |uri: &Uri| match self.0.inner.resolve(uri, config, NextTimeout::default()) {
            Err(ureq::Error::Io(_)) => Err(ureq::Error::HostNotFound),
            other => other,
        };
        let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
            return lookup(uri);
        };
        let now = Instant::now();
        {
            let mut cache = self.0.cache.lock().unwrap_or_else(PoisonError::into_inner);
            cache.retain(|(_, _, _, at)| now.duration_since(*at) < DNS_CACHE_AGE);
            if let Some((_, _, addrs, _)) = cache
                .iter()
                .find(|(s, a, _, _)| s == scheme && a == authority.as_str())
            {
                return Ok(addrs.clone());
            }
        }
        let addrs = lookup(uri)?;
        let mut cache = self.0.cache.lock().unwrap_or_else(PoisonError::into_inner);
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

/// The proxy the agent is given (see [`proxy_choice`]). One exempted by `NO_PROXY` is
/// still given: ureq skips it for the exempted hosts. A SOCKS proxy is left out, with a
/// log line.
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

fn read_answer(mut response: ureq::http::Response<ureq::Body>) -> Result<Answer, ureq::Error> {
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    // Sized from Content-Length (capped), so reading needs no regrowth or probe.
    let expected = response
        .body()
        .content_length()
        .unwrap_or(0)
        .min(MAX_BODY_BYTES);
    let mut body = Vec::with_capacity(expected as usize + 1);
    response
        .body_mut()
        .with_config()
        .limit(MAX_BODY_BYTES)
        .reader()
        .read_to_end(&mut body)?;
    Ok(Answer {
        status,
        body,
        retry_after,
    })
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

/// The roots a client trusts: Mozilla's (built in) or the operating system's, plus the
/// certificates of the CA file when one is set. `verify` false (the diagnosis's clock
/// after a failed verification, nothing else) accepts any certificate.
fn tls_config(options: &ClientOptions, verify: bool) -> Result<TlsConfig, Error> {
    let roots = match (&options.ca_file, options.use_system_roots) {
        (None, false) => RootCerts::WebPki,
        (ca_file, use_system_roots) => {
            let mut certs: Vec<Certificate<'static>> = if use_system_roots {
                let loaded = rustls_native_certs::load_native_certs();
                if loaded.certs.is_empty() {
                    return Err(Error::invalid_argument(
                        "the system trust store has no certificates that could be loaded",
                    ));
                }
                loaded
                    .certs
                    .iter()
                    .map(|c| Certificate::from_der(c.as_ref()).to_owned())
                    .collect()
            } else {
                webpki_root_certs::TLS_SERVER_ROOT_CERTS
                    .iter()
                    .map(|c| Certificate::from_der(c.as_ref()).to_owned())
                    .collect()
            };
            if let Some(path) = ca_file {
                certs.extend(read_ca_file(path)?);
            }
            RootCerts::Specific(Arc::new(certs))
        }
    };
    Ok(TlsConfig::builder()
        .root_certs(roots)
        .disable_verification(!verify)
        .build())
}

pub(crate) fn read_ca_file(path: &std::path::Path) -> Result<Vec<Certificate<'static>>, Error> {
    let pem = std::fs::read(path).map_err(|e| {
        Error::invalid_argument(format!("CA file {} could not be read: {e}", path.display()))
    })?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        match item {
            Ok(ureq::tls::PemItem::Certificate(cert)) => certs.push(cert.to_owned()),
            Ok(_) => {}
            Err(_) => {
                return Err(Error::invalid_argument(format!(
                    "CA file {} is not valid PEM",
                    path.display()
                )))
            }
        }
    }
    if certs.is_empty() {
        return Err(Error::invalid_argument(format!(
            "CA file {} holds no PEM certificate",
            path.display()
        )));
    }
    Ok(certs)
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
