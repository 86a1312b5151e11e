//! Entry points for the fuzz targets in `fuzz/` (built only with the `fuzzing` feature,
//! never part of the public API): the internal functions that read what a server sent,
//! reached the way the client reaches them, and the transport's reading of an answer off
//! the wire.

use crate::endpoint::{judge, Attempt, CreatePaymentSession, GetPaymentSession};
use crate::error::Error;
use crate::money::Money;
use crate::session::PaymentSession;
use crate::terminal_id::TerminalId;
use crate::transport::Answer;
use ureq::unversioned::transport::{Buffers, LazyBuffers, NextTimeout, Transport};

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

/// One answer as the transport reads it off a connection (`http1.rs`): `bytes` is all the
/// server sends before it closes, arriving `piece` bytes at a time. The status and body,
/// or the error's text.
pub fn read_answer(bytes: &[u8], piece: usize) -> Result<(u16, Vec<u8>), String> {
    use crate::http1::{self, Deadline};
    let mut replay = Replay {
        buffers: LazyBuffers::new(crate::http1::MAX_BODY_BYTES + 16 * 1024, 16 * 1024),
        bytes: bytes.to_vec(),
        at: 0,
        piece: piece.max(1),
    };
    let deadline = Deadline {
        at: std::time::Instant::now() + std::time::Duration::from_secs(60),
        reason: ureq::Timeout::Global,
    };
    http1::receive(&mut replay, deadline, true, true)
        .map(|response| (response.status, response.body))
        .map_err(|e| e.to_string())
}

/// A connection that replays what a server sent.
#[derive(Debug)]
struct Replay {
    buffers: LazyBuffers,
    bytes: Vec<u8>,
    at: usize,
    piece: usize,
}

impl Transport for Replay {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, _: usize, _: NextTimeout) -> Result<(), ureq::Error> {
        Ok(())
    }

    fn await_input(&mut self, _: NextTimeout) -> Result<bool, ureq::Error> {
        let input = self.buffers.input_append_buf();
        let n = input.len().min(self.piece).min(self.bytes.len() - self.at);
        input[..n].copy_from_slice(&self.bytes[self.at..self.at + n]);
        self.at += n;
        self.buffers.input_appended(n);
        Ok(n > 0)
    }

    fn is_open(&mut self) -> bool {
        false
    }
}
