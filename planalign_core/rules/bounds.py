"""The bounds of a run (rules, "Bounds"): every pay and limit below $100 million a year, every
balance below $1 trillion.

Far below what 64-bit cents could hold, and far above any real pay or balance: a pay of $100
million or more is a typo in a census, a slip in a configuration, or assumptions compounded
over decades (a 100 % COLA doubles every pay each year). Kept below them, no product of the
rules (a pay times a rate's units, times the days of a year; a balance times a year's growth)
comes near 2**63, so both engines stay exact; past them, the run is refused with the key, row,
year or employee named.
"""

from __future__ import annotations

MAX_PAY_DOLLARS = 99_999_999  # the largest whole-dollar amount of a configuration
MAX_PAY_CENTS = MAX_PAY_DOLLARS * 100 + 99  # the largest pay or limit of a run, in cents
# The largest balance of one source at a year's end, in cents: a year's growth multiplies it by
# up to 20000 units (a return of 100 %), which must stay below 2**63.
MAX_BALANCE_CENTS = 10**14 - 1
