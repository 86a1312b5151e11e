"""The types a user's checker sees: ``mypy --strict`` over a small POS program accepts
it, and rejects a misspelt method on a client from ``with``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROGRAM = Path(__file__).parent / "typed" / "user_program.py"


def mypy(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(path)],
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_typed_program_passes_mypy_strict() -> None:
    checked = mypy(PROGRAM)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_misspelt_method_on_a_client_from_with_is_an_error(tmp_path: Path) -> None:
    source = PROGRAM.read_text()
    misspelt = {
        "client.create_payment_session(": "client.create_payment_sesion(",
        "cancel=cancel)": "cancel=cancel)\n            cancel.cancle()",
    }
    for right, wrong in misspelt.items():
        assert right in source
        source = source.replace(right, wrong, 1)
    program = tmp_path / "misspelt.py"
    program.write_text(source)
    checked = mypy(program)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert '"Client" has no attribute "create_payment_sesion"' in checked.stdout, checked.stdout
    assert '"CancelToken" has no attribute "cancle"' in checked.stdout, checked.stdout
