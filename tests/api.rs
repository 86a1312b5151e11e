//! The Rust core against the simulator over HTTPS on loopback: every call, every result
//! the simulator can provoke, the retry policy (counted on the server), waiting and
//! cancelling, connection reuse, and that no message ever shows a terminal id.

use std::time::Duration;

use authsignal_terminal::{
    CancelToken, Client, ClientOptions, Error, ErrorKind, PaymentSession, PaymentStatus,
};
use authsignal_terminal_sim::{Config, Simulator};

/// A terminal id recognisable in any text it leaks into.
const SECRET: &str = "tid_SECRET_7f3a9c";

struct Fixture {
    sim: Simulator,
    client: Client,
}

fn start() -> Fixture {
    start_with(Config::default(), |_| {})
}

fn start_with(config: Config, tune: impl FnOnce(&mut ClientOptions)) -> Fixture {
    let sim = Simulator::start(config).expect("the simulator starts");
    let mut options = ClientOptions::new();
    options.set_base_url(sim.base_url()).unwrap();
    if let Some(ca) = sim.ca_file() {
        options.set_ca_file(ca).unwrap();
    }
    options
        .set_poll_interval(Duration::from_millis(100))
        .unwrap();
    options.set_request_timeout(Duration::from_secs(5)).unwrap();
    tune(&mut options);
    let client = Client::new(&options).expect("the client builds");
    Fixture { sim, client }
}

impl Fixture {
    /// A create of 5.00 USD that must succeed.
    fn create(&self, terminal_id: &str) -> PaymentSession {
        self.client
            .create_payment_session(terminal_id, 5.0, "USD", None)
            .expect("the create succeeds")
    }
}

/// Cancels `token` from another thread after `ms` milliseconds.
fn cancel_after(token: &CancelToken, ms: u64) -> std::thread::JoinHandle<()> {
    let token = token.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(ms));
        token.cancel();
    })
}

/// A terminal id with simulator directives, e.g. `tid("+fault=503")`.
fn tid(directives: &str) -> String {
    format!("{SECRET}{directives}")
}

/// Checks an error's kind and that its text keeps the terminal id secret.
fn expect_err(result: Result<PaymentSession, Error>, kind: ErrorKind) -> Error {
    let e = result.expect_err("the call fails");
    assert_eq!(e.kind(), kind, "{e:?}");
    assert!(!e.message().is_empty());
    let debug = format!("{e:?} {e}");
    assert!(
        !debug.contains(SECRET),
        "the terminal id leaked into the error ({:?}; text withheld)",
        e.kind()
    );
    e
}

#[test]
fn create_then_wait_until_completed() {
    let f = start();
    let id = tid("");
    let s = f
        .client
        .create_payment_session(&id, 12.5, "nzd", Some("order-1"))
        .unwrap();
    assert_eq!(s.status(), PaymentStatus::Pending);
    assert_eq!(s.status_raw(), "PENDING");
    assert_eq!(s.reference(), Some("order-1"));
    let got = f.client.get_payment_session(&id, s.challenge_id()).unwrap();
    assert_eq!(got.challenge_id(), s.challenge_id());
    let done = f
        .client
        .wait_payment_session(&id, s.challenge_id(), Duration::from_secs(30), None)
        .unwrap();
    assert_eq!(done.status(), PaymentStatus::Completed);
    assert_eq!(done.reference(), Some("order-1"));
}

#[test]
fn failed_expired_and_unknown_outcomes() {
    let f = start();
    for (outcome, status) in [
        ("FAILED", PaymentStatus::Failed),
        ("EXPIRED", PaymentStatus::Expired),
        ("REFUNDED", PaymentStatus::Unknown),
    ] {
        let id = tid(&format!("+outcome={outcome}+polls=1"));
        let s = f
            .client
            .create_payment_session_minor(&id, 1000, "JPY", None)
            .unwrap();
        assert_eq!(s.reference(), None);
        let done = f
            .client
            .wait_payment_session(&id, s.challenge_id(), Duration::from_secs(30), None)
            .unwrap();
        assert_eq!(done.status(), status);
        assert_eq!(done.status_raw(), outcome);
    }
}

#[test]
fn exact_amounts_in_every_exponent_are_accepted() {
    let f = start();
    let id = tid("");
    for (minor, currency) in [
        (1, "USD"),
        (1234, "BHD"),
        (5, "JPY"),
        (999_999_999_999_999, "USD"),
    ] {
        f.client
            .create_payment_session_minor(&id, minor, currency, None)
            .unwrap();
    }
    f.client
        .create_payment_session(&id, 0.1 + 0.2, "USD", None)
        .unwrap();
    assert_eq!(f.sim.terminal_stats(&id).creates, 5);
}

