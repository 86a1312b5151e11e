//! The diagnosis a help desk needs when payments fail: is it the configuration, the
//! proxy, DNS, the network, TLS interception, the clock, or a terminal id the server does
//! not accept? [`diagnose`] runs the checks in that order with the client's own settings
//! and reports each with a verdict and a one-line fix. `authsignal-terminal doctor` prints
//! it; `as_client_diagnose` hands it to C (and so to C# and Python) as JSON and text.
//!
//! It never creates a payment: the terminal id is checked by reading a session that cannot
//! exist (404 means the id is accepted, 401 that it is refused). The id appears only
//! redacted.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};
use serde::Serialize;

use crate::client::Client;
use crate::error::ErrorKind;
use crate::options::{is_loopback_host, ClientOptions, Region};
use crate::terminal_id::redact_terminal_id;

/// The challenge id the terminal id check reads: valid, and never one the server made.
const PROBE_CHALLENGE_ID: &str = "authsignal-terminal-doctor-no-such-session";
/// The most of an answer's head the clock check reads.
const MAX_HEAD_BYTES: usize = 16 * 1024;
/// A clock this far from the server's is worth a warning; further than
/// [`CLOCK_FAIL`], certificates and expiry times go wrong.
const CLOCK_WARN: u64 = 60;
const CLOCK_FAIL: u64 = 3600;

/// How a check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Nothing wrong.
    Ok,
    /// Works, but something deserves a look.
    Warn,
    /// This is (or would be) why payments fail.
    Fail,
    /// Not run: an earlier check failed, or it does not apply.
    Skipped,
}

impl Verdict {
    /// `ok`, `warn`, `fail` or `skipped`, as in the JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Warn => "warn",
            Verdict::Fail => "fail",
            Verdict::Skipped => "skipped",
        }
    }
}

/// A client setting whose origin the report can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    /// The region or base URL.
    BaseUrl,
    /// The connect timeout.
    ConnectTimeout,
    /// The request timeout.
    RequestTimeout,
    /// The extra CA file.
    CaFile,
    /// Whether the system trust store is used.
    SystemRoots,
    /// An explicit proxy.
    Proxy,
}

impl Setting {
    fn name(self) -> &'static str {
        match self {
            Setting::BaseUrl => "base_url",
            Setting::ConnectTimeout => "connect_timeout",
            Setting::RequestTimeout => "request_timeout",
            Setting::CaFile => "ca_file",
            Setting::SystemRoots => "system_roots",
            Setting::Proxy => "proxy",
        }
    }
}

/// One check: its name (`config`, `proxy`, `dns`, `tcp`, `tls`, `clock`, `terminal_id`),
/// its verdict, what was found, and what to do when it is not `ok`.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// The check's stable name.
    pub name: &'static str,
    /// How it ended.
    pub verdict: Verdict,
    /// What was found, in one sentence.
    pub summary: String,
    /// What to do about it, when there is something to do.
    pub fix: Option<String>,
}

/// One setting in effect and where it came from.
#[derive(Debug, Clone, Serialize)]
pub struct SettingReport {
    /// `base_url`, `connect_timeout`, `request_timeout`, `ca_file`, `system_roots`, `proxy`.
    pub name: &'static str,
    /// Its value (a proxy's password is hidden).
    pub value: String,
    /// Where it came from: `default`, an option or environment variable name, or
    /// `set by the program`.
    pub source: String,
}

/// The configuration in effect.
#[derive(Debug, Clone, Serialize)]
pub struct ConfigReport {
    /// The base URL requests go to.
    pub base_url: String,
    /// The region whose base URL it is (`us`, `au`, `eu`, `ca`), if any.
    pub region: Option<&'static str>,
    /// Every setting, with its source.
    pub settings: Vec<SettingReport>,
}

/// The proxy requests go through.
#[derive(Debug, Clone, Serialize)]
pub struct ProxyReport {
    /// The proxy URL (password hidden), or None for a direct connection.
    pub url: Option<String>,
    /// Where it came from: `proxy` (the option) or the environment variable's name.
    pub source: Option<String>,
    /// True when a proxy is set but `NO_PROXY` exempts the API host.
    pub bypassed: bool,
}

/// The host name lookup.
#[derive(Debug, Clone, Serialize)]
pub struct DnsReport {
    /// The host looked up (the proxy's, when there is one).
    pub host: String,
    /// The addresses found.
    pub addresses: Vec<String>,
    /// How long the lookup took.
    pub ms: u64,
}

/// The TCP connection.
#[derive(Debug, Clone, Serialize)]
pub struct TcpReport {
    /// The address connected to.
    pub address: String,
    /// How long the connect took.
    pub ms: u64,
}

/// The subject and issuer of one certificate of the chain.
#[derive(Debug, Clone, Serialize)]
pub struct CertificateNames {
    /// e.g. `CN=api.authsignal.com`.
    pub subject: String,
    /// e.g. `CN=Amazon RSA 2048 M02, O=Amazon, C=US`.
    pub issuer: String,
}

/// The TLS handshake.
#[derive(Debug, Clone, Serialize)]
pub struct TlsReport {
    /// `TLS 1.3` or `TLS 1.2`, when the handshake finished.
    pub protocol: Option<String>,
    /// The cipher suite, when the handshake finished.
    pub cipher_suite: Option<String>,
    /// The trust store that verified the chain: `mozilla` (built in), `system` or
    /// `ca_file`; None when none of the client's did.
    pub trust_store: Option<&'static str>,
    /// The chain the server sent, its own certificate first.
    pub chain: Vec<CertificateNames>,
    /// How long the handshake took.
    pub ms: u64,
}

/// The clock compared with the server's `Date`.
#[derive(Debug, Clone, Serialize)]
pub struct ClockReport {
    /// The server's `Date` header.
    pub server_date: String,
    /// This machine's clock minus the server's, in seconds (positive: ahead).
    pub skew_seconds: i64,
    /// False when the date was read over a connection whose certificate failed (only to
    /// read the time; nothing secret is sent).
    pub verified_connection: bool,
}

