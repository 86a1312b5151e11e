#!/usr/bin/env bash
# The Debian packages (scripts/deb.sh, in target/deb/):
#
#   every package   the files it should hold and no other; lintian reports no error and
#                   no warning but these, each explained:
#                     initial-upload-closes-no-bugs  the packages are not uploaded to Debian
#                                                    (no ITP bug to close)
#                     no-manual-page                 the tool documents itself (--help, README);
#                                                    no man page yet
#   amd64           installed with dpkg -i on this machine (as root): examples/c/pos_demo.c
#                   and examples/cpp/pos_demo.cpp built against the system install through
#                   pkg-config and through CMake (no prefix given) and run against the
#                   simulator, the tool prints its version; then dpkg -r removes every file
#
# Assumes `make deb` and `make build` (the simulator) ran. Prints "deb: N passed, M failed"
# last.
set -uo pipefail

here=$(cd "$(dirname "$0")/../.." && pwd)
cd "$here" || exit 2
. scripts/tap.sh

debs=$here/target/deb
work=$here/target/deb-tests
rm -rf "$work"
mkdir -p "$work"
version=$(scripts/cargo-version.sh)
IFS=. read -r major minor _ <<<"$version"
if [ "$major" = 0 ]; then abi="0.$minor"; else abi="$major"; fi
runtime=libauthsignal-terminal$abi
allowed="initial-upload-closes-no-bugs no-manual-page"

triplet_of() {
  case "$1" in amd64) echo x86_64-linux-gnu ;; arm64) echo aarch64-linux-gnu ;; armhf) echo arm-linux-gnueabihf ;; esac
}

archs=()
for a in amd64 arm64 armhf; do [ -f "$debs/${runtime}_$version-1_$a.deb" ] && archs+=("$a"); done
[ ${#archs[@]} -gt 0 ] || fail "a package to test (run: make deb)"

for arch in "${archs[@]}"; do
  lib=usr/lib/$(triplet_of "$arch")
  contents() { dpkg-deb --fsys-tarfile "$1" | tar -t | grep -v '/$' | sed 's#^\./##' | grep -v '^usr/share/doc/' | sort | tr '\n' ' '; }
  same "$arch: $runtime holds the library and its SONAME link" \
    "$(contents "$debs/${runtime}_$version-1_$arch.deb")" \
    "$lib/libauthsignal_terminal.so.$abi $lib/libauthsignal_terminal.so.$version "
  same "$arch: libauthsignal-terminal-dev holds headers, the .so link, the static library, pkg-config and CMake" \
    "$(contents "$debs/libauthsignal-terminal-dev_$version-1_$arch.deb")" \
    "$(printf '%s\n' usr/include/authsignal_terminal.h usr/include/authsignal_terminal.hpp \
      "$lib/libauthsignal_terminal.so" "$lib/libauthsignal_terminal.a" "$lib/pkgconfig/authsignal_terminal.pc" \
      "$lib/cmake/authsignal_terminal/authsignal_terminalConfig.cmake" \
      "$lib/cmake/authsignal_terminal/authsignal_terminalConfigVersion.cmake" | sort | tr '\n' ' ')"
  same "$arch: authsignal-terminal holds the tool" \
    "$(contents "$debs/authsignal-terminal_$version-1_$arch.deb")" "usr/bin/authsignal-terminal "
  lintian --tag-display-limit 0 "$debs"/*_"$arch".deb >"$work/lintian-$arch.log" 2>&1
  tags=$(grep -E '^[EWI]: ' "$work/lintian-$arch.log" | awk '{ print $1, $3 }' | sort -u)
  others=$(echo "$tags" | awk -v ok=" $allowed " 'NF && index(ok, " " $2 " ") == 0')
  same "$arch: lintian: no error, no warning but the explained ones" "$(echo "$others" | tr '\n' ' ' | sed 's/ $//')" ""
  grep -E '^[EW]: ' "$work/lintian-$arch.log" | sed 's/^/#   /'
done

# ---- amd64: install, build against the system, remove ----------------------------
if [ -f "$debs/${runtime}_$version-1_amd64.deb" ]; then
  packages=("$runtime" libauthsignal-terminal-dev authsignal-terminal)
  if [ "$(id -u)" != 0 ]; then
    fail "dpkg -i needs root (run as root or skip make test-deb)"
  elif check "amd64: dpkg -i installs the three packages" dpkg -i "$debs"/*_amd64.deb; then
    same "amd64: ldconfig knows the SONAME" \
      "$(ldconfig -p | grep -c "libauthsignal_terminal.so.$abi ")" "1"
    bin=$work/bin
    mkdir -p "$bin"
    warn=(-Wall -Wextra -Wpedantic -Werror)
    # shellcheck disable=SC2046 # pkg-config's output is meant to be split
    check "amd64: C11 example through the system's pkg-config" gcc -std=c11 "${warn[@]}" examples/c/pos_demo.c \
      $(pkg-config --cflags --libs authsignal_terminal) -o "$bin/pc_c_shared"
    # shellcheck disable=SC2046
    check "amd64: C++17 example through the system's pkg-config" g++ -std=c++17 "${warn[@]}" examples/cpp/pos_demo.cpp \
      $(pkg-config --cflags --libs authsignal_terminal) -o "$bin/pc_cpp_shared"
    if check "amd64: cmake finds the system's package (no prefix given)" \
      cmake -S tests/packaging -B "$work/cmake" -DWANT_VERSION="$abi" &&
      check "amd64: cmake builds the examples, shared and static" cmake --build "$work/cmake" -j 2; then
      for f in "$work/cmake"/pos_demo_*; do [ -x "$f" ] && cp "$f" "$bin/cmake_$(basename "$f")"; done
    fi
    same "amd64: /usr/bin/authsignal-terminal --version" "$(/usr/bin/authsignal-terminal --version 2>&1)" \
      "authsignal-terminal $version"
    run_examples() {
      local b out
      for b in "$bin"/*; do
        out=$bin/../run-$(basename "$b").log
        if "$b" tid_deb_test_0001+polls=0 1250 USD order-deb >"$out" 2>&1 &&
          grep -q "^libauthsignal_terminal $version" "$out"; then
          echo "ok - run $(basename "$b") against the system library: exit 0, as_version() $version"
        else
          sed 's/^/#   /' "$out"
          echo "not ok - run $(basename "$b") against the system library: exit 0, as_version() $version"
        fi
      done
    }
    export bin version
    export -f run_examples
    run_counted "amd64: the examples ran" "" "$work/run.log" scripts/with-simulator.sh bash -c '
      export AUTHSIGNAL_TERMINAL_BASE_URL="$SIM_BASE_URL" AUTHSIGNAL_TERMINAL_CA_FILE="$SIM_CA_FILE"
      run_examples'
    files=$(dpkg -L "${packages[@]}" 2>/dev/null | grep -v '^/\.$' | sort)
    check "amd64: dpkg -r removes the three packages" dpkg -r "${packages[@]}"
    left=$(for f in $files; do [ -f "$f" ] || [ -L "$f" ] && echo "$f"; done)
    same "amd64: no file of theirs is left" "$(echo "$left" | tr '\n' ' ' | sed 's/ $//')" ""
  fi
fi

summary deb
