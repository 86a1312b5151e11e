//! How the transport reads an answer's framing (`src/http1.rs`), against a plain HTTP
//! server on loopback that answers each request with a scripted answer: chunked bodies
//! (with extensions and trailers), bodies that end when the server closes, `1xx` interim
//! answers, `Connection: close`, and the broken ones (a bad chunk size, a body over
//! 64 KiB, two lengths). And whether the connection is kept: a framed, complete answer
//! leaves it for the next call; an answer that ends with the connection does not.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use authsignal_terminal::{Client, ClientOptions, ErrorKind};

const SESSION: &str = r#"{"challengeId":"ch_framing","status":"PENDING"}"#;

/// A server that answers every request on every connection with the next scripted
/// answer (the last one repeats), and counts connections.
struct Scripted {
    url: String,
    connections: Arc<AtomicUsize>,
}

impl Scripted {
    fn start(answers: Vec<Vec<u8>>) -> Scripted {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let connections = Arc::new(AtomicUsize::new(0));
        let answers = Arc::new(Mutex::new(answers));
        let counted = Arc::clone(&connections);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                counted.fetch_add(1, Ordering::SeqCst);
                let answers = Arc::clone(&answers);
                std::thread::spawn(move || serve(stream, &answers));
            }
        });
        Scripted { url, connections }
    }

    fn client(&self) -> Client {
        let mut options = ClientOptions::new();
        options.set_base_url(&self.url).unwrap();
        Client::new(&options).unwrap()
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

fn serve(stream: TcpStream, answers: &Mutex<Vec<Vec<u8>>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut stream = stream;
    loop {
        // The request's head, then its body by Content-Length.
        let mut length = 0usize;
        let mut line = String::new();
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            if line == "\r\n" {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let answer = {
            let mut answers = answers.lock().unwrap();
            if answers.len() > 1 {
                answers.remove(0)
            } else {
                answers[0].clone()
            }
        };
        let closes = answer.ends_with(b"\0close");
        let answer = answer.strip_suffix(b"\0close").unwrap_or(&answer);
        if stream.write_all(answer).is_err() {
            return;
        }
        if closes {
            return;
        }
    }
}

fn answer(head: &str, body: &[u8]) -> Vec<u8> {
    let mut a = head.replace('\n', "\r\n").into_bytes();
    a.extend_from_slice(body);
    a
}

/// Ends the connection after the answer.
fn then_close(mut a: Vec<u8>) -> Vec<u8> {
    a.extend_from_slice(b"\0close");
    a
}

fn chunked(body: &str) -> Vec<u8> {
    let (a, b) = body.split_at(10);
    format!(
        "{:x};ext=1\r\n{a}\r\n{:X}\r\n{b}\r\n0\r\nx-trailer: yes\r\n\r\n",
        a.len(),
        b.len()
    )
    .into_bytes()
}

fn get(client: &Client) -> Result<String, authsignal_terminal::Error> {
    client
        .get_payment_session("tid_framing_test", "ch_framing")
        .map(|s| s.challenge_id().to_string())
}

#[test]
fn a_chunked_answer_is_read_and_its_connection_kept() {
    let server = Scripted::start(vec![answer(
        "HTTP/1.1 200 OK\ncontent-type: application/json\ntransfer-encoding: chunked\n\n",
        &chunked(SESSION),
    )]);
    let client = server.client();
    for _ in 0..3 {
        assert_eq!(get(&client).unwrap(), "ch_framing");
    }
    assert_eq!(server.connections(), 1);
}

#[test]
fn interim_answers_are_skipped() {
    let server = Scripted::start(vec![answer(
        &format!(
            "HTTP/1.1 100 Continue\n\nHTTP/1.1 103 Early Hints\nlink: </x>\n\nHTTP/1.1 200 OK\ncontent-length: {}\n\n",
            SESSION.len()
        ),
        SESSION.as_bytes(),
    )]);
    assert_eq!(get(&server.client()).unwrap(), "ch_framing");
}

#[test]
fn an_answer_without_length_ends_with_the_connection_which_is_not_kept() {
    let server = Scripted::start(vec![then_close(answer(
        "HTTP/1.1 200 OK\n\n",
        SESSION.as_bytes(),
    ))]);
    let client = server.client();
    assert_eq!(get(&client).unwrap(), "ch_framing");
    assert_eq!(get(&client).unwrap(), "ch_framing");
    assert_eq!(server.connections(), 2);
}

#[test]
fn connection_close_and_http_1_0_are_not_kept() {
    for head in [
        format!(
            "HTTP/1.1 200 OK\nconnection: close\ncontent-length: {}\n\n",
            SESSION.len()
        ),
        format!("HTTP/1.0 200 OK\ncontent-length: {}\n\n", SESSION.len()),
    ] {
        let server = Scripted::start(vec![then_close(answer(&head, SESSION.as_bytes()))]);
        let client = server.client();
        assert_eq!(get(&client).unwrap(), "ch_framing");
        assert_eq!(get(&client).unwrap(), "ch_framing");
        assert_eq!(server.connections(), 2, "{head}");
    }
}

#[test]
fn broken_framing_is_a_protocol_error() {
    let big = "x".repeat(70 * 1024);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "a chunk size that is not hex",
            answer(
                "HTTP/1.1 200 OK\ntransfer-encoding: chunked\n\n",
                b"zz\r\nabc\r\n0\r\n\r\n",
            ),
        ),
        (
            "a chunk without its CRLF",
            answer(
                "HTTP/1.1 200 OK\ntransfer-encoding: chunked\n\n",
                b"3\r\nabcX\r\n0\r\n\r\n",
            ),
        ),
        (
            "a chunked body over 64 KiB",
            answer(
                "HTTP/1.1 200 OK\ntransfer-encoding: chunked\n\n",
                format!("{:x}\r\n{big}\r\n0\r\n\r\n", big.len()).as_bytes(),
            ),
        ),
        (
            "a body until close over 64 KiB",
            then_close(answer("HTTP/1.1 200 OK\n\n", big.as_bytes())),
        ),
        (
            "a Content-Length over 64 KiB",
            answer(
                &format!("HTTP/1.1 200 OK\ncontent-length: {}\n\n", big.len()),
                big.as_bytes(),
            ),
        ),
        (
            "two different lengths",
            answer(
                "HTTP/1.1 200 OK\ncontent-length: 2\ncontent-length: 3\n\n",
                b"abc",
            ),
        ),
        ("not HTTP", then_close(b"SSH-2.0-OpenSSH\r\n\r\n".to_vec())),
    ];
    for (what, a) in cases {
        let server = Scripted::start(vec![a]);
        let e = get(&server.client()).expect_err(what);
        assert_eq!(e.kind(), ErrorKind::Protocol, "{what}: {}", e.message());
    }
}

#[test]
fn an_answer_cut_short_is_a_network_error() {
    let server = Scripted::start(vec![then_close(answer(
        "HTTP/1.1 200 OK\ncontent-length: 100\n\n",
        b"{\"challengeId\"",
    ))]);
    let e = get(&server.client()).expect_err("cut short");
    assert_eq!(e.kind(), ErrorKind::Network, "{}", e.message());
}
