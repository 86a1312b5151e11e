//! `as_result`, the calling thread's last error, and the library's version.

use std::cell::RefCell;
use std::ffi::{c_char, c_int, c_uint, CStr, CString};

use crate::error::{Error, ErrorKind};

use super::ffi_panic_boundary;

/// The result of every fallible function. `AS_RESULT_OK` is 0; the numbers are stable and
/// never reused. After any other value, the calling thread's last error
/// (`as_last_error_message()` and friends) says what happened.
#[repr(u32)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, authsignal_terminal_ffi_enum::CEnum)]
pub enum as_result {
    /// Success.
    Ok = 0,
    /// Caught before any network I/O: NULL, bad UTF-8, bad amount/currency/id or option.
    InvalidArgument = 1,
    /// HTTP 401: the terminal id is unknown or not paired.
    Unauthorized = 2,
    /// HTTP 400 (and other 4xx not listed here).
    InvalidRequest = 3,
    /// HTTP 404.
    NotFound = 4,
    /// HTTP 429.
    RateLimited = 5,
    /// HTTP 5xx.
    ServerError = 6,
    /// A connect, read or overall deadline passed.
    Timeout = 7,
    /// DNS, connect, reset, proxy.
    Network = 8,
    /// TLS handshake or certificate failure.
    Tls = 9,
    /// An answer the library cannot accept: bad JSON, missing fields, too large, redirect.
    Protocol = 10,
    /// The caller's cancel token fired.
    Cancelled = 11,
    /// A wait reached its deadline while the session was still PENDING.
    StillPending = 12,
    /// A bug: a caught panic; the message says where.
    Internal = 13,
    /// The payment journal refused a create before any network I/O: the reference's
    /// last attempt is PENDING, COMPLETED, or of unknown outcome; the message says which
    /// and, when known, the challenge id to wait on.
    DuplicateReference = 14,
    /// The payment journal cannot be opened, read or written (before any network I/O);
    /// the message names the path and the cause.
    Journal = 15,
}

impl From<ErrorKind> for as_result {
    fn from(kind: ErrorKind) -> Self {
        match kind {
            ErrorKind::InvalidArgument => as_result::InvalidArgument,
            ErrorKind::Unauthorized => as_result::Unauthorized,
            ErrorKind::InvalidRequest => as_result::InvalidRequest,
            ErrorKind::NotFound => as_result::NotFound,
            ErrorKind::RateLimited => as_result::RateLimited,
            ErrorKind::ServerError => as_result::ServerError,
            ErrorKind::Timeout => as_result::Timeout,
            ErrorKind::Network => as_result::Network,
            ErrorKind::Tls => as_result::Tls,
            ErrorKind::Protocol => as_result::Protocol,
            ErrorKind::Cancelled => as_result::Cancelled,
            ErrorKind::StillPending => as_result::StillPending,
            ErrorKind::Internal => as_result::Internal,
            ErrorKind::DuplicateReference => as_result::DuplicateReference,
            ErrorKind::Journal => as_result::Journal,
        }
    }
}

/// The last error of one thread, kept as C strings so C can borrow them.
#[derive(Default)]
struct LastError {
    message: CString,
    http_status: c_int,
    server_code: Option<CString>,
    outcome_unknown: bool,
}

thread_local! {
    static LAST_ERROR: RefCell<LastError> = RefCell::new(LastError::default());
}

/// What `as_last_error_message` says while the thread is being torn down (called from a
/// TLS destructor, after this thread's last error is gone): the result code still tells.
const TEARDOWN_MESSAGE: &CStr =
    c"the last error is not available while this thread exits; the result code says what happened";

/// Reads this thread's last error; `None` during thread teardown, when it is gone. Never
/// panics (a panic then could not unwind and would abort the process).
fn read_last_error<T>(f: impl FnOnce(&LastError) -> T) -> Option<T> {
    LAST_ERROR
        .try_with(|last| last.try_borrow().ok().map(|last| f(&last)))
        .ok()
        .flatten()
}

fn write_last_error(value: LastError) {
    let _ = LAST_ERROR.try_with(|last| {
        if let Ok(mut last) = last.try_borrow_mut() {
            *last = value;
        }
    });
}

