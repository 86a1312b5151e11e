#!/usr/bin/env bash
# Cross-builds the library and the command-line tool for Linux on other CPUs and C
# libraries (make cross), each into target/cross/<target>/:
#
#   target                          C compiler and linker          runs on
#   aarch64-unknown-linux-gnu       aarch64-linux-gnu-gcc          64-bit ARM with glibc 2.34+ (Debian 12,
#                                                                  Raspberry Pi OS 12 64-bit, Ubuntu 22.04)
#   armv7-unknown-linux-gnueabihf   arm-linux-gnueabihf-gcc        32-bit ARMv7 hard-float with glibc 2.34+
#                                                                  (Raspberry Pi OS 12 32-bit)
#   x86_64-unknown-linux-musl       gcc with musl-tools' specs     any x86_64 Linux (static tool); Alpine
#   aarch64-unknown-linux-musl      aarch64-linux-gnu-gcc with     any 64-bit ARM Linux (static tool);
#                                   arm64 musl-dev's specs         Alpine aarch64
#
# (glibc 2.34: Debian 12's C library, which the programs are linked against; tests/cross/run.sh
# checks no newer symbol version is needed.) aarch64-unknown-linux-musl needs musl and
# LLVM's libunwind built for arm64, which Debian ships only as arm64 packages (musl-dev:arm64,
# musl:arm64, libunwind-14-dev:arm64): scripts/install-deps.sh cross-musl-arm64 unpacks them,
# without installing them, into target/cross/sysroot-arm64-musl, which the wrapper and
# musl_unwind below use.
#
# Each folder holds what cargo built, not yet stripped (scripts/release.sh strips it and
# splits the symbols off): the shared library libauthsignal_terminal.so with the same
# SONAME as on x86_64 and a link named by it (on musl only with CROSS_MUSL_SHARED=yes, as
# make cross sets: a second build, see musl_shared), the static library
# libauthsignal_terminal.a, the tool authsignal-terminal (statically linked on musl:
# static-pie on x86_64, a plain static executable on aarch64, as rustc's targets ask),
# and native-static-libs, the system
# libraries the static library needs (rustc's --print native-static-libs for the target).
#
# How: the same as scripts/windows.sh. Debian's rustc-web ships the standard library's
# source, so -Zbuild-std builds std for these targets (RUSTC_BOOTSTRAP=1, for this build
# only), linked by Debian's cross compilers; rustup's toolchain stays the project's
# compiler and this uses a target dir of its own (target/cross/cargo). On musl, std's
# unwinder links a static "libunwind.a", which Rust's own musl toolchain ships and Debian
# does not for musl: see musl_unwind below.
# Install what it needs: scripts/install-deps.sh cross (and cross-musl-arm64).
#
#   [CROSS_MUSL_SHARED=yes] scripts/cross.sh [TARGET...]    (default: all of the above)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/target/cross
export CARGO_TARGET_DIR=$out/cargo
export RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1
cargo=/usr/bin/cargo
for tool in "$cargo" "$RUSTC"; do
  [ -x "$tool" ] || { echo "$tool missing: run scripts/install-deps.sh cross" >&2; exit 2; }
done

all=(aarch64-unknown-linux-gnu armv7-unknown-linux-gnueabihf x86_64-unknown-linux-musl aarch64-unknown-linux-musl)
# Where arm64's musl and libunwind are (scripts/install-deps.sh cross-musl-arm64).
sysroot_arm64=$out/sysroot-arm64-musl

# The C compiler (also the linker) and archiver of a target.
cc_of() {
  case "$1" in
    aarch64-unknown-linux-gnu) echo aarch64-linux-gnu-gcc ;;
    armv7-unknown-linux-gnueabihf) echo arm-linux-gnueabihf-gcc ;;
    x86_64-unknown-linux-musl) musl_wrapper x86_64 "" ;;
    aarch64-unknown-linux-musl) musl_wrapper aarch64 "$sysroot_arm64" ;;
    *) echo "unknown target: $1 (one of: ${all[*]})" >&2; return 2 ;;
  esac
}
ar_of() {
  case "$1" in
    aarch64-*) echo aarch64-linux-gnu-ar ;;
    armv7-*) echo arm-linux-gnueabihf-ar ;;
    *) echo ar ;;
  esac
}

