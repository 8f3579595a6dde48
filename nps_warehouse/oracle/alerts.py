"""fct_cx_alerts: the changes worth a look, with the false discovery rate controlled.

Each rule tests many cells at once (every dimension value of a period, every cell of a day);
the p-values of one family, (rule, period grain, period start), are turned into
Benjamini-Hochberg q-values, and an alert fires when its q-value is under the alert FDR (and
the rule's direction holds):

* ``nps_significant_drop``, ``csat_significant_drop``: the change from the previous period of
  fct_cx_by_period, when it is down;
* ``detractor_spike``: the detractor share of a day of the cube against the trailing
  ``detractor_window_days`` days before it (one-sided: higher);
* ``below_target``: a score of fct_cx_by_period below its target (one family per period
  across the three metrics).

A value holding every response of its dimension on both sides of a drop or a spike (the one
value of a dimension the feed does not carry) repeats the overall test and is left out.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from nps_warehouse.contract import CX_COMPARED_SCORES, MART_COLUMNS
from nps_warehouse.oracle.intervals import (
    Proportion,
    StatsSettings,
    benjamini_hochberg,
    share_increase_p_value,
)
from nps_warehouse.oracle.periods import SCORE_RESPONSES
from nps_warehouse.oracle.responses import rounded_ratio

Row = tuple[Any, ...]

_CUBE = MART_COLUMNS["fct_cx_daily_by_dimension"]
_BY_PERIOD = MART_COLUMNS["fct_cx_by_period"]

#: The grain of the detractor spike's family: a day.
DAY = "day"

#: The dimension every response belongs to (value ``all``).
OVERALL = "overall"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A test of a rule; ``fires_if_significant``: the rule's direction holds."""

    rule: str
    metric: str
    period_grain: str
    period_start_date: date
    is_period_complete: bool
    dimension_name: str
    dimension_value: str
    observed: Decimal | None
    baseline: Decimal | None
    p_value: float
    responses: int
    baseline_responses: int | None
    fires_if_significant: bool

    @property
    def family(self) -> tuple[str, str, date]:
        return (self.rule, self.period_grain, self.period_start_date)


def alert_id(
    rule: str,
    metric: str,
    period_grain: str,
    period_start_date: date,
    dimension_name: str,
    dimension_value: str,
) -> str:
    """md5 (lower-case hex) of rule|metric|grain|start|dimension name|dimension value."""
    key = f"{rule}|{metric}|{period_grain}|{period_start_date:%Y-%m-%d}|{dimension_name}|{dimension_value}"
    return hashlib.md5(key.encode("utf-8")).hexdigest()


def _period_candidate(
    rule: str,
    score: str,
    row: dict[str, Any],
    baseline: Decimal | None,
    p_value: float,
    baseline_responses: int | None,
    fires_if_significant: bool,
) -> Candidate:
    """A test of a score of a fct_cx_by_period row: its period, cell, score and responses."""
    return Candidate(
        rule,
        score,
        row["period_grain"],
        row["period_start_date"],
        row["is_period_complete"],
        row["dimension_name"],
        row["dimension_value"],
        row[score],
        baseline,
        p_value,
        row[SCORE_RESPONSES[score]],
        baseline_responses,
        fires_if_significant,
    )


def _drops(by_period: list[dict[str, Any]]) -> Iterable[Candidate]:
    """nps_significant_drop and csat_significant_drop: every tested change from the previous
    period, but those of a value holding every response of its dimension in both periods (they
    repeat the overall test)."""
    overall = {
        (row["period_grain"], row["period_start_date"]): row
        for row in by_period
        if row["dimension_name"] == OVERALL
    }
    for rule, score in (("nps_significant_drop", "nps"), ("csat_significant_drop", "csat_pct")):
        responses = SCORE_RESPONSES[score]
        for row in by_period:
            p_value = row[f"{score}_change_p_value"]
            if p_value is None:
                continue
            whole = overall[(row["period_grain"], row["period_start_date"])]
            if row["dimension_name"] != OVERALL and (
                row[responses] == whole[responses]
                and row[f"previous_{responses}"] == whole[f"previous_{responses}"]
            ):
                continue
            change = row[f"{score}_change"]
            yield _period_candidate(
                rule,
                score,
                row,
                row[f"previous_{score}"],
                p_value,
                row[f"previous_{responses}"],
                change is not None and change < 0,
            )


