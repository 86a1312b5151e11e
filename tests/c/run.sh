#!/usr/bin/env bash
# The C tests: tests/c/test_api.c built against include/authsignal_terminal.h with
# -Wall -Wextra -Wpedantic -Werror three ways (C11 + shared library, C11 + static library,
# C++17 + shared library), each run under valgrind against the simulator over HTTPS,
# tests/c/test_edges.c (payment safety at the edges), tests/c/test_diagnose.c (the
# diagnosis, C11 and C++17), and tests/c/leak_cycles.c, many
# payment cycles under valgrind. A program also fails
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

. scripts/tap.sh

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

for variant in "${variants[@]}"; do
  under_valgrind "$C_TEST_DIR" "test_api_$variant" "$C_TEST_DIR/test_api_$variant"
done

# The edges (Linux only: it forks a server and counts /proc/self/task and /proc/self/fd):
# outcome unknown from the wire, nothing outliving a call, callbacks, thread teardown.
if build "test_edges (C11, shared library)" gcc -std=c11 "${warnings[@]}" tests/c/test_edges.c \
  -L"$lib" -lauthsignal_terminal -Wl,-rpath,"$here/$lib" -pthread -o "$C_TEST_DIR/test_edges"; then
  under_valgrind "$C_TEST_DIR" test_edges "$C_TEST_DIR/test_edges"
fi

# The diagnosis (as_client_diagnose), C11 and C++17, with its own rounds.
if build "test_diagnose (C11, shared library)" gcc -std=c11 "${warnings[@]}" tests/c/test_diagnose.c \
  -L"$lib" -lauthsignal_terminal -Wl,-rpath,"$here/$lib" -pthread -o "$C_TEST_DIR/test_diagnose_c"; then
  under_valgrind "$C_TEST_DIR" test_diagnose_c "$C_TEST_DIR/test_diagnose_c"
fi
if build "test_diagnose (C++17, shared library)" g++ -std=c++17 -x c++ "${warnings[@]}" tests/c/test_diagnose.c \
  -L"$lib" -lauthsignal_terminal -Wl,-rpath,"$here/$lib" -pthread -o "$C_TEST_DIR/test_diagnose_cpp"; then
  under_valgrind "$C_TEST_DIR" test_diagnose_cpp "$C_TEST_DIR/test_diagnose_cpp" 4
fi

# The long-running leak test: many create/get/wait/free cycles (LEAK_CYCLES, default
# 1000), with a fresh client every 50 cycles.
if build "leak_cycles (C11, shared library)" gcc -std=c11 "${warnings[@]}" tests/c/leak_cycles.c \
  -L"$lib" -lauthsignal_terminal -Wl,-rpath,"$here/$lib" -pthread -o "$C_TEST_DIR/leak_cycles"; then
  under_valgrind "$C_TEST_DIR" leak_cycles "$C_TEST_DIR/leak_cycles" "${LEAK_CYCLES:-1000}"
fi

summary c
