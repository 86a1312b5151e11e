//! A cancel token: lets one thread stop another thread's wait promptly.

use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Stops a [`Client::wait_payment_session`](crate::Client::wait_payment_session) from any
/// thread. Cloning gives another handle to the same token; once cancelled it stays
/// cancelled.
///
/// The API has no cancel endpoint: cancelling stops the waiting here, while the terminal's
/// prompt stays until the customer acts or it expires.
#[derive(Debug, Clone, Default)]
pub struct CancelToken {
    inner: Arc<(Mutex<bool>, Condvar)>,
}

impl CancelToken {
    /// A token that has not been cancelled.
    pub fn new() -> Self {
        Self::default()
    }

    /// Cancels every wait using this token, now and later. Safe from any thread.
    pub fn cancel(&self) {
        let (flag, condvar) = &*self.inner;
        *flag.lock().unwrap_or_else(PoisonError::into_inner) = true;
        condvar.notify_all();
    }

    /// True once [`cancel`](Self::cancel) has been called.
    pub fn is_cancelled(&self) -> bool {
        *self.inner.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Sleeps for `duration` or until the token is cancelled, whichever comes first.
    /// Returns true when cancelled.
    pub(crate) fn sleep(&self, duration: Duration) -> bool {
        let (flag, condvar) = &*self.inner;
        let deadline = Instant::now() + duration;
        let mut cancelled = flag.lock().unwrap_or_else(PoisonError::into_inner);
        while !*cancelled {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            cancelled = condvar
                .wait_timeout(cancelled, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        *cancelled
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancel_wakes_a_sleeper_at_once() {
        let token = CancelToken::new();
        let other = token.clone();
        // Were the sleeper not woken, this test would hang for an hour instead of passing.
        let sleeper = std::thread::spawn(move || other.sleep(Duration::from_secs(3600)));
        std::thread::sleep(Duration::from_millis(20));
        token.cancel();
        assert!(sleeper.join().unwrap());
        assert!(token.is_cancelled());
    }

    #[test]
    fn sleep_without_cancel_returns_false() {
        let token = CancelToken::new();
        assert!(!token.sleep(Duration::from_millis(5)));
        assert!(!token.is_cancelled());
    }
}
