"""Tests of the CX programme as a whole (nps_warehouse.generator.programme) and its command line:
the six sources of a batch, their files, determinism, later batches, and the helpers the
per-source tests (test_generator_<source>.py) share: an independent reading of each source's
values, as the SQL rules read them."""

from __future__ import annotations

import csv
import gzip
import importlib.util
import re
import subprocess
import sys
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pytest
from test_generator import WHITESPACE, parse_score, parse_submitted_at, read_rows

from nps_warehouse.generator import SOURCES, OutputExistsError, generate, generate_programme
from nps_warehouse.generator import customers as customers_module
from nps_warehouse.generator.rng import CounterRandom

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "scripts" / "generate_cx_data.py"

SOURCE_COLUMNS = {
    "customers": [
        "customer_id", "updated_at", "birth_date", "loyalty_tier", "country_code", "region", "city",
        "postal_code", "customer_since", "email", "phone",
    ],
    "agents": ["agent_id", "updated_at", "agent_name", "team", "site", "manager_id", "hired_on"],
    "interactions": [
        "interaction_id", "customer_id", "agent_id", "channel", "started_at", "wait_seconds",
        "handle_seconds", "transfers", "is_first_contact_resolution",
    ],
    "invitations": ["invitation_id", "sent_at", "survey_id", "customer_id", "channel", "delivery_status"],
    "agent_engagement": ["agent_id", "surveyed_at", "enps_score"],
}  # fmt: skip
TIERS = ["bronze", "silver", "gold", "platinum"]
TEAMS = ["team_a", "team_b", "team_c", "team_d", "team_e", "team_f"]
SITES = ["nantes", "lille", "lyon", "rennes"]
STATUSES = ["delivered", "bounced"]
TRUE = {"true", "yes", "1", "y", "oui"}
FALSE = {"false", "no", "0", "n", "non"}
with open(REPO_ROOT / "seeds" / "nps_regions.csv", newline="", encoding="utf-8") as _f:
    REGIONS = {row["region"] for row in csv.DictReader(_f)} - {"unknown"}

# --------------------------------------------------------------------------------------------------
# An independent reading of the values
# --------------------------------------------------------------------------------------------------


def trimmed(raw: str) -> str:
    return raw.strip(WHITESPACE)


def code(raw: str) -> str:
    """A code as the rules read it: trimmed and lower-cased."""
    return trimmed(raw).lower()


def parse_date(raw: str) -> date | None:
    """A strict ISO date (yyyy-mm-dd), None otherwise."""
    value = trimmed(raw)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parse_count(raw: str) -> int | None:
    """A non-negative integer (leading zeros allowed), None otherwise."""
    value = trimmed(raw)
    return int(value) if re.fullmatch(r"\d+", value) else None


def parse_boolean(raw: str) -> bool | None:
    value = code(raw)
    return True if value in TRUE else False if value in FALSE else None


def instant(raw: str) -> datetime | None:
    return parse_submitted_at(raw)


def nps(scores: list[int]) -> float:
    return 100.0 * (sum(s >= 9 for s in scores) - sum(s <= 6 for s in scores)) / len(scores)


# --------------------------------------------------------------------------------------------------
# Samples
# --------------------------------------------------------------------------------------------------


def write_programme(out: Path, **kwargs: object) -> dict[str, list[Path]]:
    arguments: dict[str, object] = {"rows": 6000, "files": 3, "fmt": "mixed", "end_date": "2026-10-31"}
    if "start_date" in kwargs:
        del arguments["end_date"]
    arguments.update(kwargs)
    return generate_programme(out, **arguments).files  # type: ignore[arg-type]


def read_source(paths: list[Path]) -> list[dict[str, str]]:
    """Rows of a source's files in order, with their file's position (_file) and name."""
    rows = []
    for k, path in enumerate(paths):
        for number, row in enumerate(read_rows(path), start=1):
            rows.append({**row, "_file": k, "_name": path.name, "_row": number})
    return rows


