#!/usr/bin/env bash
# Builds the Java wrapper with javac (Java 8 level) and Debian's JNA, and packs
#   target/java/authsignal-terminal-<version>.jar
# holding the classes and, under JNA's resource layout, the natives of every target built
# here (only those that exist):
#   linux-x86-64/   target/release/libauthsignal_terminal.so (on an x86-64 host)
#   win32-x86-64/   target/windows/x64/authsignal_terminal.dll
#   win32-x86/      target/windows/x86/authsignal_terminal.dll
#   linux-*/        target/cross/<triple>/**/libauthsignal_terminal.so (aarch64, arm, i686, x86_64)
# Then it compiles the JUnit 4 tests into target/java/test-classes.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$root/target/java"
jna="${JNA_JAR:-/usr/share/java/jna.jar}"
junit="${JUNIT_JAR:-/usr/share/java/junit4.jar}"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -1)

for f in "$jna" "$junit"; do
  [ -e "$f" ] || { echo "missing $f (run: scripts/install-deps.sh java)" >&2; exit 1; }
done

rm -rf "$out/classes" "$out/test-classes" "$out/natives" "$out"/authsignal-terminal-*.jar
mkdir -p "$out/classes" "$out/test-classes" "$out/natives"

grep -q "BINDING_VERSION = \"$version\"" "$here/src/main/java/com/authsignal/terminal/TerminalClient.java" \
  || { echo "TerminalClient.BINDING_VERSION is not Cargo.toml's version $version" >&2; exit 1; }
grep -q "<version>$version</version>" "$here/pom.xml" \
  || { echo "pom.xml's version is not Cargo.toml's version $version" >&2; exit 1; }

javac --release 8 -encoding UTF-8 -Xlint:all -Werror -cp "$jna" -d "$out/classes" \
  $(find "$here/src/main/java" -name '*.java' | sort)

add_native() { # file jna-folder
  [ -f "$1" ] || return 0
  mkdir -p "$out/natives/$2"
  cp "$1" "$out/natives/$2/"
  echo "build.sh: native $2/$(basename "$1")"
}
case "$(uname -m)" in
  x86_64) add_native "$root/target/release/libauthsignal_terminal.so" linux-x86-64 ;;
  aarch64) add_native "$root/target/release/libauthsignal_terminal.so" linux-aarch64 ;;
esac
add_native "$root/target/windows/x64/authsignal_terminal.dll" win32-x86-64
add_native "$root/target/windows/x86/authsignal_terminal.dll" win32-x86
for dir in "$root"/target/cross/*/; do
  [ -d "$dir" ] || continue
  triple=$(basename "$dir")
  case "$triple" in
    *musl*) continue ;;  # JNA's layout has no folder for musl
    aarch64-*linux*) folder=linux-aarch64 ;;
    arm*-*linux*) folder=linux-arm ;;
    i686-*linux*) folder=linux-x86 ;;
    x86_64-*linux*) folder=linux-x86-64 ;;
    *) continue ;;
  esac
  [ -e "$out/natives/$folder/libauthsignal_terminal.so" ] && continue
  lib=$(find "$dir" -name libauthsignal_terminal.so -path '*release*' 2>/dev/null | head -1)
  [ -n "$lib" ] && add_native "$lib" "$folder"
done
[ -n "$(ls -A "$out/natives")" ] || echo "build.sh: no native library built yet; the jar holds none (run: make build)" >&2

cat >"$out/MANIFEST.MF" <<MF
Manifest-Version: 1.0
Automatic-Module-Name: com.authsignal.terminal
Implementation-Title: authsignal-terminal
Implementation-Version: $version
MF
jar --create --file "$out/authsignal-terminal-$version.jar" --manifest "$out/MANIFEST.MF" \
  -C "$out/classes" . -C "$out/natives" .

javac --release 8 -encoding UTF-8 -Xlint:all,-processing -Werror \
  -cp "$out/classes:$jna:$junit" -d "$out/test-classes" \
  $(find "$here/src/test/java" -name '*.java' | sort)
echo "build.sh: $out/authsignal-terminal-$version.jar"
