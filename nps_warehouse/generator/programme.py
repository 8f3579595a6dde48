"""The CX programme: the six landing sources of one batch, written together and consistent.

``generate_programme`` writes, for a batch of responses (the same batch ``generate`` writes):

=================  ====================================================================
source             files
=================  ====================================================================
responses          ``<out>/responses[_<label>]_NNNN.<ext>``, as ``generate`` writes them
interactions       ``<out>/interactions/interactions[_<label>]_NNNN.csv``, one per responses file
invitations        ``<out>/invitations/invitations[_<label>]_NNNN.csv``, one per responses file
                   and a last one with the invitations that arrived after the period
customers          ``<out>/customers/customers[_<label>]_NNNN.csv``: the snapshot (first
                   batch), then one CRM extract per calendar month of the period
agents             ``<out>/agents/agents[_<label>]_NNNN.csv``: likewise
case_events        ``<out>/case_events/case_events[_<label>]_NNNN.csv``, one per responses
                   file: the CRM's follow-up of its detractors, exported at the period's end
agent_engagement   ``<out>/agent_engagement/agent_engagement[_<label>]_NNNN.csv``: the
                   eNPS answers of one monthly pulse survey per calendar month of the period
=================  ====================================================================

Everything is a function of the seed and of entity numbers (rng.py), so two batches of the same
seed agree: a later batch (``first_response`` after the earlier batch's last response, a later
``start_date``; no snapshot by default) writes extracts for its own period in which the same
customers and agents carry on their histories.  The responses pass computes each chunk's facts
once and writes the responses, interactions and invitations of those rows together; the
customers and agents are written afterwards, a chunk of customers at a time, so memory stays flat
at any size.  A first batch's customer extracts go through every customer of its universe (its
snapshot lists them all); a later batch's only through the customers its rows name, gathered in
the responses pass, and those new to its universe, so its cost follows its own rows and not the
size of the history before it (customers.py).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow as pa

from . import agents, case_events, customers, engagement, interactions, invitations
from .reference import SURVEY_IDS
from .responses import (
    DEFAULT_CHUNK_ROWS,
    DEFAULT_DAYS,
    DEFAULT_MESSY_RATE,
    DEFAULT_RESUBMIT_RATE,
    DEFAULT_ROWS,
    DEFAULT_SEED,
    OUTPUT_COLUMNS,
    BatchSpec,
    GenerationResult,
    ResponsePlan,
    build_chunk,
    check_files_arguments,
    file_row_ranges,
    history_start,
)
from .timestamps import US_PER_DAY, days_since_epoch
from .writers import OutputExistsError, TableFileWriter, existing_outputs, output_file_names

SOURCES: tuple[str, ...] = (
    "responses",
    "customers",
    "agents",
    "interactions",
    "invitations",
    "case_events",
    "agent_engagement",
)
SOURCE_COLUMNS: dict[str, tuple[str, ...]] = {
    "responses": OUTPUT_COLUMNS,
    "customers": customers.COLUMNS,
    "agents": agents.COLUMNS,
    "interactions": interactions.COLUMNS,
    "invitations": invitations.COLUMNS,
    "case_events": case_events.COLUMNS,
    "agent_engagement": engagement.COLUMNS,
}
SOURCE_FORMATS: tuple[str, ...] = ("csv", "csv.gz")

ProgrammeProgress = Callable[[str, int, int, Path], None]
"""Called after every chunk with (source, units done, units in all, file being written): response
rows for responses, interactions and invitations, extracts for customers and agents."""

_SURVEY_STRINGS = pa.array(list(SURVEY_IDS), pa.string())


@dataclass(frozen=True)
class ProgrammeResult:
    """What generate_programme() wrote: the files and rows of each source."""

    files: dict[str, list[Path]]
    rows: dict[str, int]
    responses: GenerationResult


def source_prefix(source: str, label: str | None) -> str:
    return source if not label else f"{source}_{label}"


def source_dir(out: Path, source: str) -> Path:
    return out if source == "responses" else out / source


def generate_programme(
    out_dir: str | os.PathLike[str],
    *,
    rows: int = DEFAULT_ROWS,
    seed: int = DEFAULT_SEED,
    fmt: str = "csv",
    source_fmt: str = "csv",
    files: int = 1,
    start_date: date | str | None = None,
    end_date: date | str | None = None,
    days: int = DEFAULT_DAYS,
    first_response: int = 1,
    resubmit_rate: float = DEFAULT_RESUBMIT_RATE,
    messy_rate: float = DEFAULT_MESSY_RATE,
    resubmit_from_range: tuple[int, int] | None = None,
    label: str | None = None,
    snapshot: bool | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    overwrite: bool = False,
    progress: ProgrammeProgress | None = None,
) -> ProgrammeResult:
    """Write a batch of ``rows`` responses and the customers, agents, interactions and invitations
    they refer to, and the agents' engagement survey answers, under ``out_dir``.

    The responses are exactly those ``generate`` writes with the same arguments (``fmt``: csv,
    csv.gz, parquet or mixed); the other sources are CSV (``source_fmt`` csv or csv.gz).
    ``label`` names a later batch's files (``responses_<label>_0001.csv``, ...) so that they sort
    after the earlier batch's; ``snapshot`` writes the initial customers and agents snapshot
    (default: only for a first batch, ``first_response`` 1).  Same arguments, same bytes; CSV
    output does not depend on ``chunk_rows``.  Raises ``ValueError`` on invalid arguments and
    ``OutputExistsError`` when files of a source exist and ``overwrite`` is false.
    """
    spec = BatchSpec(
        rows,
        seed,
        history_start(start_date, end_date, days),
        days,
        first_response,
        resubmit_rate,
        messy_rate,
        resubmit_from_range,
    )
    spec.validate()
    if source_fmt not in SOURCE_FORMATS:
        raise ValueError(f"source_fmt must be one of {', '.join(SOURCE_FORMATS)}, got {source_fmt!r}")
    prefixes = {source: source_prefix(source, label) for source in SOURCES}
    check_files_arguments(rows, fmt, files, chunk_rows, prefixes["responses"])
    out = Path(out_dir)
    _prepare(out, prefixes, overwrite)
    plan = ResponsePlan(spec)
    with_snapshot = first_response <= 1 if snapshot is None else snapshot
    period_start = days_since_epoch(spec.start_date) * US_PER_DAY
    period_end = period_start + spec.days * US_PER_DAY

    written: dict[str, list[Path]] = {source: [] for source in SOURCES}
    counts: dict[str, int] = dict.fromkeys(SOURCES, 0)
    # A batch without a snapshot exports the customers its rows name (and its new ones), never
    # the whole universe: its cost follows its rows, not the history before it.
    touched = None if with_snapshot else customers.TouchedCustomers()
    responses = _write_contacts(
        plan,
        out,
        prefixes,
        fmt,
        source_fmt,
        files,
        chunk_rows,
        written,
        counts,
        progress,
        touched,
        period_end,
    )

    ext = source_fmt
    customer_batch = customers.CustomerBatch(
        seed=seed,
        universe_before=0 if with_snapshot else customers.universe(first_response - 1),
        universe=customers.universe(spec.max_response_number),
        period_start=period_start,
        period_end=period_end,
        snapshot=with_snapshot,
        messy_rate=messy_rate,
        p_ts_variant=plan.p_ts_variant,
    )
    customer_model = customers.CustomerModel(plan.rng)
    customer_extracts = customers.extracts(customer_batch)
    named = None if touched is None else touched.numbers()
    names = output_file_names(len(customer_extracts), ext, prefixes["customers"])
    for name, extract in zip(names, customer_extracts, strict=True):
        path = source_dir(out, "customers") / name
        with TableFileWriter(path, customers.COLUMNS) as writer:
            for table in customers.extract_tables(customer_model, customer_batch, extract, named):
                writer.write(table)
        _done(written, counts, "customers", path, writer.rows)
        if progress is not None:
            progress("customers", extract.index + 1, len(customer_extracts), path)

    agent_batch = agents.AgentBatch(
        seed, period_start, period_end, with_snapshot, messy_rate, plan.p_ts_variant
    )
    agent_model = agents.AgentModel(plan.rng)
    agent_extracts = agents.extracts(agent_batch)
    names = output_file_names(len(agent_extracts), ext, prefixes["agents"])
    for name, extract in zip(names, agent_extracts, strict=True):
        path = source_dir(out, "agents") / name
        with TableFileWriter(path, agents.COLUMNS) as writer:
            for table in agents.extract_tables(agent_model, agent_batch, extract):
                writer.write(table)
        _done(written, counts, "agents", path, writer.rows)
        if progress is not None:
            progress("agents", extract.index + 1, len(agent_extracts), path)

    engagement_batch = engagement.EngagementBatch(
        seed, period_start, period_end, messy_rate, plan.p_ts_variant
    )
    engagement_model = engagement.EngagementModel(plan.rng)
    pulses = engagement.surveys(engagement_batch)
    names = output_file_names(len(pulses), ext, prefixes["agent_engagement"])
    for index, name in enumerate(names):
        path = source_dir(out, "agent_engagement") / name
        with TableFileWriter(path, engagement.COLUMNS) as writer:
            for table in engagement.survey_tables(engagement_model, engagement_batch, index):
                writer.write(table)
        _done(written, counts, "agent_engagement", path, writer.rows)
        if progress is not None:
            progress("agent_engagement", index + 1, len(pulses), path)
    return ProgrammeResult(written, counts, responses)


def _prepare(out: Path, prefixes: dict[str, str], overwrite: bool) -> None:
    """Refuse (before writing anything) when a source's files exist, unless overwrite."""
    existing = {source: existing_outputs(source_dir(out, source), prefixes[source]) for source in SOURCES}
    found = [f"{len(paths)} {source} file(s)" for source, paths in existing.items() if paths]
    if found and not overwrite:
        raise OutputExistsError(f"{out} already holds {', '.join(found)} of this batch; use overwrite")
    for source in SOURCES:
        source_dir(out, source).mkdir(parents=True, exist_ok=True)
        for path in existing[source]:
            path.unlink()


