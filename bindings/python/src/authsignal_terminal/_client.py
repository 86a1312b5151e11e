"""The synchronous API: ``Client``, ``CancelToken``, ``PaymentSession`` and the
module-level one-call functions.

This module only converts: Python values to C arguments and back, owned pointers to
objects freed once. Every rule (validation, retries, error mapping) is the library's.
"""

from __future__ import annotations

import enum
import json
import math
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from ctypes import byref, c_void_p
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Callable, TypedDict, TypeVar, Union

from . import _errors, _log
from ._ffi import lib
from ._handle import NativeHandle
from ._version import __version__

if TYPE_CHECKING:
    if sys.version_info >= (3, 11):
        from typing import Self, Unpack
    else:
        from typing_extensions import Self, Unpack

_T = TypeVar("_T")

#: What ``amount=`` takes: a number of MAJOR units (dollars, not cents). ``int`` and
#: ``Decimal`` are exact; ``float`` goes through the library's float path, which absorbs
#: float noise. For minor units (cents), use ``create_payment_session_minor``.
Amount = Union[int, float, Decimal]
#: A path to a file, as ``open()`` takes it.
StrPath = Union[str, "os.PathLike[str]"]

_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1
_UINT32_MAX = 2**32 - 1

#: Sent before the caller's ``user_agent_suffix`` so Authsignal can tell this binding apart.
USER_AGENT_TOKEN = (
    f"authsignal-terminal-python/{__version__} python/{sys.version_info.major}.{sys.version_info.minor}"
)


class Region(str, enum.Enum):
    """An Authsignal region: which base URL a client talks to. Its value is the name
    the environment variable ``AUTHSIGNAL_TERMINAL_REGION`` takes (``Region("au")``)."""

    US = "us"
    """US (Oregon), the default: https://api.authsignal.com/v1"""
    AU = "au"
    """AU (Sydney): https://au.api.authsignal.com/v1"""
    EU = "eu"
    """EU (Dublin): https://eu.api.authsignal.com/v1"""
    CA = "ca"
    """CA (Canada): https://ca.api.authsignal.com/v1"""

    def __str__(self) -> str:
        return self.value


class PaymentStatus(str, enum.Enum):
    """Where a payment session stands. Its value is the API's word
    (``PaymentStatus.COMPLETED == "COMPLETED"``)."""

    UNKNOWN = "UNKNOWN"
    """The server sent a status this version does not know; see ``status_raw``."""
    PENDING = "PENDING"
    """The terminal is prompting the customer."""
    COMPLETED = "COMPLETED"
    """The customer authorized the payment."""
    EXPIRED = "EXPIRED"
    """Nobody acted in time (10 minutes by default)."""
    FAILED = "FAILED"
    """The payment was declined or failed."""

    def __str__(self) -> str:
        return self.value


#: The C library's numbers for each (``as_region``, ``as_payment_status``): positions.
_REGION_NUMBERS = {region: number for number, region in enumerate(Region)}
_STATUS_BY_NUMBER = tuple(PaymentStatus)


@dataclass(frozen=True)
class PaymentSession:
    """A payment session as the server last reported it.

    Attributes:
        challenge_id: the session's id (the API's ``challengeId``), used to read or
            wait for it.
        status: the status; ``PaymentStatus.UNKNOWN`` for one this version does not know.
        status_raw: the status exactly as the server sent it, e.g. ``"PENDING"``.
        reference: the POS reference the server returned, or None.
        journal_error: why the client's payment journal could not record this session
            (e.g. its file was deleted while the client had it open), or None when it
            did or there is no journal. The session is real, but the journal will not
            refuse a second create for the reference on its own: tell the operator.
    """

    challenge_id: str
    status: PaymentStatus
    status_raw: str
    reference: str | None
    journal_error: str | None = None


@dataclass(frozen=True)
class JournalEntry:
    """What the payment journal knows about one reference: its last create.

    Attributes:
        reference: the POS reference.
        challenge_id: the session's id, to wait on; None when the outcome is unknown.
        status: the last status seen; None when the outcome is unknown.
        status_raw: that status exactly as the server sent it, or None.
        outcome_unknown: True when the create may or may not have made a session: the
            terminal may be prompting. Check it; once it shows nothing, call
            ``forget_reference``.
        created_at: when the create was started (UTC).
    """

    reference: str
    challenge_id: str | None
    status: PaymentStatus | None
    status_raw: str | None
    outcome_unknown: bool
    created_at: datetime


