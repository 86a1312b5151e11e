//! `HTTPS_PROXY` from the environment is honoured (its own test binary: the environment
//! is process-wide), and set_proxy wins over it.

mod common;

use std::time::Duration;

use authsignal_terminal::{Client, ClientOptions};
use authsignal_terminal_sim::{Config, Simulator};

use common::proxy::ConnectProxy;
use common::SECRET;

#[test]
fn https_proxy_from_the_environment_is_used() {
    let sim = Simulator::start(Config::default()).unwrap();
    let env_proxy = ConnectProxy::start();
    let explicit = ConnectProxy::start();
    for name in ["NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"] {
        std::env::remove_var(name);
    }
    std::env::set_var("HTTPS_PROXY", format!("http://{}", env_proxy.addr));
    let options = || {
        let mut o = ClientOptions::new();
        o.set_base_url(sim.base_url()).unwrap();
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
    std::env::remove_var("HTTPS_PROXY");
    assert_eq!(sim.terminal_stats(&id).creates, 2);
}
