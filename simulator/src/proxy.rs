//! A tiny HTTP CONNECT proxy on loopback for tests: it opens tunnels, remembers where each
//! went, and maps [`PROXIED_HOST`](crate::PROXIED_HOST) to loopback (a client sends a
//! loopback base URL directly, so proxy tests name the simulator by that host). It never
//! reaches anything but 127.0.0.1.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex, PoisonError};

use crate::PROXIED_HOST;

/// The proxy; its threads end with the process (tests only).
pub struct ConnectProxy {
    /// Where it listens.
    pub addr: SocketAddr,
    tunnels: Arc<Mutex<Vec<String>>>,
}

impl ConnectProxy {
    /// Starts listening on a free loopback port.
    pub fn start() -> std::io::Result<ConnectProxy> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let tunnels = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&tunnels);
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let seen = Arc::clone(&seen);
                std::thread::spawn(move || tunnel(client, &seen));
            }
        });
        Ok(ConnectProxy { addr, tunnels })
    }

    /// The `host:port` of every CONNECT it was asked for, in order.
    pub fn tunnels(&self) -> Vec<String> {
        self.tunnels
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

fn tunnel(mut client: TcpStream, seen: &Mutex<Vec<String>>) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match client.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head);
    let Some(target) = head
        .strip_prefix("CONNECT ")
        .and_then(|l| l.split(' ').next())
        .map(str::to_string)
    else {
        let _ = client.write_all(b"HTTP/1.1 405 Only CONNECT\r\n\r\n");
        return;
    };
    seen.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(target.clone());
    let port = target.rsplit(':').next().unwrap_or_default();
    let host = &target[..target.len() - port.len() - 1];
    if ![PROXIED_HOST, "127.0.0.1", "localhost"].contains(&host) {
        let _ = client.write_all(b"HTTP/1.1 403 Loopback only\r\n\r\n");
        return;
    }
    let Ok(server) = TcpStream::connect(format!("127.0.0.1:{port}")) else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n");
        return;
    };
    let _ = client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
    let (Ok(mut c2), Ok(mut s2)) = (client.try_clone(), server.try_clone()) else {
        return;
    };
    let up = std::thread::spawn(move || {
        let _ = std::io::copy(&mut c2, &mut s2);
        let _ = s2.shutdown(Shutdown::Write);
    });
    let (mut s, mut c) = (server, client);
    let _ = std::io::copy(&mut s, &mut c);
    let _ = c.shutdown(Shutdown::Write);
    let _ = up.join();
}
