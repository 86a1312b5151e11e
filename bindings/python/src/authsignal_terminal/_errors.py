"""The exceptions: one base class and one subclass per ``as_result`` value.

Each carries the calling thread's last error as the C library reported it right after
the failing call (see ``error_from_last``, which ``_ffi`` runs as ctypes ``errcheck``).
Where Python has a matching built-in exception the class derives from it too, so
``except ValueError`` / ``except TimeoutError`` / ``except ConnectionError`` work.
"""

from __future__ import annotations

from typing import Any


class AuthsignalTerminalError(Exception):
    """A call into libauthsignal_terminal failed.

    Attributes:
        result: the ``as_result`` name, e.g. ``"AS_RESULT_TIMEOUT"``.
        code: the ``as_result`` number, e.g. 7.
        message: what happened, for logs and people (never a terminal id in clear).
        http_status: the HTTP status of the server's answer, or 0 when none was involved.
        server_code: the server's error code (Authsignal's ``errorCode``), or None.
        outcome_unknown: True when a create failed in a way that may still have created
            a payment session: the terminal may be prompting, so check it before
            creating again.
    """

    result: str
    code: int
    message: str
    http_status: int
    server_code: str | None
    outcome_unknown: bool

    def __init__(
        self,
        message: str,
        *,
        result: str,
        code: int,
        http_status: int = 0,
        server_code: str | None = None,
        outcome_unknown: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.result = result
        self.code = code
        self.http_status = http_status
        self.server_code = server_code
        self.outcome_unknown = outcome_unknown

    def __str__(self) -> str:
        details = [self.result]
        if self.http_status and f"HTTP {self.http_status}" not in self.message:
            details.append(f"HTTP {self.http_status}")
        if self.server_code:
            details.append(self.server_code)
        if self.outcome_unknown:
            details.append("outcome unknown")
        return f"{self.message} ({', '.join(details)})"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(result={self.result!r}, message={self.message!r}, "
            f"http_status={self.http_status}, server_code={self.server_code!r}, "
            f"outcome_unknown={self.outcome_unknown})"
        )

    def __reduce__(self) -> Any:
        return (_rebuild, (type(self), self.message, self.__dict__))


def _rebuild(cls: type[AuthsignalTerminalError], message: str, state: dict[str, Any]) -> Any:
    error = cls.__new__(cls, message)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


class InvalidArgumentError(AuthsignalTerminalError, ValueError):
    """``AS_RESULT_INVALID_ARGUMENT``: refused before any network I/O (bad amount,
    currency, id, option, a closed client, ...)."""


class UnauthorizedError(AuthsignalTerminalError):
    """``AS_RESULT_UNAUTHORIZED``: HTTP 401, the terminal id is unknown or not paired."""


class InvalidRequestError(AuthsignalTerminalError):
    """``AS_RESULT_INVALID_REQUEST``: HTTP 400 and other 4xx."""


class NotFoundError(AuthsignalTerminalError):
    """``AS_RESULT_NOT_FOUND``: HTTP 404, no such session for this terminal."""


class RateLimitedError(AuthsignalTerminalError):
    """``AS_RESULT_RATE_LIMITED``: HTTP 429."""


class ServerError(AuthsignalTerminalError):
    """``AS_RESULT_SERVER_ERROR``: HTTP 5xx."""


class TerminalTimeoutError(AuthsignalTerminalError, TimeoutError):
    """``AS_RESULT_TIMEOUT``: a connect or request deadline passed."""


class NetworkError(AuthsignalTerminalError, ConnectionError):
    """``AS_RESULT_NETWORK``: DNS, connect, reset, proxy."""


class TlsError(AuthsignalTerminalError):
    """``AS_RESULT_TLS``: TLS handshake or certificate failure. Behind a TLS-inspecting
    proxy, ``Client(use_system_roots=True)``; for a private CA, ``Client(ca_file=...)``."""


class ProtocolError(AuthsignalTerminalError):
    """``AS_RESULT_PROTOCOL``: an answer the library cannot accept (bad JSON, missing
    fields, too large, a redirect)."""


class WaitCancelledError(AuthsignalTerminalError):
    """``AS_RESULT_CANCELLED``: the wait's ``CancelToken`` fired. (Not
    ``asyncio.CancelledError``, which an ``AsyncClient`` call raises when its task is
    cancelled.)"""


class StillPendingError(AuthsignalTerminalError, TimeoutError):
    """``AS_RESULT_STILL_PENDING``: the wait's timeout passed while the session was
    still PENDING. Waiting again is safe."""


class InternalError(AuthsignalTerminalError):
    """``AS_RESULT_INTERNAL``: a bug in the library (a caught panic)."""


class DuplicateReferenceError(AuthsignalTerminalError):
    """``AS_RESULT_DUPLICATE_REFERENCE``: the client's payment journal refused a create
    before any network I/O, because the reference's last attempt is PENDING, COMPLETED
    or of unknown outcome (the message says which, and the challenge id to wait on when
    known). See ``Client.find_payment_session`` and ``Client.forget_reference``."""


class JournalError(AuthsignalTerminalError, OSError):
    """``AS_RESULT_JOURNAL``: the payment journal cannot be opened, read or written
    (before any network I/O); the message names the path and the cause."""


#: ``as_result`` number -> exception class. A number missing here (from a newer
#: library) raises the base class.
ERROR_CLASSES: dict[int, type[AuthsignalTerminalError]] = {
    1: InvalidArgumentError,
    2: UnauthorizedError,
    3: InvalidRequestError,
    4: NotFoundError,
    5: RateLimitedError,
    6: ServerError,
    7: TerminalTimeoutError,
    8: NetworkError,
    9: TlsError,
    10: ProtocolError,
    11: WaitCancelledError,
    12: StillPendingError,
    13: InternalError,
    14: DuplicateReferenceError,
    15: JournalError,
}

INVALID_ARGUMENT = 1
TLS = 9

#: What a message from the library gains in Python: the keyword for the setting it names.
_PYTHON_HINTS = {
    TLS: " (in Python: Client(use_system_roots=True), or Client(ca_file=path) for a CA file)",
}


def error_class_for(code: int) -> type[AuthsignalTerminalError]:
    """The exception class for an ``as_result`` number."""
    return ERROR_CLASSES.get(code, AuthsignalTerminalError)


def _text(raw: bytes | None) -> str | None:
    return None if raw is None else raw.decode("utf-8", "replace")


def error_from_last(code: int, lib: Any) -> AuthsignalTerminalError:
    """The exception for ``code``, filled from the calling thread's last error.

    Must run on the thread that made the failing call, before any other call into the
    library on it (the last error is thread-local and replaced by the next call).
    """
    message = (_text(lib.as_last_error_message()) or "") + _PYTHON_HINTS.get(code, "")
    http_status = int(lib.as_last_error_http_status())
    server_code = _text(lib.as_last_error_server_code())
    outcome_unknown = bool(lib.as_last_error_outcome_unknown())
    result = _text(lib.as_result_name(code)) or "AS_RESULT_UNKNOWN"
    return error_class_for(code)(
        message,
        result=result,
        code=code,
        http_status=http_status,
        server_code=server_code,
        outcome_unknown=outcome_unknown,
    )


def invalid_argument(message: str) -> InvalidArgumentError:
    """An ``InvalidArgumentError`` for input that cannot cross the C ABI at all (a NUL
    character inside a string, a ``Decimal`` finer than the currency's minor unit, a
    closed object), shaped as the library's own."""
    return InvalidArgumentError(message, result="AS_RESULT_INVALID_ARGUMENT", code=INVALID_ARGUMENT)
