//! A cancel token: lets one thread stop another thread's wait promptly.
//!
//! Cancelling wakes the waiting thread's pause and shuts down the socket of the request it
//! has in flight (see `wire.rs`), so the wait returns on its own thread at once: no
//! thread is left reading on its behalf.

use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, Weak};
use std::time::{Duration, Instant};

use crate::wire::Watch;

/// Stops a [`Client::wait_payment_session`](crate::Client::wait_payment_session) from any
/// thread. Cloning gives another handle to the same token; once cancelled it stays
/// cancelled.
///
/// The API has no cancel endpoint: cancelling stops the waiting here, while the terminal's
/// prompt stays until the customer acts or it expires.
#[derive(Debug, Clone, Default)]
pub struct CancelToken {
    inner: Arc<(Mutex<State>, Condvar)>,
}

#[derive(Default)]
struct State {
    cancelled: bool,
    /// The requests in flight under this token.
    watches: Vec<Weak<Watch>>,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("cancelled", &self.cancelled)
            .finish_non_exhaustive()
    }
}

/// Keeps a request registered with a token while it is in flight.
pub(crate) struct Watching<'a> {
    token: &'a CancelToken,
    watch: Weak<Watch>,
}

impl Drop for Watching<'_> {
    fn drop(&mut self) {
        self.token
            .state()
            .watches
            .retain(|w| !Weak::ptr_eq(w, &self.watch) && w.strong_count() > 0);
    }
}

impl CancelToken {
    /// A token that has not been cancelled.
    pub fn new() -> Self {
        Self::default()
    }

    /// Cancels every wait using this token, now and later. Safe from any thread.
    /// A request in flight under the token is stopped by shutting its socket down.
    pub fn cancel(&self) {
        let watches = {
            let mut state = self.state();
            state.cancelled = true;
            std::mem::take(&mut state.watches)
        };
        self.inner.1.notify_all();
        for watch in watches.iter().filter_map(Weak::upgrade) {
            watch.interrupt();
        }
    }

    /// True once [`cancel`](Self::cancel) has been called.
    pub fn is_cancelled(&self) -> bool {
        self.state().cancelled
    }

    /// Registers a request in flight, so that [`cancel`](Self::cancel) stops it; a token
    /// already cancelled stops it at once.
    pub(crate) fn watching(&self, watch: &Arc<Watch>) -> Watching<'_> {
        let cancelled = {
            let mut state = self.state();
            if !state.cancelled {
                state.watches.push(Arc::downgrade(watch));
            }
            state.cancelled
        };
        if cancelled {
            watch.interrupt();
        }
        Watching {
            token: self,
            watch: Arc::downgrade(watch),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.inner.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Sleeps for `duration` or until the token is cancelled, whichever comes first.
    /// Returns true when cancelled.
    pub(crate) fn sleep(&self, duration: Duration) -> bool {
        let deadline = Instant::now() + duration;
        let mut state = self.state();
        while !state.cancelled {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            state = self
                .inner
                .1
                .wait_timeout(state, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        state.cancelled
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
