"""The package version: the same as the Rust crate's, whose library it bundles.

A built package gets this file written from Cargo.toml by setup.py; this copy serves
editable installs and must say the same (bindings/package-test.sh checks).
"""

__version__ = "0.1.0"
