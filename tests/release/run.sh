#!/usr/bin/env bash
# The release archives tested as a POS vendor gets them, never from the tree's builds:
#
#   SHA256SUMS      sha256sum -c passes, and it lists exactly the archives in the folder
#   every archive   one folder named like the archive; the headers, LICENSE, licenses/
#                   and sbom.cdx.json inside; the SBOM lists exactly the crates linked into
#                   the library and the tool for that target, each with its licence files
#                   (tests/release/sbom_check.py, from cargo metadata, independently of
#                   scripts/sbom.py)
#   Linux           unpacked into a fresh folder: the stripped shared library and tool each
#                   name their .debug file (.gnu_debuglink) and the .debug holds the symbols;
#                   the stripped shared library fits the 4 MiB budget; examples/c/pos_demo.c
#                   (and examples/cpp/pos_demo.cpp where there is a C++ compiler) built
#                   against the unpacked folder through pkg-config (--define-prefix) and
#                   through CMake (find_package, the target's cross compiler), shared and
#                   static, and run against the simulator: under qemu-user for ARM
#                   (aarch64 musl: static ones with no root, the one linked against the
#                   musl shared library with target/cross/sysroot-arm64-musl as its root)
#   Windows         the DLL, its import libraries, the .def, the static library, pkg-config
#                   and CMake files are there; the stripped DLL and tool each name their
#                   .debug file (.gnu_debuglink, its CRC checked) and the .debug holds the
#                   symbols (scripts/windows.sh splits them; tests/windows/run.sh runs these
#                   same stripped DLLs under Wine); examples/c/pos_demo.c built with MinGW-w64
#                   through pkg-config imports authsignal_terminal.dll, and the C and C++
#                   examples build through CMake against the DLL (not run: Wine runs the
#                   same DLLs in tests/windows/run.sh); for the stdcall build,
#                   tests/windows/test_stdcall.c through pkg-config, and CMake configures
#
# Assumes `make release` ran (and `make build`, for the simulator). RELEASE_TARGETS="..."
# picks archives (default: all). Prints "release: N passed, M failed" last.
set -uo pipefail

here=$(cd "$(dirname "$0")/../.." && pwd)
cd "$here" || exit 2
. scripts/tap.sh

bundle=$here/target/release-bundle
work=$here/target/release-tests
rm -rf "$work"
mkdir -p "$work"
version=$(scripts/cargo-version.sh)
IFS=. read -r major minor _ <<<"$version"
if [ "$major" = 0 ]; then abi="0.$minor"; else abi="$major"; fi
budget=$((4 * 1024 * 1024))
warn=(-Wall -Wextra -Wpedantic -Werror)

archives=()
if [ -n "${RELEASE_TARGETS:-}" ]; then
  for t in $RELEASE_TARGETS; do
    for f in "$bundle/authsignal_terminal-$version-$t.tar.gz" "$bundle/authsignal_terminal-$version-$t.zip"; do
      [ -f "$f" ] && archives+=("$f")
    done
  done
