//! Transport policy against real loopback servers: plain HTTP only on loopback, redirects
//! never followed (the terminal header never reaches the redirect's host), a proxy given
//! with set_proxy is used (a CONNECT proxy written here counts its tunnels), a custom CA
//! is trusted, and the system trust store can be combined with it.

mod common;

use std::ffi::CString;
use std::time::Duration;

use authsignal_terminal::ffi::as_result;
use authsignal_terminal::ffi::client_options::{
    as_client_options_free, as_client_options_new, as_client_options_set_base_url,
};
use authsignal_terminal::{Client, ClientOptions, ErrorKind};
use authsignal_terminal_sim::{Config, Simulator};

use common::{assert_secret_kept, capture_logs, Behaviour, RawServer, SECRET};

fn options_for(sim: &Simulator) -> ClientOptions {
    let mut options = ClientOptions::new();
    options.set_base_url(sim.base_url()).unwrap();
    if let Some(ca) = sim.ca_file() {
        options.set_ca_file(ca).unwrap();
    }
    options.set_request_timeout(Duration::from_secs(5)).unwrap();
    options
}

fn id(n: u32) -> String {
    format!("{SECRET}_policy_{n}")
}

#[test]
fn plain_http_is_refused_off_loopback_in_rust_and_c() {
    for url in [
        "http://api.authsignal.com/v1",
        "http://10.0.0.1/v1",
        "http://192.168.1.10:8080/v1",
        "http://[::ffff:10.0.0.1]/v1",
        "http://localhost.example.com/v1",
        "ftp://127.0.0.1/v1",
    ] {
        let e = ClientOptions::new()
            .set_base_url(url)
            .map(drop)
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{url}");
        let mut o = std::ptr::null_mut();
        assert_eq!(unsafe { as_client_options_new(&mut o) }, as_result::Ok);
        let c = CString::new(url).unwrap();
        assert_eq!(
            unsafe { as_client_options_set_base_url(o, c.as_ptr()) },
            as_result::InvalidArgument,
            "{url}"
        );
        unsafe { as_client_options_free(o) };
    }
    for url in [
        "http://127.0.0.1:1/v1",
        "http://localhost:1/v1",
        "http://[::1]:1/v1",
    ] {
        assert!(ClientOptions::new().set_base_url(url).is_ok(), "{url}");
    }
}

#[test]
fn a_redirect_is_not_followed_and_its_host_never_sees_the_terminal_id() {
    capture_logs();
    // The redirect's target: a second simulator that counts whatever reaches it.
    let target = Simulator::start(Config {
        tls: false,
        ..Config::default()
    })
    .unwrap();
    let redirecting = RawServer::start_redirecting(
        Behaviour::Redirect,
        format!("{}/terminal/payment-session", target.base_url()),
    );
    let mut options = ClientOptions::new();
    options.set_base_url(&redirecting.http_url()).unwrap();
    let client = Client::new(&options).unwrap();
    let e = client
        .create_payment_session_minor(&id(1), 100, "USD", None)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Protocol);
    assert_eq!(e.http_status(), Some(307));
    // The server read the create before answering: only a 2xx or a 4xx says what it did.
    assert!(e.outcome_unknown(), "a redirect leaves the outcome unknown");
    let e = client.get_payment_session(&id(1), "abc").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Protocol);
    assert_eq!(redirecting.accepted(), 2, "one request each, no retry");
    let seen = target.stats();
    assert_eq!(seen.connections, 0, "the redirect's host saw nothing");
    assert_eq!(seen.requests, 0);
    assert_secret_kept();
}

#[test]
fn set_proxy_sends_every_request_through_the_proxy() {
    capture_logs();
    let sim = Simulator::start(Config::default()).unwrap();
    let proxy = authsignal_terminal_sim::ConnectProxy::start().unwrap();
    let mut options = options_for(&sim);
    options
        .set_base_url(&sim.proxied_base_url())
        .unwrap()
        .set_proxy(&format!("http://{}", proxy.addr))
        .unwrap();
    let client = Client::new(&options).unwrap();
    let s = client
        .create_payment_session_minor(&id(2), 100, "USD", None)
        .unwrap();
    client
        .get_payment_session(&id(2), s.challenge_id())
        .unwrap();
    let tunnels = proxy.tunnels();
    let proxied = sim.proxied_base_url();
    let sim_authority = proxied
        .trim_start_matches("https://")
        .trim_end_matches("/v1");
    assert!(!tunnels.is_empty(), "the proxy was used");
    assert!(tunnels.iter().all(|t| t == sim_authority), "{tunnels:?}");
    assert_eq!(sim.terminal_stats(&id(2)).requests, 2);

    // A proxy that is not there: a network error that created nothing.
    let mut options = options_for(&sim);
    options
        .set_base_url(&sim.proxied_base_url())
        .unwrap()
        .set_proxy(&format!("http://127.0.0.1:{}", common::closed_port()))
        .unwrap();
    let e = Client::new(&options)
        .unwrap()
        .create_payment_session_minor(&id(3), 100, "USD", None)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network, "{}", e.message());
    assert!(!e.outcome_unknown());
    assert_eq!(sim.terminal_stats(&id(3)).requests, 0);
    assert_secret_kept();
}

#[test]
fn a_custom_ca_is_trusted_and_nothing_else_is() {
    let sim = Simulator::start(Config::default()).unwrap();
    let client = Client::new(&options_for(&sim)).unwrap();
    client
        .create_payment_session_minor(&id(4), 100, "USD", None)
        .unwrap();
    let mut untrusting = ClientOptions::new();
    untrusting.set_base_url(sim.base_url()).unwrap();
    let e = Client::new(&untrusting)
        .unwrap()
        .create_payment_session_minor(&id(4), 100, "USD", None)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Tls);
    assert_eq!(sim.terminal_stats(&id(4)).creates, 1);
}

#[test]
fn system_roots_build_and_trust_the_simulator_once_its_ca_is_added() {
    let sim = Simulator::start(Config::default()).unwrap();
    let mut system_only = ClientOptions::new();
    system_only.set_base_url(sim.base_url()).unwrap();
    system_only.set_use_system_roots(true);
    match Client::new(&system_only) {
        Ok(client) => {
            let e = client
                .create_payment_session_minor(&id(5), 100, "USD", None)
                .unwrap_err();
            assert_eq!(
                e.kind(),
                ErrorKind::Tls,
                "the simulator's CA is not a system root"
            );
        }
        Err(e) => {
            // Only where the machine has no CA certificates installed at all.
            assert_eq!(e.kind(), ErrorKind::InvalidArgument);
            eprintln!("no system trust store here: {}", e.message());
            return;
        }
    }
    let mut both = options_for(&sim);
    both.set_use_system_roots(true);
    Client::new(&both)
        .expect("system roots and a CA file combine")
        .create_payment_session_minor(&id(5), 100, "USD", None)
        .expect("the simulator is trusted through the CA file");
    assert_eq!(sim.terminal_stats(&id(5)).creates, 1);
}
