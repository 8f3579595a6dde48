"""The same warehouse on PostgreSQL and Spark: marts identical to DuckDB's and to the oracle.

Each engine builds the same generated messy landing data (loaded by the landing loader, as
`make build` does) and must publish, cell by cell, the marts DuckDB publishes from the same files
(the merge key included) and the marts of the Python oracle, and the loader's raw table must hold,
row for row, the raw relation DuckDB reads in place. The incremental arrivals of test_incremental
run on each engine in test_engines_incremental (a module of its own, so that pytest-xdist gives it
a process of its own: it is the longest test of each engine).

Run with `make test-postgres` (part of `make test`) and `make test-spark`: each engine's tests
carry its marker.
"""

from __future__ import annotations

import csv
import json
import os

import pytest
from harness import SEEDS_DIR, Warehouse, assert_marts_equal, expected_marts
from test_incremental import _row, _write_csv
from test_landing import write_preset_exports

from nps_warehouse.contract import MART_SCHEMAS, SOURCE_CONTRACTS
from nps_warehouse.landing import raw_columns
from nps_warehouse.oracle import compute_extra_columns

# load_id is when a file was loaded: every other column of the raw table is the same on every engine
RAW_COLUMNS = [column for column in raw_columns(SOURCE_CONTRACTS["responses"]) if column != "load_id"]
RAW_ROWS_SQL = (
    f"select {', '.join(RAW_COLUMNS)} from raw.raw_responses order by source_file, source_row_number"
)


def _assert_success(run) -> None:
    assert run.success, run.failures() or run.messages or run.exception


def test_messy_marts_equal_duckdb_and_the_oracle(warehouse_factory, messy_landing, messy_build):
    warehouse = warehouse_factory()
    _assert_success(warehouse.build(messy_landing, data_tests=True))
    marts = warehouse.marts(with_keys=True)
    duckdb_warehouse = Warehouse("duckdb", messy_build.root)
    assert_marts_equal(marts, duckdb_warehouse.marts(with_keys=True))
    assert_marts_equal(warehouse.marts(), expected_marts(str(messy_landing), SEEDS_DIR))
    # the loader writes, row for row, the same raw table on every engine
    assert warehouse.query(RAW_ROWS_SQL) == duckdb_warehouse.query(RAW_ROWS_SQL)


def test_preset_exports_equal_duckdb_and_the_oracle(warehouse_factory, tmp_path):
    """Qualtrics, Delighted and French Excel exports through their presets: time zones, formats,
    decimal marks, previews and unfinished responses, extra columns, the load history."""
    config = write_preset_exports(tmp_path / "landing", seed=41)
    warehouse = warehouse_factory()
    _assert_success(warehouse.build(None, landing_config=config))
    assert_marts_equal(warehouse.marts(), expected_marts(None, SEEDS_DIR, config=config))
    duckdb_warehouse = Warehouse("duckdb", tmp_path / "duckdb")
    (tmp_path / "duckdb").mkdir()
    _assert_success(duckdb_warehouse.build(None, landing_config=config))
    assert_marts_equal(warehouse.marts(with_keys=True), duckdb_warehouse.marts(with_keys=True))
    staged = warehouse.query(
        "select source_file, source_row_number, extra_columns from staging.stg_nps_survey__raw_responses"
    )
    assert {(file, row): json.loads(extra) for file, row, extra in staged} == compute_extra_columns(
        None, config=config
    )


