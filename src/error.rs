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
    /// The payment journal refused a create before any I/O: the reference's last
    /// attempt is PENDING, COMPLETED, or of unknown outcome (see the message).
    DuplicateReference = 14,
    /// The payment journal cannot be opened, read or written; the message names the
    /// path and the cause.
    Journal = 15,
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

    /// Marks a create that failed after a byte of it reached the server, with no
    /// complete 2xx or definitive 4xx answer: the payment session may exist. The message
    /// then tells the caller to check the terminal.
    pub(crate) fn outcome_unknown_after_sending(mut self) -> Self {
        if !self.outcome_unknown {
            self.outcome_unknown = true;
            self.message.push_str(
                "; the request reached the server, so the payment session may have been created: check the terminal before creating again",
            );
        }
        self
    }

    /// Builds the error for an HTTP answer outside 2xx, from its status and body. Whether
    /// it leaves a create's outcome unknown is decided by the client, which knows the call.
    ///
    /// `terminal_id` is the id the request carried: wherever the server's text repeats
    /// it, it is redacted before that text is cut to length (see [`clean_server_text`]),
    /// so a careless or hostile server cannot put it into the caller's messages and logs.
    pub(crate) fn from_http_status(status: u16, body: &[u8], terminal_id: &str) -> Self {
        let kind = match status {
            401 => ErrorKind::Unauthorized,
            404 => ErrorKind::NotFound,
            429 => ErrorKind::RateLimited,
            400..=499 => ErrorKind::InvalidRequest,
            500..=599 => ErrorKind::ServerError,
            _ => ErrorKind::Protocol,
        };
        let server = ServerError::parse(body, terminal_id);
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
            ErrorKind::InvalidRequest => format!("HTTP {status}: the server refused the request"),
            _ if (300..400).contains(&status) => {
                format!(
                    "HTTP {status}: the server answered with a redirect, which is never followed"
                )
            }
            _ => format!("HTTP {status}: not an answer the Terminal API gives"),
        };
        if let Some(code) = &server.code {
            message.push_str(&format!(" ({code})"));
        }
        if let Some(description) = &server.description {
            message.push_str(": ");
            message.push_str(description);
        }
        Error {
            kind,
            message,
            http_status: Some(status),
            server_code: server.code,
            server_description: server.description,
            outcome_unknown: false,
        }
    }

    /// Builds the error for a request that got no usable HTTP answer. `written` says
    /// whether a byte of the request reached a socket: a TLS failure before that is a
    /// handshake or certificate problem; after it, the connection broke.
    pub(crate) fn from_transport(err: &ureq::Error, written: bool) -> Self {
        let (kind, message) = classify_transport(err);
        if kind == ErrorKind::Tls && written {
            return Error::new(
                ErrorKind::Network,
                format!("the secure connection broke after the request was sent: {err}"),
            );
        }
        Error::new(kind, message)
    }
}

/// Sorts a transport failure into a kind and a message.
fn classify_transport(err: &ureq::Error) -> (ErrorKind, String) {
    use ureq::Error as U;
    use ureq::Timeout as T;
    match err {
        U::HostNotFound => (
            ErrorKind::Network,
            "the server's host name did not resolve (DNS): check the network and the DNS settings"
                .to_string(),
        ),
        U::ConnectionFailed => (
            ErrorKind::Network,
            "could not connect to the server".to_string(),
        ),
        U::ConnectProxyFailed(why) => (
            ErrorKind::Network,
            format!("the proxy refused to connect to the server: {why}"),
        ),
        U::InvalidProxyUrl => (ErrorKind::Network, "the proxy URL is not valid".to_string()),
        U::Timeout(T::Resolve) => (
            ErrorKind::Timeout,
            "timed out resolving the server's host name".to_string(),
        ),
        U::Timeout(T::Connect) => (
            ErrorKind::Timeout,
            "timed out connecting to the server (connect timeout)".to_string(),
        ),
        U::Timeout(t) => (
            ErrorKind::Timeout,
            format!("timed out waiting for the server ({t})"),
        ),
        U::Tls(what) => (ErrorKind::Tls, tls_message(what)),
        U::Rustls(e) => (ErrorKind::Tls, tls_message(e)),
        U::Pem(_) => (
            ErrorKind::Tls,
            "a trusted certificate could not be read".to_string(),
        ),
        U::TlsRequired => (
            ErrorKind::Tls,
            "the connection was not secured with TLS".to_string(),
        ),
        U::Io(io) => classify_io(io),
        U::BodyExceedsLimit(_) => (
            ErrorKind::Protocol,
            "the server's answer is larger than 64 KiB".to_string(),
        ),
        U::TooManyRedirects | U::RedirectFailed => (
            ErrorKind::Protocol,
            "the server answered with a redirect, which is never followed".to_string(),
        ),
        U::LargeResponseHeader(_, _) => (
            ErrorKind::Protocol,
            "the server's answer headers are too large".to_string(),
        ),
        U::Protocol(e) => (
            ErrorKind::Protocol,
            format!("the server's answer is not valid HTTP/1.1: {e}"),
        ),
        U::BadUri(_) | U::Http(_) | U::RequireHttpsOnly(_) => (
            ErrorKind::InvalidArgument,
            format!("the request could not be built: {err}"),
        ),
        other => (ErrorKind::Network, format!("the request failed: {other}")),
    }
}

