//! What the commands print: one JSON object on stdout with `--json`, plain words
//! otherwise; colour only on a terminal and never with `NO_COLOR`; the one-line progress
//! of a wait, on a terminal only.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use authsignal_terminal::{Error, PaymentSession, Report, Verdict};
use serde::Serialize;

use crate::exit::Outcome;

/// The error part of the JSON output.
#[derive(Serialize)]
pub struct JsonError {
    /// `AS_RESULT_…`, as the C ABI names it.
    pub result: String,
    pub message: String,
    pub http_status: Option<u16>,
    pub server_code: Option<String>,
    pub outcome_unknown: bool,
}

impl From<&Error> for JsonError {
    fn from(e: &Error) -> Self {
        JsonError {
            result: result_name(e),
            message: e.message().to_string(),
            http_status: e.http_status(),
            server_code: e.server_code().map(str::to_string),
            outcome_unknown: e.outcome_unknown(),
        }
    }
}

/// The C ABI's name of an error's kind, from the one table that names them.
fn result_name(e: &Error) -> String {
    let name = authsignal_terminal::ffi::error::as_result_name(e.kind().code());
    if name.is_null() {
        return format!("AS_RESULT_{}", e.kind().code());
    }
    // SAFETY: as_result_name returns NULL or a static NUL-terminated string.
    unsafe { std::ffi::CStr::from_ptr(name) }
        .to_string_lossy()
        .into_owned()
}

/// The JSON object `pay`, `get` and `wait` print with `--json`.
#[derive(Serialize, Default)]
pub struct JsonResult {
    pub command: &'static str,
    pub exit_code: u8,
    pub outcome: &'static str,
    pub challenge_id: Option<String>,
    pub status: Option<String>,
    pub reference: Option<String>,
    pub amount: Option<String>,
    pub currency: Option<String>,
    pub error: Option<JsonError>,
}

impl JsonResult {
    pub fn new(command: &'static str, outcome: Outcome) -> Self {
        JsonResult {
            command,
            exit_code: outcome.code(),
            outcome: outcome.name(),
            ..JsonResult::default()
        }
    }

    pub fn with_session(mut self, session: &PaymentSession) -> Self {
        self.challenge_id = Some(session.challenge_id().to_string());
        self.status = Some(session.status_raw().to_string());
        self.reference = session.reference().map(str::to_string);
        self
    }
}

/// The JSON object `doctor` prints with `--json`.
#[derive(Serialize)]
pub struct JsonDoctor<'a> {
    pub command: &'static str,
    pub exit_code: u8,
    pub outcome: &'static str,
    pub diagnosis: &'a Report,
}

pub fn print_json(value: &impl Serialize) {
    let text = serde_json::to_string_pretty(value)
        .unwrap_or_else(|e| format!("{{\"outcome\":\"INTERNAL\",\"error\":\"{e}\"}}"));
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}");
    let _ = out.flush();
}

/// Colours for people at a terminal who did not ask for none (https://no-color.org).
pub struct Style {
    colour: bool,
}

impl Style {
    pub fn for_stdout() -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        // Windows consoles show escape codes as text unless told otherwise: plain there.
        Style {
            colour: cfg!(not(windows)) && !no_color && std::io::stdout().is_terminal(),
        }
    }

    fn paint(&self, text: &str, code: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn outcome(&self, outcome: Outcome, text: &str) -> String {
        match outcome {
            Outcome::Completed => self.paint(text, "32"),
            Outcome::Pending | Outcome::Interrupted | Outcome::Expired => self.paint(text, "33"),
            _ => self.paint(text, "31"),
        }
    }

    /// The diagnosis's text with each line's verdict coloured.
    pub fn diagnosis(&self, report: &Report) -> String {
        let mut text = report.to_text();
        if self.colour {
            for (verdict, code) in [
                (Verdict::Ok, "32"),
                (Verdict::Warn, "33"),
                (Verdict::Fail, "31"),
                (Verdict::Skipped, "2"),
            ] {
                let tag = format!("[{:^6}]", verdict.as_str());
                text = text.replace(&tag, &self.paint(&tag, code));
            }
        }
        text
    }
}

/// The progress line's width: it is redrawn padded to this, and blanked with it.
const LINE_WIDTH: usize = 78;

/// The line `Waiting for the customer: 12 s, status PENDING` on stderr, redrawn in place,
/// only when stderr is a terminal.
pub struct Progress {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Progress {
    pub fn start(enabled: bool) -> Progress {
        let stop = Arc::new(AtomicBool::new(false));
        let thread = (enabled && std::io::stderr().is_terminal()).then(|| {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                let started = Instant::now();
                while !stop.load(Ordering::Acquire) {
                    let mut err = std::io::stderr().lock();
                    let line = format!(
                        "Waiting for the customer: {} s, status PENDING (Ctrl-C stops waiting)",
                        started.elapsed().as_secs()
                    );
                    let _ = write!(err, "\r{line:LINE_WIDTH$}");
                    let _ = err.flush();
                    drop(err);
                    std::thread::sleep(Duration::from_millis(250));
                }
                // Blank the line with spaces (no escape codes, so any console shows it right).
                let _ = write!(std::io::stderr(), "\r{:width$}\r", "", width = LINE_WIDTH);
            })
        });
        Progress { stop, thread }
    }

    pub fn finish(mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
