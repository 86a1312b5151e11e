//! The fault matrix: every fault the simulator scripts, and the server misbehaviours it
//! does not (a black hole, a connection closed at once, bad certificates, a server gone, a
//! server that echoes the terminal id), against create, get and wait, through the Rust API
//! and through the C ABI. Each case checks the result code, the last error (message, HTTP
//! status, server code, outcome_unknown), how many requests the server saw, and that the
//! next call on the same client works. Every log line (captured at Debug), panic message,
//! error message and `Debug` output is checked for the terminal id.
//!
//! The matrix is also written as a Markdown table (RELIABILITY.md): run
//! `make reliability-table`, or `cargo test --test faults -- --nocapture`.

mod common;

use std::ffi::{CStr, CString};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use authsignal_terminal::ffi::as_result;
use authsignal_terminal::ffi::client::{
    as_client_create_payment_session_minor, as_client_get_payment_session,
    as_client_wait_payment_session,
};
use authsignal_terminal::ffi::payment_session::{
    as_payment_session, as_payment_session_free, as_payment_session_status_str,
};
use authsignal_terminal::{redact_terminal_id, Client, ClientOptions, PaymentSession};
use authsignal_terminal_sim::{CertKind, Config, Simulator};

use common::{
    assert_secret_kept, c_client, capture_logs, last_error, log_lines, result_name, Behaviour,
    RawServer, Timeouts, NORMAL, SECRET,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Call {
    Create,
    Get,
    Wait,
}

impl Call {
    fn name(self) -> &'static str {
        match self {
            Call::Create => "create",
            Call::Get => "get",
            Call::Wait => "wait",
        }
    }
}

/// Where a case's requests go.
#[derive(Clone, Copy, Debug)]
enum Server {
    /// The shared HTTPS simulator, faults scripted by directives.
    Sim,
    /// A simulator of its own with this certificate; `trusted`: its CA is given.
    Cert(CertKind, bool),
    /// A plain-HTTP simulator reached through an https:// URL.
    HttpBehindHttps,
    /// A raw loopback server; `tls`: reached through https://.
    Raw(Behaviour, bool),
    /// Nothing listens (the server is gone).
    Closed,
}

/// What a call gave: the same fields whether it went through Rust or the C ABI.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Seen {
    result: String,
    http: i32,
    code: Option<String>,
    unknown: bool,
    /// Requests (or connections, for raw servers) the server saw for this call, "≥N"
    /// where timing decides the exact number.
    requests: String,
    /// What the next call on the same client gave.
    next: String,
}

struct Case {
    scenario: String,
    server: Server,
    directives: String,
    call: Call,
    timeouts: Timeouts,
    wait_ms: u32,
    expect: Seen,
}

/// A short request timeout; the connect timeout stays long, so a slow machine never turns
/// the request timeout into a connect timeout.
const SHORT: Timeouts = Timeouts {
    connect_ms: 3000,
    request_ms: 400,
};
/// A short connect timeout (TCP and TLS handshake), for the black hole that never
/// completes TLS.
const SHORT_CONNECT: Timeouts = Timeouts {
    connect_ms: 300,
    request_ms: 4000,
};

fn expect(result: &str, http: i32, code: Option<&str>, unknown: bool, requests: &str) -> Seen {
    Seen {
        result: result.to_string(),
        http,
        code: code.map(str::to_string),
        unknown,
        requests: requests.to_string(),
        next: "AS_RESULT_OK".to_string(),
    }
}

fn ok(status: &str, requests: &str) -> Seen {
    expect(&format!("OK {status}"), 0, None, false, requests)
}

fn sim_case(scenario: &str, directives: &str, call: Call, expect: Seen) -> Case {
    Case {
        scenario: scenario.to_string(),
        server: Server::Sim,
        directives: directives.to_string(),
        call,
        timeouts: NORMAL,
        wait_ms: 10_000,
        expect,
    }
}

fn other_case(scenario: &str, server: Server, call: Call, t: Timeouts, mut e: Seen) -> Case {
    // Against a broken server the next call fails the same way: nothing crashes, nothing
    // sticks.
    if !matches!(server, Server::Sim) {
        e.next = e.result.clone();
    }
    Case {
        scenario: scenario.to_string(),
        server,
        directives: String::new(),
        call,
        timeouts: t,
        wait_ms: 10_000,
        expect: e,
    }
}

