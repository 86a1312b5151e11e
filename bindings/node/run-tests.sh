#!/usr/bin/env bash
# Tests the Node.js wrapper (make test-node runs this after make build, which builds the
# library and the simulator).
#
# npm ci (koffi, and typescript + @types/node for the type check), copies the natives
# into prebuilds/ (prebuilds.sh), checks index.d.ts with `tsc --noEmit` over a typed user
# program (one test), runs `node --test` against the simulator (scripts/with-simulator.sh),
# then checks that no output of the run holds a test terminal id in clear (one test).
# Ends with one line "node: N passed, M failed"; exits non-zero on any failure.
# Extra arguments go to node --test (e.g. --test-name-pattern=journal).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$here"

give_up() {
  echo "run-tests.sh: $1" >&2
  echo "node: 0 passed, 1 failed"
  exit 1
}

command -v node >/dev/null || give_up "node is not installed (scripts/install-deps.sh node)"
npm ci --no-audit --no-fund --loglevel=error >/dev/null || give_up "npm ci failed"
./prebuilds.sh || give_up "cannot copy the native library into prebuilds/"

passed=0
failed=0
if npx --no-install tsc --noEmit -p tsconfig.json; then
  passed=$((passed + 1))
else
  echo "run-tests.sh: tsc --noEmit found type errors" >&2
  failed=$((failed + 1))
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# The library comes from prebuilds/, not from any AUTHSIGNAL_TERMINAL_LIBRARY set outside.
env -u AUTHSIGNAL_TERMINAL_LIBRARY "$root/scripts/with-simulator.sh" \
  node --test --test-reporter=tap --test-timeout=120000 "$@" test/*.test.js 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

count() { grep -E "^# $1 [0-9]+$" "$log" | tail -n 1 | grep -oE '[0-9]+$' || echo 0; }
passed=$((passed + $(count pass)))
node_failed=$(( $(count fail) + $(count cancelled) ))
failed=$((failed + node_failed))
if [ "$status" -ne 0 ] && [ "$node_failed" -eq 0 ]; then
  failed=$((failed + 1)) # node --test failed without counting a test (simulator, usage, ...)
fi

# The tests' terminal ids all start with these; the library shows at most the last 4
# characters, so neither prefix may appear anywhere in the output.
if grep -qE 'tid_node_|unpaired_node_' "$log"; then
  echo "run-tests.sh: a test terminal id appeared in clear in the output" >&2
  failed=$((failed + 1))
else
  passed=$((passed + 1))
fi

echo "node: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
