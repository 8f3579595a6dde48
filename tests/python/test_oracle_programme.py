"""Unit tests of the oracle's CX programme sources (customers, agents, interactions,
invitations) and the marts they feed, on small hand-written files."""

from __future__ import annotations

import csv
import textwrap
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from nps_warehouse import contract
from nps_warehouse.contract import MART_COLUMNS, PROGRAMME_SOURCES, SOURCE_AUDITS, SOURCE_CONTRACTS
from nps_warehouse.oracle import compute_marts
from nps_warehouse.oracle.feeds import implicit_source_paths
from nps_warehouse.oracle.files import SourceRow
from nps_warehouse.oracle.invitations import round_hundredths
from nps_warehouse.oracle.programme import (
    band_of,
    load_bands,
    parse_bool,
    parse_date,
    parse_int,
    whole_years,
)

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
BANDS = load_bands(SEEDS)

RESPONSE_HEADER = (
    "response_id",
    "survey_id",
    "customer_id",
    "submitted_at",
    "channel",
    "region",
    "segment",
    "agent_id",
    "score",
    "comment",
    "interaction_id",
    "invitation_id",
)


def write(path: Path, columns: tuple[str, ...], rows: list[dict[str, str | None]]) -> str:
    """A CSV file of ``rows`` (missing or None fields empty) under the header ``columns``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row.get(column) is None else row[column] for column in columns])
    return str(path)


def write_source(path: Path, source: str, rows: list[dict[str, str | None]]) -> str:
    return write(path, SOURCE_CONTRACTS[source].columns, rows)


def response(response_id: str, submitted_at: str, **fields: str | None) -> dict[str, str | None]:
    row: dict[str, str | None] = {
        "response_id": response_id,
        "survey_id": "RNPS-2026",
        "customer_id": "C1",
        "submitted_at": submitted_at,
        "channel": "email",
        "region": "IDF",
        "segment": "consumer",
        "agent_id": "A1",
        "score": "9",
    }
    row.update(fields)
    return row


def run(
    tmp_path: Path,
    responses: list[dict[str, str | None]],
    reporting_timezone: str = "UTC",
    **sources: list[dict[str, str | None]],
) -> dict[str, list[tuple[Any, ...]]]:
    """compute_marts over the responses and one file of each source given."""
    raw = write(tmp_path / "responses.csv", RESPONSE_HEADER, responses)
    paths = {
        source: write_source(tmp_path / source / f"{source}_1.csv", source, rows)
        for source, rows in sources.items()
    }
    return compute_marts(raw, SEEDS, reporting_timezone, sources=paths)


def as_dicts(marts: dict[str, list[tuple[Any, ...]]], mart: str) -> list[dict[str, Any]]:
    return [dict(zip(MART_COLUMNS[mart], row, strict=True)) for row in marts[mart]]


def cx_by_id(marts: dict[str, list[tuple[Any, ...]]]) -> dict[str, dict[str, Any]]:
    return {row["response_id"]: row for row in as_dicts(marts, "fct_cx_responses")}


def customer(customer_id: str | None, updated_at: str | None, **fields: str | None) -> dict[str, str | None]:
    row: dict[str, str | None] = {
        "customer_id": customer_id,
        "updated_at": updated_at,
        "birth_date": "1980-06-15",
        "loyalty_tier": "gold",
        "country_code": "FR",
        "region": "IDF",
        "city": "Paris",
        "postal_code": "75001",
        "customer_since": "2020-01-01",
        "email": "a@example.com",
        "phone": "+33100000000",
    }
    row.update(fields)
    return row


def agent(agent_id: str | None, updated_at: str | None, **fields: str | None) -> dict[str, str | None]:
    row: dict[str, str | None] = {
        "agent_id": agent_id,
        "updated_at": updated_at,
        "agent_name": "Ann",
        "team": "team_a",
        "site": "lyon",
        "manager_id": "M1",
        "hired_on": "2015-03-01",
    }
    row.update(fields)
    return row


def interaction(interaction_id: str | None, **fields: str | None) -> dict[str, str | None]:
    row: dict[str, str | None] = {
        "interaction_id": interaction_id,
        "customer_id": "C1",
        "agent_id": "A1",
        "channel": "phone",
        "started_at": "2026-01-10T09:00:00Z",
        "wait_seconds": "30",
        "handle_seconds": "300",
        "transfers": "0",
        "is_first_contact_resolution": "true",
    }
    row.update(fields)
    return row


def invitation(invitation_id: str | None, sent_at: str | None, **fields: str | None) -> dict[str, str | None]:
    row: dict[str, str | None] = {
        "invitation_id": invitation_id,
        "sent_at": sent_at,
        "survey_id": "RNPS-2026",
        "customer_id": "C1",
        "channel": "email",
        "delivery_status": "delivered",
    }
    row.update(fields)
    return row


# ----------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-02-29", date(2024, 2, 29)),
        (" 2024-02-29\t", date(2024, 2, 29)),
        ("2023-02-29", None),  # not on the calendar
        ("2024-2-29", None),  # 4-2-2 digits exactly
        ("2024-02-29T00:00", None),
        ("29/02/2024", None),
        ("0000-01-01", None),
        ("", None),
        (None, None),
    ],
)
def test_dates(text: str | None, expected: date | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", 0),
        ("007", 7),
        (" 60 ", 60),
        ("-5", None),
        ("12.5", None),
        ("1e3", None),
        ("n/a", None),
        ("", None),
    ],
)
def test_integers(text: str, expected: int | None) -> None:
    assert parse_int(text) == expected


@pytest.mark.parametrize("text", ["true", "TRUE", " Yes ", "1", "y", "Oui", "t"])
def test_true_spellings(text: str) -> None:
    assert parse_bool(text) is True


@pytest.mark.parametrize("text", ["false", "No", "0", "N", "non", "F\t"])
def test_false_spellings(text: str) -> None:
    assert parse_bool(text) is False


@pytest.mark.parametrize("text", ["maybe", "?", "2", "vrai", "unknown", "", None])
def test_unreadable_booleans(text: str | None) -> None:
    assert parse_bool(text) is None


def test_whole_years_and_leap_day_birthdays() -> None:
    born = date(2008, 2, 29)
    assert whole_years(born, date(2026, 2, 28)) == 17  # the birthday comes on 1 March
    assert whole_years(born, date(2026, 3, 1)) == 18
    assert whole_years(born, date(2028, 2, 29)) == 20
    assert whole_years(born, date(2028, 2, 28)) == 19
    assert whole_years(date(2000, 6, 15), date(2026, 6, 14)) == 25
    assert whole_years(date(2000, 6, 15), date(2026, 6, 15)) == 26
    assert whole_years(date(2030, 1, 1), date(2026, 6, 15)) == -4
    assert whole_years(None, date(2026, 6, 15)) is None


@pytest.mark.parametrize(
    ("band_type", "value", "expected"),
    [
        ("wait_time_band", 0, "<1m"),
        ("wait_time_band", 59, "<1m"),
        ("wait_time_band", 60, "1-3m"),
        ("wait_time_band", 179, "1-3m"),
        ("wait_time_band", 600, "10m+"),
        ("age_band", 17, "under_18"),
        ("age_band", 18, "18-24"),
        ("age_band", 64, "55-64"),
        ("age_band", 65, "65+"),
        ("age_band", -1, "unknown"),  # a birth date after the response
        ("age_band", None, "unknown"),
        ("tenure_band", 0, "<1y"),
        ("tenure_band", 2, "1-2y"),
        ("transfers_band", 0, "0"),
        ("transfers_band", 1, "1"),
        ("transfers_band", 7, "2+"),
        ("no_such_band", 1, "unknown"),
    ],
)
def test_bands(band_type: str, value: int | None, expected: str) -> None:
    assert band_of(BANDS, band_type, value) == expected


def test_hours_round_half_away_from_zero() -> None:
    assert round_hundredths(Fraction(1, 200)) == Decimal("0.01")
    assert round_hundredths(Fraction(-1, 200)) == Decimal("-0.01")
    assert round_hundredths(Fraction(1, 3)) == Decimal("0.33")


def test_source_rows_read_like_raw_rows() -> None:
    row = SourceRow.of("agents", "f.csv", 3, agent_id=" A1 ", team="x")
    assert (row.agent_id, row.team, row.hired_on) == (" A1 ", "x", None)
    assert row.raw_values() == (" A1 ", None, None, "x", None, None, None)
    with pytest.raises(AttributeError):
        _ = row.customer_id


# ----------------------------------------------------------------------- customers


def test_customer_versions_merge_dedup_and_audit(tmp_path: Path) -> None:
    marts = run(
        tmp_path,
        [],
        customers=[
            customer("C1", "2026-01-01T00:00:00Z"),
            customer(" C1 ", "2026-02-01T00:00:00Z"),  # nothing changed: merged into version 1
            customer("C1", "2026-03-01T00:00:00Z", loyalty_tier=" Silver ", birth_date="1980-02-30"),
            customer("C1", "2026-03-01 00:00", loyalty_tier="platinum"),  # same instant, later row: wins
            customer("C1", "2026-04-01T00:00:00Z", loyalty_tier="gold", country_code=" be ", region=None),
            customer(
                "C1", "2026-05-01T00:00:00Z", loyalty_tier="gold", country_code="BE", region=None, email="b@x"
            ),
            customer(None, "2026-01-01T00:00:00Z", customer_since="soon"),
            customer("C2", "not a date"),
            customer("C3", None, loyalty_tier=None, country_code=None, region=None, customer_since=None),
            customer(
                "C4",
                "2026-06-01T00:00:00Z",
                loyalty_tier=None,
                country_code=None,
                region=None,
                customer_since="x",
            ),
        ],
    )
    audit = as_dicts(marts, "rpt_customer_audit")
    assert [
        (row["source_row_number"], row["customer_id"], row["status"], row["reason"]) for row in audit
    ] == [
        (1, "C1", "accepted", None),
        (2, "C1", "accepted", None),  # merged, still accepted
        (3, "C1", "superseded", None),
        (4, "C1", "accepted", None),
        (5, "C1", "accepted", None),
        (6, "C1", "accepted", None),
        (7, None, "rejected", "missing_customer_id"),
        (8, "C2", "rejected", "invalid_updated_at"),
        (9, "C3", "rejected", "invalid_updated_at"),
        (10, "C4", "accepted", None),
    ]
    assert [row["attribute_issues"] for row in audit] == [
        None,
        None,
        "invalid_birth_date",  # named on a superseded row too
        None,
        None,
        None,
        "invalid_customer_since",  # and on a rejected one
        None,
        None,
        "invalid_customer_since",
    ]
    assert audit[1]["raw_customer_id"] == " C1 " and audit[2]["raw_loyalty_tier"] == " Silver "
    assert audit[8]["raw_updated_at"] is None

    history = as_dicts(marts, "dim_customer_history")
    assert [
        (
            row["customer_id"],
            row["version_number"],
            row["loyalty_tier"],
            row["customer_country"],
            row["region"],
        )
        for row in history
    ] == [
        ("C1", 1, "gold", "FR", "IDF"),
        ("C1", 2, "platinum", "FR", "IDF"),
        ("C1", 3, "gold", "BE", "unknown"),
        ("C1", 4, "gold", "BE", "unknown"),  # the e-mail changed: a version of its own
        ("C4", 1, "unknown", "unknown", "unknown"),
    ]
    assert [(row["valid_from"], row["valid_to"], row["is_current"]) for row in history] == [
        (datetime(2026, 1, 1), datetime(2026, 3, 1), False),
        (datetime(2026, 3, 1), datetime(2026, 4, 1), False),
        (datetime(2026, 4, 1), datetime(2026, 5, 1), False),
        (datetime(2026, 5, 1), None, True),
        (datetime(2026, 6, 1), None, True),
    ]
    assert history[0]["customer_since"] == date(2020, 1, 1) and history[4]["customer_since"] is None
    assert as_dicts(marts, "dim_customer") == [
        {
            "customer_id": "C1",
            "loyalty_tier": "gold",
            "customer_country": "BE",
            "region": "unknown",
            "customer_since": date(2020, 1, 1),
            "versions": 4,
            "first_updated_at": datetime(2026, 1, 1),
            "updated_at": datetime(2026, 5, 1),
        },
        {
            "customer_id": "C4",
            "loyalty_tier": "unknown",
            "customer_country": "unknown",
            "region": "unknown",
            "customer_since": None,
            "versions": 1,
            "first_updated_at": datetime(2026, 6, 1),
            "updated_at": datetime(2026, 6, 1),
        },
    ]


def test_a_version_changing_back_is_a_new_version(tmp_path: Path) -> None:
    marts = run(
        tmp_path,
        [],
        customers=[
            customer("C1", "2026-03-01T00:00:00Z", loyalty_tier="silver"),
            customer("C1", "2026-01-01T00:00:00Z"),  # rows come in any order
            customer("C1", "2026-02-01T00:00:00Z", loyalty_tier="SILVER"),
        ],
    )
    history = as_dicts(marts, "dim_customer_history")
    assert [(row["version_number"], row["loyalty_tier"], row["valid_from"]) for row in history] == [
        (1, "gold", datetime(2026, 1, 1)),
        (2, "silver", datetime(2026, 2, 1)),  # 1 March equals it once lower-cased: merged
    ]
    (dim,) = as_dicts(marts, "dim_customer")
    assert (dim["versions"], dim["updated_at"]) == (2, datetime(2026, 2, 1))


# -------------------------------------------------------------------------- agents


def test_agent_versions(tmp_path: Path) -> None:
    marts = run(
        tmp_path,
        [],
        agents=[
            agent("A1", "2026-01-01T00:00:00Z", team=" Team_A ", site="LYON"),
            agent("A1", "2026-02-01T00:00:00Z"),  # same once lower-cased: merged
            agent("A1", "2026-03-01T00:00:00Z", team="team_b", manager_id=None, hired_on="2015-3-1"),
            agent(" ", "2026-03-01T00:00:00Z"),
            agent("A2", "yesterday", hired_on="never"),
        ],
    )
    audit = as_dicts(marts, "rpt_agent_audit")
    assert [(row["agent_id"], row["status"], row["reason"], row["attribute_issues"]) for row in audit] == [
        ("A1", "accepted", None, None),
        ("A1", "accepted", None, None),
        ("A1", "accepted", None, "invalid_hired_on"),
        (None, "rejected", "missing_agent_id", None),
        ("A2", "rejected", "invalid_updated_at", "invalid_hired_on"),
    ]
    assert marts["dim_agent_history"] == [
        (
            "A1",
            1,
            "team_a",
            "lyon",
            "M1",
            date(2015, 3, 1),
            False,
            datetime(2026, 1, 1),
            datetime(2026, 3, 1),
        ),
        ("A1", 2, "team_b", "lyon", None, None, True, datetime(2026, 3, 1), None),
    ]
    assert marts["dim_agent"] == [
        ("A1", "team_b", "lyon", None, None, 2, datetime(2026, 1, 1), datetime(2026, 3, 1)),
    ]


# -------------------------------------------------------------- response attributes


def test_attributes_at_the_time_of_the_response(tmp_path: Path) -> None:
    marts = run(
        tmp_path,
        [
            response("before", "2025-12-01T00:00:00Z"),  # before every version: the first one
            response("first", "2026-01-15T00:00:00Z"),
            response("edge", "2026-02-01T00:00:00Z"),  # valid_from is inclusive
            response("later", "2026-06-01T00:00:00Z"),
            response("stranger", "2026-06-01T00:00:00Z", customer_id="C9", agent_id="A9"),
            response("anonymous", "2026-06-01T00:00:00Z", customer_id=None, agent_id=None),
        ],
        customers=[
            customer("C1", "2026-01-01T00:00:00Z", loyalty_tier="bronze"),
            customer("C1", "2026-02-01T00:00:00Z", loyalty_tier="silver", country_code=None),
            customer("C1", "2026-03-01T00:00:00Z", loyalty_tier=None, country_code="lu"),
        ],
        agents=[
            agent("A1", "2026-01-10T00:00:00Z", team="team_c", site="nantes"),
            agent("A1", "2026-05-01T00:00:00Z", team=None, site="lille"),
        ],
    )
    rows = cx_by_id(marts)
    picked = {
        key: (row["loyalty_tier"], row["customer_country"], row["team"], row["site"])
        for key, row in rows.items()
    }
    assert picked == {
        "before": ("bronze", "FR", "team_c", "nantes"),
        "first": ("bronze", "FR", "team_c", "nantes"),
        "edge": ("silver", "unknown", "team_c", "nantes"),
        "later": ("unknown", "LU", "unknown", "lille"),
        "stranger": ("unknown", "unknown", "unknown", "unknown"),
        "anonymous": ("unknown", "unknown", "unknown", "unknown"),
    }
    for key in ("stranger", "anonymous"):
        assert (rows[key]["age_band"], rows[key]["tenure_band"]) == ("unknown", "unknown")
    assert [row[0] for row in marts["fct_cx_responses"]] == sorted(rows)


def test_every_other_column_is_the_response(tmp_path: Path) -> None:
    marts = run(tmp_path, [response("r1", "2026-01-15T23:30:00-02:00", channel="SMS", comment="hi")])
    (nps_row,) = as_dicts(marts, "fct_nps_responses")
    (cx_row,) = as_dicts(marts, "fct_cx_responses")
    shared = [column for column in MART_COLUMNS["fct_cx_responses"] if column in nps_row]
    assert len(shared) == len(MART_COLUMNS["fct_cx_responses"]) - 9
    assert {column: cx_row[column] for column in shared} == {column: nps_row[column] for column in shared}


@pytest.mark.parametrize(
    ("birth_date", "submitted_at", "age_band"),
    [
        ("2008-02-29", "2026-02-28T12:00:00Z", "under_18"),
        ("2008-02-29", "2026-03-01T12:00:00Z", "18-24"),
        ("2008-03-01", "2026-02-28T23:30:00-02:00", "18-24"),  # response_date 1 March (UTC)
        ("2030-01-01", "2026-03-01T12:00:00Z", "unknown"),  # negative age
        ("1990-13-01", "2026-03-01T12:00:00Z", "unknown"),  # invalid: nulled
        (None, "2026-03-01T12:00:00Z", "unknown"),
    ],
)
def test_age_band(tmp_path: Path, birth_date: str | None, submitted_at: str, age_band: str) -> None:
    marts = run(
        tmp_path,
        [response("r1", submitted_at)],
        customers=[customer("C1", "2026-01-01T00:00:00Z", birth_date=birth_date)],
    )
    assert cx_by_id(marts)["r1"]["age_band"] == age_band


def test_age_and_tenure_use_the_reporting_date(tmp_path: Path) -> None:
    responses = [response("r1", "2026-02-28T23:30:00Z")]
    customers = [customer("C1", "2026-01-01T00:00:00Z", birth_date="2008-03-01", customer_since="2025-03-01")]
    utc = cx_by_id(run(tmp_path, responses, customers=customers))["r1"]
    paris = cx_by_id(run(tmp_path, responses, "Europe/Paris", customers=customers))["r1"]
    assert (utc["response_date"], utc["age_band"], utc["tenure_band"]) == (
        date(2026, 2, 28),
        "under_18",
        "<1y",
    )
    assert (paris["response_date"], paris["age_band"], paris["tenure_band"]) == (
        date(2026, 3, 1),
        "18-24",
        "1-2y",
    )


def test_interactions(tmp_path: Path) -> None:
    marts = run(
        tmp_path,
        [
            response("r59", "2026-01-10T10:00:00Z", interaction_id="I59"),
            response("r60", "2026-01-10T10:00:00Z", interaction_id=" I60 "),
            response("rbad", "2026-01-10T10:00:00Z", interaction_id="IBAD"),
            response("rnone", "2026-01-10T10:00:00Z"),
            response("rlost", "2026-01-10T10:00:00Z", interaction_id="I404"),
            response("rdup", "2026-01-10T10:00:00Z", interaction_id="IDUP"),
        ],
        interactions=[
            interaction("I59", wait_seconds="59", transfers="1", is_first_contact_resolution="N"),
            interaction("I60", wait_seconds=" 060 ", transfers="2", is_first_contact_resolution="oui"),
            interaction(
                "IBAD",
                started_at="later",
                wait_seconds="-5",
                handle_seconds="1.5",
                transfers="two",
                is_first_contact_resolution="maybe",
            ),
            interaction(None, wait_seconds="abc"),
            interaction("IDUP", transfers="0"),
            interaction(" IDUP ", transfers="3", is_first_contact_resolution=None),  # later row: wins
        ],
    )
    rows = cx_by_id(marts)
    picked = {
        key: (row["wait_time_band"], row["transfers_band"], row["first_contact_resolution"])
        for key, row in rows.items()
    }
    assert picked == {
        "r59": ("<1m", "1", "no"),
        "r60": ("1-3m", "2+", "yes"),
        "rbad": ("unknown", "unknown", "unknown"),
        "rnone": ("unknown", "unknown", "unknown"),
        "rlost": ("unknown", "unknown", "unknown"),
        "rdup": ("<1m", "2+", "unknown"),
    }
    audit = as_dicts(marts, "rpt_interaction_audit")
    assert [
        (row["interaction_id"], row["status"], row["reason"], row["attribute_issues"]) for row in audit
    ] == [
        ("I59", "accepted", None, None),
        ("I60", "accepted", None, None),
        (
            "IBAD",
            "accepted",
            None,
            "invalid_started_at, invalid_wait_seconds, invalid_handle_seconds, invalid_transfers, "
            "invalid_is_first_contact_resolution",
        ),
        (None, "rejected", "missing_interaction_id", "invalid_wait_seconds"),
        ("IDUP", "superseded", None, None),
        ("IDUP", "accepted", None, None),
    ]
    assert audit[1]["raw_wait_seconds"] == " 060 "


# ---------------------------------------------------------------------- invitations


def test_invitations_daily_and_unknown_invitations(tmp_path: Path) -> None:
    marts = run(
        tmp_path,
        [
            # answered 1 h, 2 h, 4 h and 10 h after: the median of an even count is the mean of
            # the middle two, 3 hours
            response("r1", "2026-01-10T09:00:00Z", invitation_id="V1"),
            response("r2", "2026-01-10T10:00:00Z", invitation_id="V2"),
            response("r3", "2026-01-10T12:00:00Z", invitation_id=" V3 "),
            response("r4", "2026-01-10T18:00:00Z", invitation_id="V4"),
            response("r4b", "2026-01-10T20:00:00Z", invitation_id="V4"),  # a second answer: the first counts
            response("rx", "2026-01-11T08:00:00Z", invitation_id="V404"),  # never sent
            response("ry", "2026-01-11T08:00:00Z", invitation_id="VREJ"),  # its invitation was rejected
            response("rz", "2026-01-11T08:00:00Z"),
            response("bad", "2026-01-11T08:00:00Z", invitation_id="V405", score="x"),  # rejected response
        ],
        invitations=[
            invitation("V1", "2026-01-10T08:00:00Z"),
            invitation("V2", "2026-01-10T08:00:00Z", delivery_status=" Bounced "),
            invitation("V3", "2026-01-10T08:00:00Z"),
            invitation("V4", "2026-01-10T08:00:00Z"),
            invitation("V5", "2026-01-10T08:00:00Z", delivery_status="BOUNCED"),
            invitation("V6", "2026-01-10T08:00:00Z", delivery_status=None),
            invitation("V7", "2026-01-10T08:00:00Z", channel="Fax"),
            invitation("V8", "2026-01-10T08:00:00Z", channel=None, survey_id=" "),
            invitation("V9", "2026-01-10T08:00:00Z", delivery_status="bounced"),
            invitation("V9", "2026-01-11T08:00:00Z", delivery_status="bounced"),  # later row wins
            invitation("VREJ", "last week"),
            invitation(None, "2026-01-10T08:00:00Z"),
        ],
    )
    audit = as_dicts(marts, "rpt_invitation_audit")
    assert [(row["invitation_id"], row["status"], row["reason"]) for row in audit][-4:] == [
        ("V9", "superseded", None),
        ("V9", "accepted", None),
        ("VREJ", "rejected", "invalid_sent_at"),
        (None, "rejected", "missing_invitation_id"),
    ]
    assert as_dicts(marts, "fct_invitations_daily") == [
        {
            "sent_date": date(2026, 1, 10),
            "survey_id": "RNPS-2026",
            "channel": "email",
            "invitations": 6,
            "bounced": 2,
            "answered": 4,
            "response_rate": Decimal("100.00"),  # 4 of the 6 - 2 delivered
            "median_hours_to_answer": Decimal("3.00"),
        },
        {
            "sent_date": date(2026, 1, 10),
            "survey_id": "RNPS-2026",
            "channel": "other",
            "invitations": 1,
            "bounced": 0,
            "answered": 0,
            "response_rate": Decimal("0.00"),
            "median_hours_to_answer": None,
        },
        {
            "sent_date": date(2026, 1, 10),
            "survey_id": "unknown",
            "channel": "unknown",
            "invitations": 1,
            "bounced": 0,
            "answered": 0,
            "response_rate": Decimal("0.00"),
            "median_hours_to_answer": None,
        },
        {
            "sent_date": date(2026, 1, 11),
            "survey_id": "RNPS-2026",
            "channel": "email",
            "invitations": 1,
            "bounced": 1,
            "answered": 0,
            "response_rate": None,  # nothing delivered
            "median_hours_to_answer": None,
        },
    ]
    assert marts["rpt_unknown_invitations"] == [
        ("rx", "V404", date(2026, 1, 11), "default", str(tmp_path / "responses.csv")),
        ("ry", "VREJ", date(2026, 1, 11), "default", str(tmp_path / "responses.csv")),
    ]


def test_invitation_rates_and_medians_round_half_away_from_zero(tmp_path: Path) -> None:
    marts = run(
        tmp_path,
        [
            response("r1", "2026-01-10T08:00:18Z", invitation_id="V1"),  # 0.005 hours
            response("r2", "2026-01-10T07:59:42Z", invitation_id="V2"),  # -0.005 hours (clock skew)
        ],
        invitations=[
            invitation("V1", "2026-01-10T08:00:00Z"),
            invitation("V2", "2026-01-10T08:00:00Z", survey_id="TNPS-WEB"),
            invitation("V3", "2026-01-10T08:00:00Z"),
            invitation("V4", "2026-01-10T08:00:00Z"),
            invitation("V5", "2026-01-10T08:00:00Z"),
            invitation("V6", "2026-01-10T08:00:00Z"),
            invitation("V7", "2026-01-10T08:00:00Z", delivery_status="pending"),
        ],
    )
    by_survey = {row["survey_id"]: row for row in as_dicts(marts, "fct_invitations_daily")}
    assert (by_survey["RNPS-2026"]["response_rate"], by_survey["RNPS-2026"]["median_hours_to_answer"]) == (
        Decimal("16.67"),
        Decimal("0.01"),
    )
    assert by_survey["TNPS-WEB"]["median_hours_to_answer"] == Decimal("-0.01")


def test_sent_date_is_in_the_reporting_time_zone(tmp_path: Path) -> None:
    marts = run(tmp_path, [], "Europe/Paris", invitations=[invitation("V1", "2026-01-10T23:30:00Z")])
    assert [row[0] for row in marts["fct_invitations_daily"]] == [date(2026, 1, 11)]


# ------------------------------------------------------------------------- the cube


def test_the_cube_and_unmapped_codes_read_the_attributes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, column in (
        ("loyalty_tier", "loyalty_tier"),
        ("team", "team"),
        ("site", "site"),
        ("agent", "agent_id"),
    ):
        monkeypatch.setitem(contract.CX_DIMENSIONS, name, column)
    marts = run(
        tmp_path,
        [
            response("r1", "2026-01-10T08:00:00Z"),
            response("r2", "2026-01-10T08:00:00Z", customer_id="C2", agent_id=None),
        ],
        customers=[
            customer("C1", "2026-01-01T00:00:00Z", loyalty_tier="Diamond"),
            customer("C2", "2026-01-01T00:00:00Z", loyalty_tier="gold"),
        ],
        agents=[agent("A1", "2026-01-01T00:00:00Z", team="team_z", site="nantes")],
    )
    cube = {(row[1], row[2]): row[3] for row in marts["fct_cx_daily_by_dimension"]}
    assert {
        key: count for key, count in cube.items() if key[0] in ("loyalty_tier", "team", "site", "agent")
    } == {
        ("loyalty_tier", "diamond"): 1,
        ("loyalty_tier", "gold"): 1,
        ("team", "team_z"): 1,
        ("team", "unknown"): 1,
        ("site", "nantes"): 1,
        ("site", "unknown"): 1,
        ("agent", "A1"): 1,
        ("agent", "unknown"): 1,
    }
    unmapped = [row[:3] for row in marts["rpt_unmapped_codes"]]
    assert ("loyalty_tier", "diamond", 1) in unmapped and ("team", "team_z", 1) in unmapped
    assert not [row for row in unmapped if row[1] == "unknown" or row[0] == "site"]


def test_unmapped_programme_codes_only_for_dimensions_of_the_cube(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("loyalty_tier", "team", "site"):
        monkeypatch.delitem(contract.CX_DIMENSIONS, name, raising=False)
    marts = run(
        tmp_path,
        [response("r1", "2026-01-10T08:00:00Z")],
        customers=[customer("C1", "2026-01-01T00:00:00Z", loyalty_tier="Diamond")],
    )
    assert not [row for row in marts["rpt_unmapped_codes"] if row[0] == "loyalty_tier"]
    assert cx_by_id(marts)["r1"]["loyalty_tier"] == "diamond"


# --------------------------------------------------------------------- finding files


def test_implicit_source_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    for source in PROGRAMME_SOURCES:
        monkeypatch.delenv(f"NPS_RAW_{source.upper()}", raising=False)
    monkeypatch.delenv("NPS_RAW_RESPONSES", raising=False)
    assert implicit_source_paths("data/demo") == {
        source: f"data/demo/{source}" for source in PROGRAMME_SOURCES
    }
    assert implicit_source_paths("elsewhere") == {}
    monkeypatch.setenv("NPS_RAW_CUSTOMERS", " crm/*.csv ")
    assert implicit_source_paths("elsewhere") == {"customers": "crm/*.csv"}
    assert implicit_source_paths("data/demo")["customers"] == "crm/*.csv"
    monkeypatch.setenv("NPS_RAW_RESPONSES", "data/demo")  # set: not the demo default
    assert implicit_source_paths("data/demo") == {"customers": "crm/*.csv"}
    # explicit paths: exactly those
    assert implicit_source_paths("data/demo", {"agents": "a.csv"}) == {"agents": "a.csv"}
    with pytest.raises(ValueError, match="responses"):
        implicit_source_paths("x", {"responses": "r.csv"})


def test_sources_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = write(tmp_path / "responses.csv", RESPONSE_HEADER, [response("r1", "2026-01-10T08:00:00Z")])
    write_source(tmp_path / "crm" / "a.csv", "customers", [customer("C1", "2026-01-01T00:00:00Z")])
    write_source(
        tmp_path / "crm" / "b.csv",
        "customers",
        [customer("C1", "2026-01-02T00:00:00Z", loyalty_tier="silver")],
    )
    for source in PROGRAMME_SOURCES:
        monkeypatch.delenv(f"NPS_RAW_{source.upper()}", raising=False)
    assert compute_marts(raw, SEEDS)["rpt_customer_audit"] == []
    monkeypatch.setenv("NPS_RAW_CUSTOMERS", str(tmp_path / "crm"))
    marts = compute_marts(raw, SEEDS)
    audit = as_dicts(marts, "rpt_customer_audit")
    assert [(row["source_file"], row["feed_name"]) for row in audit] == [
        (f"{tmp_path}/crm/a.csv", "customers"),
        (f"{tmp_path}/crm/b.csv", "customers"),
    ]
    assert cx_by_id(marts)["r1"]["loyalty_tier"] == "silver"
    # a glob, and explicit sources over the environment
    marts = compute_marts(raw, SEEDS, sources={"customers": f"{tmp_path}/crm/a.*"})
    assert [row[0] for row in marts["rpt_customer_audit"]] == [f"{tmp_path}/crm/a.csv"]
    assert compute_marts(raw, SEEDS, sources={})["dim_customer"] == []


def test_a_landing_config_feeds_every_source(tmp_path: Path) -> None:
    write(tmp_path / "r" / "responses.csv", RESPONSE_HEADER, [response("r1", "2026-01-10T08:00:00Z")])
    (tmp_path / "crm").mkdir()
    (tmp_path / "crm" / "export.csv").write_text(
        "Kunde;Stand;Stufe;Land\nC1;10.01.2026 08:30;Gold;de\n;10.01.2026 08:30;Gold;de\n",
        encoding="cp1252",
    )
    config = tmp_path / "landing.yml"
    config.write_text(
        textwrap.dedent(
            """
            feeds:
              - name: survey
                source: responses
                path: r/
              - name: crm
                source: customers
                path: crm/*.csv
                delimiter: ";"
                encoding: cp1252
                timezone: Europe/Berlin
                timestamp_format: "%d.%m.%Y %H:%M"
                columns:
                  customer_id: Kunde
                  updated_at: Stand
                  loyalty_tier: Stufe
                  country_code: Land
            """
        ),
        encoding="utf-8",
    )
    marts = compute_marts(None, SEEDS, config=str(config))  # type: ignore[arg-type]
    audit = as_dicts(marts, "rpt_customer_audit")
    assert [
        (row["feed_name"], row["customer_id"], row["status"], row["raw_updated_at"]) for row in audit
    ] == [
        ("crm", "C1", "accepted", "10.01.2026 08:30"),
        ("crm", None, "rejected", "10.01.2026 08:30"),
    ]
    (dim,) = as_dicts(marts, "dim_customer_history")
    assert (dim["valid_from"], dim["loyalty_tier"], dim["customer_country"]) == (
        datetime(2026, 1, 10, 7, 30),
        "gold",
        "DE",
    )
    assert cx_by_id(marts)["r1"]["loyalty_tier"] == "gold"
    # the load history lists the files of every source, with what became of their rows
    history = {row[2]: row for row in marts["rpt_load_history"]}
    assert sorted(history) == [f"{tmp_path}/crm/export.csv", f"{tmp_path}/r/responses.csv"]
    columns = MART_COLUMNS["rpt_load_history"]
    crm = dict(zip(columns, history[f"{tmp_path}/crm/export.csv"], strict=True))
    assert (crm["source_name"], crm["rows_read"], crm["accepted"], crm["rejected"]) == ("customers", 2, 1, 1)
    assert crm["rejected_missing_customer_id"] == 1


def test_config_columns_are_checked_against_the_source(tmp_path: Path) -> None:
    from nps_warehouse.oracle import LandingConfigError

    config = tmp_path / "landing.yml"
    config.write_text(
        "feeds:\n  - {name: crm, source: customers, path: x, columns: {score: Note}}\n", encoding="utf-8"
    )
    with pytest.raises(LandingConfigError, match="score"):
        compute_marts(None, SEEDS, config=str(config))  # type: ignore[arg-type]


def test_a_missing_required_column_of_a_source(tmp_path: Path) -> None:
    from nps_warehouse.oracle import MissingColumnsError

    raw = write(tmp_path / "responses.csv", RESPONSE_HEADER, [])
    agents_file = write(tmp_path / "agents.csv", ("agent_id", "team"), [{"agent_id": "A1"}])
    with pytest.raises(MissingColumnsError, match="updated_at"):
        compute_marts(raw, SEEDS, sources={"agents": agents_file})


# -------------------------------------------------------------------------- the demo


def test_the_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("NPS_RAW_RESPONSES", raising=False)
    for source in PROGRAMME_SOURCES:
        monkeypatch.delenv(f"NPS_RAW_{source.upper()}", raising=False)
    marts = compute_marts("data/demo", "seeds")
    assert tuple(marts) == tuple(MART_COLUMNS)
    for name, rows in marts.items():
        assert rows, name
        assert all(len(row) == len(MART_COLUMNS[name]) for row in rows), name
    assert len(marts["fct_cx_responses"]) == len(marts["fct_nps_responses"])
    for source in PROGRAMME_SOURCES:
        audit = marts[SOURCE_AUDITS[source]]
        assert {row[3] for row in audit} == {source}
        assert [row[:2] for row in audit] == sorted(row[:2] for row in audit)
    statuses = {row[-3] for row in marts["rpt_customer_audit"]}
    assert statuses == {"accepted", "rejected", "superseded"}
    # a response's attributes are known for most responses
    tiers = [row[MART_COLUMNS["fct_cx_responses"].index("loyalty_tier")] for row in marts["fct_cx_responses"]]
    assert sum(tier != "unknown" for tier in tiers) > 0.9 * len(tiers)


def test_extra_columns_of_a_source(tmp_path: Path) -> None:
    from nps_warehouse.oracle import compute_extra_columns

    raw = write(tmp_path / "responses.csv", RESPONSE_HEADER, [response("r1", "2026-01-10T08:00:00Z")])
    agents_file = write(
        tmp_path / "agents.csv",
        ("agent_id", "updated_at", "Shift", "team"),
        [{"agent_id": "A1", "Shift": "night"}],
    )
    sources = {"agents": agents_file}
    assert compute_extra_columns(raw, sources=sources, source="agents") == {
        (agents_file, 1): {"Shift": "night"}
    }
    assert compute_extra_columns(raw, sources=sources) == {(raw, 1): {}}
    (row,) = as_dicts(compute_marts(raw, SEEDS, sources=sources), "rpt_agent_audit")
    assert (row["raw_team"], row["raw_agent_name"], row["reason"]) == (None, None, "invalid_updated_at")
