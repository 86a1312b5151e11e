//! Hostile input at the C boundary: property tests over every C entry point's arguments.
//! Strings are arbitrary bytes as C would pass them (invalid UTF-8, cut at an embedded
//! NUL, up to a megabyte, or NULL), doubles are any f64 (NaN, ±inf, subnormals, huge),
//! enums are any raw integer. Every call must return a documented result, never panic,
//! and leave its out-param NULL on failure. Requests go only to a plain-HTTP simulator on
//! loopback.

mod common;

use std::ffi::{c_char, CStr, CString};
use std::sync::OnceLock;

use authsignal_terminal::ffi::as_result;
use authsignal_terminal::ffi::cancel_token::{
    as_cancel_token_cancel, as_cancel_token_free, as_cancel_token_new,
};
use authsignal_terminal::ffi::client::{
    as_client, as_client_create_payment_session, as_client_create_payment_session_minor,
    as_client_free, as_client_get_payment_session, as_client_new, as_client_wait_payment_session,
};
use authsignal_terminal::ffi::client_options::{
    as_client_options, as_client_options_free, as_client_options_new,
    as_client_options_set_base_url, as_client_options_set_ca_file,
    as_client_options_set_connect_timeout_ms, as_client_options_set_poll_interval_ms,
    as_client_options_set_proxy, as_client_options_set_region,
    as_client_options_set_request_timeout_ms, as_client_options_set_use_system_roots,
    as_client_options_set_user_agent_suffix,
};
use authsignal_terminal::ffi::currency::as_currency_exponent;
use authsignal_terminal::ffi::default_client::{
    as_create_payment_session, as_create_payment_session_minor, as_get_payment_session,
    as_wait_payment_session,
};
use authsignal_terminal::ffi::error::{as_last_error_message, as_result_name, as_version};
use authsignal_terminal::ffi::log::as_set_log_callback;
use authsignal_terminal::ffi::payment_session::{
    as_payment_session, as_payment_session_challenge_id, as_payment_session_free,
    as_payment_session_reference, as_payment_session_status, as_payment_session_status_str,
};
use authsignal_terminal_sim::{Config, Simulator};
use proptest::prelude::*;

use common::{CClient, SECRET};

/// The plain-HTTP simulator every call goes to, and the default client's environment.
fn sim() -> &'static Simulator {
    static SIM: OnceLock<Simulator> = OnceLock::new();
    SIM.get_or_init(|| {
        let sim = Simulator::start(Config {
            tls: false,
            polls: 0,
            ..Config::default()
        })
        .unwrap();
        // Before the first one-call function builds the process-wide client.
        std::env::set_var("AUTHSIGNAL_TERMINAL_BASE_URL", sim.base_url());
        sim
    })
}

fn client() -> &'static CClient {
    static CLIENT: OnceLock<CClient> = OnceLock::new();
    CLIENT.get_or_init(|| {
        common::c_client(
            sim().base_url(),
            None,
            common::Timeouts {
                connect_ms: 1000,
                request_ms: 2000,
            },
        )
    })
}

/// A string argument as C passes it: NULL, or bytes up to the first NUL.
#[derive(Debug, Clone)]
struct Arg(Option<CString>);

impl Arg {
    fn ptr(&self) -> *const c_char {
        self.0.as_ref().map_or(std::ptr::null(), |s| s.as_ptr())
    }

    /// What the library should see: None for NULL or invalid UTF-8.
    fn text(&self) -> Option<&str> {
        self.0.as_ref().and_then(|s| s.to_str().ok())
    }
}

fn c_string(mut bytes: Vec<u8>) -> CString {
    if let Some(nul) = bytes.iter().position(|&b| b == 0) {
        bytes.truncate(nul);
    }
    CString::new(bytes).unwrap()
}

