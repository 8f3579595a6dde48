# The two commands of the README: `make build` and `make test`. Everything else is a step of
# theirs you can also run alone. NPS_TARGET picks the engine of every command: duckdb (default),
# postgres or spark (NPS_TARGET=postgres make build).
SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

export DBT_PROFILES_DIR := $(CURDIR)
export DBT_PROJECT_DIR := $(CURDIR)
export NPS_DUCKDB_PATH ?= warehouse/nps.duckdb
export NPS_TARGET ?= duckdb
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
DBT := $(BIN)/dbt
# Extra arguments for dbt build, e.g. DBT_ARGS=--full-refresh
DBT_ARGS ?=

.PHONY: help install warehouse-dir engine land build docs test test-duckdb test-postgres test-spark \
	lint dbt-build pytest validate bench demo-data clean

help: ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(INSTALLED): requirements.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt
	touch $@

install: $(INSTALLED) ## create .venv with the pinned dependencies

warehouse-dir:
	@mkdir -p "$(dir $(NPS_DUCKDB_PATH))"

# PostgreSQL: a server must answer; on a machine with a local cluster, start it and create the
# roles (scripts/postgres_local.sh). DuckDB and Spark run in-process.
engine: warehouse-dir
	@if [ "$(NPS_TARGET)" = postgres ]; then scripts/postgres_local.sh; fi

# PostgreSQL and Spark get the landing files through the loader; DuckDB reads them in place.
# DBT_ARGS=--full-refresh reloads every landing file too.
land: install engine ## load the landing files into the raw table (postgres, spark)
	$(BIN)/python scripts/load_landing.py $(if $(findstring --full-refresh,$(DBT_ARGS)),--full-refresh)

build: install land ## dbt build on the landing data (demo by default) + offline lineage site
	$(DBT) build $(DBT_ARGS)
	$(MAKE) --no-print-directory docs

docs: install engine ## write the offline lineage site, target/static_index.html
	$(DBT) docs generate --static
	@echo "Lineage site: target/static_index.html (open it in a browser, no server needed)"

test: lint test-duckdb test-postgres ## everything the project checks (DuckDB and PostgreSQL); non-zero on any failure

test-duckdb: ## the DuckDB suite: dbt build, pytest harness, Great Expectations
	$(MAKE) --no-print-directory NPS_TARGET=duckdb dbt-build pytest validate

test-postgres: ## the PostgreSQL suite (starts a local server when none answers)
	$(MAKE) --no-print-directory NPS_TARGET=postgres dbt-build validate
	$(MAKE) --no-print-directory NPS_TARGET=postgres PYTEST_ARGS="-m postgres" pytest

test-spark: ## the Spark suite (pyspark in-process; about 18 minutes, not in make test)
	$(MAKE) --no-print-directory NPS_TARGET=spark dbt-build validate
	$(MAKE) --no-print-directory NPS_TARGET=spark PYTEST_ARGS="-m spark" pytest

lint: install ## sqlfluff (dbt templater, in-memory target) and ruff
	$(BIN)/sqlfluff lint models tests/dbt
	$(BIN)/ruff check nps_warehouse scripts tests/python
	$(BIN)/ruff format --check nps_warehouse scripts tests/python

dbt-build: install land ## dbt build: seeds, models, data tests and unit tests
	$(DBT) build $(DBT_ARGS)

# Engine suites are selected by marker; the default runs everything that needs no server.
PYTEST_ARGS ?= -m "not postgres and not spark"
pytest: install engine ## validation harness: dbt builds on generated data vs the Python oracle
	$(BIN)/pytest $(PYTEST_ARGS)

validate: install ## Great Expectations suite over the built marts of NPS_TARGET
	$(BIN)/python scripts/validate_marts.py

BENCH_ARGS ?=
bench: install ## benchmark vs the engine floor and pandas (BENCH_ARGS="--sizes 1M,10M --scaling")
	$(BIN)/python scripts/benchmark.py $(BENCH_ARGS)

demo-data: install ## regenerate the committed demo data in data/demo
	rm -rf data/demo/*.csv data/demo/*.parquet
	$(BIN)/python scripts/generate_responses.py --out data/demo --rows 5000 --days 90 \
		--end-date 2026-10-31 --files 3 --format mixed

clean: ## remove the build outputs (not .venv, not PostgreSQL databases)
	rm -rf target logs warehouse/*.duckdb warehouse/*.wal warehouse/spark
