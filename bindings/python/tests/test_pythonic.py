"""What a Python developer expects of the package (issue 15): string enums with the
API's words, an exact minor-unit create, messages in Python's words, the built-in
exception bases, module-level calls, and ``help()`` without C plumbing."""

from __future__ import annotations

import inspect
import json
import pickle
import pydoc
import traceback
from decimal import Decimal

import pytest

import authsignal_terminal as at
from conftest import FakeApi


def test_statuses_and_regions_are_the_apis_words() -> None:
    assert str(at.PaymentStatus.COMPLETED) == "COMPLETED"
    assert f"{at.PaymentStatus.FAILED}" == "FAILED"
    assert at.PaymentStatus.COMPLETED == "COMPLETED"
    assert at.PaymentStatus("EXPIRED") is at.PaymentStatus.EXPIRED
    assert [s.value for s in at.PaymentStatus] == ["UNKNOWN", "PENDING", "COMPLETED", "EXPIRED", "FAILED"]
    assert str(at.Region.AU) == "au"
    assert f"{at.Region.EU}" == "eu"
    assert at.Region("ca") is at.Region.CA
    assert json.dumps({"status": at.PaymentStatus.PENDING}) == '{"status": "PENDING"}'


def test_a_session_status_is_its_raw_word(client: at.Client, make_tid) -> None:
    tid = make_tid(outcome="FAILED")
    created = client.create_payment_session(tid, 1, "USD")
    assert created.status == created.status_raw == "PENDING"
    done = client.wait_payment_session(tid, created.challenge_id, timeout=30)
    assert done.status is at.PaymentStatus.FAILED
    assert f"{done.status}" == "FAILED"


def test_each_region_selects_its_own_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    # The C numbers behind the words: the wrong number would pick another region's URL.
    from authsignal_terminal import _client

    assert [_client._region_number(r) for r in at.Region] == [0, 1, 2, 3]
    assert [_client._region_number(name) for name in ("US", "au", "Eu", "ca")] == [0, 1, 2, 3]


def test_create_in_minor_units_is_exact(fake_client: at.Client, fake_api: FakeApi, make_tid) -> None:
    for minor, currency, expected in [(1250, "USD", "12.5"), (1000, "JPY", "1000"), (1234, "BHD", "1.234")]:
        fake_client.create_payment_session_minor(make_tid(), minor, currency)
        body = json.loads(fake_api.requests[-1].body, parse_float=Decimal, parse_int=Decimal)
        assert body["amount"] == Decimal(expected), (minor, currency)
    # The major-unit create reads 1250 as 1250 dollars: the two can be told apart.
    fake_client.create_payment_session(make_tid(), 1250, "USD")
    assert json.loads(fake_api.requests[-1].body)["amount"] == 1250


def test_create_in_minor_units_refuses_what_is_not_an_int(client: at.Client, make_tid) -> None:
    for amount in (12.5, Decimal("1250"), True, "1250"):
        with pytest.raises(TypeError):
            client.create_payment_session_minor(make_tid(), amount, "USD")  # type: ignore[arg-type]
    with pytest.raises(at.InvalidArgumentError):
        client.create_payment_session_minor(make_tid(), 0, "USD")
    with pytest.raises(at.InvalidArgumentError):
        client.create_payment_session_minor(make_tid(), 2**70, "USD")


def test_the_amounts_unit_is_said_first() -> None:
    for doc in (at.Client.create_payment_session.__doc__, at.create_payment_session.__doc__):
        assert doc is not None and "MAJOR units" in doc.split("\n\n")[0]
    for doc in (at.Client.create_payment_session_minor.__doc__, at.create_payment_session_minor.__doc__):
        assert doc is not None and "MINOR units" in doc.split("\n\n")[0]


def test_a_tls_error_names_the_python_keywords(simulator, make_tid) -> None:
    with at.Client(base_url=simulator.base_url) as client:
        with pytest.raises(at.TlsError) as caught:
            client.create_payment_session(make_tid(), 1, "USD")
    message = caught.value.message
    assert "use the system trust store" in message
    assert "use_system_roots=True" in message and "ca_file=" in message
    assert "set_use_system_roots" not in message and "set_ca_file" not in message


def test_a_401_names_the_terminal_id_as_the_credential_once(client: at.Client, make_tid) -> None:
    with pytest.raises(at.UnauthorizedError) as caught:
        client.create_payment_session(make_tid(prefix="unpaired"), 1, "USD")
    text = str(caught.value)
    assert text.count("HTTP 401") == 1, text
    assert "terminal id, the only credential" in text
    assert "there is no API key" in text


def test_the_deadline_of_a_wait_is_a_timeout_error(client: at.Client, make_tid) -> None:
    tid = make_tid(outcome="PENDING")
    created = client.create_payment_session(tid, 1, "USD")
    with pytest.raises(TimeoutError) as caught:
        client.wait_payment_session(tid, created.challenge_id, timeout=0.2)
    assert type(caught.value) is at.StillPendingError


def test_module_level_wait_on_the_default_client(simulator, make_tid) -> None:
    # The default client reads the environment once per process: run it in a child.
    import subprocess
    import sys

    tid = make_tid(outcome="COMPLETED")
    script = (
        "import sys, authsignal_terminal as at\n"
        "tid = sys.stdin.read()\n"
        "s = at.create_payment_session_minor(tid, 1250, 'USD')\n"
        "done = at.wait_payment_session(tid, s.challenge_id, timeout=30)\n"
        "print(done.status)\n"
    )
    env = {
        "AUTHSIGNAL_TERMINAL_BASE_URL": simulator.base_url,
        "AUTHSIGNAL_TERMINAL_CA_FILE": simulator.ca_file,
        "PATH": "/usr/bin:/bin",
    }
    child = subprocess.run(
        [sys.executable, "-c", script], input=tid, capture_output=True, text=True, env=env, timeout=120
    )
    assert child.returncode == 0, child.stderr[-2000:]
    assert child.stdout.strip() == "COMPLETED"


def test_library_version_and_path_are_both_strings() -> None:
    assert isinstance(at.library_version, str)
    assert isinstance(at.library_path, str)


def test_help_shows_payments_not_plumbing() -> None:
    for obj in (at.Client, at.CancelToken, at.AsyncClient):
        text = pydoc.render_doc(obj, renderer=pydoc.plaintext)
        for plumbing in ("borrow", "NativeHandle", "as_client", "as_cancel_token", "Iterator[int]", "_ptr"):
            assert plumbing not in text, (obj, plumbing)
        assert "authsignal_terminal._" not in text, obj


def test_classes_and_functions_belong_to_the_package() -> None:
    for name in at.__all__:
        value = getattr(at, name)
        if isinstance(value, type) or inspect.isfunction(value):
            assert value.__module__ == "authsignal_terminal", name
    try:
        raise at.StillPendingError("still pending", result="AS_RESULT_STILL_PENDING", code=12)
    except at.StillPendingError:
        shown = traceback.format_exc()
    assert "authsignal_terminal.StillPendingError: still pending" in shown
    error = at.StillPendingError("x", result="AS_RESULT_STILL_PENDING", code=12)
    assert type(pickle.loads(pickle.dumps(error))) is at.StillPendingError


def test_a_client_and_a_token_from_with_are_themselves() -> None:
    with at.Client() as client, at.CancelToken() as token:
        assert type(client) is at.Client
        assert type(token) is at.CancelToken
