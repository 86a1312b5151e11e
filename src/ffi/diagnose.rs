//! `as_diagnosis`: the help desk's diagnosis of a client (configuration, proxy, DNS, TCP,
//! TLS, clock, terminal id), as JSON for a program and as text for a support screen.

use std::ffi::{c_char, CString};

use crate::diagnose::{diagnose, Report};

use super::client::as_client;
use super::{
    arg_opt_str, arg_ref, as_result, deliver, ffi_panic_boundary, free_box, out_param, try_arg,
};

/// A finished diagnosis. Immutable, so it may be read from many threads at once. Free it
/// with `as_diagnosis_free`.
#[allow(non_camel_case_types)]
pub struct as_diagnosis {
    json: CString,
    text: CString,
    passed: bool,
}

impl From<Report> for as_diagnosis {
    fn from(report: Report) -> Self {
        // Serialized JSON escapes control characters, and the text is built from strings
        // cleaned of them, so neither holds a NUL; were one there, it becomes a space.
        let c = |s: String| CString::new(s.replace('\0', " ")).unwrap_or_default();
        as_diagnosis {
            json: c(report.to_json()),
            text: c(report.to_text()),
            passed: report.passed,
        }
    }
}

/// Diagnoses why payments through `c` might fail, with `c`'s own settings: the
/// configuration in effect, the proxy, DNS, the TCP connect, the TLS handshake (protocol,
/// which trust store verified the chain, its subject and issuer), the clock against the
/// server's `Date`, and, when `terminal_id` is not NULL, whether the server accepts that
/// terminal id. It never creates a payment: the id is checked by reading a session that
/// cannot exist. The connect and each read and write are bounded by the client's connect
/// timeout, the id check by its request timeout, the name lookup by the system resolver's
/// own limits; it all runs on the calling thread.
///
/// A failed check is a result inside the diagnosis, not an error: this returns
/// `AS_RESULT_OK` with a diagnosis unless an argument is invalid (NULL `c` or `out`,
/// `terminal_id` not UTF-8).
///
/// On success `*out` receives the diagnosis; the caller owns it and must free it with
/// `as_diagnosis_free`. On failure `*out` is set to NULL. Safe to call from many threads
/// at once on one client.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_client_diagnose(
    c: *const as_client,
    terminal_id: *const c_char,
    out: *mut *mut as_diagnosis,
) -> as_result {
    ffi_panic_boundary! { "as_client_diagnose",
        // SAFETY: out is NULL or writable; c is NULL or a live client; terminal_id is NULL
        // or a NUL-terminated string.
        let out = try_arg!(unsafe { out_param(out, "out") });
        let c = try_arg!(unsafe { arg_ref(c, "c") });
        let terminal_id = try_arg!(unsafe { arg_opt_str(terminal_id, "terminal_id") });
        let report = diagnose(&c.client, terminal_id, &[]);
        deliver(out, as_diagnosis::from(report))
    }
}

/// The diagnosis as one JSON object (field names stable, documented in the README:
/// `passed`, `no_payment_started`, `checks` [{`name`, `verdict`, `summary`, `fix`}],
/// `config`, `proxy`, `dns`, `tcp`, `tls`, `clock`, `terminal_id`). The terminal id
/// appears only redacted.
///
/// The string is borrowed from `d` and valid until `d` is freed. NULL when `d` is NULL.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_diagnosis_json(d: *const as_diagnosis) -> *const c_char {
    ffi_panic_boundary! { "as_diagnosis_json",
        // SAFETY: d is NULL or a live diagnosis made by this library.
        unsafe { d.as_ref() }.map_or(std::ptr::null(), |d| d.json.as_ptr())
    }
}

/// The diagnosis as text for people, one line per check with its verdict and, under a
/// check that is not ok, a one-line fix (what `authsignal-terminal doctor` prints).
///
/// The string is borrowed from `d` and valid until `d` is freed. NULL when `d` is NULL.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_diagnosis_text(d: *const as_diagnosis) -> *const c_char {
    ffi_panic_boundary! { "as_diagnosis_text",
        // SAFETY: as above.
        unsafe { d.as_ref() }.map_or(std::ptr::null(), |d| d.text.as_ptr())
    }
}

/// True when no check failed (warnings allowed); false when one did or `d` is NULL.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_diagnosis_passed(d: *const as_diagnosis) -> bool {
    ffi_panic_boundary! { "as_diagnosis_passed",
        // SAFETY: as above.
        unsafe { d.as_ref() }.is_some_and(|d| d.passed)
    }
}

/// Frees a diagnosis. NULL is accepted and does nothing. The diagnosis and every string
/// borrowed from it must not be used afterwards.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_diagnosis_free(d: *mut as_diagnosis) {
    ffi_panic_boundary! { "as_diagnosis_free",
        // SAFETY: d is NULL or a diagnosis made by this library, given back once.
        unsafe { free_box(d) }
    }
}
