//! The payment journal grown large: retention keeps its file from growing without bound,
//! and a journal of many entries still refuses, finds and lets through as a small one
//! does. The rows are added straight through SQLite (tests/support/journal.rs); the
//! timings at 0, 10k and 1M entries are `make bench-journal`'s (benches/journal.rs), as
//! no test here asserts on a duration.

#[path = "support/journal.rs"]
mod support;
use support::TempDir;

use std::path::Path;
use std::time::Duration;

use authsignal_terminal::{Client, ErrorKind, PaymentStatus};
use authsignal_terminal_sim::{Config, Simulator};

const SECRET: &str = "tid_SECRET_jscale_0c5e";

fn client(sim: &Simulator, journal: &Path, lifetime: Duration, retention: Duration) -> Client {
    let mut options = support::options_for(sim.base_url(), sim.ca_file(), journal);
    options.set_journal_lifetime(lifetime).unwrap();
    options.set_journal_retention(retention).unwrap();
    Client::new(&options).unwrap()
}

fn rows(journal: &Path, pattern: &str) -> i64 {
    rusqlite::Connection::open(journal)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM payments WHERE reference LIKE ?1",
            [pattern],
            |r| r.get(0),
        )
        .unwrap()
}

/// Rounds of 2,000 final entries aged out by the creates that follow: each create
/// deletes at most 500 (so none is held while a backlog goes), every round's entries are
/// gone after four creates, and the file stays the size the first round made it (SQLite
/// reuses the pages a purge frees).
#[test]
fn retention_keeps_the_file_from_growing_without_bound() {
    let sim = Simulator::start(Config::default()).unwrap();
    let dir = TempDir::new("retention");
    let journal = dir.path().join("pos.journal");
    let retention = Duration::from_millis(300);
    let client = client(&sim, &journal, Duration::from_millis(100), retention);
    let tid = format!("{SECRET}+outcome=COMPLETED+polls=0");
    let mut sizes = Vec::new();
    let mut n = 0;
    for round in 0..5 {
        let prefix = format!("round{round}-");
        support::fill(&journal, &prefix, 2_000, Duration::from_secs(86_400)).unwrap();
        assert_eq!(rows(&journal, &format!("{prefix}%")), 2_000);
        std::thread::sleep(retention + Duration::from_millis(100));
        for left in [1_500, 1_000, 500, 0] {
            // Each create's own entry ends COMPLETED, so later creates age it out too.
            n += 1;
            let s = client
                .create_payment_session(&tid, 1.0, "USD", Some(&format!("pay-{n}")))
                .unwrap();
            let done = client
                .wait_payment_session(&tid, s.challenge_id(), Duration::from_secs(10), None)
                .unwrap();
            assert_eq!(done.status(), PaymentStatus::Completed);
            assert_eq!(rows(&journal, &format!("{prefix}%")), left, "round {round}");
        }
        sizes.push(support::size_on_disk(&journal));
    }
    let first = sizes[0];
    println!("journal size after each round of 2,000 entries aged out: {sizes:?} bytes");
    for (round, size) in sizes.iter().enumerate() {
        assert!(
            *size <= first + first / 4,
            "round {round}: {size} bytes, the first round left {first}: {sizes:?}"
        );
    }
}

/// 50,000 entries (a few weeks of a busy lane): the oldest is found, a paid reference
/// among them is refused without a POST, and a new reference goes.
#[test]
fn a_journal_of_many_entries_finds_refuses_and_lets_through_as_a_small_one() {
    let sim = Simulator::start(Config::default()).unwrap();
    let dir = TempDir::new("many");
    let journal = dir.path().join("pos.journal");
    let year = Duration::from_secs(366 * 86_400);
    let open = |sim: &Simulator| client(sim, &journal, Duration::from_secs(600), year);
    drop(open(&sim));
    support::fill(&journal, "old-", 50_000, Duration::from_secs(30 * 86_400)).unwrap();
    let client = open(&sim);
    let oldest = client.find_payment_session("old-0").unwrap();
    assert_eq!(oldest.status(), Some(PaymentStatus::Completed));
    assert_eq!(oldest.challenge_id(), Some("pch_old-00000000"));
    let tid = format!("{SECRET}_many+outcome=COMPLETED+polls=0");
    let e = client
        .create_payment_session(&tid, 1.0, "USD", Some("old-12345"))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DuplicateReference, "{}", e.message());
    // Every tenth is FAILED: that reference may be paid again.
    client
        .create_payment_session(&tid, 1.0, "USD", Some("old-49999"))
        .unwrap();
    client
        .create_payment_session(&tid, 1.0, "USD", Some("new-1"))
        .unwrap();
    assert_eq!(sim.terminal_stats(&tid).creates, 2);
    assert_eq!(rows(&journal, "old-%"), 50_000);
}
