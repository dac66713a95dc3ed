# Needs only Python 3.11, Node.js 20 and GNU make: PostgreSQL and Redis come from PyPI packages
# (embedded), never from the machine.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
# Prerequisites run one after another, in the order listed (`test` relies on it).
.NOTPARALLEL:

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.installed
NODE_STAMP := frontend/node_modules/.installed
DIST := frontend/dist/index.html
FRONTEND_SOURCES := $(shell find frontend/src frontend/public -type f 2>/dev/null) \
	$(wildcard frontend/index.html frontend/package.json frontend/vite.config.* frontend/tsconfig*.json)

HOST ?= 127.0.0.1
PORT ?= 8000
# Exits non-zero unless the interpreter it runs in is 3.11.
IS_PY311 := -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'

.PHONY: help install lock frontend-build bundle-size run test chromium lint typecheck openapi-check \
	test-python test-frontend e2e fmt openapi clean

help:
	@echo "make run             install, build the web app and serve it (HOST, PORT; DATABASE_URL"
	@echo "                     and REDIS_URL if set, else embedded servers under var/)"
	@echo "make test            everything CI runs: linters, types, contracts, tests, browser test"
	@echo "make install         Python venv from requirements.lock and frontend node_modules"
	@echo "make lock            regenerate requirements.lock from pyproject.toml"
	@echo "make fmt | lint | typecheck | openapi | frontend-build | bundle-size | e2e | clean"
	@echo "make bench-scale     1,000,000 deals into a fresh database, then list/board/search"
	@echo "                     latencies against their targets (BENCH_ARGS=\"--deals 100000\")"
	@echo "make bench-onec      a full 1C exchange of 200,000 documents: seconds and peak memory"

install: $(PY_STAMP) $(NODE_STAMP)

$(PY_STAMP): pyproject.toml requirements.lock
	@test -n "$(PYTHON)" || { echo "Python 3.11 is required: no python3.11 or python3 found" >&2; exit 1; }
	@$(PYTHON) $(IS_PY311) || { echo "Python 3.11 is required; $(PYTHON) is $$($(PYTHON) --version)" >&2; exit 1; }
	@# A venv left by another Python version is rebuilt rather than patched.
	@$(BIN)/python $(IS_PY311) 2>/dev/null || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

$(NODE_STAMP): frontend/package-lock.json frontend/package.json
	cd frontend && npm ci --no-audit --no-fund
	@touch $@

# Resolves pyproject.toml afresh in a throw-away venv; the lock holds exact versions only.
lock:
	@test -n "$(PYTHON)" && $(PYTHON) $(IS_PY311) || { echo "Python 3.11 is required" >&2; exit 1; }
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(PYTHON) -m venv "$$tmp/venv" && \
	"$$tmp/venv/bin/pip" install --disable-pip-version-check -e '.[dev]' && \
	"$$tmp/venv/bin/pip" freeze --exclude-editable | grep -v -e '^-' > "$$tmp/requirements.lock" && \
	mv "$$tmp/requirements.lock" requirements.lock
	@echo "requirements.lock updated; run make install"

frontend-build: $(DIST)

$(DIST): $(NODE_STAMP) $(FRONTEND_SOURCES)
	cd frontend && npm run build
	@touch $@

# Each built asset's gzip size; fails when the sign-in page's first download is over budget.
bundle-size: frontend-build
	cd frontend && npm run size

run: install frontend-build
	$(BIN)/crm serve --host $(HOST) --port $(PORT)

test: install chromium lint typecheck openapi-check test-python test-frontend frontend-build \
	bundle-size e2e

# The browser test drives Debian's Chromium (browsers cannot be downloaded by npm here).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" -eq 0 ]; then \
			apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
		else \
			echo "warning: /usr/bin/chromium is missing; as root: apt-get install chromium" >&2; \
		fi; \
	fi

lint: $(PY_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(PY_STAMP)
	$(BIN)/mypy

openapi-check: $(PY_STAMP)
	$(BIN)/crm export-openapi --check

# Parallel (pytest-xdist) where there is more than one core: each worker has its own database,
# embedded servers and Redis database. On 2 cores the suite took 33 s with -n 2 against 51 s
# with -n 0. PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= $(shell [ "$$(nproc 2>/dev/null || echo 1)" -gt 1 ] && echo auto || echo 0)

test-python: $(PY_STAMP)
	$(BIN)/pytest -n $(PYTEST_WORKERS)

test-frontend: $(NODE_STAMP)
	cd frontend && npm run check:api
	cd frontend && npm run lint
	cd frontend && npm test

e2e: install frontend-build
	scripts/e2e.sh

fmt: $(PY_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Writes openapi.yaml from the app, then the SPA's typed client from openapi.yaml.
openapi: install
	$(BIN)/crm export-openapi
	cd frontend && npm run gen:api

# Loads 1,000,000 deals into a fresh database (BENCH_DATABASE_URL, else an embedded PostgreSQL
# under var/bench) and prints each request's p50/p99 against its target; see bench/scale.py.
BENCH_ARGS ?=
.PHONY: bench-scale
bench-scale: $(PY_STAMP)
	$(BIN)/python bench/scale.py $(BENCH_ARGS)

# A full 1C exchange (10,000 products, 200,000 documents of 100,000 counterparties) against a
# server on a fresh database (BENCH_DATABASE_URL, REDIS_URL): seconds per phase and peak
# memory against 60 s and 300 MB; see bench/onec.py (BENCH_ARGS="--scale 0.1").
.PHONY: bench-onec
bench-onec: $(PY_STAMP)
	$(BIN)/python bench/onec.py $(BENCH_ARGS)

# Build output and caches only: var/ (the dev database) and the installs stay.
clean:
	rm -rf frontend/dist frontend/test-results frontend/playwright-report var/test var/e2e \
		.pytest_cache .mypy_cache .ruff_cache .import_linter_cache build
	find . \( -path ./.venv -o -path ./frontend/node_modules \) -prune -o \
		-name __pycache__ -type d -exec rm -rf {} +
