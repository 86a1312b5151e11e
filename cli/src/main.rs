//! `authsignal-terminal`: takes a payment on a paired Authsignal terminal, reads or waits
//! for one, and diagnoses the connection (`doctor`), for POS systems that start a program
//! and read its exit code, and for the help desk. Built on the Rust crate, so it behaves
//! exactly like the library. The terminal id comes only from `AUTHSIGNAL_TERMINAL_ID` or
//! `--terminal-id-file`, never from the command line, and is never printed in clear.

mod exit;
mod output;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use authsignal_terminal::{
    diagnose, set_logger, CancelToken, Client, ClientOptions, Error, LogLevel, PaymentSession,
    Region, Report, Setting,
};
use clap::{Args, Parser, Subcommand};

use exit::{Outcome, EXIT_CODES_HELP};
use output::{print_json, JsonDoctor, JsonError, JsonResult, Progress, Style};

const TERMINAL_ID_VAR: &str = "AUTHSIGNAL_TERMINAL_ID";

#[derive(Parser)]
#[command(
    name = "authsignal-terminal",
    version = authsignal_terminal::VERSION,
    about = "Take a card payment on a paired Authsignal terminal, follow it, or find out why payments fail.",
    long_about = "Take a card payment on a paired Authsignal terminal, follow it, or find out why \
payments fail (`doctor`).\n\nThe terminal id is a secret and never goes on the command line: set \
AUTHSIGNAL_TERMINAL_ID, or put it in a file readable only by the POS user and pass \
--terminal-id-file. The region or base URL can also come from AUTHSIGNAL_TERMINAL_REGION or \
AUTHSIGNAL_TERMINAL_BASE_URL, a CA file from AUTHSIGNAL_TERMINAL_CA_FILE, the proxy from \
HTTPS_PROXY / ALL_PROXY / NO_PROXY. Durations are written like 1500ms, 10s or 2m.",
    after_help = EXIT_CODES_HELP
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct Global {
    /// Authsignal region: us (default), au, eu or ca.
    #[arg(
        long,
        global = true,
        value_name = "REGION",
        conflicts_with = "base_url"
    )]
    region: Option<String>,
    /// A full base URL instead of a region, e.g. https://au.api.authsignal.com/v1.
    #[arg(long, global = true, value_name = "URL")]
    base_url: Option<String>,
    /// Also trust the CA certificates in this PEM file.
    #[arg(long, global = true, value_name = "PEM")]
    ca_file: Option<PathBuf>,
    /// Trust the operating system's certificate store instead of Mozilla's roots (behind
    /// a TLS-inspecting corporate proxy).
    #[arg(long, global = true)]
    system_roots: bool,
    /// Send requests through this proxy (http://host:port, socks5://host:port) instead of
    /// the one HTTPS_PROXY / ALL_PROXY names.
    #[arg(long, global = true, value_name = "URL")]
    proxy: Option<String>,
    /// Time allowed to connect, TLS included (default 5s).
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_duration)]
    connect_timeout: Option<Duration>,
    /// Time allowed for one whole request (default 10s).
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_duration)]
    request_timeout: Option<Duration>,
    /// Keep a payment journal in this file, so one reference is never charged twice,
    /// even across crashes (see README, "Crashes and restarts"). `pay` with a
    /// --reference the journal knows as pending, paid or unknown is refused (exit 10).
    #[arg(long, global = true, value_name = "PATH")]
    journal: Option<PathBuf>,
    /// Read the terminal id from this file (instead of AUTHSIGNAL_TERMINAL_ID).
    #[arg(long, global = true, value_name = "PATH")]
    terminal_id_file: Option<PathBuf>,
    /// Print one JSON object on stdout (field names in the README) instead of text.
    #[arg(long, global = true)]
    json: bool,
    /// Print the library's log lines on stderr (terminal ids redacted).
    #[arg(long, short, global = true)]
    verbose: bool,
    /// Refused: the terminal id on the command line is visible to every user (ps, shell
    /// history).
    #[arg(long, global = true, hide = true, num_args = 0..=1, value_name = "REFUSED")]
    terminal_id: Option<Option<String>>,
}

