"""Unit tests of the independent oracle (nps_warehouse.oracle) on tiny files and landing configs."""

from __future__ import annotations

import csv
import gzip
import hashlib
import math
import os
import textwrap
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from nps_warehouse.contract import CX_DIMENSIONS, LOAD_HISTORY_REASONS
from nps_warehouse.oracle import (
    MART_COLUMNS,
    REJECTION_REASONS,
    RESPONSE_COLUMNS,
    RESPONSE_RAW_COLUMNS,
    LandingConfigError,
    LandingError,
    MissingColumnsError,
    RawRow,
    compute_extra_columns,
    compute_marts,
    local_to_utc,
    nps,
    parse_score,
    parse_submitted_at,
    rejection_reason,
    resolve_landing_files,
)

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

MARTS = (
    "fct_nps_responses",
    "fct_nps_daily",
    "fct_nps_daily_by_channel",
    "fct_nps_daily_by_region",
    "fct_nps_daily_by_segment",
    "fct_nps_daily_overall",
    "dim_channel",
    "dim_region",
    "dim_segment",
    "dim_date",
    "rpt_response_audit",
    "rpt_rejected_rows",
    "rpt_load_history",
    "rpt_unmapped_channels",
    "fct_cx_daily_by_dimension",
    "dim_survey",
    "rpt_unmapped_codes",
)
STATUS = MART_COLUMNS["rpt_response_audit"].index("status")
REASON = MART_COLUMNS["rpt_response_audit"].index("reason")

_counter = iter(range(1, 10**9))


def response(**fields: str | None) -> dict[str, str | None]:
    """A valid raw row; keyword arguments override fields (None: an empty field)."""
    row: dict[str, str | None] = {
        "response_id": f"r{next(_counter)}",
        "survey_id": "s1",
        "customer_id": "c1",
        "submitted_at": "2024-03-10T12:00:00Z",
        "channel": "email",
        "region": "IDF",
        "segment": "consumer",
        "agent_id": "a1",
        "score": "9",
        "comment": "ok",
    }
    row.update(fields)
    return row


def write_csv(path: Path, rows: list[dict[str, str | None]], columns: Any = None) -> str:
    columns = list(columns or RESPONSE_COLUMNS)
    opener: Any = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "wt", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            values = [row.get(column.lower()) for column in columns]
            writer.writerow(["" if value is None else value for value in values])
    return str(path)


def marts_of(tmp_path: Path, rows: list[dict[str, str | None]], **kwargs: str) -> dict:
    return compute_marts(write_csv(tmp_path / "in.csv", rows), SEEDS, **kwargs)


def audit_of(tmp_path: Path, rows: list[dict[str, str | None]]) -> list[dict[str, Any]]:
    columns = MART_COLUMNS["rpt_response_audit"]
    marts = marts_of(tmp_path, rows)
    return [dict(zip(columns, row, strict=True)) for row in marts["rpt_response_audit"]]


def responses_of(marts: dict) -> list[dict[str, Any]]:
    columns = MART_COLUMNS["fct_nps_responses"]
    return [dict(zip(columns, row, strict=True)) for row in marts["fct_nps_responses"]]


def only_reason(tmp_path: Path, **fields: str | None) -> str | None:
    (row,) = audit_of(tmp_path, [response(**fields)])
    return row["reason"]


# ---------------------------------------------------------------- shape of the output


#: The marts of agents and teams.
AGENT_MARTS = ("fct_agent_performance", "fct_team_performance", "fct_site_performance", "rpt_team_engagement")


def test_every_mart_is_computed_with_its_columns(tmp_path: Path) -> None:
    marts = marts_of(
        tmp_path, [response(), response(channel="fax"), response(score="x"), response(region="xx")]
    )
    assert tuple(marts) == tuple(MART_COLUMNS)
    assert set(MARTS) <= set(MART_COLUMNS)
    for name, rows in marts.items():
        # the marts of the other sources are empty without their files; no cell has the minimum
        # of responses a test needs, so no alert fires; the comments ("ok") name no theme and no
        # keyword, but every response's channel is a driver; the responses name an agent (team
        # unknown without the workforce's files), so the agents' marts have rows, and the
        # engagement report the team's customer side; the responses name a customer, so customer
        # health has a row per customer (none a detractor: no case, and no audience this late)
        filled = (
            *MARTS,
            "fct_cx_responses",
            "fct_cx_by_period",
            "fct_cx_rolling",
            *AGENT_MARTS,
            "fct_customer_health",
        )
        assert bool(rows) == (name in (*filled, "fct_comment_insights", "rpt_cx_drivers")), name
        assert all(len(row) == len(MART_COLUMNS[name]) for row in rows), name


def test_value_types_of_a_response(tmp_path: Path) -> None:
    marts = marts_of(
        tmp_path,
        [response(response_id=" x1 ", submitted_at="2024-03-10 12:34:56.5+01:00")],
    )
    (row,) = responses_of(marts)
    assert row == {
        "response_id": "x1",
        "survey_id": "s1",
        "customer_id": "c1",
        "agent_id": "a1",
        "interaction_id": None,
        "invitation_id": None,
        "channel": "email",
        "region": "IDF",
        "segment": "consumer",
        "survey_type": "unknown",
        "touchpoint": "unknown",
        "brand": "unknown",
        "business_unit": "unknown",
        "language": "unknown",
        "nps_score": 9,
        "nps_category": "promoter",
        "csat_score": None,
        "csat_category": None,
        "ces_score": None,
        "ces_category": None,
        "comment": "ok",
        "response_date": date(2024, 3, 10),
        "submitted_at": datetime(2024, 3, 10, 11, 34, 56, 500000),
        "feed_name": "default",
        "source_file": str(tmp_path / "in.csv"),
        "source_row_number": 1,
    }
    (daily,) = marts["fct_nps_daily"]
    assert daily == (
        date(2024, 3, 10),
        "email",
        "IDF",
        "consumer",
        1,
        1,
        0,
        0,
        Decimal("100.00"),
        # one promoter: no spread (standard error 0), the adjusted-Wald interval 25 +- z 37.5
        Decimal("0.00"),
        Decimal("-48.50"),
        Decimal("98.50"),
        True,
    )
    assert daily[-4:] == spec_nps_uncertainty(1, 0, 0)


# ---------------------------------------------------------------------- landing files


def test_resolve_directory_takes_supported_files_directly_inside(
    tmp_path: Path,
) -> None:
    landing = tmp_path / "landing"
    (landing / "sub").mkdir(parents=True)
    for name in (
        "b.csv",
        "a.csv.gz",
        "c.parquet",
        ".hidden.csv",
        "notes.txt",
        "sub/d.csv",
    ):
        (landing / name).write_text("x")
    (landing / "dir.csv").mkdir()
    expected = [os.path.join(landing, name) for name in (".hidden.csv", "a.csv.gz", "b.csv", "c.parquet")]
    assert resolve_landing_files(str(landing)) == expected
    assert resolve_landing_files(f"{landing}//") == expected


def test_resolve_glob_and_file(tmp_path: Path) -> None:
    for name in ("2026-01.csv", "2026-02.csv", "2025-12.csv"):
        (tmp_path / name).write_text("x")
    assert resolve_landing_files(f"{tmp_path}/2026-*.csv") == [
        f"{tmp_path}/2026-01.csv",
        f"{tmp_path}/2026-02.csv",
    ]
    assert resolve_landing_files(f"{tmp_path}/202?-1[0-2].csv") == [f"{tmp_path}/2025-12.csv"]
    assert resolve_landing_files(f"{tmp_path}/2025-12.csv") == [f"{tmp_path}/2025-12.csv"]


def test_resolve_nothing_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(LandingError, match="matches no"):
        resolve_landing_files(f"{tmp_path}/*.csv")
    with pytest.raises(LandingError, match="matches no"):
        resolve_landing_files(str(tmp_path / "absent.csv"))
    with pytest.raises(LandingError, match="matches no"):
        resolve_landing_files(str(tmp_path))


def test_missing_required_column_names_file_and_column(tmp_path: Path) -> None:
    good = write_csv(tmp_path / "a.csv", [response()])
    columns = [c.upper() for c in RESPONSE_COLUMNS if c not in ("score", "agent_id")]
    bad = write_csv(tmp_path / "b.csv", [response()], columns=[*columns, "extra"])
    with pytest.raises(MissingColumnsError) as caught:
        compute_marts(str(tmp_path), SEEDS)
    message = str(caught.value)
    assert bad in message and good not in message
    assert "'default'" in message and "score" in message
    assert caught.value.missing == ("score",)  # agent_id is optional


def test_missing_optional_columns_are_null_and_listed(tmp_path: Path) -> None:
    columns = ["response_id", "submitted_at", "score", "comment"]
    path = write_csv(tmp_path / "in.csv", [response(response_id="R", channel="sms")], columns)
    marts = compute_marts(path, SEEDS)
    (row,) = responses_of(marts)
    assert (row["survey_id"], row["channel"], row["region"], row["comment"]) == (
        None,
        "unknown",
        "unknown",
        "ok",
    )
    (history,) = marts["rpt_load_history"]
    # language, response_type and finished are quietly optional without a preset expecting them
    assert history[6] == "survey_id,customer_id,channel,region,segment,agent_id"


def test_columns_match_case_insensitively_in_any_order_with_extras(
    tmp_path: Path,
) -> None:
    columns = ["Extra", *reversed([c.upper() for c in RESPONSE_COLUMNS])]
    path = write_csv(tmp_path / "in.csv", [response(response_id="R", score="7")], columns)
    (row,) = responses_of(compute_marts(path, SEEDS))
    assert (row["response_id"], row["nps_score"]) == ("R", 7)


