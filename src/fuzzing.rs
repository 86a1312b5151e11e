//! Entry points for the fuzz targets in `fuzz/` (built only with the `fuzzing` feature,
//! never part of the public API): the internal functions that read what a server sent,
//! reached the way the client reaches them.

use crate::endpoint::{judge, Attempt, CreatePaymentSession, GetPaymentSession};
use crate::error::Error;
use crate::money::Money;
use crate::session::PaymentSession;
use crate::terminal_id::TerminalId;
use crate::transport::Answer;

/// What the client makes of one answer: done (a session or an error), or an error after
/// which it would send the request again.
#[derive(Debug)]
pub enum Judged {
    /// The call ends with this.
    Done(Result<PaymentSession, Error>),
    /// The call would be sent again; this is the error if it is not.
    Retry(Error),
}

fn judged(attempt: Attempt<PaymentSession>) -> Judged {
    match attempt {
        Attempt::Done(result) => Judged::Done(result),
        Attempt::Retry(error, _) => Judged::Retry(error),
    }
}

fn answer(status: u16, body: &[u8]) -> Answer {
    Answer {
        status,
        body: body.to_vec(),
        retry_after: None,
    }
}

/// A create's answer, whatever its status and body, judged as the client judges it.
/// `terminal_id` must be valid (see [`is_valid_terminal_id`]).
pub fn judge_create_answer(status: u16, body: &[u8], terminal_id: &str) -> Judged {
    let id = TerminalId::new(terminal_id).expect("a valid terminal id");
    let money = Money::from_minor(1250, "USD").expect("a valid amount");
    let create = CreatePaymentSession::new(&money, Some("fuzz"));
    judged(judge(&create, Ok(answer(status, body)), id))
}

/// A get's answer to a read of `challenge_id`, judged as the client judges it.
pub fn judge_get_answer(status: u16, body: &[u8], challenge_id: &str, terminal_id: &str) -> Judged {
    let id = TerminalId::new(terminal_id).expect("a valid terminal id");
    let get = GetPaymentSession { challenge_id };
    judged(judge(&get, Ok(answer(status, body)), id))
}

/// Reads a 2xx answer's body as a payment session.
pub fn parse_session(body: &[u8]) -> Result<PaymentSession, Error> {
    PaymentSession::parse(body)
}

/// The error for an answer outside 2xx: where the server's text is cleaned and redacted.
pub fn error_from_status(status: u16, body: &[u8], terminal_id: &str) -> Error {
    Error::from_http_status(status, body, terminal_id)
}

/// Whether every call would accept this terminal id.
pub fn is_valid_terminal_id(id: &str) -> bool {
    TerminalId::new(id).is_ok()
}
