"""Agents and teams: fct_agent_performance, fct_team_performance and fct_site_performance
(README, "Agents and teams"), from the responses as fct_cx_responses has them.

An agent's row is the month (of ``response_date``), the agent, and the team and site the agent
had at each response: its counts and sums, the NPS with its uncertainty (flagged under
``agent_min_responses``), the NPS of the team that month, the NPS shrunk toward it -
``(n NPS + k team NPS) / (n + k)``, an exact fraction rounded once - and the competition rank of
the shrunk NPS among the team's agents with enough responses. A team's (a site's) row sums its
agents' rows; its NPS is shrunk toward the NPS of every response with an agent that month and
ranked among the month's teams (sites), flagged under ``min_responses``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from nps_warehouse.contract import MART_COLUMNS
from nps_warehouse.oracle.intervals import NpsCounts, StatsSettings, nps_uncertainty
from nps_warehouse.oracle.responses import rounded_ratio

Row = tuple[Any, ...]

#: The additive measures of a performance row, in the order they are kept.
ADDITIVE: tuple[str, ...] = (
    "responses",
    "nps_responses",
    "promoters",
    "passives",
    "detractors",
    "csat_responses",
    "csat_satisfied",
    "csat_score_sum",
    "ces_responses",
    "ces_easy",
    "ces_score_sum",
    "fcr_responses",
    "fcr_resolved",
    "wait_responses",
    "wait_seconds_sum",
    "cases",
    "cases_sla_due",
    "cases_sla_met",
)

#: A response's follow-up case as the performance marts count it: its is_sla_met (None while
#: open and not yet due), for the cases that are not cancelled.
CaseSla = Mapping[str, bool | None]


def month_start(day: date) -> date:
    """The first day of the month of ``day``."""
    return day.replace(day=1)


def case_sla(case_rows: Iterable[Row]) -> dict[str, bool | None]:
    """The is_sla_met of each case of fct_followup_cases (by case_id, the response's id) that is
    not cancelled."""
    columns = MART_COLUMNS["fct_followup_cases"]
    at_id, at_status, at_met = (columns.index(name) for name in ("case_id", "status", "is_sla_met"))
    return {row[at_id]: row[at_met] for row in case_rows if row[at_status] != "cancelled"}


def _measures(response: Mapping[str, Any], wait_seconds: int | None, cases: CaseSla) -> dict[str, int]:
    """The additive measures of one response (each 0 or 1, or the score and the wait)."""
    category = response["nps_category"]
    has_case = response["response_id"] in cases
    sla_met = cases.get(response["response_id"])
    csat, ces = response["csat_score"], response["ces_score"]
    resolution = response["first_contact_resolution"]
    return {
        "responses": 1,
        "nps_responses": int(category is not None),
        "promoters": int(category == "promoter"),
        "passives": int(category == "passive"),
        "detractors": int(category == "detractor"),
        "csat_responses": int(csat is not None),
        "csat_satisfied": int(csat is not None and csat >= 4),
        "csat_score_sum": csat or 0,
        "ces_responses": int(ces is not None),
        "ces_easy": int(ces is not None and ces >= 5),
        "ces_score_sum": ces or 0,
        "fcr_responses": int(resolution in ("yes", "no")),
        "fcr_resolved": int(resolution == "yes"),
        "wait_responses": int(wait_seconds is not None),
        "wait_seconds_sum": wait_seconds or 0,
        "cases": int(has_case),
        "cases_sla_due": int(sla_met is not None),
        "cases_sla_met": int(sla_met is True),
    }


def _add(total: dict[str, int], measures: Mapping[str, int]) -> None:
    for name in ADDITIVE:
        total[name] = total.get(name, 0) + measures[name]


def shrunk_nps(member: Mapping[str, int], group: Mapping[str, int], k: int) -> Decimal | None:
    """(n NPS + k group NPS) / (n + k) = 100 (N (p - d) + k (P - D)) / (N (n + k)), exactly,
    rounded half away from zero to two decimals; None without the member's NPS responses."""
    n = member["nps_responses"]
    if n == 0:
        return None
    big_n = group["nps_responses"]
    numerator = big_n * (member["promoters"] - member["detractors"]) + k * (
        group["promoters"] - group["detractors"]
    )
    return rounded_ratio(numerator, big_n * (n + k))


def competition_ranks(
    rows: Sequence[dict[str, Any]], partition: Callable[[dict[str, Any]], Any]
) -> tuple[list[int | None], list[int]]:
    """The rank of each row by nps_shrunk (highest first) among the rows of its partition that
    are not below the minimum - 1 + the number of such rows with a strictly higher value, so
    ties share the best rank - None for a row below it; and the number of such rows of each
    row's partition."""
    eligible: dict[Any, list[Decimal]] = {}
    for row in rows:
        if not row["is_below_min_responses"]:
            eligible.setdefault(partition(row), []).append(row["nps_shrunk"])
    ranks: list[int | None] = []
    counts: list[int] = []
    for row in rows:
        field = eligible.get(partition(row), [])
        counts.append(len(field))
        if row["is_below_min_responses"]:
            ranks.append(None)
        else:
            ranks.append(1 + sum(1 for other in field if other > row["nps_shrunk"]))
    return ranks, counts


def _nps_block(totals: Mapping[str, int], stats: StatsSettings, minimum: int) -> dict[str, Any]:
    """nps and its uncertainty, flagged under ``minimum`` NPS responses."""
    counts = NpsCounts(totals["promoters"], totals["passives"], totals["detractors"])
    uncertainty = nps_uncertainty(counts, stats, minimum)
    return {
        "nps": rounded_ratio(totals["promoters"] - totals["detractors"], totals["nps_responses"]),
        **uncertainty._asdict(),
    }


def _scores(totals: Mapping[str, int]) -> dict[str, Any]:
    """The measures after the NPS block (cx_performance_scores), scores recomputed exactly."""
    return {
        "csat_pct": rounded_ratio(totals["csat_satisfied"], totals["csat_responses"]),
        "csat_mean": rounded_ratio(totals["csat_score_sum"], totals["csat_responses"], 1),
        "ces_easy_pct": rounded_ratio(totals["ces_easy"], totals["ces_responses"]),
        "ces_mean": rounded_ratio(totals["ces_score_sum"], totals["ces_responses"], 1),
        "fcr_rate": rounded_ratio(totals["fcr_resolved"], totals["fcr_responses"]),
        "wait_seconds_mean": rounded_ratio(totals["wait_seconds_sum"], totals["wait_responses"], 1),
        "sla_met_pct": rounded_ratio(totals["cases_sla_met"], totals["cases_sla_due"]),
    }


def _group_totals(
    rows: Iterable[dict[str, Any]], key: Callable[[dict[str, Any]], Any]
) -> dict[Any, dict[str, int]]:
    totals: dict[Any, dict[str, int]] = {}
    for row in rows:
        _add(totals.setdefault(key(row), {}), row)
    return totals


def _as_rows(mart: str, rows: Iterable[dict[str, Any]], width: int) -> list[Row]:
    columns = MART_COLUMNS[mart]
    out = [tuple(row[column] for column in columns) for row in rows]
    return sorted(out, key=lambda row: row[:width])


def fct_agent_performance(
    values: Iterable[Mapping[str, Any]],
    wait_seconds: Mapping[str, int | None],
    cases: CaseSla,
    stats: StatsSettings,
) -> list[dict[str, Any]]:
    """The rows of fct_agent_performance, as dicts by column: ``values`` are the responses as
    fct_cx_responses has them, ``wait_seconds`` the wait of each accepted interaction, ``cases``
    the follow-up cases (:func:`case_sla`)."""
    cells: dict[tuple[date, str, str, str], dict[str, int]] = {}
    for response in values:
        agent_id = response["agent_id"]
        if agent_id is None:
            continue
        interaction_id = response["interaction_id"]
        wait = wait_seconds.get(interaction_id) if interaction_id is not None else None
        key = (month_start(response["response_date"]), agent_id, response["team"], response["site"])
        _add(cells.setdefault(key, {}), _measures(response, wait, cases))
    teams = _group_totals(
        ({"month": key[0], "team": key[2], **totals} for key, totals in cells.items()),
        lambda row: (row["month"], row["team"]),
    )
    rows = []
    for (month, agent_id, team, site), totals in cells.items():
        team_totals = teams[(month, team)]
        rows.append(
            {
                "month_start_date": month,
                "agent_id": agent_id,
                "team": team,
                "site": site,
                **totals,
                **_nps_block(totals, stats, stats.agent_min_responses),
                "team_nps": rounded_ratio(
                    team_totals["promoters"] - team_totals["detractors"], team_totals["nps_responses"]
                ),
                "nps_shrunk": shrunk_nps(totals, team_totals, stats.shrinkage_k),
                **_scores(totals),
            }
        )
    ranks, counts = competition_ranks(rows, lambda row: (row["month_start_date"], row["team"]))
    for row, rank, count in zip(rows, ranks, counts, strict=True):
        row["rank_in_team"] = rank
        row["team_ranked_agents"] = count
    return rows


def _group_performance(
    agent_rows: Sequence[dict[str, Any]],
    level: str,
    rank_column: str,
    ranked_column: str,
    stats: StatsSettings,
) -> list[dict[str, Any]]:
    """The rows of fct_team_performance (``level`` team) or fct_site_performance (site)."""
    cells = _group_totals(agent_rows, lambda row: (row["month_start_date"], row[level]))
    agents: dict[tuple[date, str], set[str]] = {}
    for row in agent_rows:
        agents.setdefault((row["month_start_date"], row[level]), set()).add(row["agent_id"])
    months = _group_totals(agent_rows, lambda row: row["month_start_date"])
    rows = []
    for (month, value), totals in cells.items():
        month_totals = months[month]
        rows.append(
            {
                "month_start_date": month,
                level: value,
                "agents": len(agents[(month, value)]),
                **totals,
                **_nps_block(totals, stats, stats.min_responses),
                "all_agents_nps": rounded_ratio(
                    month_totals["promoters"] - month_totals["detractors"], month_totals["nps_responses"]
                ),
                "nps_shrunk": shrunk_nps(totals, month_totals, stats.shrinkage_k),
                **_scores(totals),
            }
        )
    ranks, counts = competition_ranks(rows, lambda row: row["month_start_date"])
    for row, rank, count in zip(rows, ranks, counts, strict=True):
        row[rank_column] = rank
        row[ranked_column] = count
    return rows


def performance_marts(
    values: Iterable[Mapping[str, Any]],
    wait_seconds: Mapping[str, int | None],
    cases: CaseSla,
    stats: StatsSettings,
) -> tuple[dict[str, list[Row]], list[dict[str, Any]]]:
    """The three performance marts, and the team rows (dicts) the engagement report reads."""
    agent_rows = fct_agent_performance(values, wait_seconds, cases, stats)
    team_rows = _group_performance(agent_rows, "team", "rank_among_teams", "ranked_teams", stats)
    site_rows = _group_performance(agent_rows, "site", "rank_among_sites", "ranked_sites", stats)
    marts = {
        "fct_agent_performance": _as_rows("fct_agent_performance", agent_rows, 4),
        "fct_team_performance": _as_rows("fct_team_performance", team_rows, 2),
        "fct_site_performance": _as_rows("fct_site_performance", site_rows, 2),
    }
    return marts, team_rows
