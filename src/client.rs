//! The client: the three calls of the Terminal API with the library's policy around them:
//! input checks before any I/O, the retry rules, reading answers, and waiting.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::cancel::CancelToken;
use crate::error::{Error, ErrorKind};
use crate::log::log_line;
use crate::money::Money;
use crate::options::ClientOptions;
use crate::session::PaymentSession;
use crate::transport::{Answer, Transport};
use crate::validate;

/// A GET is sent at most this many times (the first try and 2 retries).
const MAX_ATTEMPTS: u32 = 3;
/// The first retry waits about this long; each later one twice as long.
const BACKOFF_BASE: Duration = Duration::from_millis(250);
/// A `Retry-After` longer than this is not waited for: the error goes to the caller.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(5);
/// How often a wait looks at its cancel token while a read is in flight.
const CANCEL_CHECK: Duration = Duration::from_millis(20);

const CREATE_PATH: &str = "/terminal/payment-session";

/// A client of the Terminal API. Cheap to clone (clones share one connection pool) and
/// safe to use from many threads at once.
///
/// ```no_run
/// use std::time::Duration;
/// use authsignal_terminal::{Client, ClientOptions, PaymentStatus, Region};
///
/// let mut options = ClientOptions::new();
/// options.set_region(Region::Au);
/// let client = Client::new(&options)?;
/// let session = client.create_payment_session_minor("my-terminal-id", 1250, "AUD", Some("order-42"))?;
/// let done = client.wait_payment_session("my-terminal-id", session.challenge_id(), Duration::from_secs(120), None)?;
/// assert!(done.status() != PaymentStatus::Pending);
/// # Ok::<(), authsignal_terminal::Error>(())
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Transport,
    poll_interval: Duration,
    /// What the client was built from, for `diagnose` (it probes with the same settings).
    options: ClientOptions,
}

/// What happened to a request that is worth trying again.
enum Attempt {
    Done(Result<PaymentSession, Error>),
    Retry(Error, Option<Duration>),
}

impl Client {
    /// Builds a client. Fails with [`ErrorKind::InvalidArgument`] when the CA file cannot
    /// be read or the system trust store is empty.
    pub fn new(options: &ClientOptions) -> Result<Client, Error> {
        Ok(Client {
            inner: Arc::new(Inner {
                transport: Transport::new(options)?,
                poll_interval: options.poll_interval,
                options: options.clone(),
            }),
        })
    }

    /// The options this client was built from.
    pub(crate) fn options(&self) -> &ClientOptions {
        &self.inner.options
    }

    /// Starts a payment: the paired terminal prompts the customer for `amount` (in major
    /// units: 12.5 is 12.50 USD) in `currency`. The session starts `Pending`.
    ///
    /// Float noise (`0.1 + 0.2`) is absorbed; an amount with more decimal places than the
    /// currency has (`10.005` USD) is refused. Prefer
    /// [`create_payment_session_minor`](Self::create_payment_session_minor) where the POS
    /// counts in cents.
    ///
    /// Never sent twice once it may have reached the server: on failure, check
    /// [`Error::outcome_unknown`] before creating again.
    pub fn create_payment_session(
        &self,
        terminal_id: &str,
        amount: f64,
        currency: &str,
        reference: Option<&str>,
    ) -> Result<PaymentSession, Error> {
        let money = Money::from_major(amount, currency)?;
        self.create(terminal_id, money, reference)
    }

    /// Starts a payment for an exact amount in minor units: 1250 USD is 12.50 USD, 1000
    /// JPY is 1000 JPY, 1234 BHD is 1.234 BHD. No floating point is involved.
    pub fn create_payment_session_minor(
        &self,
        terminal_id: &str,
        amount_minor: i64,
        currency: &str,
        reference: Option<&str>,
    ) -> Result<PaymentSession, Error> {
        let money = Money::from_minor(amount_minor, currency)?;
        self.create(terminal_id, money, reference)
    }

    /// Starts a payment for an amount already held as [`Money`].
    pub fn create(
        &self,
        terminal_id: &str,
        money: Money,
        reference: Option<&str>,
    ) -> Result<PaymentSession, Error> {
        let terminal_id = validate::terminal_id(terminal_id)?;
        let reference = validate::reference(reference)?;
        let body = create_body(&money, reference);
        let transport = &self.inner.transport;
        retrying(("POST", CREATE_PATH), None, || {
            match transport.post_json(CREATE_PATH, terminal_id, &body) {
                Ok(answer) => Attempt::Done(session_from(answer, true, terminal_id)),
                // Only a failure before the request left the machine may be tried again: a
                // second prompt on the customer's terminal is worse than an error.
                Err(e) if is_connect_failure(&e) => {
                    Attempt::Retry(Error::from_transport(e, true), None)
                }
                Err(e) => Attempt::Done(Err(Error::from_transport(e, true))),
            }
        })
    }

