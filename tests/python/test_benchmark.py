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
    node_shares,
    normalise_cube,
    parse_size,
    read_cube_file,
    render_markdown,
    run_floor,
    run_pandas,
)
from nps_warehouse.benchmark.run_results import keep_run_results, read_node_shares
from nps_warehouse.benchmark.spark_partitions import compare, snapshot
from nps_warehouse.benchmark.targets import evaluate_targets, judge
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


def test_floor_by_buckets_of_response_ids_adds_up_to_the_oracle_cube(landing, oracle_cube, tmp_path):
    # the check of a 100M cube: one statement per bucket, each response's submissions in one
    output = tmp_path / "floor.json"
    run_floor(landing_files(landing), output, "1GB", "", str(tmp_path / "spill"), buckets=3)
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


def test_floor_reads_many_parquet_files_in_one_scan_of_their_list(landing, oracle_cube, tmp_path):
    """The check of the 50M and 100M cubes reads hundreds of Parquet files in one scan of their
    list: ties must still de-duplicate by file and row as the loader's, and a column one file
    lacks (the offsets file has no csat_score) must be null on its rows."""
    import duckdb

    connection = duckdb.connect()
    files = []
    for path in landing_files(landing):
        target = tmp_path / f"{path.stem}.parquet"
        connection.execute(
            f"copy (select * from read_csv('{path}', header = true, all_varchar = true, delim = ',',"
            f" quote = '\"', escape = '\"')) to '{target}' (format parquet)"
        )
        files.append(target)
    assert "csat_score" not in pq.read_schema(tmp_path / "offsets.parquet").names
    run_floor(files, tmp_path / "floor.json", memory_limit="1GB", threads="")
    assert read_cube_file(tmp_path / "floor.json") == oracle_cube
    run_floor(files, tmp_path / "buckets.json", "1GB", "", str(tmp_path / "spill"), buckets=3)
    assert read_cube_file(tmp_path / "buckets.json") == oracle_cube


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


MACHINE = {
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
    "dbt_threads": "1",
}
STEP = {"seconds": 10.0, "peak_rss_mb": 1000.0, "ok": True, "detail": ""}


def _size(rows: int, **ratios: float | None) -> dict:
    return {
        "rows": rows,
        "steps": {
            "full_build": STEP,
            "comment_models": {**STEP, "seconds": 1.5},
            "dbt_run": STEP,
            "incremental_build": {**STEP, "seconds": 2.0},
            "core_csv": {**STEP, "seconds": 4.0},
            "core_parquet": {**STEP, "seconds": 3.0},
            "floor": {**STEP, "seconds": 5.0},
            "floor_parquet": {**STEP, "seconds": 1.0},
            "pandas": {**STEP, "ok": False, "detail": "exit code 1"},
        },
        "ratios": {
            "full_over_floor": 2.0,
            "core_csv_over_floor": 0.8,
            "core_parquet_over_floor_parquet": 3.0,
            "full_over_core_csv": 2.5,
            "pandas_over_core_csv": None,
            "pandas_parquet_over_core_parquet": 0.9,
            "incremental_over_full": 0.2,
            "pandas_over_full": None,
            "pandas_over_incremental": None,
            "comment_models_over_full": 0.15,
            **ratios,
        },
        "checks": {
            "core_csv_matches_marts": True,
            "core_parquet_matches_marts": True,
            "floor_matches_marts": True,
            "floor_parquet_matches_marts": True,
            "pandas_matches_marts": False,
            "pandas_parquet_matches_marts": None,
        },
        "node_shares": {},
    }


FAKE_RUN_RESULTS = {
    "elapsed_time": 12.0,
    "results": [
        {
            "unique_id": "model.nps_warehouse.stg_nps_survey__responses",
            "status": "success",
            "execution_time": 6.0,
        },
        {"unique_id": "model.nps_warehouse.fct_nps_daily", "status": "success", "execution_time": 2.0},
        {
            "unique_id": "test.nps_warehouse.unique_fct_nps_daily_response_date.0123456789",
            "status": "pass",
            "execution_time": 1.5,
        },
        {"unique_id": "seed.nps_warehouse.nps_channel_aliases", "status": "success", "execution_time": 0.4},
        {
            "unique_id": "unit_test.nps_warehouse.fct_nps_daily.test_score_boundaries",
            "status": "pass",
            "execution_time": 0.1,
        },
    ],
}