/// The server's verdict on the terminal id.
#[derive(Debug, Clone, Serialize)]
pub struct TerminalIdReport {
    /// The id as it may be shown (at most its last 4 characters).
    pub redacted: String,
    /// True when the server accepted it (404 for the session that cannot exist), false
    /// when it refused it (401); None when it could not tell.
    pub accepted: Option<bool>,
    /// The HTTP status of the answer, if one came.
    pub http_status: Option<u16>,
    /// The kind of error the read ended with (`NotFound` when the id is accepted,
    /// `Unauthorized` when refused, `Timeout`, …); None when it was not tried.
    #[serde(serialize_with = "kind_name")]
    pub error_kind: Option<ErrorKind>,
}

fn kind_name<S: serde::Serializer>(kind: &Option<ErrorKind>, s: S) -> Result<S::Ok, S::Error> {
    match kind {
        Some(kind) => s.serialize_some(&format!("{kind:?}")),
        None => s.serialize_none(),
    }
}

/// The whole diagnosis. [`Report::to_json`] gives it with these field names (stable);
/// [`Report::to_text`] gives it for people.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// This library's version.
    pub version: &'static str,
    /// True when no check failed.
    pub passed: bool,
    /// Always true: the diagnosis never creates a payment.
    pub no_payment_started: bool,
    /// The checks, in the order they ran.
    pub checks: Vec<Check>,
    /// The configuration in effect.
    pub config: ConfigReport,
    /// The proxy.
    pub proxy: ProxyReport,
    /// The lookup, if it was tried.
    pub dns: Option<DnsReport>,
    /// The connection, if it was made.
    pub tcp: Option<TcpReport>,
    /// The handshake, if it was tried.
    pub tls: Option<TlsReport>,
    /// The clock, if the server's `Date` was read.
    pub clock: Option<ClockReport>,
    /// The terminal id, if one was given.
    pub terminal_id: Option<TerminalIdReport>,
}

impl Report {
    /// The report as one JSON object (field names as in this type, stable).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| {
            format!("{{\"error\":\"the report could not be written as JSON: {e}\"}}")
        })
    }

    /// The report for people: one line per check (`[ ok ] dns: …`), a fix under each
    /// check that is not ok, and a last line saying no payment was started.
    pub fn to_text(&self) -> String {
        let mut text = String::new();
        for check in &self.checks {
            text.push_str(&format!(
                "[{:^6}] {}: {}\n",
                check.verdict.as_str(),
                check.name,
                check.summary
            ));
            if let Some(fix) = &check.fix {
                text.push_str(&format!("         fix: {fix}\n"));
            }
        }
        let skipped: Vec<&str> = self
            .checks
            .iter()
            .filter(|c| c.verdict == Verdict::Skipped)
            .map(|c| c.name)
            .collect();
        if !self.passed {
            text.push_str("At least one check failed (see fix above). No payment was started.\n");
        } else if skipped.is_empty() {
            text.push_str("No problem found. No payment was started.\n");
        } else {
            // A skipped check is not a pass: say what was not checked.
            text.push_str(&format!(
                "No check failed, but not everything was checked (skipped: {}), so this does \
                 not show that payments will work. No payment was started.\n",
                skipped.join(", ")
            ));
        }
        text
    }

    /// The first check that failed, if any.
    pub fn first_failure(&self) -> Option<&Check> {
        self.checks.iter().find(|c| c.verdict == Verdict::Fail)
    }

    fn add(&mut self, name: &'static str, verdict: Verdict, summary: String, fix: Option<&str>) {
        self.checks.push(Check {
            name,
            verdict,
            summary,
            fix: fix.map(str::to_string),
        });
    }
}

/// Runs every check with `client`'s settings and returns the report; it fails only in
/// the report, never as an error. `terminal_id`, when given, is checked without creating
/// a payment. `sources` names where settings came from (an option, an environment
/// variable); settings not named are `default` when they have the default value and `set
/// by the program` otherwise.
///
/// The connect, each read and write of the handshake and of the clock check are bounded by
/// the client's connect timeout, the terminal id check by its request timeout; the name
/// lookup by the system resolver's own limits (it runs on the caller's thread, like
/// everything here, so that no thread outlives the call).
pub fn diagnose(client: &Client, terminal_id: Option<&str>, sources: &[(Setting, &str)]) -> Report {
    let options = client.options();
    let target = Target::parse(options.base_url());
    let proxy = effective_proxy(options, &target);
    let mut report = Report {
        version: crate::VERSION,
        passed: true,
        no_payment_started: true,
        checks: Vec::new(),
        config: config_report(options, sources),
        proxy: ProxyReport {
            url: proxy.as_ref().map(|p| p.shown.clone()),
            source: proxy.as_ref().map(|p| p.source.clone()),
            bypassed: proxy.as_ref().is_some_and(|p| p.bypassed),
        },
        dns: None,
        tcp: None,
        tls: None,
        clock: None,
        terminal_id: None,
    };
    check_config(&mut report, options, &target);
    check_proxy(&mut report, proxy.as_ref());
    let proxy = proxy.filter(|p| !p.bypassed);
    let stream = match &target {
        Some(target) => reach(&mut report, options, target, proxy.as_ref()),
        None => None,
    };
    let reached = stream.is_some();
    let mut clock_skew = None;
    match (&target, stream) {
        (Some(target), Some(stream)) => {
            clock_skew = tls_and_clock(&mut report, options, target, proxy.as_ref(), stream);
        }
        _ => {
            let why = "not tried: the server could not be reached (see above)".to_string();
            report.add("tls", Verdict::Skipped, why.clone(), None);
            report.add("clock", Verdict::Skipped, why, None);
        }
    }
    check_terminal_id(&mut report, client, terminal_id, reached, clock_skew);
    report.passed = report.first_failure().is_none();
    report
}

/// The parts of the base URL the checks need.
struct Target {
    https: bool,
    host: String,
    port: u16,
    /// `host:port` as it goes into `Host` and `CONNECT`.
    authority: String,
    /// The base URL's path, e.g. `/v1`.
    path: String,
    uri: ureq::http::Uri,
}

impl Target {
    fn parse(base_url: &str) -> Option<Target> {
        let uri: ureq::http::Uri = base_url.parse().ok()?;
        let https = uri.scheme_str()?.eq_ignore_ascii_case("https");
        let authority = uri.authority()?;
        let host = authority.host().to_string();
        let port = authority.port_u16().unwrap_or(if https { 443 } else { 80 });
        Some(Target {
            https,
            authority: format!("{host}:{port}"),
            host,
            port,
            path: uri.path().trim_end_matches('/').to_string(),
            uri,
        })
    }

