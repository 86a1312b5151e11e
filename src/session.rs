//! A payment session as the Terminal API describes it, and the lenient parser that reads
//! one from an answer: unknown fields are ignored, an unknown status is kept raw, and only
//! `challengeId` and `status` are required.

use crate::error::Error;
use crate::validate;

/// Where a payment session stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaymentStatus {
    /// The server sent a status this version does not know; see
    /// [`PaymentSession::status_raw`].
    Unknown = 0,
    /// The terminal is prompting the customer.
    Pending = 1,
    /// The customer authorized the payment.
    Completed = 2,
    /// Nobody acted in time (10 minutes by default).
    Expired = 3,
    /// The payment was declined or failed.
    Failed = 4,
}

impl PaymentStatus {
    /// Maps the API's status string; anything unrecognised is `Unknown`.
    pub fn from_api(status: &str) -> PaymentStatus {
        match status {
            "PENDING" => PaymentStatus::Pending,
            "COMPLETED" => PaymentStatus::Completed,
            "EXPIRED" => PaymentStatus::Expired,
            "FAILED" => PaymentStatus::Failed,
            _ => PaymentStatus::Unknown,
        }
    }

    /// True once the session can no longer change (`Completed`, `Expired`, `Failed`).
    /// An `Unknown` status counts as final: it is no longer `Pending`, and the caller
    /// must decide what it means.
    pub fn is_final(self) -> bool {
        self != PaymentStatus::Pending
    }
}

/// A payment session: created by [`Client::create_payment_session`](crate::Client::create_payment_session)
/// and read back by its challenge id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentSession {
    challenge_id: String,
    status: PaymentStatus,
    status_raw: String,
    reference: Option<String>,
    journal_error: Option<String>,
}

impl PaymentSession {
    /// The id of the payment session (the API's `challengeId`).
    pub fn challenge_id(&self) -> &str {
        &self.challenge_id
    }

    /// Where the session stands.
    pub fn status(&self) -> PaymentStatus {
        self.status
    }

    /// The status exactly as the server sent it (useful when it is `Unknown`).
    pub fn status_raw(&self) -> &str {
        &self.status_raw
    }

    /// The POS reference, when the server returned one.
    pub fn reference(&self) -> Option<&str> {
        self.reference.as_deref()
    }

    /// Set when the client's payment journal could not record this session (the
    /// create's answer, or a final status a read saw), with the journal's message: the
    /// session is real, but the journal does not know it, so it will not refuse a second
    /// create for the reference on its own. Tell the operator; `None` when the journal
    /// recorded it or there is none.
    pub fn journal_error(&self) -> Option<&str> {
        self.journal_error.as_deref()
    }

    pub(crate) fn set_journal_error(&mut self, error: Error) {
        self.journal_error = Some(error.message().to_string());
    }

    /// Reads a session from a 2xx answer's body.
    pub(crate) fn parse(body: &[u8]) -> Result<PaymentSession, Error> {
        #[derive(serde::Deserialize)]
        struct Wire {
            #[serde(rename = "challengeId")]
            challenge_id: Option<String>,
            status: Option<String>,
            reference: Option<String>,
        }
        let wire: Wire = serde_json::from_slice(body).map_err(|e| {
            Error::protocol(format!(
                "the server's answer is not a payment session in JSON ({})",
                e.classify_name()
            ))
        })?;
        let challenge_id = wire
            .challenge_id
            .ok_or_else(|| Error::protocol("the server's answer has no challengeId"))?;
        if !validate::is_challenge_id(&challenge_id) {
            return Err(Error::protocol(
                "the server's challengeId is not 1 to 128 of A-Z a-z 0-9 _ -",
            ));
        }
        let status_raw = wire
            .status
            .ok_or_else(|| Error::protocol("the server's answer has no status"))?;
        if status_raw.is_empty() || status_raw.len() > 64 || status_raw.contains('\0') {
            return Err(Error::protocol(
                "the server's status is empty, too long or contains NUL",
            ));
        }
        if wire.reference.as_deref().is_some_and(|r| r.contains('\0')) {
            return Err(Error::protocol("the server's reference contains NUL"));
        }
        Ok(PaymentSession {
            challenge_id,
            status: PaymentStatus::from_api(&status_raw),
            status_raw,
            reference: wire.reference.filter(|r| !r.is_empty()),
            journal_error: None,
        })
    }
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "I/O",
            serde_json::error::Category::Syntax => "malformed JSON",
            serde_json::error::Category::Data => "wrong field types",
            serde_json::error::Category::Eof => "JSON cut off",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn parses_the_documented_example() {
        let s = PaymentSession::parse(
            br#"{"challengeId":"ef6b3212-6121-4a9e-92ef-09d819e36e93","status":"PENDING","reference":"xxx-xxx-xxx"}"#,
        )
        .unwrap();
        assert_eq!(s.challenge_id(), "ef6b3212-6121-4a9e-92ef-09d819e36e93");
        assert_eq!(s.status(), PaymentStatus::Pending);
        assert_eq!(s.status_raw(), "PENDING");
        assert_eq!(s.reference(), Some("xxx-xxx-xxx"));
    }

