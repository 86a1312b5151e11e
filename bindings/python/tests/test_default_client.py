"""The module-level one-call functions use the library's process-wide default client,
configured from the environment, as in C. Each test runs in a fresh interpreter: the
default client is built once per process, on first use."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import authsignal_terminal as at

SCRIPT = r"""
import json, os, sys
from decimal import Decimal
import authsignal_terminal as at

tid = os.environ["TEST_TERMINAL_ID"]
out = {}
try:
    a = at.create_payment_session(tid, Decimal("12.50"), "USD", "ref-1")
    b = at.create_payment_session(tid, 12.5, "USD")
    c = at.create_payment_session(tid, 1000, "JPY")
    out["statuses"] = [s.status_raw for s in (a, b, c)]
    out["reference"] = a.reference
    out["read"] = at.get_payment_session(tid, a.challenge_id).challenge_id == a.challenge_id
    try:
        at.create_payment_session(tid, Decimal("1.001"), "USD")
    except at.InvalidArgumentError as e:
        out["too_precise"] = e.result
    try:
        at.get_payment_session("unpaired_" + tid, a.challenge_id)
    except at.AuthsignalTerminalError as e:
        out["unpaired"] = [type(e).__name__, e.http_status]
except at.AuthsignalTerminalError as e:
    out["error"] = [type(e).__name__, e.message]
print(json.dumps(out))
"""


def run(env: dict[str, str]) -> dict:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("AUTHSIGNAL_TERMINAL_")}
    full_env.update(env)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=full_env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_module_level_calls_use_the_environment(simulator, make_tid) -> None:
    out = run(
        {
            "AUTHSIGNAL_TERMINAL_BASE_URL": simulator.base_url,
            "AUTHSIGNAL_TERMINAL_CA_FILE": simulator.ca_file,
            "TEST_TERMINAL_ID": make_tid(),
        }
    )
    assert out == {
        "statuses": ["PENDING", "PENDING", "PENDING"],
        "reference": "ref-1",
        "read": True,
        "too_precise": "AS_RESULT_INVALID_ARGUMENT",
        "unpaired": ["UnauthorizedError", 401],
    }


def test_an_invalid_environment_is_an_invalid_argument(make_tid) -> None:
    out = run({"AUTHSIGNAL_TERMINAL_REGION": "mars", "TEST_TERMINAL_ID": make_tid()})
    assert out["error"][0] == "InvalidArgumentError"
    assert "AUTHSIGNAL_TERMINAL_REGION" in out["error"][1]


def test_module_level_type_checks() -> None:
    import pytest

    with pytest.raises(TypeError):
        at.create_payment_session("tid_x", "12", "USD")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        at.get_payment_session("tid_x", None)  # type: ignore[arg-type]