const SERVER_ERROR: &str = "AS_RESULT_SERVER_ERROR";
const PROTOCOL: &str = "AS_RESULT_PROTOCOL";
const NETWORK: &str = "AS_RESULT_NETWORK";
const TIMEOUT: &str = "AS_RESULT_TIMEOUT";
const TLS: &str = "AS_RESULT_TLS";
const RATE_LIMITED: &str = "AS_RESULT_RATE_LIMITED";

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let codes = [
        (500, "internal_error"),
        (502, "bad_gateway"),
        (503, "service_unavailable"),
        (504, "gateway_timeout"),
    ];
    let bad_bodies = [
        "malformed",
        "truncated",
        "missing-challenge-id",
        "missing-status",
    ];

    // --- create: never sent twice once it may have reached the server.
    use Call::*;
    cases.push(sim_case(
        "429, no Retry-After",
        "+fault=429",
        Create,
        expect(RATE_LIMITED, 429, Some("too_many_requests"), false, "1"),
    ));
    cases.push(sim_case(
        "429, Retry-After: 1",
        "+fault=429+retry-after=1",
        Create,
        expect(RATE_LIMITED, 429, Some("too_many_requests"), false, "1"),
    ));
    for (status, code) in codes {
        for body in ["json", "html", "empty"] {
            let code = (body == "json").then_some(code);
            cases.push(sim_case(
                &format!("{status}, {body} body"),
                &format!("+fault={status}+body={body}"),
                Create,
                expect(SERVER_ERROR, status, code, true, "1"),
            ));
        }
    }
    for fault in bad_bodies {
        cases.push(sim_case(
            &format!("200, {fault} body"),
            &format!("+fault={fault}"),
            Create,
            expect(PROTOCOL, 200, None, true, "1"),
        ));
    }
    cases.push(sim_case(
        "200, unknown status REFUNDED",
        "+fault=unknown-status",
        Create,
        ok("REFUNDED", "1"),
    ));
    cases.push(sim_case(
        "200, 100 KiB body",
        "+fault=oversized",
        Create,
        expect(PROTOCOL, 0, None, true, "1"),
    ));
    cases.push(sim_case(
        "connection closed after the request arrived",
        "+fault=drop",
        Create,
        expect(NETWORK, 0, None, true, "1"),
    ));
    cases.push(sim_case(
        "connection closed mid-answer",
        "+fault=drop-mid",
        Create,
        expect(NETWORK, 0, None, true, "1"),
    ));
    cases.push(sim_case(
        "307 redirect (the server read the create)",
        "+fault=redirect",
        Create,
        expect(PROTOCOL, 307, None, true, "1"),
    ));
    let mut slow = sim_case(
        "answer slower than the request timeout (400 ms)",
        "+delay=1500",
        Create,
        expect(TIMEOUT, 0, None, true, "1"),
    );
    slow.timeouts = SHORT;
    cases.push(slow);

    // --- get and wait: retried on 429, 502, 503, 504 (at most 3 requests).
    for call in [Get, Wait] {
        cases.push(sim_case(
            "429, no Retry-After",
            "+fault=429+on=get",
            call,
            expect(RATE_LIMITED, 429, Some("too_many_requests"), false, "3"),
        ));
        cases.push(sim_case(
            "429 once, Retry-After: 1",
            "+fault=429+on=get+times=1+retry-after=1+polls=0",
            call,
            ok("COMPLETED", "2"),
        ));
        cases.push(sim_case(
            "429, Retry-After: 3600 (over the 5 s cap)",
            "+fault=429+on=get+retry-after=3600",
            call,
            expect(RATE_LIMITED, 429, Some("too_many_requests"), false, "1"),
        ));
        for (status, code) in codes {
            let tries = if status == 500 { "1" } else { "3" };
            for body in ["json", "html", "empty"] {
                let code = (body == "json").then_some(code);
                cases.push(sim_case(
                    &format!("{status}, {body} body"),
                    &format!("+fault={status}+on=get+body={body}"),
                    call,
                    expect(SERVER_ERROR, status, code, false, tries),
                ));
            }
        }
        cases.push(sim_case(
            "503 once, then the session",
            "+fault=503+on=get+times=1",
            call,
            if call == Get {
                ok("PENDING", "2")
            } else {
                ok("COMPLETED", "4")
            },
        ));
        for fault in bad_bodies {
            cases.push(sim_case(
                &format!("200, {fault} body"),
                &format!("+fault={fault}+on=get"),
                call,
                expect(PROTOCOL, 200, None, false, "1"),
            ));
        }
        cases.push(sim_case(
            "200, unknown status REFUNDED",
            "+fault=unknown-status+on=get",
            call,
            ok("REFUNDED", "1"),
        ));
        cases.push(sim_case(
            "200, 100 KiB body",
            "+fault=oversized+on=get",
            call,
            expect(PROTOCOL, 0, None, false, "1"),
        ));
        // A read is always safe to send again: tried three times.
        cases.push(sim_case(
            "connection closed after the request arrived",
            "+fault=drop+on=get",
            call,
            expect(NETWORK, 0, None, false, "3"),
        ));
        cases.push(sim_case(
            "connection closed mid-answer",
            "+fault=drop-mid+on=get",
            call,
            expect(NETWORK, 0, None, false, "3"),
        ));
        cases.push(sim_case(
            "307 redirect",
            "+fault=redirect+on=get",
            call,
            expect(PROTOCOL, 307, None, false, "1"),
        ));
        let mut slow = sim_case(
            "answer slower than the request timeout (400 ms)",
            "+delay=1500",
            call,
            expect(TIMEOUT, 0, None, false, "1"),
        );
        slow.timeouts = SHORT;
        cases.push(slow);
    }
    let mut deadline = sim_case(
        "answer slower than the wait's timeout (300 ms)",
        "+delay=1500",
        Wait,
        expect(TIMEOUT, 0, None, false, "1"),
    );
    deadline.wait_ms = 300;
    cases.push(deadline);
    let mut pending = sim_case(
        "session stays PENDING past the wait's timeout (350 ms)",
        "+outcome=PENDING",
        Wait,
        expect("AS_RESULT_STILL_PENDING", 0, None, false, "≥2"),
    );
    pending.wait_ms = 350;
    cases.push(pending);

    // --- servers that are not the simulator's normal self.
    for call in [Create, Get, Wait] {
        let create = call == Create;
        cases.push(other_case(
            "server gone (connection refused)",
            Server::Closed,
            call,
            NORMAL,
            expect(NETWORK, 0, None, false, "0"),
        ));
        cases.push(other_case(
            "black hole: TLS never completes (connect timeout 300 ms)",
            Server::Raw(Behaviour::Tarpit, true),
            call,
            SHORT_CONNECT,
            expect(TIMEOUT, 0, None, false, "3"),
        ));
        cases.push(other_case(
            "black hole: plain HTTP, no answer (request timeout 400 ms)",
            Server::Raw(Behaviour::Tarpit, false),
            call,
            SHORT,
            expect(TIMEOUT, 0, None, create, "1"),
        ));
        cases.push(other_case(
            "connection closed before the request (plain HTTP)",
            Server::Raw(Behaviour::AcceptClose, false),
            call,
            NORMAL,
            // The request was written (into the socket) before the close was seen: a
            // create's outcome is unknown and it is not sent again; a read is.
            expect(NETWORK, 0, None, create, if create { "1" } else { "3" }),
        ));
        // The TLS handshake failed, so no byte of the request was written: certainly
        // not created, and tried again like a refused connect.
        cases.push(other_case(
            "connection closed before the request (during TLS handshake)",
            Server::Raw(Behaviour::AcceptClose, true),
            call,
            NORMAL,
            expect(NETWORK, 0, None, false, "3"),
        ));
        cases.push(other_case(
            "TLS: certificate from an untrusted CA",
            Server::Cert(CertKind::Valid, false),
            call,
            NORMAL,
            expect(TLS, 0, None, false, "0"),
        ));
        cases.push(other_case(
            "TLS: expired certificate",
            Server::Cert(CertKind::Expired, true),
            call,
            NORMAL,
            expect(TLS, 0, None, false, "0"),
        ));
        cases.push(other_case(
            "TLS: certificate for another host name",
            Server::Cert(CertKind::WrongHost, true),
            call,
            NORMAL,
            expect(TLS, 0, None, false, "0"),
        ));
        cases.push(other_case(
            "TLS: server speaks plain HTTP",
            Server::HttpBehindHttps,
            call,
            NORMAL,
            expect(TLS, 0, None, false, "0"),
        ));
        let mut echo = expect("AS_RESULT_INVALID_REQUEST", 400, None, false, "1");
        echo.code = Some("no_terminal_…LAST4".to_string());
        cases.push(other_case(
            "400 whose error body repeats the terminal id",
            Server::Raw(Behaviour::EchoTerminalId, false),
            call,
            NORMAL,
            echo,
        ));
    }
    cases
}

