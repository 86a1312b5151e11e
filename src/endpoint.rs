//! The Terminal API's endpoints, each described once: its method and path, whether it may
//! be sent again once a byte of it may have reached the server, and how its answer is
//! read. Every endpoint goes through one pipeline (`Client::call`): the transport sends it
//! and says what the wire saw, [`judge`] decides what that means, and the retry loop acts
//! on the decision. Adding an endpoint is a new type implementing [`Endpoint`] (see
//! ARCHITECTURE.md for the other files it touches).

use std::borrow::Cow;

use ureq::http::Method;

use crate::error::{Error, ErrorKind};
use crate::money::Money;
use crate::session::PaymentSession;
use crate::terminal_id::TerminalId;
use crate::transport::{Answer, Failure};

/// Where payment sessions live, below the base URL.
const SESSIONS_PATH: &str = "/terminal/payment-session";

/// One call of the Terminal API.
pub(crate) trait Endpoint {
    /// What a 2xx answer is read into.
    type Output;
    /// The HTTP method.
    const METHOD: Method;
    /// Whether the call may be sent again after a byte of it may have reached the
    /// server. A create may not: a second prompt on the customer's terminal is worse than
    /// an error, and its outcome is then unknown.
    const IDEMPOTENT: bool;

    /// The path below the base URL. A `Cow::Borrowed` path is the same for every call,
    /// so the transport parses it once.
    fn path(&self) -> Cow<'static, str>;
    /// The JSON body, for a call that has one.
    fn body(&self) -> Option<&str>;
    /// Reads a 2xx answer.
    fn read(&self, body: &[u8]) -> Result<Self::Output, Error>;
}

/// `POST /terminal/payment-session`: starts a payment.
pub(crate) struct CreatePaymentSession {
    body: String,
}

impl CreatePaymentSession {
    pub(crate) fn new(money: &Money, reference: Option<&str>) -> Self {
        CreatePaymentSession {
            body: create_body(money, reference),
        }
    }
}

impl Endpoint for CreatePaymentSession {
    type Output = PaymentSession;
    const METHOD: Method = Method::POST;
    const IDEMPOTENT: bool = false;

    fn path(&self) -> Cow<'static, str> {
        Cow::Borrowed(SESSIONS_PATH)
    }

    fn body(&self) -> Option<&str> {
        Some(&self.body)
    }

    fn read(&self, body: &[u8]) -> Result<PaymentSession, Error> {
        PaymentSession::parse(body)
    }
}

/// `GET /terminal/payment-session/{challengeId}`: reads one session.
pub(crate) struct GetPaymentSession<'a> {
    /// Checked by `validate::challenge_id`: it cannot change the path.
    pub challenge_id: &'a str,
}

impl Endpoint for GetPaymentSession<'_> {
    type Output = PaymentSession;
    const METHOD: Method = Method::GET;
    const IDEMPOTENT: bool = true;

    fn path(&self) -> Cow<'static, str> {
        Cow::Owned(format!("{SESSIONS_PATH}/{}", self.challenge_id))
    }

    fn body(&self) -> Option<&str> {
        None
    }

    /// The answer must be about the session asked for.
    fn read(&self, body: &[u8]) -> Result<PaymentSession, Error> {
        let session = PaymentSession::parse(body)?;
        if session.challenge_id() != self.challenge_id {
            return Err(Error::protocol(
                "the server answered with another payment session than the one asked for",
            ));
        }
        Ok(session)
    }
}

/// What one exchange means for the retry loop.
pub(crate) enum Attempt<T> {
    Done(Result<T, Error>),
    Retry(Error, Option<std::time::Duration>),
}

