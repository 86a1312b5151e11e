#!/usr/bin/env bash
# Builds the library with the oldest Rust it promises to support (Cargo.toml's
# rust-version), using Debian's rustc-web package of that version. The packages are
# downloaded and unpacked into target/msrv/root rather than installed, so they never
# replace the newer rustc-web the Windows build uses (only one version can be installed).
#
# Prints "msrv: N passed, M failed" last.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
. scripts/tap.sh

msrv=$(sed -n 's/^rust-version = "\(.*\)"/\1/p' Cargo.toml | head -1)
dir=target/msrv
root=$dir/root
mkdir -p "$dir/debs"

# The rustc-web version of that release: 1.85 -> 1.85.0+dfsg…
deb_version=$(apt-cache madison rustc-web 2>/dev/null | awk -v v="$msrv" '$3 ~ "^"v"\\." {print $3; exit}')
if [ -z "$deb_version" ]; then
  apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null 2>&1 || true
  deb_version=$(apt-cache madison rustc-web 2>/dev/null | awk -v v="$msrv" '$3 ~ "^"v"\\." {print $3; exit}')
fi
if [ -z "$deb_version" ]; then
  fail "Debian has a rustc-web $msrv package"
  summary msrv
  exit 1
fi

if [ ! -x "$root/usr/bin/cargo" ] || ! grep -qx "$deb_version" "$dir/version" 2>/dev/null; then
  rm -rf "$root" "$dir"/debs/*.deb
  major_minor=${msrv%.*}; [ "$major_minor" = "$msrv" ] && major_minor=$msrv
  (cd "$dir/debs" && apt-get download -q \
      "rustc-web=$deb_version" "cargo-web=$deb_version" \
      "libstd-rust-web-dev=$deb_version" "libstd-rust-web-$msrv=$deb_version" \
      libllvm19 libpcre3 libssh2-1 libhttp-parser2.9 >/dev/null 2>&1)
  for deb in "$dir"/debs/*.deb; do dpkg -x "$deb" "$root"; done
  echo "$deb_version" >"$dir/version"
fi
export LD_LIBRARY_PATH="$here/$root/usr/lib/x86_64-linux-gnu:$here/$root/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
rustc_bin="$here/$root/usr/bin/rustc"
cargo_bin="$here/$root/usr/bin/cargo"

if "$rustc_bin" --version | grep -q "^rustc $msrv\."; then
  pass "rustc $msrv unpacked ($("$rustc_bin" --version))"
else
  fail "rustc $msrv unpacked"
fi
check "the library builds with Rust $msrv (rust-version in Cargo.toml)" \
  env RUSTC="$rustc_bin" "$cargo_bin" build --locked -p authsignal-terminal --lib --target-dir "$dir/target"
summary msrv
