#!/usr/bin/env bash
# The language packages, as a POS vendor gets them (make test-dist):
#
# - scripts/dist.sh builds the Python wheel and the NuGet package into target/dist/;
# - one version: Cargo.toml's is the one in bindings/python's _version.py, the wheel's
#   metadata and file name, the .csproj's <Version>, AssemblyInfo.cs, the .nuspec and the
#   .nupkg's file name (and, in the smoke tests, what the installed packages report);
# - the wheel: a py3-none-manylinux_<glibc>_<arch> tag (auditwheel's, which PyPI takes),
#   the library inside with no dependency outside the system; installed offline (pip
#   install --no-index) into a fresh virtual environment, imported, and a create + wait
#   against the simulator;
# - the Windows wheels: py3-none-win_amd64 and py3-none-win32, each holding the DLL of its
#   architecture under the name the loader's Windows branch looks for;
# - the cross builds' wheels (DIST_CROSS_TARGETS, default every one in target/cross):
#   py3-none-manylinux_2_<N>_aarch64 / _armv7l, N the newest GLIBC_2.N the library inside
#   imports (from its dynamic symbols), and py3-none-musllinux_1_2_x86_64 (the musl shared
#   library: it needs musl's libc.so only); the library's ELF machine (readelf -h), its
#   NEEDED libraries, the same Python files; installed offline with pip install
#   --platform <tag> --target into a fresh folder (not imported: no ARM Python here);
# - the nupkg: the OPC parts, the .nuspec's metadata, lib/netstandard2.0 (+ XML docs),
#   runtimes/linux-x64/native, runtimes/win-x64/native and win-x86/native (DLLs of the
#   right architecture), runtimes/linux-arm64, linux-arm and linux-musl-x64 for the cross
#   builds (readelf machine per runtime), the build/ targets; then, from the extracted files only,
#   a Mono program compiled against lib/netstandard2.0/Authsignal.Terminal.dll does a
#   create + wait against the simulator, the native library found once through
#   LD_LIBRARY_PATH=runtimes/linux-x64/native and once copied beside the program.
#
# Assumes `make build` ran and Mono is installed (make test-dist sees to both).
# Prints "dist: N passed, M failed" last; exits non-zero on any failure.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
work=$root/target/dist-tests
dist=$root/target/dist
rm -rf "$work"
mkdir -p "$work"
python=${PYTHON:-python3}

. scripts/tap.sh
finish() {
  summary dist
  exit
}
version=$(scripts/cargo-version.sh)
echo "# version $version (Cargo.toml)"

# ---- build ---------------------------------------------------------------------------
check "scripts/dist.sh nupkg: the NuGet package builds" scripts/dist.sh nupkg
check "scripts/dist.sh wheel: pip wheel ./bindings/python builds" scripts/dist.sh wheel
wheel=$(ls "$dist"/authsignal_terminal-*-manylinux_*_"$(uname -m)".whl 2>/dev/null | head -n 1)
nupkg=$(ls "$dist"/Authsignal.Terminal.*.nupkg 2>/dev/null | head -n 1)
[ -n "$wheel" ] || fail "a wheel is in target/dist"
[ -n "$nupkg" ] || fail "a nupkg is in target/dist"

