"""Tests of the customers source (nps_warehouse.generator.customers): CRM extracts with history,
consistent with the responses, the effects an analyst should find, and the messy cases."""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

import pytest
from test_generator_programme import (
    REGIONS,
    TIERS,
    code,
    instant,
    nps,
    parse_date,
    read_source,
    trimmed,
    valid_responses,
    write_programme,
)

from nps_warehouse.generator import customers

Versions = dict[str, list[dict]]


def versions_by_customer(rows: list[dict[str, str]]) -> Versions:
    """Valid versions of each customer (trimmed id, valid updated_at), in time order."""
    out: Versions = defaultdict(list)
    for row in rows:
        when = instant(row["updated_at"])
        if trimmed(row["customer_id"]) and when is not None:
            out[trimmed(row["customer_id"])].append({**row, "_when": when})
    for versions in out.values():
        versions.sort(key=lambda r: (r["_when"], r["_file"]))
    return out


def in_force(versions: list[dict], when: datetime) -> dict | None:
    """The version in force at an instant (the last one updated at or before it)."""
    current = None
    for version in versions:
        if version["_when"] <= when:
            current = version
    return current


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list]:
    files = write_programme(tmp_path_factory.mktemp("customers"))
    return {
        "files": files,
        "customers": read_source(files["customers"]),
        "responses": read_source(files["responses"]),
    }


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list]:
    """30,000 responses, for the effects."""
    files = write_programme(tmp_path_factory.mktemp("customers_big"), rows=30_000, files=1, fmt="csv")
    return {"customers": read_source(files["customers"]), "responses": read_source(files["responses"])}


def test_determinism_and_chunk_independence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = write_programme(tmp_path / "a", rows=4000)["customers"]
    monkeypatch.setattr(customers, "_CHUNK", 97)
    second = write_programme(tmp_path / "b", rows=4000)["customers"]
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_later_batch_lists_the_customers_it_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A later batch's extracts hold the customers its responses, interactions and invitations name
    # and those new to its universe (numbers from universe(6000)), whatever the chunk size (clean
    # data: no row loses its customer id).
    later = {"rows": 1500, "files": 2, "first_response": 6001, "start_date": "2026-11-20", "days": 20}
    later |= {"messy_rate": 0.0, "label": "m4"}
    files = write_programme(tmp_path / "a", **later)
    monkeypatch.setattr(customers, "_CHUNK", 97)
    again = write_programme(tmp_path / "b", **later)
    assert [p.read_bytes() for p in files["customers"]] == [p.read_bytes() for p in again["customers"]]
    assert len(files["customers"]) == 2  # November, December
    named = {
        trimmed(row["customer_id"])
        for source in ("responses", "interactions", "invitations")
        for row in read_source(files[source])
    }
    listed = {trimmed(r["customer_id"]) for r in read_source(files["customers"])} - {""}
    earlier = {c for c in listed if int(c[1:]) < customers.universe(6000)}
    assert earlier and earlier <= named
    assert len(listed - earlier) > 500  # the new customers' first versions


def test_snapshot_then_monthly_extracts(sample: dict[str, list]) -> None:
    rows = sample["customers"]
    snapshot = [r for r in rows if r["_file"] == 0]
    ids = Counter(trimmed(r["customer_id"]) for r in snapshot)
    assert len(ids) > 2000 and ids.most_common(2)[1][1] == 1  # one row per customer (blank ids aside)
    snapshot_at = datetime(2026, 8, 2, 3, 0)
    assert all(w <= snapshot_at for r in snapshot if (w := instant(r["updated_at"])) is not None)
    # A monthly extract holds the versions of its month (and repeats, carrying their last change).
    for file, month in {1: 8, 2: 9, 3: 10}.items():
        stamps = [w for r in rows if r["_file"] == file and (w := instant(r["updated_at"])) is not None]
        assert max(stamps) <= datetime(2026, month + 1, 1)
        assert sum(w >= datetime(2026, month, 1) for w in stamps) > 0.8 * len(stamps)


def test_history_tier_changes_moves_and_identical_repeats(sample: dict[str, list]) -> None:
    versions = versions_by_customer(sample["customers"])
    tier_changes = moves = repeats = 0
    for history in versions.values():
        for before, after in itertools.pairwise(history):
            if after["_when"] == before["_when"]:
                fields = ("loyalty_tier", "region", "city", "postal_code", "birth_date", "email")
                repeats += all(before[f] == after[f] for f in fields) and after["_file"] > before["_file"]
                continue
            tier_changes += code(before["loyalty_tier"]) != code(after["loyalty_tier"])
            moves += trimmed(before["postal_code"]) != trimmed(after["postal_code"])
    assert tier_changes > 100 and moves > 20 and repeats > 20
    # Tiers move one step at a time.
    steps = Counter()
    for history in versions.values():
        for before, after in itertools.pairwise(history):
            a, b = code(before["loyalty_tier"]), code(after["loyalty_tier"])
            if a != b and a in TIERS and b in TIERS:
                steps[abs(TIERS.index(a) - TIERS.index(b))] += 1
    assert set(steps) == {1}


