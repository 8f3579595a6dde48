"""The benchmark's helpers, and its two baselines held to the oracle.

The engine floor (one DuckDB statement) and the pandas pipeline are independent implementations
of the rules; a benchmark comparing against a wrong baseline would be meaningless, so both must
produce the oracle's daily cube on messy generated data.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from harness import SEEDS_DIR

from nps_warehouse.benchmark import (
    _tree_rss_bytes,
    ensure_parquet,
    format_size,
    landing_files,
    measure,
    normalise_cube,
    parse_size,
    read_cube_file,
    render_markdown,
    run_floor,
    run_pandas,
)
from nps_warehouse.generator import generate
from nps_warehouse.oracle import compute_marts


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("bench_landing")
    generate(directory, rows=4000, seed=31, files=3, days=20, messy_rate=0.2, resubmit_rate=0.2)
    # every offset form of the rules, valid and not, which the generator does not write
    offsets = ["+0200", "+02", " Z", " -0500", "-05:30", "+2", "+020", "  Z", "+2400", ""]
    lines = ["response_id,survey_id,customer_id,submitted_at,channel,region,segment,agent_id,score,comment"]
    lines += [
        f"OFF{index},S1,C1,2026-01-0{index % 9 + 1}T23:{index:02d}:00{offset},sms,IDF,smb,A1,{index},"
        for index, offset in enumerate(offsets)
    ]
    (directory / "offsets.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return directory


@pytest.fixture(scope="module")
def oracle_cube(landing: Path) -> list[list]:
    daily = compute_marts(str(landing), SEEDS_DIR)["fct_nps_daily"]
    return normalise_cube([row[:8] for row in daily])


def test_floor_statement_computes_the_oracle_cube(landing, oracle_cube, tmp_path):
    output = tmp_path / "floor.json"
    run_floor(landing_files(landing), output, memory_limit="1GB", threads="")
    assert read_cube_file(output) == oracle_cube


def test_pandas_pipeline_computes_the_oracle_cube(landing, oracle_cube, tmp_path):
    output = tmp_path / "pandas.json"
    run_pandas(landing_files(landing), output)
    assert read_cube_file(output) == oracle_cube


@pytest.fixture(scope="module")
def parquet_file(landing: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ensure_parquet(tmp_path_factory.mktemp("bench_parquet"), landing, lambda _: None, "1GB")


def test_parquet_file_holds_the_csv_rows_in_their_order_as_text(landing, parquet_file):
    files = landing_files(landing)
    table = pq.read_table(parquet_file)
    assert all(pa.types.is_string(field.type) for field in table.schema)
    expected = []
    for path in files:
        with open(path, encoding="utf-8", newline="") as handle:
            expected += [(row["response_id"] or None, row["score"] or None) for row in csv.DictReader(handle)]
    assert list(zip(table["response_id"].to_pylist(), table["score"].to_pylist(), strict=True)) == expected
    # an optional column the offsets file lacks is null on its rows, present on the others
    assert "csat_score" in table.column_names


def test_parquet_file_is_reused_while_its_csv_files_are_the_same(landing, parquet_file):
    modified = parquet_file.stat().st_mtime_ns
    assert ensure_parquet(parquet_file.parent, landing, lambda _: None) == parquet_file
    assert parquet_file.stat().st_mtime_ns == modified


def test_floor_and_pandas_on_the_parquet_file_compute_the_oracle_cube(parquet_file, oracle_cube, tmp_path):
    run_floor([parquet_file], tmp_path / "floor.json", memory_limit="1GB", threads="")
    assert read_cube_file(tmp_path / "floor.json") == oracle_cube
    run_pandas([parquet_file], tmp_path / "pandas.json")
    assert read_cube_file(tmp_path / "pandas.json") == oracle_cube


def test_the_warehouse_reads_the_parquet_file_with_the_floors_row_numbers(parquet_file):
    """The loader numbers a Parquet file's rows from 1 in file order (source_row_number); the
    floor's scan of the file must number them the same way, or ties would de-duplicate apart."""
    import duckdb

    from nps_warehouse.landing.config import Feed
    from nps_warehouse.landing.files import LandingFile
    from nps_warehouse.landing.reader import parquet_headers, plan_file, select_sql

    connection = duckdb.connect()
    feed = Feed(name="default", source="responses", path=str(parquet_file), spec=str(parquet_file))
    file = LandingFile(str(parquet_file), parquet_file.stat().st_size, 0)
    plan = plan_file(feed, file, parquet_headers(connection, file), None)
    loader_rows = connection.sql(
        f"select source_row_number, response_id from ({select_sql(plan, 1)})"
    ).fetchall()
    floor_rows = connection.sql(
        f"select file_row_number + 1, response_id from read_parquet('{parquet_file}', file_row_number = true)"
    ).fetchall()
    assert sorted(loader_rows) == sorted(floor_rows)


