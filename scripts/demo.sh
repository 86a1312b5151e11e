#!/usr/bin/env bash
# The main job, end to end: the C POS example against the simulator over HTTPS on
# loopback. Assumes `make build` ran (make demo does it first).
#
# Three payments: one the customer approves, one the card declines, and one to a
# terminal that is not paired, to show how each ends. Then the command-line tool
# (target/release/authsignal-terminal): `doctor`, the help desk's check, and `pay --json`,
# as a POS that runs a program would use it.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
mkdir -p target/demo
gcc -std=c11 -Wall -Wextra -Werror -Iinclude examples/c/pos_demo.c \
    -Ltarget/release -lauthsignal_terminal -Wl,-rpath,"$here/target/release" \
    -o target/demo/pos_demo

run_payments() {
  export AUTHSIGNAL_TERMINAL_BASE_URL="$SIM_BASE_URL"
  export AUTHSIGNAL_TERMINAL_CA_FILE="$SIM_CA_FILE"
  local failures=0
  expect() {
    local want=$1; shift
    echo
    echo "== $1"; shift
    set +e
    target/demo/pos_demo "$@"
    local got=$?
    set -e
    if [ "$got" -ne "$want" ]; then
      echo "demo: expected exit status $want, got $got" >&2
      failures=$((failures + 1))
    fi
  }
  # The simulator scripts each terminal's outcome through "+key=value" parts of its id.
  expect 0 "a customer approves 12.50 USD" "tid_demo_counter_0001" 1250 USD "order-1001"
  expect 1 "a card is declined (1000 JPY)" "tid_demo_counter_0002+outcome=FAILED" 1000 JPY "order-1002"
  expect 2 "a terminal that is not paired" "unpaired_demo_counter_0003" 1234 BHD "order-1003"
  # The tool reads the terminal id from the environment (never from its arguments).
  expect_cli() {
    local want=$1 title=$2 id=$3; shift 3
    echo
    echo "== $title"
    set +e
    AUTHSIGNAL_TERMINAL_ID=$id target/release/authsignal-terminal "$@"
    local got=$?
    set -e
    if [ "$got" -ne "$want" ]; then
      echo "demo: expected exit status $want, got $got" >&2
      failures=$((failures + 1))
    fi
  }
  expect_cli 0 "authsignal-terminal doctor (what the help desk runs; it starts no payment)" \
    "tid_demo_counter_0004" doctor
  expect_cli 0 "authsignal-terminal pay --json (a POS that runs a program)" \
    "tid_demo_counter_0005" pay --amount 12.50 --currency USD --reference order-1005 --json
  echo
  if [ "$failures" -ne 0 ]; then
    echo "demo: $failures scenario(s) did not end as expected" >&2
    return 1
  fi
  echo "demo: all three payments, doctor and the tool's payment ended as expected"
}
export -f run_payments

scripts/with-simulator.sh bash -c run_payments
