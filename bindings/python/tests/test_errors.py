"""Each exception class, with the fields the C library's last error gives it."""

from __future__ import annotations

import pickle
import socket
import threading

import pytest

import authsignal_terminal as at
from authsignal_terminal import _errors, _ffi
from conftest import assert_redacted


def test_the_classes_and_their_builtin_bases() -> None:
    expected = {
        1: ("AS_RESULT_INVALID_ARGUMENT", at.InvalidArgumentError),
        2: ("AS_RESULT_UNAUTHORIZED", at.UnauthorizedError),
        3: ("AS_RESULT_INVALID_REQUEST", at.InvalidRequestError),
        4: ("AS_RESULT_NOT_FOUND", at.NotFoundError),
        5: ("AS_RESULT_RATE_LIMITED", at.RateLimitedError),
        6: ("AS_RESULT_SERVER_ERROR", at.ServerError),
        7: ("AS_RESULT_TIMEOUT", at.TerminalTimeoutError),
        8: ("AS_RESULT_NETWORK", at.NetworkError),
        9: ("AS_RESULT_TLS", at.TlsError),
        10: ("AS_RESULT_PROTOCOL", at.ProtocolError),
        11: ("AS_RESULT_CANCELLED", at.WaitCancelledError),
        12: ("AS_RESULT_STILL_PENDING", at.StillPendingError),
        13: ("AS_RESULT_INTERNAL", at.InternalError),
    }
    for code, (name, cls) in expected.items():
        assert _ffi.lib.as_result_name(code).decode() == name
        assert _errors.error_class_for(code) is cls
        assert issubclass(cls, at.AuthsignalTerminalError)
    assert issubclass(at.InvalidArgumentError, ValueError)
    assert issubclass(at.TerminalTimeoutError, TimeoutError)
    assert issubclass(at.NetworkError, ConnectionError)
    assert _errors.error_class_for(99) is at.AuthsignalTerminalError


def test_internal_error_from_the_last_error() -> None:
    # A panic cannot be provoked from outside; the mapping is what this binding adds.
    error = _errors.error_from_last(13, _ffi.lib)
    assert type(error) is at.InternalError
    assert error.result == "AS_RESULT_INTERNAL"
    assert error.code == 13


def test_invalid_argument(client: at.Client) -> None:
    with pytest.raises(at.InvalidArgumentError) as caught:
        client.create_payment_session("", 1, "USD")
    error = caught.value
    assert isinstance(error, ValueError)
    assert error.result == "AS_RESULT_INVALID_ARGUMENT"
    assert error.code == 1
    assert error.http_status == 0
    assert error.server_code is None
    assert error.outcome_unknown is False
    assert "terminal id" in error.message
    assert error.message in str(error)
    assert "AS_RESULT_INVALID_ARGUMENT" in str(error)


def test_unauthorized(client: at.Client, make_tid) -> None:
    tid = make_tid(prefix="unpaired")
    with pytest.raises(at.UnauthorizedError) as caught:
        client.create_payment_session(tid, 1, "USD")
    error = caught.value
    assert error.result == "AS_RESULT_UNAUTHORIZED"
    assert error.http_status == 401
    assert error.server_code == "unauthorized"
    assert error.outcome_unknown is False
    assert_redacted(str(error), tid)
    assert_redacted(repr(error), tid)


def test_invalid_request(fake_client: at.Client, make_tid) -> None:
    with pytest.raises(at.InvalidRequestError) as caught:
        fake_client.create_payment_session(make_tid(prefix="badreq"), 1, "USD")
    error = caught.value
    assert error.result == "AS_RESULT_INVALID_REQUEST"
    assert error.http_status == 400
    assert error.server_code == "invalid_request"
    assert error.outcome_unknown is False


def test_not_found(client: at.Client, make_tid) -> None:
    with pytest.raises(at.NotFoundError) as caught:
        client.get_payment_session(make_tid(), "no-such-challenge")
    error = caught.value
    assert error.result == "AS_RESULT_NOT_FOUND"
    assert error.http_status == 404
    assert error.server_code == "not_found"
    assert error.outcome_unknown is False


def test_rate_limited(client: at.Client, make_tid) -> None:
    tid = make_tid(fault=429, on="create")
    with pytest.raises(at.RateLimitedError) as caught:
        client.create_payment_session(tid, 1, "USD")
    error = caught.value
    assert error.result == "AS_RESULT_RATE_LIMITED"
    assert error.http_status == 429
    assert error.server_code == "too_many_requests"
    assert error.outcome_unknown is False


def test_server_error_on_create_leaves_the_outcome_unknown(client: at.Client, make_tid) -> None:
    tid = make_tid(fault=500, on="create")
    with pytest.raises(at.ServerError) as caught:
        client.create_payment_session(tid, 1, "USD")
    error = caught.value
    assert error.result == "AS_RESULT_SERVER_ERROR"
    assert error.http_status == 500
    assert error.server_code == "internal_error"
    assert error.outcome_unknown is True


def test_server_error_on_get_after_the_library_retries(client: at.Client, make_tid) -> None:
    tid = make_tid(fault=503, on="get")
    created = client.create_payment_session(tid, 1, "USD")
    with pytest.raises(at.ServerError) as caught:
        client.get_payment_session(tid, created.challenge_id)
    assert caught.value.http_status == 503
    assert caught.value.outcome_unknown is False


