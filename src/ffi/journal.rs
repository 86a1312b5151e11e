//! The payment journal's C entry points: its settings on `as_client_options`,
//! `as_client_find_payment_session` with the `as_journal_entry` it hands out, and
//! `as_client_forget_reference`. The journal itself is `src/journal.rs`.

use std::ffi::{c_char, CString};
use std::time::{Duration, UNIX_EPOCH};

use crate::error::Error;
use crate::journal::JournalEntry;

use super::client::as_client;
use super::client_options::{as_client_options, change};
use super::error::result_of;
use super::payment_session::as_payment_status;
use super::{
    arg_ref, arg_str, as_result, deliver, ffi_panic_boundary, free_box, out_param, try_arg,
};

/// What the payment journal knows about one reference: its last create. Immutable, so
/// it may be read from many threads at once. Free it with `as_journal_entry_free`.
#[allow(non_camel_case_types)]
pub struct as_journal_entry {
    reference: CString,
    challenge_id: Option<CString>,
    status: as_payment_status,
    status_raw: Option<CString>,
    outcome_unknown: bool,
    created_at_ms: i64,
}

impl TryFrom<JournalEntry> for as_journal_entry {
    type Error = Error;

    fn try_from(entry: JournalEntry) -> Result<Self, Error> {
        // References are checked for NUL before they are journaled; ids come from the parser.
        let c = |s: &str| {
            CString::new(s).map_err(|_| Error::internal("a journal entry holds a NUL character"))
        };
        let created_at_ms = entry
            .created_at()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        Ok(as_journal_entry {
            reference: c(entry.reference())?,
            challenge_id: entry.challenge_id().map(c).transpose()?,
            status: entry
                .status()
                .map_or(as_payment_status::Unknown, as_payment_status::from),
            status_raw: entry.status_raw().map(c).transpose()?,
            outcome_unknown: entry.outcome_unknown(),
            created_at_ms,
        })
    }
}

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

/// The entry's POS reference.
///
/// The string is borrowed from `e` and valid until `e` is freed. NULL when `e` is NULL.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_journal_entry_reference(e: *const as_journal_entry) -> *const c_char {
    ffi_panic_boundary! { "as_journal_entry_reference",
        // SAFETY: e is NULL or a live entry made by this library.
        unsafe { e.as_ref() }.map_or(std::ptr::null(), |e| e.reference.as_ptr())
    }
}

/// The challenge id of the session the create made, to wait on; NULL when the outcome is
/// unknown (the create is still being sent, its answer never came, or its process stopped
/// before it did), and when `e` is NULL.
///
/// The string is borrowed from `e` and valid until `e` is freed.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_journal_entry_challenge_id(
    e: *const as_journal_entry,
) -> *const c_char {
    ffi_panic_boundary! { "as_journal_entry_challenge_id",
        // SAFETY: as above.
        unsafe { e.as_ref() }
            .and_then(|e| e.challenge_id.as_ref())
            .map_or(std::ptr::null(), |c| c.as_ptr())
    }
}

/// The last status the journal saw (from the create's answer or a later get or wait);
/// `AS_PAYMENT_STATUS_UNKNOWN` when the outcome is unknown, for a status this version
/// does not know, and when `e` is NULL.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_journal_entry_status(e: *const as_journal_entry) -> as_payment_status {
    ffi_panic_boundary! { "as_journal_entry_status",
        // SAFETY: as above.
        unsafe { e.as_ref() }.map_or(as_payment_status::Unknown, |e| e.status)
    }
}

/// The last status exactly as the server sent it, e.g. "PENDING"; NULL when the outcome
/// is unknown, and when `e` is NULL.
///
/// The string is borrowed from `e` and valid until `e` is freed.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_journal_entry_status_str(e: *const as_journal_entry) -> *const c_char {
    ffi_panic_boundary! { "as_journal_entry_status_str",
        // SAFETY: as above.
        unsafe { e.as_ref() }
            .and_then(|e| e.status_raw.as_ref())
            .map_or(std::ptr::null(), |s| s.as_ptr())
    }
}

/// true when the create may or may not have made a session: the terminal may be
/// prompting. Check it; once it shows nothing, call `as_client_forget_reference`.
/// false when `e` is NULL.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_journal_entry_outcome_unknown(e: *const as_journal_entry) -> bool {
    ffi_panic_boundary! { "as_journal_entry_outcome_unknown",
        // SAFETY: as above.
        unsafe { e.as_ref() }.is_some_and(|e| e.outcome_unknown)
    }
}

/// When the create was started, in milliseconds since 1970-01-01 UTC; 0 when `e` is NULL.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_journal_entry_created_at_ms(e: *const as_journal_entry) -> i64 {
    ffi_panic_boundary! { "as_journal_entry_created_at_ms",
        // SAFETY: as above.
        unsafe { e.as_ref() }.map_or(0, |e| e.created_at_ms)
    }
}

/// Frees an entry. NULL is accepted and does nothing. The entry and every string
/// borrowed from it must not be used afterwards.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_journal_entry_free(e: *mut as_journal_entry) {
    ffi_panic_boundary! { "as_journal_entry_free",
        // SAFETY: e is NULL or an entry made by this library, given back once.
        unsafe { free_box(e) }
    }
}
