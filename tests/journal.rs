//! The payment journal (src/journal.rs) against the simulator: what refuses a create and
//! what lets it through, crashes (a child process killed with SIGKILL at random points
//! around a create the server holds), two processes of many threads racing over shared
//! references (exactly one POST each, counted on the server), torn and foreign journal
//! files, and that the terminal id never reaches the file.
//!
//! The child processes are this test binary run again with `AS_JOURNAL_CHILD` set: see
//! [`child_process`].

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use authsignal_terminal::{Client, ClientOptions, ErrorKind, PaymentStatus, JOURNAL_FILE_NAME};

#[path = "support/journal.rs"]
mod support;
use authsignal_terminal_sim::{Config, Simulator};
use support::{options_for, TempDir};

/// The proper part of every terminal id here: it must never reach the journal's bytes.
const SECRET: &str = "tid_SECRET_journal_2b8e";
const CHILD_ENV: &str = "AS_JOURNAL_CHILD";

fn random_below(n: u64) -> u64 {
    RandomState::new().build_hasher().finish() % n.max(1)
}

fn client_for(sim: &Simulator, journal: &Path) -> Client {
    Client::new(&options_for(sim.base_url(), sim.ca_file(), journal)).expect("the client builds")
}

fn start() -> Simulator {
    Simulator::start(Config::default()).expect("the simulator starts")
}

fn tid(name: &str, directives: &str) -> String {
    format!("{SECRET}_{name}{directives}")
}

fn kind<T: std::fmt::Debug>(r: Result<T, authsignal_terminal::Error>) -> ErrorKind {
    r.unwrap_err().kind()
}

#[test]
fn a_reference_is_refused_while_its_payment_may_be_taking_money() {
    let sim = start();
    let dir = TempDir::new("rules");
    let client = client_for(&sim, dir.path());

    // PENDING: refused before any I/O, naming the challenge id to wait on.
    let t = tid("pending", "+outcome=PENDING");
    let s = client
        .create_payment_session(&t, 5.0, "USD", Some("order-1"))
        .unwrap();
    let e = client
        .create_payment_session(&t, 5.0, "USD", Some("order-1"))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DuplicateReference);
    assert!(e.message().contains(s.challenge_id()), "{}", e.message());
    assert!(!e.message().contains(SECRET));
    assert_eq!(sim.terminal_stats(&t).creates, 1);
    let entry = client.find_payment_session("order-1").unwrap();
    assert_eq!(entry.challenge_id(), Some(s.challenge_id()));
    assert_eq!(entry.status(), Some(PaymentStatus::Pending));
    assert!(!entry.outcome_unknown());
    assert!(entry.created_at() <= SystemTime::now());
    // Another reference, and no reference at all, are not affected; no reference is not journaled.
    client
        .create_payment_session(&t, 5.0, "USD", Some("order-2"))
        .unwrap();
    client.create_payment_session(&t, 5.0, "USD", None).unwrap();
    client.create_payment_session(&t, 5.0, "USD", None).unwrap();
    assert_eq!(sim.terminal_stats(&t).creates, 4);

    // COMPLETED, seen by a wait: refused; FAILED and EXPIRED, seen by a wait: let through.
    for (outcome, refused) in [("COMPLETED", true), ("FAILED", false), ("EXPIRED", false)] {
        let t = tid(outcome, &format!("+outcome={outcome}+polls=0"));
        let reference = format!("order-{outcome}");
        let s = client
            .create_payment_session_minor(&t, 500, "USD", Some(&reference))
            .unwrap();
        let done = client
            .wait_payment_session(&t, s.challenge_id(), Duration::from_secs(10), None)
            .unwrap();
        assert_eq!(done.status_raw(), outcome);
        let entry = client.find_payment_session(&reference).unwrap();
        assert_eq!(entry.status_raw(), Some(outcome));
        let again = client.create_payment_session_minor(&t, 500, "USD", Some(&reference));
        if refused {
            assert_eq!(kind(again), ErrorKind::DuplicateReference);
            assert_eq!(sim.terminal_stats(&t).creates, 1);
        } else {
            again.unwrap();
            assert_eq!(sim.terminal_stats(&t).creates, 2);
        }
    }

    // Certainly not created (a 4xx): nothing is kept, the next create goes.
    let unpaired = "unpaired_journal_0001";
    let e = client
        .create_payment_session(unpaired, 5.0, "USD", Some("order-401"))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthorized);
    assert_eq!(
        kind(client.find_payment_session("order-401")),
        ErrorKind::NotFound
    );

    // Outcome unknown (a 5xx to the create): refused until forgotten.
    let t = tid("unknown", "+fault=503+on=create+times=1");
    let e = client
        .create_payment_session(&t, 5.0, "USD", Some("order-503"))
        .unwrap_err();
    assert!(e.outcome_unknown());
    let entry = client.find_payment_session("order-503").unwrap();
    assert!(entry.outcome_unknown());
    assert_eq!(entry.challenge_id(), None);
    assert_eq!(entry.status(), None);
    let e = client
        .create_payment_session(&t, 5.0, "USD", Some("order-503"))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DuplicateReference);
    assert!(e.message().contains("unknown outcome"), "{}", e.message());
    assert_eq!(sim.terminal_stats(&t).creates, 1);
    client.forget_reference("order-503").unwrap();
    client.forget_reference("order-503").unwrap();
    assert_eq!(
        kind(client.find_payment_session("order-503")),
        ErrorKind::NotFound
    );
    client
        .create_payment_session(&t, 5.0, "USD", Some("order-503"))
        .unwrap();
    assert_eq!(sim.terminal_stats(&t).creates, 2);

    // Another client (as after a restart) on the same file knows all of it.
    let restarted = client_for(&sim, dir.path());
    assert_eq!(
        restarted
            .find_payment_session("order-1")
            .unwrap()
            .challenge_id(),
        Some(s.challenge_id())
    );
    assert_eq!(
        kind(restarted.find_payment_session("")),
        ErrorKind::InvalidArgument
    );
}

