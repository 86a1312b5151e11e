//! The TLS check: the handshake the transport made for the probe (with the client's own
//! roots, versions and server name; the chain the server sent is recorded by the
//! transport's verifier), which of the trust stores verifies that chain, the
//! certificates' names, and, when verification fails, the server's time read through a
//! transport like the client's that verifies nothing (and is sent nothing secret).

use std::sync::Arc;

use rustls::client::danger::ServerCertVerifier;
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::{ServerName, UnixTime};

use crate::client::Client;
use crate::options::{is_loopback_host, ClientOptions};
use crate::transport::{Probe, Transport};
use crate::wire::TlsStep;

use super::clock::clock;
use super::report::{CertificateNames, Report, TlsReport, Verdict};
use super::{probe_path, Target};

/// The TLS handshake (for https) and the clock, from the probe; returns the clock skew
/// when it was read.
pub(super) fn tls_and_clock(
    report: &mut Report,
    client: &Client,
    target: &Target,
    proxied: bool,
    probe: &Probe,
) -> Option<i64> {
    let options = client.options();
    if !target.https {
        report.add(
            "tls",
            Verdict::Skipped,
            "plain HTTP (loopback only): no TLS".to_string(),
            None,
        );
        return clock(report, &probe.answer, true);
    }
    if let Err(ureq::Error::ConnectProxyFailed(why)) = &probe.answer {
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
    let step = probe
        .steps
        .tls
        .as_ref()
        .filter(|step| step.host == target.bare_host());
    let Some(step) = step else {
        let why = match (&probe.answer, &probe.steps.tls) {
            (_, Some(proxy)) if proxy.error.is_some() => format!(
                "the TLS handshake with the proxy ({}) failed: {}",
                proxy.host,
                proxy
                    .error
                    .as_ref()
                    .map_or_else(String::new, ToString::to_string)
            ),
            (Err(e), _) if proxied => format!("no TLS handshake through the proxy: {e}"),
            (Err(e), _) => format!("no TLS handshake: {e}"),
            (Ok(_), _) => "no TLS handshake was made".to_string(),
        };
        report.add(
            "tls",
            Verdict::Fail,
            why,
            Some("the TLS handshake failed: a proxy or firewall may interfere with HTTPS; check the proxy settings"),
        );
        report.add("clock", Verdict::Skipped, "not tried".to_string(), None);
        return None;
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
    let names: Vec<CertificateNames> = step.chain.iter().filter_map(|c| cert_names(c)).collect();
    let verified_by = stores.which_verifies(step, target);
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
        ms: step.ms,
    };
    match &step.error {
        None => {
            tls.protocol = step.protocol.map(|v| match v {
                rustls::ProtocolVersion::TLSv1_3 => "TLS 1.3".to_string(),
                rustls::ProtocolVersion::TLSv1_2 => "TLS 1.2".to_string(),
                other => format!("{other:?}"),
            });
            tls.cipher_suite = step.cipher_suite.map(|s| format!("{s:?}"));
            let store = verified_by.map_or("?", store_description);
            let loopback = is_loopback_host(&target.host);
            let mozilla_also = stores.mozilla_verifies(step, target);
            let summary = format!(
                "{} ({}) in {} ms; {chain_text}; verified by {store}",
                tls.protocol.as_deref().unwrap_or("?"),
                tls.cipher_suite.as_deref().unwrap_or("?"),
                step.ms,
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
            clock(report, &probe.answer, true)
        }
        Some(e) => {
            let system_would = !stores.uses_system && stores.system_verifies(step, target);
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
            unverified_clock(report, options)
        }
    }
}

/// After a failed verification, reads the server's time through a transport like the
/// client's that verifies no certificate: only to compare clocks, sending no terminal id.
fn unverified_clock(report: &mut Report, options: &ClientOptions) -> Option<i64> {
    match Transport::unverified(options) {
        Ok(transport) => clock(report, &transport.probe(&probe_path()).answer, false),
        Err(e) => {
            report.add(
                "clock",
                Verdict::Skipped,
                format!("not tried: {}", e.message()),
                None,
            );
            None
        }
    }
}

fn store_description(store: &str) -> &'static str {
    match store {
        "mozilla" => "Mozilla's root certificates (built in)",
        "system" => "the operating system's trust store",
        _ => "the CA file",
    }
}

/// The roots the client may trust, store by store, loaded as the transport loads them
/// (`crate::tls`): to say which store verifies the chain the server presented.
struct TrustStores {
    mozilla: Arc<WebPkiServerVerifier>,
    system: Option<Arc<WebPkiServerVerifier>>,
    ca_file: Option<Arc<WebPkiServerVerifier>>,
    uses_system: bool,
}

impl TrustStores {
    fn load(options: &ClientOptions) -> Result<TrustStores, String> {
        let message = |e: crate::error::Error| e.message().to_string();
        let system = crate::tls::system_roots();
        if options.use_system_roots && system.is_none() {
            return Err("the system trust store has no certificates that could be loaded".into());
        }
        let ca_file = match &options.ca_file {
            Some(path) => Some(crate::tls::read_ca_file(path).map_err(message)?),
            None => None,
        };
        Ok(TrustStores {
            mozilla: crate::tls::verifier(&crate::tls::mozilla_roots()).map_err(message)?,
            system: system
                .as_deref()
                .map(crate::tls::verifier)
                .transpose()
                .map_err(message)?,
            ca_file: ca_file
                .as_deref()
                .map(crate::tls::verifier)
                .transpose()
                .map_err(message)?,
            uses_system: options.use_system_roots,
        })
    }

    /// Which of the client's stores verifies the chain: the CA file first (the more
    /// specific), then the system's or Mozilla's.
    fn which_verifies(&self, seen: &TlsStep, target: &Target) -> Option<&'static str> {
        if self
            .ca_file
            .as_ref()
            .is_some_and(|v| verified_by(seen, v, target))
        {
            return Some("ca_file");
        }
        if self.uses_system {
            self.system_verifies(seen, target).then_some("system")
        } else {
            self.mozilla_verifies(seen, target).then_some("mozilla")
        }
    }

    fn mozilla_verifies(&self, seen: &TlsStep, target: &Target) -> bool {
        verified_by(seen, &self.mozilla, target)
    }

    fn system_verifies(&self, seen: &TlsStep, target: &Target) -> bool {
        self.system
            .as_ref()
            .is_some_and(|v| verified_by(seen, v, target))
    }
}

/// True when `verifier` accepts the chain the server presented, at the time it was
/// checked.
fn verified_by(seen: &TlsStep, verifier: &WebPkiServerVerifier, target: &Target) -> bool {
    let Some((leaf, intermediates)) = seen.chain.split_first() else {
        return false;
    };
    let Ok(name) = ServerName::try_from(target.bare_host().to_string()) else {
        return false;
    };
    verifier
        .verify_server_cert(
            leaf,
            intermediates,
            &name,
            &[],
            seen.now.unwrap_or_else(UnixTime::now),
        )
        .is_ok()
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
}
