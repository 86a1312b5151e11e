//! The Terminal API's behaviour: sessions kept in memory, outcomes and faults scripted
//! through `+key=value` directives in the terminal id, and the counters tests read.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::http::{Answer, Reply, Request, Service};
use crate::{lock, Shared, TerminalStats};

const BASE_PATH: &str = "/v1";
const SESSION_PATH: &str = "/terminal/payment-session";
const TERMINAL_HEADER: &str = "x-authsignal-terminal";
/// The size of the `oversized` fault's body, well over the library's 64 KiB cap.
const OVERSIZED_BYTES: usize = 100 * 1024;

#[derive(Default)]
pub(crate) struct State {
    sessions: HashMap<String, Session>,
    terminals: HashMap<String, Terminal>,
}

impl State {
    pub(crate) fn terminal_stats(&self, terminal_id: &str) -> TerminalStats {
        self.terminals
            .get(terminal_id)
            .map(|t| t.stats)
            .unwrap_or_default()
    }
}

#[derive(Default)]
struct Terminal {
    stats: TerminalStats,
    /// Requests the fault matched so far, for `times=N`.
    fault_matches: u64,
}

struct Session {
    terminal_id: String,
    outcome: String,
    pending_polls: u32,
    gets: u32,
    outcome_at: Option<Instant>,
    reference: Option<String>,
}