# --- conversions: Python values to C arguments ------------------------------------


def _c_str(value: object, name: str) -> bytes:
    """A required string argument as NUL-terminated UTF-8."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be str, not {type(value).__name__}")
    if "\0" in value:
        # C would see the string end there; refuse instead of sending a shorter one.
        raise _errors.invalid_argument(f"{name} must not contain a NUL character")
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError:
        # Lone surrogates: passed on as the invalid UTF-8 they are, for the library to refuse.
        return value.encode("utf-8", "surrogatepass")


def _c_str_or_none(value: object, name: str) -> bytes | None:
    return None if value is None else _c_str(value, name)


def _c_path(value: object, name: str) -> bytes:
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be str or os.PathLike, not {type(value).__name__}")
    path = os.fspath(value)
    if not isinstance(path, str):
        raise TypeError(f"{name} must be a text path, not {type(path).__name__}")
    return _c_str(path, name)


def _millis(seconds: object, name: str) -> int:
    """Seconds (int or float) as whole milliseconds for a ``uint32_t``.

    Out-of-range values are clamped to 0 or 2**32-1 (never wrapped), so the library
    refuses them with its own message when they are outside what it accepts.
    """
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"{name} must be a number of seconds (int or float), not {type(seconds).__name__}")
    if math.isnan(seconds) or seconds <= 0:
        return 0
    millis = seconds * 1000
    if millis >= _UINT32_MAX:
        return _UINT32_MAX
    return int(round(millis))


def _millis64(seconds: object, name: str) -> int:
    """Seconds as whole milliseconds for a ``uint64_t`` (clamped, never wrapped)."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"{name} must be a number of seconds (int or float), not {type(seconds).__name__}")
    if math.isnan(seconds) or seconds <= 0:
        return 0
    return int(min(round(seconds * 1000), 2**64 - 1))


def _saturate_int64(value: int) -> int:
    """Clamped to int64: a huge amount stays huge (and is refused by the library)."""
    return max(_INT64_MIN, min(_INT64_MAX, value))


def _decimal_to_minor(amount: Decimal, exponent: int) -> int | None:
    """``amount`` (finite) times 10**exponent as an exact integer, or None when it has
    more decimal places than ``exponent``. Integer arithmetic only: no float, and no
    rounding by the decimal context's precision."""
    sign, digits, decimal_exponent = amount.as_tuple()
    assert isinstance(decimal_exponent, int)
    coefficient = int("".join(map(str, digits))) if digits else 0
    if coefficient == 0:
        return 0
    if amount.adjusted() + exponent > 19:  # beyond int64 either way
        return _INT64_MIN if sign else _INT64_MAX
    shift = decimal_exponent + exponent
    minor: int
    if shift >= 0:
        minor = coefficient * 10**shift
    elif -shift > len(digits):
        return None  # every digit lies beyond the minor unit
    else:
        scale: int = 10**-shift
        minor, remainder = divmod(coefficient, scale)
        if remainder:
            return None
    return -minor if sign else minor


def _amount_argument(amount: object, currency: bytes) -> tuple[bool, int | float]:
    """(is_minor, value): which C function to call, and with what.

    ``int`` and ``Decimal`` are scaled to minor units with the library's own table
    (``as_currency_exponent``) and go to the exact ``_minor`` function; ``float`` goes
    to the float function. ``bool`` is not an amount.
    """
    if isinstance(amount, bool) or not isinstance(amount, (int, float, Decimal)):
        raise TypeError(f"amount must be int, float or decimal.Decimal, not {type(amount).__name__}")
    if isinstance(amount, float):
        return False, amount
    exponent = int(lib.as_currency_exponent(currency))
    if exponent < 0:
        # A malformed currency: any valid amount lets the library name the real problem.
        return True, 1
    if isinstance(amount, int):
        return True, _saturate_int64(amount * 10**exponent)
    if not amount.is_finite():
        # NaN or infinity is no amount of money; the library refuses it by its own rule.
        return False, math.nan if amount.is_nan() else float(amount)
    minor = _decimal_to_minor(amount, exponent)
    if minor is None:
        raise _errors.invalid_argument(
            f"amount has more decimal places than {currency.decode('ascii').upper()} allows ({exponent})"
        )
    return True, _saturate_int64(minor)


