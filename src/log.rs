//! Diagnostics: one process-wide sink for the library's log lines, so a POS can route
//! them into its own log. Lines say what was sent, what came back, retries and timings;
//! never a terminal id in clear, never a body.

use std::cell::Cell;
use std::fmt;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use crate::error::Error;

/// How much a log line matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    /// A call failed.
    Error = 1,
    /// Something went wrong and was handled, e.g. a retry.
    Warn = 2,
    /// One line per request: its answer and how long it took.
    Info = 3,
    /// Details: requests as they are sent, each poll of a wait.
    Debug = 4,
}

impl LogLevel {
    /// The level for a number 1 to 4, as the C ABI passes it.
    pub fn from_number(n: u32) -> Option<LogLevel> {
        match n {
            1 => Some(LogLevel::Error),
            2 => Some(LogLevel::Warn),
            3 => Some(LogLevel::Info),
            4 => Some(LogLevel::Debug),
            _ => None,
        }
    }
}

/// A sink for log lines. It is called inside the library call that logs, on that call's
/// thread, possibly from several threads at once.
pub type Logger = Arc<dyn Fn(LogLevel, &str) + Send + Sync>;

/// The most detailed level that reaches the sink; 0 when there is none, so a disabled log
/// costs one atomic load.
static MAX_LEVEL: AtomicU8 = AtomicU8::new(0);
/// The sink. A line is delivered while holding the read lock, so [`set_logger`] (the
/// write lock) returns only once every call of the old sink has returned.
static LOGGER: RwLock<Option<Logger>> = RwLock::new(None);

thread_local! {
    /// True while this thread runs the sink: a line it logs then is dropped, and a
    /// `set_logger` from inside the sink is refused (it would wait for itself).
    static IN_SINK: Cell<bool> = const { Cell::new(false) };
}

fn in_sink() -> bool {
    IN_SINK.try_with(Cell::get).unwrap_or(false)
}

/// Sends the library's log lines up to `max_level` to `logger`, for the whole process,
/// replacing any sink set before; `None` turns logging off (the default).
///
/// Returns only after every call of the previous sink in flight (on other threads) has
/// returned, so whatever that sink uses may be released then. Fails with
/// [`ErrorKind::InvalidArgument`](crate::ErrorKind::InvalidArgument) when called from
/// inside the sink itself.
pub fn set_logger(logger: Option<Logger>, max_level: LogLevel) -> Result<(), Error> {
    if in_sink() {
        return Err(Error::invalid_argument(
            "the log sink cannot be changed from inside the log sink",
        ));
    }
    let mut slot = LOGGER.write().unwrap_or_else(PoisonError::into_inner);
    MAX_LEVEL.store(
        if logger.is_some() { max_level as u8 } else { 0 },
        Ordering::Release,
    );
    *slot = logger;
    Ok(())
}

pub(crate) fn enabled(level: LogLevel) -> bool {
    level as u8 <= MAX_LEVEL.load(Ordering::Acquire)
}

pub(crate) fn log(level: LogLevel, args: fmt::Arguments<'_>) {
    if !enabled(level) || in_sink() {
        return;
    }
    struct Leave;
    impl Drop for Leave {
        fn drop(&mut self) {
            let _ = IN_SINK.try_with(|s| s.set(false));
        }
    }
    let slot = LOGGER.read().unwrap_or_else(PoisonError::into_inner);
    if let Some(logger) = slot.as_ref() {
        let line = args.to_string();
        let _ = IN_SINK.try_with(|s| s.set(true));
        let _leave = Leave;
        logger(level, &line);
    }
}

/// Logs a line at a level, formatting it only when someone listens.
macro_rules! log_line {
    ($level:ident, $($arg:tt)*) => {
        if $crate::log::enabled($crate::log::LogLevel::$level) {
            $crate::log::log($crate::log::LogLevel::$level, format_args!($($arg)*));
        }
    };
}
pub(crate) use log_line;
