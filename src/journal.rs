//! The payment journal: an opt-in, crash-safe record of every create that carries a POS
//! reference, so that one reference never prompts the customer twice, across crashes,
//! restarts and several POS processes on one machine.
//!
//! The Terminal API has no idempotency key. So before a create leaves the machine, a row
//! for its reference is committed (synced to disk) in a SQLite database; the answer then
//! fills in the challenge id and status, and a read that sees a final status records it.
//! A create for a reference whose last attempt may still be taking money is refused
//! before any I/O with [`ErrorKind::DuplicateReference`].
//!
//! SQLite does the crash safety: WAL mode with `synchronous=FULL` makes each commit
//! durable before the call returns, a torn write is rolled back on the next open, and a
//! busy timeout plus `BEGIN IMMEDIATE` around check-then-insert serialises the
//! processes and threads sharing one file. The terminal id is never stored: only a keyed
//! hash (HMAC-SHA256 under a random key kept in the journal), enough to tell terminals
//! apart.
//!
//! The file must be on a local disk: SQLite's WAL mode shares memory between the
//! processes using it, which a network share cannot do.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use crate::error::{Error, ErrorKind};
use crate::log::log_line;
use crate::session::{PaymentSession, PaymentStatus};

/// How long a create of unknown outcome (or a session still `PENDING`) keeps its
/// reference from being used again, by default: Authsignal's terminal-started sessions
/// are valid for 10 minutes.
pub const DEFAULT_JOURNAL_LIFETIME: Duration = Duration::from_secs(10 * 60);
/// How long an entry is kept, by default; older ones are dropped so the file stays small.
pub const DEFAULT_JOURNAL_RETENTION: Duration = Duration::from_secs(7 * 24 * 60 * 60);
/// The longest lifetime accepted.
const MAX_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);
/// The longest retention accepted.
const MAX_RETENTION: Duration = Duration::from_secs(366 * 24 * 60 * 60);
/// How many aged-out entries one create deletes at most (benches/journal.rs: deleting
/// 100,000 at once held that create for half a second).
const PURGE_PER_CREATE: i64 = 500;
/// How long a process waits for another holding the journal's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// The file made inside a folder given as the journal path.
pub const JOURNAL_FILE_NAME: &str = "authsignal-terminal-journal.sqlite3";
/// The schema version this library writes (SQLite's `user_version`).
const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (
    name  TEXT PRIMARY KEY NOT NULL,
    value BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS payments (
    reference    TEXT PRIMARY KEY NOT NULL,
    attempt      INTEGER NOT NULL,
    terminal     TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('sending', 'unknown', 'answered')),
    challenge_id TEXT,
    status       TEXT,
    created_ms   INTEGER NOT NULL,
    updated_ms   INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS payments_challenge ON payments (challenge_id);
CREATE INDEX IF NOT EXISTS payments_updated ON payments (updated_ms);
";

/// The journal's settings, part of [`ClientOptions`](crate::ClientOptions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JournalSettings {
    pub(crate) path: Option<PathBuf>,
    pub(crate) lifetime: Duration,
    pub(crate) retention: Duration,
}

impl Default for JournalSettings {
    fn default() -> Self {
        JournalSettings {
            path: None,
            lifetime: DEFAULT_JOURNAL_LIFETIME,
            retention: DEFAULT_JOURNAL_RETENTION,
        }
    }
}

impl JournalSettings {
    pub(crate) fn check_lifetime(lifetime: Duration) -> Result<Duration, Error> {
        if lifetime < Duration::from_millis(1) || lifetime > MAX_LIFETIME {
            return Err(Error::invalid_argument(
                "journal lifetime must be from 1 ms to 24 hours",
            ));
        }
        Ok(lifetime)
    }

    pub(crate) fn check_retention(retention: Duration) -> Result<Duration, Error> {
        if retention < Duration::from_millis(1) || retention > MAX_RETENTION {
            return Err(Error::invalid_argument(
                "journal retention must be from 1 ms to 366 days",
            ));
        }
        Ok(retention)
    }
}

/// What the journal knows about one reference: its last create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalEntry {
    reference: String,
    challenge_id: Option<String>,
    status_raw: Option<String>,
    outcome_unknown: bool,
    created_at: SystemTime,
}

impl JournalEntry {
    /// The POS reference.
    pub fn reference(&self) -> &str {
        &self.reference
    }