/// A terminal id: the secret, the case number, then the directives.
fn tid(n: usize, directives: &str) -> String {
    format!("{SECRET}_{n:03}{directives}")
}

/// Sets up one case's server and clients, runs its call through Rust (`c == false`) or
/// the C ABI, then the next call on the same client.
fn run(case: &Case, n: usize, sim: &Simulator, c: bool) -> Seen {
    match case.server {
        Server::Sim => finish(case, n, c, sim.base_url(), sim.ca_file(), Counter::Sim(sim)),
        Server::Cert(kind, trusted) => {
            let own = Simulator::start(Config {
                cert: kind,
                ..Config::default()
            })
            .unwrap();
            let ca = own.ca_file().filter(|_| trusted);
            finish(case, n, c, own.base_url(), ca, Counter::Sim(&own))
        }
        Server::HttpBehindHttps => {
            let own = Simulator::start(Config {
                tls: false,
                ..Config::default()
            })
            .unwrap();
            let url = own.base_url().replacen("http://", "https://", 1);
            finish(case, n, c, &url, None, Counter::Sim(&own))
        }
        Server::Raw(behaviour, tls) => {
            let raw = RawServer::start(behaviour);
            let url = if tls { raw.https_url() } else { raw.http_url() };
            finish(case, n, c, &url, None, Counter::Raw(&raw))
        }
        Server::Closed => {
            let url = format!("http://127.0.0.1:{}/v1", common::closed_port());
            finish(case, n, c, &url, None, Counter::None)
        }
    }
}

