//! `as_set_log_callback`: routes the library's log lines into the POS's own log.

use std::ffi::{c_char, c_uint, c_void, CString};
use std::sync::Arc;

use crate::error::Error;
use crate::log::{set_logger, LogLevel};

use super::error::succeed;
use super::{as_result, ffi_panic_boundary, try_arg};

/// How much a log line matters.
#[repr(u32)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, authsignal_terminal_ffi_enum::CEnum)]
pub enum as_log_level {
    /// A call failed.
    Error = 1,
    /// Something went wrong and was handled, e.g. a retry.
    Warn = 2,
    /// One line per request: its answer and how long it took.
    Info = 3,
    /// Details: requests as they are sent, each poll of a wait.
    Debug = 4,
}

impl From<LogLevel> for as_log_level {
    fn from(level: LogLevel) -> Self {
        match level {
            LogLevel::Error => as_log_level::Error,
            LogLevel::Warn => as_log_level::Warn,
            LogLevel::Info => as_log_level::Info,
            LogLevel::Debug => as_log_level::Debug,
        }
    }
}

/// A log sink: called with the `user_data` given to `as_set_log_callback`, the line's
/// level and the line (NUL-terminated UTF-8, borrowed for the duration of the call only).
#[allow(non_camel_case_types)]
pub type as_log_callback =
    Option<extern "C" fn(user_data: *mut c_void, level: as_log_level, message: *const c_char)>;

/// The caller's `user_data`, which the header tells them may be used from any thread.
struct UserData(*mut c_void);
// SAFETY: the header requires the callback and its user_data to be usable from any
// thread at once; the library only passes the pointer back.
unsafe impl Send for UserData {}
// SAFETY: as above.
unsafe impl Sync for UserData {}

impl UserData {
    // A method, so closures capture the whole Send + Sync wrapper, not its raw field.
    fn get(&self) -> *mut c_void {
        self.0
    }
}

/// Sends the library's log lines, up to `max_level` (1 error, 2 warn, 3 info, 4 debug;
/// see `as_log_level`), to `callback` for the whole process, replacing any callback set
/// before. A NULL `callback` turns logging off (the default).
///
/// Lines say what was sent, the HTTP status and timing of each answer, retries, and each
/// poll of a wait. They never contain a terminal id in clear (at most its last 4
/// characters), nor request or answer bodies.
///
/// The callback runs only inside a library call, on the thread that made it (several
/// threads may be in it at once); it must be thread-safe, must return, and must not call
/// back into the library (lines it would cause are dropped, and `as_set_log_callback`
/// from inside it gives `AS_RESULT_INVALID_ARGUMENT`). `user_data` is passed back
/// unchanged. This function returns only after every call of the previous callback in
/// flight on other threads has returned, so the previous `user_data` may be freed as soon
/// as it returns. Gives `AS_RESULT_INVALID_ARGUMENT` for a `max_level` outside 1 to 4.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_set_log_callback(
    callback: as_log_callback,
    user_data: *mut c_void,
    max_level: c_uint,
) -> as_result {
    ffi_panic_boundary! { "as_set_log_callback",
        let level = try_arg!(LogLevel::from_number(max_level)
            .ok_or_else(|| Error::invalid_argument("max_level must be from 1 (error) to 4 (debug)")));
        let logger = callback.map(|callback| {
            let user_data = UserData(user_data);
            Arc::new(move |level: LogLevel, line: &str| {
                let line = CString::new(line.replace('\0', "")).unwrap_or_default();
                callback(user_data.get(), level.into(), line.as_ptr());
            }) as crate::log::Logger
        });
        try_arg!(set_logger(logger, level));
        succeed()
    }
}
