"""Threads: one client shared by many, and calls that release the GIL while they wait.

No test asserts a tight duration: the machine's timings are noisy.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import authsignal_terminal as at

SLOW_MS = 1000


def test_many_threads_share_one_client(client: at.Client, make_tid) -> None:
    def pay(n: int) -> at.PaymentStatus:
        tid = make_tid(polls=1)
        session = client.create_payment_session(tid, n + 1, "USD", f"order-{n}")
        return client.wait_payment_session(tid, session.challenge_id, timeout=60).status

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(pay, range(16)))
    assert statuses == [at.PaymentStatus.COMPLETED] * 16


def test_calls_release_the_gil(client: at.Client, make_tid) -> None:
    tid = make_tid(delay=SLOW_MS)
    started = time.monotonic()
    client.create_payment_session(tid, 1, "USD")
    one = time.monotonic() - started
    assert one >= SLOW_MS / 1000 * 0.9  # the delay was really applied

    barrier = threading.Barrier(4)

    def slow_call() -> None:
        barrier.wait()
        client.create_payment_session(make_tid(delay=SLOW_MS), 1, "USD")

    threads = [threading.Thread(target=slow_call) for _ in range(4)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    four = time.monotonic() - started
    # Serialised by the GIL they would take 4x one call; in parallel about 1x.
    assert four < 3 * one, f"4 parallel calls took {four:.2f}s, one took {one:.2f}s"


def test_python_keeps_running_while_a_call_waits(client: at.Client, make_tid) -> None:
    done = threading.Event()
    ticks: list[int] = []

    def slow_call() -> None:
        try:
            client.create_payment_session(make_tid(delay=SLOW_MS), 1, "USD")
        finally:
            done.set()

    thread = threading.Thread(target=slow_call)
    thread.start()
    while not done.is_set():
        ticks.append(1)
        time.sleep(0.01)
    thread.join()
    assert len(ticks) > 10


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
