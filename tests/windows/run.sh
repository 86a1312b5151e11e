#!/usr/bin/env bash
# The Windows builds (scripts/windows.sh, in target/windows/<name>/) checked, and run under
# Wine 8 against the simulator, which runs natively on loopback:
#
#   every build   the DLL is the stripped one naming its .debug file (so everything below
#                 runs the DLL as the release archives ship it); its export table is
#                 exactly the header's functions; it imports only
#                 Windows system DLLs; the Windows 7 builds (win7-*, x86-stdcall) import
#                 no function that Windows 7 lacks (checked against MinGW-w64's headers
#                 with _WIN32_WINNT at Windows 7) and load with bcryptprimitives.dll
#                 disabled
#   x64, x86      tests/c/test_api.c (C11 against the DLL and the static library, C++17
#                 against the DLL), tests/cpp/test_wrapper.cpp (DLL; x64 also static),
#                 tests/c/leak_cycles.c (x64), and `cargo test` for the library (tests/*.rs,
#                 proxies from the environment included) for x64; WINDOWS_CARGO_TEST="x64 x86"
#                 (make test-windows-full) runs it for x86 too, about 5 more minutes
#   x86-stdcall   tests/windows/test_stdcall.c (every function declared __stdcall; the
#                 stack checked after each call, as VB6 does)
#   win7-*        tests/c/test_api.c against the DLL, and tests/windows/test_loader.c
#                 (the C# wrapper's LoadLibraryExW of the NuGet package's DLLs, which are
#                 these; a ca_file path with backslashes and non-ASCII characters)
#
# Wine facts it works around: Wine 8 has no bcryptprimitives.dll (Windows 10's ProcessPrng,
# which Rust's std uses outside the win7 targets), so the test Wine prefix gets a stand-in
# that forwards to BCryptGenRandom (tests/windows/bcryptprimitives.c; never shipped). A
# crashing 32-bit program can exit 0 under Wine, so every program is judged by its result
# lines ("ok - ..." lines and cargo's "test result:" lines), never by its exit status
# alone, and runs with RUST_BACKTRACE=0.
#
# Assumes `make build` (the simulator) and `make windows` ran. Prints
# "windows: N passed, M failed" last. WINDOWS_BUILDS="x64 x86 ..." picks builds.
set -uo pipefail

here=$(cd "$(dirname "$0")/../.." && pwd)
cd "$here"
. scripts/tap.sh

win=target/windows
tests=$win/tests
mkdir -p "$tests"
export WINEPREFIX=$here/$win/wine WINEDEBUG=-all RUST_BACKTRACE=0 WINEDLLOVERRIDES=mscoree,mshtml=
# Wine turns the Unix environment into Windows' UTF-16 one by the locale's charset.
export LC_ALL=C.UTF-8
read -r -a builds <<<"${WINDOWS_BUILDS:-x64 x86 x86-stdcall win7-x64 win7-x86}"
version=$(scripts/cargo-version.sh)
warnings=(-Wall -Wextra -Wpedantic -Werror -Iinclude)
cpp_flags=(-std=c++17 "${warnings[@]}" -Wshadow -Wconversion -Wsign-conversion -Wold-style-cast
  -Wnon-virtual-dtor)

arch_of() { case "$1" in *x64) echo x86_64 ;; *) echo i686 ;; esac; }
rid_of() { case "$1" in *x64) echo win-x64 ;; *) echo win-x86 ;; esac; }


# The test Wine prefix, made once both Wine halves are installed, with the stand-in.
setup_wine() {
  if [ ! -d "$WINEPREFIX/drive_c/windows/syswow64" ]; then
    wineboot -i >/dev/null 2>&1
    wineserver -w
  fi
  local arch dir
  for arch in x86_64 i686; do
    [ "$arch" = x86_64 ] && dir=system32 || dir=syswow64
    build "bcryptprimitives.dll stand-in ($arch)" "$arch-w64-mingw32-gcc" -Wall -Wextra -Werror -O2 \
      -shared -o "$WINEPREFIX/drive_c/windows/$dir/bcryptprimitives.dll" \
      tests/windows/bcryptprimitives.c -lbcrypt -Wl,--kill-at
  done
}