/// Any string a C caller could pass, weighted towards the interesting ones.
fn arg() -> impl Strategy<Value = Arg> {
    prop_oneof![
        1 => Just(Arg(None)),
        3 => proptest::collection::vec(any::<u8>(), 0..48).prop_map(|b| Arg(Some(c_string(b)))),
        3 => "[ -~]{0,40}".prop_map(|s| Arg(Some(c_string(s.into_bytes())))),
        2 => "[A-Za-z0-9_+=-]{1,40}".prop_map(|s| Arg(Some(c_string(s.into_bytes())))),
        1 => (any::<u8>(), 1usize..3).prop_map(|(b, mib)| {
            Arg(Some(c_string(vec![b.max(1); mib << 20])))
        }),
        1 => Just(Arg(Some(c_string("USD".into())))),
        1 => Just(Arg(Some(c_string(format!("{SECRET}_hostile").into_bytes())))),
        1 => Just(Arg(Some(c_string(vec![0xff, 0xfe, b'a'])))),
    ]
}

/// Checks the documented result of a call that hands out a session.
fn check_session_call(r: as_result, out: *mut as_payment_session, strings: &[&Arg]) {
    assert_ne!(r, as_result::Internal, "a caught panic: {}", last_message());
    if r == as_result::Ok {
        assert!(!out.is_null());
        assert!(!unsafe { as_payment_session_challenge_id(out) }.is_null());
        assert!(!unsafe { as_payment_session_status_str(out) }.is_null());
        let _ = unsafe { as_payment_session_status(out) };
        let _ = unsafe { as_payment_session_reference(out) };
        unsafe { as_payment_session_free(out) };
    } else {
        assert!(out.is_null(), "out is NULL on failure ({r:?})");
        let message = last_message();
        assert!(!message.is_empty());
        assert!(!message.contains(SECRET));
        if strings.iter().any(|a| a.text().is_none()) {
            assert_eq!(
                r,
                as_result::InvalidArgument,
                "NULL or bad UTF-8: {message}"
            );
        }
    }
}

fn check_plain(r: as_result, strings: &[&Arg]) {
    assert_ne!(r, as_result::Internal, "a caught panic: {}", last_message());
    if r != as_result::Ok {
        assert!(!last_message().is_empty());
    } else {
        assert!(last_message().is_empty());
    }
    if strings.iter().any(|a| a.text().is_none()) {
        assert_eq!(r, as_result::InvalidArgument);
    }
}

fn last_message() -> String {
    // SAFETY: never NULL, valid until this thread's next call; copied at once.
    unsafe { CStr::from_ptr(as_last_error_message()) }
        .to_string_lossy()
        .into_owned()
}

