//! `authsignal-terminal`: takes a payment on a paired Authsignal terminal, reads or waits
//! for one, and diagnoses the connection (`doctor`), for POS systems that start a program
//! and read its exit code, and for the help desk. Built on the Rust crate, so it behaves
//! exactly like the library. The terminal id comes only from `AUTHSIGNAL_TERMINAL_ID` or
//! `--terminal-id-file`, never from the command line, and is never printed in clear.

mod exit;
mod output;

use std::ffi::OsString;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use authsignal_terminal::{
    diagnose, redact_terminal_id, set_logger, CancelToken, Client, ClientOptions, Error, ErrorKind,
    JournalEntry, LogLevel, Money, PaymentSession, PaymentStatus, Region, Report, Setting, Verdict,
};
use clap::{Args, CommandFactory, Parser, Subcommand};

use exit::{Outcome, EXIT_CODES_HELP};
use output::{
    err, escape, out, print_json, JsonDoctor, JsonError, JsonForget, JsonResult, Progress, Style,
};

const TERMINAL_ID_VAR: &str = "AUTHSIGNAL_TERMINAL_ID";
/// The most a `--terminal-id-file` may hold: an id and some whitespace.
const MAX_TERMINAL_ID_FILE: u64 = 4096;

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
    /// Send requests through this HTTP CONNECT proxy (http://host:port, with
    /// user:password@ if needed) instead of the one HTTPS_PROXY / ALL_PROXY names. SOCKS
    /// proxies are refused.
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
    /// --reference the journal knows as pending, paid or unknown is refused (exit 10);
    /// `get` and `wait` record what they learn in it; `forget` clears a reference. Its
    /// folder must exist.
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
    /// Any value is taken (not UTF-8 too) so that it is refused with this reason, never
    /// echoed.
    #[arg(long, global = true, hide = true, num_args = 0..=1, value_name = "REFUSED",
          value_parser = clap::value_parser!(OsString))]
    terminal_id: Option<Option<OsString>>,
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
    /// say how to fix what fails. Never starts a payment. Without a terminal id, its check
    /// is skipped and the exit code is 12, not 0.
    #[command(after_help = EXIT_CODES_HELP)]
    Doctor,
    /// Forget a reference in the --journal, so the next `pay` for it is sent. Only once
    /// the shop has checked the terminal and the payment (get/wait) and is sure nothing
    /// was charged. Asks for confirmation at a terminal; elsewhere needs --yes. A paid
    /// reference is never forgotten (exit 10).
    #[command(after_help = EXIT_CODES_HELP)]
    Forget {
        /// The POS reference to forget.
        #[arg(long)]
        reference: String,
        /// Do not ask: the shop has confirmed that nothing was charged.
        #[arg(long)]
        yes: bool,
    },
}

impl Command {
    fn name(&self) -> &'static str {
        match self {
            Command::Pay(_) => "pay",
            Command::Get { .. } => "get",
            Command::Wait { .. } => "wait",
            Command::Doctor => "doctor",
            Command::Forget { .. } => "forget",
        }
    }
}

#[derive(Args)]
struct Pay {
    /// The amount in major units, written with digits and at most one decimal point,
    /// e.g. 12.50 (at most as many decimals as the currency has; no sign or exponent).
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
    // The messages never repeat the value: clap shows it, redacted (see usage_error).
    let number: u64 = number
        .parse()
        .map_err(|_| "not a duration: write it like 1500ms, 10s or 2m".to_string())?;
    match unit {
        "ms" => Ok(Duration::from_millis(number)),
        "s" => Ok(Duration::from_secs(number)),
        "m" => Ok(Duration::from_secs(number.saturating_mul(60))),
        "" => Err("no unit: write it like 1500ms, 10s or 2m".to_string()),
        _ => Err("unknown unit: the units are ms, s and m (1500ms, 10s, 2m)".to_string()),
    }
}

/// A failure that ends a command before it has a payment to report: its exit code, the
/// C ABI's name for it (`--json`'s `error.result`) and the message.
struct Stop {
    outcome: Outcome,
    result: String,
    message: String,
}

impl Stop {
    /// Invalid usage or input: nothing was sent.
    fn usage(message: impl Into<String>) -> Stop {
        Stop {
            outcome: Outcome::Usage,
            result: "AS_RESULT_INVALID_ARGUMENT".to_string(),
            message: message.into(),
        }
    }
}