#[derive(Subcommand)]
enum Command {
    /// Start a payment on the terminal and wait for the customer (unless --no-wait).
    #[command(after_help = EXIT_CODES_HELP)]
    Pay(Pay),
    /// Read a payment's status once.
    #[command(after_help = EXIT_CODES_HELP)]
    Get {
        /// The payment's challenge id, as `pay` printed it.
        challenge_id: String,
    },
    /// Wait until a payment leaves PENDING, or the timeout passes.
    #[command(after_help = EXIT_CODES_HELP)]
    Wait {
        /// The payment's challenge id, as `pay` printed it.
        challenge_id: String,
        /// How long to wait at most.
        #[arg(long, value_name = "DURATION", default_value = "120s", value_parser = parse_duration)]
        timeout: Duration,
    },
    /// Check the configuration, proxy, DNS, connection, TLS, clock and terminal id, and
    /// say how to fix what fails. Never starts a payment.
    #[command(after_help = EXIT_CODES_HELP)]
    Doctor,
}

#[derive(Args)]
struct Pay {
    /// The amount in major units, e.g. 12.50 (at most as many decimals as the currency has).
    #[arg(
        long,
        value_name = "AMOUNT",
        required_unless_present = "minor",
        conflicts_with = "minor",
        allow_hyphen_values = true
    )]
    amount: Option<String>,
    /// The exact amount in minor units, e.g. 1250 for 12.50 USD, 1000 for 1000 JPY.
    #[arg(long, value_name = "UNITS", allow_hyphen_values = true)]
    minor: Option<i64>,
    /// ISO 4217 currency code, e.g. USD.
    #[arg(long)]
    currency: String,
    /// The POS's own reference for this payment.
    #[arg(long)]
    reference: Option<String>,
    /// How long to wait for the customer.
    #[arg(long, value_name = "DURATION", default_value = "120s", value_parser = parse_duration)]
    wait: Duration,
    /// Start the payment and return at once (exit code 4, PENDING).
    #[arg(long, conflicts_with = "wait")]
    no_wait: bool,
}

/// Parses `1500ms`, `10s` or `2m`.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("'{text}' is not a duration: write it like 1500ms, 10s or 2m"))?;
    match unit {
        "ms" => Ok(Duration::from_millis(number)),
        "s" => Ok(Duration::from_secs(number)),
        "m" => Ok(Duration::from_secs(number.saturating_mul(60))),
        _ => Err(format!(
            "'{text}' has no unit: write it like 1500ms, 10s or 2m"
        )),
    }
}

/// A failure before any request: message and exit code.
struct Stop(Outcome, String);

impl From<Error> for Stop {
    fn from(e: Error) -> Self {
        Stop(Outcome::of_error(&e), e.message().to_string())
    }
}

/// The client options from the environment and the options, and where each came from.
fn client_options(g: &Global) -> Result<(ClientOptions, Vec<(Setting, String)>), Stop> {
    let mut options = ClientOptions::from_env()?;
    let set = |name: &str| std::env::var(name).is_ok_and(|v| !v.trim().is_empty());
    let mut sources = Vec::new();
    if set("AUTHSIGNAL_TERMINAL_BASE_URL") {
        sources.push((Setting::BaseUrl, "AUTHSIGNAL_TERMINAL_BASE_URL".to_string()));
    } else if set("AUTHSIGNAL_TERMINAL_REGION") {
        sources.push((Setting::BaseUrl, "AUTHSIGNAL_TERMINAL_REGION".to_string()));
    }
    if set("AUTHSIGNAL_TERMINAL_CA_FILE") {
        sources.push((Setting::CaFile, "AUTHSIGNAL_TERMINAL_CA_FILE".to_string()));
    }
    let mut from = |setting, flag: &str| {
        sources.retain(|(s, _)| *s != setting);
        sources.push((setting, flag.to_string()));
    };
    let usage = |flag: &str, e: Error| Stop(Outcome::Usage, format!("{flag}: {}", e.message()));
    if let Some(region) = &g.region {
        options.set_region(Region::parse(region).map_err(|e| usage("--region", e))?);
        from(Setting::BaseUrl, "--region");
    }
    if let Some(url) = &g.base_url {
        options
            .set_base_url(url)
            .map_err(|e| usage("--base-url", e))?;
        from(Setting::BaseUrl, "--base-url");
    }
    if let Some(path) = &g.ca_file {
        options
            .set_ca_file(path)
            .map_err(|e| usage("--ca-file", e))?;
        from(Setting::CaFile, "--ca-file");
    }
    if g.system_roots {
        options.set_use_system_roots(true);
        from(Setting::SystemRoots, "--system-roots");
    }
    if let Some(proxy) = &g.proxy {
        options.set_proxy(proxy).map_err(|e| usage("--proxy", e))?;
        from(Setting::Proxy, "--proxy");
    }
    if let Some(t) = g.connect_timeout {
        options
            .set_connect_timeout(t)
            .map_err(|e| usage("--connect-timeout", e))?;
        from(Setting::ConnectTimeout, "--connect-timeout");
    }
    if let Some(t) = g.request_timeout {
        options
            .set_request_timeout(t)
            .map_err(|e| usage("--request-timeout", e))?;
        from(Setting::RequestTimeout, "--request-timeout");
    }
    if let Some(path) = &g.journal {
        options
            .set_journal_path(path)
            .map_err(|e| usage("--journal", e))?;
    }
    options.set_user_agent_suffix(&format!(
        "authsignal-terminal-cli/{}",
        env!("CARGO_PKG_VERSION")
    ))?;
    Ok((options, sources))
}

