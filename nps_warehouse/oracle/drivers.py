"""``rpt_cx_drivers``: what moves the NPS (README, "What customers say", "Drivers").

For each month and for the whole period, each theme the comments mention and each known value of
the operational factors is a driver: the responses with it (the theme mentioned, the factor's
value) against every other response with an NPS score, comment or not. The NPS of each side
with its adjusted-Wald interval, the gap and its p-value (:mod:`.intervals`), and the NPS the
driver costs or earns: the NPS of all responses minus that of the responses without it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from nps_warehouse.oracle.comment_marts import ReadComment
from nps_warehouse.oracle.intervals import (
    NpsCounts,
    StatsSettings,
    nps_difference_test,
    nps_uncertainty,
)
from nps_warehouse.oracle.responses import UNKNOWN, nps, rounded_ratio

Row = tuple[Any, ...]

#: The operational factors, columns of fct_cx_responses: each known value is a driver.
FACTORS: tuple[str, ...] = (
    "wait_time_band",
    "transfers_band",
    "first_contact_resolution",
    "channel",
    "touchpoint",
)
THEME = "theme"
MONTH = "month"
ALL = "all"


@dataclass(frozen=True, slots=True)
class _Member:
    """A response with an NPS score, as the drivers read it."""

    response_id: str
    response_date: date
    nps_category: str
    factors: Mapping[str, Any]


def _counts(members: Iterable[_Member]) -> NpsCounts:
    categories = Counter(member.nps_category for member in members)
    return NpsCounts(categories["promoter"], categories["passive"], categories["detractor"])


def _nps_impact(everyone: NpsCounts, without: NpsCounts) -> Decimal | None:
    """NPS of all minus NPS of those without the driver, from the exact shares (README: "from the
    exact shares, rounded to two decimals"; every numeric(5, 2) of the marts is "rounded half away
    from zero from exact integers"); None when every response has the driver."""
    if without.responses == 0:
        return None
    # (P - D) / N - (Po - Do) / No as one fraction of integers
    numerator = (everyone.promoters - everyone.detractors) * without.responses - (
        without.promoters - without.detractors
    ) * everyone.responses
    return rounded_ratio(numerator, everyone.responses * without.responses)


def _driver_row(
    members: Sequence[_Member],
    with_driver: Sequence[_Member],
    comments: Mapping[str, ReadComment],
    theme: str | None,
    stats: StatsSettings,
) -> tuple[Any, ...]:
    """The measures of one driver of one period (from nps_impact to example_comment; the rank,
    second, is filled in later)."""
    everyone = _counts(members)
    with_counts = _counts(with_driver)
    without = NpsCounts(
        everyone.promoters - with_counts.promoters,
        everyone.passives - with_counts.passives,
        everyone.detractors - with_counts.detractors,
    )
    nps_with = nps(with_counts.promoters, with_counts.detractors, with_counts.responses)
    with_uncertainty = nps_uncertainty(with_counts, stats)
    if without.responses:
        nps_without: Decimal | None = nps(without.promoters, without.detractors, without.responses)
        without_uncertainty = nps_uncertainty(without, stats)
        lower_without, upper_without = without_uncertainty.nps_ci_lower, without_uncertainty.nps_ci_upper
    else:
        nps_without = lower_without = upper_without = None
    test = nps_difference_test(with_counts, without)
    p_value = None if test is None else test.p_value
    theme_mentions = negative_pct = None
    if theme is not None:
        theme_mentions = len(with_driver)
        negative = sum(
            1
            for member in with_driver
            if comments[member.response_id].reading.themes[theme].sentiment == "negative"
        )
        negative_pct = rounded_ratio(negative, theme_mentions)
    example = _example(with_driver, comments, theme)
    return (
        _nps_impact(everyone, without),
        nps(everyone.promoters, everyone.detractors, everyone.responses),
        everyone.responses,
        with_counts.responses,
        without.responses,
        rounded_ratio(with_counts.responses, everyone.responses),
        nps_with,
        with_uncertainty.nps_ci_lower,
        with_uncertainty.nps_ci_upper,
        nps_without,
        lower_without,
        upper_without,
        None if nps_without is None else nps_with - nps_without,
        p_value,
        p_value is not None and p_value < stats.alpha,
        with_counts.responses < stats.min_responses,
        theme_mentions,
        negative_pct,
        *example,
    )


def _example(
    with_driver: Sequence[_Member], comments: Mapping[str, ReadComment], theme: str | None
) -> tuple[str | None, str | None]:
    """Of the responses with the driver and a comment: a detractor's first, the most negative
    (the theme's own sentiment for a theme, the comment's for a factor), the smallest id."""
    candidates = []
    for member in with_driver:
        comment = comments.get(member.response_id)
        if comment is None:
            continue
        score = comment.reading.score if theme is None else comment.reading.themes[theme].score
        candidates.append((member.nps_category != "detractor", score, member.response_id, comment))
    if not candidates:
        return None, None
    chosen = min(candidates, key=lambda candidate: candidate[:3])
    return chosen[2], chosen[3].response.comment


def _period_drivers(
    members: Sequence[_Member], comments: Mapping[str, ReadComment], stats: StatsSettings
) -> list[tuple[str, str, tuple[Any, ...]]]:
    """(driver_group, driver, measures) of every driver of one period's responses."""
    drivers: dict[tuple[str, str], list[_Member]] = {}
    for member in members:
        comment = comments.get(member.response_id)
        if comment is not None:
            for theme in comment.reading.themes:
                drivers.setdefault((THEME, theme), []).append(member)
        for factor in FACTORS:
            value = member.factors[factor]
            if value is not None and value != UNKNOWN:
                drivers.setdefault((factor, str(value)), []).append(member)
    return [
        (
            group,
            driver,
            _driver_row(members, with_driver, comments, driver if group == THEME else None, stats),
        )
        for (group, driver), with_driver in drivers.items()
    ]


def _ranked(
    period_grain: str, period_start: date, drivers: list[tuple[str, str, tuple[Any, ...]]]
) -> list[Row]:
    """The rows of one period, driver_rank set: first the significant gaps that cost points (the
    costliest first), then the others by nps_impact, then by group and driver."""

    def key(driver: tuple[str, str, tuple[Any, ...]]) -> tuple[Any, ...]:
        group, name, measures = driver
        impact, significant = measures[0], measures[14]
        costly = significant and impact is not None and impact < 0
        return (0 if costly else 1, impact is None, impact if impact is not None else Decimal(0), group, name)

    return [
        (period_grain, period_start, group, name, rank, *measures)
        for rank, (group, name, measures) in enumerate(sorted(drivers, key=key), start=1)
    ]


def rpt_cx_drivers(
    values: Iterable[Mapping[str, Any]], comments: Iterable[ReadComment], stats: StatsSettings
) -> list[Row]:
    """Every driver of every month and of the whole period. ``values`` are the rows of
    fct_cx_responses (by column), ``comments`` the responses read by fct_comment_insights."""
    by_id = {comment.response.response_id: comment for comment in comments}
    members = [
        _Member(
            row["response_id"],
            row["response_date"],
            row["nps_category"],
            {factor: row[factor] for factor in FACTORS},
        )
        for row in values
        if row["nps_category"] is not None
    ]
    if not members:
        return []
    periods: dict[tuple[str, date], list[_Member]] = {}
    for member in members:
        periods.setdefault((MONTH, member.response_date.replace(day=1)), []).append(member)
    periods[(ALL, min(member.response_date for member in members))] = members
    rows = []
    for (grain, start), period_members in periods.items():
        rows += _ranked(grain, start, _period_drivers(period_members, by_id, stats))
    return sorted(rows, key=lambda row: row[:4])
