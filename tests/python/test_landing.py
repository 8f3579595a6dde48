"""Landing real exports: the landing config, presets, fingerprints, and the errors a user acts on.

Every failure here is checked twice: the message must name the feed and the file and say what
to set, and the marts of the last good build must be untouched. Builds run as ``make build``
does: the loader, then dbt, in-process, into throw-away DuckDB files.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from harness import PROJECT_DIR, SEEDS_DIR, DbtRun, assert_marts_equal, expected_marts, read_marts, run_dbt
from messy_data import COLUMNS

from nps_warehouse.oracle import compute_extra_columns
from nps_warehouse.sample_exports import (
    answers,
    with_daylight_saving_edges,
    write_delighted_export,
    write_excel_fr_export,
    write_qualtrics_export,
)


def explain(run: DbtRun, work_dir: Path) -> str:
    """Everything a user sees of a run: the loader's output and error, dbt's log."""
    parts = [str(run.exception or ""), *run.messages.values(), *run.load_output]
    log = work_dir / "logs" / "dbt.log"
    if log.exists():
        parts.append(log.read_text(encoding="utf-8"))
    return "\n".join(parts)


def _write_csv(path: Path, rows: list[list[str]], header: list[str] = COLUMNS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _row(response_id: str, submitted_at: str = "2026-06-01T10:00:00Z", score: str = "9") -> list[str]:
    return [response_id, "S1", "C1", submitted_at, "email", "IDF", "smb", "A1", score, "ok"]


class Warehouse:
    """One DuckDB warehouse built again and again from one landing folder (or config)."""

    def __init__(self, root: Path, raw: Path | None = None, config: Path | None = None) -> None:
        self.root = root
        self.raw = raw
        self.config = config
        self.database = root / "nps.duckdb"

    def build(self, *extra: str, dbt_vars: dict | None = None, data_tests: bool = False) -> DbtRun:
        return run_dbt(
            "build",
            database=self.database,
            raw=self.raw,
            work_dir=self.root,
            landing_config=self.config,
            extra_args=extra,
            dbt_vars=dbt_vars,
            data_tests=data_tests,
        )

    def good_build(self) -> dict:
        run = self.build()
        assert run.success, explain(run, self.root)[-4000:]
        return read_marts(self.database)

    def query(self, sql: str) -> list[tuple]:
        connection = duckdb.connect(str(self.database), read_only=True)
        try:
            return connection.sql(sql).fetchall()
        finally:
            connection.close()


@pytest.fixture(scope="module")
def plain_template(tmp_path_factory) -> tuple[Path, dict]:
    """A warehouse built once from two small CSV files of the default feed, named relatively
    (``landing/a.csv``) so that a copy of its folder is the same warehouse."""
    root = tmp_path_factory.mktemp("plain")
    landing = root / "landing"
    landing.mkdir()
    _write_csv(landing / "a.csv", [_row("R1"), _row("R2", score="3"), _row("R3", score="7")])
    _write_csv(
        landing / "b.csv", [_row("R4", "2026-06-02T10:00:00+02:00"), _row("R1", "2026-06-03T10:00:00Z", "5")]
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        warehouse = Warehouse(root, raw=Path("landing"))
        marts = warehouse.good_build()
    shutil.rmtree(root / "logs")
    return root, marts


@pytest.fixture
def plain(plain_template, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Warehouse:
    """A copy of the template warehouse, in the current folder of the test."""
    template, marts = plain_template
    root = tmp_path / "plain"
    shutil.copytree(template, root)
    monkeypatch.chdir(root)
    warehouse = Warehouse(root, raw=Path("landing"))
    warehouse.marts = marts
    return warehouse


def _fails_and_keeps_marts(warehouse: Warehouse, *expected: str) -> str:
    run = warehouse.build()
    text = explain(run, warehouse.root)
    assert not run.success
    for fragment in expected:
        assert fragment in text, f"{fragment!r} not in:\n{text[-3000:]}"
    assert read_marts(warehouse.database) == warehouse.marts
    return text


# --------------------------------------------------------------------------------------------
# Files that cannot be landed as they are
# --------------------------------------------------------------------------------------------


def test_an_empty_file_is_named_and_stops_the_load(plain):
    (plain.raw / "c.csv").write_bytes(b"")
    _fails_and_keeps_marts(plain, f"feed 'default': landing file {plain.raw / 'c.csv'} is empty (0 bytes")


def test_a_binary_file_is_named_and_stops_the_load(plain):
    (plain.raw / "c.csv").write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00binary\x00\x00")
    _fails_and_keeps_marts(
        plain,
        f"landing file {plain.raw / 'c.csv'} is not a text export: it looks like a zip archive, such as "
        "an Excel workbook (.xlsx)",
    )


def test_a_wrong_delimiter_says_which_one_to_set(plain):
    (plain.raw / "c.csv").write_text(
        ";".join(COLUMNS) + "\nR9;S1;C1;2026-06-01T10:00:00Z;sms;IDF;smb;A1;9;ok\n"
    )
    _fails_and_keeps_marts(
        plain,
        f"landing file {plain.raw / 'c.csv'}: the header looks `;`-separated, not `,`-separated",
        "set `delimiter: ';'` or `preset: excel_fr`",
    )


def test_a_bad_encoding_names_the_line_and_the_byte(plain):
    text = (
        ",".join(COLUMNS)
        + "\n"
        + ",".join(_row("R9"))
        + "\nR10,S1,C1,2026-06-01T10:00:00Z,sms,IDF,smb,A1,9,Très bien\n"
    )
    (plain.raw / "c.csv").write_bytes(text.encode("cp1252"))
    offset = text.encode("cp1252").index(b"\xe8")
    _fails_and_keeps_marts(
        plain,
        f"landing file {plain.raw / 'c.csv'} is not utf-8: line 3, byte {offset} (0xE8)",
        "Set `encoding: cp1252`",
    )


def test_a_bad_byte_far_into_a_file_names_its_line_and_byte(plain):
    rows = [_row(f"R{index}") for index in range(100, 3100)]
    rows.append([*_row("R9")[:-1], "Très bien"])
    path = _write_csv(plain.raw / "c.csv", rows)
    content = path.read_bytes().replace("Très".encode(), "Très".encode("cp1252"))
    path.write_bytes(content)
    assert len(content) > 100_000, "past what the header check reads"
    offset = content.index(bytes([0xE8]))
    _fails_and_keeps_marts(
        plain,
        f"landing file {path} is not utf-8: line 3002, byte {offset} (0xE8)",
        "Set `encoding: cp1252`",
        "DuckDB said:",
    )


def test_an_unbalanced_quote_names_the_line(plain):
    rows = (
        ",".join(COLUMNS)
        + "\n"
        + ",".join(_row("R9"))
        + '\nR10,S1,C1,2026-06-01T10:00:00Z,sms,IDF,smb,A1,9,"oops\n'
    )
    (plain.raw / "c.csv").write_text(rows + ",".join(_row("R11")) + "\n")
    _fails_and_keeps_marts(plain, f"landing file {plain.raw / 'c.csv'}, line 3 (data row 2): a quote opened")


def test_a_row_with_too_many_fields_names_the_line(plain):
    rows = [_row("R9"), [*_row("R10")[:-1], "unquoted, comma"], _row("R11")]
    path = plain.raw / "c.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(",".join(COLUMNS) + '\n"multi\nline",' + ",".join(_row("R8")[1:]) + "\n")
        for row in rows:
            handle.write(",".join(row) + "\n")
    text = _fails_and_keeps_marts(
        plain, f"landing file {path}, line 5 (data row 3): the row has 11 fields, more than"
    )
    assert "DuckDB said:" in text


def test_the_bad_file_among_several_new_ones_is_named(plain):
    """New files are read together; the error still names the one that cannot be read."""
    _write_csv(plain.raw / "c.csv", [_row("R9"), _row("R10")])
    _write_csv(plain.raw / "d.csv", [_row("R11"), [*_row("R12"), "one field too many"]])
    _write_csv(plain.raw / "e.csv", [_row("R13")])
    text = _fails_and_keeps_marts(
        plain, f"landing file {plain.raw / 'd.csv'}, line 3 (data row 2): the row has 11 fields"
    )
    assert (
        f"landing file {plain.raw / 'c.csv'}," not in text
        and f"landing file {plain.raw / 'e.csv'}," not in text
    )


def test_a_missing_required_column_names_it_and_the_headers(plain):
    header = [column for column in COLUMNS if column != "score"]
    _write_csv(plain.raw / "c.csv", [[*_row("R9")[:-2], "ok"]], header)
    _fails_and_keeps_marts(
        plain,
        f"landing file {plain.raw / 'c.csv'}: required column 'score' not found",
        "The export's headers are",
    )


def test_a_missing_optional_column_warns_and_reads_null(plain):
    header = [column for column in COLUMNS if column not in ("region", "segment")]
    _write_csv(
        plain.raw / "c.csv", [["R9", "S1", "C1", "2026-06-01T10:00:00Z", "sms", "A1", "9", "ok"]], header
    )
    run = plain.build()
    text = explain(run, plain.root)
    assert run.success, text[-3000:]
    assert f"{plain.raw / 'c.csv'} has no column for region, segment" in text
    assert f"Landing: {plain.raw / 'c.csv'} (feed default) has no column for region, segment" in text
    assert plain.query("select region, segment from marts.fct_nps_responses where response_id = 'R9'") == [
        ("unknown", "unknown")
    ]


def test_a_header_only_file_loads_nothing_and_says_so(plain):
    _write_csv(plain.raw / "c.csv", [])
    run = plain.build()
    text = explain(run, plain.root)
    assert run.success, text[-3000:]
    assert f"{plain.raw / 'c.csv'} has a header but no data rows" in text
    assert f"Landing: {plain.raw / 'c.csv'} (feed default) has a header but no data row." in text
    assert f"default {plain.raw / 'c.csv'}: read 0, accepted 0" in text
    after = read_marts(plain.database)
    assert after.pop("rpt_load_history")[-1][2:8:5] == (str(plain.raw / "c.csv"), 0)
    assert after == {mart: rows for mart, rows in plain.marts.items() if mart != "rpt_load_history"}


def test_only_header_only_files_warn_that_the_marts_are_empty(tmp_path):
    landing = tmp_path / "landing"
    landing.mkdir()
    _write_csv(landing / "a.csv", [])
    warehouse = Warehouse(tmp_path, raw=landing)
    run = warehouse.build()
    text = explain(run, tmp_path)
    assert run.success, text[-3000:]
    assert "The warehouse holds no accepted response: the marts are empty." in text
    validate = [
        sys.executable,
        str(PROJECT_DIR / "scripts" / "validate_marts.py"),
        "--duckdb-path",
        str(warehouse.database),
    ]
    failed = subprocess.run([*validate, "--failures-only"], capture_output=True, text=True, check=False)
    assert failed.returncode == 1, failed.stdout[-2000:]
    assert "pass --allow-empty when that is expected" in failed.stdout
    allowed = subprocess.run([*validate, "--allow-empty"], capture_output=True, text=True, check=False)
    assert allowed.returncode == 0, allowed.stdout[-2000:]


# --------------------------------------------------------------------------------------------
# Fingerprints
# --------------------------------------------------------------------------------------------


def test_a_same_size_edit_stops_the_load(plain):
    path = plain.raw / "a.csv"
    content = path.read_bytes()
    edited = content.replace(
        b"R3,S1,C1,2026-06-01T10:00:00Z,email,IDF,smb,A1,7",
        b"R3,S1,C1,2026-06-01T10:00:00Z,email,IDF,smb,A1,2",
    )
    assert edited != content and len(edited) == len(content)
    path.write_bytes(edited)
    _fails_and_keeps_marts(
        plain,
        f"landing file {path} (feed 'default') changed since it was loaded on",
        "put new rows in a new file, or reload every file and rebuild every model with `make build "
        "DBT_ARGS=--full-refresh`",
    )
    run = plain.build("--full-refresh")
    assert run.success, explain(run, plain.root)[-3000:]
    assert plain.query("select nps_score from marts.fct_nps_responses where response_id = 'R3'") == [(2,)]


def test_a_file_copied_anew_with_the_same_bytes_is_not_a_change(plain):
    path = plain.raw / "a.csv"
    copy = plain.root / "copy.csv"
    shutil.copyfile(path, copy)
    path.unlink()
    shutil.copyfile(copy, path)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    run = plain.build()
    assert run.success, explain(run, plain.root)[-3000:]
    assert read_marts(plain.database) == plain.marts
    recorded = plain.query(
        f"select file_modified_ns from raw.landing_file_loads where source_file = '{path}'"
    )
    assert recorded == [(path.stat().st_mtime_ns,)], "the new modification time is recorded"


def test_a_loaded_file_whose_feed_settings_change_stops_the_load(tmp_path):
    exports = tmp_path / "exports"
    exports.mkdir()
    _write_csv(exports / "a.csv", [_row("R1")])
    config = tmp_path / "landing.yml"
    config.write_text("feeds:\n  - {name: f, source: responses, path: exports}\n")
    warehouse = Warehouse(tmp_path, config=config)
    warehouse.marts = warehouse.good_build()
    config.write_text("feeds:\n  - {name: f, source: responses, path: exports, timezone: Europe/Paris}\n")
    _fails_and_keeps_marts(
        warehouse,
        "feed 'f' changed since",
        "timezone: None then, 'Europe/Paris' now",
        "DBT_ARGS=--full-refresh",
    )


def test_files_no_feed_matches_any_more_are_named(plain):
    """Moving from NPS_RAW_RESPONSES to a landing config in the same warehouse keeps the rows
    loaded before; the loader says so rather than mixing them in silently."""
    (plain.root / "other").mkdir()
    _write_csv(plain.root / "other" / "x.csv", [_row("X1")])
    (plain.root / "landing.yml").write_text("feeds:\n  - {name: other, source: responses, path: other}\n")
    plain.config = Path("landing.yml")
    run = plain.build()
    text = explain(run, plain.root)
    assert run.success, text[-3000:]
    assert "NPS_RAW_RESPONSES (landing) is ignored: landing.yml lists the feeds to load." in text
    assert "2 loaded file(s) of feed 'default' are no longer matched by any feed" in text


def test_raw_tables_reloaded_without_rebuilding_are_refused(plain):
    from nps_warehouse.landing import load_landing

    load_landing(
        target="duckdb",
        spec=str(plain.raw),
        use_config=False,
        full_refresh=True,
        duckdb_path=str(plain.database),
        progress=lambda message: None,
    )
    run = run_dbt("build", database=plain.database, raw=plain.raw, work_dir=plain.root, load=False)
    assert not run.success
    assert "The raw tables were reloaded from scratch" in explain(run, plain.root)


def test_dbt_alone_before_any_load_says_to_run_the_loader(tmp_path):
    run = run_dbt("build", database=tmp_path / "nps.duckdb", raw=None, work_dir=tmp_path, load=False)
    assert not run.success
    assert "load the landing files first with `.venv/bin/python scripts/load_landing.py`" in explain(
        run, tmp_path
    )


# --------------------------------------------------------------------------------------------
# The landing config
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def config_template(tmp_path_factory) -> tuple[Path, dict]:
    """A warehouse built once from one feed of a landing.yml in its folder, named relatively."""
    root = tmp_path_factory.mktemp("config")
    exports = root / "exports"
    exports.mkdir()
    _write_csv(exports / "a.csv", [_row("R1"), _row("R2", score="4")])
    _write_csv(exports / "b.csv", [_row("R3")], header=[*COLUMNS[:-1], "Commentaire"])
    (root / "landing.yml").write_text("feeds:\n  - {name: base, source: responses, path: exports/a.csv}\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        marts = Warehouse(root, config=Path("landing.yml")).good_build()
    shutil.rmtree(root / "logs")
    return root, marts


def _config_case(template: tuple[Path, dict], tmp_path: Path, monkeypatch, text: str) -> Warehouse:
    """A copy of the template warehouse whose landing.yml now says ``text``."""
    root = tmp_path / "config"
    shutil.copytree(template[0], root)
    monkeypatch.chdir(root)
    (root / "landing.yml").write_text(text)
    warehouse = Warehouse(root, config=Path("landing.yml"))
    warehouse.marts = template[1]
    return warehouse


@pytest.mark.parametrize(
    ("feed", "expected"),
    [
        (
            "{name: b, source: responses, path: exports/b.csv, delimeter: ';'}",
            "feed 'b': unknown key(s) delimeter",
        ),
        (
            "{name: b, source: responses, path: exports/b.csv, preset: qualtrix}",
            "feed 'b': key `preset`: unknown preset 'qualtrix'",
        ),
        (
            "{name: b, source: responses, path: exports/b.csv, columns: {comment: Comment}}",
            "feed 'b': landing file exports/b.csv: key `columns.comment` maps it to 'Comment', "
            "which the export does not have",
        ),
        (
            "{name: b, source: responses, path: exports/*.csv}",
            "landing file exports/a.csv is matched by feed 'base' and by feed 'b' (key `path`)",
        ),
        (
            "{name: b, source: responses, path: exports/b.csv, timezone: Europe/Pariss}",
            "feed 'b': key `timezone`: unknown time zone 'Europe/Pariss'",
        ),
        (
            "{name: b, source: responses, path: exports/b.csv, "
            "timestamp_format: [iso8601, '%d/%m/%Y %Hh%M']}",
            None,
        ),
        ("{name: b, source: survey, path: exports/b.csv}", "feed 'b': key `source`: unknown source 'survey'"),
        (
            "{name: b, source: responses, path: exports/b.csv, columns: {scor: Note}}",
            "key `columns.scor`: 'scor' is not a column of the responses contract",
        ),
        ("{name: base, source: responses, path: exports/b.csv}", "feed name(s) base used more than once"),
    ],
)
def test_a_config_error_names_the_feed_and_the_key(config_template, tmp_path, monkeypatch, feed, expected):
    text = "feeds:\n  - {name: base, source: responses, path: exports/a.csv}\n  - " + feed + "\n"
    warehouse = _config_case(config_template, tmp_path, monkeypatch, text)
    if expected is None:  # a format with letters between its directives is valid
        run = warehouse.build()
        assert run.success, explain(run, warehouse.root)[-3000:]
        return
    _fails_and_keeps_marts(warehouse, "landing.yml: ", expected)


def test_a_config_with_an_unknown_top_level_key_fails(config_template, tmp_path, monkeypatch):
    text = "feeds:\n  - {name: base, source: responses, path: exports/a.csv}\nfeed: []\n"
    warehouse = _config_case(config_template, tmp_path, monkeypatch, text)
    _fails_and_keeps_marts(warehouse, "unknown top-level key(s) feed")


def test_columns_constants_and_extra_columns_reach_staging(tmp_path):
    exports = tmp_path / "exports"
    exports.mkdir()
    header = ["ID", "Quand", "Note", "Verbatim", "CSAT", "Âge", "CSAT"]
    rows = [
        ["X1", "2026-06-01 10:00", "9", "top", "5", "41", "4"],
        ["X2", "2026-06-01 11:00", "", "", "", "", ""],
    ]
    _write_csv(exports / "x.csv", rows, header)
    config = tmp_path / "landing.yml"
    config.write_text(
        "feeds:\n  - name: crm\n    source: responses\n    path: exports\n"
        "    columns: {response_id: id, submitted_at: QUAND, score: note, comment: Verbatim, channel: null}\n"
        "    constants: {survey_id: SRV-1, region: idf}\n"
    )
    warehouse = Warehouse(tmp_path, config=config)
    warehouse.good_build()
    staged = warehouse.query(
        "select staged.response_id, staged.survey_id, staged.region, staged.channel_raw_trimmed, "
        "raw_values.extra_columns, staged.feed_name from staging.stg_nps_survey__responses as staged "
        "join staging.stg_nps_survey__raw_responses as raw_values "
        "using (load_id, source_file, source_row_number) order by source_row_number"
    )
    assert [row[:4] for row in staged] == [("X1", "SRV-1", "IDF", None), ("X2", "SRV-1", "IDF", None)]
    assert json.loads(staged[0][4]) == {"CSAT": "5", "Âge": "41", "CSAT#2": "4"}
    assert json.loads(staged[1][4]) == {"CSAT": None, "Âge": None, "CSAT#2": None}
    assert {row[5] for row in staged} == {"crm"}
    (load,) = warehouse.query("select missing_columns from raw.landing_file_loads")
    assert load == ("customer_id,segment,agent_id",), (
        "channel is mapped to null on purpose: no warning for it"
    )


def test_dry_run_checks_without_writing(tmp_path):
    exports = tmp_path / "exports"
    exports.mkdir()
    _write_csv(exports / "a.csv", [_row("R1")])
    config = tmp_path / "landing.yml"
    config.write_text("feeds:\n  - {name: f, source: responses, path: exports}\n")
    script = [
        sys.executable,
        str(PROJECT_DIR / "scripts" / "load_landing.py"),
        "--config",
        str(config),
        "--dry-run",
    ]
    environment = {**os.environ, "NPS_DUCKDB_PATH": str(tmp_path / "nps.duckdb"), "NPS_TARGET": "duckdb"}
    completed = subprocess.run(script, capture_output=True, text=True, env=environment, check=False)
    assert completed.returncode == 0, completed.stderr
    assert "1 would load" in completed.stderr
    assert not (tmp_path / "nps.duckdb").exists(), "a dry run writes nothing, not even the warehouse file"
    (exports / "b.csv").write_text("a;b;c\n1;2;3\n")
    completed = subprocess.run(script, capture_output=True, text=True, env=environment, check=False)
    assert completed.returncode == 1
    assert "the header looks `;`-separated" in completed.stderr


# --------------------------------------------------------------------------------------------
# Real exports, through their presets, against the oracle
# --------------------------------------------------------------------------------------------


def write_preset_exports(root: Path, seed: int) -> Path:
    """Messy exports of the three presets and the landing.yml that lands them."""
    exports = root / "exports"
    write_qualtrics_export(
        exports / "qualtrics" / "rel_a.csv",
        with_daylight_saving_edges(
            answers(seed, 150, datetime(2026, 9, 20), 60, ("anonymous", "email", "sms")), "Europe/Paris"
        ),
        seed=seed,
    )
    write_qualtrics_export(
        exports / "qualtrics" / "rel_b.csv",
        answers(seed + 1, 80, datetime(2026, 11, 1), 20, ("anonymous", "email")),
        numeric_values=True,
        timezone="America/Denver",
        seed=seed + 1,
    )
    write_delighted_export(
        exports / "delighted" / "trx.csv",
        with_daylight_saving_edges(
            answers(seed + 2, 120, datetime(2026, 10, 1), 61, ("Email", "SMS", "Web", "Link")),
            "America/New_York",
        ),
        seed=seed + 2,
    )
    write_excel_fr_export(
        exports / "excel" / "cc.csv",
        with_daylight_saving_edges(
            answers(seed + 3, 120, datetime(2026, 10, 1), 31, ("Téléphone", "Chat", "Appel")), "Europe/Paris"
        ),
        seed=seed + 3,
    )
    config = root / "landing.yml"
    config.write_text(
        """\
