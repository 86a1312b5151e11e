//! The properties the fuzz targets check, shared by them.

use authsignal_terminal::fuzzing::{self, Judged};
use authsignal_terminal::{ErrorKind, PaymentSession};

/// A terminal id that no server text below can contain by chance.
pub const TERMINAL_ID: &str = "tid_fuzz_5e1f0c2a9b";
/// The session a get asks for (the seeds' answers carry it).
pub const CHALLENGE_ID: &str = "ef6b3212-6121-4a9e-92ef-09d819e36e93";

/// The status and body of an answer, from the fuzzer's bytes: the first two bytes pick
/// a status from 100 to 699 (2xx more often than not), the rest is the body.
pub fn answer(data: &[u8]) -> (u16, &[u8]) {
    let (head, body) = data.split_at(data.len().min(2));
    let pick = head.iter().fold(0u16, |a, &b| (a << 8) | u16::from(b));
    let status = if pick & 1 == 0 {
        200 + (pick >> 1) % 100
    } else {
        100 + (pick >> 1) % 600
    };
    (status, body)
}

fn check_session(session: &PaymentSession) {
    let id = session.challenge_id();
    assert!(!id.is_empty() && id.len() <= 128);
    assert!(id
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'));
    let raw = session.status_raw();
    assert!(!raw.is_empty() && raw.len() <= 64 && !raw.contains('\0'));
    assert!(!session
        .reference()
        .is_some_and(|r| r.is_empty() || r.contains('\0')));
    assert_eq!(
        session.status(),
        authsignal_terminal::PaymentStatus::from_api(raw)
    );
}

/// Judges an answer as the client does and checks the verdict. `creating`: a create's
/// answer, else a get's of [`CHALLENGE_ID`].
pub fn check_answer(status: u16, body: &[u8], creating: bool) {
    let verdict = if creating {
        fuzzing::judge_create_answer(status, body, TERMINAL_ID)
    } else {
        fuzzing::judge_get_answer(status, body, CHALLENGE_ID, TERMINAL_ID)
    };
    let success = (200..300).contains(&status);
    let error = match verdict {
        Judged::Done(Ok(session)) => {
            assert!(success, "a session from HTTP {status}");
            check_session(&session);
            if !creating {
                assert_eq!(
                    session.challenge_id(),
                    CHALLENGE_ID,
                    "another session's answer"
                );
            }
            return;
        }
        Judged::Retry(e) => {
            // Only a read is sent again after an answer, and only for these.
            assert!(
                !creating && matches!(status, 429 | 502 | 503 | 504),
                "HTTP {status}"
            );
            e
        }
        Judged::Done(Err(e)) => e,
    };
    assert!(!error.message().is_empty());
    assert!(!error.message().contains('\0'));
    assert_eq!(error.http_status(), Some(status));
    assert!(
        !format!("{error} {error:?}").contains(TERMINAL_ID),
        "the terminal id in an error"
    );
    assert_ne!(error.kind(), ErrorKind::Internal);
    if success {
        assert_eq!(error.kind(), ErrorKind::Protocol);
    }
    // A create's outcome is unknown unless a readable 2xx or a 4xx came back (a 2xx that
    // cannot be read: the session probably exists); a read creates nothing.
    let expected_unknown = creating && !(400..500).contains(&status);
    assert_eq!(error.outcome_unknown(), expected_unknown, "HTTP {status}");
}
