//! The client: the three calls of the Terminal API with the library's policy around them:
//! input checks before any I/O, the retry rules, reading answers, and waiting.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::cancel::CancelToken;
use crate::error::{Error, ErrorKind};
use crate::journal::{Journal, JournalEntry};
use crate::log::log_line;
use crate::money::Money;
use crate::options::ClientOptions;
use crate::session::PaymentSession;
use crate::transport::{Answer, Failure, Limits, Transport};
use crate::validate;

/// A GET is sent at most this many times (the first try and 2 retries).
const MAX_ATTEMPTS: u32 = 3;
/// The first retry waits about this long; each later one twice as long.
const BACKOFF_BASE: Duration = Duration::from_millis(250);
/// A `Retry-After` longer than this is not waited for: the error goes to the caller.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(5);

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
    journal: Option<Journal>,
}

/// What happened to a request that is worth trying again.
enum Attempt {
    Done(Result<PaymentSession, Error>),
    Retry(Error, Option<Duration>),
}

impl Client {
    /// Builds a client. Fails with [`ErrorKind::InvalidArgument`] when the CA file cannot
    /// be read or the system trust store is empty, and with [`ErrorKind::Journal`] when
    /// a journal is set and cannot be opened.
    pub fn new(options: &ClientOptions) -> Result<Client, Error> {
        Ok(Client {
            inner: Arc::new(Inner {
                transport: Transport::new(options)?,
                poll_interval: options.poll_interval,
                journal: Journal::open(&options.journal)?,
            }),
        })
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
        let journaled = match (&self.inner.journal, reference) {
            (Some(journal), Some(reference)) => {
                Some((journal, journal.begin(terminal_id, reference)?))
            }
            _ => None,
        };
        let result = retrying(("POST", CREATE_PATH), Limits::default(), || {
            judge(
                Call::Create,
                transport.post_json(CREATE_PATH, terminal_id, &body),
                terminal_id,
            )
        });
        if let Some((journal, attempt)) = journaled {
            journal.finish(attempt, &result);
        }
        result
    }

    /// What the journal knows about the last create for `reference`, so a POS that
    /// restarted can wait for the session it had started. Fails with
    /// [`ErrorKind::NotFound`] when the journal knows none, and with
    /// [`ErrorKind::InvalidArgument`] when this client has no journal.
    pub fn find_payment_session(&self, reference: &str) -> Result<JournalEntry, Error> {
        self.journal()?.find(journal_reference(reference)?)
    }

    /// Forgets `reference` in the journal: the cashier has checked the terminal and
    /// nothing is prompting, so the next create for it may go. Forgetting a reference
    /// the journal does not know succeeds. Fails with [`ErrorKind::InvalidArgument`]
    /// when this client has no journal.
    pub fn forget_reference(&self, reference: &str) -> Result<(), Error> {
        self.journal()?
            .forget(journal_reference(reference)?)
            .map(drop)
    }

