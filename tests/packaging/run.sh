#!/usr/bin/env bash
# The packaging test: what a POS vendor does with a release.
#
# - `make install` into a temporary prefix: every file, the symlinks, the SONAME, and a
#   dynamic symbol table that exports the header's as_* functions and nothing else;
# - one version everywhere: Cargo.toml, the header macros, as_version(), the pkg-config
#   file, the CMake package, the SONAME, CHANGELOG.md;
# - the C and C++ examples built from the installed files through pkg-config and through
#   CMake (find_package), each against the shared and the static library, with
#   -Wall -Wextra -Wpedantic -Werror, and run against the simulator;
# - a moved prefix still works with CMake; DESTDIR staging; `make uninstall` removes all.
#
# Assumes `make build` ran. Prints "packaging: N passed, M failed" last.
set -uo pipefail

here=$(cd "$(dirname "$0")/../.." && pwd)
cd "$here"
work=$here/target/packaging-tests
rm -rf "$work"
mkdir -p "$work"
prefix=$work/prefix
MAKE=${MAKE:-make}

. scripts/tap.sh

version=$(scripts/cargo-version.sh)
IFS=. read -r major minor patch <<<"$version"
if [ "$major" = 0 ]; then abi="0.$minor"; else abi="$major"; fi
soname=libauthsignal_terminal.so.$abi
libdir=$prefix/lib
echo "# version $version, ABI $abi, SONAME $soname"

# ---- make install ------------------------------------------------------------------
if ! check "make install PREFIX=<temporary prefix>" $MAKE --no-print-directory install PREFIX="$prefix"; then
  summary packaging
  exit 1
fi
missing=()
while IFS= read -r f; do [ -e "$f" ] || missing+=("${f#"$prefix"/}"); done < <(PREFIX=$prefix scripts/install.sh files)
same "every file is installed" "${missing[*]:-}" ""
same "libauthsignal_terminal.so links to the SONAME" "$(readlink "$libdir/libauthsignal_terminal.so")" "$soname"
same "the SONAME links to the real file" "$(readlink "$libdir/$soname")" "libauthsignal_terminal.so.$version"
real=$libdir/libauthsignal_terminal.so.$version
same "the shared library's SONAME" \
  "$(readelf -d "$real" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')" "$soname"

# Exports: exactly the functions the header declares (no Rust symbols, no data).
nm -D --defined-only "$real" | awk '{ print $3 }' | sort >"$work/exported.txt"
grep -E '^[a-z].*\bas_[a-z0-9_]+\(' "$prefix/include/authsignal_terminal.h" | grep -v '^typedef' \
  | grep -oE '\bas_[a-z0-9_]+\(' | tr -d '(' | sort -u >"$work/declared.txt"
same "the shared library exports only as_* symbols" \
  "$(grep -v '^as_' "$work/exported.txt" | tr '\n' ' ')" ""
same "it exports every function the header declares, and no other" \
  "$(diff "$work/declared.txt" "$work/exported.txt" | grep '^[<>]' | tr '\n' ' ')" ""
same "every export is a function (no data symbols)" \
  "$(nm -D --defined-only "$real" | awk '$2 != "T" { print $3 }' | tr '\n' ' ')" ""
same "the static library's objects define every declared function" \
  "$(readelf -sW "$libdir/libauthsignal_terminal.a" 2>/dev/null \
     | awk '$4 == "FUNC" && $5 == "GLOBAL" && $7 != "UND" && $8 ~ /^as_/ { print $8 }' \
     | sort -u | diff "$work/declared.txt" - | grep '^[<>]' | tr '\n' ' ')" ""

# ---- pkg-config --------------------------------------------------------------------
export PKG_CONFIG_PATH=$libdir/pkgconfig
cflags=$(pkg-config --cflags authsignal_terminal | xargs)
libs=$(pkg-config --libs authsignal_terminal | xargs)
private=$(sed -n 's/^Libs.private: //p' "$libdir/pkgconfig/authsignal_terminal.pc")
same "pkg-config --libs" "$libs" "-L$libdir -lauthsignal_terminal"
same "pkg-config --cflags" "$cflags" "-I$prefix/include"
if [ -n "$private" ]; then pass "Libs.private lists the system libraries: $private"; else fail "Libs.private is empty"; fi
# Static: the same -l, but the linker told to take the .a; the rest from --static.
static_libs=$(pkg-config --static --libs authsignal_terminal \
  | sed 's/-lauthsignal_terminal/-Wl,-Bstatic -lauthsignal_terminal -Wl,-Bdynamic/')
