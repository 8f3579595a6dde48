"""Unit tests of the oracle's agents and teams (nps_warehouse.oracle.performance,
nps_warehouse.oracle.engagement): the shrunk NPS, the ranks, the correlation and its interval,
the engagement source's rules and report, with values computed by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from test_oracle_programme import as_dicts, response, run

from nps_warehouse.contract import MART_COLUMNS
from nps_warehouse.oracle.engagement import Answer, check, quarter_start, rpt_team_engagement
from nps_warehouse.oracle.files import SourceRow
from nps_warehouse.oracle.intervals import StatsSettings, fisher_interval, pearson_r, round4
from nps_warehouse.oracle.performance import competition_ranks, fct_agent_performance, shrunk_nps
from nps_warehouse.oracle.programme import Version

Z_95 = 1.959963984540054


def counts(promoters: int, passives: int, detractors: int) -> dict[str, int]:
    return {
        "promoters": promoters,
        "passives": passives,
        "detractors": detractors,
        "nps_responses": promoters + passives + detractors,
    }


# ----------------------------------------------------------------------------- shrinkage


@pytest.mark.parametrize(
    ("member", "group", "k", "expected"),
    [
        # 100 (12 x 1 + 20 x 2) / (12 x 23) = 5200 / 276 = 18.8405...
        (counts(2, 0, 1), counts(6, 2, 4), 20, Decimal("18.84")),
        # 100 (12 x -2 + 20 x 2) / (12 x 24) = 1600 / 288 = 5.5555...
        (counts(0, 2, 2), counts(6, 2, 4), 20, Decimal("5.56")),
        # 100 (12 x 2 + 20 x 2) / (12 x 22) = 6400 / 264 = 24.2424...
        (counts(2, 0, 0), counts(6, 2, 4), 20, Decimal("24.24")),
        # a team of one: its own NPS whatever k
        (counts(3, 0, 0), counts(3, 0, 0), 20, Decimal("100.00")),
        # k = 0: the plain NPS, rounded half away from zero (-1/3 -> -33.33)
        (counts(0, 2, 1), counts(1, 4, 1), 0, Decimal("-33.33")),
        # 100 (8 x 1 + 1 x 0) / (8 x 16) = 6.25 exactly; 100 (8 x -1 + 1 x 0) / (8 x 16) = -6.25
        (counts(1, 14, 0), counts(1, 6, 1), 1, Decimal("6.25")),
        (counts(0, 14, 1), counts(1, 6, 1), 1, Decimal("-6.25")),
        # 100 (3 x 1 + 5 x 1) / (3 x 8) = 33.333... -> 33.33; the rounded NPS (33.33 x 3 + 33.33 x
        # 5) / 8 gives the same here, but the shrunk value is never computed from rounded ones
        (counts(1, 2, 0), counts(1, 2, 0), 5, Decimal("33.33")),
    ],
)
def test_shrunk_nps(member: dict[str, int], group: dict[str, int], k: int, expected: Decimal) -> None:
    assert shrunk_nps(member, group, k) == expected


def test_no_nps_response_no_shrunk_nps() -> None:
    assert shrunk_nps(counts(0, 0, 0), counts(5, 0, 0), 20) is None


# ----------------------------------------------------------------------------- ranks


def test_competition_ranks_share_the_best_rank_and_skip() -> None:
    rows: list[dict[str, Any]] = [
        {"team": "a", "nps_shrunk": Decimal("18.84"), "is_below_min_responses": False},
        {"team": "a", "nps_shrunk": Decimal("18.84"), "is_below_min_responses": False},
        {"team": "a", "nps_shrunk": Decimal("24.24"), "is_below_min_responses": True},
        {"team": "a", "nps_shrunk": Decimal("5.56"), "is_below_min_responses": False},
        {"team": "b", "nps_shrunk": Decimal("-100.00"), "is_below_min_responses": False},
        {"team": "c", "nps_shrunk": Decimal("50.00"), "is_below_min_responses": True},
    ]
    ranks, fields = competition_ranks(rows, lambda row: row["team"])
    assert ranks == [1, 1, None, 3, 1, None]
    assert fields == [3, 3, 3, 3, 1, 0]


# ----------------------------------------------------------------------------- the agents' mart


def _values(**overrides: Any) -> dict[str, Any]:
    value: dict[str, Any] = {
        "response_date": date(2026, 1, 5),
        "agent_id": "a1",
        "team": "team_a",
        "site": "lyon",
        "interaction_id": None,
        "nps_category": "promoter",
        "csat_score": None,
        "ces_score": None,
        "first_contact_resolution": "unknown",
        "response_id": None,
    }
    value.update(overrides)
    return value


def test_agent_rows_by_team_at_the_time_fcr_and_wait() -> None:
    """The case of the dbt unit test test_fct_agent_performance_shrinks_and_ranks_in_team, in
    short: a moved agent has a row per team, FCR and wait count their own responses."""
    values = [
        _values(response_id="r1", interaction_id="ix1", first_contact_resolution="yes", csat_score=5),
        _values(response_id="r2", interaction_id="ix2", first_contact_resolution="no", csat_score=3),
        _values(
            response_id="r3",
            nps_category="detractor",
            interaction_id="ix3",
            first_contact_resolution="yes",
            ces_score=2,
        ),
        _values(response_id="r4", nps_category=None, csat_score=4),
        _values(agent_id="a4", nps_category="passive"),
        _values(agent_id="a4", team="team_b", response_date=date(2026, 1, 20)),
        _values(agent_id=None, team="unknown"),
    ]
    stats = StatsSettings(agent_min_responses=3)
    rows = {
        (row["agent_id"], row["team"]): row
        # r2's case was cancelled (absent here); r4's is open and not yet due
        for row in fct_agent_performance(
            values, {"ix1": 30, "ix2": 90}, {"r1": True, "r3": False, "r4": None}, stats
        )
    }
    assert set(rows) == {("a1", "team_a"), ("a4", "team_a"), ("a4", "team_b")}
    a1 = rows[("a1", "team_a")]
    assert (a1["responses"], a1["nps_responses"], a1["nps"]) == (4, 3, Decimal("33.33"))
    assert (a1["csat_responses"], a1["csat_satisfied"], a1["csat_pct"], a1["csat_mean"]) == (
        3,
        2,
        Decimal("66.67"),
        Decimal("4.00"),
    )
    assert (a1["fcr_responses"], a1["fcr_resolved"], a1["fcr_rate"]) == (3, 2, Decimal("66.67"))
    assert (a1["wait_responses"], a1["wait_seconds_sum"], a1["wait_seconds_mean"]) == (
        2,
        120,
        Decimal("60.00"),
    )
    assert (a1["cases"], a1["cases_sla_due"], a1["cases_sla_met"], a1["sla_met_pct"]) == (
        3,
        2,
        1,
        Decimal("50.00"),
    )
    a4 = rows[("a4", "team_a")]
    assert (a4["cases"], a4["cases_sla_due"], a4["cases_sla_met"], a4["sla_met_pct"]) == (0, 0, 0, None)
    # team_a: 3 + 1 NPS responses, P 2, D 1: 25.00; a1 100 (4 x 1 + 20 x 1) / (4 x 23) = 26.086...
    assert (a1["team_nps"], a1["nps_shrunk"], a1["rank_in_team"], a1["team_ranked_agents"]) == (
        Decimal("25.00"),
        Decimal("26.09"),
        1,
        1,
    )
    assert rows[("a4", "team_a")]["rank_in_team"] is None  # one response: under the minimum
    assert rows[("a4", "team_b")]["month_start_date"] == date(2026, 1, 1)


# ----------------------------------------------------------------------------- correlation


def test_pearson_r_and_its_fisher_interval_by_hand() -> None:
    """eNPS (100, 0, -100, 50) against NPS (50, 0, -40, 30), in hundredths: cov 4e8, var 8.75e8
    and 1.84e8, r = 4e8 / sqrt(1.61e17) = 0.99689; n - 3 = 1, so atanh(r) -/+ 1.96."""
    x = [10000, 0, -10000, 5000]
    y = [5000, 0, -4000, 3000]
    r = pearson_r(list(zip(x, y, strict=True)))
    assert r == pytest.approx(0.9968895725584536, abs=1e-15)
    lower, upper = fisher_interval(r, 4, Z_95)
    assert (round4(r), round4(lower), round4(upper)) == (
        Decimal("0.9969"),
        Decimal("0.8544"),
        Decimal("0.9999"),
    )


def test_correlation_edges() -> None:
    assert pearson_r([(1, 2), (3, 4)]) is None  # under three teams
    assert pearson_r([(1, 2), (1, 4), (1, 6)]) is None  # eNPS the same for every team
    assert pearson_r([(1, 2), (2, 4), (3, 6)]) == 1.0
    assert fisher_interval(0.5, 3, Z_95) == (None, None)  # under four teams
    assert fisher_interval(1.0, 10, Z_95) == (None, None)  # |r| = 1
    assert fisher_interval(None, 10, Z_95) == (None, None)
    assert round4(-0.00005) == Decimal("-0.0001")  # half away from zero
    assert round4(0.12344999) == Decimal("0.1234")


# ----------------------------------------------------------------------------- engagement rules


def _answer(**values: str | None) -> SourceRow:
    return SourceRow.of("agent_engagement", "e.csv", 2, **values)


@pytest.mark.parametrize(
    ("values", "decimal_mark", "reason", "score"),
    [
        ({"agent_id": " A1 ", "surveyed_at": "2026-02-10T09:00:00Z", "enps_score": "08"}, ".", None, 8),
        ({"agent_id": "A1", "surveyed_at": "2026-02-10 09:00", "enps_score": " 9.0 "}, ".", None, 9),
        ({"agent_id": "A1", "surveyed_at": "2026-02-10T09:00:00Z", "enps_score": "9,0"}, ",", None, 9),
        (
            {"agent_id": "A1", "surveyed_at": "2026-02-10T09:00:00Z", "enps_score": "9,0"},
            ".",
            "invalid_enps_score",
            None,
        ),
        ({"agent_id": " ", "surveyed_at": "yesterday", "enps_score": "11"}, ".", "missing_agent_id", None),
        (
            {"agent_id": "A1", "surveyed_at": "2026-02-30T09:00:00Z", "enps_score": ""},
            ".",
            "invalid_surveyed_at",
            None,
        ),
        (
            {"agent_id": "A1", "surveyed_at": "2026-02-10T09:00:00Z", "enps_score": "\t"},
            ".",
            "missing_enps_score",
            None,
        ),
        (
            {"agent_id": "A1", "surveyed_at": "2026-02-10T09:00:00Z", "enps_score": "11"},
            ".",
            "invalid_enps_score",
            None,
        ),
        (
            {"agent_id": "A1", "surveyed_at": "2026-02-10T09:00:00Z", "enps_score": "7.5"},
            ".",
            "invalid_enps_score",
            None,
        ),
        (
            {"agent_id": "A1", "surveyed_at": "2026-02-10T09:00:00Z", "enps_score": "-1"},
            ".",
            "invalid_enps_score",
            None,
        ),
    ],
)
def test_engagement_rules_in_order(
    values: dict[str, str], decimal_mark: str, reason: str | None, score: int | None
) -> None:
    checked = check(_answer(**values), decimal_mark=decimal_mark)
    assert checked.reason == reason
    assert checked.issues is None
    assert (checked.record.enps_score if checked.record is not None else None) == score


def test_quarters() -> None:
    assert [quarter_start(date(2026, month, 15)) for month in (1, 3, 4, 6, 7, 9, 10, 12)] == [
        date(2026, 1, 1),
        date(2026, 1, 1),
        date(2026, 4, 1),
        date(2026, 4, 1),
        date(2026, 7, 1),
        date(2026, 7, 1),
        date(2026, 10, 1),
        date(2026, 10, 1),
    ]


def _versions(*spans: tuple[str, str, str, str | None]) -> dict[str, list[Version]]:
    versions: dict[str, list[Version]] = {}
    for agent_id, team, valid_from, valid_to in spans:
        history = versions.setdefault(agent_id, [])
        history.append(
            Version(
                SimpleNamespace(team=team),
                len(history) + 1,
                datetime.fromisoformat(valid_from),
                None if valid_to is None else datetime.fromisoformat(valid_to),
                valid_to is None,
            )
        )
    return versions


def test_team_engagement_by_hand() -> None:
    """The case of the dbt unit test of rpt_team_engagement: each answer in its agent's team at
    the time (the first version before them all), customers' quarters summed, four teams in the
    correlation, a team under the eNPS minimum and unknown left out."""
    versions = _versions(
        ("e1", "t1", "2025-01-01", "2026-02-15"),
        ("e1", "t2", "2026-02-15", None),
        ("e7", "t1", "2025-01-01", None),
        ("e2", "t2", "2025-01-01", None),
        ("e3", "t3", "2026-03-01", None),
        ("e4", "t4", "2025-01-01", None),
        ("e5", "t5", "2025-01-01", None),
    )
    answers = [
        Answer(agent, datetime.fromisoformat(at), score)
        for agent, at, score in (
            ("e1", "2026-02-10 10:00", 10),
            ("e7", "2026-02-11 10:00", 9),
            ("e1", "2026-03-10 10:00", 9),
            ("e2", "2026-02-10 10:00", 4),
            ("e3", "2026-02-10 10:00", 0),
            ("e3", "2026-03-12 10:00", 6),
            ("e4", "2026-02-10 10:00", 10),
            ("e4", "2026-02-20 10:00", 8),
            ("e5", "2026-02-10 10:00", 9),
            ("e9", "2026-02-10 10:00", 9),
            ("e9", "2026-02-11 10:00", 10),
            ("e2", "2026-04-02 10:00", 1),
        )
    ]

    def month(start: str, team: str, p: int, s: int, d: int) -> dict[str, Any]:
        return {
            "month_start_date": date.fromisoformat(start),
            "team": team,
            "promoters": p,
            "passives": s,
            "detractors": d,
        }

    teams = [
        month("2026-01-01", "t1", 4, 1, 1),
        month("2026-02-01", "t1", 2, 2, 0),
        month("2026-01-01", "t2", 3, 4, 3),
        month("2026-03-01", "t3", 1, 4, 5),
        month("2026-02-01", "t4", 5, 3, 2),
        month("2026-01-01", "t5", 5, 0, 5),
    ]
    stats = StatsSettings(min_responses=5, engagement_min_responses=2)
    rows = [
        dict(zip(MART_COLUMNS["rpt_team_engagement"], row, strict=True))
        for row in rpt_team_engagement(answers, versions, teams, UTC, stats)
    ]
    summary = [
        (
            row["quarter_start_date"],
            row["team"],
            row["enps_responses"],
            row["enps"],
            row["nps"],
            row["is_in_correlation"],
        )
        for row in rows
    ]
    q1, q2 = date(2026, 1, 1), date(2026, 4, 1)
    assert summary == [
        (q1, "t1", 2, Decimal("100.00"), Decimal("50.00"), True),
        (q1, "t2", 2, Decimal("0.00"), Decimal("0.00"), True),
        (q1, "t3", 2, Decimal("-100.00"), Decimal("-40.00"), True),
        (q1, "t4", 2, Decimal("50.00"), Decimal("30.00"), True),
        (q1, "t5", 1, Decimal("100.00"), Decimal("0.00"), False),
        (q1, "unknown", 2, Decimal("100.00"), None, False),
        (q2, "t2", 1, Decimal("-100.00"), None, False),
    ]
    correlation = {
        (
            row["quarter_start_date"],
            row["correlated_teams"],
            row["enps_nps_correlation"],
            row["correlation_ci_lower"],
            row["correlation_ci_upper"],
        )
        for row in rows
    }
    assert correlation == {
        (q1, 4, Decimal("0.9969"), Decimal("0.8544"), Decimal("0.9999")),
        (q2, 0, None, None, None),
    }


def test_engagement_audit_and_report_from_files(tmp_path: Path) -> None:
    """The source read from a file: the same answer exported twice (the later copy wins), every
    reason, the answer's date in the reporting time zone deciding its quarter."""
    marts = run(
        tmp_path,
        [response("r1", "2026-03-31T10:00:00Z", agent_id="A1")],
        "Europe/Paris",
        agents=[{"agent_id": "A1", "updated_at": "2026-01-01T00:00:00Z", "team": "team_a"}],
        agent_engagement=[
            {"agent_id": "A1", "surveyed_at": "2026-03-31T22:30:00Z", "enps_score": "9"},  # 1 April in Paris
            {"agent_id": "A1", "surveyed_at": "2026-03-31T22:30:00Z", "enps_score": "9"},
            {"agent_id": "A1", "surveyed_at": "2026-03-10T10:00:00Z", "enps_score": "3"},
            {"agent_id": "", "surveyed_at": "2026-03-10T10:00:00Z", "enps_score": "3"},
            {"agent_id": "A1", "surveyed_at": "never", "enps_score": "3"},
            {"agent_id": "A1", "surveyed_at": "2026-03-10T10:00:00Z", "enps_score": ""},
            {"agent_id": "A1", "surveyed_at": "2026-03-10T10:00:00Z", "enps_score": "ten"},
        ],
    )
    audit = as_dicts(marts, "rpt_agent_engagement_audit")
    assert [(row["agent_id"], row["status"], row["reason"]) for row in audit] == [
        ("A1", "superseded", None),
        ("A1", "accepted", None),
        ("A1", "accepted", None),
        (None, "rejected", "missing_agent_id"),
        ("A1", "rejected", "invalid_surveyed_at"),
        ("A1", "rejected", "missing_enps_score"),
        ("A1", "rejected", "invalid_enps_score"),
    ]
    report = [
        (row["quarter_start_date"], row["team"], row["enps_responses"], row["nps_responses"])
        for row in as_dicts(marts, "rpt_team_engagement")
    ]
    assert report == [(date(2026, 1, 1), "team_a", 1, 1), (date(2026, 4, 1), "team_a", 1, 0)]


def test_new_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="agent_min_responses"):
        StatsSettings(agent_min_responses=0)
    with pytest.raises(ValueError, match="shrinkage_k"):
        StatsSettings(shrinkage_k=-1)
    with pytest.raises(ValueError, match="engagement_min_responses"):
        StatsSettings(engagement_min_responses=2.5)  # type: ignore[arg-type]
