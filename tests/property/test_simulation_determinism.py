"""Randomness properties: same seed same bits; another seed reshuffles; row order and chunking
change nothing (docs/rules.md, "Random draws")."""

from __future__ import annotations

import itertools

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from planalign_core.census import synthesize_census
from planalign_core.engines.polars_engine import participation, workforce
from planalign_core.engines.polars_engine.baseline import baseline, initial_state
from planalign_core.rules.headcount import hire_counts
from tests.property.sim_strategies import Scenario, scenarios, simulate


def _frames(scenario: Scenario, census: pl.DataFrame | None = None) -> list[pl.DataFrame]:
    run = simulate(scenario, census)
    frames = [run.baseline]
    for year in run.years:
        frames += [year.result.events, year.result.snapshot, year.result.state, year.accumulator]
    return frames


@settings(max_examples=10)
@given(scenarios())
def test_double_run_has_zero_diff(scenario: Scenario) -> None:
    """Running the same scenario twice gives identical frames, bit for bit."""
    first, second = _frames(scenario), _frames(scenario)
    assert all(a.equals(b) for a, b in zip(first, second, strict=True))


@settings(max_examples=10)
@given(scenarios(), st.randoms(use_true_random=False))
def test_census_row_order_changes_nothing(scenario: Scenario, rnd: object) -> None:
    """Shuffling the census rows gives identical outputs."""
    census = synthesize_census(
        scenario.employees, scenario.seed, scenario.start_year, scenario.config
    )
    order = list(range(census.height))
    rnd.shuffle(order)  # type: ignore[attr-defined]
    shuffled = census[order]
    first, second = _frames(scenario, census), _frames(scenario, shuffled)
    assert all(a.equals(b) for a, b in zip(first, second, strict=True))


def _year_columns(scenario: Scenario, frame: pl.LazyFrame, year: int) -> pl.LazyFrame:
    config = scenario.config
    frame = workforce.pay_changes(frame, config, year)
    frame = participation.enrolment(frame, config, year)
    frame = participation.escalation(frame, config, year)
    return participation.end_of_year(frame, config, year)


@settings(max_examples=15)
@given(scenarios(max_years=1), st.integers(1, 7))
def test_chunking_changes_no_decision(scenario: Scenario, chunks: int) -> None:
    """Per-employee decisions computed on chunks of the workforce, or by Polars' streaming
    engine (which splits rows into morsels), equal those computed on the whole."""
    config, keys, year = scenario.config, scenario.keys, scenario.start_year
    census = synthesize_census(scenario.employees, scenario.seed, year, config)
    state = initial_state(baseline(census, config, year), keys)
    size = -(-state.height // chunks)
    parts = [state.slice(i, size) for i in range(0, state.height, size)]

    def experienced(frame: pl.DataFrame) -> pl.DataFrame:
        return workforce.experienced_terminations(frame.lazy(), config, keys, year).collect()

    whole = experienced(state)
    assert pl.concat([experienced(p) for p in parts]).equals(whole)
    hires, leavers = hire_counts(whole.height, int(whole["terminated"].sum()), config)
    joined = pl.concat(
        [whole, workforce.new_hires(hires, leavers, config, keys, year)], how="diagonal_relaxed"
    )
    full = _year_columns(scenario, joined.lazy(), year).collect()
    size = -(-joined.height // chunks)
    pieces = [
        _year_columns(scenario, joined.slice(i, size).lazy(), year).collect()
        for i in range(0, joined.height, size)
    ]
    assert pl.concat(pieces).equals(full)
    streamed = _year_columns(scenario, joined.lazy(), year).collect(engine="streaming")
    assert streamed.equals(full)


def _terminated(census: pl.DataFrame, scenario: Scenario) -> set[str]:
    events = simulate(scenario, census).years[0].result.events
    leavers = events.filter(
        (pl.col("event_type") == "termination") & ~pl.col("employee_id").str.starts_with("NH")
    )
    return set(leavers["employee_id"].to_list())


def test_another_seed_reshuffles_terminations() -> None:
    """On one census, the terminated employees of two seeds overlap as chance gives: the share
    of seed A's leavers who also leave under seed B is about the termination rate, no more."""
    base = Scenario(2000, 1, 2025, 1)
    census = synthesize_census(2000, 1, 2025, base.config)
    sets = [_terminated(census, Scenario(2000, 1, 2025, seed)) for seed in range(8)]
    rate = sum(len(s) for s in sets) / len(sets) / census.height
    shares = [len(a & b) / len(a) for a, b in itertools.combinations(sets, 2)]
    mean_share = sum(shares) / len(shares)
    # Independent draws give E[share] = sum(p_i^2) / sum(p_i), a little above the mean rate
    # because rates vary by tenure and level; a seed ignored by a draw would give ~1.
    assert 0.6 * rate < mean_share < 1.6 * rate, (rate, mean_share)
    assert max(shares) < 2 * rate


def test_another_seed_reshuffles_every_decision_stream() -> None:
    """Each random decision moves with the seed: the overlap of two seeds' choices is what
    chance gives (a draw that ignored the seed would repeat its choices, overlap 1)."""
    overrides = (
        '{"enrollment": {"auto": {"opt_out_rate": 0.5}}, "escalation": {"opt_out_rate": 0.5}}'
    )
    census = synthesize_census(1000, 3, 2025, Scenario(1000, 1, 2025, 3, overrides).config)
    source = pl.col("enrollment_source")
    choices = {
        "hire dates": (pl.col("event_type") == "hire", "effective_date"),
        "merit rates": (pl.col("event_type") == "merit", "merit_rate"),
        "promotions": (pl.col("event_type") == "promotion", "to_level"),
        "voluntary enrolments": (source == "voluntary", "pre_tax_rate"),
        "opt-outs": (source == "opt_out", "effective_date"),
        "escalations": (pl.col("event_type") == "deferral_escalation", "new_rate"),
    }

    def decisions(seed: int) -> dict[str, set[object]]:
        run = simulate(Scenario(1000, 1, 2025, seed, overrides), census)
        events = run.years[0].result.events
        return {
            kind: set(events.filter(where).select("employee_id", column).iter_rows())
            for kind, (where, column) in choices.items()
        }

    first, second = decisions(11), decisions(12)
    for kind in choices:
        assert first[kind], kind
        overlap = len(first[kind] & second[kind]) / len(first[kind])
        assert overlap < 0.75, (kind, overlap)
