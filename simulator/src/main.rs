//! `authsignal-terminal-sim`: runs the Terminal API simulator until SIGTERM or SIGINT.
//! Prints `BASE_URL=…`, `CA_FILE=…` (HTTPS only) and `READY` on stdout when it serves,
//! and `STATS {…}` when it stops. See simulator/README.md.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use authsignal_terminal_sim::{CertKind, Config, Simulator};

const USAGE: &str =
    "usage: authsignal-terminal-sim [--host 127.0.0.1] [--port 0] [--http] [--polls N]
                              [--ca-out PATH] [--cert valid|expired|wrong-host] [--quiet]
                              [--idle-close-ms N] [--clock-offset-s N]";

fn parse_args() -> Result<Config, String> {
    let mut config = Config {
        log: true,
        ..Config::default()
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--host" => config.host = value("--host")?,
            "--port" => {
                config.port = value("--port")?
                    .parse()
                    .map_err(|_| "--port needs a number from 0 to 65535")?
            }
            "--polls" => {
                config.polls = value("--polls")?
                    .parse()
                    .map_err(|_| "--polls needs a number")?
            }
            "--ca-out" => config.ca_out = Some(PathBuf::from(value("--ca-out")?)),
            "--cert" => {
                config.cert = match value("--cert")?.as_str() {
                    "valid" => CertKind::Valid,
                    "expired" => CertKind::Expired,
                    "wrong-host" => CertKind::WrongHost,
                    _ => return Err("--cert must be valid, expired or wrong-host".into()),
                }
            }
            "--idle-close-ms" => {
                let ms: u64 = value("--idle-close-ms")?
                    .parse()
                    .map_err(|_| "--idle-close-ms needs a number of milliseconds")?;
                config.idle_close = Some(std::time::Duration::from_millis(ms));
            }
            "--clock-offset-s" => {
                config.clock_offset = value("--clock-offset-s")?
                    .parse()
                    .map_err(|_| "--clock-offset-s needs a number of seconds")?
            }
            "--http" => config.tls = false,
            "--quiet" => config.log = false,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument: {other}")),
        }
    }
    Ok(config)
}

/// Blocks SIGTERM and SIGINT in this thread (and so in every thread it starts later), so
/// that `wait_for_stop` can take them synchronously.
fn block_stop_signals() -> libc::sigset_t {
    // SAFETY: plain libc calls on a sigset_t owned here.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGTERM);
        libc::sigaddset(&mut set, libc::SIGINT);
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        set
    }
}

fn wait_for_stop(set: &libc::sigset_t) {
    let mut signal = 0;
    // SAFETY: set is a valid, initialised sigset_t; signal is writable.
    while unsafe { libc::sigwait(set, &mut signal) } != 0 {}
}

fn main() -> ExitCode {
    let config = match parse_args() {
        Ok(config) => config,
        Err(why) => {
            eprintln!("authsignal-terminal-sim: {why}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let signals = block_stop_signals();
    let sim = match Simulator::start(config) {
        Ok(sim) => sim,
        Err(e) => {
            eprintln!("authsignal-terminal-sim: could not start: {e}");
            return ExitCode::from(1);
        }
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "BASE_URL={}", sim.base_url());
    if let Some(ca) = sim.ca_file() {
        let _ = writeln!(out, "CA_FILE={}", ca.display());
    }
    let _ = writeln!(out, "READY");
    let _ = out.flush();
    drop(out);

    wait_for_stop(&signals);
    let stats = sim.stop();
    println!(
        "STATS {{\"connections\":{},\"tls_handshakes\":{},\"requests\":{}}}",
        stats.connections, stats.tls_handshakes, stats.requests
    );
    ExitCode::SUCCESS
}
