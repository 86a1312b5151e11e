//! What the commands print: one JSON object on stdout with `--json`, plain words
//! otherwise; colour only on a terminal and never with `NO_COLOR`; the one-line progress
//! of a wait, on a terminal only.
//!
//! Every write goes through [`out`], [`err`] or [`print_json`]: none of them can panic
//! (a closed stdout or stderr, `pay … | head -c1`, only loses the text: the exit code
//! stays the payment's), and each takes the configured terminal id out of what it
//! writes ([`set_secret`]). [`finish_once`] makes sure a command's result is printed
//! once, by the command or by a second Ctrl-C, never both.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
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
pub fn result_name(e: &Error) -> String {
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
    /// Set when the payment is real but the journal could not record it (its file was
    /// deleted or replaced while the command ran): the journal's message.
    pub journal_error: Option<String>,
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
        self.journal_error = session.journal_error().map(str::to_string);
        self
    }
}

/// The JSON object `forget` prints with `--json`.
#[derive(Serialize)]
pub struct JsonForget {
    pub command: &'static str,
    pub exit_code: u8,
    pub outcome: &'static str,
    pub reference: String,
    /// What the journal knew: the session's challenge id and last status, when known.
    pub challenge_id: Option<String>,
    pub status: Option<String>,
    /// True when the journal's entry was removed.
    pub forgotten: bool,
    pub error: Option<JsonError>,
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
    write_all(&mut std::io::stdout().lock(), &scrub(&text));
}

/// The terminal ids the command may know (the environment's, the file's): nothing
/// written may contain them.
static SECRETS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Ids shorter than this are not searched for in the output (each is redacted to "…"
/// anyway, and a very short one would match ordinary words).
const MIN_SCRUBBED_LEN: usize = 6;

/// Records a terminal id the command may run with: [`out`], [`err`] and [`print_json`]
/// replace it (as text, and as JSON writes it) with its redacted form.
pub fn set_secret(terminal_id: &str) {
    if terminal_id.len() >= MIN_SCRUBBED_LEN {
        SECRETS
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(terminal_id.to_string());
    }
}

/// `text` without the configured terminal id in it.
pub fn scrub(text: &str) -> String {
    let secrets = SECRETS.lock().unwrap_or_else(PoisonError::into_inner);
    let mut text = text.to_string();
    for id in secrets.iter() {
        let shown = authsignal_terminal::redact_terminal_id(id);
        text = text.replace(id.as_str(), &shown);
        if let Ok(quoted) = serde_json::to_string(id) {
            let inner = &quoted[1..quoted.len() - 1];
            if inner != id {
                text = text.replace(inner, &shown);
            }
        }
    }
    text
}

/// Text that came from outside (a reference, a server's status or message, a path) as
/// it may be shown on a terminal: control characters (newlines, escape sequences, C1
/// controls) written as `\n`, `\u{1b}`, … so that nothing printed can move the cursor,
/// retitle the window or fake a line of output.
pub fn escape(text: &str) -> String {
    let mut shown = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => shown.push_str("\\n"),
            '\r' => shown.push_str("\\r"),
            '\t' => shown.push_str("\\t"),
            c if c.is_control() || is_bidi_control(c) => {
                shown.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
            }
            c => shown.push(c),
        }
    }
    shown
}

/// [`escape`] for a text of several lines: each line escaped, the line breaks kept.
pub fn escape_lines(text: &str) -> String {
    text.split('\n').map(escape).collect::<Vec<_>>().join("\n")
}

/// The Unicode controls that reorder text on display (Trojan Source).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Writes a line on stdout; a closed stdout loses it, never panics.
pub fn out(line: &str) {
    write_all(&mut std::io::stdout().lock(), &format!("{}\n", scrub(line)));
}

/// Writes a line on stderr; a closed stderr loses it, never panics.
pub fn err(line: &str) {
    write_all(&mut std::io::stderr().lock(), &format!("{}\n", scrub(line)));
}

fn write_all(stream: &mut impl Write, text: &str) {
    let _ = stream.write_all(text.as_bytes());
    let _ = stream.flush();
}

/// Whether a command's result has been printed.
static PRINTED: Mutex<bool> = Mutex::new(false);

/// Runs `print` unless a result was printed already, and returns whether it ran. The
/// command's own result and a second Ctrl-C both go through here, so stdout gets one
/// result, whole: the lock is held while `print` runs.
pub fn finish_once(print: impl FnOnce()) -> bool {
    let mut printed = PRINTED.lock().unwrap_or_else(PoisonError::into_inner);
    if *printed {
        return false;
    }
    print();
    *printed = true;
    true
}

/// Like [`finish_once`], for the second Ctrl-C: prints and ends the program with `code`
/// while still holding the lock, so the command cannot print a second result.
pub fn finish_and_exit(code: u8, print: impl FnOnce()) {
    let mut printed = PRINTED.lock().unwrap_or_else(PoisonError::into_inner);
    if *printed {
        return;
    }
    print();
    *printed = true;
    std::process::exit(i32::from(code));
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

    /// The diagnosis's text with each line's verdict coloured, and control characters
    /// inside a line (a hostile server's certificate names them) escaped.
    pub fn diagnosis(&self, report: &Report) -> String {
        let mut text = escape_lines(&report.to_text());
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape("order-42 ✓"), "order-42 ✓");
        assert_eq!(escape("a\nb\r\tc"), r"a\nb\r\tc");
        assert_eq!(escape("\x1b]0;title\x07"), r"\u{1b}]0;title\u{7}");
        assert_eq!(escape("\u{9b}31m"), r"\u{9b}31m");
        assert_eq!(escape("\u{202e}txt"), r"\u{202e}txt");
        assert_eq!(escape_lines("one\x1b\ntwo\n"), "one\\u{1b}\ntwo\n");
    }
}