# --- results: C objects to Python values ----------------------------------------------


def _session_from(ptr: c_void_p) -> PaymentSession:
    """Copies an owned ``as_payment_session`` into a ``PaymentSession`` and frees it."""
    try:
        challenge_id = lib.as_payment_session_challenge_id(ptr) or b""
        status_code = int(lib.as_payment_session_status(ptr))
        status_raw = lib.as_payment_session_status_str(ptr) or b""
        reference = lib.as_payment_session_reference(ptr)
        journal_error = lib.as_payment_session_journal_error(ptr)
    finally:
        lib.as_payment_session_free(ptr)
    in_range = 0 <= status_code < len(_STATUS_BY_NUMBER)
    status = _STATUS_BY_NUMBER[status_code] if in_range else PaymentStatus.UNKNOWN
    return PaymentSession(
        challenge_id=challenge_id.decode("utf-8", "replace"),
        status=status,
        status_raw=status_raw.decode("utf-8", "replace"),
        reference=None if reference is None else reference.decode("utf-8", "replace"),
        journal_error=_text_or_none(journal_error),
    )


def _text_or_none(raw: bytes | None) -> str | None:
    return None if raw is None else raw.decode("utf-8", "replace")


def _entry_from(ptr: c_void_p) -> JournalEntry:
    """Copies an owned ``as_journal_entry`` into a ``JournalEntry`` and frees it."""
    try:
        reference = lib.as_journal_entry_reference(ptr) or b""
        challenge_id = lib.as_journal_entry_challenge_id(ptr)
        status_code = int(lib.as_journal_entry_status(ptr))
        status_raw = lib.as_journal_entry_status_str(ptr)
        outcome_unknown = bool(lib.as_journal_entry_outcome_unknown(ptr))
        created_at_ms = int(lib.as_journal_entry_created_at_ms(ptr))
    finally:
        lib.as_journal_entry_free(ptr)
    status: PaymentStatus | None = None
    if status_raw is not None:
        in_range = 0 <= status_code < len(_STATUS_BY_NUMBER)
        status = _STATUS_BY_NUMBER[status_code] if in_range else PaymentStatus.UNKNOWN
    return JournalEntry(
        reference=reference.decode("utf-8", "replace"),
        challenge_id=_text_or_none(challenge_id),
        status=status,
        status_raw=_text_or_none(status_raw),
        outcome_unknown=outcome_unknown,
        created_at=datetime.fromtimestamp(created_at_ms / 1000, tz=timezone.utc),
    )


def _call_for_session(call: Callable[[Any], object]) -> PaymentSession:
    """Runs a C call whose last argument is an ``as_payment_session **`` out-param."""
    out = c_void_p()
    try:
        call(byref(out))  # errcheck raises on failure; out is then NULL
        return _session_from(out)
    finally:
        _log.raise_kept_interrupt()


def _minor_argument(amount_minor: object) -> int:
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int):
        raise TypeError(f"amount_minor must be int (minor units), not {type(amount_minor).__name__}")
    return _saturate_int64(amount_minor)


def _wait_arguments(terminal_id: object, challenge_id: object, timeout: object) -> tuple[bytes, bytes, int]:
    tid = _c_str(terminal_id, "terminal_id")
    cid = _c_str(challenge_id, "challenge_id")
    millis = _millis(timeout, "timeout")
    assert isinstance(timeout, (int, float))
    if math.isnan(timeout) or timeout < 0:
        # uint32_t milliseconds cannot say "negative" or NaN; 0 would mean "read once".
        raise _errors.invalid_argument("timeout must be a number of seconds, 0 or more")
    return tid, cid, millis


