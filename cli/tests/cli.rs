//! The real `authsignal-terminal` binary against the simulator and against servers that
//! misbehave on loopback: every exit code, the JSON shape, each `doctor` check's verdict,
//! and the terminal id never printed, never sent as a create by `doctor`.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use authsignal_terminal_sim::{CertKind, Config, ConnectProxy, Simulator};
use serde_json::Value;

/// Every terminal id in these tests starts with this; no output may contain it.
const SECRET: &str = "tid_cli_s3cr3t_value";

/// What a run of the binary gave.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is one JSON object ({e}): {}", self.stdout))
    }
}

/// The environment variables a run must not inherit from the machine.
const CLEARED: &[&str] = &[
    "AUTHSIGNAL_TERMINAL_ID",
    "AUTHSIGNAL_TERMINAL_BASE_URL",
    "AUTHSIGNAL_TERMINAL_REGION",
    "AUTHSIGNAL_TERMINAL_CA_FILE",
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

fn command(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_authsignal-terminal"));
    cmd.args(args);
    for name in CLEARED {
        cmd.env_remove(name);
    }
    for (name, value) in env {
        cmd.env(name, value);
    }
    cmd.stdin(Stdio::null());
    cmd
}

fn finish(args: &[&str], out: Output) -> Run {
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !run.stdout.contains(SECRET) && !run.stderr.contains(SECRET),
        "the terminal id was printed by {args:?}:\n{}\n{}",
        run.stdout,
        run.stderr
    );
    assert!(
        !run.stdout.contains('\x1b') && !run.stderr.contains('\x1b') && !run.stderr.contains('\r'),
        "no colour or progress line when the output is not a terminal: {args:?}"
    );
    run
}

fn cli(args: &[&str], env: &[(&str, &str)]) -> Run {
    let out = command(args, env).output().unwrap();
    finish(args, out)
}

/// The simulator's base URL and CA file as options.
fn sim_args(sim: &Simulator) -> Vec<String> {
    vec![
        "--base-url".into(),
        sim.base_url().to_string(),
        "--ca-file".into(),
        sim.ca_file().unwrap().display().to_string(),
    ]
}

fn with<'a>(base: &'a [String], more: &[&'a str]) -> Vec<&'a str> {
    base.iter()
        .map(String::as_str)
        .chain(more.iter().copied())
        .collect()
}

fn id(directives: &str) -> String {
    format!("{SECRET}_0001{directives}")
}

fn sim() -> Simulator {
    Simulator::start(Config {
        polls: 1,
        ..Config::default()
    })
    .unwrap()
}

fn check<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["diagnosis"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("a {name} check in {report}"))
}

