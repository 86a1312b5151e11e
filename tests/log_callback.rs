//! The C diagnostics hook, `as_set_log_callback`, as a C program uses it (its own test
//! binary: the sink is process-wide). Lines come at the four levels, say what was sent,
//! each answer's status and timing, the retries and the final failure; the level filter
//! holds; user_data comes back unchanged; NULL turns logging off; never an id or a body.

mod common;

use std::ffi::{c_char, c_void, CStr, CString};
use std::sync::Mutex;

use authsignal_terminal::ffi::as_result;
use authsignal_terminal::ffi::client::{
    as_client_create_payment_session_minor, as_client_get_payment_session,
};
use authsignal_terminal::ffi::log::{as_log_level, as_set_log_callback};
use authsignal_terminal::ffi::payment_session::{
    as_payment_session_challenge_id, as_payment_session_free,
};
use authsignal_terminal_sim::{Config, Simulator};

use common::{c_client, NORMAL, SECRET};

static LINES: Mutex<Vec<(usize, as_log_level, String)>> = Mutex::new(Vec::new());

extern "C" fn sink(user_data: *mut c_void, level: as_log_level, message: *const c_char) {
    // SAFETY: the library passes a NUL-terminated line valid for this call.
    let line = unsafe { CStr::from_ptr(message) }
        .to_string_lossy()
        .into_owned();
    common::lock(&LINES).push((user_data as usize, level, line));
}

fn take_lines() -> Vec<(usize, as_log_level, String)> {
    std::mem::take(&mut *common::lock(&LINES))
}

#[test]
fn the_log_callback_reports_requests_statuses_retries_and_timings() {
    let sim = Simulator::start(Config::default()).unwrap();
    let client = c_client(sim.base_url(), sim.ca_file(), NORMAL);
    let id = CString::new(format!("{SECRET}+fault=503+on=get")).unwrap();
    let user_data = 0x5eed_usize as *mut c_void;

    assert_eq!(
        unsafe { as_set_log_callback(Some(sink), user_data, 0) },
        as_result::InvalidArgument
    );
    assert_eq!(
        unsafe { as_set_log_callback(Some(sink), user_data, 5) },
        as_result::InvalidArgument
    );
    assert_eq!(
        unsafe { as_set_log_callback(Some(sink), user_data, 4) },
        as_result::Ok
    );
    take_lines();

    let mut s = std::ptr::null_mut();
    let r = unsafe {
        as_client_create_payment_session_minor(
            client.0,
            id.as_ptr(),
            1250,
            c"USD".as_ptr(),
            c"order-secret-ref".as_ptr(),
            &mut s,
        )
    };
    assert_eq!(r, as_result::Ok);
    // SAFETY: a live session; copied at once.
    let challenge = unsafe { CStr::from_ptr(as_payment_session_challenge_id(s)) }.to_owned();
    unsafe { as_payment_session_free(s) };
    let mut out = std::ptr::null_mut();
    let r = unsafe {
        as_client_get_payment_session(client.0, id.as_ptr(), challenge.as_ptr(), &mut out)
    };
    assert_eq!(r, as_result::ServerError);

    let lines = take_lines();
    let has = |level: as_log_level, needle: &str| {
        lines
            .iter()
            .any(|(_, l, line)| *l == level && line.contains(needle))
    };
    assert!(has(as_log_level::Debug, "POST /terminal/payment-session"));
    assert!(has(as_log_level::Debug, "sending"));
    assert!(has(as_log_level::Info, "HTTP 200 in "), "status and timing");
    assert!(has(as_log_level::Info, "HTTP 503 in "));
    assert!(has(as_log_level::Warn, "retrying in "), "the retries");
    assert!(has(as_log_level::Error, "giving up after 3 attempts"));
    for (data, _, line) in &lines {
        assert_eq!(*data, 0x5eed, "user_data comes back unchanged");
        assert!(!line.contains(SECRET), "no terminal id");
        assert!(!line.contains("order-secret-ref"), "no request body");
        assert!(!line.contains("\"status\""), "no answer body");
        assert!(!line.contains('\n'), "one line per call");
    }

    // Warn and above only.
    assert_eq!(
        unsafe { as_set_log_callback(Some(sink), user_data, 2) },
        as_result::Ok
    );
    let r = unsafe {
        as_client_get_payment_session(client.0, id.as_ptr(), challenge.as_ptr(), &mut out)
    };
    assert_eq!(r, as_result::ServerError);
    let lines = take_lines();
    assert!(!lines.is_empty());
    assert!(lines
        .iter()
        .all(|(_, l, _)| matches!(l, as_log_level::Warn | as_log_level::Error)));

    // Off.
    assert_eq!(
        unsafe { as_set_log_callback(None, std::ptr::null_mut(), 4) },
        as_result::Ok
    );
    let r = unsafe {
        as_client_get_payment_session(client.0, id.as_ptr(), challenge.as_ptr(), &mut out)
    };
    assert_eq!(r, as_result::ServerError);
    assert!(take_lines().is_empty(), "NULL turns logging off");
}
