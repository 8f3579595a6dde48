"""Benchmark of the warehouse against the engine floor and pandas.

For each history size the benchmark generates landing data with the project's generator (365 days
ending 2026-10-31, CSV files of about 500,000 rows) plus one more day (about 1/365 of the history,
5 % of it resubmitting old responses), then measures, on the same files:

* ``full_build``: ``dbt build --full-refresh`` (models, seeds, unit and data tests) into a new
  warehouse, and ``dbt run --full-refresh`` (models only) into another;
* ``incremental_build``: ``dbt build`` after the new day's file lands next to the history;
* ``floor``: one hand-written DuckDB statement doing the irreducible work - read every file,
  validate, de-duplicate, classify and aggregate the daily cube - with the same rules;
* ``pandas``: the same daily cube computed with pandas.

With ``--engines`` it also builds the demo data and histories (default 1M) on each engine
(DuckDB, PostgreSQL, Spark): the loader's time (PostgreSQL, Spark), ``dbt build --full-refresh``,
and an incremental ``dbt build`` after one more day, each engine's ``fct_nps_daily`` compared with
DuckDB's. Peak memory there is the client's process tree: PostgreSQL's server processes are not
in it; Spark's JVM is.

Each step runs in its own process; wall time is measured around it and peak memory is the highest
resident set size of the process tree (sampled every 50 ms, and the kernel's own maximum RSS of
the process). The floor's and pandas' cubes are compared with the warehouse's ``fct_nps_daily``,
so every number in the report comes from a run that produced the right answer.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nps_warehouse.contract import PROGRAMME_SOURCES, RESPONSE_COLUMNS
from nps_warehouse.generator import generate_programme

#: The columns the floor and the pandas pipeline read: the core ones and the two other metrics
#: (a response with a valid CSAT or CES but no NPS still wins its de-duplication).
FLOOR_COLUMNS: tuple[str, ...] = (*RESPONSE_COLUMNS, "csat_score", "ces_score")

PROJECT_DIR = Path(__file__).resolve().parent.parent
HISTORY_END = "2026-10-31"
NEW_DAY = "2026-11-01"
HISTORY_DAYS = 365
#: The comment models (README, "What customers say") and their seeds: rebuilt alone on a built
#: warehouse, they show what reading the comments adds to a full build.
COMMENT_SELECTION = (
    "path:seeds/comments",
    "path:models/staging/comment_reference",
    "path:models/intermediate/comments",
    "path:models/marts/comments",
)
ROWS_PER_FILE = 500_000
NEW_DAY_RESUBMIT_RATE = 0.05
#: Response numbers of the new day start here, beyond any history size the benchmark makes.
NEW_DAY_FIRST_RESPONSE = 1_000_000_001
CUBE_COLUMNS = (
    "response_date",
    "channel",
    "region",
    "segment",
    "responses",
    "promoters",
    "passives",
    "detractors",
)


def parse_size(text: str) -> int:
    """'1M' -> 1_000_000, '500k' -> 500_000, '2500' -> 2500."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*", text)
    if not match:
        raise ValueError(f"not a size: {text!r} (examples: 1M, 500k, 20000)")
    number = float(match.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2).lower()]
    if number < 1 or number != int(number):
        raise ValueError(f"not a whole number of rows: {text!r}")
    return int(number)


def format_size(rows: int) -> str:
    if rows % 1_000_000 == 0:
        return f"{rows // 1_000_000}M"
    if rows % 1_000 == 0:
        return f"{rows // 1_000}k"
    return str(rows)


# --- measuring a process tree -------------------------------------------------------------------


@dataclass
class Measurement:
    """Wall time and peak memory of one step."""

    seconds: float
    peak_rss_mb: float
    ok: bool
    detail: str = ""


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                found += [int(child) for child in handle.read().split()]
    except OSError:
        pass
    return found


def _tree_rss_bytes(pid: int) -> int:
    total, stack, page = 0, [pid], os.sysconf("SC_PAGE_SIZE")
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/statm", encoding="ascii") as handle:
                total += int(handle.read().split()[1]) * page
        except OSError:
            continue
        stack += _children(current)
    return total


