//! The one error type of the library, and the one place that turns what the network and
//! the server said into it.
//!
//! Every [`ErrorKind`] maps 1:1 to an `as_result` value of the C ABI, so C, C#, Python and
//! Rust callers all see the same categories with the same meaning.

use std::fmt;
use std::io;

/// What kind of failure happened. Each variant is one `as_result` value of the C ABI;
/// the discriminants are those values and never change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Caught before any network I/O: a missing or malformed argument or option.
    InvalidArgument = 1,
    /// HTTP 401: the terminal id is unknown or not paired.
    Unauthorized = 2,
    /// HTTP 400, and any other 4xx not listed here.
    InvalidRequest = 3,
    /// HTTP 404: for example an unknown challenge id.
    NotFound = 4,
    /// HTTP 429: too many requests.
    RateLimited = 5,
    /// HTTP 5xx.
    ServerError = 6,
    /// A connect, read or overall deadline passed.
    Timeout = 7,
    /// DNS, connect, reset or proxy failure.
    Network = 8,
    /// TLS handshake or certificate failure.
    Tls = 9,
    /// An answer the library cannot accept: bad JSON, missing fields, too large, a redirect.
    Protocol = 10,
    /// The caller's [`CancelToken`](crate::CancelToken) fired.
    Cancelled = 11,
    /// A wait reached its deadline while the session was still `PENDING`.
    StillPending = 12,
    /// A bug in this library (a caught panic); the message says where.
    Internal = 13,
}

impl ErrorKind {
    /// The stable number of this kind, the same as the C ABI's `as_result` value.
    pub fn code(self) -> u32 {
        self as u32
    }
}

/// A failed call: what kind of failure, a message for logs and people, and what the
/// server said when it answered.
///
/// Messages never contain a terminal id in clear (at most its last 4 characters).
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    http_status: Option<u16>,
    server_code: Option<String>,
    server_description: Option<String>,
    outcome_unknown: bool,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            http_status: None,
            server_code: None,
            server_description: None,
            outcome_unknown: false,
        }
    }

    pub(crate) fn invalid_argument(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidArgument, message)
    }

    pub(crate) fn protocol(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Protocol, message)
    }

    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Internal, message)
    }

    pub(crate) fn with_outcome_unknown(mut self, unknown: bool) -> Self {
        self.outcome_unknown = unknown;
        self
    }

    pub(crate) fn with_http_status(mut self, status: u16) -> Self {
        self.http_status = Some(status);
        self
    }

    /// Shows `terminal_id` only redacted wherever the server's text repeated it (its
    /// error code or description, and so the message): a careless or hostile server must
    /// not put the id into the caller's logs.
    pub(crate) fn redacting(mut self, terminal_id: &str) -> Self {
        if terminal_id.is_empty() {
            return self;
        }
        let redacted = crate::validate::redact_terminal_id(terminal_id);
        let hide = |text: &mut String| {
            if text.contains(terminal_id) {
                *text = text.replace(terminal_id, &redacted);
            }
        };
        hide(&mut self.message);
        for text in [&mut self.server_code, &mut self.server_description]
            .into_iter()
            .flatten()
        {
            hide(text);
        }
        self
    }

    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// A message for logs and people. Never empty, never holds a terminal id in clear.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The HTTP status of the server's answer, when there was one.
    pub fn http_status(&self) -> Option<u16> {
        self.http_status
    }

    /// The server's short error code (`errorCode`, or else `error`), when it sent one.
    pub fn server_code(&self) -> Option<&str> {
        self.server_code.as_deref()
    }

    /// The server's human-readable `errorDescription`, when it sent one.
    pub fn server_description(&self) -> Option<&str> {
        self.server_description.as_deref()
    }

    /// True when a create failed in a way that may still have created a payment session:
    /// the request may have reached the server (a timeout or dropped connection after
    /// sending, a 5xx). The caller must then check the terminal before creating again:
    /// the API has no idempotency key, so the library cannot find out by itself.
    /// False when the failure certainly created nothing (bad input, DNS or connect
    /// failure, TLS failure, a 4xx), and for every call that is not a create.
    pub fn outcome_unknown(&self) -> bool {
        self.outcome_unknown
    }

    /// Builds the error for an HTTP answer outside 2xx, from its status and body.
    ///
    /// `creating` says whether the request was a create: a 5xx to a create may have
    /// created a session.
    pub(crate) fn from_http_status(status: u16, body: &[u8], creating: bool) -> Self {
        let kind = match status {
            401 => ErrorKind::Unauthorized,
            404 => ErrorKind::NotFound,
            429 => ErrorKind::RateLimited,
            500..=599 => ErrorKind::ServerError,
            300..=399 => ErrorKind::Protocol,
            _ => ErrorKind::InvalidRequest,
        };
        let server = ServerError::parse(body);
        let mut message = match kind {
            ErrorKind::Unauthorized => format!(
                "HTTP {status}: the server refused the terminal id, the only credential this \
                 library sends (there is no API key): check that the terminal is paired and \
                 that the region or base URL is the terminal's"
            ),
            ErrorKind::NotFound => {
                format!("HTTP {status}: no such payment session for this terminal")
            }
            ErrorKind::RateLimited => format!("HTTP {status}: too many requests"),
            ErrorKind::ServerError => format!("HTTP {status}: the server failed"),
            ErrorKind::Protocol => {
                format!(
                    "HTTP {status}: the server answered with a redirect, which is never followed"
                )
            }
            _ => format!("HTTP {status}: the server refused the request"),
        };
        if let Some(code) = &server.code {
            message.push_str(&format!(" ({code})"));
        }
        if let Some(description) = &server.description {
            message.push_str(": ");
            message.push_str(description);
        }
        let outcome_unknown = creating && kind == ErrorKind::ServerError;
        if outcome_unknown {
            message.push_str(
                "; the payment session may still have been created: check the terminal before creating again",
            );
        }
        Error {
            kind,
            message,
            http_status: Some(status),
            server_code: server.code,
            server_description: server.description,
            outcome_unknown,
        }
    }

    /// Builds the error for a request that got no usable HTTP answer.
    ///
    /// `creating` says whether the request was a create; then `outcome_unknown` is false
    /// only when the failure provably happened before the request left the machine.
    pub(crate) fn from_transport(err: ureq::Error, creating: bool) -> Self {
        let (kind, what, before_sending) = classify_transport(&err);
        let mut message = what;
        let outcome_unknown = creating && !before_sending;
        if outcome_unknown {
            message.push_str(
                "; the request may have reached the server, so the payment session may have been created: check the terminal before creating again",
            );
        }
        Error::new(kind, message).with_outcome_unknown(outcome_unknown)
    }
}

