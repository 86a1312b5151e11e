#!/usr/bin/env bash
# Installs what a part of the build needs on a fresh Debian machine, only when missing.
#   scripts/install-deps.sh c        gcc, g++, make, valgrind, cmake, pkg-config, binutils
#   scripts/install-deps.sh csharp   Mono's C# compiler and runtime, NUnit 2.6
#   scripts/install-deps.sh coreclr  the .NET Core 3.1 runtime (no SDK), from PyPI's dotnetcore2
#                                    wheel, into target/coreclr-venv (bindings/csharp/coreclr.sh)
#   scripts/install-deps.sh bench    what the benchmark's comparison clients need: libcurl
#                                    with OpenSSL (headers), and Mono's System.Net.Http when
#                                    Mono is present (requests and httpx come from pip),
#                                    nginx-light (a plain TLS 1.3 server to measure against)
#                                    and openssl (the bench makes nginx's CA and certificate),
#                                    ca-certificates, python3 (and python3-venv when requests
#                                    is not importable: the bench pip installs it in a venv),
#                                    valgrind (callgrind) and strace
#   scripts/install-deps.sh node     Node.js and npm (Debian's nodejs 18 or newer; the
#                                    Node wrapper's packages come from npm: npm ci)
#   scripts/install-deps.sh windows  the Windows cross build and its tests: Debian's rustc-web
#                                    (its std source lets -Zbuild-std build std for the
#                                    *-windows-gnu targets), mingw-w64, llvm-dlltool (MSVC
#                                    import libraries), and Wine 8, 64- and 32-bit
#   scripts/install-deps.sh java     OpenJDK 17 (javac, jar), JNA and JUnit 4 (with hamcrest)
#                                    from Debian, for bindings/java
#   scripts/install-deps.sh cross    the Linux cross builds and their tests: Debian's rustc-web
#                                    (as for windows), the aarch64 and armhf cross compilers
#                                    (C and C++, with their C libraries), musl-tools (musl-gcc),
#                                    musl (its dynamic linker, /lib/ld-musl-x86_64.so.1),
#                                    LLVM's libunwind (std's unwinder on musl), qemu-user (the
#                                    ARM programs run under qemu-aarch64 and qemu-arm) and
#                                    python3 (scripts/sbom.py, for the release archives)
#   scripts/install-deps.sh cross-musl-arm64
#                                    what aarch64-unknown-linux-musl needs besides `cross`: musl
#                                    and LLVM's libunwind built for arm64 (musl-dev:arm64,
#                                    musl:arm64, libunwind-14-dev:arm64), NOT installed: with
#                                    arm64 added as a foreign dpkg architecture (its package
#                                    lists only), apt-get download fetches them into
#                                    target/cross/debs-arm64 and dpkg-deb -x unpacks them into
#                                    target/cross/sysroot-arm64-musl (scripts/cross.sh). The
#                                    system's amd64 libunwind-14-dev (same path) stays.
#   scripts/install-deps.sh deb      dpkg-deb and lintian (scripts/deb.sh, tests/deb/run.sh)
set -euo pipefail

missing=()
need() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }

