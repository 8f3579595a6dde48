"""The two baselines: the engine floor (one DuckDB statement) and pandas, each computing the
daily cube from the landing files with the rules of the README."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .common import FLOOR_COLUMNS, PROJECT_DIR, sql_string


def file_columns(path: Path) -> set[str]:
    """The column names of a landing file - a CSV file's header, a Parquet file's schema (an
    export may lack the optional metrics)."""
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return set(pq.read_schema(path).names)
    with open(path, encoding="utf-8-sig") as handle:
        return {name.strip() for name in handle.readline().rstrip("\r\n").split(",")}


def _raw_reads(files: Sequence[Path], whitespace: str) -> list[str]:
    """The selects of the raw rows, each with its ``source_file`` and ``source_row_number`` as the
    loader numbers them: every Parquet file in one ``read_parquet`` of the list, its rows in file
    order from 1 (a union of one scan per file ran out of 18GB on the 201 files of the 100M check
    with 4.7 GB resident; one scan of the list checked the same bucket in 5 GB); each CSV file in
    a scan of its own, its data rows from 1 (the ordinality of a list would count across files)."""
    reads = []
    parquet = [path for path in files if path.suffix == ".parquet"]
    if parquet:
        present = set().union(*(file_columns(path) for path in parquet))
        listed = ", ".join(sql_string(str(path)) for path in parquet)
        reads.append(
            f"""select filename as source_file, file_row_number + 1 as source_row_number,
            {_trimmed(present, whitespace)}
        from read_parquet([{listed}], filename = true, file_row_number = true, union_by_name = true)"""
        )
    for path in files:
        if path.suffix != ".parquet":
            reads.append(
                f"""select {sql_string(str(path))} as source_file, ordinality as source_row_number,
            {_trimmed(file_columns(path), whitespace)}
        from read_csv({sql_string(str(path))}, header = true, all_varchar = true, delim = ',',
                      quote = '"', escape = '"') with ordinality"""
            )
    return reads


def _trimmed(present: set[str], whitespace: str) -> str:
    """The rules' columns as trimmed text; a column no file holds is null."""
    return ", ".join(
        f"trim(cast({column} as varchar), {whitespace}) as {column}"
        if column in present
        else f"cast(null as varchar) as {column}"
        for column in FLOOR_COLUMNS
    )


def floor_sql(files: Sequence[Path], seeds_dir: Path, bucket: tuple[int, int] | None = None) -> str:
    """One DuckDB statement: read, validate, de-duplicate, classify, aggregate the daily cube.

    Written by hand with the rules of the README (not generated from the dbt models), reading
    each file once with its row numbers, as the warehouse does (``_raw_reads``). With ``bucket``
    (i, k): only the responses whose id hashes to i modulo k - a response's submissions stay
    together, so the k buckets' cubes add up to the whole cube.
    """
    whitespace = "' ' || chr(9) || chr(13) || chr(10)"
    reads = _raw_reads(files, whitespace)
    union = "\n        union all\n        ".join(reads)
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
    in_bucket = f" and hash(response_id) % {bucket[1]} = {bucket[0]}" if bucket else ""
    return f"""
    with
    raw as (
        {union}
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
        where response_id is not null and submitted_utc is not null{in_bucket}
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


def run_floor(
    files: Sequence[Path],
    output: Path,
    memory_limit: str,
    threads: str,
    temp_directory: str | None = None,
    buckets: int = 1,
) -> None:
    """The floor's cube of ``files`` into ``output``. With ``temp_directory`` DuckDB spills there
    beyond ``memory_limit``; with ``buckets`` above 1 the statement runs once per bucket of
    response ids and the cubes are added up (the check of a 50M or 100M cube: at 100M the one
    statement did not fit in 18GB). The measured floor is one statement in memory, as always."""
    import duckdb

    connection = duckdb.connect()
    connection.execute(f"set memory_limit = {sql_string(memory_limit)}")
    if temp_directory:
        connection.execute(f"set temp_directory = {sql_string(temp_directory)}")
    if threads:
        connection.execute(f"set threads = {int(threads)}")
    connection.execute("set preserve_insertion_order = false")
    if buckets == 1:
        write_cube(output, connection.sql(floor_sql(files, PROJECT_DIR / "seeds")).fetchall())
        return
    cube: dict[tuple[Any, ...], list[int]] = {}
    for bucket in range(buckets):
        for row in connection.sql(floor_sql(files, PROJECT_DIR / "seeds", (bucket, buckets))).fetchall():
            counts = cube.setdefault(tuple(row[:4]), [0] * len(row[4:]))
            for index, value in enumerate(row[4:]):
                counts[index] += int(value)
    write_cube(output, [(*key, *counts) for key, counts in cube.items()])


def run_pandas(files: Sequence[Path], output: Path) -> None:
    """The daily cube with pandas: the same rules, vectorised; CSV files through pyarrow's CSV
    reader, Parquet files through pyarrow's Parquet reader, each row numbered as the loader
    numbers it (from 1, in file order)."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    frames = []
    for path in files:
        if path.suffix == ".parquet":
            # pyarrow's multithreaded Parquet reader, only the columns the rules need
            present = file_columns(path)
            table = pq.read_table(path, columns=[column for column in FLOOR_COLUMNS if column in present])
            for column in FLOOR_COLUMNS:
                if column not in present:
                    table = table.append_column(column, pa.nulls(len(table), pa.string()))
        else:
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
    write_cube(output, list(cube.itertuples(index=False, name=None)))


def _channel_keys(values):
    import pandas as pd

    text = pd.Series(values, dtype="string").str.strip(" \t\r\n").str.lower()
    text = text.str.normalize("NFKD").str.encode("ascii", "ignore").str.decode("ascii")
    return text.str.replace(r"[ _-]", "", regex=True)


def write_cube(output: Path, rows: list[tuple[Any, ...]]) -> None:
    normalised = sorted([str(row[0]), *row[1:4], *(int(value) for value in row[4:])] for row in rows)
    output.write_text(json.dumps(normalised), encoding="utf-8")


def read_cube_file(path: Path) -> list[list[Any]]:
    return json.loads(path.read_text(encoding="utf-8"))


def normalise_cube(rows: list[tuple[Any, ...]]) -> list[list[Any]]:
    return sorted([str(row[0]), *row[1:4], *(int(value) for value in row[4:])] for row in rows)
