//! `as_payment_session`: an immutable payment session handed to C, and its status enum.

use std::ffi::{c_char, CString};

use crate::error::Error;
use crate::session::{PaymentSession, PaymentStatus};

use super::{ffi_panic_boundary, free_box};

/// Where a payment session stands.
#[repr(u32)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, authsignal_terminal_ffi_enum::CEnum)]
pub enum as_payment_status {
    /// The server sent a status this version does not know; see
    /// `as_payment_session_status_str`.
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

impl From<PaymentStatus> for as_payment_status {
    fn from(status: PaymentStatus) -> Self {
        match status {
            PaymentStatus::Unknown => as_payment_status::Unknown,
            PaymentStatus::Pending => as_payment_status::Pending,
            PaymentStatus::Completed => as_payment_status::Completed,
            PaymentStatus::Expired => as_payment_status::Expired,
            PaymentStatus::Failed => as_payment_status::Failed,
        }
    }
}

/// A payment session: its challenge id, status and reference. Immutable, so it may be
/// read from many threads at once. Free it with `as_payment_session_free`.
#[allow(non_camel_case_types)]
pub struct as_payment_session {
    challenge_id: CString,
    status: as_payment_status,
    status_raw: CString,
    reference: Option<CString>,
    journal_error: Option<CString>,
}

impl TryFrom<PaymentSession> for as_payment_session {
    type Error = Error;

    fn try_from(session: PaymentSession) -> Result<Self, Error> {
        // The core's parser already refuses NUL in these strings.
        let c = |s: &str| {
            CString::new(s).map_err(|_| Error::protocol("the server sent a string with NUL"))
        };
        Ok(as_payment_session {
            challenge_id: c(session.challenge_id())?,
            status: session.status().into(),
            status_raw: c(session.status_raw())?,
            reference: session.reference().map(c).transpose()?,
            // A message of this library's: a NUL in it (from a path) is replaced.
            journal_error: session
                .journal_error()
                .map(|m| CString::new(m.replace('\0', "?")).unwrap_or_default()),
        })
    }
}

/// The session's challenge id (the API's `challengeId`), used to read or wait for it.
///
/// The string is borrowed from `s` and valid until `s` is freed. NULL when `s` is NULL.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_payment_session_challenge_id(
    s: *const as_payment_session,
) -> *const c_char {
    ffi_panic_boundary! { "as_payment_session_challenge_id",
        // SAFETY: s is NULL or a live session made by this library.
        unsafe { s.as_ref() }.map_or(std::ptr::null(), |s| s.challenge_id.as_ptr())
    }
}

/// The session's status; `AS_PAYMENT_STATUS_UNKNOWN` for a status this version does not
/// know (see `as_payment_session_status_str`) and when `s` is NULL.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_payment_session_status(
    s: *const as_payment_session,
) -> as_payment_status {
    ffi_panic_boundary! { "as_payment_session_status",
        // SAFETY: as above.
        unsafe { s.as_ref() }.map_or(as_payment_status::Unknown, |s| s.status)
    }
}

/// The session's status exactly as the server sent it, e.g. "PENDING".
///
/// The string is borrowed from `s` and valid until `s` is freed. NULL when `s` is NULL.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_payment_session_status_str(
    s: *const as_payment_session,
) -> *const c_char {
    ffi_panic_boundary! { "as_payment_session_status_str",
        // SAFETY: as above.
        unsafe { s.as_ref() }.map_or(std::ptr::null(), |s| s.status_raw.as_ptr())
    }
}

/// The POS reference the server returned, or NULL when it returned none.
///
/// The string is borrowed from `s` and valid until `s` is freed. NULL when `s` is NULL.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_payment_session_reference(
    s: *const as_payment_session,
) -> *const c_char {
    ffi_panic_boundary! { "as_payment_session_reference",
        // SAFETY: as above.
        unsafe { s.as_ref() }
            .and_then(|s| s.reference.as_ref())
            .map_or(std::ptr::null(), |r| r.as_ptr())
    }
}

/// Why the client's payment journal could not record this session (the create's
/// answer, or a final status a read saw), or NULL when it did or there is no journal.
/// The session is real, but the journal does not know it, so it will not refuse a second
/// create for the reference on its own: tell the operator. A journal whose file was
/// deleted or replaced while the client had it open is one cause; every later journal
/// call of that client then gives `AS_RESULT_JOURNAL`, and nothing is sent.
///
/// The string is borrowed from `s` and valid until `s` is freed. NULL when `s` is NULL.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_payment_session_journal_error(
    s: *const as_payment_session,
) -> *const c_char {
    ffi_panic_boundary! { "as_payment_session_journal_error",
        // SAFETY: as above.
        unsafe { s.as_ref() }
            .and_then(|s| s.journal_error.as_ref())
            .map_or(std::ptr::null(), |m| m.as_ptr())
    }
}

/// Frees a session. NULL is accepted and does nothing. The session and every string
/// borrowed from it must not be used afterwards.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_payment_session_free(s: *mut as_payment_session) {
    ffi_panic_boundary! { "as_payment_session_free",
        // SAFETY: s is NULL or a session made by this library, given back once.
        unsafe { free_box(s) }
    }
}