    fn journal(&self) -> Result<&Journal, Error> {
        self.inner.journal.as_ref().ok_or_else(|| {
            Error::invalid_argument("this client has no payment journal (set a journal path)")
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
        self.inner.get(terminal_id, challenge_id, Limits::default())
    }

    /// Reads the session until it leaves `Pending`, and returns it then.
    ///
    /// Fails with [`ErrorKind::StillPending`] when `timeout` passes while the session is
    /// still pending, and with [`ErrorKind::Cancelled`] within 100 ms of `cancel` firing.
    /// The wait runs on the calling thread: a read in flight when the token fires or the
    /// deadline passes is stopped by closing its connection, and no thread of the library
    /// goes on after the wait returns. The API has no cancel endpoint: the terminal's
    /// prompt stays until the customer acts or it expires (10 minutes by default). Any
    /// other failure of a read (after its retries) ends the wait with that error; waiting
    /// again is always safe. A `timeout` of zero reads the session once (that read bounded
    /// by the request timeout) and fails with `StillPending` if it is.
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
        let mut read_deadline = (!timeout.is_zero()).then_some(deadline);
        let mut seen_pending = false;
        loop {
            if cancel.is_cancelled() {
                return Err(cancelled());
            }
            let limits = Limits {
                cancel: Some(cancel),
                deadline: read_deadline,
            };
            read_deadline = Some(deadline);
            match self.inner.get(terminal_id, challenge_id, limits) {
                Ok(session) if session.status().is_final() => return Ok(session),
                Ok(_) => {
                    seen_pending = true;
                    log_line!(Debug, "payment session {challenge_id} is still PENDING");
                }
                Err(_) if cancel.is_cancelled() => return Err(cancelled()),
                // The read was cut short by the wait's own deadline.
                Err(e) if e.kind() == ErrorKind::Timeout && Instant::now() >= deadline => break,
                Err(e) => return Err(e),
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
}

impl Inner {
    fn get(
        &self,
        terminal_id: &str,
        challenge_id: &str,
        limits: Limits<'_>,
    ) -> Result<PaymentSession, Error> {
        let path = format!("{CREATE_PATH}/{challenge_id}");
        let result = retrying(("GET", &path), limits, || {
            judge(
                Call::Read { challenge_id },
                self.transport.get(&path, terminal_id, limits),
                terminal_id,
            )
        });
        if let (Some(journal), Ok(session)) = (&self.journal, &result) {
            if session.status().is_final() {
                journal.record_status(session);
            }
        }
        result
    }
}

/// A reference given to the journal's own calls: required, with a create's rules.
fn journal_reference(reference: &str) -> Result<&str, Error> {
    validate::reference(Some(reference))?
        .ok_or_else(|| Error::invalid_argument("reference is required"))
}

/// The calls of the Terminal API, as far as judging their results goes.
#[derive(Clone, Copy)]
enum Call<'a> {
    /// A create: sent again only when no byte of it reached the server.
    Create,
    /// A read of one session: always safe to send again.
    Read { challenge_id: &'a str },
}

/// What one exchange means: the one place that decides, from what the wire saw, whether
/// to try again and whether a create's outcome is unknown, so the two never disagree.
///
/// A create's outcome is unknown exactly when a byte of it reached a socket and no
/// complete, readable 2xx and no 4xx (a definitive refusal) came back.
fn judge(call: Call<'_>, result: Result<Answer, Failure>, terminal_id: &str) -> Attempt {
    let creating = matches!(call, Call::Create);
    match result {
        Ok(answer) if (200..300).contains(&answer.status) => {
            Attempt::Done(session_from(&answer, call))
        }
        Ok(answer) if !creating && matches!(answer.status, 429 | 502 | 503 | 504) => {
            Attempt::Retry(status_error(&answer, terminal_id), answer.retry_after)
        }
        Ok(answer) if (400..500).contains(&answer.status) => {
            Attempt::Done(Err(status_error(&answer, terminal_id)))
        }
        Ok(answer) => {
            let error = status_error(&answer, terminal_id);
            Attempt::Done(Err(if creating {
                error.outcome_unknown_after_sending()
            } else {
                error
            }))
        }
        Err(failure) => {
            let error = Error::from_transport(&failure.error, failure.written);
            let transient = match error.kind() {
                ErrorKind::Network => true,
                ErrorKind::Timeout => !failure.written,
                _ => false,
            };
            // A create whose bytes may have reached the server is never sent again: a
            // second prompt on the customer's terminal is worse than an error.
            let may_resend = !creating || !failure.written;
            if failure.interrupted {
                Attempt::Done(Err(cancelled()))
            } else if transient && may_resend {
                Attempt::Retry(error, None)
            } else if creating && failure.written {
                Attempt::Done(Err(error.outcome_unknown_after_sending()))
            } else {
                Attempt::Done(Err(error))
            }
        }
    }
}

/// Runs `attempt` up to [`MAX_ATTEMPTS`] times while it asks for a retry, pausing with
/// jittered exponential backoff, or for the server's `Retry-After` when it is at most
/// [`MAX_RETRY_AFTER`]. A cancelled token ends the retries with the last error, and no
/// pause runs past the limits' deadline.
fn retrying(
    (method, path): (&str, &str),
    limits: Limits<'_>,
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
                let pause = match limits.deadline {
                    Some(deadline) => pause.min(deadline.saturating_duration_since(Instant::now())),
                    None => pause,
                };
                let cancelled = match limits.cancel {
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

/// The error for an answer outside 2xx. This is where the server's own text enters an
/// error; `from_http_status` redacts a terminal id the server repeated, before cutting.
fn status_error(answer: &Answer, terminal_id: &str) -> Error {
    Error::from_http_status(answer.status, &answer.body, terminal_id)
}

/// Reads a 2xx answer. A create's 2xx that cannot be read still means a session probably
/// exists; a read's answer must be about the session asked for.
fn session_from(answer: &Answer, call: Call<'_>) -> Result<PaymentSession, Error> {
    let parsed = PaymentSession::parse(&answer.body);
    match (parsed, call) {
        (Ok(session), Call::Read { challenge_id }) if session.challenge_id() != challenge_id => {
            Err(Error::protocol(
                "the server answered with another payment session than the one asked for",
            )
            .with_http_status(answer.status))
        }
        (Ok(session), _) => Ok(session),
        (Err(e), Call::Create) => {
            let message = format!(
                "{}; the server accepted the request (HTTP {}), so the payment session was probably created: check the terminal before creating again",
                e.message(),
                answer.status
            );
            Err(Error::new(e.kind(), message)
                .with_outcome_unknown(true)
                .with_http_status(answer.status))
        }
        (Err(e), Call::Read { .. }) => Err(e.with_http_status(answer.status)),
    }
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
            .field("journal", &self.inner.journal)
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

    fn answer(status: u16, body: &[u8]) -> Answer {
        Answer {
            status,
            body: body.to_vec(),
            retry_after: None,
        }
    }

    fn failure(error: ureq::Error, written: bool) -> Failure {
        Failure {
            error,
            written,
            interrupted: false,
        }
    }

    /// (retried, outcome unknown) for a create's result.
    fn create_verdict(result: Result<Answer, Failure>) -> (bool, bool) {
        match judge(Call::Create, result, "tid") {
            Attempt::Retry(e, _) => {
                assert!(!e.outcome_unknown(), "{e:?}");
                (true, false)
            }
            Attempt::Done(Ok(_)) => (false, false),
            Attempt::Done(Err(e)) => (false, e.outcome_unknown()),
        }
    }

    #[test]
    fn a_create_is_judged_by_what_the_wire_saw_not_by_the_error_type() {
        use std::io::ErrorKind as Io;
        let tls = || ureq::Error::Rustls(rustls::Error::DecryptError);
        // Nothing written: certainly not created; transient failures are tried again.
        for (error, retried) in [
            (ureq::Error::HostNotFound, true),
            (ureq::Error::ConnectionFailed, true),
            (ureq::Error::Io(Io::ConnectionRefused.into()), true),
            (ureq::Error::Timeout(ureq::Timeout::Connect), true),
            (ureq::Error::ConnectProxyFailed("403".into()), true),
            (tls(), false),
        ] {
            let shown = format!("{error:?}");
            assert_eq!(
                create_verdict(Err(failure(error, false))),
                (retried, false),
                "{shown}"
            );
        }
        // A byte written: never sent again, and the outcome is unknown, whatever the error.
        for error in [
            ureq::Error::Io(Io::ConnectionReset.into()),
            ureq::Error::Io(Io::UnexpectedEof.into()),
            ureq::Error::Timeout(ureq::Timeout::Global),
            tls(),
            ureq::Error::HostNotFound,
        ] {
            let shown = format!("{error:?}");
            assert_eq!(
                create_verdict(Err(failure(error, true))),
                (false, true),
                "{shown}"
            );
        }
        // Answers: a 4xx is definitive, anything else but a readable 2xx leaves doubt.
        assert_eq!(create_verdict(Ok(answer(400, b""))), (false, false));
        assert_eq!(create_verdict(Ok(answer(429, b""))), (false, false));
        for status in [100, 303, 500, 503, 600, 999] {
            assert_eq!(
                create_verdict(Ok(answer(status, b""))),
                (false, true),
                "{status}"
            );
        }
        assert_eq!(create_verdict(Ok(answer(200, b"{oops"))), (false, true));
    }

    #[test]
    fn a_read_is_always_safe_to_send_again() {
        let read = Call::Read { challenge_id: "c1" };
        let retried = |result| matches!(judge(read, result, "tid"), Attempt::Retry(..));
        let reset = || ureq::Error::Io(std::io::ErrorKind::ConnectionReset.into());
        // A kept-alive connection the server had closed fails after the request was written.
        assert!(retried(Err(failure(reset(), true))));
        assert!(retried(Err(failure(ureq::Error::HostNotFound, false))));
        assert!(retried(Ok(answer(503, b""))));
        assert!(!retried(Ok(answer(500, b""))));
        assert!(!retried(Err(failure(
            ureq::Error::Timeout(ureq::Timeout::Global),
            true
        ))));
        let cancelled = Failure {
            interrupted: true,
            ..failure(reset(), true)
        };
        match judge(read, Err(cancelled), "tid") {
            Attempt::Done(Err(e)) => assert_eq!(e.kind(), ErrorKind::Cancelled),
            _ => panic!("an interrupted read must end as cancelled"),
        }
    }

    #[test]
    fn an_unreadable_2xx_to_a_create_leaves_the_outcome_unknown() {
        let e = session_from(&answer(200, b"{oops"), Call::Create).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Protocol);
        assert!(e.outcome_unknown());
        let read = Call::Read { challenge_id: "c1" };
        let e = session_from(&answer(200, b"{oops"), read).unwrap_err();
        assert!(!e.outcome_unknown());
    }

    #[test]
    fn a_read_answered_with_another_session_is_refused() {
        let body = br#"{"challengeId":"other","status":"COMPLETED"}"#;
        let mine = Call::Read {
            challenge_id: "mine",
        };
        let e = session_from(&answer(200, body), mine).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Protocol);
        let other = Call::Read {
            challenge_id: "other",
        };
        assert!(session_from(&answer(200, body), other).is_ok());
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