def test_csv_quoting_row_numbers_and_empty_fields(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    header = ",".join(RESPONSE_COLUMNS)
    path.write_text(
        "\ufeff"
        + header
        + "\r\n"
        + 'r1,s,c,2024-01-01 10:00,sms,ara,smb,a,10,"line one\nline, ""two"""\r\n'
        + "r2,,, 2024-01-01 10:00 ,, ,\t,,8,\r\n"
        + 'r3,"",c,2024-01-01 10:00,sms,ARA,smb,a,3,   \r\n',
        encoding="utf-8",
    )
    marts = compute_marts(str(path), SEEDS)
    audit = marts["rpt_response_audit"]
    assert [row[1] for row in audit] == [1, 2, 3]
    first, second, third = responses_of(marts)
    assert first["comment"] == 'line one\nline, "two"'
    assert first["region"] == "ARA"
    assert (second["survey_id"], second["customer_id"], second["agent_id"]) == (
        None,
        None,
        None,
    )
    assert (second["channel"], second["region"], second["segment"]) == ("unknown",) * 3
    assert second["comment"] is None
    assert third["survey_id"] is None
    assert third["comment"] == "   "
    raw_second = dict(zip(MART_COLUMNS["rpt_response_audit"], audit[1], strict=True))
    assert raw_second["raw_submitted_at"] == " 2024-01-01 10:00 "
    assert raw_second["raw_region"] == " "
    assert raw_second["raw_segment"] == "\t"
    assert raw_second["raw_channel"] is None


def test_gzip_and_parquet_files(tmp_path: Path) -> None:
    write_csv(tmp_path / "a.csv.gz", [response(response_id="g", score="010")])
    table = pa.table(
        {
            **{c.upper(): ["p", None] if c == "response_id" else ["x", "y"] for c in RESPONSE_COLUMNS},
            "SUBMITTED_AT": ["2024-01-01T00:00Z", "2024-01-01T00:00Z"],
            "SCORE": pa.array([7, None], pa.int64()),
            "COMMENT": ["", "   "],
        }
    )
    pq.write_table(table, tmp_path / "b.parquet")
    marts = compute_marts(str(tmp_path), SEEDS)
    audit = {(Path(row[0]).name, row[1]): row for row in marts["rpt_response_audit"]}
    assert list(audit) == [("a.csv.gz", 1), ("b.parquet", 1), ("b.parquet", 2)]
    assert audit["b.parquet", 1][STATUS : REASON + 1] == ("accepted", None)
    assert audit["b.parquet", 1][12] == "7"  # raw_score read as text
    assert audit["b.parquet", 2][STATUS : REASON + 1] == ("rejected", "missing_response_id")
    g, p = responses_of(marts)
    assert (g["response_id"], g["nps_score"]) == ("g", 10)
    assert (p["response_id"], p["nps_score"], p["comment"]) == ("p", 7, None)


def test_audit_has_one_row_per_raw_row(tmp_path: Path) -> None:
    rows = [
        response(response_id="dup"),
        response(response_id="dup"),
        response(score="x"),
    ]
    rows += [response() for _ in range(5)]
    write_csv(tmp_path / "a.csv", rows)
    write_csv(tmp_path / "b.csv", rows[:4])
    audit = compute_marts(str(tmp_path), SEEDS)["rpt_response_audit"]
    assert len(audit) == len(rows) + 4
    statuses = [row[STATUS] for row in audit]
    assert statuses.count("rejected") == 2
    assert statuses.count("accepted") == 6  # 'dup' and the 5 others
    # 3 of the 4 'dup' rows and 1 of the 2 copies of the fourth row
    assert statuses.count("superseded") == 4


# ------------------------------------------------------------------------------ score


@pytest.mark.parametrize(
    ("raw", "score"),
    [
        ("0", 0),
        ("6", 6),
        ("7", 7),
        ("8", 8),
        ("9", 9),
        ("10", 10),
        ("08", 8),
        ("010", 10),
        ("000", 0),
        ("9.0", 9),
        ("10.00", 10),
        ("00.0", 0),
        (" 7 ", 7),
        ("\t10\r\n", 10),
    ],
)
def test_valid_scores(tmp_path: Path, raw: str, score: int) -> None:
    (row,) = responses_of(marts_of(tmp_path, [response(score=raw)]))
    assert row["nps_score"] == score


@pytest.mark.parametrize(
    "raw",
    [
        *["11", "100", "-1", "+9", "-0", "9.5", "9.", ".9", "9.01", "1e1", "NaN", "10/10"],
        *["nine", "9 0", "\u0669", "0x9", "9,0", "1 0", "10 .0", "\uff19"],
    ],
)
def test_invalid_scores(tmp_path: Path, raw: str) -> None:
    assert only_reason(tmp_path, score=raw) == "invalid_score"


@pytest.mark.parametrize("raw", [None, " ", " \t\r\n "])
def test_missing_scores(tmp_path: Path, raw: str | None) -> None:
    assert only_reason(tmp_path, score=raw) == "missing_score"


@pytest.mark.parametrize(
    ("score", "category"),
    [(0, "detractor"), (6, "detractor"), (7, "passive"), (8, "passive"), (9, "promoter"), (10, "promoter")],
)
def test_nps_categories(tmp_path: Path, score: int, category: str) -> None:
    (row,) = responses_of(marts_of(tmp_path, [response(score=str(score))]))
    assert row["nps_category"] == category


# ----------------------------------------------------------------------- submitted_at


@pytest.mark.parametrize(
    ("raw", "utc"),
    [
        ("2024-02-29T10:00", datetime(2024, 2, 29, 10, 0)),
        ("2024-02-29 10:00:05", datetime(2024, 2, 29, 10, 0, 5)),
        ("2000-02-29T23:59:59Z", datetime(2000, 2, 29, 23, 59, 59)),
        ("2024-01-01T00:00:00.1", datetime(2024, 1, 1, 0, 0, 0, 100000)),
        ("2024-01-01T00:00:00.000001", datetime(2024, 1, 1, 0, 0, 0, 1)),
        ("2024-01-01T00:00:00.123456Z", datetime(2024, 1, 1, 0, 0, 0, 123456)),
        ("2024-01-01T01:30+02:00", datetime(2023, 12, 31, 23, 30)),
        ("2024-12-31T22:00:00-05:30", datetime(2025, 1, 1, 3, 30)),
        ("2024-06-01T12:00+23:59", datetime(2024, 5, 31, 12, 1)),
        ("2024-06-01T12:00-00:00", datetime(2024, 6, 1, 12, 0)),
        ("2024-01-01T10:00+0200", datetime(2024, 1, 1, 8, 0)),
        ("2024-01-01T10:00+02", datetime(2024, 1, 1, 8, 0)),
        ("2024-01-01T10:00 +02:00", datetime(2024, 1, 1, 8, 0)),
        ("2024-01-01 10:00:00 Z", datetime(2024, 1, 1, 10, 0)),
        ("2026-11-03 14:22:05 -0500", datetime(2026, 11, 3, 19, 22, 5)),
        ("2024-01-01T10:00:00.5-0130", datetime(2024, 1, 1, 11, 30, 0, 500000)),
        ("1000-01-01T00:00", datetime(1000, 1, 1)),
        ("2999-12-31T23:59:59.999999", datetime(2999, 12, 31, 23, 59, 59, 999999)),
        (" \t2024-01-01 00:00\r\n", datetime(2024, 1, 1)),
    ],
)
def test_valid_submitted_at(tmp_path: Path, raw: str, utc: datetime) -> None:
    (row,) = responses_of(marts_of(tmp_path, [response(submitted_at=raw)]))
    assert row["submitted_at"] == utc


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "   ",
        "2023-02-29T10:00",
        "2024-02-30 10:00",
        "2024-04-31T10:00",
        "2024-13-01T10:00",
        "2024-00-10T10:00",
        "2024-01-00T10:00",
        "2024-01-01",
        "2024-01-01T10",
        "2024-01-01t10:00",
        "2024-01-01T10:00z",
        "2024-01-01  10:00",
        "2024-01-01T24:00",
        "2024-01-01T10:60",
        "2024-01-01T10:00:60",
        "2024-01-01T10:00:00.",
        "2024-01-01T10:00:00.1234567",
        "2024-01-01T10:00.5",
        "2024-01-01T10:00+24:00",
        "2024-01-01T10:00+02:60",
        "2024-01-01T10:00+2",
        "2024-01-01T10:00+020",
        "2024-01-01T10:00+02:",
        "2024-01-01T10:00+020:00",
        "2024-01-01T10:00  Z",
        "2024-01-01T10:00  +02:00",
        "2024-01-01T10:00 z",
        "2024-01-01T10:00+2400",
        "2024-01-01T10:00-24",
        "2024-01-01T10:00+0260",
        "0999-12-31T10:00",
        "3000-01-01T10:00",
        "2024-1-01T10:00",
        "2024-01-01T1:00",
        "20240101T1000",
        "2024/01/01 10:00",
        "yesterday",
    ],
)
def test_invalid_submitted_at(tmp_path: Path, raw: str | None) -> None:
    assert only_reason(tmp_path, submitted_at=raw) == "invalid_submitted_at"