    /// The challenge id of the session the create made; `None` when its outcome is
    /// unknown (the create is still being sent, its answer never came, or its process
    /// stopped before it did).
    pub fn challenge_id(&self) -> Option<&str> {
        self.challenge_id.as_deref()
    }

    /// The last status seen (from the create's answer or a later read); `None` when the
    /// outcome is unknown.
    pub fn status(&self) -> Option<PaymentStatus> {
        self.status_raw.as_deref().map(PaymentStatus::from_api)
    }

    /// The last status exactly as the server sent it, or `None`.
    pub fn status_raw(&self) -> Option<&str> {
        self.status_raw.as_deref()
    }

    /// True when the create may or may not have made a session: the terminal may be
    /// prompting. Check it; once it shows nothing, forget the reference.
    pub fn outcome_unknown(&self) -> bool {
        self.outcome_unknown
    }

    /// When the create was started.
    pub fn created_at(&self) -> SystemTime {
        self.created_at
    }
}

/// An open journal. One SQLite connection per client, shared by its threads; other
/// processes open their own.
pub(crate) struct Journal {
    path: PathBuf,
    /// The file opened: one deleted or replaced under the client is noticed before
    /// each write, instead of writing to a file nobody will read again.
    identity: FileIdentity,
    /// `None` only while a connection that failed is being replaced (see [`Journal::lock`]).
    connection: Mutex<Option<Connection>>,
    /// Set by every journal error: the next call closes the connection and opens a new
    /// one. A failed lock or unlock call can leave SQLite's bookkeeping of the file's
    /// locks wrong for as long as the connection lives (every later call waiting out the
    /// busy timeout); a fresh connection starts from the file as it is.
    broken: AtomicBool,
    key: ring::hmac::Key,
    lifetime: Duration,
    retention: Duration,
}

/// A create that was written to the journal and is about to be sent.
pub(crate) struct Attempt {
    reference: String,
    id: i64,
}

