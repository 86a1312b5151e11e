"""AsyncClient: the calls off the event loop, and task cancellation as a native cancel."""

from __future__ import annotations

import asyncio

import pytest

import authsignal_terminal as at


@pytest.fixture
def async_client(simulator):
    with at.AsyncClient(base_url=simulator.base_url, ca_file=simulator.ca_file, poll_interval=0.1) as client:
        yield client


def test_create_get_wait(async_client: at.AsyncClient, make_tid) -> None:
    tid = make_tid()

    async def main() -> None:
        created = await async_client.create_payment_session(tid, 12.5, "USD", "order-1")
        assert created.status is at.PaymentStatus.PENDING
        read = await async_client.get_payment_session(tid, created.challenge_id)
        assert read.challenge_id == created.challenge_id
        done = await async_client.wait_payment_session(tid, created.challenge_id, timeout=30)
        assert done.status is at.PaymentStatus.COMPLETED

    asyncio.run(main())


def test_errors_are_the_same(async_client: at.AsyncClient, make_tid) -> None:
    async def main() -> None:
        with pytest.raises(at.UnauthorizedError):
            await async_client.create_payment_session(make_tid(prefix="unpaired"), 1, "USD")
        with pytest.raises(TypeError):
            await async_client.create_payment_session(make_tid(), "12", "USD")  # type: ignore[arg-type]

    asyncio.run(main())


def test_the_event_loop_keeps_running(async_client: at.AsyncClient, make_tid) -> None:
    async def main() -> int:
        ticks = 0
        call = asyncio.ensure_future(async_client.create_payment_session(make_tid(delay=1000), 1, "USD"))
        while not call.done():
            ticks += 1
            await asyncio.sleep(0.01)
        await call
        return ticks

    assert asyncio.run(main()) > 10


def test_concurrent_waits(async_client: at.AsyncClient, make_tid) -> None:
    async def pay(n: int) -> at.PaymentStatus:
        tid = make_tid(polls=2)
        created = await async_client.create_payment_session(tid, n + 1, "EUR")
        done = await async_client.wait_payment_session(tid, created.challenge_id, timeout=60)
        return done.status

    async def main() -> list:
        return await asyncio.gather(*(pay(n) for n in range(4)))

    assert asyncio.run(main()) == [at.PaymentStatus.COMPLETED] * 4


def test_task_cancellation_cancels_the_native_wait(async_client: at.AsyncClient, make_tid) -> None:
    tid = make_tid(outcome="PENDING")

    # Were the native wait not stopped, asyncio.run would hang at the end, waiting for its
    # executor's thread, for the wait's full hour (pytest-timeout ends the run first).
    async def main() -> at.CancelToken:
        created = await async_client.create_payment_session(tid, 1, "USD")
        token = at.CancelToken()
        task = asyncio.ensure_future(
            async_client.wait_payment_session(tid, created.challenge_id, timeout=3600, cancel=token)
        )
        await asyncio.sleep(0.3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return token

    token = asyncio.run(main())
    # The wait ran on a token of its own: the caller's stays usable for the next wait.
    assert not token.cancelled
    token.close()


def test_wait_for_timeout_cancels_the_native_wait(async_client: at.AsyncClient, make_tid) -> None:
    tid = make_tid(outcome="PENDING")

    # As above: a native wait left running would hold asyncio.run's end for an hour.
    async def main() -> None:
        created = await async_client.create_payment_session(tid, 1, "USD")
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(
                async_client.wait_payment_session(tid, created.challenge_id, timeout=3600),
                timeout=0.5,
            )

    asyncio.run(main())


def test_a_cancel_token_works_in_async_too(async_client: at.AsyncClient, make_tid) -> None:
    tid = make_tid(outcome="PENDING")

    async def main() -> None:
        created = await async_client.create_payment_session(tid, 1, "USD")
        with at.CancelToken() as token:
            asyncio.get_running_loop().call_later(0.3, token.cancel)
            with pytest.raises(at.WaitCancelledError):
                await async_client.wait_payment_session(tid, created.challenge_id, timeout=60, cancel=token)

    asyncio.run(main())
