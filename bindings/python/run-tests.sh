#!/usr/bin/env bash
# Tests the Python wrapper against the simulator (make test-python runs this after
# make build, which builds the simulator).
#
# Makes a virtual environment under target/python-venv, installs this package into it
# (pip builds the Rust library into the workspace's target/ and bundles it) with pytest,
# runs the tests, then `ruff check` and `mypy --strict` over the package (one test each),
# and ends with one line "python: N passed, M failed". Exits non-zero on any failure.
# Extra arguments go to pytest.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
venv="$root/target/python-venv"
python=${PYTHON:-python3}

give_up() {
  echo "run-tests.sh: $1" >&2
  echo "python: 0 passed, 1 failed"
  exit 1
}

if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv" || give_up "cannot create the virtual environment $venv"
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip pytest pytest-timeout ruff mypy \
  || give_up "cannot install pytest"
# --force-reinstall: always rebuild, so the tests see the library as it is now.
"$venv/bin/python" -m pip install --quiet --force-reinstall --no-deps "$here" \
  || give_up "cannot build and install the package"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
cd "$here"
"$venv/bin/python" -m pytest -ra --timeout=900 "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# pytest's closing line, e.g. "==== 3 passed, 1 failed in 9.87s ====" (bare with -q).
summary=$(grep -E '([0-9]+ (passed|failed|errors?)|no tests ran).* in [0-9.]+s' "$log" | tail -n 1)
count() { echo "$summary" | grep -oE "[0-9]+ $1" | grep -oE '^[0-9]+' || echo 0; }
passed=$(count passed)
failed=$(( $(count failed) + $(count errors?) ))
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1  # pytest failed without counting a test (no tests collected, usage error, ...)
fi

# The wrapper stays typed and lint-clean: each is one more test.
for lint in "ruff check ." "mypy --strict src/authsignal_terminal"; do
  if "$venv/bin/python" -m $lint; then
    passed=$((passed + 1))
  else
    echo "run-tests.sh: $lint failed" >&2
    failed=$((failed + 1))
  fi
done
echo "python: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
