#!/usr/bin/env bash
# Prints the one version of the project: Cargo.toml's [package] version, as cargo reads it.
# The same reading as scripts/cargo_version.py (the package scripts'): cargo's, with the
# package id of the root crate (`path+file:///…#authsignal-terminal@0.1.0`).
set -euo pipefail
id=$("${CARGO:-cargo}" pkgid --offline --manifest-path "$(dirname "$0")/../Cargo.toml" -p authsignal-terminal)
printf '%s\n' "${id##*@}"
