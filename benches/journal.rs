//! The payment journal at 0, 10,000 and 1,000,000 entries (a year of a busy lane), side by
//! side in one run: `make bench-journal` (cargo bench --bench journal).
//!
//! Per size: the file's size per entry; opening a client on it (what a POS pays at each
//! start); a create against the simulator (the journal's begin and finish around a POST
//! on loopback) and a find (the journal alone). Medians over interleaved rounds, and
//! each size's median over the empty journal's, measured in the same run. Then the
//! retention clean-up: the first create after 100,000 of 1,000,000 entries have aged out
//! (a till switched off for a while; a create deletes at most 500 of them), beside the
//! creates after it.
//!
//! `BENCH_JOURNAL_ENTRIES` (default 1000000) sets the largest size; `BENCH_ROUNDS`
//! (default 15) the rounds. The terminal id is never printed.

#[path = "../tests/support/journal.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use authsignal_terminal::{Client, ClientOptions};
use authsignal_terminal_sim::{Config, Simulator};

const YEAR: Duration = Duration::from_secs(365 * 86_400);
const CALLS_PER_ROUND: usize = 10;

fn options(sim: &Simulator, journal: &Path, retention: Duration) -> ClientOptions {
    let mut options = support::options_for(sim.base_url(), sim.ca_file(), journal);
    options.set_journal_retention(retention).unwrap();
    options
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn micros(d: Duration) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1e6)
}

struct Journal {
    entries: u64,
    path: PathBuf,
    client: Client,
    opens: Vec<Duration>,
    creates: Vec<Duration>,
    finds: Vec<Duration>,
}

fn main() {
    let largest: u64 = std::env::var("BENCH_JOURNAL_ENTRIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(15);
    let sim = Simulator::start(Config::default()).expect("the simulator starts");
    let tid = "tid_bench_journal_0001+outcome=PENDING";
    let root = std::env::temp_dir().join(format!("as-bench-journal-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    let year_retention = YEAR + Duration::from_secs(86_400);

    let mut journals = Vec::new();
    let mut sizes = vec![0, 10_000.min(largest), largest];
    sizes.dedup();
    for entries in sizes {
        let path = root.join(format!("j{entries}.journal"));
        drop(Client::new(&options(&sim, &path, year_retention)).unwrap());
        let started = Instant::now();
        support::fill(&path, "year-", entries, YEAR).unwrap();
        eprintln!(
            "filled a journal with {entries} entries in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        let client = Client::new(&options(&sim, &path, year_retention)).unwrap();
        journals.push(Journal {
            entries,
            path,
            client,
            opens: Vec::new(),
            creates: Vec::new(),
            finds: Vec::new(),
        });
    }

    // Interleaved rounds: each size in turn, so drift on a noisy machine hits all alike.
    let mut n = 0u64;
    for round in 0..=rounds {
        for j in &mut journals {
            let started = Instant::now();
            let client = Client::new(&options(&sim, &j.path, year_retention)).unwrap();
            let opened = started.elapsed();
            drop(client);
            let mut creates = Vec::new();
            let mut finds = Vec::new();
            for _ in 0..CALLS_PER_ROUND {
                n += 1;
                let reference = format!("bench-{n}");
                let started = Instant::now();
                j.client
                    .create_payment_session(tid, 1.0, "USD", Some(&reference))
                    .unwrap();
                creates.push(started.elapsed());
                let probe = format!("year-{}", n % j.entries.max(1));
                let started = Instant::now();
                let _ = j.client.find_payment_session(&probe);
                finds.push(started.elapsed());
            }
            if round > 0 {
                // Round 0 warms the connections and the page cache.
                j.opens.push(opened);
                j.creates.extend(creates);
                j.finds.extend(finds);
            }
        }
    }

    println!("Payment journal, {rounds} interleaved rounds of {CALLS_PER_ROUND} calls per size (medians; ratio = this size / empty, same run)");
    println!(
        "| entries | file | bytes per entry | open a client | create (POST on loopback) | ratio | find | ratio |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    let empty_create = median(journals[0].creates.clone());
    let empty_find = median(journals[0].finds.clone());
    for j in &journals {
        let size = support::size_on_disk(&j.path);
        let per_entry = size
            .checked_div(j.entries)
            .map_or("-".to_string(), |b| b.to_string());
        let create = median(j.creates.clone());
        let find = median(j.finds.clone());
        println!(
            "| {} | {:.1} MiB | {per_entry} | {} | {} | {:.2}x | {} | {:.2}x |",
            j.entries,
            size as f64 / 1048576.0,
            micros(median(j.opens.clone())),
            micros(create),
            create.as_secs_f64() / empty_create.as_secs_f64(),
            micros(find),
            find.as_secs_f64() / empty_find.as_secs_f64(),
        );
    }

    // Retention clean-up: the largest journal again, with a retention that ages out its
    // oldest tenth at the next create.
    let largest_journal = journals.pop().unwrap();
    let path = largest_journal.path.clone();
    drop(largest_journal);
    drop(journals);
    let retention = YEAR - YEAR / 10;
    let client = Client::new(&options(&sim, &path, retention)).unwrap();
    let count = |path: &Path| -> i64 {
        rusqlite::Connection::open(path)
            .unwrap()
            .query_row("SELECT count(*) FROM payments", [], |r| r.get(0))
            .unwrap()
    };
    let before = count(&path);
    let started = Instant::now();
    client
        .create_payment_session(tid, 1.0, "USD", Some("bench-cleanup"))
        .unwrap();
    let cleanup = started.elapsed();
    let after = count(&path);
    let mut steady = Vec::new();
    for i in 0..CALLS_PER_ROUND * 3 {
        let started = Instant::now();
        client
            .create_payment_session(tid, 1.0, "USD", Some(&format!("bench-steady-{i}")))
            .unwrap();
        steady.push(started.elapsed());
    }
    let steady = median(steady);
    println!();
    println!(
        "Retention clean-up: the first create after a tenth of {} entries aged out deleted {} of them and took {} ({:.1}x the median of the {} creates after it, which go on deleting the backlog 500 at a time, {}); entries {} -> {}",
        before,
        before + 1 - after,
        micros(cleanup),
        cleanup.as_secs_f64() / steady.as_secs_f64(),
        CALLS_PER_ROUND * 3,
        micros(steady),
        before,
        after
    );
    let _ = std::fs::remove_dir_all(&root);
}
