"""Each call against the simulator: create, get, wait, and the session they return."""

from __future__ import annotations

import dataclasses
import re

import pytest

import authsignal_terminal as at

CHALLENGE_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")


def test_create_get_and_wait_until_completed(client: at.Client, make_tid) -> None:
    tid = make_tid()
    created = client.create_payment_session(tid, 12.5, "USD", "order-42")
    assert created.status is at.PaymentStatus.PENDING
    assert created.status_raw == "PENDING"
    assert created.reference == "order-42"
    assert CHALLENGE_ID.fullmatch(created.challenge_id)

    read = client.get_payment_session(tid, created.challenge_id)
    assert read.challenge_id == created.challenge_id
    assert read.status is at.PaymentStatus.PENDING

    done = client.wait_payment_session(tid, created.challenge_id, timeout=30)
    assert done.status is at.PaymentStatus.COMPLETED
    assert done.status_raw == "COMPLETED"
    assert done.challenge_id == created.challenge_id
    assert done.reference == "order-42"


@pytest.mark.parametrize(
    ("outcome", "status"),
    [("FAILED", at.PaymentStatus.FAILED), ("EXPIRED", at.PaymentStatus.EXPIRED)],
)
def test_wait_ends_with_the_scripted_outcome(
    client: at.Client, make_tid, outcome: str, status: at.PaymentStatus
) -> None:
    tid = make_tid(outcome=outcome, polls=1)
    created = client.create_payment_session(tid, 5, "USD")
    done = client.wait_payment_session(tid, created.challenge_id, timeout=30)
    assert done.status is status
    assert done.status_raw == outcome


def test_a_status_this_version_does_not_know_is_unknown_with_the_raw_text(
    client: at.Client, make_tid
) -> None:
    tid = make_tid(outcome="REVERSED", polls=0)
    created = client.create_payment_session(tid, 5, "USD")
    done = client.wait_payment_session(tid, created.challenge_id, timeout=30)
    assert done.status is at.PaymentStatus.UNKNOWN
    assert done.status_raw == "REVERSED"


def test_no_reference_reads_back_as_none(client: at.Client, make_tid) -> None:
    tid = make_tid()
    assert client.create_payment_session(tid, 1, "USD").reference is None
    assert client.create_payment_session(tid, 1, "USD", "").reference is None


def test_payment_session_is_a_frozen_dataclass(client: at.Client, make_tid) -> None:
    session = client.create_payment_session(make_tid(), 1, "EUR", "r")
    assert dataclasses.is_dataclass(session)
    with pytest.raises(dataclasses.FrozenInstanceError):
        session.status = at.PaymentStatus.COMPLETED  # type: ignore[misc]
    assert [f.name for f in dataclasses.fields(session)] == [
        "challenge_id",
        "status",
        "status_raw",
        "reference",
        "journal_error",
    ]
    assert session.journal_error is None


def test_payment_status_maps_the_c_values() -> None:
    from authsignal_terminal import _client

    assert {number: status.name for number, status in enumerate(_client._STATUS_BY_NUMBER)} == {
        0: "UNKNOWN",
        1: "PENDING",
        2: "COMPLETED",
        3: "EXPIRED",
        4: "FAILED",
    }


def test_a_session_is_private_to_its_terminal(client: at.Client, make_tid) -> None:
    created = client.create_payment_session(make_tid(), 1, "USD")
    with pytest.raises(at.NotFoundError):
        client.get_payment_session(make_tid(), created.challenge_id)


def test_regions_and_options_are_accepted(simulator) -> None:
    for region in ("us", "AU", at.Region.EU, at.Region.CA):
        at.Client(region=region).close()
    with at.Client(
        base_url=simulator.base_url,
        ca_file=simulator.ca_file,
        connect_timeout=2,
        request_timeout=5.5,
        poll_interval=0.2,
        use_system_roots=False,
        proxy="http://127.0.0.1:3128",
        user_agent_suffix="pos/1.0",
    ) as client:
        assert not client.closed


def test_ca_file_accepts_a_path_object(simulator, make_tid) -> None:
    from pathlib import Path

    with at.Client(base_url=simulator.base_url, ca_file=Path(simulator.ca_file)) as client:
        assert client.create_payment_session(make_tid(), 1, "USD").status is at.PaymentStatus.PENDING


def test_versions() -> None:
    assert at.library_version == at.__version__
    assert re.fullmatch(r"\d+\.\d+\.\d+", at.__version__)
