//! # authsignal-terminal
//!
//! Take a card payment on a paired Authsignal payment terminal: create a payment session
//! (the terminal prompts the customer), then learn how it ended (`COMPLETED`, `FAILED`,
//! `EXPIRED`). This crate is the Rust core; its product is a C ABI (`src/ffi/`, header
//! `include/authsignal_terminal.h`) that C, C++, .NET and Python programs call. Rust
//! programs can use [`Client`] directly.
//!
//! Every rule lives here once: input checks before any network I/O, HTTPS with rustls
//! (plain HTTP only to loopback), no redirects, answers capped at 64 KiB, kept-alive
//! connections, retries that never send a create twice once it may have reached the
//! server, and errors that never show a terminal id in clear.
//!
//! ```no_run
//! use std::time::Duration;
//! use authsignal_terminal::{Client, ClientOptions, ErrorKind, PaymentStatus};
//!
//! let client = Client::new(&ClientOptions::new())?;
//! match client.create_payment_session_minor("terminal-id", 1250, "USD", Some("order-42")) {
//!     Ok(session) => {
//!         let done = client.wait_payment_session(
//!             "terminal-id", session.challenge_id(), Duration::from_secs(120), None)?;
//!         println!("payment {:?}", done.status());
//!     }
//!     Err(e) if e.outcome_unknown() => {
//!         // The terminal may be prompting: check it before creating again.
//!     }
//!     Err(e) => eprintln!("payment not started: {e}"),
//! }
//! # Ok::<(), authsignal_terminal::Error>(())
//! ```

#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

mod cancel;
mod client;
mod diagnose;
mod endpoint;
mod error;
#[doc(hidden)]
pub mod ffi;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod http1;
mod journal;
mod log;
mod money;
mod options;
mod session;
mod terminal_id;
mod tls;
mod transport;
mod validate;
mod wire;

pub use cancel::CancelToken;
pub use client::Client;
pub use diagnose::{
    diagnose, CertificateNames, Check, ClockReport, ConfigReport, DnsReport, ProxyReport, Report,
    Setting, SettingReport, TcpReport, TerminalIdReport, TlsReport, Verdict,
};
pub use error::{Error, ErrorKind};
pub use journal::{
    JournalEntry, DEFAULT_JOURNAL_LIFETIME, DEFAULT_JOURNAL_RETENTION, JOURNAL_FILE_NAME,
};
pub use log::{set_logger, LogLevel, Logger};
pub use money::{currency_exponent, Currency, Money, ISO_4217_SOURCE, MAX_MINOR_UNITS};
pub use options::{
    ClientOptions, Region, DEFAULT_CONNECT_TIMEOUT, DEFAULT_POLL_INTERVAL, DEFAULT_REQUEST_TIMEOUT,
};
pub use session::{PaymentSession, PaymentStatus};
pub use terminal_id::redact_terminal_id;

/// This library's version, `MAJOR.MINOR.PATCH`, as in `Cargo.toml`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
