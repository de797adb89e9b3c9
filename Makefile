# Latch's two commands:  `make run`  and  `make test`.  Everything else here serves them, or is
# a faster part of `make test` for the edit-compile-test loop (`make check`).
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: help run test check watch setup-run setup-test lint lint-cheap audit test-sqlite test-postgres soak e2e e2e-with-test-build build-release postgres-up setup-bench bench attack

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

run: setup-run ## set up what is missing, then run Latch on http://127.0.0.1:3000 (SQLite + dev mailbox, hot reload)
	cargo leptos watch --split

test: setup-test lint-cheap audit test-sqlite test-postgres soak e2e-with-test-build ## set up what is missing, then run every check and test
	@echo "All checks and tests passed."

# `make test` runs clippy while it builds instead of in a pass of its own: cargo hands Latch's
# own crates (never the dependencies) to clippy-driver in place of rustc, which lints them and
# then compiles them as usual. The dependencies are then compiled once, for the tests and the
# release build, rather than a second time in clippy's check mode (minutes on 2 cores). Same
# lints and same `-D warnings` as `make lint`: the host test build lints the server side, the
# release build lints the browser side (wasm32, `hydrate`).
test: export RUSTC_WORKSPACE_WRAPPER := clippy-driver
test: export CLIPPY_ARGS := -Dwarnings

check: lint-cheap ## the fast inner loop: rustfmt, clippy (workspace, warnings are errors), unit + integration tests on SQLite
	cargo clippy --workspace --all-targets -- -D warnings
	cargo test

setup-run:
	@scripts/setup run

setup-test:
	@# Tools are installed with plain rustc: the lint-while-building wrapper is for Latch only.
	@env -u RUSTC_WORKSPACE_WRAPPER -u CLIPPY_ARGS scripts/setup test

setup-bench:
	@scripts/setup bench

lint: lint-cheap ## rustfmt and clippy (warnings are errors), server and browser builds
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p latch-frontend --target wasm32-unknown-unknown -- -D warnings

# What `make lint` checks without compiling anything.
lint-cheap:
	cargo fmt --all --check
	@# The browser bundle must never compile server-only crates.
	@if cargo tree -p latch-frontend --target wasm32-unknown-unknown -e normal --prefix none \
	    | grep -E '^(sea-orm|sqlx|lettre|argon2|tokio|mio|chrono-tz|latch-core) '; then \
	  echo "server-only crates in the browser build (above)"; exit 1; fi
	@# The UI's server side reaches the database only through latch-core's services.
	@if cargo tree -p latch-app -e normal --features ssr --prefix none --depth 1 \
	    | grep -E '^sea-orm '; then \
	  echo "latch-app depends on sea-orm (above): database code belongs in latch-core"; exit 1; fi

audit: ## cargo-deny: advisories (offline RustSec snapshot), licenses, bans, sources
	@scripts/audit

test-sqlite: ## unit + integration tests on SQLite
	cargo test

test-postgres: postgres-up ## the integration suite again, on PostgreSQL
	TEST_DATABASE_URL=$(PG_URL) cargo test --test api

soak: postgres-up ## resilience tests that need PostgreSQL: two latch processes on one database, a database outage (about a minute)
	TEST_DATABASE_URL=$(PG_URL) cargo test --test api resilience -- --ignored --test-threads=1

postgres-up:
	@scripts/postgres-up

build-release: ## the release binary and site (target/release/latch + target/site)
	cargo leptos build --release --precompress --split

e2e: build-release ## Playwright in Debian's Chromium against the release build, maildev as SMTP server
	@# The CRM stand-in of crm-behind-nginx.spec.ts (a debug build is plenty for it), and its
	@# unit tests (it is not a default member, so plain `cargo test` skips it).
	cargo test -p latch-example-crm
	cargo build -p latch-example-crm
	cd end2end && npx playwright test

# `make test`'s browser suite: the release site (the wasm bundle exactly as shipped, optimised
# and precompressed) served by the `latch` binary that `cargo test` has just built, instead of
# a second, optimised build of the whole server (about ten minutes on 2 cores).
e2e-with-test-build:
	cargo leptos build --release --precompress --frontend-only --split
	cargo test -p latch-example-crm
	cargo build -p latch-example-crm
	cd end2end && E2E_LATCH_BIN=$(CURDIR)/target/debug/latch npx playwright test

bench: setup-bench build-release ## benchmarks of the release build, each against a reference from the same run; writes bench/RESULTS.md
	@# The load generator's sources are bench/loadgen/ (see [[example]] in server/Cargo.toml).
	cargo build --release -p latch-server --example loadgen
	cargo test --release -p latch-core --lib --no-run
	bench/run

attack: setup-bench build-release ## hostile traffic against the release build (bursts, a blocked owner, junk methods and identifiers, an invitation flood); writes bench/ATTACK.md
	cargo build --release -p latch-server --example loadgen
	bench/attack