else
  for f in "$bundle"/*.tar.gz "$bundle"/*.zip; do [ -f "$f" ] && archives+=("$f"); done
fi

# ---- SHA256SUMS --------------------------------------------------------------------
check "SHA256SUMS: every archive's checksum matches" bash -c "cd '$bundle' && sha256sum --strict -c SHA256SUMS"
same "SHA256SUMS lists exactly the archives in the folder" \
  "$(awk '{ print $2 }' "$bundle/SHA256SUMS" 2>/dev/null | sort | tr '\n' ' ')" \
  "$(cd "$bundle" && ls -- *.tar.gz *.zip 2>/dev/null | sort | tr '\n' ' ')"

gcc_of() {
  case "$1" in
    x86_64-unknown-linux-gnu) echo gcc ;;
    aarch64-unknown-linux-gnu) echo aarch64-linux-gnu-gcc ;;
    armv7-unknown-linux-gnueabihf) echo arm-linux-gnueabihf-gcc ;;
    # musl-gcc able to link -static-pie (scripts/cross.sh)
    *-unknown-linux-musl) echo "$here/target/cross/bin/${1%%-*}-linux-musl-gcc" ;;
  esac
}
runner_of() {
  case "$1" in
    aarch64-unknown-linux-gnu) echo "qemu-aarch64 -L /usr/aarch64-linux-gnu" ;;
    armv7-unknown-linux-gnueabihf) echo "qemu-arm -L /usr/arm-linux-gnueabihf" ;;
    aarch64-unknown-linux-musl) echo "qemu-aarch64" ;; # statically linked: no root
    *) echo "" ;;
  esac
}
# musl's shared library: the C compiler linking against it dynamically, and how programs so
# linked run (aarch64: arm64's musl from scripts/install-deps.sh cross-musl-arm64 as root).
musl_dyn_cc_of() { case "$1" in x86_64-*) echo musl-gcc ;; *) gcc_of "$1" ;; esac; }
musl_dyn_runner_of() {
  case "$1" in
    aarch64-unknown-linux-musl) echo "qemu-aarch64 -L $here/target/cross/sysroot-arm64-musl" ;;
    *) runner_of "$1" ;;
  esac
}
cmake_processor_of() { case "$1" in aarch64-*) echo aarch64 ;; armv7-*) echo armv7l ;; *) echo x86_64 ;; esac; }

# Every program built from an archive, run against the simulator: a payment that
# completes (exit 0) and reports this version.
run_examples() {
  local b out run
  for b in "$bin"/*; do
    out=$bin/../run-$(basename "$b").log
    run=$runner
    case "$target:$(basename "$b")" in *-musl:*_shared) run=$dyn_runner ;; esac
    # shellcheck disable=SC2086 # the runner is a command line
    if $run "$b" tid_release_test_0001+polls=0 1250 USD order-release >"$out" 2>&1 &&
      grep -q "^libauthsignal_terminal $version" "$out"; then
      echo "ok - run $(basename "$b") [$target]: exit 0, as_version() $version"
    else
      sed 's/^/#   /' "$out"
      echo "not ok - run $(basename "$b") [$target]: exit 0, as_version() $version"
    fi
  done
}

test_linux() {
  local target=$1 dir=$2 cc cxx="" runner kinds langs
  cc=$(gcc_of "$target")
  runner=$(runner_of "$target")
  case "$target" in
    *-musl) kinds="static" langs="c" ;;
    *) kinds="shared;static" langs="c;cpp" cxx=${cc%gcc}g++ ;;
  esac
  local lib=$dir/lib real=$dir/lib/libauthsignal_terminal.so.$version

  for f in lib/pkgconfig/authsignal_terminal.pc lib/cmake/authsignal_terminal/authsignal_terminalConfig.cmake \
    lib/libauthsignal_terminal.a bin/authsignal-terminal bin/authsignal-terminal.debug; do
    [ -f "$dir/$f" ] && pass "$target: $f" || fail "$target: $f"
  done
  local stripped=("$dir/bin/authsignal-terminal")
  if [ "$kinds" != static ]; then
    same "$target: the shared library's links" \
      "$(readlink "$lib/libauthsignal_terminal.so") $(readlink "$lib/libauthsignal_terminal.so.$abi")" \
      "libauthsignal_terminal.so.$abi libauthsignal_terminal.so.$version"
    stripped+=("$real")
    local size
    size=$(stat -c %s "$real")
    echo "#   $target: stripped shared library $size bytes, tool $(stat -c %s "$dir/bin/authsignal-terminal") bytes"
    if [ "$size" -le "$budget" ]; then pass "$target: the stripped shared library fits 4 MiB ($size bytes)"; else fail "$target: the stripped shared library fits 4 MiB ($size bytes)"; fi
  else
    echo "#   $target: statically linked tool $(stat -c %s "$dir/bin/authsignal-terminal") bytes"
  fi
  # musl's shared library is in the archive when make cross built it (CROSS_MUSL_SHARED;
  # make test's musl build has none): then a C program built with musl-gcc against it.
  local musl_shared=no
  case "$target" in *-musl) [ ! -f "$real" ] || musl_shared=yes ;; esac
  if [ "$musl_shared" = yes ]; then
    same "$target: the shared library's links" \
      "$(readlink "$lib/libauthsignal_terminal.so") $(readlink "$lib/libauthsignal_terminal.so.$abi")" \
      "libauthsignal_terminal.so.$abi libauthsignal_terminal.so.$version"
    stripped+=("$real")
    echo "#   $target: stripped shared library $(stat -c %s "$real") bytes"
    if [ "$(stat -c %s "$real")" -le "$budget" ]; then pass "$target: the stripped shared library fits 4 MiB"; else fail "$target: the stripped shared library fits 4 MiB"; fi
  fi
  local f
  for f in "${stripped[@]}"; do
    same "$target: $(basename "$f") is stripped and names its .debug file" \
      "$(readelf -SW "$f" | grep -c ' \.symtab ') $(readelf -p .gnu_debuglink "$f" 2>/dev/null | sed -n 's/^ *\[ *0\] *//p')" \
      "0 $(basename "$f").debug"
    same "$target: $(basename "$f").debug holds the symbol table" \
      "$(readelf -SW "$f.debug" 2>/dev/null | grep -c ' \.symtab ')" "1"
  done

  # pkg-config from the unpacked folder, wherever it is: --define-prefix.
  local bin=$work/$target/bin pc=(pkg-config --define-prefix)
  mkdir -p "$bin"
  export PKG_CONFIG_PATH=$lib/pkgconfig
  local cflags libs static_libs
  cflags=$("${pc[@]}" --cflags authsignal_terminal)
  libs=$("${pc[@]}" --libs authsignal_terminal)
  static_libs=$("${pc[@]}" --static --libs authsignal_terminal |
    sed 's/-lauthsignal_terminal/-Wl,-Bstatic -lauthsignal_terminal -Wl,-Bdynamic/')
  same "$target: pkg-config --define-prefix finds the unpacked folder" "$(echo $cflags)" "-I$dir/include"
  # shellcheck disable=SC2086,SC2046 # pkg-config's output is meant to be split
  case "$target" in
    *-musl)
      # -lunwind: LLVM's libunwind (Alpine: llvm-libunwind-static; here scripts/cross.sh's).
      check "$target: pkg-config: C11 example, static" "$cc" -static -std=c11 "${warn[@]}" examples/c/pos_demo.c \
        $cflags $("${pc[@]}" --static --libs authsignal_terminal) -L"$here/target/cross/unwind/$target" \
        -o "$bin/pc_c_static"
      if [ "$musl_shared" = yes ]; then
        check "$target: pkg-config: C11 example, shared (musl-gcc, dynamically linked)" "$(musl_dyn_cc_of "$target")" -std=c11 \
          "${warn[@]}" examples/c/pos_demo.c $cflags $libs -Wl,-rpath,"$lib" -o "$bin/pc_c_shared"
      fi
      ;;
    *)
      check "$target: pkg-config: C11 example, shared" "$cc" -std=c11 "${warn[@]}" examples/c/pos_demo.c \
        $cflags $libs -Wl,-rpath,"$lib" -o "$bin/pc_c_shared"
      check "$target: pkg-config: C11 example, static" "$cc" -std=c11 "${warn[@]}" examples/c/pos_demo.c \
        $cflags $static_libs -o "$bin/pc_c_static"
      check "$target: pkg-config: C++17 example, shared" "$cxx" -std=c++17 "${warn[@]}" examples/cpp/pos_demo.cpp \
        $cflags $libs -Wl,-rpath,"$lib" -o "$bin/pc_cpp_shared"
      ;;
  esac
  unset PKG_CONFIG_PATH

  # CMake, with the target's compilers (a cross build for ARM).
  local build=$work/$target/cmake args=(-DCMAKE_PREFIX_PATH="$dir" -DWANT_VERSION="$abi"
    "-DKINDS=$kinds" "-DLANGS=$langs" -DCMAKE_C_COMPILER="$cc")
  [ -z "$cxx" ] || args+=(-DCMAKE_CXX_COMPILER="$cxx")
  [ "$target" = x86_64-unknown-linux-gnu ] || args+=(-DCMAKE_SYSTEM_NAME=Linux
    -DCMAKE_SYSTEM_PROCESSOR="$(cmake_processor_of "$target")" -DCMAKE_FIND_ROOT_PATH="$dir")
  case "$target" in *-musl) args+=(-DCMAKE_EXE_LINKER_FLAGS="-static -L$here/target/cross/unwind/$target") ;; esac
  if check "$target: cmake: find_package(authsignal_terminal $abi) in the unpacked folder" \
    cmake -S tests/packaging -B "$build" "${args[@]}" &&
    check "$target: cmake: the examples build ($langs; $kinds)" cmake --build "$build" -j 2; then
    for f in "$build"/pos_demo_*; do [ -x "$f" ] && cp "$f" "$bin/cmake_$(basename "$f")"; done
  fi

  local dyn_runner
  dyn_runner=$(musl_dyn_runner_of "$target")
  export bin version target runner dyn_runner
  export -f run_examples
  run_counted "$target: the examples ran" "" "$work/$target/run.log" \
    scripts/with-simulator.sh bash -c '
      export AUTHSIGNAL_TERMINAL_BASE_URL="$SIM_BASE_URL" AUTHSIGNAL_TERMINAL_CA_FILE="$SIM_CA_FILE"
      run_examples'
  # shellcheck disable=SC2086
  same "$target: bin/authsignal-terminal --version" "$($runner "$dir/bin/authsignal-terminal" --version 2>&1)" \
    "authsignal-terminal $version"
}

