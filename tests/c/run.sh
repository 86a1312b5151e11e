#!/usr/bin/env bash
# The C tests: tests/c/test_api.c built against include/authsignal_terminal.h with
# -Wall -Wextra -Wpedantic -Werror three ways (C11 + shared library, C11 + static library,
# C++17 + shared library), each run under valgrind against the simulator over HTTPS.
# A variant also fails when valgrind reports a memory error or a "definitely lost" leak.
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

run_variant() {
  export AUTHSIGNAL_TERMINAL_BASE_URL="$SIM_BASE_URL"
  export AUTHSIGNAL_TERMINAL_CA_FILE="$SIM_CA_FILE"
  valgrind --quiet --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite \
    --error-exitcode=1 --suppressions=tests/c/valgrind.supp \
    --log-file="$C_TEST_DIR/valgrind-$1.log" "$C_TEST_DIR/test_api_$1"
}
export -f run_variant
export C_TEST_DIR

for variant in "${variants[@]}"; do
  echo "# test_api ($variant) under valgrind"
  log="$C_TEST_DIR/test-$variant.log"
  scripts/with-simulator.sh bash -c "run_variant $variant" >"$log" 2>&1
  status=$?
  cat "$log"
  while IFS= read -r line; do
    case "$line" in
      "ok - "*) passed=$((passed + 1)) ;;
      "not ok - "*) failed=$((failed + 1)) ;;
    esac
  done <"$log"
  if [ -s "$C_TEST_DIR/valgrind-$variant.log" ] || { [ "$status" -ne 0 ] && ! grep -q '^not ok - ' "$log"; }; then
    cat "$C_TEST_DIR/valgrind-$variant.log" 2>/dev/null
    fail "$variant: valgrind found no memory error or definite leak (exit $status)"
  else
    pass "$variant: valgrind found no memory error or definite leak"
  fi
done

echo "c: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