    /// The host without IPv6 brackets, as lookups and server names want it.
    fn bare_host(&self) -> &str {
        self.host.trim_start_matches('[').trim_end_matches(']')
    }
}

/// The proxy the client uses, as the transport picks it: the option, else the environment.
struct ProxyInUse {
    proxy: ureq::Proxy,
    shown: String,
    source: String,
    bypassed: bool,
}

fn effective_proxy(options: &ClientOptions, target: &Option<Target>) -> Option<ProxyInUse> {
    let (proxy, source) = match &options.proxy {
        Some(url) => (ureq::Proxy::new(url).ok()?, "proxy".to_string()),
        None => {
            let proxy = ureq::Proxy::try_from_env()?;
            // The variable ureq took it from (it reads them in this order).
            let source = [
                "ALL_PROXY",
                "all_proxy",
                "HTTPS_PROXY",
                "https_proxy",
                "HTTP_PROXY",
                "http_proxy",
            ]
            .into_iter()
            .find(|name| std::env::var(name).is_ok_and(|v| !v.is_empty()))
            .unwrap_or("the environment");
            (proxy, source.to_string())
        }
    };
    // What the transport really does (one rule: a loopback or plain-http base URL, NO_PROXY
    // and SOCKS from the environment all mean no proxy).
    let used = crate::transport::choose_proxy(options).ok().flatten();
    let bypassed = used.is_none() || target.as_ref().is_some_and(|t| proxy.is_no_proxy(&t.uri));
    let shown = format!(
        "{}://{}{}:{}",
        proxy_scheme(proxy.protocol()),
        if proxy.username().is_some() {
            "***@"
        } else {
            ""
        },
        proxy.host(),
        proxy.port()
    );
    Some(ProxyInUse {
        proxy,
        shown,
        source,
        bypassed,
    })
}

fn proxy_scheme(protocol: ureq::ProxyProtocol) -> &'static str {
    match protocol {
        ureq::ProxyProtocol::Http => "http",
        ureq::ProxyProtocol::Https => "https",
        ureq::ProxyProtocol::Socks4 => "socks4",
        ureq::ProxyProtocol::Socks4A => "socks4a",
        ureq::ProxyProtocol::Socks5 => "socks5",
        ureq::ProxyProtocol::Socks5h => "socks5h",
        _ => "other",
    }
}

fn config_report(options: &ClientOptions, sources: &[(Setting, &str)]) -> ConfigReport {
    let defaults = ClientOptions::new();
    let source = |setting: Setting, is_default: bool| {
        sources
            .iter()
            .find(|(s, _)| *s == setting)
            .map(|(_, from)| from.to_string())
            .unwrap_or_else(|| {
                if is_default {
                    "default".to_string()
                } else {
                    "set by the program".to_string()
                }
            })
    };
    let region = [Region::Us, Region::Au, Region::Eu, Region::Ca]
        .into_iter()
        .find(|r| r.base_url() == options.base_url())
        .map(|r| match r {
            Region::Us => "us",
            Region::Au => "au",
            Region::Eu => "eu",
            Region::Ca => "ca",
        });
    let mut settings = vec![
        SettingReport {
            name: Setting::BaseUrl.name(),
            value: match region {
                Some(region) => format!("{} (region {region})", options.base_url()),
                None => options.base_url().to_string(),
            },
            source: source(Setting::BaseUrl, options.base_url == defaults.base_url),
        },
        SettingReport {
            name: Setting::ConnectTimeout.name(),
            value: format!("{} ms", options.connect_timeout.as_millis()),
            source: source(
                Setting::ConnectTimeout,
                options.connect_timeout == defaults.connect_timeout,
            ),
        },
        SettingReport {
            name: Setting::RequestTimeout.name(),
            value: format!("{} ms", options.request_timeout.as_millis()),
            source: source(
                Setting::RequestTimeout,
                options.request_timeout == defaults.request_timeout,
            ),
        },
        SettingReport {
            name: Setting::SystemRoots.name(),
            value: if options.use_system_roots {
                "on (the operating system's trust store)".to_string()
            } else {
                "off (Mozilla's root certificates, built in)".to_string()
            },
            source: source(Setting::SystemRoots, !options.use_system_roots),
        },
    ];
    if let Some(ca_file) = &options.ca_file {
        settings.push(SettingReport {
            name: Setting::CaFile.name(),
            value: ca_file.display().to_string(),
            source: source(Setting::CaFile, false),
        });
    }
    if options.proxy.is_some() {
        settings.push(SettingReport {
            name: Setting::Proxy.name(),
            value: effective_proxy(options, &None).map_or_else(String::new, |p| p.shown),
            source: source(Setting::Proxy, false),
        });
    }
    ConfigReport {
        base_url: options.base_url().to_string(),
        region,
        settings,
    }
}

fn check_config(report: &mut Report, options: &ClientOptions, target: &Option<Target>) {
    let Some(target) = target else {
        report.add(
            "config",
            Verdict::Fail,
            format!("the base URL {} cannot be used", options.base_url()),
            Some("set a region (us, au, eu, ca) or an https:// base URL"),
        );
        return;
    };
    let described: Vec<String> = report
        .config
        .settings
        .iter()
        .map(|s| format!("{} {} ({})", s.name, s.value, s.source))
        .collect();
    let summary = described.join("; ");
    if !target.https {
        report.add(
            "config",
            Verdict::Warn,
            format!("{summary}; plain HTTP to a loopback host: a local simulator, not Authsignal"),
            Some("for real payments, use a region or Authsignal's https:// base URL"),
        );
    } else if report.config.region.is_none() && !is_loopback_host(&target.host) {
        report.add(
            "config",
            Verdict::Ok,
            format!("{summary}; not one of Authsignal's region URLs (a gateway or test server)"),
            None,
        );
    } else {
        report.add("config", Verdict::Ok, summary, None);
    }
}

