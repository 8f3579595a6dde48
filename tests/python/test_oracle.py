"""Unit tests of the independent oracle (nps_warehouse.oracle) on tiny files."""

from __future__ import annotations

import csv
import gzip
import os
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from nps_warehouse.oracle import (
    MART_COLUMNS,
    REQUIRED_COLUMNS,
    LandingError,
    MissingColumnsError,
    compute_marts,
    nps,
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
    "rpt_unmapped_channels",
)

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
    columns = list(columns or REQUIRED_COLUMNS)
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


def test_every_mart_is_computed_with_its_columns(tmp_path: Path) -> None:
    marts = marts_of(tmp_path, [response(), response(channel="fax")])
    assert tuple(marts) == MARTS
    assert set(MART_COLUMNS) == set(MARTS)
    for name, rows in marts.items():
        assert rows, name
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
        "channel": "email",
        "region": "IDF",
        "segment": "consumer",
        "nps_score": 9,
        "nps_category": "promoter",
        "comment": "ok",
        "response_date": date(2024, 3, 10),
        "submitted_at": datetime(2024, 3, 10, 11, 34, 56, 500000),
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
    )


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


def test_missing_column_names_file_and_column(tmp_path: Path) -> None:
    good = write_csv(tmp_path / "a.csv", [response()])
    columns = [c.upper() for c in REQUIRED_COLUMNS if c not in ("score", "agent_id")]
    bad = write_csv(tmp_path / "b.csv", [response()], columns=[*columns, "extra"])
    with pytest.raises(MissingColumnsError) as caught:
        compute_marts(str(tmp_path), SEEDS)
    message = str(caught.value)
    assert bad in message and good not in message
    assert "score" in message and "agent_id" in message


def test_columns_match_case_insensitively_in_any_order_with_extras(
    tmp_path: Path,
) -> None:
    columns = ["Extra", *reversed([c.upper() for c in REQUIRED_COLUMNS])]
    path = write_csv(tmp_path / "in.csv", [response(response_id="R", score="7")], columns)
    (row,) = responses_of(compute_marts(path, SEEDS))
    assert (row["response_id"], row["nps_score"]) == ("R", 7)


def test_csv_quoting_row_numbers_and_empty_fields(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    header = ",".join(REQUIRED_COLUMNS)
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
            **{c.upper(): ["p", None] if c == "response_id" else ["x", "y"] for c in REQUIRED_COLUMNS},
            "SUBMITTED_AT": ["2024-01-01T00:00Z", "2024-01-01T00:00Z"],
            "SCORE": pa.array([7, None], pa.int64()),
            "COMMENT": ["", "   "],
        }
    )
    pq.write_table(table, tmp_path / "b.parquet")
    marts = compute_marts(str(tmp_path), SEEDS)
    audit = {(Path(row[0]).name, row[1]): row for row in marts["rpt_response_audit"]}
    assert list(audit) == [("a.csv.gz", 1), ("b.parquet", 1), ("b.parquet", 2)]
    assert audit["b.parquet", 1][-2:] == ("accepted", None)
    assert audit["b.parquet", 1][11] == "7"  # raw_score read as text
    assert audit["b.parquet", 2][-2:] == ("rejected", "missing_response_id")
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
    statuses = [row[-2] for row in audit]
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
        "2024-01-01T10:00+0200",
        "2024-01-01T10:00+02",
        "2024-01-01T10:00 +02:00",
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
    statuses = [row[-2] for row in marts["rpt_response_audit"]]
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


def test_daily_counts_and_nps(tmp_path: Path) -> None:
    day = "2024-05-01T08:00"
    rows = [response(score="10", submitted_at=day)]
    rows += [response(score="0", submitted_at=day, channel="sms") for _ in range(2)]
    rows += [response(score="8", submitted_at=day, region="ARA")]
    marts = marts_of(tmp_path, rows)
    may_first = date(2024, 5, 1)
    assert marts["fct_nps_daily_overall"] == [(may_first, 4, 1, 1, 2, Decimal("-25.00"))]
    assert marts["fct_nps_daily_by_channel"] == [
        (may_first, "email", 2, 1, 1, 0, Decimal("50.00")),
        (may_first, "sms", 2, 0, 0, 2, Decimal("-100.00")),
    ]
    assert marts["fct_nps_daily_by_region"] == [
        (may_first, "ARA", 1, 0, 1, 0, Decimal("0.00")),
        (may_first, "IDF", 3, 1, 0, 2, Decimal("-33.33")),
    ]
    assert marts["fct_nps_daily_by_segment"] == [(may_first, "consumer", 4, 1, 1, 2, Decimal("-25.00"))]
    assert marts["fct_nps_daily"] == [
        (may_first, "email", "ARA", "consumer", 1, 0, 1, 0, Decimal("0.00")),
        (may_first, "email", "IDF", "consumer", 1, 1, 0, 0, Decimal("100.00")),
        (may_first, "sms", "IDF", "consumer", 2, 0, 0, 2, Decimal("-100.00")),
    ]


def test_nps_of_one_promoter_in_4000_responses(tmp_path: Path) -> None:
    rows = [response(score="9")] + [response(score="7") for _ in range(3999)]
    (overall,) = marts_of(tmp_path, rows)["fct_nps_daily_overall"]
    assert overall[1:] == (4000, 1, 3999, 0, Decimal("0.03"))