# ---- one version ---------------------------------------------------------------------
csproj=bindings/csharp/Authsignal.Terminal/Authsignal.Terminal.csproj
info=bindings/csharp/Authsignal.Terminal/Properties/AssemblyInfo.cs
attr() { sed -n "s/^\[assembly: $1(\"\(.*\)\")\]/\1/p" "$info"; }
unzipped() { "$python" -c 'import sys, zipfile, fnmatch
z = zipfile.ZipFile(sys.argv[1])
names = [n for n in z.namelist() if fnmatch.fnmatch(n, sys.argv[2])]
sys.stdout.write(z.read(names[0]).decode() if names else "")' "$1" "$2" 2>/dev/null; }
versions=(
  "bindings/python _version.py=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' bindings/python/src/authsignal_terminal/_version.py)"
  "wheel file name=$(basename "${wheel:-none}" | sed -n 's/^authsignal_terminal-\([^-]*\)-.*/\1/p')"
  "wheel METADATA Version=$(unzipped "${wheel:-/dev/null}" '*.dist-info/METADATA' | sed -n 's/^Version: //p')"
  "wheel _version.py=$(unzipped "${wheel:-/dev/null}" 'authsignal_terminal/_version.py' | sed -n 's/^__version__ = "\(.*\)"/\1/p')"
  ".csproj <Version>=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$csproj")"
  "AssemblyInfo.cs AssemblyInformationalVersion=$(attr AssemblyInformationalVersion)"
  "AssemblyInfo.cs AssemblyVersion=$(attr AssemblyVersion | sed 's/\.0$//')"
  "AssemblyInfo.cs AssemblyFileVersion=$(attr AssemblyFileVersion | sed 's/\.0$//')"
  "nupkg file name=$(basename "${nupkg:-none}" | sed -n 's/^Authsignal\.Terminal\.\(.*\)\.nupkg$/\1/p')"
  ".nuspec <version>=$(unzipped "${nupkg:-/dev/null}" '*.nuspec' | sed -n 's:.*<version>\(.*\)</version>.*:\1:p')"
  "bindings/node package.json version=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' bindings/node/package.json)"
)
for entry in "${versions[@]}"; do
  same "version: ${entry%%=*} agrees with Cargo.toml ($version)" "${entry#*=}" "$version"
done
[ -n "$wheel" ] && [ -n "$nupkg" ] || finish

# ---- the wheel -----------------------------------------------------------------------
wheel_dir=$work/wheel
"$python" -m zipfile -e "$wheel" "$wheel_dir"
tags=$(sed -n 's/^Tag: //p' "$wheel_dir"/authsignal_terminal-*.dist-info/WHEEL)
machine=$(uname -m)
case "$tags" in
  py3-none-any | "" | *$'\n'*) echo "#   tags: $tags"; fail "wheel: one platform tag, py3-none-<platform>" ;;
  py3-none-manylinux_*"$machine") pass "wheel: tagged $tags (a manylinux wheel for $machine, any Python 3)" ;;
  *) echo "#   tags: $tags"; fail "wheel: tagged py3-none-manylinux_<glibc>_$machine" ;;
esac
same "wheel: file name carries the tag" "$(basename "$wheel")" "authsignal_terminal-$version-$tags.whl"
same "wheel: Root-Is-Purelib is false" "$(sed -n 's/^Root-Is-Purelib: //p' "$wheel_dir"/authsignal_terminal-*.dist-info/WHEEL)" "false"
so=$wheel_dir/authsignal_terminal/libauthsignal_terminal.so
if [ -f "$so" ]; then pass "wheel: libauthsignal_terminal.so is inside the package"; else fail "wheel: libauthsignal_terminal.so is inside the package"; fi

# system_only SO: every dependency resolves, from the system's own library directories,
# and is one of the C runtime's libraries (what manylinux allows, and fewer).
system_only() {
  local out
  out=$(ldd "$1") || return 1
  echo "$out"
  ! grep -q 'not found' <<<"$out" || return 1
  local lib
  while read -r lib; do
    case "$lib" in
      linux-vdso.so.* | libc.so.6 | libm.so.6 | libdl.so.2 | libpthread.so.0 | librt.so.1 | libgcc_s.so.1 | ld-linux-*.so.* | /lib*/ld-linux-*.so.*) ;;
      *) echo "outside the C runtime: $lib"; return 1 ;;
    esac
  done < <(awk '{ print $1 }' <<<"$out")
  ! awk '$2 == "=>" { print $3 }' <<<"$out" | grep -vE '^/(usr/)?lib(64)?/' || { echo "resolved outside /lib, /usr/lib"; return 1; }
}
check "wheel: the library depends on nothing outside the system (ldd)" system_only "$so"

