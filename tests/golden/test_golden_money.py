"""The golden dataset: hand-computed participants, compared with zero tolerance.

Every expected number below is worked out by hand from docs/rules.md ("Money"), the arithmetic
written in the comments; none is copied from the program's output. Notation: cents and basis
units, ``rhu(a, q) = (a + q div 2) div q``, ``D = 365`` (2025 and 2026), ``G = 2,350,000``
(402(g) 2025), 401(a)(17) 2025 = 35,000,000 cents. One segment all year at pay ``c`` and rate
``r`` gives ``N = r * c * 365`` and ``DU = rhu(N, 3,650,000) = r * c / 10000`` exactly.
The match is 100% of the first 3% and 50% of the next 2% (packaged tiers):
``F(d, p) = 10000 * min(10000 d, 300 p) + 5000 * clamp(10000 d - 300 p, 0, 200 p)`` (negative
parts as 0), ``f = rhu(F, 10^8)``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from planalign_core import rng
from tests.golden.golden import SCENARIO, SEED, d, one_level, run_case

D = dt.date


def row(employee_id: str, birth: str, hire: str, pay: int, rate: str) -> dict[str, object]:
    return {
        "employee_id": employee_id,
        "birth_date": birth,
        "hire_date": hire,
        "gross_compensation": pay,
        "deferral_rate": rate,
        "job_level": 1,
    }


def test_402g_reached_mid_year(tmp_path: Path) -> None:
    """$200,000 at 15%, age 40: deferrals stop at $23,500 on October 13.

    c = 20,000,000, r = 1500: N grows by 1500 * 20,000,000 = 30,000,000,000 a day.
    DU = 3,000,000 ($30,000) > G: DT = pre_tax = 2,350,000, limit_applied 402g_deferral.
    Day reached: T = G * 3,650,000 - 1,825,000 = 8,577,498,175,000;
    j = ceil(T / 30,000,000,000) = ceil(285.92) = 286 -> Jan 1 + 285 = October 13.
    Match (one segment, d = 2,350,000, p = 20,000,000): 10000 * min(23,500,000,000, 6,000,000,000)
    = 6e13; 5000 * min(17,500,000,000, 4,000,000,000) = 2e13; f = rhu(8e13, 1e8) = 800,000.
    True-up: f(DT, P) = 800,000, less 800,000 = 0 (no event).
    HCE: census-year pay 20,000,000 * 366 / 366 > 155,000 -> HCE in 2025 (event on Jan 1).
    Friday October 10 (day 283): N = 30,000,000,000 * 283 = 8,490,000,000,000;
    DU = (8,490,000,000,000 + 1,825,000) div 3,650,000 = 2,326,027 ($23,260.27).
    Friday October 17: 290 days would give $23,835.62, capped: $23,500.00.
    """
    case = run_case(tmp_path, [row("A1", "1985-03-15", "2015-01-01", 200_000, "0.15")], {}, 1)
    c = case.contributions("A1", 2025)
    assert c["deferrals_uncapped"] == d("30000.00")
    assert c["employee_pre_tax"] == d("23500.00")
    assert c["catch_up"] == d("0.00")
    assert c["employer_match"] == d("8000.00")
    assert c["true_up"] == d("0.00")
    assert c["reached_402g_date"] == D(2025, 10, 13)
    assert c["reached_401a17_date"] is None
    assert c["is_hce"] is True
    assert case.money_events("A1") == [
        (2025, 1, D(2025, 1, 1), "hce_status", None, None),
        (2025, 2, D(2025, 10, 13), "compliance", "402g_deferral", d("23500.00")),
        (2025, 3, D(2025, 12, 31), "contribution", "employee_pre_tax", d("23500.00")),
        (2025, 4, D(2025, 12, 31), "contribution", "employer_match", d("8000.00")),
    ]
    (pre_tax,) = [e for e in case.events("A1", "contribution") if e["amount"] == d("23500.00")]
    assert pre_tax["limit_applied"] == "402g_deferral"
    assert pre_tax["ytd_amount"] == d("23500.00")
    (hce,) = case.events("A1", "hce_status")
    assert (hce["is_hce"], hce["hce_threshold"], hce["lookback_compensation"]) == (
        True,
        d("155000.00"),
        d("200000.00"),
    )
    assert case.snapshot("A1", D(2025, 10, 10))["ytd_deferrals"] == d("23260.27")
    assert case.snapshot("A1", D(2025, 10, 17))["ytd_deferrals"] == d("23500.00")


def test_401a17_cap(tmp_path: Path) -> None:
    """$500,000 at 5%, age 45: plan pay stops at $350,000 on September 13.

    c = 50,000,000; cap = 35,000,000 * 365 = 12,775,000,000 cent-days.
    Reached: T = 12,775,000,000 - 182 = 12,774,999,818; j = ceil(T / 50,000,000) = 256
    -> Jan 1 + 255 = September 13 (day 255: Pu = 34,931,507; day 256: 35,068,493).
    P = 35,000,000; N = 500 * 12,775,000,000; DU = 1,750,000 ($17,500 = 5% of $350,000).
    Match: min(10000 * 1,750,000, 300 * 35,000,000) = 10,500,000,000 -> 1.05e14;
    min(17,500,000,000 - 10,500,000,000, 200 * 35,000,000) = 7,000,000,000 -> 3.5e13;
    f = rhu(1.4e14, 1e8) = 1,400,000.
    limit_applied: neither 402(g) nor 415(c) cut anything; Pu > the limit -> 401a17_compensation.
    """
    case = run_case(tmp_path, [row("B1", "1980-02-02", "2010-06-01", 500_000, "0.05")], {}, 1)
    c = case.contributions("B1", 2025)
    assert c["earned_compensation"] == d("500000.00")
    assert c["plan_compensation_uncapped"] == d("500000.00")
    assert c["plan_compensation"] == d("350000.00")
    assert c["employee_pre_tax"] == d("17500.00")
    assert c["employer_match"] == d("14000.00")
    assert c["reached_401a17_date"] == D(2025, 9, 13)
    assert c["reached_402g_date"] is None
    limits = {
        e["contribution_source"]: e["limit_applied"] for e in case.events("B1", "contribution")
    }
    assert limits == {
        "employee_pre_tax": "401a17_compensation",
        "employer_match": "401a17_compensation",
    }
    (compliance,) = case.events("B1", "compliance")
    assert (compliance["effective_date"], compliance["applicable_limit"]) == (
        D(2025, 9, 13),
        d("350000.00"),
    )
    assert compliance["current_amount"] == d("350000.00")


def test_age_50_catch_up(tmp_path: Path) -> None:
    """$300,000 at 12%, turning 50 in 2025: $23,500 pre-tax + $7,500 catch-up.

    DU = 1200 * 30,000,000 / 10000 = 3,600,000; G + CU = 2,350,000 + 750,000 = 3,100,000.
    pre_tax = 2,350,000 (402g_deferral), catch_up = 750,000 (catch_up: DU > G + CU).
    402(g) reached: slope 1200 * 30,000,000 = 36,000,000,000;
    ceil(8,577,498,175,000 / 36,000,000,000) = ceil(238.26) = 239 -> August 27.
    Match on all deferrals, d = 3,100,000, p = 30,000,000: 10000 * min(31e9, 9e9) = 9e13;
    5000 * min(31e9 - 9e9, 6e9) = 3e13; f = 1,200,000 ($12,000).
    Annual additions exclude the catch-up: 2,350,000 + 1,200,000 = 3,550,000.
    Age 50 at the end of 2025, 49 at the end of 2024: the catch-up class changes (event).
    """
    case = run_case(tmp_path, [row("C1", "1975-07-01", "2000-01-01", 300_000, "0.12")], {}, 1)
    c = case.contributions("C1", 2025)
    assert (c["employee_pre_tax"], c["catch_up"], c["total_deferrals"]) == (
        d("23500.00"),
        d("7500.00"),
        d("31000.00"),
    )
    assert c["catch_up_limit"] == d("7500.00") and c["is_catch_up_eligible"] is True
    assert c["employer_match"] == d("12000.00")
    assert c["annual_additions"] == d("35500.00")
    assert c["reached_402g_date"] == D(2025, 8, 27)
    limits = {
        e["contribution_source"]: e["limit_applied"] for e in case.events("C1", "contribution")
    }
    assert limits == {
        "employee_pre_tax": "402g_deferral",
        "catch_up": "catch_up",
        "employer_match": None,
    }
    kinds = [(e[2], e[4], e[5]) for e in case.money_events("C1") if e[3] == "compliance"]
    assert kinds == [
        (D(2025, 1, 1), "catch_up", d("7500.00")),
        (D(2025, 8, 27), "402g_deferral", d("23500.00")),
    ]


def test_age_60_63_catch_up(tmp_path: Path) -> None:
    """$250,000 at 15%, turning 60 in 2025: the 60-63 catch-up, $11,250.

    DU = 1500 * 25,000,000 / 10000 = 3,750,000; G + CU = 2,350,000 + 1,125,000 = 3,475,000:
    pre_tax 2,350,000, catch_up 1,125,000.
    402(g) reached: ceil(8,577,498,175,000 / 37,500,000,000) = ceil(228.73) = 229 -> August 17.
    Match, d = 3,475,000, p = 25,000,000: 10000 * 7.5e9 + 5000 * min(34.75e9 - 7.5e9, 5e9)
    = 7.5e13 + 2.5e13 -> 1,000,000.
    Age 60 at the end of 2025 (class 60-63), 59 at the end of 2024 (class 50): an event.
    """
    case = run_case(tmp_path, [row("D1", "1965-05-20", "1995-09-01", 250_000, "0.15")], {}, 1)
    c = case.contributions("D1", 2025)
    assert (c["employee_pre_tax"], c["catch_up"]) == (d("23500.00"), d("11250.00"))
    assert c["catch_up_limit"] == d("11250.00")
    assert c["employer_match"] == d("10000.00")
    assert c["reached_402g_date"] == D(2025, 8, 17)
    catch_up = [e for e in case.events("D1", "compliance") if e["limit_type"] == "catch_up"]
    assert [
        (e["effective_date"], e["applicable_limit"], e["current_amount"]) for e in catch_up
    ] == [(D(2025, 1, 1), d("11250.00"), d("11250.00"))]


def test_two_tier_match_with_true_up(tmp_path: Path) -> None:
    """$100,000, 2% escalated to 6% on July 1: payroll match per segment, then the true-up.

    Segment 1: January 1 - June 30, 181 days at 200; segment 2: 184 days at 600; c = 10,000,000.
    Up(Jun 30) = 1,810,000,000; N = 200 * 1,810,000,000 = 362,000,000,000;
    DT(Jun 30) = (362,000,000,000 + 1,825,000) div 3,650,000 = 99,178 = d1;
    p1 = (1,810,000,000 + 182) div 365 = 4,958,904.
    N(Dec 31) = 362,000,000,000 + 600 * 1,840,000,000 = 1,466,000,000,000;
    DT = (1,466,000,000,000 + 1,825,000) div 3,650,000 = 401,644; d2 = 302,466;
    P = 10,000,000; p2 = 5,041,096.
    F(d1, p1): 10000 * 991,780,000 (below 300 p1 = 1,487,671,200) = 9,917,800,000,000; tier 2: 0.
    F(d2, p2): 300 p2 = 1,512,328,800 -> 15,123,288,000,000;
    min(3,024,660,000 - 1,512,328,800, 200 p2 = 1,008,219,200) * 5000 = 5,041,096,000,000.
    Payroll match = rhu(30,082,184,000,000, 1e8) = 300,822.
    Annual: F(401,644, 10,000,000) = 10000 * 3e9 + 5000 * 1,016,440,000 = 35,082,200,000,000
    -> 350,822. True-up = 350,822 - 300,822 = 50,000 ($500.00).
    Vesting (hired 2020-03-10): 5 years on 2025-03-10, 60% -> 80%.
    Event order: the escalation (1), then the money events: vesting (2), pre-tax (3), match (4),
    true-up (5).
    """
    overrides = {
        "escalation": {
            "enabled": True,
            "increment": 0.04,
            "cap": 0.06,
            "delay_years": 1,
            "date": "07-01",
            "opt_out_rate": 0,
        }
    }
    case = run_case(
        tmp_path, [row("E1", "1990-04-04", "2020-03-10", 100_000, "0.02")], overrides, 1
    )
    c = case.contributions("E1", 2025)
    assert c["segments"] == 2
    assert c["employee_pre_tax"] == d("4016.44")
    assert c["employer_match"] == d("3008.22")
    assert c["true_up"] == d("500.00")
    assert case.money_events("E1") == [
        (2025, 2, D(2025, 3, 10), "vesting", None, None),
        (2025, 3, D(2025, 12, 31), "contribution", "employee_pre_tax", d("4016.44")),
        (2025, 4, D(2025, 12, 31), "contribution", "employer_match", d("3008.22")),
        (2025, 5, D(2025, 12, 31), "contribution", "true_up", d("500.00")),
    ]
    (vesting,) = case.events("E1", "vesting")
    assert (vesting["previous_vested_percentage"], vesting["vested_percentage"]) == (
        d("0.6000"),
        d("0.8000"),
    )
    (escalation,) = case.events("E1", "deferral_escalation")
    assert escalation["event_sequence"] == 1


def test_escalation_up_to_the_cap_and_two_years_of_balances(tmp_path: Path) -> None:
    """$60,000 at 9%, escalation +2% capped at 10% on January 1; 5% return; two years.

    2025: min(900 + 200, 1000) = 1000: DU = 1000 * 6,000,000 / 10000 = 600,000.
    Match: 10000 * min(6e9, 1.8e9) = 1.8e13; 5000 * min(4.2e9, 1.2e9) = 6e12 -> 240,000.
    Return on contributions (half a year): rhu(600,000 * 20500, 20000) = 615,000 -> 15,000;
    rhu(240,000 * 20500, 20000) = 246,000 -> 6,000. Ending: pre-tax 615,000, match 246,000.
    Vesting (hired 2023-02-01): 2 years on 2025-02-01 -> 20%; vested match rhu(246,000 * 0.2)
    = 49,200.
    2026: no escalation (already at the cap). Pre-tax: rhu(615,000 * 10500, 10000) = 645,750,
    return 30,750 + 15,000 = 45,750; ending 615,000 + 600,000 + 45,750 = 1,260,750.
    Match: rhu(246,000 * 1.05) = 258,300, return 12,300 + 6,000 = 18,300;
    ending 246,000 + 240,000 + 18,300 = 504,300; 3 years on 2026-02-01 -> 40%;
    vested rhu(504,300 * 4000, 10000) = 201,720. Total 1,765,050; vested 1,462,470.
    """
    overrides = {
        "escalation": {
            "enabled": True,
            "increment": 0.02,
            "cap": 0.10,
            "delay_years": 1,
            "date": "01-01",
            "opt_out_rate": 0,
        },
        "investment": {"return_rate": 0.05},
    }
    case = run_case(tmp_path, [row("F1", "1995-08-08", "2023-02-01", 60_000, "0.09")], overrides, 2)
    (escalation,) = case.events("F1", "deferral_escalation")
    assert (escalation["previous_rate"], escalation["new_rate"]) == (d("0.0900"), d("0.1000"))
    rate = case.query(
        "SELECT simulation_year, current_deferral_rate FROM int_deferral_rate_state_accumulator "
        "WHERE employee_id = 'F1' ORDER BY simulation_year"
    ).rows()
    assert rate == [(2025, d("0.1000")), (2026, d("0.1000"))]
    assert case.contributions("F1", 2026)["employee_pre_tax"] == d("6000.00")
    b25, b26 = case.balances("F1", 2025), case.balances("F1", 2026)
    assert (
        b25["employee_pre_tax"]["investment_return"],
        b25["employee_pre_tax"]["ending_balance"],
    ) == (
        d("150.00"),
        d("6150.00"),
    )
    assert (b25["employer_match"]["ending_balance"], b25["employer_match"]["vested_balance"]) == (
        d("2460.00"),
        d("492.00"),
    )
    pre, match = b26["employee_pre_tax"], b26["employer_match"]
    assert (pre["beginning_balance"], pre["investment_return"], pre["ending_balance"]) == (
        d("6150.00"),
        d("457.50"),
        d("12607.50"),
    )
    assert (match["investment_return"], match["ending_balance"], match["vested_balance"]) == (
        d("183.00"),
        d("5043.00"),
        d("2017.20"),
    )
    year_end = case.snapshot("F1", D(2026, 12, 31))
    assert (year_end["total_balance"], year_end["vested_balance"]) == (
        d("17650.50"),
        d("14624.70"),
    )
    assert year_end["snapshot_type"] == "year_end"


def test_termination_with_forfeiture(tmp_path: Path) -> None:
    """$80,000 at 6%, hired 2022-03-01; the tenure band of 3 years terminates everyone, so the
    employee leaves in 2026 on the drawn date (stream 2): November 13 (day 316). Return 5%.

    2025 (full year): DU = 480,000; match: 10000 * 2.4e9 + 5000 * min(2.4e9, 1.6e9) = 3.2e13
    -> 320,000. Return: 480,000 -> 492,000; 320,000 -> 328,000. Vesting: 3 years on
    2025-03-01 -> 40%.
    2026: employed January 1 - November 12, 316 days: Ua = 8,000,000 * 316 = 2,528,000,000;
    P = (2,528,000,182) div 365 = 6,926,027; N = 600 * 2,528,000,000 = 1,516,800,000,000;
    DT = (1,516,800,000,000 + 1,825,000) div 3,650,000 = 415,562.
    Match: 300 P = 2,077,808,100 -> 20,778,081,000,000; min(4,155,620,000 - 2,077,808,100,
    200 P = 1,385,205,400) * 5000 = 6,926,027,000,000; f = rhu(27,704,108,000,000, 1e8)
    = 277,041. Vesting: 4 years on 2026-03-01 -> 60%; on the last active day (November 12)
    still 60%. Held match 328,000 + 277,041 = 605,041; vested rhu(605,041 * 6000, 10000)
    = 363,025; forfeited 242,016 on November 13. No return in 2026 (not active at the end).
    Closing: pre-tax 492,000 + 415,562 = 907,562; match 363,025; total 1,270,587.
    Friday November 6 (day 310): DT = rhu(600 * 8,000,000 * 310, 3,650,000) = 407,671;
    employer money not credited yet (credited November 12): 328,000, vested 60% -> 196,800;
    total 492,000 + 407,671 + 328,000 = 1,227,671; vested 1,096,471.
    """
    key = rng.text_key(SCENARIO)
    drawn = rng.bounded(rng.draw(SEED, key, 1, 2026, 2), 365)
    assert dt.date(2026, 1, 1) + dt.timedelta(days=drawn) == D(2026, 11, 13)
    overrides = {
        "terminations": {
            "tenure_bands": [{"min_tenure": 0, "rate": 0}, {"min_tenure": 3, "rate": 1}]
        },
        "investment": {"return_rate": 0.05},
    }
    case = run_case(tmp_path, [row("G1", "1985-01-10", "2022-03-01", 80_000, "0.06")], overrides, 2)
    c = case.contributions("G1", 2026)
    assert (c["days_employed"], c["last_active_date"]) == (316, D(2026, 11, 12))
    assert (c["plan_compensation"], c["employee_pre_tax"], c["employer_match"]) == (
        d("69260.27"),
        d("4155.62"),
        d("2770.41"),
    )
    assert case.money_events("G1")[-4:] == [
        (2026, 2, D(2026, 3, 1), "vesting", None, None),
        (2026, 3, D(2026, 11, 12), "contribution", "employee_pre_tax", d("4155.62")),
        (2026, 4, D(2026, 11, 12), "contribution", "employer_match", d("2770.41")),
        (2026, 5, D(2026, 11, 13), "forfeiture", "employer_match", d("2420.16")),
    ]
    match = case.balances("G1", 2026)["employer_match"]
    assert (match["beginning_balance"], match["forfeitures"], match["ending_balance"]) == (
        d("3280.00"),
        d("2420.16"),
        d("3630.25"),
    )
    assert match["investment_return"] == d("0.00")
    closing = case.snapshot("G1", D(2026, 11, 13))
    assert (closing["snapshot_type"], closing["employment_status"]) == ("termination", "terminated")
    assert (closing["total_balance"], closing["vested_balance"]) == (
        d("12705.87"),
        d("12705.87"),
    )
    friday = case.snapshot("G1", D(2026, 11, 6))
    assert (friday["ytd_deferrals"], friday["total_balance"], friday["vested_balance"]) == (
        d("4076.71"),
        d("12276.71"),
        d("10964.71"),
    )


def test_mid_year_hire(tmp_path: Path) -> None:
    """A hire on the drawn date (stream 10) July 23, 2025: $72,000, immediately eligible and
    auto-enrolled at 6% on the hire date; 162 days employed (July 23 - December 31).

    Up = 7,200,000 * 162 = 1,166,400,000; P = (1,166,400,000 + 182) div 365 = 3,195,616.
    N = 600 * 1,166,400,000 = 699,840,000,000; DT = (699,840,000,000 + 1,825,000) div 3,650,000
    = 191,737. Match: 300 P = 958,684,800 -> 9,586,848,000,000; min(1,917,370,000 - 958,684,800,
    200 P = 639,123,200) * 5000 = 3,195,616,000,000; f = rhu(12,782,464,000,000, 1e8) = 127,825.
    Vesting: 0 years -> 0% vested match. First Friday employed: July 25 (3 days):
    DT = rhu(600 * 7,200,000 * 3, 3,650,000) = rhu(12,960,000,000, 3,650,000) = 3,551.
    Events: hire (1), eligibility (2), auto-enrolment (3), then pre-tax (4) and match (5).
    """
    key = rng.text_key(SCENARIO)
    new_key = 2025 * 100_000_000 + 1
    drawn = rng.bounded(rng.draw(SEED, key, new_key, 2025, 10), 365)
    assert dt.date(2025, 1, 1) + dt.timedelta(days=drawn) == D(2025, 7, 23)
    overrides = {
        "growth_rate": 1,  # one census employee -> target 2 -> exactly one hire
        "levels": one_level(72_000, 72_000),
        "hiring": {"age_min": 30, "age_max": 30},
        "enrollment": {"auto": {"enabled": True, "default_rate": 0.06, "opt_out_rate": 0}},
    }
    case = run_case(tmp_path, [row("H0", "1980-01-01", "2010-01-01", 50_000, "0")], overrides, 1)
    hire = "NH2025_0000001"
    c = case.contributions(hire, 2025)
    assert (c["employment_start_date"], c["days_employed"]) == (D(2025, 7, 23), 162)
    assert (c["plan_compensation"], c["employee_pre_tax"], c["employer_match"]) == (
        d("31956.16"),
        d("1917.37"),
        d("1278.25"),
    )
    assert case.money_events(hire) == [
        (2025, 4, D(2025, 12, 31), "contribution", "employee_pre_tax", d("1917.37")),
        (2025, 5, D(2025, 12, 31), "contribution", "employer_match", d("1278.25")),
    ]
    match = case.balances(hire, 2025)["employer_match"]
    assert (match["vested_percentage"], match["vested_balance"]) == (d("0.0000"), d("0.00"))
    first = case.query(
        "SELECT min(snapshot_date) FROM fct_participant_balance_snapshots WHERE employee_id = ?",
        [hire],
    ).item()
    assert first == D(2025, 7, 25)
    assert case.snapshot(hire, D(2025, 7, 25))["ytd_deferrals"] == d("35.51")


def test_hce_flip(tmp_path: Path) -> None:
    """$160,000, no raise: HCE in 2025 (2024 pay 160,000 > the 2024 threshold 155,000), not
    in 2026 (2025 pay 160,000 is not above the 2025 threshold 160,000): two events."""
    case = run_case(tmp_path, [row("I1", "1975-11-11", "2010-05-05", 160_000, "0")], {}, 2)
    events = [
        (e["effective_date"], e["is_hce"], e["hce_threshold"], e["lookback_compensation"])
        for e in case.events("I1", "hce_status")
    ]
    assert events == [
        (D(2025, 1, 1), True, d("155000.00"), d("160000.00")),
        (D(2026, 1, 1), False, d("160000.00"), d("160000.00")),
    ]
    assert [case.contributions("I1", y)["is_hce"] for y in (2025, 2026)] == [True, False]
