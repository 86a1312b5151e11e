//! The payment journal under I/O faults, one call point at a time (RELIABILITY.md, section
//! 11). A child process (this test binary again, `AS_JFAULT_CHILD` set) opens a client with
//! a journal, creates a payment for a new reference, finds it, and forgets an older one,
//! with `tests/journal_faults/iofault.c` preloaded: a shim that counts the file-system
//! calls made on the journal's files (open, read, write, fsync, fcntl locks, ftruncate,
//! unlink, mmap of the WAL index) and fails exactly one of them. A first run counts the
//! calls; then every call point is failed in turn with EIO, ENOSPC and EACCES (enumerated,
//! not sampled). After each run, without faults:
//! - the simulator received at most one POST for the reference, and none when the child
//!   was told the journal failed before the create (`JOURNAL`);
//! - the journal opens, passes SQLite's integrity check, and holds every record the child
//!   was told was written (the session of a create answered without `journal_error`, a
//!   forget that succeeded);
//! - a second create for the reference is refused when the first one was sent;
//! - the child neither crashed nor panicked, and kept no descriptor on the journal.
#![cfg(all(target_os = "linux", target_env = "gnu"))]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use authsignal_terminal::{Client, ClientOptions, ErrorKind, PaymentStatus};
use authsignal_terminal_sim::{Config, Simulator};

#[path = "support/journal.rs"]
mod support;
use support::{options_for, TempDir};

const CHILD_ENV: &str = "AS_JFAULT_CHILD";
const SECRET: &str = "tid_SECRET_jfault_71c2";
/// The call points the shim knows, in its words.
const OPS: [&str; 8] = [
    "open", "read", "write", "fsync", "lock", "truncate", "unlink", "mmap",
];
const ERRNOS: [(&str, i32); 3] = [("EIO", 5), ("ENOSPC", 28), ("EACCES", 13)];

fn kind_name(kind: ErrorKind) -> String {
    format!("{kind:?}")
}

/// The child: each step prints one line, `fds N` last; it never panics on purpose.
#[test]
fn child_process() {
    match std::env::var(CHILD_ENV).as_deref() {
        Ok("full-disk") => return full_disk_child(),
        Ok("threads") => return no_threads_child(),
        Ok("nofile") => return nofile_child(),
        Ok(_) => {}
        Err(_) => return,
    }
    let var = |name: &str| std::env::var(name).unwrap();
    let ca = std::env::var("AS_JFAULT_CA").ok().map(PathBuf::from);
    let journal = PathBuf::from(var("AS_JFAULT_PATH"));
    let options = options_for(&var("AS_JFAULT_BASE_URL"), ca.as_deref(), &journal);
    let reference = var("AS_JFAULT_REFERENCE");
    let mut lines = Vec::new();
    match Client::new(&options) {
        Err(e) => lines.push(format!("open err {}", kind_name(e.kind()))),
        Ok(client) => {
            lines.push("open ok".to_string());
            match client.create_payment_session(&var("AS_JFAULT_TID"), 5.0, "USD", Some(&reference))
            {
                Ok(s) => lines.push(format!(
                    "create ok {} {}",
                    s.journal_error().is_some(),
                    s.challenge_id()
                )),
                Err(e) => lines.push(format!(
                    "create err {} {}",
                    kind_name(e.kind()),
                    e.outcome_unknown()
                )),
            }
            match client.find_payment_session(&reference) {
                Ok(entry) => lines.push(format!(
                    "find ok {}",
                    entry.status_raw().unwrap_or("unknown")
                )),
                Err(e) => lines.push(format!("find err {}", kind_name(e.kind()))),
            }
            match client.forget_reference("old") {
                Ok(()) => lines.push("forget ok".to_string()),
                Err(e) => lines.push(format!("forget err {}", kind_name(e.kind()))),
            }
            // One fault never wedges the client: within a few calls the journal answers
            // again (a failed lock call can cost one call its busy timeout, then the
            // connection is opened anew).
            let recovered = (1..=3).find(|_| {
                client.find_payment_session(&reference).is_ok_and(|_| true)
                    || client
                        .find_payment_session("never-used")
                        .is_err_and(|e| e.kind() == ErrorKind::NotFound)
            });
            lines.push(format!(
                "recovered {}",
                recovered.map_or("never".to_string(), |n| n.to_string())
            ));
        }
    }
    // Every descriptor on the journal's files is closed once the client is gone.
    let mark = journal.parent().unwrap().to_string_lossy().into_owned();
    let open = std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
        .filter(|target| target.to_string_lossy().contains(&mark))
        .count();
    lines.push(format!("fds {open}"));
    println!("{}", lines.join("\n"));
}

