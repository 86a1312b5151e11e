//! `as_client_options`: settings for `as_client_new`, and the region enum.

use std::ffi::{c_char, c_uint};
use std::time::Duration;

use crate::error::Error;
use crate::options::{ClientOptions, Region};

use super::error::result_of;
use super::{
    arg_mut, arg_str, as_result, deliver, ffi_panic_boundary, free_box, out_param, try_arg,
};

/// An Authsignal region: which base URL a client talks to.
#[repr(u32)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, authsignal_terminal_ffi_enum::CEnum)]
pub enum as_region {
    /// US (Oregon), the default: https://api.authsignal.com/v1
    Us = 0,
    /// AU (Sydney): https://au.api.authsignal.com/v1
    Au = 1,
    /// EU (Dublin): https://eu.api.authsignal.com/v1
    Eu = 2,
    /// CA (Canada): https://ca.api.authsignal.com/v1
    Ca = 3,
}

/// Settings for `as_client_new`. Not safe to change from two threads at once; a client
/// copies what it needs, so the options may be freed once the client is made.
#[allow(non_camel_case_types)]
pub struct as_client_options {
    pub(crate) options: ClientOptions,
}

/// Makes options with the defaults: region US, connect timeout 5 s, request timeout 10 s,
/// poll interval 1 s, Mozilla's root certificates, the proxy from the environment.
///
/// On success `*out` receives the options; the caller owns them and must free them with
/// `as_client_options_free`. On failure `*out` is set to NULL.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_client_options_new(out: *mut *mut as_client_options) -> as_result {
    ffi_panic_boundary! { "as_client_options_new",
        // SAFETY: out is NULL or writable, as the header requires.
        let out = try_arg!(unsafe { out_param(out, "out") });
        deliver(out, as_client_options { options: ClientOptions::new() })
    }
}

/// Applies one change to the options behind `o`.
pub(crate) fn change(
    o: *mut as_client_options,
    f: impl FnOnce(&mut ClientOptions) -> Result<(), Error>,
) -> as_result {
    // SAFETY: o is NULL or live options used by no other thread, as the header requires.
    let o = try_arg!(unsafe { arg_mut(o, "options") });
    result_of(f(&mut o.options))
}

/// Talks to this region's base URL, replacing any base URL set before. `region` is one
/// of the `as_region` values; any other number gives `AS_RESULT_INVALID_ARGUMENT`.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_client_options_set_region(
    o: *mut as_client_options,
    region: c_uint,
) -> as_result {
    ffi_panic_boundary! { "as_client_options_set_region",
        change(o, |options| {
            let region = match as_region::from_u32(region) {
                Some(as_region::Us) => Region::Us,
                Some(as_region::Au) => Region::Au,
                Some(as_region::Eu) => Region::Eu,
                Some(as_region::Ca) => Region::Ca,
                None => return Err(Error::invalid_argument("region is not one of the as_region values")),
            };
            options.set_region(region);
            Ok(())
        })
    }
}

/// Talks to this base URL, e.g. "https://api.authsignal.com/v1" or a simulator's
/// "http://127.0.0.1:8080/v1". https:// for any host; plain http:// only for loopback
/// hosts (127.0.0.0/8, ::1, localhost). Replaces any region set before.
///
/// The string is copied; the caller keeps ownership of `base_url`.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_client_options_set_base_url(
    o: *mut as_client_options,
    base_url: *const c_char,
) -> as_result {
    ffi_panic_boundary! { "as_client_options_set_base_url",
        // SAFETY: base_url is NULL or a NUL-terminated string.
        let base_url = try_arg!(unsafe { arg_str(base_url, "base_url") });
        change(o, |options| options.set_base_url(base_url).map(drop))
    }
}

/// The time allowed to open a connection, TCP and TLS handshake included (default 5000
/// ms). From 1 ms to 600000 ms (10 minutes).
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_client_options_set_connect_timeout_ms(
    o: *mut as_client_options,
    ms: u32,
) -> as_result {
    ffi_panic_boundary! { "as_client_options_set_connect_timeout_ms",
        change(o, |options| options.set_connect_timeout(Duration::from_millis(ms.into())).map(drop))
    }
}

/// The time allowed for one whole request, from connecting to the last byte of the
/// answer (default 10000 ms). From 1 ms to 600000 ms (10 minutes).
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_client_options_set_request_timeout_ms(
    o: *mut as_client_options,
    ms: u32,
) -> as_result {
    ffi_panic_boundary! { "as_client_options_set_request_timeout_ms",
        change(o, |options| options.set_request_timeout(Duration::from_millis(ms.into())).map(drop))
    }
}