# musl-gcc, as a wrapper of the CPU's GCC with musl-dev's specs made to link -static-pie
# (which rustc asks for a statically linked executable): Debian's specs turn it into a
# dynamically linked PIE that needs /lib/ld-musl-*.so.1. Here the static-pie start file
# (rcrt1.o) and no dynamic linker, as GCC's own specs have it. musl_wrapper CPU SYSROOT:
# SYSROOT "" for the system's musl-dev, else the folder musl-dev was unpacked into (its
# specs' /usr/lib and /usr/include paths moved there; the dynamic linker's path stays,
# it is the one on the machine the program runs on).
musl_wrapper() {
  local arch=$1 sysroot=$2 lib=$2/usr/lib/$1-linux-musl wrapper=$out/bin/$1-linux-musl-gcc
  local deps=cross
  [ -z "$sysroot" ] || deps=cross-musl-arm64
  [ -f "$lib/musl-gcc.specs" ] || { echo "$lib/musl-gcc.specs missing: run scripts/install-deps.sh $deps" >&2; return 2; }
  mkdir -p "$out/bin"
  sed -e "s#/usr/lib/$arch-linux-musl#$lib#g" -e "s#/usr/include/$arch-linux-musl#$sysroot/usr/include/$arch-linux-musl#g" \
    "$lib/musl-gcc.specs" |
    sed -e "s#%{!shared: $lib/Scrt1.o}#%{!shared: %{static-pie:$lib/rcrt1.o;:$lib/Scrt1.o}}#" \
      -e "s#^-dynamic-linker \([^ ]*\) #%{!static-pie:-dynamic-linker \1} %{static-pie:-static -pie --no-dynamic-linker -z text} #" \
      >"$wrapper.specs"
  grep -q rcrt1.o "$wrapper.specs" && grep -q 'no-dynamic-linker' "$wrapper.specs" ||
    { echo "$lib/musl-gcc.specs: not the layout this script knows" >&2; return 2; }
  printf '#!/bin/sh\nexec %s-linux-gnu-gcc "$@" -specs "%s"\n' "$arch" "$wrapper.specs" >"$wrapper.new"
  chmod +x "$wrapper.new"
  if cmp -s "$wrapper.new" "$wrapper"; then rm -f "$wrapper.new"; else mv "$wrapper.new" "$wrapper"; fi
  echo "$wrapper"
}

# -L for the libunwind.a that std's unwinder links on musl. Rust's own musl toolchain
# ships LLVM's libunwind built for musl; Debian ships it built for glibc (libunwind-14-dev),
# which needs one glibc-only function, __fprintf_chk (its debug logging, fortified): a
# copy of it with that function added, over vfprintf. GCC's libgcc_eh.a cannot stand in:
# Debian's needs glibc's _dl_find_object to find unwind tables, and musl has none.
# For aarch64, arm64's libunwind.a from target/cross/sysroot-arm64-musl (the same fix).
musl_unwind() {
  local triple=$1 cc=$2 dir=$out/unwind/$1 llvm=/usr/lib/llvm-14/lib/libunwind.a ar deps=cross
  ar=$(ar_of "$triple")
  case "$triple" in aarch64-*) llvm=$sysroot_arm64$llvm deps=cross-musl-arm64 ;; esac
  [ -f "$llvm" ] || { echo "$llvm missing: run scripts/install-deps.sh $deps" >&2; return 2; }
  mkdir -p "$dir"
  cat >"$dir/fprintf_chk.c" <<'EOF_C'
#include <stdarg.h>
#include <stdio.h>
int __fprintf_chk(FILE *stream, int flag, const char *format, ...) {
  va_list args;
  int n;
  (void)flag;
  va_start(args, format);
  n = vfprintf(stream, format, args);
  va_end(args);
  return n;
}
EOF_C
  "$cc" -O2 -fPIC -c -o "$dir/fprintf_chk.o" "$dir/fprintf_chk.c"
  cp "$llvm" "$dir/libunwind.a.new"
  "$ar" rs "$dir/libunwind.a.new" "$dir/fprintf_chk.o"
  mv "$dir/libunwind.a.new" "$dir/libunwind.a"
  echo "$dir"
}

# What rustc says the static library needs from the system on this target: a one-line
# staticlib compiled against the std this build made (seconds, no second build).
native_static_libs() {
  local triple=$1 deps=$CARGO_TARGET_DIR/$1/release/deps dir=$out/probe/$1 std
  std=$(ls -t "$deps"/libstd-*.rlib | head -n1)
  mkdir -p "$dir"
  echo '#![no_main]' >"$dir/probe.rs"
  "$RUSTC" --edition 2021 --target "$triple" --crate-type staticlib -C panic=unwind \
    -L "$deps" --extern "noprelude:std=$std" -Z unstable-options \
    --print native-static-libs -o "$dir/libprobe.a" "$dir/probe.rs" 2>&1 |
    sed -n 's/^note: native-static-libs: //p' | tail -n1
}

