//! `as_client`: the three calls of the Terminal API on a configured client.

use std::ffi::c_char;
use std::time::Duration;

use crate::client::Client;
use crate::error::Error;
use crate::options::ClientOptions;
use crate::session::PaymentSession;

use super::cancel_token::as_cancel_token;
use super::client_options::as_client_options;
use super::payment_session::as_payment_session;
use super::{
    arg_opt_str, arg_ref, arg_str, as_result, deliver, ffi_panic_boundary, free_box, out_param,
    try_arg,
};

/// Which client a call from C runs on.
pub(crate) enum On {
    /// The `as_client` C passed in: checked for NULL before the other arguments are read.
    Client(*const as_client),
    /// The process-wide default client: got (built on first use) after the arguments are
    /// read, so a bad argument is reported before anything of the environment.
    Default(fn() -> Result<&'static Client, Error>),
}

/// A client of the Terminal API: its settings and a pool of kept-alive connections.
/// Safe to use from many threads at once. Free it with `as_client_free`.
#[allow(non_camel_case_types)]
pub struct as_client {
    pub(crate) client: Client,
}

/// The one path of every call that hands C a payment session, on an `as_client` or on
/// the default client: clears `out`, checks the client, reads the arguments, calls the
/// core and hands the session over (or records the error).
///
/// # Safety
/// `out` and the pointer in `on` are NULL or valid, as the header requires.
unsafe fn session_call<A>(
    on: On,
    out: *mut *mut as_payment_session,
    args: impl FnOnce() -> Result<A, Error>,
    call: impl FnOnce(&Client, A) -> Result<PaymentSession, Error>,
) -> as_result {
    // SAFETY: out is NULL or writable, as the caller promises.
    let out = try_arg!(unsafe { out_param(out, "out") });
    let (client, args) = match on {
        On::Client(c) => {
            // SAFETY: c is NULL or a live client, as the caller promises.
            let c = try_arg!(unsafe { arg_ref(c, "client") });
            (&c.client, try_arg!(args()))
        }
        On::Default(get) => {
            let args = try_arg!(args());
            (try_arg!(get()), args)
        }
    };
    let session = try_arg!(call(client, args).and_then(as_payment_session::try_from));
    deliver(out, session)
}

/// What a create reads from C: the terminal id, the currency and the optional reference.
struct CreateArgs<'a> {
    terminal_id: &'a str,
    currency: &'a str,
    reference: Option<&'a str>,
}

