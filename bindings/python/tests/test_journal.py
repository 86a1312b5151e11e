"""The payment journal from Python: ``Client(journal=...)``, ``DuplicateReferenceError``,
``find_payment_session``, ``forget_reference``, ``JournalError``, and a restarted POS (a
new client on the same file) resuming its wait. The journal's crash and race proofs are
the Rust tests (tests/journal.rs); here the wrapper's mapping is checked."""

from __future__ import annotations

import asyncio
import datetime
import time
from pathlib import Path
from typing import Callable

import pytest

import authsignal_terminal as at
from conftest import Simulator, assert_redacted


def journal_client(simulator: Simulator, path: Path, **options: object) -> at.Client:
    return at.Client(
        base_url=simulator.base_url,
        ca_file=simulator.ca_file,
        poll_interval=0.1,
        journal=path,
        **options,  # type: ignore[arg-type]
    )


def test_a_second_create_for_a_pending_reference_is_refused(
    simulator: Simulator, tmp_path: Path, make_tid: Callable[..., str]
) -> None:
    tid = make_tid(outcome="PENDING")
    with journal_client(simulator, tmp_path) as client:
        session = client.create_payment_session_minor(tid, 1250, "USD", "order-1")
        with pytest.raises(at.DuplicateReferenceError) as raised:
            client.create_payment_session_minor(tid, 1250, "USD", "order-1")
        error = raised.value
        assert isinstance(error, at.AuthsignalTerminalError)
        assert error.result == "AS_RESULT_DUPLICATE_REFERENCE"
        assert error.code == 14
        assert session.challenge_id in error.message
        assert not error.outcome_unknown
        assert_redacted(str(error), tid)
        # Without a reference nothing is journaled.
        client.create_payment_session_minor(tid, 1250, "USD")
        client.create_payment_session_minor(tid, 1250, "USD")


def test_a_restarted_pos_finds_its_session_and_resumes_the_wait(
    simulator: Simulator, tmp_path: Path, make_tid: Callable[..., str]
) -> None:
    tid = make_tid(outcome="COMPLETED", polls=1)
    with journal_client(simulator, tmp_path / "lane1.sqlite3") as before_crash:
        session = before_crash.create_payment_session(tid, 12, "USD", "order-7")
    # A new process would do exactly this: a client on the same file, then find.
    with journal_client(simulator, tmp_path / "lane1.sqlite3") as after_restart:
        entry = after_restart.find_payment_session("order-7")
        assert entry is not None
        assert entry.reference == "order-7"
        assert entry.challenge_id == session.challenge_id
        assert entry.status is at.PaymentStatus.PENDING
        assert entry.status_raw == "PENDING"
        assert entry.outcome_unknown is False
        assert entry.created_at.tzinfo is datetime.timezone.utc
        assert entry.created_at <= datetime.datetime.now(datetime.timezone.utc)
        assert entry.challenge_id is not None
        done = after_restart.wait_payment_session(tid, entry.challenge_id, timeout=30)
        assert done.status is at.PaymentStatus.COMPLETED
        completed = after_restart.find_payment_session("order-7")
        assert completed is not None and completed.status is at.PaymentStatus.COMPLETED
        with pytest.raises(at.DuplicateReferenceError, match="already paid"):
            after_restart.create_payment_session(tid, 12, "USD", "order-7")
        assert after_restart.find_payment_session("never-used") is None


def test_an_unknown_outcome_blocks_until_the_reference_is_forgotten(
    simulator: Simulator, tmp_path: Path, make_tid: Callable[..., str]
) -> None:
    tid = make_tid(fault=503, on="create", times=1)
    with journal_client(simulator, tmp_path) as client:
        with pytest.raises(at.ServerError) as raised:
            client.create_payment_session(tid, 5, "USD", "order-503")
        assert raised.value.outcome_unknown
        entry = client.find_payment_session("order-503")
        assert entry is not None
        assert entry.outcome_unknown
        assert entry.challenge_id is None and entry.status is None and entry.status_raw is None
        with pytest.raises(at.DuplicateReferenceError, match="unknown outcome"):
            client.create_payment_session(tid, 5, "USD", "order-503")
        client.forget_reference("order-503")
        client.forget_reference("order-503")
        assert client.find_payment_session("order-503") is None
        client.create_payment_session(tid, 5, "USD", "order-503")


def test_the_lifetime_is_settable(simulator: Simulator, tmp_path: Path, make_tid: Callable[..., str]) -> None:
    # Past the lifetime the session is read: still PENDING refuses, FAILED lets go.
    pending = make_tid(outcome="PENDING")
    declined = make_tid(outcome="FAILED", polls=0)
    with journal_client(simulator, tmp_path, journal_lifetime=0.05, journal_retention=3600) as client:
        client.create_payment_session(pending, 5, "USD", "order-short")
        client.create_payment_session(declined, 5, "USD", "order-declined")
        time.sleep(0.15)
        with pytest.raises(at.DuplicateReferenceError, match="PENDING on the server"):
            client.create_payment_session(pending, 5, "USD", "order-short")
        session = client.create_payment_session(declined, 5, "USD", "order-declined")
        assert session.journal_error is None
    assert simulator.stats(pending)["creates"] == 1
    assert simulator.stats(declined)["creates"] == 2
    with pytest.raises(at.InvalidArgumentError):
        journal_client(simulator, tmp_path, journal_lifetime=7200, journal_retention=60)


def test_a_journal_that_cannot_be_opened_raises_journal_error(simulator: Simulator, tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    with pytest.raises(at.JournalError) as raised:
        journal_client(simulator, not_a_folder / "journal.sqlite3")
    assert isinstance(raised.value, OSError)
    assert raised.value.result == "AS_RESULT_JOURNAL"
    assert str(not_a_folder) in raised.value.message
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"this is not a journal" * 100)
    with pytest.raises(at.JournalError):
        journal_client(simulator, garbage)


def test_a_client_without_a_journal_refuses_the_journal_calls(client: at.Client) -> None:
    with pytest.raises(at.InvalidArgumentError, match="no payment journal"):
        client.find_payment_session("order-1")
    with pytest.raises(at.InvalidArgumentError, match="no payment journal"):
        client.forget_reference("order-1")
    with pytest.raises(TypeError):
        client.find_payment_session(42)  # type: ignore[arg-type]


def test_the_async_client_has_the_journal_calls(
    simulator: Simulator, tmp_path: Path, make_tid: Callable[..., str]
) -> None:
    tid = make_tid(outcome="PENDING")

    async def run() -> None:
        async with at.AsyncClient(
            base_url=simulator.base_url, ca_file=simulator.ca_file, journal=tmp_path
        ) as client:
            session = await client.create_payment_session(tid, 5, "USD", "order-async")
            entry = await client.find_payment_session("order-async")
            assert entry is not None and entry.challenge_id == session.challenge_id
            with pytest.raises(at.DuplicateReferenceError):
                await client.create_payment_session(tid, 5, "USD", "order-async")
            await client.forget_reference("order-async")
            assert await client.find_payment_session("order-async") is None

    asyncio.run(run())