# ---------------------------------------------------------------------------- reasons


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        (
            {"response_id": " ", "submitted_at": "bad", "score": None},
            "missing_response_id",
        ),
        ({"response_id": None, "score": "11"}, "missing_response_id"),
        ({"submitted_at": None, "score": None}, "invalid_submitted_at"),
        ({"submitted_at": "2024-02-30T00:00", "score": "x"}, "invalid_submitted_at"),
        ({"score": None, "channel": None, "region": None}, "missing_score"),
        ({"score": "10.5"}, "invalid_score"),
    ],
)
def test_first_failing_rule_gives_the_reason(
    tmp_path: Path, fields: dict[str, str | None], reason: str
) -> None:
    assert only_reason(tmp_path, **fields) == reason


def test_audit_of_a_rejected_row(tmp_path: Path) -> None:
    (row,) = audit_of(tmp_path, [response(response_id="  r  ", score="x", comment=None)])
    assert row["response_id"] == "r"
    assert row["raw_response_id"] == "  r  "
    assert row["raw_score"] == "x"
    assert row["raw_comment"] is None
    assert (row["status"], row["reason"]) == ("rejected", "invalid_score")


# --------------------------------------------------------------------- de-duplication


def test_latest_submitted_at_wins_across_offsets(tmp_path: Path) -> None:
    rows = [
        response(response_id="r", submitted_at="2024-01-01T12:00Z", score="1"),
        response(response_id=" r", submitted_at="2024-01-01T13:00+02:00", score="2"),
        response(response_id="r ", submitted_at="2024-01-01T11:59:59.999999", score="3"),
    ]
    audit = audit_of(tmp_path, rows)
    assert [row["status"] for row in audit] == ["accepted", "superseded", "superseded"]
    assert all(row["reason"] is None for row in audit)


def test_ties_go_to_the_later_file_then_the_later_row(tmp_path: Path) -> None:
    same = {"response_id": "r", "submitted_at": "2024-01-01T10:00"}
    write_csv(tmp_path / "a.csv", [response(**same, score="1")] * 3)
    # 'B.csv' sorts before 'a.csv' in byte order
    write_csv(tmp_path / "B.csv", [response(**same, score="2")] * 2)
    marts = compute_marts(str(tmp_path), SEEDS)
    (winner,) = responses_of(marts)
    assert (Path(winner["source_file"]).name, winner["source_row_number"]) == (
        "a.csv",
        3,
    )
    statuses = [row[STATUS] for row in marts["rpt_response_audit"]]
    assert statuses == [
        "superseded",
        "superseded",
        "superseded",
        "superseded",
        "accepted",
    ]


def test_a_rejected_row_never_replaces_a_valid_one(tmp_path: Path) -> None:
    rows = [
        response(response_id="r", submitted_at="2024-01-01T10:00", score="9"),
        response(response_id="r", submitted_at="2024-01-02T10:00", score="11"),
        response(response_id="r", submitted_at="2024-01-03T10:00:61", score="3"),
    ]
    audit = audit_of(tmp_path, rows)
    assert [row["status"] for row in audit] == ["accepted", "rejected", "rejected"]
    assert [row["reason"] for row in audit] == [
        None,
        "invalid_score",
        "invalid_submitted_at",
    ]


def test_response_ids_are_exact_after_trimming(tmp_path: Path) -> None:
    rows = [
        response(response_id="R1"),
        response(response_id="r1"),
        response(response_id="r1 "),
    ]
    marts = marts_of(tmp_path, rows)
    assert [row["response_id"] for row in responses_of(marts)] == ["R1", "r1"]


# -------------------------------------------------------- channels, regions, segments


@pytest.mark.parametrize(
    ("raw", "channel"),
    [
        ("email", "email"),
        ("E-Mail", "email"),
        (" E_MAIL ", "email"),
        ("Téléphone", "phone"),
        ("TELEPHONE", "phone"),
        ("télé-phone", "phone"),
        ("Text Message", "sms"),
        ("text-message", "sms"),
        ("Live_Chat", "chat"),
        ("WhatsApp", "whatsapp"),
        ("in app", "in_app"),
        ("IN-APP", "in_app"),
        ("Mobile-App", "in_app"),
        ("Site Web", "web"),
        ("fax", "other"),
        ("e mail s", "other"),
        ("---", "other"),
        (None, "unknown"),
        (" \t ", "unknown"),
    ],
)
def test_channel_mapping(tmp_path: Path, raw: str | None, channel: str) -> None:
    (row,) = responses_of(marts_of(tmp_path, [response(channel=raw)]))
    assert row["channel"] == channel


def test_unmapped_channels_report(tmp_path: Path) -> None:
    rows = [
        response(channel=" Fax ", submitted_at="2024-01-03T10:00"),
        response(channel="Fax", submitted_at="2024-01-01T10:00"),
        response(channel="fax", submitted_at="2024-01-02T10:00"),
        response(channel="Pigeon-Post", submitted_at="2024-01-05T10:00"),
        response(channel="Fax", score="x"),  # rejected: not counted
        response(channel=None),  # unknown, not other
        response(channel="email"),
    ]
    assert marts_of(tmp_path, rows)["rpt_unmapped_channels"] == [
        ("Fax", "fax", 2, date(2024, 1, 1), date(2024, 1, 3)),
        ("Pigeon-Post", "pigeonpost", 1, date(2024, 1, 5), date(2024, 1, 5)),
        ("fax", "fax", 1, date(2024, 1, 2), date(2024, 1, 2)),
    ]


def test_dimensions_union_seed_and_seen_values(tmp_path: Path) -> None:
    rows = [
        response(region=" idf ", segment=" SMB "),
        response(region="XYZ", segment="Startup"),
        response(region=None, segment=" "),
    ]
    marts = marts_of(tmp_path, rows)
    regions = {row[0]: row for row in marts["dim_region"]}
    assert regions["IDF"] == ("IDF", "Île-de-France", "FR", True)
    assert regions["XYZ"] == ("XYZ", "XYZ", None, False)
    assert regions["unknown"] == ("unknown", "Unknown", None, True)
    assert len(regions) == 15
    segments = {row[0]: row for row in marts["dim_segment"]}
    assert segments["smb"] == ("smb", "Small business", True)
    assert segments["startup"] == ("startup", "startup", False)
    assert len(segments) == 6
    assert [row[0] for row in marts["dim_region"]] == sorted(regions)
    assert marts["dim_channel"][:2] == [("chat", "Chat", 5), ("email", "Email", 1)]
    assert len(marts["dim_channel"]) == 9


# ------------------------------------------------------------------------------ dates


def test_reporting_time_zone_shifts_the_date(tmp_path: Path) -> None:
    rows = [response(submitted_at="2024-03-09T23:30:00Z")]
    path = write_csv(tmp_path / "in.csv", rows)
    (utc,) = responses_of(compute_marts(path, SEEDS))
    (paris,) = responses_of(compute_marts(path, SEEDS, reporting_timezone="Europe/Paris"))
    (new_york,) = responses_of(compute_marts(path, SEEDS, "America/New_York"))
    assert utc["response_date"] == date(2024, 3, 9)
    assert paris["response_date"] == date(2024, 3, 10)
    assert new_york["response_date"] == date(2024, 3, 9)
    assert paris["submitted_at"] == utc["submitted_at"] == datetime(2024, 3, 9, 23, 30)


def test_dim_date_spans_first_to_last_response_date(tmp_path: Path) -> None:
    rows = [
        response(submitted_at="2024-12-29T10:00"),
        response(submitted_at="2025-01-02T10:00"),
        response(submitted_at="2030-01-01T10:00", score="bad"),  # rejected, ignored
    ]
    dim_date = marts_of(tmp_path, rows)["dim_date"]
    assert [row[0] for row in dim_date] == [date(2024, 12, d) for d in (29, 30, 31)] + [
        date(2025, 1, 1),
        date(2025, 1, 2),
    ]
    assert dim_date[0] == (
        date(2024, 12, 29),
        2024,
        4,
        12,
        29,
        7,
        True,
        date(2024, 12, 23),
        date(2024, 12, 1),
        date(2024, 10, 1),
        date(2024, 1, 1),
    )
    assert dim_date[1][5:8] == (1, False, date(2024, 12, 30))
    assert dim_date[4][1:4] == (2025, 1, 1)
    assert dim_date[4][7:] == (
        date(2024, 12, 30),
        date(2025, 1, 1),
        date(2025, 1, 1),
        date(2025, 1, 1),
    )


def test_no_accepted_response_gives_empty_facts(tmp_path: Path) -> None:
    marts = marts_of(tmp_path, [response(score=None)])
    assert len(marts["rpt_response_audit"]) == 1
    for name in MARTS:
        if name.startswith("fct_") or name in ("dim_date", "rpt_unmapped_channels"):
            assert marts[name] == [], name
    assert len(marts["dim_region"]) == 14


# -------------------------------------------------------------------------------- NPS


@pytest.mark.parametrize(
    ("promoters", "detractors", "responses", "expected"),
    [
        (1, 0, 4000, "0.03"),  # 0.025 -> away from zero
        (0, 1, 4000, "-0.03"),
        (1, 0, 3, "33.33"),
        (2, 0, 3, "66.67"),
        (0, 2, 3, "-66.67"),
        (1, 0, 8000, "0.01"),  # 0.0125
        (1, 0, 40000, "0.00"),  # 0.0025
        (0, 1, 40000, "0.00"),
        (0, 0, 5, "0.00"),
        (5, 0, 5, "100.00"),
        (0, 5, 5, "-100.00"),
        (1, 1, 7, "0.00"),
    ],
)
def test_nps_rounding(promoters: int, detractors: int, responses: int, expected: str) -> None:
    value = nps(promoters, detractors, responses)
    assert value == Decimal(expected)
    assert str(value) == expected