fn check_proxy(report: &mut Report, proxy: Option<&ProxyInUse>) {
    match proxy {
        None => report.add(
            "proxy",
            Verdict::Ok,
            "none: connecting directly (no proxy option; HTTPS_PROXY, ALL_PROXY, HTTP_PROXY unset)"
                .to_string(),
            None,
        ),
        Some(p) if p.bypassed => report.add(
            "proxy",
            Verdict::Ok,
            format!(
                "{} (from {}) is not used for this host: NO_PROXY exempts it; connecting directly",
                p.shown, p.source
            ),
            None,
        ),
        Some(p) => report.add(
            "proxy",
            Verdict::Ok,
            format!(
                "{} (from {}); the checks below go through it",
                p.shown, p.source
            ),
            None,
        ),
    }
}

/// DNS and TCP: looks up the host the client connects to (the proxy's, with a proxy) and
/// connects to the first address that answers.
fn reach(
    report: &mut Report,
    options: &ClientOptions,
    target: &Target,
    proxy: Option<&ProxyInUse>,
) -> Option<TcpStream> {
    let (host, port) = match proxy {
        Some(p) => (p.proxy.host().to_string(), p.proxy.port()),
        None => (target.bare_host().to_string(), target.port),
    };
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let started = Instant::now();
    let looked_up = (host.as_str(), port).to_socket_addrs();
    let ms = elapsed_ms(started);
    let addresses: Vec<SocketAddr> = match looked_up {
        Ok(addresses) => addresses.collect(),
        Err(e) => {
            report.add(
                "dns",
                Verdict::Fail,
                format!("could not resolve {host}: {e}"),
                Some(if proxy.is_some() {
                    "check the proxy's host name, and that this machine's DNS server answers"
                } else {
                    "check this machine's DNS server (try `nslookup` on the host); where only a proxy reaches the internet, set HTTPS_PROXY"
                }),
            );
            report.dns = Some(DnsReport {
                host,
                addresses: Vec::new(),
                ms,
            });
            report.add(
                "tcp",
                Verdict::Skipped,
                "not tried: no address to connect to".to_string(),
                None,
            );
            return None;
        }
    };
    let shown: Vec<String> = addresses.iter().map(|a| a.ip().to_string()).collect();
    let is_literal = host.parse::<std::net::IpAddr>().is_ok();
    report.add(
        "dns",
        if addresses.is_empty() {
            Verdict::Fail
        } else {
            Verdict::Ok
        },
        if is_literal {
            format!("{host} is an address: nothing to look up")
        } else {
            format!("{host} has {} in {ms} ms", shown.join(", "))
        },
        addresses
            .is_empty()
            .then_some("the name has no address: check the base URL or proxy"),
    );
    report.dns = Some(DnsReport {
        host: host.clone(),
        addresses: shown,
        ms,
    });

    let mut failures = Vec::new();
    for address in &addresses {
        let started = Instant::now();
        match TcpStream::connect_timeout(address, options.connect_timeout) {
            Ok(stream) => {
                let ms = elapsed_ms(started);
                let slow = Duration::from_millis(ms) * 2 > options.connect_timeout;
                report.add(
                    "tcp",
                    if slow { Verdict::Warn } else { Verdict::Ok },
                    format!("connected to {address} in {ms} ms"),
                    slow.then_some(
                        "the connection took over half the connect timeout: a slow or overloaded network; consider a longer connect timeout",
                    ),
                );
                report.tcp = Some(TcpReport {
                    address: address.to_string(),
                    ms,
                });
                return Some(stream);
            }
            Err(e) => failures.push(format!("{address}: {e}")),
        }
    }
    report.add(
        "tcp",
        Verdict::Fail,
        format!("could not connect: {}", failures.join("; ")),
        Some(if proxy.is_some() {
            "the proxy does not accept connections: check its address and port"
        } else {
            "a firewall may block outgoing connections to this port (443 for HTTPS), or the server is down; where only a proxy reaches the internet, set HTTPS_PROXY"
        }),
    );
    None
}