/// Sorts a transport failure into a kind, a message, and whether it certainly happened
/// before any byte of the request was sent.
fn classify_transport(err: &ureq::Error) -> (ErrorKind, String, bool) {
    use ureq::Error as U;
    use ureq::Timeout as T;
    match err {
        U::HostNotFound => (
            ErrorKind::Network,
            "could not resolve the server's host name".to_string(),
            true,
        ),
        U::ConnectionFailed => (
            ErrorKind::Network,
            "could not connect to the server".to_string(),
            true,
        ),
        U::ConnectProxyFailed(why) => (
            ErrorKind::Network,
            format!("the proxy refused to connect to the server: {why}"),
            true,
        ),
        U::InvalidProxyUrl => (
            ErrorKind::Network,
            "the proxy URL is not valid".to_string(),
            true,
        ),
        U::Timeout(T::Resolve) => (
            ErrorKind::Timeout,
            "timed out resolving the server's host name".to_string(),
            true,
        ),
        U::Timeout(T::Connect) => (
            ErrorKind::Timeout,
            "timed out connecting to the server (connect timeout)".to_string(),
            true,
        ),
        U::Timeout(t) => (
            ErrorKind::Timeout,
            format!("timed out waiting for the server ({t})"),
            false,
        ),
        U::Tls(what) => (ErrorKind::Tls, tls_message(what), true),
        U::Rustls(e) => (ErrorKind::Tls, tls_message(e), true),
        U::Pem(_) => (
            ErrorKind::Tls,
            "a trusted certificate could not be read".to_string(),
            true,
        ),
        U::TlsRequired => (
            ErrorKind::Tls,
            "the connection was not secured with TLS".to_string(),
            true,
        ),
        U::Io(io) => classify_io(io),
        U::BodyExceedsLimit(_) => (
            ErrorKind::Protocol,
            "the server's answer is larger than 64 KiB".to_string(),
            false,
        ),
        U::TooManyRedirects | U::RedirectFailed => (
            ErrorKind::Protocol,
            "the server answered with a redirect, which is never followed".to_string(),
            false,
        ),
        U::LargeResponseHeader(_, _) => (
            ErrorKind::Protocol,
            "the server's answer headers are too large".to_string(),
            false,
        ),
        U::Protocol(e) => (
            ErrorKind::Protocol,
            format!("the server's answer is not valid HTTP/1.1: {e}"),
            false,
        ),
        U::BadUri(_) | U::Http(_) | U::RequireHttpsOnly(_) => (
            ErrorKind::InvalidArgument,
            format!("the request could not be built: {err}"),
            true,
        ),
        other => (
            ErrorKind::Network,
            format!("the request failed: {other}"),
            false,
        ),
    }
}

