#!/usr/bin/env bash
# Debian packages (make deb), for each Debian architecture whose build is there, into
# target/deb/:
#
#   libauthsignal-terminal0.1_<version>-1_<arch>.deb   the shared library (named after its
#                                                      SONAME, libauthsignal_terminal.so.0.1)
#   libauthsignal-terminal-dev_<version>-1_<arch>.deb  headers, the .so link, the static
#                                                      library, pkg-config and CMake files
#   authsignal-terminal_<version>-1_<arch>.deb         the command-line tool
#
#   arch    build                                   multiarch triplet
#   amd64   target/release (make build)             x86_64-linux-gnu
#   arm64   target/cross/aarch64-unknown-linux-gnu  aarch64-linux-gnu
#   armhf   target/cross/armv7-unknown-linux-gnueabihf  arm-linux-gnueabihf
#
# The files are laid out by scripts/install.sh (PREFIX=/usr, LIBDIR=/usr/lib/<triplet>,
# through DESTDIR), stripped, and packed with dpkg-deb (no debian/ source tree: the
# binaries are built by make, not by dpkg-buildpackage). Dependencies are those of Debian
# 12's libc6 and libgcc-s1 that the binaries need (glibc 2.34 symbols at most; checked by
# tests/cross/run.sh and tests/deb/run.sh).
#
#   scripts/deb.sh [ARCH...]    (default: every architecture whose build is there)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=$root/target/deb
version=$(scripts/cargo-version.sh)
IFS=. read -r major minor _ <<<"$version"
if [ "$major" = 0 ]; then abi="0.$minor"; else abi="$major"; fi
debversion=$version-1
runtime=libauthsignal-terminal$abi
maintainer="libauthsignal_terminal maintainers <noreply@authsignal.invalid>"
homepage="https://github.com/authsignal"

built_of() {
  case "$1" in
    amd64) echo target/release ;;
    arm64) echo target/cross/aarch64-unknown-linux-gnu ;;
    armhf) echo target/cross/armv7-unknown-linux-gnueabihf ;;
  esac
}
triplet_of() {
  case "$1" in amd64) echo x86_64-linux-gnu ;; arm64) echo aarch64-linux-gnu ;; armhf) echo arm-linux-gnueabihf ;; esac
}
tools_of() { case "$1" in amd64) echo "" ;; *) echo "$(triplet_of "$1")-" ;; esac; }
bits_of() { case "$1" in armhf) echo 32 ;; *) echo 64 ;; esac; }

# control FILE PACKAGE ARCH DEPENDS SECTION DESCRIPTION [EXTRA...]
control() {
  local dir=$1 package=$2 arch=$3 depends=$4 section=$5 summary=$6 long=$7 size
  size=$(du -k -s --exclude=DEBIAN "$dir" | cut -f1)
  mkdir -p "$dir/DEBIAN"
  {
    echo "Package: $package"
    echo "Source: authsignal-terminal"
    echo "Version: $debversion"
    echo "Architecture: $arch"
    echo "Maintainer: $maintainer"
    echo "Installed-Size: $size"
    [ -z "$depends" ] || echo "Depends: $depends"
    [ "$package" != "$runtime" ] || echo "Multi-Arch: same"
    [ "$package" != libauthsignal-terminal-dev ] || echo "Multi-Arch: same"
    echo "Section: $section"
    echo "Priority: optional"
    echo "Homepage: $homepage"
    echo "Description: $summary"
    echo "$long" | fold -s -w 78 | sed 's/ *$//; s/^/ /'
  } >"$dir/DEBIAN/control"
}

# The copyright file and the Debian changelog every package carries.
docs() {
  local dir=$1 package=$2 doc=$1/usr/share/doc/$2
  mkdir -p "$doc"
  {
    echo "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
    echo "Upstream-Name: libauthsignal_terminal"
    echo "Source: $homepage"
    echo
    echo "Files: *"
    echo "Copyright: 2026 The libauthsignal_terminal authors"
    echo "License: MIT"
    echo
    echo "Files: rust-crates/*"
    echo "Copyright: the authors of each crate; the Rust crates linked into these binaries"
    echo " and their licences are listed in the release archive's licenses/ and"
    echo " sbom.cdx.json (scripts/sbom.py)"
    echo "License: MIT or Apache-2.0 or ISC or BSD-3-Clause or Zlib or CDLA-Permissive-2.0 or Unlicense"
    echo " See the release archive's licenses/ for each crate's own licence files."
    echo
    echo "License: MIT"
    sed -n '3,$p' LICENSE | sed 's/^$/./; s/^/ /'
  } >"$doc/copyright"
  printf 'authsignal-terminal (%s) unstable; urgency=medium\n\n  * Release %s (see CHANGELOG.md).\n\n -- %s  %s\n' \
    "$debversion" "$version" "$maintainer" "$(date -R -d "@$(git log -1 --format=%ct)")" |
    gzip -9 -n >"$doc/changelog.Debian.gz"
  chmod 0644 "$doc/copyright" "$doc/changelog.Debian.gz"
}

