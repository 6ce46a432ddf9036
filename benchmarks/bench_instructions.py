"""Instructions the Polars engine executes for a small run: a count that load cannot move.

Wall and CPU time of the same code move with the machine's other work (docs/benchmarks.md,
"The drill"); the number of instructions a deterministic, single-threaded computation executes
does not. Hardware counters are not available on this project's VMs, so valgrind's callgrind
counts them (in software, about 50 times slower than native: hence a small run).

The measured child process imports planalign and loads the census with instrumentation off
(``--instr-atstart=no``), switches it on (``callgrind_control -i on``) just before the engine
runs and off after the last year's weekly tables: the count is the engine's compute, not the
imports, which would dilute a slowdown of the engine (2.2 G instructions for a 200 x 1 process,
0.29 G of them the engine). Polars runs on one thread (``POLARS_MAX_THREADS=1``), which keeps
work stealing out of the count but not all timing: its idle worker spins a little before it
sleeps. Measured with ``python -m benchmarks.bench_instructions 3 [--busy]`` (2026-11-26, the
test suite running beside it): counts of the same code 562.1-562.9 M (spread 0.06-0.16 %), and
565.8-566.2 M beside a busy loop on one core (+0.6 %). The compare's floor for showing a change
(``COUNT_FLOOR``, 2 %) is above both; its threshold is the time's, +15 %.

The count is comparable across commits on one kind of CPU; a CPU with other vector extensions
may take other code paths in Polars, so a history still keeps machines apart.

Skipped (``NotImplementedError``) where valgrind is not installed (Debian: ``apt-get install
valgrind``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

from .common import SEED, require
from .runs import START_YEAR, census_file

EMPLOYEES, YEARS = 300, 2
COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")
# The child: the engine between two callgrind toggles, over the same census file every commit.
CHILD = """
import os, subprocess, sys
from planalign_core.census import load_census
from planalign_core.config import load_config
from planalign_core.engines import polars_engine as engine

path, seed, start, years = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
config = load_config()
census = load_census(path, start, config)
keys = engine.RunKeys(seed, "bench", config.plan_design_id, start, years)
def toggle(state):
    subprocess.run(["callgrind_control", "-i", state, str(os.getpid())], check=True,
                   capture_output=True)
toggle("on")
for year in engine.run_years(census, config, keys, weekly=True).years:
    weekly = getattr(year, "weekly_tables", None)
    if callable(weekly):
        weekly()
toggle("off")
"""


def count_instructions(employees: int, years: int) -> int:
    """Instructions of the engine's run of ``employees`` x ``years``, counted by callgrind."""
    command = [
        "valgrind", "--tool=callgrind", "--instr-atstart=no", "--callgrind-out-file=/dev/null",
        sys.executable, "-c", CHILD, str(census_file(employees)), str(SEED), str(START_YEAR),
        str(years),
    ]  # fmt: skip
    env = {**os.environ, "POLARS_MAX_THREADS": "1", "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    found = COLLECTED.findall(done.stderr)
    if done.returncode != 0 or not found:
        raise RuntimeError(f"callgrind failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return int(found[-1])


class EngineInstructions:
    """The Polars engine, 300 employees x 2 years, weekly tables included: instructions.

    Judged as a time (the +15 % threshold), and any change of 2 % or more is reported: the
    count moves by under 1 % with load, so the p-value a sampled time needs is not."""

    timeout = 900
    unit = "instructions"
    repeat = 1
    number = 1

    def setup(self) -> None:
        if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
            raise NotImplementedError("valgrind is not installed")
        require("planalign_core.engines.polars_engine", "run_years")
        census_file(EMPLOYEES)  # written once per machine, before anything is counted

    def track_engine_instructions(self) -> int:
        return count_instructions(EMPLOYEES, YEARS)


def _busy_loop() -> None:  # a neighbour: one core kept busy until terminated
    while True:
        pass


def main() -> None:
    """``python -m benchmarks.bench_instructions [REPEAT] [--busy]``: count REPEAT times (3),
    beside a busy loop with ``--busy``, and print the counts and their spread."""
    import multiprocessing  # noqa: PLC0415 - only for this measurement

    repeat = int(next((a for a in sys.argv[1:] if a.isdigit()), "3"))
    neighbour = multiprocessing.Process(target=_busy_loop, daemon=True)
    if "--busy" in sys.argv:
        neighbour.start()
    try:
        counts = [count_instructions(EMPLOYEES, YEARS) for _ in range(repeat)]
    finally:
        if neighbour.is_alive():
            neighbour.terminate()
    spread = (max(counts) - min(counts)) / min(counts)
    print(f"{EMPLOYEES} x {YEARS}: {counts}, spread {spread:.3%}")


if __name__ == "__main__":
    main()
