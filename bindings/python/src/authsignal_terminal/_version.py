"""The package version: the same as the Rust crate's, whose library it bundles."""

__version__ = "0.1.0"