fn dangling() -> *mut as_payment_session {
    std::ptr::NonNull::dangling().as_ptr()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn create_with_any_arguments(
        id in arg(), amount in any::<f64>(), currency in arg(), reference in arg(),
        null_client in proptest::bool::weighted(0.05),
    ) {
        let c: *const as_client = if null_client { std::ptr::null() } else { client().0 };
        let mut out = dangling();
        let r = unsafe { as_client_create_payment_session(
            c, id.ptr(), amount, currency.ptr(), reference.ptr(), &mut out) };
        check_session_call(r, out, &[&id, &currency]);
        if !amount.is_finite() || amount <= 0.0 {
            prop_assert_ne!(r, as_result::Ok);
        }
        // The out-param itself NULL: refused, nothing written anywhere.
        let r = unsafe { as_client_create_payment_session(
            c, id.ptr(), amount, currency.ptr(), reference.ptr(), std::ptr::null_mut()) };
        prop_assert_eq!(r, as_result::InvalidArgument);
    }

    #[test]
    fn create_minor_with_any_arguments(
        id in arg(), amount in any::<i64>(), currency in arg(), reference in arg(),
    ) {
        let mut out = dangling();
        let r = unsafe { as_client_create_payment_session_minor(
            client().0, id.ptr(), amount, currency.ptr(), reference.ptr(), &mut out) };
        check_session_call(r, out, &[&id, &currency]);
        if amount <= 0 {
            prop_assert_ne!(r, as_result::Ok);
        }
    }

    #[test]
    fn get_and_wait_with_any_arguments(
        id in arg(), challenge in arg(), timeout_ms in prop_oneof![Just(0u32), 0u32..300, any::<u32>()],
        cancelled in any::<bool>(),
    ) {
        let mut out = dangling();
        let r = unsafe { as_client_get_payment_session(client().0, id.ptr(), challenge.ptr(), &mut out) };
        check_session_call(r, out, &[&id, &challenge]);
        // A pre-cancelled token bounds any long wait on a real, pending session.
        let token = as_cancel_token_new();
        if cancelled || timeout_ms > 2000 {
            unsafe { as_cancel_token_cancel(token) };
        }
        let mut out = dangling();
        let r = unsafe { as_client_wait_payment_session(
            client().0, id.ptr(), challenge.ptr(), timeout_ms, token, &mut out) };
        check_session_call(r, out, &[&id, &challenge]);
        unsafe { as_cancel_token_free(token) };
    }

    #[test]
    fn one_call_functions_with_any_arguments(
        id in arg(), amount in any::<f64>(), minor in any::<i64>(), currency in arg(),
        reference in arg(), challenge in arg(),
    ) {
        sim();
        let mut out = dangling();
        let r = unsafe { as_create_payment_session(id.ptr(), amount, currency.ptr(), reference.ptr(), &mut out) };
        check_session_call(r, out, &[&id, &currency]);
        let mut out = dangling();
        let r = unsafe { as_create_payment_session_minor(id.ptr(), minor, currency.ptr(), reference.ptr(), &mut out) };
        check_session_call(r, out, &[&id, &currency]);
        let mut out = dangling();
        let r = unsafe { as_get_payment_session(id.ptr(), challenge.ptr(), &mut out) };
        check_session_call(r, out, &[&id, &challenge]);
        // A pre-cancelled token bounds the wait on a real, pending session.
        let token = as_cancel_token_new();
        unsafe { as_cancel_token_cancel(token) };
        let mut out = dangling();
        let r = unsafe { as_wait_payment_session(id.ptr(), challenge.ptr(), 1000, token, &mut out) };
        check_session_call(r, out, &[&id, &challenge]);
        unsafe { as_cancel_token_free(token) };
        let e = unsafe { as_currency_exponent(currency.ptr()) };
        prop_assert!(e == -1 || (0..=4).contains(&e));
        if currency.text().is_none() {
            prop_assert_eq!(e, -1);
        }
    }

    #[test]
    fn options_with_any_arguments(
        base_url in arg(), ca_file in arg(), proxy in arg(), suffix in arg(),
        region in prop_oneof![0u32..6, any::<u32>()],
        connect in any::<u32>(), request in any::<u32>(), poll in any::<u32>(),
        system_roots in any::<bool>(),
    ) {
        let mut o: *mut as_client_options = std::ptr::null_mut();
        prop_assert_eq!(unsafe { as_client_options_new(&mut o) }, as_result::Ok);
        let r = unsafe { as_client_options_set_region(o, region) };
        prop_assert_eq!(r, if region <= 3 { as_result::Ok } else { as_result::InvalidArgument });
        check_plain(unsafe { as_client_options_set_base_url(o, base_url.ptr()) }, &[&base_url]);
        if let Some(url) = base_url.text() {
            let r = unsafe { as_client_options_set_base_url(o, base_url.ptr()) };
            let lower = url.to_ascii_lowercase();
            if lower.starts_with("http://") && !lower.starts_with("http://127.")
                && !lower.starts_with("http://localhost") && !lower.starts_with("http://[::1]") {
                prop_assert_eq!(r, as_result::InvalidArgument, "plain http off loopback");
            }
        }
        check_plain(unsafe { as_client_options_set_ca_file(o, ca_file.ptr()) }, &[&ca_file]);
        check_plain(unsafe { as_client_options_set_proxy(o, proxy.ptr()) }, &[&proxy]);
        check_plain(unsafe { as_client_options_set_user_agent_suffix(o, suffix.ptr()) }, &[&suffix]);
        let ok_timeout = |ms: u32| (1..=600_000).contains(&ms);
        prop_assert_eq!(unsafe { as_client_options_set_connect_timeout_ms(o, connect) } == as_result::Ok, ok_timeout(connect));
        prop_assert_eq!(unsafe { as_client_options_set_request_timeout_ms(o, request) } == as_result::Ok, ok_timeout(request));
        prop_assert_eq!(unsafe { as_client_options_set_poll_interval_ms(o, poll) } == as_result::Ok, (100..=600_000).contains(&poll));
        prop_assert_eq!(unsafe { as_client_options_set_use_system_roots(o, system_roots) }, as_result::Ok);
        // Building a client from whatever was accepted: a documented result, never a crash.
        let mut c: *mut as_client = std::ptr::NonNull::dangling().as_ptr();
        let r = unsafe { as_client_new(o, &mut c) };
        prop_assert!(matches!(r, as_result::Ok | as_result::InvalidArgument), "{:?}", r);
        if r == as_result::Ok {
            prop_assert!(!c.is_null());
        } else {
            prop_assert!(c.is_null());
        }
        unsafe { as_client_free(c) };
        unsafe { as_client_options_free(o) };
        // NULL options everywhere.
        let null = std::ptr::null_mut();
        prop_assert_eq!(unsafe { as_client_options_set_region(null, region) }, as_result::InvalidArgument);
        prop_assert_eq!(unsafe { as_client_options_set_base_url(null, base_url.ptr()) }, as_result::InvalidArgument);
        prop_assert_eq!(unsafe { as_client_options_set_connect_timeout_ms(null, connect) }, as_result::InvalidArgument);
        prop_assert_eq!(unsafe { as_client_options_set_use_system_roots(null, system_roots) }, as_result::InvalidArgument);
    }

    #[test]
    fn raw_numbers_for_enums_and_levels(n in any::<u32>()) {
        // SAFETY: as_result_name always returns a static NUL-terminated string.
        let name = unsafe { CStr::from_ptr(as_result_name(n)) }.to_str().unwrap().to_string();
        prop_assert!(name.starts_with("AS_RESULT_"));
        if n > 13 {
            prop_assert_eq!(name, "AS_RESULT_UNKNOWN");
        }
        // A NULL callback with any level: off, or refused; never a crash.
        let r = unsafe { as_set_log_callback(None, std::ptr::null_mut(), n) };
        prop_assert_eq!(r, if (1..=4).contains(&n) { as_result::Ok } else { as_result::InvalidArgument });
    }
}