/// Builds the shim once per test process (tests run in parallel), into this test's
/// temporary folder.
fn shim() -> PathBuf {
    static SHIM: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    SHIM.get_or_init(|| {
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/journal_faults/iofault.c");
        let out = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("libiofault-{}.so", std::process::id()));
        let status = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".to_string()))
            .args([
                "-shared", "-fPIC", "-O1", "-Wall", "-Wextra", "-Werror", "-o",
            ])
            .arg(&out)
            .arg(&source)
            .args(["-ldl", "-lpthread"])
            .status()
            .expect("a C compiler runs (cc)");
        assert!(status.success(), "the shim builds");
        out
    })
    .clone()
}

/// What one run of the child did.
struct Run {
    lines: BTreeMap<String, Vec<String>>,
    counts: BTreeMap<String, u64>,
    fired: bool,
}

impl Run {
    fn step(&self, name: &str) -> Option<&[String]> {
        self.lines.get(name).map(Vec::as_slice)
    }
}

struct Setup<'a> {
    sim: &'a Simulator,
    shim: &'a Path,
}

impl Setup<'_> {
    fn options(&self, journal: &Path) -> ClientOptions {
        options_for(self.sim.base_url(), self.sim.ca_file(), journal)
    }

    /// A journal that already holds a final entry for the reference "old".
    fn journal(&self, dir: &TempDir) -> PathBuf {
        let journal = dir.path().join("pos.journal");
        let client = Client::new(&self.options(&journal)).unwrap();
        let old = format!("{SECRET}_old+outcome=FAILED+polls=0");
        let s = client
            .create_payment_session(&old, 1.0, "USD", Some("old"))
            .unwrap();
        let done = client
            .wait_payment_session(&old, s.challenge_id(), Duration::from_secs(10), None)
            .unwrap();
        assert_eq!(done.status(), PaymentStatus::Failed);
        journal
    }

    /// Runs the child on `journal` with the shim failing `fault` (op, nth, errno).
    fn child(&self, journal: &Path, tid: &str, fault: Option<(&str, u64, i32)>) -> Run {
        let dir = journal.parent().unwrap();
        let counts = dir.with_extension("counts");
        let (nth, errno) = fault.map_or((String::new(), String::new()), |(_, nth, errno)| {
            (nth.to_string(), errno.to_string())
        });
        let mut env: Vec<(&str, &std::ffi::OsStr)> = vec![
            ("AS_JFAULT_PATH", journal.as_os_str()),
            ("AS_JFAULT_REFERENCE", "new".as_ref()),
            ("LD_PRELOAD", self.shim.as_os_str()),
            ("IOFAULT_MARK", dir.as_os_str()),
            ("IOFAULT_COUNTS", counts.as_os_str()),
        ];
        if let Some((op, _, _)) = fault {
            env.extend([
                ("IOFAULT_OP", op.as_ref()),
                ("IOFAULT_NTH", nth.as_ref()),
                ("IOFAULT_ERRNO", errno.as_ref()),
            ]);
        }
        let stdout = run_child(self.sim, "fault", &[], dir, tid, &env);
        let mut lines = BTreeMap::new();
        for line in stdout.lines() {
            let mut words = line.split_whitespace().map(str::to_string);
            if let Some(step) = words.next() {
                if ["open", "create", "find", "forget", "recovered", "fds"].contains(&step.as_str())
                {
                    lines.insert(step, words.collect());
                }
            }
        }
        let text = std::fs::read_to_string(&counts).expect("the shim wrote its counts");
        let _ = std::fs::remove_file(&counts);
        let mut counted = BTreeMap::new();
        let mut fired = false;
        for line in text.lines() {
            let (name, n) = line.split_once(' ').unwrap();
            let n: u64 = n.parse().unwrap();
            if name == "fired" {
                fired = n == 1;
            } else {
                counted.insert(name.to_string(), n);
            }
        }
        Run {
            lines,
            counts: counted,
            fired,
        }
    }
}