/// Records `error` as this thread's last error and returns its result code.
pub(crate) fn fail(error: Error) -> as_result {
    let to_c = |s: &str| CString::new(s.replace('\0', "")).unwrap_or_default();
    write_last_error(LastError {
        message: to_c(error.message()),
        http_status: error.http_status().map_or(0, c_int::from),
        server_code: error.server_code().map(to_c),
        outcome_unknown: error.outcome_unknown(),
    });
    error.kind().into()
}

/// Clears this thread's last error and returns `AS_RESULT_OK`.
pub(crate) fn succeed() -> as_result {
    write_last_error(LastError::default());
    as_result::Ok
}

/// Records the outcome of a core call that produces no object.
pub(crate) fn result_of(result: Result<(), Error>) -> as_result {
    match result {
        Ok(()) => succeed(),
        Err(e) => fail(e),
    }
}

/// The message of the calling thread's last error: what happened, for logs and people.
///
/// Never NULL; "" when the thread's last call succeeded. The string is borrowed and
/// valid until this thread next calls a function that returns `as_result`. It never
/// contains a terminal id in clear. Called while the thread exits (from a thread-local
/// destructor), it returns a fixed message saying the last error is not available.
#[no_mangle]
pub extern "C" fn as_last_error_message() -> *const c_char {
    ffi_panic_boundary! { "as_last_error_message",
        read_last_error(|last| last.message.as_ptr()).unwrap_or(TEARDOWN_MESSAGE.as_ptr())
    }
}

/// The HTTP status of the server's answer behind the calling thread's last error; 0 when
/// no HTTP answer was involved (or the last call succeeded).
#[no_mangle]
pub extern "C" fn as_last_error_http_status() -> c_int {
    ffi_panic_boundary! { "as_last_error_http_status",
        read_last_error(|last| last.http_status).unwrap_or(0)
    }
}

/// The server's error code (Authsignal's `errorCode`, e.g. "unauthorized") behind the
/// calling thread's last error, or NULL when the server sent none.
///
/// The string is borrowed and valid until this thread next calls a function that returns
/// `as_result`.
#[no_mangle]
pub extern "C" fn as_last_error_server_code() -> *const c_char {
    ffi_panic_boundary! { "as_last_error_server_code",
        read_last_error(|last| {
            last.server_code
                .as_ref()
                .map_or(std::ptr::null(), |c| c.as_ptr())
        })
        .unwrap_or(std::ptr::null())
    }
}

/// true when the calling thread's last call was a create that failed in a way that may
/// still have created a payment session: a byte of the request was written to a socket
/// and no complete, readable 2xx nor a 4xx came back (a timeout or dropped connection
/// after sending, a 5xx, a redirect, an unreadable success answer), whatever the error.
///
/// The POS must then check the terminal before creating again: the API has no
/// idempotency key, so the library can never find out by itself. false exactly when no
/// byte of the create was written (bad input, a name that did not resolve, a refused or
/// timed-out connect, a proxy that refused the tunnel, a failed TLS handshake) or a 4xx
/// came back, and for every call that is not a create. Called while the thread exits
/// (from a thread-local destructor), when the last error is gone, it returns true.
#[no_mangle]
pub extern "C" fn as_last_error_outcome_unknown() -> bool {
    ffi_panic_boundary! { "as_last_error_outcome_unknown",
        // Unknown while the thread exits: say "check the terminal", the safe answer.
        read_last_error(|last| last.outcome_unknown).unwrap_or(true)
    }
}

/// The name of a result code, e.g. "AS_RESULT_TIMEOUT"; "AS_RESULT_UNKNOWN" for a number
/// that is not one. Takes `unsigned int`, not the enum, so any number from C is safe.
///
/// Never NULL. The string is static.
#[no_mangle]
pub extern "C" fn as_result_name(result: c_uint) -> *const c_char {
    ffi_panic_boundary! { "as_result_name",
        as_result::from_u32(result)
            .map_or(c"AS_RESULT_UNKNOWN", as_result::c_name)
            .as_ptr()
    }
}

