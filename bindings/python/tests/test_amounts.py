"""Amounts: int and Decimal go exact through the minor-unit path, float through the
library's float path; what reaches the wire is checked on a recording server."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any

import pytest

import authsignal_terminal as at
from authsignal_terminal import _client
from conftest import FakeApi


def sent_amount(api: FakeApi) -> Decimal:
    body = json.loads(api.requests[-1].body, parse_float=Decimal)
    return Decimal(body["amount"])


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (Decimal("12.50"), "USD", Decimal("12.5")),
        (Decimal("12.500"), "USD", Decimal("12.5")),
        (Decimal("0.01"), "usd", Decimal("0.01")),
        (Decimal("1.234"), "BHD", Decimal("1.234")),
        (Decimal("1000"), "JPY", Decimal("1000")),
        (Decimal("1E+3"), "JPY", Decimal("1000")),
        (Decimal("9999999999999.99"), "USD", Decimal("9999999999999.99")),
        (12, "USD", Decimal("12")),
        (1000, "JPY", Decimal("1000")),
        (7, "BHD", Decimal("7")),
        (12.5, "USD", Decimal("12.5")),
        (0.1 + 0.2, "USD", Decimal("0.3")),
        (1.1 * 3, "EUR", Decimal("3.3")),
    ],
    ids=lambda value: repr(value),
)
def test_what_is_sent(
    fake_client: at.Client, fake_api: FakeApi, make_tid, amount: Any, currency: str, expected: Decimal
) -> None:
    fake_client.create_payment_session(make_tid(), amount, currency)
    assert sent_amount(fake_api) == expected
    body = json.loads(fake_api.requests[-1].body)
    assert body["currency"] == currency.upper()


def test_int_and_decimal_never_touch_the_float_path(
    fake_client: at.Client, make_tid, monkeypatch: pytest.MonkeyPatch
) -> None:
    def float_path(*args: object) -> None:
        raise AssertionError("the float path was used")

    monkeypatch.setattr(_client.lib, "as_client_create_payment_session", float_path)
    monkeypatch.setattr(_client.lib, "as_create_payment_session", float_path)
    fake_client.create_payment_session(make_tid(), Decimal("19.99"), "USD")
    fake_client.create_payment_session(make_tid(), 20, "USD")


def test_the_reference_is_sent(fake_client: at.Client, fake_api: FakeApi, make_tid) -> None:
    session = fake_client.create_payment_session(make_tid(), 1, "USD", "order-7")
    assert json.loads(fake_api.requests[-1].body)["reference"] == "order-7"
    assert session.reference == "order-7"


# Refused before any network I/O: an unpaired terminal id would otherwise give 401.
@pytest.mark.parametrize(
    ("amount", "currency"),
    [
        (Decimal("10.005"), "USD"),
        (Decimal("1.5"), "JPY"),
        (Decimal("0.0001"), "BHD"),
        (Decimal("1E-30"), "USD"),
        (10.005, "USD"),
        (0, "USD"),
        (-1, "USD"),
        (0.0, "USD"),
        (-0.5, "USD"),
        (Decimal("0"), "USD"),
        (Decimal("-5"), "USD"),
        (Decimal("-0.00"), "USD"),
        (math.nan, "USD"),
        (math.inf, "USD"),
        (Decimal("NaN"), "USD"),
        (Decimal("sNaN"), "USD"),
        (Decimal("-Infinity"), "USD"),
        (10**20, "USD"),
        (-(10**30), "USD"),
        (10**15, "USD"),
        (Decimal("1E+30"), "USD"),
        (Decimal("1" * 40), "JPY"),
        (1e300, "USD"),
        (12, "US"),
        (12, "US1"),
        (Decimal("12.5"), ""),
        (12.5, "DOLLARS"),
    ],
    ids=lambda value: repr(value),
)
def test_refused_amounts(client: at.Client, make_tid, amount: Any, currency: str) -> None:
    with pytest.raises(at.InvalidArgumentError) as caught:
        client.create_payment_session(make_tid(prefix="unpaired"), amount, currency)
    assert isinstance(caught.value, ValueError)
    assert caught.value.result == "AS_RESULT_INVALID_ARGUMENT"


def test_a_decimal_with_too_many_places_names_the_currency(client: at.Client, make_tid) -> None:
    with pytest.raises(at.InvalidArgumentError) as caught:
        client.create_payment_session(make_tid(), Decimal("1.001"), "usd")
    assert "USD" in caught.value.message


@pytest.mark.parametrize(
    "amount", ["12", b"12", None, True, False, [12], 1 + 2j, object()], ids=lambda value: repr(value)
)
def test_amounts_of_the_wrong_type(client: at.Client, make_tid, amount: Any) -> None:
    with pytest.raises(TypeError):
        client.create_payment_session(make_tid(), amount, "USD")


def test_the_exact_amounts_on_the_simulator(client: at.Client, make_tid) -> None:
    for amount, currency in [(Decimal("12.50"), "USD"), (1000, "JPY"), (Decimal("1.234"), "BHD")]:
        session = client.create_payment_session(make_tid(), amount, currency)
        assert session.status is at.PaymentStatus.PENDING