/// The TLS handshake (for https) and the clock; returns the clock skew when it was read.
fn tls_and_clock(
    report: &mut Report,
    options: &ClientOptions,
    target: &Target,
    proxy: Option<&ProxyInUse>,
    stream: TcpStream,
) -> Option<i64> {
    let _ = stream.set_read_timeout(Some(options.connect_timeout));
    let _ = stream.set_write_timeout(Some(options.connect_timeout));
    // Only a plain HTTP proxy's CONNECT tunnel is probed here; the library itself (the
    // terminal id check) goes through any kind.
    if let Some(p) = proxy.filter(|p| p.proxy.protocol() != ureq::ProxyProtocol::Http) {
        let why = format!(
            "not probed through a {} proxy; the terminal id check below goes through it",
            proxy_scheme(p.proxy.protocol())
        );
        report.add("tls", Verdict::Skipped, why.clone(), None);
        report.add("clock", Verdict::Skipped, why, None);
        return None;
    }
    if !target.https {
        report.add(
            "tls",
            Verdict::Skipped,
            "plain HTTP (loopback only): no TLS".to_string(),
            None,
        );
        let via_proxy = proxy.is_some();
        return clock(report, target, Conn::Plain(stream), via_proxy, true);
    }
    let stream = match proxy {
        Some(_) => match tunnel(stream, target) {
            Ok(stream) => stream,
            Err(why) => {
                report.add(
                    "tls",
                    Verdict::Fail,
                    format!("the proxy did not open a tunnel to {}: {why}", target.authority),
                    Some("the proxy refuses the API host: ask for it to be allowed, or check the proxy's address and credentials"),
                );
                report.add(
                    "clock",
                    Verdict::Skipped,
                    "not tried: no tunnel through the proxy".to_string(),
                    None,
                );
                return None;
            }
        },
        None => stream,
    };
    let stores = match TrustStores::load(options) {
        Ok(stores) => stores,
        Err(why) => {
            report.add(
                "tls",
                Verdict::Fail,
                why,
                Some("fix the CA file or turn the system trust store off"),
            );
            report.add("clock", Verdict::Skipped, "not tried".to_string(), None);
            return None;
        }
    };
    let handshake = handshake(stream, target, stores.configured_verifier());
    let chain = handshake
        .seen
        .as_ref()
        .map(|s| s.chain.clone())
        .unwrap_or_default();
    let names: Vec<CertificateNames> = chain.iter().filter_map(|c| cert_names(c)).collect();
    let verified_by = handshake
        .seen
        .as_ref()
        .and_then(|seen| stores.which_verifies(seen, target));
    let chain_text = match names.first() {
        Some(leaf) => format!(
            "server certificate {}, issued by {}",
            leaf.subject, leaf.issuer
        ),
        None => "no certificate seen".to_string(),
    };
    let mut tls = TlsReport {
        protocol: None,
        cipher_suite: None,
        trust_store: verified_by,
        chain: names,
        ms: handshake.ms,
    };
    match handshake.result {
        Ok(conn) => {
            tls.protocol = conn.conn.protocol_version().map(|v| match v {
                rustls::ProtocolVersion::TLSv1_3 => "TLS 1.3".to_string(),
                rustls::ProtocolVersion::TLSv1_2 => "TLS 1.2".to_string(),
                other => format!("{other:?}"),
            });
            tls.cipher_suite = conn
                .conn
                .negotiated_cipher_suite()
                .map(|s| format!("{:?}", s.suite()));
            let store = verified_by.map_or("?", store_description);
            let loopback = is_loopback_host(&target.host);
            let mozilla_also = handshake
                .seen
                .as_ref()
                .is_some_and(|seen| stores.mozilla_verifies(seen, target));
            let summary = format!(
                "{} ({}) in {} ms; {chain_text}; verified by {store}",
                tls.protocol.as_deref().unwrap_or("?"),
                tls.cipher_suite.as_deref().unwrap_or("?"),
                handshake.ms,
            );
            if mozilla_also || loopback {
                report.add("tls", Verdict::Ok, summary, None);
            } else {
                report.add(
                    "tls",
                    Verdict::Warn,
                    format!("{summary}, not by Mozilla's public roots"),
                    Some("expected for a private CA; for Authsignal's own servers it means a TLS-inspecting proxy sits between this machine and Authsignal"),
                );
            }
            report.tls = Some(tls);
            clock(report, target, Conn::Tls(Box::new(conn)), false, true)
        }
        Err(e) => {
            let system_would = handshake
                .seen
                .as_ref()
                .is_some_and(|seen| !stores.uses_system && stores.system_verifies(seen, target));
            let fix = if system_would {
                "the operating system's trust store accepts this chain (a TLS-inspecting proxy's CA, installed by IT): turn it on (--system-roots, set_use_system_roots)"
            } else if matches!(
                e,
                rustls::Error::InvalidCertificate(
                    rustls::CertificateError::Expired
                        | rustls::CertificateError::ExpiredContext { .. }
                        | rustls::CertificateError::NotValidYet
                        | rustls::CertificateError::NotValidYetContext { .. }
                )
            ) {
                "the certificate is outside its validity at this machine's time: check the clock (below), then the server"
            } else if matches!(e, rustls::Error::InvalidCertificate(_)) {
                "the chain is not trusted: behind a TLS-inspecting proxy turn on the system trust store (--system-roots, set_use_system_roots), or add the CA that signs it (--ca-file, set_ca_file)"
            } else {
                "the TLS handshake failed: a proxy or firewall may interfere with HTTPS; check the proxy settings"
            };
            report.add(
                "tls",
                Verdict::Fail,
                format!("handshake failed: {e}; {chain_text}"),
                Some(fix),
            );
            report.tls = Some(tls);
            // The time is still worth reading: a wrong clock is a common reason.
            unverified_clock(report, options, target, proxy)
        }
    }
}

/// Asks the proxy for a tunnel to the API host (HTTP CONNECT).
fn tunnel(mut stream: TcpStream, target: &Target) -> Result<TcpStream, String> {
    let request = format!(
        "CONNECT {0} HTTP/1.1\r\nHost: {0}\r\nUser-Agent: {1}\r\n\r\n",
        target.authority,
        crate::transport::user_agent(None)
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|e| e.to_string())?;
    let head = read_head(&mut stream).map_err(|e| e.to_string())?;
    let status = status_of(&head).ok_or("the proxy's answer is not HTTP")?;
    if status / 100 != 2 {
        return Err(format!("it answered HTTP {status}"));
    }
    Ok(stream)
}

enum Conn {
    Plain(TcpStream),
    Tls(Box<rustls::StreamOwned<rustls::ClientConnection, TcpStream>>),
}

impl Conn {
    fn io(&mut self) -> &mut dyn ReadWrite {
        match self {
            Conn::Plain(s) => s,
            Conn::Tls(s) => s.as_mut(),
        }
    }
}

trait ReadWrite: Read + Write {}
impl<T: Read + Write> ReadWrite for T {}

