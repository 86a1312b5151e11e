#!/usr/bin/env bash
# Cross-builds the Windows DLLs on this Debian machine (make windows), each into
# target/windows/<name>/:
#
#   name         Rust target              calling convention   runs on
#   x64          x86_64-pc-windows-gnu    (the x64 one)         Windows 10 / Server 2016 and later
#   x86          i686-pc-windows-gnu      cdecl                 Windows 10 and later
#   x86-stdcall  i686-win7-windows-gnu    stdcall               Windows 7 / POSReady 7 and later
#   win7-x64     x86_64-win7-windows-gnu  (the x64 one)         Windows 7 / Server 2008 R2 and later
#   win7-x86     i686-win7-windows-gnu    cdecl                 Windows 7 / POSReady 7 and later
#
# Each folder holds authsignal_terminal.dll (stripped; its symbols split off into
# authsignal_terminal.dll.debug, which it names: split_debug below), its import library for MinGW
# (libauthsignal_terminal.dll.a) and for MSVC (authsignal_terminal.lib, llvm-dlltool), the
# static library (libauthsignal_terminal.a), authsignal_terminal.def (the exports) and the
# headers. The DLLs import only Windows system DLLs: no MinGW runtime DLL to ship.
#
# x86-stdcall is for VB6, VBA, PowerBuilder and Visual FoxPro, which can call only stdcall
# functions: the same functions under the same undecorated names, built from a copy of the
# sources in which src/ffi's `extern "C"` reads `extern "system"` (stdcall on 32-bit
# Windows), the log callback included. Its import libraries map the decorated names a C
# compiler asks for (_as_version@0) to the undecorated exports.
#
# How: Debian's rustc-web ships the standard library's source, so -Zbuild-std builds std
# for these targets (RUSTC_BOOTSTRAP=1 lets that stable compiler do it, for this build
# only), linked by mingw-w64. rustup's toolchain stays the project's compiler: this script
# names Debian's explicitly and uses a target dir of its own (target/windows/cargo).
# Install what it needs: scripts/install-deps.sh windows.
#
#   scripts/windows.sh [NAME...]    (default: all five)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/target/windows
export CARGO_TARGET_DIR=$out/cargo
export RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1
cargo=/usr/bin/cargo
for tool in "$cargo" "$RUSTC"; do
  [ -x "$tool" ] || { echo "$tool missing: run scripts/install-deps.sh windows" >&2; exit 2; }
done
std_src=$("$RUSTC" --print sysroot)/lib/rustlib/src/rust/library

all=(x64 x86 x86-stdcall win7-x64 win7-x86)

triple_of() {
  case "$1" in
    x64) echo x86_64-pc-windows-gnu ;;
    x86) echo i686-pc-windows-gnu ;;
    x86-stdcall | win7-x86) echo i686-win7-windows-gnu ;;
    win7-x64) echo x86_64-win7-windows-gnu ;;
    *) echo "unknown build: $1 (one of: ${all[*]})" >&2; return 2 ;;
  esac
}