/// The terminal id from `--terminal-id-file` or `AUTHSIGNAL_TERMINAL_ID`; None when neither
/// is given. Surrounding whitespace (a file's last newline) is dropped.
fn terminal_id(g: &Global) -> Result<Option<String>, Stop> {
    let id = match &g.terminal_id_file {
        Some(path) => std::fs::read_to_string(path).map_err(|e| {
            Stop(
                Outcome::Usage,
                format!("--terminal-id-file {}: cannot be read: {e}", path.display()),
            )
        })?,
        None => match std::env::var(TERMINAL_ID_VAR) {
            Ok(id) => id,
            Err(std::env::VarError::NotPresent) => return Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(Stop(
                    Outcome::Usage,
                    format!("{TERMINAL_ID_VAR} is not valid text"),
                ))
            }
        },
    };
    let id = id.trim();
    if id.is_empty() {
        return Err(Stop(
            Outcome::Usage,
            match &g.terminal_id_file {
                Some(path) => format!("--terminal-id-file {} is empty", path.display()),
                None => format!("{TERMINAL_ID_VAR} is empty"),
            },
        ));
    }
    Ok(Some(id.to_string()))
}

fn required(id: Option<String>) -> Result<String, Stop> {
    id.ok_or_else(|| {
        Stop(
            Outcome::Usage,
            format!("no terminal id: set {TERMINAL_ID_VAR} or pass --terminal-id-file PATH"),
        )
    })
}

/// Counts Ctrl-C presses: the first cancels the wait, the second ends the program.
fn install_ctrl_c(token: CancelToken) {
    let presses = Arc::new(AtomicU32::new(0));
    let result = ctrlc::set_handler(move || {
        if presses.fetch_add(1, Ordering::AcqRel) == 0 {
            token.cancel();
        } else {
            eprintln!(
                "\nauthsignal-terminal: stopped. If a payment was being started, the terminal may be prompting: check it before paying again."
            );
            std::process::exit(i32::from(Outcome::Interrupted.code()));
        }
    });
    if let Err(e) = result {
        eprintln!("authsignal-terminal: Ctrl-C cannot be handled here ({e}); it will end the program at once");
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind as K;
            if matches!(e.kind(), K::DisplayHelp | K::DisplayVersion) {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            if std::env::args().any(|a| a == "--json") {
                let mut json = JsonResult::new("", Outcome::Usage);
                json.error = Some(JsonError {
                    result: "AS_RESULT_INVALID_ARGUMENT".to_string(),
                    message: e.kind().to_string(),
                    http_status: None,
                    server_code: None,
                    outcome_unknown: false,
                });
                print_json(&json);
            }
            let _ = e.print();
            return ExitCode::from(Outcome::Usage.code());
        }
    };
    let g = &cli.global;
    let command = match &cli.command {
        Command::Pay(_) => "pay",
        Command::Get { .. } => "get",
        Command::Wait { .. } => "wait",
        Command::Doctor => "doctor",
    };
    let outcome = match run(&cli) {
        Ok(outcome) => outcome,
        Err(Stop(outcome, message)) => {
            if g.json {
                let mut json = JsonResult::new(command, outcome);
                json.error = Some(JsonError {
                    result: if outcome == Outcome::Usage {
                        "AS_RESULT_INVALID_ARGUMENT"
                    } else {
                        "AS_RESULT_INTERNAL"
                    }
                    .to_string(),
                    message: message.clone(),
                    http_status: None,
                    server_code: None,
                    outcome_unknown: false,
                });
                print_json(&json);
            }
            eprintln!("authsignal-terminal: {message}");
            outcome
        }
    };
    ExitCode::from(outcome.code())
}

