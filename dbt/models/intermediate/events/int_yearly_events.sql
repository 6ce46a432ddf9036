{#- The events (types 1-7) of each simulated year, ordered and identified (rules, "Events",
    "Event identity"): event_sequence numbers an employee's events of a year by date, then type
    code, then sub-order. Built once per year (the per-type event views are filtered to it); the
    deferral-rate accumulator and the money read this, never fct_yearly_events. -#}
{%- set year = planalign_year(var('simulation_year', none)) -%}
{{ planalign_sequenced_events([
    'int_hire_events', 'int_termination_events', 'int_promotion_events', 'int_merit_events',
    'int_eligibility_events', 'int_enrollment_events', 'int_deferral_escalation_events',
], year) }}