def _run_interruptibly(call: Callable[[], _T], stop: Callable[[], None]) -> _T:
    """``call()`` on a worker thread, while the main thread waits in short, interruptible
    steps: a signal (Ctrl-C) raises there within 0.1 s instead of after the native call.
    Then ``stop()`` makes the call end, the worker is joined (nothing outlives this
    function) and the exception goes on. Other threads get no signals: they call
    directly."""
    if threading.current_thread() is not threading.main_thread():
        return call()
    outcome: list[tuple[bool, Any]] = []
    # The worker's end is told by an Event, not by Thread.join(timeout): a join
    # interrupted by a signal can mark a live thread stopped (CPython's bpo-45274 fix
    # releases the thread's own lock), and a later join() would then not wait for it.
    done = threading.Event()

    def work() -> None:
        try:
            outcome.append((True, call()))
        except BaseException as error:  # handed to the caller's thread below
            outcome.append((False, error))
        finally:
            done.set()

    worker = threading.Thread(target=work, name="authsignal_terminal wait")
    try:
        worker.start()
        while not done.wait(0.1):
            pass
    except BaseException:
        stop()
        if worker.ident is not None:  # started, even if start() itself was interrupted
            while not done.wait(0.1):
                pass
            worker.join()
        raise
    worker.join()
    succeeded, value = outcome.pop()
    if succeeded:
        return value  # type: ignore[no-any-return]
    raise value


# --- objects ------------------------------------------------------------------------


def _new_native_cancel_token() -> NativeHandle:
    ptr = lib.as_cancel_token_new()
    if not ptr:
        raise MemoryError("the library could not allocate a cancel token")
    return NativeHandle(ptr, lib.as_cancel_token_free, "cancel token")


class CancelToken:
    """Cancels ``wait_payment_session`` calls.

    ``cancel()`` may be called from any thread, any number of times; every wait using
    the token then raises ``WaitCancelledError`` within 100 ms. The API has no cancel
    endpoint: the terminal's prompt stays until the customer acts or it expires.
    Usable as a context manager; ``close()`` ends its use.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cancelled = False
        self._closed = False
        # Each wait runs on a native token of its own, which this one cancels: so a wait
        # can also be stopped alone (Ctrl-C, a cancelled asyncio task) without firing
        # this token for every later wait.
        self._waits: set[NativeHandle] = set()

    def cancel(self) -> None:
        """Cancels every wait using this token, now and later."""
        with self._lock:
            self._check_open()
            self._cancelled = True
            waits = list(self._waits)
        for native in waits:
            _cancel_native(native)

    @property
    def cancelled(self) -> bool:
        """True once ``cancel()`` was called."""
        return self._cancelled

    @property
    def closed(self) -> bool:
        """True once ``close()`` was called."""
        return self._closed

    def close(self) -> None:
        """Ends the token's use: ``cancel()`` and waits with it then raise
        ``InvalidArgumentError``. Waits already running keep it."""
        self._closed = True

    def _check_open(self) -> None:
        if self._closed:
            raise _errors.invalid_argument("this cancel token is closed")

    def _attach(self, native: NativeHandle) -> None:
        with self._lock:
            self._check_open()
            self._waits.add(native)
            cancelled = self._cancelled
        if cancelled:
            _cancel_native(native)

    def _detach(self, native: NativeHandle) -> None:
        with self._lock:
            self._waits.discard(native)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<authsignal_terminal.CancelToken cancelled={self._cancelled} closed={self._closed}>"


def _cancel_native(native: NativeHandle) -> None:
    try:
        with native.borrow() as ptr:
            lib.as_cancel_token_cancel(ptr)
    except _errors.InvalidArgumentError:
        pass  # that wait has ended and freed its token


@contextmanager
def _wait_token(cancel: CancelToken | None) -> Iterator[NativeHandle]:
    """A native cancel token for one wait, fired by ``cancel`` too."""
    if cancel is not None and not isinstance(cancel, CancelToken):
        raise TypeError(f"cancel must be a CancelToken or None, not {type(cancel).__name__}")
    native = _new_native_cancel_token()
    try:
        if cancel is not None:
            cancel._attach(native)
        try:
            yield native
        finally:
            if cancel is not None:
                cancel._detach(native)
    finally:
        native.close()


class ClientOptions(TypedDict, total=False):
    """The keyword options of ``Client`` and ``AsyncClient``, defined once (see ``Client``
    for what each means). Every one is optional; None keeps the library's default."""

    region: Region | str | None
    base_url: str | None
    connect_timeout: float | None
    request_timeout: float | None
    poll_interval: float | None
    ca_file: StrPath | None
    use_system_roots: bool | None
    proxy: str | None
    user_agent_suffix: str | None
    journal: StrPath | None
    journal_lifetime: float | None
    journal_retention: float | None


