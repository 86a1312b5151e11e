//! `doctor` reports the proxy rule the transport applies, not a copy of it: the proxy a
//! payment goes through, or why it does not (a SOCKS proxy the transport refuses, a
//! loopback base URL, NO_PROXY), its lookups go where the payment's would, and the clock
//! is read through the client's own transport. Its own test binary: the environment is
//! process-wide.

use authsignal_terminal::{diagnose, Client, ClientOptions, Report, Verdict};
use authsignal_terminal_sim::{Config, ConnectProxy, Simulator};

fn proxy_check(report: &Report) -> (Verdict, &str) {
    let check = report.checks.iter().find(|c| c.name == "proxy").unwrap();
    (check.verdict, check.summary.as_str())
}

#[test]
fn doctor_reports_the_transports_proxy_rule() {
    let sim = Simulator::start(Config::default()).unwrap();
    for name in [
        "NO_PROXY",
        "no_proxy",
        "ALL_PROXY",
        "all_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "https_proxy",
    ] {
        std::env::remove_var(name);
    }
    let client = |base_url: &str| {
        let mut o = ClientOptions::new();
        o.set_base_url(base_url).unwrap();
        o.set_ca_file(sim.ca_file().unwrap()).unwrap();
        Client::new(&o).unwrap()
    };
    let proxied = sim.proxied_base_url();
    let host = proxied
        .trim_start_matches("https://")
        .split([':', '/'])
        .next()
        .unwrap()
        .to_string();

    // A SOCKS proxy from the environment: the transport refuses it and goes direct, so
    // doctor says it is refused and looks up the API host itself, not the proxy.
    std::env::set_var("HTTPS_PROXY", "socks5://127.0.0.1:9");
    let report = diagnose(&client(&proxied), None, &[]);
    let (verdict, summary) = proxy_check(&report);
    assert_eq!(verdict, Verdict::Warn, "{summary}");
    assert!(summary.contains("is refused"), "{summary}");
    assert!(summary.contains("only HTTP CONNECT"), "{summary}");
    assert!(report.proxy.bypassed);
    assert_eq!(report.proxy.url.as_deref(), Some("socks5://127.0.0.1:9"));
    assert_eq!(report.proxy.source.as_deref(), Some("HTTPS_PROXY"));
    assert_eq!(report.dns.as_ref().unwrap().host, host);

    // A loopback base URL is never proxied: said so, not blamed on NO_PROXY.
    std::env::set_var("HTTPS_PROXY", "http://127.0.0.1:9");
    let report = diagnose(&client(sim.base_url()), None, &[]);
    let (verdict, summary) = proxy_check(&report);
    assert_eq!(verdict, Verdict::Ok, "{summary}");
    assert!(summary.contains("never proxied"), "{summary}");
    assert!(report.proxy.bypassed);
    assert!(report.passed, "{}", report.to_text());

    // NO_PROXY exempting the API host.
    std::env::set_var("NO_PROXY", &host);
    let report = diagnose(&client(&proxied), None, &[]);
    let (_, summary) = proxy_check(&report);
    assert!(summary.contains("NO_PROXY exempts it"), "{summary}");
    assert!(report.proxy.bypassed);
    std::env::remove_var("NO_PROXY");

    // A usable proxy: the checks go through it (its host is what is looked up), the TLS
    // probe's tunnel and the clock's, which goes through the client's own transport.
    let proxy = ConnectProxy::start().unwrap();
    std::env::set_var("HTTPS_PROXY", format!("http://{}", proxy.addr));
    let report = diagnose(&client(&proxied), None, &[]);
    let (verdict, summary) = proxy_check(&report);
    assert_eq!(verdict, Verdict::Ok, "{summary}");
    assert!(
        summary.contains("the checks below go through it"),
        "{summary}"
    );
    assert!(!report.proxy.bypassed);
    assert_eq!(report.dns.as_ref().unwrap().host, "127.0.0.1");
    let clock = report.clock.as_ref().expect("the clock was read");
    assert!(clock.verified_connection);
    assert_eq!(proxy.tunnels().len(), 2, "{:?}", proxy.tunnels());
    std::env::remove_var("HTTPS_PROXY");
}