Z_95 = 1.959963984540054


def spec_round2(value: float) -> Decimal:
    """Half away from zero to two decimals, as the README ("How sure a number is") rounds."""
    hundredths = math.floor(abs(value) * 100 + 0.5)
    return (Decimal(hundredths if value >= 0 else -hundredths) / 100).quantize(Decimal("0.01"))


def spec_nps_uncertainty(promoters: int, passives: int, detractors: int) -> tuple[Any, ...]:
    """The NPS_UNCERTAINTY columns by the formulas (0.95, 30 responses), written out here."""
    n = promoters + passives + detractors
    pp, pd = promoters / n, detractors / n
    se = 100 * math.sqrt(((pp + pd) - (pp - pd) ** 2) / n)
    na = n + 3
    pa, da = (promoters + 0.75) / na, (detractors + 0.75) / na
    se_adj = 100 * math.sqrt(((pa + da) - (pa - da) ** 2) / na)
    centre = 100 * (pa - da)
    return (
        spec_round2(se),
        spec_round2(max(-100.0, centre - Z_95 * se_adj)),
        spec_round2(min(100.0, centre + Z_95 * se_adj)),
        n < 30,
    )


def test_spec_nps_uncertainty_reference_values() -> None:
    # the reference values of the README
    assert spec_nps_uncertainty(50, 30, 20) == (Decimal("7.81"), Decimal("14.05"), Decimal("44.20"), False)
    assert spec_nps_uncertainty(10, 0, 0) == (Decimal("0.00"), Decimal("47.50"), Decimal("100.00"), True)


def test_daily_counts_and_nps(tmp_path: Path) -> None:
    day = "2024-05-01T08:00"
    rows = [response(score="10", submitted_at=day)]
    rows += [response(score="0", submitted_at=day, channel="sms") for _ in range(2)]
    rows += [response(score="8", submitted_at=day, region="ARA")]
    marts = marts_of(tmp_path, rows)
    may_first = date(2024, 5, 1)
    # NPS uncertainty (standard error, adjusted-Wald bounds, under 30 responses) of each cell, e.g.
    # 1 promoter, 1 passive, 2 detractors: v = 0.75 - 0.25^2, SE = 100 sqrt(0.6875 / 4) = 41.46;
    # adjusted pa = 1.75 / 7, da = 2.75 / 7: -14.29 +- z 29.82
    mixed = (Decimal("41.46"), Decimal("-72.73"), Decimal("44.16"), True)
    # 1 promoter, 1 passive: SE = 100 sqrt(0.25 / 2); adjusted 20 +- z 100 sqrt(0.46 / 5)
    promoter_passive = (Decimal("35.36"), Decimal("-39.45"), Decimal("79.45"), True)
    # 2 detractors: no spread; adjusted -40 - z 32.86 is clamped to -100
    detractors = (Decimal("0.00"), Decimal("-100.00"), Decimal("24.41"), True)
    # 1 passive: adjusted 0 +- z 100 sqrt(0.375 / 4)
    passive = (Decimal("0.00"), Decimal("-60.01"), Decimal("60.01"), True)
    # 1 promoter, 2 detractors: SE = 100 sqrt((1 - 1/9) / 3); adjusted -16.67 +- z 34.68
    promoter_detractors = (Decimal("54.43"), Decimal("-84.67"), Decimal("51.33"), True)
    promoter = (Decimal("0.00"), Decimal("-48.50"), Decimal("98.50"), True)
    for expected, counts in (
        (mixed, (1, 1, 2)),
        (promoter_passive, (1, 1, 0)),
        (detractors, (0, 0, 2)),
        (passive, (0, 1, 0)),
        (promoter_detractors, (1, 0, 2)),
        (promoter, (1, 0, 0)),
    ):
        assert spec_nps_uncertainty(*counts) == expected, counts
    assert marts["fct_nps_daily_overall"] == [(may_first, 4, 1, 1, 2, Decimal("-25.00"), *mixed)]
    assert marts["fct_nps_daily_by_channel"] == [
        (may_first, "email", 2, 1, 1, 0, Decimal("50.00"), *promoter_passive),
        (may_first, "sms", 2, 0, 0, 2, Decimal("-100.00"), *detractors),
    ]
    assert marts["fct_nps_daily_by_region"] == [
        (may_first, "ARA", 1, 0, 1, 0, Decimal("0.00"), *passive),
        (may_first, "IDF", 3, 1, 0, 2, Decimal("-33.33"), *promoter_detractors),
    ]
    assert marts["fct_nps_daily_by_segment"] == [
        (may_first, "consumer", 4, 1, 1, 2, Decimal("-25.00"), *mixed)
    ]
    assert marts["fct_nps_daily"] == [
        (may_first, "email", "ARA", "consumer", 1, 0, 1, 0, Decimal("0.00"), *passive),
        (may_first, "email", "IDF", "consumer", 1, 1, 0, 0, Decimal("100.00"), *promoter),
        (may_first, "sms", "IDF", "consumer", 2, 0, 0, 2, Decimal("-100.00"), *detractors),
    ]


def test_nps_of_one_promoter_in_4000_responses(tmp_path: Path) -> None:
    rows = [response(score="9")] + [response(score="7") for _ in range(3999)]
    (overall,) = marts_of(tmp_path, rows)["fct_nps_daily_overall"]
    # SE = 100 sqrt((0.00025 - 0.00025^2) / 4000) = 0.02500 (0.0249969: 0.02); adjusted:
    # pa = 1.75 / 4003, da = 0.75 / 4003, NPS 0.02498, se 100 sqrt(6.2447e-4 / 4003) = 0.03950,
    # so 0.02498 -+ 1.96 x 0.03950 = [-0.0524, 0.1024]; 4000 responses are not below the minimum
    expected = (Decimal("0.02"), Decimal("-0.05"), Decimal("0.10"), False)
    assert spec_nps_uncertainty(1, 3999, 0) == expected
    assert overall[1:] == (4000, 1, 3999, 0, Decimal("0.03"), *expected)


# --------------------------------------------------------------- landing config: feeds


def write_config(folder: Path, text: str) -> str:
    """A landing.yml in ``folder`` (YAML text, so that its scalars are YAML's)."""
    path = folder / "landing.yml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return str(path)


def write_text(path: Path, text: str, encoding: str = "utf-8") -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return str(path)


def as_dicts(marts: dict, mart: str) -> list[dict[str, Any]]:
    return [dict(zip(MART_COLUMNS[mart], row, strict=True)) for row in marts[mart]]


QUALTRICS_EXPORT = (
    "StartDate,Status,Finished,RecordedDate,ResponseId,ExternalReference,DistributionChannel,"
    "UserLanguage,Q1,Q1_NPS_GROUP\n"
    "Start Date,Response Type,Finished,Recorded Date,Response ID,External Data Reference,"
    "Distribution Channel,User Language,How likely are you to recommend us?,Q1 - Group\n"
    '"{""ImportId"":""startDate"",""timeZone"":""America/Denver""}","{""ImportId"":""status""}",'
    '"{""ImportId"":""finished""}","{""ImportId"":""recordedDate"",""timeZone"":""America/Denver""}",'
    '"{""ImportId"":""_recordId""}","{""ImportId"":""externalDataReference""}",'
    '"{""ImportId"":""distributionChannel""}","{""ImportId"":""userLanguage""}",'
    '"{""ImportId"":""QID1""}","{""ImportId"":""QID1_NPS_GROUP""}"\n'
    "2026-11-03 14:00:00,IP Address,True,2026-11-03 14:22:05,R_1,C1,email,EN,9,Promoter\n"
    "2026-11-03 14:00:00,Survey Preview,True,2026-11-03 14:22:05,R_2,C2,email,EN,,\n"
    "2026-11-03 14:00:00, 17 ,False,bad,,C3,email,EN,x,\n"
    "2026-11-03 14:00:00,IP Address,False,2026-11-03 14:22:05,,C4,email,EN,9,Promoter\n"
    "2026-11-03 14:00:00,0, n ,2026-11-03 14:22:05,R_5,C5,email,EN,9,Promoter\n"
    "2026-11-03 14:00:00,Imported,1,2026-03-08 02:30:00,R_6,C6,anonymous,FR,0,Detractor\n"
)


