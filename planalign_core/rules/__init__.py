"""Helpers of ``docs/rules.md`` shared beyond one engine, each written once:

- ``calendar``: dates as day numbers, year starts and ends, the census date, anniversaries;
- ``draws``: the keyed integer draws (``hash_words`` chains per employee, year and stream) as
  Polars expressions, checked bit for bit against the scalar ``planalign_core.rng``;
- ``draws``' ``day_in_year``: ``start(Y) + bounded(u, D(Y))``, every drawn date of the rules;
- ``levels``: a value per row's job level, and a pay drawn in the level's band;
- ``headcount``: each year's hires and how many of them leave in it;
- ``limits``: the IRS limits by year, published or projected;
- ``bounds``: the largest pay or limit of a run (census, configuration, both engines' years).

The census (synthesis), the Polars engine, ``simulate`` and ``history`` read them here; the SQL
engine has its own translation (``dbt/macros``), fed the same constants by ``dbt_inputs``.
"""