/// A client whose journal trusts a PENDING entry for `lifetime` and keeps entries for
/// `retention`.
fn short_lived(sim: &Simulator, journal: &Path, lifetime: u64, retention: u64) -> Client {
    let mut options = options_for(sim.base_url(), sim.ca_file(), journal);
    options
        .set_journal_lifetime(Duration::from_millis(lifetime))
        .unwrap();
    options
        .set_journal_retention(Duration::from_millis(retention))
        .unwrap();
    Client::new(&options).unwrap()
}

#[test]
fn an_entry_that_is_not_final_never_lets_a_create_through_on_age_alone() {
    let sim = start();
    let dir = TempDir::new("lifetime");
    let client = short_lived(&sim, dir.path(), 300, 60_000);
    let past_lifetime = || std::thread::sleep(Duration::from_millis(450));

    // Created without waiting; the session turns COMPLETED on the server while nobody
    // reads it. Past the lifetime, the journal asks the server and refuses: one POST.
    let t = tid("completed-later", "+outcome=COMPLETED+polls=0");
    let s = client
        .create_payment_session(&t, 5.0, "USD", Some("order-paid"))
        .unwrap();
    assert_eq!(s.status(), PaymentStatus::Pending);
    past_lifetime();
    let e = client
        .create_payment_session(&t, 5.0, "USD", Some("order-paid"))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DuplicateReference);
    assert!(e.message().contains("already paid"), "{}", e.message());
    assert!(e.message().contains(s.challenge_id()), "{}", e.message());
    assert_eq!(sim.terminal_stats(&t).creates, 1);
    assert_eq!(sim.terminal_stats(&t).gets, 1);
    // The read's answer is recorded: the next refusal needs no read.
    assert_eq!(
        client.find_payment_session("order-paid").unwrap().status(),
        Some(PaymentStatus::Completed)
    );
    past_lifetime();
    assert_eq!(
        kind(client.create_payment_session(&t, 5.0, "USD", Some("order-paid"))),
        ErrorKind::DuplicateReference
    );
    assert_eq!(sim.terminal_stats(&t).gets, 1);
    assert_eq!(sim.terminal_stats(&t).creates, 1);

    // Still PENDING on the server: refused, and trusted again for a lifetime.
    let t = tid("still-pending", "+outcome=PENDING");
    let s = client
        .create_payment_session(&t, 5.0, "USD", Some("order-pending"))
        .unwrap();
    past_lifetime();
    let e = client
        .create_payment_session(&t, 5.0, "USD", Some("order-pending"))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DuplicateReference);
    assert!(
        e.message().contains("PENDING on the server"),
        "{}",
        e.message()
    );
    assert!(e.message().contains(s.challenge_id()), "{}", e.message());
    assert_eq!(
        kind(client.create_payment_session(&t, 5.0, "USD", Some("order-pending"))),
        ErrorKind::DuplicateReference
    );
    assert_eq!(sim.terminal_stats(&t).gets, 1);
    assert_eq!(sim.terminal_stats(&t).creates, 1);
    // From another terminal the session cannot be read: refused without asking.
    let other = tid("other-terminal", "+outcome=PENDING");
    past_lifetime();
    let e = client
        .create_payment_session(&other, 5.0, "USD", Some("order-pending"))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DuplicateReference);
    assert!(e.message().contains("another terminal"), "{}", e.message());
    assert_eq!(sim.terminal_stats(&other).requests, 0);

    // The session FAILED on the server: past the lifetime, the read lets the create go.
    let t = tid("failed-later", "+outcome=FAILED+polls=0");
    client
        .create_payment_session(&t, 5.0, "USD", Some("order-declined"))
        .unwrap();
    past_lifetime();
    client
        .create_payment_session(&t, 5.0, "USD", Some("order-declined"))
        .unwrap();
    assert_eq!(sim.terminal_stats(&t).creates, 2);

    // The read fails: refused, saying why; nothing sent.
    let t = tid("unreadable", "+outcome=PENDING+fault=503+on=get");
    client
        .create_payment_session(&t, 5.0, "USD", Some("order-unreadable"))
        .unwrap();
    past_lifetime();
    let e = client
        .create_payment_session(&t, 5.0, "USD", Some("order-unreadable"))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DuplicateReference);
    assert!(e.message().contains("reading it failed"), "{}", e.message());
    assert_eq!(sim.terminal_stats(&t).creates, 1);

    // Unknown outcome (a 5xx to the create, no challenge id): refused however old,
    // with only safe advice, until the POS forgets it.
    let t = tid("unknown-old", "+fault=503+on=create+times=1");
    let e = client
        .create_payment_session(&t, 5.0, "USD", Some("order-old"))
        .unwrap_err();
    assert!(e.outcome_unknown());
    past_lifetime();
    let e = client
        .create_payment_session(&t, 5.0, "USD", Some("order-old"))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DuplicateReference);
    assert!(e.message().contains("forget"), "{}", e.message());
    assert!(
        !e.message().contains("create again after"),
        "{}",
        e.message()
    );
    assert_eq!(sim.terminal_stats(&t).creates, 1);
    client.forget_reference("order-old").unwrap();
    client
        .create_payment_session(&t, 5.0, "USD", Some("order-old"))
        .unwrap();
    assert_eq!(sim.terminal_stats(&t).creates, 2);
}