def test_qualtrics_preset(tmp_path: Path) -> None:
    write_text(tmp_path / "exports" / "qualtrics.csv", QUALTRICS_EXPORT)
    config = write_config(
        tmp_path,
        """
        feeds:
          - name: relationship
            source: responses
            path: exports/
            preset: qualtrics
            columns:
              score: Q1
            constants:
              survey_id: REL-2026
        """,
    )
    marts = compute_marts("ignored", SEEDS, config=config)
    source_file = f"{tmp_path}/exports/qualtrics.csv"
    audit = as_dicts(marts, "rpt_response_audit")
    assert [(row["status"], row["reason"]) for row in audit] == [
        ("accepted", None),
        ("rejected", "test_response"),  # before missing_score
        ("rejected", "test_response"),  # a Qualtrics code; before every other reason
        ("rejected", "unfinished_response"),  # before missing_response_id
        ("rejected", "unfinished_response"),
        ("accepted", None),  # 'Imported' and '1' are a finished response
    ]
    first = audit[0]
    assert (first["source_file"], first["feed_name"], first["raw_survey_id"]) == (
        source_file,
        "relationship",
        "REL-2026",
    )
    assert (first["raw_language"], first["raw_response_type"], first["raw_finished"]) == (
        "EN",
        "IP Address",
        "True",
    )
    r1, r6 = responses_of(marts)
    # naive dates in the export's zone: MST (-07:00) on 3 November, and 02:30 on 8 March 2026
    # does not exist in Denver (clocks go from 02:00 to 03:00): read at -07:00, before the change
    assert (r1["response_id"], r1["submitted_at"], r1["customer_id"]) == (
        "R_1",
        datetime(2026, 11, 3, 21, 22, 5),
        "C1",
    )
    assert (r6["response_id"], r6["submitted_at"], r6["nps_score"]) == ("R_6", datetime(2026, 3, 8, 9, 30), 0)
    assert r1["survey_id"] == "REL-2026" and r1["feed_name"] == "relationship"
    (history,) = as_dicts(marts, "rpt_load_history")
    assert history["source_timezone"] == "America/Denver"
    assert history["missing_columns"] == "region,segment,agent_id,comment"
    extras = compute_extra_columns("ignored", config=config)
    assert extras[source_file, 1] == {"StartDate": "2026-11-03 14:00:00", "Q1_NPS_GROUP": "Promoter"}
    assert extras[source_file, 2] == {"StartDate": "2026-11-03 14:00:00", "Q1_NPS_GROUP": None}
    rejected = as_dicts(marts, "rpt_rejected_rows")
    assert rejected[1]["raw_response_type"] == " 17 "
    assert rejected[1]["source_timezone"] == "America/Denver"


def test_qualtrics_time_zone_set_by_the_feed_and_missing(tmp_path: Path) -> None:
    write_text(tmp_path / "q.csv", QUALTRICS_EXPORT)
    config = write_config(
        tmp_path,
        """
        feeds:
          - {name: q, source: responses, path: q.csv, preset: qualtrics, timezone: UTC, columns: {score: Q1}}
        """,
    )
    marts = compute_marts("ignored", SEEDS, config=config)
    assert responses_of(marts)[0]["submitted_at"] == datetime(2026, 11, 3, 14, 22, 5)
    assert marts["rpt_load_history"][0][5] == "UTC"
    # without the third header row's JSON, the zone is unknown: the warehouse refuses the file
    lines = QUALTRICS_EXPORT.splitlines(keepends=True)
    write_text(tmp_path / "q.csv", lines[0] + lines[1] + lines[0] + "".join(lines[3:]))
    config = write_config(
        tmp_path,
        "feeds: [{name: q, source: responses, path: q.csv, preset: qualtrics, columns: {score: Q1}}]",
    )
    with pytest.raises(LandingError, match="time zone"):
        compute_marts("ignored", SEEDS, config=config)


def test_delighted_preset(tmp_path: Path) -> None:
    write_text(
        tmp_path / "delighted" / "export.csv",
        "Response ID,Score,Comment,Created At,Delighted Source, Plan ,customer id,Plan\n"
        "D1,10,Great,2026-11-03 14:22:05 -0500,email,gold,C1,x\n"
        "D2,9,,2026-11-03 14:22:05,sms,,C2,\n",
    )
    config = write_config(
        tmp_path,
        """
        feeds:
          - name: transactional
            source: responses
            path: delighted/*.csv
            preset: delighted
            columns:
              customer_id: Customer ID
        """,
    )
    marts = compute_marts("ignored", SEEDS, config=config)
    d1, d2 = responses_of(marts)
    assert (d1["submitted_at"], d1["nps_score"], d1["comment"], d1["channel"], d1["customer_id"]) == (
        datetime(2026, 11, 3, 19, 22, 5),
        10,
        "Great",
        "email",
        "C1",
    )
    assert d2["submitted_at"] == datetime(2026, 11, 3, 14, 22, 5)  # no offset: UTC
    source_file = f"{tmp_path}/delighted/export.csv"
    extras = compute_extra_columns("ignored", config=config)
    # the header as written (not stripped); a repeated header gets '#2'
    assert extras[source_file, 1] == {" Plan ": "gold", "Plan": "x"}
    assert extras[source_file, 2] == {" Plan ": None, "Plan": None}
    (history,) = marts["rpt_load_history"]
    assert history[6] == "survey_id,region,segment,agent_id"


def test_extra_columns_repeated_headers_and_first_match(tmp_path: Path) -> None:
    path = write_text(
        tmp_path / "in.csv",
        "response_id,submitted_at,score,score,Note,Note,note\nR,2026-01-01 10:00,7,8,a,b,c\n",
    )
    marts = compute_marts(path, SEEDS)
    assert responses_of(marts)[0]["nps_score"] == 7  # the first header matching wins
    assert compute_extra_columns(path) == {(path, 1): {"score": "8", "Note": "a", "Note#2": "b", "note": "c"}}
    other = write_text(tmp_path / "other.csv", ",".join(RESPONSE_COLUMNS) + "\n" + ",".join("x" * 10) + "\n")
    assert compute_extra_columns(other) == {(other, 1): {}}


EXCEL_FR = (
    "N° dossier;Date;Note;Commentaire;Canal\r\n"
    "A1;03/11/2026 14:22;9,0;Très bien;Téléphone\r\n"
    "A2;03/11/2026 14:22;8,5;;Téléphone\r\n"
    "A3;03/11/2026 14:22;9.0;;Téléphone\r\n"
    "A4;3/11/2026 14:22:30; 10 ;« parfait »;Courriel\r\n"
    "A5;2026-11-03 14:22;7;;Courriel\r\n"
    "A6;31/06/2026 14:22;7;;Courriel\r\n"
    "A7;25/10/2026 02:30;7;;Courriel\r\n"
)


def test_excel_fr_preset(tmp_path: Path) -> None:
    write_text(tmp_path / "exports" / "call_centre.csv", EXCEL_FR, encoding="cp1252")
    config = write_config(
        tmp_path,
        """
        feeds:
          - name: call_centre
            source: responses
            path: exports/call_centre.csv
            preset: excel_fr
            columns:
              response_id: N° DOSSIER
              submitted_at: date
              score: Note
              comment: Commentaire
              channel: Canal
        """,
    )
    marts = compute_marts("ignored", SEEDS, config=config)
    audit = as_dicts(marts, "rpt_response_audit")
    assert [row["reason"] for row in audit] == [
        None,
        "invalid_score",  # 8,5: not a whole score
        "invalid_score",  # 9.0: the decimal mark of this feed is ','
        None,
        "invalid_submitted_at",  # no format of the feed matches ISO-8601
        "invalid_submitted_at",  # 31 June
        None,
    ]
    a1, a4, a7 = responses_of(marts)
    assert (a1["submitted_at"], a1["nps_score"], a1["comment"], a1["channel"]) == (
        datetime(2026, 11, 3, 13, 22),  # Paris, CET
        9,
        "Très bien",
        "phone",
    )
    assert (a4["submitted_at"], a4["nps_score"], a4["comment"]) == (
        datetime(2026, 11, 3, 13, 22, 30),
        10,
        "« parfait »",
    )
    assert a7["submitted_at"] == datetime(2026, 10, 25, 1, 30)  # ambiguous: the later instant
    (history,) = marts["rpt_load_history"]
    assert history[5] == "Europe/Paris"
    assert history[6] == "survey_id,customer_id,region,segment,agent_id"


def test_excel_utf8_export_overrides_the_presets_encoding(tmp_path: Path) -> None:
    write_text(tmp_path / "x.csv", "\ufeff" + EXCEL_FR, encoding="utf-8")
    config = write_config(
        tmp_path,
        """
        feeds:
          - name: call_centre
            source: responses
            path: x.csv
            preset: excel_fr
            encoding: utf-8
            timezone: America/New_York
            decimal_mark: "."
            columns: {response_id: N° dossier, submitted_at: Date, score: Note, comment: Commentaire}
        """,
    )
    marts = compute_marts("ignored", SEEDS, config=config)
    reasons = [row["reason"] for row in as_dicts(marts, "rpt_response_audit")]
    assert reasons[:3] == ["invalid_score", "invalid_score", None]  # 9,0 refused, 9.0 accepted
    assert responses_of(marts)[0]["comment"] is None
    assert marts["rpt_load_history"][0][5] == "America/New_York"


def test_constants_and_null_mappings(tmp_path: Path) -> None:
    write_text(tmp_path / "in.csv", "id,when,q1,agent,Region\nR1,2026-01-01 10:00,9,A1,idf\n")
    config = write_config(
        tmp_path,
        """
        feeds:
          - name: manual
            source: responses
            path: in.csv
            columns:
              response_id: ID
              submitted_at: "  When "
              score: Q1
              agent_id: null
            constants:
              survey_id: 42
              comment: true
              customer_id: ""
              segment: SMB
              channel: 1.5
        """,
    )
    marts = compute_marts("ignored", SEEDS, config=config)
    (audit,) = as_dicts(marts, "rpt_response_audit")
    assert (audit["raw_survey_id"], audit["raw_comment"], audit["raw_customer_id"]) == ("42", "true", None)
    assert (audit["raw_segment"], audit["raw_channel"], audit["raw_agent_id"], audit["raw_region"]) == (
        "SMB",
        "1.5",
        None,  # mapped to null: the 'agent' header is not read
        "idf",  # 'Region' matches region case-insensitively
    )
    (row,) = responses_of(marts)
    assert (row["segment"], row["region"], row["agent_id"], row["channel"]) == ("smb", "IDF", None, "other")
    (history,) = marts["rpt_load_history"]
    assert history[6] is None  # agent_id mapped to null is not missing; constants are not either
    assert compute_extra_columns("ignored", config=config) == {(f"{tmp_path}/in.csv", 1): {"agent": "A1"}}