# The shared library for musl (Alpine), into DEST with its SONAME link. Rust's musl targets
# link the C library statically and build no cdylib; with -C target-feature=-crt-static
# they link musl's libc.so and build one, but std's unwinder then asks for libgcc_s.so.1,
# which Debian has only for glibc (Alpine's is built for musl). So std is built with its
# system-llvm-libunwind feature, which links "-lunwind" instead: the static LLVM libunwind
# of musl_unwind (position-independent), linked into the library, which then needs nothing
# but libc.so. A target dir of its own (the flags differ from the static build's).
musl_shared() {
  local triple=$1 cc=$2 ar=$3 dest=$4 upper=${1^^} lower=${1//-/_}
  upper=${upper//-/_}
  local target_dir=$out/cargo-musl-shared
  echo "== $triple (shared library, -crt-static)"
  env "CARGO_TARGET_DIR=$target_dir" "CARGO_TARGET_${upper}_LINKER=$cc" \
    "CARGO_TARGET_${upper}_RUSTFLAGS=-C target-feature=-crt-static -C link-self-contained=no -L native=$(musl_unwind "$triple" "$cc")" \
    "CC_$lower=$cc" "AR_$lower=$ar" \
    "$cargo" build --release --locked --manifest-path "$root/Cargo.toml" -p authsignal-terminal --lib \
    --target "$triple" -Zbuild-std=std,panic_unwind -Zbuild-std-features=panic-unwind,backtrace,system-llvm-libunwind
  cp "$target_dir/$triple/release/libauthsignal_terminal.so" "$dest/"
  local soname
  soname=$(readelf -d "$dest/libauthsignal_terminal.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
  [ -n "$soname" ] || { echo "$triple: the shared library has no SONAME" >&2; return 1; }
  ln -s libauthsignal_terminal.so "$dest/$soname"
}

build_one() {
  local triple=$1 cc ar
  cc=$(cc_of "$triple")
  ar=$(ar_of "$triple")
  local upper=${triple^^} lower=${triple//-/_}
  upper=${upper//-/_}
  local rustflags=""
  case "$triple" in
    *-musl) rustflags="-C link-self-contained=no -L native=$(musl_unwind "$triple" "$cc")" ;;
  esac

  echo "== $triple"
  env "CARGO_TARGET_${upper}_LINKER=$cc" "CARGO_TARGET_${upper}_RUSTFLAGS=$rustflags" \
    "CC_$lower=$cc" "AR_$lower=$ar" \
    "$cargo" build --release --locked --manifest-path "$root/Cargo.toml" \
    -p authsignal-terminal -p authsignal-terminal-cli --target "$triple" -Zbuild-std=std,panic_unwind

  local built=$CARGO_TARGET_DIR/$triple/release dest=$out/$triple
  rm -rf "$dest"
  mkdir -p "$dest"
  case "$triple" in
    *-gnu | *-gnueabihf)
      cp "$built/libauthsignal_terminal.so" "$dest/"
      # The SONAME as a link, so that programs linked here find the library at run time
      # (build.rs makes the same link in target/release).
      local soname
      soname=$(readelf -d "$dest/libauthsignal_terminal.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
      [ -n "$soname" ] || { echo "$triple: the shared library has no SONAME" >&2; return 1; }
      ln -s libauthsignal_terminal.so "$dest/$soname"
      ;;
  esac
  cp "$built/libauthsignal_terminal.a" "$built/authsignal-terminal" "$dest/"
  case "$triple" in
    *-musl) [ "${CROSS_MUSL_SHARED:-}" != yes ] || musl_shared "$triple" "$cc" "$ar" "$dest" ;;
  esac
  local libs
  libs=$(native_static_libs "$triple")
  [ -n "$libs" ] || { echo "rustc --print native-static-libs gave nothing for $triple" >&2; return 1; }
  echo "$libs" >"$dest/native-static-libs"
  echo "   native-static-libs: $libs"
  ls -l "$dest" | awk 'NR > 1 && !/^l/ { printf "   %9d  %s\n", $5, $NF }'
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
for triple in "${targets[@]}"; do
  case " ${all[*]} " in *" $triple "*) ;; *) echo "unknown target: $triple (one of: ${all[*]})" >&2; exit 2 ;; esac
done
for triple in "${targets[@]}"; do
  build_one "$triple"
done
