//! The simulator's certificates: a CA made at start, and a server certificate it signs
//! (valid, expired, or for the wrong host, to provoke each TLS failure on purpose).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use rcgen::{
    date_time_ymd, BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, KeyPair,
    KeyUsagePurpose, SanType,
};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

use crate::CertKind;

pub(crate) struct Made {
    pub ca_pem: String,
    pub server_config: Arc<rustls::ServerConfig>,
}

fn err(what: &'static str) -> impl Fn(rcgen::Error) -> String {
    move |e| format!("{what}: {e}")
}

/// A host name the valid certificate also holds, for tests that go through a proxy.
pub const PROXIED_HOST: &str = "terminal-api.test";

pub(crate) fn make(kind: CertKind) -> Result<Made, String> {
    let ca_key = KeyPair::generate().map_err(err("CA key"))?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(err("CA"))?;
    let mut ca_name = DistinguishedName::new();
    ca_name.push(DnType::CommonName, "authsignal-terminal-sim test CA");
    ca_params.distinguished_name = ca_name;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_cert = ca_params.self_signed(&ca_key).map_err(err("CA"))?;

    let server_key = KeyPair::generate().map_err(err("server key"))?;
    let names = match kind {
        CertKind::WrongHost => vec!["wrong-host.invalid".to_string()],
        // `terminal-api.test` is not loopback, so a client sends it through its proxy;
        // only a test's own CONNECT proxy resolves it (to loopback).
        _ => vec!["localhost".to_string(), PROXIED_HOST.to_string()],
    };
    let mut params = CertificateParams::new(names).map_err(err("server certificate"))?;
    if kind != CertKind::WrongHost {
        params
            .subject_alt_names
            .push(SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)));
        params
            .subject_alt_names
            .push(SanType::IpAddress(IpAddr::V6(Ipv6Addr::LOCALHOST)));
    }
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, "authsignal-terminal-sim");
    params.distinguished_name = name;
    if kind == CertKind::Expired {
        params.not_before = date_time_ymd(2000, 1, 1);
        params.not_after = date_time_ymd(2001, 1, 1);
    }
    let server_cert = params
        .signed_by(&server_key, &ca_cert, &ca_key)
        .map_err(err("server certificate"))?;

    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS versions: {e}"))?
        .with_no_client_auth()
        .with_single_cert(vec![server_cert.der().clone()], key)
        .map_err(|e| format!("server TLS config: {e}"))?;
    Ok(Made {
        ca_pem: ca_cert.pem(),
        server_config: Arc::new(config),
    })
}
