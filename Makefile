# The two commands of the README: `make build` and `make test`. Everything else is a step of
# theirs you can also run alone. NPS_TARGET picks the engine of every command: duckdb (default),
# postgres or spark (NPS_TARGET=postgres make build).
SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# One stamp per requirement set: `make build` installs only what the DuckDB path needs; the
# other engines and the test and lint tools are installed by the commands that need them.
INSTALLED := $(VENV)/.installed
INSTALLED_DEV := $(VENV)/.installed-dev
INSTALLED_POSTGRES := $(VENV)/.installed-postgres
INSTALLED_SPARK := $(VENV)/.installed-spark

export DBT_PROFILES_DIR := $(CURDIR)
export DBT_PROJECT_DIR := $(CURDIR)
export NPS_DUCKDB_PATH ?= warehouse/nps.duckdb
export NPS_TARGET ?= duckdb
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
DBT := $(BIN)/dbt
# Extra arguments for dbt build, e.g. DBT_ARGS=--full-refresh
DBT_ARGS ?=
# The engine's own requirement set, for the commands that run on NPS_TARGET.
ENGINE_INSTALLED := $(INSTALLED) $(if $(filter postgres,$(NPS_TARGET)),$(INSTALLED_POSTGRES)) \
	$(if $(filter spark,$(NPS_TARGET)),$(INSTALLED_SPARK))
PIP := $(BIN)/python -m pip install --quiet

.PHONY: help install install-dev install-postgres install-spark install-chromium warehouse-dir engine land \
	audiences risk-model land-check build docs report report-screenshots test test-duckdb test-postgres test-spark \
	lint dbt-build pytest publish notify semantic-check semantic-test metrics validate bench demo-data examples lexicons clean

help: ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(INSTALLED): requirements.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip
	$(PIP) -r requirements.txt -c constraints.txt
	touch $@

$(INSTALLED_DEV): requirements-dev.txt constraints.txt $(INSTALLED)
	$(PIP) -r requirements-dev.txt -c constraints.txt
	touch $@

$(INSTALLED_POSTGRES): requirements-postgres.txt constraints.txt $(INSTALLED)
	$(PIP) -r requirements-postgres.txt -c constraints.txt
	touch $@

$(INSTALLED_SPARK): requirements-spark.txt constraints.txt $(INSTALLED)
	$(PIP) -r requirements-spark.txt -c constraints.txt
	touch $@

install: $(INSTALLED) ## create .venv with what the DuckDB path needs (requirements.txt)
install-dev: $(INSTALLED_DEV) ## add the test, lint and data tools (requirements-dev.txt)
install-postgres: $(INSTALLED_POSTGRES) ## add the PostgreSQL adapter (requirements-postgres.txt)
install-spark: $(INSTALLED_SPARK) ## add dbt-spark and pyspark (requirements-spark.txt)

# The dashboard's browser test drives Debian's chromium through Playwright (never a browser
# Playwright downloads): installed from the distribution when missing (as root, else with sudo).
CHROMIUM ?= /usr/bin/chromium
install-chromium: ## install Debian's chromium for the dashboard's browser test, when missing
	@if [ ! -x "$(CHROMIUM)" ]; then \
		echo "Installing Debian's chromium (the dashboard's browser test)"; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium; \
	fi

warehouse-dir:
	@mkdir -p "$(dir $(NPS_DUCKDB_PATH))"

# PostgreSQL: a server must answer; on a machine with a local cluster, start it and create the
# roles (scripts/postgres_local.sh). DuckDB and Spark run in-process.
engine: warehouse-dir
	@if [ "$(NPS_TARGET)" = postgres ]; then scripts/postgres_local.sh; fi