def test_node_shares_total_each_resource_type_and_rank_the_slowest_nodes():
    shares = node_shares(FAKE_RUN_RESULTS, top=3)
    assert shares["summed_seconds"] == 10.0 and shares["elapsed_seconds"] == 12.0 and shares["nodes"] == 5
    assert list(shares["by_type"]) == ["model", "test", "seed", "unit_test"]
    assert shares["by_type"]["model"] == {"nodes": 2, "seconds": 8.0, "share": 0.8}
    assert [(node["name"], node["share"]) for node in shares["top"]] == [
        ("stg_nps_survey__responses", 0.6),
        ("fct_nps_daily", 0.2),
        ("unique_fct_nps_daily_response_date", 0.15),
    ]
    assert node_shares({"results": []})["top"] == []


def test_run_results_are_kept_before_the_next_invocation_overwrites_them(tmp_path):
    (tmp_path / "target").mkdir()
    assert keep_run_results(tmp_path / "target", tmp_path / "kept" / "full.json") is None
    (tmp_path / "target" / "run_results.json").write_text(json.dumps(FAKE_RUN_RESULTS), encoding="utf-8")
    kept = keep_run_results(tmp_path / "target", tmp_path / "kept" / "full.json")
    (tmp_path / "target" / "run_results.json").write_text("{}", encoding="utf-8")
    assert read_node_shares(kept)["nodes"] == 5
    assert read_node_shares(None) is None


@pytest.mark.parametrize(
    ("value", "bound", "at_most", "verdict"),
    [
        (2.0, 2.0, True, "met"),
        (3.0, 2.0, True, "missed by 1.50x"),
        (1.2, 1.0, False, "met"),
        (0.5, 1.0, False, "missed by 2.00x"),
        (None, 1.0, True, "not run"),
    ],
)
def test_a_target_is_met_or_missed_by_a_factor(value, bound, at_most, verdict):
    assert judge(value, bound, at_most=at_most)[0] == verdict


def test_targets_judged_at_their_size_indicative_below_it_and_not_run_without_data():
    by_number = {
        row["number"]: row for row in evaluate_targets({"machine": MACHINE, "sizes": [_size(10_000_000)]})
    }
    assert by_number["1a"]["status"] == "met" and by_number["1a"]["measured"] == "3.00x at 10M"
    assert by_number["1b"]["status"] == "met"
    assert by_number["2"]["status"] == "met"
    assert by_number["3a"]["status"] == "not run"
    assert by_number["3b"]["status"] == "missed by 1.11x"
    assert by_number["4a"]["status"] == "missed by 2.00x"
    for number in ("4b", "5", "6", "7a", "7b"):
        assert by_number[number]["status"] == "not run", number

    small = {row["number"]: row for row in evaluate_targets({"machine": MACHINE, "sizes": [_size(100_000)]})}
    assert small["1b"]["status"].startswith("indicative at 100k (met)")

    report = {
        "machine": {**MACHINE, "duckdb_memory_limit": "4GB"},
        "sizes": [
            {
                **_size(100_000_000),
                "steps": {"full_build": {**STEP, "peak_rss_mb": 4000.0}, "incremental_build": STEP},
            }
        ],
        "scaling": {"runs": {"10M": {}, "50M": {}}, "largest_over_smallest": 1.4},
        "engines": {
            "1M": {
                "spark": {
                    "incremental_over_full": 0.3,
                    "partitions": {
                        "marts.db/fct_nps_daily": {
                            "partitions": 366,
                            "rewritten": 3,
                            "rows_changed": 3,
                            "rewritten_unchanged": 0,
                        },
                    },
                }
            }
        },
        "make": {
            "test_seconds": 2000.0,
            "test_source": "given",
            "build_seconds": 90.0,
            "build_source": "measured",
        },
    }
    rows = {row["number"]: row for row in evaluate_targets(report)}
    assert rows["4b"]["status"] == "missed by 1.08x"
    assert rows["5"]["status"] == "met" and "peak 4,000 MB" in rows["5"]["measured"]
    assert rows["6"]["status"] == "met" and "3/366 rewritten" in rows["6"]["measured"]
    assert rows["7a"]["status"] == "missed by 1.11x" and rows["7b"]["status"] == "met"


