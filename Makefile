# Gongkai: `make run` starts the demo on http://127.0.0.1:8000, `make test` runs every check.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export GONGKAI_VAR_DIR ?= $(CURDIR)/var

.PHONY: run test lint typecheck pytest install install-test lock migrate demo clean bench-screen bench-import bench-search bench-report

$(VENV)/.installed: pyproject.toml requirements.lock
	@$(PY) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "需要 Python 3.11 或更高版本（当前：$$($(PY) --version)）"; exit 1; }
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.lock
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-test.lock
	@touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

migrate: install
	$(BIN)/gongkai migrate --noinput

demo: migrate
	$(BIN)/gongkai demo load
	$(BIN)/gongkai search apply

run: demo
	@scripts/run.sh

lint: install-test
	$(BIN)/ruff check gongkai tests
	$(BIN)/ruff format --check gongkai tests

typecheck: install-test
	$(BIN)/mypy gongkai

pytest: install-test
	@scripts/test.sh

test: lint typecheck pytest

# Benchmarks: separate commands, never timed assertions inside the tests.
# The corpus into a fresh SQLite database (and a temporary PostgreSQL one when
# DATABASE_URL=postgres://... is set; needs CREATEDB).
bench-import: install
	$(BIN)/python -m gongkai.publishing.bench_import --runs 3

# 1,000,000 synthetic documents: build, 200 queries by frequency band, 16 HTTP clients.
bench-search: install
	$(BIN)/python -m gongkai.search.bench --http

# The annual report over 100,000 requests (a temporary database), median of 5.
bench-report: install
	$(BIN)/python -m gongkai.reports.bench

bench-screen: install-test
	$(BIN)/python -m gongkai.screening.bench

# Regenerate the lock files from pyproject.toml (needs network access to PyPI).
lock: install-test
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml -o requirements.lock --python-version 3.11 --no-header -q
	$(BIN)/uv pip compile pyproject.toml --extra test -o requirements-test.lock --python-version 3.11 --no-header -q

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