    /// Reads a payment session by its challenge id. Retried (at most twice) on connect
    /// failures, 429, 502, 503 and 504.
    pub fn get_payment_session(
        &self,
        terminal_id: &str,
        challenge_id: &str,
    ) -> Result<PaymentSession, Error> {
        validate::terminal_id(terminal_id)?;
        validate::challenge_id(challenge_id)?;
        self.inner.get(terminal_id, challenge_id, None)
    }

    /// Reads the session until it leaves `Pending`, and returns it then.
    ///
    /// Fails with [`ErrorKind::StillPending`] when `timeout` passes while the session is
    /// still pending, and with [`ErrorKind::Cancelled`] within 100 ms of `cancel` firing.
    /// A read still in flight at that moment is abandoned. The API has no cancel endpoint:
    /// the terminal's prompt stays until the customer acts or it expires (10 minutes by
    /// default). Any other failure of a read (after its retries) ends the wait with that
    /// error; waiting again is always safe. A `timeout` of zero reads the session once
    /// (that read bounded by the request timeout) and fails with `StillPending` if it is.
    pub fn wait_payment_session(
        &self,
        terminal_id: &str,
        challenge_id: &str,
        timeout: Duration,
        cancel: Option<&CancelToken>,
    ) -> Result<PaymentSession, Error> {
        validate::terminal_id(terminal_id)?;
        validate::challenge_id(challenge_id)?;
        let never = CancelToken::new();
        let cancel = cancel.unwrap_or(&never);
        let deadline = Instant::now() + timeout;
        // Only a zero timeout lets its one read outlive the deadline: it asked for a read.
        let mut read_deadline = if timeout.is_zero() {
            Instant::now() + crate::options::MAX_TIMEOUT
        } else {
            deadline
        };
        let mut seen_pending = false;
        loop {
            if cancel.is_cancelled() {
                return Err(cancelled());
            }
            let poll = self.poll(terminal_id, challenge_id, read_deadline, cancel);
            read_deadline = deadline;
            match poll {
                Poll::Answer(Ok(session)) if session.status().is_final() => return Ok(session),
                Poll::Answer(Ok(_)) => {
                    seen_pending = true;
                    log_line!(Debug, "payment session {challenge_id} is still PENDING");
                }
                Poll::Answer(Err(e)) => return Err(e),
                Poll::Cancelled => return Err(cancelled()),
                Poll::DeadlinePassed => break,
            }
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            if cancel.sleep(self.inner.poll_interval.min(deadline - now)) {
                return Err(cancelled());
            }
        }
        Err(if seen_pending {
            Error::new(
                ErrorKind::StillPending,
                format!(
                    "the payment session was still PENDING when the wait's timeout ({} ms) passed; wait again or read it later",
                    timeout.as_millis()
                ),
            )
        } else {
            Error::new(
                ErrorKind::Timeout,
                format!(
                    "the server did not answer within the wait's timeout ({} ms)",
                    timeout.as_millis()
                ),
            )
        })
    }

    /// One read of the session on a helper thread, so that the caller notices its cancel
    /// token and its deadline while the read is in flight.
    fn poll(
        &self,
        terminal_id: &str,
        challenge_id: &str,
        deadline: Instant,
        cancel: &CancelToken,
    ) -> Poll {
        let (tx, rx) = mpsc::channel();
        let abandon = CancelToken::new();
        let reader = {
            let inner = Arc::clone(&self.inner);
            let (terminal_id, challenge_id) = (terminal_id.to_string(), challenge_id.to_string());
            let abandon = abandon.clone();
            move || {
                // The receiver may be gone when the wait was abandoned: nothing to tell then.
                let _ = tx.send(inner.get(&terminal_id, &challenge_id, Some(&abandon)));
            }
        };
        if let Err(e) = std::thread::Builder::new()
            .name("authsignal-terminal-poll".into())
            .spawn(reader)
        {
            return Poll::Answer(Err(Error::internal(format!(
                "could not start a thread to read the session: {e}"
            ))));
        }
        loop {
            let now = Instant::now();
            if now >= deadline {
                abandon.cancel();
                return Poll::DeadlinePassed;
            }
            match rx.recv_timeout(CANCEL_CHECK.min(deadline - now)) {
                Ok(result) => return Poll::Answer(result),
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if cancel.is_cancelled() {
                        abandon.cancel();
                        return Poll::Cancelled;
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Poll::Answer(Err(Error::internal(
                        "the thread reading the session stopped without an answer (a panic)",
                    )))
                }
            }
        }
    }
}

