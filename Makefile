# The two commands of the README: `make build` and `make test`. Everything else is a step of
# theirs you can also run alone. NPS_TARGET picks the dbt target (default duckdb).
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

.PHONY: help install warehouse-dir build docs test lint dbt-build pytest validate bench demo-data clean

help: ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(INSTALLED): requirements.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt
	touch $@

install: $(INSTALLED) ## create .venv with the pinned dependencies

warehouse-dir:
	@mkdir -p "$(dir $(NPS_DUCKDB_PATH))"

build: install warehouse-dir ## dbt build on the landing data (demo by default) + offline lineage site
	$(DBT) build $(DBT_ARGS)
	$(MAKE) --no-print-directory docs

docs: install warehouse-dir ## write the offline lineage site, target/static_index.html
	$(DBT) docs generate --static
	@echo "Lineage site: target/static_index.html (open it in a browser, no server needed)"

test: lint dbt-build pytest validate ## everything the project checks; non-zero on any failure

lint: install ## sqlfluff (dbt templater, in-memory target) and ruff
	$(BIN)/sqlfluff lint models tests/dbt
	$(BIN)/ruff check nps_warehouse scripts tests/python
	$(BIN)/ruff format --check nps_warehouse scripts tests/python

dbt-build: install warehouse-dir ## dbt build: seeds, models, data tests and unit tests
	$(DBT) build $(DBT_ARGS)

pytest: install ## validation harness: dbt builds on generated data vs the Python oracle
	$(BIN)/pytest

validate: install ## Great Expectations suite over the built marts
	$(BIN)/python scripts/validate_marts.py --duckdb-path "$(NPS_DUCKDB_PATH)"

BENCH_ARGS ?=
bench: install ## benchmark vs the engine floor and pandas (BENCH_ARGS="--sizes 1M,10M --scaling")
	$(BIN)/python scripts/benchmark.py $(BENCH_ARGS)

demo-data: install ## regenerate the committed demo data in data/demo
	rm -rf data/demo/*.csv data/demo/*.parquet
	$(BIN)/python scripts/generate_responses.py --out data/demo --rows 5000 --days 90 \
		--end-date 2026-10-31 --files 3 --format mixed

clean: ## remove the build outputs (not .venv)
	rm -rf target logs warehouse/*.duckdb warehouse/*.wal