# A fresh virtual environment, offline: nothing but the wheel.
venv=$work/venv
if check "wheel: a fresh virtual environment" "$python" -m venv "$venv" \
  && check "wheel: pip install --no-index installs it offline" \
    env -u PIP_FIND_LINKS "$venv/bin/python" -m pip install --no-index --no-cache-dir --disable-pip-version-check "$wheel"; then
  # From an empty directory, without PYTHONPATH or a library override, so only the
  # installed package can be imported.
  mkdir -p "$work/empty"
  run_counted "wheel: smoke test" "" "$work/wheel-smoke.log" \
    env -u PYTHONPATH -u AUTHSIGNAL_TERMINAL_LIBRARY -C "$work/empty" \
    "$root/scripts/with-simulator.sh" "$venv/bin/python" "$root/bindings/package-smoke/smoke.py" "$version"
fi

# pe_machine FILE: the architecture a Windows PE file is built for (x64, x86).
pe_machine() {
  "$python" - "$1" <<'EOF'
import struct, sys
data = open(sys.argv[1], "rb").read(4096)
pe = struct.unpack_from("<I", data, 0x3C)[0]
assert data[:2] == b"MZ" and data[pe:pe + 4] == b"PE\0\0", "not a PE file"
print({0x8664: "x64", 0x14C: "x86"}.get(struct.unpack_from("<H", data, pe + 4)[0], "other"))
EOF
}

# ---- the Windows wheels --------------------------------------------------------------
# The loader's Windows branch (_bundled_library_name() with sys.platform "win32") must
# name the DLL that each wheel holds.
loader_name=$(env AUTHSIGNAL_TERMINAL_LIBRARY="$so" PYTHONPATH="$wheel_dir" "$python" -c '
import sys
from authsignal_terminal import _ffi
sys.platform = "win32"
print(_ffi._bundled_library_name())')
for platform in win_amd64:x64 win32:x86; do
  tag=${platform%%:*} arch=${platform#*:}
  win_wheel=$dist/authsignal_terminal-$version-py3-none-$tag.whl
  if [ ! -f "$win_wheel" ]; then
    fail "wheel: $(basename "$win_wheel") was built"
    continue
  fi
  win_dir=$work/wheel-$tag
  "$python" -m zipfile -e "$win_wheel" "$win_dir"
  same "wheel $tag: tagged py3-none-$tag" "$(sed -n 's/^Tag: //p' "$win_dir"/authsignal_terminal-*.dist-info/WHEEL)" "py3-none-$tag"
  same "wheel $tag: the loader's Windows branch names the DLL inside ($loader_name)" \
    "$(cd "$win_dir/authsignal_terminal" && ls "$loader_name" 2>/dev/null)" "$loader_name"
  same "wheel $tag: no Linux library inside" "$(find "$win_dir" -name '*.so*' | wc -l)" 0
  [ -f "$win_dir/authsignal_terminal/$loader_name" ] &&
    same "wheel $tag: the DLL is built for $arch" "$(pe_machine "$win_dir/authsignal_terminal/$loader_name")" "$arch"
  same "wheel $tag: the same Python files as the Linux wheel" \
    "$(cd "$win_dir" && find authsignal_terminal -name '*.py' -o -name py.typed | sort | xargs md5sum)" \
    "$(cd "$wheel_dir" && find authsignal_terminal -name '*.py' -o -name py.typed | sort | xargs md5sum)"
done

# ---- the Linux wheels of the cross builds ---------------------------------------------
# DIST_CROSS_TARGETS names the cross builds whose wheel and NuGet runtime must be there
# (make test-dist: aarch64, which make test builds; make test-dist-full: all three;
# default: every one whose shared library is in target/cross).
cross_all=(aarch64-unknown-linux-gnu armv7-unknown-linux-gnueabihf x86_64-unknown-linux-musl)
if [ -n "${DIST_CROSS_TARGETS+set}" ]; then
  cross_expected=()
  for t in $DIST_CROSS_TARGETS; do # those that have language packages
    case " ${cross_all[*]} " in *" $t "*) cross_expected+=("$t") ;; esac
  done
else
  cross_expected=()
  for t in "${cross_all[@]}"; do
    [ -f "target/cross/$t/libauthsignal_terminal.so" ] && cross_expected+=("$t")
  done
fi
# The wheel platform's CPU and C library, the ELF machine and the NuGet runtime of each
# cross build.
cross_arch_of() { case "$1" in aarch64-*) echo aarch64 ;; armv7-*) echo armv7l ;; x86_64-*) echo x86_64 ;; esac; }
cross_libc_of() { case "$1" in *-musl) echo musllinux ;; *) echo manylinux ;; esac; }
cross_machine_of() { case "$1" in aarch64-*) echo AArch64 ;; armv7-*) echo ARM ;; x86_64-*) echo "Advanced Micro Devices X86-64" ;; esac; }
cross_rid_of() { case "$1" in aarch64-*) echo linux-arm64 ;; armv7-*) echo linux-arm ;; x86_64-*-musl) echo linux-musl-x64 ;; esac; }
elf_machine() { readelf -h "$1" 2>/dev/null | sed -n 's/^ *Machine: *//p'; }
needed() { readelf -d "$1" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | tr '\n' ' ' | sed 's/ $//'; }
# c_runtime_only SO: it needs something, and only libraries of the C runtime (manylinux's).
c_runtime_only() {
  local libs lib
  libs=$(needed "$1")
  [ -n "$libs" ] || return 1
  for lib in $libs; do
    case "$lib" in
      libc.so.6 | libm.so.6 | libdl.so.2 | libpthread.so.0 | librt.so.1 | libgcc_s.so.1 | ld-linux-*.so.*) ;;
      *) echo "outside the C runtime: $lib"; return 1 ;;
    esac
  done
}
# The newest GLIBC_2.N the library's imported symbols need, from its dynamic symbols
# (scripts/dist.sh reads its version-needs section instead).
newest_glibc() { readelf --dyn-syms --wide "$1" | grep -o '@GLIBC_2\.[0-9]*' | sed 's/@GLIBC_2\.//' | sort -n | tail -n1; }

