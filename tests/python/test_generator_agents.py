"""Tests of the agents source (nps_warehouse.generator.agents): workforce extracts with team
history, consistent with the responses, team_d and a few agents clearly worse, messy cases."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

import pytest
from test_generator_programme import (
    SITES,
    TEAMS,
    code,
    instant,
    nps,
    parse_date,
    read_source,
    trimmed,
    valid_responses,
    write_programme,
)

Versions = dict[str, list[dict]]


def versions_by_agent(rows: list[dict[str, str]]) -> Versions:
    out: Versions = defaultdict(list)
    for row in rows:
        when = instant(row["updated_at"])
        if trimmed(row["agent_id"]) and when is not None:
            out[trimmed(row["agent_id"])].append({**row, "_when": when})
    for versions in out.values():
        versions.sort(key=lambda r: (r["_when"], r["_file"]))
    return out


def team_at(versions: list[dict], when: datetime) -> str | None:
    team = None
    for version in versions:
        if version["_when"] <= when and code(version["team"]) in TEAMS:
            team = code(version["team"])
    return team


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list]:
    files = write_programme(tmp_path_factory.mktemp("agents"), rows=30_000, files=3)
    return {"agents": read_source(files["agents"]), "responses": read_source(files["responses"])}


def test_determinism(tmp_path: Path) -> None:
    first = write_programme(tmp_path / "a", rows=2000, seed=5)["agents"]
    second = write_programme(tmp_path / "b", rows=2000, seed=5, chunk_rows=77)["agents"]
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_every_agent_of_the_responses_is_in_the_snapshot(sample: dict[str, list]) -> None:
    snapshot = {trimmed(r["agent_id"]) for r in sample["agents"] if r["_file"] == 0}
    named = {trimmed(r["agent_id"]) for r in sample["responses"]} - {""}
    assert len(named) > 700 and all(re.fullmatch(r"AG\d{4}", a) for a in named)
    # All of them, but those whose snapshot row lost its id (a messy case).
    blank_ids = sum(not trimmed(r["agent_id"]) for r in sample["agents"] if r["_file"] == 0)
    assert 0 < len(named - snapshot) <= blank_ids


def test_agents_move_team(sample: dict[str, list]) -> None:
    versions = versions_by_agent(sample["agents"])
    moved = {a for a, history in versions.items() if len({code(v["team"]) for v in history} & set(TEAMS)) > 1}
    assert 0.1 * len(versions) < len(moved) < 0.5 * len(versions)
    # The manager follows the team.
    managers = Counter(
        (code(v["team"]), code(v["site"]), v["manager_id"]) for h in versions.values() for v in h
    )
    by_team_site = defaultdict(set)
    for (team, site, manager), _ in managers.items():
        if team in TEAMS and site in SITES and manager:
            by_team_site[(team, site)].add(manager)
    assert all(len(m) == 1 for m in by_team_site.values())
    # Team at the time of the response differs from the current team for some responses.
    differs = 0
    for row, when, _ in valid_responses(sample["responses"]):
        history = versions.get(trimmed(row["agent_id"]))
        if history:
            then, now = team_at(history, when), team_at(history, datetime(2100, 1, 1))
            differs += then is not None and now is not None and then != now
    assert differs > 100


def test_team_d_and_a_few_agents_are_worse(sample: dict[str, list]) -> None:
    versions = versions_by_agent(sample["agents"])
    by_team: dict[str, list[int]] = defaultdict(list)
    by_agent: dict[str, list[int]] = defaultdict(list)
    for row, when, score in valid_responses(sample["responses"]):
        agent = trimmed(row["agent_id"])
        team = team_at(versions.get(agent, []), when)
        if team is not None:
            by_team[team].append(score)
            by_agent[agent].append(score)
    scores = {team: nps(values) for team, values in by_team.items()}
    others = [s for team, s in scores.items() if team != "team_d"]
    assert scores["team_d"] < min(others) - 10, scores
    busy = {a: nps(v) for a, v in by_agent.items() if len(v) >= 15}
    overall = nps([s for v in by_agent.values() for s in v])
    worst = sorted(busy.values())[: max(1, len(busy) // 50)]
    assert all(s < overall - 40 for s in worst)


def test_values_are_well_formed(sample: dict[str, list]) -> None:
    for row in sample["agents"]:
        assert row["agent_name"] and " " in row["agent_name"]
        assert row["manager_id"] == "" or re.fullmatch(r"MG\d{3}", row["manager_id"])
    hired = [parse_date(r["hired_on"]) for r in sample["agents"]]
    assert sum(h is not None for h in hired) > 0.9 * len(hired)


def test_messy_cases_are_present(sample: dict[str, list]) -> None:
    rows = sample["agents"]
    ids = [r["agent_id"] for r in rows]
    assert any(not trimmed(i) for i in ids) and any(i != trimmed(i) and trimmed(i) for i in ids)
    assert any(r["updated_at"] and instant(r["updated_at"]) is None for r in rows)
    teams = {r["team"] for r in rows}
    assert "team-b" in teams and any(t != code(t) and code(t) in TEAMS for t in teams)
    sites = {r["site"] for r in rows}
    assert any(code(s) not in SITES for s in sites) and any(s != code(s) and code(s) in SITES for s in sites)
    assert any(r["hired_on"] and parse_date(r["hired_on"]) is None for r in rows)
    assert any(r["manager_id"] == "" for r in rows)


def test_clean_mode(tmp_path: Path) -> None:
    rows = read_source(write_programme(tmp_path, rows=2000, messy_rate=0.0)["agents"])
    for row in rows:
        assert re.fullmatch(r"AG\d{4}", row["agent_id"]) and instant(row["updated_at"]) is not None
        assert row["team"] in TEAMS and row["site"] in SITES and re.fullmatch(r"MG\d{3}", row["manager_id"])
        assert parse_date(row["hired_on"]) is not None
