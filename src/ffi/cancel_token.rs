//! `as_cancel_token`: stops a wait from another thread.

use crate::cancel::CancelToken;

use super::{ffi_panic_boundary, free_box};

/// A cancel token for `as_client_wait_payment_session`. Safe to use from many threads at
/// once. Free it with `as_cancel_token_free` once no wait uses it.
#[allow(non_camel_case_types)]
pub struct as_cancel_token {
    pub(crate) token: CancelToken,
}

/// Makes a new, uncancelled token.
///
/// The caller owns the returned token and must free it with `as_cancel_token_free`.
/// NULL only if memory ran out.
#[no_mangle]
pub extern "C" fn as_cancel_token_new() -> *mut as_cancel_token {
    ffi_panic_boundary! { "as_cancel_token_new",
        Box::into_raw(Box::new(as_cancel_token { token: CancelToken::new() }))
    }
}

/// Cancels every wait using this token, now and later: each returns
/// `AS_RESULT_CANCELLED` within 100 ms. Safe to call from any thread, any number of
/// times. NULL does nothing.
///
/// The API has no cancel endpoint: the terminal's prompt stays until the customer acts or
/// it expires.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_cancel_token_cancel(t: *const as_cancel_token) {
    ffi_panic_boundary! { "as_cancel_token_cancel",
        // SAFETY: t is NULL or a live token made by this library.
        if let Some(t) = unsafe { t.as_ref() } {
            t.token.cancel();
        }
    }
}

/// Frees a token. NULL is accepted and does nothing. No wait may still be using it.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_cancel_token_free(t: *mut as_cancel_token) {
    ffi_panic_boundary! { "as_cancel_token_free",
        // SAFETY: t is NULL or a token made by this library, given back once.
        unsafe { free_box(t) }
    }
}
