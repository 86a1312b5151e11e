//! `HTTPS_PROXY` from the environment is honoured (its own test binary: the environment
//! is process-wide), set_proxy wins over it, and neither is used for a loopback or a
//! plain-http base URL (the terminal id would cross the proxy in clear), nor a SOCKS
//! proxy from the environment.

mod common;

use std::time::Duration;

use authsignal_terminal::{Client, ClientOptions, ErrorKind};
use authsignal_terminal_sim::{Config, ConnectProxy, Simulator};

use common::SECRET;

#[test]
fn https_proxy_from_the_environment_is_used() {
    let sim = Simulator::start(Config::default()).unwrap();
    let env_proxy = ConnectProxy::start().unwrap();
    let explicit = ConnectProxy::start().unwrap();
    for name in ["NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"] {
        std::env::remove_var(name);
    }
    std::env::set_var("HTTPS_PROXY", format!("http://{}", env_proxy.addr));
    let options = || {
        let mut o = ClientOptions::new();
        o.set_base_url(&sim.proxied_base_url()).unwrap();
        o.set_ca_file(sim.ca_file().unwrap()).unwrap();
        o.set_request_timeout(Duration::from_secs(5)).unwrap();
        o
    };
    let id = format!("{SECRET}_env_proxy");
    Client::new(&options())
        .unwrap()
        .create_payment_session_minor(&id, 100, "USD", None)
        .unwrap();
    assert_eq!(env_proxy.tunnels().len(), 1, "HTTPS_PROXY was used");

    let mut o = options();
    o.set_proxy(&format!("http://{}", explicit.addr)).unwrap();
    Client::new(&o)
        .unwrap()
        .create_payment_session_minor(&id, 100, "USD", None)
        .unwrap();
    assert_eq!(explicit.tunnels().len(), 1, "set_proxy wins");
    assert_eq!(
        env_proxy.tunnels().len(),
        1,
        "and the environment's is not used"
    );
    assert_eq!(sim.terminal_stats(&id).creates, 2);

    // A loopback base URL is never proxied, from the environment or from set_proxy.
    let mut o = options();
    o.set_base_url(sim.base_url()).unwrap();
    Client::new(&o)
        .unwrap()
        .create_payment_session_minor(&id, 100, "USD", None)
        .unwrap();
    o.set_proxy(&format!("http://{}", explicit.addr)).unwrap();
    Client::new(&o)
        .unwrap()
        .create_payment_session_minor(&id, 100, "USD", None)
        .unwrap();
    assert_eq!(env_proxy.tunnels().len(), 1, "loopback is not proxied");
    assert_eq!(explicit.tunnels().len(), 1, "loopback is not proxied");
    assert_eq!(sim.terminal_stats(&id).creates, 4);

    // Plain http is never proxied either, whatever the environment names.
    let plain = Simulator::start(Config {
        tls: false,
        ..Config::default()
    })
    .unwrap();
    std::env::set_var("ALL_PROXY", format!("http://{}", env_proxy.addr));
    std::env::set_var("HTTP_PROXY", format!("http://{}", env_proxy.addr));
    let mut o = ClientOptions::new();
    o.set_base_url(plain.base_url()).unwrap();
    Client::new(&o)
        .unwrap()
        .create_payment_session_minor(&id, 100, "USD", None)
        .unwrap();
    assert_eq!(env_proxy.tunnels().len(), 1, "plain http is not proxied");
    assert_eq!(plain.terminal_stats(&id).creates, 1);

    // A SOCKS proxy from the environment is ignored (set_proxy refuses one outright):
    // the client goes direct, where the test host name does not resolve.
    std::env::remove_var("ALL_PROXY");
    std::env::remove_var("HTTP_PROXY");
    std::env::set_var("HTTPS_PROXY", "socks5://127.0.0.1:9");
    let e = Client::new(&options())
        .unwrap()
        .create_payment_session_minor(&id, 100, "USD", None)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network, "{e}");
    assert!(e.message().contains("did not resolve"), "{e}");
    assert!(!e.outcome_unknown());
    assert_eq!(env_proxy.tunnels().len(), 1);
    std::env::remove_var("HTTPS_PROXY");
}
