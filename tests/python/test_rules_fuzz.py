"""Differential fuzzing of the validation and normalisation rules.

The staging model's compiled SQL (compiled by dbt for three feeds: the default one, a French
Excel one with its formats and decimal comma, a US one with a 12-hour clock then ISO-8601) runs
on thousands of Hypothesis-generated raw rows in an in-memory DuckDB, in several time zones
(daylight-saving edges included), and every parsed value, the rejection reason and the
normalised dimensions must agree with the oracle's plain-Python rules. Much cheaper than a dbt
build per example, and far more adversarial than any fixed dataset.
"""

from __future__ import annotations

import re
from datetime import datetime

import duckdb
import pytest
from harness import run_dbt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nps_warehouse.contract import RESPONSE_RAW_COLUMNS
from nps_warehouse.oracle import RawRow, channel_key, parse_score, parse_submitted_at, rejection_reason, trim

COLUMNS = list(RESPONSE_RAW_COLUMNS)
#: The feeds the staging model is compiled for: (timestamp formats, decimal mark).
FEEDS = {
    "default": (["iso8601"], "."),
    "excel": (["%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S"], ","),
    "us": (["%m/%d/%Y %I:%M %p", "iso8601"], "."),
}
ZONES = ["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"]

NOISE = "0123456789.:-+TZtz /\t\neaNé"
LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéèêàçôîûùëïÉÈÇ -_\t"


def _padded(draw, text: str) -> str:
    return draw(st.sampled_from(["", " ", "\t", "\n"])) + text + draw(st.sampled_from(["", " ", "\r\n"]))


@st.composite
def timestamps(draw) -> str:
    """ISO-8601-like text, valid or wrong in one or more components."""
    year = draw(st.sampled_from([999, 1000, 1999, 2024, 2026, 2999, 3000]))
    month = draw(st.integers(0, 13))
    day = draw(st.integers(0, 32))
    hour = draw(st.integers(0, 25))
    minute = draw(st.integers(0, 61))
    text = f"{year:04d}-{month:02d}-{day:02d}{draw(st.sampled_from(['T', ' ', 't', '  ', '_']))}"
    text += f"{hour:02d}:{minute:02d}"
    if draw(st.booleans()):
        text += f":{draw(st.integers(0, 61)):02d}"
        if draw(st.booleans()):
            text += "." + "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=0, max_size=8)))
    offset = draw(
        st.one_of(
            st.sampled_from(["", "Z", "z", "+0200", "+02", " Z", "-00:00"]),
            st.builds(
                lambda sign, hours, minutes: f"{sign}{hours:02d}:{minutes:02d}",
                st.sampled_from("+-"),
                st.integers(0, 25),
                st.integers(0, 61),
            ),
        )
    )
    return _padded(draw, text + offset)


@st.composite
def local_timestamps(draw) -> str:
    """Excel (dd/mm/yyyy HH:MM[:SS]) and US (m/d/yyyy h:mm AM) texts, near the daylight-saving
    changes of the zones above or anywhere, valid or wrong in a component."""
    year = draw(st.sampled_from([2024, 2026]))
    month = draw(st.sampled_from([0, 2, 3, 4, 10, 11, 13]))
    day = draw(st.sampled_from([1, 5, 8, 25, 26, 29, 30, 31, 32]))
    hour = draw(st.sampled_from([0, 1, 2, 3, 12, 13, 23, 24]))
    minute = draw(st.sampled_from([0, 15, 30, 45, 59, 60]))
    if draw(st.booleans()):
        text = f"{day:02d}/{month:02d}/{year} {hour:02d}:{minute:02d}"
        if draw(st.booleans()):
            text += f":{draw(st.sampled_from([0, 9, 59, 60])):02d}"
    else:
        clock = draw(st.sampled_from([0, 1, 2, 11, 12, 13]))
        meridiem = draw(st.sampled_from(["AM", "PM", "am", "pm", "XM"]))
        text = f"{month}/{day}/{year} {clock}:{minute:02d} {meridiem}"
    return _padded(draw, text)


@st.composite
def scores(draw) -> str:
    number = draw(st.integers(-2, 120))
    text = "0" * draw(st.integers(0, 3)) + str(abs(number))
    if number < 0:
        text = "-" + text
    text = draw(st.sampled_from(["", "+"])) + text
    text += draw(
        st.sampled_from(["", "", ".0", ".00", ".", ".5", ".01", "e1", "/10", " 0", ",0", ",00", ",5", ","])
    )
    return _padded(draw, text)


optional = st.one_of(st.none(), st.text(LETTERS, max_size=12))
raw_rows = st.fixed_dictionaries(
    {
        "feed_name": st.sampled_from(list(FEEDS)),
        "source_timezone": st.sampled_from(ZONES),
        "response_id": st.one_of(st.none(), st.sampled_from(["", " ", "\t"]), st.text(NOISE, max_size=6)),
        "survey_id": optional,
        "customer_id": optional,
        "submitted_at": st.one_of(st.none(), timestamps(), local_timestamps(), st.text(NOISE, max_size=30)),
        "channel": st.one_of(
            optional,
            st.sampled_from(["E-Mail", " Téléphone ", "SITE_WEB", "live  chat", "In-App", "--", "Courriel"]),
        ),
        "region": optional,
        "segment": optional,
        "agent_id": optional,
        "score": st.one_of(st.none(), scores(), st.text(NOISE, max_size=6)),
        "comment": optional,
        "language": st.one_of(st.none(), st.sampled_from(["FR", " en-GB ", "", "Fr"])),
        "response_type": st.one_of(
            st.none(),
            st.sampled_from(
                ["IP Address", "0", " Survey Preview ", "SPAM", "1", "8", "Imported", "12", "test", ""]
            ),
            st.text(LETTERS, max_size=8),
        ),
        "finished": st.one_of(
            st.none(), st.sampled_from(["True", "False", "1", "0", " no ", "N", "maybe", ""])
        ),
    }
)


