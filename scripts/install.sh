#!/usr/bin/env bash
# Installs (or uninstalls) the built library like a system library: `make install` and
# `make uninstall` run this after `make build`.
#
#   scripts/install.sh install|uninstall|files
#
# Settings (environment, as make passes them):
#   PREFIX      where it goes (default /usr/local)
#   DESTDIR     a staging root prepended to every path written (for packagers); the files
#               still name PREFIX inside (the .pc file, the CMake package)
#   LIBDIR      default $PREFIX/lib        INCLUDEDIR  default $PREFIX/include
#   BINDIR      default $PREFIX/bin
#   CARGO       default cargo
# and, for a cross build (scripts/release.sh, which installs each target's build into the
# folder of its archive):
#   BUILT_DIR           where the built files are (default target/release); without a
#                       shared library in it (the musl targets), only the static one is
#                       installed, and the CMake package has no ::shared target
#   NATIVE_STATIC_LIBS  what the static library needs from the system (default: asked of
#                       cargo for this machine)
#   POINTER_BITS        the target's pointer width (default: this machine's)
#   TARGET_OS           the target's system as uname -s names it (default: this machine's);
#                       Windows: a MinGW layout of a scripts/windows.sh build, the DLL (and
#                       the tool, when the build has it) in BINDIR, the import library
#                       libauthsignal_terminal.dll.a in LIBDIR
#
# It installs, on Linux (macOS in brackets; not tested on these machines):
#   $INCLUDEDIR/authsignal_terminal.h, authsignal_terminal.hpp
#   $LIBDIR/libauthsignal_terminal.so.X.Y.Z               [libauthsignal_terminal.X.Y.Z.dylib]
#   $LIBDIR/libauthsignal_terminal.so.<ABI> -> .so.X.Y.Z    the SONAME  [.<ABI>.dylib]
#   $LIBDIR/libauthsignal_terminal.so -> .so.<ABI>          for -l at link time  [.dylib]
#   $LIBDIR/libauthsignal_terminal.a
#   $LIBDIR/pkgconfig/authsignal_terminal.pc
#   $LIBDIR/cmake/authsignal_terminal/authsignal_terminalConfig.cmake, ...ConfigVersion.cmake
#   $BINDIR/authsignal-terminal                            the command-line tool (cli/)
# where <ABI> is 0.MINOR while the version is 0.x and MAJOR from 1.0 (README, "ABI policy
# and versions"). `files` prints the list without installing anything.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
action=${1:-}
case "$action" in install | uninstall | files) ;; *)
  echo "usage: $0 install|uninstall|files" >&2
  exit 2
  ;;
esac

