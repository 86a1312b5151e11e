#!/usr/bin/env python3
"""The one version of the project: Cargo.toml's ``[package] version``, as cargo reads it.

Every package script asks here (``bindings/python/setup.py``, ``bindings/csharp/pack-nuget.py``,
and ``scripts/cargo-version.sh`` for the shell scripts), so no script parses TOML by hand.
Cargo is there wherever a package is built: each of them builds or ships the Rust library.
``CARGO`` names the cargo to run (default ``cargo``). Run as a script, it prints the version.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

CARGO_TOML = Path(__file__).resolve().parent.parent / "Cargo.toml"
PACKAGE = "authsignal-terminal"


def cargo_version(manifest: Path = CARGO_TOML) -> str:
    """The version of the workspace's root crate, from ``cargo metadata`` (no network)."""
    command = [
        os.environ.get("CARGO", "cargo"),
        "metadata",
        "--no-deps",
        "--format-version",
        "1",
        "--manifest-path",
        str(manifest),
    ]
    try:
        answer = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", "") or error
        raise RuntimeError(f"cannot read the version of {manifest} with cargo: {detail}") from error
    for package in json.loads(answer)["packages"]:
        if package["name"] == PACKAGE:
            return str(package["version"])
    raise RuntimeError(f"no package {PACKAGE} in {manifest}")


if __name__ == "__main__":
    print(cargo_version())