impl Journal {
    /// Opens the journal the settings name (creating the file, readable by its owner
    /// only, when it is missing), or `None` when they name none. A path that is an
    /// existing folder, or ends with a separator, holds [`JOURNAL_FILE_NAME`]. The folder
    /// must exist, the file must be a regular file, and a file that is neither empty nor
    /// this library's journal is refused before anything is written to it.
    pub(crate) fn open(settings: &JournalSettings) -> Result<Option<Journal>, Error> {
        let Some(path) = &settings.path else {
            return Ok(None);
        };
        if settings.retention < settings.lifetime {
            return Err(Error::invalid_argument(
                "journal retention must be at least the journal lifetime",
            ));
        }
        let path = file_path(path)?;
        let fail = |what: &str, e: &dyn std::fmt::Display| journal_error(&path, what, e);
        create_private(&path).map_err(|e| fail("cannot be created", &e))?;
        let (connection, key) = connect(&path)?;
        let identity = FileIdentity::of(&path).map_err(|e| fail("cannot be opened", &e))?;
        let journal = Journal {
            path,
            identity,
            connection: Mutex::new(Some(connection)),
            broken: AtomicBool::new(false),
            key: ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &key),
            lifetime: settings.lifetime,
            retention: settings.retention,
        };
        Ok(Some(journal))
    }

    /// Before a create is sent: refuses it with [`ErrorKind::DuplicateReference`] when
    /// the reference's last attempt may still be taking money, asks for the session to
    /// be read first ([`Begun::Check`]) when only the server can tell, and otherwise
    /// commits a row saying this attempt is being sent. The check and the write are one
    /// transaction, so of two racing creates (threads or processes) exactly one goes.
    ///
    /// `checked` is what the server said about the session a [`Begun::Check`] named.
    pub(crate) fn begin(
        &self,
        terminal_id: &str,
        reference: &str,
        checked: Option<&PaymentSession>,
    ) -> Result<Begun, Error> {
        let now = now_ms();
        let id = i64::from_ne_bytes(
            random_bytes::<8>()
                .map_err(|_| Error::internal("the system's random number generator failed"))?,
        );
        let terminal = self.terminal_tag(terminal_id);
        let mut connection = self.lock()?;
        let transaction = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.error("cannot be written", &e))?;
        // Only final entries age out: one that may still take money stays until the
        // server says it is over, or the POS forgets it. At most PURGE_PER_CREATE at a
        // time, so a till back after a long pause does not hold its first payment while
        // a backlog is deleted; each create removes more than it adds, so the file still
        // stops growing.
        let retention_ms = duration_ms(self.retention);
        transaction
            .execute(
                "DELETE FROM payments WHERE rowid IN (
                     SELECT rowid FROM payments WHERE updated_ms < ?1 AND state = 'answered'
                         AND status IN ('COMPLETED', 'FAILED', 'EXPIRED')
                     ORDER BY updated_ms LIMIT ?2)",
                params![now.saturating_sub(retention_ms), PURGE_PER_CREATE],
            )
            .map_err(|e| self.error("cannot be written", &e))?;
        let last =
            read_entry(&transaction, reference).map_err(|e| self.error("cannot be read", &e))?;
        if let Some(last) = last {
            match verdict(&last, now, self.lifetime, &terminal, checked) {
                Verdict::Go => {}
                Verdict::Refuse(refusal) => {
                    return Err(Error::new(ErrorKind::DuplicateReference, refusal))
                }
                Verdict::StillPending(refusal) => {
                    // Seen PENDING just now: trusted again for a lifetime without asking.
                    transaction
                        .execute(
                            "UPDATE payments SET updated_ms = ?2 WHERE reference = ?1",
                            params![reference, now],
                        )
                        .and_then(|_| transaction.commit())
                        .map_err(|e| self.error("cannot be written", &e))?;
                    return Err(Error::new(ErrorKind::DuplicateReference, refusal));
                }
                Verdict::Check(challenge_id) => return Ok(Begun::Check(challenge_id)),
            }
        }
        transaction
            .execute(
                "INSERT OR REPLACE INTO payments
                     (reference, attempt, terminal, state, challenge_id, status, created_ms, updated_ms)
                 VALUES (?1, ?2, ?3, 'sending', NULL, NULL, ?4, ?4)",
                params![reference, id, terminal, now],
            )
            .map_err(|e| self.error("cannot be written", &e))?;
        transaction
            .commit()
            .map_err(|e| self.error("cannot be written", &e))?;
        Ok(Begun::Go(Attempt {
            reference: reference.to_string(),
            id,
        }))
    }

    /// After a create's answer (or failure): records the session, or that the outcome
    /// is unknown, or drops the row when nothing was created. A failure to write is
    /// logged and returned, for the caller to attach to the answer: the row then still
    /// says "being sent", which keeps the reference blocked as of unknown outcome, and
    /// the POS still gets the session the server made.
    pub(crate) fn finish(
        &self,
        attempt: Attempt,
        result: &Result<PaymentSession, Error>,
    ) -> Result<(), Error> {
        let now = now_ms();
        let written = self.lock().and_then(|connection| {
            match result {
                Ok(session) => connection.execute(
                    "UPDATE payments SET state = 'answered', challenge_id = ?3, status = ?4, updated_ms = ?5
                     WHERE reference = ?1 AND attempt = ?2",
                    params![attempt.reference, attempt.id, session.challenge_id(), session.status_raw(), now],
                ),
                Err(e) if e.outcome_unknown() => connection.execute(
                    "UPDATE payments SET state = 'unknown', updated_ms = ?3
                     WHERE reference = ?1 AND attempt = ?2",
                    params![attempt.reference, attempt.id, now],
                ),
                Err(_) => connection.execute(
                    "DELETE FROM payments WHERE reference = ?1 AND attempt = ?2",
                    params![attempt.reference, attempt.id],
                ),
            }
            .map(drop)
            .map_err(|e| self.error("could not record a create's answer", &e))
        });
        if let Err(e) = &written {
            log_line!(
                Error,
                "{}; the reference stays blocked as of unknown outcome",
                e.message()
            );
        }
        written
    }

    /// Records a status a read saw for a session the journal knows. A failure to write
    /// is logged and returned, for the caller to attach to the answer.
    pub(crate) fn record_status(&self, session: &PaymentSession) -> Result<(), Error> {
        let written = self.lock().and_then(|connection| {
            connection
                .execute(
                    "UPDATE payments SET status = ?2, updated_ms = ?3
                     WHERE challenge_id = ?1 AND (status IS NULL OR status <> ?2)",
                    params![session.challenge_id(), session.status_raw(), now_ms()],
                )
                .map(drop)
                .map_err(|e| self.error("could not record a session's status", &e))
        });
        if let Err(e) = &written {
            log_line!(Error, "{}", e.message());
        }
        written
    }

    /// What the journal knows about `reference`, or [`ErrorKind::NotFound`].
    pub(crate) fn find(&self, reference: &str) -> Result<JournalEntry, Error> {
        let connection = self.lock()?;
        let row =
            read_entry(&connection, reference).map_err(|e| self.error("cannot be read", &e))?;
        row.map(Row::into_entry).ok_or_else(|| {
            Error::new(
                ErrorKind::NotFound,
                format!(
                    "the journal knows no payment session for reference \"{}\"",
                    shown(reference)
                ),
            )
        })
    }

    /// Drops what the journal knows about `reference`: the next create for it may go.
    /// True when there was an entry.
    pub(crate) fn forget(&self, reference: &str) -> Result<bool, Error> {
        let connection = self.lock()?;
        let removed = connection
            .execute("DELETE FROM payments WHERE reference = ?1", [reference])
            .map_err(|e| self.error("cannot be written", &e))?;
        if removed > 0 {
            log_line!(
                Info,
                "journal: reference \"{}\" forgotten; the next create for it may go",
                shown(reference)
            );
        }
        Ok(removed > 0)
    }

    /// A tag that tells terminals apart without holding the id: 16 bytes of
    /// HMAC-SHA256 under this journal's own random key, in hex.
    fn terminal_tag(&self, terminal_id: &str) -> String {
        let tag = ring::hmac::sign(&self.key, terminal_id.as_bytes());
        tag.as_ref()[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Fails unless the path still names the file this client opened: a journal
    /// deleted or replaced (a restore, a cleaner) while open would otherwise take writes
    /// that the next process never sees, and let a reference be charged again.
    fn check_file(&self) -> Result<(), Error> {
        match FileIdentity::of(&self.path) {
            Ok(now) if now == self.identity => Ok(()),
            Ok(_) => Err(self.error(
                "was replaced by another file while this client had it open",
                &"what this client recorded is not in it. Build a new client (after putting \
                  the right file back, if it was restored by mistake)",
            )),
            Err(e) => Err(self.error(
                "was deleted while this client had it open",
                &format!(
                    "{e}. What this client recorded is lost with it: build a new client (after \
                     putting the file back, if it can be)"
                ),
            )),
        }
    }

    /// The connection, once the file is known to be the one opened; after an error, a
    /// new connection in place of the old one (closed first, so that nothing of its
    /// state is shared with the new one).
    fn lock(&self) -> Result<Locked<'_>, Error> {
        let mut guard = self
            .connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        self.check_file()?;
        if guard.is_none() || self.broken.swap(false, Ordering::AcqRel) {
            log_line!(Info, "journal: opening it again after an error");
            drop(guard.take());
            match connect(&self.path) {
                Ok((connection, _)) => *guard = Some(connection),
                Err(e) => {
                    self.broken.store(true, Ordering::Release);
                    return Err(e);
                }
            }
        }
        Ok(Locked(guard))
    }

    /// A journal error; the next call opens the journal again.
    fn error(&self, what: &str, cause: &dyn std::fmt::Display) -> Error {
        self.broken.store(true, Ordering::Release);
        journal_error(&self.path, what, cause)
    }
}

