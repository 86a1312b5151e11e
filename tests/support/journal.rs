//! What the payment journal's tests and benchmark share (`tests/journal.rs`,
//! `tests/journal_faults.rs`, `tests/journal_scale.rs`, `benches/journal.rs`): a
//! temporary folder, a client's options with a journal, and a journal filled with many
//! final entries straight through SQLite (a year of payments without a year of POSTs; the
//! rows are what the library itself writes for an answered create whose final status a
//! read saw: src/journal.rs, `payments`).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use authsignal_terminal::ClientOptions;

/// A fresh folder under the system temp dir, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        static COUNT: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "as-journal-{name}-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A client's options for the server at `base_url` (trusting `ca_file`), polling every
/// 100 ms, with its journal at `journal`.
pub fn options_for(base_url: &str, ca_file: Option<&Path>, journal: &Path) -> ClientOptions {
    let mut options = ClientOptions::new();
    options.set_base_url(base_url).unwrap();
    if let Some(ca) = ca_file {
        options.set_ca_file(ca).unwrap();
    }
    options
        .set_poll_interval(Duration::from_millis(100))
        .unwrap();
    options.set_journal_path(journal).unwrap();
    options
}

/// Adds `count` final entries (`{prefix}{i}`, COMPLETED but every tenth FAILED) to the
/// journal at `path`, which the library has already created; the newest was updated
/// just now, the oldest `spread` ago, evenly between.
pub fn fill(path: &Path, prefix: &str, count: u64, spread: Duration) -> rusqlite::Result<()> {
    let mut connection = rusqlite::Connection::open(path)?;
    connection.busy_timeout(Duration::from_secs(10))?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let spread = spread.as_millis() as i64;
    let transaction = connection.transaction()?;
    {
        let mut insert = transaction.prepare(
            "INSERT INTO payments
                 (reference, attempt, terminal, state, challenge_id, status, created_ms, updated_ms)
             VALUES (?1, ?2, ?3, 'answered', ?4, ?5, ?6, ?6)",
        )?;
        for i in 0..count {
            let age = spread * (count - i) as i64 / count.max(1) as i64;
            let status = if i % 10 == 9 { "FAILED" } else { "COMPLETED" };
            insert.execute(rusqlite::params![
                format!("{prefix}{i}"),
                i as i64,
                "5f1c0d3e9a7b2c4d6e8f0a1b2c3d4e5f",
                format!("pch_{prefix}{i:08}"),
                status,
                now - age,
            ])?;
        }
    }
    transaction.commit()?;
    connection.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
}

/// The journal's size on disk: the database and its WAL.
pub fn size_on_disk(path: &Path) -> u64 {
    ["", "-wal"]
        .iter()
        .filter_map(|suffix| std::fs::metadata(format!("{}{suffix}", path.display())).ok())
        .map(|m| m.len())
        .sum()
}
