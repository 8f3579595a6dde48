"""Tests of the agent engagement source (nps_warehouse.generator.engagement): one pulse survey a
month, the agents' eNPS answers following their team at the time, re-exports, messy cases."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pytest
from test_generator import parse_score
from test_generator_agents import team_at, versions_by_agent
from test_generator_programme import instant, nps, read_source, trimmed, write_programme

from nps_warehouse.generator import engagement


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list]:
    files = write_programme(tmp_path_factory.mktemp("engagement"), rows=3000, files=3)
    return {"answers": read_source(files["agent_engagement"]), "agents": read_source(files["agents"])}


def test_determinism(tmp_path: Path) -> None:
    first = write_programme(tmp_path / "a", rows=1000, seed=5)["agent_engagement"]
    second = write_programme(tmp_path / "b", rows=1000, seed=5, chunk_rows=77)["agent_engagement"]
    other = write_programme(tmp_path / "c", rows=1000, seed=6)["agent_engagement"]
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    assert [p.read_bytes() for p in first] != [p.read_bytes() for p in other]


def test_one_pulse_a_month_answered_by_most_agents(sample: dict[str, list]) -> None:
    answers = [r for r in sample["answers"] if trimmed(r["agent_id"]) and instant(r["surveyed_at"])]
    for file, month in ((0, 8), (1, 9), (2, 10)):
        own = {
            (trimmed(r["agent_id"]), instant(r["surveyed_at"]))
            for r in answers
            if r["_file"] == file and instant(r["surveyed_at"]).month == month
        }
        agents = {agent for agent, _ in own}
        # about 60 % of the 780 agents answer each month, at most once
        assert 0.5 * 780 < len(agents) < 0.7 * 780
        assert len(agents) == len(own) or len(own) - len(agents) < 10  # messy ids aside


def test_exports_repeat_some_answers(sample: dict[str, list]) -> None:
    seen: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for row in sample["answers"]:
        seen[(row["agent_id"], row["surveyed_at"], row["enps_score"])].append(row["_file"])
    copies = [files for files in seen.values() if len(files) > 1]
    same_file = sum(1 for files in copies if len(set(files)) == 1)
    next_file = sum(1 for files in copies if len(set(files)) > 1)
    assert same_file >= 10 and next_file >= 3


def test_messy_cases_and_score_spellings(sample: dict[str, list]) -> None:
    rows = sample["answers"]
    assert sum(not trimmed(r["agent_id"]) for r in rows) >= 3
    assert sum(bool(trimmed(r["agent_id"])) and r["agent_id"] != trimmed(r["agent_id"]) for r in rows) >= 2
    assert sum(trimmed(r["agent_id"]).startswith("AG9") for r in rows) >= 2  # unknown to the workforce
    assert sum(bool(trimmed(r["surveyed_at"])) and instant(r["surveyed_at"]) is None for r in rows) >= 2
    scores = Counter(
        "empty"
        if not trimmed(r["enps_score"])
        else "valid"
        if isinstance(parse_score(r["enps_score"]), int)
        else "bad"
        for r in rows
    )
    assert scores["empty"] >= 3 and scores["bad"] >= 3
    assert any(
        r["enps_score"] != trimmed(r["enps_score"]).lstrip("0") and parse_score(r["enps_score"]) for r in rows
    )
    assert set(engagement.MESSY_CASES) >= {"empty_id", "invalid_surveyed_at", "invalid_score", "empty_score"}


def test_clean_answers_are_valid(tmp_path: Path) -> None:
    rows = read_source(write_programme(tmp_path, rows=1000, messy_rate=0.0)["agent_engagement"])
    assert rows
    for row in rows:
        assert row["agent_id"].startswith("AG") and len(row["agent_id"]) == 6
        assert instant(row["surveyed_at"]) is not None
        assert row["enps_score"] in {str(k) for k in range(11)}


def test_team_d_is_disengaged(sample: dict[str, list]) -> None:
    """eNPS follows the team at the time of the answer: team_d's, like its customers' NPS, is
    clearly lower than the other teams'."""
    versions = versions_by_agent(sample["agents"])
    by_team: dict[str, list[int]] = defaultdict(list)
    for row in sample["answers"]:
        agent, when, score = (
            trimmed(row["agent_id"]),
            instant(row["surveyed_at"]),
            parse_score(row["enps_score"]),
        )
        if agent in versions and when is not None and isinstance(score, int):
            team = team_at(versions[agent], when)
            if team is not None:
                by_team[team].append(score)
    others = [score for team, scores in by_team.items() if team != "team_d" for score in scores]
    assert nps(by_team["team_d"]) < nps(others) - 30
