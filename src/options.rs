//! How a [`Client`](crate::Client) is configured: the region or base URL, timeouts, trust,
//! proxy and identification. This is the one place that knows Authsignal's base URLs and
//! the rule that plain `http://` is for loopback only.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::Error;
use crate::journal::JournalSettings;

/// The default time allowed to open a connection (TCP and TLS).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The default time allowed for a whole request, answer included.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// The default pause between two reads of a pending session while waiting.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(1);
/// The shortest poll interval accepted, so a wait can never hammer the server.
pub const MIN_POLL_INTERVAL: Duration = Duration::from_millis(100);
/// The longest timeout accepted for a connect or a request.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(600);
/// The longest user-agent suffix accepted.
const MAX_USER_AGENT_SUFFIX_LEN: usize = 256;

/// An Authsignal region: which base URL the client talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Region {
    /// US (Oregon), the default: `https://api.authsignal.com/v1`.
    #[default]
    Us,
    /// AU (Sydney): `https://au.api.authsignal.com/v1`.
    Au,
    /// EU (Dublin): `https://eu.api.authsignal.com/v1`.
    Eu,
    /// CA (Canada): `https://ca.api.authsignal.com/v1`.
    Ca,
}

impl Region {
    /// The base URL of this region.
    pub fn base_url(self) -> &'static str {
        match self {
            Region::Us => "https://api.authsignal.com/v1",
            Region::Au => "https://au.api.authsignal.com/v1",
            Region::Eu => "https://eu.api.authsignal.com/v1",
            Region::Ca => "https://ca.api.authsignal.com/v1",
        }
    }

    /// Parses `us`, `au`, `eu` or `ca` (any case).
    pub fn parse(name: &str) -> Result<Region, Error> {
        match name.trim().to_ascii_lowercase().as_str() {
            "us" => Ok(Region::Us),
            "au" => Ok(Region::Au),
            "eu" => Ok(Region::Eu),
            "ca" => Ok(Region::Ca),
            _ => Err(Error::invalid_argument(
                "region must be one of us, au, eu, ca",
            )),
        }
    }
}

/// Settings for a [`Client`](crate::Client). Start from [`ClientOptions::new`] (the
/// defaults) and change what differs; setters that can refuse a value say so at once.
/// Its `Debug` output hides a proxy URL's user name and password.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientOptions {
    pub(crate) base_url: String,
    pub(crate) connect_timeout: Duration,
    pub(crate) request_timeout: Duration,
    pub(crate) poll_interval: Duration,
    pub(crate) ca_file: Option<PathBuf>,
    pub(crate) use_system_roots: bool,
    pub(crate) proxy: Option<String>,
    pub(crate) user_agent_suffix: Option<String>,
    pub(crate) journal: JournalSettings,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            base_url: Region::Us.base_url().to_string(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            poll_interval: DEFAULT_POLL_INTERVAL,
            ca_file: None,
            use_system_roots: false,
            proxy: None,
            user_agent_suffix: None,
            journal: JournalSettings::default(),
        }
    }
}

impl ClientOptions {
    /// The defaults: region US, connect timeout 5 s, request timeout 10 s, Mozilla's
    /// root certificates, the proxy from the environment (`HTTPS_PROXY`, `NO_PROXY`, …).
    pub fn new() -> Self {
        Self::default()
    }

    /// Options from the environment, as the one-call C functions use them:
    /// `AUTHSIGNAL_TERMINAL_BASE_URL` (a full base URL), or else
    /// `AUTHSIGNAL_TERMINAL_REGION` (`us`, `au`, `eu`, `ca`); US when neither is set.
    /// `AUTHSIGNAL_TERMINAL_CA_FILE`, when set, names a PEM file of extra trusted roots.
    pub fn from_env() -> Result<Self, Error> {
        let mut options = Self::new();
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        if let Some(url) = var("AUTHSIGNAL_TERMINAL_BASE_URL") {
            options.set_base_url(&url).map_err(|e| {
                Error::invalid_argument(format!("AUTHSIGNAL_TERMINAL_BASE_URL: {}", e.message()))
            })?;
        } else if let Some(region) = var("AUTHSIGNAL_TERMINAL_REGION") {
            let region = Region::parse(&region).map_err(|e| {
                Error::invalid_argument(format!("AUTHSIGNAL_TERMINAL_REGION: {}", e.message()))
            })?;
            options.set_region(region);
        }
        if let Some(path) = var("AUTHSIGNAL_TERMINAL_CA_FILE") {
            options.set_ca_file(path)?;
        }
        Ok(options)
    }