fn verdicts(report: &Value) -> Vec<(String, String)> {
    report["diagnosis"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn names(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn version_and_help() {
    let run = cli(&["--version"], &[]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stdout.trim(),
        format!("authsignal-terminal {}", authsignal_terminal::VERSION)
    );
    assert_eq!(
        env!("CARGO_PKG_VERSION"),
        authsignal_terminal::VERSION,
        "cli/Cargo.toml's version agrees with the library's"
    );
    let help = cli(&["--help"], &[]);
    assert_eq!(help.code, 0);
    for text in [
        "AUTHSIGNAL_TERMINAL_ID",
        "--terminal-id-file",
        "Exit codes",
        "130",
        "doctor",
    ] {
        assert!(help.stdout.contains(text), "--help mentions {text}");
    }
    assert!(
        !help.stdout.contains("--terminal-id "),
        "no --terminal-id in help"
    );
    let pay_help = cli(&["pay", "--help"], &[]);
    assert!(pay_help.stdout.contains("--minor") && pay_help.stdout.contains("Exit codes"));
}

#[test]
fn pay_ends_with_the_payments_exit_code() {
    let sim = sim();
    let base = sim_args(&sim);
    let cases: [(&str, &[&str], i32, &str); 6] = [
        (
            "",
            &["--amount", "12.50", "--currency", "USD"],
            0,
            "COMPLETED",
        ),
        (
            "+outcome=FAILED",
            &["--minor", "1000", "--currency", "JPY"],
            1,
            "FAILED",
        ),
        (
            "+outcome=EXPIRED",
            &["--amount", "1.234", "--currency", "BHD"],
            3,
            "EXPIRED",
        ),
        (
            "+outcome=PENDING",
            &["--minor", "5", "--currency", "USD", "--wait", "1500ms"],
            4,
            "PENDING",
        ),
        (
            "+outcome=REFUNDED",
            &["--minor", "5", "--currency", "USD"],
            5,
            "REFUNDED",
        ),
        (
            "",
            &["--minor", "5", "--currency", "USD", "--no-wait"],
            4,
            "PENDING",
        ),
    ];
    for (directives, pay, code, status) in cases {
        let tid = id(directives);
        let args = with(&base, &[&["pay"][..], pay].concat());
        let run = cli(&args, &[("AUTHSIGNAL_TERMINAL_ID", &tid)]);
        assert_eq!(run.code, code, "{args:?}: {}{}", run.stdout, run.stderr);
        assert!(run.stdout.contains(status), "{}", run.stdout);
        assert!(run.stderr.contains("Payment started"), "{}", run.stderr);
    }
}

#[test]
fn pay_json_has_the_documented_fields() {
    let sim = sim();
    let base = sim_args(&sim);
    let tid = id("");
    let run = cli(
        &with(
            &base,
            &[
                "pay",
                "--amount",
                "12.50",
                "--currency",
                "usd",
                "--reference",
                "order-7",
                "--json",
            ],
        ),
        &[("AUTHSIGNAL_TERMINAL_ID", &tid)],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = vec![
        "amount",
        "challenge_id",
        "command",
        "currency",
        "error",
        "exit_code",
        "journal_error",
        "outcome",
        "reference",
        "status",
    ];
    expected.sort();
    assert_eq!(keys, expected);
    assert_eq!(json["command"], "pay");
    assert_eq!(json["exit_code"], 0);
    assert_eq!(json["outcome"], "COMPLETED");
    assert_eq!(json["status"], "COMPLETED");
    assert_eq!(json["reference"], "order-7");
    assert_eq!(json["amount"], "12.50");
    assert_eq!(json["currency"], "USD");
    assert!(json["error"].is_null());
    assert!(json["journal_error"].is_null());
    assert!(
        run.stderr.is_empty(),
        "--json prints nothing else: {}",
        run.stderr
    );

    // The challenge id it printed reads back with get and wait.
    let challenge = json["challenge_id"].as_str().unwrap().to_string();
    for command in [
        &["get", &challenge][..],
        &["wait", &challenge, "--timeout", "5s"],
    ] {
        let run = cli(
            &with(&base, &[command, &["--json"]].concat()),
            &[("AUTHSIGNAL_TERMINAL_ID", &tid)],
        );
        assert_eq!(run.code, 0, "{}", run.stdout);
        assert_eq!(run.json()["status"], "COMPLETED");
        assert_eq!(run.json()["challenge_id"], challenge.as_str());
    }

    // An error fills "error" the way the C ABI names it.
    let unpaired = format!("unpaired_{SECRET}");
    let run = cli(
        &with(
            &base,
            &["pay", "--minor", "100", "--currency", "USD", "--json"],
        ),
        &[("AUTHSIGNAL_TERMINAL_ID", &unpaired)],
    );
    assert_eq!(run.code, 6);
    let json = run.json();
    assert_eq!(json["outcome"], "UNAUTHORIZED");
    assert_eq!(json["error"]["result"], "AS_RESULT_UNAUTHORIZED");
    assert_eq!(json["error"]["http_status"], 401);
    assert_eq!(json["error"]["server_code"], "unauthorized");
    assert_eq!(json["error"]["outcome_unknown"], false);
    assert!(json["challenge_id"].is_null());
}

#[test]
fn errors_have_their_exit_codes() {
    let sim = sim();
    let base = sim_args(&sim);
    let pay = |directives: &str, extra: &[&str]| {
        let tid = id(directives);
        let args = with(
            &base,
            &[&["pay", "--minor", "100", "--currency", "USD"][..], extra].concat(),
        );
        cli(&args, &[("AUTHSIGNAL_TERMINAL_ID", &tid)])
    };
    // A 503 to a create, and a dropped create: the payment may exist.
    for directives in ["+fault=503+on=create", "+fault=drop+on=create"] {
        let run = pay(directives, &["--json"]);
        assert_eq!(run.code, 5, "{directives}: {}", run.stdout);
        assert_eq!(run.json()["outcome"], "OUTCOME_UNKNOWN");
        assert_eq!(run.json()["error"]["outcome_unknown"], true);
    }
    let run = pay("+fault=503+on=create", &[]);
    assert!(
        run.stdout.contains("check it before paying again"),
        "{}",
        run.stdout
    );
    // A wait that fails after the create: the server error, and the challenge id to check.
    let run = pay("+fault=500+on=get", &["--json"]);
    assert_eq!(run.code, 8, "{}", run.stdout);
    assert!(run.json()["challenge_id"].is_string());
    // Bad input: nothing sent.
    for extra in [
        &["--currency", "XXQ"][..],
        &["--amount", "10.005"],
        &["--amount", "ten"],
        &["--minor", "-5"],
    ] {
        let tid = id("");
        let mut args = with(&base, &["pay", "--currency", "USD"]);
        args.extend_from_slice(extra);
        if !extra.contains(&"--amount") && !extra.contains(&"--minor") {
            args.extend_from_slice(&["--minor", "100"]);
        }
        let run = cli(&args, &[("AUTHSIGNAL_TERMINAL_ID", &tid)]);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
    }
    assert_eq!(
        sim.terminal_stats(&id("")).creates,
        0,
        "bad input sent nothing"
    );
    // Unknown challenge id: 404, a server answer.
    let tid = id("");
    let run = cli(
        &with(&base, &["get", "no-such-session"]),
        &[("AUTHSIGNAL_TERMINAL_ID", &tid)],
    );
    assert_eq!(run.code, 8, "{}", run.stdout);
    // Usage errors.
    assert_eq!(
        cli(&with(&base, &["pay", "--currency", "USD"]), &[]).code,
        2
    );
    assert_eq!(cli(&["frobnicate"], &[]).code, 2);
    let run = cli(&with(&base, &["get", "abc"]), &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("AUTHSIGNAL_TERMINAL_ID"),
        "{}",
        run.stderr
    );
    assert_eq!(
        cli(
            &["get", "abc", "--connect-timeout", "5"],
            &[("AUTHSIGNAL_TERMINAL_ID", &tid)]
        )
        .code,
        2,
        "a duration needs a unit"
    );
    let run = cli(
        &["get", "abc", "--json", "--region", "mars"],
        &[("AUTHSIGNAL_TERMINAL_ID", &tid)],
    );
    assert_eq!(run.code, 2);
    assert_eq!(run.json()["outcome"], "USAGE");
}

#[test]
fn the_terminal_id_never_comes_from_the_command_line() {
    let sim = sim();
    let base = sim_args(&sim);
    let secret = id("");
    for flag in [
        format!("--terminal-id={secret}"),
        "--terminal-id".to_string(),
    ] {
        let mut args = with(&base, &["get", "abc"]);
        args.push(&flag);
        if flag == "--terminal-id" {
            args.push(&secret);
        }
        let run = cli(&args, &[]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains("--terminal-id-file"), "{}", run.stderr);
    }
    assert_eq!(sim.stats().requests, 0, "nothing was sent");

    // From a file (its newline dropped), which wins over the environment.
    let dir = temp_dir("id-file");
    let file = dir.join("terminal-id");
    std::fs::write(&file, format!("{}\n", id("+outcome=FAILED"))).unwrap();
    let file_arg = file.display().to_string();
    let run = cli(
        &with(
            &base,
            &[
                "pay",
                "--minor",
                "100",
                "--currency",
                "USD",
                "--terminal-id-file",
                &file_arg,
            ],
        ),
        &[("AUTHSIGNAL_TERMINAL_ID", "unpaired_other")],
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let missing = dir.join("missing").display().to_string();
    assert_eq!(
        cli(
            &with(&base, &["get", "abc", "--terminal-id-file", &missing]),
            &[]
        )
        .code,
        2
    );
    std::fs::write(&file, "\n").unwrap();
    assert_eq!(
        cli(
            &with(&base, &["get", "abc", "--terminal-id-file", &file_arg]),
            &[]
        )
        .code,
        2
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn verbose_shows_the_library_log_redacted() {
    let sim = sim();
    let base = sim_args(&sim);
    let tid = id("");
    let run = cli(
        &with(
            &base,
            &["pay", "--minor", "100", "--currency", "USD", "--verbose"],
        ),
        &[("AUTHSIGNAL_TERMINAL_ID", &tid)],
    );
    assert_eq!(run.code, 0);
    assert!(
        run.stderr.contains("POST /terminal/payment-session"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("(terminal …0001)"), "{}", run.stderr);
}

#[test]
fn network_failures_exit_7() {
    let sim = sim();
    let tid = id("");
    let env = [("AUTHSIGNAL_TERMINAL_ID", tid.as_str())];
    // A refused connect, a name that cannot resolve, a CA the server's chain is not from.
    let refused = format!("https://127.0.0.1:{}/v1", closed_port());
    let other = Simulator::start(Config::default()).unwrap();
    let wrong_ca = other.ca_file().unwrap().display().to_string();
    for args in [
        vec!["get", "abc", "--base-url", &refused],
        vec!["get", "abc", "--base-url", "https://doctor-test.invalid/v1"],
        vec![
            "get",
            "abc",
            "--base-url",
            sim.base_url(),
            "--ca-file",
            &wrong_ca,
        ],
    ] {
        let run = cli(&args, &env);
        assert_eq!(run.code, 7, "{args:?}: {}", run.stdout);
    }
    // A slow answer: the request timeout.
    let slow = id("+delay=3000");
    let run = cli(
        &with(
            &sim_args(&sim),
            &["get", "abc", "--request-timeout", "300ms", "--json"],
        ),
        &[("AUTHSIGNAL_TERMINAL_ID", &slow)],
    );
    assert_eq!(run.code, 7, "{}", run.stdout);
    assert_eq!(run.json()["error"]["result"], "AS_RESULT_TIMEOUT");
}

#[test]
fn doctor_against_the_simulator_passes_and_never_creates() {
    let sim = sim();
    let base = sim_args(&sim);
    let tid = id("");
    let run = cli(
        &with(&base, &["doctor", "--json"]),
        &[("AUTHSIGNAL_TERMINAL_ID", &tid)],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    let json = run.json();
    assert_eq!(json["command"], "doctor");
    assert_eq!(json["outcome"], "COMPLETED");
    assert_eq!(
        verdicts(&json),
        names(&[
            ("config", "ok"),
            ("proxy", "ok"),
            ("dns", "ok"),
            ("tcp", "ok"),
            ("tls", "ok"),
            ("clock", "ok"),
            ("terminal_id", "ok"),
        ])
    );
    let d = &json["diagnosis"];
    assert_eq!(d["passed"], true);
    assert_eq!(d["no_payment_started"], true);
    assert_eq!(d["config"]["base_url"], sim.base_url());
    let sources: Vec<(String, String)> = d["config"]["settings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().into(),
                s["source"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(sources.contains(&("base_url".into(), "--base-url".into())));
    assert!(sources.contains(&("ca_file".into(), "--ca-file".into())));
    assert!(sources.contains(&("connect_timeout".into(), "default".into())));
    assert_eq!(d["dns"]["addresses"][0], "127.0.0.1");
    assert!(d["tcp"]["ms"].is_u64());
    assert_eq!(d["tls"]["trust_store"], "ca_file");
    assert!(d["tls"]["protocol"].as_str().unwrap().starts_with("TLS 1."));
    assert_eq!(
        d["tls"]["chain"][0]["subject"],
        "CN=authsignal-terminal-sim"
    );
    assert_eq!(
        d["tls"]["chain"][0]["issuer"],
        "CN=authsignal-terminal-sim test CA"
    );
    assert!(d["clock"]["skew_seconds"].as_i64().unwrap().abs() <= 60);
    assert_eq!(d["terminal_id"]["accepted"], true);
    assert_eq!(d["terminal_id"]["http_status"], 404);
    assert_eq!(d["terminal_id"]["error_kind"], "NotFound");
    assert_eq!(d["terminal_id"]["redacted"], "…0001");
    let stats = sim.terminal_stats(&tid);
    assert_eq!((stats.creates, stats.gets), (0, 1), "one GET, never a POST");

    // Text output: one line per check, and it says no payment was started.
    let run = cli(
        &with(&base, &["doctor"]),
        &[("AUTHSIGNAL_TERMINAL_ID", &tid)],
    );
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout.lines().filter(|l| l.starts_with('[')).count(), 7);
    assert!(run.stdout.contains("No payment was started."));
    assert_eq!(sim.terminal_stats(&tid).creates, 0);

    // Without a terminal id, that check is skipped: the rest pass, but a skipped check
    // is not a pass (issue 24, 2): exit 12, and the text says so.
    let run = cli(&with(&base, &["doctor", "--json"]), &[]);
    assert_eq!(run.code, 12);
    assert_eq!(run.json()["outcome"], "INCOMPLETE");
    assert_eq!(check(&run.json(), "terminal_id")["verdict"], "skipped");
    let run = cli(&with(&base, &["doctor"]), &[]);
    assert_eq!(run.code, 12);
    assert!(!run.stdout.contains("No problem found"), "{}", run.stdout);
    assert!(
        run.stdout.contains("skipped: terminal_id"),
        "{}",
        run.stdout
    );
}

#[test]
fn doctor_names_a_refused_terminal_id() {
    let sim = sim();
    let tid = format!("unpaired_{SECRET}");
    let run = cli(
        &with(&sim_args(&sim), &["doctor", "--json"]),
        &[("AUTHSIGNAL_TERMINAL_ID", &tid)],
    );
    assert_eq!(run.code, 6, "{}", run.stdout);
    let json = run.json();
    let c = check(&json, "terminal_id");
    assert_eq!(c["verdict"], "fail");
    assert!(c["fix"].as_str().unwrap().contains("region"));
    assert_eq!(json["diagnosis"]["terminal_id"]["accepted"], false);
    assert_eq!(json["diagnosis"]["terminal_id"]["http_status"], 401);
    assert_eq!(
        json["diagnosis"]["terminal_id"]["error_kind"],
        "Unauthorized"
    );
    assert_eq!(sim.terminal_stats(&tid).creates, 0);

    // An id that cannot even be sent (a space inside): invalid input, exit 2.
    let malformed = format!("{SECRET} 0001");
    let run = cli(
        &with(&sim_args(&sim), &["doctor", "--json"]),
        &[("AUTHSIGNAL_TERMINAL_ID", &malformed)],
    );
    assert_eq!(run.code, 2, "{}", run.stdout);
    let json = run.json();
    assert_eq!(check(&json, "terminal_id")["verdict"], "fail");
    assert_eq!(
        json["diagnosis"]["terminal_id"]["error_kind"],
        "InvalidArgument"
    );
}

#[test]
fn doctor_finds_dns_connect_and_timeout_failures() {
    let tid = id("");
    let env = [("AUTHSIGNAL_TERMINAL_ID", tid.as_str())];
    let run = cli(
        &[
            "doctor",
            "--json",
            "--base-url",
            "https://doctor-test.invalid/v1",
        ],
        &env,
    );
    assert_eq!(run.code, 7);
    assert_eq!(
        verdicts(&run.json())[2..],
        names(&[
            ("dns", "fail"),
            ("tcp", "skipped"),
            ("tls", "skipped"),
            ("clock", "skipped"),
            ("terminal_id", "skipped"),
        ])[..]
    );
    assert!(check(&run.json(), "dns")["fix"]
        .as_str()
        .unwrap()
        .contains("DNS"));

    let refused = format!("https://127.0.0.1:{}/v1", closed_port());
    let run = cli(&["doctor", "--json", "--base-url", &refused], &env);
    assert_eq!(run.code, 7);
    assert_eq!(check(&run.json(), "dns")["verdict"], "ok");
    assert_eq!(check(&run.json(), "tcp")["verdict"], "fail");
    assert!(check(&run.json(), "tcp")["fix"]
        .as_str()
        .unwrap()
        .contains("firewall"));

    // A slow server: everything reaches it, the terminal id check times out.
    let sim = sim();
    let slow = id("+delay=3000");
    let run = cli(
        &with(
            &sim_args(&sim),
            &["doctor", "--json", "--request-timeout", "300ms"],
        ),
        &[("AUTHSIGNAL_TERMINAL_ID", &slow)],
    );
    assert_eq!(run.code, 7, "{}", run.stdout);
    let json = run.json();
    assert_eq!(check(&json, "tls")["verdict"], "ok");
    let c = check(&json, "terminal_id");
    assert_eq!(c["verdict"], "fail");
    assert!(c["fix"].as_str().unwrap().contains("slowly"), "{c}");
}

#[test]
fn doctor_explains_tls_failures_and_still_reads_the_clock() {
    let tid = id("");
    let env = [("AUTHSIGNAL_TERMINAL_ID", tid.as_str())];
    // The chain comes from a CA the client does not trust (Mozilla's roots only).
    let sim = sim();
    let run = cli(&["doctor", "--json", "--base-url", sim.base_url()], &env);
    assert_eq!(run.code, 7, "{}", run.stdout);
    let json = run.json();
    let tls = check(&json, "tls");
    assert_eq!(tls["verdict"], "fail");
    assert!(tls["summary"]
        .as_str()
        .unwrap()
        .contains("issued by CN=authsignal-terminal-sim test CA"));
    assert!(tls["fix"].as_str().unwrap().contains("--ca-file"), "{tls}");
    assert!(json["diagnosis"]["tls"]["trust_store"].is_null());
    let clock = check(&json, "clock");
    assert_eq!(clock["verdict"], "ok", "{clock}");
    assert_eq!(json["diagnosis"]["clock"]["verified_connection"], false);
    assert_eq!(check(&json, "terminal_id")["verdict"], "fail");
    assert_eq!(
        sim.terminal_stats(&tid).requests,
        0,
        "the id never went over an unverified connection"
    );

    // An expired certificate: the fix points at the clock.
    let expired = Simulator::start(Config {
        cert: CertKind::Expired,
        ..Config::default()
    })
    .unwrap();
    let run = cli(&with(&sim_args(&expired), &["doctor", "--json"]), &env);
    assert_eq!(run.code, 7);
    let tls = check(&run.json(), "tls").clone();
    assert_eq!(tls["verdict"], "fail");
    assert!(tls["fix"].as_str().unwrap().contains("clock"), "{tls}");
}

#[test]
fn doctor_compares_the_clock_with_the_servers_date() {
    let tid = id("");
    let env = [("AUTHSIGNAL_TERMINAL_ID", tid.as_str())];
    for (offset, verdict, code) in [(-2 * 86_400, "fail", 7), (600, "warn", 0)] {
        let sim = Simulator::start(Config {
            clock_offset: offset,
            ..Config::default()
        })
        .unwrap();
        let run = cli(&with(&sim_args(&sim), &["doctor", "--json"]), &env);
        assert_eq!(run.code, code, "{}", run.stdout);
        let json = run.json();
        assert_eq!(check(&json, "clock")["verdict"], verdict);
        let skew = json["diagnosis"]["clock"]["skew_seconds"].as_i64().unwrap();
        assert!(
            (skew + offset).abs() <= 5,
            "skew {skew} for a server {offset} s off"
        );
    }
}

#[test]
fn doctor_goes_through_the_proxy_from_the_environment() {
    let sim = sim();
    let proxy = ConnectProxy::start().unwrap();
    let tid = id("");
    let proxy_url = format!("http://{}", proxy.addr);
    // A loopback base URL is never proxied: go by the simulator's non-loopback name.
    let proxied = sim.proxied_base_url();
    let ca = sim.ca_file().unwrap().display().to_string();
    let run = cli(
        &["--base-url", &proxied, "--ca-file", &ca, "doctor", "--json"],
        &[
            ("AUTHSIGNAL_TERMINAL_ID", &tid),
            ("HTTPS_PROXY", &proxy_url),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    let json = run.json();
    assert_eq!(json["diagnosis"]["proxy"]["url"], proxy_url.as_str());
    assert_eq!(json["diagnosis"]["proxy"]["source"], "HTTPS_PROXY");
    // Through the tunnel, verified by the simulator's private CA on a host that is not
    // loopback: a warning (what a TLS-inspecting proxy looks like), not a failure.
    assert_eq!(check(&json, "tls")["verdict"], "warn");
    assert_eq!(check(&json, "terminal_id")["verdict"], "ok");
    let authority = proxied
        .trim_start_matches("https://")
        .trim_end_matches("/v1")
        .to_string();
    let tunnels = proxy.tunnels();
    assert!(
        tunnels.len() >= 2 && tunnels.iter().all(|t| *t == authority),
        "{tunnels:?}"
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_wait_and_says_how_to_check() {
    let sim = sim();
    let tid = id("+outcome=PENDING");
    let base = sim_args(&sim);
    let child = command(
        &with(
            &base,
            &[
                "pay",
                "--minor",
                "100",
                "--currency",
                "USD",
                "--wait",
                "2m",
                "--json",
            ],
        ),
        &[("AUTHSIGNAL_TERMINAL_ID", &tid)],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    // Interrupt once the payment exists and the wait has begun.
    for _ in 0..200 {
        if sim.terminal_stats(&tid).gets > 0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(sim.terminal_stats(&tid).gets > 0, "the wait began");
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    let run = finish(&["pay (Ctrl-C)"], out);
    assert_eq!(run.code, 130, "{}{}", run.stdout, run.stderr);
    let json = run.json();
    assert_eq!(json["outcome"], "INTERRUPTED");
    let challenge = json["challenge_id"].as_str().unwrap();
    assert!(
        run.stderr.contains("may still be prompting"),
        "{}",
        run.stderr
    );
    // The advice carries the options the tool was run with (issue 22, 2).
    let advice = format!(
        "authsignal-terminal --base-url {} --ca-file {} wait {challenge}",
        sim.base_url(),
        sim.ca_file().unwrap().display()
    );
    assert!(run.stderr.contains(&advice), "{}", run.stderr);
    assert_eq!(sim.terminal_stats(&tid).creates, 1);
}

/// On a terminal (a pseudo-terminal made by util-linux's `script`): the progress line while
/// waiting and a coloured outcome, and no colour with NO_COLOR set.
#[cfg(target_os = "linux")]
#[test]
fn a_terminal_gets_progress_and_colour_unless_no_color() {
    let sim = sim();
    let binary = env!("CARGO_BIN_EXE_authsignal-terminal");
    let line = format!(
        "{binary} --base-url {} --ca-file {} pay --minor 100 --currency USD",
        sim.base_url(),
        sim.ca_file().unwrap().display()
    );
    for no_color in [false, true] {
        let tid = id("+after=1500");
        let mut cmd = Command::new("script");
        cmd.args(["-qec", &line, "/dev/null"]);
        for name in CLEARED {
            cmd.env_remove(name);
        }
        cmd.env("AUTHSIGNAL_TERMINAL_ID", &tid)
            .env_remove("NO_COLOR");
        if no_color {
            cmd.env("NO_COLOR", "1");
        }
        let out = cmd
            .stdin(Stdio::null())
            .output()
            .expect("util-linux's script runs");
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{text}");
        assert!(!text.contains(SECRET));
        assert!(
            text.contains("\rWaiting for the customer: "),
            "progress on a terminal: {text:?}"
        );
        assert_eq!(
            text.contains("\x1b[32mCOMPLETED"),
            !no_color,
            "colour unless NO_COLOR: {text:?}"
        );
        assert_eq!(text.contains('\x1b'), !no_color, "{text:?}");
    }
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("as-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn pay_with_a_journal_never_charges_one_reference_twice() {
    let sim = sim();
    let dir = std::env::temp_dir().join(format!("cli-journal-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let journal = dir.join("pos.journal").display().to_string();
    let tid = id("");
    let mut args = sim_args(&sim);
    args.extend(["--journal".to_string(), journal.clone()]);
    let pay = |reference: &str| {
        cli(
            &with(
                &args,
                &[
                    "pay",
                    "--minor",
                    "100",
                    "--currency",
                    "USD",
                    "--reference",
                    reference,
                    "--no-wait",
                    "--json",
                ],
            ),
            &[("AUTHSIGNAL_TERMINAL_ID", &tid)],
        )
    };
    let first = pay("order-cli-1");
    assert_eq!(first.code, 4, "{}", first.stdout); // started, not waited for
    let before = sim.terminal_stats(&tid).creates;
    // The same reference again: refused before anything is sent.
    let again = pay("order-cli-1");
    assert_eq!(again.code, 10, "{}", again.stdout);
    assert_eq!(again.json()["outcome"], "DUPLICATE_REFERENCE");
    assert_eq!(sim.terminal_stats(&tid).creates, before, "no second POST");
    // Another reference goes.
    assert_eq!(pay("order-cli-2").code, 4);
    // A journal that cannot be written: exit 11, nothing sent.
    let blocked = dir.join("not-a-dir");
    std::fs::write(&blocked, b"a file").unwrap();
    let mut bad = sim_args(&sim);
    bad.extend([
        "--journal".to_string(),
        blocked.join("pos.journal").display().to_string(),
    ]);
    let run = cli(
        &with(
            &bad,
            &[
                "pay",
                "--minor",
                "100",
                "--currency",
                "USD",
                "--reference",
                "r",
                "--json",
            ],
        ),
        &[("AUTHSIGNAL_TERMINAL_ID", &tid)],
    );
    assert_eq!(run.code, 11, "{}", run.stdout);
    assert!(!run.stdout.contains(&tid) && !run.stderr.contains(&tid));
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---- Issues 22 and 24: the journal and the tool at their edges ----

/// Runs the binary with arguments that need not be UTF-8.
#[cfg(unix)]
fn cli_os(args: &[std::ffi::OsString], env: &[(&str, &str)]) -> Run {
    let mut cmd = command(&[], env);
    cmd.args(args);
    let out = cmd.output().unwrap();
    let shown: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let shown: Vec<&str> = shown.iter().map(String::as_str).collect();
    finish(&shown, out)
}

/// Starts the binary with stdout and stderr piped.
fn spawn(args: &[&str], env: &[(&str, &str)]) -> std::process::Child {
    command(args, env)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Polls `done` until it holds (a bound of about a minute only so that a failure fails instead of hanging).
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..1200 {
        if done() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("never happened: {what}");
}

#[cfg(unix)]
fn interrupt(child: &std::process::Child) {
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Everything a child wrote on stderr so far, read by a thread of its own.
fn watch_stderr(child: &mut std::process::Child) -> std::sync::Arc<std::sync::Mutex<String>> {
    use std::io::Read;
    let seen = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let mut stderr = child.stderr.take().unwrap();
    let writer = std::sync::Arc::clone(&seen);
    std::thread::spawn(move || {
        let mut buffer = [0u8; 1024];
        while let Ok(n) = stderr.read(&mut buffer) {
            if n == 0 {
                break;
            }
            writer
                .lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buffer[..n]));
        }
    });
    seen
}

/// The journal's entry for `reference`, as the library reads it.
fn journal_entry(journal: &str, reference: &str) -> authsignal_terminal::JournalEntry {
    let mut options = authsignal_terminal::ClientOptions::new();
    options.set_journal_path(journal).unwrap();
    authsignal_terminal::Client::new(&options)
        .unwrap()
        .find_payment_session(reference)
        .unwrap()
}

/// Moves every entry of a journal an hour into the past: far beyond the CLI's lifetime.
fn age_journal(journal: &str) {
    let db = rusqlite::Connection::open(journal).unwrap();
    db.execute(
        "UPDATE payments SET created_ms = created_ms - 3600000, updated_ms = updated_ms - 3600000",
        [],
    )
    .unwrap();
}

/// Issue 22, 1: an entry that is not final never lets `pay` through on age alone.
#[test]
fn a_journal_entry_that_is_not_final_never_expires_into_a_second_charge() {
    let sim = sim();
    let dir = temp_dir("no-expiry");
    let journal = dir.join("pos.journal").display().to_string();
    let mut base = sim_args(&sim);
    base.extend(["--journal".to_string(), journal.clone()]);
    let pay = |tid: &str, reference: &str| {
        cli(
            &with(
                &base,
                &[
                    "pay",
                    "--minor",
                    "100",
                    "--currency",
                    "USD",
                    "--reference",
                    reference,
                    "--no-wait",
                ],
            ),
            &[("AUTHSIGNAL_TERMINAL_ID", tid)],
        )
    };
    // Still PENDING on the server an hour later: the CLI asks it, and refuses.
    let pending = id("+outcome=PENDING");
    assert_eq!(pay(&pending, "order-old-1").code, 4);
    age_journal(&journal);
    let gets = sim.terminal_stats(&pending).gets;
    let again = pay(&pending, "order-old-1");
    assert_eq!(again.code, 10, "{}{}", again.stdout, again.stderr);
    assert_eq!(sim.terminal_stats(&pending).creates, 1, "one POST");
    assert_eq!(
        sim.terminal_stats(&pending).gets,
        gets + 1,
        "the server was asked"
    );
    // A create whose answer never came: nothing to ask; refused until forgotten.
    let dropped = id("+fault=drop+on=create");
    assert_eq!(pay(&dropped, "order-old-2").code, 5);
    age_journal(&journal);
    let again = pay(&dropped, "order-old-2");
    assert_eq!(again.code, 10, "{}{}", again.stdout, again.stderr);
    assert_eq!(sim.terminal_stats(&dropped).creates, 1, "one POST");
    // Its advice names only safe steps, with the same journal.
    assert!(
        again.stdout.contains(&format!(
            "--journal {journal} forget --reference order-old-2"
        )),
        "{}",
        again.stdout
    );
    assert!(!again.stdout.contains(" after "), "{}", again.stdout);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Issue 22, 2: the advice after Ctrl-C carries the options; following it records the
/// outcome in the journal, and the reference is then refused as paid: one POST.
#[cfg(unix)]
#[test]
fn following_the_ctrl_c_advice_records_the_outcome_in_the_journal() {
    let sim = sim();
    let dir = temp_dir("advice");
    let journal = dir.join("pos.journal").display().to_string();
    let mut base = sim_args(&sim);
    base.extend(["--journal".to_string(), journal.clone()]);
    // PENDING for the first four reads, then COMPLETED.
    let tid = id("+polls=4");
    let env = [("AUTHSIGNAL_TERMINAL_ID", tid.as_str())];
    let pay_args = with(
        &base,
        &[
            "pay",
            "--minor",
            "100",
            "--currency",
            "USD",
            "--reference",
            "order-advice",
            "--json",
        ],
    );
    let child = spawn(&pay_args, &env);
    wait_until("the wait began", || sim.terminal_stats(&tid).gets > 0);
    interrupt(&child);
    let run = finish(&["pay (Ctrl-C)"], child.wait_with_output().unwrap());
    assert_eq!(run.code, 130, "{}{}", run.stdout, run.stderr);
    let challenge = run.json()["challenge_id"].as_str().unwrap().to_string();
    let advice = run
        .stderr
        .lines()
        .find_map(|l| l.strip_prefix("Check the outcome with: "))
        .unwrap_or_else(|| panic!("advice in {}", run.stderr))
        .to_string();
    assert!(
        advice.contains(&format!("--journal {journal}")) && advice.ends_with(&challenge),
        "{advice}"
    );
    assert!(!advice.contains('\''), "plain words here: {advice}");
    let words: Vec<&str> = advice.split(' ').collect();
    assert_eq!(words[0], "authsignal-terminal");
    let run = cli(&words[1..], &env);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.starts_with("COMPLETED"), "{}", run.stdout);
    assert_eq!(
        journal_entry(&journal, "order-advice").status(),
        Some(authsignal_terminal::PaymentStatus::Completed),
        "the wait recorded what it learned"
    );
    let again = cli(&pay_args, &env);
    assert_eq!(again.code, 10, "{}", again.stdout);
    assert_eq!(again.json()["outcome"], "DUPLICATE_REFERENCE");
    assert_eq!(sim.terminal_stats(&tid).creates, 1, "one POST");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Issue 22, 3: a journal deleted while `pay` waits is reported, in text and JSON; the
/// exit code stays the payment's (it is real: exit 11 would say nothing was sent).
#[cfg(unix)]
#[test]
fn a_journal_deleted_while_pay_runs_is_reported() {
    let sim = sim();
    for json in [true, false] {
        let dir = temp_dir(&format!("deleted-{json}"));
        let journal = dir.join("pos.journal");
        let mut base = sim_args(&sim);
        base.extend(["--journal".to_string(), journal.display().to_string()]);
        // PENDING for three reads (the file is deleted after the first), then COMPLETED.
        let tid = id(&format!("+polls={}", 3 + u8::from(json)));
        let mut args = with(
            &base,
            &[
                "pay",
                "--minor",
                "100",
                "--currency",
                "USD",
                "--reference",
                "order-deleted",
            ],
        );
        if json {
            args.push("--json");
        }
        let child = spawn(&args, &[("AUTHSIGNAL_TERMINAL_ID", &tid)]);
        wait_until("the wait began", || sim.terminal_stats(&tid).gets > 0);
        std::fs::remove_file(&journal).unwrap();
        let run = finish(
            &["pay (journal deleted)"],
            child.wait_with_output().unwrap(),
        );
        assert_eq!(
            run.code, 0,
            "the payment's code: {}{}",
            run.stdout, run.stderr
        );
        if json {
            let json = run.json();
            assert_eq!(json["status"], "COMPLETED");
            assert!(json["error"].is_null());
            let message = json["journal_error"].as_str().unwrap();
            assert!(message.contains("was deleted"), "{message}");
        } else {
            assert!(run.stdout.starts_with("COMPLETED"), "{}", run.stdout);
            assert!(
                run.stderr.contains("JOURNAL: ") && run.stderr.contains("was deleted"),
                "{}",
                run.stderr
            );
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

/// Issue 22, 4: a closed stdout or stderr (`pay … | head -c1`) loses the text, never
/// turns a payment into a crash: the exit code is the payment's.
#[test]
fn a_closed_stdout_or_stderr_keeps_the_payments_exit_code() {
    let sim = sim();
    let base = sim_args(&sim);
    let tid = id("");
    for json in [false, true] {
        for close_stdout in [true, false] {
            let mut args = with(&base, &["pay", "--minor", "100", "--currency", "USD"]);
            if json {
                args.push("--json");
            }
            let mut child = spawn(&args, &[("AUTHSIGNAL_TERMINAL_ID", &tid)]);
            let kept = if close_stdout {
                drop(child.stdout.take());
                child
                    .stderr
                    .take()
                    .map(|s| Box::new(s) as Box<dyn std::io::Read>)
            } else {
                drop(child.stderr.take());
                child
                    .stdout
                    .take()
                    .map(|s| Box::new(s) as Box<dyn std::io::Read>)
            };
            let mut text = String::new();
            std::io::Read::read_to_string(&mut kept.unwrap(), &mut text).unwrap();
            let status = child.wait().unwrap();
            assert_eq!(
                status.code(),
                Some(0),
                "json {json}, stdout closed {close_stdout}: {text}"
            );
            assert!(
                !text.contains("panicked") && !text.contains(SECRET),
                "{text}"
            );
        }
    }
}

/// Issue 22, 5 and 8: an argument that is not UTF-8 is a usage error, and a value typed
/// for --terminal-id is refused without being echoed.
#[cfg(unix)]
#[test]
fn arguments_that_are_not_utf8_are_usage_errors() {
    use std::ffi::OsString;
    use std::os::unix::ffi::OsStringExt;
    let bad = |prefix: &str| OsString::from_vec([prefix.as_bytes(), b"\xff"].concat());
    let tid = id("");
    for (args, json) in [
        (vec!["get".into(), bad("x")], false),
        (vec!["--json".into(), "get".into(), bad("x")], true),
        (
            vec![
                "--terminal-id".into(),
                bad(&tid),
                "get".into(),
                "abc".into(),
            ],
            false,
        ),
        (
            vec![
                "pay".into(),
                "--minor".into(),
                "100".into(),
                "--currency".into(),
                "USD".into(),
                "--reference".into(),
                bad(&tid),
                "--json".into(),
            ],
            true,
        ),
    ] {
        let run = cli_os(&args, &[("AUTHSIGNAL_TERMINAL_ID", &tid)]);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        if json {
            assert_eq!(run.json()["outcome"], "USAGE");
        }
    }
    let refused = cli_os(
        &[
            "--terminal-id".into(),
            bad(&tid),
            "get".into(),
            "abc".into(),
        ],
        &[],
    );
    assert!(
        refused.stderr.contains("--terminal-id is refused"),
        "{}",
        refused.stderr
    );
}

/// Issue 22, 6 and issue 24, 8: Ctrl-C during the create says at once that it waits for
/// the answer; a second one ends the program with one JSON object saying the outcome is
/// unknown. Two during the wait: one JSON object, with the challenge id.
#[cfg(unix)]
#[test]
fn two_ctrl_c_still_print_one_json_object() {
    let sim = sim();
    let base = sim_args(&sim);
    let args = with(
        &base,
        &[
            "pay",
            "--minor",
            "100",
            "--currency",
            "USD",
            "--reference",
            "order-2x",
            "--json",
        ],
    );
    // The create's answer is held for 2 minutes: both Ctrl-C come while it is on its way.
    let slow = id("+delay=120000");
    let mut child = spawn(&args, &[("AUTHSIGNAL_TERMINAL_ID", &slow)]);
    let stderr = watch_stderr(&mut child);
    wait_until("the create was sent", || {
        sim.terminal_stats(&slow).creates > 0
    });
    interrupt(&child);
    wait_until("the first Ctrl-C is answered", || {
        stderr
            .lock()
            .unwrap()
            .contains("waiting for the create's answer so the payment is not lost")
    });
    interrupt(&child);
    let out = child.wait_with_output().unwrap();
    let run = finish(&["pay (Ctrl-C twice)"], out);
    assert_eq!(run.code, 130, "{}", stderr.lock().unwrap());
    let json = run.json();
    assert_eq!(json["outcome"], "INTERRUPTED");
    assert!(json["challenge_id"].is_null());
    assert_eq!(json["error"]["outcome_unknown"], true);
    assert_eq!(json["reference"], "order-2x");
    assert_eq!(json["amount"], "1.00");
    assert!(!stderr.lock().unwrap().contains(SECRET));

    // During the wait, two at once: whichever answers, one object with the challenge id.
    let pending = id("+outcome=PENDING");
    let child = spawn(&args, &[("AUTHSIGNAL_TERMINAL_ID", &pending)]);
    wait_until("the wait began", || sim.terminal_stats(&pending).gets > 0);
    interrupt(&child);
    interrupt(&child);
    let run = finish(&["pay (Ctrl-C twice)"], child.wait_with_output().unwrap());
    assert_eq!(run.code, 130, "{}{}", run.stdout, run.stderr);
    let objects: Vec<Value> = serde_json::Deserializer::from_str(&run.stdout)
        .into_iter::<Value>()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(objects.len(), 1, "{}", run.stdout);
    assert_eq!(objects[0]["outcome"], "INTERRUPTED");
    assert!(objects[0]["challenge_id"].is_string(), "{}", run.stdout);

    // A read has nothing to protect: one Ctrl-C ends it, still with one object.
    let child = spawn(
        &with(&base, &["get", "abc", "--json"]),
        &[("AUTHSIGNAL_TERMINAL_ID", &slow)],
    );
    wait_until("the read was sent", || sim.terminal_stats(&slow).gets > 0);
    interrupt(&child);
    let run = finish(&["get (Ctrl-C)"], child.wait_with_output().unwrap());
    assert_eq!(run.code, 130, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.json()["command"], "get");
    assert_eq!(run.json()["outcome"], "INTERRUPTED");
}

/// Issue 22, 7 and issue 24, 6: every journal failure is JOURNAL (exit 11) with a
/// message, in text and JSON, for every command; a path that is not this library's
/// journal is refused and left unchanged.
#[cfg(unix)]
#[test]
fn every_journal_failure_is_journal_and_changes_nothing() {
    let sim = sim();
    let dir = temp_dir("journal-refusals");
    let tid = id("");
    // Another application's SQLite database.
    let foreign = dir.join("other-app.sqlite");
    {
        let db = rusqlite::Connection::open(&foreign).unwrap();
        db.execute_batch("CREATE TABLE orders (id INTEGER PRIMARY KEY, total INTEGER);")
            .unwrap();
    }
    let foreign_bytes = std::fs::read(&foreign).unwrap();
    let text_file = dir.join("notes.txt");
    std::fs::write(&text_file, "not a journal\n").unwrap();
    let missing_folder = dir.join("no-such-folder").join("pos.journal");
    // SQLite's companions of a device path (another program may have left them).
    let leftovers = [
        "/dev/null-journal",
        "/dev/null-wal",
        "/dev/full-journal",
        "/dev/full-wal",
    ];
    let there_before: Vec<bool> = leftovers.iter().map(|p| Path::new(p).exists()).collect();
    let paths = [
        missing_folder.display().to_string(),
        "/dev/null".to_string(),
        "/dev/full".to_string(),
        foreign.display().to_string(),
        text_file.display().to_string(),
    ];
    for path in &paths {
        let mut base = sim_args(&sim);
        base.extend(["--journal".to_string(), path.clone()]);
        for (command, json) in [
            (
                &[
                    "pay",
                    "--minor",
                    "100",
                    "--currency",
                    "USD",
                    "--reference",
                    "r",
                ][..],
                true,
            ),
            (&["pay", "--minor", "100", "--currency", "USD"], false),
            (&["get", "abc"], true),
            (&["wait", "abc"], false),
            (&["forget", "--reference", "r", "--yes"], true),
        ] {
            let mut args = with(&base, command);
            if json {
                args.push("--json");
            }
            let run = cli(&args, &[("AUTHSIGNAL_TERMINAL_ID", &tid)]);
            assert_eq!(run.code, 11, "{args:?}: {}{}", run.stdout, run.stderr);
            assert!(run.stderr.contains("journal"), "{}", run.stderr);
            if json {
                let json = run.json();
                assert_eq!(json["outcome"], "JOURNAL");
                assert_eq!(json["error"]["result"], "AS_RESULT_JOURNAL", "{json}");
                assert!(json["error"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("journal"));
            }
        }
    }
    assert_eq!(sim.stats().requests, 0, "nothing was sent");
    assert!(!missing_folder.parent().unwrap().exists());
    assert_eq!(std::fs::read(&foreign).unwrap(), foreign_bytes);
    assert_eq!(std::fs::read(&text_file).unwrap(), b"not a journal\n");
    for (leftover, before) in leftovers.iter().zip(there_before) {
        assert!(
            before || !Path::new(leftover).exists(),
            "{leftover} was made"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Issue 22, 8: a terminal id typed where it does not belong is never printed, and
/// never sent as something else.
#[test]
fn a_terminal_id_typed_in_the_wrong_place_is_never_echoed() {
    let sim = sim();
    let base = sim_args(&sim);
    let tid = id("");
    let env = [("AUTHSIGNAL_TERMINAL_ID", tid.as_str())];
    let cases: [&[&str]; 9] = [
        &["doctor", &tid],
        &["pay", "--minor", "100", "--currency", "USD", &tid],
        &["get", "abc", "--connect-timeout", &tid],
        &["get", &tid],
        &["wait", &tid, "--json"],
        &[
            "pay",
            "--minor",
            "100",
            "--currency",
            "USD",
            "--reference",
            &tid,
        ],
        &["get", "abc", "--terminal-id-file", &tid],
        &["get", "abc", "--terminal-id-file", &tid, "--json"],
        &["--region", &tid, "get", "abc", "--json"],
    ];
    for case in cases {
        // With the id configured, and without (then only its last 4 characters show).
        for env in [&env[..], &[]] {
            let run = cli(&with(&base, case), env);
            assert_eq!(run.code, 2, "{case:?}: {}{}", run.stdout, run.stderr);
            if case.contains(&"--json") {
                assert_eq!(run.json()["outcome"], "USAGE");
            }
        }
    }
    let run = cli(&with(&base, &["doctor", &tid]), &[]);
    assert!(run.stderr.contains("'…0001'"), "{}", run.stderr);
    assert_eq!(sim.stats().requests, 0, "nothing was sent");
}

/// Issue 24, 1: `forget` clears a reference only when confirmed, never a paid one; the
/// refusals' advice names it with the same journal.
#[test]
fn forget_clears_a_reference_only_when_confirmed() {
    let sim = sim();
    let dir = temp_dir("forget");
    let journal = dir.join("pos.journal").display().to_string();
    let mut base = sim_args(&sim);
    base.extend(["--journal".to_string(), journal.clone()]);
    let pay = |tid: &str, reference: &str| {
        cli(
            &with(
                &base,
                &[
                    "pay",
                    "--minor",
                    "100",
                    "--currency",
                    "USD",
                    "--reference",
                    reference,
                ],
            ),
            &[("AUTHSIGNAL_TERMINAL_ID", tid)],
        )
    };
    let forget = |reference: &str, extra: &[&str]| {
        cli(
            &with(
                &base,
                &[&["forget", "--reference", reference][..], extra].concat(),
            ),
            &[],
        )
    };
    let dropped = id("+fault=drop+on=create");
    assert_eq!(pay(&dropped, "order-f").code, 5);
    let refused = pay(&dropped, "order-f");
    assert_eq!(refused.code, 10);
    assert!(
        refused.stdout.contains(&format!(
            "authsignal-terminal --base-url {} --ca-file {} --journal {journal} forget --reference order-f",
            sim.base_url(),
            sim.ca_file().unwrap().display()
        )),
        "{}",
        refused.stdout
    );
    // Not at a terminal and no --yes: nothing is forgotten.
    let run = forget("order-f", &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--yes"), "{}", run.stderr);
    assert_eq!(pay(&dropped, "order-f").code, 10);
    // Confirmed: forgotten, and the next pay goes.
    let run = forget("order-f", &["--yes", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.json()["forgotten"], true);
    let ok = id("");
    assert_eq!(pay(&ok, "order-f").code, 0);
    assert_eq!(sim.terminal_stats(&ok).creates, 1);
    // Now paid: never forgotten.
    let run = forget("order-f", &["--yes"]);
    assert_eq!(run.code, 10, "{}", run.stdout);
    assert!(run.stdout.contains("is paid"), "{}", run.stdout);
    assert_eq!(pay(&ok, "order-f").code, 10);
    assert_eq!(sim.terminal_stats(&ok).creates, 1);
    // Unknown to the journal: nothing to forget.
    let run = forget("order-none", &["--yes", "--json"]);
    assert_eq!(run.code, 0);
    assert_eq!(run.json()["forgotten"], false);
    // Without a journal: a usage error.
    let run = cli(
        &with(&sim_args(&sim), &["forget", "--reference", "x", "--yes"]),
        &[],
    );
    assert_eq!(run.code, 2);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Issue 24, 3: --proxy's help names only what works.
#[test]
fn proxy_help_lists_only_what_works() {
    let help = cli(&["pay", "--help"], &[]);
    assert!(help.stdout.contains("http://host:port"), "{}", help.stdout);
    assert!(!help.stdout.contains("socks5://"), "{}", help.stdout);
    let tid = id("");
    let run = cli(
        &["--proxy", "socks5://127.0.0.1:1080", "get", "abc"],
        &[("AUTHSIGNAL_TERMINAL_ID", &tid)],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("SOCKS"), "{}", run.stderr);
}

/// Issue 24, 4: --terminal-id-file reads a regular file of at most 4 KiB, and refuses a
/// device or a FIFO without blocking on it.
#[cfg(unix)]
#[test]
fn the_terminal_id_file_must_be_a_small_regular_file() {
    let dir = temp_dir("id-file-kinds");
    let fifo = dir.join("fifo");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let big = dir.join("big");
    std::fs::write(&big, "x".repeat(5000)).unwrap();
    for (path, why) in [
        ("/dev/zero".to_string(), "not a regular file"),
        (fifo.display().to_string(), "not a regular file"),
        (dir.display().to_string(), "not a regular file"),
        (big.display().to_string(), "larger than 4096 bytes"),
    ] {
        let mut child = command(&["get", "abc", "--terminal-id-file", &path], &[])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut ended = None;
        wait_until("the command ended", || {
            ended = child.try_wait().unwrap();
            ended.is_some()
        });
        let run = finish(&[&path], child.wait_with_output().unwrap());
        assert_eq!(run.code, 2, "{path}: {}", run.stderr);
        assert!(run.stderr.contains(why), "{path}: {}", run.stderr);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Issue 24, 5: a reference with a newline or an escape sequence is shown escaped.
#[test]
fn control_characters_are_escaped_in_text_output() {
    let sim = sim();
    let tid = id("");
    let reference = "order\n\x1b]0;pwned\x07-9";
    let run = cli(
        &with(
            &sim_args(&sim),
            &[
                "pay",
                "--minor",
                "100",
                "--currency",
                "USD",
                "--reference",
                reference,
            ],
        ),
        &[("AUTHSIGNAL_TERMINAL_ID", &tid)],
    );
    // finish() checked that no ESC reached the output.
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    assert!(
        run.stdout
            .contains(r"reference order\n\u{1b}]0;pwned\u{7}-9"),
        "{}",
        run.stdout
    );
}

/// Issue 24, 7: a journal the tool creates is readable by its owner only.
#[cfg(unix)]
#[test]
fn the_journal_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let sim = sim();
    let dir = temp_dir("journal-mode");
    let journal = dir.join("pos.journal");
    let mut base = sim_args(&sim);
    base.extend(["--journal".to_string(), journal.display().to_string()]);
    let tid = id("");
    let run = cli(
        &with(
            &base,
            &[
                "pay",
                "--minor",
                "100",
                "--currency",
                "USD",
                "--reference",
                "m",
            ],
        ),
        &[("AUTHSIGNAL_TERMINAL_ID", &tid)],
    );
    assert_eq!(run.code, 0);
    let mode = std::fs::metadata(&journal).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Issue 24, 8: amounts are plain decimals, shown with the currency's digits; a unit
/// that does not exist is named as such.
#[test]
fn amounts_are_plain_decimals_shown_with_the_currencys_digits() {
    let sim = sim();
    let base = sim_args(&sim);
    let tid = id("");
    let env = [("AUTHSIGNAL_TERMINAL_ID", tid.as_str())];
    for amount in [
        "1e2", "1e-2", "+12.50", ".5", "12.", "1 2", "0x10", "inf", "NaN", "-1",
    ] {
        let run = cli(
            &with(&base, &["pay", "--amount", amount, "--currency", "USD"]),
            &env,
        );
        assert_eq!(run.code, 2, "{amount}: {}", run.stderr);
    }
    assert_eq!(sim.terminal_stats(&tid).creates, 0, "nothing sent");
    for (pay, shown) in [
        (&["--amount", "12.5", "--currency", "USD"][..], "12.50"),
        (&["--minor", "1250", "--currency", "usd"], "12.50"),
        (&["--minor", "1000", "--currency", "JPY"], "1000"),
        (&["--amount", "1.2", "--currency", "BHD"], "1.200"),
        (&["--amount", "007", "--currency", "USD"], "7.00"),
    ] {
        let run = cli(
            &with(&base, &[&["pay"][..], pay, &["--json"]].concat()),
            &env,
        );
        assert_eq!(run.code, 0, "{pay:?}: {}", run.stdout);
        assert_eq!(run.json()["amount"], shown, "{pay:?}");
        let run = cli(&with(&base, &[&["pay"][..], pay].concat()), &env);
        assert!(
            run.stderr.contains(&format!("Payment started: {shown} ")),
            "{}",
            run.stderr
        );
    }
    let run = cli(
        &with(
            &base,
            &[
                "pay",
                "--minor",
                "1",
                "--currency",
                "USD",
                "--wait",
                "1000000h",
            ],
        ),
        &env,
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("unknown unit"), "{}", run.stderr);
}

/// Issue 24, 1: at a terminal (a pseudo-terminal made by util-linux's `script`), `forget`
/// asks, and forgets only on "yes".
#[cfg(target_os = "linux")]
#[test]
fn forget_asks_at_a_terminal() {
    use std::io::Write;
    let sim = sim();
    let dir = temp_dir("forget-tty");
    let journal = dir.join("pos.journal").display().to_string();
    let mut base = sim_args(&sim);
    base.extend(["--journal".to_string(), journal.clone()]);
    let dropped = id("+fault=drop+on=create");
    let pay = with(
        &base,
        &[
            "pay",
            "--minor",
            "100",
            "--currency",
            "USD",
            "--reference",
            "order-tty",
        ],
    );
    assert_eq!(cli(&pay, &[("AUTHSIGNAL_TERMINAL_ID", &dropped)]).code, 5);
    let line = format!(
        "{} {} forget --reference order-tty",
        env!("CARGO_BIN_EXE_authsignal-terminal"),
        base.join(" ")
    );
    for (answer, code) in [("no", 2), ("yes", 0)] {
        let mut cmd = Command::new("script");
        cmd.args(["-qec", &line, "/dev/null"]);
        for name in CLEARED {
            cmd.env_remove(name);
        }
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("util-linux's script runs");
        writeln!(child.stdin.take().unwrap(), "{answer}").unwrap();
        let out = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(code), "{answer}: {text}");
        assert!(text.contains("Forget it? Type yes"), "{text}");
        // Still refused after "no"; sent after "yes".
        let run = cli(&pay, &[("AUTHSIGNAL_TERMINAL_ID", &dropped)]);
        assert_eq!(
            run.code,
            if answer == "no" { 10 } else { 5 },
            "{}",
            run.stdout
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
