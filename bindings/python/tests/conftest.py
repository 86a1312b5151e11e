"""Fixtures: the Terminal API simulator (one per test session, over HTTPS with its own
CA), a client of it, unique terminal ids, and a small recording HTTP server for what the
simulator cannot show (request bodies, headers, a 400).

Terminal ids are secrets: no assertion here compares one, so none can appear in a
failure message (see ``assert_redacted``).
"""

from __future__ import annotations

import json
import os
import queue
import signal
import ssl
import subprocess
import threading
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

import pytest

import authsignal_terminal as at

REPO_ROOT = Path(__file__).resolve().parents[3]
SIMULATOR = Path(os.environ.get("SIM", REPO_ROOT / "target" / "release" / "authsignal-terminal-sim"))


@dataclass
class Simulator:
    base_url: str
    ca_file: str

    def stats(self, tid: str) -> dict[str, int]:
        """What the simulator has received with this exact terminal id: ``creates``,
        ``gets`` and ``requests``."""
        request = urllib.request.Request(
            self.base_url + "/_sim/stats", headers={"x-authsignal-terminal": tid}
        )
        context = ssl.create_default_context(cafile=self.ca_file)
        with urllib.request.urlopen(request, context=context, timeout=10) as answer:
            return {name: int(count) for name, count in json.load(answer)["terminal"].items()}


@pytest.fixture(scope="session")
def simulator() -> Iterator[Simulator]:
    if not SIMULATOR.is_file():
        pytest.fail(f"the simulator is not built: {SIMULATOR} (run: make build)")
    process = subprocess.Popen(
        [str(SIMULATOR), "--port", "0", "--quiet"],
        stdout=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def read_stdout() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=read_stdout, daemon=True).start()
    found: dict[str, str] = {}
    try:
        while True:
            line = lines.get(timeout=30)
            if line is None:
                pytest.fail("the simulator stopped before printing READY")
            if line == "READY":
                break
            key, _, value = line.partition("=")
            found[key] = value
        yield Simulator(base_url=found["BASE_URL"], ca_file=found["CA_FILE"])
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def client(simulator: Simulator) -> Iterator[at.Client]:
    with at.Client(base_url=simulator.base_url, ca_file=simulator.ca_file, poll_interval=0.1) as client:
        yield client


@pytest.fixture
def make_tid() -> Callable[..., str]:
    """A fresh terminal id (scripted with simulator directives, e.g. ``outcome="FAILED"``)."""

    def make(prefix: str = "tid_py", **directives: object) -> str:
        tid = f"{prefix}_{uuid.uuid4().hex[:12]}"
        for key, value in directives.items():
            tid += f"+{key.replace('_', '-')}={value}"
        return tid

    return make


def assert_redacted(text: str, terminal_id: str) -> None:
    """Fails if ``text`` holds the terminal id in clear, without printing either."""
    proper = terminal_id.split("+", 1)[0]
    leaked = proper in text
    assert not leaked, "a terminal id appeared in clear"


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class FakeApi:
    """A plain-HTTP stand-in for the API on loopback that records every request."""

    base_url: str
    requests: list[Recorded] = field(default_factory=list)


class _FakeHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    api: FakeApi

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _answer(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _record(self) -> Recorded:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        recorded = Recorded(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        self.api.requests.append(recorded)
        return recorded

    def do_POST(self) -> None:
        recorded = self._record()
        if recorded.headers.get("x-authsignal-terminal", "").startswith("badreq"):
            self._answer(
                400,
                {
                    "error": "invalid_request",
                    "errorCode": "invalid_request",
                    "errorDescription": "the amount is not acceptable",
                },
            )
            return
        answer = {"challengeId": "fake-challenge-0001", "status": "PENDING"}
        reference = json.loads(recorded.body or b"{}").get("reference")
        if reference is not None:
            answer["reference"] = reference
        self._answer(200, answer)

    def do_GET(self) -> None:
        recorded = self._record()
        challenge_id = recorded.path.rsplit("/", 1)[-1]
        self._answer(200, {"challengeId": challenge_id, "status": "COMPLETED"})


@pytest.fixture
def fake_api() -> Iterator[FakeApi]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeHandler)
    server.daemon_threads = True
    api = FakeApi(base_url=f"http://127.0.0.1:{server.server_address[1]}/v1")
    handler = type("Handler", (_FakeHandler,), {"api": api})
    server.RequestHandlerClass = handler
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def fake_client(fake_api: FakeApi) -> Iterator[at.Client]:
    with at.Client(base_url=fake_api.base_url, user_agent_suffix="pos-tests/1.0") as client:
        yield client
