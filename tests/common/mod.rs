//! Helpers shared by the reliability tests (faults.rs, hostile.rs, transport_policy.rs,
//! load.rs, log_callback.rs): a recognisable secret terminal id, a log capture, raw
//! loopback servers that misbehave in ways the simulator does not, and the C ABI as a
//! Rust test calls it. Nothing here talks to anything but loopback.
#![allow(dead_code)]

use std::ffi::{c_char, CStr, CString};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use authsignal_terminal::ffi::as_result;
use authsignal_terminal::ffi::client::{as_client, as_client_free, as_client_new};
use authsignal_terminal::ffi::client_options::{
    as_client_options_free, as_client_options_new, as_client_options_set_base_url,
    as_client_options_set_ca_file, as_client_options_set_connect_timeout_ms,
    as_client_options_set_poll_interval_ms, as_client_options_set_request_timeout_ms,
};
use authsignal_terminal::ffi::error::{
    as_last_error_http_status, as_last_error_message, as_last_error_outcome_unknown,
    as_last_error_server_code, as_result_name,
};
use authsignal_terminal::{LogLevel, Logger};

/// The proper part of every terminal id these tests use: recognisable in any text it
/// could leak into. Never printed.
pub const SECRET: &str = "tid_SECRET_51c4e7d9";

/// Every log line the library wrote since [`capture_logs`] was first called, with its level.
pub fn log_lines() -> Vec<(LogLevel, String)> {
    lock(lines()).clone()
}

fn lines() -> &'static Mutex<Vec<(LogLevel, String)>> {
    static LINES: OnceLock<Mutex<Vec<(LogLevel, String)>>> = OnceLock::new();
    LINES.get_or_init(|| Mutex::new(Vec::new()))
}

/// Installs (once per test binary) a logger at Debug that keeps every line, and a panic
/// hook that keeps every panic message (then prints it as the default hook would).
pub fn capture_logs() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let logger: Logger = Arc::new(|level, line: &str| {
            lock(lines()).push((level, line.to_string()));
        });
        authsignal_terminal::set_logger(Some(logger), LogLevel::Debug).unwrap();
        let default_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            lock(panics()).push(info.to_string());
            default_hook(info);
        }));
    });
}

/// Every panic message seen since [`capture_logs`] was first called.
pub fn panic_messages() -> Vec<String> {
    lock(panics()).clone()
}

fn panics() -> &'static Mutex<Vec<String>> {
    static PANICS: OnceLock<Mutex<Vec<String>>> = OnceLock::new();
    PANICS.get_or_init(|| Mutex::new(Vec::new()))
}

pub fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Asserts that no captured log line and no panic message holds the secret.
pub fn assert_secret_kept() {
    for (level, line) in log_lines() {
        assert!(
            !line.contains(SECRET),
            "a {level:?} log line holds the terminal id (line withheld)"
        );
    }
    for message in panic_messages() {
        assert!(
            !message.contains(SECRET),
            "a panic message holds the terminal id"
        );
    }
}

/// A loopback port with nothing listening on it (bound, then released).
pub fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// A raw loopback TCP server for misbehaviours the simulator does not script. It counts
/// the connections it accepted and stops when dropped.
pub struct RawServer {
    pub addr: SocketAddr,
    pub accepted: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// What a [`RawServer`] does with each connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Behaviour {
    /// Accepts and then says nothing for 30 s (a black hole: TLS never completes, or a
    /// plain HTTP request never gets an answer).
    Tarpit,
    /// Accepts and closes at once, before reading anything.
    AcceptClose,
    /// Reads one HTTP request and answers 400 with an Authsignal error body whose code and
    /// description repeat the request's terminal id (a hostile or careless server).
    EchoTerminalId,
    /// Reads one HTTP request and answers 307 to the URL in `REDIRECT_TO` (set per server).
    Redirect,
}

impl RawServer {
    pub fn start(behaviour: Behaviour) -> RawServer {
        Self::start_redirecting(behaviour, String::new())
    }

