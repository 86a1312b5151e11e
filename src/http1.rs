//! One HTTP/1.1 exchange over a finished connection (TCP, TLS, any proxy tunnel: see
//! `transport.rs`): the request written in one piece, head and body together (one TLS
//! record, one `send` for a create), and one bounded answer read back (status, the headers
//! the library uses, the body up to [`MAX_BODY_BYTES`]). Nothing else of HTTP is done
//! here: no redirects, no compression, no `Expect: 100-continue`.
//!
//! The answer is read by its framing (RFC 9112, section 6.3): no body for 1xx, 204 and
//! 304; `Transfer-Encoding` ending in `chunked`; else `Content-Length`; else until the
//! server closes. A connection is kept for the next request only when the answer was
//! framed, complete, asked for nothing else (`Connection: close`, HTTP/1.0) and left no
//! byte unread.

use std::io;
use std::time::{Duration, Instant};

use ureq::unversioned::transport::{NextTimeout, Transport};
use ureq_proto::Error as HttpError;

/// Answers larger than this are refused.
pub(crate) const MAX_BODY_BYTES: usize = 64 * 1024;
/// A response head (status line and headers) larger than this is refused.
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Headers read from one answer at most.
const MAX_HEADERS: usize = 100;

/// The request's fixed parts, made once per client: everything but the method, the
/// target, the terminal id and the body.
#[derive(Debug)]
pub(crate) struct RequestHead {
    /// `Host: ...\r\n`
    host: Box<[u8]>,
    /// `x-authsignal-version`, `user-agent` and `accept`, each with its `\r\n`.
    fixed: Box<[u8]>,
}

impl RequestHead {
    /// `authority` is the base URL's host and port as the `Host` header carries them.
    pub(crate) fn new(authority: &str, version: &str, user_agent: &str, accept: &str) -> Self {
        let host = format!("host: {authority}\r\n");
        let fixed = format!(
            "x-authsignal-version: {version}\r\nuser-agent: {user_agent}\r\naccept: {accept}\r\n"
        );
        RequestHead {
            host: host.into_bytes().into(),
            fixed: fixed.into_bytes().into(),
        }
    }

    /// The whole request: `{method} {target} HTTP/1.1`, the headers, and the JSON body
    /// with its `content-type` and `content-length`. `target` and `terminal_id` must
    /// already be valid (see `transport.rs`).
    pub(crate) fn write(
        &self,
        out: &mut Vec<u8>,
        method: &str,
        target: &str,
        terminal_id: Option<&str>,
        json: Option<&str>,
    ) {
        out.clear();
        let body_len = json.map_or(0, str::len);
        out.reserve(
            method.len() + target.len() + self.host.len() + self.fixed.len() + body_len + 160,
        );
        out.extend_from_slice(method.as_bytes());
        out.push(b' ');
        out.extend_from_slice(target.as_bytes());
        out.extend_from_slice(b" HTTP/1.1\r\n");
        out.extend_from_slice(&self.host);
        if let Some(id) = terminal_id {
            out.extend_from_slice(b"x-authsignal-terminal: ");
            out.extend_from_slice(id.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(&self.fixed);
        if let Some(json) = json {
            out.extend_from_slice(b"content-type: application/json\r\ncontent-length: ");
            let mut digits = [0u8; 20];
            out.extend_from_slice(decimal(json.len(), &mut digits));
            out.extend_from_slice(b"\r\n\r\n");
            out.extend_from_slice(json.as_bytes());
        } else {
            out.extend_from_slice(b"\r\n");
        }
    }
}

/// `n` in decimal, written into `buf`.
fn decimal(mut n: usize, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[i..];
        }
    }
}

/// True when `value` may be sent as a header value: visible ASCII, spaces and tabs (what
/// the `http` crate accepts, minus the bytes above 127 that no API value uses).
pub(crate) fn is_header_value(value: &str) -> bool {
    value
        .bytes()
        .all(|b| b == b'\t' || (b' '..=b'~').contains(&b))
}

/// When the exchange must be over, and why it would have timed out.
#[derive(Clone, Copy)]
pub(crate) struct Deadline {
    pub at: Instant,
    pub reason: ureq::Timeout,
}

impl Deadline {
    /// The time left as ureq's transports take it, or the timeout error when none is.
    pub(crate) fn next(&self) -> Result<NextTimeout, ureq::Error> {
        let left = self.at.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(ureq::Error::Timeout(self.reason));
        }
        Ok(NextTimeout {
            after: left.into(),
            reason: self.reason,
            per_read: None,
            per_write: None,
        })
    }
}

