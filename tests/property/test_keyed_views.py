"""Whatever runs write into one file, in any order, a run table's view holds exactly each
scenario's last write (``planalign_core.store.keyed``): its strings, whatever characters they
hold, and its rows, whatever the other scenarios wrote before or after."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from planalign_core.events.synthetic import synthetic_events
from planalign_core.store import EVENTS_TABLE, Database
from planalign_core.store.tables import SNAPSHOT_TABLE

NAMES = st.text(alphabet="ab'\" ;-é", min_size=1, max_size=6)
WRITE = st.tuples(
    NAMES,  # scenario_id
    NAMES,  # plan_design_id
    st.lists(st.integers(-(2**40), 2**40), max_size=5),  # the rows' figures
    st.booleans(),  # written in two parts (a first write, then an append)
)
SCHEMA = {"scenario_id": pl.String, "plan_design_id": pl.String, "amount": pl.Int64}


def rows(scenario: str, plan: str, values: list[int]) -> pl.DataFrame:
    n = len(values)
    data = {"scenario_id": [scenario] * n, "plan_design_id": [plan] * n, "amount": values}
    return pl.DataFrame(data, schema=SCHEMA)


@settings(max_examples=40, deadline=None)
@given(st.lists(WRITE, min_size=1, max_size=6))
def test_a_view_holds_each_scenarios_last_write(
    writes: list[tuple[str, str, list[int], bool]],
) -> None:
    expected: dict[str, pl.DataFrame] = {}
    with Database(":memory:") as db:
        for scenario, plan, values, in_two_parts in writes:
            frame = rows(scenario, plan, values)
            if in_two_parts and frame.height > 1:
                with db.transaction():
                    db.replace_scenario_rows(SNAPSHOT_TABLE, frame.head(1), scenario)
                    db.append(SNAPSHOT_TABLE, frame.slice(1))
            else:
                db.replace_scenario_rows(SNAPSHOT_TABLE, frame, scenario)
            expected[scenario] = frame
        stored = db.query(f'SELECT * FROM "{SNAPSHOT_TABLE}"')
    want = pl.concat(list(expected.values())).sort(pl.all())
    assert_frame_equal(stored.sort(pl.all()), want)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["a", "b'", "c"]), st.integers(0, 40), st.integers(0, 99)),
        min_size=1,
        max_size=4,
    ),
    st.data(),
)
def test_the_events_view_holds_each_scenarios_last_write_across_its_parts(
    writes: list[tuple[str, int, int]], data: st.DataObject
) -> None:
    """Events of both stored parts (``store/parts.py``), in writes cut anywhere."""
    expected: dict[str, pl.DataFrame] = {}
    with Database(":memory:") as db:
        for scenario, n, seed in writes:
            frame = synthetic_events(n, seed=seed, scenario_id=scenario)
            cut = data.draw(st.integers(0, n), label="first write's rows")
            with db.transaction():
                db.replace_scenario_rows(EVENTS_TABLE, frame.head(cut), scenario)
                db.append(EVENTS_TABLE, frame.slice(cut))
            expected[scenario] = frame
        stored = db.read_events()
    order = ["event_id", "scenario_id"]
    assert_frame_equal(stored.sort(order), pl.concat(list(expected.values())).sort(order))
