#!/usr/bin/env bash
# The Linux cross builds (scripts/cross.sh, in target/cross/<target>/) checked, and run
# where they run, against the simulator running natively on loopback:
#
#   every target   the CPU in its ELF headers; the static library defines every function
#                  the header declares; the tool authsignal-terminal prints its version,
#                  `doctor` passes and `pay` completes a payment
#   *-gnu*         the shared library's SONAME is the x86_64 one and it exports exactly
#                  the header's functions, all functions; tests/c/test_api.c (C11 against
#                  the shared and the static library, C++17 against the shared one),
#                  tests/cpp/test_wrapper.cpp (shared and static) and tests/c/test_diagnose.c
#   *-musl         the tool is statically linked (no interpreter, nothing NEEDED);
#                  tests/c/test_api.c and tests/c/test_diagnose.c (C11) against the static
#                  library, linked statically (Debian has no C++ library for musl); when
#                  the shared library is built (CROSS_MUSL_SHARED=yes: make cross), its
#                  SONAME and exports, that it needs only musl's libc.so, and the same
#                  two programs built with musl-gcc (aarch64: scripts/cross.sh's wrapper)
#                  against it, dynamically linked
#
# ARM programs run under qemu-user (qemu-aarch64 / qemu-arm, with the cross C library of
# Debian's libc6-*-cross as their root for the glibc targets; aarch64-musl's static ones
# with no root, its dynamically linked ones with target/cross/sysroot-arm64-musl, arm64's
# musl unpacked by scripts/install-deps.sh cross-musl-arm64); x86_64-musl ones run on this
# machine. Not here: valgrind (not under qemu) and tests/c/test_edges.c (it counts the
# threads and descriptors of /proc/self, which under qemu are qemu's).
#
# Assumes `make build` (the simulator) and `make cross` ran. CROSS_TARGETS="..." picks
# targets (default: every folder in target/cross). Prints "cross: N passed, M failed" last.
set -uo pipefail

here=$(cd "$(dirname "$0")/../.." && pwd)
cd "$here" || exit 2
. scripts/tap.sh

out=target/cross
tests=$out/tests
mkdir -p "$tests"
version=$(scripts/cargo-version.sh)
IFS=. read -r major minor _ <<<"$version"
if [ "$major" = 0 ]; then abi="0.$minor"; else abi="$major"; fi
soname=libauthsignal_terminal.so.$abi
if [ -n "${CROSS_TARGETS:-}" ]; then
  read -r -a targets <<<"$CROSS_TARGETS"
else
  targets=()
  for dir in "$out"/*-linux-*/; do [ -d "$dir" ] && targets+=("$(basename "$dir")"); done
fi
warnings=(-Wall -Wextra -Wpedantic -Werror -Iinclude)
cpp_flags=(-std=c++17 "${warnings[@]}" -Wshadow -Wconversion -Wsign-conversion -Wold-style-cast
  -Wnon-virtual-dtor)

# The prefix of the target's GCC, and how to run one of its programs here.
gcc_of() {
  case "$1" in
    aarch64-unknown-linux-gnu) echo aarch64-linux-gnu-gcc ;;
    armv7-unknown-linux-gnueabihf) echo arm-linux-gnueabihf-gcc ;;
    *-unknown-linux-musl) echo "$here/$out/bin/${1%%-*}-linux-musl-gcc" ;; # made by scripts/cross.sh
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
# musl's shared library: the C compiler that links against it dynamically, the dynamic
# linker's root and how to run those programs.
musl_dyn_cc_of() {
  case "$1" in
    x86_64-unknown-linux-musl) echo musl-gcc ;;
    *) gcc_of "$1" ;; # without -static, the wrapper links dynamically
  esac
}
musl_dyn_runner_of() {
  case "$1" in
    aarch64-unknown-linux-musl) echo "qemu-aarch64 -L $here/$out/sysroot-arm64-musl" ;;
    *) runner_of "$1" ;;
  esac
}
machine_of() {
  case "$1" in
    aarch64-*) echo AArch64 ;;
    armv7-*) echo ARM ;;
    x86_64-*) echo "Advanced Micro Devices X86-64" ;;
  esac
}

# The header's functions, one per line, sorted.
header_functions() {
  gcc -fpreprocessed -dD -E -P include/authsignal_terminal.h |
    grep -o '\bas_[a-z0-9_]*(' | tr -d '(' | sort -u
}
header_functions >"$tests/declared.txt"

elf_machine() { readelf -h "$1" 2>/dev/null | sed -n 's/^ *Machine: *//p' | sort -u | tr '\n' ' ' | sed 's/ $//'; }
needed() { readelf -d "$1" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' '; }

# run_tests LABEL RUNNER PROGRAM [ARGS...]: a test program (its "ok - " lines counted)
# against a simulator of its own.
run_tests() {
  local label=$1 runner=$2 prog=$3; shift 3
  # shellcheck disable=SC2086 # the runner is a command line
  run_counted "$label" "$label" "$tests/$(basename "$prog").log" \
    scripts/with-simulator.sh bash -c '
      export AUTHSIGNAL_TERMINAL_BASE_URL="$SIM_BASE_URL" AUTHSIGNAL_TERMINAL_CA_FILE="$SIM_CA_FILE"
      exec "$@"' - $runner "$prog" "$@"
}