    /// Talks to this region's base URL (replacing any base URL set before).
    pub fn set_region(&mut self, region: Region) -> &mut Self {
        self.base_url = region.base_url().to_string();
        self
    }

    /// Talks to this base URL, e.g. `https://api.authsignal.com/v1` or a simulator's
    /// `http://127.0.0.1:8080/v1`. `https://` for any host; plain `http://` only for
    /// loopback hosts (127.0.0.0/8, ::1, localhost). No query, fragment or user info.
    pub fn set_base_url(&mut self, base_url: &str) -> Result<&mut Self, Error> {
        self.base_url = check_base_url(base_url)?;
        Ok(self)
    }

    /// The time allowed to open a connection, TCP and TLS handshake included
    /// (default 5 s). From 1 ms to 10 minutes.
    pub fn set_connect_timeout(&mut self, timeout: Duration) -> Result<&mut Self, Error> {
        self.connect_timeout = check_timeout("connect timeout", timeout)?;
        Ok(self)
    }

    /// The time allowed for one whole request, from connecting to the last byte of the
    /// answer (default 10 s). From 1 ms to 10 minutes.
    pub fn set_request_timeout(&mut self, timeout: Duration) -> Result<&mut Self, Error> {
        self.request_timeout = check_timeout("request timeout", timeout)?;
        Ok(self)
    }

    /// The pause between two reads of a pending session while waiting (default 1 s,
    /// at least 100 ms).
    pub fn set_poll_interval(&mut self, interval: Duration) -> Result<&mut Self, Error> {
        if interval < MIN_POLL_INTERVAL || interval > MAX_TIMEOUT {
            return Err(Error::invalid_argument(
                "poll interval must be from 100 ms to 10 minutes",
            ));
        }
        self.poll_interval = interval;
        Ok(self)
    }

    /// Trusts the CA certificates in this PEM file as well as the default roots. The file
    /// is read when the client is built.
    pub fn set_ca_file(&mut self, pem_path: impl AsRef<Path>) -> Result<&mut Self, Error> {
        let path = pem_path.as_ref();
        if path.as_os_str().is_empty() {
            return Err(Error::invalid_argument("CA file path is empty"));
        }
        self.ca_file = Some(path.to_path_buf());
        Ok(self)
    }

    /// Trusts the operating system's certificate store instead of Mozilla's roots
    /// (default off). Turn it on where a corporate proxy inspects TLS with its own CA.
    pub fn set_use_system_roots(&mut self, enabled: bool) -> &mut Self {
        self.use_system_roots = enabled;
        self
    }

    /// Sends every request through this HTTP CONNECT proxy (`http://host:port`, or
    /// `http://user:password@host:port`) instead of the one the environment names.
    /// SOCKS proxies are refused. A loopback or plain-`http://` base URL is never proxied.
    pub fn set_proxy(&mut self, proxy_url: &str) -> Result<&mut Self, Error> {
        let proxy = ureq::Proxy::new(proxy_url)
            .map_err(|_| Error::invalid_argument("proxy URL is not valid"))?;
        if !is_connect_proxy(&proxy) {
            return Err(Error::invalid_argument(
                "SOCKS proxies are not supported: use an HTTP CONNECT proxy (http://host:port)",
            ));
        }
        self.proxy = Some(proxy_url.to_string());
        Ok(self)
    }

    /// Appends this text to the `User-Agent` header (printable ASCII, at most 256
    /// characters), so the POS can be told apart in Authsignal's logs.
    pub fn set_user_agent_suffix(&mut self, suffix: &str) -> Result<&mut Self, Error> {
        if suffix.len() > MAX_USER_AGENT_SUFFIX_LEN
            || !suffix.bytes().all(|b| b == b' ' || b.is_ascii_graphic())
        {
            return Err(Error::invalid_argument(
                "user agent suffix must be at most 256 printable ASCII characters",
            ));
        }
        let trimmed = suffix.trim();
        self.user_agent_suffix = (!trimmed.is_empty()).then(|| trimmed.to_string());
        Ok(self)
    }

