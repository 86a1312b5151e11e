"""``NativeHandle``: the one owner of a native pointer, which frees it once.

The public classes hold one (``self._native``) rather than derive from it, so their
``help()`` shows payment calls, not pointers. A call borrows the pointer for its
duration (``with self._native.borrow() as ptr:``), so ``close()`` from another thread
while a call is running never frees memory under it: the free is then done by the last
call to finish. Closing twice is harmless; a call after ``close()`` raises
``InvalidArgumentError``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Callable

from . import _errors


class NativeHandle:
    """Owns one native object; ``free`` is its ``_free`` function, ``kind`` names it in
    messages ("client", "cancel token")."""

    def __init__(self, ptr: int, free: Callable[[int], None], kind: str) -> None:
        self._lock = threading.Lock()
        self._users = 0
        self._closing = False
        self._ptr: int | None = ptr
        self._free = free
        self._kind = kind

    @property
    def closed(self) -> bool:
        """True once ``close()`` was called."""
        return self._closing

    @contextmanager
    def borrow(self) -> Iterator[int]:
        """The pointer, kept alive until the block ends."""
        with self._lock:
            if self._closing or self._ptr is None:
                raise _errors.invalid_argument(f"this {self._kind} is closed")
            self._users += 1
            ptr = self._ptr
        try:
            yield ptr
        finally:
            with self._lock:
                self._users -= 1
                to_free = self._release_if_unused()
            self._free_native(to_free)

    def close(self) -> None:
        """Frees the native object (at once, or when the last running call ends)."""
        with self._lock:
            if self._closing:
                return
            self._closing = True
            to_free = self._release_if_unused()
        self._free_native(to_free)

    def _release_if_unused(self) -> int | None:
        if self._closing and self._users == 0 and self._ptr is not None:
            ptr, self._ptr = self._ptr, None
            return ptr
        return None

    def _free_native(self, ptr: int | None) -> None:
        if ptr is not None:
            self._free(ptr)

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # interpreter shutdown: the library may be gone already
            pass
