#!/usr/bin/env bash
# Runs the C# wrapper's NUnit tests on Mono against the simulator and the release build of
# the native library, then prints, as its last line, "csharp: N passed, M failed".
# Exits non-zero when a test fails or the run itself breaks.
#   bindings/csharp/run-tests.sh [nunit-console options, e.g. -run=Authsignal.Terminal.Tests.AmountTests]
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$root/target/csharp"
results="$out/TestResult.xml"

report() { echo "csharp: $1 passed, $2 failed"; }

if ! "$here/build.sh"; then
  report 0 1
  exit 1
fi
[ -e "$root/target/release/libauthsignal_terminal.so" ] || { echo "native library not built (run: make build)" >&2; report 0 1; exit 1; }

rm -f "$results"
# The native library is found through the normal loader path; the simulator is started
# and stopped by with-simulator.sh, which passes SIM_BASE_URL and SIM_CA_FILE.
LD_LIBRARY_PATH="$root/target/release${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
  "$root/scripts/with-simulator.sh" \
  nunit-console -nologo -noshadow -labels -xml="$results" "$@" "$out/Authsignal.Terminal.Tests.dll"
status=$?

if [ ! -s "$results" ]; then
  echo "nunit-console wrote no results (exit $status)" >&2
  report 0 1
  exit 1
fi

# Count test cases from the results file rather than trusting one summary format.
passed=$(grep -c '<test-case [^>]*executed="True"[^>]*result="Success"' "$results" || true)
failed=$(grep -c '<test-case [^>]*executed="True"[^>]*success="False"' "$results" || true)
report "$passed" "$failed"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ]; then
  exit 1
fi
