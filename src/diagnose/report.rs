//! The diagnosis report: each check's verdict, what the probes found, and the report as
//! JSON (stable field names) and as text for a support screen.

use serde::Serialize;

use crate::error::ErrorKind;

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
    pub(super) fn name(self) -> &'static str {
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

    pub(super) fn add(
        &mut self,
        name: &'static str,
        verdict: Verdict,
        summary: String,
        fix: Option<&str>,
    ) {
        self.checks.push(Check {
            name,
            verdict,
            summary,
            fix: fix.map(str::to_string),
        });
    }
}
