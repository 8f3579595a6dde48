"""Tests of the invitations source (nps_warehouse.generator.invitations): one per invited response
and many unanswered, response rates by channel, bounces never answered, late arrivals,
re-exports, deliberately unknown invitations, messy cases."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from test_generator import channel_key, seed_aliases
from test_generator_programme import (
    STATUSES,
    code,
    instant,
    read_source,
    responses_by_id,
    trimmed,
    valid_responses,
    write_programme,
)

from nps_warehouse.generator import ids


def final_invitations(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    """Each invitation id's row of the latest file (the later file wins)."""
    out: dict[str, dict[str, str]] = {}
    for row in rows:
        if trimmed(row["invitation_id"]):
            out[trimmed(row["invitation_id"])] = row
    return out


def is_unknown(invitation_id: str) -> bool:
    """An invitation id the generator names on purpose without writing it (ids.py)."""
    return int(invitation_id[2:]) % ids.SLOTS == ids.UNKNOWN_INVITATION_SLOT


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> dict:
    files = write_programme(tmp_path_factory.mktemp("invitations"), rows=20_000, files=3)
    rows = read_source(files["invitations"])
    responses = read_source(files["responses"])
    return {"files": files, "rows": rows, "final": final_invitations(rows), "responses": responses}


def test_determinism_and_chunk_independence(tmp_path: Path) -> None:
    first = write_programme(tmp_path / "a", rows=3000, chunk_rows=321)["invitations"]
    second = write_programme(tmp_path / "b", rows=3000)["invitations"]
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_every_named_invitation_exists_but_the_unknown_ones(sample: dict) -> None:
    final, responses = sample["final"], sample["responses"]
    # The first row naming a contact is its response (resubmissions come later, and their times
    # are later than the contact's; stale copies aside, which are rows after it).
    first: dict[str, dict[str, str]] = {}
    for row in responses:
        first.setdefault(row["invitation_id"], row)
    single = {id(row) for row in first.values()}
    named = unknown = missing = 0
    for row, when, _ in valid_responses(responses):
        key = row["invitation_id"]
        if not key:
            continue
        named += 1
        if is_unknown(key):
            unknown += 1
            assert key not in final
            continue
        invitation = final.get(key)
        if invitation is None:
            missing += 1  # its row lost its id (a messy case)
            continue
        assert code(invitation["delivery_status"]) in (
            *STATUSES,
            "pending",
            "deliverd",
            "soft_bounce",
            "opened",
        )
        assert code(invitation["delivery_status"]) != "bounced"
        if trimmed(invitation["customer_id"]) and trimmed(row["customer_id"]):
            assert trimmed(invitation["customer_id"]) == trimmed(row["customer_id"])
        if trimmed(invitation["survey_id"]) and trimmed(row["survey_id"]):
            assert trimmed(invitation["survey_id"]) == trimmed(row["survey_id"])
        sent = instant(invitation["sent_at"])
        if sent is not None and id(row) in single:
            assert sent < when and (when - sent).total_seconds() <= 3 * 86_400 + 120
    assert named > 8000 and 0 < unknown < 0.03 * named and missing < 0.03 * named
    for copies in responses_by_id(responses).values():
        assert len({c["invitation_id"] for c in copies}) == 1


def test_response_rates_differ_by_channel(sample: dict) -> None:
    final = sample["final"]
    answered = {r["invitation_id"] for r in sample["responses"]} - {""}
    sent: Counter[str] = Counter()
    responded: Counter[str] = Counter()
    for key, row in final.items():
        channel = code(row["channel"])
        sent[channel] += 1
        responded[channel] += key in answered
        if code(row["delivery_status"]) == "bounced":
            assert key not in answered  # a bounced invitation is never answered
    rates = {c: responded[c] / sent[c] for c in ("email", "sms", "whatsapp")}
    assert 0.12 < rates["email"] < rates["sms"] - 0.05 < rates["whatsapp"] - 0.1, rates
    bounced = Counter(code(r["channel"]) for r in final.values() if code(r["delivery_status"]) == "bounced")
    assert bounced["email"] / sent["email"] > bounced["whatsapp"] / sent["whatsapp"]


def test_channels_agree_with_the_responses(sample: dict) -> None:
    aliases = seed_aliases()
    for row in sample["responses"]:
        invitation = sample["final"].get(row["invitation_id"])
        channel = aliases.get(channel_key(row["channel"]))
        if invitation is not None and channel is not None:
            assert code(invitation["channel"]) == channel


def test_late_arrivals_and_re_exports(sample: dict) -> None:
    files = sample["files"]
    assert len(files["invitations"]) == len(files["responses"]) + 1
    last = read_source(files["invitations"][-1:])
    assert last and all(instant(r["sent_at"]) is None or instant(r["sent_at"]).month <= 11 for r in last)
    # A response names an invitation that lands in a later file than the response's.
    file_of = {trimmed(r["invitation_id"]): r["_file"] for r in sample["rows"] if trimmed(r["invitation_id"])}
    first_file: dict[str, int] = {}
    for row in sample["rows"]:
        key = trimmed(row["invitation_id"])
        if key:
            first_file.setdefault(key, row["_file"])
    late = sum(
        1
        for r in sample["responses"]
        if r["invitation_id"] in first_file and first_file[r["invitation_id"]] > r["_file"]
    )
    assert late > 50 and file_of
    # Re-exports: duplicates, and corrections that bounced (the later file wins).
    by_id: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in sample["rows"]:
        if trimmed(row["invitation_id"]):
            by_id[trimmed(row["invitation_id"])].append(row)
    duplicates = corrections = 0
    for copies in by_id.values():
        if len(copies) > 1:
            first, later = copies[0], copies[-1]
            duplicates += all(
                first[c] == later[c] for c in ("sent_at", "survey_id", "customer_id", "channel")
            )
            corrections += (
                code(first["delivery_status"]) == "delivered" and code(later["delivery_status"]) == "bounced"
            )
    assert duplicates > 20 and corrections > 10


def test_messy_cases_are_present(sample: dict) -> None:
    rows = sample["rows"]
    statuses = {r["delivery_status"] for r in rows}
    assert {code(s) for s in statuses} >= {"delivered", "bounced", "pending", "deliverd"}
    assert any(s != code(s) and code(s) in STATUSES for s in statuses)
    channels = {r["channel"] for r in rows}
    assert any(c != code(c) for c in channels) and {code(c) for c in channels} == {"email", "sms", "whatsapp"}
    assert any(not trimmed(r["invitation_id"]) for r in rows)
    assert any(r["sent_at"] and instant(r["sent_at"]) is None for r in rows)
    assert any(r["survey_id"] == "" for r in rows) and any(
        r["survey_id"] != trimmed(r["survey_id"]) for r in rows
    )
    assert any(r["customer_id"] == "" for r in rows)


def test_clean_mode(tmp_path: Path) -> None:
    files = write_programme(tmp_path, rows=3000, messy_rate=0.0)
    rows = read_source(files["invitations"])
    for row in rows:
        assert re.fullmatch(r"IV\d{10}", row["invitation_id"]) and instant(row["sent_at"]) is not None
        assert row["delivery_status"] in STATUSES and row["channel"] in {"email", "sms", "whatsapp"}
        assert re.fullmatch(r"[RT]NPS-[A-Z0-9]+", row["survey_id"]) and re.fullmatch(
            r"C\d{8}", row["customer_id"]
        )
    keys = [r["invitation_id"] for r in rows]
    assert len(keys) == len(set(keys))  # no re-export, only late arrivals
    named = {r["invitation_id"] for r in read_source(files["responses"])} - {""}
    assert named <= set(keys)