/// This library's version, "MAJOR.MINOR.PATCH", the same as the header's `AS_VERSION_*`
/// macros when header and library match.
///
/// Never NULL. The string is static.
#[no_mangle]
pub extern "C" fn as_version() -> *const c_char {
    ffi_panic_boundary! { "as_version",
        const VERSION: &CStr = match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
            Ok(v) => v,
            Err(_) => panic!("the version has no NUL"),
        };
        VERSION.as_ptr()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_names_follow_the_enum() {
        let name = |r: as_result| {
            // SAFETY: as_result_name returns a static NUL-terminated string.
            unsafe { CStr::from_ptr(as_result_name(r as c_uint)) }
                .to_str()
                .unwrap()
        };
        assert_eq!(name(as_result::Ok), "AS_RESULT_OK");
        assert_eq!(name(as_result::Timeout), "AS_RESULT_TIMEOUT");
        assert_eq!(name(as_result::StillPending), "AS_RESULT_STILL_PENDING");
        assert_eq!(name(as_result::Internal), "AS_RESULT_INTERNAL");
        assert_eq!(
            name(as_result::DuplicateReference),
            "AS_RESULT_DUPLICATE_REFERENCE"
        );
        assert_eq!(name(as_result::Journal), "AS_RESULT_JOURNAL");
        // SAFETY: as above.
        let unknown = unsafe { CStr::from_ptr(as_result_name(16)) };
        assert_eq!(unknown.to_str().unwrap(), "AS_RESULT_UNKNOWN");
        // SAFETY: as above.
        let huge = unsafe { CStr::from_ptr(as_result_name(c_uint::MAX)) };
        assert_eq!(huge.to_str().unwrap(), "AS_RESULT_UNKNOWN");
    }

    #[test]
    fn every_error_kind_maps_to_its_own_number() {
        let kinds = [
            ErrorKind::InvalidArgument,
            ErrorKind::Unauthorized,
            ErrorKind::InvalidRequest,
            ErrorKind::NotFound,
            ErrorKind::RateLimited,
            ErrorKind::ServerError,
            ErrorKind::Timeout,
            ErrorKind::Network,
            ErrorKind::Tls,
            ErrorKind::Protocol,
            ErrorKind::Cancelled,
            ErrorKind::StillPending,
            ErrorKind::Internal,
            ErrorKind::DuplicateReference,
            ErrorKind::Journal,
        ];
        for kind in kinds {
            assert_eq!(as_result::from(kind) as u32, kind.code());
        }
    }

    #[test]
    fn getters_leave_the_last_error_alone() {
        fail(
            Error::from_http_status(503, br#"{"errorCode":"busy"}"#, "")
                .outcome_unknown_after_sending(),
        );
        let _ = as_result_name(0);
        let _ = as_version();
        let _ = unsafe { crate::ffi::currency::as_currency_exponent(c"USD".as_ptr()) };
        let _ = unsafe {
            crate::ffi::payment_session::as_payment_session_challenge_id(std::ptr::null())
        };
        let _ = as_last_error_outcome_unknown();
        let _ = as_last_error_server_code();
        assert_eq!(as_last_error_http_status(), 503);
        assert!(as_last_error_outcome_unknown());
        // SAFETY: valid until this thread next calls a function returning as_result.
        let message = unsafe { CStr::from_ptr(as_last_error_message()) };
        assert!(message.to_bytes().starts_with(b"HTTP 503"));
        assert_eq!(succeed(), as_result::Ok);
    }

    #[test]
    fn last_error_is_set_then_cleared() {
        let r = fail(Error::from_http_status(
            401,
            br#"{"errorCode":"unauthorized"}"#,
            "",
        ));
        assert_eq!(r, as_result::Unauthorized);
        assert_eq!(as_last_error_http_status(), 401);
        // SAFETY: valid until the next call on this thread; read at once.
        let code = unsafe { CStr::from_ptr(as_last_error_server_code()) };
        assert_eq!(code.to_str().unwrap(), "unauthorized");
        assert_eq!(succeed(), as_result::Ok);
        assert!(as_last_error_server_code().is_null());
        assert_eq!(as_last_error_http_status(), 0);
        // SAFETY: as above.
        assert_eq!(
            unsafe { CStr::from_ptr(as_last_error_message()) }.to_bytes(),
            b""
        );
    }
}