impl From<Error> for Stop {
    fn from(e: Error) -> Self {
        Stop {
            outcome: Outcome::of_error(&e),
            result: output::result_name(&e),
            message: e.message().to_string(),
        }
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
    let usage = |flag: &str, e: Error| Stop::usage(format!("{flag}: {}", e.message()));
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
        Some(path) => read_terminal_id_file(path).map_err(|why| {
            Stop::usage(format!(
                "--terminal-id-file {}: {why}",
                shown_value(&path.to_string_lossy())
            ))
        })?,
        None => match std::env::var(TERMINAL_ID_VAR) {
            Ok(id) => id,
            Err(std::env::VarError::NotPresent) => return Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(Stop::usage(format!("{TERMINAL_ID_VAR} is not valid text")))
            }
        },
    };
    let id = id.trim();
    if id.is_empty() {
        return Err(Stop::usage(match &g.terminal_id_file {
            Some(path) => format!(
                "--terminal-id-file {} is empty",
                shown_value(&path.to_string_lossy())
            ),
            None => format!("{TERMINAL_ID_VAR} is empty"),
        }));
    }
    Ok(Some(id.to_string()))
}

/// Reads a terminal id file: a regular file of at most [`MAX_TERMINAL_ID_FILE`] bytes.
/// Anything else (a device such as /dev/zero, a pipe, a folder) is refused without
/// reading it, and a pipe is never waited on: the path is looked at before it is
/// opened, and opened without blocking in case it was swapped for a pipe meanwhile.
fn read_terminal_id_file(path: &Path) -> Result<String, String> {
    let not_regular = || {
        "is not a regular file (a device, pipe or folder): give the path of the file that \
         holds the terminal id"
            .to_string()
    };
    let cannot = |e: std::io::Error| format!("cannot be read: {e}");
    let meta = std::fs::metadata(path).map_err(cannot)?;
    if !meta.is_file() {
        return Err(not_regular());
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let file = options.open(path).map_err(cannot)?;
    if !file.metadata().map_err(cannot)?.is_file() {
        return Err(not_regular());
    }
    let mut bytes = Vec::new();
    file.take(MAX_TERMINAL_ID_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_TERMINAL_ID_FILE {
        return Err(format!(
            "is larger than {MAX_TERMINAL_ID_FILE} bytes: the file must hold only the terminal id"
        ));
    }
    String::from_utf8(bytes).map_err(|_| "is not UTF-8 text".to_string())
}

fn required(id: Option<String>) -> Result<String, Stop> {
    id.ok_or_else(|| {
        Stop::usage(format!(
            "no terminal id: set {TERMINAL_ID_VAR} or pass --terminal-id-file PATH"
        ))
    })
}

/// A value typed on the command line, as an error may show it: at most its last 4
/// characters, as the library shows a terminal id (a terminal id typed in the wrong
/// place is then never printed in clear).
fn shown_value(value: &str) -> String {
    redact_terminal_id(value)
}

/// Refuses a value the tool would send or print (a challenge id, a reference) when it
/// holds the terminal id: typed in the wrong place, it must go nowhere.
fn not_the_terminal_id(what: &str, value: &str, id: Option<&str>) -> Result<(), Stop> {
    if id.is_some_and(|id| !id.is_empty() && value.contains(id)) {
        return Err(Stop::usage(format!(
            "{what} holds the terminal id, which is a secret: it goes only in {TERMINAL_ID_VAR} \
             or the --terminal-id-file. Nothing was sent"
        )));
    }
    Ok(())
}

/// What a second Ctrl-C reports: how far the command got.
#[derive(Clone, Default)]
struct SoFar {
    command: &'static str,
    json: bool,
    /// Nothing to protect yet (no create, no wait): the first Ctrl-C ends the program.
    stop_at_once: bool,
    /// A create is on its way: its outcome is unknown until it answers.
    creating: bool,
    challenge_id: Option<String>,
    reference: Option<String>,
    amount: Option<String>,
    currency: Option<String>,
    /// The command that checks the payment, with this run's options.
    check: Option<String>,
}

static SO_FAR: Mutex<Option<SoFar>> = Mutex::new(None);

fn so_far(update: impl FnOnce(&mut SoFar)) {
    let mut state = SO_FAR.lock().unwrap_or_else(PoisonError::into_inner);
    update(state.get_or_insert_with(SoFar::default));
}

/// Counts Ctrl-C presses. The first cancels the wait (during a create, which cannot be
/// stopped without losing its answer, it says so at once and the create goes on), or
/// ends the program when there is nothing to wait for; the second ends the program. The
/// program ends printing what is known so far (with `--json`, one object).
fn install_ctrl_c(token: CancelToken) {
    let presses = Arc::new(AtomicU32::new(0));
    let result = ctrlc::set_handler(move || {
        let state = SO_FAR
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
            .unwrap_or_default();
        if presses.fetch_add(1, Ordering::AcqRel) == 0 && !state.stop_at_once {
            token.cancel();
            if state.creating {
                err(
                    "\nCtrl-C: waiting for the create's answer so the payment is not lost \
                     (Ctrl-C again stops at once: the terminal may then be prompting with \
                     nobody waiting for it).",
                );
            }
            return;
        }
        output::finish_and_exit(Outcome::Interrupted.code(), || stopped(&state));
    });
    if let Err(e) = result {
        err(&format!("authsignal-terminal: Ctrl-C cannot be handled here ({e}); it will end the program at once"));
    }
}

/// The second Ctrl-C's report.
fn stopped(state: &SoFar) {
    let message = if state.creating {
        "stopped while the create was being sent: its outcome is unknown. The terminal may be \
         prompting or may have charged: check it before paying again"
            .to_string()
    } else if let Some(check) = &state.check {
        format!(
            "stopped. The terminal may still be prompting the customer: check the outcome with: {check}"
        )
    } else {
        "stopped".to_string()
    };
    err(&format!("\nauthsignal-terminal: {message}"));
    if state.json {
        let mut json = JsonResult::new(state.command, Outcome::Interrupted);
        json.challenge_id = state.challenge_id.clone();
        json.status = state.challenge_id.as_ref().map(|_| "PENDING".to_string());
        json.reference = state.reference.clone();
        json.amount = state.amount.clone();
        json.currency = state.currency.clone();
        json.error = Some(JsonError {
            result: "AS_RESULT_CANCELLED".to_string(),
            message,
            http_status: None,
            server_code: None,
            outcome_unknown: state.creating,
        });
        print_json(&json);
    }
}

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    if let Ok(id) = std::env::var(TERMINAL_ID_VAR) {
        output::set_secret(id.trim());
    }
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => return usage_error(e, &args),
    };
    let g = &cli.global;
    let command = cli.command.name();
    let outcome = match run(&cli) {
        Ok(outcome) => outcome,
        Err(Stop {
            outcome,
            result,
            message,
        }) => {
            output::finish_once(|| {
                if g.json {
                    let mut json = JsonResult::new(command, outcome);
                    json.error = Some(JsonError {
                        result,
                        message: message.clone(),
                        http_status: None,
                        server_code: None,
                        outcome_unknown: false,
                    });
                    print_json(&json);
                }
                err(&format!("authsignal-terminal: {}", escape(&message)));
            });
            outcome
        }
    };
    ExitCode::from(outcome.code())
}

