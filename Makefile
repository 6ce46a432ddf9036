# Every target creates or reuses .venv and installs the package with its pinned extras first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export POLARS_MAX_THREADS ?= 2

.PHONY: history test test-fast lint typecheck venv clean

venv: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip>=25.1"
	$(BIN)/python -m pip install -q -c constraints.txt -e ".[dbt,bench]" --group dev
	touch $(STAMP)

## The project's main job (see README): until the benchmark history lands, generate, validate
## and ingest a batch of events into a DuckDB file and print the figures.
history: $(STAMP)
	$(BIN)/planalign demo --events 200000 --db out/demo.duckdb

lint: $(STAMP)
	$(BIN)/ruff check planalign_core tests benchmarks
	$(BIN)/ruff format --check planalign_core tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

## The whole test suite: lint, types, then pytest (slow end-to-end tests included).
test: lint typecheck
	$(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

clean:
	rm -rf $(VENV) .asv out .pytest_cache .mypy_cache .ruff_cache .hypothesis
