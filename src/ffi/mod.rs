//! The C ABI: thin functions over the Rust core, one module per C object.
//!
//! Not part of the Rust API (hidden from its documentation, no semver promise): Rust
//! programs use [`Client`](crate::Client). It is reachable from Rust only so that this
//! crate's tests can drive the C entry points as C does, through `unsafe`.
//!
//! Nothing here decides anything: each function checks its pointers, converts strings,
//! calls the core, and turns the outcome into an `as_result` plus the thread's last error.
//! Every function body runs inside [`ffi_panic_boundary!`], so a panic never crosses into
//! C; it becomes `AS_RESULT_INTERNAL` (or NULL / a neutral value).
//!
//! The conventions (written once in the header's preamble, from `cbindgen.toml`):
//! out-params come last and are written only on success (set to NULL on failure); strings
//! are NUL-terminated UTF-8; every `_free` accepts NULL; no pointer is trusted.

// Every entry point that takes a pointer is an `unsafe extern "C" fn` with a `# Safety`
// section (safe Rust cannot call it by mistake); inside, each unsafe operation still sits
// in its own `unsafe` block with the reason it holds.
#![deny(unsafe_op_in_unsafe_fn)]

use std::ffi::{c_char, CStr};

use crate::error::Error;

// Declared in the header's order: cbindgen writes the functions module by module, in the
// order of these lines (the header is kept byte for byte; `tests/header.rs`).
pub mod cancel_token;
pub mod client;
pub mod client_options;
pub mod default_client;

pub mod currency;

pub mod diagnose;
pub mod error;
pub mod journal;
pub mod journal_entry;
pub mod log;
pub mod payment_session;

pub use error::as_result;

/// Runs a function body, turning a panic into the neutral value of its return type
/// (`AS_RESULT_INTERNAL` with a last error naming the function, NULL, false, …).
/// It wraps the body, not the function, so cbindgen still sees a plain `extern "C" fn`.
macro_rules! ffi_panic_boundary {
    ($name:literal, $($body:tt)*) => {
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| { $($body)* })) {
            Ok(value) => value,
            Err(payload) => $crate::ffi::PanicValue::on_panic($name, payload),
        }
    };
}
pub(crate) use ffi_panic_boundary;

/// Returns early from an `as_result` function with the error recorded as the last error.
macro_rules! try_arg {
    ($expr:expr) => {
        match $expr {
            Ok(value) => value,
            Err(error) => return $crate::ffi::error::fail(error),
        }
    };
}
pub(crate) use try_arg;

/// What a function returns when its body panicked.
pub(crate) trait PanicValue {
    fn on_panic(function: &str, payload: Box<dyn std::any::Any + Send>) -> Self;
}

impl PanicValue for as_result {
    fn on_panic(function: &str, payload: Box<dyn std::any::Any + Send>) -> Self {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        error::fail(Error::internal(format!(
            "internal error in {function} (a panic, caught): {what}; please report it"
        )))
    }
}

macro_rules! neutral_on_panic {
    ($($ty:ty => $value:expr),* $(,)?) => {
        $(impl PanicValue for $ty {
            fn on_panic(_function: &str, _payload: Box<dyn std::any::Any + Send>) -> Self {
                $value
            }
        })*
    };
}

neutral_on_panic! {
    () => (),
    bool => false,
    std::ffi::c_int => -1,
    i64 => 0,
    *const c_char => std::ptr::null(),
    *mut cancel_token::as_cancel_token => std::ptr::null_mut(),
    payment_session::as_payment_status => payment_session::as_payment_status::Unknown,
}

/// Borrows the object behind a pointer that C passed in, or names the NULL argument.
///
/// # Safety
/// `ptr` is NULL or points to a live object of type `T` made by this library.
pub(crate) unsafe fn arg_ref<'a, T>(ptr: *const T, name: &str) -> Result<&'a T, Error> {
    // SAFETY: the caller promises ptr is NULL or valid; NULL is refused here.
    unsafe { ptr.as_ref() }.ok_or_else(|| null_argument(name))
}

