"""Smoke test of an installed authsignal-terminal wheel (run by bindings/package-test.sh).

    python smoke.py EXPECTED_VERSION      with SIM_BASE_URL and SIM_CA_FILE set

Prints one "ok - ..." or "not ok - ..." line per check; exits 1 when any failed. The
terminal id is a secret: only its last 4 characters are ever printed.
"""

from __future__ import annotations

import os
import sys
from decimal import Decimal
from pathlib import Path

failures = 0


def check(name: str, condition: bool, detail: str = "") -> None:
    global failures
    if condition:
        print(f"ok - {name}")
    else:
        failures += 1
        print(f"not ok - {name}" + (f": {detail}" if detail else ""))


def main() -> int:
    expected = sys.argv[1]
    import authsignal_terminal as at

    package = Path(at.__file__).resolve().parent
    in_venv = Path(sys.prefix).resolve() in package.parents
    check("wheel: imported from the virtual environment", in_venv, str(package))
    bundled = Path(at.library_path).resolve().parent == package
    check("wheel: the bundled library is loaded", bundled, at.library_path)
    check("wheel: __version__ is Cargo.toml's", at.__version__ == expected, at.__version__)
    check("wheel: as_version() is Cargo.toml's", at.library_version == expected, at.library_version)
    check("wheel: py.typed is installed", (package / "py.typed").is_file())

    terminal_id = "tid_wheel_smoke_0001"
    shown = "..." + terminal_id[-4:]
    try:
        options = {"base_url": os.environ["SIM_BASE_URL"], "ca_file": os.environ["SIM_CA_FILE"]}
        with at.Client(**options, poll_interval=0.1) as client:
            session = client.create_payment_session(terminal_id, Decimal("12.50"), "USD", "wheel-smoke")
            pending = session.status is at.PaymentStatus.PENDING
            check(f"wheel: created a payment session on terminal {shown}", pending, str(session.status))
            done = client.wait_payment_session(terminal_id, session.challenge_id, timeout=30)
            completed = done.status is at.PaymentStatus.COMPLETED
            check(f"wheel: the session on terminal {shown} completed", completed, str(done.status))
            check("wheel: the reference came back", done.reference == "wheel-smoke", str(done.reference))
    except at.AuthsignalTerminalError as error:
        check("wheel: create + wait against the simulator", False, f"{error.result}: {error.message}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
