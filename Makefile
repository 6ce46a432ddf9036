# Every target creates or reuses .venv and installs the package with its pinned extras first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export POLARS_MAX_THREADS ?= 2

.PHONY: history bench-pr bench-drill bench-preview test test-fast lint typecheck venv clean

venv: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip>=25.1"
	$(BIN)/python -m pip install -q -c constraints.txt -e ".[dbt,bench,sweep]" --group dev
	touch $(STAMP)

## The project's main job (see README, "Benchmarks"): run the asv suite over the last COMMITS
## commits of main in virtualenvs, publish the HTML history to .asv/html and print its path.
COMMITS ?= 5
history: $(STAMP)
	$(BIN)/python -m tools.bench_history --commits $(COMMITS)

## Pull-request check: asv continuous BASE (default origin/main, else main) vs HEAD; prints a
## Markdown table; exit 1 on a regression, 2 when a benchmark failed to run. Slow parameters
## (100k x 5 runs, 1M-event ingest) are skipped as in the pull-request workflow; SLOW=1 keeps them.
BASE ?=
SLOW ?=
bench-pr: $(STAMP)
	ASV_SKIP_SLOW=$(if $(SLOW),0,1) $(BIN)/python -m tools.bench_pr $(if $(BASE),--base $(BASE))

## The verdict drill (docs/benchmarks.md, "The drill"): CHECKS A/A checks and CHECKS checks
## of injected 10 % and 25 % slowdowns of the 5k x 5 pipeline, in a throwaway clone; BUSY=1
## adds a busy loop on one core; DRILL_BENCH is the benchmark subset the checks run.
CHECKS ?= 20
DRILL_BENCH ?= bench_simulation.Pipeline
BUSY ?=
bench-drill: $(STAMP)
	$(BIN)/python -m tools.bench_drill --checks $(CHECKS) --bench '$(DRILL_BENCH)' $(if $(BUSY),--busy)

## Serve the published history at http://127.0.0.1:$(PORT)/
PORT ?= 8080
bench-preview: $(STAMP)
	$(BIN)/python -m tools.bench_preview --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check planalign_core tests benchmarks tools
	$(BIN)/ruff format --check planalign_core tests benchmarks tools
	$(BIN)/sqlfluff lint --processes 0 --disable-progress-bar dbt/models dbt/tests

typecheck: $(STAMP)
	$(BIN)/mypy

## The whole test suite: lint, types, then pytest (slow end-to-end tests included) on one
## worker more than the cores (many tests wait on one-threaded pip, dbt or a subprocess; on 2
## workers the 2 cores were busy 1.3 on average); a test module's tests stay on one worker
## (--dist loadfile: they share its fixtures).
WORKERS ?= $(shell expr $$(nproc) + 1)
test: lint typecheck
	$(BIN)/python -m pytest -n $(WORKERS) --dist loadfile --durations=25

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

clean:
	rm -rf $(VENV) .asv out .pytest_cache .mypy_cache .ruff_cache .hypothesis