def test_a_constant_finished_false_rejects_every_row(tmp_path: Path) -> None:
    write_csv(tmp_path / "in.csv", [response(), response(response_id=None)])
    config = write_config(
        tmp_path, "feeds: [{name: f, source: responses, path: in.csv, constants: {finished: false}}]"
    )
    marts = compute_marts("ignored", SEEDS, config=config)
    assert [row[REASON] for row in marts["rpt_response_audit"]] == ["unfinished_response"] * 2
    finished = MART_COLUMNS["rpt_rejected_rows"].index("raw_finished")
    assert [row[finished] for row in marts["rpt_rejected_rows"]] == ["false", "false"]


def test_mapping_to_a_header_the_export_lacks(tmp_path: Path) -> None:
    write_csv(tmp_path / "in.csv", [response()])
    config = write_config(
        tmp_path, "feeds: [{name: f, source: responses, path: in.csv, columns: {comment: Verbatim}}]"
    )
    with pytest.raises(MissingColumnsError, match="Verbatim"):
        compute_marts("ignored", SEEDS, config=config)
    # a preset's header the export lacks is a missing column, unless the contract requires it
    write_text(tmp_path / "d.csv", "Response ID,Score,Created At\nD1,9,2026-01-01 10:00\n")
    config = write_config(tmp_path, "feeds: [{name: d, source: responses, path: d.csv, preset: delighted}]")
    (history,) = compute_marts("ignored", SEEDS, config=config)["rpt_load_history"]
    assert history[6] == "survey_id,customer_id,channel,region,segment,agent_id,comment"
    write_text(tmp_path / "d.csv", "Response ID,Score\nD1,9\n")
    with pytest.raises(MissingColumnsError, match="Created At"):
        compute_marts("ignored", SEEDS, config=config)


@pytest.mark.parametrize(
    ("feed", "message"),
    [
        ("{name: f, source: responses, path: x, colums: {}}", "unknown key"),
        ("{name: f, source: responses, path: x, preset: surveymonkey}", "unknown preset"),
        ("{name: f, source: surveys, path: x}", "unknown source"),
        ("{name: f, source: responses, path: x, encoding: utf-32}", "unknown encoding"),
        ("{name: f, source: responses, path: x, delimiter: ':'}", "unknown delimiter"),
        ("{name: f, source: responses, path: x, timezone: Mars/Olympus}", "unknown time zone"),
        ("{name: f, source: responses, path: x, timestamp_format: '%d/%m/%Y %H:%M %Q'}", "unknown directive"),
        ("{name: f, source: responses, path: x, timestamp_format: '%d/%m %H:%M'}", "needs %Y"),
        ("{name: f, source: responses, path: x, timestamp_format: '%Y-%m-%d %H'}", "needs %M"),
        ("{name: f, source: responses, path: x, columns: {nps: Q1}}", "not a contract column"),
        ("{name: f, source: responses, path: x, columns: {score: Q1}, constants: {score: 9}}", "both"),
        ("{name: f g, source: responses, path: x}", "letters"),
        ("{name: f, source: responses}", "'path' is required"),
    ],
)
def test_config_errors(tmp_path: Path, feed: str, message: str) -> None:
    config = write_config(tmp_path, f"feeds: [{feed}]")
    with pytest.raises(LandingConfigError, match=message):
        compute_marts("ignored", SEEDS, config=config)


def test_config_errors_across_feeds(tmp_path: Path) -> None:
    write_csv(tmp_path / "in.csv", [response()])
    twice = "{name: f, source: responses, path: in.csv}"
    with pytest.raises(LandingConfigError, match="used twice"):
        compute_marts("ignored", SEEDS, config=write_config(tmp_path, f"feeds: [{twice}, {twice}]"))
    other = "{name: g, source: responses, path: '*.csv'}"
    with pytest.raises(LandingConfigError, match="two feeds"):
        compute_marts("ignored", SEEDS, config=write_config(tmp_path, f"feeds: [{twice}, {other}]"))
    with pytest.raises(LandingConfigError, match="top-level"):
        compute_marts("ignored", SEEDS, config=write_config(tmp_path, f"feeds: [{twice}]\nfeed: []"))


def test_feeds_meet_in_deduplication_and_paths_follow_the_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a").mkdir()
    write_csv(
        tmp_path / "a" / "one.csv",
        [response(response_id="same", submitted_at="2026-01-01T10:00Z", score="3")],
    )
    write_text(
        tmp_path / "b" / "two.tsv",
        "response_id\tsubmitted_at\tscore\nsame\t2026-01-01 12:00+01:00\t9\nonly\t2026-01-02 10:00\t8\n",
    )
    config = write_config(
        tmp_path,
        """
        feeds:
          - {name: feed_a, source: responses, path: a}
          - {name: feed_b, source: responses, path: b/*.tsv, timezone: Asia/Kolkata}
          - {name: not_yet, source: responses, path: c/}
        """,
    )
    monkeypatch.chdir(tmp_path)
    marts = compute_marts("ignored", SEEDS, config="landing.yml")
    only, same = responses_of(marts)
    # 12:00+01:00 is 11:00 UTC, later than 10:00Z: feed_b's row wins
    assert (same["response_id"], same["feed_name"], same["source_file"], same["nps_score"]) == (
        "same",
        "feed_b",
        "b/two.tsv",
        9,
    )
    assert (only["submitted_at"], only["source_file"]) == (datetime(2026, 1, 2, 4, 30), "b/two.tsv")
    history = as_dicts(marts, "rpt_load_history")
    assert [(row["feed_name"], row["source_file"]) for row in history] == [
        ("feed_a", "a/one.csv"),
        ("feed_b", "b/two.tsv"),
    ]
    assert [(row["accepted"], row["superseded"]) for row in history] == [(0, 1), (2, 0)]
    assert (
        compute_marts("ignored", SEEDS, config=config)["fct_nps_responses"][0][
            MART_COLUMNS["fct_nps_responses"].index("source_file")
        ]
        == f"{tmp_path}/b/two.tsv"
    )


def test_utf16_latin1_and_pipe_delimited_feeds(tmp_path: Path) -> None:
    header = "response_id|submitted_at|score|comment\n"
    write_text(tmp_path / "u.csv", "\ufeff" + header + "U|2026-01-01 10:00|9|ça va\n", encoding="utf-16-le")
    write_text(tmp_path / "l.csv", header + "L|2026-01-01 10:00|9|été\n", encoding="latin-1")
    config = write_config(
        tmp_path,
        """
        feeds:
          - {name: u, source: responses, path: u.csv, encoding: utf-16, delimiter: "|"}
          - {name: l, source: responses, path: l.csv, encoding: latin-1, delimiter: "|"}
        """,
    )
    rows = responses_of(compute_marts("ignored", SEEDS, config=config))
    assert [(row["response_id"], row["comment"]) for row in rows] == [("L", "été"), ("U", "ça va")]


def test_header_rows_are_skipped_and_blank_lines_never_counted(tmp_path: Path) -> None:
    write_text(
        tmp_path / "in.csv",
        "\n"
        + ",".join(RESPONSE_COLUMNS)
        + "\n\nquestion texts\n\nr1,,,2026-01-01 10:00,,,,,9,\n\nr2,,,2026-01-01 10:00,,,,,8,\n",
    )
    config = write_config(tmp_path, "feeds: [{name: f, source: responses, path: in.csv, header_rows: 2}]")
    marts = compute_marts("ignored", SEEDS, config=config)
    assert [row[:3] for row in marts["rpt_response_audit"]] == [
        (f"{tmp_path}/in.csv", 1, "r1"),
        (f"{tmp_path}/in.csv", 2, "r2"),
    ]


def test_unsupported_file_type_is_an_error(tmp_path: Path) -> None:
    write_text(tmp_path / "in.txt", "x")
    with pytest.raises(LandingError, match=r"in\.txt"):
        compute_marts(f"{tmp_path}/in.*", SEEDS)


# ------------------------------------------------------------------ timestamp formats