_OPTION_NAMES = frozenset(ClientOptions.__annotations__)


def _refuse_unknown_options(owner: str, options: ClientOptions) -> None:
    """The TypeError Python gives for a keyword a signature does not have."""
    unknown = sorted(options.keys() - _OPTION_NAMES)
    if unknown:
        raise TypeError(f"{owner}() got an unexpected keyword argument {unknown[0]!r}")


class _ClientOptions:
    def __init__(self) -> None:
        out = c_void_p()
        lib.as_client_options_new(byref(out))
        self.native = NativeHandle(out.value or 0, lib.as_client_options_free, "client options")


class Client:
    """A client of the Authsignal Terminal API.

    One client keeps a pool of kept-alive connections and is meant to be shared: it is
    safe to use from many threads at once. Use it as a context manager, or call
    ``close()``; it is freed exactly once (also on garbage collection).

    Every argument is optional; None keeps the library's default:

    Args:
        region: a ``Region`` (or its name, ``"au"``); US by default.
        base_url: a full base URL (``https://...``; ``http://`` only for loopback
            hosts). Wins over ``region`` when both are given.
        connect_timeout: seconds allowed to open a connection, TLS included (default 5).
        request_timeout: seconds allowed for one whole request (default 10).
        poll_interval: seconds between two reads of a pending session while waiting
            (default 1).
        ca_file: a PEM file of extra trusted CA certificates (a private CA, a simulator).
        use_system_roots: trust the operating system's certificate store instead of
            Mozilla's roots (corporate TLS-inspecting proxies).
        proxy: ``"http://host:port"`` or ``"socks5://host:port"``, instead of the one
            the environment names (``HTTPS_PROXY``, ``ALL_PROXY``, ``NO_PROXY``).
        user_agent_suffix: appended to the User-Agent, after this binding's own token
            (``authsignal-terminal-python/<version> python/<x.y>``).
        journal: a file (or folder) for the crash-safe payment journal, off by default.
            With it, a create that carries a ``reference`` is recorded durably before
            it is sent, and a create for a reference whose last attempt is PENDING,
            COMPLETED or of unknown outcome raises ``DuplicateReferenceError`` before
            any network I/O, across crashes, restarts and processes sharing the file.
            Creates without a reference are not journaled.
        journal_lifetime: seconds a create of unknown outcome (or a session last seen
            PENDING) keeps its reference blocked (default 600).
        journal_retention: seconds journal entries are kept (default 7 days).

    Raises:
        InvalidArgumentError: an option the library refuses (the message says which).
        JournalError: the journal cannot be opened (the message names the path).
        TypeError: an argument of the wrong type.
    """

    def __init__(self, **options: Unpack[ClientOptions]) -> None:
        _refuse_unknown_options(type(self).__name__, options)
        region = options.get("region")
        base_url = options.get("base_url")
        connect_timeout = options.get("connect_timeout")
        request_timeout = options.get("request_timeout")
        poll_interval = options.get("poll_interval")
        ca_file = options.get("ca_file")
        use_system_roots = options.get("use_system_roots")
        proxy = options.get("proxy")
        user_agent_suffix = options.get("user_agent_suffix")
        journal = options.get("journal")
        journal_lifetime = options.get("journal_lifetime")
        journal_retention = options.get("journal_retention")
        native_options = _ClientOptions().native
        try:
            with native_options.borrow() as opts:
                if region is not None:
                    lib.as_client_options_set_region(opts, _region_number(region))
                if base_url is not None:
                    lib.as_client_options_set_base_url(opts, _c_str(base_url, "base_url"))
                if connect_timeout is not None:
                    lib.as_client_options_set_connect_timeout_ms(
                        opts, _millis(connect_timeout, "connect_timeout")
                    )
                if request_timeout is not None:
                    lib.as_client_options_set_request_timeout_ms(
                        opts, _millis(request_timeout, "request_timeout")
                    )
                if poll_interval is not None:
                    lib.as_client_options_set_poll_interval_ms(opts, _millis(poll_interval, "poll_interval"))
                if ca_file is not None:
                    lib.as_client_options_set_ca_file(opts, _c_path(ca_file, "ca_file"))
                if use_system_roots is not None:
                    if not isinstance(use_system_roots, bool):
                        raise TypeError(
                            f"use_system_roots must be bool, not {type(use_system_roots).__name__}"
                        )
                    lib.as_client_options_set_use_system_roots(opts, use_system_roots)
                if proxy is not None:
                    lib.as_client_options_set_proxy(opts, _c_str(proxy, "proxy"))
                suffix = USER_AGENT_TOKEN
                if user_agent_suffix is not None:
                    suffix_bytes = _c_str(user_agent_suffix, "user_agent_suffix")
                    if suffix_bytes:
                        suffix = f"{suffix} {user_agent_suffix}"
                lib.as_client_options_set_user_agent_suffix(opts, _c_str(suffix, "user_agent_suffix"))
                if journal is not None:
                    lib.as_client_options_set_journal_path(opts, _c_path(journal, "journal"))
                if journal_lifetime is not None:
                    lib.as_client_options_set_journal_lifetime_ms(
                        opts, _millis(journal_lifetime, "journal_lifetime")
                    )
                if journal_retention is not None:
                    lib.as_client_options_set_journal_retention_ms(
                        opts, _millis64(journal_retention, "journal_retention")
                    )
                out = c_void_p()
                lib.as_client_new(opts, byref(out))
        finally:
            native_options.close()
        self._native = NativeHandle(out.value or 0, lib.as_client_free, "client")

    def create_payment_session(
        self,
        terminal_id: str,
        amount: Amount,
        currency: str,
        reference: str | None = None,
    ) -> PaymentSession:
        """Starts a payment of ``amount`` MAJOR units (``12`` USD is twelve dollars, not
        twelve cents; for cents use ``create_payment_session_minor``): the paired
        terminal prompts the customer.

        Args:
            terminal_id: the paired terminal's id, the credential (a secret: never log
                it in clear).
            amount: in major units, as the Terminal API takes it. ``int`` and
                ``decimal.Decimal`` are exact (sent in minor units, no float involved;
                a ``Decimal`` with more places than the currency has is refused); a
                ``float`` may carry float noise, which the library absorbs
                (``0.1 + 0.2`` is 0.30) while refusing real extra digits (``10.005`` USD).
            currency: a 3-letter ISO 4217 code, e.g. ``"USD"``.
            reference: the POS's own reference, or None.

        Returns:
            the new session, ``PENDING``.

        Raises:
            AuthsignalTerminalError: a subclass per failure. If its ``outcome_unknown``
                is True the terminal may be prompting: check it before creating again.
        """
        tid = _c_str(terminal_id, "terminal_id")
        cur = _c_str(currency, "currency")
        ref = _c_str_or_none(reference, "reference")
        is_minor, value = _amount_argument(amount, cur)
        with self._native.borrow() as client:
            if is_minor:
                return _call_for_session(
                    lambda out: lib.as_client_create_payment_session_minor(client, tid, value, cur, ref, out)
                )
            return _call_for_session(
                lambda out: lib.as_client_create_payment_session(client, tid, value, cur, ref, out)
            )

    def create_payment_session_minor(
        self,
        terminal_id: str,
        amount_minor: int,
        currency: str,
        reference: str | None = None,
    ) -> PaymentSession:
        """Starts a payment of ``amount_minor`` MINOR units, exactly: ``1250`` USD is
        12.50 USD, ``1000`` JPY is 1000 JPY, ``1234`` BHD is 1.234 BHD. Otherwise as
        ``create_payment_session``."""
        tid = _c_str(terminal_id, "terminal_id")
        minor = _minor_argument(amount_minor)
        cur = _c_str(currency, "currency")
        ref = _c_str_or_none(reference, "reference")
        with self._native.borrow() as client:
            return _call_for_session(
                lambda out: lib.as_client_create_payment_session_minor(client, tid, minor, cur, ref, out)
            )

    def get_payment_session(self, terminal_id: str, challenge_id: str) -> PaymentSession:
        """Reads a payment session by its challenge id (retried on connect failures,
        429, 502, 503 and 504)."""
        tid = _c_str(terminal_id, "terminal_id")
        cid = _c_str(challenge_id, "challenge_id")
        with self._native.borrow() as client:
            return _call_for_session(lambda out: lib.as_client_get_payment_session(client, tid, cid, out))

    def wait_payment_session(
        self,
        terminal_id: str,
        challenge_id: str,
        timeout: float,
        cancel: CancelToken | None = None,
    ) -> PaymentSession:
        """Reads the session until it leaves PENDING and returns it (COMPLETED,
        FAILED, EXPIRED, or a status this version does not know).

        Ctrl-C (``KeyboardInterrupt``) or any other signal handler's exception ends
        the wait within half a second; the exception then goes on.

        Args:
            timeout: seconds to wait at most (0 reads once; negative is refused).
            cancel: a ``CancelToken``; ``cancel.cancel()`` from any thread ends the wait.

        Raises:
            StillPendingError: ``timeout`` passed while the session was still PENDING
                (a ``TimeoutError``).
            WaitCancelledError: ``cancel`` fired (within 100 ms).
            AuthsignalTerminalError: any other failure of a read. Waiting again is safe.
        """
        wait = self._wait_call(terminal_id, challenge_id, timeout)
        with _wait_token(cancel) as token:
            return _run_interruptibly(lambda: wait(token), lambda: _cancel_native(token))

    def _wait_call(
        self, terminal_id: object, challenge_id: object, timeout: object
    ) -> Callable[[NativeHandle], PaymentSession]:
        """The native wait with checked arguments, to run on any thread with a token."""
        tid, cid, millis = _wait_arguments(terminal_id, challenge_id, timeout)

        def wait(token: NativeHandle) -> PaymentSession:
            with self._native.borrow() as client, token.borrow() as token_ptr:
                return _call_for_session(
                    lambda out: lib.as_client_wait_payment_session(client, tid, cid, millis, token_ptr, out)
                )

        return wait

    def find_payment_session(self, reference: str) -> JournalEntry | None:
        """What the client's journal knows about the last create for ``reference``, or
        None when it knows nothing. A POS that restarted uses it to wait again for the
        session it had started (``entry.challenge_id``), or learns that the outcome is
        unknown (check the terminal, then ``forget_reference``). No network I/O.

        Raises:
            InvalidArgumentError: the client has no journal.
            JournalError: the journal cannot be read.
        """
        ref = _c_str(reference, "reference")
        out = c_void_p()
        with self._native.borrow() as client:
            try:
                lib.as_client_find_payment_session(client, ref, byref(out))
            except _errors.NotFoundError:
                return None
        return _entry_from(out)

    def forget_reference(self, reference: str) -> None:
        """Forgets ``reference`` in the client's journal: the cashier has checked the
        terminal and nothing is prompting, so the next create for it may go. Forgetting
        an unknown reference is harmless. No network I/O.

        Raises:
            InvalidArgumentError: the client has no journal.
        """
        ref = _c_str(reference, "reference")
        with self._native.borrow() as client:
            lib.as_client_forget_reference(client, ref)

    def close(self) -> None:
        """Frees the client (at once, or when the last running call ends). Later calls
        raise ``InvalidArgumentError``; closing twice is harmless."""
        self._native.close()

    @property
    def closed(self) -> bool:
        """True once ``close()`` was called."""
        return self._native.closed

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def diagnose(self, terminal_id: str | None = None) -> Diagnosis:
        """Diagnoses why payments through this client might fail:
        configuration, proxy, DNS, TCP, TLS, the clock and, when ``terminal_id`` is given,
        whether the server accepts it. Never creates a payment; failed checks are in the
        result, not raised. What ``authsignal-terminal doctor`` prints."""
        tid = None if terminal_id is None else _c_str(terminal_id, "terminal_id")
        out = c_void_p()
        with self._native.borrow() as client:
            lib.as_client_diagnose(client, tid, byref(out))
        try:
            text = (lib.as_diagnosis_text(out) or b"").decode("utf-8", "replace")
            report = json.loads((lib.as_diagnosis_json(out) or b"{}").decode("utf-8", "replace"))
            passed = bool(lib.as_diagnosis_passed(out))
        finally:
            lib.as_diagnosis_free(out)
        return Diagnosis(passed=passed, text=text, report=report)

    def __repr__(self) -> str:
        return f"<authsignal_terminal.Client closed={self.closed}>"


