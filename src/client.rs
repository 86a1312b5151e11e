//! The client: the calls of the Terminal API with the library's policy around them: input
//! checks before any I/O, one pipeline for every endpoint (send, judge, retry), and
//! waiting.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::cancel::CancelToken;
use crate::endpoint::{
    cancelled, judge, Attempt, CreatePaymentSession, Endpoint, GetPaymentSession,
};
use crate::error::{Error, ErrorKind};
use crate::journal::{self, Begun, Journal, JournalEntry};
use crate::log::log_line;
use crate::money::Money;
use crate::options::ClientOptions;
use crate::session::PaymentSession;
use crate::terminal_id::TerminalId;
use crate::transport::{Limits, Transport};
use crate::validate;

/// A GET is sent at most this many times (the first try and 2 retries).
const MAX_ATTEMPTS: u32 = 3;
/// The first retry waits about this long; each later one twice as long.
const BACKOFF_BASE: Duration = Duration::from_millis(250);
/// A `Retry-After` longer than this is not waited for: the error goes to the caller.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(5);

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
    journal: Option<Journal>,
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
                options: options.clone(),
                journal: Journal::open(&options.journal)?,
            }),
        })
    }

    /// The client's own transport (the diagnosis reads the server's `Date` through it).
    pub(crate) fn transport(&self) -> &Transport {
        &self.inner.transport
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
        let terminal_id = TerminalId::new(terminal_id)?;
        let reference = validate::reference(reference)?;
        let create = CreatePaymentSession::new(&money, reference);
        let journaled = match (&self.inner.journal, reference) {
            (Some(journal), Some(reference)) => {
                Some((journal, self.inner.begin(journal, terminal_id, reference)?))
            }
            _ => None,
        };
        let mut result = self.inner.call(&create, terminal_id, Limits::default());
        if let Some((journal, attempt)) = journaled {
            let written = journal.finish(attempt, &result);
            if let (Ok(session), Err(e)) = (&mut result, written) {
                session.set_journal_error(e);
            }
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
        let terminal_id = TerminalId::new(terminal_id)?;
        validate::challenge_id(challenge_id)?;
        self.inner.read(
            &GetPaymentSession { challenge_id },
            terminal_id,
            Limits::default(),
        )
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
        let terminal_id = TerminalId::new(terminal_id)?;
        validate::challenge_id(challenge_id)?;
        let read = GetPaymentSession { challenge_id };
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
            match self.inner.read(&read, terminal_id, limits) {
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
    /// The one pipeline every endpoint goes through: send it, judge what came back (or
    /// what the wire saw), and try again while the judgement allows.
    fn call<E: Endpoint>(
        &self,
        endpoint: &E,
        terminal_id: TerminalId<'_>,
        limits: Limits<'_>,
    ) -> Result<E::Output, Error> {
        let path = endpoint.path();
        retrying((E::METHOD.as_str(), &path), limits, || {
            let result =
                self.transport
                    .send(E::METHOD, &path, endpoint.body(), terminal_id, limits);
            judge(endpoint, result, terminal_id)
        })
    }

    /// Reads one session; a final status it sees is recorded in the journal (a failure
    /// to record it comes with the session: [`PaymentSession::journal_error`]).
    fn read(
        &self,
        read: &GetPaymentSession<'_>,
        terminal_id: TerminalId<'_>,
        limits: Limits<'_>,
    ) -> Result<PaymentSession, Error> {
        let mut result = self.call(read, terminal_id, limits);
        if let (Some(journal), Ok(session)) = (&self.journal, &mut result) {
            if session.status().is_final() {
                if let Err(e) = journal.record_status(session) {
                    session.set_journal_error(e);
                }
            }
        }
        result
    }

    /// The journal's side of a create for `reference`: refused, or recorded as being
    /// sent. When the journal can only decide after reading the session the reference
    /// already has, it is read here (with the create's terminal id) and the journal asked
    /// again with the answer; a read that fails refuses the create.
    fn begin(
        &self,
        journal: &Journal,
        terminal_id: TerminalId<'_>,
        reference: &str,
    ) -> Result<journal::Attempt, Error> {
        let mut checked = None;
        // Each round reads the session the entry names; another process may replace the
        // entry between rounds, so a few rounds, not one.
        for _ in 0..3 {
            match journal.begin(terminal_id.secret(), reference, checked.as_ref())? {
                Begun::Go(attempt) => return Ok(attempt),
                Begun::Check(challenge_id) => {
                    let session = validate::challenge_id(&challenge_id)
                        .and_then(|challenge_id| {
                            self.read(
                                &GetPaymentSession { challenge_id },
                                terminal_id,
                                Limits::default(),
                            )
                        })
                        .map_err(|e| journal::check_failed(reference, &challenge_id, &e))?;
                    log_line!(
                        Info,
                        "journal: payment session {challenge_id} of a reference being created again is {}",
                        session.status_raw()
                    );
                    checked = Some(session);
                }
            }
        }
        Err(Error::new(
            ErrorKind::DuplicateReference,
            "the journal's entry for this reference kept changing while it was being checked \
             (other lanes creating it at the same time): nothing was sent",
        ))
    }
}

/// A reference given to the journal's own calls: required, with a create's rules.
fn journal_reference(reference: &str) -> Result<&str, Error> {
    validate::reference(Some(reference))?
        .ok_or_else(|| Error::invalid_argument("reference is required"))
}

/// Runs `attempt` up to [`MAX_ATTEMPTS`] times while it asks for a retry, pausing with
/// jittered exponential backoff, or for the server's `Retry-After` when it is at most
/// [`MAX_RETRY_AFTER`]. A cancelled token ends the retries with the last error, and no
/// pause runs past the limits' deadline.
fn retrying<T>(
    (method, path): (&str, &str),
    limits: Limits<'_>,
    mut attempt: impl FnMut() -> Attempt<T>,
) -> Result<T, Error> {
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
    fn backoff_grows_and_is_jittered_within_bounds() {
        for number in 1..=3 {
            let full = BACKOFF_BASE * 2u32.pow(number - 1);
            let b = backoff(number);
            assert!(b >= full / 2 && b <= full, "{number}: {b:?}");
        }
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