# Every engine gets the landing files through the loader: the feeds of landing.yml (or
# NPS_LANDING_CONFIG), else the files of NPS_RAW_RESPONSES. DBT_ARGS=--full-refresh reloads every
# landing file too.
land: $(ENGINE_INSTALLED) engine ## load the new landing files into the raw tables (checks them first)
	$(BIN)/python scripts/load_landing.py $(if $(findstring --full-refresh,$(DBT_ARGS)),--full-refresh)

land-check: $(ENGINE_INSTALLED) engine ## check the landing config and the new files without loading them
	$(BIN)/python scripts/load_landing.py --dry-run

# The publication follows only a build that succeeded (make stops at a failed dbt build), on
# DuckDB; on PostgreSQL BI tools read the schema marts directly.
build: land ## load, dbt build on the landing data (demo by default), publish the marts for BI + offline lineage site + dashboard
	$(DBT) build $(DBT_ARGS)
	$(if $(filter duckdb,$(NPS_TARGET)),$(MAKE) --no-print-directory publish PUBLISH_RUN_RESULTS=target/run_results.json PUBLISH_ARGS=--quiet)
	$(MAKE) --no-print-directory docs
	$(MAKE) --no-print-directory report

# The marts (schema marts only) copied for BI tools into published/ beside the warehouse: a
# DuckDB file and one Parquet file per mart, swapped in atomically (README, "Publication for BI
# tools"). PUBLISH_RUN_RESULTS (set by make build) refuses a failed build's marts.
PUBLISH_RUN_RESULTS ?=
PUBLISH_ARGS ?=
publish: $(INSTALLED) ## publish the built marts for BI tools (published/ beside the DuckDB warehouse)
	$(BIN)/python scripts/publish_marts.py $(if $(PUBLISH_RUN_RESULTS),--run-results $(PUBLISH_RUN_RESULTS)) $(PUBLISH_ARGS)

docs: $(ENGINE_INSTALLED) engine ## write the offline lineage site, target/static_index.html
	$(DBT) docs generate --static
	@echo "Lineage site: target/static_index.html (open it in a browser, no server needed)"

# The CX dashboard: one HTML file that opens from disk, no server, no network (REPORT_LANG fr or
# en, REPORT_GRAIN month or week).
REPORT_OUT ?= reports/nps_dashboard.html
REPORT_LANG ?= fr
REPORT_GRAIN ?= month
report: $(ENGINE_INSTALLED) engine ## write the CX dashboard reports/nps_dashboard.html from the marts (REPORT_LANG=en)
	$(BIN)/python scripts/build_report.py --lang $(REPORT_LANG) --grain $(REPORT_GRAIN) --out "$(REPORT_OUT)"

report-screenshots: $(INSTALLED_DEV) install-chromium ## write the README's screenshots of each dashboard section (reports/screenshots)
	$(BIN)/python scripts/report_screenshots.py --html "$(REPORT_OUT)" --out reports/screenshots

# make test runs what test-duckdb and test-postgres run, with one pytest run of both suites at the
# end: the PostgreSQL tests share the processes with DuckDB's instead of running after them (one
# start-up, and one end where a process waits for the other's last module, not two).
test: lint ## everything the project checks (DuckDB and PostgreSQL); non-zero on any failure
	$(MAKE) --no-print-directory NPS_TARGET=duckdb DBT_ARGS=--full-refresh dbt-build
	$(MAKE) --no-print-directory NPS_TARGET=duckdb semantic-test validate
	$(MAKE) --no-print-directory NPS_TARGET=postgres DBT_ARGS=--full-refresh dbt-build
	$(MAKE) --no-print-directory NPS_TARGET=postgres semantic-test validate
	$(MAKE) --no-print-directory NPS_TARGET=duckdb PYTEST_ARGS='-m "not spark"' install-postgres pytest

# The suites build from scratch (--full-refresh: every landing file reloaded, every model rebuilt),
# so a warehouse left by an earlier run - built from other demo files - never decides the result.
test-duckdb: ## the DuckDB suite: dbt build (full refresh), pytest harness, Great Expectations
	$(MAKE) --no-print-directory NPS_TARGET=duckdb DBT_ARGS=--full-refresh dbt-build
	$(MAKE) --no-print-directory NPS_TARGET=duckdb semantic-test pytest validate

