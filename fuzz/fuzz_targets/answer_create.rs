//! A create's answer: any status, any body. Never a panic; a session only from a 2xx
//! with a valid challenge id and status; a 2xx that cannot be read leaves the outcome
//! unknown; the terminal id never shows.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let (status, body) = authsignal_terminal_fuzz::answer(data);
    authsignal_terminal_fuzz::check_answer(status, body, true);
    // The body alone, as the parser of a 2xx sees it.
    let _ = authsignal_terminal::fuzzing::parse_session(data);
});
