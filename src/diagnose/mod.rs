//! The diagnosis a help desk needs when payments fail: is it the configuration, the
//! proxy, DNS, the network, TLS interception, the clock, or a terminal id the server does
//! not accept? [`diagnose`] runs the checks in that order with the client's own settings
//! and reports each with a verdict and a one-line fix. `authsignal-terminal doctor` prints
//! it; `as_client_diagnose` hands it to C (and so to C# and Python) as JSON and text.
//!
//! It never creates a payment: the terminal id is checked by reading a session that cannot
//! exist (404 means the id is accepted, 401 that it is refused). The id appears only
//! redacted.
//!
//! Every network check reads one probe: a connection the client's own transport makes
//! (`Transport::probe`: its proxy rule, resolver, TCP connector, CONNECT tunnel and TLS
//! configuration, each step recorded), with a `GET` that sends no terminal id. So the
//! diagnosis tests the path payments take, not a copy of it.
//!
//! The parts: `report.rs` (the report's types, its JSON and text), `checks.rs` (the
//! configuration, proxy, DNS, TCP and terminal id checks), `tls.rs` (the handshake, the
//! trust stores and the certificate names) and `clock.rs` (the server's `Date` from the
//! probe's answer). This file runs them in order.

mod checks;
mod clock;
mod report;
mod tls;

pub use report::{
    CertificateNames, Check, ClockReport, ConfigReport, DnsReport, ProxyReport, Report, Setting,
    SettingReport, TcpReport, TerminalIdReport, TlsReport, Verdict,
};

use crate::client::Client;

use checks::{check_config, check_proxy, check_terminal_id, config_report, effective_proxy, reach};
use tls::tls_and_clock;

/// The challenge id the terminal id check reads: valid, and never one the server made.
const PROBE_CHALLENGE_ID: &str = "authsignal-terminal-doctor-no-such-session";
/// A clock this far from the server's is worth a warning; further than
/// [`CLOCK_FAIL`], certificates and expiry times go wrong.
const CLOCK_WARN: u64 = 60;
const CLOCK_FAIL: u64 = 3600;

/// Runs every check with `client`'s settings and returns the report; it fails only in
/// the report, never as an error. `terminal_id`, when given, is checked without creating
/// a payment. `sources` names where settings came from (an option, an environment
/// variable); settings not named are `default` when they have the default value and `set
/// by the program` otherwise.
///
/// The connect and each read and write of the handshake are bounded by the client's connect
/// timeout; the clock check and the terminal id check, which go through the client's own
/// transport, by its request timeout; the name lookup by the system resolver's own limits
/// (it runs on the caller's thread, like everything here, so that no thread outlives the
/// call).
pub fn diagnose(client: &Client, terminal_id: Option<&str>, sources: &[(Setting, &str)]) -> Report {
    let options = client.options();
    let target = Target::parse(options.base_url());
    let proxy = effective_proxy(options);
    let mut report = Report {
        version: crate::VERSION,
        passed: true,
        no_payment_started: true,
        checks: Vec::new(),
        config: config_report(options, sources),
        proxy: ProxyReport {
            url: proxy.as_ref().map(|p| p.shown.clone()),
            source: proxy.as_ref().map(|p| p.source.clone()),
            bypassed: proxy.as_ref().is_some_and(|p| p.bypassed()),
        },
        dns: None,
        tcp: None,
        tls: None,
        clock: None,
        terminal_id: None,
    };
    check_config(&mut report, options, &target);
    check_proxy(&mut report, proxy.as_ref());
    let proxy = proxy.filter(|p| !p.bypassed());
    let mut reached = false;
    let mut clock_skew = None;
    if let Some(target) = &target {
        // One connection made by the client's own transport, each step recorded.
        let probe = client.transport().probe(&probe_path());
        reached = reach(&mut report, options, &probe, proxy.as_ref());
        if reached {
            clock_skew = tls_and_clock(&mut report, client, target, proxy.is_some(), &probe);
        }
    }
    if !reached {
        let why = "not tried: the server could not be reached (see above)".to_string();
        report.add("tls", Verdict::Skipped, why.clone(), None);
        report.add("clock", Verdict::Skipped, why, None);
    }
    check_terminal_id(&mut report, client, terminal_id, reached, clock_skew);
    report.passed = report.first_failure().is_none();
    report
}

/// The path the probe asks for: the session that cannot exist (any answer carries the
/// server's `Date`; no terminal id is sent with it).
fn probe_path() -> String {
    format!("/terminal/payment-session/{PROBE_CHALLENGE_ID}")
}

/// The parts of the base URL the checks need.
struct Target {
    https: bool,
    host: String,
    /// `host:port` as it goes into `CONNECT`.
    authority: String,
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
        })
    }

    /// The host without IPv6 brackets, as lookups and server names want it.
    fn bare_host(&self) -> &str {
        self.host.trim_start_matches('[').trim_end_matches(']')
    }
}
