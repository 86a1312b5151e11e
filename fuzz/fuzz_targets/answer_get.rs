//! A get's answer: any status, any body. A session only from a 2xx about the session
//! asked for; sent again only after 429, 502, 503 or 504; the outcome is never unknown
//! (a read creates nothing); the terminal id never shows.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let (status, body) = authsignal_terminal_fuzz::answer(data);
    authsignal_terminal_fuzz::check_answer(status, body, false);
});
