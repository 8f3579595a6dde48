"""The semantic layer (MetricFlow) against the marts and the oracle.

Generated messy data of every source is built once per engine (DuckDB, and PostgreSQL by
marker; MetricFlow has no Spark adapter), then `mf query` - the CLI a BI user runs - asks for
metrics at several grains and dimensions. Every cell is compared with the Python oracle's
numbers recomputed from its rows (the response fact, invitations, follow-up cases, surveys) and
with the marts the build published: a score from MetricFlow is exact (it is computed from the
counts at the grain asked for) where a mart's is rounded to two decimals, so a mart's score may
differ from MetricFlow's by at most half a hundredth.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from dbt.parser.manifest import write_semantic_manifest
from harness import PROJECT_DIR, SEEDS_DIR, Warehouse, expected_marts, mart_queries, parsed_manifest

from nps_warehouse.contract import PROGRAMME_SOURCES
from nps_warehouse.generator import generate_programme
from nps_warehouse.oracle import MART_COLUMNS

MF = Path(sys.executable).with_name("mf")


#: An exact score and MetricFlow's (a double on DuckDB, a numeric on PostgreSQL) agree this closely.
EXACT = Fraction(1, 10**9)
#: A mart's score is rounded half away from zero to two decimals.
ROUNDED = Fraction(1, 200) + EXACT

#: The marts the comparisons read, from the oracle and from the warehouse.
MARTS = (
    "fct_cx_responses",
    "fct_nps_daily_overall",
    "fct_cx_by_period",
    "fct_cx_rolling",
    "fct_invitations_daily",
    "fct_followup_cases",
    "fct_followup_daily",
    "dim_survey",
)

Rows = list[dict[str, Any]]
Key = tuple[Any, ...]


def _rows(marts: dict[str, list[tuple[Any, ...]]], mart: str) -> Rows:
    return [dict(zip(MART_COLUMNS[mart], row, strict=True)) for row in marts[mart]]


@dataclass
class SemanticBuild:
    """One engine's warehouse built from the generated landing, with the project as `mf` sees it
    (``project``: dbt_project.yml and the build's semantic manifest in target/), the oracle's
    marts and the warehouse's."""

    engine: str
    warehouse: Warehouse
    project: Path
    oracle: dict[str, Rows]
    marts: dict[str, Rows]

    def environment(self) -> dict[str, str]:
        return {
            **os.environ,
            **self.warehouse.environment,
            "NPS_TARGET": self.engine,
            "NPS_DUCKDB_PATH": str(self.warehouse.database),
            "DBT_PROFILES_DIR": str(PROJECT_DIR),
            "DBT_PROJECT_DIR": str(self.project),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }

    def query(
        self,
        metrics: tuple[str, ...] | list[str] = (),
        group_by: tuple[str, ...] | list[str] = (),
        saved_query: str | None = None,
    ) -> Rows:
        """`mf query --metrics ... --group-by ... --csv` (or `--saved-query`): its rows, with each
        time a ``date``, each number a ``Decimal`` and an empty cell ``None``."""
        out = self.project / f"query_{abs(hash((tuple(metrics), tuple(group_by), saved_query)))}.csv"
        selection = (
            ["--saved-query", saved_query]
            if saved_query
            else ["--metrics", ",".join(metrics), "--group-by", ",".join(group_by)]
        )
        command = [str(MF), "query", *selection, "--csv", str(out), "--quiet"]
        result = subprocess.run(
            command, cwd=self.project, env=self.environment(), capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0 and out.exists(), (
            f"{' '.join(command)}\n{result.stdout}\n{result.stderr}"
        )
        # a dimension is named <entity>__<name> (no metric is), an entity by its name
        dimensions = set(group_by)
        with out.open(newline="") as handle:
            return [
                {
                    column: _cell(
                        value, column in dimensions or "__" in column, column.startswith("metric_time")
                    )
                    for column, value in row.items()
                }
                for row in csv.DictReader(handle)
            ]


def _cell(value: str, is_dimension: bool, is_time: bool) -> Any:
    if value == "":
        return None
    if is_time:
        return date.fromisoformat(value[:10])
    return value if is_dimension else Decimal(value)


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    landing = tmp_path_factory.mktemp("semantic") / "landing"
    generate_programme(
        landing, rows=1500, files=2, fmt="mixed", seed=41, days=75, end_date="2026-10-31", messy_rate=0.05
    )
    return landing


@pytest.fixture(scope="module", params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def semantic(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, landing: Path
) -> Iterator:
    engine = request.param
    root = tmp_path_factory.mktemp(f"semantic_{engine}")
    warehouse = Warehouse(engine, root)
    try:
        sources = {source: landing / source for source in PROGRAMME_SOURCES}
        # the data tests are the other suites' business: here the marts are compared with the oracle
        run = warehouse.build(landing, sources=sources, data_tests=False)
        assert run.success, run.failures() or run.exception
        project = root / "mf_project"
        (project / "target").mkdir(parents=True)
        (project / "dbt_project.yml").symlink_to(PROJECT_DIR / "dbt_project.yml")
        environment = {"NPS_DUCKDB_PATH": str(warehouse.database), **warehouse.environment}
        write_semantic_manifest(parsed_manifest(engine, root, environment), str(project / "target"))
        oracle = expected_marts(str(landing), SEEDS_DIR, sources={s: str(p) for s, p in sources.items()})
        queries = mart_queries()
        yield SemanticBuild(
            engine,
            warehouse,
            project,
            {mart: _rows(oracle, mart) for mart in MARTS},
            {
                mart: [
                    dict(zip(MART_COLUMNS[mart], row, strict=True)) for row in warehouse.query(queries[mart])
                ]
                for mart in MARTS
            },
        )
    finally:
        warehouse.drop()


# --------------------------------------------------------------------------------------------
# Recomputing from rows
# --------------------------------------------------------------------------------------------


def _month(day: date) -> date:
    return day.replace(day=1)


def _week(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _quarter(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _ratio(numerator: int, denominator: int, scale: int = 100) -> Fraction | None:
    return Fraction(scale * numerator, denominator) if denominator else None


def _response_measures(rows: Rows) -> dict[str, Any]:
    """The response metrics of a group of fct_cx_responses rows, exact."""
    nps = [row for row in rows if row["nps_category"] is not None]
    promoters = sum(row["nps_category"] == "promoter" for row in nps)
    detractors = sum(row["nps_category"] == "detractor" for row in nps)
    csat = [row["csat_score"] for row in rows if row["csat_score"] is not None]
    satisfied = sum(row["csat_category"] == "satisfied" for row in rows)
    ces = [row["ces_score"] for row in rows if row["ces_score"] is not None]
    ces_easy = sum(row["ces_category"] == "easy" for row in rows)
    return {
        "responses": len(rows),
        "nps_responses": len(nps),
        "promoters": promoters,
        "passives": sum(row["nps_category"] == "passive" for row in nps),
        "detractors": detractors,
        "nps": _ratio(promoters - detractors, len(nps)),
        "csat_responses": len(csat),
        "csat_pct": _ratio(satisfied, len(csat)),
        "csat_mean": _ratio(sum(csat), len(csat), 1),
        "ces_responses": len(ces),
        "ces_easy_pct": _ratio(ces_easy, len(ces)),
        "ces_mean": _ratio(sum(ces), len(ces), 1),
    }


def _grouped(rows: Rows, key: Callable[[dict[str, Any]], Key]) -> dict[Key, Rows]:
    groups: dict[Key, Rows] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    return dict(groups)


def _by_key(rows: Rows, columns: tuple[str, ...]) -> dict[Key, dict[str, Any]]:
    keyed = {tuple(row[column] for column in columns): row for row in rows}
    assert len(keyed) == len(rows), f"mf returned duplicate {columns}"
    return keyed


def _assert_exact(metric: str, key: Key, actual: Decimal | None, expected: Fraction | int | None) -> None:
    if expected is None:
        assert actual is None, (metric, key, actual)
    elif isinstance(expected, int):
        assert actual == expected, (metric, key, actual, expected)
    else:
        assert actual is not None and abs(Fraction(actual) - expected) <= EXACT, (
            metric,
            key,
            actual,
            expected,
        )


def _assert_rounded(metric: str, key: Key, actual: Decimal | None, mart: Decimal | None) -> None:
    if mart is None:
        assert actual is None, (metric, key, actual)
    else:
        assert actual is not None and abs(Fraction(actual) - Fraction(mart)) <= ROUNDED, (
            metric,
            key,
            actual,
            mart,
        )


def _assert_cells(
    result: dict[Key, dict[str, Any]], expected: dict[Key, dict[str, Any]], metrics: Iterable[str]
) -> None:
    assert sorted(result, key=repr) == sorted(expected, key=repr)
    for key, values in expected.items():
        for metric in metrics:
            _assert_exact(metric, key, result[key][metric], values[metric])


# --------------------------------------------------------------------------------------------
# The response metrics
# --------------------------------------------------------------------------------------------

RESPONSE_METRICS = (
    "responses",
    "nps_responses",
    "promoters",
    "passives",
    "detractors",
    "nps",
    "csat_responses",
    "csat_pct",
    "csat_mean",
    "ces_responses",
    "ces_easy_pct",
    "ces_mean",
)


def test_nps_by_month_and_channel(semantic: SemanticBuild) -> None:
    """The BI user's query: every response metric by month and channel equals the oracle's
    recomputed from its response rows, and the month x channel cells of fct_cx_by_period."""
    result = _by_key(
        semantic.query(RESPONSE_METRICS, ["metric_time__month", "response__channel"]),
        ("metric_time__month", "response__channel"),
    )
    groups = _grouped(
        semantic.oracle["fct_cx_responses"], lambda row: (_month(row["response_date"]), row["channel"])
    )
    assert len(groups) >= 12
    _assert_cells(result, {key: _response_measures(rows) for key, rows in groups.items()}, RESPONSE_METRICS)
    periods = [
        row
        for row in semantic.marts["fct_cx_by_period"]
        if row["period_grain"] == "month" and row["dimension_name"] == "channel"
    ]
    assert len(periods) == len(result)
    for period in periods:
        key = (period["period_start_date"], period["dimension_value"])
        for count in (
            "responses",
            "nps_responses",
            "promoters",
            "detractors",
            "csat_responses",
            "ces_responses",
        ):
            assert result[key][count] == period[count], (count, key)
        for score in ("nps", "csat_pct", "csat_mean", "ces_mean", "ces_easy_pct"):
            _assert_rounded(score, key, result[key][score], period[score])


def test_nps_by_week_loyalty_tier_and_age_band(semantic: SemanticBuild) -> None:
    """Two attributes of the customer at each response, by ISO week (Monday)."""
    metrics = ("nps_responses", "promoters", "detractors", "nps", "csat_pct")
    group_by = ("metric_time__week", "response__loyalty_tier", "response__age_band")
    result = _by_key(semantic.query(metrics, group_by), group_by)
    groups = _grouped(
        semantic.oracle["fct_cx_responses"],
        lambda row: (_week(row["response_date"]), row["loyalty_tier"], row["age_band"]),
    )
    assert len({key[1] for key in groups}) >= 3 and len({key[2] for key in groups}) >= 3
    _assert_cells(result, {key: _response_measures(rows) for key, rows in groups.items()}, metrics)


def test_nps_by_day_equals_the_daily_mart(semantic: SemanticBuild) -> None:
    """NPS by day: fct_nps_daily_overall (the oracle's and the warehouse's), and the 30-day NPS
    by day: the 30-day window of fct_cx_rolling."""
    metrics = ("responses", "nps_responses", "promoters", "passives", "detractors", "nps")
    result = _by_key(semantic.query(metrics, ["metric_time__day"]), ("metric_time__day",))
    with_nps = {key: row for key, row in result.items() if row["nps_responses"] > 0}
    for source in (semantic.oracle, semantic.marts):
        daily = source["fct_nps_daily_overall"]
        assert sorted(with_nps) == sorted((row["response_date"],) for row in daily)
        for row in daily:
            key = (row["response_date"],)
            for count in ("promoters", "passives", "detractors"):
                assert with_nps[key][count] == row[count], (count, key)
            assert with_nps[key]["nps_responses"] == row["responses"], key
            _assert_rounded("nps", key, with_nps[key]["nps"], row["nps"])
    groups = _grouped(semantic.oracle["fct_cx_responses"], lambda row: (row["response_date"],))
    _assert_cells(result, {key: _response_measures(rows) for key, rows in groups.items()}, metrics)

    rolling = _by_key(
        semantic.query(["nps_30d", "nps_responses_30d"], ["metric_time__day"]), ("metric_time__day",)
    )
    for source in (semantic.oracle, semantic.marts):
        windows = [
            row
            for row in source["fct_cx_rolling"]
            if row["window_days"] == 30 and row["dimension_name"] == "overall"
        ]
        assert len(windows) > 60
        for window in windows:
            key = (window["date_day"],)
            assert rolling[key]["nps_responses_30d"] == window["nps_responses"], key
            _assert_rounded("nps_30d", key, rolling[key]["nps_30d"], window["nps"])


def test_nps_change_month_on_month(semantic: SemanticBuild) -> None:
    """nps_change_mom: the month's NPS less the previous month's, exact from the counts, and
    fct_cx_by_period's nps_change (overall, month) within the marts' rounding."""
    result = _by_key(
        semantic.query(["nps", "nps_change_mom"], ["metric_time__month"]), ("metric_time__month",)
    )
    months = _grouped(semantic.oracle["fct_cx_responses"], lambda row: (_month(row["response_date"]),))
    nps = {key: _response_measures(rows)["nps"] for key, rows in months.items()}
    assert len(nps) >= 3
    for (month,), value in nps.items():
        previous = nps.get((_month(month - timedelta(days=1)),))
        change = None if value is None or previous is None else value - previous
        _assert_exact("nps_change_mom", (month,), result[(month,)]["nps_change_mom"], change)
    for period in semantic.marts["fct_cx_by_period"]:
        if period["period_grain"] == "month" and period["dimension_name"] == "overall":
            key = (period["period_start_date"],)
            change = result[key]["nps_change_mom"]
            if period["nps_change"] is None:
                assert change is None, key
            else:
                # the mart's change is the difference of two rounded scores
                assert abs(Fraction(change) - Fraction(period["nps_change"])) <= 2 * ROUNDED, key


# --------------------------------------------------------------------------------------------
# Invitations, cases, and all three together
# --------------------------------------------------------------------------------------------


def _invitation_measures(rows: Rows) -> dict[str, Any]:
    sent = sum(row["invitations"] for row in rows)
    bounced = sum(row["bounced"] for row in rows)
    answered = sum(row["answered"] for row in rows)
    return {
        "invitations_sent": sent,
        "invitations_bounced": bounced,
        "invitations_answered": answered,
        "response_rate": _ratio(answered, sent - bounced),
    }


def test_response_rate_by_month_and_channel(semantic: SemanticBuild) -> None:
    """The response rate of the invitations sent in a month, by channel: from the oracle's and
    the warehouse's fct_invitations_daily counts."""
    metrics = ("invitations_sent", "invitations_bounced", "invitations_answered", "response_rate")
    group_by = ("metric_time__month", "invitation_batch__channel")
    result = _by_key(semantic.query(metrics, group_by), group_by)
    for source in (semantic.oracle, semantic.marts):
        groups = _grouped(
            source["fct_invitations_daily"], lambda row: (_month(row["sent_date"]), row["channel"])
        )
        assert len(groups) >= 6
        _assert_cells(result, {key: _invitation_measures(rows) for key, rows in groups.items()}, metrics)
    # a single day's cell is the mart's own response_rate
    days = _by_key(
        semantic.query(["response_rate"], ["metric_time__day", "invitation_batch__channel", "survey"]),
        ("metric_time__day", "invitation_batch__channel", "survey"),
    )
    for row in semantic.marts["fct_invitations_daily"]:
        key = (row["sent_date"], row["channel"], row["survey_id"])
        _assert_rounded("response_rate", key, days[key]["response_rate"], row["response_rate"])


def _case_measures(rows: Rows) -> dict[str, Any]:
    sla_known = [row for row in rows if row["is_sla_met"] is not None]
    sla_met = sum(row["is_sla_met"] is True for row in rows)
    next_response = [row for row in rows if row["is_recovered"] is not None]
    recovered = sum(row["is_recovered"] is True for row in rows)
    return {
        "cases": len(rows),
        "cases_opened": sum(row["status"] != "cancelled" for row in rows),
        "cases_sla_known": len(sla_known),
        "cases_sla_met": sla_met,
        "case_sla_met_pct": _ratio(sla_met, len(sla_known)),
        "cases_overdue": sum(row["is_overdue"] is True for row in rows),
        "case_recovery_pct": _ratio(recovered, len(next_response)),
    }


def test_cases_and_sla_by_month_and_team(semantic: SemanticBuild) -> None:
    """Cases opened, the SLA met and the recovery by the month they opened and team: from the
    oracle's case rows, and cases_opened from the warehouse's fct_followup_daily."""
    metrics = (
        "cases",
        "cases_opened",
        "cases_sla_known",
        "cases_sla_met",
        "case_sla_met_pct",
        "cases_overdue",
        "case_recovery_pct",
    )
    group_by = ("metric_time__month", "case__team")
    result = _by_key(semantic.query(metrics, group_by), group_by)
    cases = semantic.oracle["fct_followup_cases"]
    assert any(row["is_sla_met"] is True for row in cases) and any(
        row["is_sla_met"] is False for row in cases
    )
    groups = _grouped(cases, lambda row: (_month(row["opened_date"]), row["team"]))
    _assert_cells(result, {key: _case_measures(rows) for key, rows in groups.items()}, metrics)
    opened: dict[Key, int] = defaultdict(int)
    for row in semantic.marts["fct_followup_daily"]:
        opened[(_month(row["case_date"]), row["team"])] += row["cases_opened"]
    assert {key: count for key, count in opened.items() if count} == {
        key: row["cases_opened"] for key, row in result.items() if row["cases_opened"]
    }


def test_nps_response_rate_and_cases_by_survey_brand(semantic: SemanticBuild) -> None:
    """One query over the three semantic models, joined through the survey entity to
    dim_survey: NPS, response rate and cases opened by quarter and the survey's brand."""
    metrics = ("nps", "response_rate", "cases_opened")
    group_by = ("metric_time__quarter", "survey__brand")
    result = _by_key(semantic.query(metrics, group_by), group_by)
    brands = {row["survey_id"]: row["brand"] for row in semantic.oracle["dim_survey"]}
    oracle = semantic.oracle
    nps = {
        key: _response_measures(rows)["nps"]
        for key, rows in _grouped(
            oracle["fct_cx_responses"],
            lambda row: (_quarter(row["response_date"]), brands.get(row["survey_id"])),
        ).items()
    }
    rates = {
        key: _invitation_measures(rows)["response_rate"]
        for key, rows in _grouped(
            oracle["fct_invitations_daily"],
            lambda row: (_quarter(row["sent_date"]), brands.get(row["survey_id"])),
        ).items()
    }
    opened = {
        key: _case_measures(rows)["cases_opened"]
        for key, rows in _grouped(
            oracle["fct_followup_cases"],
            lambda row: (_quarter(row["opened_date"]), brands.get(row["survey_id"])),
        ).items()
    }
    assert len({brand for _, brand in nps} - {None}) >= 2
    assert sorted(result, key=repr) == sorted(set(nps) | set(rates) | set(opened), key=repr)
    for key, row in result.items():
        _assert_exact("nps", key, row["nps"], nps.get(key))
        _assert_exact("response_rate", key, row["response_rate"], rates.get(key))
        # a quarter and brand without a case: MetricFlow's outer join leaves the count empty
        _assert_exact("cases_opened", key, row["cases_opened"], opened.get(key))


# --------------------------------------------------------------------------------------------
# The definitions
# --------------------------------------------------------------------------------------------

#: The metrics the semantic layer promises (README, "Semantic layer (MetricFlow)").
PROMISED_METRICS = (
    "responses",
    "promoters",
    "passives",
    "detractors",
    "nps",
    "csat_pct",
    "ces_mean",
    "response_rate",
    "cases_opened",
    "case_sla_met_pct",
)


def test_definitions_are_complete_and_documented(semantic: SemanticBuild) -> None:
    """The promised metrics exist; every semantic model, dimension, measure and metric has a
    label and a description; every column of the response fact is a dimension or an entity;
    no measure averages (scores are derived from counts and sums)."""
    manifest = json.loads(
        (semantic.project / "target" / "semantic_manifest.json").read_text(encoding="utf-8")
    )
    metrics = {metric["name"]: metric for metric in manifest["metrics"]}
    assert set(PROMISED_METRICS) <= set(metrics)
    assert metrics["nps"]["type"] == "derived"
    problems = [
        f"metric {name}: no {field}"
        for name, metric in metrics.items()
        for field in ("label", "description")
        if not metric[field]
    ]
    models = {model["name"]: model for model in manifest["semantic_models"]}
    for model in models.values():
        problems += [
            f"semantic model {model['name']}: no {field}"
            for field in ("label", "description")
            if not model[field]
        ]
        for kind in ("dimensions", "measures"):
            problems += [
                f"{model['name']}.{element['name']}: no {field}"
                for element in model[kind]
                for field in ("label", "description")
                if not element[field]
            ]
        problems += [
            f"{model['name']}.{measure['name']}: averages"
            for measure in model["measures"]
            if measure["agg"] == "average"
        ]
    assert not problems, "\n".join(problems)
    responses = models["responses"]
    covered = {dimension["expr"] or dimension["name"] for dimension in responses["dimensions"]}
    covered |= {entity["expr"] or entity["name"] for entity in responses["entities"]}
    assert set(MART_COLUMNS["fct_cx_responses"]) - covered == set()


def test_the_monthly_scorecard_saved_query(semantic: SemanticBuild) -> None:
    """`mf query --saved-query cx_scorecard_monthly`: the headline numbers of each month, from
    the three semantic models at once, equal the oracle's."""
    result = _by_key(semantic.query(saved_query="cx_scorecard_monthly"), ("metric_time__month",))
    oracle = semantic.oracle
    responses = {
        key: _response_measures(rows)
        for key, rows in _grouped(
            oracle["fct_cx_responses"], lambda row: (_month(row["response_date"]),)
        ).items()
    }
    invitations = {
        key: _invitation_measures(rows)
        for key, rows in _grouped(
            oracle["fct_invitations_daily"], lambda row: (_month(row["sent_date"]),)
        ).items()
    }
    cases = {
        key: _case_measures(rows)
        for key, rows in _grouped(
            oracle["fct_followup_cases"], lambda row: (_month(row["opened_date"]),)
        ).items()
    }
    assert sorted(result) == sorted(set(responses) | set(invitations) | set(cases))
    for key, row in result.items():
        for metric in ("nps", "nps_responses", "csat_pct", "ces_mean"):
            _assert_exact(metric, key, row[metric], responses[key][metric] if key in responses else None)
        _assert_exact(
            "response_rate", key, row["response_rate"], invitations.get(key, {}).get("response_rate")
        )
        for metric in ("cases_opened", "case_sla_met_pct"):
            _assert_exact(metric, key, row[metric], cases.get(key, {}).get(metric))
