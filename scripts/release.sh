#!/usr/bin/env bash
# The release archives (make release), one per target, in target/release-bundle/:
#
#   authsignal_terminal-<version>-<target>.tar.gz   Linux: x86_64-unknown-linux-gnu (make
#                                                   build) and the cross builds (make cross)
#   authsignal_terminal-<version>-<target>.zip      Windows (make windows): x86_64-pc-windows-gnu,
#                                                   i686-pc-windows-gnu, x86_64-win7-windows-gnu,
#                                                   i686-win7-windows-gnu, and
#                                                   i686-win7-windows-gnu-stdcall (VB6, VBA)
#   SHA256SUMS                                      of every archive (sha256sum -c SHA256SUMS)
#
# Each archive holds one folder, authsignal_terminal-<version>-<target>/, with
#   include/            the C header and the C++17 wrapper
#   lib/                Linux: the shared library (with its SONAME link and the link for
#                       -l; on musl only when make cross built it: CROSS_MUSL_SHARED), the static
#                       library; Windows: the import libraries (MinGW .dll.a, MSVC .lib),
#                       the .def and the MinGW static library; lib/pkgconfig and lib/cmake
#                       for both, all written by scripts/install.sh (PREFIX=/usr/local,
#                       through DESTDIR), as `make install` does
#   bin/                the tool authsignal-terminal (Windows: on x64 and win7-x86 builds
#                       only, as scripts/windows.sh builds it), and the DLL on Windows
#   *.debug             the shared library's (DLL's) and the tool's symbols, split off with
#                       objcopy --only-keep-debug beside the stripped files, which name them
#                       (--add-gnu-debuglink): here for Linux, by scripts/windows.sh for
#                       Windows (MinGW-w64's objcopy); static libraries are shipped with
#                       --strip-debug
#   LICENSE             this project's licence
#   licenses/           every bundled crate's licence files and an index (scripts/sbom.py)
#   sbom.cdx.json       the CycloneDX SBOM of the crates in this build (scripts/sbom.py)
#
# Archives are reproducible from the same builds (sorted, owner 0, times from the last commit).
#
#   scripts/release.sh [TARGET...]   (default: every target whose build is there)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bundle=$root/target/release-bundle
version=$(scripts/cargo-version.sh)
epoch=$(git log -1 --format=%ct 2>/dev/null || echo 0)

windows_build_of() {
  case "$1" in
    x86_64-pc-windows-gnu) echo x64 ;;
    i686-pc-windows-gnu) echo x86 ;;
    x86_64-win7-windows-gnu) echo win7-x64 ;;
    i686-win7-windows-gnu) echo win7-x86 ;;
    i686-win7-windows-gnu-stdcall) echo x86-stdcall ;;
  esac
}
# Where a Linux target's build is, and the prefix of its binutils.
built_dir_of() {
  case "$1" in
    x86_64-unknown-linux-gnu) echo "$root/target/release" ;;
    *) echo "$root/target/cross/$1" ;;
  esac
}
binutils_of() {
  case "$1" in
    aarch64-*) echo aarch64-linux-gnu- ;;
    armv7-*) echo arm-linux-gnueabihf- ;;
    *) echo "" ;;
  esac
}
pointer_bits_of() { case "$1" in armv7-* | i686-*) echo 32 ;; *) echo 64 ;; esac; }
# The crates of a build: the Windows stdcall build is the same source as the others.
cargo_target_of() { echo "${1%-stdcall}" | sed 's/-win7-/-pc-/'; }

linux_targets=(x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu armv7-unknown-linux-gnueabihf
  x86_64-unknown-linux-musl aarch64-unknown-linux-musl)
windows_targets=(x86_64-pc-windows-gnu i686-pc-windows-gnu x86_64-win7-windows-gnu
  i686-win7-windows-gnu i686-win7-windows-gnu-stdcall)

# split_debug BINUTILS FILE: FILE.debug beside FILE, FILE stripped and naming it.
split_debug() {
  local tools=$1 file=$2 how=--strip-all
  case "$file" in *.so*) how=--strip-unneeded ;; esac
  (
    cd "$(dirname "$file")"
    local name
    name=$(basename "$file")
    "${tools}objcopy" --only-keep-debug "$name" "$name.debug"
    chmod 0644 "$name.debug"
    "${tools}objcopy" "$how" "$name"
    "${tools}objcopy" --add-gnu-debuglink="$name.debug" "$name"
  )
}

# The licence, the third-party licences and the SBOM.
add_notices() {
  local target=$1 dir=$2
  install -m 0644 LICENSE "$dir/LICENSE"
  # The cross and Windows builds' std is Debian's rustc-web's (scripts/cross.sh, windows.sh).
  local compiler=/usr/bin/rustc
  [ "$target" != x86_64-unknown-linux-gnu ] || compiler=rustc
  python3 scripts/sbom.py "$(cargo_target_of "$target")" "$dir/sbom.cdx.json" "$dir/licenses" "$compiler"
}