#[test]
fn retention_drops_only_final_entries() {
    let sim = start();
    let dir = TempDir::new("retention");
    let client = short_lived(&sim, dir.path(), 50, 50);
    let failed = tid("retention-failed", "+outcome=FAILED+polls=0");
    let s = client
        .create_payment_session(&failed, 5.0, "USD", Some("order-failed"))
        .unwrap();
    client
        .wait_payment_session(&failed, s.challenge_id(), Duration::from_secs(5), None)
        .unwrap();
    let unknown = tid("retention-unknown", "+fault=503+on=create+times=1");
    let _ = client.create_payment_session(&unknown, 5.0, "USD", Some("order-unknown"));
    std::thread::sleep(Duration::from_millis(120));
    // Any create drops what is final and past the retention.
    client
        .create_payment_session(&failed, 5.0, "USD", Some("order-new"))
        .unwrap();
    assert_eq!(
        kind(client.find_payment_session("order-failed")),
        ErrorKind::NotFound
    );
    assert!(client
        .find_payment_session("order-unknown")
        .unwrap()
        .outcome_unknown());

    // A retention shorter than the lifetime is refused when the client is built.
    let mut options = options_for(sim.base_url(), sim.ca_file(), dir.path());
    options
        .set_journal_retention(Duration::from_secs(60))
        .unwrap();
    options
        .set_journal_lifetime(Duration::from_secs(120))
        .unwrap();
    assert_eq!(kind(Client::new(&options)), ErrorKind::InvalidArgument);
}

// Windows does not let a file SQLite holds open be deleted or renamed over (the C, C++
// and C# tests say the same), so this is a POSIX case.
#[cfg(unix)]
#[test]
fn a_journal_deleted_or_replaced_under_an_open_client_is_a_journal_error() {
    let sim = start();
    for replace in [false, true] {
        let dir = TempDir::new("deleted");
        let path = dir.path().join("pos.journal");
        let client = client_for(&sim, &path);
        let t = tid(&format!("deleted-{replace}"), "+outcome=COMPLETED+polls=0");
        let s = client
            .create_payment_session(&t, 5.0, "USD", Some("order-1"))
            .unwrap();
        assert_eq!(s.journal_error(), None);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        if replace {
            std::fs::write(&path, b"").unwrap();
        }
        // The payment's answer still comes, with the journal's failure beside it.
        let done = client
            .wait_payment_session(&t, s.challenge_id(), Duration::from_secs(5), None)
            .unwrap();
        assert_eq!(done.status(), PaymentStatus::Completed);
        let why = done
            .journal_error()
            .expect("the journal's failure is reported");
        assert!(
            why.contains(if replace { "replaced" } else { "deleted" }),
            "{why}"
        );
        assert!(why.contains("pos.journal"), "{why}");
        // Nothing is sent while the journal is not the one opened.
        for reference in ["order-1", "order-2"] {
            let e = client
                .create_payment_session(&t, 5.0, "USD", Some(reference))
                .unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Journal, "{}", e.message());
        }
        assert_eq!(
            kind(client.find_payment_session("order-1")),
            ErrorKind::Journal
        );
        assert_eq!(kind(client.forget_reference("order-1")), ErrorKind::Journal);
        assert_eq!(sim.terminal_stats(&t).creates, 1);
        // Never silently recreated by this client.
        assert_eq!(path.exists(), replace);
    }
}

#[cfg(unix)]
#[test]
fn a_new_journal_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let sim = start();
    let dir = TempDir::new("mode");
    let client = client_for(&sim, dir.path());
    client
        .create_payment_session(&tid("mode", ""), 5.0, "USD", Some("order-1"))
        .unwrap();
    let mut seen = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let entry = entry.unwrap();
        let mode = entry.metadata().unwrap().permissions().mode() & 0o777;
        assert_eq!(mode & 0o077, 0, "{:?} is {mode:o}", entry.file_name());
        seen += 1;
    }
    assert!(seen >= 2, "the journal and its write-ahead log");
}