def responses_by_id(rows: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    by_id: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        if trimmed(row["response_id"]):
            by_id[trimmed(row["response_id"])].append(row)
    return by_id


def valid_responses(rows: list[dict[str, str]]) -> list[tuple[dict[str, str], datetime, int]]:
    """Rows with an id, a valid timestamp and a valid NPS score: (row, when, score)."""
    out = []
    for row in rows:
        when, score = instant(row["submitted_at"]), parse_score(row["score"])
        if trimmed(row["response_id"]) and when is not None and isinstance(score, int):
            out.append((row, when, score))
    return out


@pytest.fixture(scope="module")
def programme(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    return write_programme(tmp_path_factory.mktemp("programme"))


# --------------------------------------------------------------------------------------------------
# Files and determinism
# --------------------------------------------------------------------------------------------------


def test_files_of_each_source(programme: dict[str, list[Path]]) -> None:
    assert set(programme) == set(SOURCES)
    assert [p.name for p in programme["responses"]] == [
        "responses_0001.csv",
        "responses_0002.parquet",
        "responses_0003.csv",
    ]
    assert [p.name for p in programme["interactions"]] == [f"interactions_000{k}.csv" for k in (1, 2, 3)]
    assert [p.name for p in programme["invitations"]] == [f"invitations_000{k}.csv" for k in (1, 2, 3, 4)]
    # The snapshot, then August, September and October 2026.
    assert [p.name for p in programme["customers"]] == [f"customers_000{k}.csv" for k in (1, 2, 3, 4)]
    assert [p.name for p in programme["agents"]] == [f"agents_000{k}.csv" for k in (1, 2, 3, 4)]
    # One pulse survey per month: August, September and October 2026.
    assert [p.name for p in programme["agent_engagement"]] == [
        f"agent_engagement_000{k}.csv" for k in (1, 2, 3)
    ]
    for source, columns in SOURCE_COLUMNS.items():
        for path in programme[source]:
            assert path.parent.name == source
            header = path.read_bytes().split(b"\n", 1)[0].decode()
            assert header == ",".join(columns), path
            with open(path, newline="", encoding="utf-8") as f:
                reader = csv.reader(f, strict=True)
                assert all(len(row) == len(columns) for row in reader)


def test_same_arguments_give_identical_bytes(tmp_path: Path) -> None:
    first = write_programme(tmp_path / "a", rows=2500, seed=11)
    second = write_programme(tmp_path / "b", rows=2500, seed=11, chunk_rows=333)
    other = write_programme(tmp_path / "c", rows=2500, seed=12)
    for source in SOURCES:
        for a, b in zip(first[source], second[source], strict=True):
            if a.suffix == ".csv":
                assert a.read_bytes() == b.read_bytes(), a
        assert any(
            a.read_bytes() != c.read_bytes() for a, c in zip(first[source], other[source], strict=False)
        ), source


def test_responses_are_those_generate_writes(tmp_path: Path) -> None:
    files = write_programme(tmp_path / "programme", rows=3000, files=2, fmt="csv")
    alone = generate(tmp_path / "alone", rows=3000, files=2, end_date="2026-10-31").files
    assert [p.read_bytes() for p in files["responses"]] == [p.read_bytes() for p in alone]


def test_csv_gz_sources(tmp_path: Path) -> None:
    plain = write_programme(tmp_path / "plain", rows=1500, files=1, fmt="csv")
    packed = write_programme(tmp_path / "gz", rows=1500, files=1, fmt="csv", source_fmt="csv.gz")
    for source in ("customers", "agents", "interactions", "invitations", "agent_engagement"):
        for a, b in zip(plain[source], packed[source], strict=True):
            assert b.name.endswith(".csv.gz") and gzip.decompress(b.read_bytes()) == a.read_bytes()


def test_existing_output_needs_overwrite(tmp_path: Path) -> None:
    write_programme(tmp_path, rows=1000, files=1)
    with pytest.raises(OutputExistsError, match="customers"):
        write_programme(tmp_path, rows=1000, files=1)
    write_programme(tmp_path, rows=1000, files=1, overwrite=True)
    later = write_programme(tmp_path, rows=300, files=1, label="m4", start_date="2026-11-01", days=5)
    assert later["customers"][0].name == "customers_m4_0001.csv"
    assert later["customers"][0].name > "customers_0004.csv"  # sorts after the first batch's


@pytest.mark.parametrize(
    "kwargs",
    [{"rows": 0}, {"files": 0}, {"fmt": "json"}, {"source_fmt": "parquet"}, {"label": "../x"}, {"days": 0}],
)
def test_invalid_arguments_are_rejected(tmp_path: Path, kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        write_programme(tmp_path, **kwargs)
    assert not any(tmp_path.rglob("*.csv"))


def test_clean_mode_has_no_messy_value(tmp_path: Path) -> None:
    files = write_programme(tmp_path, rows=4000, messy_rate=0.0)
    checks = {
        "customers": ("customer_id", r"C\d{8}"),
        "agents": ("agent_id", r"AG\d{4}"),
        "interactions": ("interaction_id", r"IX\d{10}"),
        "invitations": ("invitation_id", r"IV\d{10}"),
        "agent_engagement": ("agent_id", r"AG\d{4}"),
    }
    for source, (id_column, pattern) in checks.items():
        rows = read_source(files[source])
        assert rows, source
        time_column = next(c for c in SOURCE_COLUMNS[source] if c.endswith("_at"))
        for row in rows:
            assert re.fullmatch(pattern, row[id_column]), (source, row)
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", row[time_column]), (source, row)


# --------------------------------------------------------------------------------------------------
# A later batch carries on the same histories
# --------------------------------------------------------------------------------------------------


def test_later_batch_is_consistent_with_the_earlier(tmp_path: Path) -> None:
    first = write_programme(tmp_path, rows=6000)
    later = write_programme(
        tmp_path, rows=2000, files=1, first_response=6001, start_date="2026-11-01", days=30, label="m4"
    )
    assert [p.name for p in later["customers"]] == ["customers_m4_0001.csv"]  # no snapshot, November
    # Same seed: the later batch's new response ids follow the earlier ones'.
    numbers = {
        int(trimmed(r["response_id"])[1:])
        for r in read_source(later["responses"])
        if trimmed(r["response_id"])
    }
    assert min(numbers) > 6000

    # Customers: a later version of a customer follows its earlier history (its updated_at is
    # later, and an unchanged customer sent again is identical).
    def versions(paths: list[Path]) -> dict[str, list[dict[str, str]]]:
        out: dict[str, list[dict[str, str]]] = defaultdict(list)
        for row in read_source(paths):
            when = instant(row["updated_at"])
            if trimmed(row["customer_id"]) and when is not None:
                out[trimmed(row["customer_id"])].append({**row, "_when": when})  # type: ignore[dict-item]
        return out

    before, after = versions(first["customers"]), versions(later["customers"])
    shared = set(before) & set(after)
    assert len(shared) > 50
    tier_changes = 0
    for customer in shared:
        last = max(before[customer], key=lambda r: r["_when"])
        for row in after[customer]:
            assert row["_when"] >= last["_when"]
            if row["_when"] == last["_when"]:
                assert code(row["city"]) == code(last["city"])
            elif code(row["loyalty_tier"]) != code(last["loyalty_tier"]):
                tier_changes += 1
    assert tier_changes >= 5
    # Agents: the later batch's versions follow the earlier history too, and some move team.
    agents_before = {
        trimmed(r["agent_id"]): r for r in read_source(first["agents"]) if trimmed(r["agent_id"])
    }
    moved = sum(
        code(r["team"]) != code(agents_before[trimmed(r["agent_id"])]["team"])
        for r in read_source(later["agents"])
        if trimmed(r["agent_id"]) in agents_before
    )
    assert moved >= 10
    # The later responses' customers: most of them exist in the earlier snapshot or a later version.
    customers = {
        trimmed(r["customer_id"]) for r in read_source(later["responses"]) if trimmed(r["customer_id"])
    }
    known = set(before) | set(after)
    assert len(customers & known) > 0.9 * len(customers)


def _later_batch_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first_response: int) -> dict[str, int]:
    """Work of a one-day later batch of 1,000 rows after first_response - 1 responses: the keys
    hashed by every random draw (each entity the generator enumerates costs draws) and the
    customers the CRM extracts enumerate."""
    work = {"keys": 0, "customers": 0}
    bits, extract_chunk = CounterRandom.bits, customers_module._extract_chunk

    def counted_bits(self: CounterRandom, stream: int, keys: np.ndarray) -> np.ndarray:
        work["keys"] += int(np.size(keys))
        return bits(self, stream, keys)

    def counted_chunk(model, batch, extract, numbers):  # type: ignore[no-untyped-def]
        work["customers"] += len(numbers)
        return extract_chunk(model, batch, extract, numbers)

    monkeypatch.setattr(CounterRandom, "bits", counted_bits)
    monkeypatch.setattr(customers_module, "_extract_chunk", counted_chunk)
    generate_programme(
        tmp_path / str(first_response),
        rows=1000,
        start_date="2026-11-01",
        days=1,
        first_response=first_response,
        resubmit_rate=0.05,
        resubmit_from_range=(1, first_response - 1),
        label="day",
    )
    monkeypatch.undo()
    return work


def test_later_batch_work_does_not_grow_with_the_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A later batch enumerates its own rows and the customers they name (plus those new to its
    # universe), never the customers of the whole history: the same work after 1,000 or 10
    # million responses (it was 300 times more after 10 million, the extracts scanning 5 million
    # customers).
    small = _later_batch_work(tmp_path, monkeypatch, 1_001)
    large = _later_batch_work(tmp_path, monkeypatch, 10_000_001)
    assert small["customers"] <= 5 * 1000 and large["customers"] <= 5 * 1000
    assert large["keys"] < 2 * small["keys"]


# --------------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------------


def _cli_main():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("generate_cx_data", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main


def test_cli_help_runs_from_the_repo_root() -> None:
    done = subprocess.run(
        [sys.executable, "scripts/generate_cx_data.py", "--help"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and "--label" in done.stdout and "--snapshot" in done.stdout


def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main = _cli_main()
    out = str(tmp_path / "out")
    args = ["--out", out, "--rows", "1200", "--files", "2", "--end-date", "2026-10-31"]
    assert main(args) == 0
    captured = capsys.readouterr()
    written = [Path(p) for p in captured.out.split()]
    sources = {"out", "customers", "agents", "interactions", "invitations", "case_events", "agent_engagement"}
    assert {p.parent.name for p in written} == sources
    assert all(p.exists() for p in written) and "wrote" in captured.err
    assert main(args) == 3  # output exists
    assert main([*args, "--overwrite", "--quiet"]) == 0
    assert main(["--out", out, "--rows", "10", "--files", "11"]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["--out", out, "--messy-rate", "2"])
    assert exc.value.code == 2
    file_instead_of_dir = tmp_path / "file"
    file_instead_of_dir.write_text("x")
    assert main(["--out", str(file_instead_of_dir / "sub"), "--rows", "1000"]) == 1
