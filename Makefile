# MAST: `make demo` to try it, `make test` to run every test. Both set everything up from a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MAST := $(BIN)/mast
DEMO_PEOPLE ?= 3000
DEMO_SEED ?= 2026
PG_BIN := $(shell ls -d /usr/lib/postgresql/15/bin 2>/dev/null)

.PHONY: demo test lint format bench mutate setup assets postgres-binaries chromium pdf-libraries java clean

setup: $(VENV)/.installed assets

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "MAST needs Python 3.11 or newer"; exit 1; }
	@# A venv left without pip (set-up interrupted while it was being made) is made again, not half-used.
	$(BIN)/python -m pip --version >/dev/null 2>&1 || $(PYTHON) -m venv --clear $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

assets: node_modules/govuk-frontend/package.json

node_modules/govuk-frontend/package.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# PostgreSQL 15 server binaries for the second run of the test suite; installed from Debian when missing.
postgres-binaries:
	@if [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then \
		echo "Installing PostgreSQL 15 server binaries (Debian package postgresql-15)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql-15 >/dev/null; \
	fi

# Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium and never downloads a browser).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Installing Chromium for the browser tests (Debian package chromium)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

# Pango and a sans-serif font for WeasyPrint, which draws the board's monthly report as a PDF (pyproject.toml).
pdf-libraries:
	@if ! /sbin/ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || ! fc-list 2>/dev/null | grep -qi 'sans'; then \
		echo "Installing Pango and fonts for PDF reports (Debian packages libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fontconfig fonts-liberation >/dev/null; \
	fi

# Java 17 for Spark, which the tests run the matching on (local[2]) beside DuckDB (docs/scale.md, ADR 0024).
java:
	@if ! command -v java >/dev/null 2>&1; then \
		echo "Installing Java 17 for the Spark matching tests (Debian package openjdk-17-jre-headless)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq openjdk-17-jre-headless >/dev/null; \
	fi

# The demo's emails (alerts, requests) are written to var/mail/, one file each, instead of sent.
demo: export MAST_EMAIL_BACKEND ?= file
demo: setup pdf-libraries
	$(MAST) migrate --no-input
	$(MAST) collectstatic --no-input --verbosity 0
	$(MAST) demo --people $(DEMO_PEOPLE) --seed $(DEMO_SEED)
	@# The background worker runs feed uploads; it stops with the server (Ctrl-C).
	$(MAST) db_worker --verbosity 0 & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		MAST_DEMO=1 $(MAST) runserver 127.0.0.1:8000

# import-linter's contracts (pyproject.toml) keep the layers of DESIGN.md §2: a wrong import fails here.
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	PYTHONPATH=src $(BIN)/lint-imports

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: setup postgres-binaries chromium pdf-libraries java lint
	$(MAST) collectstatic --no-input --verbosity 0
	@echo "== test suite on SQLite =="
	$(BIN)/pytest
	@echo "== test suite on PostgreSQL 15 (throwaway cluster) =="
	MAST_TEST_DATABASE=postgresql $(BIN)/pytest

# Prints PASS or FAIL for each target and fails when one is missed (bench/judge.py).
bench: setup postgres-binaries
	$(BIN)/python -m bench

# Mutation testing of the gate, feed validation, the linkage decision, clustering and retention (docs/testing.md).
# Slow (an hour or more); not part of `make test` or CI. MUTATE_AREAS="gate retention" for fewer.
MUTATE_AREAS ?= gate validation retention linkage clustering
mutate: setup
	BIN=$(BIN) mutation/run.sh $(MUTATE_AREAS)

clean:
	rm -rf $(VENV) node_modules var/static .pytest_cache
