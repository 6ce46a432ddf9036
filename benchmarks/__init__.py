"""The planalign asv suite (see docs/benchmarks.md).

asv imports this package before any benchmark module, so the thread pins are set here, before
anything imports Polars or pyarrow (both size their thread pools once, at import). Override the
count with ``PLANALIGN_BENCH_THREADS``; Polars, Arrow and DuckDB (``common.duckdb_config``) all
get the same number, so a history never mixes thread counts silently.
"""

import os

BENCH_THREADS = int(os.environ.get("PLANALIGN_BENCH_THREADS", "2"))
os.environ["POLARS_MAX_THREADS"] = str(BENCH_THREADS)
os.environ["OMP_NUM_THREADS"] = str(BENCH_THREADS)