fn classify_io(io: &io::Error) -> (ErrorKind, String) {
    if let Some(tls) = io.get_ref().and_then(|e| e.downcast_ref::<rustls::Error>()) {
        return (ErrorKind::Tls, tls_message(tls));
    }
    match io.kind() {
        io::ErrorKind::ConnectionRefused => (
            ErrorKind::Network,
            "the server refused the connection".to_string(),
        ),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => (
            ErrorKind::Timeout,
            format!("timed out waiting for the server: {io}"),
        ),
        io::ErrorKind::UnexpectedEof => (
            ErrorKind::Network,
            "the server closed the connection before answering in full".to_string(),
        ),
        io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::BrokenPipe => (
            ErrorKind::Network,
            format!("the connection was dropped: {io}"),
        ),
        _ => (ErrorKind::Network, format!("network failure: {io}")),
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
    /// missing, and the body may not be JSON at all (proxies answer with HTML). Each is
    /// cleaned with [`clean_server_text`], which hides `terminal_id`.
    fn parse(body: &[u8], terminal_id: &str) -> Self {
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
            Some(serde_json::Value::String(s)) => clean_server_text(&s, max, terminal_id),
            _ => None,
        };
        match parsed {
            Some(b) => ServerError {
                code: text(b.error_code, MAX_SERVER_CODE_CHARS)
                    .or_else(|| text(b.error, MAX_SERVER_CODE_CHARS)),
                description: text(b.error_description, MAX_SERVER_DESCRIPTION_CHARS),
            },
            None => ServerError {
                code: None,
                description: None,
            },
        }
    }
}

/// The longest server error code kept, in characters.
const MAX_SERVER_CODE_CHARS: usize = 128;
/// The longest server error description kept, in characters.
const MAX_SERVER_DESCRIPTION_CHARS: usize = 1024;