stage_linux() {
  local target=$1 dir=$2 built tools native_libs
  built=$(built_dir_of "$target")
  tools=$(binutils_of "$target")
  native_libs=$(cat "$built/native-static-libs" 2>/dev/null || true)
  if [ -z "$native_libs" ]; then # this machine's build: ask this machine's rustc
    local probe=$bundle/probe
    mkdir -p "$probe"
    echo '#![no_main]' >"$probe/probe.rs"
    native_libs=$(rustc --edition 2021 --crate-type staticlib -C panic=unwind --print native-static-libs \
      -o "$probe/libprobe.a" "$probe/probe.rs" 2>&1 | sed -n 's/^note: native-static-libs: //p' | tail -n1)
  fi
  local stage=$bundle/stage-$target
  rm -rf "$stage"
  PREFIX=/usr/local DESTDIR=$stage BUILT_DIR=$built NATIVE_STATIC_LIBS=$native_libs \
    POINTER_BITS=$(pointer_bits_of "$target") scripts/install.sh install >/dev/null
  mv "$stage/usr/local" "$dir"
  rm -rf "$stage"
  local f
  for f in "$dir"/lib/libauthsignal_terminal.so.*.*.* "$dir/bin/authsignal-terminal"; do
    [ -f "$f" ] && split_debug "$tools" "$f"
  done
  "${tools}objcopy" --strip-debug "$dir/lib/libauthsignal_terminal.a"
}

# The MinGW layout by scripts/install.sh (the DLL and the tool in bin/, the import library,
# the static library, pkg-config and CMake files in lib/), plus MSVC's import library and
# the .def. The static library's system libraries are the DLL's imports that MinGW-w64 has
# import libraries for.
stage_windows() {
  local target=$1 dir=$2 src arch=x86_64 libs
  src=$root/target/windows/$(windows_build_of "$target")
  case "$target" in i686-*) arch=i686 ;; esac
  libs=$("$arch-w64-mingw32-objdump" -p "$src/authsignal_terminal.dll" | sed -n 's/^\tDLL Name: //p' |
    tr 'A-Z' 'a-z' | sort -u |
    sed -n 's/^\(kernel32\|ntdll\|advapi32\|ws2_32\|bcrypt\|userenv\|crypt32\|ncrypt\|secur32\|msvcrt\)\.dll$/-l\1/p' |
    tr '\n' ' ' | sed 's/ $//')
  local stage=$bundle/stage-$target
  rm -rf "$stage"
  PREFIX=/usr/local DESTDIR=$stage BUILT_DIR=$src TARGET_OS=Windows NATIVE_STATIC_LIBS=$libs \
    POINTER_BITS=$(pointer_bits_of "$target") scripts/install.sh install >/dev/null
  mv "$stage/usr/local" "$dir"
  rm -rf "$stage"
  install -m 0644 "$src/authsignal_terminal.lib" "$src/authsignal_terminal.def" "$dir/lib/"
  # The symbols scripts/windows.sh split off, beside the stripped files that name them.
  local f
  for f in authsignal_terminal.dll authsignal-terminal.exe; do
    if [ -f "$src/$f" ]; then
      [ -f "$src/$f.debug" ] || { echo "$src/$f.debug missing: run make windows" >&2; return 1; }
      install -m 0644 "$src/$f.debug" "$dir/bin/"
    fi
  done
}

pack() {
  local name=$1 kind=$2
  (
    cd "$bundle/work"
    find "$name" -exec touch -h -d "@$epoch" {} +
    if [ "$kind" = tar.gz ]; then
      tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" -cf - "$name" |
        gzip -9 -n >"$bundle/$name.tar.gz"
    else
      rm -f "$bundle/$name.zip"
      find "$name" | LC_ALL=C sort | python3 -c '
import sys, zipfile, os
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for path in sys.stdin.read().split("\n"):
        if path:
            z.write(path)' "$bundle/$name.zip"
    fi
  )
}

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for t in "${linux_targets[@]}"; do
    [ -f "$(built_dir_of "$t")/libauthsignal_terminal.a" ] && targets+=("$t")
  done
  for t in "${windows_targets[@]}"; do
    [ -f "$root/target/windows/$(windows_build_of "$t")/authsignal_terminal.dll" ] && targets+=("$t")
  done
fi
[ ${#targets[@]} -gt 0 ] || { echo "nothing built: run make build (and make cross, make windows)" >&2; exit 2; }

rm -rf "$bundle"
mkdir -p "$bundle/work"
for target in "${targets[@]}"; do
  name=authsignal_terminal-$version-$target
  dir=$bundle/work/$name
  echo "== $name"
  case "$target" in
    *-windows-*)
      [ -n "$(windows_build_of "$target")" ] || { echo "unknown target: $target" >&2; exit 2; }
      stage_windows "$target" "$dir"
      kind=zip
      ;;
    *-linux-*)
      [ -f "$(built_dir_of "$target")/libauthsignal_terminal.a" ] ||
        { echo "$target is not built (make build / make cross)" >&2; exit 2; }
      stage_linux "$target" "$dir"
      kind=tar.gz
      ;;
    *) echo "unknown target: $target" >&2; exit 2 ;;
  esac
  add_notices "$target" "$dir"
  pack "$name" "$kind"
done
rm -rf "$bundle/work" "$bundle/probe"
(cd "$bundle" && shopt -s nullglob && archives=(*.tar.gz *.zip) && sha256sum -- "${archives[@]}" >SHA256SUMS)
(cd "$bundle" && ls -l | awk 'NR > 1 { printf "   %9d  %s\n", $5, $NF }')
