//! authsignal-terminal-sim: a real HTTPS (or plain HTTP) server on loopback that behaves
//! like Authsignal's Terminal API, with outcomes and faults scripted through the terminal
//! id. Tests, examples, the demo and the benchmarks all run against it.
//!
//! ```no_run
//! use authsignal_terminal_sim::{Config, Simulator};
//! let sim = Simulator::start(Config::default())?;
//! println!("{} (CA {:?})", sim.base_url(), sim.ca_file());
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! See `simulator/README.md` for the endpoints, directives and faults.

mod api;
mod http;
mod proxy;
mod tls;

pub use proxy::ConnectProxy;
pub use tls::PROXIED_HOST;

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

/// Which server certificate a TLS simulator presents. Every kind is signed by the CA the
/// simulator writes out, so only the named defect makes a client refuse it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CertKind {
    /// Valid now, for `localhost`, `127.0.0.1`, `::1` and [`PROXIED_HOST`].
    #[default]
    Valid,
    /// Its validity ended in 2001.
    Expired,
    /// Names only `wrong-host.invalid`.
    WrongHost,
}

/// How to start a simulator.
#[derive(Debug, Clone)]
pub struct Config {
    /// The address to listen on (default `127.0.0.1`).
    pub host: String,
    /// The port; 0 (the default) picks a free one.
    pub port: u16,
    /// HTTPS with a CA made at start (default), or plain HTTP.
    pub tls: bool,
    /// How many GETs of a session answer `PENDING` before its outcome (default 2).
    pub polls: u32,
    /// Which server certificate to present.
    pub cert: CertKind,
    /// Where to write the CA certificate; default a temp file removed at stop.
    pub ca_out: Option<PathBuf>,
    /// Log one line per request on stderr (terminal ids redacted). Default off.
    pub log: bool,
    /// Close a kept-alive connection that stays idle (no next request) this long, as load
    /// balancers do. Default `None`: keep it open until the client closes it.
    pub idle_close: Option<std::time::Duration>,
    /// Seconds added to the `Date` header of every answer: a server whose clock is off
    /// (default 0).
    pub clock_offset: i64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            host: "127.0.0.1".to_string(),
            port: 0,
            tls: true,
            polls: 2,
            cert: CertKind::Valid,
            ca_out: None,
            log: false,
            idle_close: None,
            clock_offset: 0,
        }
    }
}

/// What the simulator has seen since it started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    /// TCP connections accepted.
    pub connections: u64,
    /// TLS handshakes completed (full or resumed).
    pub tls_handshakes: u64,
    /// API requests (not counting `/_sim/stats`).
    pub requests: u64,
}

/// What the simulator has seen from one exact terminal id (directives included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TerminalStats {
    /// `POST /terminal/payment-session` requests.
    pub creates: u64,
    /// `GET /terminal/payment-session/{id}` requests.
    pub gets: u64,
    /// Every API request with this id, refused or faulted ones too.
    pub requests: u64,
}

/// State shared by the acceptor and every connection.
pub(crate) struct Shared {
    pub(crate) base_url: String,
    pub(crate) default_polls: u32,
    pub(crate) log: bool,
    pub(crate) idle_close: Option<std::time::Duration>,
    pub(crate) clock_offset: i64,
    pub(crate) stopping: AtomicBool,
    pub(crate) connections: AtomicU64,
    pub(crate) tls_handshakes: AtomicU64,
    pub(crate) requests: AtomicU64,
    pub(crate) api: Mutex<api::State>,
    tls: Option<Arc<rustls::ServerConfig>>,
    open: Mutex<HashMap<u64, TcpStream>>,
}

/// A running simulator. Dropping it (or [`Simulator::stop`]) stops it and removes its
/// temp files.
pub struct Simulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    ca_file: Option<PathBuf>,
    temp_dir: Option<PathBuf>,
    acceptor: Option<JoinHandle<()>>,
}

impl Simulator {
    /// Binds, makes the certificates (for TLS) and starts serving.
    pub fn start(config: Config) -> io::Result<Simulator> {
        let listener = TcpListener::bind((config.host.as_str(), config.port))?;
        let addr = listener.local_addr()?;
        let host = match addr.ip() {
            IpAddr::V6(ip) => format!("[{ip}]"),
            IpAddr::V4(ip) => ip.to_string(),
        };
        let scheme = if config.tls { "https" } else { "http" };
        let base_url = format!("{scheme}://{host}:{}/v1", addr.port());

        let (tls, ca_file, temp_dir) = if config.tls {
            let made = tls::make(config.cert).map_err(io::Error::other)?;
            let (ca_file, temp_dir) = match &config.ca_out {
                Some(path) => (path.clone(), None),
                None => {
                    let dir = std::env::temp_dir().join(format!(
                        "authsignal-terminal-sim-{}-{}",
                        std::process::id(),
                        addr.port()
                    ));
                    std::fs::create_dir_all(&dir)?;
                    (dir.join("ca.pem"), Some(dir))
                }
            };
            std::fs::write(&ca_file, &made.ca_pem)?;
            (Some(made.server_config), Some(ca_file), temp_dir)
        } else {
            (None, None, None)
        };

        let shared = Arc::new(Shared {
            base_url,
            default_polls: config.polls,
            log: config.log,
            idle_close: config.idle_close,
            clock_offset: config.clock_offset,
            stopping: AtomicBool::new(false),
            connections: AtomicU64::new(0),
            tls_handshakes: AtomicU64::new(0),
            requests: AtomicU64::new(0),
            api: Mutex::new(api::State::default()),
            tls,
            open: Mutex::new(HashMap::new()),
        });
        let acceptor = {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name("sim-accept".into())
                .spawn(move || accept_loop(shared, listener))?
        };
        Ok(Simulator {
            shared,
            addr,
            ca_file,
            temp_dir,
            acceptor: Some(acceptor),
        })
    }