enum Counter<'a> {
    Sim(&'a Simulator),
    Raw(&'a RawServer),
    None,
}

fn finish(
    case: &Case,
    n: usize,
    c: bool,
    base_url: &str,
    ca: Option<&std::path::Path>,
    counter: Counter<'_>,
) -> Seen {
    let id = tid(n, &case.directives);
    // Sessions to read are made first by a separate, patient client.
    let mut challenge = "no-such-session".to_string();
    if case.call != Call::Create && matches!(case.server, Server::Sim) {
        let setup = rust_client(base_url, ca, NORMAL);
        challenge = setup
            .create_payment_session_minor(&id, 500, "USD", Some("setup"))
            .expect("the setup create works")
            .challenge_id()
            .to_string();
    }
    let before = requests_seen(&counter, &id, case.call);
    let count = |counter: &Counter<'_>| requests_seen(counter, &id, case.call) - before;
    let (mut seen, count) = if c {
        let client = c_client(base_url, ca, case.timeouts);
        let mut seen = call_c(&client, case, &id, &challenge);
        let count = count(&counter);
        seen.next = next_c(&client, n);
        (seen, count)
    } else {
        let client = rust_client(base_url, ca, case.timeouts);
        let mut seen = call_rust(&client, case, &id, &challenge);
        let count = count(&counter);
        seen.next = match client.create_payment_session_minor(&tid(n, "_next"), 100, "EUR", None) {
            Ok(_) => "AS_RESULT_OK".to_string(),
            Err(e) => result_name(e.kind().code()),
        };
        assert!(!format!("{client:?}").contains(SECRET));
        (seen, count)
    };
    // A server that repeats the id gets it back redacted: "…" and its last 4 characters.
    let redacted = redact_terminal_id(&id);
    if let Some(code) = &mut seen.code {
        *code = code.replace(&redacted, "…LAST4");
    }
    seen.requests = if case.expect.requests.starts_with('≥') && count >= 2 {
        "≥2".to_string()
    } else {
        count.to_string()
    };
    seen
}

fn requests_seen(counter: &Counter<'_>, id: &str, call: Call) -> u64 {
    match counter {
        Counter::Sim(sim) => {
            let t = sim.terminal_stats(id);
            if call == Call::Create {
                t.creates
            } else {
                t.gets
            }
        }
        Counter::Raw(raw) => raw.accepted(),
        Counter::None => 0,
    }
}

fn rust_client(base_url: &str, ca: Option<&std::path::Path>, t: Timeouts) -> Client {
    let mut options = ClientOptions::new();
    options.set_base_url(base_url).unwrap();
    if let Some(ca) = ca {
        options.set_ca_file(ca).unwrap();
    }
    options
        .set_connect_timeout(Duration::from_millis(t.connect_ms.into()))
        .unwrap();
    options
        .set_request_timeout(Duration::from_millis(t.request_ms.into()))
        .unwrap();
    options
        .set_poll_interval(Duration::from_millis(100))
        .unwrap();
    assert!(!format!("{options:?}").contains(SECRET));
    Client::new(&options).expect("the client builds")
}

fn call_rust(client: &Client, case: &Case, id: &str, challenge: &str) -> Seen {
    let result: Result<PaymentSession, authsignal_terminal::Error> = match case.call {
        Call::Create => client.create_payment_session_minor(id, 500, "USD", Some("order-1")),
        Call::Get => client.get_payment_session(id, challenge),
        Call::Wait => client.wait_payment_session(
            id,
            challenge,
            Duration::from_millis(case.wait_ms.into()),
            None,
        ),
    };
    match result {
        Ok(session) => {
            assert!(!format!("{session:?}").contains(SECRET));
            blank(format!("OK {}", session.status_raw()))
        }
        Err(e) => {
            let text = format!("{e} {e:?}");
            assert!(
                !text.contains(SECRET),
                "{}: the error shows the id",
                case.scenario
            );
            assert!(!e.message().is_empty());
            check_message(case, e.message(), e.outcome_unknown());
            Seen {
                result: result_name(e.kind().code()),
                http: e.http_status().map_or(0, i32::from),
                code: e.server_code().map(str::to_string),
                unknown: e.outcome_unknown(),
                requests: String::new(),
                next: String::new(),
            }
        }
    }
}

fn blank(result: String) -> Seen {
    Seen {
        result,
        http: 0,
        code: None,
        unknown: false,
        requests: String::new(),
        next: String::new(),
    }
}

fn check_message(case: &Case, message: &str, unknown: bool) {
    if unknown {
        assert!(
            message.contains("check the terminal"),
            "{}: an unknown outcome is explained",
            case.scenario
        );
    }
    if case.expect.result == TLS {
        assert!(
            message.contains("a CA file") && message.contains("system trust store"),
            "{}: a TLS failure names the way out",
            case.scenario
        );
    }
}

fn call_c(client: &common::CClient, case: &Case, id: &str, challenge: &str) -> Seen {
    let id = CString::new(id).unwrap();
    let challenge = CString::new(challenge).unwrap();
    // A dangling value: the library must overwrite it with NULL on failure.
    let mut out: *mut as_payment_session = std::ptr::NonNull::dangling().as_ptr();
    let r = match case.call {
        Call::Create => unsafe {
            as_client_create_payment_session_minor(
                client.0,
                id.as_ptr(),
                500,
                c"USD".as_ptr(),
                c"order-1".as_ptr(),
                &mut out,
            )
        },
        Call::Get => unsafe {
            as_client_get_payment_session(client.0, id.as_ptr(), challenge.as_ptr(), &mut out)
        },
        Call::Wait => unsafe {
            as_client_wait_payment_session(
                client.0,
                id.as_ptr(),
                challenge.as_ptr(),
                case.wait_ms,
                std::ptr::null(),
                &mut out,
            )
        },
    };
    let last = last_error();
    if r == as_result::Ok {
        assert!(!out.is_null());
        assert_eq!(last.message, "", "success clears the last error");
        // SAFETY: a live session; its status string lives until it is freed.
        let status = unsafe { CStr::from_ptr(as_payment_session_status_str(out)) }
            .to_string_lossy()
            .into_owned();
        unsafe { as_payment_session_free(out) };
        return blank(format!("OK {status}"));
    }
    assert!(out.is_null(), "{}: out is NULL on failure", case.scenario);
    assert!(!last.message.is_empty());
    assert!(!last.message.contains(SECRET));
    assert!(!last.server_code.as_deref().unwrap_or("").contains(SECRET));
    check_message(case, &last.message, last.outcome_unknown);
    Seen {
        result: result_name(r as u32),
        http: last.http_status,
        code: last.server_code,
        unknown: last.outcome_unknown,
        requests: String::new(),
        next: String::new(),
    }
}

fn next_c(client: &common::CClient, n: usize) -> String {
    let id = CString::new(tid(n, "_next")).unwrap();
    let mut out = std::ptr::null_mut();
    let r = unsafe {
        as_client_create_payment_session_minor(
            client.0,
            id.as_ptr(),
            100,
            c"EUR".as_ptr(),
            std::ptr::null(),
            &mut out,
        )
    };
    unsafe { as_payment_session_free(out) };
    result_name(r as u32)
}

fn cell(s: &Seen) -> String {
    format!(
        "{} · http {} · code {} · unknown {} · {} req · next {}",
        s.result.trim_start_matches("AS_RESULT_"),
        s.http,
        s.code.as_deref().unwrap_or("–"),
        s.unknown,
        s.requests,
        s.next.trim_start_matches("AS_RESULT_")
    )
}

#[test]
fn the_fault_matrix() {
    capture_logs();
    let sim = Simulator::start(Config::default()).unwrap();
    let cases = cases();
    let next = AtomicUsize::new(0);
    // (case, path) -> observed, filled by 6 workers; slow cases overlap.
    let results: std::sync::Mutex<Vec<Option<(Seen, Seen)>>> =
        std::sync::Mutex::new(vec![None; cases.len()]);
    std::thread::scope(|scope| {
        for _ in 0..6 {
            scope.spawn(|| loop {
                let n = next.fetch_add(1, Ordering::SeqCst);
                let Some(case) = cases.get(n) else { return };
                let rust = run(case, n * 2, &sim, false);
                let c = run(case, n * 2 + 1, &sim, true);
                common::lock(&results)[n] = Some((rust, c));
            });
        }
    });
    let results = results.into_inner().unwrap();

    let mut table = String::from(
        "| # | call | fault | expected | observed (Rust API) | observed (C ABI) |\n|---|---|---|---|---|---|\n",
    );
    let mut failures = Vec::new();
    for (n, (case, result)) in cases.iter().zip(results).enumerate() {
        let (rust, c) = result.expect("every case ran");
        let verdict = |seen: &Seen| {
            if *seen == case.expect {
                format!("✅ {}", cell(seen))
            } else {
                format!("❌ {}", cell(seen))
            }
        };
        table.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            n + 1,
            case.call.name(),
            case.scenario,
            cell(&case.expect),
            verdict(&rust),
            verdict(&c)
        ));
        for (path, seen) in [("Rust", &rust), ("C", &c)] {
            if *seen != case.expect {
                failures.push(format!(
                    "#{} {} / {} via {path}: expected {}, got {}",
                    n + 1,
                    case.call.name(),
                    case.scenario,
                    cell(&case.expect),
                    cell(seen)
                ));
            }
        }
    }
    common::write_table("faults.md", &table);
    assert_secret_kept();
    assert!(
        failures.is_empty(),
        "{} of {} checks differ:\n{}",
        failures.len(),
        cases.len() * 2,
        failures.join("\n")
    );
}

