"""The publication for BI tools: the marts copied after a build into a DuckDB file and Parquet
files that a build never locks and a reader never sees half-written.

One warehouse is built from small messy landing files and published; a reader process then
reads the publication in a loop while a second build (a new landing file, a full refresh) runs on
the same warehouse and publishes again. The build must succeed, and every read must find a whole
publication - the first, then the second - never a mix. The other tests publish the suite's
shared messy build (read-only) into folders of their own.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from harness import PROJECT_DIR, run_dbt
from messy_data import messy_rows, write_csv, write_messy_landing

from nps_warehouse.contract import MART_SCHEMAS, MARTS_SCHEMA
from nps_warehouse.notifications.ledger import LEDGER_SCHEMA, LEDGER_TABLE, Ledger
from nps_warehouse.publication import (
    CONTRACT_MARTS,
    PublicationError,
    publication_paths,
    publish,
    read_manifest,
    verify_duckdb,
    verify_parquet,
    verify_publication,
)


class Built:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.landing = write_messy_landing(root / "landing", seed=29, rows_per_file=250, files=2)
        self.warehouse = root / "nps.duckdb"
        self.out = root / "published"

    def build(self, extra_args: tuple[str, ...] = ()) -> None:
        result = run_dbt(
            "build",
            database=self.warehouse,
            raw=self.landing,
            work_dir=self.root,
            extra_args=extra_args,
            data_tests=False,
        )
        assert result.success, result.failures() or result.exception


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    built = Built(tmp_path_factory.mktemp("publication"))
    built.build()
    return built


def _count(connection: duckdb.DuckDBPyConnection, relation: str) -> int:
    return connection.execute(f"select count(*) from {relation}").fetchone()[0]


def test_a_reader_in_a_loop_never_blocks_a_build_nor_sees_a_half_written_publication(built: Built) -> None:
    paths, first = publish(built.warehouse, built.out, run_results=built.root / "target" / "run_results.json")
    assert verify_publication(paths) == (first.publication_id, first.publication_id)
    # a BI process that keeps its connection open through the next build and publication
    held = duckdb.connect(str(paths.duckdb), read_only=True)
    # the CX team's notification ledger lives in the warehouse, outside dbt's schemas
    with Ledger.open_duckdb(built.warehouse) as ledger:
        ledger.record("alert-1", "file:alerts.jsonl", {"rule": "detractor_spike"}, "en")

    # the reader, a process of its own (as a BI tool is), reads until told to stop
    stop_file = built.root / "stop-reading"
    reader = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("publication_reader.py")), str(paths.directory),
         paths.stem, str(stop_file)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=PROJECT_DIR,
        env={**os.environ, "PYTHONPATH": str(PROJECT_DIR)},
    )  # fmt: skip
    try:
        assert reader.stdout.readline().strip() == "ready"
        # a new export lands; the second build rebuilds everything from the three files
        write_csv(built.landing / "export_09.csv", messy_rows(random.Random(5), 250, []))
        built.build(extra_args=("--full-refresh",))
        _, second = publish(
            built.warehouse, built.out, run_results=built.root / "target" / "run_results.json"
        )
    finally:
        stop_file.touch()
        output, _ = reader.communicate(timeout=120)
    outcome = json.loads(output.strip().splitlines()[-1])

    assert outcome["errors"] == [], outcome
    assert second.marts["fct_nps_responses"] > first.marts["fct_nps_responses"]
    # the reader read the first publication during the build, and the second at the end
    assert set(outcome["duckdb_ids"]) == {first.publication_id, second.publication_id}, outcome
    assert set(outcome["parquet_ids"]) == {first.publication_id, second.publication_id}, outcome
    assert outcome["iterations"] >= 10, outcome
    # the connection held open still reads the first publication, whole
    assert verify_duckdb(paths.duckdb, held) == first.publication_id
    assert _count(held, "marts.fct_nps_responses") == first.marts["fct_nps_responses"]
    held.close()
    assert verify_publication(paths) == (second.publication_id, second.publication_id)
    with Ledger.open_duckdb(built.warehouse) as ledger:
        assert ledger.sent_ids("file:alerts.jsonl") == {"alert-1"}, (
            f"dbt build --full-refresh dropped {LEDGER_SCHEMA}.{LEDGER_TABLE}"
        )


def test_the_publication_holds_the_marts_only_with_their_manifest(messy_build, tmp_path: Path) -> None:
    paths, manifest = publish(messy_build.database, tmp_path / "published")
    connection = duckdb.connect(str(paths.duckdb), read_only=True)
    try:
        tables = connection.execute(
            "select table_schema, table_name from information_schema.tables order by 1, 2"
        ).fetchall()
        assert {schema for schema, _ in tables} == {MARTS_SCHEMA}
        published = {name for _, name in tables}
        assert published == {*manifest.marts, "_publication", "_publication_marts"}
        assert set(CONTRACT_MARTS) <= published
        assert not {mart for mart, schema in MART_SCHEMAS.items() if schema != MARTS_SCHEMA} & published
        row = connection.execute(
            "select publication_id, marts, total_rows, cx_as_of, latest_response_date, built_at "
            "from marts._publication"
        ).fetchone()
        assert row[:3] == (manifest.publication_id, len(manifest.marts), sum(manifest.marts.values()))
        assert str(row[3]) == "2026-11-15 12:00:00"  # the harness's cx_as_of
        assert row[4] is not None
        assert row[5] is None  # published without the build's run_results.json
        # the same rows as the warehouse, column for column
        warehouse = duckdb.connect(str(messy_build.database), read_only=True)
        try:
            for mart in ("fct_cx_alerts", "fct_cx_by_period", "dim_date"):
                query = f"select * from marts.{mart} order by all"
                assert connection.execute(query).fetchall() == warehouse.execute(query).fetchall(), mart
        finally:
            warehouse.close()
    finally:
        connection.close()
    version_dir, parquet_manifest = read_manifest(paths)
    assert parquet_manifest == manifest
    parquet = duckdb.connect()
    try:
        for mart in ("fct_cx_alerts", "fct_cx_responses"):
            file = version_dir / f"{mart}.parquet"
            with duckdb.connect(str(paths.duckdb), read_only=True) as published_file:
                expected = published_file.execute(f"select * from marts.{mart} order by all").fetchall()
            assert (
                parquet.execute(f"select * from read_parquet('{file}') order by all").fetchall() == expected
            )
    finally:
        parquet.close()


def test_old_parquet_versions_are_kept_then_removed(messy_build, tmp_path: Path) -> None:
    out = tmp_path / "published"
    ids = [publish(messy_build.database, out, keep_versions=1)[1].publication_id for _ in range(4)]
    paths = publication_paths(messy_build.database, out)
    remaining = sorted(entry.name for entry in paths.parquet_root.iterdir() if not entry.is_symlink())
    assert remaining == ids[-2:]
    assert os.readlink(paths.parquet_current) == ids[-1]
    assert verify_parquet(paths) == ids[-1]
    assert sorted(path.name for path in paths.directory.iterdir() if not path.name.startswith(".")) == [
        "nps.duckdb",
        "nps.parquet",
    ]


def test_a_failed_build_a_missing_mart_and_a_locked_warehouse_are_refused(
    messy_build, tmp_path: Path
) -> None:
    run_results = tmp_path / "run_results.json"
    run_results.write_text(
        json.dumps(
            {
                "metadata": {"generated_at": "2026-11-15T12:00:00Z", "invocation_id": "x"},
                "results": [{"unique_id": "model.nps_warehouse.fct_cx_alerts", "status": "error"}],
            }
        )
    )
    with pytest.raises(PublicationError, match=r"failed \(model\.nps_warehouse\.fct_cx_alerts\)"):
        publish(messy_build.database, tmp_path / "published", run_results=run_results)
    assert not (tmp_path / "published" / "nps.duckdb").exists()

    partial = tmp_path / "partial.duckdb"
    with duckdb.connect(str(partial)) as connection:
        connection.execute("create schema marts; create table marts.fct_cx_alerts (alert_id varchar)")
    with pytest.raises(PublicationError, match=r"lacks \d+ mart\(s\) of schema marts: dim_agent, "):
        publish(partial, tmp_path / "published")

    copy = tmp_path / "copy.duckdb"
    shutil.copy(messy_build.database, copy)
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, sys; c = duckdb.connect({str(copy)!r}); print('open', flush=True); "
            "sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout.readline().strip() == "open"
        with pytest.raises(PublicationError, match="If a build is writing it, publish after the build ends"):
            publish(copy, tmp_path / "published")
    finally:
        writer.communicate("", timeout=30)


def test_the_script_publishes_checks_and_refuses_other_engines(messy_build, tmp_path: Path) -> None:
    script = [
        sys.executable,
        str(PROJECT_DIR / "scripts" / "publish_marts.py"),
        "--warehouse",
        str(messy_build.database),
    ]
    out = ["--out", str(tmp_path / "published")]
    environment = {**os.environ, "NPS_TARGET": "duckdb"}
    published = subprocess.run([*script, *out, "--quiet"], capture_output=True, text=True, env=environment)
    assert published.returncode == 0, published.stderr
    assert published.stdout.startswith(f"published {len(CONTRACT_MARTS)} marts")
    checked = subprocess.run([*script, *out, "--check"], capture_output=True, text=True, env=environment)
    assert checked.returncode == 0 and checked.stdout.count("consistent") == 2, checked
    # a corrupted Parquet file (a reader's disk gone wrong) is reported, not passed over
    version_dir, _ = read_manifest(publication_paths(messy_build.database, tmp_path / "published"))
    (version_dir / "dim_date.parquet").write_bytes(b"not parquet")
    corrupted = subprocess.run([*script, *out, "--check"], capture_output=True, text=True, env=environment)
    assert corrupted.returncode == 1 and "dim_date.parquet" in corrupted.stderr, corrupted
    missing = subprocess.run(
        [*script, "--out", str(tmp_path / "nowhere"), "--check"],
        capture_output=True,
        text=True,
        env=environment,
    )
    assert missing.returncode == 1 and "run `make publish` after a build" in missing.stderr
    postgres = subprocess.run(
        [*script, *out], capture_output=True, text=True, env={**environment, "NPS_TARGET": "postgres"}
    )
    assert postgres.returncode == 2 and "BI tools read the schema marts directly" in postgres.stderr