/// A create (major or minor units) from C on either client: `call` gets the arguments
/// read and checked for NULL and UTF-8.
///
/// # Safety
/// Each pointer is NULL or valid, as the header requires.
unsafe fn create_call(
    on: On,
    terminal_id: *const c_char,
    currency: *const c_char,
    reference: *const c_char,
    out: *mut *mut as_payment_session,
    call: impl FnOnce(&Client, CreateArgs<'_>) -> Result<PaymentSession, Error>,
) -> as_result {
    let args = || {
        // SAFETY: each pointer is NULL or a NUL-terminated string, as the caller promises.
        Ok(CreateArgs {
            terminal_id: unsafe { arg_str(terminal_id, "terminal_id") }?,
            currency: unsafe { arg_str(currency, "currency") }?,
            reference: unsafe { arg_opt_str(reference, "reference") }?,
        })
    };
    // SAFETY: as the caller promises.
    unsafe { session_call(on, out, args, call) }
}

/// A read or a wait of one session from C on either client: `call` gets the terminal id
/// and the challenge id, read and checked for NULL and UTF-8.
///
/// # Safety
/// Each pointer is NULL or valid, as the header requires.
unsafe fn read_call(
    on: On,
    terminal_id: *const c_char,
    challenge_id: *const c_char,
    out: *mut *mut as_payment_session,
    call: impl FnOnce(&Client, &str, &str) -> Result<PaymentSession, Error>,
) -> as_result {
    let args = || {
        // SAFETY: each pointer is NULL or a NUL-terminated string, as the caller promises.
        Ok((unsafe { arg_str(terminal_id, "terminal_id") }?, unsafe {
            arg_str(challenge_id, "challenge_id")
        }?))
    };
    // SAFETY: as the caller promises.
    unsafe { session_call(on, out, args, |client, (t, ch)| call(client, t, ch)) }
}

/// `as_client_create_payment_session` and `as_create_payment_session`.
///
/// # Safety
/// Each pointer is NULL or valid, as the header requires.
pub(crate) unsafe fn create(
    on: On,
    terminal_id: *const c_char,
    amount: f64,
    currency: *const c_char,
    reference: *const c_char,
    out: *mut *mut as_payment_session,
) -> as_result {
    // SAFETY: as the caller promises.
    unsafe {
        create_call(on, terminal_id, currency, reference, out, |client, a| {
            client.create_payment_session(a.terminal_id, amount, a.currency, a.reference)
        })
    }
}

/// `as_client_create_payment_session_minor` and `as_create_payment_session_minor`.
///
/// # Safety
/// Each pointer is NULL or valid, as the header requires.
pub(crate) unsafe fn create_minor(
    on: On,
    terminal_id: *const c_char,
    amount_minor: i64,
    currency: *const c_char,
    reference: *const c_char,
    out: *mut *mut as_payment_session,
) -> as_result {
    // SAFETY: as the caller promises.
    unsafe {
        create_call(on, terminal_id, currency, reference, out, |client, a| {
            client.create_payment_session_minor(
                a.terminal_id,
                amount_minor,
                a.currency,
                a.reference,
            )
        })
    }
}

/// `as_client_get_payment_session` and `as_get_payment_session`.
///
/// # Safety
/// Each pointer is NULL or valid, as the header requires.
pub(crate) unsafe fn get(
    on: On,
    terminal_id: *const c_char,
    challenge_id: *const c_char,
    out: *mut *mut as_payment_session,
) -> as_result {
    // SAFETY: as the caller promises.
    unsafe {
        read_call(
            on,
            terminal_id,
            challenge_id,
            out,
            Client::get_payment_session,
        )
    }
}

/// `as_client_wait_payment_session` and `as_wait_payment_session`.
///
/// # Safety
/// Each pointer is NULL or valid, as the header requires.
pub(crate) unsafe fn wait(
    on: On,
    terminal_id: *const c_char,
    challenge_id: *const c_char,
    timeout_ms: u32,
    cancel: *const as_cancel_token,
    out: *mut *mut as_payment_session,
) -> as_result {
    // SAFETY: cancel is NULL or a live token, as the caller promises.
    let cancel = unsafe { cancel.as_ref() }.map(|t| &t.token);
    let timeout = Duration::from_millis(timeout_ms.into());
    // SAFETY: as the caller promises.
    unsafe {
        read_call(on, terminal_id, challenge_id, out, |client, t, ch| {
            client.wait_payment_session(t, ch, timeout, cancel)
        })
    }
}

/// Makes a client. `options` may be NULL for the defaults; the client copies what it
/// needs, so the options may be freed at once.
///
/// On success `*out` receives the client; the caller owns it and must free it with
/// `as_client_free`. On failure `*out` is set to NULL (`AS_RESULT_INVALID_ARGUMENT` when
/// the CA file cannot be read or the system trust store is empty).
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_client_new(
    options: *const as_client_options,
    out: *mut *mut as_client,
) -> as_result {
    ffi_panic_boundary! { "as_client_new",
        // SAFETY: out is NULL or writable; options is NULL or live options.
        let out = try_arg!(unsafe { out_param(out, "out") });
        let defaults = ClientOptions::new();
        let options = match unsafe { options.as_ref() } {
            Some(o) => &o.options,
            None => &defaults,
        };
        let client = try_arg!(Client::new(options));
        deliver(out, as_client { client })
    }
}

/// Starts a payment: the paired terminal prompts the customer for `amount` in major units
/// (12.5 is 12.50 USD) of `currency` (an active ISO 4217 code, e.g. "USD"). `reference` is the POS's own
/// reference, or NULL (or "") for none. The session starts PENDING.
///
/// Float noise (0.1 + 0.2) is absorbed; an amount with more decimal places than the
/// currency has (10.005 USD) gives `AS_RESULT_INVALID_ARGUMENT`. Prefer
/// `as_client_create_payment_session_minor` where the POS counts in minor units.
///
/// Never sent twice once it may have reached the server. On failure, if
/// `as_last_error_outcome_unknown()` is true, the terminal may be prompting: check it
/// before creating again.
///
/// On success `*out` receives the session; the caller owns it and must free it with
/// `as_payment_session_free`. On failure `*out` is set to NULL. Safe to call from many
/// threads at once on one client.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_client_create_payment_session(
    c: *const as_client,
    terminal_id: *const c_char,
    amount: f64,
    currency: *const c_char,
    reference: *const c_char,
    out: *mut *mut as_payment_session,
) -> as_result {
    ffi_panic_boundary! { "as_client_create_payment_session",
        // SAFETY: every pointer is NULL or valid, as the header requires.
        unsafe { create(On::Client(c), terminal_id, amount, currency, reference, out) }
    }
}

