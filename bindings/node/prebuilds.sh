#!/usr/bin/env bash
# Copies the native library of every target built in this workspace into
# prebuilds/<platform>-<arch>/, where the package loads it from (lib/native.js):
#   linux-x64     target/release/libauthsignal_terminal.so        (required: make build)
#   win32-x64     target/windows/x64/authsignal_terminal.dll      (when make windows ran)
#   win32-ia32    target/windows/x86/authsignal_terminal.dll      (when make windows ran)
#   linux-arm64   target/cross/aarch64-unknown-linux-gnu/release/libauthsignal_terminal.so   (when built)
#   linux-arm     target/cross/armv7-unknown-linux-gnueabihf/release/libauthsignal_terminal.so (when built)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

copy() { # copy <source> <platform-arch> <file name>
  mkdir -p "$here/prebuilds/$2"
  cp -f "$1" "$here/prebuilds/$2/$3"
  echo "prebuilds/$2/$3 <- ${1#"$root"/}"
}

[ -f "$root/target/release/libauthsignal_terminal.so" ] \
  || { echo "prebuilds.sh: target/release/libauthsignal_terminal.so is not built (run: make build)" >&2; exit 1; }
rm -rf "$here/prebuilds"
copy "$root/target/release/libauthsignal_terminal.so" linux-x64 libauthsignal_terminal.so
for pair in x64:win32-x64 x86:win32-ia32; do
  dll="$root/target/windows/${pair%%:*}/authsignal_terminal.dll"
  [ -f "$dll" ] && copy "$dll" "${pair#*:}" authsignal_terminal.dll
done
for pair in aarch64-unknown-linux-gnu:linux-arm64 armv7-unknown-linux-gnueabihf:linux-arm; do
  so="$root/target/cross/${pair%%:*}/release/libauthsignal_terminal.so"
  [ -f "$so" ] && copy "$so" "${pair#*:}" libauthsignal_terminal.so
done
exit 0