/// Reads the server's `Date` by asking for the session that cannot exist without a
/// terminal id (any answer carries the date; nothing secret is sent), and compares it
/// with this machine's clock at the middle of the exchange.
fn clock(
    report: &mut Report,
    target: &Target,
    mut conn: Conn,
    absolute_form: bool,
    verified: bool,
) -> Option<i64> {
    let path = format!(
        "{}/terminal/payment-session/{PROBE_CHALLENGE_ID}",
        target.path
    );
    let request_target = if absolute_form {
        format!("http://{}{path}", target.authority)
    } else {
        path
    };
    let request = format!(
        "GET {request_target} HTTP/1.1\r\nHost: {}\r\nUser-Agent: {}\r\nAccept: application/json\r\nConnection: close\r\n\r\n",
        target.authority,
        crate::transport::user_agent(None)
    );
    let sent = SystemTime::now();
    let head = conn
        .io()
        .write_all(request.as_bytes())
        .and_then(|()| read_head(conn.io()));
    let received = SystemTime::now();
    let head = match head {
        Ok(head) => head,
        Err(e) => {
            report.add(
                "clock",
                Verdict::Warn,
                format!("could not read the server's time: {e}"),
                Some("make sure this machine's clock is set automatically (NTP)"),
            );
            return None;
        }
    };
    let Some(date) = header(&head, "date") else {
        report.add(
            "clock",
            Verdict::Warn,
            "the server's answer has no Date header to compare with".to_string(),
            Some("make sure this machine's clock is set automatically (NTP)"),
        );
        return None;
    };
    let Some(server) = parse_http_date(&date) else {
        report.add(
            "clock",
            Verdict::Warn,
            format!("the server's Date header cannot be read: {date}"),
            Some("make sure this machine's clock is set automatically (NTP)"),
        );
        return None;
    };
    let unix = |t: SystemTime| match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs_f64(),
        Err(e) => -e.duration().as_secs_f64(),
    };
    let local = (unix(sent) + unix(received)) / 2.0;
    let skew = (local - server as f64).round() as i64;
    let ahead = if skew >= 0 { "ahead of" } else { "behind" };
    // The Date header has whole seconds: a second either way is agreement.
    let agreement = if skew.unsigned_abs() <= 1 {
        "this machine's clock agrees with the server's (within 1 s; ".to_string()
    } else {
        format!(
            "this machine's clock is {} {ahead} the server's (",
            describe_seconds(skew.unsigned_abs())
        )
    };
    let summary = format!(
        "{agreement}server Date: {date}){}",
        if verified {
            ""
        } else {
            "; read over the unverified connection, sending nothing secret"
        }
    );
    let (verdict, fix) = match skew.unsigned_abs() {
        s if s <= CLOCK_WARN => (Verdict::Ok, None),
        s if s <= CLOCK_FAIL => (
            Verdict::Warn,
            Some("set the clock automatically (NTP): a drifting clock ends in TLS failures"),
        ),
        _ => (
            Verdict::Fail,
            Some("set this machine's date, time and time zone (automatically, with NTP): certificates are checked against it"),
        ),
    };
    report.add("clock", verdict, summary, fix);
    report.clock = Some(ClockReport {
        server_date: date,
        skew_seconds: skew,
        verified_connection: verified,
    });
    Some(skew)
}

/// After a failed verification, reads the server's time over a connection that does not
/// verify the certificate: only to compare clocks, sending no terminal id.
fn unverified_clock(
    report: &mut Report,
    options: &ClientOptions,
    target: &Target,
    proxy: Option<&ProxyInUse>,
) -> Option<i64> {
    let address = report.tcp.as_ref().and_then(|t| t.address.parse().ok());
    let stream = address
        .and_then(|a: SocketAddr| TcpStream::connect_timeout(&a, options.connect_timeout).ok());
    let Some(stream) = stream else {
        report.add(
            "clock",
            Verdict::Skipped,
            "not tried: could not connect again".to_string(),
            None,
        );
        return None;
    };
    let _ = stream.set_read_timeout(Some(options.connect_timeout));
    let _ = stream.set_write_timeout(Some(options.connect_timeout));
    let stream = match proxy {
        Some(_) => match tunnel(stream, target) {
            Ok(s) => s,
            Err(_) => {
                report.add("clock", Verdict::Skipped, "not tried".to_string(), None);
                return None;
            }
        },
        None => stream,
    };
    let verifier = Arc::new(AnyCertificate(provider()));
    match handshake(stream, target, verifier).result {
        Ok(conn) => clock(report, target, Conn::Tls(Box::new(conn)), false, false),
        Err(e) => {
            report.add(
                "clock",
                Verdict::Skipped,
                format!("not read: no TLS connection at all ({e})"),
                None,
            );
            None
        }
    }
}

/// Reads a session that cannot exist with the client itself (same proxy, trust, retries):
/// 404 means the server knows the terminal id, 401 that it refuses it.
fn check_terminal_id(
    report: &mut Report,
    client: &Client,
    terminal_id: Option<&str>,
    reached: bool,
    clock_skew: Option<i64>,
) {
    let Some(terminal_id) = terminal_id else {
        report.add(
            "terminal_id",
            Verdict::Skipped,
            "no terminal id given".to_string(),
            Some("give the terminal id (AUTHSIGNAL_TERMINAL_ID or --terminal-id-file) to check it"),
        );
        return;
    };
    let redacted = redact_terminal_id(terminal_id);
    if !reached {
        report.add(
            "terminal_id",
            Verdict::Skipped,
            format!("terminal {redacted} not checked: the server could not be reached"),
            None,
        );
        report.terminal_id = Some(TerminalIdReport {
            redacted,
            accepted: None,
            http_status: None,
            error_kind: None,
        });
        return;
    }
    let result = client.get_payment_session(terminal_id, PROBE_CHALLENGE_ID);
    let no_payment = "asked for a session that cannot exist; no payment was started";
    let (verdict, accepted, status, summary, fix): (_, _, _, _, Option<&str>) = match &result {
        Err(e) if e.kind() == ErrorKind::NotFound => (
            Verdict::Ok,
            Some(true),
            e.http_status(),
            format!("terminal {redacted} is accepted by the server (HTTP 404: {no_payment})"),
            None,
        ),
        Ok(_) => (
            Verdict::Ok,
            Some(true),
            Some(200),
            format!("terminal {redacted} is accepted by the server ({no_payment})"),
            None,
        ),
        Err(e) if e.kind() == ErrorKind::Unauthorized => (
            Verdict::Fail,
            Some(false),
            e.http_status(),
            format!("terminal {redacted} is refused by the server (HTTP 401: unknown or not paired; {no_payment})"),
            Some(if clock_skew.is_some_and(|s| s.unsigned_abs() > CLOCK_FAIL) {
                "fix the clock first; then check the terminal id, and that the region matches the one the terminal was paired in"
            } else {
                "check the terminal id (AUTHSIGNAL_TERMINAL_ID or the id file) and that the region matches the one the terminal was paired in; pair the terminal again if needed"
            }),
        ),
        Err(e) if e.kind() == ErrorKind::InvalidArgument => (
            Verdict::Fail,
            None,
            None,
            format!("terminal id {redacted} cannot be sent: {}", e.message()),
            Some("the id must be printable ASCII without spaces: check for stray characters in the id file"),
        ),
        Err(e) => (
            Verdict::Fail,
            None,
            e.http_status(),
            format!("terminal {redacted} could not be checked: {} ({no_payment})", e.message()),
            Some(match e.kind() {
                ErrorKind::Timeout => "the server answers too slowly: check the network, or raise the request timeout",
                ErrorKind::Tls => "see the TLS check above",
                ErrorKind::RateLimited => "too many requests from this terminal: wait a minute and try again",
                _ => "see the checks above; if they pass, contact Authsignal support with this report",
            }),
        ),
    };
    report.add("terminal_id", verdict, summary, fix);
    report.terminal_id = Some(TerminalIdReport {
        redacted,
        accepted,
        http_status: status,
        error_kind: result.err().map(|e| e.kind()),
    });
}