def test_spark_partitions_rewritten_are_told_from_partitions_whose_rows_changed(tmp_path):
    import duckdb

    table = tmp_path / "marts.db" / "fct_nps_daily"
    connection = duckdb.connect()

    def write(day: str, name: str, values: list[int]) -> None:
        folder = table / f"response_date={day}"
        folder.mkdir(parents=True, exist_ok=True)
        rows = ", ".join(f"({value})" for value in values)
        connection.execute(
            f"copy (select * from (values {rows}) as t(responses)) to '{folder / name}' (format parquet)"
        )

    write("2026-01-01", "part-0.parquet", [1, 2])
    write("2026-01-02", "part-0.parquet", [3])
    write("2026-01-03", "part-0.parquet", [4])
    (tmp_path / "metastore_db").mkdir()
    before = snapshot(tmp_path)
    assert before["files"]["marts.db/fct_nps_daily"].keys() == {
        "response_date=2026-01-01",
        "response_date=2026-01-02",
        "response_date=2026-01-03",
    }
    # day 1 rewritten with the same rows, day 2 rewritten with new rows, day 4 added
    (table / "response_date=2026-01-01" / "part-0.parquet").unlink()
    write("2026-01-01", "part-1.parquet", [1, 2])
    (table / "response_date=2026-01-02" / "part-0.parquet").unlink()
    write("2026-01-02", "part-1.parquet", [3, 5])
    write("2026-01-04", "part-0.parquet", [6])
    compared = compare(before, snapshot(tmp_path))["marts.db/fct_nps_daily"]
    assert compared["partitions"] == 4 and compared["rewritten"] == 3 and compared["rows_changed"] == 2
    assert compared["rewritten_unchanged"] == 1 and compared["changed_not_rewritten"] == 0
    assert compared["examples_rewritten_unchanged"] == ["response_date=2026-01-01"]


def test_markdown_report_shows_every_step_ratio_check_share_and_target():
    report = {"machine": MACHINE, "sizes": [_size(10_000_000)]}
    report["sizes"][0]["node_shares"] = {"core_csv": node_shares(FAKE_RUN_RESULTS, top=2)}
    markdown = render_markdown(json.loads(json.dumps(report)))
    assert "DuckDB memory_limit 3GB, threads all cores; dbt threads 1." in markdown
    assert "| 10M | whole warehouse: load + `dbt build` (models + tests) | 10.0 | 1,000.0 |" in markdown
    assert "| 10M | pandas on CSV | failed (exit code 1) |" in markdown
    assert "| 10M | pandas on Parquet | not run | not run |" in markdown
    assert "| 10M | core path, Parquet: load + `dbt build --select +fct_nps_daily` | 3.0 |" in markdown
    assert "| 10M | 0.80x | 3.00x | 2.50x | n/a | 0.90x | 0.20x | 2.00x | 0.15x |" in markdown
    assert "| 10M | yes | yes | yes | yes | **no** | not run |" in markdown
    assert "**10M, core path on CSV**: 5 nodes, 10.0 s of summed execution time (12.0 s elapsed)." in markdown
    assert "| model | 2 | 8.0 | 80.0% |" in markdown
    assert "| `stg_nps_survey__responses` | model | 6.00 | 60.0% |" in markdown
    assert "### Targets" in markdown
    assert (
        "| 4a | incremental day / full build | <= 0.1x at 10M | 0.20x at 10M | **missed by 2.00x** |"
        in markdown
    )
    assert "| 7a | `make test` | <= 30 min | not run | not run |" in markdown


def test_markdown_report_shows_the_scaling_and_the_spark_partitions():
    run = {"incremental_build": {**STEP, "seconds": 1.0}, "history_full_build": STEP}
    report = {
        "machine": MACHINE,
        "sizes": [],
        "scaling": {"new_day_rows": 273, "runs": {"10M": run, "50M": run}, "largest_over_smallest": 1.0},
        "engines": {
            "demo": {
                "spark": {
                    "steps": {
                        "load": STEP,
                        "full_build": STEP,
                        "incremental_load": STEP,
                        "incremental_build": STEP,
                    },
                    "cube_matches_duckdb": True,
                    "incremental_over_full": 1.0,
                    "partitions": {
                        "marts.db/fct_nps_daily": {
                            "partitions": 91,
                            "partitions_before": 90,
                            "rewritten": 4,
                            "rows_changed": 4,
                            "rewritten_unchanged": 0,
                            "changed_not_rewritten": 0,
                            "share_rewritten": 0.044,
                            "examples_rewritten_unchanged": [],
                        }
                    },
                }
            }
        },
    }
    markdown = render_markdown(report)
    assert "| 50M | 1.0 | 1,000.0 | 10.0 | 1,000.0 | 0.10x |" in markdown
    assert "| `marts.db/fct_nps_daily` | 91 | 4 | 4.4% | 4 | 0 | 0 |" in markdown
    assert "Rewritten although their rows did not change" not in markdown
    assert "| 6 | Spark: incremental day rewrites only partitions whose rows changed |" in markdown


