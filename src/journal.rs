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
    connection: Mutex<Connection>,
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
    /// Opens (creating if missing) the journal the settings name, or `None` when they
    /// name none. A path that is an existing folder, or ends with a separator, holds
    /// [`JOURNAL_FILE_NAME`].
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
        let connection = Connection::open(&path).map_err(|e| fail("cannot be opened", &e))?;
        connection
            .busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| fail("cannot be opened", &e))?;
        // Switching a new file to WAL takes an exclusive lock for which SQLite does not
        // always call the busy handler: two processes opening one new journal at once can
        // get "database is locked" at once. Tried again within the busy timeout.
        let setup = || -> rusqlite::Result<String> {
            let mode: String =
                connection.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
            connection.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")?;
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
        let version: i64 = connection
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(|e| fail("cannot be read", &e))?;
        if version > SCHEMA_VERSION {
            return Err(fail(
                "cannot be used",
                &format!("it was written by a newer version of this library (schema {version})"),
            ));
        }
        let fresh_key = random_bytes::<32>()
            .map_err(|_| Error::internal("the system's random number generator failed"))?;
        let mut connection = connection;
        let transaction = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| fail("cannot be written", &e))?;
        transaction
            .execute_batch(SCHEMA)
            .and_then(|()| transaction.pragma_update(None, "user_version", SCHEMA_VERSION))
            .and_then(|()| {
                transaction.execute(
                    "INSERT OR IGNORE INTO meta (name, value) VALUES ('terminal_key', ?1)",
                    [fresh_key.to_vec()],
                )
            })
            .map_err(|e| fail("is not a journal of this library", &e))?;
        let key: Vec<u8> = transaction
            .query_row(
                "SELECT value FROM meta WHERE name = 'terminal_key'",
                [],
                |row| row.get(0),
            )
            .map_err(|e| fail("is not a journal of this library", &e))?;
        transaction
            .commit()
            .map_err(|e| fail("cannot be written", &e))?;
        let journal = Journal {
            path,
            connection: Mutex::new(connection),
            key: ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &key),
            lifetime: settings.lifetime,
            retention: settings.retention,
        };
        Ok(Some(journal))
    }

    /// Before a create is sent: refuses it with [`ErrorKind::DuplicateReference`] when
    /// the reference's last attempt may still be taking money, and otherwise commits a
    /// row saying this attempt is being sent. The check and the write are one
    /// transaction, so of two racing creates (threads or processes) exactly one goes.
    pub(crate) fn begin(&self, terminal_id: &str, reference: &str) -> Result<Attempt, Error> {
        let now = now_ms();
        let id = i64::from_ne_bytes(
            random_bytes::<8>()
                .map_err(|_| Error::internal("the system's random number generator failed"))?,
        );
        let terminal = self.terminal_tag(terminal_id);
        let mut connection = self.lock();
        let transaction = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.error("cannot be written", &e))?;
        let retention_ms = duration_ms(self.retention);
        transaction
            .execute(
                "DELETE FROM payments WHERE updated_ms < ?1",
                [now.saturating_sub(retention_ms)],
            )
            .map_err(|e| self.error("cannot be written", &e))?;
        let last =
            read_entry(&transaction, reference).map_err(|e| self.error("cannot be read", &e))?;
        if let Some(last) = last {
            if let Some(refusal) = refusal(&last, now, self.lifetime) {
                return Err(Error::new(ErrorKind::DuplicateReference, refusal));
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
        Ok(Attempt {
            reference: reference.to_string(),
            id,
        })
    }

    /// After a create's answer (or failure): records the session, or that the outcome
    /// is unknown, or drops the row when nothing was created. A failure to write is
    /// logged, not returned: the row then still says "outcome unknown", which keeps the
    /// reference safe, and the POS still gets the session the server made.
    pub(crate) fn finish(&self, attempt: Attempt, result: &Result<PaymentSession, Error>) {
        let now = now_ms();
        let connection = self.lock();
        let written = match result {
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
        };
        if let Err(e) = written {
            log_line!(
                Error,
                "{}; the reference stays blocked as of unknown outcome",
                self.error("could not record a create's answer", &e)
            );
        }
    }

    /// Records a final status a read saw for a session the journal knows.
    pub(crate) fn record_status(&self, session: &PaymentSession) {
        let written = self.lock().execute(
            "UPDATE payments SET status = ?2, updated_ms = ?3
             WHERE challenge_id = ?1 AND (status IS NULL OR status <> ?2)",
            params![session.challenge_id(), session.status_raw(), now_ms()],
        );
        if let Err(e) = written {
            log_line!(
                Error,
                "{}",
                self.error("could not record a session's final status", &e)
            );
        }
    }

    /// What the journal knows about `reference`, or [`ErrorKind::NotFound`].
    pub(crate) fn find(&self, reference: &str) -> Result<JournalEntry, Error> {
        let connection = self.lock();
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
        let removed = self
            .lock()
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

    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn error(&self, what: &str, cause: &dyn std::fmt::Display) -> Error {
        journal_error(&self.path, what, cause)
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
    state: String,
    challenge_id: Option<String>,
    status: Option<String>,
    created_ms: i64,
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
            "SELECT reference, state, challenge_id, status, created_ms
             FROM payments WHERE reference = ?1",
            [reference],
            |row| {
                Ok(Row {
                    reference: row.get(0)?,
                    state: row.get(1)?,
                    challenge_id: row.get(2)?,
                    status: row.get(3)?,
                    created_ms: row.get(4)?,
                })
            },
        )
        .optional()
}

/// Why a new create for the reference of `last` must not go, or `None` when it may:
/// COMPLETED is refused for as long as the entry is kept; PENDING, a status this
/// version does not know and an unknown outcome while younger than `lifetime`; FAILED
/// and EXPIRED never.
fn refusal(last: &Row, now_ms: i64, lifetime: Duration) -> Option<String> {
    let age = Duration::from_millis(u64::try_from(now_ms - last.created_ms).unwrap_or(0));
    // A clock set back makes an entry look younger, never older: the safe direction.
    let young = age < lifetime;
    let reference = shown(&last.reference);
    let ago = format!("{} s ago", age.as_secs());
    if last.outcome_unknown() {
        return young.then(|| {
            format!(
            "reference \"{reference}\": a create for it {ago} has an unknown outcome (it is still \
             being sent, or its answer never came): the terminal may be prompting. Check the \
             terminal; once it shows nothing, forget the reference (or create again after {} s)",
            lifetime.as_secs()
        )
        });
    }
    let challenge_id = last.challenge_id.as_deref().unwrap_or("");
    let status = last.status.as_deref().unwrap_or("");
    match PaymentStatus::from_api(status) {
        PaymentStatus::Completed => Some(format!(
            "reference \"{reference}\" is already paid: payment session {challenge_id} COMPLETED"
        )),
        PaymentStatus::Failed | PaymentStatus::Expired => None,
        PaymentStatus::Pending | PaymentStatus::Unknown => young.then(|| {
            format!(
                "reference \"{reference}\" already has payment session {challenge_id} ({status}, \
                 created {ago}): wait for it with that challenge id instead of creating again"
            )
        }),
    }
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

/// The database file a configured path names.
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
    if !folder.as_os_str().is_empty() {
        std::fs::create_dir_all(&folder).map_err(|e| {
            journal_error(&file, "cannot be created (its folder cannot be made)", &e)
        })?;
    }
    Ok(file)
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
                state: state.to_string(),
                challenge_id: status.map(|_| "c1".to_string()),
                status: status.map(str::to_string),
                created_ms: now - duration_ms(age),
            },
            now,
        )
    }

    #[test]
    fn which_last_attempts_refuse_a_new_create() {
        let lifetime = Duration::from_secs(600);
        let young = Duration::from_secs(5);
        let old = Duration::from_secs(601);
        let refused = |state, status, age| {
            let (r, now) = row(state, status, age);
            refusal(&r, now, lifetime).is_some()
        };
        assert!(refused("sending", None, young));
        assert!(refused("unknown", None, young));
        assert!(!refused("sending", None, old));
        assert!(!refused("unknown", None, old));
        assert!(refused("answered", Some("PENDING"), young));
        assert!(!refused("answered", Some("PENDING"), old));
        assert!(refused("answered", Some("REFUNDED"), young));
        assert!(refused("answered", Some("COMPLETED"), young));
        assert!(refused("answered", Some("COMPLETED"), old));
        assert!(!refused("answered", Some("FAILED"), young));
        assert!(!refused("answered", Some("EXPIRED"), young));
    }

    #[test]
    fn a_refusal_names_the_challenge_id_to_wait_on() {
        let (r, now) = row("answered", Some("PENDING"), Duration::from_secs(3));
        let message = refusal(&r, now, DEFAULT_JOURNAL_LIFETIME).unwrap();
        assert!(
            message.contains("c1") && message.contains("order-1"),
            "{message}"
        );
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
