#!/usr/bin/env bash
# Builds the C# wrapper with Mono's mcs from the same sources the .csproj packs:
#   target/csharp/Authsignal.Terminal.dll (+ .xml docs, .mdb/.pdb symbols)
#   target/csharp/Authsignal.Terminal.Tests.dll (NUnit 2.6 tests)
# Warnings are errors, and a public member without an XML doc comment is a warning.
# Run by `make csharp` after `make build`; needs `scripts/install-deps.sh csharp`.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$root/target/csharp"
mkdir -p "$out"

command -v mcs >/dev/null || { echo "mcs not found (run: scripts/install-deps.sh csharp)" >&2; exit 2; }

# The sources the SDK would compile: every .cs under the project, but not obj/ or bin/.
sources() {
  find "$1" \( -name obj -o -name bin \) -prune -o -name '*.cs' -print | LC_ALL=C sort
}

mapfile -t lib_sources < <(sources "$here/Authsignal.Terminal")
mcs -nologo -target:library -langversion:7 -warn:4 -warnaserror+ -debug -optimize+ \
  -r:System.dll -r:System.Core.dll \
  -doc:"$out/Authsignal.Terminal.xml" \
  -out:"$out/Authsignal.Terminal.dll" \
  "${lib_sources[@]}"

nunit=/usr/lib/cli/nunit.framework-2.6.3/nunit.framework.dll
if [ ! -e "$nunit" ]; then
  nunit=$(ls /usr/lib/cli/nunit.framework-2.6*/nunit.framework.dll /usr/lib/mono/*/nunit.framework.dll 2>/dev/null | head -n 1 || true)
fi
[ -n "$nunit" ] && [ -e "$nunit" ] || { echo "nunit.framework.dll not found (run: scripts/install-deps.sh csharp)" >&2; exit 2; }

mapfile -t test_sources < <(sources "$here/Authsignal.Terminal.Tests")
mcs -nologo -target:library -langversion:7 -warn:4 -warnaserror+ -debug \
  -r:System.dll -r:System.Core.dll -r:System.Xml.dll -r:"$nunit" -r:"$out/Authsignal.Terminal.dll" \
  -out:"$out/Authsignal.Terminal.Tests.dll" \
  "${test_sources[@]}"
cp -f "$nunit" "$out/"

echo "built $out/Authsignal.Terminal.dll and the tests"
