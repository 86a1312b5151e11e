#!/usr/bin/env bash
# The main job, end to end: the C POS example against the simulator over HTTPS on
# loopback. Assumes `make build` ran (make demo does it first).
#
# Three payments: one the customer approves, one the card declines, and one to a
# terminal that is not paired, to show how each ends. Then a crash and a restart with a
# payment journal: the POS is killed (SIGKILL) while the customer decides; run again for
# the same reference, it finds the session in its journal and resumes the wait instead of
# prompting again, and a third run learns the reference is already paid. Last, the
# command-line tool (target/release/authsignal-terminal): `doctor`, the help desk's check,
# and `pay --json`, as a POS that runs a program would use it.
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

  local journal_dir
  journal_dir=$(mktemp -d)
  export AUTHSIGNAL_TERMINAL_JOURNAL="$journal_dir/pos.journal"
  local crashing="tid_demo_counter_0004+after=4000"
  echo
  echo "== a POS with a payment journal crashes while the customer decides (25.00 USD)"
  target/demo/pos_demo "$crashing" 2500 USD "order-1004" >"$journal_dir/first.log" 2>&1 &
  local pid=$!
  for _ in $(seq 100); do
    grep -q "prompting" "$journal_dir/first.log" && break
    sleep 0.1
  done
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null || true
  cat "$journal_dir/first.log"
  echo "(the POS process was killed with SIGKILL)"
  expect 0 "the POS restarts and is asked for the same payment again" "$crashing" 2500 USD "order-1004" \
    >"$journal_dir/restart.log" 2>&1
  cat "$journal_dir/restart.log"
  if ! grep -q "^resuming" "$journal_dir/restart.log"; then
    echo "demo: the restarted POS did not resume the wait from its journal" >&2
    failures=$((failures + 1))
  fi
  expect 0 "and once more: the journal knows it is paid" "$crashing" 2500 USD "order-1004"
  rm -rf "$journal_dir"
  unset AUTHSIGNAL_TERMINAL_JOURNAL
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
    "tid_demo_counter_0005" doctor
  expect_cli 0 "authsignal-terminal pay --json (a POS that runs a program)" \
    "tid_demo_counter_0006" pay --amount 12.50 --currency USD --reference order-1006 --json
  echo
  if [ "$failures" -ne 0 ]; then
    echo "demo: $failures scenario(s) did not end as expected" >&2
    return 1
  fi
  echo "demo: every payment ended as expected, the restart resumed its wait, and doctor and the tool's payment did too"
}
export -f run_payments

scripts/with-simulator.sh bash -c run_payments
