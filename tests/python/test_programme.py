"""The CX programme's five sources through the warehouse, against the oracle, cell by cell.

Generated messy data of every source (responses with CSAT and CES, CRM and workforce extracts
with their histories, contact-centre interactions, invitations) is built on DuckDB (and on
PostgreSQL and Spark by marker) and compared with the Python oracle's marts; later arrivals of
every source - a customer extract that changes a tier after responses were published, an agent
moving team, late invitations - end equal to a full refresh.
"""

from __future__ import annotations

import csv
from collections import Counter
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from harness import (
    SEEDS_DIR,
    Warehouse,
    assert_marts_equal,
    delete_seed_rows_and_build,
    expected_marts,
    read_marts,
    run_dbt,
)

from nps_warehouse.contract import MART_COLUMNS, MART_SCHEMAS, PROGRAMME_SOURCES, SOURCE_AUDITS
from nps_warehouse.generator import generate_programme
from nps_warehouse.oracle import FollowupSettings, StatsSettings


def _sources(landing: Path) -> dict[str, Path]:
    return {source: landing / source for source in PROGRAMME_SOURCES}


def _oracle(landing: Path, **settings: Any) -> dict:
    """The oracle's marts of the landing's programme (``settings``: compute_marts' keywords)."""
    return expected_marts(
        str(landing), SEEDS_DIR, sources={s: str(p) for s, p in _sources(landing).items()}, **settings
    )


@pytest.fixture(scope="module")
def programme_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    landing = tmp_path_factory.mktemp("programme") / "landing"
    generate_programme(
        landing, rows=4000, files=3, fmt="mixed", seed=29, days=75, end_date="2026-10-31", messy_rate=0.08
    )
    return landing


@pytest.fixture(scope="module")
def programme_build(tmp_path_factory: pytest.TempPathFactory, programme_landing: Path) -> dict:
    root = tmp_path_factory.mktemp("programme_build")
    run = run_dbt(
        "build",
        database=root / "nps.duckdb",
        raw=programme_landing,
        work_dir=root,
        sources=_sources(programme_landing),
        data_tests=True,
    )
    assert run.success, run.failures() or run.exception
    return read_marts(root / "nps.duckdb")


def test_every_mart_equals_the_oracle(programme_build, programme_landing):
    assert_marts_equal(programme_build, _oracle(programme_landing))


def test_every_source_and_mart_holds_rows(programme_build):
    for mart, rows in programme_build.items():
        assert rows, mart
    statuses = {
        source: {
            row[MART_COLUMNS[SOURCE_AUDITS[source]].index("status")]
            for row in programme_build[SOURCE_AUDITS[source]]
        }
        for source in PROGRAMME_SOURCES
    }
    for source, seen in statuses.items():
        assert {"accepted", "rejected", "superseded"} <= seen, source


def _nps(rows: list[dict]) -> Decimal:
    promoters = sum(row["promoters"] for row in rows)
    detractors = sum(row["detractors"] for row in rows)
    return Decimal(100 * (promoters - detractors)) / sum(row["nps_responses"] for row in rows)


def test_the_analyst_questions_are_answered_from_the_marts(programme_build):
    """CSAT in Brittany, NPS of gold customers aged 25-34, team B versus team A at the time of
    each response, the response rate by channel: from the marts alone, equal to recomputing
    from the response-level fact."""
    columns = MART_COLUMNS["fct_cx_daily_by_dimension"]
    cube = [dict(zip(columns, row, strict=True)) for row in programme_build["fct_cx_daily_by_dimension"]]
    responses = [
        dict(zip(MART_COLUMNS["fct_cx_responses"], row, strict=True))
        for row in programme_build["fct_cx_responses"]
    ]
    october = [
        r
        for r in cube
        if r["dimension_name"] == "region"
        and r["dimension_value"] == "BRE"
        and r["response_date"].month == 10
    ]
    satisfied = sum(r["csat_satisfied"] for r in october)
    answered = [
        r
        for r in responses
        if r["region"] == "BRE" and r["response_date"].month == 10 and r["csat_score"] is not None
    ]
    assert satisfied == sum(1 for r in answered if r["csat_score"] >= 4) and answered
    gold_25_34 = [
        r
        for r in responses
        if r["loyalty_tier"] == "gold" and r["age_band"] == "25-34" and r["nps_score"] is not None
    ]
    assert len(gold_25_34) > 20
    teams = {
        team: [r for r in cube if r["dimension_name"] == "team" and r["dimension_value"] == team]
        for team in ("team_a", "team_b", "team_d")
    }
    assert _nps(teams["team_d"]) < _nps(teams["team_a"]) and _nps(teams["team_d"]) < _nps(teams["team_b"])
    rates = {}
    for row in programme_build["fct_invitations_daily"]:
        cell = dict(zip(MART_COLUMNS["fct_invitations_daily"], row, strict=True))
        sent, answered_count = rates.get(cell["channel"], (0, 0))
        rates[cell["channel"]] = (
            sent + cell["invitations"] - cell["bounced"],
            answered_count + cell["answered"],
        )
    share = {channel: answered_count / sent for channel, (sent, answered_count) in rates.items()}
    assert share["email"] < share["sms"] < share["whatsapp"]


