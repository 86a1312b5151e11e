"""Bad input of every kind: wrong types raise TypeError (this binding's rule: a value
that cannot be turned into the C argument at all); wrong values raise
InvalidArgumentError (a ValueError) from the library, before any network I/O."""

from __future__ import annotations

from typing import Any

import pytest

import authsignal_terminal as at


def unpaired(make_tid) -> str:
    # Anything that reached the server with this id would be a 401, not a ValueError.
    return make_tid(prefix="unpaired")


@pytest.mark.parametrize("terminal_id", [None, 42, b"tid", ["tid"]], ids=repr)
def test_terminal_id_of_the_wrong_type(client: at.Client, terminal_id: Any) -> None:
    with pytest.raises(TypeError):
        client.create_payment_session(terminal_id, 1, "USD")
    with pytest.raises(TypeError):
        client.get_payment_session(terminal_id, "abc")
    with pytest.raises(TypeError):
        client.wait_payment_session(terminal_id, "abc", timeout=1)
    with pytest.raises(TypeError):
        at.create_payment_session(terminal_id, 1, "USD")
    with pytest.raises(TypeError):
        at.get_payment_session(terminal_id, "abc")


@pytest.mark.parametrize(
    "terminal_id",
    ["", " ", "has space", "tab\there", "new\nline", "nul\0inside", "\udcff"],
    ids=["empty", "blank", "space", "tab", "newline", "nul", "surrogate"],
)
def test_bad_terminal_ids(client: at.Client, terminal_id: str) -> None:
    with pytest.raises(at.InvalidArgumentError):
        client.create_payment_session(terminal_id, 1, "USD")
    with pytest.raises(at.InvalidArgumentError):
        client.get_payment_session(terminal_id, "abc")


@pytest.mark.parametrize("currency", [None, 840, b"USD"], ids=repr)
def test_currency_of_the_wrong_type(client: at.Client, make_tid, currency: Any) -> None:
    with pytest.raises(TypeError):
        client.create_payment_session(unpaired(make_tid), 1, currency)


@pytest.mark.parametrize("currency", ["", "US", "USDX", "U$D", "ÜSD", "12 "], ids=repr)
def test_bad_currencies(client: at.Client, make_tid, currency: str) -> None:
    for amount in (1, 1.0):
        with pytest.raises(at.InvalidArgumentError):
            client.create_payment_session(unpaired(make_tid), amount, currency)


def test_reference_of_the_wrong_type(client: at.Client, make_tid) -> None:
    with pytest.raises(TypeError):
        client.create_payment_session(unpaired(make_tid), 1, "USD", 42)  # type: ignore[arg-type]


def test_bad_references(client: at.Client, make_tid) -> None:
    for reference in ("a\0b", "r" * 10_000):
        with pytest.raises(at.InvalidArgumentError):
            client.create_payment_session(unpaired(make_tid), 1, "USD", reference)


@pytest.mark.parametrize("challenge_id", ["", "../etc", "a/b", "a b", "x" * 129, "é", "a?b=c"], ids=repr)
def test_bad_challenge_ids(client: at.Client, make_tid, challenge_id: str) -> None:
    with pytest.raises(at.InvalidArgumentError):
        client.get_payment_session(unpaired(make_tid), challenge_id)
    with pytest.raises(at.InvalidArgumentError):
        client.wait_payment_session(unpaired(make_tid), challenge_id, timeout=1)


def test_challenge_id_of_the_wrong_type(client: at.Client, make_tid) -> None:
    with pytest.raises(TypeError):
        client.get_payment_session(unpaired(make_tid), None)  # type: ignore[arg-type]


@pytest.mark.parametrize("timeout", [None, "5", True, [1]], ids=repr)
def test_wait_timeout_of_the_wrong_type(client: at.Client, make_tid, timeout: Any) -> None:
    with pytest.raises(TypeError):
        client.wait_payment_session(unpaired(make_tid), "abc", timeout=timeout)


@pytest.mark.parametrize("timeout", [-1, -0.001, float("nan")], ids=repr)
def test_bad_wait_timeouts(client: at.Client, make_tid, timeout: float) -> None:
    with pytest.raises(at.InvalidArgumentError):
        client.wait_payment_session(unpaired(make_tid), "abc", timeout=timeout)


def test_cancel_of_the_wrong_type(client: at.Client, make_tid) -> None:
    with pytest.raises(TypeError):
        client.wait_payment_session(unpaired(make_tid), "abc", 1, cancel=True)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "options",
    [
        {"connect_timeout": 0},
        {"connect_timeout": -1},
        {"connect_timeout": 0.0001},
        {"connect_timeout": 601},
        {"request_timeout": float("nan")},
        {"request_timeout": float("inf")},
        {"poll_interval": 0.01},
        {"region": "mars"},
        {"region": ""},
        {"base_url": ""},
        {"base_url": "not a url"},
        {"base_url": "http://example.com/v1"},
        {"base_url": "ftp://127.0.0.1/v1"},
        {"ca_file": "/nonexistent/ca.pem"},
        {"proxy": "not a proxy"},
        {"user_agent_suffix": "naïve"},
        {"user_agent_suffix": "x" * 300},
        {"user_agent_suffix": "a\0b"},
    ],
    ids=repr,
)
def test_bad_options(options: Any) -> None:
    with pytest.raises(at.InvalidArgumentError):
        at.Client(**options)


@pytest.mark.parametrize(
    "options",
    [
        {"connect_timeout": "5"},
        {"request_timeout": True},
        {"poll_interval": [1]},
        {"region": 1.5},
        {"region": True},
        {"region": 1},
        {"base_url": 42},
        {"ca_file": 42},
        {"use_system_roots": "yes"},
        {"use_system_roots": 1},
        {"proxy": b"http://x"},
        {"user_agent_suffix": 1},
    ],
    ids=repr,
)
def test_options_of_the_wrong_type(options: Any) -> None:
    with pytest.raises(TypeError):
        at.Client(**options)


def test_options_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        at.Client("us")  # type: ignore[misc]
