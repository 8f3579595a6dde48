"""The CX measures of any span of days, by period (fct_cx_by_period) and by rolling window
(fct_cx_rolling), recomputed from the additive columns of the daily cube
(fct_cx_daily_by_dimension) and the targets of the seed ``cx_targets``.

A span's counts and sums are the sums of its days'; its scores, intervals and flags (the
columns of ``CX_DERIVED``) are recomputed from those sums by :func:`cx_block`, the same
function that computes them for a single day.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from nps_warehouse.contract import (
    CX_COMPARED_SCORES,
    CX_DERIVED,
    CX_MEASURES,
    CX_PERIOD_COMPARISONS,
    MART_COLUMNS,
)
from nps_warehouse.oracle.intervals import (
    Moments,
    NpsCounts,
    Proportion,
    StatsSettings,
    TwoSampleTest,
    mean_below_target_p_value,
    mean_difference_test,
    mean_interval,
    nps_below_target_p_value,
    nps_difference_test,
    nps_uncertainty,
    share_below_target_p_value,
    share_difference_test,
    wilson_interval,
)
from nps_warehouse.oracle.responses import rounded_ratio, trim

Row = tuple[Any, ...]
Sums = tuple[int, ...]

#: The additive columns of CX_MEASURES (counts and sums), in order: a span's are its days' summed.
ADDITIVE: tuple[str, ...] = tuple(column for column in CX_MEASURES if column not in CX_DERIVED)
_ZERO: Sums = (0,) * len(ADDITIVE)

#: The period grains of fct_cx_by_period.
GRAINS: tuple[str, ...] = ("week", "month", "quarter", "year")

#: The windows of fct_cx_rolling, in days.
WINDOWS: tuple[int, ...] = (7, 30, 90)

#: Each compared score and the count of its responses.
SCORE_RESPONSES: dict[str, str] = {
    "nps": "nps_responses",
    "csat_pct": "csat_responses",
    "ces_mean": "ces_responses",
}

#: The bounds of the CSAT (1-5) and CES (1-7) scales, which clamp the intervals of their means.
CSAT_SCALE = (1.0, 5.0)
CES_SCALE = (1.0, 7.0)

_CUBE = MART_COLUMNS["fct_cx_daily_by_dimension"]
_CUBE_ADDITIVE = tuple(_CUBE.index(column) for column in ADDITIVE)

# ------------------------------------------------------------------------------ measures


def cx_block(sums: Sums, stats: StatsSettings) -> Row:
    """The CX_MEASURES columns of a group of responses from its additive columns (``sums``, in
    :data:`ADDITIVE` order): scores and intervals None where their count is 0."""
    s = dict(zip(ADDITIVE, sums, strict=True))
    nps_counts = NpsCounts(s["promoters"], s["passives"], s["detractors"])
    csat_share = Proportion(s["csat_satisfied"], s["csat_responses"])
    ces_share = Proportion(s["ces_easy"], s["ces_responses"])
    csat_moments = Moments(s["csat_score_sum"], s["csat_score_sum_squares"], s["csat_responses"])
    ces_moments = Moments(s["ces_score_sum"], s["ces_score_sum_squares"], s["ces_responses"])
    values: dict[str, Any] = {
        **s,
        "nps": rounded_ratio(s["promoters"] - s["detractors"], s["nps_responses"]),
        **nps_uncertainty(nps_counts, stats)._asdict(),
        "csat_pct": rounded_ratio(s["csat_satisfied"], s["csat_responses"]),
        "csat_mean": rounded_ratio(s["csat_score_sum"], s["csat_responses"], 1),
        "is_csat_below_min_responses": s["csat_responses"] < stats.min_responses,
        "ces_easy_pct": rounded_ratio(s["ces_easy"], s["ces_responses"]),
        "ces_mean": rounded_ratio(s["ces_score_sum"], s["ces_responses"], 1),
        "is_ces_below_min_responses": s["ces_responses"] < stats.min_responses,
    }
    values["csat_ci_lower"], values["csat_ci_upper"] = wilson_interval(csat_share, stats.z)
    values["csat_mean_ci_lower"], values["csat_mean_ci_upper"] = mean_interval(
        csat_moments, stats.z, *CSAT_SCALE
    )
    values["ces_easy_ci_lower"], values["ces_easy_ci_upper"] = wilson_interval(ces_share, stats.z)
    values["ces_mean_ci_lower"], values["ces_mean_ci_upper"] = mean_interval(ces_moments, stats.z, *CES_SCALE)
    return tuple(values[column] for column in CX_MEASURES)


def _add(left: Sums, right: Sequence[int]) -> Sums:
    return tuple(a + b for a, b in zip(left, right, strict=True))


def _subtract(left: Sums, right: Sums) -> Sums:
    return tuple(a - b for a, b in zip(left, right, strict=True))


def cube_sums(row: Row) -> Sums:
    """The additive columns of a row of fct_cx_daily_by_dimension."""
    return tuple(row[index] for index in _CUBE_ADDITIVE)


# ------------------------------------------------------------------------------ periods


def period_start(day: date, grain: str) -> date:
    """The first day of the period of ``grain`` holding ``day`` (an ISO week starts on Monday)."""
    if grain == "week":
        return day - timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    if grain == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if grain == "year":
        return date(day.year, 1, 1)
    raise ValueError(f"unknown period grain {grain!r}; grains are {', '.join(GRAINS)}")


def _months_later(start: date, months: int) -> date:
    index = start.year * 12 + start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def shift_period(start: date, grain: str, periods: int) -> date:
    """The start of the period ``periods`` grains after the one starting on ``start``."""
    if grain == "week":
        return start + timedelta(weeks=periods)
    months = {"month": 1, "quarter": 3, "year": 12}.get(grain)
    if months is None:
        raise ValueError(f"unknown period grain {grain!r}; grains are {', '.join(GRAINS)}")
    return _months_later(start, months * periods)


def period_end(start: date, grain: str) -> date:
    """The last day of the period starting on ``start``."""
    return shift_period(start, grain, 1) - timedelta(days=1)


# ------------------------------------------------------------------------------ targets

#: (dimension_name, dimension_value, metric, period_grain or None for every grain) -> target.
Targets = Mapping[tuple[str, str, str, str | None], Decimal]


def load_targets(seeds_dir: str | Path) -> dict[tuple[str, str, str, str | None], Decimal]:
    """The targets of ``seeds/cx_targets.csv`` (fields trimmed; an empty period_grain: every
    grain), each a decimal rounded half away from zero to two decimals."""
    targets: dict[tuple[str, str, str, str | None], Decimal] = {}
    with open(Path(seeds_dir) / "cx_targets.csv", encoding="utf-8-sig", newline="") as handle:
        for record in csv.DictReader(handle):
            key = (
                str(trim(record["dimension_name"])),
                str(trim(record["dimension_value"])),
                str(trim(record["metric"])),
                trim(record["period_grain"]),
            )
            if key[2] not in CX_COMPARED_SCORES:
                raise ValueError(
                    f"seed cx_targets: metric {key[2]!r} is not one of {', '.join(CX_COMPARED_SCORES)}"
                )
            if key[3] is not None and key[3] not in GRAINS:
                raise ValueError(
                    f"seed cx_targets: period_grain {key[3]!r} is not one of {', '.join(GRAINS)}"
                )
            if key in targets:
                raise ValueError(f"seed cx_targets lists {key!r} twice")
            targets[key] = Decimal(str(trim(record["target"]))).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return targets


def target_of(
    targets: Targets, dimension_name: str, dimension_value: str, metric: str, grain: str
) -> Decimal | None:
    """The target of the grain, else the target of every grain, else None."""
    exact = targets.get((dimension_name, dimension_value, metric, grain))
    if exact is not None:
        return exact
    return targets.get((dimension_name, dimension_value, metric, None))


# ------------------------------------------------------------------------------ fct_cx_by_period


@dataclass(frozen=True, slots=True)
class _Samples:
    """The samples the three compared scores are tested on, and their scores, of a group."""

    nps: NpsCounts
    csat: Proportion
    ces: Moments
    responses: Mapping[str, int]
    scores: Mapping[str, Decimal | None]

    @classmethod
    def of(cls, sums: Sums) -> _Samples:
        s = dict(zip(ADDITIVE, sums, strict=True))
        return cls(
            NpsCounts(s["promoters"], s["passives"], s["detractors"]),
            Proportion(s["csat_satisfied"], s["csat_responses"]),
            Moments(s["ces_score_sum"], s["ces_score_sum_squares"], s["ces_responses"]),
            {score: s[responses] for score, responses in SCORE_RESPONSES.items()},
            {
                "nps": rounded_ratio(s["promoters"] - s["detractors"], s["nps_responses"]),
                "csat_pct": rounded_ratio(s["csat_satisfied"], s["csat_responses"]),
                "ces_mean": rounded_ratio(s["ces_score_sum"], s["ces_responses"], 1),
            },
        )

    def test(self, score: str, other: _Samples) -> TwoSampleTest | None:
        """The two-sample test of ``score``, this sample first."""
        if score == "nps":
            return nps_difference_test(self.nps, other.nps)
        if score == "csat_pct":
            return share_difference_test(self.csat, other.csat)
        return mean_difference_test(self.ces, other.ces)

    def below_target_p_value(self, score: str, target: Decimal) -> float | None:
        if score == "nps":
            return nps_below_target_p_value(self.nps, target)
        if score == "csat_pct":
            return share_below_target_p_value(self.csat, target)
        return mean_below_target_p_value(self.ces, target)


#: The samples of a period without a row: no response, every score None.
_NO_SAMPLE = _Samples.of(_ZERO)


def _difference(left: Decimal | None, right: Decimal | None) -> Decimal | None:
    return None if left is None or right is None else left - right


def _comparison(
    this: _Samples, other: _Samples, score: str, stats: StatsSettings, higher: str, lower: str
) -> tuple[Decimal | None, float | None, str]:
    """The difference of the published scores, the p-value of the test (when both sides have
    the minimum of responses) and the direction."""
    difference = _difference(this.scores[score], other.scores[score])
    minimum = stats.min_responses
    if this.responses[score] < minimum or other.responses[score] < minimum:
        return difference, None, "insufficient_data"
    test = this.test(score, other)
    p_value = None if test is None else test.p_value
    direction = "flat"
    if p_value is not None and p_value < stats.alpha and difference is not None:
        if difference > 0:
            direction = higher
        elif difference < 0:
            direction = lower
    return difference, p_value, direction


def fct_cx_by_period(cube: Iterable[Row], targets: Targets, stats: StatsSettings) -> list[Row]:
    """One row per grain, period, dimension name and value with responses in the period."""
    cube = list(cube)
    if not cube:
        return []
    last_day = max(row[0] for row in cube)
    sums: dict[tuple[str, date, str, str], Sums] = {}
    for row in cube:
        day, name, value = row[0], row[1], row[2]
        additive = cube_sums(row)
        for grain in GRAINS:
            key = (grain, period_start(day, grain), name, value)
            sums[key] = _add(sums.get(key, _ZERO), additive)

    samples = {key: _Samples.of(group) for key, group in sums.items()}
    rows = []
    for key, group in sums.items():
        grain, start, name, value = key
        this = samples[key]
        compared: dict[str, Any] = {}
        previous = samples.get((grain, shift_period(start, grain, -1), name, value), _NO_SAMPLE)
        overall = sums[(grain, start, "overall", "all")] if name != "overall" else None
        rest = None if overall is None else _Samples.of(_subtract(overall, group))
        for score, responses in SCORE_RESPONSES.items():
            compared[f"previous_{score}"] = previous.scores[score]
            compared[f"previous_{responses}"] = previous.responses[score]
            (
                compared[f"{score}_change"],
                compared[f"{score}_change_p_value"],
                compared[f"{score}_change_direction"],
            ) = _comparison(this, previous, score, stats, "up", "down")
            if rest is None:
                vs_rest: tuple[Decimal | None, float | None, str | None] = (None, None, None)
            else:
                vs_rest = _comparison(this, rest, score, stats, "above", "below")
            (
                compared[f"{score}_vs_rest"],
                compared[f"{score}_vs_rest_p_value"],
                compared[f"{score}_vs_rest_direction"],
            ) = vs_rest
            target = target_of(targets, name, value, score, grain)
            compared[f"{score}_target"] = target
            compared[f"{score}_gap_to_target"] = _difference(this.scores[score], target)
            tested = target is not None and this.responses[score] >= stats.min_responses
            compared[f"{score}_below_target_p_value"] = (
                this.below_target_p_value(score, target) if tested and target is not None else None
            )
        end = period_end(start, grain)
        rows.append(
            (
                grain,
                start,
                end,
                end <= last_day,
                name,
                value,
                *cx_block(group, stats),
                *(compared[column] for column in CX_PERIOD_COMPARISONS),
            )
        )
    by_period = MART_COLUMNS["fct_cx_by_period"]
    grain_at, start_at = by_period.index("period_grain"), by_period.index("period_start_date")
    name_at, value_at = by_period.index("dimension_name"), by_period.index("dimension_value")
    return sorted(rows, key=lambda row: (row[grain_at], row[start_at], row[name_at], row[value_at]))


# ------------------------------------------------------------------------------ fct_cx_rolling


def fct_cx_rolling(cube: Iterable[Row], stats: StatsSettings) -> list[Row]:
    """One row per day from the cube's first to its last, window, and dimension name and value
    of the cube: the window's days summed (0 when none)."""
    cube = list(cube)
    if not cube:
        return []
    first_day = min(row[0] for row in cube)
    days = (max(row[0] for row in cube) - first_day).days + 1
    daily: dict[tuple[str, str], dict[int, Sums]] = {}
    for row in cube:
        cell = daily.setdefault((row[1], row[2]), {})
        offset = (row[0] - first_day).days
        cell[offset] = _add(cell.get(offset, _ZERO), cube_sums(row))
    blocks: dict[Sums, Row] = {}  # many windows share their sums (zeros above all)

    def block(sums: Sums) -> Row:
        found = blocks.get(sums)
        if found is None:
            found = blocks[sums] = cx_block(sums, stats)
        return found

    rows = []
    for (name, value), by_offset in daily.items():
        prefix = [_ZERO]  # prefix[i]: the sums of days 0..i-1
        for offset in range(days):
            prefix.append(_add(prefix[-1], by_offset.get(offset, _ZERO)))
        for offset in range(days):
            day = first_day + timedelta(days=offset)
            for window in WINDOWS:
                start = day - timedelta(days=window - 1)
                sums = _subtract(prefix[offset + 1], prefix[max(0, offset - window + 1)])
                rows.append((day, window, name, value, start, start >= first_day, *block(sums)))
    rolling = MART_COLUMNS["fct_cx_rolling"]
    day_at, window_at = rolling.index("date_day"), rolling.index("window_days")
    name_at, value_at = rolling.index("dimension_name"), rolling.index("dimension_value")
    return sorted(rows, key=lambda row: (row[day_at], row[window_at], row[name_at], row[value_at]))