fn classify_io(io: &io::Error) -> (ErrorKind, String, bool) {
    if let Some(tls) = io.get_ref().and_then(|e| e.downcast_ref::<rustls::Error>()) {
        return (ErrorKind::Tls, tls_message(tls), true);
    }
    match io.kind() {
        io::ErrorKind::ConnectionRefused => (
            ErrorKind::Network,
            "the server refused the connection".to_string(),
            true,
        ),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => (
            ErrorKind::Timeout,
            format!("timed out waiting for the server: {io}"),
            false,
        ),
        io::ErrorKind::UnexpectedEof => (
            ErrorKind::Network,
            "the server closed the connection before answering in full".to_string(),
            false,
        ),
        io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::BrokenPipe => (
            ErrorKind::Network,
            format!("the connection was dropped: {io}"),
            false,
        ),
        _ => (ErrorKind::Network, format!("network failure: {io}"), false),
    }
}

fn tls_message(what: &dyn fmt::Display) -> String {
    format!(
        "TLS failure: {what}. If a corporate proxy inspects TLS, use the system trust store; \
         to trust a private CA, add it as a CA file"
    )
}

/// The optional fields of an Authsignal error body.
struct ServerError {
    code: Option<String>,
    description: Option<String>,
}

impl ServerError {
    /// Reads `errorCode` (or else `error`) and `errorDescription`; any of them may be
    /// missing, and the body may not be JSON at all (proxies answer with HTML).
    fn parse(body: &[u8]) -> Self {
        #[derive(serde::Deserialize)]
        struct Body {
            error: Option<serde_json::Value>,
            #[serde(rename = "errorCode")]
            error_code: Option<serde_json::Value>,
            #[serde(rename = "errorDescription")]
            error_description: Option<serde_json::Value>,
        }
        let parsed: Option<Body> = serde_json::from_slice(body).ok();
        let text = |v: Option<serde_json::Value>, max: usize| match v {
            Some(serde_json::Value::String(s)) => clean_server_text(&s, max),
            _ => None,
        };
        match parsed {
            Some(b) => ServerError {
                code: text(b.error_code, 128).or_else(|| text(b.error, 128)),
                description: text(b.error_description, 1024),
            },
            None => ServerError {
                code: None,
                description: None,
            },
        }
    }
}