@pytest.mark.parametrize(
    ("raw", "formats", "utc"),
    [
        ("03/11/2026 14:22", ["%d/%m/%Y %H:%M", "iso8601"], datetime(2026, 11, 3, 14, 22)),
        ("2026-11-03T14:22Z", ["%d/%m/%Y %H:%M", "iso8601"], datetime(2026, 11, 3, 14, 22)),
        ("3/1/2026 4:05", ["%d/%m/%Y %H:%M"], datetime(2026, 1, 3, 4, 5)),
        ("25/12/2026", ["%d/%m/%Y", "%m/%d/%Y"], datetime(2026, 12, 25)),
        # the first format whose shape matches decides, even if its values are not a date
        ("12/25/2026", ["%d/%m/%Y", "%m/%d/%Y"], None),
        ("12/25/2026", ["%m/%d/%Y", "%d/%m/%Y"], datetime(2026, 12, 25)),
        ("11/03/2026 02:22 PM", ["%m/%d/%Y %I:%M %p"], datetime(2026, 11, 3, 14, 22)),
        ("11/03/2026 12:05 am", ["%m/%d/%Y %I:%M %p"], datetime(2026, 11, 3, 0, 5)),
        ("11/03/2026 12:05 Pm", ["%m/%d/%Y %I:%M %p"], datetime(2026, 11, 3, 12, 5)),
        ("11/03/2026 13:05 PM", ["%m/%d/%Y %I:%M %p"], None),
        ("11/03/2026 00:05 AM", ["%m/%d/%Y %I:%M %p"], None),
        ("11/03/2026 12:05 XM", ["%m/%d/%Y %I:%M %p"], None),
        ("2026-11-03 14:22:05 -0500", ["%Y-%m-%d %H:%M:%S %z"], datetime(2026, 11, 3, 19, 22, 5)),
        ("2026-11-03 14:22:05 +02:00", ["%Y-%m-%d %H:%M:%S %z"], datetime(2026, 11, 3, 12, 22, 5)),
        ("2026-11-03 14:22:05 +02", ["%Y-%m-%d %H:%M:%S %z"], datetime(2026, 11, 3, 12, 22, 5)),
        ("2026-11-03 14:22:05 Z", ["%Y-%m-%d %H:%M:%S %z"], datetime(2026, 11, 3, 14, 22, 5)),
        ("2026-11-03 14:22:05 +2400", ["%Y-%m-%d %H:%M:%S %z"], None),
        ("2026-11-03 14:22:05 +0060", ["%Y-%m-%d %H:%M:%S %z"], None),
        ("2026-11-03 14:22:05 +2", ["%Y-%m-%d %H:%M:%S %z"], None),
        ("2026-11-03 14:22:05.5", ["%Y-%m-%d %H:%M:%S.%f"], datetime(2026, 11, 3, 14, 22, 5, 500000)),
        ("2026-11-03 14:22:05.000001", ["%Y-%m-%d %H:%M:%S.%f"], datetime(2026, 11, 3, 14, 22, 5, 1)),
        ("2026-11-03 14:22:05.1234567", ["%Y-%m-%d %H:%M:%S.%f"], None),
        ("03/11/2026  14:22", ["%d/%m/%Y %H:%M"], None),  # a space is exactly one space
        ("03/11/2026 24:00", ["%d/%m/%Y %H:%M"], None),
        ("03/11/2026 10:60", ["%d/%m/%Y %H:%M"], None),
        ("03/11/2026 10:00:60", ["%d/%m/%Y %H:%M:%S"], None),
        ("29/02/2026 10:00", ["%d/%m/%Y %H:%M"], None),
        ("03/11/0999 10:00", ["%d/%m/%Y %H:%M"], None),
        ("03/11/3000 10:00", ["%d/%m/%Y %H:%M"], None),
        ("03/11/26 10:00", ["%d/%m/%Y %H:%M"], None),
        ("003/11/2026 10:00", ["%d/%m/%Y %H:%M"], None),
        ("20261103_1422", ["%Y%m%d_%H%M"], datetime(2026, 11, 3, 14, 22)),
        (" \t03/11/2026 14:22\r\n", ["%d/%m/%Y %H:%M"], datetime(2026, 11, 3, 14, 22)),
        ("yesterday", ["%d/%m/%Y %H:%M", "iso8601"], None),
    ],
)
def test_timestamp_formats(raw: str, formats: list[str], utc: datetime | None) -> None:
    assert parse_submitted_at(raw, "UTC", formats) == utc


@pytest.mark.parametrize(
    ("raw", "zone", "utc"),
    [
        # ambiguous (clocks go back, the hour happens twice): the later instant
        ("2026-10-25 02:30", "Europe/Paris", datetime(2026, 10, 25, 1, 30)),
        ("2026-11-01 01:30", "America/New_York", datetime(2026, 11, 1, 6, 30)),
        # nonexistent (clocks go forward): the offset in force before the change
        ("2026-03-29 02:30", "Europe/Paris", datetime(2026, 3, 29, 1, 30)),
        ("2026-03-08 02:30", "America/New_York", datetime(2026, 3, 8, 7, 30)),
        # around the changes, one offset
        ("2026-10-25 01:59:59", "Europe/Paris", datetime(2026, 10, 24, 23, 59, 59)),
        ("2026-10-25 03:00", "Europe/Paris", datetime(2026, 10, 25, 2, 0)),
        ("2026-03-29 01:59", "Europe/Paris", datetime(2026, 3, 29, 0, 59)),
        ("2026-03-29 03:00", "Europe/Paris", datetime(2026, 3, 29, 1, 0)),
        ("2026-07-01 12:00", "Europe/Paris", datetime(2026, 7, 1, 10, 0)),
        ("2026-07-01 12:00", "Asia/Kolkata", datetime(2026, 7, 1, 6, 30)),
        # an offset wins over the zone
        ("2026-10-25 02:30+02:00", "Europe/Paris", datetime(2026, 10, 25, 0, 30)),
        ("2026-10-25 02:30 Z", "Europe/Paris", datetime(2026, 10, 25, 2, 30)),
    ],
)
def test_local_times_in_a_zone(raw: str, zone: str, utc: datetime) -> None:
    assert parse_submitted_at(raw, zone) == utc
    local = parse_submitted_at(raw)
    if raw[-1].isdigit() and "+" not in raw:
        assert local is not None and local_to_utc(local, zone) == utc


def test_local_times_with_a_format_follow_the_same_rules() -> None:
    formats = ["%d/%m/%Y %H:%M"]
    assert parse_submitted_at("25/10/2026 02:30", "Europe/Paris", formats) == datetime(2026, 10, 25, 1, 30)
    assert parse_submitted_at("29/03/2026 02:30", "Europe/Paris", formats) == datetime(2026, 3, 29, 1, 30)


@pytest.mark.parametrize(
    ("raw", "mark", "score"),
    [
        ("9,0", ",", 9),
        ("10,00", ",", 10),
        ("08", ",", 8),
        ("8,5", ",", None),
        ("9.0", ",", None),
        ("9,", ",", None),
        ("9,0", ".", None),
        ("9.0", ".", 9),
    ],
)
def test_decimal_mark(raw: str, mark: str, score: int | None) -> None:
    assert parse_score(raw, mark) == score


def test_rules_in_order_on_a_raw_row() -> None:
    row = RawRow("f.csv", 1, None, None, None, "bad", None, None, None, None, "x", None)
    assert rejection_reason(row) == "missing_response_id"
    assert rejection_reason(replace(row, finished=" NO ")) == "unfinished_response"
    assert rejection_reason(replace(row, finished="no", response_type="Spam")) == "test_response"
    assert rejection_reason(replace(row, finished="yes", response_type="IP Address")) == "missing_response_id"
    valid = replace(row, response_id="r", submitted_at="03/11/2026 14:22", score="9,0")
    assert rejection_reason(valid) == "invalid_submitted_at"
    assert rejection_reason(valid, formats=["%d/%m/%Y %H:%M"]) == "invalid_score"
    assert rejection_reason(valid, formats=["%d/%m/%Y %H:%M"], decimal_mark=",") is None
    assert len(row.raw_values()) == len(RESPONSE_RAW_COLUMNS)


@pytest.mark.parametrize(
    "value",
    [
        *["Survey Preview", "survey test", " SPAM ", "Survey Preview Spam", "Imported Spam"],
        *["Offline Survey Preview", "EX SPAM", "preview", "Test", "1", "2", "8", "9", "12", "17", "40"],
    ],
)
def test_test_response_types(value: str) -> None:
    row = RawRow("f.csv", 1, "r", None, None, "2026-01-01 10:00", None, None, None, None, "9", None)
    assert rejection_reason(replace(row, response_type=value)) == "test_response"


@pytest.mark.parametrize("value", ["IP Address", "0", "Imported", "4", "16", "surveypreview", "", None])
def test_other_response_types_are_responses(value: str | None) -> None:
    row = RawRow("f.csv", 1, "r", None, None, "2026-01-01 10:00", None, None, None, None, "9", None)
    assert rejection_reason(replace(row, response_type=value)) is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        *((v, "unfinished_response") for v in ["false", "FALSE", " 0 ", "No", "f", "N"]),
        *((v, None) for v in ["True", "1", "yes", "t", "", "2", "nope", None]),
    ],
)
def test_finished_values(value: str | None, reason: str | None) -> None:
    row = RawRow("f.csv", 1, "r", None, None, "2026-01-01 10:00", None, None, None, None, "9", None)
    assert rejection_reason(replace(row, finished=value)) == reason


# ------------------------------------------------------------------ reports of a load


def test_rejection_reasons_are_the_contracts() -> None:
    assert REJECTION_REASONS == (
        "test_response",
        "unfinished_response",
        "missing_response_id",
        "invalid_submitted_at",
        "missing_score",
        "invalid_score",
    )


def test_load_history(tmp_path: Path) -> None:
    b = write_csv(
        tmp_path / "b.csv",
        [
            response(response_id="dup", submitted_at="2024-01-01T10:00"),
            response(response_id="dup", submitted_at="2024-01-01T09:00"),
            response(score="x"),
            response(score=None),
            response(response_id=None),
        ],
    )
    a = write_csv(tmp_path / "a.csv.gz", [response(response_id="dup", submitted_at="2024-01-01T11:00")])
    empty = write_csv(tmp_path / "c.csv", [])
    marts = compute_marts(str(tmp_path), SEEDS)
    history = as_dicts(marts, "rpt_load_history")
    assert [row["source_file"] for row in history] == [a, b, empty]
    for row, path in zip(history, (a, b, empty), strict=True):
        content = Path(path).read_bytes()
        assert row["file_fingerprint"] == hashlib.sha256(content).hexdigest()
        assert row["file_bytes"] == len(content)
        assert (row["feed_name"], row["source_name"], row["source_timezone"]) == (
            "default",
            "responses",
            "UTC",
        )
        assert row["missing_columns"] is None
        assert row["rows_staged"] == row["rows_read"]
        assert row["rows_read"] == row["accepted"] + row["rejected"] + row["superseded"]
        assert row["rejected"] == sum(row[f"rejected_{reason}"] for reason in REJECTION_REASONS)
        assert row["pending"] == 0
    # then a zero for each reason of the other sources (LOAD_HISTORY_REASONS after the responses')
    others = len(LOAD_HISTORY_REASONS) - len(REJECTION_REASONS)
    assert tuple(history[1].values())[7:] == (5, 5, 0, 3, 2, 0, 0, 0, 1, 0, 1, 1, *(0,) * others)
    assert tuple(history[0].values())[7:13] == (1, 1, 1, 0, 0, 0)
    assert tuple(history[2].values())[7:13] == (0, 0, 0, 0, 0, 0)