PREFIX=${PREFIX:-/usr/local}
PREFIX=${PREFIX%/}
[ -n "$PREFIX" ] || PREFIX=/
LIBDIR=${LIBDIR:-$PREFIX/lib}
INCLUDEDIR=${INCLUDEDIR:-$PREFIX/include}
BINDIR=${BINDIR:-$PREFIX/bin}
DESTDIR=${DESTDIR:-}
CARGO=${CARGO:-cargo}
for dir in "$PREFIX" "$LIBDIR" "$INCLUDEDIR" "$BINDIR"; do
  case "$dir" in /*) ;; *)
    echo "install: PREFIX, LIBDIR, INCLUDEDIR and BINDIR must be absolute paths (got '$dir')" >&2
    exit 2
    ;;
  esac
done

# The one version, from Cargo.toml's [package] table.
version=$(scripts/cargo-version.sh)
[[ "$version" =~ ^([0-9]+)\.([0-9]+)\.([0-9]+)$ ]] || {
  echo "install: cannot read a MAJOR.MINOR.PATCH version from Cargo.toml (got '$version')" >&2
  exit 2
}
major=${BASH_REMATCH[1]}
minor=${BASH_REMATCH[2]}
if [ "$major" = 0 ]; then abi="0.$minor"; else abi="$major"; fi
description=$(sed -n 's/^description *= *"\(.*\)"$/\1/p' Cargo.toml | head -n1)

target_os=${TARGET_OS:-$(uname -s)}
implib=""
exe=""
case "$target_os" in
  Windows | MINGW* | MSYS*)
    built_shared=authsignal_terminal.dll
    real_shared=authsignal_terminal.dll
    abi_shared=authsignal_terminal.dll
    soname=""
    implib=libauthsignal_terminal.dll.a
    exe=.exe
    ;;
  Darwin)
    built_shared=libauthsignal_terminal.dylib
    real_shared=libauthsignal_terminal.$version.dylib
    abi_shared=libauthsignal_terminal.$abi.dylib
    soname=""
    ;;
  Linux | *BSD)
    built_shared=libauthsignal_terminal.so
    real_shared=libauthsignal_terminal.so.$version
    abi_shared=libauthsignal_terminal.so.$abi
    soname=$abi_shared
    ;;
  *)
    echo "install: $target_os is not supported by this script; see README, 'Installing (C and C++)'" >&2
    exit 2
    ;;
esac
link_shared=$built_shared
static=libauthsignal_terminal.a
release=${BUILT_DIR:-target/release}
shared=yes
[ -z "${BUILT_DIR:-}" ] || [ -f "$BUILT_DIR/$built_shared" ] || shared=no
# Some Windows builds have no tool (scripts/windows.sh builds it for two of them).
cli=yes
[ -z "${BUILT_DIR:-}" ] || [ -f "$BUILT_DIR/authsignal-terminal$exe" ] || cli=no
pc_dir=$LIBDIR/pkgconfig
cmake_dir=$LIBDIR/cmake/authsignal_terminal

installed_files=(
  "$INCLUDEDIR/authsignal_terminal.h"
  "$INCLUDEDIR/authsignal_terminal.hpp"
)
if [ "$shared" = yes ] && [ -n "$implib" ]; then
  installed_files+=("$BINDIR/$real_shared" "$LIBDIR/$implib")
elif [ "$shared" = yes ]; then
  installed_files+=("$LIBDIR/$real_shared" "$LIBDIR/$abi_shared" "$LIBDIR/$link_shared")
fi
installed_files+=(
  "$LIBDIR/$static"
  "$pc_dir/authsignal_terminal.pc"
  "$cmake_dir/authsignal_terminalConfig.cmake"
  "$cmake_dir/authsignal_terminalConfigVersion.cmake"
)
[ "$cli" = no ] || installed_files+=("$BINDIR/authsignal-terminal$exe")

if [ "$action" = files ]; then
  printf '%s\n' "${installed_files[@]}"
  exit 0
fi

if [ "$action" = uninstall ]; then
  for f in "${installed_files[@]}"; do
    if [ -e "$DESTDIR$f" ] || [ -L "$DESTDIR$f" ]; then
      rm -f "$DESTDIR$f"
      echo "removed $DESTDIR$f"
    fi
  done
  # Only directories this package made and left empty.
  for dir in "$cmake_dir" "$LIBDIR/cmake" "$pc_dir"; do
    rmdir "$DESTDIR$dir" 2>/dev/null || true
  done
  exit 0
fi

# ---- install ----------------------------------------------------------------------
needed_files=("$release/$static")
[ "$shared" = no ] || needed_files+=("$release/$built_shared")
[ -z "$implib" ] || needed_files+=("$release/$implib")
[ "$cli" = no ] || needed_files+=("$release/authsignal-terminal$exe")
for f in "${needed_files[@]}"; do
  [ -f "$f" ] || { echo "install: $f is missing: run 'make build' first" >&2; exit 2; }
done
if [ "$shared" = yes ] && [ -n "$soname" ] && command -v readelf >/dev/null 2>&1; then
  built_soname=$(readelf -d "$release/$built_shared" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
  if [ "$built_soname" != "$soname" ]; then
    echo "install: $release/$built_shared has SONAME '$built_soname', expected '$soname':" \
      "rebuild it (make build)" >&2
    exit 2
  fi
fi

# The system libraries the static library needs, as rustc reports them for this target.
# The dev profile is enough (the list depends on the target, not the profile) and reuses
# what `cargo test` built.
native_libs=${NATIVE_STATIC_LIBS:-$("$CARGO" rustc --quiet --locked --lib --crate-type staticlib -- \
  --print native-static-libs 2>&1 | sed -n 's/^note: native-static-libs: //p' | tail -n1)}
if [ -z "$native_libs" ]; then
  echo "install: cargo rustc --print native-static-libs gave nothing" >&2
  exit 2
fi
# The same list for CMake: one item per library, "-framework X" kept together.
cmake_native_libs=""
read -r -a words <<<"$native_libs"
i=0
while [ $i -lt ${#words[@]} ]; do
  item=${words[$i]}
  if [ "$item" = -framework ] && [ $((i + 1)) -lt ${#words[@]} ]; then
    i=$((i + 1))
    item="-framework ${words[$i]}"
  fi
  cmake_native_libs+="${cmake_native_libs:+;}$item"
  i=$((i + 1))
done

# Paths in the CMake package relative to the prefix, so a moved prefix still works.
relative_to_prefix() {
  case "$1" in
    "$PREFIX") echo "." ;;
    "$PREFIX"/*) echo "${1#"$PREFIX"/}" ;;
    *) echo "$1" ;;
  esac
}
cmake_rel=$(relative_to_prefix "$cmake_dir")
case "$cmake_rel" in
  /*) cmake_to_prefix=$PREFIX ;; # not under the prefix: absolute
  *) cmake_to_prefix=$(echo "$cmake_rel" | sed 's#[^/][^/]*#..#g') ;;
esac
pc_path() { # ${prefix}-relative in the .pc file where possible
  case "$1" in
    "$PREFIX") echo '${prefix}' ;;
    "$PREFIX"/*) echo "\${prefix}/${1#"$PREFIX"/}" ;;
    *) echo "$1" ;;
  esac
}
sizeof_void_p=${POINTER_BITS:-$(getconf LONG_BIT 2>/dev/null || echo 64)}

shared_from_prefix=""
implib_from_prefix=""
if [ "$shared" = yes ] && [ -n "$implib" ]; then
  shared_from_prefix=$(relative_to_prefix "$BINDIR")/$real_shared
  implib_from_prefix=$(relative_to_prefix "$LIBDIR")/$implib
elif [ "$shared" = yes ]; then
  shared_from_prefix=$(relative_to_prefix "$LIBDIR")/$real_shared
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
esc() { printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'; } # for a sed replacement
subst() {
  local args=() pair
  for pair in \
    "VERSION=$version" \
    "ABI_VERSION=$abi" \
    "DESCRIPTION=$description" \
    "PREFIX=$PREFIX" \
    "LIBDIR=$(pc_path "$LIBDIR")" \
    "INCLUDEDIR=$(pc_path "$INCLUDEDIR")" \
    "NATIVE_STATIC_LIBS=$native_libs" \
    "CMAKE_NATIVE_STATIC_LIBS=$cmake_native_libs" \
    "CMAKEDIR_TO_PREFIX=$cmake_to_prefix" \
    "INCLUDEDIR_FROM_PREFIX=$(relative_to_prefix "$INCLUDEDIR")" \
    "SHARED_FROM_PREFIX=$shared_from_prefix" \
    "IMPLIB_FROM_PREFIX=$implib_from_prefix" \
    "STATIC_FROM_PREFIX=$(relative_to_prefix "$LIBDIR")/$static" \
    "SHARED_SONAME=$soname" \
    "SHARED_SONAME_OR_FILE=$abi_shared" \
    "SIZEOF_VOID_P=$((sizeof_void_p / 8))" \
    "SIZEOF_VOID_P_BITS=$sizeof_void_p"; do
    args+=(-e "s|@${pair%%=*}@|$(esc "${pair#*=}")|g")
  done
  sed "${args[@]}" "$1" >"$2"
  if grep -n '@[A-Z_]*@' "$2" >&2; then
    echo "install: $1 has a placeholder this script does not fill" >&2
    exit 2
  fi
}
subst install/authsignal_terminal.pc.in "$stage/authsignal_terminal.pc"
subst install/authsignal_terminalConfig.cmake.in "$stage/authsignal_terminalConfig.cmake"
subst install/authsignal_terminalConfigVersion.cmake.in "$stage/authsignal_terminalConfigVersion.cmake"

install -d "$DESTDIR$INCLUDEDIR" "$DESTDIR$LIBDIR" "$DESTDIR$pc_dir" "$DESTDIR$cmake_dir" "$DESTDIR$BINDIR"
install -m 0644 include/authsignal_terminal.h include/authsignal_terminal.hpp "$DESTDIR$INCLUDEDIR/"
if [ "$shared" = yes ] && [ -n "$implib" ]; then
  install -m 0755 "$release/$built_shared" "$DESTDIR$BINDIR/$real_shared"
  install -m 0644 "$release/$implib" "$DESTDIR$LIBDIR/$implib"
elif [ "$shared" = yes ]; then
  install -m 0755 "$release/$built_shared" "$DESTDIR$LIBDIR/$real_shared"
  ln -sfn "$real_shared" "$DESTDIR$LIBDIR/$abi_shared"
  ln -sfn "$abi_shared" "$DESTDIR$LIBDIR/$link_shared"
fi
install -m 0644 "$release/$static" "$DESTDIR$LIBDIR/$static"
install -m 0644 "$stage/authsignal_terminal.pc" "$DESTDIR$pc_dir/"
install -m 0644 "$stage/authsignal_terminalConfig.cmake" \
  "$stage/authsignal_terminalConfigVersion.cmake" "$DESTDIR$cmake_dir/"
[ "$cli" = no ] || install -m 0755 "$release/authsignal-terminal$exe" "$DESTDIR$BINDIR/"
printf 'installed %s\n' "${installed_files[@]/#/$DESTDIR}"

# Refresh the dynamic linker's cache when installing straight into a system directory.
if [ -z "$DESTDIR" ] && [ "$(id -u)" = 0 ] && command -v ldconfig >/dev/null 2>&1; then
  case "$LIBDIR" in
    /usr/lib | /usr/lib64 | /usr/local/lib | /usr/local/lib64 | /usr/lib/*-linux-gnu) ldconfig ;;
  esac
fi