/// Writes all of `request` through the connection's output buffer.
pub(crate) fn send(
    conn: &mut dyn Transport,
    request: &[u8],
    deadline: Deadline,
) -> Result<(), ureq::Error> {
    let mut rest = request;
    while !rest.is_empty() {
        let out = conn.buffers().output();
        let n = out.len().min(rest.len());
        if n == 0 {
            return Err(ureq::Error::Other(
                "the connection has no output buffer".into(),
            ));
        }
        out[..n].copy_from_slice(&rest[..n]);
        conn.transmit_output(n, deadline.next()?)?;
        rest = &rest[n..];
    }
    Ok(())
}

/// What was read of one answer.
pub(crate) struct Response {
    pub status: u16,
    pub body: Vec<u8>,
    pub retry_after: Option<Duration>,
    /// The `Date` header, when asked for.
    pub date: Option<String>,
    /// The connection may carry another request.
    pub reusable: bool,
}

/// How the answer's body ends.
#[derive(Debug, PartialEq, Eq)]
enum Framing {
    None,
    Length(usize),
    Chunked,
    UntilClose,
}

/// The head of one answer, its headers read.
struct Head {
    status: u16,
    /// Bytes of input the head took.
    len: usize,
    framing: Framing,
    keep_alive: bool,
    retry_after: Option<Duration>,
    date: Option<String>,
}

/// Reads one answer to a request just sent: its head (skipping `1xx` interim answers)
/// and its body, by its framing, at most [`MAX_BODY_BYTES`]. With `want_body` false the
/// body is not read (and the connection is not kept).
pub(crate) fn receive(
    conn: &mut dyn Transport,
    deadline: Deadline,
    want_date: bool,
    want_body: bool,
) -> Result<Response, ureq::Error> {
    let head = loop {
        let head = read_head(conn, deadline, want_date)?;
        conn.buffers().input_consume(head.len);
        match head.status {
            101 => {
                return Err(HttpError::HttpParseFail("an unasked protocol switch".into()).into())
            }
            100..=199 => continue,
            _ => break head,
        }
    };
    if !want_body {
        return Ok(Response {
            status: head.status,
            body: Vec::new(),
            retry_after: head.retry_after,
            date: head.date,
            reusable: false,
        });
    }
    let body = match head.framing {
        Framing::None => Vec::new(),
        Framing::Length(n) if n > MAX_BODY_BYTES => {
            return Err(ureq::Error::BodyExceedsLimit(MAX_BODY_BYTES as u64))
        }
        Framing::Length(n) => read_exact(conn, deadline, n)?,
        Framing::Chunked => read_chunked(conn, deadline)?,
        Framing::UntilClose => read_until_close(conn, deadline)?,
    };
    let reusable =
        head.keep_alive && head.framing != Framing::UntilClose && conn.buffers().input().is_empty();
    Ok(Response {
        status: head.status,
        body,
        retry_after: head.retry_after,
        date: head.date,
        reusable,
    })
}

/// Waits for more input; an end of the stream is the server closing too early.
fn more(conn: &mut dyn Transport, deadline: Deadline) -> Result<(), ureq::Error> {
    if conn.await_input(deadline.next()?)? {
        Ok(())
    } else {
        Err(io::Error::new(io::ErrorKind::UnexpectedEof, "Peer disconnected").into())
    }
}

fn read_head(
    conn: &mut dyn Transport,
    deadline: Deadline,
    want_date: bool,
) -> Result<Head, ureq::Error> {
    loop {
        let input = conn.buffers().input();
        if !input.is_empty() {
            if let Some(head) = parse_head(input, want_date)? {
                return Ok(head);
            }
            if input.len() > MAX_HEAD_BYTES {
                return Err(ureq::Error::LargeResponseHeader(
                    input.len(),
                    MAX_HEAD_BYTES,
                ));
            }
        }
        more(conn, deadline)?;
    }
}

