"""The library's diagnostics reach Python's logging, from any thread, redacted."""

from __future__ import annotations

import logging
import threading

import pytest

import authsignal_terminal as at
from conftest import assert_redacted


def test_lines_go_to_the_authsignal_terminal_logger(
    client: at.Client, make_tid, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="authsignal_terminal")
    tid = make_tid()
    session = client.create_payment_session(tid, 1, "USD")
    client.get_payment_session(tid, session.challenge_id)
    records = [r for r in caplog.records if r.name == "authsignal_terminal"]
    assert records
    assert {logging.INFO, logging.DEBUG} <= {r.levelno for r in records}
    for record in records:
        assert_redacted(record.getMessage(), tid)


def test_failures_and_retries_are_logged_as_warnings_and_errors(
    client: at.Client, make_tid, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="authsignal_terminal")
    tid = make_tid(fault=503, on="get")
    session = client.create_payment_session(tid, 1, "USD")
    with pytest.raises(at.ServerError):
        client.get_payment_session(tid, session.challenge_id)
    levels = {r.levelno for r in caplog.records if r.name == "authsignal_terminal"}
    assert logging.WARNING in levels
    assert logging.ERROR in levels
    for record in caplog.records:
        assert_redacted(record.getMessage(), tid)


def test_lines_from_other_threads(client: at.Client, make_tid, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="authsignal_terminal")
    tid = make_tid()
    thread = threading.Thread(target=client.create_payment_session, args=(tid, 1, "USD"))
    thread.start()
    thread.join()
    threads = {r.threadName for r in caplog.records if r.name == "authsignal_terminal"}
    assert thread.name in threads
    assert not any(r.levelno == logging.DEBUG for r in caplog.records)


def test_nothing_is_logged_below_the_loggers_level(
    client: at.Client, make_tid, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="authsignal_terminal")
    client.create_payment_session(make_tid(), 1, "USD")
    assert not [r for r in caplog.records if r.name == "authsignal_terminal"]
