"""Builds the Rust library (the workspace root crate, ../../Cargo.toml) and bundles it.

The library is a plain C ABI (a cdylib with no Python binding code), loaded with ctypes,
so:

- it is installed under its own platform name (``libauthsignal_terminal.so``,
  ``.dylib``, ``authsignal_terminal.dll``) rather than as a CPython extension module;
- the wheel is tagged ``py3-none-<platform>``: one wheel serves every Python 3 on that
  platform.

Cargo builds with ``--locked`` into the workspace's own ``target/`` directory (or
``CARGO_TARGET_DIR``), so a build here shares its work with ``make build``. Building
needs the whole source tree: install from a checkout (``pip install ./bindings/python``),
not from an sdist.

The version is ``[package] version`` in that Cargo.toml (one version for the crate, the
C ABI and every package), read by ``scripts/cargo_version.py`` as for every package, and
the built package's ``_version.py`` is written from it.
``src/authsignal_terminal/_version.py`` holds the same version for editable installs;
``bindings/package-test.sh`` checks that it agrees.
"""

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.bdist_wheel import bdist_wheel
from setuptools.command.build_py import build_py
from setuptools_rust import Binding, RustExtension
from setuptools_rust.build import build_rust

ROOT = Path(__file__).resolve().parent.parent.parent
CARGO_MANIFEST = ROOT / "Cargo.toml"

sys.path.insert(0, str(ROOT / "scripts"))
from cargo_version import cargo_version  # noqa: E402  (the one reader of the version)

VERSION = cargo_version()


def library_file_name() -> str:
    """The file name the loader in ``_ffi.py`` looks for inside the package."""
    if sys.platform == "win32":
        return "authsignal_terminal.dll"
    if sys.platform == "darwin":
        return "libauthsignal_terminal.dylib"
    return "libauthsignal_terminal.so"


class BuildCdylib(build_rust):
    """Installs the cdylib under its platform name, not an extension-module name."""

    def get_dylib_ext_path(self, ext: RustExtension, target_fname: str) -> str:
        extension_path = Path(super().get_dylib_ext_path(ext, target_fname))
        return str(extension_path.with_name(library_file_name()))


class BuildPyWithVersion(build_py):
    """Writes Cargo.toml's version into the built ``_version.py``."""

    def run(self) -> None:
        super().run()
        if self.dry_run or getattr(self, "editable_mode", False):
            return  # an editable install imports src/, whose _version.py says the same
        target = Path(self.build_lib) / "authsignal_terminal" / "_version.py"
        target.write_text(
            '"""The package version: the same as the Rust crate\'s, whose library it bundles.\n\n'
            'Written from Cargo.toml by setup.py when the package was built."""\n\n'
            f'__version__ = "{VERSION}"\n',
            encoding="utf-8",
        )


class PlatformWheel(bdist_wheel):
    """Tags the wheel ``py3-none-<platform>``: it holds no CPython extension module."""

    def get_tag(self) -> "tuple[str, str, str]":
        _, _, platform = super().get_tag()
        return "py3", "none", platform


setup(
    version=VERSION,
    rust_extensions=[
        RustExtension(
            "authsignal_terminal.libauthsignal_terminal",
            path=str(CARGO_MANIFEST),
            binding=Binding.NoBinding,
            args=["--locked"],
        )
    ],
    cmdclass={"build_rust": BuildCdylib, "build_py": BuildPyWithVersion, "bdist_wheel": PlatformWheel},
    zip_safe=False,
)
