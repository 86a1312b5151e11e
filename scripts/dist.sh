#!/usr/bin/env bash
# Builds the language packages into target/dist/ (make dist; bindings/package-test.sh):
#   authsignal_terminal-<version>-py3-none-<platform>.whl   `pip wheel ./bindings/python`
#   Authsignal.Terminal.<version>.nupkg                      bindings/csharp/build.sh (mcs)
#                                                           + bindings/csharp/pack-nuget.py
# <version> is Cargo.toml's. Assumes `make build` ran (the nupkg takes
# target/release/libauthsignal_terminal.so, or target/native/linux-x64/'s when present)
# and Mono is installed (scripts/install-deps.sh csharp). The wheel build reuses the
# workspace's target/ directory, so it mostly relinks.
#   scripts/dist.sh [wheel|nupkg]...   (default: both)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dist=${DIST_DIR:-$root/target/dist}
python=${PYTHON:-python3}
mkdir -p "$dist"

build_wheel() {
  # A virtual environment of its own, for a pip that can build wheels (Debian's python3
  # has no pip). The build itself runs in pip's isolated build environment.
  local venv=$root/target/dist-venv
  if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
  fi
  rm -f "$dist"/authsignal_terminal-*.whl
  "$venv/bin/python" -m pip wheel --quiet --no-deps --wheel-dir "$dist" "$root/bindings/python"
  ls "$dist"/authsignal_terminal-*.whl
}

build_nupkg() {
  rm -f "$dist"/Authsignal.Terminal.*.nupkg
  "$root/bindings/csharp/build.sh" >/dev/null
  "$python" "$root/bindings/csharp/pack-nuget.py" --output "$dist"
}

# The nupkg first: it packs the library `make build` made, before the wheel's build
# (cargo rustc through setuptools-rust) relinks target/release/ its own way.
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(nupkg wheel)
for target in "${targets[@]}"; do
  case "$target" in
    wheel) build_wheel ;;
    nupkg) build_nupkg ;;
    *) echo "usage: $0 [wheel|nupkg]..." >&2; exit 2 ;;
  esac
done
