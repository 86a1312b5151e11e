#!/usr/bin/env bash
# Prints the one version of the project: Cargo.toml's [package] version.
set -euo pipefail
awk '
  /^\[/ { in_package = ($0 == "[package]") }
  in_package && /^version[ \t]*=/ { gsub(/.*=[ \t]*"|".*/, ""); print; exit }
' "$(dirname "$0")/../Cargo.toml"