/// A load balancer closes kept-alive connections that sit idle; the next call must open a
/// new one without failing and without sending a create twice.
#[test]
fn a_connection_the_server_closed_while_idle_is_not_used_again() {
    capture_logs();
    let sim = Simulator::start(Config {
        idle_close: Some(Duration::from_millis(150)),
        ..Config::default()
    })
    .unwrap();
    for c in [false, true] {
        let id = tid(900 + usize::from(c), "");
        let before = sim.stats();
        for round in 0..6 {
            if c {
                let client = c_client(sim.base_url(), sim.ca_file(), NORMAL);
                for _ in 0..2 {
                    let cid = CString::new(id.clone()).unwrap();
                    let mut out = std::ptr::null_mut();
                    let r = unsafe {
                        as_client_create_payment_session_minor(
                            client.0,
                            cid.as_ptr(),
                            100,
                            c"USD".as_ptr(),
                            std::ptr::null(),
                            &mut out,
                        )
                    };
                    assert_eq!(r, as_result::Ok, "round {round}: {}", last_error().message);
                    unsafe { as_payment_session_free(out) };
                    // Longer than the server's idle limit: it closes the connection.
                    std::thread::sleep(Duration::from_millis(400));
                }
            } else {
                let client = rust_client(sim.base_url(), sim.ca_file(), NORMAL);
                for _ in 0..2 {
                    let s = client
                        .create_payment_session_minor(&id, 100, "USD", None)
                        .unwrap_or_else(|e| panic!("round {round}: {}", e.message()));
                    std::thread::sleep(Duration::from_millis(400));
                    client.get_payment_session(&id, s.challenge_id()).unwrap();
                    std::thread::sleep(Duration::from_millis(400));
                }
            }
        }
        let t = sim.terminal_stats(&id);
        assert_eq!(t.creates, 12, "every create was sent exactly once");
        let after = sim.stats();
        eprintln!(
            "idle-close ({}): {} requests on {} connections",
            if c { "C ABI" } else { "Rust" },
            after.requests - before.requests,
            after.connections - before.connections
        );
        assert!(
            after.connections - before.connections >= 12,
            "the closed connections were replaced, not reused"
        );
    }
    assert_secret_kept();
}