def measure(
    command: Sequence[str], *, env: dict[str, str] | None = None, log: Path | None = None
) -> Measurement:
    """Run ``command`` and return its wall time and the peak RSS of its process tree."""
    out = log.open("w", encoding="utf-8") if log else subprocess.DEVNULL
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=PROJECT_DIR)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_bytes(process.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    if log:
        out.close()
    peak = max(peak, usage.ru_maxrss * 1024)  # ru_maxrss is in KiB on Linux
    detail = (
        "" if process.returncode == 0 else f"exit code {process.returncode}" + (f", see {log}" if log else "")
    )
    return Measurement(round(seconds, 2), round(peak / 2**20, 1), process.returncode == 0, detail)


# --- data -------------------------------------------------------------------------------------------


def _stamp_matches(directory: Path, stamp: dict[str, Any]) -> bool:
    path = directory / "_stamp.json"
    return path.exists() and json.loads(path.read_text(encoding="utf-8")) == stamp


def ensure_history(directory: Path, rows: int, progress: Callable[[str], None]) -> Path:
    """The landing files of a history of ``rows`` responses and of the customers, agents,
    interactions and invitations they refer to (generated once, then reused)."""
    stamp = {"rows": rows, "days": HISTORY_DAYS, "end": HISTORY_END, "per_file": ROWS_PER_FILE, "v": 2}
    if not _stamp_matches(directory, stamp):
        if directory.exists():
            shutil.rmtree(directory)
        directory.mkdir(parents=True)
        progress(f"generating {format_size(rows)} responses and their programme into {directory}")
        generate_programme(
            directory,
            rows=rows,
            files=max(1, -(-rows // ROWS_PER_FILE)),
            end_date=HISTORY_END,
            days=HISTORY_DAYS,
        )
        (directory / "_stamp.json").write_text(json.dumps(stamp), encoding="utf-8")
    return directory


def ensure_new_day(directory: Path, rows: int, resubmit_high: int, progress: Callable[[str], None]) -> Path:
    """One more day of ``rows`` responses, 5 % resubmitting responses 1..resubmit_high."""
    stamp = {"rows": rows, "high": resubmit_high, "day": NEW_DAY, "v": 3}
    if not _stamp_matches(directory, stamp):
        if directory.exists():
            shutil.rmtree(directory)
        directory.mkdir(parents=True)
        progress(f"generating the new day ({rows} responses) into {directory}")
        generate_programme(
            directory,
            rows=rows,
            start_date=NEW_DAY,
            days=1,
            first_response=NEW_DAY_FIRST_RESPONSE,
            resubmit_rate=NEW_DAY_RESUBMIT_RATE,
            resubmit_from_range=(1, resubmit_high),
            label=f"day_{NEW_DAY}",
        )
        (directory / "_stamp.json").write_text(json.dumps(stamp), encoding="utf-8")
    return directory


def landing_files(directory: Path) -> list[Path]:
    """The response files of a generated batch (the other sources are in its sub-folders)."""
    return sorted(path for path in directory.iterdir() if path.suffix in (".csv", ".parquet"))


def link_landing(landing: Path, batch: Path) -> None:
    """Links a generated batch's files into ``landing``: the responses directly in it, each other
    source's files in its sub-folder (``landing/customers/``, ...), where the loader finds them
    through NPS_RAW_<SOURCE> (_dbt_env)."""
    for path in landing_files(batch):
        (landing / path.name).symlink_to(path)
    for source in PROGRAMME_SOURCES:
        (landing / source).mkdir(exist_ok=True)
        if (batch / source).is_dir():
            for path in sorted((batch / source).iterdir()):
                (landing / source / path.name).symlink_to(path)


# --- the steps --------------------------------------------------------------------------------------


def _dbt_env(database: Path, landing: Path, settings: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DBT_PROFILES_DIR": str(PROJECT_DIR),
            "DBT_PROJECT_DIR": str(PROJECT_DIR),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "NPS_TARGET": "duckdb",
            "NPS_DUCKDB_PATH": str(database),
            "NPS_RAW_RESPONSES": str(landing),
            **{f"NPS_RAW_{source.upper()}": str(landing / source) for source in PROGRAMME_SOURCES},
            **settings,
        }
    )
    return env


def load_command(*extra: str) -> list[str]:
    """The landing loader, which every build runs before dbt (as `make build` does)."""
    return [sys.executable, str(PROJECT_DIR / "scripts" / "load_landing.py"), *extra]


def measure_chain(commands: Sequence[tuple[Sequence[str], Path]], *, env: dict[str, str]) -> Measurement:
    """Run the commands one after the other (stopping at the first that fails) as one step: the
    wall times add up, the peak RSS is the highest of them."""
    seconds, peak, details = 0.0, 0.0, []
    for command, log in commands:
        step = measure(command, env=env, log=log)
        seconds += step.seconds
        peak = max(peak, step.peak_rss_mb)
        if not step.ok:
            details.append(step.detail)
            return Measurement(round(seconds, 2), peak, False, "; ".join(details))
    return Measurement(round(seconds, 2), peak, True, "")


def dbt_command(command: str, work: Path, *extra: str) -> list[str]:
    dbt = str(Path(sys.executable).with_name("dbt"))
    return [dbt, command, "--target-path", str(work / "target"), "--log-path", str(work / "logs"), *extra]


def remove_database(database: Path) -> None:
    for path in (database, database.with_suffix(".duckdb.wal"), Path(f"{database}.wal")):
        path.unlink(missing_ok=True)
    shutil.rmtree(f"{database}.tmp", ignore_errors=True)


def read_cube(database: Path) -> list[tuple[Any, ...]]:
    import duckdb

    connection = duckdb.connect(str(database), read_only=True)
    try:
        return sorted(connection.sql(f"select {', '.join(CUBE_COLUMNS)} from marts.fct_nps_daily").fetchall())
    finally:
        connection.close()


def sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _csv_header(path: Path) -> set[str]:
    """The column names of a CSV file's header (an export may lack the optional metrics)."""
    with open(path, encoding="utf-8-sig") as handle:
        return {name.strip() for name in handle.readline().rstrip("\r\n").split(",")}


def floor_sql(files: Sequence[Path], seeds_dir: Path) -> str:
    """One DuckDB statement: read, validate, de-duplicate, classify, aggregate the daily cube.

    Written by hand with the rules of the README (not generated from the dbt models), reading
    each file once with its row numbers, as the warehouse does.
    """
    whitespace = "' ' || chr(9) || chr(13) || chr(10)"
    reads = "\n        union all\n".join(
        f"""select {sql_string(str(path))} as source_file, ordinality as source_row_number,
            {
            ", ".join(
                f"trim({column}, {whitespace}) as {column}"
                if column in _csv_header(path)
                else f"cast(null as varchar) as {column}"
                for column in FLOOR_COLUMNS
            )
        }
        from read_csv({sql_string(str(path))}, header = true, all_varchar = true, delim = ',',
                      quote = '"', escape = '"') with ordinality"""
        for path in files
    )
    timestamp = (
        "[12][0-9]{3}-[0-9]{2}-[0-9]{2}[T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]{1,6})?)?"
        "( ?(Z|[+-]([01][0-9]|2[0-3])(:?[0-5][0-9])?))?"
    )
    # the offset's length once the pattern has matched: Z 1, +HH:MM 6, +HHMM 5, +HH 3, none 0
    offset_length = """(case
        when right(submitted_at, 1) = 'Z' then 1
        when substring(submitted_at, length(submitted_at) - 5, 1) in ('+', '-') then 6
        when substring(submitted_at, length(submitted_at) - 4, 1) in ('+', '-') then 5
        when substring(submitted_at, length(submitted_at) - 2, 1) in ('+', '-') then 3
        else 0 end)"""
    aliases = sql_string(str(seeds_dir / "nps_channel_aliases.csv"))
    return f"""
    with
    raw as (
        {reads}
    ),
    parsed as (
        select
            source_file, source_row_number, nullif(response_id, '') as response_id,
            nullif(channel, '') as channel_text,
            coalesce(upper(nullif(region, '')), 'unknown') as region,
            coalesce(lower(nullif(segment, '')), 'unknown') as segment,
            case when regexp_full_match(submitted_at, '{timestamp}') then
                try_cast(replace(rtrim(left(submitted_at, length(submitted_at) - {offset_length})), 'T', ' ')
                    as timestamp)
                - to_minutes(case when {offset_length} > 1 then
                    (case when substring(submitted_at, length(submitted_at) - {offset_length} + 1, 1) = '-'
                        then -1 else 1 end)
                    * (cast(substring(submitted_at, length(submitted_at) - {offset_length} + 2, 2)
                            as integer) * 60
                       + (case when {offset_length} = 3 then 0
                            else cast(right(submitted_at, 2) as integer) end))
                    else 0 end)
            end as submitted_utc,
            case when regexp_full_match(score, '0*[0-9]{{1,2}}([.]0+)?')
                and cast(split_part(score, '.', 1) as integer) <= 10
                then cast(split_part(score, '.', 1) as integer) end as score_value,
            regexp_full_match(csat_score, '0*[0-9]{{1,2}}([.]0+)?')
                and try_cast(split_part(csat_score, '.', 1) as integer) between 1 and 5 as csat_valid,
            regexp_full_match(ces_score, '0*[0-9]{{1,2}}([.]0+)?')
                and try_cast(split_part(ces_score, '.', 1) as integer) between 1 and 7 as ces_valid
        from raw
    ),
    latest as (
        select * from parsed
        where response_id is not null and submitted_utc is not null
            and (score_value is not null or coalesce(csat_valid, false) or coalesce(ces_valid, false))
        qualify row_number() over (
            partition by response_id order by submitted_utc desc, source_file desc, source_row_number desc
        ) = 1
    ),
    aliases as (
        select distinct
            replace(replace(replace(
                strip_accents(lower(trim(alias, {whitespace}))), ' ', ''), '-', ''), '_', ''
            ) as alias_key,
            channel
        from read_csv({aliases}, header = true, all_varchar = true)
    )
    select
        cast(latest.submitted_utc as date) as response_date,
        case when latest.channel_text is null then 'unknown'
            else coalesce(aliases.channel, 'other') end as channel,
        latest.region,
        latest.segment,
        count(*) as responses,
        count(*) filter (where score_value >= 9) as promoters,
        count(*) filter (where score_value between 7 and 8) as passives,
        count(*) filter (where score_value <= 6) as detractors
    from latest
    left join aliases
        on replace(replace(replace(strip_accents(lower(latest.channel_text)), ' ', ''), '-', ''), '_', '')
            = aliases.alias_key
    where latest.score_value is not null
    group by all
    """


def run_floor(files: Sequence[Path], output: Path, memory_limit: str, threads: str) -> None:
    import duckdb

    connection = duckdb.connect()
    connection.execute(f"set memory_limit = {sql_string(memory_limit)}")
    if threads:
        connection.execute(f"set threads = {int(threads)}")
    connection.execute("set preserve_insertion_order = false")
    rows = connection.sql(floor_sql(files, PROJECT_DIR / "seeds")).fetchall()
    _write_cube(output, rows)


def run_pandas(files: Sequence[Path], output: Path) -> None:
    """The daily cube with pandas: the same rules, vectorised."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.csv as pacsv

    frames = []
    for path in files:
        # pyarrow's multithreaded reader (pandas' engine="pyarrow" cannot read quoted newlines)
        table = pacsv.read_csv(
            path,
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(FLOOR_COLUMNS, pa.string()),
                include_columns=list(FLOOR_COLUMNS),
                strings_can_be_null=False,
                include_missing_columns=True,
            ),
        )
        frame = table.to_pandas()
        frame["source_file"] = str(path)
        frame["source_row_number"] = range(1, len(frame) + 1)
        frames.append(frame)
    data = pd.concat(frames, ignore_index=True)
    del frames

    cleaned = {}
    for column in (
        "response_id",
        "submitted_at",
        "score",
        "csat_score",
        "ces_score",
        "channel",
        "region",
        "segment",
    ):
        stripped = data[column].str.strip(" \t\r\n")
        cleaned[column] = stripped.mask(stripped == "")
    source_file, source_row_number = data["source_file"], data["source_row_number"]
    del data
    response_id, submitted, score = cleaned["response_id"], cleaned["submitted_at"], cleaned["score"]
    pattern = (
        r"(?P<local>[12][0-9]{3}-[0-9]{2}-[0-9]{2}[T ](?:[01][0-9]|2[0-3]):[0-5][0-9]"
        r"(?::[0-5][0-9](?:[.][0-9]{1,6})?)?)"
        r"(?: ?(?:Z|(?P<sign>[+-])(?P<hours>[01][0-9]|2[0-3])(?::?(?P<minutes>[0-5][0-9]))?))?"
    )
    parts = submitted.str.extract("^" + pattern + "$")
    valid_text = parts["local"].notna()
    instant = pd.to_datetime(
        parts["local"].str.replace("T", " ", regex=False), format="ISO8601", errors="coerce"
    )
    has_offset = parts["sign"].notna()
    offset_minutes = (
        parts["hours"].where(has_offset, "0").astype(int) * 60 + parts["minutes"].fillna("0").astype(int)
    ) * parts["sign"].map({"-": -1}).fillna(1).astype(int)
    utc = instant.where(valid_text) - pd.to_timedelta(offset_minutes.where(has_offset, 0), unit="min")

    score_ok = score.str.fullmatch(r"0*[0-9]{1,2}([.]0+)?").fillna(False).astype(bool)
    score_value = pd.to_numeric(score.str.split(".").str[0].where(score_ok), errors="coerce")
    score_value = score_value.where(score_value <= 10)

    def in_scale(text: Any, highest: int) -> Any:
        ok = text.str.fullmatch(r"0*[0-9]{1,2}([.]0+)?").fillna(False).astype(bool)
        value = pd.to_numeric(text.str.split(".").str[0].where(ok), errors="coerce")
        return value.between(1, highest).fillna(False).astype(bool)

    # a response needs one valid metric of three; the NPS cube counts those with a score
    any_metric = score_value.notna() | in_scale(cleaned["csat_score"], 5) | in_scale(cleaned["ces_score"], 7)
    valid = response_id.notna() & utc.notna() & any_metric
    responses = pd.DataFrame(
        {
            "response_id": response_id[valid],
            "utc": utc[valid],
            "source_file": source_file[valid],
            "source_row_number": source_row_number[valid],
            "score": score_value[valid],
            "channel": cleaned["channel"][valid],
            "region": cleaned["region"][valid].str.upper().fillna("unknown"),
            "segment": cleaned["segment"][valid].str.lower().fillna("unknown"),
        }
    )
    del cleaned
    responses = responses.sort_values(["response_id", "utc", "source_file", "source_row_number"])
    latest = responses.drop_duplicates("response_id", keep="last")
    latest = latest[latest["score"].notna()]

    aliases = pd.read_csv(PROJECT_DIR / "seeds" / "nps_channel_aliases.csv", dtype=str)
    mapping = dict(zip(_channel_keys(aliases["alias"]), aliases["channel"], strict=True))
    channel = _channel_keys(latest["channel"]).map(mapping).fillna("other")
    channel = channel.where(latest["channel"].notna(), "unknown")
    cube = (
        pd.DataFrame(
            {
                "response_date": latest["utc"].dt.date,
                "channel": channel,
                "region": latest["region"],
                "segment": latest["segment"],
                "promoters": (latest["score"] >= 9).astype(int),
                "passives": latest["score"].between(7, 8).astype(int),
                "detractors": (latest["score"] <= 6).astype(int),
            }
        )
        .groupby(["response_date", "channel", "region", "segment"], sort=False)
        .agg(
            responses=("promoters", "size"),
            promoters=("promoters", "sum"),
            passives=("passives", "sum"),
            detractors=("detractors", "sum"),
        )
        .reset_index()
    )
    _write_cube(output, list(cube.itertuples(index=False, name=None)))


def _channel_keys(values):
    import pandas as pd

    text = pd.Series(values, dtype="string").str.strip(" \t\r\n").str.lower()
    text = text.str.normalize("NFKD").str.encode("ascii", "ignore").str.decode("ascii")
    return text.str.replace(r"[ _-]", "", regex=True)


def _write_cube(output: Path, rows: list[tuple[Any, ...]]) -> None:
    normalised = sorted([str(row[0]), *row[1:4], *(int(value) for value in row[4:])] for row in rows)
    output.write_text(json.dumps(normalised), encoding="utf-8")


def read_cube_file(path: Path) -> list[list[Any]]:
    return json.loads(path.read_text(encoding="utf-8"))


def normalise_cube(rows: list[tuple[Any, ...]]) -> list[list[Any]]:
    return sorted([str(row[0]), *row[1:4], *(int(value) for value in row[4:])] for row in rows)


# --- the benchmark ----------------------------------------------------------------------------------


@dataclass
class SizeResult:
    rows: int
    files: int
    new_day_rows: int
    steps: dict[str, dict[str, Any]] = field(default_factory=dict)
    ratios: dict[str, float | None] = field(default_factory=dict)
    checks: dict[str, bool | None] = field(default_factory=dict)


def machine_info(settings: dict[str, str]) -> dict[str, Any]:
    import dbt.version
    import duckdb

    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            names = [line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")]
            cpu = names[0] if names else cpu
    except OSError:
        pass
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_gb, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "dbt_core": dbt.version.__version__,
        "duckdb_memory_limit": settings.get("NPS_DUCKDB_MEMORY_LIMIT", "3GB"),
        "duckdb_threads": settings.get("NPS_DUCKDB_THREADS") or "all cores",
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
    }


def _ratio(numerator: Measurement | None, denominator: Measurement | None) -> float | None:
    if not numerator or not denominator or not numerator.ok or not denominator.ok or not denominator.seconds:
        return None
    return round(numerator.seconds / denominator.seconds, 2)


def _python_step(function: str, files: Sequence[Path], output: Path, settings: dict[str, str]) -> list[str]:
    arguments = json.dumps(
        {
            "files": [str(path) for path in files],
            "output": str(output),
            "memory_limit": settings.get("NPS_DUCKDB_MEMORY_LIMIT", "3GB"),
            "threads": settings.get("NPS_DUCKDB_THREADS", ""),
        }
    )
    return [sys.executable, "-m", "nps_warehouse.benchmark", function, arguments]


def benchmark_size(
    rows: int,
    work: Path,
    *,
    settings: dict[str, str],
    pandas_max_rows: int,
    progress: Callable[[str], None],
) -> SizeResult:
    """Every step on a history of ``rows`` responses and one more day."""
    size_dir = work / format_size(rows)
    history = ensure_history(work / "data" / f"history_{format_size(rows)}", rows, progress)
    new_day_rows = max(1, rows // HISTORY_DAYS)
    new_day = ensure_new_day(work / "data" / f"new_day_{format_size(rows)}", new_day_rows, rows, progress)
    files = landing_files(history)
    result = SizeResult(rows=rows, files=len(files), new_day_rows=new_day_rows)
    size_dir.mkdir(parents=True, exist_ok=True)
    landing = size_dir / "landing"
    shutil.rmtree(landing, ignore_errors=True)
    landing.mkdir()
    link_landing(landing, history)

    steps: dict[str, Measurement] = {}
    database = size_dir / "warehouse.duckdb"

    progress(f"{format_size(rows)}: dbt run --full-refresh (models only; seeds loaded first, not timed)")
    remove_database(database)
    seeded = measure_chain(
        [
            (load_command(), size_dir / "dbt_seed_load.log"),
            (dbt_command("seed", size_dir), size_dir / "dbt_seed.log"),
        ],
        env=_dbt_env(database, landing, settings),
    )
    if not seeded.ok:
        raise RuntimeError(f"loading or dbt seed failed: {seeded.detail}")
    steps["dbt_run"] = measure(
        dbt_command("run", size_dir, "--full-refresh"),
        env=_dbt_env(database, landing, settings),
        log=size_dir / "dbt_run.log",
    )
    progress(f"{format_size(rows)}: load + dbt build --full-refresh (models and tests)")
    remove_database(database)
    steps["full_load"] = measure(
        load_command("--full-refresh"),
        env=_dbt_env(database, landing, settings),
        log=size_dir / "full_load.log",
    )
    dbt_build = measure(
        dbt_command("build", size_dir, "--full-refresh"),
        env=_dbt_env(database, landing, settings),
        log=size_dir / "full_build.log",
    )
    steps["full_build"] = _chained(steps["full_load"], dbt_build)
    cube = normalise_cube(read_cube(database)) if steps["full_build"].ok else None

    progress(f"{format_size(rows)}: the comment models and their tests again, on the built warehouse")
    steps["comment_models"] = measure(
        dbt_command("build", size_dir, "--full-refresh", "--select", *COMMENT_SELECTION),
        env=_dbt_env(database, landing, settings),
        log=size_dir / "comment_models.log",
    )

    progress(f"{format_size(rows)}: load + dbt build after one more day ({new_day_rows} responses)")
    link_landing(landing, new_day)
    steps["incremental_load"] = measure(
        load_command(), env=_dbt_env(database, landing, settings), log=size_dir / "incremental_load.log"
    )
    dbt_build = measure(
        dbt_command("build", size_dir),
        env=_dbt_env(database, landing, settings),
        log=size_dir / "incremental.log",
    )
    steps["incremental_build"] = _chained(steps["incremental_load"], dbt_build)

    progress(f"{format_size(rows)}: engine floor (one DuckDB statement)")
    floor_output = size_dir / "floor_cube.json"
    steps["floor"] = measure(
        _python_step("floor", files, floor_output, settings), log=size_dir / "floor.log", env=dict(os.environ)
    )
    result.checks["floor_matches_marts"] = (
        steps["floor"].ok and cube is not None and read_cube_file(floor_output) == cube
    )

    if rows <= pandas_max_rows:
        progress(f"{format_size(rows)}: pandas")
        pandas_output = size_dir / "pandas_cube.json"
        steps["pandas"] = measure(
            _python_step("pandas", files, pandas_output, settings),
            log=size_dir / "pandas.log",
            env=dict(os.environ),
        )
        result.checks["pandas_matches_marts"] = (
            steps["pandas"].ok and cube is not None and read_cube_file(pandas_output) == cube
        )
    else:
        result.checks["pandas_matches_marts"] = None

    result.steps = {name: asdict(measurement) for name, measurement in steps.items()}
    result.ratios = {
        "full_over_floor": _ratio(steps["full_build"], steps["floor"]),
        "incremental_over_full": _ratio(steps["incremental_build"], steps["full_build"]),
        "pandas_over_full": _ratio(steps.get("pandas"), steps["full_build"]),
        "pandas_over_incremental": _ratio(steps.get("pandas"), steps["incremental_build"]),
        "comment_models_over_full": _ratio(steps["comment_models"], steps["full_build"]),
    }
    return result


def _chained(*steps: Measurement) -> Measurement:
    """Steps run one after the other, as one: times add up, the peak is the highest."""
    failed = [step.detail for step in steps if not step.ok]
    return Measurement(
        round(sum(step.seconds for step in steps), 2),
        max(step.peak_rss_mb for step in steps),
        not failed,
        "; ".join(failed),
    )


def benchmark_scaling(
    sizes: Sequence[int], work: Path, *, settings: dict[str, str], progress: Callable[[str], None]
) -> dict[str, Any]:
    """The same new day, incrementally, on histories of each size (built first, not timed)."""
    smallest = min(sizes)
    new_day = ensure_new_day(
        work / "data" / f"scaling_day_{format_size(smallest)}",
        max(1, smallest // HISTORY_DAYS),
        smallest,
        progress,
    )
    runs: dict[str, Any] = {}
    for rows in sizes:
        history = ensure_history(work / "data" / f"history_{format_size(rows)}", rows, progress)
        size_dir = work / f"scaling_{format_size(rows)}"
        size_dir.mkdir(parents=True, exist_ok=True)
        landing = size_dir / "landing"
        shutil.rmtree(landing, ignore_errors=True)
        landing.mkdir()
        link_landing(landing, history)
        database = size_dir / "warehouse.duckdb"
        remove_database(database)
        progress(f"scaling: full build of the {format_size(rows)} history (not timed)")
        setup = measure_chain(
            [
                (load_command("--full-refresh"), size_dir / "setup_load.log"),
                (dbt_command("build", size_dir, "--full-refresh"), size_dir / "setup.log"),
            ],
            env=_dbt_env(database, landing, settings),
        )
        link_landing(landing, new_day)
        progress(f"scaling: the same new day on the {format_size(rows)} history")
        incremental = measure_chain(
            [
                (load_command(), size_dir / "incremental_load.log"),
                (dbt_command("build", size_dir), size_dir / "incremental.log"),
            ],
            env=_dbt_env(database, landing, settings),
        )
        runs[format_size(rows)] = {
            "history_full_build": asdict(setup),
            "incremental_build": asdict(incremental),
        }
    names = [format_size(rows) for rows in sorted(sizes)]
    low, high = runs[names[0]]["incremental_build"], runs[names[-1]]["incremental_build"]
    ratio = (
        round(high["seconds"] / low["seconds"], 2) if low["ok"] and high["ok"] and low["seconds"] else None
    )
    return {"new_day_rows": max(1, smallest // HISTORY_DAYS), "runs": runs, "largest_over_smallest": ratio}


ENGINE_DEMO = "demo"


def read_engine_cube(target: str) -> list[tuple[Any, ...]]:
    """``fct_nps_daily``'s cube from the target of the environment's profile settings."""
    from nps_warehouse.engines import query_rows

    return query_rows(f"select {', '.join(CUBE_COLUMNS)} from marts.fct_nps_daily", target=target)


def _engine_env(engine: str, work: Path, landing: Path, settings: dict[str, str]) -> dict[str, str]:
    env = _dbt_env(work / "warehouse.duckdb", landing, settings)
    env["NPS_TARGET"] = engine
    if engine == "postgres":
        env["PGDATABASE"] = f"nps_bench_{work.name.lower()}"
    if engine == "spark":
        env["NPS_SPARK_WAREHOUSE_DIR"] = str(work / "spark")
    return env


def _reset_engine(engine: str, work: Path, env: dict[str, str]) -> None:
    """A new, empty warehouse for the engine (file, database or Spark folder)."""
    remove_database(work / "warehouse.duckdb")
    shutil.rmtree(work / "spark", ignore_errors=True)
    if engine == "postgres":
        subprocess.run([str(PROJECT_DIR / "scripts" / "postgres_local.sh")], env=env, check=True)
        from nps_warehouse.engines import postgres_connect, profile_target

        connection = postgres_connect(profile_target("postgres"), "postgres")
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(f'drop database if exists "{env["PGDATABASE"]}" with (force)')
                cursor.execute(f'create database "{env["PGDATABASE"]}"')
        finally:
            connection.close()


def benchmark_engines(
    engines: Sequence[str],
    sizes: Sequence[int | str],
    work: Path,
    *,
    settings: dict[str, str],
    progress: Callable[[str], None],
) -> dict[str, Any]:
    """Load + full build + incremental build of each size (the demo data or a history) on each
    engine; every engine's cube must equal DuckDB's (DuckDB runs first)."""
    results: dict[str, Any] = {}
    for size in sizes:
        name = ENGINE_DEMO if size == ENGINE_DEMO else format_size(int(size))
        if size == ENGINE_DEMO:
            history = PROJECT_DIR / "data" / "demo"
            new_day = ensure_new_day(work / "data" / "new_day_demo", 50, 5000, progress)
        else:
            rows = int(size)
            history = ensure_history(work / "data" / f"history_{name}", rows, progress)
            new_day = ensure_new_day(
                work / "data" / f"new_day_{name}", max(1, rows // HISTORY_DAYS), rows, progress
            )
        reference: list[list[Any]] | None = None
        for engine in ["duckdb", *[engine for engine in engines if engine != "duckdb"]]:
            engine_dir = work / f"engine_{engine}_{name}"
            engine_dir.mkdir(parents=True, exist_ok=True)
            landing = engine_dir / "landing"
            shutil.rmtree(landing, ignore_errors=True)
            landing.mkdir()
            link_landing(landing, history)
            env = _engine_env(engine, engine_dir, landing, settings)
            _reset_engine(engine, engine_dir, env)
            steps: dict[str, Measurement] = {}
            loader = load_command()
            progress(f"{engine} {name}: loading the landing files")
            steps["load"] = measure(loader, env=env, log=engine_dir / "load.log")
            progress(f"{engine} {name}: dbt build --full-refresh")
            steps["full_build"] = measure(
                dbt_command("build", engine_dir, "--full-refresh"), env=env, log=engine_dir / "full_build.log"
            )
            link_landing(landing, new_day)
            steps["incremental_load"] = measure(loader, env=env, log=engine_dir / "incremental_load.log")
            progress(f"{engine} {name}: dbt build after one more day")
            steps["incremental_build"] = measure(
                dbt_command("build", engine_dir), env=env, log=engine_dir / "incremental.log"
            )
            cube_file = engine_dir / "cube.json"
            cube_step = measure(
                [
                    sys.executable,
                    "-m",
                    "nps_warehouse.benchmark",
                    "cube",
                    json.dumps({"target": engine, "output": str(cube_file)}),
                ],
                env=env,
                log=engine_dir / "cube.log",
            )
            cube = read_cube_file(cube_file) if cube_step.ok else None
            if engine == "duckdb":
                reference = cube
            results.setdefault(name, {})[engine] = {
                "steps": {step: asdict(measurement) for step, measurement in steps.items()},
                "cube_matches_duckdb": cube is not None and cube == reference,
            }
        if "duckdb" not in engines:
            results[name].pop("duckdb", None)
    return results


# --- reporting --------------------------------------------------------------------------------------


def _cell(step: dict[str, Any] | None, key: str) -> str:
    if not step:
        return "not run"
    if not step["ok"]:
        return f"failed ({step['detail']})"
    return f"{step[key]:,.1f}"


def _fmt_ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def render_markdown(report: dict[str, Any]) -> str:
    machine = report["machine"]
    lines = [
        f"Benchmark of {machine['date']} on {machine['cpu']} ({machine['cores']} cores, "
        f"{machine['memory_gb']} GB RAM, {machine['os']}); Python {machine['python']}, DuckDB "
        f"{machine['duckdb']}, dbt-core {machine['dbt_core']}; DuckDB memory_limit "
        f"{machine['duckdb_memory_limit']}, threads {machine['duckdb_threads']}.",
        "",
        "| history | step | wall time (s) | peak RSS (MB) |",
        "| --- | --- | ---: | ---: |",
    ]
    labels = {
        "full_load": "load of every file (the landing loader)",
        "full_build": "full build: load + `dbt build` (models + tests)",
        "comment_models": "the comment models and their tests alone, rebuilt on the full build",
        "dbt_run": "full `dbt run` (models only, files loaded)",
        "incremental_load": "load of one more day",
        "incremental_build": "incremental build: load + `dbt build`, one more day",
        "floor": "engine floor (one DuckDB statement)",
        "pandas": "pandas",
    }
    for size in report["sizes"]:
        name = format_size(size["rows"])
        for step, label in labels.items():
            entry = size["steps"].get(step)
            lines.append(f"| {name} | {label} | {_cell(entry, 'seconds')} | {_cell(entry, 'peak_rss_mb')} |")
    lines += [
        "",
        "| history | full / floor | incremental / full | pandas / full | pandas / incremental "
        "| comment models / full | floor cube = marts | pandas cube = marts |",
        "| --- | ---: | ---: | ---: | ---: | ---: | :---: | :---: |",
    ]
    for size in report["sizes"]:
        ratios, checks = size["ratios"], size["checks"]
        marks = {True: "yes", False: "**no**", None: "not run"}
        lines.append(
            f"| {format_size(size['rows'])} | {_fmt_ratio(ratios['full_over_floor'])} | "
            f"{_fmt_ratio(ratios['incremental_over_full'])} | {_fmt_ratio(ratios['pandas_over_full'])} | "
            f"{_fmt_ratio(ratios['pandas_over_incremental'])} | "
            f"{_fmt_ratio(ratios.get('comment_models_over_full'))} | "
            f"{marks[checks.get('floor_matches_marts')]} | {marks[checks.get('pandas_matches_marts')]} |"
        )
    scaling = report.get("scaling")
    if scaling:
        lines += [
            "",
            f"Incremental build of the same new day ({scaling['new_day_rows']:,} responses) on each history:",
            "",
            "| history | incremental build: load + `dbt build` (s) | peak RSS (MB) "
            "| full build of the history (s) | its peak RSS (MB) |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for name, run in scaling["runs"].items():
            incremental, setup = run["incremental_build"], run["history_full_build"]
            lines.append(
                f"| {name} | {_cell(incremental, 'seconds')} | {_cell(incremental, 'peak_rss_mb')} "
                f"| {_cell(setup, 'seconds')} | {_cell(setup, 'peak_rss_mb')} |"
            )
        lines += ["", f"Largest over smallest history: {_fmt_ratio(scaling['largest_over_smallest'])}."]
    engines = report.get("engines")
    if engines:
        lines += [
            "",
            "Each engine (full build on the data, then one more day incrementally; load = the landing "
            "loader, then `dbt build`):",
            "",
            "| data | engine | load (s) | full `dbt build` (s) | its peak RSS (MB) | incremental load (s) "
            "| incremental `dbt build` (s) | cube = DuckDB's |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | :---: |",
        ]
        for data, per_engine in engines.items():
            for engine, run in per_engine.items():
                steps = run["steps"]
                lines.append(
                    f"| {data} | {engine} | {_cell(steps.get('load'), 'seconds')} "
                    f"| {_cell(steps.get('full_build'), 'seconds')} "
                    f"| {_cell(steps.get('full_build'), 'peak_rss_mb')} "
                    f"| {_cell(steps.get('incremental_load'), 'seconds')} "
                    f"| {_cell(steps.get('incremental_build'), 'seconds')} "
                    f"| {'yes' if run['cube_matches_duckdb'] else '**no**'} |"
                )
    return "\n".join(lines) + "\n"


def _main_step(argv: Sequence[str]) -> int:
    """``python -m nps_warehouse.benchmark floor|pandas|cube '<json arguments>'`` (one step)."""
    function, arguments = argv[0], json.loads(argv[1])
    files = [Path(path) for path in arguments.get("files", [])]
    output = Path(arguments["output"])
    if function == "cube":
        _write_cube(output, read_engine_cube(arguments["target"]))
    elif function == "floor":
        run_floor(files, output, arguments["memory_limit"], arguments["threads"])
    elif function == "pandas":
        run_pandas(files, output)
    else:
        raise SystemExit(f"unknown step {function!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main_step(sys.argv[1:]))
