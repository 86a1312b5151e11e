//! The TLS check: the handshake with the client's trust stores (recording the chain the
//! server sent), which store verifies it, the certificates' names, and, when verification
//! fails, the server's time read through a transport like the client's that verifies
//! nothing (and is sent nothing secret).

use std::net::TcpStream;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};

use crate::client::Client;
use crate::options::{is_loopback_host, ClientOptions};
use crate::transport::Transport;

use super::checks::{proxy_scheme, ProxyInUse};
use super::clock::{clock, tunnel};
use super::report::{CertificateNames, Report, TlsReport, Verdict};
use super::{elapsed_ms, Target};

/// The TLS handshake (for https) and the clock; returns the clock skew when it was read.
pub(super) fn tls_and_clock(
    report: &mut Report,
    client: &Client,
    target: &Target,
    proxy: Option<&ProxyInUse>,
    stream: TcpStream,
) -> Option<i64> {
    let options = client.options();
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
        return clock(report, client.transport(), true);
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
            drop(conn);
            clock(report, client.transport(), true)
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
            unverified_clock(report, options)
        }
    }
}

/// After a failed verification, reads the server's time through a transport like the
/// client's that verifies no certificate: only to compare clocks, sending no terminal id.
fn unverified_clock(report: &mut Report, options: &ClientOptions) -> Option<i64> {
    match Transport::unverified(options) {
        Ok(transport) => clock(report, &transport, false),
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