/// The server restarts (every kept-alive connection dies) between two calls on one client:
/// the next create opens a new connection and is sent once.
#[test]
fn a_server_restart_between_calls_is_survived() {
    capture_logs();
    let config = Config {
        tls: false,
        ..Config::default()
    };
    let first = Simulator::start(config.clone()).unwrap();
    let port: u16 = first
        .base_url()
        .rsplit(':')
        .next()
        .and_then(|p| p.trim_end_matches("/v1").parse().ok())
        .unwrap();
    let client = rust_client(first.base_url(), None, NORMAL);
    let id = tid(950, "");
    client
        .create_payment_session_minor(&id, 100, "USD", None)
        .unwrap();
    let url = first.base_url().to_string();
    first.stop();

    // Gone: refused, certainly nothing created.
    let e = client
        .create_payment_session_minor(&id, 100, "USD", None)
        .unwrap_err();
    assert_eq!(result_name(e.kind().code()), NETWORK, "{}", e.message());
    assert!(!e.outcome_unknown());

    // Back on the same port.
    let second = Simulator::start(Config { port, ..config }).unwrap();
    assert_eq!(second.base_url(), url);
    client
        .create_payment_session_minor(&id, 100, "USD", None)
        .expect("the next create works");
    assert_eq!(second.terminal_stats(&id).creates, 1);
    assert_secret_kept();
}

