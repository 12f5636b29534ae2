# One entry point for people and CI. `make test` is what CI runs (through .ci/run).
SWIFT ?= swift
APT_PACKAGES := libncursesw5-dev libsqlite3-dev libcurl4-openssl-dev zlib1g-dev tmux pkg-config curl postgresql-15 nginx

.PHONY: all deps build programs release release-check order-file test bench bench-fleet fuzz demo tour cluster format lint clean

all: build

## deps: install the system libraries the build links against and PostgreSQL, which the tests start (as root;
## otherwise say what is missing)
deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "missing system packages:$$missing — run 'sudo make deps' or install them with apt-get"; exit 1; \
	  fi; \
	fi

## build: debug build of every target
build: deps
	$(SWIFT) build

## test: install what is missing, build everything, run the whole test suite (the replica-cluster tests last and
## alone: three replicas, nginx and 1,000 shells take both cores, and would starve the timing of the others)
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --skip ClusterTests
	$(SWIFT) test --skip-build --filter ClusterTests

## release: the three programs as shipped (Swift runtime and Foundation linked in, a section per function so
## that termshell's link can place the functions a session runs side by side: see docs/PERFORMANCE.md)
RELEASE := $(SWIFT) build -c release --static-swift-stdlib -Xswiftc -Xfrontend -Xswiftc -function-sections -Xcc -ffunction-sections -Xcxx -ffunction-sections
# SwiftPM does not know that termshell's link reads the order file: link again when the file is newer.
ORDER_FILE := Sources/termshell/termshell.order
RELINK_ON_NEW_ORDER := [ ! -e .build/release/termshell ] || [ .build/release/termshell -nt $(ORDER_FILE) ] || rm -f .build/release/termshell
release: deps
	@$(RELINK_ON_NEW_ORDER)
	$(RELEASE) --product catalogd
	$(RELEASE) --product minictl
	$(RELEASE) --product termshell

## release-check: the programs as shipped play the scenarios (CI runs it after make test, which builds the tests)
release-check: release
	MINICATALOG_BIN=.build/release $(SWIFT) test --skip-build --filter ScenarioTests

## bench: release-build the benchmarks (and termshell, whose memory they measure) and print their numbers
bench: deps
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } || echo "wrk is missing: the server benchmarks will be skipped"
	@$(RELINK_ON_NEW_ORDER)
	$(RELEASE) --product termshell
	$(RELEASE) --product minicatalog-bench
	./.build/release/minicatalog-bench

## bench-fleet: the fleet benchmark (minutes): every part its own process — 3 catalogd replicas on PostgreSQL behind
## nginx, swarm processes of raw event streams — then one SQLite replica, then 304s against nginx (docs/PERFORMANCE.md)
bench-fleet: deps
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } || echo "wrk is missing: the revalidations will be skipped"
	$(RELEASE) --product catalogd
	$(RELEASE) --product minicatalog-bench
	./.build/release/minicatalog-bench fleet

## fuzz: build the libFuzzer harnesses (release, AddressSanitizer, in .build-fuzz) and run each, or the one named
## by FUZZ=name, for FUZZ_RUNS executions on a scratch copy of its seeds in Tests/FuzzCorpus (docs/SECURITY.md).
## Linked with lld: gold stops with an internal error on this link.
FUZZ_RUNS ?= 1000000
FUZZ_BUILD := $(SWIFT) build -c release --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address \
	-Xswiftc -parse-as-library -Xswiftc -enable-testing -Xswiftc -DFUZZING --product minicatalog-fuzz \
	-Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld
fuzz: deps
	$(FUZZ_BUILD)
	./scripts/fuzz.sh .build-fuzz/release/minicatalog-fuzz $(FUZZ_RUNS) $(FUZZ)

## order-file: profile a session of the release termshell under valgrind and rewrite the function order its
## link uses (Sources/termshell/termshell.order; see docs/PERFORMANCE.md)
order-file: deps
	@command -v valgrind >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null; } || true
	RELEASE="$(RELEASE)" ./scripts/profile-termshell.sh

## programs: debug builds of the three programs (for demo and tour)
programs: deps
	$(SWIFT) build --product minictl
	$(SWIFT) build --product catalogd
	$(SWIFT) build --product termshell

## demo: the super-app against the demo platform (on a terminal), or the printed tour (without one)
DEMO_HOST ?= mbank
demo: programs
	@if [ -t 0 ] && [ -t 1 ]; then \
	  DEMO_HOST=$(DEMO_HOST) ./scripts/demo-shell.sh ./.build/debug/minictl ./.build/debug/catalogd ./.build/debug/termshell; \
	else \
	  ./scripts/demo.sh ./.build/debug/minictl ./.build/debug/catalogd ./.build/debug/termshell; \
	fi

## tour: the printed walkthrough (gray decisions, the simulator, the platform, a headless shell's recall)
tour: programs
	./scripts/demo.sh ./.build/debug/minictl ./.build/debug/catalogd ./.build/debug/termshell

## cluster: catalogd as REPLICAS replicas (default 3) on a throwaway PostgreSQL behind nginx, seeded with the demo
## data; prints the balancer's URL and the tokens, and stops everything on Enter or Ctrl-C (docs/SCALING.md)
REPLICAS ?= 3
cluster: programs
	./scripts/cluster.sh run --replicas $(REPLICAS)

format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift

lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift

clean:
	rm -rf .build
