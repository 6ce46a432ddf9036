"""A participant's history rebuilt from its events (rules, "History reconstruction").

The one consumer of ``fct_yearly_events`` as stored. The starting point is the participant's row
of ``int_baseline_workforce`` (the census is not an event) and the rules' numbers come from the
run's configuration recorded in ``run_metadata``; everything that happens after the census date
is read from the events: level, pay and deferral rate from the workforce and participation
events, contributions and forfeitures from the money events. The daily deferral accrual and the
year-end investment return are recomputed from the rules, in plain Python integers: an
independent translation, so that agreeing with the engine's tables is evidence, not tautology.

The package: ``state`` (sources, integer helpers, the state and the run), ``timeline`` (one
participant's history), ``reading`` (from a run's DuckDB file).
"""

from __future__ import annotations

from planalign_core.history.reading import load_history, read_run, state_as_of
from planalign_core.history.state import EMPLOYEE_SOURCES, EMPLOYER_SOURCES, SOURCES, Run, State
from planalign_core.history.timeline import History

__all__ = [
    "EMPLOYEE_SOURCES",
    "EMPLOYER_SOURCES",
    "SOURCES",
    "History",
    "Run",
    "State",
    "load_history",
    "read_run",
    "state_as_of",
]