/// The journal's connection, held: [`Journal::lock`] returns one only when it is open.
struct Locked<'a>(MutexGuard<'a, Option<Connection>>);

impl std::ops::Deref for Locked<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        self.0
            .as_ref()
            .expect("Journal::lock returns an open connection")
    }
}

impl std::ops::DerefMut for Locked<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        self.0
            .as_mut()
            .expect("Journal::lock returns an open connection")
    }
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal")
            .field("path", &self.path)
            .field("lifetime", &self.lifetime)
            .field("retention", &self.retention)
            .finish_non_exhaustive()
    }
}

/// One row of `payments`, as read.
struct Row {
    reference: String,
    terminal: String,
    state: String,
    challenge_id: Option<String>,
    status: Option<String>,
    created_ms: i64,
    updated_ms: i64,
}

impl Row {
    fn outcome_unknown(&self) -> bool {
        self.state != "answered"
    }

    fn into_entry(self) -> JournalEntry {
        let created_ms = u64::try_from(self.created_ms).unwrap_or(0);
        JournalEntry {
            outcome_unknown: self.outcome_unknown(),
            reference: self.reference,
            challenge_id: self.challenge_id,
            status_raw: self.status,
            created_at: UNIX_EPOCH + Duration::from_millis(created_ms),
        }
    }
}