def _done(written: dict[str, list[Path]], counts: dict[str, int], source: str, path: Path, rows: int) -> None:
    written[source].append(path)
    counts[source] += rows


def _write_contacts(
    plan: ResponsePlan,
    out: Path,
    prefixes: dict[str, str],
    fmt: str,
    source_fmt: str,
    files: int,
    chunk_rows: int,
    written: dict[str, list[Path]],
    counts: dict[str, int],
    progress: ProgrammeProgress | None,
    touched: customers.TouchedCustomers | None = None,
    period_end: int = 0,
) -> GenerationResult:
    """The responses, with the interactions and invitations of their rows, file by file; touched
    gathers the customers they name."""
    rows = plan.spec.rows
    response_names = output_file_names(files, fmt, prefixes["responses"])
    interaction_names = output_file_names(files, source_fmt, prefixes["interactions"])
    invitation_names = output_file_names(files + 1, source_fmt, prefixes["invitations"])
    case_event_names = output_file_names(files, source_fmt, prefixes["case_events"])
    carried: dict[str, list[pa.Table]] = {"interactions": [], "invitations": []}
    resubmissions = messy = done = 0
    per_file: list[int] = []
    for k, (first, last) in enumerate(file_row_ranges(rows, files)):
        last_file = k == files - 1
        paths = {
            "responses": source_dir(out, "responses") / response_names[k],
            "interactions": source_dir(out, "interactions") / interaction_names[k],
            "invitations": source_dir(out, "invitations") / invitation_names[k],
            "case_events": source_dir(out, "case_events") / case_event_names[k],
        }
        with (
            TableFileWriter(paths["responses"], OUTPUT_COLUMNS) as response_writer,
            TableFileWriter(paths["interactions"], interactions.COLUMNS) as interaction_writer,
            TableFileWriter(paths["invitations"], invitations.COLUMNS) as invitation_writer,
            TableFileWriter(paths["case_events"], case_events.COLUMNS) as case_event_writer,
        ):
            contact_writers = {"interactions": interaction_writer, "invitations": invitation_writer}
            for source, writer in contact_writers.items():
                for table in carried[source]:
                    writer.write(table)
                carried[source] = []
            for a in range(first, last, chunk_rows):
                b = min(a + chunk_rows, last)
                core = plan.core(a, b)
                table, stats = build_chunk(plan, a, b, core)
                response_writer.write(table)
                case_event_writer.write(case_events.chunk_rows(plan, core, table, period_end))
                resubmissions += stats.resubmissions
                messy += stats.messy_rows
                contact_rows = {
                    "interactions": interactions.chunk_rows(plan, core, last_file),
                    "invitations": invitations.chunk_rows(plan, core, last_file, _SURVEY_STRINGS),
                }
                for source, chunk in contact_rows.items():
                    contact_writers[source].write(chunk.rows)
                    if chunk.next_file.num_rows:
                        carried[source].append(chunk.next_file)
                    if touched is not None:
                        touched.add(chunk.customers)
                if touched is not None:
                    touched.add(core.customer)
                done += b - a
                if progress is not None:
                    for source in ("responses", "interactions", "invitations", "case_events"):
                        progress(source, done, rows, paths[source])
        per_file.append(last - first)
        for source, path in paths.items():
            writer = {"responses": response_writer, "case_events": case_event_writer, **contact_writers}[
                source
            ]
            _done(written, counts, source, path, writer.rows)
    # The invitations that arrived after the period.
    path = source_dir(out, "invitations") / invitation_names[files]
    with TableFileWriter(path, invitations.COLUMNS) as writer:
        for table in carried["invitations"]:
            writer.write(table)
    _done(written, counts, "invitations", path, writer.rows)
    return GenerationResult(written["responses"], per_file, resubmissions, messy)