/// The head at the start of `input`, or None while it is incomplete.
fn parse_head(input: &[u8], want_date: bool) -> Result<Option<Head>, ureq::Error> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut response = httparse::Response::new(&mut headers);
    let len = match response.parse(input) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => {
            return Err(HttpError::HttpParseTooManyHeaders.into())
        }
        Err(e) => return Err(HttpError::from(e).into()),
    };
    if len > MAX_HEAD_BYTES {
        return Err(ureq::Error::LargeResponseHeader(len, MAX_HEAD_BYTES));
    }
    let status = response.code.unwrap_or(0);
    if status < 100 {
        // Three digits, but no status HTTP knows (a fuzzer found "002").
        return Err(HttpError::HttpParseFail(format!("status code {status:03}")).into());
    }
    let mut keep_alive = response.version == Some(1);
    let mut length: Option<usize> = None;
    let mut chunked = false;
    let mut encoded = false;
    let mut retry_after = None;
    let mut date = None;
    for header in response.headers.iter() {
        let name = header.name;
        let value = header.value;
        if name.eq_ignore_ascii_case("content-length") {
            let n = std::str::from_utf8(value)
                .ok()
                .map(str::trim)
                .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|v| v.parse::<usize>().ok())
                .ok_or(HttpError::BadContentLengthHeader)?;
            if length.is_some_and(|l| l != n) {
                return Err(HttpError::TooManyContentLengthHeaders.into());
            }
            length = Some(n);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            encoded = true;
            // The last coding decides: chunked must be last when present.
            chunked = value
                .rsplit(|&b| b == b',')
                .next()
                .is_some_and(|last| last.trim_ascii().eq_ignore_ascii_case(b"chunked"));
        } else if name.eq_ignore_ascii_case("connection") {
            if value
                .split(|&b| b == b',')
                .any(|token| token.trim_ascii().eq_ignore_ascii_case(b"close"))
            {
                keep_alive = false;
            }
        } else if name.eq_ignore_ascii_case("retry-after") {
            retry_after = std::str::from_utf8(value)
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
        } else if want_date && name.eq_ignore_ascii_case("date") {
            date = std::str::from_utf8(value).ok().map(str::to_string);
        }
    }
    let framing = if matches!(status, 100..=199 | 204 | 304) {
        Framing::None
    } else if encoded {
        // Transfer-Encoding overrides Content-Length (RFC 9112, 6.3); a server that
        // sends both cannot be trusted with the connection afterwards.
        if length.is_some() {
            keep_alive = false;
        }
        if chunked {
            Framing::Chunked
        } else {
            Framing::UntilClose
        }
    } else {
        match length {
            Some(0) => Framing::None,
            Some(n) => Framing::Length(n),
            None => Framing::UntilClose,
        }
    };
    Ok(Some(Head {
        status,
        len,
        framing,
        keep_alive,
        retry_after,
        date,
    }))
}

/// Exactly `n` bytes of body.
fn read_exact(
    conn: &mut dyn Transport,
    deadline: Deadline,
    n: usize,
) -> Result<Vec<u8>, ureq::Error> {
    let mut body = Vec::with_capacity(n);
    while body.len() < n {
        let buffers = conn.buffers();
        let input = buffers.input();
        let take = input.len().min(n - body.len());
        body.extend_from_slice(&input[..take]);
        buffers.input_consume(take);
        if body.len() < n {
            more(conn, deadline)?;
        }
    }
    Ok(body)
}

/// The body up to the end of the stream.
fn read_until_close(conn: &mut dyn Transport, deadline: Deadline) -> Result<Vec<u8>, ureq::Error> {
    let mut body = Vec::new();
    loop {
        let buffers = conn.buffers();
        let input = buffers.input();
        if body.len() + input.len() > MAX_BODY_BYTES {
            return Err(ureq::Error::BodyExceedsLimit(MAX_BODY_BYTES as u64));
        }
        body.extend_from_slice(input);
        let n = input.len();
        buffers.input_consume(n);
        match conn.await_input(deadline.next()?) {
            Ok(true) => {}
            Ok(false) => return Ok(body),
            // A peer that closes without TLS's close_notify: the body has no framing to
            // say it is complete, so this is an error, as ureq made it.
            Err(e) => return Err(e),
        }
    }
}

/// A chunked body (RFC 9112, section 7.1): chunks, the last one empty, then trailers.
fn read_chunked(conn: &mut dyn Transport, deadline: Deadline) -> Result<Vec<u8>, ureq::Error> {
    let mut body = Vec::new();
    loop {
        let size = read_line(conn, deadline, |line| {
            let digits = line
                .split(|&b| b == b';')
                .next()
                .unwrap_or(line)
                .trim_ascii();
            if digits.is_empty() || digits.len() > 8 {
                return Err(HttpError::ChunkLenNotANumber);
            }
            if !digits.iter().all(u8::is_ascii_hexdigit) {
                return Err(HttpError::ChunkLenNotAscii);
            }
            // At most 8 hex digits: fits.
            Ok(
                usize::from_str_radix(std::str::from_utf8(digits).unwrap_or("0"), 16)
                    .unwrap_or(usize::MAX),
            )
        })?;
        if size == 0 {
            // Trailers, up to the empty line.
            loop {
                let empty = read_line(conn, deadline, |line| Ok(line.is_empty()))?;
                if empty {
                    return Ok(body);
                }
            }
        }
        if body.len() + size > MAX_BODY_BYTES {
            return Err(ureq::Error::BodyExceedsLimit(MAX_BODY_BYTES as u64));
        }
        body.extend_from_slice(&read_exact(conn, deadline, size)?);
        let crlf = read_line(conn, deadline, |line| Ok(line.is_empty()))?;
        if !crlf {
            return Err(HttpError::ChunkExpectedCrLf.into());
        }
    }
}