# The command-line tool: --version, doctor and pay against the simulator. The terminal id
# comes from the environment, as the tool requires; it is the simulator's, never printed.
cli_checks() {
  local triple=$1 runner=$2 cli=$3 log=$tests/cli-$1
  # shellcheck disable=SC2086
  same "$triple: authsignal-terminal --version" "$($runner "$cli" --version 2>&1)" "authsignal-terminal $version"
  # shellcheck disable=SC2016,SC2086
  check "$triple: authsignal-terminal doctor passes against the simulator" \
    scripts/with-simulator.sh bash -c '
      AUTHSIGNAL_TERMINAL_ID=tid_cross_test_0001 exec "$@" --base-url "$SIM_BASE_URL" \
        --ca-file "$SIM_CA_FILE" doctor' - $runner "$cli"
  # shellcheck disable=SC2016,SC2086
  scripts/with-simulator.sh bash -c '
    AUTHSIGNAL_TERMINAL_ID=tid_cross_test_0002+polls=0 exec "$@" --base-url "$SIM_BASE_URL" \
      --ca-file "$SIM_CA_FILE" pay --minor 1250 --currency USD --reference order-cross --json' \
    - $runner "$cli" >"$log.pay.json" 2>"$log.pay.err"
  local status=$?
  if [ "$status" = 0 ] && grep -q '"outcome": *"COMPLETED"' "$log.pay.json"; then
    pass "$triple: authsignal-terminal pay completes a payment (exit 0, COMPLETED)"
  else
    sed 's/^/#   /' "$log.pay.json" "$log.pay.err"
    fail "$triple: authsignal-terminal pay completes a payment (exit $status)"
  fi
}

# shared_checks TRIPLE SO MACHINE: the shared library's CPU, SONAME and exports.
shared_checks() {
  local triple=$1 shared=$2 machine=$3
  same "$triple: the shared library is for $machine" "$(elf_machine "$shared")" "$machine"
  same "$triple: the shared library's SONAME" \
    "$(readelf -d "$shared" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')" "$soname"
  # Defined dynamic symbols, as "type name" (readelf reads any CPU's ELF).
  readelf --dyn-syms -W "$shared" |
    awk '$7 != "UND" && $5 == "GLOBAL" && $8 != "" { sub(/@.*/, "", $8); print $4, $8 }' |
    sort -u >"$tests/exports-$triple.txt"
  same "$triple: the shared library exports every declared function, and nothing else" \
    "$(awk '{ print $2 }' "$tests/exports-$triple.txt" | diff "$tests/declared.txt" - | grep '^[<>]' | tr '\n' ' ')" ""
  same "$triple: every export is a function (no data symbols)" \
    "$(awk '$1 != "FUNC" { print $2 }' "$tests/exports-$triple.txt" | tr '\n' ' ')" ""
}