fn read_entry(connection: &Connection, reference: &str) -> rusqlite::Result<Option<Row>> {
    connection
        .query_row(
            "SELECT reference, terminal, state, challenge_id, status, created_ms, updated_ms
             FROM payments WHERE reference = ?1",
            [reference],
            |row| {
                Ok(Row {
                    reference: row.get(0)?,
                    terminal: row.get(1)?,
                    state: row.get(2)?,
                    challenge_id: row.get(3)?,
                    status: row.get(4)?,
                    created_ms: row.get(5)?,
                    updated_ms: row.get(6)?,
                })
            },
        )
        .optional()
}

/// What [`Journal::begin`] found.
pub(crate) enum Begun {
    /// The create may go: it is recorded as being sent.
    Go(Attempt),
    /// The reference's last session was last seen PENDING (or in a status this version
    /// does not know) longer than the lifetime ago: read this session, then begin again
    /// with what the server said.
    Check(String),
}

/// What to do with a new create for the reference of `last`.
enum Verdict {
    Go,
    Refuse(String),
    /// Refuse, having just seen the session still PENDING on the server.
    StillPending(String),
    Check(String),
}

/// The advice every refusal of a reference that may be taking money ends with: only
/// safe steps, never "try again later".
const CHECK_THEN_FORGET: &str = "check the terminal and the payment; only once the shop is sure \
     nothing was charged, forget the reference (forget_reference) and create again";

/// Whether a new create for the reference of `last` may go. An entry that is not final
/// never lets a create through on age alone:
/// - COMPLETED is refused for as long as the entry is kept (the retention);
/// - FAILED and EXPIRED let the create go;
/// - PENDING (or a status this version does not know) is refused while it was last seen
///   less than `lifetime` ago; after that the server is asked ([`Verdict::Check`], with
///   the create's terminal id, which must be the session's), and the create goes only
///   when the session is FAILED or EXPIRED;
/// - an unknown outcome (no challenge id: still being sent, or its answer never came)
///   is refused until the POS forgets the reference: nothing can be asked of the server.
fn verdict(
    last: &Row,
    now_ms: i64,
    lifetime: Duration,
    terminal: &str,
    checked: Option<&PaymentSession>,
) -> Verdict {
    let age = |ms: i64| Duration::from_millis(u64::try_from(now_ms - ms).unwrap_or(0));
    let reference = shown(&last.reference);
    if last.outcome_unknown() {
        return Verdict::Refuse(format!(
            "reference \"{reference}\": a create for it {} s ago has an unknown outcome (it is \
             still being sent, or its answer never came), and without a challenge id the \
             server cannot be asked: the terminal may be prompting or may have charged. \
             {CHECK_THEN_FORGET}",
            age(last.created_ms).as_secs()
        ));
    }
    let challenge_id = last.challenge_id.as_deref().unwrap_or("");
    let status = last.status.as_deref().unwrap_or("");
    let wait_instead = format!(
        "wait for payment session {challenge_id} (get/wait with this journal) instead of \
         creating again"
    );
    match PaymentStatus::from_api(status) {
        PaymentStatus::Completed => Verdict::Refuse(format!(
            "reference \"{reference}\" is already paid: payment session {challenge_id} COMPLETED"
        )),
        PaymentStatus::Failed | PaymentStatus::Expired => Verdict::Go,
        PaymentStatus::Pending | PaymentStatus::Unknown => {
            // A clock set back makes an entry look younger, never older: the safe direction.
            let seen = age(last.updated_ms);
            if seen < lifetime {
                return Verdict::Refuse(format!(
                    "reference \"{reference}\" already has payment session {challenge_id} \
                     ({status} {} s ago): {wait_instead}",
                    seen.as_secs()
                ));
            }
            if last.terminal != terminal {
                return Verdict::Refuse(format!(
                    "reference \"{reference}\" already has payment session {challenge_id} \
                     ({status} {} s ago) on another terminal, which this create's terminal id \
                     cannot read: wait for it with that terminal's id, or {CHECK_THEN_FORGET}",
                    seen.as_secs()
                ));
            }
            match checked.filter(|s| s.challenge_id() == challenge_id) {
                None => Verdict::Check(challenge_id.to_string()),
                // A read records a final status before begin runs again: this one is not.
                Some(session) => Verdict::StillPending(format!(
                    "reference \"{reference}\" already has payment session {challenge_id}, \
                     {} on the server just now: {wait_instead}",
                    session.status_raw()
                )),
            }
        }
    }
}

