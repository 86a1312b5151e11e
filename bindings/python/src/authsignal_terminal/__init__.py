"""authsignal_terminal: take card payments on a paired Authsignal payment terminal.

A thin ctypes wrapper of libauthsignal_terminal's C ABI (bundled inside this package;
the environment variable ``AUTHSIGNAL_TERMINAL_LIBRARY`` may name another build). Every
rule (input checks, retries, error mapping, secrecy of the terminal id) lives once in
the library, so Python behaves exactly as C does.

Quick start::

    from decimal import Decimal
    import authsignal_terminal as at

    with at.Client(region="au") as client:
        # Amounts are in MAJOR units (12.50 AUD); create_payment_session_minor takes cents.
        session = client.create_payment_session(terminal_id, Decimal("12.50"), "AUD", "order-42")
        done = client.wait_payment_session(terminal_id, session.challenge_id, timeout=120)
        if done.status is at.PaymentStatus.COMPLETED:
            ...  # paid

The library's diagnostics go to the ``logging`` logger ``"authsignal_terminal"``, which
prints nothing until the application configures logging.
"""

from . import _log
from ._aio import AsyncClient
from ._client import (
    USER_AGENT_TOKEN,
    Amount,
    CancelToken,
    Client,
    Diagnosis,
    JournalEntry,
    PaymentSession,
    PaymentStatus,
    Region,
    create_payment_session,
    create_payment_session_minor,
    get_payment_session,
    wait_payment_session,
)
from ._errors import (
    AuthsignalTerminalError,
    DuplicateReferenceError,
    InternalError,
    InvalidArgumentError,
    InvalidRequestError,
    JournalError,
    NetworkError,
    NotFoundError,
    ProtocolError,
    RateLimitedError,
    ServerError,
    StillPendingError,
    TerminalTimeoutError,
    TlsError,
    UnauthorizedError,
    WaitCancelledError,
)
from ._ffi import LIBRARY_ENV, library_path, library_version
from ._version import __version__

_log.install()

__all__ = [
    "LIBRARY_ENV",
    "USER_AGENT_TOKEN",
    "Amount",
    "AsyncClient",
    "AuthsignalTerminalError",
    "CancelToken",
    "Client",
    "Diagnosis",
    "DuplicateReferenceError",
    "InternalError",
    "InvalidArgumentError",
    "InvalidRequestError",
    "JournalEntry",
    "JournalError",
    "NetworkError",
    "NotFoundError",
    "PaymentSession",
    "PaymentStatus",
    "ProtocolError",
    "RateLimitedError",
    "Region",
    "ServerError",
    "StillPendingError",
    "TerminalTimeoutError",
    "TlsError",
    "UnauthorizedError",
    "WaitCancelledError",
    "__version__",
    "create_payment_session",
    "create_payment_session_minor",
    "get_payment_session",
    "library_path",
    "library_version",
    "wait_payment_session",
]

# Tracebacks and help() name the package, not the private module a class lives in
# (``authsignal_terminal.StillPendingError``); pickling finds them here too.
for _name in __all__:
    _value = globals()[_name]
    if getattr(_value, "__module__", "").startswith(__name__ + "."):
        _value.__module__ = __name__
del _name, _value
