# libauthsignal_terminal: build, demo and test.
#
#   make demo   the main job: build the library and the simulator, run the C POS example
#               against the simulator over HTTPS on loopback.
#   make test   everything: fmt, clippy, header drift, Rust, C (+ valgrind), Python, C#.
#
# Both install what they need on a fresh Debian machine (scripts/install-deps.sh).

CARGO    ?= cargo
RELEASE  := target/release
SIM      := $(RELEASE)/authsignal-terminal-sim

.PHONY: all build header demo test lint test-rust test-c test-python test-csharp csharp deps deps-c deps-csharp

all: build

# The shared and static library, and the simulator, as shipped (release profile).
build:
	$(CARGO) build --release --locked --workspace

# Refresh the committed header after changing src/ffi (tests/header.rs checks it).
header:
	AUTHSIGNAL_TERMINAL_UPDATE_HEADER=1 $(CARGO) build --locked

deps: deps-c deps-csharp

deps-c:
	scripts/install-deps.sh c

deps-csharp:
	scripts/install-deps.sh csharp

demo: deps-c build
	scripts/demo.sh

test: lint test-rust test-c test-python test-csharp

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --locked --workspace --all-targets -- -D warnings

# Unit tests, the header drift test, and the integration tests against the simulator.
test-rust:
	$(CARGO) test --locked --workspace

# Real C programs against the header: shared and static, as C and as C++, under valgrind.
test-c: deps-c build
	tests/c/run.sh

test-python: build
	bindings/python/run-tests.sh

csharp: deps-csharp build
	bindings/csharp/build.sh

test-csharp: csharp
	bindings/csharp/run-tests.sh