enum Poll {
    Answer(Result<PaymentSession, Error>),
    Cancelled,
    DeadlinePassed,
}

impl Inner {
    fn get(
        &self,
        terminal_id: &str,
        challenge_id: &str,
        cancel: Option<&CancelToken>,
    ) -> Result<PaymentSession, Error> {
        let path = format!("{CREATE_PATH}/{challenge_id}");
        retrying(("GET", &path), cancel, || {
            match self.transport.get(&path, terminal_id) {
                Ok(answer) if matches!(answer.status, 429 | 502 | 503 | 504) => Attempt::Retry(
                    status_error(&answer, false, terminal_id),
                    answer.retry_after,
                ),
                Ok(answer) => Attempt::Done(session_from(answer, false, terminal_id)),
                Err(e) if is_connect_failure(&e) => {
                    Attempt::Retry(Error::from_transport(e, false), None)
                }
                Err(e) => Attempt::Done(Err(Error::from_transport(e, false))),
            }
        })
    }
}

/// Runs `attempt` up to [`MAX_ATTEMPTS`] times while it asks for a retry, pausing with
/// jittered exponential backoff, or for the server's `Retry-After` when it is at most
/// [`MAX_RETRY_AFTER`]. A cancelled token ends the retries with the last error.
fn retrying(
    (method, path): (&str, &str),
    cancel: Option<&CancelToken>,
    mut attempt: impl FnMut() -> Attempt,
) -> Result<PaymentSession, Error> {
    let mut number = 1;
    loop {
        match attempt() {
            Attempt::Done(result) => return result,
            Attempt::Retry(error, retry_after) => {
                if number >= MAX_ATTEMPTS {
                    log_line!(
                        Error,
                        "{method} {path}: giving up after {number} attempts: {error}"
                    );
                    return Err(error);
                }
                let pause = match retry_after {
                    Some(asked) if asked > MAX_RETRY_AFTER => {
                        log_line!(
                            Error,
                            "{method} {path}: not retrying, the server asked to wait {} s: {error}",
                            asked.as_secs()
                        );
                        return Err(error);
                    }
                    Some(asked) => asked,
                    None => backoff(number),
                };
                log_line!(
                    Warn,
                    "{method} {path}: {error}; retrying in {} ms (attempt {} of {MAX_ATTEMPTS})",
                    pause.as_millis(),
                    number + 1
                );
                let cancelled = match cancel {
                    Some(token) => token.sleep(pause),
                    None => {
                        std::thread::sleep(pause);
                        false
                    }
                };
                if cancelled {
                    return Err(error);
                }
                number += 1;
            }
        }
    }
}

/// The pause before retry `number`: half to all of `BACKOFF_BASE * 2^(number-1)`, chosen
/// at random so that many POS do not retry in step.
fn backoff(number: u32) -> Duration {
    let full = BACKOFF_BASE * 2u32.pow(number.saturating_sub(1).min(8));
    let random = RandomState::new().build_hasher().finish();
    let fraction = 0.5 + (random % 1000) as f64 / 2000.0;
    full.mul_f64(fraction)
}

/// True when the request certainly never left the machine: DNS or connect failure.
fn is_connect_failure(e: &ureq::Error) -> bool {
    match e {
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => true,
        ureq::Error::Timeout(ureq::Timeout::Connect | ureq::Timeout::Resolve) => true,
        ureq::Error::Io(io) => io.kind() == std::io::ErrorKind::ConnectionRefused,
        _ => false,
    }
}

/// The error for an answer outside 2xx. This is where the server's own text enters an
/// error, so a terminal id the server repeated is redacted here.
fn status_error(answer: &Answer, creating: bool, terminal_id: &str) -> Error {
    Error::from_http_status(answer.status, &answer.body, creating).redacting(terminal_id)
}

/// Turns an answer into a session or an error. `creating` says whether it answers a
/// create, where a 2xx that cannot be read still means a session probably exists.
fn session_from(
    answer: Answer,
    creating: bool,
    terminal_id: &str,
) -> Result<PaymentSession, Error> {
    if !(200..300).contains(&answer.status) {
        return Err(status_error(&answer, creating, terminal_id));
    }
    PaymentSession::parse(&answer.body).map_err(|e| {
        if creating {
            let message = format!(
                "{}; the server accepted the request (HTTP {}), so the payment session was probably created: check the terminal before creating again",
                e.message(),
                answer.status
            );
            Error::new(e.kind(), message)
                .with_outcome_unknown(true)
                .with_http_status(answer.status)
        } else {
            e.with_http_status(answer.status)
        }
    })
}