case "${1:-}" in
  c)
    need gcc gcc
    need g++ g++
    need make make
    need valgrind valgrind
    need cmake cmake            # test-packaging: find_package(authsignal_terminal)
    need pkg-config pkg-config  # test-packaging: pkg-config --cflags --libs authsignal_terminal
    need readelf binutils       # test-packaging: SONAME and exported symbols
    ;;
  csharp)
    need mcs mono-mcs
    need mono mono-runtime
    need nunit-console nunit-console
    [ -n "$(ls /usr/lib/cli/nunit.framework-2.6*/nunit.framework.dll 2>/dev/null)" ] || [ -n "$(ls /usr/lib/mono/*/nunit.framework.dll 2>/dev/null)" ] || missing+=(libnunit-cil-dev)
    ;;
  coreclr)
    venv="$(cd "$(dirname "$0")/.." && pwd)/target/coreclr-venv"
    if ! ls "$venv"/lib/python3*/site-packages/dotnetcore2/bin/dotnet >/dev/null 2>&1; then
      echo "installing: dotnetcore2 (PyPI) into $venv"
      python3 -m venv "$venv"
      "$venv/bin/python" -m pip install --quiet dotnetcore2==3.1.23
    fi
    ;;
  bench)
    [ -e /usr/include/x86_64-linux-gnu/curl/curl.h ] || [ -e /usr/include/curl/curl.h ] || missing+=(libcurl4-openssl-dev)
    if command -v mono >/dev/null 2>&1 && ! ls /usr/lib/mono/4.5/System.Net.Http.dll >/dev/null 2>&1; then
      missing+=(libmono-system-net-http4.0-cil)
    fi
    [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
    need openssl openssl
    # The cold start's "system roots" runs trust Debian's bundle plus the test CA.
    [ -e /etc/ssl/certs/ca-certificates.crt ] || missing+=(ca-certificates)
    need python3 python3
    # requests: the system's when importable, else benches/run.py makes a venv under
    # target/bench and pip installs it from PyPI (Debian's Python refuses pip --user).
    python3 -c 'import requests' >/dev/null 2>&1 || missing+=(python3-venv)
    # make bench: instructions per call (callgrind, callgrind_annotate) and the journal's
    # syscalls (strace).
    need valgrind valgrind
    need callgrind_annotate valgrind
    need strace strace
    ;;
  node)
    need node nodejs
    need npm npm
    ;;
  windows)
    [ -x /usr/bin/cargo ] || missing+=(cargo-web)
    [ -x /usr/bin/rustc ] || missing+=(rustc-web)
    [ -n "$(ls -d /usr/lib/rustlib/src/rust/library 2>/dev/null)" ] || missing+=(rust-web-src)
    need x86_64-w64-mingw32-gcc mingw-w64
    need llvm-dlltool llvm
    if ! command -v wine >/dev/null 2>&1 || ! dpkg -s wine32:i386 >/dev/null 2>&1; then
      # Wine's 32-bit half (the x86 DLLs) comes from the i386 architecture.
      dpkg --print-foreign-architectures | grep -qx i386 || NEED_I386=1
      missing+=(wine wine64 wine32:i386)
    fi
    ;;
  java)
    need javac openjdk-17-jdk-headless
    need jar openjdk-17-jdk-headless
    [ -e /usr/share/java/jna.jar ] || missing+=(libjna-java)
    [ -e /usr/share/java/junit4.jar ] || missing+=(junit4)
    [ -e /usr/share/java/hamcrest-core.jar ] || [ -e /usr/share/java/hamcrest.jar ] || missing+=(libhamcrest-java)
    ;;
  cross)
    [ -x /usr/bin/cargo ] || missing+=(cargo-web)
    [ -x /usr/bin/rustc ] || missing+=(rustc-web)
    [ -n "$(ls -d /usr/lib/rustlib/src/rust/library 2>/dev/null)" ] || missing+=(rust-web-src)
    need aarch64-linux-gnu-gcc gcc-aarch64-linux-gnu
    need aarch64-linux-gnu-g++ g++-aarch64-linux-gnu
    need arm-linux-gnueabihf-gcc gcc-arm-linux-gnueabihf
    need arm-linux-gnueabihf-g++ g++-arm-linux-gnueabihf
    need musl-gcc musl-tools
    # musl's dynamic linker: programs linked against musl's shared library run here.
    [ -e /lib/ld-musl-x86_64.so.1 ] || missing+=(musl)
    # LLVM's libunwind, std's unwinder on musl (scripts/cross.sh, musl_unwind).
    [ -f /usr/lib/llvm-14/lib/libunwind.a ] || missing+=(libunwind-14-dev)
    need qemu-aarch64 qemu-user
    need readelf binutils
    need python3 python3          # scripts/sbom.py (release bundles)
    ;;
  cross-musl-arm64)
    root=$(cd "$(dirname "$0")/.." && pwd)
    debs=$root/target/cross/debs-arm64 sysroot=$root/target/cross/sysroot-arm64-musl
    pkgs=(musl-dev musl libunwind-14-dev)
    [ -f "$sysroot/usr/lib/aarch64-linux-musl/musl-gcc.specs" ] &&
      [ -f "$sysroot/usr/lib/aarch64-linux-musl/libc.so" ] &&
      [ -f "$sysroot/usr/lib/llvm-14/lib/libunwind.a" ] && exit 0
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    apt() { DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=300 "$@"; }
    if ! dpkg --print-foreign-architectures | grep -qx arm64 ||
      ! apt-cache policy musl-dev:arm64 2>/dev/null | grep -q 'Candidate: [0-9]'; then
      # Only arm64's package lists: nothing arm64 is installed.
      dpkg --print-foreign-architectures | grep -qx arm64 || $SUDO dpkg --add-architecture arm64
      for attempt in 1 2 3 4; do
        apt update -qq && break
        echo "install-deps: apt-get update failed (attempt $attempt of 4)" >&2
        [ "$attempt" -eq 4 ] || sleep $((attempt * 20))
      done
    fi
    rm -rf "$debs" "$sysroot"
    mkdir -p "$debs"
    echo "downloading (not installing): ${pkgs[*]/%/:arm64} into $debs"
    for attempt in 1 2 3; do
      (cd "$debs" && apt-get download -qq "${pkgs[@]/%/:arm64}" 2>&1 | { grep -v 'unsandboxed' >&2 || true; }) && break
      [ "$attempt" -lt 3 ] || exit 100
      sleep $((attempt * 20))
    done
    for pkg in "${pkgs[@]}"; do
      # The .deb is the one apt resolves (its candidate version), for arm64.
      want=$(apt-cache policy "$pkg:arm64" | sed -n 's/^ *Candidate: //p')
      deb=$(ls "$debs/${pkg}_"*_arm64.deb)
      got=$(dpkg-deb -f "$deb" Version)
      [ "$got" = "$want" ] && [ "$(dpkg-deb -f "$deb" Architecture)" = arm64 ] ||
        { echo "$deb: version $got, apt's candidate is $want" >&2; exit 1; }
      dpkg-deb -x "$deb" "$sysroot"
    done
    # Debian's /lib is /usr/lib (merged /usr); musl:arm64 puts libc.so (also its dynamic
    # linker, /lib/ld-musl-aarch64.so.1, a relative link) in /lib/aarch64-linux-musl.
    cp -a "$sysroot/lib/aarch64-linux-musl/." "$sysroot/usr/lib/aarch64-linux-musl/"
    exit 0
    ;;
  deb)
    need dpkg-deb dpkg
    need lintian lintian
    ;;
  *)
    echo "usage: $0 c|csharp|coreclr|node|java|bench|windows|cross|cross-musl-arm64|deb" >&2
    exit 2
    ;;
esac

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  [ -z "${NEED_I386:-}" ] || $SUDO dpkg --add-architecture i386
  # A mirror being synced makes `apt-get update` fail for a minute or two ("File has
  # unexpected size"): try again, and go on with the lists there are if it keeps failing.
  # The install is tried again after a fresh update too; only its last failure counts.
  apt() { DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=300 "$@"; }
  for attempt in 1 2 3 4; do
    apt update -qq && break
    echo "install-deps: apt-get update failed (attempt $attempt of 4)" >&2
    [ "$attempt" -eq 4 ] || sleep $((attempt * 20))
  done
  for attempt in 1 2 3; do
    apt install -y -qq --no-install-recommends "${missing[@]}" >/dev/null && break
    [ "$attempt" -lt 3 ] || exit 100
    echo "install-deps: apt-get install failed (attempt $attempt of 3); updating the lists again" >&2
    sleep $((attempt * 30))
    apt update -qq || true
  done
fi