fn describe_seconds(s: u64) -> String {
    match s {
        0..=119 => format!("{s} s"),
        120..=7199 => format!("{} min", s / 60),
        7200..=172_799 => format!("{} hours", s / 3600),
        _ => format!("{} days", s / 86_400),
    }
}

fn store_description(store: &str) -> &'static str {
    match store {
        "mozilla" => "Mozilla's root certificates (built in)",
        "system" => "the operating system's trust store",
        _ => "the CA file",
    }
}

fn elapsed_ms(started: Instant) -> u64 {
    started.elapsed().as_millis().try_into().unwrap_or(u64::MAX)
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The roots the client trusts, store by store, loaded as the transport loads them.
struct TrustStores {
    mozilla: Arc<WebPkiServerVerifier>,
    system: Option<Arc<WebPkiServerVerifier>>,
    ca_file: Option<Arc<WebPkiServerVerifier>>,
    uses_system: bool,
    configured: Arc<WebPkiServerVerifier>,
}

impl TrustStores {
    fn load(options: &ClientOptions) -> Result<TrustStores, String> {
        let mozilla: Vec<CertificateDer<'static>> = webpki_root_certs::TLS_SERVER_ROOT_CERTS
            .iter()
            .map(|c| c.clone().into_owned())
            .collect();
        let system: Option<Vec<CertificateDer<'static>>> = {
            let loaded = rustls_native_certs::load_native_certs();
            (!loaded.certs.is_empty()).then_some(loaded.certs)
        };
        if options.use_system_roots && system.is_none() {
            return Err("the system trust store has no certificates that could be loaded".into());
        }
        let ca_file = match &options.ca_file {
            Some(path) => Some(
                crate::transport::read_ca_file(path)
                    .map_err(|e| e.message().to_string())?
                    .iter()
                    .map(|c| CertificateDer::from(c.der().to_vec()))
                    .collect::<Vec<_>>(),
            ),
            None => None,
        };
        let mut configured = if options.use_system_roots {
            system.clone().unwrap_or_default()
        } else {
            mozilla.clone()
        };
        configured.extend(ca_file.iter().flatten().cloned());
        let verifier = |certs: &[CertificateDer<'static>]| {
            let mut roots = RootCertStore::empty();
            roots.add_parsable_certificates(certs.iter().cloned());
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider())
                .build()
                .map_err(|e| format!("the trusted certificates cannot be used: {e}"))
        };
        Ok(TrustStores {
            mozilla: verifier(&mozilla)?,
            system: system.as_deref().map(verifier).transpose()?,
            ca_file: ca_file.as_deref().map(verifier).transpose()?,
            uses_system: options.use_system_roots,
            configured: verifier(&configured)?,
        })
    }

    fn configured_verifier(&self) -> Arc<dyn ServerCertVerifier> {
        self.configured.clone()
    }

    /// Which of the client's stores verifies the chain: the CA file first (the more
    /// specific), then the system's or Mozilla's.
    fn which_verifies(&self, seen: &Seen, target: &Target) -> Option<&'static str> {
        if self
            .ca_file
            .as_ref()
            .is_some_and(|v| seen.verified_by(v, target))
        {
            return Some("ca_file");
        }
        if self.uses_system {
            self.system_verifies(seen, target).then_some("system")
        } else {
            self.mozilla_verifies(seen, target).then_some("mozilla")
        }
    }

    fn mozilla_verifies(&self, seen: &Seen, target: &Target) -> bool {
        seen.verified_by(&self.mozilla, target)
    }

    fn system_verifies(&self, seen: &Seen, target: &Target) -> bool {
        self.system
            .as_ref()
            .is_some_and(|v| seen.verified_by(v, target))
    }
}

/// What the server presented during a handshake.
#[derive(Clone)]
struct Seen {
    chain: Vec<CertificateDer<'static>>,
    now: UnixTime,
}

impl Seen {
    fn verified_by(&self, verifier: &WebPkiServerVerifier, target: &Target) -> bool {
        let Some((leaf, intermediates)) = self.chain.split_first() else {
            return false;
        };
        let Ok(name) = ServerName::try_from(target.bare_host().to_string()) else {
            return false;
        };
        verifier
            .verify_server_cert(leaf, intermediates, &name, &[], self.now)
            .is_ok()
    }
}

/// Wraps a verifier and keeps the chain the server presented.
#[derive(Debug)]
struct Recording {
    inner: Arc<dyn ServerCertVerifier>,
    seen: Mutex<Option<(Vec<CertificateDer<'static>>, UnixTime)>>,
}

impl ServerCertVerifier for Recording {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let chain = std::iter::once(end_entity)
            .chain(intermediates)
            .map(|c| c.clone().into_owned())
            .collect();
        *self.seen.lock().unwrap_or_else(PoisonError::into_inner) = Some((chain, now));
        self.inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// Accepts any certificate (still checking the handshake's signatures): used only to read
/// the server's `Date` after verification failed, on a connection that carries nothing
/// secret.
#[derive(Debug)]
struct AnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

struct Handshake {
    result: Result<rustls::StreamOwned<rustls::ClientConnection, TcpStream>, rustls::Error>,
    seen: Option<Seen>,
    ms: u64,
}

fn handshake(
    stream: TcpStream,
    target: &Target,
    verifier: Arc<dyn ServerCertVerifier>,
) -> Handshake {
    let recording = Arc::new(Recording {
        inner: verifier,
        seen: Mutex::new(None),
    });
    let started = Instant::now();
    let result = (|| {
        let config = rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()?
            .dangerous()
            .with_custom_certificate_verifier(recording.clone())
            .with_no_client_auth();
        let name = ServerName::try_from(target.bare_host().to_string())
            .map_err(|_| rustls::Error::General("the host is not a valid server name".into()))?;
        let conn = rustls::ClientConnection::new(Arc::new(config), name)?;
        let mut tls = rustls::StreamOwned::new(conn, stream);
        while tls.conn.is_handshaking() {
            tls.conn.complete_io(&mut tls.sock).map_err(|e| {
                match e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
                    Some(tls_error) => tls_error.clone(),
                    None => rustls::Error::General(e.to_string()),
                }
            })?;
        }
        Ok(tls)
    })();
    let seen = recording
        .seen
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
        .map(|(chain, now)| Seen { chain, now });
    Handshake {
        result,
        seen,
        ms: elapsed_ms(started),
    }
}

/// Reads an HTTP answer's head (up to the blank line), at most [`MAX_HEAD_BYTES`].
fn read_head(stream: &mut dyn ReadWrite) -> std::io::Result<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() >= MAX_HEAD_BYTES {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "the answer's head is too large",
            ));
        }
        match stream.read(&mut byte)? {
            0 => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "the connection closed before an answer",
                ))
            }
            _ => head.push(byte[0]),
        }
    }
    Ok(String::from_utf8_lossy(&head).into_owned())
}