#[test]
fn invalid_input_never_reaches_the_server() {
    let f = start();
    let id = tid("");
    expect_err(
        f.client.create_payment_session(&id, 10.005, "USD", None),
        ErrorKind::InvalidArgument,
    );
    expect_err(
        f.client.create_payment_session(&id, -1.0, "USD", None),
        ErrorKind::InvalidArgument,
    );
    expect_err(
        f.client.create_payment_session(&id, 1.0, "DOLLARS", None),
        ErrorKind::InvalidArgument,
    );
    expect_err(
        f.client.create_payment_session("a b", 1.0, "USD", None),
        ErrorKind::InvalidArgument,
    );
    expect_err(
        f.client.get_payment_session(&id, "x/../../y"),
        ErrorKind::InvalidArgument,
    );
    assert_eq!(f.sim.stats().requests, 0);
}

#[test]
fn unpaired_terminal_is_unauthorized_with_the_server_code() {
    let f = start();
    let e = expect_err(
        f.client
            .create_payment_session("unpaired_0000001", 1.0, "USD", None),
        ErrorKind::Unauthorized,
    );
    assert_eq!(e.http_status(), Some(401));
    assert_eq!(e.server_code(), Some("unauthorized"));
    assert!(e.server_description().is_some());
    assert!(!e.outcome_unknown(), "a 401 created nothing");
}

#[test]
fn a_request_the_server_refuses_is_an_invalid_request() {
    let f = start();
    // The simulator answers 400 to a directive it does not know, as the API does to a
    // request it cannot take.
    let e = expect_err(
        f.client
            .create_payment_session(&tid("+no-such-directive=1"), 1.0, "USD", None),
        ErrorKind::InvalidRequest,
    );
    assert_eq!(e.http_status(), Some(400));
    assert_eq!(e.server_code(), Some("invalid_request"));
    assert!(!e.outcome_unknown(), "a 400 created nothing");
}

#[test]
fn unknown_challenge_is_not_found() {
    let f = start();
    let e = expect_err(
        f.client.get_payment_session(&tid(""), "no-such-session"),
        ErrorKind::NotFound,
    );
    assert_eq!(e.http_status(), Some(404));
    assert_eq!(e.server_code(), Some("not_found"));
}

#[test]
fn a_create_is_never_sent_twice_once_it_may_have_arrived() {
    let f = start();
    for (directives, kind) in [
        ("+fault=500", ErrorKind::ServerError),
        ("+fault=503+body=html", ErrorKind::ServerError),
        ("+fault=502+body=empty", ErrorKind::ServerError),
        ("+fault=drop", ErrorKind::Network),
        ("+fault=drop-mid", ErrorKind::Network),
        ("+fault=malformed", ErrorKind::Protocol),
        ("+fault=truncated", ErrorKind::Protocol),
        ("+fault=missing-status", ErrorKind::Protocol),
        ("+fault=oversized", ErrorKind::Protocol),
        ("+fault=redirect", ErrorKind::Protocol),
    ] {
        let id = tid(directives);
        let e = expect_err(f.client.create_payment_session(&id, 5.0, "USD", None), kind);
        assert!(e.outcome_unknown(), "{directives}: {e:?}");
        assert_eq!(
            f.sim.terminal_stats(&id).requests,
            1,
            "{directives}: sent once"
        );
    }
    // The client still works after every one of those.
    f.client
        .create_payment_session(&tid(""), 5.0, "USD", None)
        .unwrap();
}

#[test]
fn a_create_refused_by_the_server_is_known_to_have_created_nothing() {
    let f = start();
    let id = tid("+fault=429");
    let e = expect_err(
        f.client.create_payment_session(&id, 5.0, "USD", None),
        ErrorKind::RateLimited,
    );
    assert!(!e.outcome_unknown());
    assert_eq!(
        f.sim.terminal_stats(&id).requests,
        1,
        "a POST is not retried"
    );
    // An unknown challenge id is a definitive 404 (a read).
    let e = expect_err(
        f.client.get_payment_session(&tid(""), "no-such"),
        ErrorKind::NotFound,
    );
    assert!(!e.outcome_unknown());
}

#[test]
fn a_slow_create_times_out_with_the_outcome_unknown() {
    let f = start_with(Config::default(), |o| {
        o.set_request_timeout(Duration::from_millis(300)).unwrap();
    });
    let id = tid("+delay=2000");
    let e = expect_err(
        f.client.create_payment_session(&id, 5.0, "USD", None),
        ErrorKind::Timeout,
    );
    assert!(e.outcome_unknown());
    assert_eq!(f.sim.terminal_stats(&id).requests, 1);
}

