#!/usr/bin/env bash
# Builds the Java wrapper (build.sh) and runs its JUnit 4 tests against the simulator
# (scripts/with-simulator.sh), with Debian's OpenJDK, JNA and JUnit 4. The last line is
#   java: N passed, M failed
# which .ci/run sums. The tests load the native library from the jar (as users do);
# LoadingTest also loads it from jna.library.path and next to the classes, in child JVMs.
# No line of the output may hold a terminal id the tests used (they all start tid_java_).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$root/target/java"
jna="${JNA_JAR:-/usr/share/java/jna.jar}"
junit="${JUNIT_JAR:-/usr/share/java/junit4.jar}"
hamcrest="${HAMCREST_JAR:-/usr/share/java/hamcrest-core.jar}"
log="$out/test-output.txt"

report() { echo "java: $1 passed, $2 failed"; }

if ! "$here/build.sh"; then
  report 0 1
  exit 1
fi
[ -e "$root/target/release/libauthsignal_terminal.so" ] || { echo "native library not built (run: make build)" >&2; report 0 1; exit 1; }
jar=$(ls "$out"/authsignal-terminal-*.jar | head -1)

classes=$(cd "$out/test-classes" && find . -name '*Test.class' ! -name '*$*' | sed 's|^\./||; s|\.class$||; s|/|.|g' | sort)
# The jar comes first and the classes folder is not on the path: the library is found as
# a user's program finds it. LD_LIBRARY_PATH is left out for the same reason.
env -u LD_LIBRARY_PATH "$root/scripts/with-simulator.sh" \
  java -Djava.awt.headless=true \
    -Dtest.classes="$out/test-classes" -Dtest.main.classes="$out/classes" -Dtest.jar="$jar" \
    -Djna.jar="$jna" -Dnative.dir="$root/target/release" \
    -cp "$out/test-classes:$jar:$jna:$junit:$hamcrest" \
    org.junit.runner.JUnitCore $classes "$@" >"$log" 2>&1
status=$?
cat "$log"

run=$(sed -n 's/^OK (\([0-9]*\) tests\{0,1\})$/\1/p' "$log" | tail -1)
failed=0
if [ -z "$run" ]; then
  run=$(sed -n 's/^Tests run: \([0-9]*\), *Failures: \([0-9]*\).*/\1/p' "$log" | tail -1)
  failed=$(sed -n 's/^Tests run: \([0-9]*\), *Failures: \([0-9]*\).*/\2/p' "$log" | tail -1)
fi
if [ -z "$run" ]; then
  echo "JUnit printed no summary (exit $status)" >&2
  report 0 1
  exit 1
fi
if grep -q 'tid_java_' "$log"; then
  echo "the test output holds a terminal id (tid_java_...): it must never be printed" >&2
  failed=$((failed + 1))
fi
report $((run - ${failed:-0} < 0 ? 0 : run - ${failed:-0})) "${failed:-0}"
[ "$status" -eq 0 ] && [ "${failed:-0}" -eq 0 ]