/// The pause between two reads of a pending session in `as_client_wait_payment_session`
/// (default 1000 ms). From 100 ms to 600000 ms.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_client_options_set_poll_interval_ms(
    o: *mut as_client_options,
    ms: u32,
) -> as_result {
    ffi_panic_boundary! { "as_client_options_set_poll_interval_ms",
        change(o, |options| options.set_poll_interval(Duration::from_millis(ms.into())).map(drop))
    }
}

/// Trusts the CA certificates in this PEM file in addition to the default roots (for a
/// private CA, or a local simulator). The file is read by `as_client_new`, which fails
/// with `AS_RESULT_INVALID_ARGUMENT` if it cannot be read or holds no certificate.
///
/// The string is copied; the caller keeps ownership of `pem_path`.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_client_options_set_ca_file(
    o: *mut as_client_options,
    pem_path: *const c_char,
) -> as_result {
    ffi_panic_boundary! { "as_client_options_set_ca_file",
        // SAFETY: pem_path is NULL or a NUL-terminated string.
        let pem_path = try_arg!(unsafe { arg_str(pem_path, "pem_path") });
        change(o, |options| options.set_ca_file(pem_path).map(drop))
    }
}

/// true: trust the operating system's certificate store instead of Mozilla's roots
/// (for corporate proxies that inspect TLS with their own CA). Default false.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_client_options_set_use_system_roots(
    o: *mut as_client_options,
    enabled: bool,
) -> as_result {
    ffi_panic_boundary! { "as_client_options_set_use_system_roots",
        change(o, |options| {
            options.set_use_system_roots(enabled);
            Ok(())
        })
    }
}

/// Sends every request through this HTTP CONNECT proxy ("http://host:port", or
/// "http://user:password@host:port") instead of the one the environment names
/// (HTTPS_PROXY, ALL_PROXY, NO_PROXY). SOCKS proxies are not supported: a "socks5://" URL
/// gives `AS_RESULT_INVALID_ARGUMENT` (and one from the environment is ignored). A
/// loopback or plain-http base URL never goes through a proxy.
///
/// The string is copied; the caller keeps ownership of `proxy_url`.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_client_options_set_proxy(
    o: *mut as_client_options,
    proxy_url: *const c_char,
) -> as_result {
    ffi_panic_boundary! { "as_client_options_set_proxy",
        // SAFETY: proxy_url is NULL or a NUL-terminated string.
        let proxy_url = try_arg!(unsafe { arg_str(proxy_url, "proxy_url") });
        change(o, |options| options.set_proxy(proxy_url).map(drop))
    }
}

/// Appends this text (printable ASCII, at most 256 characters) to the User-Agent header,
/// so the POS can be told apart in Authsignal's logs.
///
/// The string is copied; the caller keeps ownership of `suffix`.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_client_options_set_user_agent_suffix(
    o: *mut as_client_options,
    suffix: *const c_char,
) -> as_result {
    ffi_panic_boundary! { "as_client_options_set_user_agent_suffix",
        // SAFETY: suffix is NULL or a NUL-terminated string.
        let suffix = try_arg!(unsafe { arg_str(suffix, "suffix") });
        change(o, |options| options.set_user_agent_suffix(suffix).map(drop))
    }
}

/// Frees options. NULL is accepted and does nothing. Clients made from them are not
/// affected.
///
/// # Safety
/// Each pointer is NULL or valid as described above and in the header's conventions.
#[no_mangle]
pub unsafe extern "C" fn as_client_options_free(o: *mut as_client_options) {
    ffi_panic_boundary! { "as_client_options_free",
        // SAFETY: o is NULL or options made by this library, given back once.
        unsafe { free_box(o) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::error::succeed;

    #[test]
    fn a_region_number_outside_the_enum_is_refused() {
        let mut o = std::ptr::null_mut();
        assert_eq!(unsafe { as_client_options_new(&mut o) }, as_result::Ok);
        assert_eq!(unsafe { as_client_options_set_region(o, 3) }, as_result::Ok);
        assert_eq!(
            unsafe { as_client_options_set_region(o, 4) },
            as_result::InvalidArgument
        );
        assert_eq!(succeed(), as_result::Ok);
        unsafe { as_client_options_free(o) };
    }
}
