//! `as_currency_exponent`: the currency helper, on no C object (ISO 4217 is
//! `src/money.rs`).

use std::ffi::{c_char, c_int};

use crate::money::currency_exponent;

use super::{arg_str, ffi_panic_boundary};

/// How many minor-unit digits `currency` has (ISO 4217): 2 for "USD", 0 for "JPY", 3 for
/// "BHD"; -1 when `currency` is NULL or not an active ISO 4217 currency ("XYZ"), which
/// every create refuses too. Does not touch the last error.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_currency_exponent(currency: *const c_char) -> c_int {
    ffi_panic_boundary! { "as_currency_exponent",
        // SAFETY: currency is NULL or a NUL-terminated string.
        match unsafe { arg_str(currency, "currency") } {
            Ok(code) => currency_exponent(code).map_or(-1, |e| e as c_int),
            Err(_) => -1,
        }
    }
}