def _below_target(by_period: list[dict[str, Any]]) -> Iterable[Candidate]:
    """below_target: every score of a period tested against its target."""
    for score in CX_COMPARED_SCORES:
        for row in by_period:
            p_value = row[f"{score}_below_target_p_value"]
            if p_value is None:
                continue
            yield _period_candidate("below_target", score, row, row[f"{score}_target"], p_value, None, True)


def _detractor_spikes(cube: list[Row], stats: StatsSettings) -> Iterable[Candidate]:
    """detractor_spike: the detractor share of each day of a cell against the trailing days
    before it (days without a row count 0), when both have the minimum of NPS responses."""
    day_at, name_at, value_at = (
        _CUBE.index("response_date"),
        _CUBE.index("dimension_name"),
        _CUBE.index("dimension_value"),
    )
    detractors_at, responses_at = _CUBE.index("detractors"), _CUBE.index("nps_responses")
    cells: dict[tuple[str, str], dict[date, tuple[int, int]]] = {}
    for row in cube:
        cells.setdefault((row[name_at], row[value_at]), {})[row[day_at]] = (
            row[detractors_at],
            row[responses_at],
        )
    window = stats.detractor_window_days

    def trailing_of(days: dict[date, tuple[int, int]], day: date) -> tuple[int, int]:
        trailing = [days.get(day - timedelta(days=back), (0, 0)) for back in range(1, window + 1)]
        return sum(x for x, _ in trailing), sum(n for _, n in trailing)

    overall_days = cells.get((OVERALL, "all"), {})
    for (name, value), days in cells.items():
        for day, (detractors, responses) in days.items():
            if responses < stats.min_responses:
                continue
            trailing_detractors, trailing_responses = trailing_of(days, day)
            if trailing_responses < stats.min_responses:
                continue
            # a value holding every response of its dimension on both sides repeats overall
            if name != OVERALL and (
                responses == overall_days[day][1] and trailing_responses == trailing_of(overall_days, day)[1]
            ):
                continue
            p_value = share_increase_p_value(
                Proportion(detractors, responses), Proportion(trailing_detractors, trailing_responses)
            )
            if p_value is None:
                continue
            yield Candidate(
                "detractor_spike",
                "detractor_share",
                DAY,
                day,
                True,
                name,
                value,
                rounded_ratio(detractors, responses),
                rounded_ratio(trailing_detractors, trailing_responses),
                p_value,
                responses,
                trailing_responses,
                True,
            )


def _severity(candidate: Candidate, stats: StatsSettings) -> str:
    if candidate.observed is None or candidate.baseline is None:
        return "medium"
    gap = abs(candidate.observed - candidate.baseline)
    return "high" if gap >= stats.severity_threshold(candidate.metric) else "medium"


def fct_cx_alerts(cube: Iterable[Row], by_period: Iterable[Row], stats: StatsSettings) -> list[Row]:
    """The alerts fired by the rules on the daily cube and fct_cx_by_period, sorted by alert_id."""
    periods = [dict(zip(_BY_PERIOD, row, strict=True)) for row in by_period]
    candidates = [*_drops(periods), *_detractor_spikes(list(cube), stats), *_below_target(periods)]
    families: dict[tuple[str, str, date], list[Candidate]] = {}
    for candidate in candidates:
        families.setdefault(candidate.family, []).append(candidate)
    rows = []
    for members in families.values():
        q_values = benjamini_hochberg([member.p_value for member in members])
        for member, q_value in zip(members, q_values, strict=True):
            if not (q_value < stats.alert_fdr and member.fires_if_significant):
                continue
            rows.append(
                (
                    alert_id(
                        member.rule,
                        member.metric,
                        member.period_grain,
                        member.period_start_date,
                        member.dimension_name,
                        member.dimension_value,
                    ),
                    member.rule,
                    member.metric,
                    _severity(member, stats),
                    member.period_grain,
                    member.period_start_date,
                    member.is_period_complete,
                    member.dimension_name,
                    member.dimension_value,
                    member.observed,
                    member.baseline,
                    member.p_value,
                    q_value,
                    member.responses,
                    member.baseline_responses,
                )
            )
    return sorted(rows, key=lambda row: row[0])