/// Why a create was refused when the session its reference already has could not be
/// read to decide.
pub(crate) fn check_failed(reference: &str, challenge_id: &str, cause: &Error) -> Error {
    Error::new(
        ErrorKind::DuplicateReference,
        format!(
            "reference \"{}\" already has payment session {challenge_id}, last seen PENDING, \
             and reading it failed ({}): nothing was sent. Wait for it (get/wait with this \
             journal) once the server can be reached, or {CHECK_THEN_FORGET}",
            shown(reference),
            cause.message()
        ),
    )
}

/// A reference as shown in a message: at most 64 characters of it.
fn shown(reference: &str) -> String {
    let mut chars = reference.chars();
    let head: String = chars.by_ref().take(64).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

/// Opens an SQLite connection on the journal's file (which must exist: it is never
/// created here), makes it this library's journal or refuses it, switches it to WAL and
/// checks it. Returns the connection and the journal's key.
fn connect(path: &Path) -> Result<(Connection, Vec<u8>), Error> {
    let fail = |what: &str, e: &dyn std::fmt::Display| journal_error(path, what, e);
    // Not SQLITE_OPEN_CREATE: Journal::open makes the file, and one gone since then is
    // an error, not a new journal.
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE
        | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX
        | rusqlite::OpenFlags::SQLITE_OPEN_URI;
    let mut connection =
        Connection::open_with_flags(path, flags).map_err(|e| fail("cannot be opened", &e))?;
    connection
        .busy_timeout(BUSY_TIMEOUT)
        .map_err(|e| fail("cannot be opened", &e))?;
    let key = adopt(&mut connection, path)?;
    // Switching a new file to WAL takes an exclusive lock for which SQLite does not
    // always call the busy handler: two processes opening one new journal at once can
    // get "database is locked" at once. Tried again within the busy timeout.
    let setup = || -> rusqlite::Result<String> {
        let mode: String =
            connection.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
        // A larger page cache than SQLite's 2 MiB: a year of entries (about 170 MiB)
        // keeps the upper levels of its indexes in memory (benches/journal.rs).
        connection.execute_batch(
            "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -8192;",
        )?;
        Ok(mode)
    };
    let started = std::time::Instant::now();
    let mode = loop {
        match setup() {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if matches!(
                    e.code,
                    rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                ) && started.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            other => break other.map_err(|e| fail("cannot be opened", &e))?,
        }
    };
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(fail(
            "cannot be opened",
            &format!("SQLite refused WAL mode ({mode})"),
        ));
    }
    let check: String = connection
        .query_row("PRAGMA quick_check", [], |row| row.get(0))
        .map_err(|e| fail("is damaged or not a journal", &e))?;
    if check != "ok" {
        return Err(fail("is damaged", &check));
    }
    Ok((connection, key))
}

/// The database file a configured path names. Its folder must exist (a mistyped path
/// would otherwise start a new, empty journal), and what is there must be a regular
/// file that is empty or an SQLite database: nothing else is ever opened.
fn file_path(path: &Path) -> Result<PathBuf, Error> {
    if path.as_os_str().is_empty() {
        return Err(Error::invalid_argument("journal path is empty"));
    }
    let as_folder = path.is_dir()
        || path
            .as_os_str()
            .to_string_lossy()
            .ends_with(std::path::is_separator);
    let (folder, file) = if as_folder {
        (path.to_path_buf(), path.join(JOURNAL_FILE_NAME))
    } else {
        let parent = path.parent().unwrap_or(Path::new(""));
        (parent.to_path_buf(), path.to_path_buf())
    };
    let folder_shown = if folder.as_os_str().is_empty() {
        Path::new(".")
    } else {
        &folder
    };
    if !folder_shown.is_dir() {
        return Err(journal_error(
            &file,
            "cannot be created",
            &format!(
                "its folder {} does not exist; create it first (a mistyped path would \
                 otherwise start a new, empty journal)",
                folder_shown.display()
            ),
        ));
    }
    match std::fs::metadata(&file) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(journal_error(&file, "cannot be opened", &e)),
        Ok(meta) if !meta.is_file() => {
            return Err(journal_error(
                &file,
                "cannot be used",
                &"it is not a regular file (a device, pipe or socket); give the path of a file",
            ))
        }
        Ok(meta) if meta.len() > 0 => {
            let mut head = [0u8; 16];
            let read = std::fs::File::open(&file)
                .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head));
            if read.is_err() || &head != b"SQLite format 3\0" {
                return Err(not_a_journal(&file));
            }
        }
        Ok(_) => {}
    }
    Ok(file)
}

