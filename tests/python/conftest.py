"""Shared fixtures of the validation harness."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import DbtRun, Warehouse, read_marts, run_dbt
from messy_data import write_messy_landing

# A pytest-xdist worker's __main__ has neither a spec nor a file; pyspark (when installed, for
# the Spark suite) then takes the import of pyspark.sql.connect, which Great Expectations makes,
# for a doctest run and exits the process. Give the worker's __main__ a file name.
_main = sys.modules["__main__"]
if getattr(_main, "__spec__", None) is None and not hasattr(_main, "__file__"):
    _main.__file__ = "<pytest-xdist worker>"

# Spark tests build into (and drop) their own tables and metastore, never the project's
# warehouse/spark; the process's one SparkSession is created with this folder.
os.environ["NPS_SPARK_WAREHOUSE_DIR"] = tempfile.mkdtemp(prefix="nps-spark-tests-")
atexit.register(shutil.rmtree, os.environ["NPS_SPARK_WAREHOUSE_DIR"], ignore_errors=True)


#: The modules that take longest (most dbt builds), longest first, as measured on `make test`
#: (the engine modules lead the PostgreSQL suite and have no test in DuckDB's).
#: `make pytest` hands whole modules to its processes in collection order
#: (--no-loadscope-reorder), so these go first and the short ones fill the gaps at the end: the
#: processes finish together instead of one running the longest module alone while the other
#: waits. A module missing from the list only starts later.
LONGEST_MODULES = (
    "test_engines_incremental.py",
    "test_engines.py",
    "test_programme.py",
    "test_incremental.py",
    "test_warehouse.py",
    "test_landing.py",
    "test_quality.py",
    "test_comment_incremental.py",
    "test_rules_fuzz.py",
    "test_benchmark.py",
    "test_dashboard.py",
    "test_semantic.py",
    "test_followup.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest modules first (LONGEST_MODULES), each module's tests in their own order."""
    rank = {name: position for position, name in enumerate(LONGEST_MODULES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


class Build:
    """A dbt build of one landing dataset into its own DuckDB file."""

    def __init__(self, root: Path, raw: Path, dbt_vars: dict | None = None, data_tests: bool = False) -> None:
        self.root = root
        self.raw = raw
        self.database = root / "nps.duckdb"
        self.dbt_vars = dbt_vars
        self.result: DbtRun = run_dbt(
            "build", database=self.database, raw=raw, work_dir=root, dbt_vars=dbt_vars, data_tests=data_tests
        )
        assert self.result.success, self.result.failures() or self.result.exception
        self.marts = read_marts(self.database)


@pytest.fixture(scope="session")
def build_factory(tmp_path_factory: pytest.TempPathFactory):
    def build(name: str, raw: Path, dbt_vars: dict | None = None, data_tests: bool = False) -> Build:
        return Build(tmp_path_factory.mktemp(name), raw, dbt_vars, data_tests)

    return build


@pytest.fixture(scope="session")
def messy_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three messy landing files (CSV, CSV with an extra column, Parquet), seed 7."""
    return write_messy_landing(tmp_path_factory.mktemp("messy") / "landing", seed=7)


@pytest.fixture(scope="session")
def messy_build(build_factory, messy_landing) -> Build:
    """The project built once on ``messy_landing``, shared by the tests that only read it; with
    the data tests, which every rule of the messy data must pass."""
    return build_factory("messy_build", messy_landing, data_tests=True)


#: The engines beside DuckDB, each test selected by its marker (`make test-postgres`, `make test-spark`).
ENGINES = [
    pytest.param("postgres", marks=pytest.mark.postgres),
    pytest.param("spark", marks=pytest.mark.spark),
]


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """Each engine beside DuckDB, in turn."""
    return request.param


@pytest.fixture
def warehouse_factory(engine: str, tmp_path: Path) -> Iterator:
    """Makes warehouses of ``engine`` under the test's folder; each is dropped after the test."""
    made: list[Warehouse] = []

    def make(name: str = "warehouse") -> Warehouse:
        root = tmp_path / name
        root.mkdir()
        warehouse = Warehouse(engine, root)
        made.append(warehouse)
        return warehouse

    yield make
    for warehouse in made:
        warehouse.drop()