#[test]
fn a_journal_path_that_is_not_a_journal_is_refused_and_left_unchanged() {
    let dir = TempDir::new("refused-paths");
    let refused = |path: &Path| {
        let e = Client::new(&options_for("http://127.0.0.1:9/v1", None, path)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Journal, "{}", e.message());
        e.message().to_string()
    };
    // A folder that does not exist (a typo): not created.
    let typo = dir.path().join("no-such-folder").join("pos.journal");
    assert!(refused(&typo).contains("does not exist"));
    let typo_folder = dir.path().join("no-such-folder").join("");
    refused(&typo_folder);
    assert!(!dir.path().join("no-such-folder").exists());
    // Devices: nothing is made beside them.
    #[cfg(unix)]
    for device in ["/dev/null", "/dev/full"] {
        assert!(refused(Path::new(device)).contains("not a regular file"));
        assert!(!Path::new(&format!("{device}-journal")).exists());
        assert!(!Path::new(&format!("{device}-wal")).exists());
    }
    // Another program's SQLite files, with and without a table named like ours.
    for (name, schema) in [
        (
            "other-payments.sqlite3",
            "CREATE TABLE payments (id INTEGER PRIMARY KEY, amount REAL);",
        ),
        (
            "other-customers.sqlite3",
            "CREATE TABLE customers (id INTEGER PRIMARY KEY);",
        ),
        ("other-versioned.sqlite3", "PRAGMA user_version = 1;"),
    ] {
        let path = dir.path().join(name);
        let db = rusqlite::Connection::open(&path).unwrap();
        db.execute_batch(schema).unwrap();
        drop(db);
        let before = std::fs::read(&path).unwrap();
        assert!(!before.is_empty(), "{name}");
        let message = refused(&path);
        assert!(message.contains("not a journal"), "{name}: {message}");
        assert_eq!(std::fs::read(&path).unwrap(), before, "{name} was changed");
        let wal = format!("{}-wal", path.display());
        assert!(!Path::new(&wal).exists(), "{name} was switched to WAL");
    }
    // An empty file is this library's to make a journal of.
    let empty = dir.path().join("empty.journal");
    std::fs::write(&empty, b"").unwrap();
    Client::new(&options_for("http://127.0.0.1:9/v1", None, &empty)).unwrap();
}

#[test]
fn a_client_without_a_journal_says_so() {
    let mut options = ClientOptions::new();
    options.set_base_url("http://127.0.0.1:9/v1").unwrap();
    let client = Client::new(&options).unwrap();
    assert_eq!(
        kind(client.find_payment_session("r")),
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        kind(client.forget_reference("r")),
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        kind(options.set_journal_path("")),
        ErrorKind::InvalidArgument
    );
}

#[test]
fn a_journal_that_cannot_be_opened_fails_before_any_io_naming_the_path() {
    let dir = TempDir::new("unopenable");
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"not a folder").unwrap();
    // Port 9 on loopback: were anything sent, this would be a network error instead.
    for path in [file.join("journal.sqlite3"), file.clone()] {
        let e = Client::new(&options_for("http://127.0.0.1:9/v1", None, &path)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Journal, "{}", e.message());
        assert!(
            e.message().contains(&*file.to_string_lossy()),
            "{}",
            e.message()
        );
    }
}

/// A client on a copy of a journal made from these bytes (and a write-ahead log).
fn open_copy(
    dir: &Path,
    name: &str,
    db: &[u8],
    wal: Option<&[u8]>,
) -> Result<Client, authsignal_terminal::Error> {
    let path = dir.join(name);
    std::fs::write(&path, db).unwrap();
    if let Some(wal) = wal {
        std::fs::write(dir.join(format!("{name}-wal")), wal).unwrap();
    }
    Client::new(&options_for("http://127.0.0.1:9/v1", None, &path))
}

