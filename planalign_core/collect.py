"""How planalign's lazy Polars queries run: on Polars' in-memory engine, named at each collect.

Polars 2 runs ``LazyFrame.collect()`` on its streaming engine unless told otherwise. planalign's
queries are many small-to-medium plans over frames that fit in memory (a year of 100k
employees is a few hundred MB), where the streaming engine's batching costs more than it
saves: the Polars engine's compute for 5k x 5 took 1.13 s of wall (1.60 s CPU) streaming and
0.74 s (1.02 s CPU) in memory, 100k x 5 7.4 s (12.8 s CPU) against 5.6 s (9.2 s CPU)
(docs/benchmarks.md, "Where the time goes"). The choice is made here, per call, never through
``pl.Config``: a process-wide setting would change the engine of a caller's own queries.
"""

from __future__ import annotations

from typing import Final

# Every ``collect`` and ``collect_all`` of the package passes ``engine=ENGINE``.
ENGINE: Final = "in-memory"