    #[test]
    fn unknown_fields_are_ignored_and_reference_is_optional() {
        let s = PaymentSession::parse(
            br#"{"challengeId":"c1","status":"COMPLETED","createdAt":"2026-01-01","extra":{"a":[1,2]}}"#,
        )
        .unwrap();
        assert_eq!(s.status(), PaymentStatus::Completed);
        assert_eq!(s.reference(), None);
        let s =
            PaymentSession::parse(br#"{"challengeId":"c1","status":"FAILED","reference":null}"#)
                .unwrap();
        assert_eq!(s.reference(), None);
    }

    #[test]
    fn an_unknown_status_is_kept_raw() {
        let s = PaymentSession::parse(br#"{"challengeId":"c1","status":"REFUNDED"}"#).unwrap();
        assert_eq!(s.status(), PaymentStatus::Unknown);
        assert_eq!(s.status_raw(), "REFUNDED");
        assert!(s.status().is_final());
        assert!(!PaymentStatus::Pending.is_final());
    }

    #[test]
    fn missing_or_bad_fields_are_protocol_errors() {
        for body in [
            &br#"{"status":"PENDING"}"#[..],
            br#"{"challengeId":"c1"}"#,
            br#"{"challengeId":"../../x","status":"PENDING"}"#,
            br#"{"challengeId":"","status":"PENDING"}"#,
            br#"{"challengeId":7,"status":"PENDING"}"#,
            br#"{"challengeId":"c1","status":""}"#,
            br#"{"challengeId":"c1","status":"PEN"#,
            b"not json",
            b"",
            b"[]",
            b"null",
            b"{\"challengeId\":\"c1\",\"status\":\"P\\u0000\"}",
            b"{\"challengeId\":\"c1\",\"status\":\"PENDING\",\"reference\":\"a\\u0000\"}",
        ] {
            let e = PaymentSession::parse(body).unwrap_err();
            assert_eq!(
                e.kind(),
                ErrorKind::Protocol,
                "{:?}",
                String::from_utf8_lossy(body)
            );
        }
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn check(body: &[u8]) {
            match PaymentSession::parse(body) {
                Ok(s) => {
                    assert!(validate::is_challenge_id(s.challenge_id()));
                    assert!(!s.status_raw().is_empty() && s.status_raw().len() <= 64);
                    assert!(!s.status_raw().contains('\0'));
                    assert!(!s
                        .reference()
                        .is_some_and(|r| r.is_empty() || r.contains('\0')));
                    assert_eq!(s.status(), PaymentStatus::from_api(s.status_raw()));
                }
                Err(e) => {
                    assert_eq!(e.kind(), ErrorKind::Protocol);
                    assert!(!e.message().is_empty() && e.message().len() < 200);
                }
            }
        }

        proptest! {
            #[test]
            fn any_bytes_parse_or_give_a_protocol_error(
                body in proptest::collection::vec(any::<u8>(), 0..600)
            ) {
                check(&body);
            }

            #[test]
            fn any_json_session_shape_parses_or_gives_a_protocol_error(
                challenge in proptest::option::of(prop_oneof![".{0,140}", "[A-Za-z0-9_-]{0,130}"]),
                status in proptest::option::of(prop_oneof![".{0,70}", Just("PENDING".to_string())]),
                reference in proptest::option::of(".{0,40}"),
                extra in proptest::collection::vec(("[a-z]{1,8}", any::<i64>()), 0..4),
                number_challenge in any::<bool>(),
            ) {
                let mut v = serde_json::Map::new();
                if let Some(c) = challenge {
                    v.insert("challengeId".into(), if number_challenge {
                        serde_json::json!(c.len())
                    } else {
                        serde_json::json!(c)
                    });
                }
                if let Some(s) = status {
                    v.insert("status".into(), serde_json::json!(s));
                }
                if let Some(r) = reference {
                    v.insert("reference".into(), serde_json::json!(r));
                }
                for (k, n) in extra {
                    v.insert(k, serde_json::json!(n));
                }
                let body = serde_json::Value::Object(v).to_string();
                check(body.as_bytes());
                // Cut anywhere: still never a panic.
                for cut in [body.len() / 3, body.len() / 2, body.len().saturating_sub(1)] {
                    check(&body.as_bytes()[..cut]);
                }
            }
        }
    }
}
