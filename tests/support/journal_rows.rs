//! Fills a payment journal with many final entries straight through SQLite: a year of
//! payments without a year of POSTs, for `tests/journal_scale.rs` and
//! `benches/journal.rs`. The rows are what the library itself writes for an answered
//! create whose final status a read saw (src/journal.rs, `payments`).

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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