def test_loading_is_idempotent_and_refuses_a_changed_file(warehouse_factory, tmp_path):
    landing = tmp_path / "landing"
    landing.mkdir()
    _write_csv(landing / "a.csv", [_row("R1", "2026-06-01T10:00:00Z", "9"), _row("R2", "x", "3")])
    warehouse = warehouse_factory()
    _assert_success(warehouse.build(landing))
    _assert_success(warehouse.build(landing))
    assert warehouse.query("select count(*) from raw.raw_responses") == [(2,)]
    before = warehouse.marts()

    with (landing / "a.csv").open("a", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerow(_row("R3", "2026-06-01T11:00:00Z", "3"))
    run = warehouse.build(landing)
    assert not run.success
    assert f"landing file {landing / 'a.csv'} (feed 'default') changed since it was loaded" in str(
        run.exception
    )
    assert warehouse.query("select count(*) from raw.raw_responses") == [(2,)]
    assert warehouse.marts() == before

    _assert_success(warehouse.build(landing, extra_args=("--full-refresh",)))
    assert warehouse.query("select count(*) from raw.raw_responses") == [(3,)]
    assert_marts_equal(warehouse.marts(), expected_marts(str(landing), SEEDS_DIR))


def test_a_file_without_a_required_column_is_not_loaded(warehouse_factory, tmp_path):
    landing = tmp_path / "landing"
    landing.mkdir()
    _write_csv(landing / "a.csv", [_row("R1", "2026-06-01T10:00:00Z", "9")])
    warehouse = warehouse_factory()
    _assert_success(warehouse.build(landing))
    with (landing / "b.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["response_id", "submitted_at", "note"])
        writer.writerow(["R2", "2026-06-02T10:00:00Z", "7"])
    run = warehouse.build(landing)
    assert not run.success
    message = str(run.exception)
    assert f"landing file {landing / 'b.csv'}: required column 'score' not found" in message
    assert warehouse.query("select count(*) from raw.raw_responses") == [(1,)]
    # a full refresh checks every file before it empties the raw table
    run = warehouse.build(landing, extra_args=("--full-refresh",))
    assert not run.success
    assert "required column 'score' not found" in str(run.exception)
    assert warehouse.query("select count(*) from raw.raw_responses") == [(1,)]


#: The personal data of the generated comments (nps_warehouse/generator/responses.py).
COMMENT_PERSONAL_DATA = (
    "06 12 34 56 78",
    "5555 5555 5555 4444",
    "jean.dupont@example.fr",
    "FR76 3000 6000 0112 3456 7890 189",
    "+33 6 98 76 54 32",
    "+44 20 7946 0958",
    "4111 1111 1111 1111",
    "john.smith@example.com",
    "(415) 555-2671",
)


def _assert_no_personal_data_readable(cursor) -> None:
    """Every text column of every relation the connected role may select from is searched for
    the generated comments' personal data; the comment marts must show its masks instead."""
    cursor.execute(
        """
        select table_schema, table_name, column_name
        from information_schema.columns
        where data_type in ('text', 'character varying')
            and table_schema not in ('pg_catalog', 'information_schema')
            and case
                when has_schema_privilege(table_schema, 'usage')
                    then has_table_privilege(format('%I.%I', table_schema, table_name), 'select')
                else false
            end
        order by 1, 2, 3
        """
    )
    columns = cursor.fetchall()
    assert ("marts", "fct_comment_insights", "comment_masked") in columns
    for schema, table, column in columns:
        for text in COMMENT_PERSONAL_DATA:
            cursor.execute(
                f'select count(*) from "{schema}"."{table}" where strpos("{column}", %s) > 0', (text,)
            )
            assert cursor.fetchone()[0] == 0, f"{schema}.{table}.{column} holds {text!r}"
    for mask in ("[email]", "[phone]", "[iban]", "[card]"):
        cursor.execute(
            "select count(*) from marts.fct_comment_insights where strpos(comment_masked, %s) > 0", (mask,)
        )
        assert cursor.fetchone()[0] > 0, f"no comment was masked with {mask}"


@pytest.mark.postgres
def test_the_bi_role_reads_the_marts_and_nothing_else(tmp_path):
    """The read-only role (NPS_BI_ROLE, created by scripts/postgres_local.sh) selects from every
    mart of the schema marts, and is refused the raw, staging, intermediate and audit relations -
    those holding personal data (e-mail, phone, birth date, address, agent name) among them. The
    generated comments carry e-mail addresses, phone numbers, an IBAN and card numbers: no text
    the role can read holds any of them, and the comment marts hold their masks."""
    import psycopg2

    from nps_warehouse.contract import PROGRAMME_SOURCES
    from nps_warehouse.engines import postgres_connect, profile_target
    from nps_warehouse.generator import generate_programme

    landing = tmp_path / "landing"
    generate_programme(landing, rows=800, days=30, end_date="2026-10-31", seed=5)
    warehouse = Warehouse("postgres", tmp_path)
    try:
        _assert_success(warehouse.build(landing, sources={s: landing / s for s in PROGRAMME_SOURCES}))
        reader = dict(
            profile_target("postgres"),
            user=os.environ.get("NPS_BI_ROLE", "nps_reader"),
            password=os.environ.get("NPS_BI_PASSWORD", "nps_reader"),
        )
        connection = postgres_connect(reader, warehouse.postgres_dbname)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                for mart, schema in MART_SCHEMAS.items():
                    if schema != "marts":
                        continue
                    cursor.execute(f"select count(*) from marts.{mart}")
                    assert cursor.fetchone()[0] > 0, mart
                private = [
                    "raw.raw_responses",
                    "raw.landing_file_loads",
                    "audit.rpt_load_history",
                    "audit.rpt_rejected_rows",
                    "staging.stg_nps_survey__responses",
                    "staging.stg_nps_survey__raw_responses",
                    "intermediate.int_nps_responses_enriched",
                    "audit.rpt_response_audit",
                    "audit.rpt_unmapped_channels",
                    "seeds.nps_channels",
                    "raw.raw_customers",
                    "staging.stg_crm__customers",
                    "staging.stg_workforce__agents",
                    "intermediate.int_customer_versions",
                    "intermediate.int_agent_versions",
                    "audit.rpt_customer_audit",
                    "audit.rpt_agent_audit",
                    "raw.raw_agent_engagement",
                    "staging.stg_workforce__engagement_answers",
                    "intermediate.int_engagement_answers_enriched",
                    "audit.rpt_agent_engagement_audit",
                    "intermediate.int_comment_clauses",
                    "intermediate.int_comment_tokens",
                ]
                for relation in private:
                    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                        cursor.execute(f"select count(*) from {relation}")
                _assert_no_personal_data_readable(cursor)
                with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                    cursor.execute("create table marts.bi_scratch (x integer)")
        finally:
            connection.close()
    finally:
        warehouse.drop()