pack() {
  local dir=$1 name=$2
  find "$dir" -type d -exec chmod 0755 {} +
  (cd "$dir" && find . -path ./DEBIAN -prune -o -type f -print | sed 's#^\./##' | LC_ALL=C sort |
    xargs md5sum >DEBIAN/md5sums)
  chmod 0644 "$dir"/DEBIAN/*
  dpkg-deb --root-owner-group -Zxz --build "$dir" "$out/$name" >/dev/null
  echo "   $(stat -c %s "$out/$name")  $name"
}

build_arch() {
  local arch=$1 built triplet tools
  built=$(built_of "$arch")
  triplet=$(triplet_of "$arch")
  tools=$(tools_of "$arch")
  echo "== $arch ($built)"
  local stage=$out/stage-$arch native_libs
  native_libs=$(cat "$built/native-static-libs" 2>/dev/null || echo "-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc")
  rm -rf "$stage"
  PREFIX=/usr LIBDIR=/usr/lib/$triplet DESTDIR=$stage/root BUILT_DIR=$root/$built NATIVE_STATIC_LIBS=$native_libs \
    POINTER_BITS=$(bits_of "$arch") scripts/install.sh install >/dev/null
  local r=$stage/root lib=usr/lib/$triplet
  "${tools}strip" --strip-unneeded --remove-section=.comment "$r/$lib/libauthsignal_terminal.so.$version"
  "${tools}strip" --strip-all --remove-section=.comment "$r/usr/bin/authsignal-terminal"
  "${tools}strip" --strip-debug "$r/$lib/libauthsignal_terminal.a"
  chmod 0644 "$r/$lib/libauthsignal_terminal.so.$version"

  # The runtime library.
  local p=$stage/$runtime
  mkdir -p "$p/$lib"
  mv "$r/$lib/libauthsignal_terminal.so.$version" "$r/$lib/libauthsignal_terminal.so.$abi" "$p/$lib/"
  docs "$p" "$runtime"
  control "$p" "$runtime" "$arch" "libc6 (>= 2.34), libgcc-s1 (>= 3.0)" libs \
    "take card payments on an Authsignal payment terminal (C library)" \
    "libauthsignal_terminal lets point-of-sale software take a card payment on a paired Authsignal payment terminal: it creates a payment session and reports how it ended. This package holds the shared library."
  echo "$runtime $abi $runtime (>= $version)" | sed 's/^libauthsignal-terminal[^ ]* /libauthsignal_terminal /' >"$p/DEBIAN/shlibs"
  printf 'activate-noawait ldconfig\n' >"$p/DEBIAN/triggers"
  pack "$p" "${runtime}_${debversion}_$arch.deb"

  # The development files.
  p=$stage/libauthsignal-terminal-dev
  mkdir -p "$p/usr"
  mv "$r/usr/include" "$p/usr/"
  mkdir -p "$p/$lib"
  mv "$r/$lib"/* "$p/$lib/"
  docs "$p" libauthsignal-terminal-dev
  control "$p" libauthsignal-terminal-dev "$arch" "$runtime (= $debversion)" libdevel \
    "take card payments on an Authsignal payment terminal (development files)" \
    "libauthsignal_terminal lets point-of-sale software take a card payment on a paired Authsignal payment terminal. This package holds the C header, the C++17 wrapper, the static library, the pkg-config file and the CMake package."
  pack "$p" "libauthsignal-terminal-dev_${debversion}_$arch.deb"

  # The command-line tool (the library is linked into it).
  p=$stage/authsignal-terminal
  mkdir -p "$p/usr"
  mv "$r/usr/bin" "$p/usr/"
  docs "$p" authsignal-terminal
  control "$p" authsignal-terminal "$arch" "libc6 (>= 2.34), libgcc-s1 (>= 3.0)" utils \
    "take card payments on an Authsignal payment terminal (command-line tool)" \
    "authsignal-terminal takes a payment, reads or waits for one, and diagnoses the connection (doctor), for point-of-sale systems that start a program and read its exit code."
  pack "$p" "authsignal-terminal_${debversion}_$arch.deb"
  [ -z "$(find "$r" -type f)" ] || { echo "files left in no package: $(find "$r" -type f)" >&2; return 1; }
  rm -rf "$stage"
}

archs=("$@")
if [ ${#archs[@]} -eq 0 ]; then
  for a in amd64 arm64 armhf; do [ -f "$(built_of "$a")/libauthsignal_terminal.so" ] && archs+=("$a"); done
fi
mkdir -p "$out"
rm -f "$out"/*.deb
for arch in "${archs[@]}"; do
  [ -n "$(built_of "$arch")" ] || { echo "unknown architecture: $arch (amd64, arm64, armhf)" >&2; exit 2; }
  build_arch "$arch"
done
