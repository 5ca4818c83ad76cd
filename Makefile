# credcat front door. `make demo` and `make test` bootstrap .venv from requirements.lock on first use.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(abspath $(VENV))/bin
STAMP := $(VENV)/.installed
export DAGSTER_HOME := $(abspath dagster_home)
export SCRAPY_SETTINGS_MODULE := spiders.settings

.PHONY: venv demo test lint dagster bench evaluate lock clean

venv: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "credcat needs Python 3.11 or newer")'
	@echo "credcat: first run: creating $(VENV) and installing the pinned dependencies from requirements.lock (a few minutes)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock 2> >(grep -v "is ignored: it is neither" >&2)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e . 2> >(grep -v "is ignored: it is neither" >&2)
	@# bytecode once, here: with PYTHONDONTWRITEBYTECODE=1 (set on our machines) nothing else writes it, and every
	@# process would compile the ~2,000 modules it imports (~4 s of each refresh; docs/scaling.md)
	$(BIN)/python -m compileall -q -j 0 $(VENV)/lib > /dev/null
	@touch $(STAMP)

## Run the whole pipeline on the bundled offline snapshot and leave a queryable catalogue in data/.
demo: $(STAMP)
	$(BIN)/credcat refresh --offline
	$(BIN)/credcat sql "select credential_type, count(*) as credentials from credentials group by 1 order by 2 desc"

## Run the test suite.
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Lint the tree with ruff (rules in pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check .

## Open the Dagster UI with the daemon running (schedules fire only while it runs).
dagster: $(STAMP)
	$(BIN)/dagster dev -m pipeline.definitions

## Benchmarks (speed and memory targets live here, not in tests). Adds Splink, a benchmark-only dependency,
## from requirements-bench.lock. They read ../shared/data when it is there and say so; they run without it.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-bench.lock 2> >(grep -v "is ignored: it is neither" >&2)
	$(BIN)/python benchmarks/normalise_benchmark.py --pipeline
	$(BIN)/python -m benchmarks.dedupe_benchmark --scales 10000,100000,1000000 --splink-max 100000

## Evaluations against labelled data (skill mapping: repository files; deduplication: ../shared/data).
evaluate: $(STAMP)
	$(BIN)/python -m evaluation.evaluate_skill_mapping
	$(BIN)/python -m evaluation.evaluate_dedupe

## Re-resolve the lock files from pyproject.toml (maintainers only).
lock:
	$(PYTHON) -m pip install --quiet uv
	$(PYTHON) -m uv pip compile pyproject.toml --extra dev -o requirements.lock --python-version 3.11
	$(PYTHON) -m uv pip compile pyproject.toml --extra dev --extra bench -o requirements-bench.lock --python-version 3.11

clean:
	rm -rf $(VENV) data/raw data/build