/// What one exchange means: the one place that decides, from what the wire saw, whether
/// to try again and whether a create's outcome is unknown, so the two never disagree.
///
/// A non-idempotent call's outcome is unknown exactly when a byte of it reached a socket
/// and no complete, readable 2xx and no 4xx (a definitive refusal) came back; it is sent
/// again only when no byte of it was written. An idempotent call is sent again on any
/// network failure, a timeout before sending, 429, 502, 503 and 504.
pub(crate) fn judge<E: Endpoint>(
    endpoint: &E,
    result: Result<Answer, Failure>,
    terminal_id: TerminalId<'_>,
) -> Attempt<E::Output> {
    let status_error = |answer: &Answer| {
        Error::from_http_status(answer.status, &answer.body, terminal_id.secret())
    };
    match result {
        Ok(answer) if (200..300).contains(&answer.status) => {
            Attempt::Done(endpoint.read(&answer.body).map_err(|e| {
                if E::IDEMPOTENT {
                    e.with_http_status(answer.status)
                } else {
                    let message = format!(
                        "{}; the server accepted the request (HTTP {}), so the payment session was probably created: check the terminal before creating again",
                        e.message(),
                        answer.status
                    );
                    Error::new(e.kind(), message)
                        .with_outcome_unknown(true)
                        .with_http_status(answer.status)
                }
            }))
        }
        Ok(answer) if E::IDEMPOTENT && matches!(answer.status, 429 | 502 | 503 | 504) => {
            Attempt::Retry(status_error(&answer), answer.retry_after)
        }
        Ok(answer) if (400..500).contains(&answer.status) || E::IDEMPOTENT => {
            Attempt::Done(Err(status_error(&answer)))
        }
        Ok(answer) => Attempt::Done(Err(status_error(&answer).outcome_unknown_after_sending())),
        Err(failure) => {
            let error = Error::from_transport(&failure.error, failure.written);
            let transient = match error.kind() {
                ErrorKind::Network => true,
                ErrorKind::Timeout => !failure.written,
                _ => false,
            };
            let may_resend = E::IDEMPOTENT || !failure.written;
            if failure.interrupted {
                Attempt::Done(Err(cancelled()))
            } else if transient && may_resend {
                Attempt::Retry(error, None)
            } else if !E::IDEMPOTENT && failure.written {
                Attempt::Done(Err(error.outcome_unknown_after_sending()))
            } else {
                Attempt::Done(Err(error))
            }
        }
    }
}

/// The error of a wait or read stopped by the caller's cancel token.
pub(crate) fn cancelled() -> Error {
    Error::new(
        ErrorKind::Cancelled,
        "the wait was cancelled; the terminal's prompt stays until the customer acts or it expires",
    )
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

#[cfg(test)]
mod tests {
    use super::*;

    fn tid() -> TerminalId<'static> {
        TerminalId::new("tid_test_0001").unwrap()
    }

    fn create() -> CreatePaymentSession {
        CreatePaymentSession::new(&Money::from_minor(100, "USD").unwrap(), None)
    }

    fn done_err<T: std::fmt::Debug>(attempt: Attempt<T>) -> Error {
        match attempt {
            Attempt::Done(Err(e)) => e,
            Attempt::Done(Ok(v)) => panic!("expected an error, got {v:?}"),
            Attempt::Retry(e, _) => panic!("expected no retry, got {e:?}"),
        }
    }

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
        match judge(&create(), result, tid()) {
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
        let read = GetPaymentSession { challenge_id: "c1" };
        let retried = |result| matches!(judge(&read, result, tid()), Attempt::Retry(..));
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
        match judge(&read, Err(cancelled), tid()) {
            Attempt::Done(Err(e)) => assert_eq!(e.kind(), ErrorKind::Cancelled),
            _ => panic!("an interrupted read must end as cancelled"),
        }
    }

    #[test]
    fn an_unreadable_2xx_to_a_create_leaves_the_outcome_unknown() {
        let e = done_err(judge(&create(), Ok(answer(200, b"{oops")), tid()));
        assert_eq!(e.kind(), ErrorKind::Protocol);
        assert!(e.outcome_unknown());
        let read = GetPaymentSession { challenge_id: "c1" };
        let e = done_err(judge(&read, Ok(answer(200, b"{oops")), tid()));
        assert!(!e.outcome_unknown());
    }

    #[test]
    fn a_read_answered_with_another_session_is_refused() {
        let body = br#"{"challengeId":"other","status":"COMPLETED"}"#;
        let mine = GetPaymentSession {
            challenge_id: "mine",
        };
        let e = done_err(judge(&mine, Ok(answer(200, body)), tid()));
        assert_eq!(e.kind(), ErrorKind::Protocol);
        let other = GetPaymentSession {
            challenge_id: "other",
        };
        assert!(other.read(body).is_ok());
    }
}
