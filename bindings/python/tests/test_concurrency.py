"""Threads: one client shared by many, and calls that release the GIL while they wait.

No test asserts on a duration (the machine's timings are noisy): each checks an ordering.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import authsignal_terminal as at
from conftest import Simulator

SLOW_MS = 1000


def test_many_threads_share_one_client(client: at.Client, make_tid) -> None:
    def pay(n: int) -> at.PaymentStatus:
        tid = make_tid(polls=1)
        session = client.create_payment_session(tid, n + 1, "USD", f"order-{n}")
        return client.wait_payment_session(tid, session.challenge_id, timeout=60).status

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(pay, range(16)))
    assert statuses == [at.PaymentStatus.COMPLETED] * 16


def test_calls_release_the_gil(client: at.Client, simulator: Simulator, make_tid) -> None:
    # The simulator holds each of these answers for SLOW_MS * 3 after reading the request.
    # Were the GIL held during a call, the other threads could not even send theirs until
    # the first returned: the server would never see four requests while none had
    # returned. An ordering, not a timing, so it holds however slow the machine is.
    tid = make_tid(delay=SLOW_MS * 3)
    barrier = threading.Barrier(4)
    returned = threading.Event()

    def slow_call() -> None:
        barrier.wait()
        try:
            client.create_payment_session(tid, 1, "USD")
        finally:
            returned.set()

    threads = [threading.Thread(target=slow_call) for _ in range(4)]
    for thread in threads:
        thread.start()
    all_in_flight = False
    while not returned.is_set():
        seen = simulator.stats(tid)["requests"]
        if seen == 4 and not returned.is_set():
            all_in_flight = True
            break
        time.sleep(0.02)
    for thread in threads:
        thread.join()
    assert all_in_flight, "the four calls did not wait on the server at the same time"


def test_python_keeps_running_while_a_call_waits(client: at.Client, make_tid) -> None:
    done = threading.Event()
    ticks: list[int] = []

    def slow_call() -> None:
        try:
            client.create_payment_session(make_tid(delay=SLOW_MS * 3), 1, "USD")
        finally:
            done.set()

    # Were the GIL held during the call, this loop could tick at most once before the call
    # took it, and not again until the call returned.
    thread = threading.Thread(target=slow_call)
    thread.start()
    while not done.is_set():
        ticks.append(1)
        time.sleep(0.01)
    thread.join()
    assert len(ticks) > 2


def test_cancel_one_wait_among_several(client: at.Client, make_tid) -> None:
    pending = make_tid(outcome="PENDING")
    finishing = make_tid(polls=2)
    first = client.create_payment_session(pending, 1, "USD")
    second = client.create_payment_session(finishing, 1, "USD")
    results: dict = {}

    def wait(name: str, tid: str, challenge_id: str, token: at.CancelToken | None) -> None:
        try:
            results[name] = client.wait_payment_session(tid, challenge_id, timeout=60, cancel=token).status
        except at.AuthsignalTerminalError as error:
            results[name] = type(error)

    with at.CancelToken() as token:
        threads = [
            threading.Thread(target=wait, args=("cancelled", pending, first.challenge_id, token)),
            threading.Thread(target=wait, args=("finished", finishing, second.challenge_id, None)),
        ]
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        token.cancel()
        for thread in threads:
            thread.join(60)
    assert results == {"cancelled": at.WaitCancelledError, "finished": at.PaymentStatus.COMPLETED}
