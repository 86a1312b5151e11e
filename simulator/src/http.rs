//! Just enough HTTP/1.1 for the Terminal API: requests with a Content-Length or chunked
//! body, answers that always carry Content-Length, keep-alive until the client closes or
//! asks to, and the two ways of failing mid-exchange that the faults need.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;

/// What answers the requests [`serve`] reads: the Terminal API (`api.rs`, for the
/// simulator's shared state). This module knows nothing of the API.
pub(crate) trait Service {
    /// The reply to a request.
    fn handle(&self, request: &Request) -> Reply;
    /// The answer (400) to a request that could not be read, and why.
    fn unreadable(&self, why: &str) -> Answer;
    /// Seconds added to this machine's clock in each answer's Date header.
    fn clock_offset(&self) -> i64;
}

/// Request heads larger than this are refused.
const MAX_HEAD: usize = 64 * 1024;
/// Request bodies larger than this are refused.
const MAX_BODY: usize = 1024 * 1024;

pub(crate) struct Request {
    pub method: String,
    pub target: String,
    headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    keep_alive: bool,
}

impl Request {
    /// The first value of a header, by its lower-case name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What to do with a request.
pub(crate) enum Reply {
    /// Answer in full.
    Answer(Answer),
    /// Close the connection without answering.
    Drop,
    /// Send the head and half of this answer's body, then close.
    DropMidway(Answer),
    /// Write bytes that are neither HTTP nor TLS to the socket itself, then close.
    Garbage,
}

/// The bytes of [`Reply::Garbage`].
pub(crate) const GARBAGE: &[u8] = b"\x00\x01not TLS, not HTTP\xff\xfe\r\n\r\n";

pub(crate) struct Answer {
    pub status: u16,
    pub content_type: &'static str,
    pub extra_headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(status: u16, body: impl Into<Vec<u8>>) -> Answer {
        Answer {
            status,
            content_type: "application/json",
            extra_headers: Vec::new(),
            body: body.into(),
        }
    }

    fn bytes(&self, closing: bool, clock_offset: i64) -> Vec<u8> {
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nDate: {}\r\nContent-Length: {}\r\n",
            self.status,
            reason(self.status),
            http_date(clock_offset),
            self.body.len()
        );
        if !self.body.is_empty() {
            head.push_str(&format!("Content-Type: {}\r\n", self.content_type));
        }
        for (name, value) in &self.extra_headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if closing {
            head.push_str("Connection: close\r\n");
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }
}

/// Now plus `offset_s` seconds as an HTTP date, `Sun, 06 Nov 1994 08:49:37 GMT`.
fn http_date(offset_s: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
        + offset_s;
    let (days, secs) = (now.div_euclid(86_400), now.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        WEEKDAYS[days.rem_euclid(7) as usize],
        MONTHS[(month - 1) as usize],
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Serves HTTP/1.1 on `stream` until the connection closes; `raw` is the socket under it
/// (under TLS, the TCP stream), for [`Reply::Garbage`]. `idle(true)` is called while the
/// connection waits for the next request after an answer, `idle(false)` once it starts.
pub(crate) fn serve<S: Read + Write>(
    service: &dyn Service,
    stream: S,
    raw: &TcpStream,
    idle: &dyn Fn(bool),
) {
    let mut reader = BufReader::new(stream);
    let mut answered = false;
    loop {
        if answered {
            idle(true);
            match reader.fill_buf() {
                Ok(bytes) if !bytes.is_empty() => idle(false),
                _ => return,
            }
        }
        answered = true;
        let request = match read_request(&mut reader) {
            Ok(Some(request)) => request,
            Ok(None) => return,
            Err(e) => {
                if e.kind() == io::ErrorKind::InvalidData {
                    let answer = service.unreadable(&e.to_string());
                    let _ = write_all(
                        reader.get_mut(),
                        &answer.bytes(true, service.clock_offset()),
                    );
                }
                return;
            }
        };
        match service.handle(&request) {
            Reply::Answer(answer) => {
                let closing = !request.keep_alive;
                if write_all(
                    reader.get_mut(),
                    &answer.bytes(closing, service.clock_offset()),
                )
                .is_err()
                    || closing
                {
                    return;
                }
            }
            Reply::Drop => return,
            Reply::Garbage => {
                let mut raw = raw;
                let _ = raw.write_all(GARBAGE);
                return;
            }
            Reply::DropMidway(answer) => {
                let bytes = answer.bytes(false, service.clock_offset());
                let cut = bytes.len() - answer.body.len() / 2;
                let _ = write_all(reader.get_mut(), &bytes[..cut]);
                return;
            }
        }
    }
}

fn write_all<S: Write>(stream: &mut S, bytes: &[u8]) -> io::Result<()> {
    stream.write_all(bytes)?;
    stream.flush()
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_string())
}

/// Reads one request; `None` when the client closed the connection between requests.
fn read_request<R: BufRead>(reader: &mut R) -> io::Result<Option<Request>> {
    let mut head_len = 0;
    let mut line = Vec::new();
    let mut read_line = |line: &mut Vec<u8>| -> io::Result<usize> {
        line.clear();
        let n = reader
            .by_ref()
            .take(MAX_HEAD as u64)
            .read_until(b'\n', line)?;
        head_len += n;
        if head_len > MAX_HEAD {
            return Err(invalid("request head too large"));
        }
        Ok(n)
    };
    // Tolerate empty lines before a request line, as RFC 9112 allows.
    loop {
        if read_line(&mut line)? == 0 {
            return Ok(None);
        }
        if !line.trim_ascii().is_empty() {
            break;
        }
    }
    let request_line = String::from_utf8_lossy(line.trim_ascii()).into_owned();
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid("malformed request line"));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(invalid("only HTTP/1.x is served"));
    }
    let mut headers = Vec::new();
    loop {
        if read_line(&mut line)? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let text = String::from_utf8_lossy(line.trim_ascii()).into_owned();
        if text.is_empty() {
            break;
        }
        let (name, value) = text
            .split_once(':')
            .ok_or_else(|| invalid("malformed header line"))?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    let mut request = Request {
        method: method.to_string(),
        target: target.to_string(),
        headers,
        body: Vec::new(),
        keep_alive: true,
    };
    let connection = request.header("connection").map(str::to_ascii_lowercase);
    request.keep_alive = if version == "HTTP/1.0" {
        connection.as_deref() == Some("keep-alive")
    } else {
        connection.as_deref() != Some("close")
    };
    let chunked = request
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    request.body = if chunked {
        read_chunked(reader)?
    } else {
        let length = match request.header("content-length") {
            Some(v) => v
                .parse::<usize>()
                .map_err(|_| invalid("bad Content-Length"))?,
            None => 0,
        };
        if length > MAX_BODY {
            return Err(invalid("request body too large"));
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        body
    };
    Ok(Some(request))
}

fn read_chunked<R: BufRead>(reader: &mut R) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        reader.by_ref().take(1024).read_line(&mut line)?;
        let size = line.trim().split(';').next().unwrap_or("");
        let size = usize::from_str_radix(size, 16).map_err(|_| invalid("bad chunk size"))?;
        if body.len() + size > MAX_BODY {
            return Err(invalid("request body too large"));
        }
        if size == 0 {
            // Trailers, up to the empty line.
            loop {
                line.clear();
                if reader.by_ref().take(1024).read_line(&mut line)? == 0 || line.trim().is_empty() {
                    return Ok(body);
                }
            }
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        line.clear();
        reader.by_ref().take(8).read_line(&mut line)?;
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}