for triple in "${cross_expected[@]}"; do
  arch=$(cross_arch_of "$triple") libc=$(cross_libc_of "$triple")
  cross_wheel=$(ls "$dist"/authsignal_terminal-"$version"-py3-none-"$libc"_*_"$arch".whl 2>/dev/null | head -n 1)
  arch=$libc-$arch
  if [ -z "$cross_wheel" ]; then
    fail "wheel $arch: a $arch wheel was built from target/cross/$triple"
    continue
  fi
  cross_dir=$work/wheel-$arch
  "$python" -m zipfile -e "$cross_wheel" "$cross_dir"
  cross_so=$cross_dir/authsignal_terminal/libauthsignal_terminal.so
  tags=$(sed -n 's/^Tag: //p' "$cross_dir"/authsignal_terminal-*.dist-info/WHEEL)
  case "$triple" in
    *-musl)
      # musllinux_1_2: built against musl 1.2 (Alpine 3.13 and later); no glibc in it.
      same "wheel $arch: tagged py3-none-musllinux_1_2_x86_64" "$tags" "py3-none-musllinux_1_2_x86_64"
      same "wheel $arch: the library needs only musl's libc.so (no glibc symbol version)" \
        "$(needed "$cross_so") $(newest_glibc "$cross_so")" "libc.so "
      ;;
    *)
      glibc=$(newest_glibc "$cross_so")
      echo "#   $arch: the library needs GLIBC_2.$glibc at most"
      same "wheel $arch: tagged py3-none-manylinux_2_<newest GLIBC_2.N the library needs>_${arch#*-}" \
        "$tags" "py3-none-manylinux_2_${glibc:-?}_${arch#*-}"
      check "wheel $arch: the library needs only the C runtime ($(needed "$cross_so"))" c_runtime_only "$cross_so"
      ;;
  esac
  same "wheel $arch: file name carries the tag" "$(basename "$cross_wheel")" "authsignal_terminal-$version-$tags.whl"
  same "wheel $arch: readelf -h machine of the library inside" "$(elf_machine "$cross_so")" "$(cross_machine_of "$triple")"
  same "wheel $arch: the same Python files as the $(uname -m) wheel" \
    "$(cd "$cross_dir" && find authsignal_terminal -name '*.py' -o -name py.typed | sort | xargs md5sum)" \
    "$(cd "$wheel_dir" && find authsignal_terminal -name '*.py' -o -name py.typed | sort | xargs md5sum)"
  # Installed offline into a fresh folder as pip on that platform would: pip checks the
  # tag against the platform it is told, and refuses a wheel that does not fit it.
  fresh=$work/install-$arch
  if check "wheel $arch: pip install --platform ${tags#py3-none-} --target a fresh folder" \
    env -u PIP_FIND_LINKS "$venv/bin/python" -m pip install --no-index --no-cache-dir --disable-pip-version-check \
    --no-deps --only-binary=:all: --platform "${tags#py3-none-}" --target "$fresh" "$cross_wheel"; then
    same "wheel $arch: the installed library is the $(cross_machine_of "$triple") one" \
      "$(elf_machine "$fresh/authsignal_terminal/libauthsignal_terminal.so")" "$(cross_machine_of "$triple")"
    same "wheel $arch: the installed package's version" \
      "$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$fresh/authsignal_terminal/_version.py")" "$version"
  fi
