# Sourced by the shell test scripts (tests/c/run.sh, tests/cpp/run.sh,
# tests/packaging/run.sh, bindings/package-test.sh): one way to count tests.
#
# Every test is one line, "ok - NAME" or "not ok - NAME"; a script ends with
# `summary LABEL`, which prints "LABEL: N passed, M failed" (the line CI sums) and fails
# when any test failed. Programs that print such lines themselves are counted by `tally`.

passed=0
failed=0

pass() { passed=$((passed + 1)); echo "ok - $1"; }
fail() { failed=$((failed + 1)); echo "not ok - $1"; }

# build NAME COMMAND...: a compile step is a test too; it shows the compiler's output.
build() {
  local name=$1; shift
  if "$@"; then pass "build $name"; else fail "build $name"; return 1; fi
}

# check NAME COMMAND...: runs the command quietly; on failure shows the end of its output.
check() {
  local name=$1; shift
  local log
  log=$(mktemp)
  if "$@" >"$log" 2>&1; then
    pass "$name"
  else
    sed 's/^/#   /' "$log" | tail -n 40
    fail "$name"
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
}

# same NAME GOT WANT
same() {
  if [ "$2" = "$3" ]; then pass "$1"; else echo "#   got '$2', want '$3'"; fail "$1"; fi
}

# tally LOG [LABEL]: counts the "ok - " / "not ok - " lines a program printed, shows the
# rest as comments, and puts LABEL after each test's name when given.
tally() {
  local line suffix=${2:+ [$2]}
  while IFS= read -r line; do
    case "$line" in
      "ok - "*) pass "${line#ok - }$suffix" ;;
      "not ok - "*) fail "${line#not ok - }$suffix" ;;
      *) echo "#   $line" ;;
    esac
  done <"$1"
}

# run_counted NAME LABEL LOG COMMAND...: runs a program that prints test lines, counts
# them (LABEL, may be "", as for tally), and counts a failure of its own (a crash, a
# simulator that did not start) as one more.
run_counted() {
  local name=$1 label=$2 log=$3; shift 3
  "$@" >"$log" 2>&1
  local status=$?
  tally "$log" "$label"
  if [ "$status" -ne 0 ] && ! grep -q '^not ok - ' "$log"; then
    fail "$name (exit $status)"
  fi
}

# under_valgrind DIR NAME PROGRAM [ARGS...]: runs a test program under valgrind against the
# simulator (which it starts; the program sees SIM_BASE_URL, SIM_CA_FILE and, for the
# one-call functions, AUTHSIGNAL_TERMINAL_BASE_URL and AUTHSIGNAL_TERMINAL_CA_FILE), counts
# its test lines, and adds one test: no memory error and no "definitely lost" block
# (suppressions, each with its reason: tests/c/valgrind.supp).
under_valgrind() {
  local dir=$1 name=$2; shift 2
  local log="$dir/$name.log" vlog="$dir/valgrind-$name.log"
  echo "# $name under valgrind"
  rm -f "$vlog"
  run_counted "$name" "" "$log" scripts/with-simulator.sh bash -c '
    export AUTHSIGNAL_TERMINAL_BASE_URL="$SIM_BASE_URL" AUTHSIGNAL_TERMINAL_CA_FILE="$SIM_CA_FILE"
    exec valgrind --quiet --leak-check=full --show-leak-kinds=definite \
      --errors-for-leak-kinds=definite --error-exitcode=1 \
      --suppressions=tests/c/valgrind.supp --log-file="$0" "$@"' "$vlog" "$@"
  if [ -s "$vlog" ]; then
    sed 's/^/#   /' "$vlog"
    fail "$name: valgrind found no memory error or definite leak"
  else
    pass "$name: valgrind found no memory error or definite leak"
  fi
}

# summary LABEL: the closing line; fails when any test failed.
summary() {
  echo "$1: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