# The header's functions, one per line, sorted.
header_functions() {
  gcc -fpreprocessed -dD -E -P include/authsignal_terminal.h |
    grep -o '\bas_[a-z0-9_]*(' | tr -d '(' | sort -u
}

# objdump -p's import table as "dll function" lines, lower-case DLL names.
imports() {
  "$(arch_of "$1")-w64-mingw32-objdump" -p "$win/$1/authsignal_terminal.dll" | awk '
    /^\tDLL Name: / { dll = tolower($3); next }
    dll != "" && /^\t[0-9a-f]+\t *[0-9]+ +[A-Za-z_]/ { print dll, $3 }
    /^$/ { if (seen_table) dll = "" }
    /Hint\/Ord/ { seen_table = 1 }'
}

# Imported functions that Windows 7 lacks: those MinGW-w64's headers declare for
# Windows 10 but not for Windows 7 (_WIN32_WINNT 0x0601), those they declare for neither
# (unknown, so refused), and those of Windows 8+ that the headers leave unguarded (Rust's
# std uses them outside the win7 targets). ntdll's are the NT native API, stable since
# NT 3.x but mostly undeclared; msvcrt.dll ships with every Windows.
WINDOWS_8_AND_LATER="WaitOnAddress WakeByAddressSingle WakeByAddressAll GetSystemTimePreciseAsFileTime
  ProcessPrng SetThreadDescription GetThreadDescription GetTempPath2W CreateFile2 CopyFile2"
newer_than_windows_7() {
  local name=$1 src=$tests/win7-imports-$1.c
  {
    echo '#define SECURITY_WIN32'
    echo '#include <winsock2.h>'
    echo '#include <ws2tcpip.h>'
    echo '#include <windows.h>'
    echo '#include <tlhelp32.h>'
    echo '#include <bcrypt.h>'
    echo '#include <ncrypt.h>'
    echo '#include <ntsecapi.h>'
    echo '#include <security.h>'
    echo '#include <userenv.h>'
    echo '#include <wincrypt.h>'
    echo '#include <winternl.h>'
    echo 'void *imports[] = {'
    imports "$name" | awk '$1 != "ntdll.dll" && $1 != "msvcrt.dll" { print "  (void *)&" $2 "," }'
    echo '};'
  } >"$src"
  "$(arch_of "$name")-w64-mingw32-gcc" -D_WIN32_WINNT=0x0601 -fsyntax-only -fmax-errors=0 "$src" 2>&1 |
    LC_ALL=C sed -n "s/.*error: .\([A-Za-z0-9_]*\). undeclared.*/\1/p" | sort -u
  local fn
  for fn in $WINDOWS_8_AND_LATER; do
    imports "$name" | awk -v fn="$fn" '$2 == fn { print fn }'
  done
}

check_build() {
  local name=$1
  local dll=$win/$name/authsignal_terminal.dll
  if [ ! -f "$dll" ]; then
    fail "$name: built (run: make windows)"
    return 1
  fi
  same "$name: the DLL exports exactly the header's functions" \
    "$("$(arch_of "$name")-w64-mingw32-objdump" -p "$dll" |
      awk '/^\[Ordinal\/Name Pointer\] Table/ { on = 1; next } on && NF == 0 { on = 0 } on { print $NF }' | sort | tr '\n' ' ')" \
    "$(header_functions | tr '\n' ' ')"
  # The DLL run below is the stripped one of the release archives, with its .gnu_debuglink
  # section (scripts/windows.sh): the programs here load exactly that file.
  same "$name: the DLL is stripped and names authsignal_terminal.dll.debug (.gnu_debuglink)" \
    "$("$(arch_of "$name")-w64-mingw32-objdump" -h "$dll" | grep -c ' \.gnu_debuglink ') $(
      "$(arch_of "$name")-w64-mingw32-objdump" -h "$dll" | grep -c ' \.debug_')" "1 0"
  local system="kernel32.dll ntdll.dll advapi32.dll ws2_32.dll bcrypt.dll userenv.dll crypt32.dll ncrypt.dll msvcrt.dll secur32.dll"
  case "$name" in
    win7-* | x86-stdcall) ;;
    *) system="$system bcryptprimitives.dll api-ms-win-core-synch-l1-2-0.dll" ;;
  esac
  local dlls others
  dlls=$(imports "$name" | awk '{ print $1 }' | sort -u | tr '\n' ' ')
  others=$(for d in $dlls; do [[ " $system " == *" $d "* ]] || echo "$d"; done)
  same "$name: imports only Windows system DLLs ($dlls)" "$others" ""
  case "$name" in
    win7-* | x86-stdcall)
      same "$name: imports no function newer than Windows 7" \
        "$(newer_than_windows_7 "$name" | sort -u | tr '\n' ' ')" ""
      ;;
    x64)
      # The check itself: it finds what makes the x64 build need Windows 10.
      local found
      found=$(newer_than_windows_7 "$name" | sort -u | tr '\n' ' ')
      if [[ "$found" == *ProcessPrng* && "$found" == *WaitOnAddress* ]]; then
        pass "$name: the Windows 7 check finds its Windows 8+ imports ($found)"
      else
        fail "$name: the Windows 7 check finds its Windows 8+ imports (found: $found)"
      fi
      ;;
  esac
}

