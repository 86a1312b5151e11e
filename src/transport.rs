//! HTTPS to the Terminal API: one kept-alive ureq agent per client, built from the
//! client's options, that sends one request and reads one bounded answer. Policy (what to
//! retry, what an answer means) lives in `client.rs`; this file only moves bytes.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ureq::tls::{Certificate, RootCerts, TlsConfig};

use crate::error::Error;
use crate::log::log_line;
use crate::options::ClientOptions;
use crate::validate::redact_terminal_id;

/// Answers larger than this are refused.
pub(crate) const MAX_BODY_BYTES: u64 = 64 * 1024;
/// Idle kept-alive connections older than this are dropped, so DNS changes are seen.
const MAX_IDLE_AGE: Duration = Duration::from_secs(15);
/// The header that carries the terminal id.
const TERMINAL_HEADER: &str = "x-authsignal-terminal";

/// One HTTP answer: its status, its body (at most 64 KiB) and its `Retry-After`.
pub(crate) struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
    pub retry_after: Option<Duration>,
}

pub(crate) struct Transport {
    agent: ureq::Agent,
    base_url: String,
}

impl Transport {
    pub fn new(options: &ClientOptions) -> Result<Transport, Error> {
        let mut config = ureq::Agent::config_builder()
            // Error statuses carry Authsignal's error body: read it rather than lose it.
            .http_status_as_error(false)
            // The base URL rule (https, or http on loopback) is checked by ClientOptions.
            .https_only(false)
            // A redirect could carry the terminal id to another host: never follow one.
            .max_redirects(0)
            .max_redirects_will_error(false)
            .user_agent(user_agent(options.user_agent_suffix.as_deref()))
            .accept("application/json")
            .timeout_resolve(Some(options.connect_timeout))
            .timeout_connect(Some(options.connect_timeout))
            .timeout_global(Some(options.request_timeout))
            .max_idle_age(MAX_IDLE_AGE)
            .tls_config(tls_config(options)?);
        if let Some(proxy) = &options.proxy {
            let proxy = ureq::Proxy::new(proxy)
                .map_err(|_| Error::invalid_argument("proxy URL is not valid"))?;
            config = config.proxy(Some(proxy));
        }
        Ok(Transport {
            agent: config.build().new_agent(),
            base_url: options.base_url.clone(),
        })
    }

    /// `POST {base}{path}` with a JSON body.
    pub fn post_json(
        &self,
        path: &str,
        terminal_id: &str,
        json: &str,
    ) -> Result<Answer, ureq::Error> {
        logged("POST", path, terminal_id, || {
            let response = self
                .agent
                .post(&self.url(path))
                .header(TERMINAL_HEADER, terminal_id)
                .header("X-Authsignal-Version", crate::VERSION)
                .content_type("application/json")
                .send(json)?;
            read_answer(response)
        })
    }

    /// `GET {base}{path}`.
    pub fn get(&self, path: &str, terminal_id: &str) -> Result<Answer, ureq::Error> {
        logged("GET", path, terminal_id, || {
            let response = self
                .agent
                .get(&self.url(path))
                .header(TERMINAL_HEADER, terminal_id)
                .header("X-Authsignal-Version", crate::VERSION)
                .call()?;
            read_answer(response)
        })
    }

    fn url(&self, path: &str) -> String {
        let mut url = String::with_capacity(self.base_url.len() + path.len());
        url.push_str(&self.base_url);
        url.push_str(path);
        url
    }
}

/// Runs one exchange and logs its outcome and duration (never the body or the id in clear).
fn logged(
    method: &str,
    path: &str,
    terminal_id: &str,
    exchange: impl FnOnce() -> Result<Answer, ureq::Error>,
) -> Result<Answer, ureq::Error> {
    log_line!(
        Debug,
        "{method} {path} (terminal {}): sending",
        redact_terminal_id(terminal_id)
    );
    let started = Instant::now();
    let result = exchange();
    let ms = started.elapsed().as_millis();
    match &result {
        Ok(answer) => log_line!(
            Info,
            "{method} {path} (terminal {}): HTTP {} in {ms} ms",
            redact_terminal_id(terminal_id),
            answer.status
        ),
        Err(e) => log_line!(
            Warn,
            "{method} {path} (terminal {}): no answer after {ms} ms: {e}",
            redact_terminal_id(terminal_id)
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
    let body = response
        .body_mut()
        .with_config()
        .limit(MAX_BODY_BYTES)
        .read_to_vec()?;
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
/// certificates of the CA file when one is set.
fn tls_config(options: &ClientOptions) -> Result<TlsConfig, Error> {
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
    Ok(TlsConfig::builder().root_certs(roots).build())
}

fn read_ca_file(path: &std::path::Path) -> Result<Vec<Certificate<'static>>, Error> {
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
