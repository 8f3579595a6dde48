"""Tests of the synthetic survey-export generator (nps_warehouse.generator) and its CLI."""

from __future__ import annotations

import csv
import gzip
import importlib.util
import itertools
import re
import subprocess
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from nps_warehouse.generator import (
    COLUMNS,
    INVALID_SCORE_LITERALS,
    OUTPUT_COLUMNS,
    UNMAPPED_CHANNELS,
    BatchSpec,
    OutputExistsError,
    build_rows,
    generate,
    output_file_names,
    write_csv,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "scripts" / "generate_responses.py"
WHITESPACE = " \t\r\n"

# --------------------------------------------------------------------------------------------------
# Helpers: an independent reading of the README rules, enough to classify generated rows
# --------------------------------------------------------------------------------------------------

_TS = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|([+-])(\d{2}):(\d{2}))?"
)
_SCORE = re.compile(r"0*(\d+)(?:\.0+)?")


def parse_submitted_at(raw: str) -> datetime | None:
    """UTC datetime of a valid submitted_at (README rule 2), None when invalid."""
    match = _TS.fullmatch(raw.strip(WHITESPACE))
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, _, sign, off_h, off_m = match.groups()
    if not 1000 <= int(year) <= 2999 or int(hour) > 23 or int(minute) > 59 or int(second or 0) > 59:
        return None
    if sign and (int(off_h) > 23 or int(off_m) > 59):
        return None
    try:
        value = datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second or 0),
            int((fraction or "0").ljust(6, "0")),
        )
    except ValueError:
        return None
    if sign:
        offset = timedelta(hours=int(off_h), minutes=int(off_m))
        value = value - offset if sign == "+" else value + offset
    return value


def parse_score(raw: str, low: int = 0, high: int = 10) -> int | str | None:
    """low..high, "missing" when empty after trimming, None when invalid (README rule 3; CSAT is
    1..5 and CES 1..7 with the same spelling rules)."""
    value = raw.strip(WHITESPACE)
    if not value:
        return "missing"
    match = _SCORE.fullmatch(value)
    if not match or not low <= int(match.group(1)) <= high:
        return None
    return int(match.group(1))


def parse_csat(raw: str) -> int | str | None:
    return parse_score(raw, 1, 5)


def parse_ces(raw: str) -> int | str | None:
    return parse_score(raw, 1, 7)


def row_status(row: dict[str, str]) -> str:
    """accepted, or the reason of the first rule the row fails (resubmissions aside): an id, a
    timestamp and at least one valid metric of the three; all three empty -> missing_score."""
    if not row["response_id"].strip(WHITESPACE):
        return "missing_response_id"
    if parse_submitted_at(row["submitted_at"]) is None:
        return "invalid_submitted_at"
    metrics = [parse_score(row["score"]), parse_csat(row["csat_score"]), parse_ces(row["ces_score"])]
    if any(isinstance(m, int) for m in metrics):
        return "accepted"
    return "missing_score" if all(m == "missing" for m in metrics) else "invalid_score"


def channel_key(raw: str) -> str:
    value = raw.strip(WHITESPACE).lower()
    value = "".join(ch for ch in unicodedata.normalize("NFKD", value) if not unicodedata.combining(ch))
    return value.replace(" ", "").replace("-", "").replace("_", "")


def seed_aliases() -> dict[str, str]:
    with open(REPO_ROOT / "seeds" / "nps_channel_aliases.csv", newline="", encoding="utf-8") as f:
        return {channel_key(row["alias"]): row["channel"] for row in csv.DictReader(f)}


def read_rows(path: Path) -> list[dict[str, str]]:
    """Data rows of a generated file, empty fields as ""."""
    if path.name.endswith(".parquet"):
        return [{k: v or "" for k, v in row.items()} for row in pq.read_table(path).to_pylist()]
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def read_all(paths: list[Path]) -> list[dict[str, str]]:
    rows = []
    for path in paths:
        for number, row in enumerate(read_rows(path), start=1):
            rows.append({**row, "_file": path.name, "_row": number})
    return rows


def nps(scores: list[int]) -> float:
    promoters = sum(s >= 9 for s in scores)
    detractors = sum(s <= 6 for s in scores)
    return 100.0 * (promoters - detractors) / len(scores)


