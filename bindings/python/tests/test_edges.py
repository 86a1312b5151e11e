"""The edges of a Python process (issue 10): Ctrl-C ends a sync wait, the interpreter
exits cleanly whatever is in flight, and nothing is printed unless the application
configures logging. Each runs a child interpreter, which a signal or an exit can hit."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

WAIT_AN_HOUR = """
import logging, os, sys, threading
import authsignal_terminal as at
if sys.argv[3] == "logging":
    logging.basicConfig(level=logging.DEBUG, stream=open(os.devnull, "w"))
tid = sys.stdin.read()
with at.Client(base_url=sys.argv[1], ca_file=sys.argv[2], poll_interval=0.1) as client:
    session = client.create_payment_session(tid, 1, "USD")
    print("WAITING", flush=True)
    try:
        client.wait_payment_session(tid, session.challenge_id, timeout=3600)
    except KeyboardInterrupt:
        # Python's own threads (a _DummyThread stands for a native thread that once
        # called back into Python, and is never removed).
        own = [t.name for t in threading.enumerate() if not isinstance(t, threading._DummyThread)]
        print("INTERRUPTED", own, flush=True)
        sys.exit(0)
print("NOT INTERRUPTED", flush=True)
sys.exit(1)
"""


@pytest.mark.parametrize("logging_on", ["logging", "quiet"])
def test_ctrl_c_ends_a_sync_wait_with_keyboard_interrupt(simulator, make_tid, logging_on: str) -> None:
    # The wait would last an hour: the child ending at all proves the interrupt worked.
    child = subprocess.Popen(
        [sys.executable, "-c", WAIT_AN_HOUR, simulator.base_url, simulator.ca_file, logging_on],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write(make_tid(outcome="PENDING"))
    child.stdin.close()
    child.stdin = None  # communicate() below must not touch it again
    try:
        line = child.stdout.readline().strip()
        if line != "WAITING":
            child.wait(timeout=60)
            assert child.stderr is not None
            pytest.fail(f"the child did not start its wait: {line!r} {child.stderr.read()[-2000:]}")
        time.sleep(0.5)  # let the wait begin its reads: the signal must land inside it
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    # KeyboardInterrupt in the main thread, and the wait's worker thread already gone.
    assert out.strip() == "INTERRUPTED ['MainThread']", (out, err[-2000:])
    assert child.returncode == 0
    assert "Exception ignored" not in err, err[-2000:]


CREATE_SLOWLY = """
import logging, os, sys
import authsignal_terminal as at
logging.basicConfig(level=logging.DEBUG, stream=open(os.devnull, "w"))  # lines reach Python
tid = sys.stdin.read()
with at.Client(base_url=sys.argv[1], ca_file=sys.argv[2]) as client:
    print("CREATING", flush=True)
    try:
        client.create_payment_session(tid, 1, "USD")
        client.create_payment_session(tid, 1, "USD")
    except KeyboardInterrupt:
        print("INTERRUPTED", flush=True)
        sys.exit(0)
print("NOT INTERRUPTED", flush=True)
sys.exit(1)
"""


def test_ctrl_c_during_a_call_that_logs_is_not_swallowed(simulator, make_tid) -> None:
    # The answer (held back 1.5 s) is logged from inside the call, on the main thread: a
    # signal that lands in that callback must still reach the program once the call returns.
    child = subprocess.Popen(
        [sys.executable, "-c", CREATE_SLOWLY, simulator.base_url, simulator.ca_file],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write(make_tid(delay=1500))
    child.stdin.close()
    child.stdin = None
    try:
        assert child.stdout.readline().strip() == "CREATING"
        time.sleep(0.5)
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert out.strip() == "INTERRUPTED", (out, err[-2000:])
    assert "Exception ignored" not in err, err[-2000:]


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A loopback port that accepts connections (in its backlog) and never answers."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/v1"
    finally:
        listener.close()


EXIT_WHILE_BUSY = """
import logging, sys, threading
import authsignal_terminal as at
logging.basicConfig(level=logging.DEBUG, stream=sys.stdout)  # every line runs Python code
client = at.Client(base_url=sys.argv[1], poll_interval=0.1, request_timeout=30)
def wait(timeout):
    try:
        client.wait_payment_session("tid_exit_test_00001", "challenge-1", timeout=timeout)
    except at.AuthsignalTerminalError as error:
        print(type(error).__name__, flush=True)
if sys.argv[2] == "daemon":
    # A daemon thread still inside a native wait when the interpreter exits.
    threading.Thread(target=wait, args=(3600,), daemon=True).start()
wait(0.3)
# The client is left open: the interpreter's teardown meets it.
"""


@pytest.mark.parametrize("busy", ["timed-out", "daemon"])
def test_the_interpreter_exits_cleanly_whatever_is_in_flight(silent_server: str, busy: str) -> None:
    children = [
        subprocess.Popen(
            [sys.executable, "-c", EXIT_WHILE_BUSY, silent_server, busy],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(8)
    ]
    for child in children:
        out, err = child.communicate(timeout=300)
        assert child.returncode == 0, (child.returncode, err[-2000:])
        assert "Fatal" not in err and "FATAL" not in err, err[-2000:]
        assert "Exception ignored" not in err, err[-2000:]


QUIET_UNLESS_CONFIGURED = """
import logging, sys
import authsignal_terminal as at
if sys.argv[3] == "configured":
    logging.basicConfig(level=logging.WARNING)
tid = sys.stdin.read()
with at.Client(base_url=sys.argv[1], ca_file=sys.argv[2]) as client:
    session = client.create_payment_session(tid, 1, "USD")
    try:
        client.get_payment_session(tid, session.challenge_id)
    except at.ServerError:
        pass
"""


def run_quiet_child(simulator, tid: str, mode: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", QUIET_UNLESS_CONFIGURED, simulator.base_url, simulator.ca_file, mode],
        input=tid,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_nothing_is_printed_unless_the_application_configures_logging(simulator, make_tid) -> None:
    # Retries of a 503 log warnings and the failure an error: logging's last-resort
    # handler would print them, the package's NullHandler keeps them quiet.
    quiet = run_quiet_child(simulator, make_tid(fault=503, on="get"), "unconfigured")
    assert quiet.returncode == 0, quiet.stderr[-2000:]
    assert quiet.stdout == "" and quiet.stderr == ""
    configured = run_quiet_child(simulator, make_tid(fault=503, on="get"), "configured")
    assert configured.returncode == 0, configured.stderr[-2000:]
    assert "WARNING:authsignal_terminal:" in configured.stderr


def test_the_package_logger_has_a_null_handler() -> None:
    import logging

    handlers = logging.getLogger("authsignal_terminal").handlers
    assert any(type(h) is logging.NullHandler for h in handlers)
