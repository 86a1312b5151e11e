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
"""

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.bdist_wheel import bdist_wheel
from setuptools_rust import Binding, RustExtension
from setuptools_rust.build import build_rust

CARGO_MANIFEST = Path(__file__).resolve().parent.parent.parent / "Cargo.toml"


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


class PlatformWheel(bdist_wheel):
    """Tags the wheel ``py3-none-<platform>``: it holds no CPython extension module."""

    def get_tag(self) -> "tuple[str, str, str]":
        _, _, platform = super().get_tag()
        return "py3", "none", platform


setup(
    rust_extensions=[
        RustExtension(
            "authsignal_terminal.libauthsignal_terminal",
            path=str(CARGO_MANIFEST),
            binding=Binding.NoBinding,
            args=["--locked"],
        )
    ],
    cmdclass={"build_rust": BuildCdylib, "bdist_wheel": PlatformWheel},
    zip_safe=False,
)
