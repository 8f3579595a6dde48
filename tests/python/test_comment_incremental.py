"""The comment models read each comment once: incremental runs end equal to a full refresh.

A first build reads every comment; an arrival resubmits commented responses (one with a new
comment, one with an empty one, one with a comment where there was none) and adds new ones. The
incremental run must leave the six comment models and the comment marts equal to a full
refresh of the same files, cell by cell, and read only the new responses' comments (the
intermediates and the incremental marts fct_comment_insights and fct_comment_themes). When the
sentiment thresholds' vars change, the next run labels every stored score again. When a
reference seed changes (a CX team removes a theme's patterns from the taxonomy, then the English
stop words, which decide the languages the sentiment and the themes read), the next run reads
every comment again and the marts equal the oracle over the edited seeds. Each build selects
the comment marts and what they read (the marts downstream of the comments are compared after
incremental arrivals in test_incremental and test_programme).
"""

from __future__ import annotations

import csv
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
from harness import (
    SEEDS_DIR,
    assert_marts_equal,
    delete_seed_rows_and_build,
    expected_marts,
    read_marts,
    run_dbt,
)
from messy_data import COLUMNS

from nps_warehouse.generator import generate
from nps_warehouse.oracle import MART_COLUMNS, CommentSettings

#: The incremental comment models (their rows are compared whole, sorted).
COMMENT_MODELS = (
    "int_comment_clauses",
    "int_comment_tokens",
    "int_comment_languages",
    "int_comment_clause_sentiment",
    "int_comment_theme_mentions",
    "int_comment_terms",
)
#: Columns that say when or with what a row was read, not what it holds.
BOOKKEEPING = ("loaded_at", "reference_fingerprint")
#: The marts that read comments, compared whole; the builds select them and what they read.
COMMENT_MARTS = ("fct_comment_insights", "fct_comment_themes", "rpt_comment_keywords", "rpt_cx_drivers")
COMMENT_BUILD = ("--select", *(f"+{mart}" for mart in COMMENT_MARTS))


def _rows(database: Path, model: str) -> list[tuple]:
    connection = duckdb.connect(str(database), read_only=True)
    try:
        columns = [
            name
            for (name,) in connection.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'intermediate' and table_name = ? order by ordinal_position",
                [model],
            ).fetchall()
            if name not in BOOKKEEPING
        ]
        return sorted(
            connection.execute(f"select {', '.join(columns)} from intermediate.{model}").fetchall(),
            key=repr,
        )
    finally:
        connection.close()


def _loaded_at_counts(database: Path, model: str, schema: str = "intermediate") -> dict[str, int]:
    connection = duckdb.connect(str(database), read_only=True)
    try:
        return {
            str(loaded_at): count
            for loaded_at, count in connection.execute(
                f"select loaded_at, count(*) from {schema}.{model} group by loaded_at"
            ).fetchall()
        }
    finally:
        connection.close()


def _oracle(landing: Path, seeds: Path, **settings) -> dict[str, list[tuple]]:
    """The oracle's comment marts over the files of ``landing`` read with ``seeds``."""
    marts = expected_marts(str(landing), seeds, **settings)
    return {mart: marts[mart] for mart in COMMENT_MARTS}