@dataclass(frozen=True)
class Diagnosis:
    """What ``Client.diagnose`` found.

    Attributes:
        passed: True when no check failed (warnings allowed).
        text: one line per check with its verdict and fix, for a support screen.
        report: the JSON report (``checks``, ``config``, ``proxy``, ``dns``, ``tcp``,
            ``tls``, ``clock``, ``terminal_id``; field names as in the README).
    """

    passed: bool
    text: str
    report: dict[str, Any]


def _region_number(region: object) -> int:
    if not isinstance(region, str):
        raise TypeError(f"region must be a Region or its name, not {type(region).__name__}")
    try:
        return _REGION_NUMBERS[Region(region.lower())]
    except ValueError:
        names = ", ".join(r.value for r in Region)
        raise _errors.invalid_argument(f"region must be one of {names}") from None


# --- the process-wide default client ------------------------------------------------


def create_payment_session(
    terminal_id: str,
    amount: Amount,
    currency: str,
    reference: str | None = None,
) -> PaymentSession:
    """``Client.create_payment_session`` (``amount`` in MAJOR units) on the library's
    process-wide default client.

    That client is built on first use from the environment, as in C:
    ``AUTHSIGNAL_TERMINAL_BASE_URL`` (a full base URL) or else
    ``AUTHSIGNAL_TERMINAL_REGION`` (us, au, eu, ca; US when neither is set), and
    ``AUTHSIGNAL_TERMINAL_CA_FILE``. It sends no binding token in its User-Agent.
    """
    tid = _c_str(terminal_id, "terminal_id")
    cur = _c_str(currency, "currency")
    ref = _c_str_or_none(reference, "reference")
    is_minor, value = _amount_argument(amount, cur)
    if is_minor:
        return _call_for_session(lambda out: lib.as_create_payment_session_minor(tid, value, cur, ref, out))
    return _call_for_session(lambda out: lib.as_create_payment_session(tid, value, cur, ref, out))