done

# ---- the nupkg -----------------------------------------------------------------------
pkg=$work/nupkg
"$python" -m zipfile -e "$nupkg" "$pkg"
for f in "[Content_Types].xml" _rels/.rels Authsignal.Terminal.nuspec README.md \
  lib/netstandard2.0/Authsignal.Terminal.dll lib/netstandard2.0/Authsignal.Terminal.xml \
  runtimes/linux-x64/native/libauthsignal_terminal.so \
  runtimes/win-x64/native/authsignal_terminal.dll runtimes/win-x86/native/authsignal_terminal.dll \
  build/net461/Authsignal.Terminal.targets buildTransitive/net461/Authsignal.Terminal.targets; do
  if [ -f "$pkg/$f" ]; then pass "nupkg: has $f"; else fail "nupkg: has $f"; fi
done
check "nupkg: the OPC parts and the .nuspec are complete" "$python" - "$nupkg" "$version" <<'EOF'
import sys, zipfile, xml.etree.ElementTree as ET
path, version = sys.argv[1], sys.argv[2]
z = zipfile.ZipFile(path)
names = z.namelist()
assert z.testzip() is None, "a corrupt entry"
ns = {"n": "http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd"}
nuspecs = [n for n in names if "/" not in n and n.endswith(".nuspec")]
assert nuspecs == ["Authsignal.Terminal.nuspec"], nuspecs
meta = ET.fromstring(z.read(nuspecs[0])).find("n:metadata", ns)
get = lambda tag: (meta.findtext(f"n:{tag}", namespaces=ns) or "").strip()
for tag, want in {"id": "Authsignal.Terminal", "version": version, "authors": "Authsignal", "readme": "README.md"}.items():
    assert get(tag) == want, f"<{tag}> is {get(tag)!r}, not {want!r}"
assert get("description"), "no <description>"
assert "payment" in get("tags").split(), f"<tags> {get('tags')!r}"
license = meta.find("n:license", ns)
assert license is not None and license.get("type") == "expression" and license.text == "MIT", "no MIT license expression"
groups = meta.findall("n:dependencies/n:group", ns)
assert [g.get("targetFramework") for g in groups] == [".NETStandard2.0"], "dependency groups"
rels = ET.fromstring(z.read("_rels/.rels"))
targets = {r.get("Type").rsplit("/", 1)[-1]: r.get("Target").lstrip("/") for r in rels}
assert targets.get("manifest") == nuspecs[0], targets
assert targets.get("core-properties", "").startswith("package/services/metadata/core-properties/"), targets
assert targets["core-properties"] in names, "the .psmdcp part is missing"
core = ET.fromstring(z.read(targets["core-properties"]))
dc = "{http://purl.org/dc/elements/1.1/}"
assert core.findtext(dc + "identifier") == "Authsignal.Terminal" and core.findtext(
    "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}version") == version, "psmdcp"