def _write_responses(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({column: row.get(column, "") for column in COLUMNS})


def _commented_ids(database: Path) -> tuple[list[str], list[str]]:
    """Two published responses with a comment and one without (to resubmit)."""
    connection = duckdb.connect(str(database), read_only=True)
    try:
        with_comment = [
            row[0]
            for row in connection.execute(
                "select response_id from marts.fct_comment_insights order by response_id limit 2"
            ).fetchall()
        ]
        without = [
            row[0]
            for row in connection.execute(
                "select response_id from marts.fct_nps_responses where coalesce(trim(comment), '') = '' "
                "order by response_id limit 1"
            ).fetchall()
        ]
        return with_comment, without
    finally:
        connection.close()


def _resubmission(response_id: str, comment: str) -> dict[str, str]:
    return {
        "response_id": response_id,
        "survey_id": "S1",
        "customer_id": "C1",
        "submitted_at": "2026-07-20T09:00:00Z",
        "channel": "email",
        "region": "IDF",
        "segment": "smb",
        "agent_id": "A1",
        "score": "3",
        "comment": comment,
    }


def test_incremental_comment_models_equal_a_full_refresh_and_follow_their_seeds(tmp_path):
    landing = tmp_path / "landing"
    landing.mkdir()
    database = tmp_path / "nps.duckdb"
    generate(landing, rows=1200, seed=7, fmt="csv", files=1, start_date="2026-06-01", days=30, prefix="c1")
    first = run_dbt("build", database=database, raw=landing, work_dir=tmp_path, extra_args=COMMENT_BUILD)
    assert first.success, first.failures() or first.exception
    read_first = {
        model: _loaded_at_counts(database, model, schema)
        for model, schema in (
            ("int_comment_clauses", "intermediate"),
            ("fct_comment_insights", "marts"),
            ("fct_comment_themes", "marts"),
        )
    }

    (changed, emptied), (uncommented,) = _commented_ids(database)
    generate(
        landing,
        rows=200,
        seed=8,
        fmt="csv",
        files=1,
        start_date="2026-07-10",
        days=2,
        first_response=5001,
        resubmit_rate=0.2,
        resubmit_from_range=(1, 1200),
        prefix="c2",
    )
    _write_responses(
        landing / "c3_resubmissions.csv",
        [
            _resubmission(changed, "Attente interminable mais conseiller très aimable"),
            _resubmission(emptied, ""),
            _resubmission(uncommented, "The app keeps logging me out, so frustrating"),
        ],
    )
    second = run_dbt("build", database=database, raw=landing, work_dir=tmp_path, extra_args=COMMENT_BUILD)
    assert second.success, second.failures() or second.exception
    incremental = {model: _rows(database, model) for model in COMMENT_MODELS}
    incremental_marts = read_marts(database, only=COMMENT_MARTS)
    assert_marts_equal(incremental_marts, _oracle(landing, SEEDS_DIR))

    # the run read only the new comments, in the intermediates and in the comment marts: the
    # first build's rows kept their loaded_at, less the responses the arrival replaced
    for model, first_counts in read_first.items():
        schema = "intermediate" if model.startswith("int_") else "marts"
        read_second = _loaded_at_counts(database, model, schema)
        kept = {loaded_at: count for loaded_at, count in read_second.items() if loaded_at in first_counts}
        assert kept and all(kept[loaded_at] <= first_counts[loaded_at] for loaded_at in kept), model
        assert 0 < sum(read_second.values()) - sum(kept.values()) < sum(first_counts.values()) / 2, model
    # the emptied comment left no row; the new and the changed ones were read
    clauses = {row[0]: row for row in incremental["int_comment_clauses"]}
    assert emptied not in clauses and changed in clauses and uncommented in clauses
    themes = {(row[0], row[1]) for row in incremental["int_comment_theme_mentions"]}
    assert (changed, "wait_time") in themes and (uncommented, "digital_experience") in themes

    full_root = tmp_path / "full"
    full_root.mkdir()
    full = run_dbt(
        "build", database=full_root / "nps.duckdb", raw=landing, work_dir=full_root, extra_args=COMMENT_BUILD
    )
    assert full.success, full.failures() or full.exception
    for model in COMMENT_MODELS:
        assert incremental[model] == _rows(full_root / "nps.duckdb", model), model
    assert_marts_equal(incremental_marts, read_marts(full_root / "nps.duckdb", only=COMMENT_MARTS))

    # The sentiment thresholds change (vars): the next run, with nothing new, labels every
    # stored score again; back to the defaults, the labels are those of the defaults again.
    strict = {"cx_sentiment_positive_threshold": 0.3, "cx_sentiment_negative_threshold": -0.3}
    relabelled = run_dbt(
        "build", database=database, raw=landing, work_dir=tmp_path, dbt_vars=strict, extra_args=COMMENT_BUILD
    )
    assert relabelled.success, relabelled.failures() or relabelled.exception
    strict_marts = read_marts(database, only=COMMENT_MARTS)
    strict_settings = CommentSettings(positive_threshold=Decimal("0.3"), negative_threshold=Decimal("-0.3"))
    assert_marts_equal(strict_marts, _oracle(landing, SEEDS_DIR, comments=strict_settings))
    assert strict_marts["fct_comment_insights"] != incremental_marts["fct_comment_insights"]
    assert strict_marts["fct_comment_themes"] != incremental_marts["fct_comment_themes"]
    default = run_dbt("build", database=database, raw=landing, work_dir=tmp_path, extra_args=COMMENT_BUILD)
    assert default.success, default.failures() or default.exception
    assert_marts_equal(read_marts(database, only=COMMENT_MARTS), incremental_marts)

    # A CX team removes the `price` theme's patterns: the next run reads every comment again.
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    assert ("price",) in {row[1:2] for row in incremental["int_comment_theme_mentions"]}
    _drop_seed_rows_and_build(seeds, database, landing, tmp_path, "cx_comment_themes", "theme", "price")
    after_edit = read_marts(database, only=COMMENT_MARTS)
    assert "price" not in {row[1] for row in _rows(database, "int_comment_theme_mentions")}
    assert_marts_equal(after_edit, _oracle(landing, seeds))

    # The English stop words go: English comments become `other`, which reads both languages'
    # lexicons and taxonomies, so the sentiment and the themes are read again too.
    _drop_seed_rows_and_build(seeds, database, landing, tmp_path, "cx_stop_words", "language", "en")
    language = MART_COLUMNS["fct_comment_insights"].index("comment_language")
    after_stop_words = read_marts(database, only=COMMENT_MARTS)
    assert "en" not in {row[language] for row in after_stop_words["fct_comment_insights"]}
    assert_marts_equal(after_stop_words, _oracle(landing, seeds))


def _drop_seed_rows_and_build(
    seeds: Path, database: Path, landing: Path, work_dir: Path, seed: str, column: str, value: str
) -> None:
    """A CX team's edit of a comment seed: the rows whose ``column`` is ``value`` leave the seed's
    CSV (the oracle's copy) and its warehouse table, then a build that loads no seed runs."""
    path = seeds / "comments" / f"{seed}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, kept = reader.fieldnames, [row for row in reader if row[column] != value]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(kept)
    delete_seed_rows_and_build(
        database, seed, column, value, extra_args=COMMENT_BUILD, raw=landing, work_dir=work_dir
    )


def _duplicate_token(database: Path, response_id: str, loaded_at: str) -> None:
    """A copy of one token row of ``response_id`` with another ``loaded_at``: a row a rewrite left
    behind (the same key twice)."""
    connection = duckdb.connect(str(database))
    try:
        connection.execute(
            "insert into intermediate.int_comment_tokens "
            "select * replace (cast(? as timestamp) as loaded_at) from intermediate.int_comment_tokens "
            "where response_id = ? limit 1",
            [loaded_at, response_id],
        )
    finally:
        connection.close()


def _key_test(statuses: dict[str, str]) -> str:
    (status,) = [
        status for name, status in statuses.items() if "nps_unique_combination_int_comment_tokens" in name
    ]
    return status


def test_the_comment_key_tests_check_the_latest_load_and_every_row_of_its_responses(tmp_path):
    """The comment models' key tests read the responses of the latest load (where:
    latest_load_responses), their older rows included: a row a rewrite left behind fails the
    build's test; a duplicate in a response no load touched since is left to the nightly run
    (var nps_test_all_rows), which finds it."""
    landing = tmp_path / "landing"
    landing.mkdir()
    database = tmp_path / "nps.duckdb"
    generate(landing, rows=300, seed=11, fmt="csv", files=1, start_date="2026-06-01", days=10, prefix="k1")
    # the tokens and what they are built from, nothing else
    tokens_only = ("--select", "+int_comment_tokens")
    first = run_dbt("build", database=database, raw=landing, work_dir=tmp_path, extra_args=tokens_only)
    assert first.success, first.failures() or first.exception
    connection = duckdb.connect(str(database), read_only=True)
    try:
        (changed,), (untouched,) = connection.execute(
            "select distinct response_id from intermediate.int_comment_tokens order by response_id limit 2"
        ).fetchall()
    finally:
        connection.close()
    (first_load,) = _loaded_at_counts(database, "int_comment_tokens")
    _write_responses(
        landing / "k2_resubmission.csv",
        [_resubmission(changed, "Attente interminable, conseiller injoignable, remboursement refusé")],
    )
    second = run_dbt("build", database=database, raw=landing, work_dir=tmp_path, extra_args=tokens_only)
    assert second.success, second.failures() or second.exception

    def key_test(dbt_vars: dict | None = None) -> str:
        tested = run_dbt(
            "test",
            database=database,
            raw=landing,
            work_dir=tmp_path,
            dbt_vars=dbt_vars,
            extra_args=("--select", "int_comment_tokens"),
        )
        return _key_test(tested.statuses)

    # a duplicate in a response of the first load only: the build's scoped test leaves it to the
    # nightly run over every row, which finds it
    _duplicate_token(database, untouched, first_load)
    assert key_test() == "pass"
    assert key_test({"nps_test_all_rows": True}) == "fail"
    # an older row of the resubmitted response left beside its new one: the build's test finds it
    _duplicate_token(database, changed, first_load)
    assert key_test() == "fail"