    pub fn start_redirecting(behaviour: Behaviour, location: String) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let accepted = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (accepted, stop) = (Arc::clone(&accepted), Arc::clone(&stop));
            std::thread::spawn(move || {
                let mut held = Vec::new();
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let Ok(mut stream) = stream else { continue };
                    accepted.fetch_add(1, Ordering::SeqCst);
                    match behaviour {
                        Behaviour::Tarpit => held.push(stream),
                        Behaviour::AcceptClose => drop(stream),
                        Behaviour::EchoTerminalId | Behaviour::Redirect => {
                            let location = location.clone();
                            std::thread::spawn(move || {
                                let head = read_head(&mut stream);
                                let answer = if behaviour == Behaviour::Redirect {
                                    format!(
                                        "HTTP/1.1 307 Temporary Redirect\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                                    )
                                } else {
                                    let id =
                                        header(&head, "x-authsignal-terminal").unwrap_or_default();
                                    let body = serde_json::json!({
                                        "error": id,
                                        "errorCode": format!("no_terminal_{id}"),
                                        // Again across the 1,024th character, where
                                        // the text is cut: cut before redaction, all
                                        // of the id but its end (SECRET included)
                                        // would come out in clear.
                                        "errorDescription": format!(
                                            "Terminal {id} is not known here.{}{id}",
                                            ".".repeat(
                                                (1024usize - 28)
                                                    .saturating_sub(id.len() + SECRET.len() + 2)
                                            )
                                        ),
                                    })
                                    .to_string();
                                    format!(
                                        "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                                        body.len()
                                    )
                                };
                                let _ = stream.write_all(answer.as_bytes());
                            });
                        }
                    }
                }
            })
        };
        RawServer {
            addr,
            accepted,
            stop,
            thread: Some(thread),
        }
    }

    pub fn http_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    pub fn https_url(&self) -> String {
        format!("https://{}/v1", self.addr)
    }

    pub fn accepted(&self) -> u64 {
        self.accepted.load(Ordering::SeqCst)
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Reads an HTTP request head (up to the empty line) and its Content-Length body.
pub fn read_head(stream: &mut TcpStream) -> String {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut head = Vec::new();
    let mut byte = [0u8];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 64 * 1024 {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let length: usize = header(&head, "content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length.min(1 << 20)];
    let _ = stream.read_exact(&mut body);
    head
}

/// The value of a header in a request head, by case-insensitive name.
pub fn header(head: &str, name: &str) -> Option<String> {
    head.lines().find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().to_string())
    })
}

/// A C ABI client, for tests that drive the C functions. Freed when dropped.
pub struct CClient(pub *mut as_client);
// SAFETY: the header says an as_client may be used from many threads at once.
unsafe impl Send for CClient {}
// SAFETY: as above.
unsafe impl Sync for CClient {}

impl Drop for CClient {
    fn drop(&mut self) {
        unsafe { as_client_free(self.0) };
    }
}

/// Settings for [`c_client`].
#[derive(Clone, Copy)]
pub struct Timeouts {
    pub connect_ms: u32,
    pub request_ms: u32,
}

pub const NORMAL: Timeouts = Timeouts {
    connect_ms: 2000,
    request_ms: 4000,
};

/// Builds a client through the C ABI, polling every 100 ms.
pub fn c_client(base_url: &str, ca_file: Option<&Path>, t: Timeouts) -> CClient {
    let mut o = std::ptr::null_mut();
    assert_eq!(unsafe { as_client_options_new(&mut o) }, as_result::Ok);
    let url = CString::new(base_url).unwrap();
    assert_eq!(
        unsafe { as_client_options_set_base_url(o, url.as_ptr()) },
        as_result::Ok
    );
    if let Some(ca) = ca_file {
        let ca = CString::new(ca.to_str().unwrap()).unwrap();
        assert_eq!(
            unsafe { as_client_options_set_ca_file(o, ca.as_ptr()) },
            as_result::Ok
        );
    }
    assert_eq!(
        unsafe { as_client_options_set_connect_timeout_ms(o, t.connect_ms) },
        as_result::Ok
    );
    assert_eq!(
        unsafe { as_client_options_set_request_timeout_ms(o, t.request_ms) },
        as_result::Ok
    );
    assert_eq!(
        unsafe { as_client_options_set_poll_interval_ms(o, 100) },
        as_result::Ok
    );
    let mut c = std::ptr::null_mut();
    let r = unsafe { as_client_new(o, &mut c) };
    unsafe { as_client_options_free(o) };
    assert_eq!(r, as_result::Ok, "{}", last_error().message);
    CClient(c)
}

/// The calling thread's last error, copied out of the library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastError {
    pub message: String,
    pub http_status: i32,
    pub server_code: Option<String>,
    pub outcome_unknown: bool,
}

pub fn last_error() -> LastError {
    let text = |p: *const c_char| {
        // SAFETY: the library's strings are NUL-terminated and valid until this thread's
        // next call into it; they are copied at once.
        (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
    };
    LastError {
        message: text(as_last_error_message()).expect("the message is never NULL"),
        http_status: as_last_error_http_status(),
        server_code: text(as_last_error_server_code()),
        outcome_unknown: as_last_error_outcome_unknown(),
    }
}

/// "AS_RESULT_TIMEOUT" for a result number.
pub fn result_name(code: u32) -> String {
    // SAFETY: as_result_name returns a static NUL-terminated string.
    unsafe { CStr::from_ptr(as_result_name(code)) }
        .to_string_lossy()
        .into_owned()
}

/// The resident set size of this process in KiB, from /proc/self/statm.
pub fn rss_kib() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    pages * 4
}

/// Where the reliability tables go: `RELIABILITY_TABLE_DIR` when set (see RELIABILITY.md),
/// else Cargo's per-test temp dir.
pub fn write_table(name: &str, markdown: &str) {
    let dir = std::env::var_os("RELIABILITY_TABLE_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")));
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join(name), markdown);
    println!("{markdown}");
}
