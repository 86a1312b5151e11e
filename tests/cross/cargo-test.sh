#!/usr/bin/env bash
# The library's Rust tests (unit tests and tests/*.rs against the simulator, as
# tests/windows/run.sh runs them under Wine) cross-built for an ARM target the way
# scripts/cross.sh builds it, and run under qemu-user as cargo's runner (make
# test-cross-rust; not part of make test: it builds the library and its dev-dependencies
# for the target). The dependencies are optimized as in a release, as under Wine: the
# fault matrix's short deadlines need TLS handshakes at near-native speed.
#
#   tests/cross/cargo-test.sh [TARGET] [cargo arguments, e.g. --test api]   (default aarch64-unknown-linux-gnu)
#
# Tests that start their own test binary again as a child process are skipped: two of
# tests/journal.rs (a second POS process on the same journal) and those of
# tests/journal_faults.rs (a child under an LD_PRELOAD shim built for the host), which
# under qemu-user, without binfmt_misc handlers on the machine, the kernel cannot execute.
#
# cargo prints its own "test result:" lines, which .ci/run counts.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
triple=${1:-aarch64-unknown-linux-gnu}
[ $# -eq 0 ] || shift
case "$triple" in
  aarch64-unknown-linux-gnu) cc=aarch64-linux-gnu-gcc runner="qemu-aarch64 -L /usr/aarch64-linux-gnu" ;;
  armv7-unknown-linux-gnueabihf) cc=arm-linux-gnueabihf-gcc runner="qemu-arm -L /usr/arm-linux-gnueabihf" ;;
  *) echo "usage: $0 [aarch64-unknown-linux-gnu|armv7-unknown-linux-gnueabihf] [cargo test arguments...]" >&2; exit 2 ;;
esac
upper=${triple^^}
upper=${upper//-/_}
lower=${triple//-/_}
export CARGO_TARGET_DIR=$root/target/cross/cargo
export RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1
env "CARGO_TARGET_${upper}_LINKER=$cc" "CARGO_TARGET_${upper}_RUNNER=$runner" \
  "CC_$lower=$cc" "AR_$lower=${cc%gcc}ar" \
  /usr/bin/cargo test --locked -p authsignal-terminal --lib --tests --target "$triple" \
  -Zbuild-std=std,panic_unwind --config 'profile.dev.package."*".opt-level=2' --no-fail-fast "$@" -- \
  --skip a_create_killed_at_any_point_leaves_the_journal_right_and_the_reference_safe \
  --skip two_processes_of_many_threads_send_exactly_one_create_per_reference \
  --skip every_journal_call_point_fails_safely --skip a_full_disk_refuses_creates \
  --skip no_call_needs_a_thread --skip out_of_file_descriptors_is_a_clear_error