    /// Keeps a crash-safe payment journal in this file (created if missing, readable by
    /// its owner only, in a folder that must exist; an existing folder, or a path ending
    /// with a separator, holds `authsignal-terminal-journal.sqlite3`). A file that is
    /// neither empty nor this library's journal is refused unchanged.
    /// Off by default. With it, a create that carries a reference is recorded durably
    /// before it is sent, and a create for a reference whose last attempt is PENDING,
    /// COMPLETED or of unknown outcome is refused with
    /// [`ErrorKind::DuplicateReference`](crate::ErrorKind::DuplicateReference), across
    /// crashes, restarts and processes sharing the file. Creates without a reference are
    /// not journaled. The file is opened when the client is built.
    pub fn set_journal_path(&mut self, path: impl AsRef<Path>) -> Result<&mut Self, Error> {
        let path = path.as_ref();
        if path.as_os_str().is_empty() {
            return Err(Error::invalid_argument("journal path is empty"));
        }
        self.journal.path = Some(path.to_path_buf());
        Ok(self)
    }

    /// How long a session last seen PENDING is taken to be still PENDING (default 10
    /// minutes, how long a terminal prompt lives): a create for its reference is refused
    /// at once within it, and after it only once a read of the session says it is still
    /// PENDING or COMPLETED. Age never lets an unknown outcome through (forget it). From
    /// 1 ms to 24 hours.
    pub fn set_journal_lifetime(&mut self, lifetime: Duration) -> Result<&mut Self, Error> {
        self.journal.lifetime = JournalSettings::check_lifetime(lifetime)?;
        Ok(self)
    }

    /// How long final journal entries are kept (default 7 days); older ones are dropped,
    /// entries that may still take money are kept. At least the lifetime (checked when
    /// the client is built), at most 366 days.
    pub fn set_journal_retention(&mut self, retention: Duration) -> Result<&mut Self, Error> {
        self.journal.retention = JournalSettings::check_retention(retention)?;
        Ok(self)
    }

    /// The journal's file or folder, when one is set.
    pub fn journal_path(&self) -> Option<&Path> {
        self.journal.path.as_deref()
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The connect timeout.
    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }

    /// The request timeout.
    pub fn request_timeout(&self) -> Duration {
        self.request_timeout
    }

    /// The poll interval of waits.
    pub fn poll_interval(&self) -> Duration {
        self.poll_interval
    }
}

fn check_timeout(what: &str, timeout: Duration) -> Result<Duration, Error> {
    if timeout < Duration::from_millis(1) || timeout > MAX_TIMEOUT {
        return Err(Error::invalid_argument(format!(
            "{what} must be from 1 ms to 10 minutes"
        )));
    }
    Ok(timeout)
}

/// Validates a base URL and returns it without a trailing slash.
fn check_base_url(raw: &str) -> Result<String, Error> {
    let bad = |why: &str| Error::invalid_argument(format!("base URL {why}"));
    if raw.is_empty() {
        return Err(bad("is empty"));
    }
    if !raw.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(bad("must be printable ASCII without spaces"));
    }
    let uri: ureq::http::Uri = raw
        .parse()
        .map_err(|_| bad("is not a valid absolute URL"))?;
    let scheme = uri
        .scheme_str()
        .ok_or_else(|| bad("needs https:// (or http:// for loopback)"))?;
    let authority = uri.authority().ok_or_else(|| bad("needs a host"))?;
    if authority.as_str().contains('@') {
        return Err(bad("must not contain user info"));
    }
    if uri.query().is_some() || raw.contains('#') {
        return Err(bad("must not contain a query or fragment"));
    }
    let host = authority.host();
    if host.is_empty() {
        return Err(bad("needs a host"));
    }
    match scheme.to_ascii_lowercase().as_str() {
        "https" => {}
        "http" if is_loopback_host(host) => {}
        "http" => {
            return Err(bad(
                "uses plain http://, which is allowed only for loopback hosts (127.0.0.0/8, ::1, localhost); use https://",
            ))
        }
        _ => return Err(bad("needs https:// (or http:// for loopback)")),
    }
    Ok(raw.trim_end_matches('/').to_string())
}

/// True for an HTTP CONNECT proxy (over http:// or https://), the only kind supported.
pub(crate) fn is_connect_proxy(proxy: &ureq::Proxy) -> bool {
    matches!(
        proxy.protocol(),
        ureq::ProxyProtocol::Http | ureq::ProxyProtocol::Https
    )
}

/// A proxy URL for `Debug` output: its user name and password replaced by `***`.
fn redact_proxy_url(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => match rest.rsplit_once('@') {
            Some((_, host)) => format!("{scheme}://***@{host}"),
            None => url.to_string(),
        },
        None if url.contains('@') => "***".to_string(),
        None => url.to_string(),
    }
}