/// Checks one faulted run against the journal's rules; returns a word for the tally.
fn check_run(setup: &Setup<'_>, journal: &Path, tid: &str, run: &Run, what: &str) -> &'static str {
    let step = |name: &str| run.step(name).unwrap_or(&[]);
    assert_eq!(
        step("fds"),
        ["0"],
        "{what}: the child kept a descriptor on the journal"
    );
    let creates = setup.sim.terminal_stats(tid).creates;
    assert!(creates <= 1, "{what}: {creates} POSTs for one reference");
    let opened = step("open") == ["ok"];
    let create = step("create");
    if !opened {
        assert_eq!(
            step("open"),
            ["err", "Journal"],
            "{what}: opening failed otherwise"
        );
        assert_eq!(creates, 0, "{what}: sent without a journal");
    }
    if opened {
        assert_ne!(
            step("recovered"),
            ["never"],
            "{what}: the client stays unusable"
        );
        match create.first().map(String::as_str) {
            Some("ok") => assert_eq!(creates, 1, "{what}"),
            Some("err") => {
                // Only the journal can fail here, and then before anything is sent.
                assert_eq!(create[1], "Journal", "{what}: {create:?}");
                assert_eq!(
                    creates, 0,
                    "{what}: a create refused by its journal was sent"
                );
            }
            _ => panic!("{what}: no create line"),
        }
        for name in ["find", "forget"] {
            let line = step(name);
            if line.first().map(String::as_str) == Some("err") {
                assert!(
                    line[1] == "Journal" || (name == "find" && line[1] == "NotFound"),
                    "{what}: {name} failed with {line:?}"
                );
            }
        }
    }
    // Reopened without faults: a consistent journal holding what was reported written.
    let connection = rusqlite::Connection::open(journal).unwrap();
    let integrity: String = connection
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok", "{what}");
    drop(connection);
    let client = Client::new(&setup.options(journal))
        .unwrap_or_else(|e| panic!("{what}: the journal does not reopen: {}", e.message()));
    if create.first().map(String::as_str) == Some("ok") {
        let entry = client.find_payment_session("new");
        if create[1] == "false" {
            let entry = entry.unwrap_or_else(|e| {
                panic!("{what}: a create reported written is gone: {}", e.message())
            });
            assert_eq!(entry.challenge_id(), Some(create[2].as_str()), "{what}");
            assert_eq!(entry.status(), Some(PaymentStatus::Pending), "{what}");
        }
    }
    if step("forget") == ["ok"] {
        assert_eq!(
            client.find_payment_session("old").unwrap_err().kind(),
            ErrorKind::NotFound,
            "{what}: a forget reported done came back"
        );
    }
    // The next create for the reference: refused once one was sent.
    let again = client.create_payment_session(tid, 5.0, "USD", Some("new"));
    let after = setup.sim.terminal_stats(tid).creates;
    if creates == 1 {
        let e = again.expect_err("a second create after a sent one is refused");
        assert_eq!(
            e.kind(),
            ErrorKind::DuplicateReference,
            "{what}: {}",
            e.message()
        );
        assert_eq!(after, 1, "{what}");
        if create.get(1).map(String::as_str) == Some("true") {
            "sent, not recorded"
        } else {
            "sent, recorded"
        }
    } else {
        match again {
            Ok(_) => {
                assert_eq!(after, 1, "{what}");
                "refused, retry went"
            }
            // A commit whose fsync failed may still be in the WAL when it is reopened:
            // the reference is then blocked as of unknown outcome, the safe direction.
            Err(e) if e.kind() == ErrorKind::DuplicateReference => {
                assert_eq!(after, 0, "{what}");
                "refused, then blocked"
            }
            Err(e) => panic!("{what}: the retry failed: {}", e.message()),
        }
    }
}

#[test]
fn every_journal_call_point_fails_safely_with_eio_enospc_and_eacces() {
    let sim = Simulator::start(Config::default()).expect("the simulator starts");
    let shim = shim();
    let setup = Setup {
        sim: &sim,
        shim: &shim,
    };
    // The calls one round makes, without faults.
    let dir = TempDir::new("count");
    let journal = setup.journal(&dir);
    let tid = format!("{SECRET}_count+outcome=COMPLETED+polls=0");
    let counted = setup.child(&journal, &tid, None);
    assert!(!counted.fired);
    assert_eq!(counted.step("create").unwrap()[0], "ok");
    assert_eq!(
        check_run(&setup, &journal, &tid, &counted, "no fault"),
        "sent, recorded"
    );
    drop(dir);
    for op in ["open", "read", "write", "fsync", "lock"] {
        assert!(
            counted.counts[op] > 0,
            "the shim sees the journal's {op} calls"
        );
    }
    // Every call point with every errno, run by a few threads at once: a run mostly
    // waits (on the network, or on SQLite's busy timeout after a failed lock call).
    let mut runs = Vec::new();
    for op in OPS {
        for nth in 1..=counted.counts[op] {
            for (errno_name, errno) in ERRNOS {
                runs.push((op, nth, errno_name, errno));
            }
        }
    }
    let points = runs.len() / ERRNOS.len();
    let n = runs.len();
    let next = AtomicUsize::new(0);
    let tally: Mutex<BTreeMap<&str, u64>> = Mutex::new(BTreeMap::new());
    std::thread::scope(|scope| {
        for _ in 0..8 {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(&(op, nth, errno_name, errno)) = runs.get(i) else {
                    break;
                };
                let what = format!("{op} #{nth} {errno_name}");
                let dir = TempDir::new("run");
                let journal = setup.journal(&dir);
                let tid = format!("{SECRET}_{i}+outcome=COMPLETED+polls=0");
                let run = setup.child(&journal, &tid, Some((op, nth, errno)));
                let word = check_run(&setup, &journal, &tid, &run, &what);
                let word = if run.fired { word } else { "not reached" };
                *tally.lock().unwrap().entry(word).or_default() += 1;
            });
        }
    });
    let tally = tally.into_inner().unwrap();
    let counts: Vec<String> = OPS
        .iter()
        .map(|op| format!("{op} {}", counted.counts[*op]))
        .collect();
    println!(
        "journal faults: {points} call points ({}) x {} errnos = {n} runs: {tally:?}",
        counts.join(", "),
        ERRNOS.len()
    );
    assert!(n >= 3 * 10, "too few call points seen: {counts:?}");
}

