"""What the binding adds to a request: its User-Agent token before the caller's suffix."""

from __future__ import annotations

import sys

import authsignal_terminal as at
from conftest import FakeApi


def test_user_agent_carries_the_binding_token_then_the_suffix(
    fake_client: at.Client, fake_api: FakeApi, make_tid
) -> None:
    fake_client.create_payment_session(make_tid(), 1, "USD")
    user_agent = fake_api.requests[-1].headers["user-agent"]
    python = f"python/{sys.version_info.major}.{sys.version_info.minor}"
    token = f"authsignal-terminal-python/{at.__version__} {python}"
    assert at.USER_AGENT_TOKEN == token
    assert user_agent.startswith(f"authsignal-terminal/{at.library_version} (")
    assert user_agent.endswith(f" {token} pos-tests/1.0")


def test_user_agent_without_a_suffix(fake_api: FakeApi, make_tid) -> None:
    with at.Client(base_url=fake_api.base_url) as client:
        client.get_payment_session(make_tid(), "abc")
    assert fake_api.requests[-1].headers["user-agent"].endswith(f" {at.USER_AGENT_TOKEN}")


def test_get_reads_the_session_by_its_id(fake_client: at.Client, fake_api: FakeApi, make_tid) -> None:
    session = fake_client.get_payment_session(make_tid(), "abc_DEF-123")
    assert session.challenge_id == "abc_DEF-123"
    assert session.status is at.PaymentStatus.COMPLETED
    assert fake_api.requests[-1].method == "GET"
    assert fake_api.requests[-1].path.endswith("/terminal/payment-session/abc_DEF-123")
