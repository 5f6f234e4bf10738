# PCRM: `make demo` serves a demo bank, `make test` runs the whole suite.
# Needs only Python 3.12+ and make; uv is installed into .tools/ on first use.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.12 || command -v python3)
export UV_PYTHON_DOWNLOADS := never
UV := .tools/bin/uv
VENV := .venv
PCRM := $(VENV)/bin/pcrm
PYTEST_ARGS ?=

.PHONY: demo test test-postgres lint typecheck bench install serve clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==0.13.8

$(VENV)/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --python $(PYTHON) $(UV_SYNC_ARGS)
	touch $@

install: $(VENV)/.synced

demo: install
	$(PCRM) demo

serve: install
	$(PCRM) serve

test: install
	$(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)

# The same suite against PostgreSQL (PCRM_TEST_DATABASE_URL, default: the local server).
test-postgres: install
	PCRM_DATABASE_URL=$${PCRM_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} \
		$(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint --lint pcrm
	$(VENV)/bin/lint-imports
	$(PCRM) makemigrations --check --dry-run

typecheck: install
	$(VENV)/bin/mypy pcrm

bench: install
	$(VENV)/bin/python -m bench

clean:
	rm -rf $(VENV) .tools var