/// The full-disk child, on a small tmpfs of its own: opens a journal there, fills the
/// disk, keeps creating payments (one reference each, terminal `AS_JFAULT_TID` + n), then
/// frees the space and goes on. Prints `N ok|sent-unrecorded|journal|other DETAIL` a line.
fn full_disk_child() {
    let var = |name: &str| std::env::var(name).unwrap();
    let ca = std::env::var("AS_JFAULT_CA").ok().map(PathBuf::from);
    let dir = PathBuf::from(var("AS_JFAULT_DIR"));
    let journal = dir.join("pos.journal");
    let options = options_for(&var("AS_JFAULT_BASE_URL"), ca.as_deref(), &journal);
    let client = Client::new(&options).expect("the journal opens on the small disk");
    let tid = var("AS_JFAULT_TID");
    let pay = |n: u32| {
        let result = client.create_payment_session(
            &format!("{tid}{n}+outcome=COMPLETED+polls=0"),
            5.0,
            "USD",
            Some(&format!("ref-{n}")),
        );
        let line = match result {
            Ok(s) if s.journal_error().is_none() => format!("{n} ok"),
            Ok(_) => format!("{n} sent-unrecorded"),
            Err(e) if e.kind() == ErrorKind::Journal => format!("{n} journal"),
            Err(e) => format!("{n} other {:?}", e.kind()),
        };
        println!("FD {line}");
    };
    pay(0);
    // Fill the disk to its last byte.
    let filler = dir.join("filler");
    {
        use std::io::Write;
        let mut file = std::fs::File::create(&filler).unwrap();
        let block = vec![0u8; 4096];
        while file.write_all(&block).is_ok() {}
        while file.write_all(&[0]).is_ok() {}
        let _ = file.sync_all();
    }
    println!("FD full");
    for n in 1..=12 {
        pay(n);
    }
    std::fs::remove_file(&filler).unwrap();
    println!("FD freed");
    for n in 13..=20 {
        pay(n);
    }
    // What the journal holds, once there is room again.
    for n in 0..=20 {
        match client.find_payment_session(&format!("ref-{n}")) {
            Ok(_) => println!("FD holds {n} yes"),
            Err(e) => println!("FD holds {n} {:?}", e.kind()),
        }
    }
    // A reference whose create the full disk refused may be paid now, and one paid
    // before is still refused.
    for n in [0, 1] {
        match client.create_payment_session(
            &format!("{tid}{n}+outcome=COMPLETED+polls=0"),
            5.0,
            "USD",
            Some(&format!("ref-{n}")),
        ) {
            Ok(_) => println!("FD again {n} ok"),
            Err(e) => println!("FD again {n} {:?}", e.kind()),
        }
    }
}