def _rows(marts: dict, mart: str) -> list[dict]:
    return [dict(zip(MART_COLUMNS[mart], row, strict=True)) for row in marts[mart]]


def test_the_agent_marts_exercise_their_cases(programme_build):
    """The generated data holds what the agents' marts must get right: agents under the minimum,
    an agent with a row per team in a month (a move), a team of one agent in a month (a team code
    of the workforce's messy rows), teams ranked, and quarters whose teams correlate."""
    agents = _rows(programme_build, "fct_agent_performance")
    teams = _rows(programme_build, "fct_team_performance")
    engagement = _rows(programme_build, "rpt_team_engagement")
    assert any(row["is_below_min_responses"] and row["rank_in_team"] is None for row in agents)
    rows_per_agent_month = Counter((row["month_start_date"], row["agent_id"]) for row in agents)
    assert any(count > 1 for count in rows_per_agent_month.values())
    assert any(row["agents"] == 1 for row in teams)
    assert {row["rank_among_teams"] for row in teams} >= {1, 2, 3, 4, 5, 6}
    assert any(row["enps_nps_correlation"] is not None and row["correlated_teams"] >= 4 for row in engagement)
    assert any(row["team"] == "unknown" and not row["is_in_correlation"] for row in engagement)


def test_no_personal_data_reaches_a_bi_mart():
    personal = {"email", "phone", "birth_date", "city", "postal_code", "agent_name"}
    for mart, columns in MART_COLUMNS.items():
        if MART_SCHEMAS[mart] == "marts":
            assert not personal & set(columns), mart