#[test]
fn a_closed_port_is_a_network_error_that_created_nothing() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let mut options = ClientOptions::new();
    options
        .set_base_url(&format!("http://127.0.0.1:{port}/v1"))
        .unwrap();
    let client = Client::new(&options).unwrap();
    let e = expect_err(
        client.create_payment_session(SECRET, 5.0, "USD", None),
        ErrorKind::Network,
    );
    assert!(!e.outcome_unknown(), "nothing left the machine");
    expect_err(
        client.get_payment_session(SECRET, "abc"),
        ErrorKind::Network,
    );
}

#[test]
fn an_untrusted_certificate_is_a_tls_error_naming_the_way_out() {
    let sim = Simulator::start(Config::default()).unwrap();
    let mut options = ClientOptions::new();
    options.set_base_url(sim.base_url()).unwrap();
    let client = Client::new(&options).unwrap();
    let e = expect_err(
        client.create_payment_session(SECRET, 5.0, "USD", None),
        ErrorKind::Tls,
    );
    assert!(!e.outcome_unknown());
    assert!(
        e.message().contains("use the system trust store") && e.message().contains("a CA file"),
        "{}",
        e.message()
    );
    assert_eq!(sim.stats().requests, 0);
}

#[test]
fn gets_are_retried_on_429_and_gateway_errors() {
    let f = start();
    let id = tid("");
    let s = f.create(&id);
    for directives in [
        "+fault=503+on=get+times=1",
        "+fault=429+on=get+times=2",
        "+fault=502+on=get+times=1+body=html",
        "+fault=504+on=get+times=2",
    ] {
        let id2 = tid(directives);
        let s2 = f.create(&id2);
        f.client
            .get_payment_session(&id2, s2.challenge_id())
            .unwrap();
        let gets = f.sim.terminal_stats(&id2).gets;
        let times: u64 = directives.rsplit("times=").next().unwrap()[..1]
            .parse()
            .unwrap();
        assert_eq!(gets, times + 1, "{directives}");
    }
    let _ = s;
}

#[test]
fn gets_give_up_after_two_retries() {
    let f = start();
    let id = tid("+fault=503+on=get");
    let s = f.create(&id);
    let e = expect_err(
        f.client.get_payment_session(&id, s.challenge_id()),
        ErrorKind::ServerError,
    );
    assert_eq!(e.http_status(), Some(503));
    assert!(!e.outcome_unknown(), "a GET creates nothing");
    assert_eq!(f.sim.terminal_stats(&id).gets, 3);
}

#[test]
fn a_500_to_a_get_is_not_retried() {
    let f = start();
    let id = tid("+fault=500+on=get");
    let s = f.create(&id);
    expect_err(
        f.client.get_payment_session(&id, s.challenge_id()),
        ErrorKind::ServerError,
    );
    assert_eq!(f.sim.terminal_stats(&id).gets, 1);
}

#[test]
fn retry_after_is_honoured_and_a_long_one_is_not_waited_for() {
    let f = start();
    let id = tid("+fault=429+on=get+times=1+retry-after=1");
    let s = f.create(&id);
    f.client.get_payment_session(&id, s.challenge_id()).unwrap();
    assert_eq!(f.sim.terminal_stats(&id).gets, 2);

    let id = tid("+fault=429+on=get+retry-after=3600");
    let s = f.create(&id);
    let e = expect_err(
        f.client.get_payment_session(&id, s.challenge_id()),
        ErrorKind::RateLimited,
    );
    assert_eq!(e.server_code(), Some("too_many_requests"));
    assert_eq!(f.sim.terminal_stats(&id).gets, 1);
}

#[test]
fn protocol_faults_on_a_get() {
    let f = start();
    for fault in [
        "malformed",
        "truncated",
        "missing-challenge-id",
        "missing-status",
        "oversized",
        "redirect",
        "drop-mid",
    ] {
        let id = tid(&format!("+fault={fault}+on=get"));
        let s = f.create(&id);
        let kind = if fault == "drop-mid" {
            ErrorKind::Network
        } else {
            ErrorKind::Protocol
        };
        let e = expect_err(f.client.get_payment_session(&id, s.challenge_id()), kind);
        assert!(!e.outcome_unknown());
    }
    let id = tid("+fault=unknown-status+on=get");
    let s = f.create(&id);
    let got = f.client.get_payment_session(&id, s.challenge_id()).unwrap();
    assert_eq!(got.status(), PaymentStatus::Unknown);
    assert_eq!(got.status_raw(), "REFUNDED");
}