fn run(cli: &Cli) -> Result<Outcome, Stop> {
    let g = &cli.global;
    if g.terminal_id.is_some() {
        return Err(Stop(
            Outcome::Usage,
            format!(
                "--terminal-id is refused: a terminal id on the command line is visible to every user of this machine (ps, shell history). Set {TERMINAL_ID_VAR} or use --terminal-id-file PATH"
            ),
        ));
    }
    if g.verbose {
        let _ = set_logger(
            Some(Arc::new(|level: LogLevel, line: &str| {
                eprintln!("authsignal-terminal: {level:?}: {line}");
            })),
            LogLevel::Debug,
        );
    }
    let (options, sources) = client_options(g)?;
    let terminal_id = terminal_id(g)?;
    let client = Client::new(&options)?;
    match &cli.command {
        Command::Doctor => Ok(doctor(g, &client, terminal_id.as_deref(), &sources)),
        Command::Pay(pay) => {
            let id = required(terminal_id)?;
            pay_command(g, &client, &id, pay)
        }
        Command::Get { challenge_id } => {
            let id = required(terminal_id)?;
            Ok(report_read(
                "get",
                g,
                client.get_payment_session(&id, challenge_id),
            ))
        }
        Command::Wait {
            challenge_id,
            timeout,
        } => {
            let id = required(terminal_id)?;
            let token = CancelToken::new();
            install_ctrl_c(token.clone());
            let progress = Progress::start(!g.json);
            let result = client.wait_payment_session(&id, challenge_id, *timeout, Some(&token));
            progress.finish();
            if let Err(e) = &result {
                if Outcome::of_error(e) == Outcome::Interrupted {
                    return Ok(interrupted(g, "wait", challenge_id, None));
                }
            }
            Ok(report_read("wait", g, result))
        }
    }
}

fn doctor(
    g: &Global,
    client: &Client,
    terminal_id: Option<&str>,
    sources: &[(Setting, String)],
) -> Outcome {
    let sources: Vec<(Setting, &str)> = sources.iter().map(|(s, f)| (*s, f.as_str())).collect();
    let report = diagnose(client, terminal_id, &sources);
    let outcome = doctor_outcome(&report);
    if g.json {
        print_json(&JsonDoctor {
            command: "doctor",
            exit_code: outcome.code(),
            outcome: outcome.name(),
            diagnosis: &report,
        });
    } else {
        print!("{}", Style::for_stdout().diagnosis(&report));
    }
    outcome
}

/// The exit code of a diagnosis: 0 when nothing failed, else by the first failed check.
fn doctor_outcome(report: &Report) -> Outcome {
    match report.first_failure() {
        None => Outcome::Completed,
        Some(check) => match check.name {
            "config" => Outcome::Usage,
            "terminal_id" => match report.terminal_id.as_ref().and_then(|t| t.error_kind) {
                Some(kind) => Outcome::of_kind(kind),
                None => Outcome::Network,
            },
            _ => Outcome::Network,
        },
    }
}

fn pay_command(g: &Global, client: &Client, id: &str, pay: &Pay) -> Result<Outcome, Stop> {
    let token = CancelToken::new();
    if !pay.no_wait {
        install_ctrl_c(token.clone());
    }
    let amount_shown = match (&pay.amount, pay.minor) {
        (Some(a), _) => a.trim().to_string(),
        (None, Some(m)) => authsignal_terminal::Money::from_minor(m, &pay.currency)
            .map(|m| m.major_decimal())
            .unwrap_or_else(|_| m.to_string()),
        _ => String::new(),
    };
    let currency = pay.currency.trim().to_ascii_uppercase();
    let with_amount = |mut json: JsonResult| {
        json.amount = Some(amount_shown.clone());
        json.currency = Some(currency.clone());
        json
    };
    let created = match (&pay.amount, pay.minor) {
        (_, Some(minor)) => {
            client.create_payment_session_minor(id, minor, &pay.currency, pay.reference.as_deref())
        }
        (Some(amount), None) => {
            let amount: f64 = amount.trim().parse().map_err(|_| {
                Stop(
                    Outcome::Usage,
                    format!("--amount '{amount}' is not a number: write it like 12.50"),
                )
            })?;
            client.create_payment_session(id, amount, &pay.currency, pay.reference.as_deref())
        }
        (None, None) => unreachable!("clap requires --amount or --minor"),
    };
    let session = match created {
        Ok(session) => session,
        Err(e) => return Ok(finish("pay", g, Err((e, None)), with_amount)),
    };
    if !g.json {
        eprintln!(
            "Payment started: {amount_shown} {currency}, challenge id {}. The terminal is prompting the customer.",
            session.challenge_id()
        );
    }
    if pay.no_wait {
        return Ok(finish("pay", g, Ok(session), with_amount));
    }
    if token.is_cancelled() {
        return Ok(interrupted(
            g,
            "pay",
            session.challenge_id(),
            Some(&with_amount),
        ));
    }
    let progress = Progress::start(!g.json);
    let result = client.wait_payment_session(id, session.challenge_id(), pay.wait, Some(&token));
    progress.finish();
    match result {
        Err(e) if Outcome::of_error(&e) == Outcome::Interrupted => Ok(interrupted(
            g,
            "pay",
            session.challenge_id(),
            Some(&with_amount),
        )),
        // A wait that failed after the create leaves the session as it was: say so.
        Err(e) => Ok(finish("pay", g, Err((e, Some(session))), with_amount)),
        Ok(done) => Ok(finish("pay", g, Ok(done), with_amount)),
    }
}

