"""Money: contributions, IRS limits, employer money, vesting, balances, HCE (rules, "Money")."""
