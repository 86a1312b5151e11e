#!/usr/bin/env bash
# Runs the C# wrapper's tests on CoreCLR (.NET Core 3.1, from PyPI's dotnetcore2 wheel,
# which `scripts/install-deps.sh coreclr` puts in target/coreclr-venv) as run-tests.sh runs
# them on Mono, and prints, as its last line, "coreclr: N passed, M failed".
#
# The wrapper is compiled a second time here with -define:NETSTANDARD, against CoreCLR's
# own assemblies, so its NETSTANDARD branch (RuntimeInformation to find the OS and the
# process's architecture) is built and run; the tests (built by build.sh) and a small
# runner of our own (TestRunner/Runner.cs: nunit-console 2.6 needs AppDomains, which
# CoreCLR has not) are Mono builds, which CoreCLR runs through its mscorlib facade.
#   bindings/csharp/coreclr.sh [FIXTURE-PREFIX, e.g. Authsignal.Terminal.Tests.AmountTests]
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$root/target/csharp/coreclr"

report() { echo "coreclr: $1 passed, $2 failed"; }
give_up() { echo "coreclr.sh: $1" >&2; report 0 1; exit 1; }

dotnet=${DOTNET:-$(ls "$root"/target/coreclr-venv/lib/python3*/site-packages/dotnetcore2/bin/dotnet 2>/dev/null | head -n 1)}
[ -n "$dotnet" ] && [ -x "$dotnet" ] || give_up "no CoreCLR runtime (run: scripts/install-deps.sh coreclr)"
framework=$(ls -d "$(dirname "$dotnet")"/shared/Microsoft.NETCore.App/3.1.* 2>/dev/null | sort -V | tail -n 1)
[ -n "$framework" ] || give_up "no Microsoft.NETCore.App 3.1 beside $dotnet"
[ -e "$root/target/csharp/Authsignal.Terminal.Tests.dll" ] || give_up "the tests are not built (run: bindings/csharp/build.sh)"
[ -e "$root/target/release/libauthsignal_terminal.so" ] || give_up "native library not built (run: make build)"

mkdir -p "$out"
mapfile -t lib_sources < <(find "$here/Authsignal.Terminal" \( -name obj -o -name bin \) -prune -o -name '*.cs' -print | LC_ALL=C sort)
references=()
for assembly in System.Private.CoreLib System.Runtime System.Runtime.Extensions System.Runtime.InteropServices \
  System.Runtime.InteropServices.RuntimeInformation System.Runtime.Serialization.Formatters System.Reflection \
  System.Collections System.Linq System.Threading System.Threading.Tasks System.IO.FileSystem \
  System.Diagnostics.Debug System.ComponentModel.Primitives Microsoft.Win32.Primitives; do
  references+=("-r:$framework/$assembly.dll")
done
mcs -nologo -noconfig -nostdlib -target:library -langversion:7 -warn:4 -warnaserror+ -debug -optimize+ \
  -define:NETSTANDARD "${references[@]}" -out:"$out/Authsignal.Terminal.dll" "${lib_sources[@]}" \
  || give_up "the NETSTANDARD build of the wrapper failed"
cp -f "$root/target/csharp/Authsignal.Terminal.Tests.dll" "$root/target/csharp/nunit.framework.dll" "$out/"
mcs -nologo -langversion:7 -warn:4 -warnaserror+ -r:"$out/nunit.framework.dll" \
  -out:"$out/TestRunner.exe" "$here/TestRunner/Runner.cs" || give_up "the test runner did not build"
cat > "$out/coreclr.runtimeconfig.json" <<'JSON'
{
  "runtimeOptions": {
    "tfm": "netcoreapp3.1",
    "framework": { "name": "Microsoft.NETCore.App", "version": "3.1.0" }
  }
}
JSON

log="$out/run.log"
# No ICU on these machines: invariant globalization, as a container image would set it.
LD_LIBRARY_PATH="$root/target/release${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 \
  "$root/scripts/with-simulator.sh" \
  "$dotnet" exec --runtimeconfig "$out/coreclr.runtimeconfig.json" "$out/TestRunner.exe" \
  coreclr "$out/Authsignal.Terminal.Tests.dll" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
last=$(tail -n 1 "$log")
if ! [[ "$last" =~ ^coreclr:\ [0-9]+\ passed,\ [0-9]+\ failed$ ]]; then
  give_up "the runner ended without its summary (exit $status)"
fi
exit "$status"
