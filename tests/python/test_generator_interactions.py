"""Tests of the interactions source (nps_warehouse.generator.interactions): one per contact-centre
response and many nobody was surveyed about, the effects of wait, transfers and first-contact
resolution, re-exports across files, messy cases."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from test_generator import parse_ces
from test_generator_programme import (
    code,
    instant,
    nps,
    parse_boolean,
    parse_count,
    read_source,
    responses_by_id,
    trimmed,
    valid_responses,
    write_programme,
)


def final_interactions(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    """Each interaction id's row of the latest file (the later file wins; later row on a tie)."""
    out: dict[str, dict[str, str]] = {}
    for row in rows:
        key = trimmed(row["interaction_id"])
        if key:
            out[key] = row
    return out


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> dict:
    files = write_programme(tmp_path_factory.mktemp("interactions"), rows=20_000, files=3)
    rows = read_source(files["interactions"])
    responses = read_source(files["responses"])
    return {"files": files, "rows": rows, "final": final_interactions(rows), "responses": responses}


def test_determinism_and_chunk_independence(tmp_path: Path) -> None:
    first = write_programme(tmp_path / "a", rows=3000, chunk_rows=250)["interactions"]
    second = write_programme(tmp_path / "b", rows=3000)["interactions"]
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_every_named_interaction_exists_and_matches(sample: dict) -> None:
    final, responses = sample["final"], sample["responses"]
    named = missing = 0
    # The first row naming a contact is its response (resubmissions come later, and their times
    # are later than the contact's; stale copies aside, which are rows after it).
    first: dict[str, dict[str, str]] = {}
    for row in responses:
        first.setdefault(row["interaction_id"], row)
    single = {id(row) for row in first.values()}
    for row, when, _ in valid_responses(responses):
        key = row["interaction_id"]
        if not key or id(row) not in single:
            continue  # a resubmission (checked below) is later than the interaction's response
        named += 1
        interaction = final.get(key)
        if interaction is None:
            missing += 1  # its row lost its id (a messy case)
            continue
        started = instant(interaction["started_at"])
        if trimmed(interaction["customer_id"]) and trimmed(row["customer_id"]):
            assert trimmed(interaction["customer_id"]) == trimmed(row["customer_id"])
        if trimmed(interaction["agent_id"]):
            assert trimmed(interaction["agent_id"]) == trimmed(row["agent_id"])
        if started is not None and instant(row["submitted_at"]) == when:
            handled = parse_count(interaction["handle_seconds"]) or 0
            assert started < when and (when - started).total_seconds() < 3 * 3600 + handled
    assert named > 3000 and missing < 0.03 * named
    # Resubmissions name the same interaction.
    for copies in responses_by_id(responses).values():
        assert len({c["interaction_id"] for c in copies}) == 1


def test_most_interactions_were_not_surveyed(sample: dict) -> None:
    named = {r["interaction_id"] for r in sample["responses"]} - {""}
    share = len(named) / len(sample["final"])
    assert 0.12 < share < 0.3
    channels = {code(r["channel"]) for r in sample["rows"]}
    assert {"phone", "chat"} <= channels


def test_effects_of_wait_transfers_and_resolution(sample: dict) -> None:
    final = sample["final"]
    by_wait: dict[str, list[int]] = defaultdict(list)
    by_transfers: dict[int, list[int]] = defaultdict(list)
    by_resolution: dict[bool, list[int]] = defaultdict(list)
    ces_by_wait: dict[str, list[int]] = defaultdict(list)
    for row, _, score in valid_responses(sample["responses"]):
        interaction = final.get(row["interaction_id"])
        if interaction is None:
            continue
        wait = parse_count(interaction["wait_seconds"])
        transfers = parse_count(interaction["transfers"])
        resolved = parse_boolean(interaction["is_first_contact_resolution"])
        if wait is not None:
            bucket = "short" if wait < 60 else "long" if wait > 600 else "medium"
            by_wait[bucket].append(score)
            ces = parse_ces(row["ces_score"])
            if isinstance(ces, int):
                ces_by_wait[bucket].append(ces)
        if transfers is not None:
            by_transfers[min(transfers, 2)].append(score)
        if resolved is not None:
            by_resolution[resolved].append(score)
    assert nps(by_wait["short"]) > nps(by_wait["medium"]) > nps(by_wait["long"]) + 10
    assert nps(by_transfers[0]) > nps(by_transfers[1]) > nps(by_transfers[2])
    assert nps(by_resolution[True]) > nps(by_resolution[False]) + 15
    mean = {k: sum(v) / len(v) for k, v in ces_by_wait.items()}
    assert mean["short"] > mean["long"] + 0.3


def test_re_exports_across_files(sample: dict) -> None:
    by_id: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in sample["rows"]:
        if trimmed(row["interaction_id"]):
            by_id[trimmed(row["interaction_id"])].append(row)
    fields = ("customer_id", "agent_id", "channel", "started_at", "wait_seconds", "handle_seconds")
    duplicates = corrections = 0
    for copies in by_id.values():
        if len(copies) < 2:
            continue
        assert copies[1]["_file"] == copies[0]["_file"] + 1  # in the next file
        same = all(
            copies[0][f] == copies[1][f] for f in (*fields, "transfers", "is_first_contact_resolution")
        )
        duplicates += same
        corrections += not same
    assert duplicates > 20 and corrections > 20


def test_messy_cases_are_present(sample: dict) -> None:
    rows = sample["rows"]
    booleans = {r["is_first_contact_resolution"] for r in rows}
    for spelling in ("true", "false", "yes", "no", "1", "0", "Y", "N", "oui", "non"):
        assert spelling in booleans or spelling.capitalize() in booleans, spelling
    unparseable = {b for b in booleans if parse_boolean(b) is None}
    assert "maybe" in unparseable and unparseable <= {"maybe", "?", "unknown", "2", "vrai"}
    waits = {r["wait_seconds"] for r in rows}
    assert {"n/a", "-5", "12.5"} & waits and any(w.startswith("-") for w in waits)
    assert any(r["transfers"] and parse_count(r["transfers"]) is None for r in rows)
    assert any(not trimmed(r["interaction_id"]) for r in rows)
    assert any(r["started_at"] and instant(r["started_at"]) is None for r in rows)
    assert any(r["customer_id"] == "" for r in rows) and any(r["agent_id"] == "" for r in rows)
    assert {code(r["channel"]) for r in rows} >= {"phone", "chat", "téléphone", "live chat"}


def test_clean_mode(tmp_path: Path) -> None:
    files = write_programme(tmp_path, rows=3000, messy_rate=0.0)
    rows = read_source(files["interactions"])
    ids = [r["interaction_id"] for r in rows]
    assert len(ids) == len(set(ids))  # no re-export
    for row in rows:
        assert re.fullmatch(r"IX\d{10}", row["interaction_id"]) and row["channel"] in {"phone", "chat"}
        assert row["is_first_contact_resolution"] in {"true", "false"}
        assert all(re.fullmatch(r"\d+", row[c]) for c in ("wait_seconds", "handle_seconds", "transfers"))
        assert re.fullmatch(r"C\d{8}", row["customer_id"]) and re.fullmatch(r"AG\d{4}", row["agent_id"])
    named = {r["interaction_id"] for r in read_source(files["responses"])} - {""}
    assert named <= set(ids)