def test_later_arrivals_of_every_source_equal_a_full_refresh(tmp_path):
    landing = tmp_path / "landing"
    generate_programme(landing, rows=2500, files=2, fmt="csv", seed=31, days=60, end_date="2026-09-30")
    root = tmp_path / "incremental"
    root.mkdir()
    database = root / "nps.duckdb"
    first = run_dbt("build", database=database, raw=landing, work_dir=root, sources=_sources(landing))
    assert first.success, first.failures() or first.exception
    before = read_marts(database)
    first_responses = sorted(landing.glob("*.csv"))
    # October: new responses, resubmissions of September's, customer extracts changing tiers and
    # addresses of customers who answered in September, agents moving team, late invitations
    generate_programme(
        landing,
        rows=900,
        files=1,
        fmt="csv",
        seed=31,
        start_date="2026-10-01",
        days=20,
        first_response=2501,
        resubmit_rate=0.05,
        resubmit_from_range=(1, 2500),
        label="m2",
    )
    # and corrections that reach back into September: a CRM extract dated mid-August giving some
    # customers who answered in September another tier, and the contact centre's re-export of
    # some of September's interactions with their real wait and transfers
    corrected = _write_late_corrections(landing, first_responses)
    second = run_dbt(
        "build",
        database=database,
        raw=landing,
        work_dir=root,
        sources=_sources(landing),
        dbt_vars={"nps_reprocess_days": 0},
    )
    assert second.success, second.failures() or second.exception
    incremental = read_marts(database)
    assert_marts_equal(incremental, _oracle(landing))
    full_root = tmp_path / "full"
    full_root.mkdir()
    full = run_dbt(
        "build", database=full_root / "nps.duckdb", raw=landing, work_dir=full_root, sources=_sources(landing)
    )
    assert full.success
    assert_marts_equal(incremental, read_marts(full_root / "nps.duckdb"))
    # the corrections changed responses published before them
    columns = MART_COLUMNS["fct_cx_responses"]
    response, interaction = columns.index("response_id"), columns.index("interaction_id")
    wait_band, tier = columns.index("wait_time_band"), columns.index("loyalty_tier")
    was = {row[response]: row for row in before["fct_cx_responses"]}
    now = {row[response]: row for row in incremental["fct_cx_responses"]}
    reached = [key for key, row in was.items() if row[interaction] in corrected["interactions"]]
    assert reached and all(now[key][wait_band] == "10m+" != was[key][wait_band] for key in reached)
    assert any(now[key][tier] != row[tier] for key, row in was.items() if key in now)
    # the incremental ranked rows of every source, and the histories, are those of the full refresh
    for model in (*RANKED_ROWS, *VERSIONS, "int_customer_response_summaries"):
        assert _table_rows(database, model) == _table_rows(full_root / "nps.duckdb", model), model
    # October's workforce extract repeats most agents as they were: their versions are rebuilt
    # but not changed, so fct_cx_responses does not take their responses again
    connection = duckdb.connect(str(database), read_only=True)
    try:
        repeated = connection.execute(
            "select count(*) from intermediate.int_agent_versions where loaded_at > changed_at"
        ).fetchone()[0]
    finally:
        connection.close()
    assert repeated > 0
    # the later extracts changed what September's responses had at their time
    history = MART_COLUMNS["dim_customer_history"]
    assert len(incremental["dim_customer_history"]) > len(before["dim_customer_history"])
    assert incremental["dim_agent_history"] != before["dim_agent_history"]
    assert history  # columns in use

    # e-mail's aliases leave nps_channel_aliases (its invitations now map to `other`): the next
    # incremental build ranks those invitations again, as a full refresh with the edited seed does
    for root_dir, full_refresh in ((root, ()), (full_root, ("--full-refresh",))):
        delete_seed_rows_and_build(
            root_dir / "nps.duckdb",
            "nps_channel_aliases",
            "channel",
            "email",
            extra_args=full_refresh,
            raw=landing,
            work_dir=root_dir,
            sources=_sources(landing),
            dbt_vars={"nps_reprocess_days": 0},
        )
    channel = MART_COLUMNS["fct_invitations_daily"].index("channel")
    after_edit = read_marts(database)
    assert "other" in {row[channel] for row in after_edit["fct_invitations_daily"]}
    assert "email" not in {row[channel] for row in after_edit["fct_invitations_daily"]}
    assert _table_rows(database, "int_invitation_rows_ranked") == _table_rows(
        full_root / "nps.duckdb", "int_invitation_rows_ranked"
    )
    full_after_edit = read_marts(full_root / "nps.duckdb")
    assert after_edit["fct_invitations_daily"] == full_after_edit["fct_invitations_daily"]

    # `dbt build --full-refresh` without a reload: the raw tables keep both months' loads, the
    # other sources' October loads numbered between the responses' loads; the build (seeds
    # restored) gives the marts of before the edit, and every data test passes, the audit's
    # reconciliation of each responses load included
    rebuilt = run_dbt(
        "build",
        database=database,
        raw=landing,
        work_dir=root,
        sources=_sources(landing),
        extra_args=("--full-refresh",),
        load=False,
        data_tests=True,
    )
    assert rebuilt.success, rebuilt.failures() or rebuilt.exception
    assert_marts_equal(read_marts(database), incremental)


