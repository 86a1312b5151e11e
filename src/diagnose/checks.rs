//! The checks that need no TLS: the configuration in effect, the proxy (as the transport
//! chooses it), the name lookup and the TCP connection (as the transport made them for
//! the probe), and the terminal id (read with the client itself).

use std::net::SocketAddr;
use std::time::Duration;

use crate::client::Client;
use crate::error::ErrorKind;
use crate::options::{is_loopback_host, ClientOptions, Region};
use crate::terminal_id::redact_terminal_id;
use crate::transport::{proxy_choice, Probe, ProxyUnused};

use super::report::{
    ConfigReport, DnsReport, Report, Setting, SettingReport, TcpReport, TerminalIdReport, Verdict,
};
use super::{Target, CLOCK_FAIL, PROBE_CHALLENGE_ID};

/// The proxy set for the client, and whether the transport uses it (its own rule:
/// [`proxy_choice`]).
pub(super) struct ProxyInUse {
    pub(super) shown: String,
    pub(super) source: String,
    /// Why the transport does not use it; None when it does.
    pub(super) unused: Option<ProxyUnused>,
}

impl ProxyInUse {
    /// True when requests do not go through it.
    pub(super) fn bypassed(&self) -> bool {
        self.unused.is_some()
    }
}

pub(super) fn effective_proxy(options: &ClientOptions) -> Option<ProxyInUse> {
    let choice = proxy_choice(options).ok().flatten()?;
    let proxy = choice.proxy;
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
        shown,
        source: choice.source.to_string(),
        unused: choice.unused,
    })
}

pub(super) fn proxy_scheme(protocol: ureq::ProxyProtocol) -> &'static str {
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

pub(super) fn config_report(options: &ClientOptions, sources: &[(Setting, &str)]) -> ConfigReport {
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
            value: effective_proxy(options).map_or_else(String::new, |p| p.shown),
            source: source(Setting::Proxy, false),
        });
    }
    ConfigReport {
        base_url: options.base_url().to_string(),
        region,
        settings,
    }
}

pub(super) fn check_config(report: &mut Report, options: &ClientOptions, target: &Option<Target>) {
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

pub(super) fn check_proxy(report: &mut Report, proxy: Option<&ProxyInUse>) {
    match proxy {
        None => report.add(
            "proxy",
            Verdict::Ok,
            "none: connecting directly (no proxy option; HTTPS_PROXY, ALL_PROXY, HTTP_PROXY unset)"
                .to_string(),
            None,
        ),
        Some(p) => {
            let (verdict, what, fix) = match p.unused {
                None => (Verdict::Ok, "; the checks below go through it", None),
                Some(ProxyUnused::NoProxy) => (
                    Verdict::Ok,
                    " is not used for this host: NO_PROXY exempts it; connecting directly",
                    None,
                ),
                Some(ProxyUnused::DirectBaseUrl) => (
                    Verdict::Ok,
                    " is not used for this host: a loopback or plain-http base URL is never proxied (the terminal id would cross the proxy in clear); connecting directly",
                    None,
                ),
                Some(ProxyUnused::Socks) => (
                    Verdict::Warn,
                    " is refused: only HTTP CONNECT proxies are supported; connecting directly",
                    Some("where only a proxy reaches the internet, name an HTTP CONNECT proxy (HTTPS_PROXY=http://host:port)"),
                ),
            };
            let summary = format!("{} (from {}){what}", p.shown, p.source);
            report.add("proxy", verdict, summary, fix);
        }
    }
}

/// DNS and TCP, as the probe's connection went (the transport's own: its resolver, its
/// proxy rule, its TCP connector): the lookup of the host the client connects to (the
/// proxy's, with a proxy) and the connects tried. True when a connection was made.
pub(super) fn reach(
    report: &mut Report,
    options: &ClientOptions,
    probe: &Probe,
    proxy: Option<&ProxyInUse>,
) -> bool {
    let Some(lookup) = probe.steps.lookups.first() else {
        let why = match &probe.answer {
            Err(e) => e.to_string(),
            Ok(_) => "no lookup was made".to_string(),
        };
        report.add(
            "dns",
            Verdict::Fail,
            format!("the server's address could not be found: {why}"),
            Some("check the base URL"),
        );
        tcp_not_tried(report);
        return false;
    };
    let host = lookup.host.clone();
    let ms = lookup.ms;
    let addresses: Vec<SocketAddr> = match &lookup.addresses {
        Ok(addresses) => addresses.clone(),
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
            tcp_not_tried(report);
            return false;
        }
    };
    let shown: Vec<String> = addresses.iter().map(|a| a.ip().to_string()).collect();
    report.add(
        "dns",
        if addresses.is_empty() {
            Verdict::Fail
        } else {
            Verdict::Ok
        },
        if lookup.literal {
            format!("{host} is an address: nothing to look up")
        } else {
            format!("{host} has {} in {ms} ms", shown.join(", "))
        },
        addresses
            .is_empty()
            .then_some("the name has no address: check the base URL or proxy"),
    );
    report.dns = Some(DnsReport {
        host,
        addresses: shown,
        ms,
    });

    let connects = &probe.steps.connects;
    if let Some(connected) = connects.iter().find(|c| c.error.is_none()) {
        let ms = connected.ms;
        let slow = Duration::from_millis(ms) * 2 > options.connect_timeout;
        report.add(
            "tcp",
            if slow { Verdict::Warn } else { Verdict::Ok },
            format!("connected to {} in {ms} ms", connected.address),
            slow.then_some(
                "the connection took over half the connect timeout: a slow or overloaded network; consider a longer connect timeout",
            ),
        );
        report.tcp = Some(TcpReport {
            address: connected.address.to_string(),
            ms,
        });
        return true;
    }
    let mut failures: Vec<String> = connects
        .iter()
        .map(|c| format!("{}: {}", c.address, c.error.as_deref().unwrap_or("?")))
        .collect();
    if failures.is_empty() {
        if let Err(e) = &probe.answer {
            failures.push(e.to_string());
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
    false
}

/// The TCP check when no address was found.
fn tcp_not_tried(report: &mut Report) {
    report.add(
        "tcp",
        Verdict::Skipped,
        "not tried: no address to connect to".to_string(),
        None,
    );
}

/// Reads a session that cannot exist with the client itself (same proxy, trust, retries):
/// 404 means the server knows the terminal id, 401 that it refuses it.
pub(super) fn check_terminal_id(
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