    /// The base URL clients use, e.g. `https://127.0.0.1:40123/v1`.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The base URL with [`PROXIED_HOST`] for its host: not loopback, so a client sends
    /// it through its proxy, which must map that name to this simulator's loopback port.
    pub fn proxied_base_url(&self) -> String {
        format!(
            "{}://{PROXIED_HOST}:{}/v1",
            if self.ca_file.is_some() {
                "https"
            } else {
                "http"
            },
            self.addr.port()
        )
    }

    /// The PEM file of the CA that signed the server certificate (None for plain HTTP).
    pub fn ca_file(&self) -> Option<&Path> {
        self.ca_file.as_deref()
    }

    /// Counts since start.
    pub fn stats(&self) -> Stats {
        self.shared.stats()
    }

    /// Counts for one exact terminal id (directives included).
    pub fn terminal_stats(&self, terminal_id: &str) -> TerminalStats {
        lock(&self.shared.api).terminal_stats(terminal_id)
    }

    /// Stops serving: closes the listener and every open connection.
    pub fn stop(mut self) -> Stats {
        self.shutdown();
        self.stats()
    }

    fn shutdown(&mut self) {
        let Some(acceptor) = self.acceptor.take() else {
            return;
        };
        self.shared.stopping.store(true, Ordering::SeqCst);
        // Wake the acceptor, which is blocked in accept().
        let wake = match self.addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        let _ = TcpStream::connect((wake, self.addr.port()));
        let _ = acceptor.join();
        for (_, stream) in lock(&self.shared.open).drain() {
            let _ = stream.shutdown(Shutdown::Both);
        }
        if let Some(dir) = &self.temp_dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.shutdown();
    }
}

impl Shared {
    pub(crate) fn stats(&self) -> Stats {
        Stats {
            connections: self.connections.load(Ordering::SeqCst),
            tls_handshakes: self.tls_handshakes.load(Ordering::SeqCst),
            requests: self.requests.load(Ordering::SeqCst),
        }
    }
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn accept_loop(shared: Arc<Shared>, listener: TcpListener) {
    let mut next_id = 0u64;
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else { continue };
        shared.connections.fetch_add(1, Ordering::SeqCst);
        next_id += 1;
        let id = next_id;
        if let Ok(clone) = stream.try_clone() {
            lock(&shared.open).insert(id, clone);
        }
        let shared = Arc::clone(&shared);
        let spawned = std::thread::Builder::new()
            .name("sim-conn".into())
            .spawn(move || {
                serve_connection(&shared, stream);
                lock(&shared.open).remove(&id);
            });
        if spawned.is_err() {
            eprintln!("sim: could not start a connection thread");
        }
    }
}

/// With idle_close: how long a handshake or a started request may take, read by read.
const IDLE_CLOSE_REQUEST_LIMIT: std::time::Duration = std::time::Duration::from_secs(10);

fn serve_connection(shared: &Shared, stream: TcpStream) {
    let _ = stream.set_nodelay(true);
    // With idle_close, a kept-alive connection on which no next request starts within that
    // time is closed, as a load balancer does. Only that wait is limited: a slow TLS
    // handshake or a request that arrives in pieces (a slow client, e.g. a debug build
    // under Wine with other tests running) is not idleness.
    let socket = stream.try_clone().ok();
    let idle = |waiting: bool| {
        if let (Some(socket), Some(idle)) = (&socket, shared.idle_close) {
            let limit = if waiting {
                idle
            } else {
                IDLE_CLOSE_REQUEST_LIMIT
            };
            let _ = socket.set_read_timeout(Some(limit.max(std::time::Duration::from_millis(1))));
        }
    };
    idle(false);
    // The socket itself, for a fault that writes bytes that are not TLS under TLS.
    let Some(raw) = socket.as_ref() else {
        return;
    };
    match &shared.tls {
        None => http::serve(shared, stream, raw, &idle),
        Some(config) => {
            let Ok(conn) = rustls::ServerConnection::new(Arc::clone(config)) else {
                return;
            };
            let mut tls = rustls::StreamOwned::new(conn, stream);
            while tls.conn.is_handshaking() {
                if let Err(e) = tls.conn.complete_io(&mut tls.sock) {
                    if shared.log {
                        eprintln!("sim: TLS handshake failed: {e}");
                    }
                    return;
                }
            }
            shared.tls_handshakes.fetch_add(1, Ordering::SeqCst);
            http::serve(shared, tls, raw, &idle);
        }
    }
}