test-postgres: ## the PostgreSQL suite (starts a local server when none answers; full refresh)
	$(MAKE) --no-print-directory NPS_TARGET=postgres DBT_ARGS=--full-refresh dbt-build
	$(MAKE) --no-print-directory NPS_TARGET=postgres semantic-test validate
	$(MAKE) --no-print-directory NPS_TARGET=postgres PYTEST_ARGS="-m postgres" pytest

test-spark: ## the Spark suite (pyspark in-process; about 25 minutes, not in make test; full refresh)
	$(MAKE) --no-print-directory NPS_TARGET=spark DBT_ARGS=--full-refresh dbt-build
	$(MAKE) --no-print-directory NPS_TARGET=spark validate
	$(MAKE) --no-print-directory NPS_TARGET=spark PYTEST_ARGS="-m spark" pytest

# sqlfluff runs through scripts/lint_sql.py: its Rust parser (sqlfluff[rs]), without the noise the
# teardown of DuckDB's bindings prints. dbt-bouncer checks the project's structure
# (dbt-bouncer.yml) on the manifest semantic-check's dbt parse writes to target/ (a parse opens
# no warehouse). COLUMNS keeps dbt-bouncer's failure messages readable outside a terminal.
lint: $(INSTALLED_DEV) ## sqlfluff (dbt templater, in-memory target), mf validate-configs, dbt-bouncer (structure) and ruff
	$(BIN)/python scripts/lint_sql.py models tests/dbt
	$(MAKE) --no-print-directory semantic-check
	COLUMNS=160 $(BIN)/dbt-bouncer run --config-file dbt-bouncer.yml --show-all-failures
	$(BIN)/ruff check nps_warehouse scripts tests/python
	$(BIN)/ruff format --check nps_warehouse scripts tests/python

# The semantic layer (README, "Semantic layer (MetricFlow)"). MetricFlow reads the semantic
# manifest from target/ and nowhere else, so semantic-check parses into target/ on NPS_TARGET -
# what a build of that engine writes there too - and validates the semantic models and metrics
# on the in-memory lint target, without a warehouse (--skip-dw: a fresh clone passes).
# semantic-test runs after a build: every dimension, entity, measure and metric is queried
# on the built warehouse of NPS_TARGET. The semantic manifest names the relations of one
# warehouse (the DuckDB file's name, the PostgreSQL database), so semantic-test and metrics parse
# first, for the NPS_TARGET and NPS_DUCKDB_PATH they run with. MetricFlow has no Spark adapter:
# DuckDB and PostgreSQL.
semantic-check: $(INSTALLED_DEV) $(ENGINE_INSTALLED) ## mf validate-configs: the semantic models and metrics (no warehouse needed)
	$(DBT) --quiet parse
	NPS_TARGET=lint $(BIN)/mf validate-configs --skip-dw

semantic-test: $(INSTALLED_DEV) $(ENGINE_INSTALLED) ## mf validate-configs with its warehouse checks, on the built warehouse of NPS_TARGET
	$(DBT) --quiet parse
	$(BIN)/mf validate-configs

# e.g. make metrics MF_QUERY="--metrics nps,responses --group-by metric_time__month,response__channel"
MF_QUERY ?= --metrics nps,responses --group-by metric_time__month --order metric_time__month
metrics: $(INSTALLED_DEV) $(ENGINE_INSTALLED) ## mf query MF_QUERY on the built warehouse of NPS_TARGET (DuckDB, PostgreSQL)
	$(DBT) --quiet parse
	$(BIN)/mf query $(MF_QUERY)

dbt-build: land ## load, then dbt build: seeds, models, data tests and unit tests
	$(DBT) build $(DBT_ARGS)