# run_wine NAME LOG [ENV=VALUE...] -- PROGRAM ARGS...: one test program under Wine with
# the simulator, judged by its "ok - " lines (and one more failure when it printed none).
run_wine() {
  local name=$1 log=$2; shift 2
  local envs=()
  while [ "$1" != "--" ]; do envs+=("$1"); shift; done
  shift
  echo "# $name"
  env "${envs[@]}" scripts/with-simulator.sh bash -c '
    ca=$SIM_CA_FILE
    export SIM_CA_FILE="Z:${ca//\//\\}"
    export AUTHSIGNAL_TERMINAL_BASE_URL="$SIM_BASE_URL" AUTHSIGNAL_TERMINAL_CA_FILE="$SIM_CA_FILE"
    export AS_TEST_CA_FILE_W="$SIM_CA_FILE"
    if [ -n "${AS_TEST_CA_DIR:-}" ]; then
      mkdir -p "$AS_TEST_CA_DIR" && cp "$ca" "$AS_TEST_CA_DIR/ca.pem"
      ca=$(cd "$AS_TEST_CA_DIR" && pwd)/ca.pem
      AS_TEST_CA_FILE_W="Z:${ca//\//\\}"
    fi
    exec "$@"' run_wine wine "$@" >"$log" 2>&1
  local status=$?
  tally "$log"
  if ! grep -q '^ok - ' "$log" && ! grep -q '^not ok - ' "$log"; then
    fail "$name printed no result (exit $status)"
  elif [ "$status" -ne 0 ] && ! grep -q '^not ok - ' "$log"; then
    fail "$name (exit $status)"
  fi
}

