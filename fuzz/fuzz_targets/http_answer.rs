//! What a server sends on a connection, read as the transport reads an answer
//! (`src/http1.rs`): any bytes, arriving in pieces of any size (the first input byte). It
//! never panics, never gives a body over 64 KiB, and reads the same answer however the
//! bytes are split.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&piece, bytes)) = data.split_first() else {
        return;
    };
    let pieces = authsignal_terminal::fuzzing::read_answer(bytes, usize::from(piece).max(1));
    let whole = authsignal_terminal::fuzzing::read_answer(bytes, bytes.len().max(1));
    if let Ok((status, body)) = &pieces {
        assert!((100..=999).contains(status), "status {status}");
        assert!(body.len() <= 64 * 1024, "a body of {} bytes", body.len());
    }
    assert_eq!(
        pieces.as_ref().ok(),
        whole.as_ref().ok(),
        "the answer depends on how its bytes were split: {pieces:?} / {whole:?}"
    );
});
