#!/usr/bin/env bash
# The C++ tests: tests/cpp/test_wrapper.cpp against include/authsignal_terminal.hpp, built
# as C++17 with -Wall -Wextra -Wpedantic -Werror (and -Wshadow -Wconversion
# -Wsign-conversion -Wold-style-cast -Wnon-virtual-dtor, which POS code bases often use),
# against the shared and the static library, each run under valgrind against the
# simulator over HTTPS. A variant also fails when valgrind reports a memory error or a
# "definitely lost" leak (suppressions: tests/c/valgrind.supp).
#
# Assumes `make build` ran. Prints "cpp: N passed, M failed" last.
set -uo pipefail

here=$(cd "$(dirname "$0")/../.." && pwd)
cd "$here"
CPP_TEST_DIR=target/cpp-tests
mkdir -p "$CPP_TEST_DIR"
lib=target/release
flags=(-std=c++17 -Wall -Wextra -Wpedantic -Werror -Wshadow -Wconversion -Wsign-conversion
  -Wold-style-cast -Wnon-virtual-dtor -Iinclude)
# What the static library needs from the system (cargo's native-static-libs on Linux).
static_libs=(-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc)

. scripts/tap.sh

variants=()
build "C++17 wrapper, shared library" g++ "${flags[@]}" tests/cpp/test_wrapper.cpp \
  -L"$lib" -lauthsignal_terminal -Wl,-rpath,"$here/$lib" -pthread -o "$CPP_TEST_DIR/test_wrapper_shared" \
  && variants+=(shared)
build "C++17 wrapper, static library" g++ "${flags[@]}" tests/cpp/test_wrapper.cpp \
  "$lib/libauthsignal_terminal.a" "${static_libs[@]}" -pthread -o "$CPP_TEST_DIR/test_wrapper_static" \
  && variants+=(static)
build "C++17 example (examples/cpp/pos_demo.cpp)" g++ "${flags[@]}" examples/cpp/pos_demo.cpp \
  -L"$lib" -lauthsignal_terminal -Wl,-rpath,"$here/$lib" -o "$CPP_TEST_DIR/pos_demo_cpp"
cpp14=$(g++ -std=c++14 -Iinclude -fsyntax-only -x c++ - <<<'#include "authsignal_terminal.hpp"' 2>&1)
if grep -q 'needs C++17' <<<"$cpp14"; then
  pass "the wrapper refuses C++14 with a clear #error"
else
  fail "the wrapper refuses C++14 with a clear #error"
fi

for variant in "${variants[@]}"; do
  under_valgrind "$CPP_TEST_DIR" "test_wrapper_$variant" "$CPP_TEST_DIR/test_wrapper_$variant"
done

summary cpp
