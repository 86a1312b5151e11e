//! The input rules that hold for every language: terminal ids, challenge ids,
//! references, and how a terminal id may be shown.

use crate::error::Error;

/// A terminal id longer than this is refused; real ones are far shorter.
const MAX_TERMINAL_ID_LEN: usize = 512;
/// The longest challenge id accepted, so that it can never make an unbounded URL.
const MAX_CHALLENGE_ID_LEN: usize = 128;
/// The longest POS reference accepted.
pub(crate) const MAX_REFERENCE_LEN: usize = 4096;

/// Checks a terminal id: required, non-empty, printable ASCII without spaces (it is sent
/// in a header). The error never repeats the id.
pub(crate) fn terminal_id(id: &str) -> Result<&str, Error> {
    if id.is_empty() {
        return Err(Error::invalid_argument("terminal id is required"));
    }
    if id.len() > MAX_TERMINAL_ID_LEN {
        return Err(Error::invalid_argument(format!(
            "terminal id is too long (at most {MAX_TERMINAL_ID_LEN} characters)"
        )));
    }
    if !id.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::invalid_argument(
            "terminal id must be printable ASCII without whitespace or control characters",
        ));
    }
    Ok(id)
}

/// Checks a challenge id: 1 to 128 of `[A-Za-z0-9_-]`, so it can never change the URL path.
pub(crate) fn challenge_id(id: &str) -> Result<&str, Error> {
    if id.is_empty() {
        return Err(Error::invalid_argument("challenge id is required"));
    }
    if !is_challenge_id(id) {
        return Err(Error::invalid_argument(format!(
            "challenge id must be 1 to {MAX_CHALLENGE_ID_LEN} of the characters A-Z a-z 0-9 _ -"
        )));
    }
    Ok(id)
}

pub(crate) fn is_challenge_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_CHALLENGE_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Checks an optional POS reference; an empty one means none.
pub(crate) fn reference(reference: Option<&str>) -> Result<Option<&str>, Error> {
    match reference {
        None | Some("") => Ok(None),
        Some(r) if r.len() > MAX_REFERENCE_LEN => Err(Error::invalid_argument(format!(
            "reference is too long (at most {MAX_REFERENCE_LEN} bytes)"
        ))),
        Some(r) if r.contains('\0') => Err(Error::invalid_argument(
            "reference must not contain a NUL character",
        )),
        Some(r) => Ok(Some(r)),
    }
}

/// How a terminal id may appear in a message or log line: at most its last 4 characters,
/// and none at all when the id is too short for 4 to be safe to show.
pub fn redact_terminal_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() < 12 {
        return "…".to_string();
    }
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_ids() {
        assert!(terminal_id("tid_0123456789").is_ok());
        for bad in [
            "",
            "has space",
            "tab\there",
            "new\nline",
            "nul\0",
            "ünï",
            " lead",
        ] {
            let e = terminal_id(bad).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument);
            assert!(!bad.is_empty() && !e.message().contains(bad) || bad.is_empty());
        }
        assert!(terminal_id(&"a".repeat(512)).is_ok());
        assert!(terminal_id(&"a".repeat(513)).is_err());
    }

    #[test]
    fn challenge_ids() {
        assert!(challenge_id("ef6b3212-6121-4a9e-92ef-09d819e36e93").is_ok());
        assert!(challenge_id("A_b-9").is_ok());
        assert!(challenge_id(&"a".repeat(128)).is_ok());
        for bad in ["", "../x", "a/b", "a?b", "a b", "a%2F", "é", "a.b"] {
            assert!(challenge_id(bad).is_err(), "{bad:?}");
        }
        assert!(challenge_id(&"a".repeat(129)).is_err());
    }

    #[test]
    fn references() {
        assert_eq!(reference(None).unwrap(), None);
        assert_eq!(reference(Some("")).unwrap(), None);
        assert_eq!(reference(Some("order 42 ✓")).unwrap(), Some("order 42 ✓"));
        assert!(reference(Some("a\0b")).is_err());
        assert!(reference(Some(&"r".repeat(4097))).is_err());
    }

    #[test]
    fn redaction_shows_at_most_the_last_four() {
        assert_eq!(redact_terminal_id("tid_secret_ABCD"), "…ABCD");
        assert_eq!(redact_terminal_id("short"), "…");
        assert_eq!(redact_terminal_id(""), "…");
    }
}
