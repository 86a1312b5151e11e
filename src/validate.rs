//! The input rules that hold for every language for challenge ids and references (the
//! terminal id has its own type: `terminal_id.rs`).

use crate::error::Error;

/// The longest challenge id accepted, so that it can never make an unbounded URL.
const MAX_CHALLENGE_ID_LEN: usize = 128;
/// The longest POS reference accepted.
pub(crate) const MAX_REFERENCE_LEN: usize = 4096;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
