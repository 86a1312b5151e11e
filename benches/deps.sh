#!/usr/bin/env bash
# What the benchmark's comparison clients need, installed only when missing:
# libcurl with OpenSSL (headers), and Mono's System.Net.Http when Mono is present.
# requests and httpx come from pip (the benchmark skips a client that is missing).
set -euo pipefail
missing=()
[ -e /usr/include/x86_64-linux-gnu/curl/curl.h ] || [ -e /usr/include/curl/curl.h ] || missing+=(libcurl4-openssl-dev)
if command -v mono >/dev/null 2>&1 && ! ls /usr/lib/mono/4.5/System.Net.Http.dll >/dev/null 2>&1; then
  missing+=(libmono-system-net-http4.0-cil)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