def create_payment_session_minor(
    terminal_id: str,
    amount_minor: int,
    currency: str,
    reference: str | None = None,
) -> PaymentSession:
    """``Client.create_payment_session_minor`` (``amount_minor`` in MINOR units: 1250
    USD is 12.50) on the process-wide default client (see ``create_payment_session``)."""
    tid = _c_str(terminal_id, "terminal_id")
    minor = _minor_argument(amount_minor)
    cur = _c_str(currency, "currency")
    ref = _c_str_or_none(reference, "reference")
    return _call_for_session(lambda out: lib.as_create_payment_session_minor(tid, minor, cur, ref, out))


def get_payment_session(terminal_id: str, challenge_id: str) -> PaymentSession:
    """``Client.get_payment_session`` on the process-wide default client (see
    ``create_payment_session``)."""
    tid = _c_str(terminal_id, "terminal_id")
    cid = _c_str(challenge_id, "challenge_id")
    return _call_for_session(lambda out: lib.as_get_payment_session(tid, cid, out))


def wait_payment_session(
    terminal_id: str,
    challenge_id: str,
    timeout: float,
    cancel: CancelToken | None = None,
) -> PaymentSession:
    """``Client.wait_payment_session`` on the process-wide default client (see
    ``create_payment_session``); Ctrl-C ends it too."""
    tid, cid, millis = _wait_arguments(terminal_id, challenge_id, timeout)

    def wait(token: NativeHandle) -> PaymentSession:
        with token.borrow() as token_ptr:
            return _call_for_session(
                lambda out: lib.as_wait_payment_session(tid, cid, millis, token_ptr, out)
            )

    with _wait_token(cancel) as token:
        return _run_interruptibly(lambda: wait(token), lambda: _cancel_native(token))