/// Creates the journal's file when it is missing, readable and writable by its owner
/// only (SQLite gives its `-wal` and `-shm` files the same mode). On Windows the file
/// takes its folder's permissions.
fn create_private(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// Makes the open database this library's journal, or refuses it unchanged: inside one
/// write transaction, an empty database gets the schema and a fresh key, this library's
/// journal is kept, and anything else (another program's database) is left as it was.
/// Returns the journal's key.
fn adopt(connection: &mut Connection, path: &Path) -> Result<Vec<u8>, Error> {
    let fail = |what: &str, e: &dyn std::fmt::Display| journal_error(path, what, e);
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| fail("is damaged or not a journal", &e))?;
    let read = || -> rusqlite::Result<(i64, i64, i64)> {
        let version = transaction.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        let objects =
            transaction.query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get(0))?;
        let ours = transaction.query_row(
            "SELECT count(*) FROM sqlite_master
             WHERE type = 'table' AND name IN ('meta', 'payments')",
            [],
            |row| row.get(0),
        )?;
        Ok((version, objects, ours))
    };
    let (version, objects, ours) = read().map_err(|e| fail("is damaged or not a journal", &e))?;
    if version == 0 && objects == 0 {
        let fresh_key = random_bytes::<32>()
            .map_err(|_| Error::internal("the system's random number generator failed"))?;
        transaction
            .execute_batch(SCHEMA)
            .and_then(|()| transaction.pragma_update(None, "user_version", SCHEMA_VERSION))
            .and_then(|()| {
                transaction.execute(
                    "INSERT INTO meta (name, value) VALUES ('terminal_key', ?1)",
                    [fresh_key.to_vec()],
                )
            })
            .map_err(|e| fail("cannot be written", &e))?;
    } else if ours != 2 || version < 1 {
        return Err(not_a_journal(path));
    } else if version > SCHEMA_VERSION {
        return Err(fail(
            "cannot be used",
            &format!("it was written by a newer version of this library (schema {version})"),
        ));
    }
    let key: Vec<u8> = transaction
        .query_row(
            "SELECT value FROM meta WHERE name = 'terminal_key'",
            [],
            |row| row.get(0),
        )
        .optional()
        .map_err(|e| fail("is damaged or not a journal", &e))?
        .ok_or_else(|| not_a_journal(path))?;
    transaction
        .commit()
        .map_err(|e| fail("cannot be written", &e))?;
    Ok(key)
}

fn not_a_journal(path: &Path) -> Error {
    journal_error(
        path,
        "is not a journal of this library",
        &"it is another program's file (or damaged) and was left unchanged; give the path \
          of this library's journal, or of a file that does not exist yet",
    )
}

/// Which file a path names, to notice it deleted or replaced: device and inode on Unix.
/// Elsewhere only that it is still there: Windows does not let a file SQLite holds open be
/// deleted or renamed over, and its creation time is no identity (Wine reports one that
/// moves when the file is written, which made every write after a checkpoint look like a
/// replaced journal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileIdentity {
    #[cfg(unix)]
    dev_ino: (u64, u64),
}

impl FileIdentity {
    fn of(path: &Path) -> std::io::Result<FileIdentity> {
        let meta = std::fs::metadata(path)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Ok(FileIdentity {
                dev_ino: (meta.dev(), meta.ino()),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            Ok(FileIdentity {})
        }
    }
}

fn journal_error(path: &Path, what: &str, cause: &dyn std::fmt::Display) -> Error {
    Error::new(
        ErrorKind::Journal,
        format!("the payment journal {} {what}: {cause}", path.display()),
    )
}

fn random_bytes<const N: usize>() -> Result<[u8; N], ring::error::Unspecified> {
    ring::rand::generate::<[u8; N]>(&ring::rand::SystemRandom::new()).map(|r| r.expose())
}

fn now_ms() -> i64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}