/// The diagnostics the library logs for a retried read: the request as sent, each answer's
/// status with its timing, the retries, and the final failure; never the id or a body.
#[test]
fn log_lines_tell_requests_statuses_retries_and_timings() {
    capture_logs();
    let sim = Simulator::start(Config::default()).unwrap();
    let client = rust_client(sim.base_url(), sim.ca_file(), NORMAL);
    let id = tid(960, "+fault=503+on=get");
    let s = client
        .create_payment_session_minor(&id, 100, "USD", Some("order-log"))
        .unwrap();
    let challenge = s.challenge_id().to_string();
    client.get_payment_session(&id, &challenge).unwrap_err();
    let mine: Vec<(authsignal_terminal::LogLevel, String)> = log_lines()
        .into_iter()
        .filter(|(_, l)| l.contains(&challenge) || l.contains("POST"))
        .collect();
    let has = |level: authsignal_terminal::LogLevel, needle: &str| {
        mine.iter()
            .any(|(l, line)| *l == level && line.contains(needle))
    };
    use authsignal_terminal::LogLevel::*;
    assert!(has(Debug, "sending"), "the request as sent");
    assert!(has(Info, "HTTP 200 in "), "the create's status and timing");
    assert!(has(Info, "HTTP 503 in "), "the read's status and timing");
    assert!(has(Warn, "retrying in "), "the retries");
    assert!(
        has(Error, "giving up after 3 attempts"),
        "the final failure"
    );
    for (_, line) in &mine {
        assert!(!line.contains(SECRET));
        assert!(!line.contains("order-log"), "no request body in a log line");
        assert!(!line.contains("errorDescription"), "no answer body");
    }
    assert_secret_kept();
}
