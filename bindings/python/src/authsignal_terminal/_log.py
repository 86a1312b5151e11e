"""Routes the library's diagnostics into Python's ``logging`` (logger
``"authsignal_terminal"``) through ``as_set_log_callback``.

Installed when the package is imported, at the debug level; the logger's own level and
handlers decide what is kept. The logger has a ``NullHandler``, as a library's should:
nothing is printed (not even warnings, through ``logging.lastResort``) until the
application configures logging. Lines never hold a terminal id in clear (the library
redacts them).
"""

from __future__ import annotations

import _thread
import atexit
import logging

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
        # Ctrl-C landed in this callback, where ctypes would drop it: raise it again in
        # the main thread as soon as the library call returns.
        _thread.interrupt_main()
    except Exception:
        pass


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