#[test]
fn torn_and_foreign_journal_files_give_a_clear_error_or_keep_every_complete_record() {
    let sim = start();
    let dir = TempDir::new("torn");
    let journal = dir.path().join("live.sqlite3");
    let client = client_for(&sim, &journal);
    let t = tid("torn", "+outcome=PENDING");
    const RECORDS: usize = 30;
    for i in 0..RECORDS {
        client
            .create_payment_session(&t, 5.0, "USD", Some(&format!("torn-{i}")))
            .unwrap();
    }
    // While the client is open the records sit in the write-ahead log: a crash then
    // leaves a log whose tail may be torn. Cut it anywhere: the journal opens with a
    // prefix of the records, each one whole.
    let db = std::fs::read(&journal).unwrap();
    let wal = std::fs::read(dir.path().join("live.sqlite3-wal")).unwrap();
    assert!(!wal.is_empty());
    let copies = TempDir::new("torn-copies");
    for round in 0..40 {
        // The first round keeps the whole log: every record must be there.
        let cut = if round == 0 {
            wal.len()
        } else {
            random_below(wal.len() as u64 + 1) as usize
        };
        let copy = open_copy(
            copies.path(),
            &format!("wal-{round}.sqlite3"),
            &db,
            Some(&wal[..cut]),
        )
        .expect("a journal with a torn log opens");
        // Each record is committed twice: "being sent", then answered. A cut may fall
        // between the two for the last record kept, never for an earlier one.
        let found: Vec<Option<bool>> = (0..RECORDS)
            .map(|i| match copy.find_payment_session(&format!("torn-{i}")) {
                Ok(entry) if entry.outcome_unknown() => {
                    assert_eq!(entry.challenge_id(), None);
                    Some(false)
                }
                Ok(entry) => {
                    assert_eq!(entry.status(), Some(PaymentStatus::Pending));
                    assert!(entry.challenge_id().is_some());
                    Some(true)
                }
                Err(e) => {
                    assert_eq!(e.kind(), ErrorKind::NotFound, "{}", e.message());
                    None
                }
            })
            .collect();
        let kept = found.iter().take_while(|f| f.is_some()).count();
        assert!(
            found[kept..].iter().all(Option::is_none),
            "records kept are not a prefix at cut {cut}"
        );
        assert!(
            found[..kept.saturating_sub(1)]
                .iter()
                .all(|f| *f == Some(true)),
            "a record before the last one kept is not whole at cut {cut}"
        );
        if round == 0 {
            assert_eq!(kept, RECORDS);
            assert_eq!(found[RECORDS - 1], Some(true));
        }
    }
    drop(client);

    // The database file itself cut anywhere (no log): a clear journal error, or a
    // journal whose reads either work or fail with a clear error. Never a crash.
    let db = std::fs::read(&journal).unwrap();
    for round in 0..40 {
        let cut = random_below(db.len() as u64) as usize;
        match open_copy(
            copies.path(),
            &format!("db-{round}.sqlite3"),
            &db[..cut],
            None,
        ) {
            Ok(copy) => {
                for i in 0..RECORDS {
                    if let Err(e) = copy.find_payment_session(&format!("torn-{i}")) {
                        assert!(
                            matches!(e.kind(), ErrorKind::NotFound | ErrorKind::Journal),
                            "{}",
                            e.message()
                        );
                    }
                }
            }
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::Journal, "{}", e.message());
                assert!(
                    e.message().contains(&format!("db-{round}.sqlite3")),
                    "{}",
                    e.message()
                );
            }
        }
    }

    // Files that are not a journal at all.
    let garbage: Vec<u8> = (0..8192).map(|_| random_below(256) as u8).collect();
    let not_ours = another_programs_database(&dir.path().join("other.sqlite3"));
    for (name, bytes) in [
        ("garbage.sqlite3", garbage.as_slice()),
        ("text.sqlite3", b"hello, this is a text file\n".as_slice()),
        ("other-schema.sqlite3", not_ours.as_slice()),
    ] {
        let e = open_copy(copies.path(), name, bytes, None).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Journal, "{name}: {}", e.message());
        assert!(e.message().contains(name), "{}", e.message());
    }
}

/// The bytes of an SQLite database of another program, with a `payments` table of its own.
fn another_programs_database(path: &Path) -> Vec<u8> {
    let db = rusqlite::Connection::open(path).unwrap();
    db.execute_batch("CREATE TABLE payments (id INTEGER PRIMARY KEY, amount REAL);")
        .unwrap();
    drop(db);
    std::fs::read(path).unwrap()
}

#[test]
fn the_terminal_id_never_reaches_the_journal_file() {
    let sim = start();
    let dir = TempDir::new("secret");
    let client = client_for(&sim, dir.path());
    let t = tid("bytes", "+outcome=COMPLETED+polls=0");
    for i in 0..5 {
        let s = client
            .create_payment_session(&t, 5.0, "USD", Some(&format!("secret-{i}")))
            .unwrap();
        client
            .wait_payment_session(&t, s.challenge_id(), Duration::from_secs(5), None)
            .unwrap();
    }
    let unknown = tid("bytes", "+fault=drop+on=create");
    let _ = client.create_payment_session(&unknown, 5.0, "USD", Some("secret-drop"));
    let files = || {
        std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect::<Vec<_>>()
    };
    let check = |when: &str| {
        let mut seen = 0;
        for file in files() {
            let bytes = std::fs::read(&file).unwrap();
            seen += bytes.len();
            for needle in [SECRET.as_bytes(), b"SECRET"] {
                assert!(
                    !bytes.windows(needle.len()).any(|w| w == needle),
                    "{when}: {} holds the terminal id",
                    file.display()
                );
            }
        }
        assert!(seen > 0);
    };
    check("open");
    assert!(dir.path().join(JOURNAL_FILE_NAME).exists());
    drop(client);
    check("closed");
}

// --- crashes and races: this binary run again as a child -------------------------------