#[test]
fn null_everywhere_else() {
    let mut out = dangling();
    assert_eq!(
        unsafe { as_client_new(std::ptr::null(), std::ptr::null_mut()) },
        as_result::InvalidArgument
    );
    assert_eq!(
        unsafe { as_client_options_new(std::ptr::null_mut()) },
        as_result::InvalidArgument
    );
    assert_eq!(
        unsafe {
            as_client_get_payment_session(std::ptr::null(), c"t".as_ptr(), c"c".as_ptr(), &mut out)
        },
        as_result::InvalidArgument
    );
    assert!(out.is_null());
    let mut out = dangling();
    assert_eq!(
        unsafe {
            as_client_wait_payment_session(
                std::ptr::null(),
                c"t".as_ptr(),
                c"c".as_ptr(),
                10,
                std::ptr::null(),
                &mut out,
            )
        },
        as_result::InvalidArgument
    );
    assert!(out.is_null());
    assert!(unsafe { as_payment_session_challenge_id(std::ptr::null()) }.is_null());
    assert!(unsafe { as_payment_session_status_str(std::ptr::null()) }.is_null());
    assert!(unsafe { as_payment_session_reference(std::ptr::null()) }.is_null());
    unsafe { as_payment_session_free(std::ptr::null_mut()) };
    unsafe { as_client_free(std::ptr::null_mut()) };
    unsafe { as_client_options_free(std::ptr::null_mut()) };
    unsafe { as_cancel_token_cancel(std::ptr::null()) };
    unsafe { as_cancel_token_free(std::ptr::null_mut()) };
    // SAFETY: a static string.
    assert!(!unsafe { CStr::from_ptr(as_version()) }
        .to_bytes()
        .is_empty());
}