def _core_run(rows: int, day_seconds: float, *, peak: float = 4000.0, matches: bool | None = True) -> dict:
    return {
        "rows": rows,
        "files": 1,
        "steps": {
            "full_build": {**STEP, "seconds": 100.0, "peak_rss_mb": peak},
            "incremental_build": {**STEP, "seconds": day_seconds},
        },
        "cube_matches_floor": matches,
        "node_shares": {},
    }


def test_the_core_path_at_the_largest_sizes_is_judged_apart_from_the_whole_warehouse():
    machine = {**MACHINE, "duckdb_memory_limit": "4GB"}
    pair = {
        "new_day_rows": 27_397,
        "runs": {"10M": _core_run(10**7, 10.0), "50M": _core_run(5 * 10**7, 12.0)},
    }
    rows = {
        row["number"]: row
        for row in evaluate_targets(
            {"machine": machine, "sizes": [], "core_sizes": {**pair, "largest_over_smallest": 1.2}}
        )
    }
    assert rows["4b (core)"]["status"] == "met" and rows["4b (core)"]["measured"] == "1.20x at 10M -> 50M"
    # the whole warehouse's rows stay "not run": the core path is not the whole warehouse
    assert rows["4b"]["status"] == "not run" and rows["5"]["status"] == "not run"
    assert "5 (core)" not in rows

    hundred = {
        "new_day_rows": 273_972,
        "runs": {"100M": _core_run(10**8, 30.0)},
        "largest_over_smallest": None,
    }
    rows = {
        row["number"]: row
        for row in evaluate_targets({"machine": machine, "sizes": [], "core_sizes": hundred})
    }
    assert "4b (core)" not in rows
    assert rows["5 (core)"]["status"] == "met"
    assert rows["5 (core)"]["measured"] == "full 100 s, new day 30 s, peak 4,000 MB, memory_limit 4GB"
    for run, status in (
        (_core_run(10**8, 30.0, peak=6000.0), "missed by 1.17x"),
        (_core_run(10**8, 30.0, matches=False), "missed: the cube differs from the floor's"),
    ):
        report = {"machine": machine, "sizes": [], "core_sizes": {**hundred, "runs": {"100M": run}}}
        assert {row["number"]: row for row in evaluate_targets(report)}["5 (core)"]["status"] == status
    report = {"machine": MACHINE, "sizes": [], "core_sizes": hundred}
    assert {row["number"]: row for row in evaluate_targets(report)}["5 (core)"]["status"].startswith(
        "not comparable: memory_limit 3GB"
    )

    markdown = render_markdown(
        {"machine": machine, "sizes": [], "core_sizes": {**pair, "largest_over_smallest": 1.2}}
    )
    assert "| 50M | 100.0 | 4,000.0 | 12.0 | 1,000.0 | 0.12x | yes |" in markdown
    assert "New day, largest over smallest history: 1.20x." in markdown


def test_the_core_path_alone_builds_a_history_and_a_new_day_checked_against_the_floor(tmp_path):
    from nps_warehouse.benchmark import benchmark_core_sizes
    from nps_warehouse.benchmark.core_sizes import ensure_responses

    messages: list[str] = []
    core = benchmark_core_sizes(
        [3000], tmp_path, settings={"NPS_DUCKDB_MEMORY_LIMIT": "1GB"}, progress=messages.append
    )
    run = core["runs"]["3k"]
    assert core["new_day_rows"] == 3000 // 365 and core["largest_over_smallest"] is None
    assert all(step["ok"] for step in run["steps"].values()), run["steps"]
    assert set(run["steps"]) == {
        "full_load",
        "full_dbt",
        "full_build",
        "incremental_load",
        "incremental_dbt",
        "incremental_build",
        "floor_check",
    }
    # the day's cube equals the floor's on the history and the day: the run produced the right answer
    assert run["cube_matches_floor"] is True
    assert run["node_shares"]["incremental_build"]["by_type"]["model"]["nodes"] == 6
    # the responses alone, as Parquet: no other source's file is generated
    generated = sorted(path.name for path in (tmp_path / "data").rglob("*") if path.is_file())
    assert generated == [
        "_stamp.json",
        "_stamp.json",
        "responses_0001.parquet",
        "responses_day_2026-11-01_0001.parquet",
    ]
    # the measured warehouse is deleted, so that only one is on the disk at a time
    assert not (tmp_path / "core_3k" / "warehouse.duckdb").exists()
    # a second run reuses the generated files
    ensure_responses(tmp_path / "data" / "responses_3k", 3000, messages.append)
    assert sum("generating" in message for message in messages) == 2