/// A command line clap refused: exit 2, with clap's message but every value typed
/// redacted (clap quotes the offending value: it may be a terminal id typed in the
/// wrong place), and one JSON object with `--json`.
fn usage_error(mut e: clap::Error, args: &[OsString]) -> ExitCode {
    use clap::error::{ContextKind, ContextValue, ErrorKind as K};
    if matches!(e.kind(), K::DisplayHelp | K::DisplayVersion) {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    let known = known_names();
    // What was typed, unless it is one of the tool's own names ("--wait <DURATION>").
    let redact = |value: &str| {
        let ours = known
            .iter()
            .any(|name| value == name || value.starts_with(&format!("{name} ")));
        if ours {
            value.to_string()
        } else {
            shown_value(value)
        }
    };
    for kind in [
        ContextKind::InvalidArg,
        ContextKind::InvalidValue,
        ContextKind::InvalidSubcommand,
    ] {
        let redacted = match e.get(kind) {
            Some(ContextValue::String(value)) => ContextValue::String(redact(value)),
            Some(ContextValue::Strings(values)) => {
                ContextValue::Strings(values.iter().map(|v| redact(v)).collect())
            }
            _ => continue,
        };
        e.insert(kind, redacted);
    }
    // Tips such as "to pass 'VALUE' as a value, use '-- VALUE'" repeat what was typed.
    e.remove(ContextKind::Suggested);
    let mut text = e.render().to_string();
    // Anything else typed that the text still holds, long enough to be an id.
    let mut typed: Vec<String> = args
        .iter()
        .skip(1)
        .flat_map(|arg| {
            let arg = arg.to_string_lossy().into_owned();
            let value = arg.split_once('=').map(|(_, v)| v.to_string());
            std::iter::once(arg).chain(value)
        })
        .filter(|t| t.chars().count() >= 12 && !known.contains(t))
        .collect();
    typed.sort_by_key(|t| std::cmp::Reverse(t.len()));
    for t in typed {
        text = text.replace(&t, &shown_value(&t));
    }
    let text = output::escape_lines(&text);
    if args.iter().any(|a| a == "--json") {
        let command = args
            .iter()
            .skip(1)
            .find_map(|a| {
                ["pay", "get", "wait", "doctor", "forget"]
                    .into_iter()
                    .find(|c| a == *c)
            })
            .unwrap_or("");
        let mut json = JsonResult::new(command, Outcome::Usage);
        json.error = Some(JsonError {
            result: "AS_RESULT_INVALID_ARGUMENT".to_string(),
            message: text
                .lines()
                .next()
                .unwrap_or_default()
                .trim_start_matches("error: ")
                .to_string(),
            http_status: None,
            server_code: None,
            outcome_unknown: false,
        });
        print_json(&json);
    }
    err(text.trim_end());
    ExitCode::from(Outcome::Usage.code())
}

/// The tool's own words (commands and long options), which an error may repeat freely.
fn known_names() -> Vec<String> {
    let cli = Cli::command();
    let mut names: Vec<String> = Vec::new();
    let mut add = |cmd: &clap::Command| {
        names.push(cmd.get_name().to_string());
        for arg in cmd.get_arguments() {
            if let Some(long) = arg.get_long() {
                names.push(format!("--{long}"));
            }
        }
    };
    add(&cli);
    for sub in cli.get_subcommands() {
        add(sub);
    }
    names
}

fn run(cli: &Cli) -> Result<Outcome, Stop> {
    let g = &cli.global;
    let token = CancelToken::new();
    so_far(|s| {
        s.command = cli.command.name();
        s.json = g.json;
        s.stop_at_once = true;
    });
    install_ctrl_c(token.clone());
    if g.terminal_id.is_some() {
        return Err(Stop::usage(format!(
            "--terminal-id is refused: a terminal id on the command line is visible to every user of this machine (ps, shell history). Set {TERMINAL_ID_VAR} or use --terminal-id-file PATH"
        )));
    }
    if g.verbose {
        let _ = set_logger(
            Some(Arc::new(|level: LogLevel, line: &str| {
                err(&format!("authsignal-terminal: {level:?}: {}", escape(line)));
            })),
            LogLevel::Debug,
        );
    }
    let terminal_id = terminal_id(g)?;
    if let Some(id) = &terminal_id {
        output::set_secret(id);
    }
    let id = terminal_id.as_deref();
    match &cli.command {
        Command::Pay(pay) => {
            not_the_terminal_id("--reference", pay.reference.as_deref().unwrap_or(""), id)?
        }
        Command::Get { challenge_id } | Command::Wait { challenge_id, .. } => {
            not_the_terminal_id("the challenge id", challenge_id, id)?
        }
        Command::Forget { reference, .. } => not_the_terminal_id("--reference", reference, id)?,
        Command::Doctor => {}
    }
    let money = match &cli.command {
        Command::Pay(pay) => Some(pay_money(pay)?),
        _ => None,
    };
    let (options, sources) = client_options(g)?;
    let client = Client::new(&options)?;
    match &cli.command {
        Command::Doctor => Ok(doctor(g, &client, id, &sources)),
        Command::Forget { reference, yes } => forget(g, &client, reference, *yes),
        Command::Pay(pay) => {
            let id = required(terminal_id)?;
            let money = money.ok_or_else(|| Stop::usage("--amount or --minor is required"))?;
            pay_command(g, &client, &id, pay, money, &token)
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
            so_far(|s| {
                s.stop_at_once = false;
                s.challenge_id = Some(challenge_id.clone());
                s.check = Some(command_line(g, &["wait", challenge_id]));
            });
            let progress = Progress::start(!g.json);
            let result = client.wait_payment_session(&id, challenge_id, *timeout, Some(&token));
            progress.finish();
            if let Err(e) = &result {
                if Outcome::of_error(e) == Outcome::Interrupted {
                    return Ok(interrupted(g, "wait", challenge_id, &Shown::default()));
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
    output::finish_once(|| {
        if g.json {
            print_json(&JsonDoctor {
                command: "doctor",
                exit_code: outcome.code(),
                outcome: outcome.name(),
                diagnosis: &report,
            });
        } else {
            out(Style::for_stdout().diagnosis(&report).trim_end());
        }
    });
    outcome
}

/// The exit code of a diagnosis: by the first failed check; 12 when none failed but one
/// was skipped (no terminal id given: a skipped check is not a pass); 0 otherwise.
fn doctor_outcome(report: &Report) -> Outcome {
    match report.first_failure() {
        None if report.checks.iter().any(|c| c.verdict == Verdict::Skipped) => Outcome::Incomplete,
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

/// `forget --reference R`: drops what the journal knows about R, so the next `pay` for
/// it is sent. Never for a paid reference; confirmed at a terminal, or with --yes.
fn forget(g: &Global, client: &Client, reference: &str, yes: bool) -> Result<Outcome, Stop> {
    if g.journal.is_none() {
        return Err(Stop::usage(
            "forget needs --journal PATH: the journal that refused the reference",
        ));
    }
    let entry = match client.find_payment_session(reference) {
        Ok(entry) => Some(entry),
        Err(e) if e.kind() == ErrorKind::NotFound => None,
        Err(e) => return Err(e.into()),
    };
    let shown = escape(reference);
    let print = |outcome: Outcome, text: &str, forgotten: bool, error: Option<JsonError>| {
        output::finish_once(|| {
            if g.json {
                print_json(&JsonForget {
                    command: "forget",
                    exit_code: outcome.code(),
                    outcome: outcome.name(),
                    reference: reference.to_string(),
                    challenge_id: entry
                        .as_ref()
                        .and_then(|e| e.challenge_id().map(str::to_string)),
                    status: entry
                        .as_ref()
                        .and_then(|e| e.status_raw().map(str::to_string)),
                    forgotten,
                    error,
                });
            } else {
                out(text);
            }
        });
        outcome
    };
    let Some(entry) = &entry else {
        return Ok(print(
            Outcome::Completed,
            &format!("The journal knows no payment for reference \"{shown}\": nothing to forget."),
            false,
            None,
        ));
    };
    let what = describe_entry(entry);
    if entry.status() == Some(PaymentStatus::Completed) {
        let message = format!(
            "reference \"{shown}\" is paid ({what}): forgetting it would let the next pay \
             charge it again. Nothing was changed"
        );
        return Ok(print(
            Outcome::DuplicateReference,
            &format!("DUPLICATE_REFERENCE: {message}"),
            false,
            Some(JsonError {
                result: "AS_RESULT_DUPLICATE_REFERENCE".to_string(),
                message,
                http_status: None,
                server_code: None,
                outcome_unknown: false,
            }),
        ));
    }
    if !yes {
        if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
            return Err(Stop::usage(format!(
                "forget --reference \"{shown}\" ({what}) needs --yes when not run at a \
                 terminal: the next pay for it will be sent. Only once the shop has checked \
                 the terminal and the payment and is sure nothing was charged. Nothing was \
                 forgotten"
            )));
        }
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            format!(
                "Reference \"{shown}\" in the journal: {what}.\nForget it only once the \
                 shop has checked the terminal and the payment and is sure nothing was \
                 charged: the next pay for this reference will be sent.\nForget it? Type yes: "
            )
            .as_bytes(),
        );
        let mut answer = String::new();
        let _ = std::io::stdin().read_line(&mut answer);
        if answer.trim() != "yes" {
            return Err(Stop::usage("not confirmed: nothing was forgotten"));
        }
    }
    client.forget_reference(reference)?;
    Ok(print(
        Outcome::Completed,
        &format!("Forgotten: reference \"{shown}\" ({what}). The next pay for it will be sent."),
        true,
        None,
    ))
}

/// What the journal knows, in words.
fn describe_entry(entry: &JournalEntry) -> String {
    match (entry.challenge_id(), entry.status_raw()) {
        (Some(challenge_id), Some(status)) => {
            format!(
                "payment session {challenge_id}, last seen {}",
                escape(status)
            )
        }
        _ => "a create of unknown outcome: sent, no answer".to_string(),
    }
}

/// How the amount, currency and journal state of a `pay` are shown beside its result.
#[derive(Default)]
struct Shown {
    amount: Option<String>,
    currency: Option<String>,
    reference: Option<String>,
    /// The create's answer could not be recorded in the journal.
    journal_error: Option<String>,
    /// Lines of advice printed after an error (text output).
    advice: Vec<String>,
}

/// An amount as shown: with exactly the currency's minor-unit digits ("12.50", "1000",
/// "1.234"), from the exact amount the library will send.
fn shown_amount(money: &Money) -> String {
    let exponent = money.currency().exponent();
    let minor = money.minor_units();
    if exponent == 0 {
        return minor.to_string();
    }
    let scale = 10i64.pow(exponent);
    format!(
        "{}.{:0width$}",
        minor / scale,
        minor % scale,
        width = exponent as usize
    )
}

/// The amount `pay` charges: `--minor` exactly, or `--amount` written with digits and
/// at most one decimal point (no sign, exponent, spaces inside or bare point), then
/// through the library's own rules for major amounts.
fn pay_money(pay: &Pay) -> Result<Money, Stop> {
    let usage = |e: Error| Stop::usage(e.message().to_string());
    match (&pay.amount, pay.minor) {
        (_, Some(minor)) => Money::from_minor(minor, &pay.currency).map_err(usage),
        (Some(text), None) => {
            let text = text.trim();
            let (whole, fraction) = text.split_once('.').unwrap_or((text, "0"));
            let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
            if !digits(whole) || !digits(fraction) {
                return Err(Stop::usage(
                    "--amount must be written with digits and at most one decimal point, like \
                     12.50 or 0.50 (no sign, exponent or spaces); or pass --minor",
                ));
            }
            let amount: f64 = text
                .parse()
                .map_err(|_| Stop::usage("--amount is not a number: write it like 12.50"))?;
            Money::from_major(amount, &pay.currency).map_err(usage)
        }
        (None, None) => Err(Stop::usage("--amount or --minor is required")),
    }
}

fn pay_command(
    g: &Global,
    client: &Client,
    id: &str,
    pay: &Pay,
    money: Money,
    token: &CancelToken,
) -> Result<Outcome, Stop> {
    let reference = pay.reference.as_deref().filter(|r| !r.is_empty());
    let mut shown = Shown {
        amount: Some(shown_amount(&money)),
        currency: Some(money.currency().to_string()),
        reference: reference.map(str::to_string),
        ..Shown::default()
    };
    so_far(|s| {
        s.stop_at_once = false;
        s.creating = true;
        s.reference = shown.reference.clone();
        s.amount = shown.amount.clone();
        s.currency = shown.currency.clone();
    });
    let created = client.create(id, money, reference);
    let session = match created {
        Ok(session) => session,
        Err(e) => {
            so_far(|s| s.creating = false);
            if e.kind() == ErrorKind::DuplicateReference {
                if let Some(reference) = reference {
                    shown.advice = refusal_advice(g, client, reference);
                }
            }
            return Ok(finish("pay", g, Err((e, None)), &shown));
        }
    };
    let challenge_id = session.challenge_id().to_string();
    so_far(|s| {
        s.creating = false;
        s.challenge_id = Some(challenge_id.clone());
        s.check = Some(command_line(g, &["wait", &challenge_id]));
    });
    shown.journal_error = session.journal_error().map(str::to_string);
    if !g.json {
        err(&format!(
            "Payment started: {} {}, challenge id {challenge_id}. The terminal is prompting the customer.",
            shown.amount.as_deref().unwrap_or_default(),
            shown.currency.as_deref().unwrap_or_default(),
        ));
    }
    if token.is_cancelled() {
        return Ok(interrupted(g, "pay", &challenge_id, &shown));
    }
    if pay.no_wait {
        return Ok(finish("pay", g, Ok(session), &shown));
    }
    let progress = Progress::start(!g.json);
    let result = client.wait_payment_session(id, &challenge_id, pay.wait, Some(token));
    progress.finish();
    match result {
        Err(e) if Outcome::of_error(&e) == Outcome::Interrupted => {
            Ok(interrupted(g, "pay", &challenge_id, &shown))
        }
        // A wait that failed after the create leaves the session as it was: say so.
        Err(e) => Ok(finish("pay", g, Err((e, Some(session))), &shown)),
        Ok(done) => Ok(finish("pay", g, Ok(done), &shown)),
    }
}

/// What to do after the journal refused `reference`: only safe steps, with the options
/// this run used (the same journal above all), never "pay again later".
fn refusal_advice(g: &Global, client: &Client, reference: &str) -> Vec<String> {
    let forget = command_line(g, &["forget", "--reference", reference]);
    match client.find_payment_session(reference) {
        Ok(entry) => match (entry.challenge_id(), entry.status()) {
            (Some(challenge_id), Some(PaymentStatus::Completed)) => vec![format!(
                "The reference is paid: do not charge it again. See it with: {}",
                command_line(g, &["get", challenge_id])
            )],
            (Some(challenge_id), _) => vec![
                format!(
                    "Check the payment with: {}",
                    command_line(g, &["wait", challenge_id])
                ),
                format!(
                    "Only if it FAILED or EXPIRED, or the shop is sure nothing was charged: {forget}"
                ),
            ],
            _ => vec![format!(
                "Check the terminal and the payment in Authsignal; only once the shop is sure \
                 nothing was charged: {forget}"
            )],
        },
        Err(_) => vec![format!(
            "Check the terminal and the payment; only once the shop is sure nothing was \
             charged: {forget}"
        )],
    }
}

/// `authsignal-terminal` with the options of this run that reach the same server and
/// journal (never the terminal id: it comes from the environment or its file), then
/// `tail`, quoted for a POSIX shell.
fn command_line(g: &Global, tail: &[&str]) -> String {
    let mut words: Vec<String> = vec!["authsignal-terminal".to_string()];
    let mut add = |flag: &str, value: Option<String>| {
        words.push(flag.to_string());
        words.extend(value);
    };
    if let Some(region) = &g.region {
        add("--region", Some(region.clone()));
    }
    if let Some(url) = &g.base_url {
        add("--base-url", Some(url.clone()));
    }
    if let Some(path) = &g.ca_file {
        add("--ca-file", Some(path.to_string_lossy().into_owned()));
    }
    if g.system_roots {
        add("--system-roots", None);
    }
    // A proxy's password is not printed: such a proxy is left for the reader to add.
    let mut note = "";
    if let Some(proxy) = &g.proxy {
        if proxy.contains('@') {
            note = " (with your --proxy)";
        } else {
            add("--proxy", Some(proxy.clone()));
        }
    }
    if let Some(t) = g.connect_timeout {
        add("--connect-timeout", Some(format!("{}ms", t.as_millis())));
    }
    if let Some(t) = g.request_timeout {
        add("--request-timeout", Some(format!("{}ms", t.as_millis())));
    }
    if let Some(path) = &g.terminal_id_file {
        add(
            "--terminal-id-file",
            Some(path.to_string_lossy().into_owned()),
        );
    }
    if let Some(path) = &g.journal {
        add("--journal", Some(path.to_string_lossy().into_owned()));
    }
    words.extend(tail.iter().map(|w| w.to_string()));
    let line: Vec<String> = words.iter().map(|w| shell_word(w)).collect();
    format!("{}{note}", line.join(" "))
}

/// A word as a POSIX shell reads it back: as it is when it holds only safe characters,
/// else in single quotes (control characters escaped: such a word is shown, not pasted).
fn shell_word(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:@%+=,".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else {
        format!("'{}'", escape(word).replace('\'', r"'\''"))
    }
}

fn report_read(
    command: &'static str,
    g: &Global,
    result: Result<PaymentSession, Error>,
) -> Outcome {
    finish(command, g, result.map_err(|e| (e, None)), &Shown::default())
}

/// Prints how a command ended and returns its exit code. An error may come with the
/// session it concerns (a wait that failed after a create).
///
/// A journal that could not record a real payment (its file deleted or replaced while
/// the command ran) does not change the exit code: it stays the payment's, since a POS
/// that read "journal failed, nothing was sent" could charge again. The journal's
/// failure is reported beside it: on stderr, and as `journal_error` with `--json`.
fn finish(
    command: &'static str,
    g: &Global,
    result: Result<PaymentSession, (Error, Option<PaymentSession>)>,
    shown: &Shown,
) -> Outcome {
    let style = Style::for_stdout();
    let decorate = |mut json: JsonResult| {
        if json.amount.is_none() {
            json.amount = shown.amount.clone();
            json.currency = shown.currency.clone();
        }
        if json.journal_error.is_none() {
            json.journal_error = shown.journal_error.clone();
        }
        json
    };
    let journal_warning = |journal_error: Option<&str>, challenge_id: &str| {
        if let Some(message) = journal_error.or(shown.journal_error.as_deref()) {
            err(&format!(
                "authsignal-terminal: JOURNAL: {}\nThe payment's status above is real, but the \
                 journal did not record it, so the journal would not refuse another pay for \
                 this reference: do not pay for it again before checking it: {}",
                escape(message),
                command_line(g, &["get", challenge_id])
            ));
        }
    };
    match result {
        Ok(session) => {
            let outcome = Outcome::of_status(session.status());
            output::finish_once(|| {
                if g.json {
                    print_json(&decorate(
                        JsonResult::new(command, outcome).with_session(&session),
                    ));
                } else {
                    let status = style.outcome(outcome, &escape(session.status_raw()));
                    let what = match outcome {
                        Outcome::Completed => "the customer approved the payment",
                        Outcome::Failed => "the payment was declined or failed",
                        Outcome::Expired => "nobody acted on the terminal in time",
                        Outcome::Pending => "the terminal is still prompting; wait again later",
                        _ => "a status this version does not know; check the payment in Authsignal",
                    };
                    let reference = session
                        .reference()
                        .map(|r| format!(", reference {}", escape(r)))
                        .unwrap_or_default();
                    out(&format!(
                        "{status}: {what} (challenge id {}{reference})",
                        session.challenge_id()
                    ));
                    journal_warning(session.journal_error(), session.challenge_id());
                }
            });
            outcome
        }
        Err((e, session)) => {
            let outcome = Outcome::of_error(&e);
            output::finish_once(|| {
                if g.json {
                    let mut json = JsonResult::new(command, outcome);
                    if let Some(session) = &session {
                        json = json.with_session(session);
                    } else if outcome == Outcome::DuplicateReference {
                        json.reference = shown.reference.clone();
                    }
                    json.error = Some(JsonError::from(&e));
                    print_json(&decorate(json));
                } else {
                    let label = style.outcome(outcome, outcome.name());
                    out(&format!("{label}: {}", escape(e.message())));
                    if let Some(session) = &session {
                        out(&format!(
                            "The payment was started (challenge id {}); check it with: {}",
                            session.challenge_id(),
                            command_line(g, &["wait", session.challenge_id()])
                        ));
                    } else if e.outcome_unknown() {
                        out("The terminal may be prompting: check it before paying again.");
                    }
                    for line in &shown.advice {
                        out(line);
                    }
                    if let Some(session) = &session {
                        journal_warning(None, session.challenge_id());
                    }
                }
            });
            outcome
        }
    }
}

/// Ctrl-C during a wait: the payment is not cancelled, only the waiting.
fn interrupted(g: &Global, command: &'static str, challenge_id: &str, shown: &Shown) -> Outcome {
    let outcome = Outcome::Interrupted;
    output::finish_once(|| {
        err(&format!(
            "\nStopped waiting. The terminal may still be prompting the customer (until they act or the prompt expires, 10 minutes by default).\nCheck the outcome with: {}",
            command_line(g, &["wait", challenge_id])
        ));
        if let Some(message) = &shown.journal_error {
            err(&format!(
                "authsignal-terminal: JOURNAL: {}",
                escape(message)
            ));
        }
        if g.json {
            let mut json = JsonResult::new(command, outcome);
            json.challenge_id = Some(challenge_id.to_string());
            json.status = Some("PENDING".to_string());
            json.reference = shown.reference.clone();
            json.amount = shown.amount.clone();
            json.currency = shown.currency.clone();
            json.journal_error = shown.journal_error.clone();
            print_json(&json);
        }
    });
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
    fn a_duration_error_names_the_problem_without_the_value() {
        assert!(parse_duration("1000000h")
            .unwrap_err()
            .contains("unknown unit"));
        assert!(parse_duration("10").unwrap_err().contains("no unit"));
        let secret = "tid_secret_value_ABCD";
        for bad in [secret.to_string(), format!("5{secret}")] {
            assert!(!parse_duration(&bad).unwrap_err().contains("secret"));
        }
    }

    #[test]
    fn amounts_are_shown_with_the_currencys_digits() {
        let shown = |minor, currency| shown_amount(&Money::from_minor(minor, currency).unwrap());
        assert_eq!(shown(1250, "USD"), "12.50");
        assert_eq!(shown(5, "USD"), "0.05");
        assert_eq!(shown(1000, "JPY"), "1000");
        assert_eq!(shown(1234, "BHD"), "1.234");
        assert_eq!(shown(10000, "CLF"), "1.0000");
    }

    #[test]
    fn advice_words_are_quoted_for_a_shell() {
        assert_eq!(shell_word("/var/lib/pos/j.sqlite"), "/var/lib/pos/j.sqlite");
        assert_eq!(shell_word("my journal"), "'my journal'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
        assert_eq!(shell_word("a\nb"), r"'a\nb'");
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn the_command_line_parses() {
        Cli::command().debug_assert();
    }
}
