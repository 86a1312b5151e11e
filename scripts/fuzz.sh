#!/usr/bin/env bash
# Builds the fuzz targets in fuzz/ and runs each for a bounded time.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]   (SECONDS per target, default $FUZZ_SECONDS or 300)
#
# What cargo-fuzz would do, without needing it installed: the nightly toolchain (already
# on the machine; its sanitizer runtimes are enough, no rust-src), libFuzzer from the
# libfuzzer-sys crate, AddressSanitizer, and SanitizerCoverage with the flags cargo-fuzz
# passes. The corpus grows in target/fuzz/corpus/<target> (seeded from fuzz/seeds/<target>,
# committed); a crash is saved in target/fuzz/artifacts/<target>/ and reproduced with
#   target/fuzz/x86_64-unknown-linux-gnu/release/<target> <crash file>
# Each target is one test ("ok - fuzz <target>: N runs in S s"); the last line is
# "fuzz: N passed, M failed" (scripts/tap.sh), which .ci/run counts.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/tap.sh

seconds=${1:-${FUZZ_SECONDS:-300}}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(answer_create answer_get error_body amount http_answer)
triple=x86_64-unknown-linux-gnu
out=target/fuzz
bin=$out/$triple/release

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  fail "fuzz: the nightly toolchain is installed (rustup toolchain list)"
  summary fuzz
  exit 1
fi

export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cllvm-args=-sanitizer-coverage-stack-depth \
--cfg fuzzing -Zsanitizer=address -Cdebug-assertions -Coverflow-checks -Cforce-frame-pointers"
# The target triple keeps the flags off build scripts and proc macros, as cargo-fuzz does.
if ! build "fuzz targets (nightly, libFuzzer, ASan)" \
  env CARGO_TARGET_DIR="$out" rustup run nightly cargo build --release --locked --quiet \
  --manifest-path fuzz/Cargo.toml --target "$triple" --bins; then
  summary fuzz
  exit 1
fi

for t in "${targets[@]}"; do
  corpus=$out/corpus/$t
  artifacts=$out/artifacts/$t
  mkdir -p "$corpus" "$artifacts" "fuzz/seeds/$t"
  log=$out/$t.log
  # -max_len bounds a body at 64 KiB + 2, as the transport does.
  "$bin/$t" -max_total_time="$seconds" -max_len=65538 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" "fuzz/seeds/$t" >"$log" 2>&1
  status=$?
  runs=$(awk '/stat::number_of_executed_units/ { print $2 }' "$log" | tail -n 1)
  if [ "$status" -eq 0 ]; then
    pass "fuzz $t: ${runs:-?} runs in $seconds s, corpus $(ls "$corpus" | wc -l) inputs"
  else
    grep -v '^#\|^INFO\|^\s*$' "$log" | tail -n 40 | sed 's/^/#   /'
    fail "fuzz $t (exit $status; crash input in $artifacts/)"
  fi
done
summary fuzz
