"""Routes the library's diagnostics into Python's ``logging`` (logger
``"authsignal_terminal"``) through ``as_set_log_callback``.

Installed when the package is imported, at the debug level; the logger's own level and
handlers decide what is kept. The logger has a ``NullHandler``, as a library's should:
nothing is printed (not even warnings, through ``logging.lastResort``) until the
application configures logging. Lines never hold a terminal id in clear (the library
redacts them).
"""

from __future__ import annotations

import atexit
import logging
import sys
import threading
from typing import Any

from . import _ffi

logger = logging.getLogger("authsignal_terminal")
logger.addHandler(logging.NullHandler())

_LEVELS = {1: logging.ERROR, 2: logging.WARNING, 3: logging.INFO, 4: logging.DEBUG}
_MAX_NATIVE_LEVEL = 4


def _on_log(user_data: int | None, level: int, message: bytes | None) -> None:
    # Called from any thread, during any library call: must never raise into C.
    try:
        python_level = _LEVELS.get(level, logging.DEBUG)
        if message is not None and logger.isEnabledFor(python_level):
            logger.log(python_level, message.decode("utf-8", "replace"))
    except KeyboardInterrupt:
        _interrupted.set()  # see _keep_interrupts
    except Exception:
        pass


# Ctrl-C that landed in _on_log, to raise once the library call has returned.
_interrupted = threading.Event()
_previous_unraisablehook = sys.unraisablehook


def _keep_interrupts(unraisable: Any) -> None:
    """Ctrl-C that lands in ``_on_log`` (on the main thread, inside a library call) is
    raised there, often before its first line, and ctypes would print and drop it
    ("Exception ignored on calling ctypes callback function"). It is kept instead, for
    ``raise_kept_interrupt`` after the call; anything else goes to the hook that was in
    place."""
    if unraisable.object is _on_log and isinstance(unraisable.exc_value, KeyboardInterrupt):
        _interrupted.set()
        return
    _previous_unraisablehook(unraisable)


def raise_kept_interrupt() -> None:
    """Raises the ``KeyboardInterrupt`` that landed in a log callback during the library
    call this thread just made (only the main thread receives them)."""
    if _interrupted.is_set() and threading.current_thread() is threading.main_thread():
        _interrupted.clear()
        raise KeyboardInterrupt


sys.unraisablehook = _keep_interrupts

# Kept referenced for the life of the process: the library holds the C function pointer.
_callback = _ffi.LOG_CALLBACK(_on_log)


def install() -> None:
    """Sends the library's log lines to the ``authsignal_terminal`` logger."""
    _ffi.lib.as_set_log_callback(_callback, None, _MAX_NATIVE_LEVEL)


def _uninstall() -> None:
    # No line may reach Python while the interpreter is tearing down.
    try:
        _ffi.lib.as_set_log_callback(_ffi.LOG_CALLBACK(), None, 1)
    except Exception:
        pass


atexit.register(_uninstall)
