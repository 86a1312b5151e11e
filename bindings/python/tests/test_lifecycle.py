"""Context managers and ownership: every native object is freed exactly once."""

from __future__ import annotations

import gc
import threading
from typing import Callable

import pytest

import authsignal_terminal as at
from authsignal_terminal import _client


@pytest.fixture
def client_frees(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Records every as_client_free (and still frees)."""
    freed: list[int] = []
    real: Callable[[int], None] = _client.lib.as_client_free

    def counting_free(ptr: int) -> None:
        freed.append(ptr)
        real(ptr)

    monkeypatch.setattr(_client.lib, "as_client_free", counting_free)
    return freed


def test_context_manager_closes_once(simulator, client_frees: list[int]) -> None:
    with at.Client(base_url=simulator.base_url, ca_file=simulator.ca_file) as client:
        assert not client.closed
        ptr = client._native._ptr
    assert client.closed
    client.close()
    del client
    gc.collect()
    assert client_frees.count(ptr) == 1


def test_garbage_collection_frees_an_unclosed_client(client_frees: list[int]) -> None:
    client = at.Client()
    ptr = client._native._ptr
    del client
    gc.collect()
    assert client_frees.count(ptr) == 1


def test_a_call_after_close_is_an_invalid_argument(simulator, make_tid) -> None:
    client = at.Client(base_url=simulator.base_url, ca_file=simulator.ca_file)
    client.close()
    with pytest.raises(at.InvalidArgumentError) as caught:
        client.create_payment_session(make_tid(), 1, "USD")
    assert caught.value.result == "AS_RESULT_INVALID_ARGUMENT"
    assert "closed" in caught.value.message


def test_close_during_a_call_frees_when_the_call_ends(client_frees: list[int]) -> None:
    client = at.Client()
    ptr = client._native._ptr
    with client._native.borrow():
        client.close()
        assert client.closed
        assert ptr not in client_frees
    assert client_frees.count(ptr) == 1


def test_close_from_another_thread_while_waiting_is_safe(
    simulator, make_tid, client_frees: list[int]
) -> None:
    client = at.Client(base_url=simulator.base_url, ca_file=simulator.ca_file, poll_interval=0.1)
    ptr = client._native._ptr
    tid = make_tid(outcome="PENDING")
    created = client.create_payment_session(tid, 1, "USD")
    outcome: list[BaseException] = []

    def wait() -> None:
        try:
            client.wait_payment_session(tid, created.challenge_id, timeout=1.5)
        except at.AuthsignalTerminalError as error:
            outcome.append(error)

    thread = threading.Thread(target=wait)
    thread.start()
    threading.Event().wait(0.3)
    client.close()
    thread.join(30)
    assert not thread.is_alive()
    # StillPending when the wait had begun (the usual case), InvalidArgument if the
    # close won the race; either way the client was freed once, after the call.
    assert len(outcome) == 1
    assert isinstance(outcome[0], (at.StillPendingError, at.InvalidArgumentError))
    assert client_frees.count(ptr) == 1


def test_cancel_token_lifecycle() -> None:
    with at.CancelToken() as token:
        assert not token.cancelled
        token.cancel()
        token.cancel()
        assert token.cancelled
    assert token.closed
    token.close()
    with pytest.raises(at.InvalidArgumentError):
        token.cancel()


def test_async_client_context_managers(simulator) -> None:
    import asyncio

    async def main() -> at.AsyncClient:
        async with at.AsyncClient(base_url=simulator.base_url, ca_file=simulator.ca_file) as client:
            assert not client.closed
        return client

    client = asyncio.run(main())
    assert client.closed
    with at.AsyncClient() as other:
        pass
    assert other.closed