impl std::fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientOptions")
            .field("base_url", &self.base_url)
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("poll_interval", &self.poll_interval)
            .field("ca_file", &self.ca_file)
            .field("use_system_roots", &self.use_system_roots)
            .field("proxy", &self.proxy.as_deref().map(redact_proxy_url))
            .field("user_agent_suffix", &self.user_agent_suffix)
            .field("journal", &self.journal)
            .finish()
    }
}

/// True for the hosts plain HTTP may reach: 127.0.0.0/8, ::1 and localhost.
pub(crate) fn is_loopback_host(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if bare.eq_ignore_ascii_case("localhost") {
        return true;
    }
    bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_have_their_base_urls() {
        assert_eq!(
            ClientOptions::new().base_url(),
            "https://api.authsignal.com/v1"
        );
        let mut o = ClientOptions::new();
        o.set_region(Region::Eu);
        assert_eq!(o.base_url(), "https://eu.api.authsignal.com/v1");
        assert_eq!(Region::parse("AU").unwrap(), Region::Au);
        assert_eq!(
            Region::parse("ca").unwrap().base_url(),
            "https://ca.api.authsignal.com/v1"
        );
        assert!(Region::parse("mars").is_err());
    }

    #[test]
    fn plain_http_only_on_loopback() {
        let mut o = ClientOptions::new();
        for ok in [
            "https://api.example.com/v1",
            "https://api.example.com/v1/",
            "http://127.0.0.1:8080/v1",
            "http://127.1.2.3/v1",
            "http://localhost:1/v1",
            "http://[::1]:9/v1",
            "HTTPS://EXAMPLE.COM",
        ] {
            assert!(o.set_base_url(ok).is_ok(), "{ok}");
        }
        o.set_base_url("https://api.example.com/v1/").unwrap();
        assert_eq!(o.base_url(), "https://api.example.com/v1");
        for bad in [
            "",
            "http://api.example.com/v1",
            "http://10.0.0.1/v1",
            "http://[::2]/v1",
            "http://localhost.evil.com/v1",
            "ftp://127.0.0.1/v1",
            "api.example.com/v1",
            "/v1",
            "https://user:pw@api.example.com/v1",
            "https://api.example.com/v1?x=1",
            "https://api.example.com/v1#frag",
            "https://api.example .com/v1",
        ] {
            let e = o.set_base_url(bad).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument, "{bad}");
        }
    }

    #[test]
    fn timeouts_are_bounded() {
        let mut o = ClientOptions::new();
        assert!(o.set_connect_timeout(Duration::from_millis(1)).is_ok());
        assert!(o.set_connect_timeout(Duration::ZERO).is_err());
        assert!(o.set_request_timeout(Duration::from_secs(601)).is_err());
        assert!(o.set_poll_interval(Duration::from_millis(99)).is_err());
        assert!(o.set_poll_interval(Duration::from_millis(100)).is_ok());
    }

    #[test]
    fn user_agent_suffix_is_printable() {
        let mut o = ClientOptions::new();
        assert!(o.set_user_agent_suffix("MyPOS/4.2 (store 7)").is_ok());
        assert!(o.set_user_agent_suffix("bad\r\nInjected: header").is_err());
        assert!(o.set_user_agent_suffix(&"x".repeat(257)).is_err());
    }

    #[test]
    fn proxy_urls_are_checked() {
        let mut o = ClientOptions::new();
        assert!(o.set_proxy("http://proxy.example:3128").is_ok());
        let e = o.set_proxy("socks5://127.0.0.1:1080").unwrap_err();
        assert!(e.message().contains("SOCKS"), "{e}");
        assert!(o.set_proxy("https://proxy.example:3128").is_ok());
        assert!(o.set_proxy("not a url at all").is_err());
    }

    #[test]
    fn debug_hides_proxy_credentials() {
        let mut o = ClientOptions::new();
        o.set_proxy("http://shop:hunter2@proxy.example:3128")
            .unwrap();
        let shown = format!("{o:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("shop:"),
            "{shown}"
        );
        assert!(shown.contains("proxy.example:3128"), "{shown}");
        assert_eq!(redact_proxy_url("http://proxy:1"), "http://proxy:1");
        assert_eq!(redact_proxy_url("a@b"), "***");
    }
}
