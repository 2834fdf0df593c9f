# Two commands do all set-up on a fresh machine: `make run` and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt requirements-nodeps.txt | cksum | cut -d' ' -f1)
PYTEST_ARGS ?=
# Django 6 needs Python >= 3.12: take the newest on PATH, else one from pyenv's versions folder.
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3 $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { command -v $$p; break; }; done)

.PHONY: run test screenshots fuzz lint format check services stop bench-locomo bench-latency bench-extraction clean

$(STAMP): requirements.txt requirements-nodeps.txt
	@test -n "$(PYTHON)" || { echo "No Python >= 3.12 found; set PYTHON=/path/to/python3.12" >&2; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -r requirements-nodeps.txt
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

venv: $(STAMP)

## Start PostgreSQL/Redis if not given, migrate, bootstrap, then web + worker + beat (Ctrl-C stops).
run: $(STAMP)
	$(PY) manage.py runplatform

## The whole test suite on the real PostgreSQL, Redis and a real Celery worker, the console's
## browser tests in Debian's headless Chromium included (tests/browser; .ci/run installs it).
test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

## The console's screenshots (docs/console/*.png, 1440x900) taken by the browser tests in Chromium.
screenshots: $(STAMP)
	CONSOLE_SCREENSHOTS=docs/console $(PY) -m pytest -q tests/browser $(PYTEST_ARGS)

## schemathesis (--checks all) against the live platform on its own database (memplatform_fuzz,
## Redis db 6): fails on a server error, or a valid request refused / an invalid one accepted on
## /v1/. FUZZ_ARGS passes options (--max-time, --max-examples, --seed); see tests/fuzz.py.
FUZZ_ARGS ?=
fuzz: $(STAMP)
	$(PY) tests/fuzz.py $(FUZZ_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: $(STAMP)
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

services: $(STAMP)
	$(PY) -m memplatform.embedded start

stop: $(STAMP)
	$(PY) -m memplatform.embedded stop

## Benchmarks (figures: docs/benchmarks.md); each spawns its own server on its own database.
## BENCH_ARGS passes options, e.g. BENCH_ARGS=--tiny for a run of seconds that measures nothing.
BENCH_ARGS ?=
bench-locomo: $(STAMP)
	$(PY) bench/locomo.py $(BENCH_ARGS)

bench-latency: $(STAMP)
	$(PY) bench/latency.py $(BENCH_ARGS)

bench-extraction: $(STAMP)
	$(PY) bench/extraction.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
