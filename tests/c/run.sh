#!/usr/bin/env bash
# The C tests: tests/c/test_api.c built against include/authsignal_terminal.h with
# -Wall -Wextra -Wpedantic -Werror three ways (C11 + shared library, C11 + static library,
# C++17 + shared library), each run under valgrind against the simulator over HTTPS,
# and tests/c/leak_cycles.c, many payment cycles under valgrind. A program also fails
# when valgrind reports a memory error or a "definitely lost" leak.
#
# Assumes `make build` ran. Prints "c: N passed, M failed" last.
set -uo pipefail

here=$(cd "$(dirname "$0")/../.." && pwd)
cd "$here"
C_TEST_DIR=target/c-tests
mkdir -p "$C_TEST_DIR"
lib=target/release
warnings=(-Wall -Wextra -Wpedantic -Werror -Iinclude)
# What the static library needs from the system (cargo's native-static-libs on Linux).
static_libs=(-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc)

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok - $1"; }
fail() { failed=$((failed + 1)); echo "not ok - $1"; }

build() {
  local name=$1; shift
  if "$@"; then pass "build $name"; else fail "build $name"; return 1; fi
}

variants=()
build "C11, shared library" gcc -std=c11 "${warnings[@]}" tests/c/test_api.c \
  -L"$lib" -lauthsignal_terminal -Wl,-rpath,"$here/$lib" -pthread -lm -o "$C_TEST_DIR/test_api_c_shared" \
  && variants+=(c_shared)
build "C11, static library" gcc -std=c11 "${warnings[@]}" tests/c/test_api.c \
  "$lib/libauthsignal_terminal.a" "${static_libs[@]}" -pthread -o "$C_TEST_DIR/test_api_c_static" \
  && variants+=(c_static)
build "C++17, shared library" g++ -std=c++17 -x c++ "${warnings[@]}" tests/c/test_api.c \
  -L"$lib" -lauthsignal_terminal -Wl,-rpath,"$here/$lib" -pthread -o "$C_TEST_DIR/test_api_cpp_shared" \
  && variants+=(cpp_shared)

# Runs one test program under valgrind against the simulator, counts its "ok - " and
# "not ok - " lines, and adds one more test: valgrind found no memory error and no
# "definitely lost" block.
#   under_valgrind NAME PROGRAM [ARGS...]
under_valgrind() {
  local name=$1; shift
  local log="$C_TEST_DIR/$name.log" vlog="$C_TEST_DIR/valgrind-$name.log"
  echo "# $name under valgrind"
  AUTHSIGNAL_TERMINAL_BASE_URL= AUTHSIGNAL_TERMINAL_CA_FILE= \
    scripts/with-simulator.sh bash -c '
      export AUTHSIGNAL_TERMINAL_BASE_URL="$SIM_BASE_URL" AUTHSIGNAL_TERMINAL_CA_FILE="$SIM_CA_FILE"
      exec valgrind --quiet --leak-check=full --show-leak-kinds=definite \
        --errors-for-leak-kinds=definite --error-exitcode=1 \
        --suppressions=tests/c/valgrind.supp --log-file="$0" "$@"' "$vlog" "$@" >"$log" 2>&1
  local status=$?
  cat "$log"
  local line
  while IFS= read -r line; do
    case "$line" in
      "ok - "*) passed=$((passed + 1)) ;;
      "not ok - "*) failed=$((failed + 1)) ;;
    esac
  done <"$log"
  if [ -s "$vlog" ] || { [ "$status" -ne 0 ] && ! grep -q '^not ok - ' "$log"; }; then
    cat "$vlog" 2>/dev/null
    fail "$name: valgrind found no memory error or definite leak (exit $status)"
  else
    pass "$name: valgrind found no memory error or definite leak"
  fi
}

for variant in "${variants[@]}"; do
  under_valgrind "test_api_$variant" "$C_TEST_DIR/test_api_$variant"
done

# The long-running leak test: many create/get/wait/free cycles (LEAK_CYCLES, default
# 1000), with a fresh client every 50 cycles.
if build "leak_cycles (C11, shared library)" gcc -std=c11 "${warnings[@]}" tests/c/leak_cycles.c \
  -L"$lib" -lauthsignal_terminal -Wl,-rpath,"$here/$lib" -pthread -o "$C_TEST_DIR/leak_cycles"; then
  under_valgrind leak_cycles "$C_TEST_DIR/leak_cycles" "${LEAK_CYCLES:-1000}"
fi

echo "c: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
