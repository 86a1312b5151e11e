"""Loads libauthsignal_terminal and declares its C ABI for ctypes.

The library bundled inside this package is loaded unless the environment variable
``AUTHSIGNAL_TERMINAL_LIBRARY`` names another one (a path). Every fallible function gets
``errcheck``: a non-OK ``as_result`` raises the mapped exception at once, on the calling
thread, which is where the C library keeps its last error. ``ctypes.CDLL`` releases the
GIL around every call, so a call waiting on the network never blocks other threads.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Sequence
from ctypes import (
    CFUNCTYPE,
    POINTER,
    c_bool,
    c_char_p,
    c_double,
    c_int,
    c_int64,
    c_uint,
    c_uint32,
    c_uint64,
    c_void_p,
)
from typing import Any, Callable

from . import _errors

LIBRARY_ENV = "AUTHSIGNAL_TERMINAL_LIBRARY"

#: ``as_result`` is a C enum: an ``int`` in every ABI this library is built for.
_RESULT = c_uint32  # as_result: typedef uint32_t
_OUT = POINTER(c_void_p)

#: ``as_log_callback``: (user_data, level, message); message is borrowed for the call.
LOG_CALLBACK = CFUNCTYPE(None, c_void_p, c_uint32, c_char_p)


def _bundled_library_name() -> str:
    if sys.platform == "win32":
        return "authsignal_terminal.dll"
    if sys.platform == "darwin":
        return "libauthsignal_terminal.dylib"
    return "libauthsignal_terminal.so"


def _load() -> tuple[ctypes.CDLL, str]:
    override = os.environ.get(LIBRARY_ENV)
    if override:
        path, origin = override, f"named by {LIBRARY_ENV}"
    else:
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), _bundled_library_name())
        origin = "bundled with the package"
    try:
        return ctypes.CDLL(path), path
    except OSError as error:
        raise ImportError(
            f"authsignal_terminal: cannot load the native library {path!r} ({origin}): {error}. "
            f"Install the package with pip (it builds and bundles the library), "
            f"or set {LIBRARY_ENV} to the path of libauthsignal_terminal."
        ) from error


lib, library_path = _load()


def _check_result(result: int, function: Any, arguments: Any) -> int:
    """ctypes ``errcheck`` for every function returning ``as_result``."""
    if result != 0:
        raise _errors.error_from_last(result, lib)
    return result


def _declare(
    name: str,
    restype: Any,
    argtypes: Sequence[Any],
    errcheck: Callable[..., Any] | None = None,
) -> None:
    function = getattr(lib, name)
    function.restype = restype
    function.argtypes = list(argtypes)
    if errcheck is not None:
        function.errcheck = errcheck


def _fallible(name: str, *argtypes: Any) -> None:
    _declare(name, _RESULT, argtypes, _check_result)


# The error functions first: the errcheck above reads them.
_declare("as_last_error_message", c_char_p, [])
_declare("as_last_error_http_status", c_int, [])
_declare("as_last_error_server_code", c_char_p, [])
_declare("as_last_error_outcome_unknown", c_bool, [])
_declare("as_result_name", c_char_p, [c_uint])
_declare("as_version", c_char_p, [])
_declare("as_currency_exponent", c_int, [c_char_p])

_fallible("as_client_options_new", _OUT)
_fallible("as_client_options_set_region", c_void_p, c_uint)
_fallible("as_client_options_set_base_url", c_void_p, c_char_p)
_fallible("as_client_options_set_connect_timeout_ms", c_void_p, c_uint32)
_fallible("as_client_options_set_request_timeout_ms", c_void_p, c_uint32)
_fallible("as_client_options_set_poll_interval_ms", c_void_p, c_uint32)
_fallible("as_client_options_set_ca_file", c_void_p, c_char_p)
_fallible("as_client_options_set_use_system_roots", c_void_p, c_bool)
_fallible("as_client_options_set_proxy", c_void_p, c_char_p)
_fallible("as_client_options_set_user_agent_suffix", c_void_p, c_char_p)
_fallible("as_client_options_set_journal_path", c_void_p, c_char_p)
_fallible("as_client_options_set_journal_lifetime_ms", c_void_p, c_uint32)
_fallible("as_client_options_set_journal_retention_ms", c_void_p, c_uint64)
_declare("as_client_options_free", None, [c_void_p])

_fallible("as_client_new", c_void_p, _OUT)
_fallible("as_client_create_payment_session", c_void_p, c_char_p, c_double, c_char_p, c_char_p, _OUT)
_fallible("as_client_create_payment_session_minor", c_void_p, c_char_p, c_int64, c_char_p, c_char_p, _OUT)
_fallible("as_client_get_payment_session", c_void_p, c_char_p, c_char_p, _OUT)
_fallible("as_client_wait_payment_session", c_void_p, c_char_p, c_char_p, c_uint32, c_void_p, _OUT)
_fallible("as_client_find_payment_session", c_void_p, c_char_p, _OUT)
_fallible("as_client_forget_reference", c_void_p, c_char_p)
_declare("as_client_free", None, [c_void_p])

_fallible("as_create_payment_session", c_char_p, c_double, c_char_p, c_char_p, _OUT)
_fallible("as_create_payment_session_minor", c_char_p, c_int64, c_char_p, c_char_p, _OUT)
_fallible("as_get_payment_session", c_char_p, c_char_p, _OUT)
_fallible("as_wait_payment_session", c_char_p, c_char_p, c_uint32, c_void_p, _OUT)

_declare("as_cancel_token_new", c_void_p, [])
_declare("as_cancel_token_cancel", None, [c_void_p])
_declare("as_cancel_token_free", None, [c_void_p])

_declare("as_payment_session_challenge_id", c_char_p, [c_void_p])
_declare("as_payment_session_status", c_int, [c_void_p])
_declare("as_payment_session_status_str", c_char_p, [c_void_p])
_declare("as_payment_session_reference", c_char_p, [c_void_p])
_declare("as_payment_session_journal_error", c_char_p, [c_void_p])
_declare("as_payment_session_free", None, [c_void_p])

_declare("as_journal_entry_reference", c_char_p, [c_void_p])
_declare("as_journal_entry_challenge_id", c_char_p, [c_void_p])
_declare("as_journal_entry_status", c_int, [c_void_p])
_declare("as_journal_entry_status_str", c_char_p, [c_void_p])
_declare("as_journal_entry_outcome_unknown", c_bool, [c_void_p])
_declare("as_journal_entry_created_at_ms", c_int64, [c_void_p])
_declare("as_journal_entry_free", None, [c_void_p])

_fallible("as_set_log_callback", LOG_CALLBACK, c_void_p, c_uint)

_fallible("as_client_diagnose", c_void_p, c_char_p, _OUT)
_declare("as_diagnosis_json", c_char_p, [c_void_p])
_declare("as_diagnosis_text", c_char_p, [c_void_p])
_declare("as_diagnosis_passed", c_bool, [c_void_p])
_declare("as_diagnosis_free", None, [c_void_p])


#: The loaded library's version, ``"MAJOR.MINOR.PATCH"``.
library_version: str = lib.as_version().decode("ascii")