# The C and C++ programs for one build, built with MinGW-w64 (POSIX threads from its
# winpthreads, linked statically so that nothing but the DLL under test is needed).
test_programs() {
  local name=$1 arch rid dir lib
  arch=$(arch_of "$name")
  rid=$(rid_of "$name")
  dir=$tests/$name
  lib=$win/$name
  rm -rf "$dir"
  mkdir -p "$dir"
  cp "$lib/authsignal_terminal.dll" "$dir/"
  local cc="$arch-w64-mingw32-gcc-posix" cxx="$arch-w64-mingw32-g++-posix"
  local shared=("$lib/libauthsignal_terminal.dll.a") static=("$lib/libauthsignal_terminal.a")
  static+=($(imports "$name" | awk '{ print $1 }' | sort -u | sed -n 's/^\(kernel32\|ntdll\|advapi32\|ws2_32\|bcrypt\|userenv\|crypt32\|ncrypt\|secur32\)\.dll$/-l\1/p'))
  imports "$name" | grep -q '^bcryptprimitives.dll ' && static+=("$tests/libbcryptprimitives-$arch.a")
  local envs=()
  # The Windows 7 builds must load without Windows 10's bcryptprimitives.dll.
  case "$name" in win7-* | x86-stdcall) envs+=(WINEDLLOVERRIDES=mscoree,mshtml,bcryptprimitives=) ;; esac

  local variants=()
  # The header declares the functions cdecl: for the stdcall build, test_stdcall.c instead.
  if [ "$name" != x86-stdcall ]; then
    build "$name: test_api, C11, DLL" $cc -std=c11 "${warnings[@]}" tests/c/test_api.c "${shared[@]}" \
      -lws2_32 -static -o "$dir/test_api_c_shared.exe" && variants+=(c_shared)
  fi
  case "$name" in
    x64 | x86)
      build "$name: test_api, C11, static library" $cc -std=c11 "${warnings[@]}" tests/c/test_api.c \
        "${static[@]}" -lws2_32 -static -o "$dir/test_api_c_static.exe" && variants+=(c_static)
      build "$name: test_api, C++17, DLL" $cxx -std=c++17 -x c++ "${warnings[@]}" tests/c/test_api.c \
        -x none "${shared[@]}" -lws2_32 -static -o "$dir/test_api_cpp_shared.exe" && variants+=(cpp_shared)
      build "$name: test_wrapper, C++17, DLL" $cxx "${cpp_flags[@]}" tests/cpp/test_wrapper.cpp \
        "${shared[@]}" -static -o "$dir/test_wrapper_shared.exe" && variants+=(wrapper_shared)
      ;;
  esac
  [ "$name" = x64 ] && build "$name: test_wrapper, C++17, static library" $cxx "${cpp_flags[@]}" \
    tests/cpp/test_wrapper.cpp "${static[@]}" -static -o "$dir/test_wrapper_static.exe" &&
    variants+=(wrapper_static)
  local variant
  for variant in "${variants[@]}"; do
    local program=test_api_$variant
    [[ $variant == wrapper_* ]] && program=test_${variant}
    run_wine "$name: $program" "$dir/$program.log" "${envs[@]}" -- "$dir/$program.exe"
  done

  if [ "$name" = x64 ]; then
    build "$name: leak_cycles, C11, DLL" $cc -std=c11 "${warnings[@]}" tests/c/leak_cycles.c \
      "${shared[@]}" -static -o "$dir/leak_cycles.exe" &&
      run_wine "$name: leak_cycles" "$dir/leak_cycles.log" -- "$dir/leak_cycles.exe" "${LEAK_CYCLES:-200}"
  fi

  case "$name" in
    win7-x64 | win7-x86)
      # The NuGet package's DLLs (the Windows 7 builds) in its layout, runtimes\<rid>\native\
      # beside the program, both bitnesses, in a folder with non-ASCII characters in its name.
      local other=win7-x86
      [ "$name" = win7-x86 ] && other=win7-x64
      local app="$dir/Kasse – Zürich"
      mkdir -p "$app/runtimes/$rid/native" "$app/runtimes/$(rid_of $other)/native"
      cp "$lib/authsignal_terminal.dll" "$app/runtimes/$rid/native/"
      if [ -f "$win/$other/authsignal_terminal.dll" ]; then
        cp "$win/$other/authsignal_terminal.dll" "$app/runtimes/$(rid_of $other)/native/"
      fi
      build "$name: test_loader" $cc -std=c11 "${warnings[@]}" tests/windows/test_loader.c -static \
        -o "$app/test_loader.exe" &&
        run_wine "$name: test_loader" "$dir/test_loader.log" "${envs[@]}" "AS_TEST_CA_DIR=$app/Zertifikate ü" -- \
          "$app/test_loader.exe" "$rid" "$(rid_of $other)"
      ;;
    x86-stdcall)
      build "$name: test_stdcall" $cc -std=c11 -O0 "${warnings[@]}" -DEXPECTED_VERSION="\"$version\"" \
        tests/windows/test_stdcall.c "${shared[@]}" -static -o "$dir/test_stdcall.exe" &&
        run_wine "$name: test_stdcall" "$dir/test_stdcall.log" "${envs[@]}" -- "$dir/test_stdcall.exe"
      ;;
  esac
}

