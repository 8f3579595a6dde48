"""Differential fuzzing of the validation and normalisation rules.

The staging model's compiled SQL (as dbt built it for the harness) runs on thousands of
Hypothesis-generated raw rows in an in-memory DuckDB, and every parsed value, the rejection
reason and the normalised dimensions must agree with the oracle's plain-Python rules. Much
cheaper than a dbt build per example, and far more adversarial than any fixed dataset.
"""

from __future__ import annotations

import re
from datetime import datetime

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from messy_data import COLUMNS

from nps_warehouse.oracle import RawRow, channel_key, parse_score, parse_submitted_at, rejection_reason, trim

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
def scores(draw) -> str:
    number = draw(st.integers(-2, 120))
    text = "0" * draw(st.integers(0, 3)) + str(abs(number))
    if number < 0:
        text = "-" + text
    text = draw(st.sampled_from(["", "+"])) + text
    text += draw(st.sampled_from(["", "", ".0", ".00", ".", ".5", ".01", "e1", "/10", " 0"]))
    return _padded(draw, text)


optional = st.one_of(st.none(), st.text(LETTERS, max_size=12))
raw_rows = st.fixed_dictionaries(
    {
        "response_id": st.one_of(st.none(), st.sampled_from(["", " ", "\t"]), st.text(NOISE, max_size=6)),
        "survey_id": optional,
        "customer_id": optional,
        "submitted_at": st.one_of(st.none(), timestamps(), st.text(NOISE, max_size=30)),
        "channel": st.one_of(
            optional,
            st.sampled_from(["E-Mail", " Téléphone ", "SITE_WEB", "live  chat", "In-App", "--", "Courriel"]),
        ),
        "region": optional,
        "segment": optional,
        "agent_id": optional,
        "score": st.one_of(st.none(), scores(), st.text(NOISE, max_size=6)),
        "comment": optional,
    }
)


@pytest.fixture(scope="module")
def staging_sql(messy_build) -> str:
    compiled = (
        messy_build.root
        / "target/compiled/nps_warehouse/models/staging/nps_survey/stg_nps_survey__responses.sql"
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
        "create table fuzz_input (source_file varchar, source_file_bytes bigint, "
        f"source_row_number bigint, {columns})"
    )
    placeholders = ", ".join("?" for _ in range(len(COLUMNS) + 3))
    connection.executemany(
        f"insert into fuzz_input values ({placeholders})",
        [["fuzz.csv", 0, index, *(row[name] for name in COLUMNS)] for index, row in enumerate(rows, 1)],
    )
    relation = connection.sql(f"select * from ({staging_sql}) order by source_row_number")
    return [dict(zip(relation.columns, values, strict=True)) for values in relation.fetchall()]


def _expected(index: int, row: dict) -> dict:
    raw = RawRow("fuzz.csv", index, *(row[name] for name in COLUMNS))
    region, segment, channel = trim(row["region"]), trim(row["segment"]), trim(row["channel"])
    return {
        "response_id": trim(row["response_id"]),
        "survey_id": trim(row["survey_id"]),
        "customer_id": trim(row["customer_id"]),
        "agent_id": trim(row["agent_id"]),
        "submitted_at": parse_submitted_at(row["submitted_at"]),
        "nps_score": parse_score(row["score"]),
        "rejection_reason": rejection_reason(raw),
        "channel_key": channel_key(channel) if channel is not None else None,
        "region": region.upper() if region is not None else "unknown",
        "segment": segment.lower() if segment is not None else "unknown",
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
    rows = [
        {**dict.fromkeys(COLUMNS), "response_id": "a", "submitted_at": "2026-01-01T00:00:00Z", "score": "9"},
        {**dict.fromkeys(COLUMNS), "response_id": " "},
        {**dict.fromkeys(COLUMNS), "response_id": "b", "submitted_at": "2026-02-29T00:00:00Z"},
        {**dict.fromkeys(COLUMNS), "response_id": "c", "submitted_at": "2026-01-01T00:00:00Z"},
        {
            **dict.fromkeys(COLUMNS),
            "response_id": "d",
            "submitted_at": "2026-01-01T00:00:00Z",
            "score": "9.5",
        },
    ]
    staged = _stage(connection, staging_sql, rows)
    assert [row["rejection_reason"] for row in staged] == [
        None,
        "missing_response_id",
        "invalid_submitted_at",
        "missing_score",
        "invalid_score",
    ]
    assert staged[0]["submitted_at"] == datetime(2026, 1, 1)
