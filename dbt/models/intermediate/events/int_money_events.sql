{#- The money events (types 8-12) of each simulated year, numbered after the employee-year's
    other events (rules, "Money event order"): event_sequence = n1 + the position among its money
    events by date, type code and sub-order, so money leaves every other id unchanged. -#}
{%- set year = planalign_year(var('simulation_year', none)) -%}
{{ planalign_sequenced_events([
    'int_contribution_events', 'int_vesting_events', 'int_forfeiture_events',
    'int_hce_status_events', 'int_compliance_events',
], year, after_model='int_yearly_events') }}
