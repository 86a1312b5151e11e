//! Load and leaks: one client shared by 16 threads making 10,000 calls in total against
//! the simulator (creates, gets and some waits, half through the C ABI). Every call must
//! be correct, and memory flat: the resident size after the run must stay within a
//! generous bound of the resident size after the first 1,000 calls. Figures are printed
//! (run with --nocapture), never a timing assertion.
//!
//! It takes a few seconds even in debug, so it runs in every `cargo test`; the figures:
//! `cargo test --locked --test load -- --nocapture` (add `--release` for release ones).

mod common;

use std::ffi::{CStr, CString};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Barrier;
use std::time::{Duration, Instant};

use authsignal_terminal::ffi::as_result;
use authsignal_terminal::ffi::client::{
    as_client_create_payment_session_minor, as_client_get_payment_session,
};
use authsignal_terminal::ffi::payment_session::{
    as_payment_session_challenge_id, as_payment_session_free, as_payment_session_status_str,
};
use authsignal_terminal::{Client, ClientOptions, PaymentStatus};
use authsignal_terminal_sim::{Config, Simulator};

use common::{rss_kib, SECRET};

const THREADS: u64 = 16;
const TOTAL_CALLS: u64 = 10_000;
const WARMUP_CALLS: u64 = 1_000;
/// RSS may grow by at most this much between the warm-up and the end (KiB).
const MAX_GROWTH_KIB: u64 = 16 * 1024;

#[test]
fn sixteen_threads_ten_thousand_calls_with_flat_memory() {
    let sim = Simulator::start(Config {
        polls: 1,
        ..Config::default()
    })
    .unwrap();
    let mut options = ClientOptions::new();
    options.set_base_url(sim.base_url()).unwrap();
    options.set_ca_file(sim.ca_file().unwrap()).unwrap();
    options
        .set_poll_interval(Duration::from_millis(100))
        .unwrap();
    let client = Client::new(&options).unwrap();
    let c = common::c_client(sim.base_url(), sim.ca_file(), common::NORMAL);

    let calls = AtomicU64::new(0);
    let wrong = AtomicU64::new(0);
    let rss_after_warmup = AtomicU64::new(0);
    let warmup = Barrier::new(THREADS as usize);
    let started = Instant::now();
    let per_thread = TOTAL_CALLS / THREADS;
    std::thread::scope(|scope| {
        for t in 0..THREADS {
            let (client, c, calls, wrong, rss_after_warmup, warmup) =
                (&client, &c, &calls, &wrong, &rss_after_warmup, &warmup);
            scope.spawn(move || {
                let id = format!("{SECRET}_load_{t:02}");
                let cid = CString::new(id.clone()).unwrap();
                let mut made = 0u64;
                let mut warmed = false;
                while made < per_thread {
                    if !warmed && made >= WARMUP_CALLS / THREADS {
                        warmed = true;
                        // Everyone has made its share of the first 1,000 calls.
                        if warmup.wait().is_leader() {
                            rss_after_warmup.store(rss_kib(), Ordering::SeqCst);
                        }
                    }
                    // One create and one get per round (the C ABI on odd threads), and a
                    // wait every 50th round: 2 or 3 calls.
                    let reference = format!("load-{t}-{made}");
                    let c_reference = CString::new(reference.clone()).unwrap();
                    let challenge = if t % 2 == 1 {
                        let mut s = std::ptr::null_mut();
                        let r = unsafe {
                            as_client_create_payment_session_minor(
                                c.0,
                                cid.as_ptr(),
                                (made + 1) as i64,
                                c"USD".as_ptr(),
                                c_reference.as_ptr(),
                                &mut s,
                            )
                        };
                        if r != as_result::Ok {
                            wrong.fetch_add(1, Ordering::SeqCst);
                            made += 1;
                            continue;
                        }
                        // SAFETY: a live session; copied at once.
                        let challenge =
                            unsafe { CStr::from_ptr(as_payment_session_challenge_id(s)) }
                                .to_owned();
                        unsafe { as_payment_session_free(s) };
                        let mut g = std::ptr::null_mut();
                        let r = unsafe {
                            as_client_get_payment_session(
                                c.0,
                                cid.as_ptr(),
                                challenge.as_ptr(),
                                &mut g,
                            )
                        };
                        // SAFETY: a live session on success.
                        let ok = r == as_result::Ok
                            && unsafe { CStr::from_ptr(as_payment_session_status_str(g)) }
                                .to_bytes()
                                == b"PENDING";
                        unsafe { as_payment_session_free(g) };
                        if !ok {
                            wrong.fetch_add(1, Ordering::SeqCst);
                        }
                        challenge.into_string().unwrap()
                    } else {
                        match client.create_payment_session_minor(
                            &id,
                            (made + 1) as i64,
                            "USD",
                            Some(&reference),
                        ) {
                            Ok(s) if s.reference() == Some(reference.as_str()) => {
                                match client.get_payment_session(&id, s.challenge_id()) {
                                    Ok(g) if g.status() == PaymentStatus::Pending => {}
                                    _ => {
                                        wrong.fetch_add(1, Ordering::SeqCst);
                                    }
                                }
                                s.challenge_id().to_string()
                            }
                            _ => {
                                wrong.fetch_add(1, Ordering::SeqCst);
                                made += 1;
                                continue;
                            }
                        }
                    };
                    made += 2;
                    if made % 50 == 0 && made < per_thread {
                        match client.wait_payment_session(
                            &id,
                            &challenge,
                            Duration::from_secs(30),
                            None,
                        ) {
                            Ok(done) if done.status() == PaymentStatus::Completed => {}
                            _ => {
                                wrong.fetch_add(1, Ordering::SeqCst);
                            }
                        }
                        made += 1;
                    }
                }
                calls.fetch_add(made, Ordering::SeqCst);
            });
        }
    });
    let elapsed = started.elapsed();
    let rss_end = rss_kib();
    let rss_warm = rss_after_warmup.load(Ordering::SeqCst);
    let calls = calls.load(Ordering::SeqCst);
    let stats = sim.stats();
    let report = format!(
        "| threads | calls | wrong | RSS after 1,000 calls | RSS after all | growth | server requests | connections | TLS handshakes | wall time |\n|---|---|---|---|---|---|---|---|---|---|\n| {THREADS} | {calls} | {} | {rss_warm} KiB | {rss_end} KiB | {} KiB | {} | {} | {} | {:.1} s |\n",
        wrong.load(Ordering::SeqCst),
        rss_end as i64 - rss_warm as i64,
        stats.requests,
        stats.connections,
        stats.tls_handshakes,
        elapsed.as_secs_f64()
    );
    common::write_table("load.md", &report);
    assert!(calls >= TOTAL_CALLS, "{calls} calls");
    assert_eq!(wrong.load(Ordering::SeqCst), 0, "every call was correct");
    assert!(
        rss_end <= rss_warm + MAX_GROWTH_KIB,
        "RSS grew from {rss_warm} KiB to {rss_end} KiB"
    );
}