/// The journal on a real, small file system that fills up (a tmpfs mounted in a mount
/// namespace of the child's own, through `unshare`), with payments going on after space
/// is freed.
#[test]
fn a_full_disk_refuses_creates_before_sending_and_payments_resume_once_space_is_freed() {
    let unshare = |extra: &[&str]| {
        Command::new("unshare")
            .args(["-rm", "--", "sh", "-c"])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let probe = TempDir::new("mount-probe");
    let can_mount = unshare(&[
        "mount -t tmpfs -o size=64k tmpfs \"$0\"",
        &probe.path().to_string_lossy(),
    ]);
    if !can_mount {
        // Root (as here and in CI) can always do it; elsewhere the injection of ENOSPC
        // at every write above stands in for it.
        // SAFETY: geteuid has no preconditions.
        assert_ne!(
            unsafe { libc::geteuid() },
            0,
            "root could not mount a tmpfs in a namespace of its own"
        );
        eprintln!("skipped: no tmpfs can be mounted here (not root, no user namespaces)");
        return;
    }
    let sim = Simulator::start(Config::default()).expect("the simulator starts");
    let dir = TempDir::new("full-disk");
    let tid = format!("{SECRET}_full_");
    let script = "mount -t tmpfs -o size=2m tmpfs \"$0\" && exec \"$@\"";
    let words = ["unshare", "-rm", "--", "sh", "-c", script];
    let wrapper: Vec<&std::ffi::OsStr> = words
        .iter()
        .map(|a| a.as_ref())
        .chain([dir.path().as_os_str()])
        .collect();
    let stdout = run_child(&sim, "full-disk", &wrapper, dir.path(), &tid, &[]);
    let posts = |n: u32| {
        sim.terminal_stats(&format!("{tid}{n}+outcome=COMPLETED+polls=0"))
            .creates
    };
    let mut phase = "before";
    let mut seen: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut refused_when_full = Vec::new();
    for line in fd_lines(&stdout) {
        let line = line.as_str();
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["full"] => phase = "full",
            ["freed"] => phase = "freed",
            [n, result] => {
                let n: u32 = n.parse().unwrap();
                seen.entry(phase).or_default().push(result.to_string());
                match *result {
                    // Refused by the journal: nothing was sent.
                    "journal" => {
                        assert_eq!(phase, "full", "{line}: refused with space to spare");
                        // (Reference 1 is created again once space is freed.)
                        let retried = u64::from(n == 1);
                        assert_eq!(posts(n), retried, "{line}: sent although refused");
                        refused_when_full.push(n);
                    }
                    "ok" | "sent-unrecorded" => assert_eq!(posts(n), 1, "{line}"),
                    _ => panic!("{line}: a full disk gave another error"),
                }
                if phase != "full" {
                    assert_eq!(*result, "ok", "{line}: with space, payments are recorded");
                }
            }
            ["holds", n, held] => {
                let n: u32 = n.parse().unwrap();
                // Every create that was sent is in the journal; none that was refused.
                let sent = posts(n) == 1 && !refused_when_full.contains(&n);
                assert_eq!(*held, if sent { "yes" } else { "NotFound" }, "{line}");
            }
            ["again", "0", kind] => assert_eq!(*kind, "DuplicateReference", "{line}"),
            ["again", "1", kind] => {
                if refused_when_full.contains(&1) {
                    assert_eq!(*kind, "ok", "{line}: the refused reference may be paid now");
                    assert_eq!(posts(1), 1);
                } else {
                    assert_eq!(*kind, "DuplicateReference", "{line}");
                }
            }
            _ => panic!("unexpected line from the child: {line}"),
        }
    }
    let full = seen.get("full").cloned().unwrap_or_default();
    assert!(
        full.iter().any(|r| r == "journal"),
        "the full disk refused no create: {full:?}"
    );
    assert_eq!(seen.get("freed").map(Vec::len), Some(8), "{stdout}");
    println!("full disk: {seen:?}");
}