fn report_read(
    command: &'static str,
    g: &Global,
    result: Result<PaymentSession, Error>,
) -> Outcome {
    finish(command, g, result.map_err(|e| (e, None)), |j| j)
}

/// Prints how a command ended and returns its exit code. An error may come with the
/// session it concerns (a wait that failed after a create).
fn finish(
    command: &'static str,
    g: &Global,
    result: Result<PaymentSession, (Error, Option<PaymentSession>)>,
    decorate: impl Fn(JsonResult) -> JsonResult,
) -> Outcome {
    let style = Style::for_stdout();
    match result {
        Ok(session) => {
            let outcome = Outcome::of_status(session.status());
            if g.json {
                print_json(&decorate(
                    JsonResult::new(command, outcome).with_session(&session),
                ));
            } else {
                let status = style.outcome(outcome, session.status_raw());
                let what = match outcome {
                    Outcome::Completed => "the customer approved the payment",
                    Outcome::Failed => "the payment was declined or failed",
                    Outcome::Expired => "nobody acted on the terminal in time",
                    Outcome::Pending => "the terminal is still prompting; wait again later",
                    _ => "a status this version does not know; check the payment in Authsignal",
                };
                let reference = session
                    .reference()
                    .map(|r| format!(", reference {r}"))
                    .unwrap_or_default();
                println!(
                    "{status}: {what} (challenge id {}{reference})",
                    session.challenge_id()
                );
            }
            outcome
        }
        Err((e, session)) => {
            let outcome = Outcome::of_error(&e);
            if g.json {
                let mut json = JsonResult::new(command, outcome);
                if let Some(session) = &session {
                    json = json.with_session(session);
                }
                json.error = Some(JsonError::from(&e));
                print_json(&decorate(json));
            } else {
                let label = style.outcome(outcome, outcome.name());
                println!("{label}: {}", e.message());
                if let Some(session) = &session {
                    println!(
                        "The payment was started (challenge id {}); check it with: authsignal-terminal wait {}",
                        session.challenge_id(),
                        session.challenge_id()
                    );
                } else if e.outcome_unknown() {
                    println!("The terminal may be prompting: check it before paying again.");
                }
            }
            outcome
        }
    }
}

/// Ctrl-C during a wait: the payment is not cancelled, only the waiting.
fn interrupted(
    g: &Global,
    command: &'static str,
    challenge_id: &str,
    decorate: Option<&dyn Fn(JsonResult) -> JsonResult>,
) -> Outcome {
    let outcome = Outcome::Interrupted;
    eprintln!(
        "\nStopped waiting. The terminal may still be prompting the customer (until they act or the prompt expires, 10 minutes by default).\nCheck the outcome with: authsignal-terminal wait {challenge_id}"
    );
    if g.json {
        let mut json = JsonResult::new(command, outcome);
        json.challenge_id = Some(challenge_id.to_string());
        json.status = Some("PENDING".to_string());
        print_json(&match decorate {
            Some(decorate) => decorate(json),
            None => json,
        });
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_need_a_unit() {
        assert_eq!(parse_duration("1500ms"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        for bad in ["", "10", "s", "1.5s", "-1s", "10 h", "10h"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_command_line_parses() {
        Cli::command().debug_assert();
    }

    use clap::CommandFactory;
}
