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

    // A usable proxy: the checks go through it (its host is what is looked up). The DNS,
    // TCP, TLS and clock checks read one connection the client's own transport made
    // through it: one tunnel.
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
    assert_eq!(proxy.tunnels().len(), 1, "{:?}", proxy.tunnels());
    let tls = report.checks.iter().find(|c| c.name == "tls").unwrap();
    // A private CA for a host that is not loopback: verified, with the warning.
    assert_eq!(tls.verdict, Verdict::Warn, "{}", tls.summary);
    assert!(
        tls.summary.contains("verified by the CA file"),
        "{}",
        tls.summary
    );
    assert_eq!(
        report.tls.as_ref().unwrap().trust_store,
        Some("ca_file"),
        "{}",
        report.to_text()
    );

    // The same proxy refusing the API host: doctor's tunnel is the transport's CONNECT, so
    // it fails where a payment fails, and says so.
    // The simulator's port and path, on a host the proxy refuses.
    let port_and_path = proxied.rsplit(':').next().unwrap();
    let refused = format!("https://refused.test:{port_and_path}");
    let report = diagnose(&client(&refused), None, &[]);
    let tls = report.checks.iter().find(|c| c.name == "tls").unwrap();
    assert_eq!(tls.verdict, Verdict::Fail, "{}", report.to_text());
    assert!(
        tls.summary.contains("did not open a tunnel"),
        "{}",
        tls.summary
    );
    assert!(tls.summary.contains("403"), "{}", tls.summary);
    let payment = client(&refused).get_payment_session("tid_doctor_test", "no-such-session");
    let e = payment.expect_err("the proxy refuses the payment's tunnel too");
    assert!(e.message().contains("403"), "{}", e.message());
    std::env::remove_var("HTTPS_PROXY");
}