# `cargo test` for the library, cross-built like scripts/windows.sh builds it, run by Wine.
# Each test binary must print its "test result:" line; cargo's own lines are shown as
# comments and counted here. The dependencies (std, rustls, ring) are optimized as in a
# release: in a debug build a TLS handshake under Wine, with the tests running in
# parallel, can take longer than the fault matrix's 300-400 ms deadlines allow (its
# short-timeout cases then saw no request at all), and the property tests take minutes.
cargo_test() {
  local name=$1 triple
  case "$name" in x64) triple=x86_64-pc-windows-gnu ;; x86) triple=i686-pc-windows-gnu ;; esac
  local upper=${triple^^} arch
  upper=${upper//-/_}
  arch=$(arch_of "$name")
  local rustflags=""
  [ "$arch" = i686 ] && rustflags="-L native=$here/$win/rtstartup/$triple"
  local log=$tests/cargo-test-$name.log
  echo "# cargo test ($triple) under Wine"
  env CARGO_TARGET_DIR="$here/$win/cargo" RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 \
    "CARGO_TARGET_${upper}_LINKER=$arch-w64-mingw32-gcc" "CARGO_TARGET_${upper}_RUSTFLAGS=$rustflags" \
    "CARGO_TARGET_${upper}_RUNNER=wine" \
    "CC_${triple//-/_}=$arch-w64-mingw32-gcc" "AR_${triple//-/_}=$arch-w64-mingw32-ar" \
    /usr/bin/cargo test --locked -p authsignal-terminal --lib --tests --target "$triple" \
    -Zbuild-std=std,panic_unwind --config 'profile.dev.package."*".opt-level=2' \
    --no-fail-fast >"$log" 2>&1
  local status=$?
  sed 's/^/#   /' "$log" | grep -E '^#   (test .* FAILED|test result:|     Running|error|failures:|---- )' || true
  local binaries results
  binaries=$(grep -c '^     Running ' "$log")
  results=$(grep -c '^test result: ' "$log")
  read -r p f < <(awk '/^test result: / { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed;?$/) p += $i; if ($(i+1) ~ /^failed;?$/) f += $i } } END { print p + 0, f + 0 }' "$log")
  passed=$((passed + p))
  failed=$((failed + f))
  if [ "$binaries" -gt 0 ] && [ "$binaries" = "$results" ]; then
    pass "$name: cargo test: every test binary ($binaries) printed its result"
  else
    fail "$name: cargo test: every test binary printed its result ($results of $binaries; exit $status)"
  fi
}

# cli_test NAME: the command-line tool of a build that ships it, under Wine against the
# simulator: doctor passes, and a payment completes (judged by exit code and JSON).
cli_test() {
  local name=$1 exe=$win/$1/authsignal-terminal.exe log
  [ -f "$exe" ] || return 0
  log=$tests/$name/cli.log
  mkdir -p "$tests/$name"
  if scripts/with-simulator.sh bash -c '
      ca=$SIM_CA_FILE
      export AUTHSIGNAL_TERMINAL_BASE_URL="$SIM_BASE_URL" AUTHSIGNAL_TERMINAL_CA_FILE="Z:${ca//\//\\}"
      export AUTHSIGNAL_TERMINAL_ID=tid_windows_cli_0001 RUST_BACKTRACE=0
      wine "$0" doctor --json && wine "$0" pay --minor 1250 --currency USD --json' "$exe" >"$log" 2>&1 &&
    grep -q '"passed": true' "$log" && grep -q '"outcome": "COMPLETED"' "$log"; then
    pass "$name: authsignal-terminal.exe doctor and pay under Wine"
  else
    sed 's/^/#   /' "$log" | tail -n 30
    fail "$name: authsignal-terminal.exe doctor and pay under Wine"
  fi
}

setup_wine
# One wineserver for the whole run: when each program started and stopped its own, a
# program started right after another could meet the old server shutting down ("wine
# client error: recvmsg: Connection reset by peer").
wineserver -p
trap 'wineserver -k >/dev/null 2>&1 || true' EXIT
for arch in x86_64 i686; do
  # The static test programs of builds that import ProcessPrng link this import library.
  "$arch-w64-mingw32-dlltool" -k -l "$tests/libbcryptprimitives-$arch.a" \
    -d <(printf 'LIBRARY bcryptprimitives.dll\nEXPORTS\n  ProcessPrng%s\n' "$([ $arch = i686 ] && echo @8)")
done
for name in "${builds[@]}"; do
  check_build "$name" || continue
  test_programs "$name"
  cli_test "$name"
done
for name in ${WINDOWS_CARGO_TEST-x64}; do
  cargo_test "$name"
done

summary windows