fn child_client(journal: Option<&Path>) -> Result<Client, authsignal_terminal::Error> {
    let var = |name: &str| std::env::var(name).unwrap();
    let mut options = ClientOptions::new();
    options.set_base_url(&var("AS_JFAULT_BASE_URL")).unwrap();
    if let Ok(ca) = std::env::var("AS_JFAULT_CA") {
        options.set_ca_file(ca).unwrap();
    }
    options
        .set_poll_interval(Duration::from_millis(100))
        .unwrap();
    if let Some(journal) = journal {
        options.set_journal_path(journal).unwrap();
    }
    Client::new(&options)
}

/// Every call, with every pthread_create of the process failing: prints `threads ok`.
fn no_threads_child() {
    let dir = PathBuf::from(std::env::var("AS_JFAULT_DIR").unwrap());
    let client = child_client(Some(&dir.join("pos.journal"))).expect("the client builds");
    let tid = std::env::var("AS_JFAULT_TID").unwrap();
    let s = client
        .create_payment_session(&tid, 5.0, "USD", Some("no-threads"))
        .expect("a create needs no thread");
    let done = client
        .wait_payment_session(&tid, s.challenge_id(), Duration::from_secs(10), None)
        .expect("a wait needs no thread");
    assert_eq!(done.status(), PaymentStatus::Completed);
    client
        .get_payment_session(&tid, s.challenge_id())
        .expect("a get needs no thread");
    client.find_payment_session("no-threads").unwrap();
    client.forget_reference("no-threads").unwrap();
    let report = authsignal_terminal::diagnose(&client, Some(&tid), &[]);
    assert!(report.passed, "{}", report.to_text());
    println!("FD threads ok");
}

/// Calls with no file descriptor to spare (RLIMIT_NOFILE at the lowest free one), then
/// with the limit back: prints `FD nofile ...` lines.
fn nofile_child() {
    let dir = PathBuf::from(std::env::var("AS_JFAULT_DIR").unwrap());
    let tid = std::env::var("AS_JFAULT_TID").unwrap();
    // A client with no connection yet: its create needs a new socket.
    let fresh = child_client(None).expect("the client builds");
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit write or read the one struct passed.
    assert_eq!(
        unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) },
        0
    );
    let saved = limit.rlim_cur;
    // The lowest free descriptor: open /dev/null, note it, close it.
    let lowest = {
        use std::os::fd::AsRawFd;
        let probe = std::fs::File::open("/dev/null").unwrap();
        probe.as_raw_fd() as libc::rlim_t
    };
    limit.rlim_cur = lowest;
    assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) }, 0);
    let journaled = child_client(Some(&dir.join("pos.journal")));
    let created = fresh.create_payment_session(&tid, 5.0, "USD", Some("nofile"));
    limit.rlim_cur = saved;
    assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) }, 0);
    match journaled {
        Ok(_) => println!("FD nofile journal-open ok"),
        Err(e) => println!("FD nofile journal-open {:?} {}", e.kind(), e.message()),
    }
    match created {
        Ok(_) => println!("FD nofile create ok"),
        Err(e) => println!(
            "FD nofile create {:?} unknown={} {}",
            e.kind(),
            e.outcome_unknown(),
            e.message()
        ),
    }
    match fresh.create_payment_session(&tid, 5.0, "USD", Some("nofile-after")) {
        Ok(_) => println!("FD nofile after ok"),
        Err(e) => println!("FD nofile after {:?} {}", e.kind(), e.message()),
    }
    match child_client(Some(&dir.join("pos.journal"))) {
        Ok(_) => println!("FD nofile journal-after ok"),
        Err(e) => println!("FD nofile journal-after {:?}", e.kind()),
    }
}

