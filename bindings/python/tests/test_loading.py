"""Which library is loaded: the bundled one, or AUTHSIGNAL_TERMINAL_LIBRARY; and a
real install into a fresh virtual environment (slow: it builds the Rust library, in the
workspace's target/ directory, so mostly from cache)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import authsignal_terminal as at

PACKAGE_SOURCE = Path(__file__).resolve().parents[1]

SHOW = (
    "import json, authsignal_terminal as at; "
    "print(json.dumps([at.library_path, at.library_version, at.__file__]))"
)


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", at.LIBRARY_ENV)}
    return env


def test_the_bundled_library_is_loaded_by_default() -> None:
    if os.environ.get(at.LIBRARY_ENV):
        pytest.skip(f"{at.LIBRARY_ENV} is set for this run")
    assert Path(at.library_path).parent == Path(at.__file__).parent
    assert Path(at.library_path).is_file()


def test_the_environment_variable_overrides_the_library(tmp_path: Path) -> None:
    copy = tmp_path / "custom" / Path(at.library_path).name
    copy.parent.mkdir()
    shutil.copy(at.library_path, copy)
    env = clean_env()
    env[at.LIBRARY_ENV] = str(copy)
    done = subprocess.run(
        [sys.executable, "-c", SHOW], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    import json

    path, version, _ = json.loads(done.stdout)
    assert path == str(copy)
    assert version == at.__version__


def test_a_bad_library_path_is_an_import_error(tmp_path: Path) -> None:
    env = clean_env()
    env[at.LIBRARY_ENV] = str(tmp_path / "missing.so")
    done = subprocess.run(
        [sys.executable, "-c", "import authsignal_terminal"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "ImportError" in done.stderr
    assert at.LIBRARY_ENV in done.stderr


@pytest.mark.slow
def test_pip_install_into_a_fresh_virtual_environment(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(PACKAGE_SOURCE)],
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=1500,
    )
    assert install.returncode == 0, install.stdout + install.stderr

    done = subprocess.run(
        [str(python), "-c", SHOW], env=clean_env(), cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    import json

    path, version, module = json.loads(done.stdout)
    package = Path(module).parent
    assert Path(path).parent == package
    assert venv in package.parents  # imported from the venv, not the source tree
    assert version == at.__version__
    assert (package / "py.typed").is_file()
    wheel_tags = [
        line.split(": ", 1)[1]
        for info in package.parent.glob("authsignal_terminal-*.dist-info")
        for line in (info / "WHEEL").read_text().splitlines()
        if line.startswith("Tag: ")
    ]
    assert wheel_tags and all(tag.startswith("py3-none-") and not tag.endswith("-any") for tag in wheel_tags)