/// The child's side. Does nothing unless [`CHILD_ENV`] names a role:
/// - `create`: builds a client on `AS_JOURNAL_PATH`, prints `READY`, creates one
///   payment for `AS_JOURNAL_REFERENCE` on `AS_JOURNAL_TID`, prints `DONE`, then sleeps
///   until it is killed.
/// - `race`: at `AS_JOURNAL_START_MS` (Unix ms), `AS_JOURNAL_THREADS` threads each
///   create one payment for each of `AS_JOURNAL_REFS` references (in an order of their
///   own), reference k on terminal `AS_JOURNAL_TID` + k; prints `OK n DUPLICATE m`.
#[test]
fn child_process() {
    let Ok(role) = std::env::var(CHILD_ENV) else {
        return;
    };
    let var = |name: &str| std::env::var(name).unwrap();
    let ca = std::env::var("AS_JOURNAL_CA").ok().map(PathBuf::from);
    let options = options_for(
        &var("AS_JOURNAL_BASE_URL"),
        ca.as_deref(),
        Path::new(&var("AS_JOURNAL_PATH")),
    );
    let client = Client::new(&options).expect("the child's client builds");
    let mut out = std::io::stdout();
    match role.as_str() {
        "create" => {
            // The parent may stop reading at any time: writes here must not end the child.
            let _ = writeln!(out, "READY").and_then(|()| out.flush());
            let result = client.create_payment_session(
                &var("AS_JOURNAL_TID"),
                5.0,
                "USD",
                Some(&var("AS_JOURNAL_REFERENCE")),
            );
            let _ = writeln!(out, "DONE {}", result.is_ok()).and_then(|()| out.flush());
            loop {
                std::thread::sleep(Duration::from_secs(1));
            }
        }
        "race" => {
            let threads: u64 = var("AS_JOURNAL_THREADS").parse().unwrap();
            let refs: u64 = var("AS_JOURNAL_REFS").parse().unwrap();
            let start: u64 = var("AS_JOURNAL_START_MS").parse().unwrap();
            let base_tid = var("AS_JOURNAL_TID");
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_millis() as u64;
            std::thread::sleep(Duration::from_millis(start.saturating_sub(now)));
            let counts: Vec<(u64, u64)> = std::thread::scope(|s| {
                let handles: Vec<_> = (0..threads)
                    .map(|n| {
                        let client = client.clone();
                        let base_tid = &base_tid;
                        s.spawn(move || {
                            let (mut ok, mut duplicate) = (0, 0);
                            for i in 0..refs {
                                let k = (i + n * 7) % refs;
                                let r = client.create_payment_session(
                                    &format!("{base_tid}{k}+outcome=PENDING+delay=20"),
                                    5.0,
                                    "USD",
                                    Some(&format!("race-{k}")),
                                );
                                match r {
                                    Ok(_) => ok += 1,
                                    Err(e) if e.kind() == ErrorKind::DuplicateReference => {
                                        duplicate += 1
                                    }
                                    Err(e) => panic!("a racing create failed: {}", e.message()),
                                }
                            }
                            (ok, duplicate)
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            let ok: u64 = counts.iter().map(|c| c.0).sum();
            let duplicate: u64 = counts.iter().map(|c| c.1).sum();
            writeln!(out, "OK {ok} DUPLICATE {duplicate}").unwrap();
        }
        other => panic!("unknown child role {other}"),
    }
}

fn child(sim: &Simulator, journal: &Path, role: &str, vars: &[(&str, String)]) -> Child {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args([
            "--exact",
            "child_process",
            "--nocapture",
            "--test-threads=1",
            "--quiet",
        ])
        .env(CHILD_ENV, role)
        .env("AS_JOURNAL_BASE_URL", sim.base_url())
        .env("AS_JOURNAL_PATH", journal)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if let Some(ca) = sim.ca_file() {
        command.env("AS_JOURNAL_CA", ca);
    }
    for (name, value) in vars {
        command.env(name, value);
    }
    command.spawn().expect("the child starts")
}

#[test]
fn a_create_killed_at_any_point_leaves_the_journal_right_and_the_reference_safe() {
    let sim = start();
    let dir = TempDir::new("crash");
    let parent = client_for(&sim, dir.path());
    const ROUNDS: u64 = 30;
    const HOLD_MS: u64 = 300;
    let (mut absent, mut unknown, mut answered) = (0, 0, 0);
    for round in 0..ROUNDS {
        let t = tid(
            &format!("crash{round}"),
            &format!("+outcome=PENDING+delay={HOLD_MS}"),
        );
        let reference = format!("crash-{round}");
        let mut child = child(
            &sim,
            dir.path(),
            "create",
            &[
                ("AS_JOURNAL_TID", t.clone()),
                ("AS_JOURNAL_REFERENCE", reference.clone()),
            ],
        );
        // Some rounds kill the child while it starts; the others once it is about to
        // create, at a random point before, during or after the server's answer.
        let stdout = BufReader::new(child.stdout.take().unwrap());
        if round % 4 == 0 {
            std::thread::sleep(Duration::from_millis(random_below(60)));
        } else {
            let mut lines = stdout.lines();
            assert!(
                lines.any(|l| l.is_ok_and(|l| l.trim() == "READY")),
                "the child never got ready"
            );
            std::thread::sleep(Duration::from_millis(random_below(HOLD_MS + 150)));
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();

        let creates = sim.terminal_stats(&t).creates;
        match parent.find_payment_session(&reference) {
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::NotFound, "{}", e.message());
                // The journal is written before any byte of the create leaves.
                assert_eq!(
                    creates, 0,
                    "round {round}: a create was sent but not journaled"
                );
                absent += 1;
                continue;
            }
            Ok(entry) => {
                if let Some(challenge_id) = entry.challenge_id() {
                    assert!(!entry.outcome_unknown());
                    assert_eq!(entry.status(), Some(PaymentStatus::Pending));
                    assert_eq!(creates, 1);
                    // The challenge id is the server's: the restarted POS can wait on it.
                    let s = parent.get_payment_session(&t, challenge_id).unwrap();
                    assert_eq!(s.challenge_id(), challenge_id);
                    answered += 1;
                } else {
                    assert!(entry.outcome_unknown());
                    assert!(creates <= 1);
                    unknown += 1;
                }
            }
        }
        let e = parent
            .create_payment_session(&t, 5.0, "USD", Some(&reference))
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::DuplicateReference, "{}", e.message());
        assert_eq!(
            sim.terminal_stats(&t).creates,
            creates,
            "a refused create reached the server"
        );
    }
    eprintln!("crash rounds: {absent} before the journal write, {unknown} of unknown outcome, {answered} answered");
    assert_eq!(absent + unknown + answered, ROUNDS);
}

#[test]
fn two_processes_of_many_threads_send_exactly_one_create_per_reference() {
    let sim = start();
    let dir = TempDir::new("race");
    const THREADS: u64 = 8;
    const REFS: u64 = 24;
    let start_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
        + 1500;
    let base_tid = tid("race", "_ref");
    let vars = [
        ("AS_JOURNAL_THREADS", THREADS.to_string()),
        ("AS_JOURNAL_REFS", REFS.to_string()),
        ("AS_JOURNAL_START_MS", start_ms.to_string()),
        ("AS_JOURNAL_TID", base_tid.clone()),
    ];
    let children = [
        child(&sim, dir.path(), "race", &vars),
        child(&sim, dir.path(), "race", &vars),
    ];
    let (mut ok, mut duplicate) = (0, 0);
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "a racing child failed");
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(!text.contains(SECRET));
        let line = text
            .lines()
            .find(|l| l.starts_with("OK "))
            .expect("the child reports its counts");
        let numbers: Vec<u64> = line
            .split_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect();
        ok += numbers[0];
        duplicate += numbers[1];
    }
    for k in 0..REFS {
        let t = format!("{base_tid}{k}+outcome=PENDING+delay=20");
        assert_eq!(sim.terminal_stats(&t).creates, 1, "reference race-{k}");
    }
    assert_eq!(ok, REFS);
    assert_eq!(ok + duplicate, 2 * THREADS * REFS);
}

// --- the C entry points with hostile arguments ------------------------------------------

mod c_abi {
    use std::ffi::{c_char, CStr, CString};
    use std::sync::OnceLock;

    use authsignal_terminal::ffi::as_result;
    use authsignal_terminal::ffi::client::{
        as_client, as_client_create_payment_session_minor, as_client_new,
    };
    use authsignal_terminal::ffi::client_options::{
        as_client_options_free, as_client_options_new, as_client_options_set_base_url,
    };
    use authsignal_terminal::ffi::error::as_last_error_message;
    use authsignal_terminal::ffi::journal::{
        as_client_find_payment_session, as_client_forget_reference,
        as_client_options_set_journal_lifetime_ms, as_client_options_set_journal_path,
        as_client_options_set_journal_retention_ms,
    };
    use authsignal_terminal::ffi::journal_entry::{
        as_journal_entry_challenge_id, as_journal_entry_free, as_journal_entry_outcome_unknown,
        as_journal_entry_reference, as_journal_entry_status_str,
    };
    use authsignal_terminal::ffi::payment_session::as_payment_session_free;
    use authsignal_terminal_sim::{Config, Simulator};
    use proptest::prelude::*;

    use super::{TempDir, SECRET};

    struct Fixture {
        _sim: Simulator,
        _dir: TempDir,
        client: *mut as_client,
    }
    // SAFETY: the header says an as_client may be used from many threads at once.
    unsafe impl Send for Fixture {}
    // SAFETY: as above.
    unsafe impl Sync for Fixture {}

    fn fixture() -> &'static Fixture {
        static FIXTURE: OnceLock<Fixture> = OnceLock::new();
        FIXTURE.get_or_init(|| {
            let sim = Simulator::start(Config {
                tls: false,
                polls: 0,
                ..Config::default()
            })
            .unwrap();
            let dir = TempDir::new("hostile");
            let mut o = std::ptr::null_mut();
            assert_eq!(unsafe { as_client_options_new(&mut o) }, as_result::Ok);
            let url = CString::new(sim.base_url()).unwrap();
            assert_eq!(
                unsafe { as_client_options_set_base_url(o, url.as_ptr()) },
                as_result::Ok
            );
            let path = CString::new(dir.path().to_str().unwrap()).unwrap();
            assert_eq!(
                unsafe { as_client_options_set_journal_path(o, path.as_ptr()) },
                as_result::Ok
            );
            let mut client = std::ptr::null_mut();
            assert_eq!(unsafe { as_client_new(o, &mut client) }, as_result::Ok);
            unsafe { as_client_options_free(o) };
            Fixture {
                _sim: sim,
                _dir: dir,
                client,
            }
        })
    }

    fn last_message() -> String {
        // SAFETY: never NULL, valid until this thread's next call.
        unsafe { CStr::from_ptr(as_last_error_message()) }
            .to_string_lossy()
            .into_owned()
    }

    /// NULL, or any bytes up to the first NUL, as C would pass them.
    fn arg() -> impl Strategy<Value = Option<CString>> {
        let c = |mut b: Vec<u8>| {
            if let Some(nul) = b.iter().position(|&x| x == 0) {
                b.truncate(nul);
            }
            CString::new(b).unwrap()
        };
        prop_oneof![
            1 => Just(None),
            4 => proptest::collection::vec(any::<u8>(), 0..64).prop_map(move |b| Some(c(b))),
            2 => "[ -~]{0,40}".prop_map(move |s| Some(c(s.into_bytes()))),
            1 => Just(Some(c(vec![b'r'; 5000]))),
        ]
    }

    fn ptr(a: &Option<CString>) -> *const c_char {
        a.as_ref().map_or(std::ptr::null(), |s| s.as_ptr())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn the_journal_calls_take_any_reference(reference in arg()) {
            let c = fixture().client;
            let valid = reference.as_ref().and_then(|r| r.to_str().ok()).is_some_and(|r| !r.is_empty() && r.len() <= 4096);
            let tid = CString::new(format!("{SECRET}_hostile+outcome=PENDING")).unwrap();
            let mut session = std::ptr::null_mut();
            let created = unsafe { as_client_create_payment_session_minor(
                c, tid.as_ptr(), 100, c"USD".as_ptr(), ptr(&reference), &mut session) };
            prop_assert_ne!(created, as_result::Internal, "{}", last_message());
            unsafe { as_payment_session_free(session) };

            let mut entry = std::ptr::dangling_mut();
            let found = unsafe { as_client_find_payment_session(c, ptr(&reference), &mut entry) };
            match found {
                as_result::Ok => {
                    prop_assert!(valid && created == as_result::Ok);
                    // SAFETY: a live entry's strings are NUL-terminated.
                    let kept = unsafe { CStr::from_ptr(as_journal_entry_reference(entry)) };
                    prop_assert_eq!(Some(kept), reference.as_deref());
                    let challenge_id = unsafe { as_journal_entry_challenge_id(entry) };
                    prop_assert!(!challenge_id.is_null());
                    let status_str = unsafe { as_journal_entry_status_str(entry) };
                    prop_assert!(!status_str.is_null());
                    let outcome_unknown = unsafe { as_journal_entry_outcome_unknown(entry) };
                    prop_assert!(!outcome_unknown);
                    unsafe { as_journal_entry_free(entry) };
                }
                as_result::NotFound => prop_assert!(entry.is_null() && created != as_result::Ok),
                other => {
                    prop_assert_eq!(other, as_result::InvalidArgument, "{}", last_message());
                    prop_assert!(entry.is_null() && !valid);
                }
            }
            let forgot = unsafe { as_client_forget_reference(c, ptr(&reference)) };
            prop_assert_eq!(forgot, if valid { as_result::Ok } else { as_result::InvalidArgument });
            prop_assert!(!last_message().contains(SECRET));
        }

        #[test]
        fn the_journal_options_take_any_value(path in arg(), lifetime in any::<u32>(), retention in any::<u64>()) {
            let mut o = std::ptr::null_mut();
            prop_assert_eq!(unsafe { as_client_options_new(&mut o) }, as_result::Ok);
            let r = unsafe { as_client_options_set_journal_path(o, ptr(&path)) };
            let utf8 = path.as_ref().is_none_or(|p| p.to_str().is_ok());
            prop_assert_eq!(r, if utf8 { as_result::Ok } else { as_result::InvalidArgument });
            let r = unsafe { as_client_options_set_journal_lifetime_ms(o, lifetime) };
            prop_assert_eq!(r, if (1..=86_400_000).contains(&lifetime) { as_result::Ok } else { as_result::InvalidArgument });
            let r = unsafe { as_client_options_set_journal_retention_ms(o, retention) };
            prop_assert_eq!(r, if (1..=366 * 86_400_000).contains(&retention) { as_result::Ok } else { as_result::InvalidArgument });
            unsafe { as_client_options_free(o) };
        }
    }
}

/// Another program holding the journal's write lock past the busy timeout (10 s): the
/// create fails with `JOURNAL` saying so, nothing is sent, and once the lock is released
/// the same reference goes.
#[test]
fn a_journal_locked_past_the_busy_timeout_refuses_before_sending() {
    let sim = start();
    let dir = TempDir::new("locked");
    let path = dir.path().join("pos.journal");
    let client = client_for(&sim, &path);
    let t = tid("locked", "+outcome=PENDING");
    let other = rusqlite::Connection::open(&path).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let e = client
        .create_payment_session(&t, 5.0, "USD", Some("locked-1"))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Journal, "{}", e.message());
    assert!(e.message().contains("locked"), "{}", e.message());
    assert!(!e.outcome_unknown());
    assert_eq!(sim.terminal_stats(&t).creates, 0);
    other.execute_batch("ROLLBACK").unwrap();
    drop(other);
    client
        .create_payment_session(&t, 5.0, "USD", Some("locked-1"))
        .unwrap();
    assert_eq!(sim.terminal_stats(&t).creates, 1);
}