/// The create request's JSON. The amount is written from exact minor units; the
/// reference is sent only when given. Written straight into one buffer: this runs on
/// every create.
fn create_body(money: &Money, reference: Option<&str>) -> String {
    let mut body = Vec::with_capacity(64 + reference.map_or(0, |r| r.len() + 16));
    body.extend_from_slice(b"{\"amount\":");
    money.write_major_decimal(&mut body);
    body.extend_from_slice(b",\"currency\":\"");
    body.extend_from_slice(money.currency().as_str().as_bytes());
    body.push(b'"');
    if let Some(reference) = reference {
        body.extend_from_slice(b",\"reference\":");
        // Writing a &str into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut body, reference);
    }
    body.push(b'}');
    // Only ASCII and serde_json's (valid UTF-8) string were written.
    String::from_utf8(body).unwrap_or_default()
}

fn cancelled() -> Error {
    Error::new(
        ErrorKind::Cancelled,
        "the wait was cancelled; the terminal's prompt stays until the customer acts or it expires",
    )
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("poll_interval", &self.inner.poll_interval)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_body_is_exact_json() {
        let m = Money::from_minor(1250, "usd").unwrap();
        assert_eq!(create_body(&m, None), r#"{"amount":12.5,"currency":"USD"}"#);
        let m = Money::from_major(0.1 + 0.2, "NZD").unwrap();
        assert_eq!(
            create_body(&m, Some("order \"7\"\n")),
            r#"{"amount":0.3,"currency":"NZD","reference":"order \"7\"\n"}"#
        );
        let parsed: serde_json::Value = serde_json::from_str(&create_body(
            &Money::from_minor(1234, "BHD").unwrap(),
            Some("r"),
        ))
        .unwrap();
        assert_eq!(parsed["amount"].as_f64(), Some(1.234));
    }

    #[test]
    fn backoff_grows_and_is_jittered_within_bounds() {
        for number in 1..=3 {
            let full = BACKOFF_BASE * 2u32.pow(number - 1);
            let b = backoff(number);
            assert!(b >= full / 2 && b <= full, "{number}: {b:?}");
        }
    }

    #[test]
    fn connect_failures_are_the_only_retryable_transport_errors() {
        assert!(is_connect_failure(&ureq::Error::HostNotFound));
        assert!(is_connect_failure(&ureq::Error::Io(
            std::io::ErrorKind::ConnectionRefused.into()
        )));
        assert!(!is_connect_failure(&ureq::Error::Io(
            std::io::ErrorKind::ConnectionReset.into()
        )));
        assert!(!is_connect_failure(&ureq::Error::Timeout(
            ureq::Timeout::Global
        )));
    }

    #[test]
    fn an_unreadable_2xx_to_a_create_leaves_the_outcome_unknown() {
        let answer = |body: &[u8]| Answer {
            status: 200,
            body: body.to_vec(),
            retry_after: None,
        };
        let e = session_from(answer(b"{oops"), true, "tid").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Protocol);
        assert!(e.outcome_unknown());
        let e = session_from(answer(b"{oops"), false, "tid").unwrap_err();
        assert!(!e.outcome_unknown());
    }

    #[test]
    fn invalid_input_fails_before_any_io() {
        // Port 9 on loopback: were anything sent, this would be a network error instead.
        let mut options = ClientOptions::new();
        options.set_base_url("http://127.0.0.1:9/v1").unwrap();
        let client = Client::new(&options).unwrap();
        let kind = |r: Result<PaymentSession, Error>| r.unwrap_err().kind();
        assert_eq!(
            kind(client.create_payment_session("", 1.0, "USD", None)),
            ErrorKind::InvalidArgument
        );
        assert_eq!(
            kind(client.create_payment_session("tid", f64::NAN, "USD", None)),
            ErrorKind::InvalidArgument
        );
        assert_eq!(
            kind(client.create_payment_session("tid", 1.0, "US", None)),
            ErrorKind::InvalidArgument
        );
        assert_eq!(
            kind(client.create_payment_session_minor("tid", 0, "USD", None)),
            ErrorKind::InvalidArgument
        );
        assert_eq!(
            kind(client.get_payment_session("tid", "../admin")),
            ErrorKind::InvalidArgument
        );
        assert_eq!(
            kind(client.wait_payment_session("t id", "abc", Duration::from_secs(1), None)),
            ErrorKind::InvalidArgument
        );
    }
}
