"""Where a dbt engine run's time went: dbt's start-up and parse, the inputs, and per invocation
its wall time split into the nodes' SQL and dbt's own overhead (run metadata and the CLI's
lines). The driver (``dbt_driver``) fills it as the years run."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from planalign_core.engines.dbt_session import Invocation


@dataclass
class DbtTimings:
    """Where a run's time went: dbt's start-up and parse, then each invocation."""

    startup_seconds: float = 0.0
    parse_seconds: float = 0.0
    inputs_seconds: float = 0.0
    invocations: list[Invocation] = field(default_factory=list)

    def as_dict(self) -> dict[str, float]:
        """Flat figures for run metadata: ``dbt_<what>_seconds``."""
        out = {
            "dbt_startup_seconds": self.startup_seconds,
            "dbt_parse_seconds": self.parse_seconds,
            "dbt_inputs_seconds": self.inputs_seconds,
        }
        for invocation in self.invocations:
            name = _invocation_name(invocation.args)
            out[f"dbt_{name}_wall_seconds"] = invocation.wall_seconds
            out[f"dbt_{name}_sql_seconds"] = invocation.sql_seconds
            out[f"dbt_{name}_overhead_seconds"] = invocation.overhead_seconds
        return out


def _invocation_name(args: Sequence[str]) -> str:
    if "--vars" in args:
        year = json.loads(args[args.index("--vars") + 1])["simulation_year"]
        return f"{args[0]}_{year}"
    return args[0]


def timing_summary(timings: Mapping[str, float]) -> str | None:
    """The CLI's lines on dbt's time: start-up and parse, then per invocation the wall time
    split into dbt's overhead and the SQL it ran. None when the run did not use dbt."""
    runs = sorted(
        key.removesuffix("_wall_seconds").removeprefix("dbt_")
        for key in timings
        if key.startswith("dbt_") and key.endswith("_wall_seconds")
    )
    if not runs:
        return None
    lines = [
        f"dbt: start-up {timings.get('dbt_startup_seconds', 0.0):.2f} s, "
        f"parse {timings.get('dbt_parse_seconds', 0.0):.2f} s, "
        f"inputs {timings.get('dbt_inputs_seconds', 0.0):.2f} s",
        f"{'invocation':>12} {'wall s':>8} {'dbt s':>8} {'sql s':>8}",
    ]
    for name in runs:
        lines.append(
            f"{name:>12} {timings[f'dbt_{name}_wall_seconds']:>8.2f} "
            f"{timings[f'dbt_{name}_overhead_seconds']:>8.2f} "
            f"{timings[f'dbt_{name}_sql_seconds']:>8.2f}"
        )
    return "\n".join(lines)