# The sources of the stdcall build: a copy of the workspace's manifests and sources with
# src/ffi's ABI string changed, checked to reach every exported function.
stdcall_sources() {
  local dir=$out/stdcall-src file new=$out/stdcall-file.new
  # Only changed files are written (build.rs watches src/), so cargo rebuilds only when
  # the sources changed.
  local list=$out/stdcall-files.txt
  (cd "$root" && find Cargo.toml Cargo.lock build.rs cbindgen.toml .cargo src include simulator ffi-enum cli benches/journal.rs \
    -path simulator/target -prune -o -path cli/target -prune -o -type f -print) | sort >"$list"
  # A file gone from the workspace goes from the copy too (a module moved into a folder
  # would otherwise be found twice).
  if [ -d "$dir" ]; then
    (cd "$dir" && find . -path ./target -prune -o -type f -print | sed 's|^\./||') | sort |
      comm -23 - "$list" | while read -r file; do rm -f "$dir/$file"; done
  fi
  while read -r file; do
    mkdir -p "$dir/$(dirname "$file")"
    case "$file" in
      src/ffi/*.rs) sed 's/extern "C" fn/extern "system" fn/g' "$root/$file" >"$new" ;;
      # A library name of its own: cargo would otherwise take this crate and the win7-x86
      # build (same target, same target dir) for one and share its fingerprints and files.
      Cargo.toml) sed '/^\[lib\]/,/^\[/ s/^name = "authsignal_terminal"$/name = "authsignal_terminal_stdcall"/' \
        "$root/$file" >"$new" ;;
      *) cp "$root/$file" "$new" ;;
    esac
    cmp -s "$new" "$dir/$file" || cp "$new" "$dir/$file"
  done <"$list"
  rm -f "$new"
  local want got
  want=$(cat "$root"/src/ffi/*.rs | grep -c 'pub \(unsafe \)\?extern "C" fn as_')
  got=$(cat "$dir"/src/ffi/*.rs | grep -c 'pub \(unsafe \)\?extern "system" fn as_')
  if grep -q 'extern "C' "$dir"/src/ffi/*.rs || [ "$want" != "$got" ]; then
    echo "the stdcall copy of src/ffi still has a C-ABI function" >&2
    return 1
  fi
  grep -q '^name = "authsignal_terminal_stdcall"$' "$dir/Cargo.toml" ||
    { echo "the stdcall copy's Cargo.toml has no [lib] name to change" >&2; return 1; }
  echo "$dir"
}

# rsbegin.o and rsend.o, which rustc links into every i686-*-windows-gnu binary (they
# register DWARF unwind frames); Debian ships their source but not the objects.
rtstartup() {
  local triple=$1 dir=$out/rtstartup/$1
  mkdir -p "$dir"
  for obj in rsbegin rsend; do
    if [ ! -s "$dir/$obj.o" ]; then
      "$RUSTC" --target "$triple" --emit=obj -O -o "$dir/$obj.o" "$std_src/rtstartup/$obj.rs"
    fi
  done
  echo "$dir"
}

# split_debug MINGW BUILT DEST: DEST stripped, its symbols (and any DWARF) in DEST.debug
# beside it, which DEST names in a .gnu_debuglink section (name and CRC), as
# scripts/release.sh does for Linux: gdb and MinGW's addr2line find them; Windows loaders
# ignore the section.
split_debug() {
  local mingw=$1 built=$2 dest=$3 name
  name=$(basename "$dest")
  "$mingw-objcopy" --only-keep-debug "$built" "$dest.debug"
  chmod 0644 "$dest.debug"
  "$mingw-strip" --strip-unneeded -o "$dest" "$built"
  (cd "$(dirname "$dest")" && "$mingw-objcopy" --add-gnu-debuglink="$name.debug" "$name")
}

build_one() {
  local name=$1 triple arch manifest=$root/Cargo.toml lib=authsignal_terminal
  triple=$(triple_of "$name")
  case "$triple" in x86_64-*) arch=x86_64 ;; i686-*) arch=i686 ;; esac
  local upper=${triple^^} mingw=$arch-w64-mingw32
  upper=${upper//-/_}
  local rustflags=""
  if [ "$arch" = i686 ]; then
    rustflags="-L native=$(rtstartup "$triple")"
  fi
  if [ "$name" = x86-stdcall ]; then
    manifest=$(stdcall_sources)/Cargo.toml
    lib=authsignal_terminal_stdcall
  fi

  echo "== $name ($triple)"
  env "CARGO_TARGET_${upper}_LINKER=$mingw-gcc" "CARGO_TARGET_${upper}_RUSTFLAGS=$rustflags" \
    "CC_${triple//-/_}=$mingw-gcc" "AR_${triple//-/_}=$mingw-ar" \
    "$cargo" build --release --locked --manifest-path "$manifest" -p authsignal-terminal --lib \
    --target "$triple" -Zbuild-std=std,panic_unwind

  local built=$CARGO_TARGET_DIR/$triple/release dest=$out/$name
  rm -rf "$dest"
  mkdir -p "$dest/include"
  cp "$root"/include/authsignal_terminal.h "$root"/include/authsignal_terminal.hpp "$dest/include/"
  split_debug "$mingw" "$built/$lib.dll" "$dest/authsignal_terminal.dll"
  "$mingw-strip" --strip-debug -o "$dest/libauthsignal_terminal.a" "$built/lib$lib.a"

  # The .def lists the DLL's exports as the DLL has them. The import libraries are made
  # from it; for stdcall from a copy with the decorated names (name@bytes, as the static
  # library has them), which the linkers then import under the undecorated name (-k).
  local machine=i386 def=$dest/authsignal_terminal.def
  [ "$arch" = x86_64 ] && machine=i386:x86-64
  {
    echo "LIBRARY authsignal_terminal.dll"
    echo "EXPORTS"
    "$mingw-objdump" -p "$dest/authsignal_terminal.dll" |
      awk '/^\[Ordinal\/Name Pointer\] Table/ { on = 1; next } on && NF == 0 { on = 0 } on { print "  " $NF }'
  } >"$def"
  if [ "$name" = x86-stdcall ]; then
    local decorated=$out/cargo/authsignal_terminal-stdcall-decorated.def
    {
      echo "LIBRARY authsignal_terminal.dll"
      echo "EXPORTS"
      # objdump, not nm: MinGW's nm reads no symbols from rustc's LTO object.
      "$mingw-objdump" -t "$dest/libauthsignal_terminal.a" 2>/dev/null |
        awk '/\(sec +[1-9][0-9]*\).*\(scl +2\)/ && $NF ~ /^_as_[a-z0-9_]+@[0-9]+$/ { sub(/^_/, "", $NF); print "  " $NF }' |
        sort -u
    } >"$decorated"
    [ "$(grep -c '^  ' "$decorated")" = "$(grep -c '^  ' "$def")" ] ||
      { echo "the stdcall static library's decorated names do not match the DLL's exports" >&2; return 1; }
    llvm-dlltool -m "$machine" -k -d "$decorated" -D authsignal_terminal.dll -l "$dest/authsignal_terminal.lib"
    "$mingw-dlltool" -k -d "$decorated" -D authsignal_terminal.dll -l "$dest/libauthsignal_terminal.dll.a"
  else
    llvm-dlltool -m "$machine" -d "$def" -D authsignal_terminal.dll -l "$dest/authsignal_terminal.lib"
    cp "$built/libauthsignal_terminal.dll.a" "$dest/"
  fi
  # The command-line tool, for one 64-bit and one 32-bit build (Windows 7 and later).
  if [ "$name" = x64 ] || [ "$name" = win7-x86 ]; then
    env "CARGO_TARGET_${upper}_LINKER=$mingw-gcc" "CARGO_TARGET_${upper}_RUSTFLAGS=$rustflags" \
      "CC_${triple//-/_}=$mingw-gcc" "AR_${triple//-/_}=$mingw-ar" \
      "$cargo" build --release --locked --manifest-path "$manifest" -p authsignal-terminal-cli \
      --bin authsignal-terminal --target "$triple" -Zbuild-std=std,panic_unwind
    split_debug "$mingw" "$built/authsignal-terminal.exe" "$dest/authsignal-terminal.exe"
  fi
  ls -l "$dest" | awk 'NR > 1 && $NF != "include" { printf "   %9d  %s\n", $5, $NF }'
}

names=("$@")
[ ${#names[@]} -gt 0 ] || names=("${all[@]}")
for name in "${names[@]}"; do
  triple_of "$name" >/dev/null
done
for name in "${names[@]}"; do
  build_one "$name"
done