def test_a_transient_fault_is_retried_by_the_library(client: at.Client, make_tid) -> None:
    tid = make_tid(fault=503, on="get", times=1)
    created = client.create_payment_session(tid, 1, "USD")
    assert client.get_payment_session(tid, created.challenge_id).challenge_id == created.challenge_id


def test_timeout(simulator, make_tid) -> None:
    tid = make_tid(delay=3000)
    with at.Client(base_url=simulator.base_url, ca_file=simulator.ca_file, request_timeout=0.5) as client:
        with pytest.raises(at.TerminalTimeoutError) as caught:
            client.create_payment_session(tid, 1, "USD")
    error = caught.value
    assert isinstance(error, TimeoutError)
    assert error.result == "AS_RESULT_TIMEOUT"
    assert error.http_status == 0
    assert error.outcome_unknown is True  # the request was sent: the terminal may prompt
    assert_redacted(str(error), tid)


def test_network(make_tid) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on the port now.
    with at.Client(base_url=f"http://127.0.0.1:{port}/v1", connect_timeout=1) as client:
        with pytest.raises(at.NetworkError) as caught:
            client.create_payment_session(make_tid(), 1, "USD")
    error = caught.value
    assert isinstance(error, ConnectionError)
    assert error.result == "AS_RESULT_NETWORK"
    assert error.http_status == 0
    assert error.outcome_unknown is False


def test_tls_without_the_simulators_ca(simulator, make_tid) -> None:
    with at.Client(base_url=simulator.base_url) as client:
        with pytest.raises(at.TlsError) as caught:
            client.create_payment_session(make_tid(), 1, "USD")
    error = caught.value
    assert error.result == "AS_RESULT_TLS"
    assert error.outcome_unknown is False
    assert "ca_file" in error.message


def test_protocol(client: at.Client, make_tid) -> None:
    tid = make_tid(fault="malformed", on="create")
    with pytest.raises(at.ProtocolError) as caught:
        client.create_payment_session(tid, 1, "USD")
    error = caught.value
    assert error.result == "AS_RESULT_PROTOCOL"
    assert error.outcome_unknown is True  # a success answer that could not be read


def test_protocol_on_a_missing_field(client: at.Client, make_tid) -> None:
    tid = make_tid(fault="missing-status", on="get")
    created = client.create_payment_session(tid, 1, "USD")
    with pytest.raises(at.ProtocolError) as caught:
        client.get_payment_session(tid, created.challenge_id)
    assert caught.value.outcome_unknown is False


def test_still_pending(client: at.Client, make_tid) -> None:
    tid = make_tid(outcome="PENDING")
    created = client.create_payment_session(tid, 1, "USD")
    with pytest.raises(at.StillPendingError) as caught:
        client.wait_payment_session(tid, created.challenge_id, timeout=0.5)
    assert caught.value.result == "AS_RESULT_STILL_PENDING"
    assert caught.value.http_status == 0


def test_cancelled_from_another_thread(client: at.Client, make_tid) -> None:
    tid = make_tid(outcome="PENDING")
    created = client.create_payment_session(tid, 1, "USD")
    with at.CancelToken() as token:
        timer = threading.Timer(0.3, token.cancel)
        timer.start()
        # Were the cancel not noticed, the wait would end an hour later as STILL_PENDING.
        with pytest.raises(at.WaitCancelledError) as caught:
            client.wait_payment_session(tid, created.challenge_id, timeout=3600, cancel=token)
        timer.join()
    assert caught.value.result == "AS_RESULT_CANCELLED"


def test_a_cancelled_token_cancels_later_waits_too(client: at.Client, make_tid) -> None:
    tid = make_tid(outcome="PENDING")
    created = client.create_payment_session(tid, 1, "USD")
    with at.CancelToken() as token:
        token.cancel()
        with pytest.raises(at.WaitCancelledError):
            client.wait_payment_session(tid, created.challenge_id, timeout=60, cancel=token)


def test_errors_pickle() -> None:
    error = at.TerminalTimeoutError(
        "deadline passed", result="AS_RESULT_TIMEOUT", code=7, http_status=0, outcome_unknown=True
    )
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is at.TerminalTimeoutError
    assert (copy.message, copy.result, copy.code, copy.outcome_unknown) == (
        "deadline passed",
        "AS_RESULT_TIMEOUT",
        7,
        True,
    )


def test_the_last_error_is_read_on_the_failing_thread(client: at.Client, make_tid) -> None:
    # Two threads failing differently at once each get their own error.
    results = {}

    def fail(name: str, call) -> None:
        for _ in range(20):
            try:
                call()
            except at.AuthsignalTerminalError as error:
                results.setdefault(name, set()).add(type(error))

    unauthorized = make_tid(prefix="unpaired")
    threads = [
        threading.Thread(target=fail, args=("a", lambda: client.create_payment_session("", 1, "USD"))),
        threading.Thread(
            target=fail, args=("b", lambda: client.create_payment_session(unauthorized, 1, "USD"))
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {"a": {at.InvalidArgumentError}, "b": {at.UnauthorizedError}}