fn status_of(head: &str) -> Option<u16> {
    let line = head.lines().next()?;
    let mut parts = line.split_whitespace();
    parts.next().filter(|v| v.starts_with("HTTP/"))?;
    parts.next()?.parse().ok()
}

fn header(head: &str, name: &str) -> Option<String> {
    head.lines().skip(1).find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().to_string())
    })
}

/// Parses an HTTP date in its preferred form, `Sun, 06 Nov 1994 08:49:37 GMT`, into
/// seconds since 1970.
fn parse_http_date(date: &str) -> Option<i64> {
    let mut parts = date.split_whitespace();
    let _weekday = parts.next()?;
    let day: i64 = parts.next()?.parse().ok()?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: i64 = parts.next()?.parse().ok()?;
    let mut hms = parts.next()?.split(':').map(|p| p.parse::<i64>().ok());
    let (h, m, s) = (hms.next()??, hms.next()??, hms.next()??);
    if parts.next()? != "GMT" || !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + h * 3600 + m * 60 + s)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The subject and issuer of a DER certificate, as `CN=…, O=…, C=…`.
fn cert_names(der: &[u8]) -> Option<CertificateNames> {
    let (_, cert, _) = der_read(der)?; // Certificate
    let (_, tbs, _) = der_read(cert)?; // TBSCertificate
    let mut rest = tbs;
    let mut fields = Vec::new();
    while !rest.is_empty() {
        let (tag, content, after) = der_read(rest)?;
        fields.push((tag, content));
        rest = after;
    }
    // [0] version is optional; then serial, signature algorithm, issuer, validity, subject.
    let skip = usize::from(fields.first()?.0 == 0xa0);
    let issuer = fields.get(skip + 2)?.1;
    let subject = fields.get(skip + 4)?.1;
    Some(CertificateNames {
        subject: name_text(subject)?,
        issuer: name_text(issuer)?,
    })
}

/// A DER Name (a sequence of sets of attribute type and value) as text.
fn name_text(mut name: &[u8]) -> Option<String> {
    let mut parts = Vec::new();
    while !name.is_empty() {
        let (_, mut set, after) = der_read(name)?;
        name = after;
        while !set.is_empty() {
            let (_, attribute, after) = der_read(set)?;
            set = after;
            let (_, oid, value) = der_read(attribute)?;
            let (tag, value, _) = der_read(value)?;
            let label = match oid {
                [0x55, 0x04, 0x03] => "CN".to_string(),
                [0x55, 0x04, 0x06] => "C".to_string(),
                [0x55, 0x04, 0x07] => "L".to_string(),
                [0x55, 0x04, 0x08] => "ST".to_string(),
                [0x55, 0x04, 0x0a] => "O".to_string(),
                [0x55, 0x04, 0x0b] => "OU".to_string(),
                _ => continue,
            };
            let text = match tag {
                // BMPString: UTF-16BE.
                0x1e => String::from_utf16_lossy(
                    &value
                        .chunks(2)
                        .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                        .collect::<Vec<_>>(),
                ),
                _ => String::from_utf8_lossy(value).into_owned(),
            };
            let text: String = text.chars().filter(|c| !c.is_control()).collect();
            parts.push(format!("{label}={text}"));
        }
    }
    Some(if parts.is_empty() {
        "(empty)".to_string()
    } else {
        parts.join(", ")
    })
}

/// Reads one DER element: (tag, content, the bytes after it).
fn der_read(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, mut rest) = rest.split_first()?;
    let length = if first < 0x80 {
        usize::from(first)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 || rest.len() < count {
            return None;
        }
        let (bytes, after) = rest.split_at(count);
        rest = after;
        bytes.iter().fold(0usize, |n, &b| (n << 8) | usize::from(b))
    };
    if rest.len() < length {
        return None;
    }
    let (content, after) = rest.split_at(length);
    Some((tag, content, after))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_parse() {
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(
            parse_http_date("Tue, 29 Feb 2028 23:59:59 GMT"),
            Some(1_835_481_599)
        );
        for bad in [
            "",
            "yesterday",
            "Sun, 06 Nov 1994 08:49:37 PST",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn heads_give_status_and_headers() {
        let head = "HTTP/1.1 401 Unauthorized\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n";
        assert_eq!(status_of(head), Some(401));
        assert_eq!(
            header(head, "date").as_deref(),
            Some("Sun, 06 Nov 1994 08:49:37 GMT")
        );
        assert_eq!(header(head, "server"), None);
        assert_eq!(status_of("garbage"), None);
    }

    #[test]
    fn certificate_names_are_read() {
        // Mozilla's roots are self-signed: subject and issuer agree and name a CN or O.
        let mut read = 0;
        for root in webpki_root_certs::TLS_SERVER_ROOT_CERTS {
            let names = cert_names(root.as_ref()).expect("a root certificate parses");
            assert_eq!(names.subject, names.issuer);
            assert!(names.subject.contains("CN=") || names.subject.contains("O="));
            read += 1;
        }
        assert!(read > 50);
        assert!(cert_names(b"\x30\x03\x02\x01").is_none());
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(describe_seconds(3), "3 s");
        assert_eq!(describe_seconds(600), "10 min");
        assert_eq!(describe_seconds(3 * 86_400), "3 days");
    }
}
