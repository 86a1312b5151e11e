//! The one-call path for POS code that wants no objects: the calls of `as_client` on a
//! process-wide client built on first use from the environment.

use std::ffi::c_char;
use std::sync::OnceLock;

use crate::client::Client;
use crate::error::Error;
use crate::options::ClientOptions;

use super::cancel_token::as_cancel_token;
use super::client::{create, create_minor, get, wait, On};
use super::payment_session::as_payment_session;
use super::{as_result, ffi_panic_boundary};

/// The process-wide client. Only a success is kept: after a failure (a CA file not there
/// yet, a bad variable) the next call reads the environment and tries again.
fn default_client() -> Result<&'static Client, Error> {
    static DEFAULT: OnceLock<Client> = OnceLock::new();
    if let Some(client) = DEFAULT.get() {
        return Ok(client);
    }
    let client = ClientOptions::from_env().and_then(|o| Client::new(&o))?;
    // Two threads may build one at once: the first to finish wins, the other is dropped.
    Ok(DEFAULT.get_or_init(|| client))
}

/// The calls below run on the process-wide client.
const PROCESS_WIDE: On = On::Default(default_client);

/// `as_client_create_payment_session` on the process-wide default client, built on first
/// use from the environment: AUTHSIGNAL_TERMINAL_BASE_URL (a full base URL) or else
/// AUTHSIGNAL_TERMINAL_REGION (us|au|eu|ca); US when neither is set;
/// AUTHSIGNAL_TERMINAL_CA_FILE, when set, names a PEM file of extra trusted roots. An
/// invalid variable gives `AS_RESULT_INVALID_ARGUMENT` naming it; only a client that was built
/// is kept, so a call after fixing the environment (or the CA file) builds it again.
///
/// On success `*out` receives the session; the caller owns it and must free it with
/// `as_payment_session_free`. On failure `*out` is set to NULL. Safe to call from many
/// threads at once.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_create_payment_session(
    terminal_id: *const c_char,
    amount: f64,
    currency: *const c_char,
    reference: *const c_char,
    out: *mut *mut as_payment_session,
) -> as_result {
    ffi_panic_boundary! { "as_create_payment_session",
        // SAFETY: every pointer is NULL or valid, as the header requires.
        unsafe { create(PROCESS_WIDE, terminal_id, amount, currency, reference, out) }
    }
}

/// `as_client_create_payment_session_minor` on the process-wide default client (see
/// `as_create_payment_session`). Exact money in minor units: 1250 USD is 12.50 USD, 1000
/// JPY is 1000 JPY, 1234 BHD is 1.234 BHD.
///
/// On success `*out` receives the session; the caller owns it and must free it with
/// `as_payment_session_free`. On failure `*out` is set to NULL. Safe to call from many
/// threads at once.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_create_payment_session_minor(
    terminal_id: *const c_char,
    amount_minor: i64,
    currency: *const c_char,
    reference: *const c_char,
    out: *mut *mut as_payment_session,
) -> as_result {
    ffi_panic_boundary! { "as_create_payment_session_minor",
        // SAFETY: every pointer is NULL or valid, as the header requires.
        unsafe { create_minor(PROCESS_WIDE, terminal_id, amount_minor, currency, reference, out) }
    }
}

/// `as_client_get_payment_session` on the process-wide default client (see
/// `as_create_payment_session`).
///
/// On success `*out` receives the session; the caller owns it and must free it with
/// `as_payment_session_free`. On failure `*out` is set to NULL. Safe to call from many
/// threads at once.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_get_payment_session(
    terminal_id: *const c_char,
    challenge_id: *const c_char,
    out: *mut *mut as_payment_session,
) -> as_result {
    ffi_panic_boundary! { "as_get_payment_session",
        // SAFETY: every pointer is NULL or valid, as the header requires.
        unsafe { get(PROCESS_WIDE, terminal_id, challenge_id, out) }
    }
}

/// `as_client_wait_payment_session` on the process-wide default client (see
/// `as_create_payment_session`): reads the session until it leaves PENDING, until
/// `timeout_ms` passes (`AS_RESULT_STILL_PENDING`) or `cancel` fires
/// (`AS_RESULT_CANCELLED`; `cancel` may be NULL).
///
/// On success `*out` receives the session; the caller owns it and must free it with
/// `as_payment_session_free`. On failure `*out` is set to NULL. Safe to call from many
/// threads at once.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_wait_payment_session(
    terminal_id: *const c_char,
    challenge_id: *const c_char,
    timeout_ms: u32,
    cancel: *const as_cancel_token,
    out: *mut *mut as_payment_session,
) -> as_result {
    ffi_panic_boundary! { "as_wait_payment_session",
        // SAFETY: every pointer is NULL or valid, as the header requires.
        unsafe { wait(PROCESS_WIDE, terminal_id, challenge_id, timeout_ms, cancel, out) }
    }
}