fn duration_ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(state: &str, status: Option<&str>, age: Duration) -> (Row, i64) {
        let now = 10_000_000;
        (
            Row {
                reference: "order-1".to_string(),
                terminal: "tag".to_string(),
                state: state.to_string(),
                challenge_id: status.map(|_| "c1".to_string()),
                status: status.map(str::to_string),
                created_ms: now - duration_ms(age),
                updated_ms: now - duration_ms(age),
            },
            now,
        )
    }

    fn session(challenge_id: &str, status: &str) -> PaymentSession {
        PaymentSession::parse(
            format!(r#"{{"challengeId":"{challenge_id}","status":"{status}"}}"#).as_bytes(),
        )
        .unwrap()
    }

    /// "go", "refuse", "pending" (refused, seen pending just now) or "check".
    fn decide(
        state: &str,
        status: Option<&str>,
        age: Duration,
        terminal: &str,
        checked: Option<&PaymentSession>,
    ) -> &'static str {
        let (r, now) = row(state, status, age);
        match verdict(&r, now, Duration::from_secs(600), terminal, checked) {
            Verdict::Go => "go",
            Verdict::Refuse(_) => "refuse",
            Verdict::StillPending(_) => "pending",
            Verdict::Check(c) => {
                assert_eq!(c, "c1");
                "check"
            }
        }
    }

    #[test]
    fn an_entry_that_is_not_final_never_lets_a_create_through_on_age_alone() {
        let young = Duration::from_secs(5);
        let old = Duration::from_secs(601);
        let ancient = Duration::from_secs(400 * 24 * 3600);
        for age in [young, old, ancient] {
            // No challenge id: nothing can be asked; refused until forgotten.
            assert_eq!(decide("sending", None, age, "tag", None), "refuse");
            assert_eq!(decide("unknown", None, age, "tag", None), "refuse");
            assert_eq!(
                decide("answered", Some("COMPLETED"), age, "tag", None),
                "refuse"
            );
            assert_eq!(decide("answered", Some("FAILED"), age, "tag", None), "go");
            assert_eq!(decide("answered", Some("EXPIRED"), age, "tag", None), "go");
        }
        // PENDING (and a status this version does not know): trusted for the lifetime,
        // then asked of the server, with the session's own terminal only.
        for status in ["PENDING", "REFUNDED"] {
            assert_eq!(
                decide("answered", Some(status), young, "tag", None),
                "refuse"
            );
            for age in [old, ancient] {
                assert_eq!(decide("answered", Some(status), age, "tag", None), "check");
                assert_eq!(
                    decide("answered", Some(status), age, "other", None),
                    "refuse"
                );
                let pending = session("c1", "PENDING");
                assert_eq!(
                    decide("answered", Some(status), age, "tag", Some(&pending)),
                    "pending"
                );
                // An answer about another session is no answer.
                let other = session("c2", "FAILED");
                assert_eq!(
                    decide("answered", Some(status), age, "tag", Some(&other)),
                    "check"
                );
            }
        }
    }

    #[test]
    fn a_refusal_names_the_challenge_id_to_wait_on_and_only_safe_steps() {
        let lifetime = DEFAULT_JOURNAL_LIFETIME;
        let (r, now) = row("answered", Some("PENDING"), Duration::from_secs(3));
        let Verdict::Refuse(message) = verdict(&r, now, lifetime, "tag", None) else {
            panic!("refused");
        };
        assert!(
            message.contains("c1") && message.contains("order-1") && message.contains("wait"),
            "{message}"
        );
        let (r, now) = row("unknown", None, Duration::from_secs(3));
        let Verdict::Refuse(message) = verdict(&r, now, lifetime, "tag", None) else {
            panic!("refused");
        };
        assert!(message.contains("forget"), "{message}");
        assert!(!message.contains("after"), "{message}");
    }

    #[test]
    fn the_tag_hides_the_terminal_id_and_tells_terminals_apart() {
        let dir = std::env::temp_dir().join(format!("as-journal-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let settings = JournalSettings {
            path: Some(dir.clone()),
            ..JournalSettings::default()
        };
        let journal = Journal::open(&settings).unwrap().unwrap();
        let a = journal.terminal_tag("tid_terminal_one");
        assert_eq!(a.len(), 32);
        assert!(!a.contains("one"));
        assert_ne!(a, journal.terminal_tag("tid_terminal_two"));
        assert_eq!(a, journal.terminal_tag("tid_terminal_one"));
        drop(journal);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn long_references_are_shortened_in_messages() {
        assert_eq!(shown("abc"), "abc");
        assert_eq!(shown(&"x".repeat(100)).chars().count(), 65);
    }
}