/// Keeps server text printable and bounded, so it can go into a log line or a C string.
fn clean_server_text(s: &str, max_chars: usize) -> Option<String> {
    let cleaned: String = s
        .chars()
        .filter(|c| !c.is_control())
        .take(max_chars)
        .collect();
    let trimmed = cleaned.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field("message", &self.message)
            .field("http_status", &self.http_status)
            .field("server_code", &self.server_code)
            .field("outcome_unknown", &self.outcome_unknown)
            .finish()
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes_map_to_kinds() {
        let cases = [
            (400, ErrorKind::InvalidRequest),
            (401, ErrorKind::Unauthorized),
            (403, ErrorKind::InvalidRequest),
            (404, ErrorKind::NotFound),
            (409, ErrorKind::InvalidRequest),
            (429, ErrorKind::RateLimited),
            (500, ErrorKind::ServerError),
            (503, ErrorKind::ServerError),
            (307, ErrorKind::Protocol),
        ];
        for (status, kind) in cases {
            let e = Error::from_http_status(status, b"", false);
            assert_eq!(e.kind(), kind, "status {status}");
            assert_eq!(e.http_status(), Some(status));
            assert!(!e.outcome_unknown());
        }
    }

    #[test]
    fn server_error_body_fills_code_and_description() {
        let body = br#"{"error":"unauthorized","errorCode":"unauthorized","errorDescription":"The request is unauthorized."}"#;
        let e = Error::from_http_status(401, body, true);
        assert_eq!(e.server_code(), Some("unauthorized"));
        assert_eq!(e.server_description(), Some("The request is unauthorized."));
        assert!(e.message().contains("The request is unauthorized."));
        assert!(!e.outcome_unknown(), "a 4xx certainly created nothing");
    }

    #[test]
    fn a_401_names_the_terminal_id_as_the_credential_and_its_status_once() {
        let body = br#"{"errorCode":"unauthorized","errorDescription":"The request is unauthorized. Check that your API key and region base URL are correctly configured."}"#;
        let e = Error::from_http_status(401, body, false);
        let message = e.message();
        assert!(
            message.contains("terminal id, the only credential"),
            "{message}"
        );
        assert!(message.contains("there is no API key"), "{message}");
        assert_eq!(message.matches("HTTP 401").count(), 1, "{message}");
        assert!(
            message.ends_with("(unauthorized): The request is unauthorized. Check that your API key and region base URL are correctly configured."),
            "the server's own words come last: {message}"
        );
    }

    #[test]
    fn error_field_is_the_code_when_error_code_is_missing() {
        let e = Error::from_http_status(400, br#"{"error":"invalid_request"}"#, false);
        assert_eq!(e.server_code(), Some("invalid_request"));
        assert_eq!(e.server_description(), None);
    }

    #[test]
    fn non_json_and_odd_error_bodies_are_tolerated() {
        for body in [
            &b"<html><body>502 Bad Gateway</body></html>"[..],
            b"",
            b"[1,2,3]",
            br#"{"errorCode":42,"errorDescription":null}"#,
            br#"{"errorCode":"   "}"#,
        ] {
            let e = Error::from_http_status(502, body, false);
            assert_eq!(e.kind(), ErrorKind::ServerError);
            assert_eq!(e.server_code(), None);
            assert_eq!(e.server_description(), None);
        }
    }

    #[test]
    fn control_characters_are_removed_from_server_text() {
        let e = Error::from_http_status(
            400,
            b"{\"errorCode\":\"bad\\u0000code\",\"errorDescription\":\"line1\\nline2\"}",
            false,
        );
        assert_eq!(e.server_code(), Some("badcode"));
        assert_eq!(e.server_description(), Some("line1line2"));
    }

    #[test]
    fn a_5xx_to_a_create_leaves_the_outcome_unknown() {
        let e = Error::from_http_status(503, b"", true);
        assert!(e.outcome_unknown());
        assert!(e.message().contains("check the terminal"));
        assert!(!Error::from_http_status(503, b"", false).outcome_unknown());
    }

    #[test]
    fn transport_failures_before_sending_leave_no_doubt() {
        let before = [
            ureq::Error::HostNotFound,
            ureq::Error::ConnectionFailed,
            ureq::Error::Timeout(ureq::Timeout::Connect),
            ureq::Error::Timeout(ureq::Timeout::Resolve),
            ureq::Error::Io(io::Error::from(io::ErrorKind::ConnectionRefused)),
            ureq::Error::Tls("bad certificate"),
        ];
        for err in before {
            let e = Error::from_transport(err, true);
            assert!(!e.outcome_unknown(), "{e:?}");
        }
        let after = [
            ureq::Error::Timeout(ureq::Timeout::Global),
            ureq::Error::Timeout(ureq::Timeout::RecvResponse),
            ureq::Error::Io(io::Error::from(io::ErrorKind::UnexpectedEof)),
            ureq::Error::Io(io::Error::from(io::ErrorKind::ConnectionReset)),
        ];
        for err in after {
            let e = Error::from_transport(err, true);
            assert!(e.outcome_unknown(), "{e:?}");
            assert!(e.message().contains("check the terminal"));
        }
    }

    #[test]
    fn transport_kinds() {
        let k = |e| Error::from_transport(e, false).kind();
        assert_eq!(k(ureq::Error::HostNotFound), ErrorKind::Network);
        assert_eq!(
            k(ureq::Error::Timeout(ureq::Timeout::Global)),
            ErrorKind::Timeout
        );
        assert_eq!(k(ureq::Error::Tls("x")), ErrorKind::Tls);
        assert_eq!(k(ureq::Error::BodyExceedsLimit(65536)), ErrorKind::Protocol);
        let tls_io = io::Error::new(
            io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer),
        );
        let e = Error::from_transport(ureq::Error::Io(tls_io), true);
        assert_eq!(e.kind(), ErrorKind::Tls);
        assert!(!e.outcome_unknown());
        assert!(e.message().contains("use the system trust store"));
        assert!(e.message().contains("a CA file"));
    }
}