feeds:
  - name: qualtrics
    source: responses
    path: exports/qualtrics/*.csv
    preset: qualtrics
    columns: {score: Q1, comment: Q3}
    constants: {survey_id: REL}
  - name: delighted
    source: responses
    path: exports/delighted/
    preset: delighted
    columns: {customer_id: Customer ID}
  - name: excel
    source: responses
    path: exports/excel/*.csv
    preset: excel_fr
    columns:
      response_id: N° dossier
      submitted_at: Date
      channel: Canal
      region: Région
      agent_id: Conseiller
      score: Note
      comment: Commentaire
""",
        encoding="utf-8",
    )
    return config


@pytest.fixture(scope="module")
def preset_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("presets")
    config = write_preset_exports(root, seed=41)
    warehouse = Warehouse(root, config=config)
    run = warehouse.build()
    assert run.success, explain(run, root)[-4000:]
    warehouse.run = run
    return warehouse


def test_preset_exports_match_the_oracle(preset_build):
    expected = expected_marts(None, SEEDS_DIR, config=preset_build.config)
    assert_marts_equal(read_marts(preset_build.database), expected)
    reasons = {row[3] for row in expected["rpt_rejected_rows"]}
    assert {"test_response", "unfinished_response", "invalid_score"} <= reasons


def test_preset_exports_keep_every_other_column(preset_build):
    expected = compute_extra_columns(None, config=preset_build.config)
    staged = preset_build.query(
        "select source_file, source_row_number, extra_columns from staging.stg_nps_survey__raw_responses"
    )
    assert {(file, row): json.loads(extra) for file, row, extra in staged} == expected
    qualtrics = [json.loads(extra) for file, _, extra in staged if "qualtrics" in file]
    assert all({"Q1_NPS_GROUP", "Q2", "Progress"} <= set(extra) for extra in qualtrics)


def test_daylight_saving_edges_follow_the_rule(preset_build):
    rows = dict(
        preset_build.query(
            "select raw_submitted_at, cast(submitted_at as varchar) from staging.stg_nps_survey__responses "
            "join staging.stg_nps_survey__raw_responses using (load_id, source_file, source_row_number) "
            "where raw_submitted_at in ('2026-03-29 02:30:15', '2026-10-25 02:30:45', '29/03/2026 02:30', "
            "'25/10/2026 02:30', '29/03/2026 02:30:15', '25/10/2026 02:30:45')"
        )
    )
    ambiguous = {text: value for text, value in rows.items() if "10" in text[3:5] or "-10-" in text}
    nonexistent = {text: value for text, value in rows.items() if text not in ambiguous}
    assert ambiguous and nonexistent
    assert all(value.startswith("2026-10-25 01:30") for value in ambiguous.values()), ambiguous
    assert all(value.startswith("2026-03-29 01:30") for value in nonexistent.values()), nonexistent


def test_qualtrics_dates_are_read_in_the_zone_the_export_names(preset_build):
    zones = dict(
        preset_build.query(
            "select distinct source_file, source_timezone from staging.stg_nps_survey__responses "
            "where feed_name = 'qualtrics'"
        )
    )
    assert {Path(file).name: zone for file, zone in zones.items()} == {
        "rel_a.csv": "Europe/Paris",
        "rel_b.csv": "America/Denver",
    }


def test_the_build_summary_lists_every_file_and_a_total(preset_build):
    text = explain(preset_build.run, preset_build.root)
    assert "Landing summary of this build (4 file(s)):" in text
    history = preset_build.query(
        "select feed_name, source_file, rows_read, accepted, rejected, superseded from audit.rpt_load_history"
    )
    for feed, file, read, accepted, rejected, superseded in history:
        assert f"{feed} {file}: read {read}, accepted {accepted}, rejected {rejected}" in text
        assert f"superseded {superseded}" in text
    total = sum(row[2] for row in history)
    assert f"total: read {total}, accepted {sum(row[3] for row in history)}" in text


def test_a_new_file_of_a_feed_builds_incrementally_like_a_full_refresh(tmp_path):
    config = write_preset_exports(tmp_path, seed=7)
    warehouse = Warehouse(tmp_path, config=config)
    warehouse.good_build()
    write_excel_fr_export(
        tmp_path / "exports" / "excel" / "cc_2.csv",
        answers(99, 60, datetime(2026, 10, 20), 20, ("Chat", "Appel")),
        seed=99,
        id_prefix="CC-",  # the same ids again: later answers supersede earlier ones
    )
    incremental = warehouse.good_build()
    assert_marts_equal(incremental, expected_marts(None, SEEDS_DIR, config=config))
    run = warehouse.build("--full-refresh")
    assert run.success, explain(run, tmp_path)[-3000:]
    assert read_marts(warehouse.database) == incremental


def test_a_mass_rejection_is_explained_and_its_rows_are_queryable(tmp_path):
    exports = tmp_path / "exports"
    exports.mkdir()
    # a French Excel export landed without its preset: nothing parses
    write_excel_fr_export(
        exports / "cc.csv", answers(5, 40, datetime(2026, 10, 1), 10, ("Chat",)), messy=False
    )
    config = tmp_path / "landing.yml"
    config.write_text(
        "feeds:\n  - name: cc\n    source: responses\n    path: exports\n    delimiter: ';'\n"
        "    encoding: cp1252\n    columns: {response_id: N° dossier, submitted_at: Date, score: Note}\n",
        encoding="utf-8",
    )
    warehouse = Warehouse(tmp_path, config=config)
    run = warehouse.build(data_tests=True)
    text = explain(run, tmp_path)
    assert not run.success
    assert run.statuses["assert_rejected_share_within_limits"] == "fail"
    assert "the build stopped: 100.0 % of the 40 rows staged at" in text
    assert f"from {exports / 'cc.csv'}. Top reasons: invalid_submitted_at 40" in text
    assert "select * from audit.rpt_rejected_rows where loaded_at = '" in text
    rejected = warehouse.query("select reason, count(*) from audit.rpt_rejected_rows group by reason")
    assert rejected == [("invalid_submitted_at", 40)], (
        "the rejected rows are queryable after the failed build"
    )


def test_gzip_tsv_and_utf16_exports(tmp_path):
    exports = tmp_path / "exports"
    exports.mkdir()

    def lines(first: str, second: str) -> list[str]:
        return ["\t".join(COLUMNS), "\t".join(_row(first)), "\t".join(_row(second, score="6"))]

    with gzip.open(exports / "a.tsv.gz", "wt", encoding="utf-8", newline="") as handle:
        handle.write("\n".join(lines("T1", "T2")) + "\n")
    (exports / "b.tsv").write_bytes(("\r\n".join(lines("U1", "U2")) + "\r\n").encode("utf-16"))
    config = tmp_path / "landing.yml"
    config.write_text(
        "feeds:\n  - {name: tsv, source: responses, path: 'exports/*.tsv.gz'}\n"
        "  - {name: utf16, source: responses, path: exports/b.tsv, encoding: utf-16}\n"
    )
    warehouse = Warehouse(tmp_path, config=config)
    marts = warehouse.good_build()
    assert_marts_equal(marts, expected_marts(None, SEEDS_DIR, config=config))
    assert [row[0] for row in marts["fct_nps_responses"]] == ["T1", "T2", "U1", "U2"]
