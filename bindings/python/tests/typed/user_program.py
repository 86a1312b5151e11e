"""A small POS program as a typed user writes it; ``mypy --strict`` must accept it
(test_typing.py also checks that it rejects the same program with a misspelt method)."""

from __future__ import annotations

from decimal import Decimal

import authsignal_terminal as at


def take_payment(terminal_id: str, base_url: str, ca_file: str) -> bool:
    with at.Client(base_url=base_url, ca_file=ca_file) as client, at.CancelToken() as cancel:
        session = client.create_payment_session(terminal_id, Decimal("12.50"), "AUD", "order-42")
        cents = client.create_payment_session_minor(terminal_id, 1250, "AUD")
        try:
            done = client.wait_payment_session(terminal_id, session.challenge_id, timeout=120, cancel=cancel)
        except TimeoutError:
            return False
        label: str = f"{done.status}: {cents.status_raw}"
        return done.status is at.PaymentStatus.COMPLETED and label != ""


async def take_payment_async(terminal_id: str) -> at.PaymentStatus:
    async with at.AsyncClient(region=at.Region.AU) as client:
        session = await client.create_payment_session_minor(terminal_id, 1250, "AUD")
        done = await client.wait_payment_session(terminal_id, session.challenge_id, timeout=120)
        return done.status