#[test]
fn a_wait_ends_still_pending_at_its_deadline() {
    let f = start();
    let id = tid("+outcome=PENDING");
    let s = f.create(&id);
    expect_err(
        f.client
            .wait_payment_session(&id, s.challenge_id(), Duration::from_millis(350), None),
        ErrorKind::StillPending,
    );
    assert!(
        f.sim.terminal_stats(&id).gets >= 2,
        "it polled more than once"
    );
}

#[test]
fn a_wait_of_zero_reads_the_session_once() {
    let f = start();
    let pending = tid("+outcome=PENDING");
    let s = f.create(&pending);
    expect_err(
        f.client
            .wait_payment_session(&pending, s.challenge_id(), Duration::ZERO, None),
        ErrorKind::StillPending,
    );
    assert_eq!(f.sim.terminal_stats(&pending).gets, 1, "exactly one read");

    let decided = tid("+outcome=FAILED+polls=0");
    let s = f.create(&decided);
    let done = f
        .client
        .wait_payment_session(&decided, s.challenge_id(), Duration::ZERO, None)
        .unwrap();
    assert_eq!(done.status(), PaymentStatus::Failed);
}

#[test]
fn a_wait_is_cancelled_from_another_thread() {
    let f = start();
    let id = tid("+outcome=PENDING");
    let s = f.create(&id);
    let token = CancelToken::new();
    let canceller = cancel_after(&token, 250);
    // Were the cancel not noticed, this wait would end an hour later as STILL_PENDING.
    expect_err(
        f.client.wait_payment_session(
            &id,
            s.challenge_id(),
            Duration::from_secs(3600),
            Some(&token),
        ),
        ErrorKind::Cancelled,
    );
    canceller.join().unwrap();
}

#[test]
fn a_cancel_interrupts_a_read_in_flight() {
    let f = start();
    // Every answer to this terminal takes 1.5 s, so the cancel lands while a read is in flight.
    let id = tid("+delay=1500");
    let s = f.create(&id);
    let token = CancelToken::new();
    let canceller = cancel_after(&token, 200);
    let started = std::time::Instant::now();
    expect_err(
        f.client.wait_payment_session(
            &id,
            s.challenge_id(),
            Duration::from_secs(3600),
            Some(&token),
        ),
        ErrorKind::Cancelled,
    );
    eprintln!(
        "cancelled after {:?} (the read in flight takes 1.5 s)",
        started.elapsed()
    );
    canceller.join().unwrap();
}

#[test]
fn a_failing_read_ends_the_wait_with_its_error() {
    let f = start();
    let id = tid("");
    let s = f.create(&id);
    expect_err(
        f.client.wait_payment_session(
            "unpaired_000000001",
            s.challenge_id(),
            Duration::from_secs(30),
            None,
        ),
        ErrorKind::Unauthorized,
    );
}

#[test]
fn sequential_calls_reuse_one_connection_and_one_handshake() {
    let f = start();
    let id = tid("");
    for _ in 0..20 {
        let s = f.create(&id);
        f.client.get_payment_session(&id, s.challenge_id()).unwrap();
    }
    let stats = f.sim.stats();
    assert_eq!(stats.requests, 40);
    assert_eq!(stats.connections, 1, "{stats:?}");
    assert_eq!(stats.tls_handshakes, 1, "{stats:?}");
}

#[test]
fn one_client_serves_many_threads() {
    let f = start();
    std::thread::scope(|scope| {
        for t in 0..8 {
            let client = &f.client;
            scope.spawn(move || {
                let id = tid(&format!(
                    "+polls=1+outcome={}",
                    if t % 2 == 0 { "COMPLETED" } else { "FAILED" }
                ));
                for _ in 0..5 {
                    let s = client
                        .create_payment_session_minor(&id, 100 + t, "USD", Some("r"))
                        .unwrap();
                    let done = client
                        .wait_payment_session(&id, s.challenge_id(), Duration::from_secs(60), None)
                        .unwrap();
                    let want = if t % 2 == 0 {
                        PaymentStatus::Completed
                    } else {
                        PaymentStatus::Failed
                    };
                    assert_eq!(done.status(), want);
                }
            });
        }
    });
    assert!(f.sim.stats().connections <= 8);
}

#[test]
fn plain_http_works_on_loopback() {
    let f = start_with(
        Config {
            tls: false,
            ..Config::default()
        },
        |_| {},
    );
    assert!(f.sim.base_url().starts_with("http://"));
    f.client
        .create_payment_session(&tid(""), 1.0, "EUR", None)
        .unwrap();
}
