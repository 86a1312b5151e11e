//! The committed C header is what the build generates, and its version macros, the
//! library's `as_version()` and `Cargo.toml` agree.

use std::ffi::CStr;

const COMMITTED: &str = include_str!("../include/authsignal_terminal.h");
const GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/authsignal_terminal.h"));

#[test]
fn committed_header_matches_the_generated_one() {
    assert!(
        COMMITTED == GENERATED,
        "include/authsignal_terminal.h differs from what cbindgen generates: run `make header` and commit it"
    );
}

fn macro_value(name: &str) -> &'static str {
    let prefix = format!("#define {name} ");
    COMMITTED
        .lines()
        .find_map(|line| line.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("the header defines {name}"))
        .trim()
}

#[test]
fn version_macros_match_cargo_toml_and_as_version() {
    assert_eq!(
        macro_value("AS_VERSION_MAJOR"),
        env!("CARGO_PKG_VERSION_MAJOR")
    );
    assert_eq!(
        macro_value("AS_VERSION_MINOR"),
        env!("CARGO_PKG_VERSION_MINOR")
    );
    assert_eq!(
        macro_value("AS_VERSION_PATCH"),
        env!("CARGO_PKG_VERSION_PATCH")
    );
    assert_eq!(
        macro_value("AS_VERSION_STRING"),
        format!("\"{}\"", env!("CARGO_PKG_VERSION"))
    );
    // SAFETY: as_version returns a static NUL-terminated string.
    let version = unsafe { CStr::from_ptr(authsignal_terminal::ffi::error::as_version()) };
    assert_eq!(version.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    assert_eq!(authsignal_terminal::VERSION, env!("CARGO_PKG_VERSION"));
}

#[test]
fn every_contract_function_is_declared() {
    for name in [
        "as_create_payment_session(",
        "as_get_payment_session(",
        "as_wait_payment_session(",
        "as_create_payment_session_minor(",
        "as_currency_exponent(",
        "as_payment_session_challenge_id(",
        "as_payment_session_status(",
        "as_payment_session_status_str(",
        "as_payment_session_reference(",
        "as_payment_session_free(",
        "as_client_options_new(",
        "as_client_options_set_region(",
        "as_client_options_set_base_url(",
        "as_client_options_set_connect_timeout_ms(",
        "as_client_options_set_request_timeout_ms(",
        "as_client_options_set_ca_file(",
        "as_client_options_set_use_system_roots(",
        "as_client_options_set_proxy(",
        "as_client_options_set_user_agent_suffix(",
        "as_client_options_free(",
        "as_client_new(",
        "as_client_create_payment_session(",
        "as_client_create_payment_session_minor(",
        "as_client_get_payment_session(",
        "as_client_wait_payment_session(",
        "as_client_free(",
        "as_cancel_token_new(",
        "as_cancel_token_cancel(",
        "as_cancel_token_free(",
        "as_last_error_message(",
        "as_last_error_http_status(",
        "as_last_error_server_code(",
        "as_last_error_outcome_unknown(",
        "as_result_name(unsigned int result)",
        "as_version(",
    ] {
        assert!(COMMITTED.contains(name), "the header declares {name}");
    }
    for guard in [
        "#ifndef AUTHSIGNAL_TERMINAL_H",
        "extern \"C\" {",
        "#ifdef __cplusplus",
    ] {
        assert!(COMMITTED.contains(guard), "the header has {guard}");
    }
}
