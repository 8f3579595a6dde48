"""Unit tests of the oracle's statistics (intervals, tests, q-values), its period and rolling
marts and its alerts, against reference values worked out by hand or published in the issue."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from statistics import NormalDist
from typing import Any

import pytest

from nps_warehouse.contract import CX_MEASURES, MART_COLUMNS, PROGRAMME_SOURCES
from nps_warehouse.oracle import StatsSettings, compute_marts, nps
from nps_warehouse.oracle.alerts import alert_id, fct_cx_alerts
from nps_warehouse.oracle.intervals import (
    Moments,
    NpsCounts,
    NpsUncertainty,
    Proportion,
    adjusted_nps,
    benjamini_hochberg,
    mean_below_target_p_value,
    mean_difference_test,
    mean_interval,
    nps_below_target_p_value,
    nps_difference_test,
    nps_standard_error,
    nps_uncertainty,
    nps_variance,
    round2,
    share_below_target_p_value,
    share_difference_test,
    share_increase_p_value,
    wilson_interval,
)
from nps_warehouse.oracle.periods import (
    ADDITIVE,
    cx_block,
    fct_cx_by_period,
    fct_cx_rolling,
    load_targets,
    period_end,
    period_start,
    shift_period,
)

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
STATS = StatsSettings()
Z95 = 1.959963984540054
PHI = NormalDist().cdf


def counts(d: int, s: int, p: int) -> NpsCounts:
    """NPS counts written as the issue writes them: (detractors, passives, promoters)."""
    return NpsCounts(promoters=p, passives=s, detractors=d)


def two(text: str) -> Decimal:
    return Decimal(text)


# ------------------------------------------------------------------------ settings


def test_settings_defaults_and_levels() -> None:
    assert (STATS.confidence_level, STATS.min_responses, STATS.alert_fdr, STATS.detractor_window_days) == (
        "0.95",
        30,
        0.05,
        28,
    )
    assert STATS.high_severity == {"nps": 10, "csat_pct": 10, "ces_mean": 0.5, "detractor_share": 10}
    assert (STATS.z, STATS.alpha) == (1.959963984540054, 0.05)
    assert (StatsSettings(confidence_level="0.90").z, StatsSettings(confidence_level="0.90").alpha) == (
        1.6448536269514722,
        0.10,
    )
    assert (StatsSettings(confidence_level="0.99").z, StatsSettings(confidence_level="0.99").alpha) == (
        2.5758293035489004,
        0.01,
    )
    # the literal z are the normal quantiles
    for level, settings in (("0.90", 0.90), ("0.95", 0.95), ("0.99", 0.99)):
        assert StatsSettings(confidence_level=level).z == pytest.approx(
            NormalDist().inv_cdf((1 + settings) / 2)
        )
    with pytest.raises(ValueError, match=r"'0\.90', '0\.95', '0\.99'"):
        StatsSettings(confidence_level="0.80")
    with pytest.raises(ValueError, match="min_responses"):
        StatsSettings(min_responses=0)
    with pytest.raises(ValueError, match="high_severity"):
        StatsSettings(high_severity={"nps_score": 5})
    # naming some metrics keeps the others' defaults
    partial = StatsSettings(high_severity={"nps": 5})
    assert partial.high_severity == {"nps": 5, "csat_pct": 10, "ces_mean": 0.5, "detractor_share": 10}
    assert partial.severity_threshold("ces_mean") == Decimal("0.5")


def test_round2_rounds_half_away_from_zero_without_negative_zero() -> None:
    assert round2(None) is None
    assert round2(7.8102496759) == two("7.81")
    assert round2(0.125) == two("0.13")
    assert round2(-0.125) == two("-0.13")
    assert str(round2(-0.001)) == "0.00"
    assert str(round2(-0.0)) == "0.00"
    assert str(round2(100.0)) == "100.00"


# ------------------------------------------------------------------------ NPS


@pytest.mark.parametrize(
    ("dsp", "variance"),
    [((1, 2, 3), 5 / 9), ((1, 0, 1), 1.0), ((0, 1, 1), 0.25), ((1, 1, 1), 2 / 3)],
)
def test_variance_of_an_answer(dsp: tuple[int, int, int], variance: float) -> None:
    assert nps_variance(counts(*dsp)) == pytest.approx(variance, abs=1e-15)


def test_reference_nps_1_2_3() -> None:
    sample = counts(1, 2, 3)
    assert nps(sample.promoters, sample.detractors, sample.responses) == two("33.33")
    assert nps_standard_error(sample) == pytest.approx(100 * math.sqrt(5 / 9 / 6))
    assert nps_uncertainty(sample, STATS).nps_standard_error == two("30.43")


def test_reference_nps_20_30_50() -> None:
    sample = counts(20, 30, 50)
    se = nps_standard_error(sample)
    assert se is not None
    assert round2(se) == two("7.81")
    # the plain Wald interval of the issue (not published: it is too narrow at the edges)
    assert (round2(30 - Z95 * se), round2(30 + Z95 * se)) == (two("14.69"), two("45.31"))
    # the published one, adjusted-Wald
    assert nps_uncertainty(sample, STATS) == NpsUncertainty(two("7.81"), two("14.05"), two("44.20"), False)
    adjusted = adjusted_nps(sample)
    assert adjusted.trials == 103.0
    assert adjusted.score == pytest.approx(100 * (50.75 - 20.75) / 103)


def test_all_promoters_and_all_detractors() -> None:
    # (0, 0, 10): no spread, the plain interval would be a point; the adjusted one is clamped at 100
    assert nps_uncertainty(counts(0, 0, 10), STATS) == NpsUncertainty(
        two("0.00"), two("47.50"), two("100.00"), True
    )
    assert nps_uncertainty(counts(10, 0, 0), STATS) == NpsUncertainty(
        two("0.00"), two("-100.00"), two("-47.50"), True
    )


def test_no_answer_has_no_uncertainty() -> None:
    empty = counts(0, 0, 0)
    assert nps_variance(empty) is None
    assert nps_standard_error(empty) is None
    assert nps_uncertainty(empty, STATS) == NpsUncertainty(None, None, None, True)
    assert nps_difference_test(empty, counts(1, 1, 1)) is None
    assert nps_below_target_p_value(empty, Decimal(30)) is None


def test_below_min_responses_and_confidence_level() -> None:
    assert nps_uncertainty(counts(10, 9, 10), STATS).is_below_min_responses is True
    assert nps_uncertainty(counts(10, 10, 10), STATS).is_below_min_responses is False
    narrow = nps_uncertainty(counts(20, 30, 50), StatsSettings(confidence_level="0.90"))
    wide = nps_uncertainty(counts(20, 30, 50), StatsSettings(confidence_level="0.99"))
    assert narrow.nps_standard_error == wide.nps_standard_error == two("7.81")
    assert narrow.nps_ci_lower is not None and wide.nps_ci_lower is not None
    assert narrow.nps_ci_upper is not None and wide.nps_ci_upper is not None
    assert wide.nps_ci_lower < two("14.05") < narrow.nps_ci_lower
    assert narrow.nps_ci_upper < two("44.20") < wide.nps_ci_upper


def test_reference_nps_difference() -> None:
    test = nps_difference_test(counts(20, 30, 50), counts(30, 30, 40))
    assert test is not None
    assert round2(test.difference) == two("19.42")
    assert round2(test.standard_error) == two("11.21")
    assert test.p_value == pytest.approx(0.0832, abs=5e-5)
    # the other way round: same p, opposite difference
    back = nps_difference_test(counts(30, 30, 40), counts(20, 30, 50))
    assert back is not None
    assert back.difference == -test.difference
    assert back.p_value == test.p_value


# ------------------------------------------------------------------------ shares and means


def test_wilson_interval_by_hand() -> None:
    # 8 of 10 at 95 %: centre (0.8 + z^2/20) / (1 + z^2/10), half-width z sqrt(0.016 + z^2/400) / (1 + z^2/10)
    zz = Z95 * Z95
    centre = (0.8 + zz / 20) / (1 + zz / 10)
    half = Z95 * math.sqrt(0.016 + zz / 400) / (1 + zz / 10)
    assert (centre - half, centre + half) == pytest.approx((0.49016, 0.94332), abs=1e-5)
    assert wilson_interval(Proportion(8, 10), Z95) == (two("49.02"), two("94.33"))
    # none or all: the interval still has a width, within 0..100
    assert wilson_interval(Proportion(0, 10), Z95) == (two("0.00"), two("27.75"))
    assert wilson_interval(Proportion(10, 10), Z95) == (two("72.25"), two("100.00"))
    assert wilson_interval(Proportion(0, 0), Z95) == (None, None)


def test_mean_interval_by_hand() -> None:
    # scores 2, 3, 4, 3: mean 3, variance 2/3, half-width z sqrt(2/3) / 2 = 0.80016
    assert mean_interval(Moments(12, 38, 4), Z95, 1.0, 5.0) == (two("2.20"), two("3.80"))
    # scores 4 and 5: 4.5 +- 0.98, clamped to the scale's top
    assert mean_interval(Moments(9, 41, 2), Z95, 1.0, 5.0) == (two("3.52"), two("5.00"))
    # no spread: the interval is the mean
    assert mean_interval(Moments(8, 32, 2), Z95, 1.0, 5.0) == (two("4.00"), two("4.00"))
    # one score: no interval
    assert mean_interval(Moments(4, 16, 1), Z95, 1.0, 5.0) == (None, None)
    assert mean_interval(Moments(0, 0, 0), Z95, 1.0, 7.0) == (None, None)


def test_share_difference_by_hand() -> None:
    # 30/50 vs 20/50: pooled 0.5, se sqrt(0.25 * 0.04) = 0.1, z = 2
    test = share_difference_test(Proportion(30, 50), Proportion(20, 50))
    assert test is not None
    assert test.difference == pytest.approx(0.2)
    assert test.standard_error == pytest.approx(0.1)
    assert test.p_value == pytest.approx(2 * PHI(-2.0))
    assert test.p_value == pytest.approx(0.0455, abs=5e-5)
    # pooled share 0: no evidence at all
    none = share_difference_test(Proportion(0, 40), Proportion(0, 40))
    assert none is not None and none.p_value == 1.0
    assert share_difference_test(Proportion(0, 0), Proportion(1, 2)) is None
    # one-sided, the first higher
    assert share_increase_p_value(Proportion(30, 50), Proportion(20, 50)) == pytest.approx(PHI(-2.0))
    assert share_increase_p_value(Proportion(20, 50), Proportion(30, 50)) == pytest.approx(PHI(2.0))
    assert share_increase_p_value(Proportion(50, 50), Proportion(40, 40)) == 1.0


def test_mean_difference_by_hand() -> None:
    # 4, 4, 5, 5 (mean 4.5, variance 1/3) vs 3, 3, 4, 4 (mean 3.5, variance 1/3): se sqrt(1/6)
    test = mean_difference_test(Moments(18, 82, 4), Moments(14, 50, 4))
    assert test is not None
    assert test.difference == pytest.approx(1.0)
    assert test.standard_error == pytest.approx(math.sqrt(1 / 6))
    assert test.p_value == pytest.approx(2 * PHI(-1 / math.sqrt(1 / 6)))
    # no spread on either side: certain, equal or not
    equal = mean_difference_test(Moments(8, 32, 2), Moments(12, 48, 3))
    unequal = mean_difference_test(Moments(8, 32, 2), Moments(15, 75, 3))
    assert equal is not None and unequal is not None
    assert (equal.p_value, unequal.p_value) == (1.0, 0.0)
    assert mean_difference_test(Moments(4, 16, 1), Moments(8, 32, 2)) is None


# ------------------------------------------------------------------------ targets and FDR


def test_below_target_p_values() -> None:
    # NPS (20, 30, 50), adjusted 29.13 with se 7.69, against 40: z = -1.414
    sample = counts(20, 30, 50)
    adjusted = adjusted_nps(sample)
    assert adjusted.standard_error == pytest.approx(7.6915, abs=1e-4)
    p_nps = nps_below_target_p_value(sample, Decimal("40.00"))
    assert p_nps == pytest.approx(PHI((adjusted.score - 40) / adjusted.standard_error))
    assert p_nps == pytest.approx(0.0787, abs=5e-4)
    # 60 satisfied of 100 against 70 %: z = -0.1 / sqrt(0.21 / 100) = -2.182
    p_share = share_below_target_p_value(Proportion(60, 100), Decimal("70.00"))
    assert p_share == pytest.approx(PHI(-0.1 / math.sqrt(0.0021)))
    assert p_share == pytest.approx(0.01455, abs=5e-5)
    # a target of 0 % or 100 % cannot be tested
    assert share_below_target_p_value(Proportion(60, 100), Decimal("100.00")) is None
    assert share_below_target_p_value(Proportion(60, 100), Decimal("0.00")) is None
    # means: 4, 4, 5, 5 against 5.5, z = -1 / (sqrt(1/3) / 2)
    p_mean = mean_below_target_p_value(Moments(18, 82, 4), Decimal("5.50"))
    assert p_mean == pytest.approx(PHI(-1 / (math.sqrt(1 / 3) / 2)))
    assert mean_below_target_p_value(Moments(8, 32, 2), Decimal("5.50")) == 0.0
    assert mean_below_target_p_value(Moments(12, 72, 2), Decimal("5.50")) == 1.0


def test_benjamini_hochberg_by_hand() -> None:
    # sorted: 0.005 (k=1) -> 0.02, 0.01 (k=2) -> 0.02, 0.03 (k=3) -> 0.04, 0.04 (k=4) -> 0.04
    q = benjamini_hochberg([0.01, 0.04, 0.03, 0.005])
    assert q == pytest.approx([0.02, 0.04, 0.04, 0.02])
    # the step-up minimum: 0.02 * 3 / 2 = 0.03 is beaten by 0.021 * 3 / 3 = 0.021
    assert benjamini_hochberg([0.02, 0.021, 0.001]) == pytest.approx([0.021, 0.021, 0.003])
    # capped at 1, and empty
    assert benjamini_hochberg([0.9, 0.8]) == pytest.approx([0.9, 0.9])
    assert benjamini_hochberg([1.0, 1.0, 1.0]) == [1.0, 1.0, 1.0]
    assert benjamini_hochberg([]) == []


# ------------------------------------------------------------------------ periods


def test_period_starts_and_ends() -> None:
    new_year = date(2026, 1, 1)  # a Thursday
    assert period_start(new_year, "week") == date(2025, 12, 29)  # the Monday of ISO week 1
    assert period_start(date(2026, 8, 17), "week") == date(2026, 8, 17)  # a Monday
    assert period_start(date(2026, 8, 23), "week") == date(2026, 8, 17)  # the Sunday after
    assert period_start(date(2026, 8, 23), "month") == date(2026, 8, 1)
    assert period_start(date(2026, 8, 23), "quarter") == date(2026, 7, 1)
    assert period_start(date(2026, 3, 31), "quarter") == date(2026, 1, 1)
    assert period_start(date(2026, 12, 31), "quarter") == date(2026, 10, 1)
    assert period_start(date(2026, 8, 23), "year") == date(2026, 1, 1)
    assert period_end(date(2025, 12, 29), "week") == date(2026, 1, 4)
    assert period_end(date(2024, 2, 1), "month") == date(2024, 2, 29)
    assert period_end(date(2026, 10, 1), "quarter") == date(2026, 12, 31)
    assert period_end(date(2026, 1, 1), "year") == date(2026, 12, 31)
    assert shift_period(date(2026, 1, 1), "quarter", -1) == date(2025, 10, 1)
    assert shift_period(date(2026, 1, 1), "month", -1) == date(2025, 12, 1)
    assert shift_period(date(2026, 1, 5), "week", -1) == date(2025, 12, 29)
    with pytest.raises(ValueError, match="grain"):
        period_start(new_year, "fortnight")


def sums_of(
    promoters: int = 0,
    passives: int = 0,
    detractors: int = 0,
    csat: Sequence[int] = (),
    ces: Sequence[int] = (),
) -> tuple[int, ...]:
    """The additive columns of a group of responses (one per NPS answer, or per score)."""
    values = {
        "responses": max(promoters + passives + detractors, len(csat), len(ces)),
        "nps_responses": promoters + passives + detractors,
        "promoters": promoters,
        "passives": passives,
        "detractors": detractors,
        "csat_responses": len(csat),
        "csat_satisfied": sum(score >= 4 for score in csat),
        "csat_score_sum": sum(csat),
        "csat_score_sum_squares": sum(score * score for score in csat),
        "ces_responses": len(ces),
        "ces_easy": sum(score >= 5 for score in ces),
        "ces_difficult": sum(score <= 3 for score in ces),
        "ces_score_sum": sum(ces),
        "ces_score_sum_squares": sum(score * score for score in ces),
    }
    return tuple(values[column] for column in ADDITIVE)


def cube_row(day: date, name: str, value: str, **answers: Any) -> tuple[Any, ...]:
    return (day, name, value, *cx_block(sums_of(**answers), STATS))


def as_dict(mart: str, row: tuple[Any, ...]) -> dict[str, Any]:
    return dict(zip(MART_COLUMNS[mart], row, strict=True))


def test_cx_block_recomputes_the_scores_from_the_sums() -> None:
    block = dict(
        zip(CX_MEASURES, cx_block(sums_of(50, 30, 20, csat=[5, 4, 2, 1], ces=[7, 6, 2]), STATS), strict=True)
    )
    assert block["nps"] == two("30.00")
    assert (block["nps_standard_error"], block["nps_ci_lower"], block["nps_ci_upper"]) == (
        two("7.81"),
        two("14.05"),
        two("44.20"),
    )
    assert (block["csat_pct"], block["csat_mean"]) == (two("50.00"), two("3.00"))
    assert (block["csat_ci_lower"], block["csat_ci_upper"]) == wilson_interval(Proportion(2, 4), Z95)
    assert (block["csat_mean_ci_lower"], block["csat_mean_ci_upper"]) == mean_interval(
        Moments(12, 46, 4), Z95, 1.0, 5.0
    )
    assert (block["ces_easy_pct"], block["ces_mean"]) == (two("66.67"), two("5.00"))
    assert (block["ces_mean_ci_lower"], block["ces_mean_ci_upper"]) == mean_interval(
        Moments(15, 89, 3), Z95, 1.0, 7.0
    )
    assert (block["is_below_min_responses"], block["is_csat_below_min_responses"]) == (False, True)
    assert block["is_ces_below_min_responses"] is True
    empty = dict(zip(CX_MEASURES, cx_block(sums_of(), STATS), strict=True))
    assert empty["responses"] == 0
    assert {column: empty[column] for column in ("nps", "nps_ci_lower", "csat_pct", "ces_mean_ci_upper")} == {
        "nps": None,
        "nps_ci_lower": None,
        "csat_pct": None,
        "ces_mean_ci_upper": None,
    }
    assert empty["is_below_min_responses"] is True


def test_rolling_windows_sum_the_days_of_a_tiny_cube() -> None:
    first = date(2026, 1, 1)
    cube = [
        cube_row(first, "overall", "all", promoters=10),
        cube_row(date(2026, 1, 5), "overall", "all", promoters=3, detractors=2),
        cube_row(date(2026, 1, 5), "region", "IDF", promoters=3, detractors=2),
        cube_row(date(2026, 1, 10), "overall", "all", detractors=3),
    ]
    rows = [as_dict("fct_cx_rolling", row) for row in fct_cx_rolling(cube, STATS)]
    # every day of the cube's span, every window, every cell
    assert len(rows) == 10 * 3 * 2
    assert [(row["date_day"], row["window_days"], row["dimension_name"]) for row in rows[:4]] == [
        (first, 7, "overall"),
        (first, 7, "region"),
        (first, 30, "overall"),
        (first, 30, "region"),
    ]
    by_key = {(row["date_day"], row["window_days"], row["dimension_value"]): row for row in rows}
    seventh = by_key[(date(2026, 1, 7), 7, "all")]
    assert (seventh["window_start_date"], seventh["is_window_complete"]) == (first, True)
    assert (seventh["responses"], seventh["promoters"], seventh["detractors"]) == (15, 13, 2)
    assert seventh["nps"] == two("73.33")
    eighth = by_key[(date(2026, 1, 8), 7, "all")]  # 2 .. 8 January: only the 5th
    assert (eighth["responses"], eighth["nps"]) == (5, two("20.00"))
    last = by_key[(date(2026, 1, 10), 7, "all")]  # 4 .. 10 January
    assert (last["responses"], last["promoters"], last["detractors"], last["nps"]) == (8, 3, 5, two("-25.00"))
    month = by_key[(date(2026, 1, 10), 30, "all")]
    assert (month["window_start_date"], month["is_window_complete"]) == (date(2025, 12, 12), False)
    assert (month["responses"], month["nps"]) == (18, two("44.44"))
    # a cell without responses in its window: zeros, no score, flagged
    idf_first = by_key[(first, 90, "IDF")]
    assert (idf_first["responses"], idf_first["nps"], idf_first["nps_standard_error"]) == (0, None, None)
    assert idf_first["is_below_min_responses"] is True
    assert by_key[(date(2026, 1, 10), 7, "IDF")]["responses"] == 5
    assert by_key[(date(2026, 1, 4), 7, "IDF")]["responses"] == 0
    assert fct_cx_rolling([], STATS) == []


# two months of two regions (and their overall): IDF falls from +40 to -40, BRE rises
JAN, FEB = date(2026, 1, 15), date(2026, 2, 10)
TWO_MONTHS = [
    cube_row(JAN, "overall", "all", promoters=40, passives=20, detractors=30, ces=[7] * 20 + [6] * 20),
    cube_row(JAN, "region", "BRE", promoters=10, passives=10, detractors=20),
    cube_row(JAN, "region", "IDF", promoters=30, passives=10, detractors=10, ces=[7] * 20 + [6] * 20),
    cube_row(FEB, "overall", "all", promoters=30, passives=20, detractors=40, ces=[3] * 20 + [4] * 20),
    cube_row(FEB, "region", "BRE", promoters=20, passives=10, detractors=10),
    cube_row(FEB, "region", "IDF", promoters=10, passives=10, detractors=30, ces=[3] * 20 + [4] * 20),
]


def by_period_of(cube: list[tuple[Any, ...]]) -> dict[tuple[str, date, str], dict[str, Any]]:
    rows = fct_cx_by_period(cube, load_targets(SEEDS), STATS)
    keys = [(row[0], row[1], row[4], row[5]) for row in rows]
    assert keys == sorted(keys)
    return {
        (row["period_grain"], row["period_start_date"], row["dimension_value"]): row
        for row in (as_dict("fct_cx_by_period", row) for row in rows)
    }


def test_targets_of_the_seed() -> None:
    targets = load_targets(SEEDS)
    assert targets[("overall", "all", "nps", None)] == two("10.00")
    assert targets[("overall", "all", "nps", "quarter")] == two("12.00")
    assert targets[("overall", "all", "ces_mean", None)] == two("4.70")
    assert targets[("region", "BRE", "csat_pct", "month")] == two("72.00")


def test_periods_of_a_tiny_cube() -> None:
    rows = by_period_of(TWO_MONTHS)
    # 2 weeks, 2 months, 1 quarter, 1 year, of 3 cells each
    assert len(rows) == (2 + 2 + 1 + 1) * 3
    quarter = rows[("quarter", date(2026, 1, 1), "all")]
    assert (quarter["period_end_date"], quarter["is_period_complete"]) == (date(2026, 3, 31), False)
    assert (quarter["nps_responses"], quarter["promoters"], quarter["detractors"], quarter["nps"]) == (
        180,
        70,
        70,
        two("0.00"),
    )
    assert rows[("month", date(2026, 1, 1), "all")]["is_period_complete"] is True
    assert rows[("month", date(2026, 2, 1), "all")]["is_period_complete"] is False
    assert rows[("week", date(2026, 1, 12), "all")]["period_end_date"] == date(2026, 1, 18)
    assert rows[("week", date(2026, 2, 9), "all")]["is_period_complete"] is False

    idf = rows[("month", date(2026, 2, 1), "IDF")]
    assert (idf["previous_nps"], idf["previous_nps_responses"], idf["nps_change"]) == (
        two("40.00"),
        50,
        two("-80.00"),
    )
    expected = nps_difference_test(counts(30, 10, 10), counts(10, 10, 30))
    assert expected is not None and expected.p_value < 1e-5
    assert (idf["nps_change_p_value"], idf["nps_change_direction"]) == (expected.p_value, "down")
    # the rest of the region dimension is BRE
    assert idf["nps_vs_rest"] == two("-65.00")
    rest_test = nps_difference_test(counts(30, 10, 10), counts(10, 10, 20))
    assert rest_test is not None
    assert (idf["nps_vs_rest_p_value"], idf["nps_vs_rest_direction"]) == (rest_test.p_value, "below")
    # the CES of IDF fell from 6.50 to 3.50; the rest of it has no CES
    assert (idf["ces_mean"], idf["previous_ces_mean"], idf["ces_mean_change"]) == (
        two("3.50"),
        two("6.50"),
        two("-3.00"),
    )
    assert idf["ces_mean_change_direction"] == "down"
    assert (idf["ces_mean_vs_rest"], idf["ces_mean_vs_rest_p_value"], idf["ces_mean_vs_rest_direction"]) == (
        None,
        None,
        "insufficient_data",
    )
    # no CSAT at all
    assert (idf["csat_pct"], idf["csat_pct_change"], idf["csat_pct_change_direction"]) == (
        None,
        None,
        "insufficient_data",
    )
    # the target of IDF's NPS (every grain)
    assert (idf["nps_target"], idf["nps_gap_to_target"]) == (two("15.00"), two("-55.00"))
    assert idf["nps_below_target_p_value"] == nps_below_target_p_value(counts(30, 10, 10), two("15.00"))
    assert idf["csat_pct_target"] is None

    bre = rows[("month", date(2026, 2, 1), "BRE")]
    assert (bre["nps_change"], bre["nps_change_direction"]) == (two("50.00"), "up")
    assert bre["nps_vs_rest_direction"] == "above"
    # BRE's CSAT target is of months only; there is no CSAT to test against it
    assert (bre["csat_pct_target"], bre["csat_pct_gap_to_target"], bre["csat_pct_below_target_p_value"]) == (
        two("72.00"),
        None,
        None,
    )
    assert rows[("week", date(2026, 2, 9), "BRE")]["csat_pct_target"] is None

    overall = rows[("month", date(2026, 2, 1), "all")]
    assert (overall["nps_vs_rest"], overall["nps_vs_rest_p_value"], overall["nps_vs_rest_direction"]) == (
        None,
        None,
        None,
    )
    assert overall["nps_change"] == two("-22.22")
    assert overall["nps_change_p_value"] > STATS.alpha
    assert overall["nps_change_direction"] == "flat"
    # the target of the grain wins over the target of every grain
    assert overall["nps_target"] == two("10.00")
    assert rows[("quarter", date(2026, 1, 1), "all")]["nps_target"] == two("12.00")
    assert (overall["ces_mean_target"], overall["ces_mean_gap_to_target"]) == (two("4.70"), two("-1.20"))
    assert overall["ces_mean_below_target_p_value"] == mean_below_target_p_value(
        Moments(140, 500, 40), two("4.70")
    )

    january = rows[("month", date(2026, 1, 1), "IDF")]
    assert (january["previous_nps"], january["previous_nps_responses"], january["nps_change"]) == (
        None,
        0,
        None,
    )
    assert (january["nps_change_p_value"], january["nps_change_direction"]) == (None, "insufficient_data")
    # the weeks are not consecutive: no previous week
    assert rows[("week", date(2026, 2, 9), "IDF")]["previous_nps"] is None


def test_small_cells_are_not_tested() -> None:
    cube = [
        cube_row(JAN, "overall", "all", promoters=40, detractors=10),
        cube_row(JAN, "region", "IDF", promoters=20, detractors=9),  # 29 < 30
        cube_row(JAN, "region", "BRE", promoters=20, detractors=1),
        cube_row(FEB, "overall", "all", promoters=40, detractors=10),
        cube_row(FEB, "region", "IDF", promoters=20, detractors=10),
        cube_row(FEB, "region", "BRE", promoters=20),
    ]
    idf = by_period_of(cube)[("month", date(2026, 2, 1), "IDF")]
    assert idf["nps_change"] == two("-4.60")  # 37.93 (11 of 29) to 33.33 (10 of 30)
    assert (idf["nps_change_p_value"], idf["nps_change_direction"]) == (None, "insufficient_data")
    # the rest of IDF is BRE: 20 answers
    assert (idf["nps_vs_rest_p_value"], idf["nps_vs_rest_direction"]) == (None, "insufficient_data")
    assert idf["nps_vs_rest"] == two("-66.67")
    assert idf["nps_below_target_p_value"] is not None  # 30 answers in February


# ------------------------------------------------------------------------ alerts


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def test_alerts_of_a_tiny_cube() -> None:
    rows = fct_cx_by_period(TWO_MONTHS, load_targets(SEEDS), STATS)
    alerts = [as_dict("fct_cx_alerts", row) for row in fct_cx_alerts(TWO_MONTHS, rows, STATS)]
    ids = [alert["alert_id"] for alert in alerts]
    assert ids == sorted(ids)
    assert len(ids) == len(set(ids))
    by_id = {alert["alert_id"]: alert for alert in alerts}

    drop = by_id[md5("nps_significant_drop|nps|month|2026-02-01|region|IDF")]
    assert drop == {
        "alert_id": md5("nps_significant_drop|nps|month|2026-02-01|region|IDF"),
        "rule": "nps_significant_drop",
        "metric": "nps",
        "severity": "high",
        "period_grain": "month",
        "period_start_date": date(2026, 2, 1),
        "is_period_complete": False,
        "dimension_name": "region",
        "dimension_value": "IDF",
        "observed": two("-40.00"),
        "baseline": two("40.00"),
        "p_value": drop["p_value"],
        "q_value": drop["q_value"],
        "responses": 50,
        "baseline_responses": 50,
    }
    # the family: the three cells of February's month, all tested
    family = [
        as_dict("fct_cx_by_period", row) for row in rows if row[0] == "month" and row[1] == date(2026, 2, 1)
    ]
    p_values = [row["nps_change_p_value"] for row in family]
    assert drop["p_value"] in p_values
    assert drop["q_value"] == benjamini_hochberg(p_values)[p_values.index(drop["p_value"])]
    # BRE went up and the overall fall is not significant: no drop alert for them
    assert {alert["dimension_value"] for alert in alerts if alert["rule"] == "nps_significant_drop"} == {
        "IDF"
    }
    # below target: IDF's -40 against 15 in February (and every period holding it)
    below = by_id[md5("below_target|nps|month|2026-02-01|region|IDF")]
    assert (below["observed"], below["baseline"], below["responses"], below["baseline_responses"]) == (
        two("-40.00"),
        two("15.00"),
        50,
        None,
    )
    assert below["severity"] == "high"
    assert all(alert["q_value"] < STATS.alert_fdr for alert in alerts)
    # and IDF's day of February, 30 detractors of 50, against 10 of 50 in the 28 days before
    spike = by_id[md5("detractor_spike|detractor_share|day|2026-02-10|region|IDF")]
    assert (spike["observed"], spike["baseline"], spike["responses"], spike["baseline_responses"]) == (
        two("60.00"),
        two("20.00"),
        50,
        50,
    )
    assert spike["p_value"] == share_increase_p_value(Proportion(30, 50), Proportion(10, 50))
    # with a stricter FDR than the smallest q-value, nothing fires
    strict = StatsSettings(alert_fdr=min(alert["q_value"] for alert in alerts) / 2)
    assert fct_cx_alerts(TWO_MONTHS, rows, strict) == []


def test_detractor_spike() -> None:
    start = date(2026, 3, 1)
    cube = [
        cube_row(start + timedelta(days=day), "overall", "all", promoters=9, detractors=1)
        for day in range(28)
    ]
    spike, calm = date(2026, 3, 29), date(2026, 3, 30)
    cube.append(cube_row(spike, "overall", "all", promoters=20, detractors=20))
    cube.append(cube_row(calm, "overall", "all", promoters=36, detractors=4))
    alerts = [
        as_dict("fct_cx_alerts", row)
        for row in fct_cx_alerts(cube, [], STATS)  # no period rows: the spike rule alone
    ]
    # 29 March: 20 of 40 against 28 of 280 in the 28 days before, pooled 48 / 320
    se = math.sqrt(0.15 * 0.85 * (1 / 40 + 1 / 280))
    p_value = PHI(-((0.5 - 0.1) / se))
    (alert,) = alerts
    assert alert == {
        "alert_id": md5("detractor_spike|detractor_share|day|2026-03-29|overall|all"),
        "rule": "detractor_spike",
        "metric": "detractor_share",
        "severity": "high",
        "period_grain": "day",
        "period_start_date": spike,
        "is_period_complete": True,
        "dimension_name": "overall",
        "dimension_value": "all",
        "observed": two("50.00"),
        "baseline": two("10.00"),
        "p_value": pytest.approx(p_value),
        "q_value": alert["p_value"],  # alone in its family
        "responses": 40,
        "baseline_responses": 280,
    }
    assert alert_id("detractor_spike", "detractor_share", "day", spike, "overall", "all") == alert["alert_id"]
    # a higher bar for severity, and a window too short to have the minimum of responses
    assert fct_cx_alerts(cube, [], StatsSettings(high_severity={"detractor_share": 45}))[0][3] == "medium"
    assert fct_cx_alerts(cube, [], StatsSettings(detractor_window_days=2)) == []


# ------------------------------------------------------------------------ end to end


def test_compute_marts_on_generated_data(tmp_path: Path) -> None:
    from nps_warehouse.generator import generate_programme

    landing = tmp_path / "landing"
    generate_programme(landing, rows=1500, days=70, end_date="2026-03-31", seed=11)
    marts = compute_marts(
        str(landing), SEEDS, sources={source: str(landing / source) for source in PROGRAMME_SOURCES}
    )
    assert tuple(marts) == tuple(MART_COLUMNS)
    for mart in ("fct_cx_by_period", "fct_cx_rolling", "fct_cx_alerts", "fct_nps_daily_overall"):
        assert marts[mart], mart
        assert all(len(row) == len(MART_COLUMNS[mart]) for row in marts[mart]), mart

    cube = [as_dict("fct_cx_daily_by_dimension", row) for row in marts["fct_cx_daily_by_dimension"]]
    days = {row["response_date"] for row in cube}
    cells = {(row["dimension_name"], row["dimension_value"]) for row in cube}
    span = (max(days) - min(days)).days + 1
    assert len(marts["fct_cx_rolling"]) == span * 3 * len(cells)

    total = sum(row["responses"] for row in cube if row["dimension_name"] == "overall")
    assert total == len(marts["fct_cx_responses"])
    periods = [as_dict("fct_cx_by_period", row) for row in marts["fct_cx_by_period"]]
    for grain in ("week", "month", "quarter", "year"):
        overall = [
            row for row in periods if row["period_grain"] == grain and row["dimension_name"] == "overall"
        ]
        assert sum(row["responses"] for row in overall) == total, grain
    # the ninety-day window of the last day holds every response of the 70 days
    (last,) = (
        as_dict("fct_cx_rolling", row)
        for row in marts["fct_cx_rolling"]
        if row[0] == max(days) and row[1] == 90 and row[2] == "overall"
    )
    assert (last["responses"], last["is_window_complete"]) == (total, False)

    # a tested change is the NPS test of the period against the previous one
    tested = next(row for row in periods if row["nps_change_p_value"] is not None)
    index = {
        (row["period_grain"], row["period_start_date"], row["dimension_name"], row["dimension_value"]): row
        for row in periods
    }
    previous = index[
        (
            tested["period_grain"],
            shift_period(tested["period_start_date"], tested["period_grain"], -1),
            tested["dimension_name"],
            tested["dimension_value"],
        )
    ]
    test = nps_difference_test(
        NpsCounts(tested["promoters"], tested["passives"], tested["detractors"]),
        NpsCounts(previous["promoters"], previous["passives"], previous["detractors"]),
    )
    assert test is not None and tested["nps_change_p_value"] == test.p_value
    assert tested["nps_change"] == tested["nps"] - previous["nps"]

    # the daily NPS marts carry the uncertainty of their counts
    for row in marts["fct_nps_daily_overall"]:
        daily = as_dict("fct_nps_daily_overall", row)
        sample = NpsCounts(daily["promoters"], daily["passives"], daily["detractors"])
        uncertainty = nps_uncertainty(sample, STATS)
        assert tuple(daily[column] for column in uncertainty._fields) == uncertainty

    alerts = [as_dict("fct_cx_alerts", row) for row in marts["fct_cx_alerts"]]
    assert [alert["alert_id"] for alert in alerts] == sorted({alert["alert_id"] for alert in alerts})
    for alert in alerts:
        key = "|".join(
            str(alert[column])
            for column in (
                "rule",
                "metric",
                "period_grain",
                "period_start_date",
                "dimension_name",
                "dimension_value",
            )
        )
        assert alert["alert_id"] == md5(key)
        assert alert["q_value"] < STATS.alert_fdr
        assert alert["p_value"] <= alert["q_value"]
        assert alert["severity"] == (
            "high"
            if abs(alert["observed"] - alert["baseline"]) >= STATS.severity_threshold(alert["metric"])
            else "medium"
        )
    # the overall NPS of the programme is below its target of 10 in some periods: a below-target alert for it
    overall_below = [
        alert
        for alert in alerts
        if (alert["rule"], alert["metric"], alert["dimension_name"]) == ("below_target", "nps", "overall")
    ]
    assert overall_below
    assert {alert["baseline"] for alert in overall_below} <= {two("10.00"), two("12.00")}
    assert {alert["baseline"] for alert in overall_below if alert["period_grain"] == "quarter"} <= {
        two("12.00")
    }
