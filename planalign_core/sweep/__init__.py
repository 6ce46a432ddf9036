"""``planalign sweep``: scenarios x seeds of one census on Dask distributed, into Hive-partitioned
Parquet; ``planalign sweep-report``: percentiles across seeds and fan charts.

| module | role |
| --- | --- |
| ``plan`` | the grid: seeds and scenarios parsed, inputs loaded once, a worker's job per pair |
| ``manifest`` | what the folder's runs were made from (census, configurations, code), checked |
| ``layout`` | where the files go, atomic writes, which pairs are finished |
| ``task`` | one (scenario, seed) on a worker: the Polars engine to Parquet |
| ``cluster`` | Dask (imported here only): a local or remote cluster, tasks, retries |
| ``runner`` | a sweep from start to end, with its progress |
| ``report``, ``charts`` | DuckDB over the partitions: percentiles; fan charts |
"""