warn=(-Wall -Wextra -Wpedantic -Werror)
bin=$work/bin
mkdir -p "$bin"
# shellcheck disable=SC2086 # the pkg-config output is meant to be split
{
  check "pkg-config: C11 example, shared library" gcc -std=c11 "${warn[@]}" examples/c/pos_demo.c \
    $cflags $libs -Wl,-rpath,"$libdir" -o "$bin/pc_c_shared"
  check "pkg-config: C11 example, static library" gcc -std=c11 "${warn[@]}" examples/c/pos_demo.c \
    $cflags $static_libs -o "$bin/pc_c_static"
  check "pkg-config: C++17 example, shared library" g++ -std=c++17 "${warn[@]}" examples/cpp/pos_demo.cpp \
    $cflags $libs -Wl,-rpath,"$libdir" -o "$bin/pc_cpp_shared"
  check "pkg-config: C++17 example, static library" g++ -std=c++17 "${warn[@]}" examples/cpp/pos_demo.cpp \
    $cflags $static_libs -o "$bin/pc_cpp_static"
}

# ---- CMake -------------------------------------------------------------------------
cmake_build=$work/cmake
if check "cmake: find_package(authsignal_terminal $abi) configures" \
  cmake -S tests/packaging -B "$cmake_build" -DCMAKE_PREFIX_PATH="$prefix" -DWANT_VERSION="$abi" \
  && check "cmake: C and C++ examples build, shared and static" cmake --build "$cmake_build" -j 2; then
  for b in c_shared c_static cpp_shared cpp_static; do cp "$cmake_build/pos_demo_$b" "$bin/cmake_$b"; done
fi
if [ "$major" = 0 ]; then newer="0.$((minor + 1))"; else newer="$((major + 1))"; fi
if cmake -S tests/packaging -B "$work/cmake-newer" -DCMAKE_PREFIX_PATH="$prefix" \
  -DWANT_VERSION="$newer" >"$work/cmake-newer.log" 2>&1; then
  fail "cmake: find_package(authsignal_terminal $newer) must refuse this $version"
else
  pass "cmake: find_package(authsignal_terminal $newer) refuses this $version"
fi

# Which binaries use which library.
needed() { readelf -d "$1" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' '; }
for b in pc_c_shared pc_cpp_shared cmake_c_shared cmake_cpp_shared; do
  [ -x "$bin/$b" ] || continue
  case " $(needed "$bin/$b")" in
    *" $soname "*) pass "$b needs $soname" ;;
    *) echo "#   NEEDED: $(needed "$bin/$b")"; fail "$b needs $soname" ;;
  esac
done
for b in pc_c_static pc_cpp_static cmake_c_static cmake_cpp_static; do
  [ -x "$bin/$b" ] || continue
  case "$(needed "$bin/$b")" in
    *libauthsignal_terminal*) fail "$b is linked statically" ;;
    *) pass "$b is linked statically" ;;
  esac
done