/// Runs this binary again as the child `role` (under `wrapper`, a command that ends by
/// running the rest of its arguments, when there is one), with the simulator's address,
/// `dir` and `tid`; checks it ended well and printed no terminal id; its stdout.
fn run_child(
    sim: &Simulator,
    role: &str,
    wrapper: &[&std::ffi::OsStr],
    dir: &Path,
    tid: &str,
    env: &[(&str, &std::ffi::OsStr)],
) -> String {
    let exe = std::env::current_exe().unwrap();
    let mut command = match wrapper.split_first() {
        Some((program, args)) => {
            let mut command = Command::new(program);
            command.args(args).arg(exe);
            command
        }
        None => Command::new(exe),
    };
    command
        .args([
            "--exact",
            "child_process",
            "--nocapture",
            "--test-threads=1",
            "--quiet",
        ])
        .env(CHILD_ENV, role)
        .env("AS_JFAULT_BASE_URL", sim.base_url())
        .env("AS_JFAULT_DIR", dir)
        .env("AS_JFAULT_TID", tid)
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null());
    if let Some(ca) = sim.ca_file() {
        command.env("AS_JFAULT_CA", ca);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    let out = command.output().expect("the child runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success() && !stderr.contains("panicked"),
        "{role} {env:?}: the child failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    assert!(!stdout.contains(SECRET) && !stderr.contains(SECRET));
    stdout
}

/// The lines a child printed for its parent (those starting `FD `), without the prefix.
fn fd_lines(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("FD ").map(str::to_string))
        .collect()
}

/// The library starts no thread of its own: with every pthread_create failing, a create,
/// a wait, a get, the journal's calls and a diagnosis all work.
#[test]
fn no_call_needs_a_thread() {
    let sim = Simulator::start(Config::default()).expect("the simulator starts");
    let dir = TempDir::new("threads");
    let shim = shim();
    let tid = format!("{SECRET}_threads+outcome=COMPLETED+polls=1");
    let stdout = run_child(
        &sim,
        "threads",
        &[],
        dir.path(),
        &tid,
        &[
            ("LD_PRELOAD", shim.as_os_str()),
            ("IOFAULT_OP", "thread".as_ref()),
            ("IOFAULT_NTH", "0".as_ref()),
            ("IOFAULT_ERRNO", "11".as_ref()),
        ],
    );
    let lines = fd_lines(&stdout);
    assert_eq!(lines, ["threads ok"]);
    assert_eq!(sim.terminal_stats(&tid).creates, 1);
}

/// Out of file descriptors: building a client fails naming the cause, and a create
/// needing a new connection fails before sending (outcome known, no POST); once
/// descriptors are free again, both work.
#[test]
fn out_of_file_descriptors_is_a_clear_error_and_passes() {
    let sim = Simulator::start(Config::default()).expect("the simulator starts");
    let dir = TempDir::new("nofile");
    let tid = format!("{SECRET}_nofile+outcome=PENDING");
    let lines = fd_lines(&run_child(&sim, "nofile", &[], dir.path(), &tid, &[]));
    let line = |name: &str| {
        lines
            .iter()
            .find(|l| l.starts_with(&format!("nofile {name} ")))
            .unwrap_or_else(|| panic!("no {name} line: {lines:?}"))
            .clone()
    };
    // Building a client reads its CA file before it opens the journal: either names
    // the cause.
    let open = line("journal-open");
    assert!(
        open.contains("Too many open files")
            && (open.starts_with("nofile journal-open Journal ")
                || open.starts_with("nofile journal-open InvalidArgument CA file")),
        "{lines:?}"
    );
    assert!(
        line("create").starts_with("nofile create Network unknown=false "),
        "{lines:?}"
    );
    assert_eq!(line("after"), "nofile after ok");
    assert_eq!(line("journal-after"), "nofile journal-after ok");
    // The create without descriptors was not sent; the one after was.
    assert_eq!(sim.terminal_stats(&tid).creates, 1);
}