@pytest.fixture(scope="module")
def staging_sql(messy_build) -> str:
    """The staging model compiled (as for a full refresh) for the feeds above."""
    settings = [
        {"feed_name": name, "timestamp_formats": formats, "decimal_mark": mark}
        for name, (formats, mark) in FEEDS.items()
    ]
    run = run_dbt(
        "compile",
        database=messy_build.database,
        raw=messy_build.raw,
        work_dir=messy_build.root / "fuzz",
        dbt_vars={"nps_landing_feed_settings": settings},
        extra_args=("--select", "stg_nps_survey__responses", "--full-refresh"),
    )
    assert run.success, run.exception
    compiled = (
        messy_build.root
        / "fuzz/target/compiled/nps_warehouse/models/staging/nps_survey/stg_nps_survey__responses.sql"
    )
    sql = compiled.read_text(encoding="utf-8")
    replaced, count = re.subn(r'"[^"]+"\."raw"\."raw_responses"', "fuzz_input", sql)
    assert count == 1, "the compiled staging model reads the raw source exactly once"
    return replaced


@pytest.fixture(scope="module")
def connection():
    database = duckdb.connect()
    yield database
    database.close()


def _stage(connection, staging_sql: str, rows: list[dict]) -> list[dict]:
    connection.execute("drop table if exists fuzz_input")
    columns = ", ".join(f"{name} varchar" for name in COLUMNS)
    connection.execute(
        "create table fuzz_input (feed_name varchar, source_file varchar, source_row_number bigint, "
        f"load_id bigint, source_timezone varchar, {columns}, extra_columns varchar)"
    )
    placeholders = ", ".join("?" for _ in range(len(COLUMNS) + 6))
    connection.executemany(
        f"insert into fuzz_input values ({placeholders})",
        [
            [
                row.get("feed_name", "default"),
                "fuzz.csv",
                index,
                1,
                row.get("source_timezone", "UTC"),
                *(row.get(name) for name in COLUMNS),
                "{}",
            ]
            for index, row in enumerate(rows, 1)
        ],
    )
    relation = connection.sql(f"select * from ({staging_sql}) order by source_row_number")
    return [dict(zip(relation.columns, values, strict=True)) for values in relation.fetchall()]


def _expected(index: int, row: dict) -> dict:
    feed = row.get("feed_name", "default")
    zone = row.get("source_timezone", "UTC")
    formats, mark = FEEDS[feed]
    raw = RawRow(
        "fuzz.csv",
        index,
        *(row.get(name) for name in COLUMNS),
        feed_name=feed,
        source_timezone=zone,
    )
    region, segment, channel = trim(row["region"]), trim(row["segment"]), trim(row["channel"])
    language = trim(row.get("language"))
    return {
        "response_id": trim(row["response_id"]),
        "survey_id": trim(row["survey_id"]),
        "customer_id": trim(row["customer_id"]),
        "agent_id": trim(row["agent_id"]),
        "submitted_at": parse_submitted_at(row["submitted_at"], zone, formats),
        "nps_score": parse_score(row["score"], mark),
        "rejection_reason": rejection_reason(raw, formats=formats, decimal_mark=mark),
        "channel_key": channel_key(channel) if channel is not None else None,
        "region": region.upper() if region is not None else "unknown",
        "segment": segment.lower() if segment is not None else "unknown",
        "language": language.lower() if language is not None else None,
    }


@settings(
    max_examples=400,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=st.lists(raw_rows, min_size=1, max_size=40))
def test_staging_rules_agree_with_the_oracle(connection, staging_sql, rows):
    staged = _stage(connection, staging_sql, rows)
    assert len(staged) == len(rows)
    for index, (row, actual) in enumerate(zip(rows, staged, strict=True), 1):
        expected = _expected(index, row)
        observed = {name: actual[name] for name in expected}
        assert observed == expected, f"raw row {row!r}"


def test_fuzzing_reaches_every_outcome(connection, staging_sql):
    """The strategies above do produce valid rows and every rejection reason."""
    base = dict.fromkeys(COLUMNS)
    rows = [
        {**base, "response_id": "a", "submitted_at": "2026-01-01T00:00:00Z", "score": "9"},
        {**base, "response_id": " "},
        {**base, "response_id": "b", "submitted_at": "2026-02-29T00:00:00Z"},
        {**base, "response_id": "c", "submitted_at": "2026-01-01T00:00:00Z"},
        {**base, "response_id": "d", "submitted_at": "2026-01-01T00:00:00Z", "score": "9.5"},
        {**base, "response_id": "e", "response_type": "Survey Preview"},
        {**base, "response_id": "f", "finished": "False"},
        {**base, "feed_name": "excel", "source_timezone": "Europe/Paris", "response_id": "g",
         "submitted_at": "25/10/2026 02:30", "score": "9,0"},
    ]  # fmt: skip
    staged = _stage(connection, staging_sql, rows)
    assert [row["rejection_reason"] for row in staged] == [
        None,
        "missing_response_id",
        "invalid_submitted_at",
        "missing_score",
        "invalid_score",
        "test_response",
        "unfinished_response",
        None,
    ]
    assert staged[0]["submitted_at"] == datetime(2026, 1, 1)
    assert (staged[7]["submitted_at"], staged[7]["nps_score"]) == (datetime(2026, 10, 25, 1, 30), 9)