def test_consistent_with_the_responses(sample: dict[str, list]) -> None:
    versions = versions_by_customer(sample["customers"])
    respondents: dict[str, datetime] = {}
    agree = disagree = 0
    for row, when, _ in valid_responses(sample["responses"]):
        customer = trimmed(row["customer_id"])
        if not customer:
            continue
        respondents[customer] = min(when, respondents.get(customer, when))
        version = in_force(versions.get(customer, []), when)
        region = trimmed(row["region"]).upper()
        if version is None or region not in REGIONS or version["region"] not in REGIONS:
            continue
        if row["region"] == region:  # as written, not a messy variant
            agree += region == version["region"]
            disagree += region != version["region"]
    # The response's region is where its customer lives then.
    assert agree > 20 * disagree
    # Every respondent is in the universe; a few have no row at all; some answered before the
    # CRM held them.
    numbers = [int(c[1:]) for c in respondents if re.fullmatch(r"C\d{8}", c)]
    assert max(numbers) < customers.universe(6000)
    missing = [c for c in respondents if c not in versions]
    assert 0 < len(missing) < 0.05 * len(respondents)
    early = [c for c, first in respondents.items() if c in versions and first < versions[c][0]["_when"]]
    assert len(early) >= 10


def test_effects_of_tier_and_age(big: dict[str, list]) -> None:
    versions = versions_by_customer(big["customers"])
    by_tier: dict[str, list[int]] = defaultdict(list)
    by_age: dict[str, list[int]] = defaultdict(list)
    for row, when, score in valid_responses(big["responses"]):
        version = in_force(versions.get(trimmed(row["customer_id"]), []), when)
        if version is None:
            continue
        by_tier[code(version["loyalty_tier"])].append(score)
        birth = parse_date(version["birth_date"])
        if birth is not None:
            age = when.year - birth.year - ((when.month, when.day) < (birth.month, birth.day))
            band = "18-24" if age < 25 else "65+" if age >= 65 else "other"
            by_age[band].append(score)
    assert nps(by_tier["platinum"]) > nps(by_tier["gold"]) > nps(by_tier["bronze"]) + 5
    assert nps(by_tier["platinum"]) > nps(by_tier["bronze"]) + 10
    assert nps(by_age["65+"]) > nps(by_age["18-24"]) + 10


def test_values_are_well_formed(sample: dict[str, list]) -> None:
    for row in sample["customers"]:
        if row["country_code"] == "FR":
            assert re.fullmatch(r"\d{5}", row["postal_code"]) and row["city"]
        else:
            assert row["country_code"] in {"BE", "LU", "CH", "MC"}
            assert trimmed(row["region"]).upper() not in REGIONS  # empty, or a messy unknown code
    countries = Counter(r["country_code"] for r in sample["customers"])
    assert countries["FR"] > 0.95 * sum(countries.values()) and len(countries) > 1
    good = [r for r in sample["customers"] if parse_date(r["birth_date"]) and parse_date(r["customer_since"])]
    assert all(parse_date(r["birth_date"]) < parse_date(r["customer_since"]) for r in good)
    emails = [r["email"] for r in sample["customers"] if r["email"]]
    assert all(re.fullmatch(r"[a-z]+\.[a-z]+\d+@[a-z.]+", e) for e in emails)


def test_messy_cases_are_present(sample: dict[str, list]) -> None:
    rows = sample["customers"]
    ids = [r["customer_id"] for r in rows]
    assert (
        "" in ids
        and any(i and not trimmed(i) for i in ids)
        and any(i != trimmed(i) and trimmed(i) for i in ids)
    )
    stamps = [r["updated_at"] for r in rows]
    assert any(s and instant(s) is None for s in stamps) and any(not trimmed(s) for s in stamps)
    tiers = Counter(r["loyalty_tier"] for r in rows)
    assert "diamond" in {code(t) for t in tiers}
    assert any(t != code(t) and code(t) in TIERS for t in tiers)
    dates = {r["birth_date"] for r in rows} | {r["customer_since"] for r in rows}
    assert {"31/02/1980", "n/a"} <= dates
    regions = {r["region"] for r in rows}
    assert any(trimmed(r).upper() in REGIONS and r != trimmed(r).upper() for r in regions)
    assert any(r and trimmed(r).upper() not in REGIONS for r in regions)
    assert any(r["email"] == "" for r in rows) and any(r["phone"] == "" for r in rows)
    # Timestamps come in the variants of submitted_at.
    assert any(s.endswith("+02:00") for s in stamps) and any(
        re.match(r"\d{4}-\d\d-\d\d \d", s) for s in stamps
    )


def test_clean_mode(tmp_path: Path) -> None:
    rows = read_source(write_programme(tmp_path, rows=3000, messy_rate=0.0)["customers"])
    for row in rows:
        assert re.fullmatch(r"C\d{8}", row["customer_id"])
        assert instant(row["updated_at"]) is not None and row["updated_at"].endswith("Z")
        assert row["loyalty_tier"] in TIERS
        assert row["region"] in REGIONS or (row["region"] == "" and row["country_code"] != "FR")
        assert parse_date(row["birth_date"]) and parse_date(row["customer_since"])
        assert row["email"] and row["phone"]
