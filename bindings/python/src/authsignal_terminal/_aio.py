"""``AsyncClient``: the three calls for ``asyncio``.

Each call runs the blocking C call in an executor thread (the loop's default one unless
``executor=`` says otherwise), so the event loop never blocks. Cancelling the task of a
``wait_payment_session`` fires a native cancel token: the C wait ends within 100 ms and
the task raises ``asyncio.CancelledError``. A create or get cannot be stopped once sent:
cancelling its task stops the awaiting, not the request (after a cancelled create, the
terminal may be prompting).
"""

from __future__ import annotations

import asyncio
import functools
import sys
from concurrent.futures import Executor
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from ._client import (
    Amount,
    CancelToken,
    Client,
    ClientOptions,
    JournalEntry,
    PaymentSession,
    _cancel_native,
    _refuse_unknown_options,
    _wait_token,
)

if TYPE_CHECKING:
    if sys.version_info >= (3, 11):
        from typing import Self, Unpack
    else:
        from typing_extensions import Self, Unpack

_T = TypeVar("_T")


class AsyncClient:
    """The asyncio face of ``Client``: same options, same errors, awaitable calls.

    Use it as ``async with AsyncClient(...) as client:`` (or ``with``), or call
    ``close()``. The underlying ``Client`` is ``client.sync``.

    Args:
        executor: where the blocking calls run; None for the loop's default executor
            (whose size bounds how many calls run at once).
        **the rest**: as ``Client``.
    """

    def __init__(self, *, executor: Executor | None = None, **options: Unpack[ClientOptions]) -> None:
        _refuse_unknown_options(type(self).__name__, options)
        self.sync = Client(**options)
        self._executor = executor

    def _run(self, function: Callable[..., _T], *args: Any) -> asyncio.Future[_T]:
        loop = asyncio.get_running_loop()
        return loop.run_in_executor(self._executor, functools.partial(function, *args))

    async def create_payment_session(
        self,
        terminal_id: str,
        amount: Amount,
        currency: str,
        reference: str | None = None,
    ) -> PaymentSession:
        """``Client.create_payment_session``, awaited (``amount`` in MAJOR units)."""
        return await self._run(self.sync.create_payment_session, terminal_id, amount, currency, reference)

    async def create_payment_session_minor(
        self,
        terminal_id: str,
        amount_minor: int,
        currency: str,
        reference: str | None = None,
    ) -> PaymentSession:
        """``Client.create_payment_session_minor``, awaited (``amount_minor`` in MINOR
        units: 1250 USD is 12.50)."""
        return await self._run(
            self.sync.create_payment_session_minor, terminal_id, amount_minor, currency, reference
        )

    async def find_payment_session(self, reference: str) -> JournalEntry | None:
        """``Client.find_payment_session``, awaited."""
        return await self._run(self.sync.find_payment_session, reference)

    async def forget_reference(self, reference: str) -> None:
        """``Client.forget_reference``, awaited."""
        await self._run(self.sync.forget_reference, reference)

    async def get_payment_session(self, terminal_id: str, challenge_id: str) -> PaymentSession:
        """``Client.get_payment_session``, awaited."""
        return await self._run(self.sync.get_payment_session, terminal_id, challenge_id)

    async def wait_payment_session(
        self,
        terminal_id: str,
        challenge_id: str,
        timeout: float,
        cancel: CancelToken | None = None,
    ) -> PaymentSession:
        """``Client.wait_payment_session``, awaited.

        Cancelling the awaiting task ends the native wait (within 100 ms) and raises
        ``asyncio.CancelledError``; ``cancel``, when given, stays as it was (its
        ``cancel()`` ends the wait with ``WaitCancelledError``).
        """
        wait = self.sync._wait_call(terminal_id, challenge_id, timeout)
        with _wait_token(cancel) as token:
            future = self._run(wait, token)
            try:
                return await asyncio.shield(future)
            except asyncio.CancelledError:
                if not future.done():
                    _cancel_native(token)
                    # Let the native wait end, so its error is consumed and nothing
                    # outlives this task.
                    await _settled(future)
                raise

    def close(self) -> None:
        """Closes the underlying client (once; later calls raise InvalidArgumentError)."""
        self.sync.close()

    async def aclose(self) -> None:
        """``close()``, for ``async`` code."""
        self.close()

    @property
    def closed(self) -> bool:
        """True once ``close()`` was called."""
        return self.sync.closed

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<authsignal_terminal.AsyncClient closed={self.closed}>"


async def _settled(future: asyncio.Future[Any]) -> None:
    """Waits for ``future`` and drops its outcome: the task is cancelled either way."""
    try:
        await future
    except Exception:
        pass