/// Reads one line (ending in CRLF, or LF) and gives it, without its end, to `read`.
fn read_line<T>(
    conn: &mut dyn Transport,
    deadline: Deadline,
    read: impl FnOnce(&[u8]) -> Result<T, HttpError>,
) -> Result<T, ureq::Error> {
    loop {
        let buffers = conn.buffers();
        let input = buffers.input();
        if let Some(end) = input.iter().position(|&b| b == b'\n') {
            let line = &input[..end];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let value = read(line)?;
            buffers.input_consume(end + 1);
            return Ok(value);
        }
        if input.len() > MAX_HEAD_BYTES {
            return Err(HttpError::ChunkExpectedCrLf.into());
        }
        more(conn, deadline)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(text: &str) -> Head {
        parse_head(text.as_bytes(), true).unwrap().unwrap()
    }

    #[test]
    fn a_request_is_written_in_one_piece() {
        let head = RequestHead::new("api.example:8443", "0.1.0", "ua/1", "application/json");
        let mut out = Vec::new();
        head.write(&mut out, "POST", "/v1/x", Some("tid"), Some("{\"a\":1}"));
        assert_eq!(
            String::from_utf8(out.clone()).unwrap(),
            "POST /v1/x HTTP/1.1\r\nhost: api.example:8443\r\nx-authsignal-terminal: tid\r\n\
             x-authsignal-version: 0.1.0\r\nuser-agent: ua/1\r\naccept: application/json\r\n\
             content-type: application/json\r\ncontent-length: 7\r\n\r\n{\"a\":1}"
        );
        head.write(&mut out, "GET", "/v1/y", None, None);
        assert!(String::from_utf8(out)
            .unwrap()
            .ends_with("accept: application/json\r\n\r\n"));
    }

    #[test]
    fn framing_follows_rfc_9112() {
        assert_eq!(
            head("HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n").framing,
            Framing::Length(5)
        );
        assert_eq!(
            head("HTTP/1.1 204 No\r\ncontent-length: 5\r\n\r\n").framing,
            Framing::None
        );
        let h = head(
            "HTTP/1.1 200 OK\r\ntransfer-encoding: gzip, chunked\r\ncontent-length: 5\r\n\r\n",
        );
        assert_eq!(h.framing, Framing::Chunked);
        assert!(!h.keep_alive);
        assert_eq!(head("HTTP/1.1 200 OK\r\n\r\n").framing, Framing::UntilClose);
        assert!(!head("HTTP/1.0 200 OK\r\ncontent-length: 1\r\n\r\n").keep_alive);
        assert!(
            !head("HTTP/1.1 200 OK\r\nConnection: Close\r\ncontent-length: 1\r\n\r\n").keep_alive
        );
        let h = head("HTTP/1.1 429 Slow\r\nRetry-After: 7\r\nDate: Sun, 06 Dec 2026 21:00:00 GMT\r\ncontent-length: 0\r\n\r\n");
        assert_eq!(h.retry_after, Some(Duration::from_secs(7)));
        assert_eq!(h.date.as_deref(), Some("Sun, 06 Dec 2026 21:00:00 GMT"));
        assert!(parse_head(b"HTTP/1.1 200 OK\r\ncontent-length: 5", false)
            .unwrap()
            .is_none());
    }

    #[test]
    fn bad_lengths_are_protocol_errors() {
        for text in [
            "HTTP/1.1 200 OK\r\ncontent-length: -1\r\n\r\n",
            "HTTP/1.1 200 OK\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\n",
            "HTTP/1.1 200 OK\r\ncontent-length: 1x\r\n\r\n",
            "NOT HTTP\r\n\r\n",
            "HTTP/1.1 002 OK\r\ncontent-length: 0\r\n\r\n",
        ] {
            let e = parse_head(text.as_bytes(), false).err().unwrap();
            assert!(matches!(e, ureq::Error::Protocol(_)), "{text}: {e:?}");
        }
    }

    #[test]
    fn header_values_are_visible_ascii() {
        assert!(is_header_value("tid_abc-123 x\t"));
        assert!(!is_header_value("a\r\nb"));
        assert!(!is_header_value("caf\u{e9}"));
        assert!(!is_header_value("\u{7f}"));
    }

    #[test]
    fn decimal_writes_digits() {
        let mut buf = [0u8; 20];
        assert_eq!(decimal(0, &mut buf), b"0");
        assert_eq!(decimal(65536, &mut buf), b"65536");
        assert_eq!(
            decimal(usize::MAX, &mut buf),
            usize::MAX.to_string().as_bytes()
        );
    }
}
