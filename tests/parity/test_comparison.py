"""The parity comparison itself can fail: it finds a changed value, a missing row, a duplicated
row and a type change, and shows the differing rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl

from tests.parity.parity import differences, table_difference

KEY = ("employee_id", "simulation_year")


def _snapshot() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "employee_id": ["E0000001", "E0000002", "NH2025_0000001"],
            "simulation_year": pl.Series([2025, 2025, 2025], dtype=pl.Int32),
            "hire_date": [date(2020, 1, 1), date(2021, 6, 30), date(2025, 3, 1)],
            "annual_compensation": pl.Series(
                [Decimal("50000.00"), Decimal("61000.50"), None], dtype=pl.Decimal(18, 2)
            ),
            "source_event_ids": [["a"], [], ["b", "c"]],
        }
    )


def test_identical_tables_in_any_order_agree() -> None:
    frame = _snapshot()
    assert table_difference("t", frame, frame.reverse(), KEY) is None


def test_a_changed_cent_is_reported_with_both_rows() -> None:
    frame = _snapshot()
    changed = frame.with_columns(
        pl.when(pl.col("employee_id") == "E0000002")
        .then(pl.lit(Decimal("61000.51")))
        .otherwise(pl.col("annual_compensation"))
        .cast(pl.Decimal(18, 2))
        .alias("annual_compensation")
    )
    report = table_difference("snap", frame, changed, KEY)
    assert report is not None
    assert "1 only in polars, 1 only in dbt" in report
    assert "61000.50" in report and "61000.51" in report


def test_a_missing_row_and_a_duplicate_are_reported() -> None:
    frame = _snapshot()
    missing = table_difference("snap", frame, frame.head(2), KEY)
    assert missing is not None and "NH2025_0000001" in missing
    doubled = table_difference("snap", frame, pl.concat([frame, frame.head(1)]), KEY)
    assert doubled is not None and "3 rows (polars) vs 4 (dbt)" in doubled


def test_a_type_change_is_a_difference() -> None:
    frame = _snapshot()
    retyped = frame.with_columns(pl.col("simulation_year").cast(pl.Int64))
    report = table_difference("snap", frame, retyped, KEY)
    assert report is not None and "schemas differ" in report and "simulation_year" in report


def test_a_list_order_matters() -> None:
    frame = _snapshot()
    reordered = frame.with_columns(pl.col("source_event_ids").list.reverse())
    assert table_difference("snap", frame, reordered, KEY) is not None


def test_every_table_is_compared() -> None:
    frame = _snapshot()
    assert differences({"a": frame}, {"b": frame}) == ["tables differ: polars ['a'] vs dbt ['b']"]
