//! TLS for the transport: the roots a client trusts (Mozilla's built in, or the operating
//! system's, plus a CA file), the one rustls configuration made from them per client, and
//! the connector that secures each new connection with it.
//!
//! The connector reports its handshake (the chain the server presented, the protocol and
//! cipher suite, the time, the error) to the request in flight when that request records
//! its steps (`wire::Watch::recording`): that is how the diagnosis sees the handshake a
//! payment would make, with the same roots, versions and server name.

use std::fmt;
use std::io::{Read, Write};
use std::sync::Arc;
use std::time::Instant;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, ClientConnection, DigitallySignedStruct, RootCertStore};
use rustls::{SignatureScheme, StreamOwned};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, Transport,
    TransportAdapter,
};

use crate::error::Error;
use crate::options::ClientOptions;
use crate::wire::{TlsStep, Watch};

/// The crypto provider of every TLS configuration here.
pub(crate) fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The certificates a client trusts: Mozilla's (built in) or the operating system's, plus
/// the CA file's when one is set.
pub(crate) fn trusted_roots(
    options: &ClientOptions,
) -> Result<Vec<CertificateDer<'static>>, Error> {
    let mut roots = if options.use_system_roots {
        system_roots().ok_or_else(|| {
            Error::invalid_argument(
                "the system trust store has no certificates that could be loaded",
            )
        })?
    } else {
        mozilla_roots()
    };
    if let Some(path) = &options.ca_file {
        roots.extend(read_ca_file(path)?);
    }
    Ok(roots)
}

/// Mozilla's root certificates, as built into the library.
pub(crate) fn mozilla_roots() -> Vec<CertificateDer<'static>> {
    webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .map(|c| c.clone().into_owned())
        .collect()
}

/// The operating system's root certificates, or None when none could be loaded.
pub(crate) fn system_roots() -> Option<Vec<CertificateDer<'static>>> {
    let loaded = rustls_native_certs::load_native_certs();
    (!loaded.certs.is_empty()).then_some(loaded.certs)
}

/// The certificates of a PEM CA file.
pub(crate) fn read_ca_file(path: &std::path::Path) -> Result<Vec<CertificateDer<'static>>, Error> {
    let pem = std::fs::read(path).map_err(|e| {
        Error::invalid_argument(format!("CA file {} could not be read: {e}", path.display()))
    })?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        match item {
            Ok(ureq::tls::PemItem::Certificate(cert)) => {
                certs.push(CertificateDer::from(cert.der().to_vec()))
            }
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

/// A verifier of server chains against `roots` (rustls's WebPKI verifier).
pub(crate) fn verifier(
    roots: &[CertificateDer<'static>],
) -> Result<Arc<WebPkiServerVerifier>, Error> {
    let mut store = RootCertStore::empty();
    store.add_parsable_certificates(roots.iter().cloned());
    WebPkiServerVerifier::builder_with_provider(Arc::new(store), provider())
        .build()
        .map_err(|e| {
            Error::invalid_argument(format!("the trusted certificates cannot be used: {e}"))
        })
}

/// Secures connections to `https://` URLs with one rustls configuration, made once.
pub(crate) struct TlsConnector {
    config: Arc<ClientConfig>,
}

impl TlsConnector {
    /// The client's configuration: its roots, or for `verify` false (only the diagnosis's
    /// clock after a failed verification) no certificate check at all.
    pub(crate) fn new(options: &ClientOptions, verify: bool) -> Result<TlsConnector, Error> {
        let recording = if verify {
            Recording {
                inner: verifier(&trusted_roots(options)?)?,
                check_chain: true,
            }
        } else {
            // The handshake's signatures are still checked (with any roots: they only
            // name the algorithms); the chain is not.
            Recording {
                inner: verifier(&mozilla_roots())?,
                check_chain: false,
            }
        };
        let config = ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::invalid_argument(format!("TLS cannot be set up: {e}")))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(recording))
            .with_no_client_auth();
        Ok(TlsConnector {
            config: Arc::new(config),
        })
    }
}

impl fmt::Debug for TlsConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsConnector").finish_non_exhaustive()
    }
}

impl<In: Transport> Connector<In> for TlsConnector {
    type Out = Either<In, TlsTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        let Some(transport) = chained else {
            return Ok(None);
        };
        if !details.needs_tls() || transport.is_tls() {
            return Ok(Some(Either::A(transport)));
        }
        let host = details
            .uri
            .host()
            .ok_or(ureq::Error::Tls("the URL has no host"))?;
        let host = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        let name = ServerName::try_from(host.to_string())
            .map_err(|_| ureq::Error::Tls("the host is not a valid TLS server name"))?;
        // A new handshake (a TLS proxy's comes before the server's) starts a new step.
        Watch::record(|steps| steps.tls = None);
        let started = Instant::now();
        let mut conn = ClientConnection::new(Arc::clone(&self.config), name)?;
        let mut sock = TransportAdapter::new(transport.boxed(), Arc::clone(&details.current_time));
        sock.set_timeout(details.timeout);
        let result = conn.complete_io(&mut sock);
        Watch::record(|steps| {
            let step = steps.tls.get_or_insert_with(TlsStep::default);
            step.host = host.to_string();
            step.ms = crate::wire::elapsed_ms(started);
            step.protocol = conn.protocol_version();
            step.cipher_suite = conn.negotiated_cipher_suite().map(|s| s.suite());
            step.error = result.as_ref().err().map(|e| {
                match e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
                    Some(tls) => tls.clone(),
                    None => rustls::Error::General(e.to_string()),
                }
            });
        });
        result?;
        let buffers = LazyBuffers::new(
            details.config.input_buffer_size(),
            details.config.output_buffer_size(),
        );
        Ok(Some(Either::B(TlsTransport {
            buffers,
            stream: StreamOwned { conn, sock },
        })))
    }
}

/// A connection secured by [`TlsConnector`].
pub(crate) struct TlsTransport {
    buffers: LazyBuffers,
    stream: StreamOwned<ClientConnection, TransportAdapter>,
}

impl fmt::Debug for TlsTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsTransport").finish_non_exhaustive()
    }
}

impl Transport for TlsTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let output = &self.buffers.output()[..amount];
        self.stream.write_all(output)?;
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let input = self.buffers.input_append_buf();
        let amount = self.stream.read(input)?;
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        self.stream.get_mut().get_mut().is_open()
    }

    fn is_tls(&self) -> bool {
        true
    }
}

/// The client's verifier, which also shows the chain the server presented to the request
/// in flight when it records its steps. With `check_chain` false (only the diagnosis's
/// clock after a failed verification, which sends nothing secret) any chain is accepted.
#[derive(Debug)]
struct Recording {
    inner: Arc<WebPkiServerVerifier>,
    check_chain: bool,
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
        Watch::record(|steps| {
            let step = steps.tls.get_or_insert_with(TlsStep::default);
            step.chain = std::iter::once(end_entity)
                .chain(intermediates)
                .map(|c| c.clone().into_owned())
                .collect();
            step.now = Some(now);
        });
        if !self.check_chain {
            return Ok(ServerCertVerified::assertion());
        }
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