# Engine suites are selected by marker; the default runs everything that needs no server.
# PYTEST_WORKERS processes share the tests (pytest-xdist; `auto`: one per core): a process runs
# one dbt invocation at a time. Whole modules go to a process (--dist loadscope), so a module's
# shared build (a module-scoped fixture) is built once, not once per process; the longest
# modules go first (tests/python/conftest.py orders them; --no-loadscope-reorder keeps that
# order instead of xdist's, by number of tests). The Spark suite stays in one process (one
# SparkSession each).
PYTEST_ARGS ?= -m "not postgres and not spark"
PYTEST_WORKERS ?= auto
pytest: $(INSTALLED_DEV) $(ENGINE_INSTALLED) install-chromium engine ## validation harness: dbt builds on generated data vs the Python oracle
	$(BIN)/pytest $(if $(filter spark,$(NPS_TARGET)),,--numprocesses $(PYTEST_WORKERS) --dist loadscope --no-loadscope-reorder) $(PYTEST_ARGS)

validate: $(INSTALLED_DEV) $(ENGINE_INSTALLED) ## Great Expectations suite over the built marts of NPS_TARGET
	$(BIN)/python scripts/validate_marts.py

# Each new alert of fct_cx_alerts sent once, to NPS_ALERT_WEBHOOK_URL (Slack, or Teams with
# NPS_ALERT_WEBHOOK_FORMAT=teams) or, with NOTIFY_ARGS="--jsonl FILE", to a file; remembered in the
# warehouse (notifications.sent_alerts). It writes to the warehouse: after a build, never during one.
# The messages are in the dashboard's language, REPORT_LANG (fr or en), as for make report.
NOTIFY_ARGS ?=
notify: $(ENGINE_INSTALLED) ## send each new CX alert once (NPS_ALERT_WEBHOOK_URL, or NOTIFY_ARGS="--jsonl FILE")
	$(BIN)/python scripts/notify_alerts.py --language $(REPORT_LANG) $(NOTIFY_ARGS)

BENCH_ARGS ?=
AUDIENCES_DIR ?= exports/audiences
audiences: $(ENGINE_INSTALLED) ## export the campaign audiences as one CSV per audience (AUDIENCES_DIR, default exports/audiences)
	$(BIN)/python scripts/export_audiences.py --out "$(AUDIENCES_DIR)"

risk-model: $(INSTALLED_DEV) ## refit the customers' risk and propensity models (seeds/cx_risk_model.csv) and print their report
	$(BIN)/python scripts/fit_risk_model.py

bench: $(INSTALLED_DEV) ## benchmark: whole build, core path on CSV and Parquet, floor, pandas, targets (BENCH_ARGS="--sizes 1M,10M --scaling")
	$(BIN)/python scripts/benchmark.py $(BENCH_ARGS)

demo-data: $(INSTALLED_DEV) ## regenerate the committed demo data of the six sources in data/demo
	$(BIN)/python scripts/generate_cx_data.py --out data/demo --rows 5000 --days 90 \
		--end-date 2026-10-31 --files 3 --format mixed --overwrite

examples: $(INSTALLED_DEV) ## regenerate the sample exports of examples/landing (Qualtrics, Delighted, Excel)
	rm -rf examples/landing/exports
	$(BIN)/python scripts/generate_sample_exports.py --out examples/landing

# Downloads the pinned vaderSentiment and textblob-fr wheels with pip (never installs them),
# checks their SHA-256 and writes the general lexicon of the comment models.
lexicons: $(INSTALLED_DEV) ## regenerate seeds/comments/cx_sentiment_lexicon.csv (VADER, textblob-fr)
	$(BIN)/python scripts/build_comment_lexicons.py

clean: ## remove the build outputs (not .venv, not PostgreSQL databases)
	rm -rf target logs warehouse/*.duckdb warehouse/*.wal warehouse/spark warehouse/published