# pe_debuglink BINUTILS FILE: the file name FILE's .gnu_debuglink section holds, and
# "crc-ok" when the file of that name beside FILE has the CRC-32 the section records.
pe_debuglink() {
  local tmp
  tmp=$(mktemp -d)
  if "${1}objcopy" --dump-section .gnu_debuglink="$tmp/link" "$2" "$tmp/copy" 2>/dev/null; then
    python3 - "$tmp/link" "$(dirname "$2")" <<'EOF_PY'
import os, struct, sys, zlib
data = open(sys.argv[1], "rb").read()
name = data.split(b"\0", 1)[0].decode()
(crc,) = struct.unpack_from("<I", data, (len(name) + 4) & ~3)
path = os.path.join(sys.argv[2], name)
ok = os.path.isfile(path) and zlib.crc32(open(path, "rb").read()) == crc
print(name, "crc-ok" if ok else "crc-mismatch")
EOF_PY
  else
    echo "no .gnu_debuglink"
  fi
  rm -rf "$tmp"
}

test_windows() {
  local target=$1 dir=$2 arch=x86_64 bits=64
  case "$target" in i686-*) arch=i686 bits=32 ;; esac
  for f in bin/authsignal_terminal.dll lib/libauthsignal_terminal.dll.a lib/authsignal_terminal.lib \
    lib/authsignal_terminal.def lib/libauthsignal_terminal.a lib/pkgconfig/authsignal_terminal.pc \
    lib/cmake/authsignal_terminal/authsignal_terminalConfig.cmake; do
    [ -f "$dir/$f" ] && pass "$target: $f" || fail "$target: $f"
  done
  # The split debug symbols (scripts/windows.sh): each stripped binary names its .debug file
  # in .gnu_debuglink with the CRC of that file (what gdb checks), and the .debug file holds
  # the symbols (an exported function among them) that the stripped one no longer has.
  local f tools=$arch-w64-mingw32-
  for f in "$dir/bin/authsignal_terminal.dll" "$dir/bin/authsignal-terminal.exe"; do
    [ -f "$f" ] || continue
    [ -f "$f.debug" ] && pass "$target: bin/$(basename "$f").debug" || fail "$target: bin/$(basename "$f").debug"
    same "$target: $(basename "$f") names its .debug file (.gnu_debuglink, CRC matching)" \
      "$(pe_debuglink "$tools" "$f")" "$(basename "$f").debug crc-ok"
    same "$target: $(basename "$f") has no DWARF" "$("${tools}objdump" -h "$f" | grep -c ' \.debug_')" "0"
    local kept left
    kept=$("${tools}objdump" -t "$f.debug" 2>/dev/null | grep -c '(scl')
    left=$("${tools}objdump" -t "$f" 2>/dev/null | grep -c '(scl')
    echo "#   $target: $(basename "$f"): $left symbols left, $kept in the .debug file"
    if [ "$kept" -gt 1000 ] && [ "$left" -lt $((kept / 10)) ]; then
      pass "$target: $(basename "$f").debug holds the symbol table the stripped file lacks"
    else
      fail "$target: $(basename "$f").debug holds the symbol table the stripped file lacks"
    fi
  done
  # (x86: _as_version; the stdcall build has both _as_version@0 and its undecorated alias.)
  if "${tools}objdump" -t "$dir/bin/authsignal_terminal.dll.debug" 2>/dev/null | grep -E ' _?as_version(@0)?$' >/dev/null; then
    pass "$target: the .debug file has the symbol of an exported function (as_version)"
  else
    fail "$target: the .debug file has the symbol of an exported function (as_version)"
  fi

  local out=$work/$target cc=$arch-w64-mingw32-gcc cxx=$arch-w64-mingw32-g++ cflags libs
  mkdir -p "$out/bin"
  export PKG_CONFIG_PATH=$dir/lib/pkgconfig
  cflags=$(pkg-config --define-prefix --cflags authsignal_terminal)
  libs=$(pkg-config --define-prefix --libs authsignal_terminal)
  unset PKG_CONFIG_PATH
  # The header declares the functions cdecl; the stdcall build is for callers that
  # declare them __stdcall themselves, as tests/windows/test_stdcall.c does.
  local program=examples/c/pos_demo.c langs="c;cpp" extra=()
  case "$target" in
    *-stdcall) program=tests/windows/test_stdcall.c langs="" extra=(-O0 -DEXPECTED_VERSION="\"$version\"") ;;
  esac
  # shellcheck disable=SC2086 # pkg-config's output is meant to be split
  check "$target: pkg-config: MinGW-w64 links $program against the import library" \
    "$cc" -std=c11 "${warn[@]}" "${extra[@]}" "$program" $cflags $libs -o "$out/bin/pc_c_shared.exe"
  same "$target: the program imports authsignal_terminal.dll" \
    "$("$arch-w64-mingw32-objdump" -p "$out/bin/pc_c_shared.exe" 2>/dev/null | grep -c 'DLL Name: authsignal_terminal.dll')" "1"
  # CMake as a MinGW cross build: the DLL through its import library (the static library
  # also needs the Windows 10 builds' bcryptprimitives.dll import, which MinGW-w64 lacks).
  check "$target: cmake: find_package(authsignal_terminal $abi) with MinGW-w64 ($bits-bit)" \
    cmake -S tests/packaging -B "$out/cmake" -DCMAKE_PREFIX_PATH="$dir" -DWANT_VERSION="$abi" \
    -DCMAKE_SYSTEM_NAME=Windows -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" \
    -DCMAKE_FIND_ROOT_PATH="$dir" "-DKINDS=shared" "-DLANGS=$langs" &&
    if [ -n "$langs" ]; then
      check "$target: cmake: the C and C++ examples build against the DLL" cmake --build "$out/cmake" -j 2
    fi
}