/// Like [`arg_ref`], mutably.
///
/// # Safety
/// `ptr` is NULL or points to a live object of type `T` made by this library, used by
/// no other thread during the call.
pub(crate) unsafe fn arg_mut<'a, T>(ptr: *mut T, name: &str) -> Result<&'a mut T, Error> {
    // SAFETY: as above.
    unsafe { ptr.as_mut() }.ok_or_else(|| null_argument(name))
}

/// Reads a required NUL-terminated UTF-8 string.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that lives through the call.
pub(crate) unsafe fn arg_str<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, Error> {
    if ptr.is_null() {
        return Err(null_argument(name));
    }
    // SAFETY: non-NULL and NUL-terminated by the caller's promise.
    unsafe { CStr::from_ptr(ptr) }
        .to_str()
        .map_err(|_| Error::invalid_argument(format!("{name} is not valid UTF-8")))
}

/// Reads an optional string: NULL means absent.
///
/// # Safety
/// As [`arg_str`].
pub(crate) unsafe fn arg_opt_str<'a>(
    ptr: *const c_char,
    name: &str,
) -> Result<Option<&'a str>, Error> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: as arg_str.
    unsafe { arg_str(ptr, name) }.map(Some)
}

/// Checks an out-param and sets it to NULL, so it holds NULL on every failure.
///
/// # Safety
/// `out` is NULL or points to writable storage for one pointer.
pub(crate) unsafe fn out_param<'a, T>(
    out: *mut *mut T,
    name: &str,
) -> Result<&'a mut *mut T, Error> {
    // SAFETY: the caller promises out is NULL or writable.
    let out = unsafe { out.as_mut() }.ok_or_else(|| null_argument(name))?;
    *out = std::ptr::null_mut();
    Ok(out)
}

fn null_argument(name: &str) -> Error {
    Error::invalid_argument(format!("{name} is NULL"))
}

/// Hands a new object to C through its out-param and reports success.
pub(crate) fn deliver<T>(out: &mut *mut T, value: T) -> as_result {
    *out = Box::into_raw(Box::new(value));
    error::succeed()
}

/// Takes back and drops an object C is done with; NULL does nothing.
///
/// # Safety
/// `ptr` is NULL or was made by `Box::into_raw` in this library and is not used again.
pub(crate) unsafe fn free_box<T>(ptr: *mut T) {
    if !ptr.is_null() {
        // SAFETY: made by Box::into_raw here, given back exactly once by the caller.
        drop(unsafe { Box::from_raw(ptr) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn panicking_as_result() -> as_result {
        ffi_panic_boundary! { "panicking_as_result",
            if std::hint::black_box(true) {
                panic!("deliberate");
            }
            as_result::Ok
        }
    }

    fn panicking_pointer() -> *const c_char {
        ffi_panic_boundary! { "panicking_pointer",
            if std::hint::black_box(true) {
                panic!("deliberate");
            }
            c"never".as_ptr()
        }
    }

    #[test]
    fn a_panic_becomes_internal_with_a_message_naming_the_function() {
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let r = panicking_as_result();
        let p = panicking_pointer();
        std::panic::set_hook(hook);
        assert_eq!(r, as_result::Internal);
        // SAFETY: the last error message is a valid C string until the next call.
        let message = unsafe { CStr::from_ptr(error::as_last_error_message()) };
        let message = message.to_str().unwrap();
        assert!(message.contains("panicking_as_result") && message.contains("deliberate"));
        assert!(p.is_null());
    }

    #[test]
    fn null_arguments_are_named_and_out_params_cleared() {
        let mut slot: *mut u8 = 8 as *mut u8;
        // SAFETY: slot is writable.
        let out = unsafe { out_param(&mut slot, "out") }.unwrap();
        assert!(out.is_null());
        // SAFETY: NULL is allowed and refused.
        let e = unsafe { arg_str(std::ptr::null(), "currency") }.unwrap_err();
        assert!(e.message().contains("currency is NULL"));
        let bad = [0xffu8, 0xfe, 0];
        // SAFETY: a NUL-terminated buffer.
        let e = unsafe { arg_str(bad.as_ptr().cast(), "reference") }.unwrap_err();
        assert!(e.message().contains("reference is not valid UTF-8"));
        // SAFETY: NULL means absent here.
        assert_eq!(
            unsafe { arg_opt_str(std::ptr::null(), "reference") }.unwrap(),
            None
        );
    }
}
