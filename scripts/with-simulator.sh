#!/usr/bin/env bash
# Runs a command with the simulator serving on loopback, then stops the simulator.
#
#   scripts/with-simulator.sh [simulator options --] command [args...]
#
# The command sees SIM_BASE_URL (e.g. https://127.0.0.1:40123/v1) and SIM_CA_FILE (the
# PEM of the simulator's CA; empty with --http). Its exit status is this script's.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
sim="${SIM:-$here/target/release/authsignal-terminal-sim}"
sim_args=(--port 0 --quiet)
if [[ " $* " == *" -- "* ]]; then
  while [ "$1" != "--" ]; do sim_args+=("$1"); shift; done
  shift
fi
[ -x "$sim" ] || { echo "simulator not built: $sim (run: make build)" >&2; exit 2; }

out=$(mktemp)
"$sim" "${sim_args[@]}" >"$out" &
sim_pid=$!
trap 'kill -TERM $sim_pid 2>/dev/null || true; wait $sim_pid 2>/dev/null || true; rm -f "$out"' EXIT

for _ in $(seq 1 200); do
  grep -q '^READY$' "$out" && break
  kill -0 $sim_pid 2>/dev/null || { echo "the simulator stopped at start" >&2; exit 2; }
  sleep 0.05
done
grep -q '^READY$' "$out" || { echo "the simulator did not get ready" >&2; exit 2; }

SIM_BASE_URL=$(sed -n 's/^BASE_URL=//p' "$out")
SIM_CA_FILE=$(sed -n 's/^CA_FILE=//p' "$out")
export SIM_BASE_URL SIM_CA_FILE
"$@"