for archive in "${archives[@]}"; do
  name=$(basename "$archive")
  name=${name%.tar.gz}
  name=${name%.zip}
  target=${name#authsignal_terminal-"$version"-}
  cargo_target=$(echo "${target%-stdcall}" | sed 's/-win7-/-pc-/')
  fresh=$work/$target/unpacked
  rm -rf "$fresh"
  mkdir -p "$fresh"
  echo "# $name"
  case "$archive" in
    *.tar.gz) tar -xzf "$archive" -C "$fresh" ;;
    *.zip) python3 -m zipfile -e "$archive" "$fresh" ;;
  esac
  same "$target: the archive holds one folder, $name" "$(ls "$fresh")" "$name"
  dir=$fresh/$name
  for f in include/authsignal_terminal.h include/authsignal_terminal.hpp LICENSE licenses/README.md sbom.cdx.json; do
    [ -f "$dir/$f" ] && pass "$target: $f" || fail "$target: $f"
  done
  run_counted "$target: SBOM and licences" "$target" "$work/$target/sbom.log" \
    python3 tests/release/sbom_check.py "$cargo_target" "$dir"
  case "$target" in
    *-windows-*) test_windows "$target" "$dir" ;;
    *) test_linux "$target" "$dir" ;;
  esac
done
[ ${#archives[@]} -gt 0 ] || fail "an archive to test (run: make release)"

summary release
