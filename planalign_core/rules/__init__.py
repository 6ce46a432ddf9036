"""Helpers of ``docs/rules.md`` shared beyond one engine: the IRS limits by year (``limits``),
read by the Polars engine, ``simulate`` (the estimated-limits flag) and ``history``. Engine code
translates the rules; what every part needs computed the same way lives here, once."""