impl Session {
    /// The status a read sees now, counting this read.
    fn read(&mut self) -> String {
        self.gets = self.gets.saturating_add(1);
        let decided = match self.outcome_at {
            Some(at) => Instant::now() >= at,
            None => self.gets > self.pending_polls,
        };
        if decided {
            self.outcome.clone()
        } else {
            "PENDING".to_string()
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Call {
    Create,
    Get,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum BodyKind {
    Json,
    Html,
    Empty,
}

/// What a terminal id's `+key=value` parts ask for.
struct Directives {
    outcome: String,
    polls: Option<u32>,
    after: Option<Duration>,
    delay: Option<Duration>,
    fault: Option<Fault>,
    on: Option<Call>,
    times: Option<u64>,
    retry_after: Option<u64>,
    body: BodyKind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Fault {
    TooMany,
    Status(u16),
    Malformed,
    Truncated,
    MissingChallengeId,
    MissingStatus,
    UnknownStatus,
    Oversized,
    Drop,
    DropMid,
    Redirect,
    /// Raw bytes that are neither HTTP nor a TLS record, written to the socket itself
    /// (under TLS, after the request was read: the client sees a broken TLS record).
    Garbage,
    /// A valid answer about another payment session than the one asked for.
    OtherSession,
}

impl Fault {
    fn parse(name: &str) -> Option<Fault> {
        Some(match name {
            "429" => Fault::TooMany,
            "500" => Fault::Status(500),
            "502" => Fault::Status(502),
            "503" => Fault::Status(503),
            "504" => Fault::Status(504),
            "malformed" => Fault::Malformed,
            "truncated" => Fault::Truncated,
            "missing-challenge-id" => Fault::MissingChallengeId,
            "missing-status" => Fault::MissingStatus,
            "unknown-status" => Fault::UnknownStatus,
            "oversized" => Fault::Oversized,
            "drop" => Fault::Drop,
            "drop-mid" => Fault::DropMid,
            "redirect" => Fault::Redirect,
            "garbage" => Fault::Garbage,
            "other-session" => Fault::OtherSession,
            // Any status at all, with an empty body: status-303, status-600, …
            other => Fault::Status(
                other
                    .strip_prefix("status-")?
                    .parse()
                    .ok()
                    .filter(|s| (100..=999).contains(s))?,
            ),
        })
    }

    /// Faults whose request a real server would have acted on: a create still creates.
    fn creates(self) -> bool {
        !matches!(
            self,
            Fault::TooMany | Fault::Status(_) | Fault::Redirect | Fault::Garbage
        )
    }
}

impl Directives {
    fn parse(terminal_id: &str) -> Result<Directives, String> {
        let mut d = Directives {
            outcome: "COMPLETED".to_string(),
            polls: None,
            after: None,
            delay: None,
            fault: None,
            on: None,
            times: None,
            retry_after: None,
            body: BodyKind::Json,
        };
        for part in terminal_id.split('+').skip(1) {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| format!("simulator directive without '=': {part}"))?;
            let number = || {
                value
                    .parse::<u64>()
                    .map_err(|_| format!("simulator directive {key} needs a number"))
            };
            match key {
                "outcome" => {
                    if value.is_empty()
                        || !value.bytes().all(|b| b.is_ascii_uppercase() || b == b'_')
                    {
                        return Err("outcome must be an upper-case word".to_string());
                    }
                    d.outcome = value.to_string();
                }
                "polls" => d.polls = Some(number()?.min(u32::MAX as u64) as u32),
                "after" => d.after = Some(Duration::from_millis(number()?)),
                "delay" => d.delay = Some(Duration::from_millis(number()?)),
                "times" => d.times = Some(number()?),
                "retry-after" => d.retry_after = Some(number()?),
                "fault" => {
                    d.fault =
                        Some(Fault::parse(value).ok_or_else(|| format!("unknown fault: {value}"))?)
                }
                "on" => {
                    d.on = match value {
                        "create" => Some(Call::Create),
                        "get" => Some(Call::Get),
                        "all" => None,
                        _ => return Err("on must be create, get or all".to_string()),
                    }
                }
                "body" => {
                    d.body = match value {
                        "json" => BodyKind::Json,
                        "html" => BodyKind::Html,
                        "empty" => BodyKind::Empty,
                        _ => return Err("body must be json, html or empty".to_string()),
                    }
                }
                _ => return Err(format!("unknown simulator directive: {key}")),
            }
        }
        Ok(d)
    }
}

/// An Authsignal-shaped error body.
fn error_body(code: &str, description: &str) -> String {
    json!({"error": code, "errorCode": code, "errorDescription": description}).to_string()
}

fn error(status: u16, code: &str, description: &str) -> Reply {
    Reply::Answer(Answer::json(status, error_body(code, description)))
}

fn session_json(challenge_id: &str, status: &str, reference: Option<&str>) -> Value {
    let mut v = json!({"challengeId": challenge_id, "status": status});
    if let Some(r) = reference {
        v["reference"] = json!(r);
    }
    v
}

/// A random UUID (version 4) as the real API's challenge ids look.
fn new_challenge_id() -> String {
    let mut b: [u8; 16] = std::array::from_fn(|_| fastrand::u8(..));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// How a terminal id may be shown: at most its last 4 characters.
pub(crate) fn redact(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() < 12 {
        return "…".to_string();
    }
    format!("…{}", chars[chars.len() - 4..].iter().collect::<String>())
}

impl Service for Shared {
    fn handle(&self, request: &Request) -> Reply {
        handle(self, request)
    }

    fn unreadable(&self, why: &str) -> Answer {
        Answer::json(400, error_body("invalid_request", why))
    }

    fn clock_offset(&self) -> i64 {
        self.clock_offset
    }
}

fn handle(shared: &Shared, request: &Request) -> Reply {
    let started = Instant::now();
    let terminal = request.header(TERMINAL_HEADER).unwrap_or("");
    let reply = route(shared, request, terminal);
    if shared.log {
        let status = match &reply {
            Reply::Answer(a) => a.status.to_string(),
            Reply::Drop => "dropped".to_string(),
            Reply::Garbage => "raw garbage".to_string(),
            Reply::DropMidway(a) => format!("{} cut mid-body", a.status),
        };
        eprintln!(
            "sim: {} {} terminal {} -> {status} in {} ms",
            request.method,
            request.target,
            redact(terminal),
            started.elapsed().as_millis()
        );
    }
    reply
}

fn route(shared: &Shared, request: &Request, terminal_id: &str) -> Reply {
    let Some(path) = request.target.strip_prefix(BASE_PATH) else {
        return error(404, "not_found", "no such path");
    };
    if path == "/_sim/stats" && request.method == "GET" {
        return stats(shared, request, terminal_id);
    }
    let call = match (request.method.as_str(), path) {
        ("POST", SESSION_PATH) => Call::Create,
        ("GET", p) if p.starts_with(SESSION_PATH) && p[SESSION_PATH.len()..].starts_with('/') => {
            Call::Get
        }
        (_, p) if p.starts_with(SESSION_PATH) => {
            return error(405, "method_not_allowed", "method not allowed")
        }
        _ => return error(404, "not_found", "no such path"),
    };

    shared.requests.fetch_add(1, Ordering::SeqCst);
    let proper = terminal_id.split('+').next().unwrap_or("");
    let paired = !proper.is_empty() && !proper.starts_with("unpaired");
    let directives = Directives::parse(terminal_id);
    let fault = {
        let mut state = lock(&shared.api);
        let t = state.terminals.entry(terminal_id.to_string()).or_default();
        t.stats.requests += 1;
        match call {
            Call::Create => t.stats.creates += 1,
            Call::Get => t.stats.gets += 1,
        }
        match &directives {
            Ok(d) if paired && d.on.is_none_or(|on| on == call) => d.fault.and_then(|f| {
                t.fault_matches += 1;
                d.times.is_none_or(|n| t.fault_matches <= n).then_some(f)
            }),
            _ => None,
        }
    };
    if !paired {
        return error(
            401,
            "unauthorized",
            "The request is unauthorized. Check that your API key and region base URL are correctly configured.",
        );
    }
    let d = match directives {
        Ok(d) => d,
        Err(why) => return error(400, "invalid_request", &why),
    };
    if let Some(delay) = d.delay {
        std::thread::sleep(delay);
    }

    let session = match call {
        Call::Create => {
            if let Some(f) = fault.filter(|f| !f.creates()) {
                return faulty(shared, request, &d, f, None);
            }
            match create(shared, request, terminal_id, &d) {
                Ok(session) => session,
                Err(reply) => return reply,
            }
        }
        Call::Get => {
            let challenge_id = &path[SESSION_PATH.len() + 1..];
            if let Some(f) = fault.filter(|f| !f.creates()) {
                return faulty(shared, request, &d, f, None);
            }
            let mut state = lock(&shared.api);
            match state.sessions.get_mut(challenge_id) {
                Some(s) if s.terminal_id == terminal_id => {
                    session_json(challenge_id, &s.read(), s.reference.as_deref())
                }
                _ => {
                    return error(
                        404,
                        "not_found",
                        "No payment session with this challenge id for this terminal.",
                    )
                }
            }
        }
    };
    match fault {
        Some(f) => faulty(shared, request, &d, f, Some(session)),
        None => Reply::Answer(Answer::json(200, session.to_string())),
    }
}

fn create(
    shared: &Shared,
    request: &Request,
    terminal_id: &str,
    d: &Directives,
) -> Result<Value, Reply> {
    let invalid = |why: &str| error(400, "invalid_request", why);
    let body: Value = serde_json::from_slice(&request.body)
        .map_err(|_| invalid("The request body is not valid JSON."))?;
    let object = body
        .as_object()
        .ok_or_else(|| invalid("The request body must be a JSON object."))?;
    match object.get("amount").and_then(Value::as_f64) {
        Some(a) if a > 0.0 && a.is_finite() => {}
        _ => return Err(invalid("amount must be a number greater than zero.")),
    }
    match object.get("currency").and_then(Value::as_str) {
        Some(c) if c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()) => {}
        _ => return Err(invalid("currency must be a 3-letter ISO 4217 code.")),
    }
    let reference = match object.get("reference") {
        None => None,
        Some(Value::String(r)) => Some(r.clone()),
        Some(_) => return Err(invalid("reference must be a string.")),
    };
    let challenge_id = new_challenge_id();
    let json = session_json(&challenge_id, "PENDING", reference.as_deref());
    lock(&shared.api).sessions.insert(
        challenge_id,
        Session {
            terminal_id: terminal_id.to_string(),
            outcome: d.outcome.clone(),
            pending_polls: d.polls.unwrap_or(shared.default_polls),
            gets: 0,
            outcome_at: d.after.map(|after| Instant::now() + after),
            reference,
        },
    );
    Ok(json)
}

/// The answer a fault gives instead of `session` (the normal answer, when there is one).
fn faulty(
    shared: &Shared,
    request: &Request,
    d: &Directives,
    fault: Fault,
    session: Option<Value>,
) -> Reply {
    let session = session.unwrap_or_else(|| session_json(&new_challenge_id(), "PENDING", None));
    let ok = |body: Vec<u8>| Reply::Answer(Answer::json(200, body));
    match fault {
        Fault::TooMany => {
            let mut answer = Answer::json(
                429,
                error_body("too_many_requests", "Too many requests. Slow down."),
            );
            if let Some(s) = d.retry_after {
                answer.extra_headers.push(("Retry-After", s.to_string()));
            }
            Reply::Answer(answer)
        }
        Fault::Status(status) => {
            let code = match status {
                500 => "internal_error",
                502 => "bad_gateway",
                503 => "service_unavailable",
                504 => "gateway_timeout",
                _ => "simulated_status",
            };
            Reply::Answer(match d.body {
                BodyKind::Json => {
                    Answer::json(status, error_body(code, "The server failed (simulated)."))
                }
                BodyKind::Html => Answer {
                    status,
                    content_type: "text/html",
                    extra_headers: Vec::new(),
                    body: format!("<html><body><h1>{status}</h1>upstream failed</body></html>")
                        .into_bytes(),
                },
                BodyKind::Empty => Answer::json(status, Vec::new()),
            })
        }
        Fault::Malformed => ok(b"<html>this is not JSON</html>".to_vec()),
        Fault::Truncated => {
            let full = session.to_string().into_bytes();
            ok(full[..full.len() / 2].to_vec())
        }
        Fault::MissingChallengeId | Fault::MissingStatus => {
            let mut v = session;
            let field = if fault == Fault::MissingStatus {
                "status"
            } else {
                "challengeId"
            };
            v.as_object_mut().map(|o| o.remove(field));
            ok(v.to_string().into_bytes())
        }
        Fault::UnknownStatus => {
            let mut v = session;
            v["status"] = json!("REFUNDED");
            ok(v.to_string().into_bytes())
        }
        Fault::Oversized => {
            let mut v = session;
            v["padding"] = json!("x".repeat(OVERSIZED_BYTES));
            ok(v.to_string().into_bytes())
        }
        Fault::Drop => Reply::Drop,
        Fault::Garbage => Reply::Garbage,
        Fault::OtherSession => {
            let mut v = session;
            v["challengeId"] = json!(new_challenge_id());
            ok(v.to_string().into_bytes())
        }
        Fault::DropMid => Reply::DropMidway(Answer::json(200, session.to_string())),
        Fault::Redirect => Reply::Answer(Answer {
            status: 307,
            content_type: "application/json",
            extra_headers: vec![(
                "Location",
                format!(
                    "{}{}",
                    shared.base_url.trim_end_matches(BASE_PATH),
                    request.target
                ),
            )],
            body: Vec::new(),
        }),
    }
}

fn stats(shared: &Shared, request: &Request, terminal_id: &str) -> Reply {
    let s = shared.stats();
    let mut v = json!({
        "connections": s.connections,
        "tls_handshakes": s.tls_handshakes,
        "requests": s.requests,
    });
    if request.header(TERMINAL_HEADER).is_some() {
        let t = lock(&shared.api).terminal_stats(terminal_id);
        v["terminal"] = json!({"creates": t.creates, "gets": t.gets, "requests": t.requests});
    }
    Reply::Answer(Answer::json(200, v.to_string()))
}