types = ET.fromstring(z.read("[Content_Types].xml"))
defaults = {t.get("Extension").lower() for t in types if t.tag.endswith("Default")}
overrides = {t.get("PartName").lstrip("/") for t in types if t.tag.endswith("Override")}
for n in names:
    if n in ("[Content_Types].xml",) or n.endswith("/"):
        continue
    base = n.rsplit("/", 1)[-1]
    ext = base.rsplit(".", 1)[-1].lower() if "." in base else None
    assert ext in defaults or n in overrides, f"no content type for {n}"
print("ok")
EOF
check "nupkg: the native library depends on nothing outside the system (ldd)" system_only "$pkg/runtimes/linux-x64/native/libauthsignal_terminal.so"
same "nupkg: runtimes/linux-x64/native holds an x86-64 library" \
  "$(elf_machine "$pkg/runtimes/linux-x64/native/libauthsignal_terminal.so")" "Advanced Micro Devices X86-64"
for triple in "${cross_expected[@]}"; do
  rid=$(cross_rid_of "$triple")
  so=$pkg/runtimes/$rid/native/libauthsignal_terminal.so
  if [ -f "$so" ]; then pass "nupkg: has runtimes/$rid/native/libauthsignal_terminal.so"; else fail "nupkg: has runtimes/$rid/native/libauthsignal_terminal.so"; fi
  same "nupkg: runtimes/$rid/native holds an $(cross_machine_of "$triple") library" \
    "$(elf_machine "$so")" "$(cross_machine_of "$triple")"
  same "nupkg: runtimes/$rid/native holds target/cross/$triple's library" \
    "$(md5sum <"$so" 2>/dev/null)" "$(md5sum <"target/cross/$triple/libauthsignal_terminal.so")"
done
for arch in x64 x86; do
  [ -f "$pkg/runtimes/win-$arch/native/authsignal_terminal.dll" ] &&
    same "nupkg: runtimes/win-$arch/native holds an $arch DLL" \
      "$(pe_machine "$pkg/runtimes/win-$arch/native/authsignal_terminal.dll")" "$arch"
done

# A small program built against the package's assembly only, as a POS project gets it.
app=$work/app
mkdir -p "$app"
cp "$pkg/lib/netstandard2.0/Authsignal.Terminal.dll" "$pkg/lib/netstandard2.0/Authsignal.Terminal.xml" "$app/"
if check "nupkg: a program compiles against lib/netstandard2.0/Authsignal.Terminal.dll (mcs)" \
  mcs -nologo -warnaserror+ -r:"$app/Authsignal.Terminal.dll" -out:"$app/Smoke.exe" bindings/package-smoke/Smoke.cs; then
  # The library through LD_LIBRARY_PATH=runtimes/linux-x64/native of the extracted package
  # (and nothing else on that path)...
  run_counted "nupkg: smoke test, LD_LIBRARY_PATH=runtimes/linux-x64/native" "LD_LIBRARY_PATH" "$work/nuget-smoke-ld.log" \
    env LD_LIBRARY_PATH="$pkg/runtimes/linux-x64/native" "$root/scripts/with-simulator.sh" mono "$app/Smoke.exe" "$version"
  # ...and copied beside the program, as a .NET Framework build output would have it.
  beside=$work/app-beside
  cp -r "$app" "$beside"
  cp "$pkg/runtimes/linux-x64/native/libauthsignal_terminal.so" "$beside/"
  run_counted "nupkg: smoke test, library beside the program" "beside the program" "$work/nuget-smoke-beside.log" \
    env -u LD_LIBRARY_PATH "$root/scripts/with-simulator.sh" mono "$beside/Smoke.exe" "$version"
fi

# ---- the terminal id stays secret ----------------------------------------------------
if grep -rlE 'tid_(wheel|nuget)_smoke' "$work"/*.log >/dev/null 2>&1; then
  fail "no terminal id in clear in the smoke tests' output"
else
  pass "no terminal id in clear in the smoke tests' output"
fi

finish