/// Makes the server's text safe to show: printable, without `terminal_id`, and bounded,
/// so it can go into a message, a log line or a C string. The order matters and is
/// fixed here, in the one place server text is cleaned:
///
/// 1. control characters are removed first, so an id split by them (`tid_\u0000secret`)
///    is whole again before the search for it;
/// 2. every occurrence of the id is replaced by its redacted form, repeatedly until none
///    is left (the redacted form keeps the id's last 4 characters, which with the text
///    after them can spell the id again: id `ABCDABCDABCD` in `ABCDABCDABCDABCDABCD`);
/// 3. only then is the text cut to `max_chars`, so an id that straddles the cut, or
///    lies beyond it, is never half-shown and never missed.
pub(crate) fn clean_server_text(s: &str, max_chars: usize, terminal_id: &str) -> Option<String> {
    let mut text: String = s.chars().filter(|c| !c.is_control()).collect();
    if !terminal_id.is_empty() && text.contains(terminal_id) {
        let redacted = crate::terminal_id::redact_terminal_id(terminal_id);
        // Each pass shortens the text or leaves no occurrence: the redacted form is
        // shorter than any id long enough to show a tail (12 or more characters), and a
        // shorter id's form ("…") holds no ASCII that could join an id.
        while text.contains(terminal_id) {
            text = text.replace(terminal_id, &redacted);
        }
    }
    let cut = match text.char_indices().nth(max_chars) {
        Some((at, _)) => &text[..at],
        None => &text[..],
    };
    let trimmed = cut.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

impl From<crate::terminal_id::InvalidTerminalId> for Error {
    fn from(invalid: crate::terminal_id::InvalidTerminalId) -> Self {
        Error::invalid_argument(invalid.message())
    }
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
            let e = Error::from_http_status(status, b"", "");
            assert_eq!(e.kind(), kind, "status {status}");
            assert_eq!(e.http_status(), Some(status));
            assert!(!e.outcome_unknown());
        }
    }

    #[test]
    fn server_error_body_fills_code_and_description() {
        let body = br#"{"error":"unauthorized","errorCode":"unauthorized","errorDescription":"The request is unauthorized."}"#;
        let e = Error::from_http_status(401, body, "");
        assert_eq!(e.server_code(), Some("unauthorized"));
        assert_eq!(e.server_description(), Some("The request is unauthorized."));
        assert!(e.message().contains("The request is unauthorized."));
        assert!(!e.outcome_unknown(), "a 4xx certainly created nothing");
    }

    #[test]
    fn a_401_names_the_terminal_id_as_the_credential_and_its_status_once() {
        let body = br#"{"errorCode":"unauthorized","errorDescription":"The request is unauthorized. Check that your API key and region base URL are correctly configured."}"#;
        let e = Error::from_http_status(401, body, "");
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
        let e = Error::from_http_status(400, br#"{"error":"invalid_request"}"#, "");
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
            let e = Error::from_http_status(502, body, "");
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
            "",
        );
        assert_eq!(e.server_code(), Some("badcode"));
        assert_eq!(e.server_description(), Some("line1line2"));
    }

    /// Everything a caller or a log line can see of an error.
    fn visible(e: &Error) -> String {
        format!(
            "{} {:?} {:?} {:?}",
            e,
            e,
            e.server_code(),
            e.server_description()
        )
    }

    #[test]
    fn a_terminal_id_is_redacted_before_the_text_is_cut() {
        let id = "tid_secret_0123456789_ABCD";
        let padding = "x".repeat(1000);
        let long_code = format!("{}{id}", "c".repeat(120));
        let bodies = [
            // Past the description's 1,024 characters, and straddling the cut.
            serde_json::json!({ "errorDescription": format!("{padding}{id}") }),
            serde_json::json!({ "errorDescription": format!("{padding}{}{id}", "y".repeat(10)) }),
            serde_json::json!({ "errorDescription": format!("{padding}{}{id}", "y".repeat(24)) }),
            // Inside a code over 128 characters, in errorCode and in error.
            serde_json::json!({ "errorCode": long_code }),
            serde_json::json!({ "error": long_code }),
            // Split by control characters, which cleaning removes.
            serde_json::json!({ "errorDescription": "tid_secret_\u{0}0123456789\n_ABCD" }),
        ];
        for body in bodies {
            let body = body.to_string();
            let e = Error::from_http_status(400, body.as_bytes(), id);
            let seen = visible(&e);
            assert!(!seen.contains(id), "{seen}");
            assert!(!seen.contains("tid_secret_0123456789"), "{seen}");
        }
        let e = Error::from_http_status(
            401,
            format!(r#"{{"errorDescription":"{}{id}"}}"#, "x".repeat(1020)).as_bytes(),
            id,
        );
        // 1,020 + "…ABCD" is one character over: the cut falls inside the redacted form.
        let description = e.server_description().unwrap();
        assert_eq!(description.chars().count(), MAX_SERVER_DESCRIPTION_CHARS);
        assert!(description.ends_with("…ABC"), "{description}");
    }

    #[test]
    fn redaction_repeats_until_no_occurrence_is_left() {
        let id = "ABCDABCDABCD";
        let cleaned = clean_server_text(&"ABCD".repeat(5), 1024, id).unwrap();
        assert!(!cleaned.contains(id), "{cleaned}");
        assert_eq!(cleaned, "……ABCD");
        // A short id is hidden without any tail.
        assert_eq!(clean_server_text("a-b-c", 1024, "b").unwrap(), "a-…-c");
        assert_eq!(clean_server_text("x", 1024, "").unwrap(), "x");
    }

    #[test]
    fn statuses_outside_the_api_are_protocol_errors() {
        for status in [100, 303, 600, 999] {
            let e = Error::from_http_status(status, b"", "");
            assert_eq!(e.kind(), ErrorKind::Protocol, "{status}");
            assert!(!e.outcome_unknown());
        }
        let e = Error::from_http_status(503, b"", "").outcome_unknown_after_sending();
        assert!(e.outcome_unknown());
        assert!(e.message().contains("check the terminal"));
        // Marking twice says it once.
        let twice = e.clone().outcome_unknown_after_sending();
        assert_eq!(twice.message(), e.message());
    }

    #[test]
    fn a_tls_failure_after_the_request_was_written_is_a_broken_connection() {
        let bad_record = rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType);
        let before = Error::from_transport(&ureq::Error::Rustls(bad_record.clone()), false);
        assert_eq!(before.kind(), ErrorKind::Tls);
        let after = Error::from_transport(&ureq::Error::Rustls(bad_record), true);
        assert_eq!(after.kind(), ErrorKind::Network);
        assert!(
            after.message().contains("after the request was sent"),
            "{after}"
        );
        assert!(!after.message().contains("set_ca_file"), "{after}");
    }

    #[test]
    fn a_name_that_does_not_resolve_says_so() {
        let e = Error::from_transport(&ureq::Error::HostNotFound, false);
        assert_eq!(e.kind(), ErrorKind::Network);
        assert!(e.message().contains("did not resolve"), "{e}");
    }

    #[test]
    fn transport_kinds() {
        let k = |e| Error::from_transport(&e, false).kind();
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
        let e = Error::from_transport(&ureq::Error::Io(tls_io), false);
        assert_eq!(e.kind(), ErrorKind::Tls);
        assert!(!e.outcome_unknown());
        assert!(e.message().contains("use the system trust store"));
        assert!(e.message().contains("a CA file"));
    }
}
