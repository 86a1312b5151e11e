//! The terminal id: the credential of every call (there is no API key). A
//! [`TerminalId`] is checked when it is built and never shows itself: its `Display` and
//! `Debug` give at most its last 4 characters, so passing one to a log line or a message
//! cannot leak it. Only the request header and the redaction of server text read it in
//! clear ([`TerminalId::secret`]).
//!
//! This module depends on nothing else in the crate, so every layer may use it.

use std::fmt;

/// A terminal id longer than this is refused; real ones are far shorter.
pub(crate) const MAX_TERMINAL_ID_LEN: usize = 512;

/// A checked terminal id, borrowed from the caller for the length of one call.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct TerminalId<'a>(&'a str);

/// Why a terminal id was refused (the message never repeats the id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InvalidTerminalId {
    Empty,
    TooLong,
    NotPrintableAscii,
}

impl InvalidTerminalId {
    pub(crate) fn message(self) -> String {
        match self {
            InvalidTerminalId::Empty => "terminal id is required".to_string(),
            InvalidTerminalId::TooLong => {
                format!("terminal id is too long (at most {MAX_TERMINAL_ID_LEN} characters)")
            }
            InvalidTerminalId::NotPrintableAscii => {
                "terminal id must be printable ASCII without whitespace or control characters"
                    .to_string()
            }
        }
    }
}

impl<'a> TerminalId<'a> {
    /// Checks a terminal id: required, at most 512 characters, printable ASCII without
    /// spaces (it is sent in a header).
    pub(crate) fn new(id: &'a str) -> Result<TerminalId<'a>, InvalidTerminalId> {
        if id.is_empty() {
            return Err(InvalidTerminalId::Empty);
        }
        if id.len() > MAX_TERMINAL_ID_LEN {
            return Err(InvalidTerminalId::TooLong);
        }
        if !id.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(InvalidTerminalId::NotPrintableAscii);
        }
        Ok(TerminalId(id))
    }

    /// The id in clear: for the request header and for finding it in server text only.
    pub(crate) fn secret(&self) -> &'a str {
        self.0
    }
}

impl fmt::Display for TerminalId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact_terminal_id(self.0))
    }
}

impl fmt::Debug for TerminalId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TerminalId({self})")
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
    fn terminal_ids_are_checked_when_built() {
        assert!(TerminalId::new("tid_0123456789").is_ok());
        for bad in [
            "has space",
            "tab\there",
            "new\nline",
            "nul\0",
            "ünï",
            " lead",
        ] {
            let e = TerminalId::new(bad).unwrap_err();
            assert_eq!(e, InvalidTerminalId::NotPrintableAscii, "{bad:?}");
            assert!(!e.message().contains(bad));
        }
        assert_eq!(TerminalId::new(""), Err(InvalidTerminalId::Empty));
        assert!(TerminalId::new(&"a".repeat(512)).is_ok());
        assert_eq!(
            TerminalId::new(&"a".repeat(513)),
            Err(InvalidTerminalId::TooLong)
        );
    }

    #[test]
    fn display_and_debug_redact() {
        let id = TerminalId::new("tid_secret_ABCD").unwrap();
        assert_eq!(format!("{id}"), "…ABCD");
        assert_eq!(format!("{id:?}"), "TerminalId(…ABCD)");
        assert_eq!(id.secret(), "tid_secret_ABCD");
    }

    #[test]
    fn redaction_shows_at_most_the_last_four() {
        assert_eq!(redact_terminal_id("tid_secret_ABCD"), "…ABCD");
        assert_eq!(redact_terminal_id("short"), "…");
        assert_eq!(redact_terminal_id(""), "…");
    }
}
