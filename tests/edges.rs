//! Payment safety at the edges, in the Rust core: whether a create's outcome is unknown,
//! and whether it is sent again, follow what the wire saw (not an error's type); a read
//! is always safe to send again; a cancel closes the read in flight; a read's answer must
//! be about the session asked for. The C ABI side (threads and sockets counted, thread
//! teardown, callbacks) is tests/c/test_edges.c.

mod common;

use std::time::{Duration, Instant};

use authsignal_terminal::{CancelToken, Client, ClientOptions, ErrorKind};
use authsignal_terminal_sim::{Config, Simulator};

use common::{assert_secret_kept, capture_logs, log_lines, RawServer, SECRET};

fn tid(directives: &str) -> String {
    format!("{SECRET}{directives}")
}

fn client_for(sim: &Simulator, request_timeout: Duration) -> Client {
    let mut o = ClientOptions::new();
    o.set_base_url(sim.base_url()).unwrap();
    o.set_ca_file(sim.ca_file().unwrap()).unwrap();
    o.set_request_timeout(request_timeout).unwrap();
    o.set_poll_interval(Duration::from_millis(100)).unwrap();
    Client::new(&o).unwrap()
}

/// A client of a server that never answers, with a ten-minute request timeout: only a
/// cancel or a wait's own deadline can end one of its reads within a test's time.
fn black_hole_client(tarpit: &RawServer) -> Client {
    let mut o = ClientOptions::new();
    o.set_base_url(&tarpit.http_url()).unwrap();
    o.set_request_timeout(Duration::from_secs(600)).unwrap();
    Client::new(&o).unwrap()
}

#[test]
fn a_name_that_does_not_resolve_created_nothing_and_is_tried_again() {
    capture_logs();
    let mut o = ClientOptions::new();
    o.set_base_url("https://nonexistent.invalid/v1").unwrap();
    let client = Client::new(&o).unwrap();
    let id = tid("_dns");
    let e = client
        .create_payment_session_minor(&id, 100, "USD", None)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network, "{e}");
    assert!(!e.outcome_unknown(), "{e}");
    assert!(e.message().contains("did not resolve"), "{e}");
    assert!(!e.message().contains("check the terminal"), "{e}");
    let retries = log_lines()
        .iter()
        .filter(|(_, l)| l.contains("POST") && l.contains("retrying"))
        .count();
    assert!(retries >= 2, "a create that never left is tried again");
    assert_secret_kept();
}

#[test]
fn a_broken_tls_record_after_the_request_leaves_the_outcome_unknown() {
    capture_logs();
    let sim = Simulator::start(Config::default()).unwrap();
    let client = client_for(&sim, Duration::from_secs(5));
    let id = tid("+fault=garbage");
    let e = client
        .create_payment_session_minor(&id, 100, "USD", None)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network, "{e}");
    assert!(e.outcome_unknown(), "{e}");
    assert!(!e.message().contains("CA file"), "no trust-store hint: {e}");
    assert_eq!(sim.terminal_stats(&id).requests, 1, "never sent twice");
    // The same failure on a read is tried again (three times in all).
    let id = tid("+fault=garbage+on=get");
    let s = client
        .create_payment_session_minor(&id, 100, "USD", None)
        .unwrap();
    let e = client
        .get_payment_session(&id, s.challenge_id())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network, "{e}");
    assert_eq!(sim.terminal_stats(&id).requests, 1 + 3);
    assert_secret_kept();
}

#[test]
fn a_redirect_or_a_status_outside_the_api_to_a_create_leaves_the_outcome_unknown() {
    let sim = Simulator::start(Config::default()).unwrap();
    let client = client_for(&sim, Duration::from_secs(5));
    for status in [303, 600, 999] {
        let id = tid(&format!("+fault=status-{status}"));
        let e = client
            .create_payment_session_minor(&id, 100, "USD", None)
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Protocol, "{status}: {e}");
        assert_eq!(e.http_status(), Some(status));
        assert!(e.outcome_unknown(), "{status}: {e}");
        assert_eq!(sim.terminal_stats(&id).requests, 1, "{status}: sent once");
    }
}

#[test]
fn a_read_on_a_connection_the_server_dropped_is_sent_again() {
    let sim = Simulator::start(Config::default()).unwrap();
    let client = client_for(&sim, Duration::from_secs(5));
    // The server drops the first read after reading it, as a server that closed a
    // kept-alive connection does: the read goes again and succeeds.
    let id = tid("+fault=drop+on=get+times=1");
    let s = client
        .create_payment_session_minor(&id, 100, "USD", None)
        .unwrap();
    let got = client.get_payment_session(&id, s.challenge_id()).unwrap();
    assert_eq!(got.challenge_id(), s.challenge_id());
    assert_eq!(sim.terminal_stats(&id).requests, 3);
}

#[test]
fn a_read_answered_about_another_session_is_refused() {
    let sim = Simulator::start(Config::default()).unwrap();
    let client = client_for(&sim, Duration::from_secs(5));
    let id = tid("+fault=other-session+on=get");
    let s = client
        .create_payment_session_minor(&id, 100, "USD", None)
        .unwrap();
    let e = client
        .get_payment_session(&id, s.challenge_id())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Protocol, "{e}");
    let e = client
        .wait_payment_session(&id, s.challenge_id(), Duration::from_secs(5), None)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Protocol, "{e}");
}

#[test]
fn a_cancel_closes_the_read_in_flight() {
    let tarpit = RawServer::start(common::Behaviour::Tarpit);
    let client = black_hole_client(&tarpit);
    let token = CancelToken::new();
    let canceller = {
        let token = token.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            token.cancel();
        })
    };
    let started = Instant::now();
    let e = client
        .wait_payment_session(&tid(""), "abc", Duration::from_secs(3600), Some(&token))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Cancelled, "{e}");
    eprintln!("cancelled after {:?}", started.elapsed());
    canceller.join().unwrap();
    // A token cancelled before the wait stops it before any request.
    let e = client
        .wait_payment_session(&tid(""), "abc", Duration::from_secs(3600), Some(&token))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Cancelled);
    assert_eq!(tarpit.accepted(), 1);
}

#[test]
fn each_read_of_a_wait_ends_at_the_wait_s_deadline() {
    let tarpit = RawServer::start(common::Behaviour::Tarpit);
    let client = black_hole_client(&tarpit);
    // With a ten-minute request timeout, only the wait's own deadline ends these reads.
    for _ in 0..5 {
        let e = client
            .wait_payment_session(&tid(""), "abc", Duration::from_millis(100), None)
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
        assert!(!e.outcome_unknown());
    }
}