@pytest.mark.parametrize(
    ("text", "rows"), [("1M", 1_000_000), ("500k", 500_000), ("2500", 2500), ("1.5M", 1_500_000)]
)
def test_sizes_parse_and_format(text, rows):
    assert parse_size(text) == rows
    assert parse_size(format_size(rows)) == rows


@pytest.mark.parametrize("text", ["", "ten", "1.5", "0", "-3M"])
def test_bad_sizes_are_refused(text):
    with pytest.raises(ValueError, match=r"size|whole number"):
        parse_size(text)


def test_measure_reports_time_memory_and_failure(tmp_path):
    allocate = (
        "import time; data = bytearray(200 * 2**20); data[::4096] = b'x' * len(data[::4096]); time.sleep(0.3)"
    )
    ok = measure(["python3", "-c", allocate])
    assert ok.ok and ok.seconds >= 0.3 and ok.peak_rss_mb >= 200
    failed = measure(["python3", "-c", "raise SystemExit(3)"], log=tmp_path / "log.txt")
    assert not failed.ok and "exit code 3" in failed.detail
    assert _tree_rss_bytes(999_999_999) == 0


def test_markdown_report_shows_every_step_ratio_and_check():
    step = {"seconds": 10.0, "peak_rss_mb": 1000.0, "ok": True, "detail": ""}
    report = {
        "machine": {
            "date": "2026-11-22",
            "cpu": "cpu",
            "cores": 2,
            "memory_gb": 24,
            "os": "Linux",
            "python": "3.11",
            "duckdb": "2.0.0",
            "dbt_core": "1.11",
            "duckdb_memory_limit": "3GB",
            "duckdb_threads": "all cores",
        },
        "sizes": [
            {
                "rows": 10_000_000,
                "steps": {
                    "full_build": step,
                    "comment_models": {**step, "seconds": 1.5},
                    "dbt_run": step,
                    "incremental_build": {**step, "seconds": 2.0},
                    "floor": {**step, "seconds": 5.0},
                    "pandas": {**step, "ok": False, "detail": "exit code 1"},
                },
                "ratios": {
                    "full_over_floor": 2.0,
                    "incremental_over_full": 0.2,
                    "pandas_over_full": None,
                    "pandas_over_incremental": None,
                    "comment_models_over_full": 0.15,
                },
                "checks": {"floor_matches_marts": True, "pandas_matches_marts": False},
            }
        ],
    }
    markdown = render_markdown(json.loads(json.dumps(report)))
    assert "| 10M | full build: load + `dbt build` (models + tests) | 10.0 | 1,000.0 |" in markdown
    assert "| 10M | pandas | failed (exit code 1) |" in markdown
    assert "| 10M | the comment models and their tests alone, rebuilt on the full build | 1.5 |" in markdown
    assert "| 10M | 2.00x | 0.20x | n/a | n/a | 0.15x | yes | **no** |" in markdown