def _write_late_corrections(landing: Path, response_files: list[Path]) -> dict[str, set[str]]:
    """Writes a customer extract dated 2026-08-15 changing the tier of ten customers who answered
    after that date, and a re-export of ten answered interactions with a 25-minute wait and three
    transfers (files named to be the latest, so their rows win); returns the ids."""
    answered = []
    for path in response_files:
        with path.open(newline="", encoding="utf-8") as handle:
            answered += [row for row in csv.DictReader(handle) if (row["submitted_at"] or "") >= "2026-08-16"]
    candidates = {
        key: {row[key].strip() for row in answered if (row[key] or "").strip()}
        for key in ("customer_id", "interaction_id")
    }
    written = {}
    for source, key, change in (
        ("customers", "customer_id", _customer_correction),
        ("interactions", "interaction_id", _interaction_correction),
    ):
        rows, header = {}, None
        for path in sorted((landing / source).glob("*.csv")):
            with path.open(newline="", encoding="utf-8") as handle:
                reader = csv.DictReader(handle)
                header = reader.fieldnames
                rows.update(
                    {
                        (row[key] or "").strip(): row
                        for row in reader
                        if (row[key] or "").strip() in candidates[key]
                    }
                )
        ids = sorted(rows)[:10]
        assert len(ids) == 10, source
        with (landing / source / "zz_late_corrections.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=header)
            writer.writeheader()
            writer.writerows(change(dict(rows[key_value])) for key_value in ids)
        written[source] = set(ids)
    return written


def test_the_ranked_rows_key_tests_check_every_row_of_the_keys_of_the_latest_load(tmp_path):
    """The ranked rows' key tests (where: latest_load_keys) read every row of the keys with a row
    of the latest load, their older rows included: a raw row ranked twice in a key the build
    touched fails the build's test; one in a key no load touched since is left to the nightly
    run (var nps_test_all_rows), which finds it."""
    landing = tmp_path / "landing"
    generate_programme(landing, rows=300, files=1, fmt="csv", seed=37, days=20, end_date="2026-09-30")
    database = tmp_path / "nps.duckdb"
    warehouse = {"database": database, "raw": landing, "work_dir": tmp_path, "sources": _sources(landing)}
    ranked_only = ("--select", "+int_invitation_rows_ranked")
    first = run_dbt("build", **warehouse, extra_args=ranked_only)
    assert first.success, first.failures() or first.exception
    with (landing / "invitations" / "invitations_0001.csv").open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header, rows = reader.fieldnames, list(reader)
    resent, untouched = rows[0], rows[1]
    # the same invitation sent again, in a file of its own: the next build ranks its key again
    with (landing / "invitations" / "invitations_0003.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerow({**resent, "delivery_status": "bounced"})
    second = run_dbt("build", **warehouse, extra_args=ranked_only)
    assert second.success, second.failures() or second.exception

    def key_test(dbt_vars: dict | None = None) -> str:
        tested = run_dbt(
            "test", **warehouse, dbt_vars=dbt_vars, extra_args=("--select", "int_invitation_rows_ranked")
        )
        (status,) = [
            status
            for name, status in tested.statuses.items()
            if "nps_unique_combination_int_invitation_rows_ranked" in name
        ]
        return status

    assert key_test() == "pass"
    # the untouched invitation's row ranked twice: the build's test leaves it to the nightly run
    _rank_twice(database, untouched["invitation_id"].strip())
    assert key_test() == "pass"
    assert key_test({"nps_test_all_rows": True}) == "fail"
    # the older row of the invitation sent again, ranked twice: the build's test finds it
    _rank_twice(database, resent["invitation_id"].strip())
    assert key_test() == "fail"


def _rank_twice(database: Path, invitation_id: str) -> None:
    """A copy of the earliest-loaded ranked row of ``invitation_id``: one raw row ranked twice."""
    connection = duckdb.connect(str(database))
    try:
        copied = connection.execute(
            "insert into intermediate.int_invitation_rows_ranked "
            "select * from intermediate.int_invitation_rows_ranked where invitation_id = ? "
            "order by loaded_at limit 1",
            [invitation_id],
        ).fetchone()[0]
    finally:
        connection.close()
    assert copied == 1


def _customer_correction(row: dict[str, str]) -> dict[str, str]:
    row["updated_at"] = "2026-08-15T00:00:00Z"
    row["loyalty_tier"] = "bronze" if row["loyalty_tier"].strip().lower() == "platinum" else "platinum"
    return row


def _interaction_correction(row: dict[str, str]) -> dict[str, str]:
    row["wait_seconds"] = "1500"
    row["transfers"] = "3"
    return row


#: The incremental tables of every source's valid rows, ranked within their key.
RANKED_ROWS = (
    "int_customer_rows_ranked",
    "int_agent_rows_ranked",
    "int_engagement_answer_rows_ranked",
    "int_interaction_rows_ranked",
    "int_case_event_rows_ranked",
    "int_invitation_rows_ranked",
)

#: The incremental histories built from the ranked rows, rebuilt by key.
VERSIONS = ("int_customer_versions", "int_agent_versions")


def _table_rows(database: Path, model: str) -> list[tuple]:
    """The rows of an intermediate table, without the load ids, build times and what hashes them
    (each warehouse's own)."""
    connection = duckdb.connect(str(database), read_only=True)
    try:
        columns = {row[0] for row in connection.execute(f"describe intermediate.{model}").fetchall()}
        lineage = ", ".join(
            column
            for column in ("load_id", "loaded_at", "changed_at", "summarised_at", "responses_fingerprint")
            if column in columns
        )
        query = f"select * exclude ({lineage}) from intermediate.{model}"
        return sorted(connection.execute(query).fetchall(), key=repr)
    finally:
        connection.close()


def _summarised_since(database: Path, instant: datetime | None) -> tuple[int, int, datetime]:
    """(customers summarised after ``instant``, customers, the latest summarised_at)."""
    connection = duckdb.connect(str(database), read_only=True)
    try:
        return connection.execute(
            "select count(*) filter (where ? is null or summarised_at > ?), count(*), max(summarised_at) "
            "from intermediate.int_customer_response_summaries",
            [instant, instant],
        ).fetchone()
    finally:
        connection.close()


def test_the_customer_summaries_follow_as_of_and_equal_a_full_refresh(tmp_path):
    """fct_customer_health reads int_customer_response_summaries, kept by customer: a build
    summarises again only the customers whose responses' fingerprint changed. Short windows
    make as_of's moves cross their edges; each build equals the oracle at its as_of. Each build
    selects the mart and what it is built from (five builds of the whole project took 164 s)."""
    landing = tmp_path / "landing"
    generate_programme(landing, rows=2500, files=2, fmt="csv", seed=37, days=60, end_date="2026-09-30")
    windows = {"cx_health_window_days": 20, "cx_repeat_detractor_days": 7}
    root = tmp_path / "incremental"
    root.mkdir()
    database = root / "nps.duckdb"
    oracles: dict[str, dict] = {}

    def build(as_of: str, work_dir: Path, *extra: str) -> dict:
        run = run_dbt(
            "build",
            database=work_dir / "nps.duckdb",
            raw=landing,
            work_dir=work_dir,
            sources=_sources(landing),
            dbt_vars={"cx_as_of": as_of, **windows},
            extra_args=("--select", "+fct_customer_health", *extra),
        )
        assert run.success, run.failures() or run.exception
        if as_of not in oracles:  # 13 s each; two as_of are built twice
            oracles[as_of] = _oracle(
                landing,
                followup_settings=FollowupSettings(
                    as_of=datetime.fromisoformat(as_of), health_window_days=20, repeat_detractor_days=7
                ),
            )
        expected = oracles[as_of]
        health = "fct_customer_health"
        assert_marts_equal(read_marts(work_dir / "nps.duckdb", only=(health,)), {health: expected[health]})
        return expected

    # as_of inside the history: the later responses are not known yet
    build("2026-09-10 12:00:00", root)
    first, customers, latest = _summarised_since(database, None)
    assert first == customers > 0
    # the same as_of: nothing changed, no customer is summarised again
    build("2026-09-10 12:00:00", root)
    assert _summarised_since(database, latest)[0] == 0
    # later: the responses of two more weeks become known and older ones leave both windows;
    # only the customers they belong to are summarised again
    build("2026-09-24 08:00:00", root)
    again, customers_later, latest = _summarised_since(database, latest)
    assert 0 < again < customers_later and customers_later > customers
    # back before most of the history: the customers whose every response is later leave
    build("2026-08-20 00:00:00", root)
    again, customers_back, _ = _summarised_since(database, latest)
    assert customers_back < customers and again > 0

    full_root = tmp_path / "full"
    full_root.mkdir()
    build("2026-08-20 00:00:00", full_root, "--full-refresh")
    model = "int_customer_response_summaries"
    assert _table_rows(database, model) == _table_rows(full_root / "nps.duckdb", model)


@pytest.mark.postgres
def test_every_mart_equals_the_oracle_on_postgres(tmp_path, programme_landing):
    warehouse = Warehouse("postgres", tmp_path)
    try:
        run = warehouse.build(programme_landing, sources=_sources(programme_landing), data_tests=True)
        assert run.success, run.failures() or run.messages or run.exception
        assert_marts_equal(warehouse.marts(), _oracle(programme_landing))
    finally:
        warehouse.drop()


@pytest.mark.spark
def test_every_mart_equals_the_oracle_on_spark(tmp_path, programme_landing):
    warehouse = Warehouse("spark", tmp_path)
    try:
        run = warehouse.build(programme_landing, sources=_sources(programme_landing), data_tests=True)
        assert run.success, run.failures() or run.messages or run.exception
        assert_marts_equal(warehouse.marts(), _oracle(programme_landing))
    finally:
        warehouse.drop()


def test_statistics_follow_their_vars(tmp_path, programme_landing):
    """Another confidence level, minimum, false discovery rate, spike window and severity: every
    interval, test and alert of the marts equals the oracle's under the same settings."""
    settings = {
        "cx_confidence_level": 0.9,
        "cx_min_responses": 20,
        "cx_alert_fdr": 0.1,
        "cx_alert_detractor_window_days": 14,
        "cx_alert_high_severity": {"nps": 5},
        "cx_agent_min_responses": 2,
        "cx_shrinkage_k": 5,
        "cx_engagement_min_responses": 3,
    }
    run = run_dbt(
        "build",
        database=tmp_path / "nps.duckdb",
        raw=programme_landing,
        work_dir=tmp_path,
        sources=_sources(programme_landing),
        dbt_vars=settings,
        extra_args=("--exclude-resource-type", "unit_test"),
    )
    assert run.success, run.failures() or run.exception
    stats = StatsSettings(
        confidence_level="0.90",
        min_responses=20,
        alert_fdr=0.1,
        detractor_window_days=14,
        high_severity={"nps": 5},
        agent_min_responses=2,
        shrinkage_k=5,
        engagement_min_responses=3,
    )
    expected = expected_marts(
        str(programme_landing),
        SEEDS_DIR,
        sources={s: str(p) for s, p in _sources(programme_landing).items()},
        stats=stats,
    )
    actual = read_marts(tmp_path / "nps.duckdb")
    assert_marts_equal(actual, expected)
    # the settings changed something: narrower intervals, more alerts than at the defaults
    assert actual["fct_cx_alerts"] != _oracle(programme_landing)["fct_cx_alerts"]
    # at a minimum of 2 responses agents are ranked, and some share a rank (equal shrunk NPS)
    agents = _rows(actual, "fct_agent_performance")
    ranked = Counter(
        (row["month_start_date"], row["team"], row["rank_in_team"]) for row in agents if row["rank_in_team"]
    )
    assert any(rank == 1 for _, _, rank in ranked)
    assert any(count > 1 for count in ranked.values())


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"cx_confidence_level": 0.8}, "supported levels are 0.90, 0.95, 0.99"),
        ({"cx_min_responses": "thirty"}, "var cx_min_responses is thirty"),
        ({"cx_alert_fdr": 2}, "var cx_alert_fdr is 2"),
        ({"cx_alert_high_severity": {"npss": 5}}, "var cx_alert_high_severity"),
    ],
)
def test_a_wrong_statistics_var_stops_the_build_with_what_to_set(tmp_path, settings, message):
    run = run_dbt(
        "compile",
        database=tmp_path / "nps.duckdb",
        raw=None,
        work_dir=tmp_path,
        dbt_vars=settings,
        extra_args=("--select", "fct_cx_alerts"),
    )
    assert not run.success
    assert message in str(run.exception) + " ".join(run.messages.values())


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"cx_agent_min_responses": 0}, "var cx_agent_min_responses is 0"),
        ({"cx_shrinkage_k": 2.5}, "var cx_shrinkage_k is 2.5"),
        ({"cx_engagement_min_responses": "five"}, "var cx_engagement_min_responses is five"),
    ],
)
def test_a_wrong_agent_var_stops_the_build_with_what_to_set(tmp_path, settings, message):
    run = run_dbt(
        "compile",
        database=tmp_path / "nps.duckdb",
        raw=None,
        work_dir=tmp_path,
        dbt_vars=settings,
        extra_args=("--select", "fct_agent_performance", "rpt_team_engagement"),
    )
    assert not run.success
    assert message in str(run.exception) + " ".join(run.messages.values())
