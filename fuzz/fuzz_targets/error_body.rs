//! An error answer whose body repeats the terminal id anywhere: raw bytes, or JSON whose
//! code, error and description hold it (repeated, padded past the cut, split by control
//! characters, next to copies of its own tail). The property: the id never survives into
//! the message, the server code, the description or `Debug`, whatever surrounds it.
#![no_main]

use authsignal_terminal::fuzzing;

/// Characters an id may not have here, because they are the library's own text next to
/// the server's (`(code)`, `; ...`, and `Debug`'s quotes and escapes): an id spanning
/// them would be the library's words, not the server's.
const BORDERS: &[u8] = b"();\"\\";

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&len, rest)) = data.split_first() else {
        return;
    };
    let len = 1 + usize::from(len) % 64;
    if rest.len() < len + 2 {
        return;
    }
    let (id_bytes, rest) = rest.split_at(len);
    let id: String = id_bytes
        .iter()
        .map(|&b| 0x21 + b % 94)
        .map(|b| if BORDERS.contains(&b) { 'x' } else { b as char })
        .collect();
    if !fuzzing::is_valid_terminal_id(&id) {
        return;
    }
    let (mode, rest) = (rest[0], &rest[1..]);
    let status = [400, 401, 404, 409, 429, 500, 502, 503][usize::from(mode >> 5)];
    let text = String::from_utf8_lossy(rest).replace('@', &id);
    let body = if mode & 1 == 0 {
        text.into_bytes()
    } else {
        let mut parts = text.split('\u{fffd}');
        let mut next = || parts.next().unwrap_or("").to_string();
        let (code, error, description) = (next(), next(), next());
        let repeat = usize::from(mode >> 1 & 7) * 150;
        let description = format!("{}{description}{id}", description.repeat(repeat.max(1)));
        serde_json::json!({ "errorCode": code, "error": error, "errorDescription": description })
            .to_string()
            .into_bytes()
    };
    let e = fuzzing::error_from_status(status, &body, &id);
    for text in [e.server_code(), e.server_description()]
        .into_iter()
        .flatten()
    {
        assert!(!text.contains(&id), "the id survived in the server's text");
        assert!(!text.chars().any(char::is_control));
    }
    // The library's own words may hold a short id by chance ("the"): only the server's
    // part is checked there.
    let own = fuzzing::error_from_status(status, b"", &id);
    if !own.message().contains(&id) {
        assert!(!e.message().contains(&id), "the id survived in the message");
    }
    if !format!("{own:?}").contains(&id) {
        assert!(!format!("{e:?}").contains(&id), "the id survived in Debug");
    }
});