/// Starts a payment for an exact amount in minor units: 1250 USD is 12.50 USD, 1000 JPY
/// is 1000 JPY, 1234 BHD is 1.234 BHD. No floating point anywhere on this path.
/// Otherwise as `as_client_create_payment_session`.
///
/// On success `*out` receives the session; the caller owns it and must free it with
/// `as_payment_session_free`. On failure `*out` is set to NULL. Safe to call from many
/// threads at once on one client.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_client_create_payment_session_minor(
    c: *const as_client,
    terminal_id: *const c_char,
    amount_minor: i64,
    currency: *const c_char,
    reference: *const c_char,
    out: *mut *mut as_payment_session,
) -> as_result {
    ffi_panic_boundary! { "as_client_create_payment_session_minor",
        // SAFETY: every pointer is NULL or valid, as the header requires.
        unsafe { create_minor(On::Client(c), terminal_id, amount_minor, currency, reference, out) }
    }
}

/// Reads a payment session by its challenge id (1 to 128 of A-Z a-z 0-9 _ -). Retried
/// (at most twice) on connect failures, 429, 502, 503 and 504.
///
/// On success `*out` receives the session; the caller owns it and must free it with
/// `as_payment_session_free`. On failure `*out` is set to NULL. Safe to call from many
/// threads at once on one client.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_client_get_payment_session(
    c: *const as_client,
    terminal_id: *const c_char,
    challenge_id: *const c_char,
    out: *mut *mut as_payment_session,
) -> as_result {
    ffi_panic_boundary! { "as_client_get_payment_session",
        // SAFETY: every pointer is NULL or valid, as the header requires.
        unsafe { get(On::Client(c), terminal_id, challenge_id, out) }
    }
}

/// Reads the session until it leaves PENDING and hands it over then (COMPLETED, FAILED,
/// EXPIRED, or a status this version does not know).
///
/// Gives `AS_RESULT_STILL_PENDING` when `timeout_ms` passes while the session is still
/// PENDING, and `AS_RESULT_CANCELLED` within 100 ms of `cancel` firing (`cancel` may be
/// NULL). The wait runs on the calling thread; a cancel (or the deadline) closes the
/// connection of the read in flight, and no thread of the library runs on after it
/// returns. The API has no cancel endpoint: cancelling stops the waiting here; the
/// terminal's prompt stays until the customer acts or it expires (10 minutes by default).
/// Any other failure of a read (after its retries) ends the wait with that result;
/// waiting again is always safe. A `timeout_ms` of 0 reads the session once (that read
/// bounded by the request timeout) and gives `AS_RESULT_STILL_PENDING` if it is.
///
/// On success `*out` receives the session; the caller owns it and must free it with
/// `as_payment_session_free`. On failure `*out` is set to NULL. Safe to call from many
/// threads at once on one client.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_client_wait_payment_session(
    c: *const as_client,
    terminal_id: *const c_char,
    challenge_id: *const c_char,
    timeout_ms: u32,
    cancel: *const as_cancel_token,
    out: *mut *mut as_payment_session,
) -> as_result {
    ffi_panic_boundary! { "as_client_wait_payment_session",
        // SAFETY: every pointer is NULL or valid, as the header requires.
        unsafe { wait(On::Client(c), terminal_id, challenge_id, timeout_ms, cancel, out) }
    }
}

/// Frees a client and closes its connections: when it returns, no socket of the client is
/// open and no thread of the library runs for it. NULL is accepted and does nothing. No
/// call on it may still be running.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_client_free(c: *mut as_client) {
    ffi_panic_boundary! { "as_client_free",
        // SAFETY: c is NULL or a client made by this library, given back once.
        unsafe { free_box(c) }
    }
}
