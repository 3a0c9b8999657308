# Altitude: `make run` serves the app with a demo; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
VENDOR := src/altitude/static/vendor

.PHONY: run install static test test-sqlite test-postgres lint bench clean help

help:
	@echo "make run     install into .venv, migrate var/altitude.sqlite3, load the demo, serve on http://$(HOST):$(PORT)"
	@echo "make test    the whole suite on SQLite, then on a throwaway PostgreSQL cluster (+ headless Chromium)"
	@echo "make lint    ruff, mypy, manage.py check, makemigrations --check"
	@echo "make bench   benchmarks against the peers (TaskJuggler, trueppm-scheduler, MPXJ)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Re-install only when the dependency files change.
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev,peers]'
	@touch $@

install: $(VENV)/.installed

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(VENDOR)/.built: node_modules/.package-lock.json
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	cp node_modules/frappe-gantt/dist/frappe-gantt.umd.js node_modules/frappe-gantt/dist/frappe-gantt.css $(VENDOR)/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/
	@touch $@

static: $(VENDOR)/.built

run: install static
	$(BIN)/altitude serve --demo --host $(HOST) --port $(PORT)

test: install static
	bash scripts/test.sh

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run

bench: install static
	@status=0; for f in benchmarks/bench_*.py; do echo "=== $$f"; $(BIN)/python $$f || { echo "=== $$f: a target was missed"; status=1; }; done; exit $$status

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var
