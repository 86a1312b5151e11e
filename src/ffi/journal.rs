//! The payment journal's entry points on the other objects: its settings on
//! `as_client_options`, and `as_client_find_payment_session` and
//! `as_client_forget_reference` on `as_client`. Kept here rather than in
//! `client_options.rs` and `client.rs` because the header lists them here, between
//! `as_version` and the `as_journal_entry` getters (see the note in `mod.rs`). The entry
//! they hand out is `journal_entry.rs`; the journal itself is `src/journal.rs`.

use std::ffi::c_char;
use std::time::Duration;

use super::client::as_client;
use super::client_options::{as_client_options, change};
use super::error::result_of;
use super::journal_entry::as_journal_entry;
use super::{arg_ref, arg_str, as_result, deliver, ffi_panic_boundary, out_param, try_arg};

/// Keeps a crash-safe payment journal at `path` (off by default; NULL or "" turns it
/// off again). `path` names the file, or a folder (an existing one, or a path ending
/// with '/') that then holds "authsignal-terminal-journal.sqlite3". The folder must
/// exist; a missing file is created by `as_client_new` (readable by its owner only),
/// which gives `AS_RESULT_JOURNAL` when it cannot be opened, and refuses (unchanged)
/// anything that is not a regular file, or neither empty nor this library's journal.
///
/// With a journal, a create that carries a reference is written durably (synced to
/// disk) before it leaves the machine, and a create for a reference whose last attempt
/// may still take money gives `AS_RESULT_DUPLICATE_REFERENCE` without sending it:
/// COMPLETED (for as long as the entry is kept), an unknown outcome (until
/// `as_client_forget_reference`), and PENDING (within the journal lifetime at once;
/// after it, the library reads the session and refuses while it is PENDING or
/// COMPLETED). FAILED and EXPIRED let the create go. Creates without a reference are
/// not journaled. Several processes and threads may share one journal.
/// The journal never holds a terminal id, only a keyed hash of it.
///
/// The string is copied; the caller keeps ownership of `path`.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_client_options_set_journal_path(
    o: *mut as_client_options,
    path: *const c_char,
) -> as_result {
    ffi_panic_boundary! { "as_client_options_set_journal_path",
        // SAFETY: path is NULL or a NUL-terminated string.
        let path = try_arg!(unsafe { super::arg_opt_str(path, "path") });
        change(o, |options| match path {
            None | Some("") => {
                options.journal.path = None;
                Ok(())
            }
            Some(path) => options.set_journal_path(path).map(drop),
        })
    }
}

/// How long a session last seen PENDING is taken to be still PENDING: a create for its
/// reference within this time is refused at once; after it, the library first reads
/// the session (with the create's terminal id) and refuses while it is PENDING or
/// COMPLETED (default 600000 ms, 10 minutes: how long a terminal prompt lives). From
/// 1 ms to 86400000 ms (24 hours). Age alone never lets a create through: an unknown
/// outcome stays refused until forgotten, a COMPLETED reference for as long as its
/// entry is kept.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_client_options_set_journal_lifetime_ms(
    o: *mut as_client_options,
    ms: u32,
) -> as_result {
    ffi_panic_boundary! { "as_client_options_set_journal_lifetime_ms",
        change(o, |options| options.set_journal_lifetime(Duration::from_millis(ms.into())).map(drop))
    }
}

/// How long final journal entries (COMPLETED, FAILED, EXPIRED) are kept (default
/// 604800000 ms, 7 days); older ones are dropped. Entries that may still take money are
/// kept until they are final or forgotten. At least the lifetime (`as_client_new` checks), at most 366 days.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_client_options_set_journal_retention_ms(
    o: *mut as_client_options,
    ms: u64,
) -> as_result {
    ffi_panic_boundary! { "as_client_options_set_journal_retention_ms",
        change(o, |options| options.set_journal_retention(Duration::from_millis(ms)).map(drop))
    }
}

/// What the client's journal knows about the last create for `reference`: a POS that
/// restarted uses it to wait again for the session it had started (when
/// `as_journal_entry_challenge_id` is not NULL), or to learn that the outcome is unknown
/// (check the terminal, then `as_client_forget_reference`).
///
/// Gives `AS_RESULT_NOT_FOUND` when the journal knows nothing for `reference` (no
/// create, one that certainly created nothing, or one older than the retention), and
/// `AS_RESULT_INVALID_ARGUMENT` when the client has no journal. No network I/O.
///
/// On success `*out` receives the entry; the caller owns it and must free it with
/// `as_journal_entry_free`. On failure `*out` is set to NULL. Safe to call from many
/// threads at once on one client.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_client_find_payment_session(
    c: *const as_client,
    reference: *const c_char,
    out: *mut *mut as_journal_entry,
) -> as_result {
    ffi_panic_boundary! { "as_client_find_payment_session",
        // SAFETY: every pointer is NULL or valid, as the header requires.
        let out = try_arg!(unsafe { out_param(out, "out") });
        let client = try_arg!(unsafe { arg_ref(c, "client") });
        let reference = try_arg!(unsafe { arg_str(reference, "reference") });
        let entry = try_arg!(client
            .client
            .find_payment_session(reference)
            .and_then(as_journal_entry::try_from));
        deliver(out, entry)
    }
}

/// Forgets `reference` in the client's journal: the cashier has checked the terminal
/// and nothing is prompting, so the next create for it may go. Forgetting a reference
/// the journal does not know gives `AS_RESULT_OK`. `AS_RESULT_INVALID_ARGUMENT` when the
/// client has no journal. No network I/O.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_client_forget_reference(
    c: *const as_client,
    reference: *const c_char,
) -> as_result {
    ffi_panic_boundary! { "as_client_forget_reference",
        // SAFETY: every pointer is NULL or valid, as the header requires.
        let client = try_arg!(unsafe { arg_ref(c, "client") });
        let reference = try_arg!(unsafe { arg_str(reference, "reference") });
        result_of(client.client.forget_reference(reference))
    }
}