# --------------------------------------------------------------------------------------------------
# Shared samples (module scope keeps the suite fast)
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], list[dict[str, str]]]:
    """A 6,000-row, 3-file mixed batch with the default rates."""
    out = tmp_path_factory.mktemp("sample")
    result = generate(out, rows=6000, files=3, fmt="mixed")
    return result.files, read_all(result.files)


@pytest.fixture(scope="module")
def big_table() -> pa.Table:
    """20,000 rows in memory, for statistics."""
    return build_rows(BatchSpec(rows=20_000))


# --------------------------------------------------------------------------------------------------
# Files, determinism, counts, chunking
# --------------------------------------------------------------------------------------------------


def test_same_arguments_give_identical_bytes(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", rows=3000, files=3, fmt="mixed", seed=7)
    second = generate(tmp_path / "b", rows=3000, files=3, fmt="mixed", seed=7)
    assert [p.name for p in first.files] == [p.name for p in second.files]
    for a, b in zip(first.files, second.files, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_another_seed_gives_other_data(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", rows=1000, seed=1).files[0].read_bytes()
    b = generate(tmp_path / "b", rows=1000, seed=2).files[0].read_bytes()
    assert a != b


def test_row_counts_and_file_names(tmp_path: Path) -> None:
    result = generate(tmp_path, rows=1001, files=4, fmt="mixed")
    assert [p.name for p in result.files] == [
        "responses_0001.csv",
        "responses_0002.parquet",
        "responses_0003.csv",
        "responses_0004.parquet",
    ]
    assert result.rows_per_file == [250, 250, 250, 251]
    assert [len(read_rows(p)) for p in result.files] == result.rows_per_file
    assert sorted(p.name for p in tmp_path.iterdir()) == [p.name for p in result.files]  # no temp files left


def test_file_names_sort_in_order() -> None:
    names = output_file_names(12_000, "csv")
    assert names == sorted(names)
    assert names[0] == "responses_00001.csv"


def test_chunking_keeps_counts_and_bytes(tmp_path: Path) -> None:
    chunked = generate(tmp_path / "chunked", rows=2500, files=2, chunk_rows=300)
    whole = generate(tmp_path / "whole", rows=2500, files=2, chunk_rows=100_000)
    assert [len(read_rows(p)) for p in chunked.files] == [1250, 1250]
    for a, b in zip(chunked.files, whole.files, strict=True):
        assert a.read_bytes() == b.read_bytes()
    parquet = generate(tmp_path / "pq", rows=2500, fmt="parquet", chunk_rows=300).files[0]
    metadata = pq.ParquetFile(parquet).metadata
    assert metadata.num_rows == 2500 and metadata.num_row_groups == 9


def test_rows_can_be_built_in_any_slice() -> None:
    spec = BatchSpec(rows=3000, resubmit_rate=0.2, messy_rate=0.3)
    whole = build_rows(spec)
    parts = [build_rows(spec, a, min(a + 700, 3000)) for a in range(0, 3000, 700)]
    assert pa.concat_tables(parts).equals(whole)
    assert build_rows(spec, 1234, 1300).equals(whole.slice(1234, 66))


def test_csv_gzip_is_deterministic_and_equals_csv(tmp_path: Path) -> None:
    plain = generate(tmp_path / "plain", rows=1500).files[0]
    gz1 = generate(tmp_path / "gz1", rows=1500, fmt="csv.gz").files[0]
    gz2 = generate(tmp_path / "gz2", rows=1500, fmt="csv.gz").files[0]
    assert gz1.name == "responses_0001.csv.gz"
    assert gz1.read_bytes() == gz2.read_bytes()
    assert gzip.decompress(gz1.read_bytes()) == plain.read_bytes()


def test_existing_output_needs_overwrite(tmp_path: Path) -> None:
    generate(tmp_path, rows=1000, files=3)
    with pytest.raises(OutputExistsError):
        generate(tmp_path, rows=1000)
    result = generate(tmp_path, rows=1000, overwrite=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["responses_0001.csv"]
    generate(tmp_path, rows=1000, prefix="responses_day91")  # another prefix is no clash
    assert len(list(tmp_path.iterdir())) == 2 and result.files[0].exists()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"rows": 0},
        {"files": 0},
        {"rows": 10, "files": 11},
        {"fmt": "json"},
        {"days": 0},
        {"resubmit_rate": 0.9},
        {"messy_rate": -0.1},
        {"resubmit_from_range": (10, 5)},
        {"prefix": "../x"},
        {"start_date": "2026-01-01", "end_date": "2026-02-01"},
    ],
)
def test_invalid_arguments_are_rejected(tmp_path: Path, kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        generate(tmp_path, **kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------------
# Format: header, columns, CSV quoting
# --------------------------------------------------------------------------------------------------


def test_header_and_columns(sample: tuple[list[Path], list[dict[str, str]]]) -> None:
    files, _ = sample
    csv_file = next(p for p in files if p.suffix == ".csv")
    assert csv_file.read_bytes().split(b"\n", 1)[0] == ",".join(OUTPUT_COLUMNS).encode()
    assert OUTPUT_COLUMNS[: len(COLUMNS)] == COLUMNS
    assert OUTPUT_COLUMNS[len(COLUMNS) :] == (
        "language",
        "touchpoint",
        "brand",
        "business_unit",
        "interaction_id",
        "invitation_id",
        "csat_score",
        "ces_score",
    )
    schema = pq.read_schema(next(p for p in files if p.suffix == ".parquet"))
    assert schema.names == list(OUTPUT_COLUMNS)
    assert all(field.type == pa.string() for field in schema)


def test_csv_round_trips_through_the_csv_module(tmp_path: Path) -> None:
    table = build_rows(BatchSpec(rows=4000, messy_rate=0.2))
    path = tmp_path / "t.csv"
    write_csv(path, table)
    expected = [tuple(row.values()) for row in table.to_pylist()]
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f, strict=True)
        assert tuple(next(reader)) == OUTPUT_COLUMNS
        assert [tuple(row) for row in reader] == expected
    comments = table.column("comment").to_pylist()
    assert any("\n" in c for c in comments) and any("\r\n" in c for c in comments)
    assert any('"' in c for c in comments) and any("," in c for c in comments)
    assert any(c == "" for c in comments)
    # Line ends are LF: every CR of the file is inside a quoted value.
    raw = path.read_bytes()
    assert raw.count(b"\r") == sum(v.count("\r") for row in expected for v in row)
    assert raw.endswith(b"\n")


def test_parquet_writes_empty_fields_as_null(sample: tuple[list[Path], list[dict[str, str]]]) -> None:
    files, _ = sample
    table = pq.read_table(next(p for p in files if p.suffix == ".parquet"))
    comments = table.column("comment").to_pylist()
    assert None in comments and "" not in comments


# --------------------------------------------------------------------------------------------------
# Messy cases
# --------------------------------------------------------------------------------------------------


def test_every_invalid_score_kind_is_present(sample: tuple[list[Path], list[dict[str, str]]]) -> None:
    _, rows = sample
    scores = Counter(row["score"] for row in rows)
    missing = [v for v in INVALID_SCORE_LITERALS if v not in scores]
    assert not missing
    assert all(parse_score(v) in (None, "missing") for v in INVALID_SCORE_LITERALS)
    trimmed = {s.strip(WHITESPACE) for s in scores}
    assert {"0", "10"} <= trimmed
    assert any(re.fullmatch(r"0+\d+", s) for s in trimmed)  # 08, 010
    assert any(re.fullmatch(r"\d+\.0+", s) for s in trimmed)  # 9.0, 10.00
    assert any(s != s.strip(WHITESPACE) and s.strip(WHITESPACE) for s in scores)  # " 7 "
    assert " " in scores or "  " in scores  # whitespace only -> missing_score


def test_submitted_at_variants_are_present(sample: tuple[list[Path], list[dict[str, str]]]) -> None:
    _, rows = sample
    values = [row["submitted_at"] for row in rows]
    valid = [v.strip(WHITESPACE) for v in values if parse_submitted_at(v) is not None]
    invalid = [v for v in values if parse_submitted_at(v) is None]
    checks = {
        "Z": r".*Z",
        "positive offset": r".*\+\d\d:\d\d",
        "negative offset": r".*-\d\d:\d\d",
        "no offset": r"[\d-]+[T ][\d:.]+",
        "T": r"\d{4}-\d\d-\d\dT.*",
        "space": r"\d{4}-\d\d-\d\d .*",
        "no seconds": r"\S+[T ]\d\d:\d\d(Z|[+-].*)?",
        **{f"{n}-digit fraction": rf".*:\d\d\.\d{{{n}}}(Z|[+-].*)?" for n in range(1, 7)},
    }
    for name, pattern in checks.items():
        assert any(re.fullmatch(pattern, v) for v in valid), name
    invalid_checks = {
        "empty": r"",
        "word": r"yesterday",
        "30 February": r"\d{4}-02-30.*",
        "month 13": r"\d{4}-13-.*",
        "hour 24": r".*[T ]24:00.*",
        "offset +24:00": r".*\+24:00",
        "7-digit fraction": r".*\.\d{7}Z",
        "slashes": r"\d{4}/\d\d/\d\d .*",
    }
    for name, pattern in invalid_checks.items():
        assert any(re.fullmatch(pattern, v) for v in invalid), name
    assert any(v != v.strip(WHITESPACE) for v in valid + [v for v in values if v not in invalid])


def test_response_id_and_multiple_failures(sample: tuple[list[Path], list[dict[str, str]]]) -> None:
    _, rows = sample
    ids = [row["response_id"] for row in rows]
    assert "" in ids
    assert any(v and not v.strip(WHITESPACE) for v in ids)  # whitespace only
    assert any(v.strip(WHITESPACE) and v != v.strip(WHITESPACE) for v in ids)  # padded, valid
    several = [
        row
        for row in rows
        if sum(
            [
                not row["response_id"].strip(WHITESPACE),
                parse_submitted_at(row["submitted_at"]) is None,
                parse_score(row["score"]) in (None, "missing"),
            ]
        )
        >= 2
    ]
    assert len(several) >= 5


def test_dimension_values_are_messy_but_mappable(sample: tuple[list[Path], list[dict[str, str]]]) -> None:
    _, rows = sample
    aliases = seed_aliases()
    channels = Counter(row["channel"] for row in rows)
    for value in channels:
        key = channel_key(value)
        assert not key or key in aliases or value in UNMAPPED_CHANNELS, value
    assert all(channel_key(v) not in aliases for v in UNMAPPED_CHANNELS)
    assert any(channel_key(v) == "" for v in channels)
    assert any(v in UNMAPPED_CHANNELS for v in channels)
    assert any(v != v.lower() and channel_key(v) in aliases for v in channels)  # case
    assert any(v != unicodedata.normalize("NFKD", v) for v in channels)  # accents
    assert any(v != v.strip(WHITESPACE) for v in channels)  # padding
    assert {aliases[channel_key(v)] for v in channels if channel_key(v) in aliases} == set(aliases.values())

    with open(REPO_ROOT / "seeds" / "nps_regions.csv", newline="", encoding="utf-8") as f:
        codes = {row["region"] for row in csv.DictReader(f)} - {"unknown"}
    regions = Counter(row["region"].strip(WHITESPACE).upper() for row in rows)
    assert codes <= set(regions) and "" in regions
    assert set(regions) - codes - {""}  # an unknown code such as DOM
    assert any(r["region"] != r["region"].strip(WHITESPACE).upper() for r in rows)
    segments = Counter(row["segment"].strip(WHITESPACE).lower() for row in rows)
    assert {"consumer", "smb", "mid_market", "enterprise", ""} <= set(segments)
    assert any(r["segment"] != r["segment"].strip(WHITESPACE).lower() for r in rows)
    for column in ("customer_id", "agent_id", "survey_id"):
        values = [row[column] for row in rows]
        assert "" in values and any(v != v.strip(WHITESPACE) for v in values), column


def test_only_safe_letters_in_dimension_values(big_table: pa.Table) -> None:
    allowed = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_\t")
    allowed |= set("éèêàçôîûùëïÉÈÊÀÇÔÎÛÙËÏ")
    for column in ("channel", "region", "segment"):
        for value in set(big_table.column(column).to_pylist()):
            assert set(value) <= allowed, (column, value)


def test_duckdb_agrees_on_case_and_accents(big_table: pa.Table) -> None:
    duckdb = pytest.importorskip("duckdb")
    values = sorted({v for c in ("channel", "region", "segment") for v in big_table.column(c).to_pylist()})
    con = duckdb.connect()
    for value in values:
        stripped = "".join(ch for ch in unicodedata.normalize("NFKD", value) if not unicodedata.combining(ch))
        got = con.execute("select lower(?), upper(?), strip_accents(?)", [value, value, value]).fetchone()
        assert got == (value.lower(), value.upper(), stripped), value


def test_clean_mode(tmp_path: Path) -> None:
    rows = read_rows(generate(tmp_path, rows=2000, messy_rate=0.0).files[0])
    aliases = seed_aliases()
    with open(REPO_ROOT / "seeds" / "nps_channel_aliases.csv", newline="", encoding="utf-8") as f:
        exact = {row["alias"] for row in csv.DictReader(f)}
    for row in rows:
        assert re.fullmatch(r"R\d{10}", row["response_id"])
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", row["submitted_at"])
        assert row["score"] in {str(s) for s in range(11)}
        assert row["channel"] in exact and channel_key(row["channel"]) in aliases
        assert row["segment"] in {"consumer", "smb", "mid_market", "enterprise"}
        assert re.fullmatch(r"[A-Z]{3}", row["region"]) and re.fullmatch(r"C\d{8}", row["customer_id"])


# --------------------------------------------------------------------------------------------------
# Resubmissions
# --------------------------------------------------------------------------------------------------


def test_resubmissions(sample: tuple[list[Path], list[dict[str, str]]]) -> None:
    _, rows = sample
    by_id: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        if row["response_id"].strip(WHITESPACE):
            by_id[row["response_id"].strip(WHITESPACE)].append(row)
    repeated = {k: v for k, v in by_id.items() if len(v) > 1}
    assert len(repeated) >= 50
    later = tie_same_file = tie_across = stale = invalid_later = across = 0
    for copies in repeated.values():
        times = [parse_submitted_at(r["submitted_at"]) for r in copies]
        valid = [(t, r) for t, r in zip(times, copies, strict=True) if t is not None]
        if len({r["_file"] for r in copies}) > 1:
            across += 1
        ok = [
            t is not None and isinstance(parse_score(r["score"]), int)
            for t, r in zip(times, copies, strict=True)
        ]
        if ok[0] and not all(ok[1:]):
            invalid_later += 1
        for (t1, r1), (t2, r2) in itertools.pairwise(valid):
            later += t2 > t1
            stale += t2 < t1
            if t1 == t2:
                tie_same_file += r1["_file"] == r2["_file"]
                tie_across += r1["_file"] != r2["_file"]
        # A resubmission keeps the customer and the survey of the response.
        assert len({r["customer_id"].strip(WHITESPACE) for r in copies} - {""}) <= 1
    assert later >= 20 and stale >= 1 and invalid_later >= 3 and across >= 5
    assert tie_same_file >= 1 and tie_across >= 1


def test_arrival_batch_resubmits_an_earlier_range(tmp_path: Path) -> None:
    base = read_all(generate(tmp_path, rows=3000, files=2).files)
    arrival_files = generate(
        tmp_path,
        rows=600,
        prefix="responses_day91",
        start_date=date(2026, 11, 1),
        days=1,
        first_response=3001,
        resubmit_rate=0.2,
        resubmit_from_range=(1, 3000),
    ).files
    arrival = read_all(arrival_files)
    assert arrival_files[0].name > "responses_0002.csv"  # sorts after the earlier files
    base_ids = {r["response_id"].strip(WHITESPACE): r for r in base}
    numbers = [
        int(r["response_id"].strip(WHITESPACE)[1:]) for r in arrival if r["response_id"].strip(WHITESPACE)
    ]
    old = [n for n in numbers if n <= 3000]
    new = [n for n in numbers if n > 3000]
    assert 80 <= len(old) <= 160 and all(3001 <= n <= 3600 for n in new)
    assert len(set(new)) == len(new)
    assert sum(f"R{n:010d}" in base_ids for n in old) >= 0.9 * len(old)
    for row in arrival:
        t = parse_submitted_at(row["submitted_at"])
        assert t is None or datetime(2026, 10, 31, 12) <= t < datetime(2026, 11, 2, 12)
        rid = row["response_id"].strip(WHITESPACE)
        if rid and rid in base_ids and row["customer_id"].strip() and base_ids[rid]["customer_id"].strip():
            assert row["customer_id"].strip() == base_ids[rid]["customer_id"].strip()


# --------------------------------------------------------------------------------------------------
# Realism
# --------------------------------------------------------------------------------------------------


def test_scores_depend_on_channel_segment_and_time(big_table: pa.Table) -> None:
    aliases = seed_aliases()
    by_channel: dict[str, list[int]] = defaultdict(list)
    by_segment: dict[str, list[int]] = defaultdict(list)
    by_month: dict[str, list[int]] = defaultdict(list)
    for row in big_table.to_pylist():
        score, when = parse_score(row["score"]), parse_submitted_at(row["submitted_at"])
        if not isinstance(score, int) or when is None:
            continue
        by_channel[aliases.get(channel_key(row["channel"]), "other")].append(score)
        by_segment[row["segment"].strip(WHITESPACE).lower()].append(score)
        by_month[when.strftime("%Y-%m")].append(score)
    assert nps(by_channel["in_app"]) > nps(by_channel["email"]) > nps(by_channel["phone"])
    assert nps(by_channel["chat"]) > nps(by_channel["phone"]) + 20
    assert nps(by_segment["smb"]) > nps(by_segment["enterprise"]) + 10
    assert nps(by_month["2026-10"]) > nps(by_month["2026-09"])  # trend, and the September incident
    overall = [s for scores in by_channel.values() for s in scores]
    assert 5 < nps(overall) < 40


def test_comments_match_the_score(big_table: pa.Table) -> None:
    negative = ("déçu", "inadmissible", "disappointed", "unacceptable", "résilier", "damaged")
    positive = ("merci", "recommande", "thank", "recommend", "top", "parfait", "perfect")
    languages = Counter(big_table.column("language").to_pylist())
    assert set(languages) == {"fr", "en"} and languages["fr"] > languages["en"]
    for row in big_table.to_pylist():
        score, text = parse_score(row["score"]), row["comment"].lower()
        if isinstance(score, int) and score >= 9:
            assert not any(word in text for word in negative), text
        if isinstance(score, int) and score <= 6:
            assert not any(word in text for word in positive), text


# --------------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------------


def _cli_main():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("generate_responses", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main


def test_cli_help_runs_from_the_repo_root() -> None:
    done = subprocess.run(
        [sys.executable, "scripts/generate_responses.py", "--help"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and "--resubmit-from-range" in done.stdout


def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main = _cli_main()
    out = str(tmp_path / "out")
    args = ["--out", out, "--rows", "1200", "--files", "3", "--format", "mixed", "--end-date", "2026-10-31"]
    assert main(args) == 0
    written = capsys.readouterr().out.split()
    assert [Path(p).name for p in written] == output_file_names(3, "mixed")
    assert main(args) == 3  # output exists
    assert main([*args, "--overwrite", "--quiet"]) == 0
    assert main(["--out", out, "--rows", "10", "--files", "11"]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["--out", out, "--resubmit-from-range", "5"])
    assert exc.value.code == 2
    file_instead_of_dir = tmp_path / "file"
    file_instead_of_dir.write_text("x")
    assert main(["--out", str(file_instead_of_dir / "sub"), "--rows", "1000"]) == 1


# --------------------------------------------------------------------------------------------------
# The CX programme's columns: touchpoint, brand, business unit, contacts, CSAT and CES
# --------------------------------------------------------------------------------------------------

# The nps_surveys seed (survey_id: survey_type, touchpoint, brand, business_unit) and the code lists
# of nps_codes, as the SQL side writes them.
SURVEYS = {
    "RNPS-2026": ("relationship", "relationship", "nova", "corporate"),
    "TNPS-STORE": ("transactional", "store", "nova", "retail"),
    "TNPS-DELIVERY": ("transactional", "delivery", "nova_express", "logistics"),
    "TNPS-CALL": ("transactional", "call", "nova", "customer_service"),
    "TNPS-WEB": ("transactional", "web", "nova", "digital"),
    "TNPS-CHAT": ("transactional", "chat", "nova", "customer_service"),
    "TNPS-APP": ("transactional", "app", "nova", "digital"),
}
CODES = {
    "touchpoint": {"relationship", "store", "delivery", "call", "web", "chat", "app"},
    "brand": {"nova", "nova_express"},
    "business_unit": {"corporate", "retail", "logistics", "customer_service", "digital"},
}
CES_SURVEYS = {"TNPS-CALL", "TNPS-CHAT", "TNPS-WEB"}


def code_value(raw: str) -> str:
    """touchpoint / brand / business_unit as the rules read it: trimmed and lower-cased."""
    return raw.strip(WHITESPACE).lower()


def mapped_channel(row: dict[str, str], aliases: dict[str, str]) -> str | None:
    return aliases.get(channel_key(row["channel"]))


def test_code_columns_mostly_empty_with_variants_and_unmapped_values(
    sample: tuple[list[Path], list[dict[str, str]]],
) -> None:
    _, rows = sample
    for column, codes in CODES.items():
        values = [row[column] for row in rows]
        carried = [v for v in values if code_value(v)]
        assert 0.1 * len(rows) < len(carried) < 0.5 * len(rows), column  # a share carries them
        assert {code_value(v) for v in carried} & codes, column
        assert any(v != code_value(v) and code_value(v) in codes for v in carried), column  # case, padding
        unmapped = [v for v in carried if code_value(v) not in codes]
        assert unmapped and len(unmapped) < 0.1 * len(carried), column
    assert {"shop", "nova express", "digitall"} <= {code_value(r[c]) for r in rows for c in CODES}
    # The store and delivery surveys' exports carry them; a non-empty value may differ from the seed's.
    by_survey = Counter(row["survey_id"].strip(WHITESPACE) for row in rows if code_value(row["touchpoint"]))
    assert by_survey.most_common(2)[0][0] in {"TNPS-STORE", "TNPS-DELIVERY"}
    overrides = [
        row
        for row in rows
        if row["survey_id"].strip(WHITESPACE) == "TNPS-DELIVERY" and code_value(row["brand"]) == "nova"
    ]
    assert overrides


def test_csat_and_ces_follow_the_survey(sample: tuple[list[Path], list[dict[str, str]]]) -> None:
    _, rows = sample
    with_csat = Counter()
    with_ces = Counter()
    totals = Counter()
    for row in rows:
        survey = row["survey_id"].strip(WHITESPACE)
        if survey not in SURVEYS or row_status(row) != "accepted":
            continue
        totals[survey] += 1
        with_csat[survey] += isinstance(parse_csat(row["csat_score"]), int)
        with_ces[survey] += isinstance(parse_ces(row["ces_score"]), int)
    for survey, (survey_type, *_) in SURVEYS.items():
        csat_share = with_csat[survey] / totals[survey]
        ces_share = with_ces[survey] / totals[survey]
        if survey_type == "transactional":
            assert csat_share > 0.7, survey
        else:
            assert csat_share < 0.02, survey  # only a messy case forces one
        if survey in CES_SURVEYS:
            assert ces_share > 0.6, survey
        else:
            assert ces_share < 0.02, survey


def test_csat_and_ces_correlate_with_nps(big_table: pa.Table) -> None:
    csat_by_category: dict[int, list[int]] = defaultdict(list)
    ces_by_category: dict[int, list[int]] = defaultdict(list)
    for row in big_table.to_pylist():
        score, csat, ces = (
            parse_score(row["score"]),
            parse_csat(row["csat_score"]),
            parse_ces(row["ces_score"]),
        )
        if not isinstance(score, int):
            continue
        category = 0 if score <= 6 else 1 if score <= 8 else 2
        if isinstance(csat, int):
            csat_by_category[category].append(csat)
        if isinstance(ces, int):
            ces_by_category[category].append(ces)
    for values in (csat_by_category, ces_by_category):
        means = [sum(values[c]) / len(values[c]) for c in range(3)]
        assert means[0] + 0.5 < means[1] < means[2] - 0.3, means
    assert set(itertools.chain(*csat_by_category.values())) == set(range(1, 6))
    assert set(itertools.chain(*ces_by_category.values())) == set(range(1, 8))


def test_metric_cases_are_present(sample: tuple[list[Path], list[dict[str, str]]]) -> None:
    _, rows = sample
    statuses = Counter(row_status(row) for row in rows)
    assert statuses["missing_score"] >= 5 and statuses["invalid_score"] >= 5

    def has(predicate: Callable[[dict[str, str]], bool]) -> bool:
        return any(predicate(row) for row in rows if row_status(row) != "missing_response_id")

    def spelled(raw: str, parse: Callable[[str], int | str | None]) -> bool:
        return isinstance(parse(raw), int) and raw != str(parse(raw))

    assert has(lambda r: spelled(r["csat_score"], parse_csat) and r["csat_score"].strip().startswith("0"))
    assert has(lambda r: spelled(r["csat_score"], parse_csat) and "." in r["csat_score"])
    assert has(lambda r: spelled(r["csat_score"], parse_csat) and r["csat_score"] != r["csat_score"].strip())
    assert has(lambda r: spelled(r["ces_score"], parse_ces) and r["ces_score"].strip().startswith("0"))
    assert has(lambda r: spelled(r["ces_score"], parse_ces) and "." in r["ces_score"])
    # An invalid CSAT / CES beside a valid NPS ("6" is no CSAT, "8" and "0" are no CES).
    assert has(lambda r: parse_csat(r["csat_score"]) is None and isinstance(parse_score(r["score"]), int))
    assert has(lambda r: parse_ces(r["ces_score"]) is None and isinstance(parse_score(r["score"]), int))
    csat_values = {r["csat_score"] for r in rows}
    ces_values = {r["ces_score"] for r in rows}
    assert {"4.5", "6", "abc", "-1"} & csat_values and {"0", "8"} & ces_values
    # NPS empty but CSAT valid; NPS invalid but CES valid: accepted without NPS.
    assert has(
        lambda r: parse_score(r["score"]) == "missing" and isinstance(parse_csat(r["csat_score"]), int)
    )
    assert has(lambda r: parse_score(r["score"]) is None and isinstance(parse_ces(r["ces_score"]), int))
    # All three empty; all three non-empty and invalid.
    assert has(lambda r: row_status(r) == "missing_score")
    assert has(
        lambda r: (
            row_status(r) == "invalid_score"
            and all(v.strip(WHITESPACE) for v in (r["score"], r["csat_score"], r["ces_score"]))
        )
    )


def test_contact_ids(sample: tuple[list[Path], list[dict[str, str]]]) -> None:
    _, rows = sample
    aliases = seed_aliases()
    interactions = invitations = 0
    for row in rows:
        channel = mapped_channel(row, aliases)
        interaction, invitation = row["interaction_id"], row["invitation_id"]
        assert interaction == "" or re.fullmatch(r"IX\d{10,}", interaction)
        assert invitation == "" or re.fullmatch(r"IV\d{10,}", invitation)
        if channel is None:
            continue
        if interaction:
            interactions += 1
            assert channel in {"phone", "chat"} and row["agent_id"].strip()
        elif channel in {"phone", "chat"}:
            assert not row["agent_id"].strip()
        assert bool(invitation) == (channel in {"email", "sms", "whatsapp"})
        invitations += bool(invitation)
    assert interactions > 0.15 * len(rows) and invitations > 0.35 * len(rows)
    # A resubmission names the same contacts as its response.
    by_id: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for row in rows:
        if row["response_id"].strip(WHITESPACE):
            by_id[row["response_id"].strip(WHITESPACE)].add((row["interaction_id"], row["invitation_id"]))
    assert all(len(contacts) == 1 for contacts in by_id.values())


def test_clean_mode_programme_columns(tmp_path: Path) -> None:
    rows = read_rows(generate(tmp_path, rows=3000, messy_rate=0.0).files[0])
    for row in rows:
        for column, codes in CODES.items():
            assert row[column] == "" or row[column] in codes, (column, row[column])
        assert row["csat_score"] == "" or row["csat_score"] in {str(v) for v in range(1, 6)}
        assert row["ces_score"] == "" or row["ces_score"] in {str(v) for v in range(1, 8)}
        assert row_status(row) == "accepted" and row["score"] in {str(s) for s in range(11)}
        assert not row["invitation_id"] or int(row["invitation_id"][2:]) % 8 != 7  # no unknown invitation
    assert sum(bool(row["touchpoint"]) for row in rows) > 300