# ---- every binary against the simulator --------------------------------------------
run_examples() {
  export AUTHSIGNAL_TERMINAL_BASE_URL="$SIM_BASE_URL"
  export AUTHSIGNAL_TERMINAL_CA_FILE="$SIM_CA_FILE"
  local b want tid got out
  for b in "$bin"/*; do
    # The simulator scripts outcomes through "+key=value" parts of the terminal id.
    for scenario in "0 tid_pkg_test_0001+polls=0" "1 tid_pkg_test_0002+outcome=FAILED+polls=0" \
      "2 unpaired_pkg_test_0003"; do
      want=${scenario%% *}
      tid=${scenario#* }
      out=$work/run-$(basename "$b").$want.log
      "$b" "$tid" 1250 USD "order-pkg" >"$out" 2>&1
      got=$?
      if [ "$got" = "$want" ]; then
        echo "ok - run $(basename "$b"): exit $want"
      else
        sed 's/^/#   /' "$out"
        echo "not ok - run $(basename "$b"): exit $got, expected $want"
      fi
    done
    grep -q "^libauthsignal_terminal $version" "$work/run-$(basename "$b").0.log" \
      && echo "ok - $(basename "$b") reports as_version() $version" \
      || echo "not ok - $(basename "$b") reports as_version() $version"
  done
}
export -f run_examples
export bin version work
run_counted "the examples ran against the simulator" "" "$work/run-examples.log" \
  scripts/with-simulator.sh bash -c run_examples

# ---- one version everywhere ----------------------------------------------------------
# Each line: where the version is read, and what it says. All must equal Cargo.toml's.
header=$prefix/include/authsignal_terminal.h
hmacro() { sed -n "s/^#define $1 //p" "$header" | tr -d '"'; }
cat >"$work/print_version.c" <<'EOF'
#include <stdio.h>
#include "authsignal_terminal.h"
int main(void) { puts(as_version()); return 0; }
EOF
# shellcheck disable=SC2086
gcc -std=c11 "${warn[@]}" $cflags "$work/print_version.c" $libs -Wl,-rpath,"$libdir" -o "$work/print_version" >/dev/null 2>&1
versions=(
  "header AS_VERSION_STRING=$(hmacro AS_VERSION_STRING)"
  "header AS_VERSION_MAJOR.MINOR.PATCH=$(hmacro AS_VERSION_MAJOR).$(hmacro AS_VERSION_MINOR).$(hmacro AS_VERSION_PATCH)"
  "as_version()=$("$work/print_version" 2>/dev/null)"
  "pkg-config --modversion=$(pkg-config --modversion authsignal_terminal)"
  "CMake package version=$(cat "$cmake_build/found-version.txt" 2>/dev/null)"
  "shared library file name=$(basename "$real" | sed 's/^libauthsignal_terminal\.so\.//')"
  "authsignal-terminal --version=$("$prefix/bin/authsignal-terminal" --version 2>/dev/null | sed 's/^authsignal-terminal //')"
  "CHANGELOG.md latest release=$(sed -n 's/^## \[\([0-9][0-9.]*\)\].*/\1/p' CHANGELOG.md | head -n1)"
  # The Python wheel and the NuGet package are checked by bindings/package-test.sh.
)
for entry in "${versions[@]}"; do
  same "version: ${entry%%=*} agrees with Cargo.toml ($version)" "${entry#*=}" "$version"
done
same "version: the SONAME carries the ABI version of $version" "$soname" "libauthsignal_terminal.so.$abi"

# ---- a moved prefix (the CMake package is relocatable) ------------------------------
moved=$work/moved-prefix
cp -a "$prefix" "$moved"
check "cmake: the package still works after its prefix moved" bash -c "
  cmake -S tests/packaging -B '$work/cmake-moved' -DCMAKE_PREFIX_PATH='$moved' \
  && grep -q 'authsignal_terminal_DIR:PATH=$moved/' '$work/cmake-moved/CMakeCache.txt' \
  && cmake --build '$work/cmake-moved' --target pos_demo_cpp_shared \
  && readelf -d '$work/cmake-moved/pos_demo_cpp_shared' | grep -q '$moved/lib'"
rm -rf "$moved"

# ---- DESTDIR staging and uninstall --------------------------------------------------
stage=$work/stage
staged_prefix=/opt/authsignal-terminal-test
check "make install DESTDIR=<stage> PREFIX=$staged_prefix" \
  $MAKE --no-print-directory install DESTDIR="$stage" PREFIX="$staged_prefix"
same "DESTDIR: the files land under the stage" \
  "$(cd "$stage$staged_prefix" 2>/dev/null && find . \( -type f -o -type l \) | sort | tr '\n' ' ')" \
  "$(PREFIX=$staged_prefix scripts/install.sh files | sed "s#^$staged_prefix#.#" | sort | tr '\n' ' ')"
same "DESTDIR: the .pc file names PREFIX, not the stage" \
  "$(sed -n 's/^prefix=//p' "$stage$staged_prefix/lib/pkgconfig/authsignal_terminal.pc")" "$staged_prefix"
check "make uninstall DESTDIR=<stage> PREFIX=$staged_prefix" \
  $MAKE --no-print-directory uninstall DESTDIR="$stage" PREFIX="$staged_prefix"
same "DESTDIR: uninstall leaves nothing" "$(find "$stage" \( -type f -o -type l \) | tr '\n' ' ')" ""
check "make uninstall PREFIX=<temporary prefix>" $MAKE --no-print-directory uninstall PREFIX="$prefix"
same "uninstall leaves no file in the prefix" "$(find "$prefix" \( -type f -o -type l \) | tr '\n' ' ')" ""

summary packaging