test_target() {
  local triple=$1 dir=$out/$1 cc runner machine
  cc=$(gcc_of "$triple")
  runner=$(runner_of "$triple")
  machine=$(machine_of "$triple")
  echo "# $triple${runner:+ (under $runner)}"
  if [ ! -f "$dir/libauthsignal_terminal.a" ]; then
    fail "$triple: built (run: make cross)"
    return
  fi
  local cli=$dir/authsignal-terminal static=$dir/libauthsignal_terminal.a shared=$dir/libauthsignal_terminal.so
  local native_libs bin=$tests/$triple
  read -r -a native_libs <"$dir/native-static-libs"
  mkdir -p "$bin"

  same "$triple: the static library and the tool are for $machine" \
    "$(elf_machine "$static") / $(elf_machine "$cli")" "$machine / $machine"
  same "$triple: the static library defines every declared function" \
    "$(readelf -sW "$static" 2>/dev/null |
      awk '$4 == "FUNC" && $5 == "GLOBAL" && $7 != "UND" && $8 ~ /^as_/ { print $8 }' |
      sort -u | diff "$tests/declared.txt" - | grep '^[<>]' | tr '\n' ' ')" ""

  case "$triple" in
    *-musl)
      # -lunwind: the LLVM libunwind scripts/cross.sh made for musl (Alpine: llvm-libunwind-static).
      native_libs=(-L"$out/unwind/$triple" "${native_libs[@]}")
      same "$triple: the tool is statically linked (no interpreter, nothing NEEDED)" \
        "$(readelf -lW "$cli" | grep -c 'Requesting program interpreter') $(needed "$cli")" "0 "
      build "$triple: test_api (C11, static library)" "$cc" -std=c11 -static "${warnings[@]}" \
        tests/c/test_api.c "$static" "${native_libs[@]}" -o "$bin/test_api_c_static" &&
        run_tests "$triple C11 static" "$runner" "$bin/test_api_c_static"
      build "$triple: test_diagnose (C11, static library)" "$cc" -std=c11 -static "${warnings[@]}" \
        tests/c/test_diagnose.c "$static" "${native_libs[@]}" -o "$bin/test_diagnose_c_static" &&
        run_tests "$triple diagnose" "$runner" "$bin/test_diagnose_c_static" 4
      # The shared library for musl (scripts/cross.sh builds it when CROSS_MUSL_SHARED=yes:
      # make cross, not make test): programs built with Debian's musl-gcc link it
      # dynamically and run here under musl's own dynamic linker (/lib/ld-musl-*.so.1).
      if [ -f "$shared" ] || [ "${CROSS_MUSL_SHARED:-}" = yes ]; then
        shared_checks "$triple" "$shared" "$machine"
        same "$triple: the shared library needs only musl's libc.so" "$(needed "$shared")" "libc.so "
        local musl_ld=/lib/ld-musl-${triple%%-*}.so.1 rpath=-Wl,-rpath,$here/$dir dyn_cc dyn_runner
        dyn_cc=$(musl_dyn_cc_of "$triple")
        dyn_runner=$(musl_dyn_runner_of "$triple")
        build "$triple: test_api (C11, musl-gcc, shared library)" "$dyn_cc" -std=c11 "${warnings[@]}" \
          tests/c/test_api.c -L"$dir" -lauthsignal_terminal "$rpath" -o "$bin/test_api_c_shared" &&
          same "$triple: test_api is dynamically linked by $musl_ld against $soname" \
            "$(readelf -lW "$bin/test_api_c_shared" | sed -n 's/.*Requesting program interpreter: \(.*\)\]/\1/p') $(needed "$bin/test_api_c_shared")" \
            "$musl_ld $soname libc.so " &&
          run_tests "$triple C11 shared" "$dyn_runner" "$bin/test_api_c_shared"
        build "$triple: test_diagnose (C11, musl-gcc, shared library)" "$dyn_cc" -std=c11 "${warnings[@]}" \
          tests/c/test_diagnose.c -L"$dir" -lauthsignal_terminal "$rpath" -o "$bin/test_diagnose_c_shared" &&
          run_tests "$triple diagnose shared" "$dyn_runner" "$bin/test_diagnose_c_shared" 4
      fi
      ;;
    *)
      local cxx=${cc%gcc}g++
      shared_checks "$triple" "$shared" "$machine"
      # The oldest glibc it runs on (README, "Platforms and downloads"): Debian 12's.
      same "$triple: the shared library and the tool need glibc 2.34 at most" \
        "$(readelf -V -W "$shared" "$cli" | grep -o 'GLIBC_2\.[0-9]*' | sort -t. -k2 -n -u |
          awk -F. '$2 > 34' | tr '\n' ' ')" ""
      local rpath=-Wl,-rpath,$here/$dir
      build "$triple: test_api (C11, shared library)" "$cc" -std=c11 "${warnings[@]}" tests/c/test_api.c \
        -L"$dir" -lauthsignal_terminal "$rpath" -pthread -lm -o "$bin/test_api_c_shared" &&
        run_tests "$triple C11 shared" "$runner" "$bin/test_api_c_shared"
      build "$triple: test_api (C11, static library)" "$cc" -std=c11 "${warnings[@]}" tests/c/test_api.c \
        "$static" "${native_libs[@]}" -pthread -o "$bin/test_api_c_static" &&
        run_tests "$triple C11 static" "$runner" "$bin/test_api_c_static"
      build "$triple: test_api (C++17, shared library)" "$cxx" -std=c++17 -x c++ "${warnings[@]}" \
        tests/c/test_api.c -L"$dir" -lauthsignal_terminal "$rpath" -pthread -o "$bin/test_api_cpp_shared" &&
        run_tests "$triple C++17 shared" "$runner" "$bin/test_api_cpp_shared"
      build "$triple: test_wrapper (C++17, shared library)" "$cxx" "${cpp_flags[@]}" tests/cpp/test_wrapper.cpp \
        -L"$dir" -lauthsignal_terminal "$rpath" -pthread -o "$bin/test_wrapper_shared" &&
        run_tests "$triple wrapper shared" "$runner" "$bin/test_wrapper_shared"
      build "$triple: test_wrapper (C++17, static library)" "$cxx" "${cpp_flags[@]}" tests/cpp/test_wrapper.cpp \
        "$static" "${native_libs[@]}" -pthread -o "$bin/test_wrapper_static" &&
        run_tests "$triple wrapper static" "$runner" "$bin/test_wrapper_static"
      build "$triple: test_diagnose (C11, shared library)" "$cc" -std=c11 "${warnings[@]}" tests/c/test_diagnose.c \
        -L"$dir" -lauthsignal_terminal "$rpath" -pthread -o "$bin/test_diagnose_c" &&
        run_tests "$triple diagnose" "$runner" "$bin/test_diagnose_c" 4
      ;;
  esac
  cli_checks "$triple" "$runner" "$cli"
}

for triple in "${targets[@]}"; do
  test_target "$triple"
done
[ ${#targets[@]} -gt 0 ] || fail "a cross build to test (run: make cross)"

summary cross
