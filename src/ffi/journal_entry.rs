//! `as_journal_entry`: what the payment journal knows about one reference, handed out by
//! `as_client_find_payment_session` (`journal.rs`).

use std::ffi::{c_char, CString};
use std::time::UNIX_EPOCH;

use crate::error::Error;
use crate::journal::JournalEntry;

use super::payment_session::as_payment_status;
use super::{ffi_panic_boundary, free_box};

/// What the payment journal knows about one reference: its last create. Immutable, so
/// it may be read from many threads at once. Free it with `as_journal_entry_free`.
#[allow(non_camel_case_types)]
pub struct as_journal_entry {
    reference: CString,
    challenge_id: Option<CString>,
    status: as_payment_status,
    status_raw: Option<CString>,
    outcome_unknown: bool,
    created_at_ms: i64,
}

impl TryFrom<JournalEntry> for as_journal_entry {
    type Error = Error;

    fn try_from(entry: JournalEntry) -> Result<Self, Error> {
        // References are checked for NUL before they are journaled; ids come from the parser.
        let c = |s: &str| {
            CString::new(s).map_err(|_| Error::internal("a journal entry holds a NUL character"))
        };
        let created_at_ms = entry
            .created_at()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        Ok(as_journal_entry {
            reference: c(entry.reference())?,
            challenge_id: entry.challenge_id().map(c).transpose()?,
            status: entry
                .status()
                .map_or(as_payment_status::Unknown, as_payment_status::from),
            status_raw: entry.status_raw().map(c).transpose()?,
            outcome_unknown: entry.outcome_unknown(),
            created_at_ms,
        })
    }
}

/// The entry's POS reference.
///
/// The string is borrowed from `e` and valid until `e` is freed. NULL when `e` is NULL.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_journal_entry_reference(e: *const as_journal_entry) -> *const c_char {
    ffi_panic_boundary! { "as_journal_entry_reference",
        // SAFETY: e is NULL or a live entry made by this library.
        unsafe { e.as_ref() }.map_or(std::ptr::null(), |e| e.reference.as_ptr())
    }
}

/// The challenge id of the session the create made, to wait on; NULL when the outcome is
/// unknown (the create is still being sent, its answer never came, or its process stopped
/// before it did), and when `e` is NULL.
///
/// The string is borrowed from `e` and valid until `e` is freed.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_journal_entry_challenge_id(
    e: *const as_journal_entry,
) -> *const c_char {
    ffi_panic_boundary! { "as_journal_entry_challenge_id",
        // SAFETY: as above.
        unsafe { e.as_ref() }
            .and_then(|e| e.challenge_id.as_ref())
            .map_or(std::ptr::null(), |c| c.as_ptr())
    }
}

/// The last status the journal saw (from the create's answer or a later get or wait);
/// `AS_PAYMENT_STATUS_UNKNOWN` when the outcome is unknown, for a status this version
/// does not know, and when `e` is NULL.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_journal_entry_status(e: *const as_journal_entry) -> as_payment_status {
    ffi_panic_boundary! { "as_journal_entry_status",
        // SAFETY: as above.
        unsafe { e.as_ref() }.map_or(as_payment_status::Unknown, |e| e.status)
    }
}

/// The last status exactly as the server sent it, e.g. "PENDING"; NULL when the outcome
/// is unknown, and when `e` is NULL.
///
/// The string is borrowed from `e` and valid until `e` is freed.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_journal_entry_status_str(e: *const as_journal_entry) -> *const c_char {
    ffi_panic_boundary! { "as_journal_entry_status_str",
        // SAFETY: as above.
        unsafe { e.as_ref() }
            .and_then(|e| e.status_raw.as_ref())
            .map_or(std::ptr::null(), |s| s.as_ptr())
    }
}

/// true when the create may or may not have made a session: the terminal may be
/// prompting. Check it; once it shows nothing, call `as_client_forget_reference`.
/// false when `e` is NULL.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_journal_entry_outcome_unknown(e: *const as_journal_entry) -> bool {
    ffi_panic_boundary! { "as_journal_entry_outcome_unknown",
        // SAFETY: as above.
        unsafe { e.as_ref() }.is_some_and(|e| e.outcome_unknown)
    }
}

/// When the create was started, in milliseconds since 1970-01-01 UTC; 0 when `e` is NULL.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_journal_entry_created_at_ms(e: *const as_journal_entry) -> i64 {
    ffi_panic_boundary! { "as_journal_entry_created_at_ms",
        // SAFETY: as above.
        unsafe { e.as_ref() }.map_or(0, |e| e.created_at_ms)
    }
}

/// Frees an entry. NULL is accepted and does nothing. The entry and every string
/// borrowed from it must not be used afterwards.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_journal_entry_free(e: *mut as_journal_entry) {
    ffi_panic_boundary! { "as_journal_entry_free",
        // SAFETY: e is NULL or an entry made by this library, given back once.
        unsafe { free_box(e) }
    }
}