def test_rejected_rows(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "in.csv",
        [
            response(score="11", submitted_at=" 2024-01-01 10:00 "),
            response(),
            response(response_id=" ", score=None),
        ],
    )
    marts = compute_marts(path, SEEDS)
    first_id = as_dicts(marts, "rpt_response_audit")[0]["response_id"]
    assert marts["rpt_rejected_rows"] == [
        (
            path,
            1,
            "default",
            "invalid_score",
            first_id,
            first_id,
            " 2024-01-01 10:00 ",
            "11",
            None,  # raw_csat_score
            None,  # raw_ces_score
            "invalid_score",  # metric_issues
            None,
            None,
            "UTC",
        ),
        (
            path,
            3,
            "default",
            "missing_response_id",
            None,
            " ",
            "2024-03-10T12:00:00Z",
            None,
            None,
            None,
            None,
            None,
            None,
            "UTC",
        ),
    ]


def test_parquet_feed_with_a_preset_and_extra_columns(tmp_path: Path) -> None:
    table = pa.table(
        {
            "Response ID": ["P1", "P2"],
            "Score": pa.array([9, None], pa.int64()),
            "Created At": ["2026-11-03 14:22:05 -0500", "2026-11-03 14:22:05"],
            "NPS": pa.array([1.5, None], pa.float64()),
            "Tags": ["", "vip"],
        }
    )
    pq.write_table(table, tmp_path / "d.parquet")
    config = write_config(
        tmp_path, "feeds: [{name: d, source: responses, path: d.parquet, preset: delighted, header_rows: 3}]"
    )
    marts = compute_marts("ignored", SEEDS, config=config)  # header_rows means nothing to Parquet
    (p1,) = responses_of(marts)
    assert (p1["response_id"], p1["nps_score"], p1["submitted_at"]) == (
        "P1",
        9,
        datetime(2026, 11, 3, 19, 22, 5),
    )
    source_file = f"{tmp_path}/d.parquet"
    assert compute_extra_columns("ignored", config=config) == {
        (source_file, 1): {"NPS": "1.5", "Tags": None},
        (source_file, 2): {"NPS": None, "Tags": "vip"},
    }
    assert [row[3] for row in marts["rpt_rejected_rows"]] == ["missing_score"]


# ------------------------------------------------------------- CSAT, CES and programmes

PROGRAMME_COLUMNS = (
    *RESPONSE_COLUMNS,
    "touchpoint",
    "brand",
    "business_unit",
    "language",
    "csat_score",
    "ces_score",
)


def programme_marts(tmp_path: Path, rows: list[dict[str, str | None]]) -> dict:
    return compute_marts(write_csv(tmp_path / "in.csv", rows, PROGRAMME_COLUMNS), SEEDS)


@pytest.mark.parametrize(
    ("score", "csat", "ces", "reason", "issues"),
    [
        ("9", None, None, None, None),
        (None, "4", None, None, None),
        (None, None, "05", None, None),
        ("9", "6", "0", None, "invalid_csat_score, invalid_ces_score"),
        ("11", "5.0", None, None, "invalid_score"),
        ("x", "4.5", "8", "invalid_score", "invalid_score, invalid_csat_score, invalid_ces_score"),
        (None, " ", None, "missing_score", None),
        (None, "0", None, "invalid_score", "invalid_csat_score"),
    ],
)
def test_a_response_needs_one_valid_metric(tmp_path, score, csat, ces, reason, issues) -> None:
    marts = programme_marts(tmp_path, [response(score=score, csat_score=csat, ces_score=ces)])
    (audit,) = as_dicts(marts, "rpt_response_audit")
    assert (audit["reason"], audit["metric_issues"]) == (reason, issues)
    assert len(marts["fct_nps_responses"]) == (reason is None)


def test_metric_categories_at_every_boundary(tmp_path: Path) -> None:
    rows = [
        response(score=None, csat_score=str(csat), ces_score=str(ces))
        for csat, ces in zip((1, 2, 3, 4, 5, 5, 5), (1, 3, 4, 5, 7, 6, 2), strict=True)
    ]
    marts = programme_marts(tmp_path, rows)
    got = [
        (row["csat_score"], row["csat_category"], row["ces_score"], row["ces_category"])
        for row in responses_of(marts)
    ]
    assert sorted(got) == sorted(
        [
            (1, "dissatisfied", 1, "difficult"),
            (2, "dissatisfied", 3, "difficult"),
            (3, "neutral", 4, "neutral"),
            (4, "satisfied", 5, "easy"),
            (5, "satisfied", 7, "easy"),
            (5, "satisfied", 6, "easy"),
            (5, "satisfied", 2, "difficult"),
        ]
    )
    # responses without an NPS score are not in the NPS marts
    assert marts["fct_nps_daily"] == [] and marts["fct_nps_daily_overall"] == []


def test_survey_programme_from_the_seed_and_the_response(tmp_path: Path) -> None:
    marts = programme_marts(
        tmp_path,
        [
            response(response_id="a", survey_id="TNPS-STORE"),
            response(response_id="b", survey_id=" TNPS-STORE ", touchpoint=" Delivery", brand="Acme"),
            response(response_id="c", survey_id="NOPE", language=" FR "),
            response(response_id="d", survey_id=None, business_unit="retail"),
        ],
    )
    got = {
        row["response_id"]: (
            row["survey_type"],
            row["touchpoint"],
            row["brand"],
            row["business_unit"],
            row["language"],
        )
        for row in responses_of(marts)
    }
    assert got == {
        "a": ("transactional", "store", "nova", "retail", "unknown"),
        "b": ("transactional", "delivery", "acme", "retail", "unknown"),
        "c": ("unknown", "unknown", "unknown", "unknown", "fr"),
        "d": ("unknown", "unknown", "unknown", "retail", "unknown"),
    }
    surveys = {row[0]: row for row in marts["dim_survey"]}
    assert surveys["NOPE"] == ("NOPE", "NOPE", "unknown", "unknown", "unknown", "unknown", False)
    assert surveys["unknown"][-1] is False and surveys["TNPS-STORE"][-1] is True
    assert [row[:3] for row in marts["rpt_unmapped_codes"]] == [("brand", "acme", 1)]


def test_cube_counts_every_response_once_per_dimension(tmp_path: Path) -> None:
    marts = programme_marts(
        tmp_path,
        [
            response(score="10", csat_score="5"),
            response(score="3", csat_score="4", ces_score="6"),
            response(score=None, csat_score="2", ces_score="1", channel="sms", region=None),
        ],
    )
    cube = {(row[1], row[2]): row[3:] for row in marts["fct_cx_daily_by_dimension"]}
    overall = cube["overall", "all"]
    assert overall == (
        3,
        2,
        1,
        0,
        1,
        Decimal("0.00"),
        # 1 promoter, 1 detractor: v = 1, SE = 100 sqrt(1 / 2); adjusted 0 +- z 100 sqrt(0.7 / 5)
        Decimal("70.71"),
        Decimal("-73.34"),
        Decimal("73.34"),
        True,
        3,
        2,
        11,
        45,
        Decimal("66.67"),
        # Wilson, 2 of 3: centre (2/3 + z^2/6) / (1 + z^2/3) = 0.5731, half 0.3654
        Decimal("20.77"),
        Decimal("93.85"),
        Decimal("3.67"),
        # scores 5, 4, 2: variance (3 x 45 - 11^2) / (3 x 2) = 7/3, 3.667 -+ z sqrt(7/9) = [1.94, 5.39],
        # clamped to the scale's 5
        Decimal("1.94"),
        Decimal("5.00"),
        True,
        2,
        1,
        1,
        7,
        37,
        Decimal("50.00"),
        # Wilson, 1 of 2: centre 0.5, half z sqrt(0.125 + z^2 / 16) / (1 + z^2 / 2) = 0.4055
        Decimal("9.45"),
        Decimal("90.55"),
        Decimal("3.50"),
        # scores 6, 1: variance 12.5, 3.5 -+ z 2.5 = [-1.40, 8.40], clamped to 1..7
        Decimal("1.00"),
        Decimal("7.00"),
        True,
    )
    assert overall[6:10] == spec_nps_uncertainty(1, 0, 1)
    # no NPS response: no score, no interval, below the minimum
    assert cube["channel", "sms"][:10] == (1, 0, 0, 0, 0, None, None, None, None, True)
    assert cube["region", "unknown"][0] == 1
    names = {name for name, _ in cube}
    assert names == set(CX_DIMENSIONS)
    for name in CX_DIMENSIONS:
        assert sum(measures[0] for (other, _), measures in cube.items() if other == name) == 3
