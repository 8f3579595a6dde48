"""Great Expectations validation suite over the published marts.

The marts are read from the DuckDB warehouse with a short-lived read-only connection, fetched
into pandas and validated with an ephemeral Great Expectations context through its *pandas*
datasource (GE's SQL datasource gives wrong answers on DuckDB, so it is deliberately not used).

Checks that GE cannot express directly on a table (cross-column arithmetic, recomputed NPS,
cross-mart reconciliation, calendar contiguity) are written as derived columns computed here in
pandas, named ``chk_*``, on which plain GE expectations are then set (for example "every
``chk_counts_gap`` is 0"). Each such check is validated on a copy of the mart, so the contract
check on the exact column set always sees the mart as published.

Usage::

    from nps_warehouse.quality import render_text_report, validate_warehouse

    report = validate_warehouse("warehouse/nps.duckdb")
    print(render_text_report(report))
    raise SystemExit(0 if report.success else 1)
"""

from __future__ import annotations

import logging
import math
import os
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from nps_warehouse.contract import (
    CX_DIMENSIONS,
    CX_MEASURES,
    LOAD_HISTORY_REASONS,
    MART_COLUMNS,
    MART_LOAD_COLUMNS,
    MART_SCHEMAS,
    PROGRAMME_SOURCES,
    REJECTION_REASONS,
    SOURCE_KEYS,
    SOURCE_REJECTION_REASONS,
)
from nps_warehouse.engines import EngineUnavailableError, read_relations, target_name

if TYPE_CHECKING:
    from great_expectations.expectations import Expectation

__all__ = [
    "AUDIT_REASONS",
    "AUDIT_STATUSES",
    "CHANNELS",
    "COUNT_COLUMNS",
    "MART_COLUMNS",
    "MART_GRAIN",
    "NPS_CATEGORIES",
    "ExpectationOutcome",
    "MartReport",
    "ValidationReport",
    "WarehouseUnavailableError",
    "expected_nps",
    "load_marts",
    "render_text_report",
    "validate_frames",
    "validate_warehouse",
]

DEFAULT_DUCKDB_PATH = "warehouse/nps.duckdb"

COUNT_COLUMNS: tuple[str, ...] = ("responses", "promoters", "passives", "detractors")

#: Exact column set of every published mart (README, "Marts").

#: Grain (primary key) of every mart: not null and unique together.
MART_GRAIN: dict[str, tuple[str, ...]] = {
    "fct_nps_responses": ("response_id",),
    "fct_nps_daily": ("response_date", "channel", "region", "segment"),
    "fct_nps_daily_by_channel": ("response_date", "channel"),
    "fct_nps_daily_by_region": ("response_date", "region"),
    "fct_nps_daily_by_segment": ("response_date", "segment"),
    "fct_nps_daily_overall": ("response_date",),
    "dim_channel": ("channel",),
    "dim_region": ("region",),
    "dim_segment": ("segment",),
    "dim_date": ("date_day",),
    "rpt_response_audit": ("source_file", "source_row_number"),
    "rpt_rejected_rows": ("source_file", "source_row_number"),
    "rpt_load_history": ("source_file",),
    "rpt_unmapped_channels": ("raw_channel",),
    "fct_cx_daily_by_dimension": ("response_date", "dimension_name", "dimension_value"),
    "dim_survey": ("survey_id",),
    "rpt_unmapped_codes": ("dimension_name", "code"),
    "fct_cx_responses": ("response_id",),
    "dim_customer": ("customer_id",),
    "dim_customer_history": ("customer_id", "version_number"),
    "dim_agent": ("agent_id",),
    "dim_agent_history": ("agent_id", "version_number"),
    "fct_invitations_daily": ("sent_date", "survey_id", "channel"),
    "rpt_unknown_invitations": ("response_id",),
    **{f"rpt_{source[:-1]}_audit": ("source_file", "source_row_number") for source in PROGRAMME_SOURCES},
}

#: The scores of the cube, recomputed from its measures: (numerator, denominator, scale).
CX_SCORES: dict[str, tuple[str, str, int]] = {
    "csat_pct": ("csat_satisfied", "csat_responses", 100),
    "csat_mean": ("csat_score_sum", "csat_responses", 1),
    "ces_easy_pct": ("ces_easy", "ces_responses", 100),
    "ces_mean": ("ces_score_sum", "ces_responses", 1),
}
#: The additive measures of the cube (those its scores are recomputed from).
CUBE_COUNTS: tuple[str, ...] = tuple(column for column in CX_MEASURES if column not in ("nps", *CX_SCORES))
#: The metric scales (lowest, highest) and category sets of fct_nps_responses.
METRIC_SCALES: dict[str, tuple[int, int]] = {"nps_score": (0, 10), "csat_score": (1, 5), "ces_score": (1, 7)}
CSAT_CATEGORIES: tuple[str, ...] = ("satisfied", "neutral", "dissatisfied")
CES_CATEGORIES: tuple[str, ...] = ("easy", "neutral", "difficult")
SURVEY_TYPES: tuple[str, ...] = ("relationship", "transactional", "unknown")
#: The category of each metric score: (score column, category column, (category, lowest,
#: highest) of each category).
METRIC_CATEGORIES: tuple[tuple[str, str, tuple[tuple[str, int, int], ...]], ...] = (
    ("nps_score", "nps_category", (("detractor", 0, 6), ("passive", 7, 8), ("promoter", 9, 10))),
    ("csat_score", "csat_category", (("dissatisfied", 1, 2), ("neutral", 3, 3), ("satisfied", 4, 5))),
    ("ces_score", "ces_category", (("difficult", 1, 3), ("neutral", 4, 4), ("easy", 5, 7))),
)
#: The marts of one row per accepted response.
RESPONSE_MARTS: tuple[str, ...] = ("fct_nps_responses", "fct_cx_responses")

#: The stand-in of an attribute a response lacks (no customer version, no interaction, ...).
UNKNOWN = "unknown"
#: The bands of the seed nps_bands (README; macro cx_in_band): band type -> (band, lowest
#: value inclusive or None, highest value exclusive or None), in order.
BANDS: dict[str, tuple[tuple[str, int | None, int | None], ...]] = {
    "age_band": (
        ("under_18", None, 18),
        ("18-24", 18, 25),
        ("25-34", 25, 35),
        ("35-44", 35, 45),
        ("45-54", 45, 55),
        ("55-64", 55, 65),
        ("65+", 65, None),
    ),
    "tenure_band": (("<1y", None, 1), ("1-2y", 1, 3), ("3-4y", 3, 5), ("5y+", 5, None)),
    "wait_time_band": (
        ("<1m", None, 60),
        ("1-3m", 60, 180),
        ("3-5m", 180, 300),
        ("5-10m", 300, 600),
        ("10m+", 600, None),
    ),
    "transfers_band": (("0", None, 1), ("1", 1, 2), ("2+", 2, None)),
}
FIRST_CONTACT_RESOLUTIONS: tuple[str, ...] = ("yes", "no", UNKNOWN)
#: The attributes of fct_cx_responses that come from each programme source.
CUSTOMER_ATTRIBUTES: tuple[str, ...] = ("age_band", "tenure_band", "loyalty_tier", "customer_country")
AGENT_ATTRIBUTES: tuple[str, ...] = ("team", "site")
INTERACTION_ATTRIBUTES: tuple[str, ...] = ("wait_time_band", "transfers_band", "first_contact_resolution")

#: The histories of the programme (versions of an entity), by mart: the entity's id column, the
#: current-version dimension built from it, and the attributes both carry.
HISTORIES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "dim_customer_history": (
        "customer_id",
        "dim_customer",
        ("loyalty_tier", "customer_country", "region", "customer_since"),
    ),
    "dim_agent_history": ("agent_id", "dim_agent", ("team", "site", "manager_id", "hired_on")),
}
#: The source whose accepted audit rows each history is built from.
HISTORY_SOURCES: dict[str, str] = {"dim_customer_history": "customers", "dim_agent_history": "agents"}
#: The audit of each programme source, by mart name.
SOURCE_AUDITS: dict[str, str] = {f"rpt_{source[:-1]}_audit": source for source in PROGRAMME_SOURCES}
#: The audit of each source of rpt_load_history (responses first).
LOAD_HISTORY_AUDITS: dict[str, str] = {
    "responses": "rpt_response_audit",
    **{source: mart for mart, source in SOURCE_AUDITS.items()},
}
#: Load metadata each mart may carry after its data columns: the contract's, and the audits of
#: the other sources (load_id and loaded_at, as rpt_response_audit and their dbt contracts) while
#: contract.MART_LOAD_COLUMNS does not list them.
LOAD_COLUMNS: dict[str, tuple[str, ...]] = {
    **{mart: MART_LOAD_COLUMNS["rpt_response_audit"] for mart in SOURCE_AUDITS},
    **MART_LOAD_COLUMNS,
}
#: The rejection reasons of each source of rpt_load_history.
SOURCE_REASONS: dict[str, tuple[str, ...]] = {"responses": REJECTION_REASONS, **SOURCE_REJECTION_REASONS}
#: The dimensions of the cube with a code list (region and segment by their seeds, the others by
#: nps_codes): the dimension_name values of rpt_unmapped_codes.
CODED_DIMENSIONS: tuple[str, ...] = (
    "region",
    "segment",
    "touchpoint",
    "brand",
    "business_unit",
    "loyalty_tier",
    "team",
    "site",
)

#: Other columns that must never be null (beyond the grain).
_NOT_NULL: dict[str, tuple[str, ...]] = {
    "fct_nps_responses": (
        "channel",
        "region",
        "segment",
        "survey_type",
        "touchpoint",
        "brand",
        "business_unit",
        "language",
        "response_date",
        "submitted_at",
        "source_file",
        "source_row_number",
    ),
    "fct_nps_daily": (*COUNT_COLUMNS, "nps"),
    "fct_nps_daily_by_channel": (*COUNT_COLUMNS, "nps"),
    "fct_nps_daily_by_region": (*COUNT_COLUMNS, "nps"),
    "fct_nps_daily_by_segment": (*COUNT_COLUMNS, "nps"),
    "fct_nps_daily_overall": (*COUNT_COLUMNS, "nps"),
    "dim_channel": ("channel_name", "sort_order"),
    "dim_region": ("region_name", "is_reference_region"),
    "dim_segment": ("segment_name", "is_reference_segment"),
    "dim_date": MART_COLUMNS["dim_date"][1:],
    "rpt_response_audit": ("feed_name", "status"),
    "rpt_rejected_rows": ("feed_name", "reason"),
    # every column but the file's size, zone and missing columns (the counts from rows_read on)
    "rpt_load_history": (
        "feed_name",
        "source_name",
        "file_fingerprint",
        *MART_COLUMNS["rpt_load_history"][MART_COLUMNS["rpt_load_history"].index("rows_read") :],
    ),
    "rpt_unmapped_channels": (
        "channel_key",
        "responses",
        "first_response_date",
        "last_response_date",
    ),
    # every measure; the scores are null where their metric has no response
    "fct_cx_daily_by_dimension": CUBE_COUNTS,
    "dim_survey": MART_COLUMNS["dim_survey"][1:],
    "rpt_unmapped_codes": ("responses", "first_response_date", "last_response_date"),
    # the columns of fct_nps_responses that are never null, and every attribute ('unknown' when
    # the response lacks it)
    "fct_cx_responses": (
        "channel",
        "region",
        "segment",
        "survey_type",
        "touchpoint",
        "brand",
        "business_unit",
        "language",
        *CUSTOMER_ATTRIBUTES,
        *AGENT_ATTRIBUTES,
        *INTERACTION_ATTRIBUTES,
        "response_date",
        "submitted_at",
    ),
    # customer_since, manager_id and hired_on are null when the extract lacks them
    "dim_customer": (
        "loyalty_tier",
        "customer_country",
        "region",
        "versions",
        "first_updated_at",
        "updated_at",
    ),
    "dim_customer_history": ("loyalty_tier", "customer_country", "region", "is_current", "valid_from"),
    "dim_agent": ("team", "site", "versions", "first_updated_at", "updated_at"),
    "dim_agent_history": ("team", "site", "is_current", "valid_from"),
    # the rate is null when every invitation bounced, the median when none was answered
    "fct_invitations_daily": ("invitations", "bounced", "answered"),
    "rpt_unknown_invitations": ("invitation_id", "response_date", "feed_name", "source_file"),
    **{mart: ("feed_name", "status") for mart in SOURCE_AUDITS},
}

DAILY_MARTS: tuple[str, ...] = (
    "fct_nps_daily",
    "fct_nps_daily_by_channel",
    "fct_nps_daily_by_region",
    "fct_nps_daily_by_segment",
    "fct_nps_daily_overall",
)
#: Daily marts reconciled against ``fct_nps_daily_overall``.
PER_DIMENSION_MARTS: tuple[str, ...] = DAILY_MARTS[:-1]

CHANNELS: tuple[str, ...] = (
    "email",
    "sms",
    "phone",
    "web",
    "chat",
    "whatsapp",
    "in_app",
    "other",
    "unknown",
)
NPS_CATEGORIES: tuple[str, ...] = ("promoter", "passive", "detractor")
AUDIT_STATUSES: tuple[str, ...] = ("accepted", "rejected", "superseded")
AUDIT_REASONS: tuple[str, ...] = REJECTION_REASONS
#: Marts that hold at least one row whenever the warehouse has accepted a response: empty, they
#: fail the suite unless empty marts are expected (``allow_empty``).
NON_EMPTY_MARTS: tuple[str, ...] = (
    "fct_nps_responses",
    *("fct_nps_daily", "fct_nps_daily_by_channel", "fct_nps_daily_by_region"),
    *("fct_nps_daily_by_segment", "fct_nps_daily_overall", "dim_date"),
    "fct_cx_daily_by_dimension",
    "fct_cx_responses",
    "dim_survey",
    "rpt_response_audit",
    "rpt_load_history",
)

#: How many unexpected values (or rows) each failed expectation reports.
EXAMPLE_LIMIT = 5


class WarehouseUnavailableError(RuntimeError):
    """The DuckDB file, or one of the marts in it, cannot be read."""


@dataclass(frozen=True)
class ExpectationOutcome:
    """The result of one expectation on one mart."""

    mart: str
    expectation_type: str
    description: str
    success: bool
    checked_on: str = "mart"
    column: str | None = None
    element_count: int | None = None
    unexpected_count: int | None = None
    unexpected_examples: list[Any] = field(default_factory=list)
    observed_value: Any = None
    error: str | None = None

    @property
    def status(self) -> str:
        return "PASS" if self.success else "FAIL"

    def to_dict(self) -> dict[str, Any]:
        return {
            "mart": self.mart,
            "expectation_type": self.expectation_type,
            "description": self.description,
            "checked_on": self.checked_on,
            "column": self.column,
            "status": self.status,
            "success": self.success,
            "element_count": self.element_count,
            "unexpected_count": self.unexpected_count,
            "unexpected_examples": _jsonable(self.unexpected_examples),
            "observed_value": _jsonable(self.observed_value),
            "error": self.error,
        }


@dataclass
class MartReport:
    """Every expectation result of one mart."""

    mart: str
    row_count: int
    outcomes: list[ExpectationOutcome] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return all(outcome.success for outcome in self.outcomes)

    @property
    def failed(self) -> list[ExpectationOutcome]:
        return [outcome for outcome in self.outcomes if not outcome.success]

    def to_dict(self) -> dict[str, Any]:
        return {
            "mart": self.mart,
            "row_count": self.row_count,
            "success": self.success,
            "expectations": len(self.outcomes),
            "failed": len(self.failed),
            "results": [outcome.to_dict() for outcome in self.outcomes],
        }


@dataclass
class ValidationReport:
    """Per-mart, per-expectation results of a warehouse validation."""

    duckdb_path: str
    marts: list[MartReport] = field(default_factory=list)
    great_expectations_version: str = ""

    @property
    def success(self) -> bool:
        return all(mart.success for mart in self.marts)

    @property
    def outcomes(self) -> list[ExpectationOutcome]:
        return [outcome for mart in self.marts for outcome in mart.outcomes]

    @property
    def failed(self) -> list[ExpectationOutcome]:
        return [outcome for outcome in self.outcomes if not outcome.success]

    def mart(self, name: str) -> MartReport:
        for mart in self.marts:
            if mart.mart == name:
                return mart
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "duckdb_path": self.duckdb_path,
            "great_expectations_version": self.great_expectations_version,
            "success": self.success,
            "expectations": len(self.outcomes),
            "failed": len(self.failed),
            "marts": [mart.to_dict() for mart in self.marts],
        }


# --------------------------------------------------------------------------------------------
# Reading the warehouse
# --------------------------------------------------------------------------------------------


def load_marts(
    duckdb_path: str | os.PathLike[str] | None = None,
    *,
    target: str | None = None,
    postgres_dbname: str | None = None,
) -> dict[str, pd.DataFrame]:
    """Read every mart into pandas from the target's engine: the DuckDB file ``duckdb_path``
    (through one short read-only connection) when given, else the target's (default
    ``$NPS_TARGET``, else duckdb and the profile's file).

    Raises WarehouseUnavailableError when the engine cannot be reached or lacks a mart.
    """
    if duckdb_path is not None and target is None:
        target = "duckdb"
    relations = {mart: (MART_SCHEMAS[mart], mart) for mart in MART_COLUMNS}
    try:
        frames = read_relations(
            relations, target=target, duckdb_path=duckdb_path, postgres_dbname=postgres_dbname
        )
    except EngineUnavailableError as exc:
        raise WarehouseUnavailableError(str(exc)) from exc
    # Servers hand back Python objects (int, Decimal, date); give them the dtypes DuckDB's
    # pandas export has, so every engine is validated alike.
    return {mart: _as_duckdb_dtypes(frame) for mart, frame in frames.items()}


def _as_duckdb_dtypes(frame: pd.DataFrame) -> pd.DataFrame:
    if not any(pd.api.types.is_object_dtype(dtype) for dtype in frame.dtypes):
        return frame
    converted = frame.copy()
    for column in converted.columns:
        values = converted[column].dropna()
        if values.empty:
            continue
        sample = values.iloc[0]
        if isinstance(sample, bool):
            continue
        if isinstance(sample, datetime | date):
            converted[column] = pd.to_datetime(converted[column])
        elif isinstance(sample, int):
            converted[column] = converted[column].astype(
                "Int64" if converted[column].isna().any() else "int64"
            )
        elif isinstance(sample, uuid.UUID):
            converted[column] = converted[column].map(lambda value: None if value is None else str(value))
    return converted


# --------------------------------------------------------------------------------------------
# NPS arithmetic
# --------------------------------------------------------------------------------------------


def expected_nps(promoters: Any, detractors: Any, responses: Any) -> Decimal | None:
    """``100 * (promoters - detractors) / responses`` rounded half away from zero to 2 places.

    Computed exactly (integer arithmetic on hundredths), returned as a Decimal; None when an
    input is missing or ``responses`` is not positive.
    """
    values = [_as_int(value) for value in (promoters, detractors, responses)]
    if any(value is None for value in values):
        return None
    p, d, n = (int(value) for value in values if value is not None)
    if n <= 0:
        return None
    numerator = 10_000 * (p - d)  # nps in hundredths = numerator / n
    quotient, remainder = divmod(abs(numerator), n)
    if 2 * remainder >= n:
        quotient += 1
    return Decimal(-quotient if numerator < 0 else quotient).scaleb(-2)


def _with_nps_score(responses: pd.DataFrame) -> int:
    """The rows of fct_nps_responses that carry an NPS score (those the NPS marts count)."""
    if "nps_score" not in responses.columns:
        return len(responses)
    return int(responses["nps_score"].notna().sum())


def expected_ratio(numerator: Any, denominator: Any, scale: int) -> Decimal | None:
    """``scale * numerator / denominator`` rounded half away from zero to 2 places, exactly;
    None when an input is missing or the denominator is not positive."""
    values = [_as_int(value) for value in (numerator, denominator)]
    if values[0] is None or values[1] is None or values[1] <= 0:
        return None
    hundredths = 100 * scale * values[0]
    quotient, remainder = divmod(abs(hundredths), values[1])
    if 2 * remainder >= values[1]:
        quotient += 1
    return Decimal(-quotient if hundredths < 0 else quotient).scaleb(-2)


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(float(value))
    if isinstance(value, Decimal):
        return value.is_nan()
    return False


def _as_int(value: Any) -> int | None:
    if _is_missing(value) or isinstance(value, bool | np.bool_):
        return None
    try:
        as_decimal = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not as_decimal.is_finite() or as_decimal != as_decimal.to_integral_value():
        return None
    return int(as_decimal)


def as_decimal(value: Any) -> Decimal | None:
    """A published ``nps`` value (Decimal, float, int or text) as a Decimal; None if missing."""
    if _is_missing(value) or isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float | np.floating):
        return Decimal(repr(float(value)))
    if isinstance(value, int | np.integer):
        return Decimal(int(value))
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None


def _nps_matches(row: pd.Series) -> bool:
    actual = as_decimal(row["nps"])
    expected = expected_nps(row["promoters"], row["detractors"], row["responses"])
    return actual is not None and expected is not None and actual == expected


# --------------------------------------------------------------------------------------------
# Suite definitions
# --------------------------------------------------------------------------------------------


@dataclass
class _Batch:
    """One dataframe and the expectations GE validates on it."""

    checked_on: str
    frame: pd.DataFrame
    expectations: list[Expectation]
    index_columns: list[str]


@dataclass
class _Skipped:
    """Checks that could not run because an input lacks columns (reported as failures)."""

    description: str
    reason: str


def _gxe() -> Any:
    import great_expectations.expectations as gxe

    return gxe


def _missing_columns(frames: Mapping[str, pd.DataFrame], needs: Mapping[str, Iterable[str]]) -> str:
    parts = []
    for mart, columns in needs.items():
        lacking = [column for column in columns if column not in frames[mart].columns]
        if lacking:
            parts.append(f"{mart} lacks {', '.join(lacking)}")
    return "; ".join(parts)


def _numeric(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce")


def _as_day(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, errors="coerce").dt.normalize()


def _contract_batch(mart: str, frame: pd.DataFrame, frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """Expectations on the mart exactly as published: columns, keys, ranges, value sets."""
    gxe = _gxe()
    present = set(frame.columns)
    # Load metadata (merge key, loaded_at) is allowed after the data columns; the oracle's
    # frames have none.
    columns = MART_COLUMNS[mart] + tuple(c for c in LOAD_COLUMNS.get(mart, ()) if c in present)
    grain = MART_GRAIN[mart]
    exps: list[Expectation] = [
        gxe.ExpectTableColumnsToMatchSet(
            column_set=list(columns),
            exact_match=True,
            description=f"columns are exactly the contract set ({len(columns)} columns)",
        )
    ]

    def has(*names: str) -> bool:
        return all(name in present for name in names)

    for column in grain:
        if has(column):
            exps.append(
                gxe.ExpectColumnValuesToNotBeNull(
                    column=column, description=f"grain column {column} is not null"
                )
            )
    if has(*grain):
        if len(grain) == 1:
            exps.append(
                gxe.ExpectColumnValuesToBeUnique(
                    column=grain[0],
                    description=f"{grain[0]} is unique (one row per {grain[0]})",
                )
            )
        else:
            exps.append(
                gxe.ExpectCompoundColumnsToBeUnique(
                    column_list=list(grain),
                    description=f"one row per {' x '.join(grain)}",
                )
            )
    for column in _NOT_NULL[mart]:
        if has(column):
            exps.append(gxe.ExpectColumnValuesToNotBeNull(column=column, description=f"{column} is not null"))

    if mart in RESPONSE_MARTS:
        for column, (lowest, highest) in METRIC_SCALES.items():
            if has(column):
                exps.append(
                    gxe.ExpectColumnValuesToBeInSet(
                        column=column,
                        value_set=list(range(lowest, highest + 1)),
                        description=f"{column} (when set) is a whole number {lowest}-{highest}",
                    )
                )
        for column, categories in (
            ("nps_category", NPS_CATEGORIES),
            ("csat_category", CSAT_CATEGORIES),
            ("ces_category", CES_CATEGORIES),
            ("survey_type", SURVEY_TYPES),
        ):
            if has(column):
                exps.append(
                    gxe.ExpectColumnValuesToBeInSet(
                        column=column,
                        value_set=list(categories),
                        description=f"{column} (when set) in {{{', '.join(categories)}}}",
                    )
                )
        for column, dim in (
            ("channel", "dim_channel"),
            ("region", "dim_region"),
            ("segment", "dim_segment"),
        ):
            if has(column) and column in frames[dim].columns:
                known = sorted({str(v) for v in frames[dim][column].dropna()})
                exps.append(
                    gxe.ExpectColumnValuesToBeInSet(
                        column=column,
                        value_set=known,
                        description=f"{column} is one of the {len(known)} values of {dim}",
                    )
                )
        if has("source_file", "source_row_number"):
            exps.append(
                gxe.ExpectCompoundColumnsToBeUnique(
                    column_list=["source_file", "source_row_number"],
                    description="one accepted response per raw row (source_file x source_row_number)",
                )
            )

    if mart in DAILY_MARTS:
        if has("responses"):
            exps.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column="responses", min_value=1, description="responses >= 1"
                )
            )
        for column in ("promoters", "passives", "detractors"):
            if has(column):
                exps.append(
                    gxe.ExpectColumnValuesToBeBetween(
                        column=column, min_value=0, description=f"{column} >= 0"
                    )
                )
        if has("nps"):
            exps.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column="nps",
                    min_value=-100,
                    max_value=100,
                    description="nps between -100 and 100",
                )
            )

    if mart in PER_DIMENSION_MARTS or mart == "fct_nps_daily_overall":
        overall = frames["fct_nps_daily_overall"]
        if mart != "fct_nps_daily_overall" and has("responses") and "responses" in overall.columns:
            total = int(_numeric(overall["responses"]).fillna(0).sum())
            exps.append(
                gxe.ExpectColumnSumToBeBetween(
                    column="responses",
                    min_value=total,
                    max_value=total,
                    description=f"total responses equal fct_nps_daily_overall's total ({total})",
                )
            )
        if mart in ("fct_nps_daily", "fct_nps_daily_overall") and has("responses"):
            accepted = _with_nps_score(frames["fct_nps_responses"])
            exps.append(
                gxe.ExpectColumnSumToBeBetween(
                    column="responses",
                    min_value=accepted,
                    max_value=accepted,
                    description=(
                        f"total responses equal the rows of fct_nps_responses with an nps_score ({accepted})"
                    ),
                )
            )

    if mart == "fct_cx_responses":
        for column, bands in BANDS.items():
            if has(column):
                values = [band for band, _, _ in bands] + [UNKNOWN]
                exps.append(
                    gxe.ExpectColumnValuesToBeInSet(
                        column=column,
                        value_set=values,
                        description=f"{column} is a band of nps_bands or unknown ({', '.join(values)})",
                    )
                )
        if has("first_contact_resolution"):
            exps.append(
                gxe.ExpectColumnValuesToBeInSet(
                    column="first_contact_resolution",
                    value_set=list(FIRST_CONTACT_RESOLUTIONS),
                    description=f"first_contact_resolution in {{{', '.join(FIRST_CONTACT_RESOLUTIONS)}}}",
                )
            )

    if mart in HISTORIES:
        if has("version_number"):
            exps.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column="version_number", min_value=1, description="version_number >= 1"
                )
            )
        if has("is_current"):
            exps.append(
                gxe.ExpectColumnValuesToBeInSet(
                    column="is_current", value_set=[True, False], description="is_current is a boolean"
                )
            )
    if mart in ("dim_customer", "dim_agent") and has("versions"):
        exps.append(
            gxe.ExpectColumnValuesToBeBetween(column="versions", min_value=1, description="versions >= 1")
        )

    if mart == "fct_invitations_daily":
        if has("invitations"):
            exps.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column="invitations", min_value=1, description="invitations >= 1 (a cell has one)"
                )
            )
        for column in ("bounced", "answered", "response_rate"):
            if has(column):
                exps.append(
                    gxe.ExpectColumnValuesToBeBetween(
                        column=column, min_value=0, description=f"{column} >= 0"
                    )
                )
        if has("channel") and "channel" in frames["dim_channel"].columns:
            known = sorted({str(v) for v in frames["dim_channel"]["channel"].dropna()})
            exps.append(
                gxe.ExpectColumnValuesToBeInSet(
                    column="channel",
                    value_set=known,
                    description=f"channel is one of the {len(known)} values of dim_channel",
                )
            )

    if mart in SOURCE_AUDITS:
        reasons = SOURCE_REJECTION_REASONS[SOURCE_AUDITS[mart]]
        if has("status"):
            exps.append(
                gxe.ExpectColumnValuesToBeInSet(
                    column="status",
                    value_set=list(AUDIT_STATUSES),
                    description=f"status in {{{', '.join(AUDIT_STATUSES)}}}",
                )
            )
        if has("reason"):
            exps.append(
                gxe.ExpectColumnValuesToBeInSet(
                    column="reason",
                    value_set=list(reasons),
                    description=f"reason (when set) in {{{', '.join(reasons)}}}",
                )
            )

    if mart == "rpt_load_history" and has("source_name"):
        exps.append(
            gxe.ExpectColumnValuesToBeInSet(
                column="source_name",
                value_set=list(LOAD_HISTORY_AUDITS),
                description=f"source_name in {{{', '.join(LOAD_HISTORY_AUDITS)}}}",
            )
        )

    if mart == "rpt_unmapped_codes" and has("dimension_name"):
        exps.append(
            gxe.ExpectColumnValuesToBeInSet(
                column="dimension_name",
                value_set=list(CODED_DIMENSIONS),
                description=f"dimension_name is a coded dimension ({', '.join(CODED_DIMENSIONS)})",
            )
        )

    if mart == "fct_cx_daily_by_dimension":
        if has("dimension_name"):
            exps.append(
                gxe.ExpectColumnValuesToBeInSet(
                    column="dimension_name",
                    value_set=list(CX_DIMENSIONS),
                    description=f"dimension_name in {{{', '.join(CX_DIMENSIONS)}}}",
                )
            )
        if has("responses"):
            exps.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column="responses", min_value=1, description="responses >= 1"
                )
            )
            accepted = len(frames["fct_cx_responses"])
            total = accepted * len(CX_DIMENSIONS)
            exps.append(
                gxe.ExpectColumnSumToBeBetween(
                    column="responses",
                    min_value=total,
                    max_value=total,
                    description=(
                        f"total responses equal the rows of fct_cx_responses ({accepted}) once per "
                        f"dimension ({len(CX_DIMENSIONS)})"
                    ),
                )
            )
        for column in MART_COLUMNS[mart][3:]:
            if has(column) and column != "nps":
                exps.append(
                    gxe.ExpectColumnValuesToBeBetween(
                        column=column, min_value=0, description=f"{column} >= 0"
                    )
                )
        if has("nps"):
            exps.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column="nps", min_value=-100, max_value=100, description="nps between -100 and 100"
                )
            )

    if mart == "dim_survey":
        if has("survey_type"):
            exps.append(
                gxe.ExpectColumnValuesToBeInSet(
                    column="survey_type",
                    value_set=list(SURVEY_TYPES),
                    description=f"survey_type in {{{', '.join(SURVEY_TYPES)}}}",
                )
            )
        if has("is_reference_survey"):
            exps.append(
                gxe.ExpectColumnValuesToBeInSet(
                    column="is_reference_survey",
                    value_set=[True, False],
                    description="is_reference_survey is a boolean",
                )
            )

    if mart == "rpt_unmapped_codes" and has("responses"):
        exps.append(
            gxe.ExpectColumnValuesToBeBetween(column="responses", min_value=1, description="responses >= 1")
        )

    if mart == "dim_channel":
        if has("channel"):
            exps.append(
                gxe.ExpectColumnValuesToBeInSet(
                    column="channel",
                    value_set=list(CHANNELS),
                    description=f"channel in {{{', '.join(CHANNELS)}}}",
                )
            )
        exps.append(
            gxe.ExpectTableRowCountToEqual(
                value=len(CHANNELS), description=f"one row for each of the {len(CHANNELS)} channels"
            )
        )
        if has("sort_order"):
            exps.append(
                gxe.ExpectColumnValuesToBeUnique(column="sort_order", description="sort_order is unique")
            )
    if mart == "dim_region" and has("is_reference_region"):
        exps.append(
            gxe.ExpectColumnValuesToBeInSet(
                column="is_reference_region",
                value_set=[True, False],
                description="is_reference_region is a boolean",
            )
        )
    if mart == "dim_segment" and has("is_reference_segment"):
        exps.append(
            gxe.ExpectColumnValuesToBeInSet(
                column="is_reference_segment",
                value_set=[True, False],
                description="is_reference_segment is a boolean",
            )
        )
    if mart == "dim_date":
        if has("iso_day_of_week"):
            exps.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column="iso_day_of_week",
                    min_value=1,
                    max_value=7,
                    description="iso_day_of_week between 1 and 7",
                )
            )
        responses = frames["fct_nps_responses"]
        if "response_date" in responses.columns:
            days = _as_day(responses["response_date"]).dropna()
            expected_days = 0 if days.empty else int((days.max() - days.min()).days) + 1
            exps.append(
                gxe.ExpectTableRowCountToEqual(
                    value=expected_days,
                    description=(
                        "one row per calendar day from the first to the last response_date "
                        f"({expected_days} days)"
                    ),
                )
            )

    if mart == "rpt_response_audit":
        if has("status"):
            exps.append(
                gxe.ExpectColumnValuesToBeInSet(
                    column="status",
                    value_set=list(AUDIT_STATUSES),
                    description=f"status in {{{', '.join(AUDIT_STATUSES)}}}",
                )
            )
        if has("reason"):
            exps.append(
                gxe.ExpectColumnValuesToBeInSet(
                    column="reason",
                    value_set=list(AUDIT_REASONS),
                    description=f"reason (when set) in {{{', '.join(AUDIT_REASONS)}}}",
                )
            )

    if mart == "rpt_rejected_rows" and has("reason"):
        exps.append(
            gxe.ExpectColumnValuesToBeInSet(
                column="reason",
                value_set=list(AUDIT_REASONS),
                description=f"reason in {{{', '.join(AUDIT_REASONS)}}}",
            )
        )
        audit = frames["rpt_response_audit"]
        if "status" in audit.columns:
            rejected = int((audit["status"] == "rejected").fillna(False).sum())
            exps.append(
                gxe.ExpectTableRowCountToEqual(
                    value=rejected,
                    description=f"one row per rejected row of the audit ({rejected})",
                )
            )

    if mart == "rpt_unmapped_channels" and has("responses"):
        exps.append(
            gxe.ExpectColumnValuesToBeBetween(column="responses", min_value=1, description="responses >= 1")
        )
        responses = frames["fct_nps_responses"]
        if "channel" in responses.columns:
            others = int((responses["channel"] == "other").fillna(False).sum())
            exps.append(
                gxe.ExpectColumnSumToBeBetween(
                    column="responses",
                    min_value=others,
                    max_value=others,
                    description=(
                        f"total responses equal the accepted responses with channel 'other' ({others})"
                    ),
                )
            )

    return _Batch("mart", frame, exps, [c for c in grain if c in present])


def _expected_category(score: pd.Series, categories: Sequence[tuple[str, int, int]]) -> pd.Series:
    """The category of each score (None when the score is missing or outside every category)."""
    number = _numeric(score)
    expected = pd.Series(None, index=score.index, dtype="object")
    for category, lowest, highest in categories:
        expected[((number >= lowest) & (number <= highest)).fillna(False)] = category
    return expected


def _same_values(actual: pd.Series, expected: pd.Series) -> pd.Series:
    """Row by row, whether two aligned series hold the same value (both missing counts as same)."""
    actual = _comparable(actual).reset_index(drop=True)
    expected = _comparable(expected).reset_index(drop=True)
    both_missing = actual.isna() & expected.isna()
    try:
        equal = (actual == expected).astype("boolean").fillna(False)
    except (TypeError, ValueError):
        equal = pd.Series(
            [
                not _is_missing(a) and not _is_missing(b) and a == b
                for a, b in zip(actual.astype("object"), expected.astype("object"), strict=True)
            ]
        )
    return (both_missing | equal.astype(bool)).astype(bool)


def _comparable(series: pd.Series) -> pd.Series:
    """Timestamps as UTC (naive ones read as UTC), so every engine's are compared alike."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return pd.to_datetime(series, utc=True)
    return series


def _timestamps(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, errors="coerce", utc=True)


def _derived_response_metrics(mart: str, frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """A response of fct_nps_responses or fct_cx_responses: every category agrees with its
    score, and the response carries at least one score."""
    gxe = _gxe()
    frame = frames[mart].copy()
    exps: list[Expectation] = []
    for score, category, categories in METRIC_CATEGORIES:
        expected = _expected_category(frame[score], categories)
        check = (
            "chk_category_matches_score" if category == "nps_category" else f"chk_{category}_matches_score"
        )
        frame[check] = _same_values(frame[category], expected).set_axis(frame.index)
        bands = ", ".join(
            f"{lowest}-{highest} {name}" if lowest != highest else f"{lowest} {name}"
            for name, lowest, highest in reversed(categories)
        )
        exps.append(
            gxe.ExpectColumnValuesToBeInSet(
                column=check,
                value_set=[True],
                description=f"{category} consistent with {score} ({bands}; null without a score)",
            )
        )
    frame["chk_has_a_score"] = (
        frame["nps_score"].notna() | frame["csat_score"].notna() | frame["ces_score"].notna()
    ).astype(bool)
    exps.append(
        gxe.ExpectColumnValuesToBeInSet(
            column="chk_has_a_score",
            value_set=[True],
            description="every response carries an nps_score, a csat_score or a ces_score",
        )
    )
    return _Batch(
        "derived columns",
        frame,
        exps,
        [
            "response_id",
            *(column for score, category, _ in METRIC_CATEGORIES for column in (score, category)),
        ],
    )


def _whole_years(since: pd.Series, until: pd.Series) -> pd.Series:
    """Whole years from ``since`` to ``until`` (an age, a tenure), as macro cx_whole_years."""
    start = pd.to_datetime(since, errors="coerce")
    end = pd.to_datetime(until, errors="coerce")
    before_anniversary = (end.dt.month * 100 + end.dt.day) < (start.dt.month * 100 + start.dt.day)
    return end.dt.year - start.dt.year - before_anniversary.astype("Int64")


def _band(values: pd.Series, band_type: str) -> pd.Series:
    """The band of nps_bands of each value (macro cx_in_band), else unknown."""
    number = _numeric(values)
    banded = pd.Series(UNKNOWN, index=values.index, dtype="object")
    for band, lowest, highest in BANDS[band_type]:
        inside = number >= 0
        if lowest is not None:
            inside &= number >= lowest
        if highest is not None:
            inside &= number < highest
        banded[inside.fillna(False).astype(bool)] = band
    return banded


def _version_at(
    responses: pd.DataFrame, history: pd.DataFrame, key: str, columns: Sequence[str]
) -> pd.DataFrame:
    """For each response (by position), the ``columns`` of its entity's version valid at its
    submitted_at - the first version when the response precedes them all - as fct_cx_responses
    joins them; ``_has_version`` says whether one was found."""
    wanted = pd.DataFrame(
        {
            "_position": range(len(responses)),
            key: responses[key].astype("object").reset_index(drop=True),
            "_at": _timestamps(responses["submitted_at"]).reset_index(drop=True),
        }
    )
    history = history.reset_index(drop=True)
    versions = pd.DataFrame(
        {
            key: history[key].astype("object"),
            "_version_number": _numeric(history["version_number"]),
            "_valid_from": _timestamps(history["valid_from"]),
            "_valid_to": _timestamps(history["valid_to"]),
            **{f"_version_{column}": history[column] for column in columns},
        }
    )
    joined = wanted[wanted[key].notna()].merge(versions[versions[key].notna()], on=key, how="inner")
    valid = ((joined["_at"] < joined["_valid_to"]) | joined["_valid_to"].isna()) & (
        (joined["_at"] >= joined["_valid_from"]) | (joined["_version_number"] == 1)
    )
    found = joined[valid.fillna(False).astype(bool)].drop_duplicates("_position").set_index("_position")
    result = pd.DataFrame(index=range(len(responses)))
    for column in columns:
        result[column] = found[f"_version_{column}"].reindex(result.index)
    result["_has_version"] = result.index.isin(found.index)
    return result


def _accepted_keys(frames: Mapping[str, pd.DataFrame], source: str) -> set[str]:
    """The ids of the accepted rows of a programme source's audit (its current records)."""
    audit = frames[f"rpt_{source[:-1]}_audit"]
    key = SOURCE_KEYS[source]
    accepted = audit[(audit["status"] == "accepted").fillna(False).astype(bool)]
    return {str(value) for value in accepted[key].dropna()}


def _derived_cx_responses(frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """fct_cx_responses: the responses of fct_nps_responses, their own columns as published
    there, and each attribute the one its customer, agent and interaction had at its time."""
    gxe = _gxe()
    frame = frames["fct_cx_responses"].copy().reset_index(drop=True)
    responses = frames["fct_nps_responses"].drop_duplicates("response_id").set_index("response_id")
    ids = frame["response_id"]
    frame["chk_in_fct_nps_responses"] = ids.isin(responses.index).astype(bool)
    shared = [
        column
        for column in MART_COLUMNS["fct_cx_responses"]
        if column in MART_COLUMNS["fct_nps_responses"] and column != "response_id"
    ]
    aligned = responses.reindex(ids.to_numpy())
    same = pd.Series(True, index=frame.index)
    for column in shared:
        same &= _same_values(frame[column], aligned[column])
    frame["chk_same_as_fct_nps_responses"] = (same & frame["chk_in_fct_nps_responses"]).astype(bool)

    customer = _version_at(
        frame,
        frames["dim_customer_history"],
        "customer_id",
        ("loyalty_tier", "customer_country", "customer_since"),
    )
    agent = _version_at(frame, frames["dim_agent_history"], "agent_id", ("team", "site"))

    def attribute(version: pd.DataFrame, column: str) -> pd.Series:
        values = version[column].astype("object")
        return values.where(values.notna(), UNKNOWN)

    tenure = _band(_whole_years(customer["customer_since"], frame["response_date"]), "tenure_band")
    customer_ok = (
        _same_values(frame["loyalty_tier"], attribute(customer, "loyalty_tier"))
        & _same_values(frame["customer_country"], attribute(customer, "customer_country"))
        & _same_values(frame["tenure_band"], tenure.where(customer["_has_version"], UNKNOWN))
        & (customer["_has_version"] | (frame["age_band"] == UNKNOWN).fillna(False).astype(bool))
    )
    frame["chk_customer_attributes_at_its_time"] = customer_ok.astype(bool)
    frame["chk_agent_attributes_at_its_time"] = (
        _same_values(frame["team"], attribute(agent, "team"))
        & _same_values(frame["site"], attribute(agent, "site"))
    ).astype(bool)
    interactions = _accepted_keys(frames, "interactions")
    known = frame["interaction_id"].map(lambda value: not _is_missing(value) and str(value) in interactions)
    unknown = pd.Series(True, index=frame.index)
    for column in INTERACTION_ATTRIBUTES:
        unknown &= (frame[column] == UNKNOWN).fillna(False).astype(bool)
    frame["chk_interaction_attributes_unknown_without_interaction"] = (known.astype(bool) | unknown).astype(
        bool
    )
    checks = [
        ("chk_in_fct_nps_responses", "every response is a response of fct_nps_responses"),
        (
            "chk_same_as_fct_nps_responses",
            f"the columns it shares with fct_nps_responses ({len(shared)}) hold the same values",
        ),
        (
            "chk_customer_attributes_at_its_time",
            "loyalty_tier, customer_country and tenure_band are those of the customer's version valid "
            "at submitted_at (unknown without one, as age_band)",
        ),
        (
            "chk_agent_attributes_at_its_time",
            "team and site are those of the agent's version valid at submitted_at (unknown without one)",
        ),
        (
            "chk_interaction_attributes_unknown_without_interaction",
            "wait_time_band, transfers_band and first_contact_resolution are unknown without an "
            "accepted interaction",
        ),
    ]
    exps: list[Expectation] = [
        gxe.ExpectColumnValuesToBeInSet(column=column, value_set=[True], description=description)
        for column, description in checks
    ]
    accepted = len(frames["fct_nps_responses"])
    exps.append(
        gxe.ExpectTableRowCountToEqual(
            value=accepted,
            description=f"one row per response of fct_nps_responses ({accepted})",
        )
    )
    return _Batch(
        "derived columns",
        frame,
        exps,
        ["response_id", "customer_id", "agent_id", "interaction_id", "submitted_at"],
    )


def _derived_daily(mart: str, frames: Mapping[str, pd.DataFrame]) -> _Batch:
    gxe = _gxe()
    frame = frames[mart].copy()
    counts = {column: _numeric(frame[column]) for column in COUNT_COLUMNS}
    frame["chk_counts_gap"] = counts["responses"] - (
        counts["promoters"] + counts["passives"] + counts["detractors"]
    )
    frame["chk_expected_nps"] = [
        None if value is None else str(value)
        for value in (
            expected_nps(p, d, n)
            for p, d, n in zip(frame["promoters"], frame["detractors"], frame["responses"], strict=True)
        )
    ]
    frame["chk_nps_matches_recomputed"] = pd.Series(
        [_nps_matches(row) for _, row in frame.iterrows()], index=frame.index, dtype=bool
    )
    grain = list(MART_GRAIN[mart])
    return _Batch(
        "derived columns",
        frame,
        [
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_counts_gap",
                value_set=[0],
                description="responses - (promoters + passives + detractors) is 0",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_nps_matches_recomputed",
                value_set=[True],
                description=(
                    "nps equals round_half_away_from_zero(100 * (promoters - detractors) "
                    "/ responses, 2) recomputed from the counts"
                ),
            ),
        ],
        [*grain, *COUNT_COLUMNS, "nps", "chk_expected_nps"],
    )


def _per_day(frame: pd.DataFrame, columns: Sequence[str], suffix: str) -> pd.DataFrame:
    data = pd.DataFrame({"response_date": _as_day(frame["response_date"])})
    for column in columns:
        data[column] = _numeric(frame[column])
    grouped = data.groupby("response_date", dropna=False)[list(columns)].sum(min_count=1)
    return grouped.rename(columns={column: f"{column}{suffix}" for column in columns})


def _reconcile_daily(mart: str, frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """Per-day totals of a per-dimension mart versus fct_nps_daily_overall (and, for
    fct_nps_daily, versus the accepted responses of fct_nps_responses)."""
    gxe = _gxe()
    mine = _per_day(frames[mart], COUNT_COLUMNS, "_in_mart")
    overall = _per_day(frames["fct_nps_daily_overall"], COUNT_COLUMNS, "_in_overall")
    merged = mine.join(overall, how="outer")
    exps: list[Expectation] = []
    for column in COUNT_COLUMNS:
        gap = f"chk_{column}_gap_vs_overall"
        merged[gap] = merged[f"{column}_in_mart"].fillna(0) - merged[f"{column}_in_overall"].fillna(0)
        exps.append(
            gxe.ExpectColumnValuesToBeInSet(
                column=gap,
                value_set=[0],
                description=f"per day, total {column} equal fct_nps_daily_overall's",
            )
        )
    index_columns = ["response_date", "responses_in_mart", "responses_in_overall"]
    if mart == "fct_nps_daily":
        responses = frames["fct_nps_responses"]
        if "nps_score" in responses.columns:
            responses = responses[responses["nps_score"].notna()]
        accepted = pd.DataFrame({"response_date": _as_day(responses["response_date"])})
        per_day = (
            accepted.groupby("response_date", dropna=False).size().rename("responses_in_fct_nps_responses")
        )
        merged = merged.join(per_day, how="outer")
        merged["chk_responses_gap_vs_fct_nps_responses"] = merged["responses_in_mart"].fillna(0) - merged[
            "responses_in_fct_nps_responses"
        ].fillna(0)
        exps.append(
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_responses_gap_vs_fct_nps_responses",
                value_set=[0],
                description="per day, total responses equal the rows of fct_nps_responses with an nps_score",
            )
        )
        index_columns.append("responses_in_fct_nps_responses")
    merged = merged.reset_index()
    return _Batch("per-day totals", merged, exps, index_columns)


def _derived_dim_date(frames: Mapping[str, pd.DataFrame]) -> _Batch:
    gxe = _gxe()
    frame = frames["dim_date"].copy()
    day = _as_day(frame["date_day"])
    frame = frame.assign(_day=day).sort_values("_day", kind="stable").reset_index(drop=True)
    day = frame.pop("_day")
    gap = day.diff().dt.days
    if len(gap):
        gap.iloc[0] = 1  # the first day has no predecessor
    frame["chk_days_since_previous_row"] = gap

    responses = _as_day(frames["fct_nps_responses"]["response_date"]).dropna()
    if responses.empty:
        within = pd.Series(False, index=frame.index)
    else:
        within = ((day >= responses.min()) & (day <= responses.max())).fillna(False)
    frame["chk_within_response_dates"] = within.astype(bool)

    def same(column: str, expected: pd.Series) -> pd.Series:
        actual = frame[column]
        if pd.api.types.is_datetime64_any_dtype(expected):
            actual = _as_day(actual)
        elif pd.api.types.is_bool_dtype(expected):
            actual = actual.astype("boolean")
        else:
            actual = _numeric(actual)
        return (actual == expected).fillna(False).astype(bool)

    iso_dow = day.dt.day_of_week + 1
    week_start = day - pd.to_timedelta(day.dt.day_of_week, unit="D")
    quarter_month = (day.dt.quarter - 1) * 3 + 1
    quarter_start = pd.to_datetime({"year": day.dt.year, "month": quarter_month, "day": 1}, errors="coerce")
    checks = [
        same("year_number", day.dt.year),
        same("quarter_number", day.dt.quarter),
        same("month_number", day.dt.month),
        same("day_of_month", day.dt.day),
        same("iso_day_of_week", iso_dow),
        same("is_weekend", (iso_dow >= 6).astype("boolean")),
        same("week_start_date", week_start),
        same("month_start_date", day.dt.to_period("M").dt.start_time),
        same("quarter_start_date", quarter_start),
        same("year_start_date", day.dt.to_period("Y").dt.start_time),
    ]
    consistent = pd.Series(True, index=frame.index)
    for check in checks:
        consistent &= check
    frame["chk_calendar_attributes_match_date_day"] = consistent.astype(bool)
    return _Batch(
        "derived columns",
        frame,
        [
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_days_since_previous_row",
                value_set=[1],
                description="dates are contiguous (each date_day is the previous one + 1 day)",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_within_response_dates",
                value_set=[True],
                description="date_day within the first and last response_date of fct_nps_responses",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_calendar_attributes_match_date_day",
                value_set=[True],
                description="year/quarter/month/day/weekday/weekend/period starts derive from date_day",
            ),
        ],
        list(MART_COLUMNS["dim_date"]),
    )


def _derived_audit(frames: Mapping[str, pd.DataFrame]) -> _Batch:
    gxe = _gxe()
    frame = frames["rpt_response_audit"].copy()
    status = frame["status"].astype("object")
    reason = frame["reason"].astype("object")
    response_id = frame["response_id"].astype("object")
    is_rejected = (status == "rejected").fillna(False).astype(bool)
    is_accepted = (status == "accepted").fillna(False).astype(bool)
    has_reason = reason.notna()
    frame["chk_reason_set_iff_rejected"] = (is_rejected == has_reason).astype(bool)
    frame["chk_response_id_null_iff_missing_response_id"] = (
        response_id.isna() == (reason == "missing_response_id").fillna(False)
    ).astype(bool)
    frame["chk_is_accepted"] = is_accepted.astype("int64")
    frame["chk_accepted_response_id"] = response_id.where(is_accepted, None)
    accepted_ids = set(frames["fct_nps_responses"]["response_id"].dropna().astype(str))
    frame["chk_accepted_in_fct_nps_responses"] = [
        (not accepted) or (not _is_missing(rid) and str(rid) in accepted_ids)
        for accepted, rid in zip(is_accepted, response_id, strict=True)
    ]
    frame["chk_accepted_in_fct_nps_responses"] = frame["chk_accepted_in_fct_nps_responses"].astype(bool)
    accepted_count = len(frames["fct_nps_responses"])
    return _Batch(
        "derived columns",
        frame,
        [
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_reason_set_iff_rejected",
                value_set=[True],
                description="reason is not null exactly when status = rejected",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_response_id_null_iff_missing_response_id",
                value_set=[True],
                description="response_id is null exactly when reason = missing_response_id",
            ),
            gxe.ExpectColumnSumToBeBetween(
                column="chk_is_accepted",
                min_value=accepted_count,
                max_value=accepted_count,
                description=f"accepted rows equal the row count of fct_nps_responses ({accepted_count})",
            ),
            gxe.ExpectColumnValuesToBeUnique(
                column="chk_accepted_response_id",
                description="at most one accepted row per response_id",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_accepted_in_fct_nps_responses",
                value_set=[True],
                description="every accepted response_id is in fct_nps_responses",
            ),
        ],
        ["source_file", "source_row_number", "response_id", "status", "reason"],
    )


def _cube_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """The additive measures of each cell of the cube, recomputed from fct_cx_responses (as the
    model's cx_measures: NPS by category, satisfied CSAT 4-5, easy CES 5-7, difficult 1-3)."""
    day = _as_day(frame["response_date"]).reset_index(drop=True)
    category = frame["nps_category"].astype("object").reset_index(drop=True)
    csat = _numeric(frame["csat_score"]).reset_index(drop=True)
    ces = _numeric(frame["ces_score"]).reset_index(drop=True)
    measures = pd.DataFrame(
        {
            "responses": 1,
            "nps_responses": category.notna().astype(int),
            "promoters": (category == "promoter").fillna(False).astype(int),
            "passives": (category == "passive").fillna(False).astype(int),
            "detractors": (category == "detractor").fillna(False).astype(int),
            "csat_responses": csat.notna().astype(int),
            "csat_satisfied": (csat >= 4).fillna(False).astype(int),
            "csat_score_sum": csat.fillna(0),
            "csat_score_sum_squares": (csat * csat).fillna(0),
            "ces_responses": ces.notna().astype(int),
            "ces_easy": (ces >= 5).fillna(False).astype(int),
            "ces_difficult": (ces <= 3).fillna(False).astype(int),
            "ces_score_sum": ces.fillna(0),
            "ces_score_sum_squares": (ces * ces).fillna(0),
        },
        index=day.index,
    )
    cells = []
    for name, column in CX_DIMENSIONS.items():
        if column is None:
            value = pd.Series("all", index=day.index, dtype="object")
        else:
            raw = frame[column].astype("object").reset_index(drop=True)
            value = raw.where(raw.notna(), UNKNOWN).map(str)
        keyed = measures.assign(response_date=day, dimension_name=name, dimension_value=value)
        cells.append(
            keyed.groupby(["response_date", "dimension_name", "dimension_value"], dropna=False)[
                list(CUBE_COUNTS)
            ].sum()
        )
    if not cells:
        return pd.DataFrame(columns=list(CUBE_COUNTS))
    return pd.concat(cells)


def _derived_cube(frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """fct_cx_daily_by_dimension: counts add up, score sums within their scales, every score
    recomputed from its measures, and each dimension's cells of a day add up to the day's overall
    cell (a day without an overall cell fails)."""
    gxe = _gxe()
    frame = frames["fct_cx_daily_by_dimension"].copy()
    number = {column: _numeric(frame[column]) for column in CUBE_COUNTS}
    frame["chk_nps_counts_gap"] = number["nps_responses"] - (
        number["promoters"] + number["passives"] + number["detractors"]
    )
    frame["chk_metrics_within_responses"] = (
        (number["nps_responses"] <= number["responses"])
        & (number["csat_responses"] <= number["responses"])
        & (number["ces_responses"] <= number["responses"])
        & (number["csat_satisfied"] <= number["csat_responses"])
        & (number["ces_easy"] + number["ces_difficult"] <= number["ces_responses"])
    ).astype(bool)
    for metric in ("csat", "ces"):
        lowest, highest = METRIC_SCALES[f"{metric}_score"]
        count = number[f"{metric}_responses"]
        total = number[f"{metric}_score_sum"]
        squares = number[f"{metric}_score_sum_squares"]
        frame[f"chk_{metric}_sums_within_scale"] = (
            (total >= lowest * count)
            & (total <= highest * count)
            & (squares >= lowest * lowest * count)
            & (squares <= highest * highest * count)
        ).astype(bool)

    def matches(actual: Any, expected: Decimal | None) -> bool:
        value = as_decimal(actual)
        return value == expected if expected is not None else value is None

    frame["chk_nps_recomputed"] = [
        matches(actual, expected_nps(p, d, n) if _as_int(n) else None)
        for actual, p, d, n in zip(
            frame["nps"], frame["promoters"], frame["detractors"], frame["nps_responses"], strict=True
        )
    ]
    for score, (numerator, denominator, scale) in CX_SCORES.items():
        frame[f"chk_{score}_recomputed"] = [
            matches(actual, expected_ratio(top, bottom, scale))
            for actual, top, bottom in zip(frame[score], frame[numerator], frame[denominator], strict=True)
        ]
    day = _as_day(frame["response_date"])
    overall = (frame["dimension_name"] == "overall").fillna(False).astype(bool)
    totals = pd.DataFrame({"response_date": day, "dimension_name": frame["dimension_name"]})
    for column in number:
        totals[column] = number[column]
    per_dimension = totals.groupby(["response_date", "dimension_name"], dropna=False).sum()
    overall_per_day = totals[overall].drop(columns="dimension_name").groupby("response_date").sum()
    # a day without an overall cell has no totals to add up to: its cells fail
    gaps = per_dimension.sub(overall_per_day, level="response_date")
    adds_up = gaps.notna().all(axis=1) & (gaps.abs().sum(axis=1) == 0)
    frame["chk_dimension_adds_up_to_overall"] = [
        bool(adds_up.get((d, name), False)) for d, name in zip(day, frame["dimension_name"], strict=True)
    ]
    checks = [
        ("chk_nps_counts_gap", [0], "promoters + passives + detractors = nps_responses"),
        (
            "chk_metrics_within_responses",
            [True],
            "no metric counts more responses than the cell; satisfied, easy and difficult within theirs",
        ),
        *(
            (
                f"chk_{metric}_sums_within_scale",
                [True],
                f"{metric}_score_sum within [{lowest}, {highest}] x {metric}_responses, its sum of squares "
                f"within [{lowest * lowest}, {highest * highest}] x {metric}_responses",
            )
            for metric, (lowest, highest) in (
                ("csat", METRIC_SCALES["csat_score"]),
                ("ces", METRIC_SCALES["ces_score"]),
            )
        ),
        ("chk_nps_recomputed", [True], "nps recomputed from the counts (null without NPS responses)"),
        *(
            (
                f"chk_{score}_recomputed",
                [True],
                f"{score} recomputed from its measures, rounded half away from zero",
            )
            for score in CX_SCORES
        ),
        (
            "chk_dimension_adds_up_to_overall",
            [True],
            "per day, each dimension's cells add up to the day's overall cell, measure by measure",
        ),
    ]
    return _Batch(
        "derived columns",
        frame,
        [
            gxe.ExpectColumnValuesToBeInSet(column=column, value_set=values, description=description)
            for column, values, description in checks
        ],
        list(MART_GRAIN["fct_cx_daily_by_dimension"]),
    )


def _cube_days(frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """One row per day (of the cube or of fct_cx_responses) and dimension: the cube's cells of the
    day, the day's responses in fct_cx_responses."""
    gxe = _gxe()
    cube = frames["fct_cx_daily_by_dimension"]
    cube_cells = pd.DataFrame(
        {
            "response_date": _as_day(cube["response_date"]),
            "dimension_name": cube["dimension_name"].astype("object"),
            "responses": _numeric(cube["responses"]),
        }
    ).groupby(["response_date", "dimension_name"], dropna=False)["responses"]
    in_cube = cube_cells.agg(["size", "sum"]).rename(columns={"size": "cells", "sum": "responses_in_cube"})
    responses = frames["fct_cx_responses"]
    per_day = (
        _as_day(responses["response_date"]).value_counts(dropna=False).rename("responses_in_fct_cx_responses")
    )
    days = sorted(set(in_cube.index.get_level_values("response_date")) | set(per_day.index), key=str)
    index = pd.MultiIndex.from_product([days, list(CX_DIMENSIONS)], names=["response_date", "dimension_name"])
    # observed dimension names outside the contract are checked on the mart itself
    merged = in_cube.reindex(index.union(in_cube.index, sort=False)).reset_index()
    merged["cells"] = merged["cells"].fillna(0).astype(int)
    merged["responses_in_cube"] = merged["responses_in_cube"].fillna(0)
    merged["responses_in_fct_cx_responses"] = (
        per_day.reindex(merged["response_date"].to_numpy()).fillna(0).astype(int).to_numpy()
    )
    merged["chk_responses_gap_vs_fct_cx_responses"] = (
        merged["responses_in_cube"] - merged["responses_in_fct_cx_responses"]
    )
    cube_days = set(in_cube.index.get_level_values("response_date"))
    has_responses = (merged["responses_in_fct_cx_responses"] > 0) | merged["response_date"].isin(cube_days)
    merged["chk_day_has_cells_of_each_dimension"] = (~has_responses | (merged["cells"] > 0)).astype(bool)
    return _Batch(
        "per day and dimension",
        merged,
        [
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_day_has_cells_of_each_dimension",
                value_set=[True],
                description="every day with responses has the overall cell and cells of every dimension",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_responses_gap_vs_fct_cx_responses",
                value_set=[0],
                description=(
                    "per day, each dimension's cells count the day's rows of fct_cx_responses "
                    "(so each dimension's total equals the rows of fct_cx_responses)"
                ),
            ),
        ],
        ["response_date", "dimension_name", "cells", "responses_in_cube", "responses_in_fct_cx_responses"],
    )


def _cube_recomputed(frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """Every cell of the cube against the same cell recomputed from fct_cx_responses."""
    gxe = _gxe()
    cube = frames["fct_cx_daily_by_dimension"]
    grain = list(MART_GRAIN["fct_cx_daily_by_dimension"])
    published = pd.DataFrame(
        {
            "response_date": _as_day(cube["response_date"]),
            "dimension_name": cube["dimension_name"].astype("object"),
            "dimension_value": cube["dimension_value"].astype("object"),
            **{column: _numeric(cube[column]) for column in CUBE_COUNTS},
        }
    )
    recomputed = _cube_cells(frames["fct_cx_responses"]).reset_index()
    recomputed["dimension_name"] = recomputed["dimension_name"].astype("object")
    recomputed["dimension_value"] = recomputed["dimension_value"].astype("object")
    merged = published.merge(recomputed, on=grain, how="outer", suffixes=("", "_recomputed"), indicator=True)
    same = merged["_merge"] == "both"
    for column in CUBE_COUNTS:
        same &= (merged[column] == merged[f"{column}_recomputed"]).fillna(False)
    merged["chk_in_cube"] = merged["_merge"] != "right_only"
    merged["chk_cell_recomputed_from_fct_cx_responses"] = same.astype(bool)
    merged = merged.drop(columns="_merge")
    return _Batch(
        "cells recomputed",
        merged,
        [
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_cell_recomputed_from_fct_cx_responses",
                value_set=[True],
                description=(
                    "every cell (and no other) is the one recomputed from fct_cx_responses, "
                    "measure by measure"
                ),
            ),
        ],
        [*grain, "chk_in_cube", "responses", "responses_recomputed"],
    )


def _derived_unmapped(frames: Mapping[str, pd.DataFrame]) -> _Batch:
    gxe = _gxe()
    frame = frames["rpt_unmapped_channels"].copy()
    first = _as_day(frame["first_response_date"])
    last = _as_day(frame["last_response_date"])
    frame["chk_first_not_after_last"] = (first <= last).fillna(False).astype(bool)
    return _Batch(
        "derived columns",
        frame,
        [
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_first_not_after_last",
                value_set=[True],
                description="first_response_date <= last_response_date",
            )
        ],
        ["raw_channel", "first_response_date", "last_response_date"],
    )


def _derived_unmapped_codes(frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """rpt_unmapped_codes: dates in order, and each code's responses and dates those of its
    cells in the cube."""
    gxe = _gxe()
    frame = frames["rpt_unmapped_codes"].copy().reset_index(drop=True)
    first = _as_day(frame["first_response_date"])
    last = _as_day(frame["last_response_date"])
    frame["chk_first_not_after_last"] = (first <= last).fillna(False).astype(bool)
    cube = frames["fct_cx_daily_by_dimension"]
    cells = (
        pd.DataFrame(
            {
                "dimension_name": cube["dimension_name"].astype("object"),
                "code": cube["dimension_value"].astype("object"),
                "day": _as_day(cube["response_date"]),
                "responses": _numeric(cube["responses"]),
            }
        )
        .groupby(["dimension_name", "code"], dropna=False)
        .agg(responses=("responses", "sum"), first=("day", "min"), last=("day", "max"))
    )
    keys = pd.MultiIndex.from_arrays(
        [frame["dimension_name"].astype("object"), frame["code"].astype("object")]
    )
    aligned = cells.reindex(keys).reset_index(drop=True)
    frame["chk_matches_the_cube"] = (
        keys.isin(cells.index)
        & _same_values(_numeric(frame["responses"]), aligned["responses"])
        & _same_values(first, aligned["first"])
        & _same_values(last, aligned["last"])
    ).astype(bool)
    return _Batch(
        "derived columns",
        frame,
        [
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_first_not_after_last",
                value_set=[True],
                description="first_response_date <= last_response_date",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_matches_the_cube",
                value_set=[True],
                description=(
                    "responses, first_response_date and last_response_date are those of the code's "
                    "cells in fct_cx_daily_by_dimension"
                ),
            ),
        ],
        ["dimension_name", "code", "responses", "first_response_date", "last_response_date"],
    )


def _derived_load_history(frames: Mapping[str, pd.DataFrame]) -> _Batch:
    gxe = _gxe()
    frame = frames["rpt_load_history"].copy()
    counts = {column: _numeric(frame[column]).fillna(0) for column in ("rows_read", "rows_staged")}
    statuses = sum(
        _numeric(frame[column]).fillna(0) for column in ("accepted", "rejected", "superseded", "pending")
    )
    by_reason = {reason: _numeric(frame[f"rejected_{reason}"]).fillna(0) for reason in LOAD_HISTORY_REASONS}
    frame["chk_every_row_read_is_staged"] = (counts["rows_staged"] == counts["rows_read"]).astype(bool)
    frame["chk_statuses_add_up"] = (statuses == counts["rows_staged"]).astype(bool)
    frame["chk_reasons_add_up"] = (sum(by_reason.values()) == _numeric(frame["rejected"]).fillna(0)).astype(
        bool
    )
    own_reasons = frame["source_name"].map(lambda name: SOURCE_REASONS.get(str(name)))
    frame["chk_reasons_of_its_source"] = [
        reasons is not None
        and all(
            by_reason[reason].iloc[position] == 0 for reason in LOAD_HISTORY_REASONS if reason not in reasons
        )
        for position, reasons in enumerate(own_reasons)
    ]
    frame["chk_reasons_of_its_source"] = frame["chk_reasons_of_its_source"].astype(bool)
    return _Batch(
        "derived columns",
        frame,
        [
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_every_row_read_is_staged",
                value_set=[True],
                description="rows_staged = rows_read: every row the loader read is in the warehouse",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_statuses_add_up",
                value_set=[True],
                description="accepted + rejected + superseded + pending = rows_staged",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_reasons_add_up",
                value_set=[True],
                description="the rejected rows by reason add up to rejected",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_reasons_of_its_source",
                value_set=[True],
                description="a file's rejected rows carry only reasons of its source",
            ),
        ],
        [
            "source_name",
            "source_file",
            "rows_read",
            "rows_staged",
            "accepted",
            "rejected",
            "superseded",
            "pending",
        ],
    )


def _load_history_by_source(frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """rpt_load_history per source: its files' rows staged are the rows of the source's audit,
    its accepted and rejected rows the audit's (responses: accepted the rows of
    fct_nps_responses)."""
    gxe = _gxe()
    history = frames["rpt_load_history"]
    names = history["source_name"].astype("object")
    sources = list(dict.fromkeys([*LOAD_HISTORY_AUDITS, *(str(name) for name in names.dropna())]))
    rows = []
    for source in sources:
        mine = history[(names == source).fillna(False).astype(bool)]
        audit_mart = LOAD_HISTORY_AUDITS.get(source)
        audit = frames[audit_mart] if audit_mart else None
        status = audit["status"] if audit is not None else pd.Series(dtype="object")
        accepted = (
            len(frames["fct_nps_responses"]) if source == "responses" else int((status == "accepted").sum())
        )
        rows.append(
            {
                "source_name": source,
                "files": len(mine),
                "rows_staged": int(_numeric(mine["rows_staged"]).fillna(0).sum()),
                "rows_in_audit": None if audit is None else len(audit),
                "accepted": int(_numeric(mine["accepted"]).fillna(0).sum()),
                "accepted_expected": None if audit is None else accepted,
                "rejected": int(_numeric(mine["rejected"]).fillna(0).sum()),
                "rejected_in_audit": None if audit is None else int((status == "rejected").sum()),
            }
        )
    frame = pd.DataFrame(rows)
    frame["chk_rows_staged_are_the_audit_rows"] = (frame["rows_staged"] == frame["rows_in_audit"]).astype(
        bool
    )
    frame["chk_accepted_reconciles"] = (frame["accepted"] == frame["accepted_expected"]).astype(bool)
    frame["chk_rejected_are_the_audit_rejected"] = (frame["rejected"] == frame["rejected_in_audit"]).astype(
        bool
    )
    return _Batch(
        "per source",
        frame,
        [
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_rows_staged_are_the_audit_rows",
                value_set=[True],
                description="per source, rows_staged add up to the rows of the source's audit",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_accepted_reconciles",
                value_set=[True],
                description=(
                    "per source, accepted adds up to the accepted rows of its audit (responses: to the "
                    "rows of fct_nps_responses)"
                ),
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_rejected_are_the_audit_rejected",
                value_set=[True],
                description="per source, rejected adds up to the rejected rows of its audit",
            ),
        ],
        list(frame.columns[:8]),
    )


def _derived_history(mart: str, frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """A history of versions: numbered 1..n per id in time order, each valid until the next one
    takes effect, exactly one current (the open one); its ids those of the source's accepted
    rows."""
    gxe = _gxe()
    key, _, _ = HISTORIES[mart]
    frame = frames[mart].copy()
    number = _numeric(frame["version_number"])
    frame = (
        frame.assign(_key=frame[key].astype("object"), _number=number)
        .sort_values(["_key", "_number"], kind="stable", na_position="last")
        .reset_index(drop=True)
    )
    group = frame.groupby("_key", dropna=False, sort=False)
    valid_from = _timestamps(frame["valid_from"])
    valid_to = _timestamps(frame["valid_to"])
    next_valid_from = valid_from.groupby(frame["_key"], dropna=False, sort=False).shift(-1)
    frame["chk_version_numbers_contiguous"] = (
        (frame["_number"] == group.cumcount() + 1).fillna(False).astype(bool)
    )
    frame["chk_valid_to_is_next_valid_from"] = _same_values(valid_to, next_valid_from)
    frame["chk_valid_from_before_valid_to"] = (
        (valid_to.isna() | (valid_from < valid_to)).fillna(False).astype(bool)
    )
    is_current = frame["is_current"].astype("boolean")
    frame["chk_current_iff_valid_to_null"] = (is_current == valid_to.isna()).fillna(False).astype(bool)
    currents = is_current.fillna(False).astype(int).groupby(frame["_key"], dropna=False, sort=False)
    frame["chk_one_current_version_per_id"] = (currents.transform("sum") == 1).astype(bool)
    frame = frame.drop(columns=["_key", "_number"])
    source = HISTORY_SOURCES[mart]
    accepted = _accepted_keys(frames, source)
    frame[f"chk_{key}_in_{source}_audit"] = (
        frame[key].map(lambda value: not _is_missing(value) and str(value) in accepted).astype(bool)
    )
    checks = [
        ("chk_version_numbers_contiguous", f"version_number runs 1..n per {key}, without gap or repeat"),
        (
            "chk_valid_to_is_next_valid_from",
            "valid_to is the next version's valid_from (null for the last version)",
        ),
        ("chk_valid_from_before_valid_to", "valid_from < valid_to"),
        ("chk_current_iff_valid_to_null", "is_current exactly when valid_to is null"),
        ("chk_one_current_version_per_id", f"exactly one current version per {key}"),
        (
            f"chk_{key}_in_{source}_audit",
            f"every {key} has an accepted row in rpt_{source[:-1]}_audit",
        ),
    ]
    exps: list[Expectation] = [
        gxe.ExpectColumnValuesToBeInSet(column=column, value_set=[True], description=description)
        for column, description in checks
    ]
    exps.append(
        gxe.ExpectColumnUniqueValueCountToBeBetween(
            column=key,
            min_value=len(accepted),
            max_value=len(accepted),
            description=(
                f"every {key} of an accepted row of rpt_{source[:-1]}_audit has versions ({len(accepted)})"
            ),
        )
    )
    return _Batch(
        "derived columns", frame, exps, [key, "version_number", "valid_from", "valid_to", "is_current"]
    )


def _derived_current(mart: str, frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """dim_customer / dim_agent: the current version of each id of its history, with how many
    versions it has and when the first took effect."""
    gxe = _gxe()
    history_mart = next(name for name, (_, current, _) in HISTORIES.items() if current == mart)
    key, _, attributes = HISTORIES[history_mart]
    frame = frames[mart].copy().reset_index(drop=True)
    history = frames[history_mart]
    history_keys = history[key].astype("object")
    current = history[history["is_current"].astype("boolean").fillna(False).astype(bool)]
    current = current.assign(_key=current[key].astype("object")).drop_duplicates("_key").set_index("_key")
    keys = frame[key].astype("object")
    aligned = current.reindex(keys.to_numpy())
    found = keys.isin(current.index)
    same = pd.Series(True, index=frame.index)
    for column in attributes:
        same &= _same_values(frame[column], aligned[column])
    same &= _same_values(frame["updated_at"], aligned["valid_from"])
    frame["chk_is_the_current_version"] = (found & same).astype(bool)
    versions = history_keys.value_counts(dropna=True)
    frame["chk_versions_counts_the_history"] = _same_values(
        _numeric(frame["versions"]), versions.reindex(keys.to_numpy()).astype("Float64")
    )
    first = _timestamps(history["valid_from"]).groupby(history_keys).min()
    frame["chk_first_updated_at_is_the_first_version"] = _same_values(
        _timestamps(frame["first_updated_at"]), first.reindex(keys.to_numpy())
    )
    distinct = int(history_keys.nunique(dropna=True))
    checks = [
        (
            "chk_is_the_current_version",
            f"each row is the current version of {history_mart} ({', '.join(attributes)}; updated_at "
            "its valid_from)",
        ),
        ("chk_versions_counts_the_history", f"versions is the count of the {key}'s rows of {history_mart}"),
        (
            "chk_first_updated_at_is_the_first_version",
            "first_updated_at is the valid_from of the first version",
        ),
    ]
    exps: list[Expectation] = [
        gxe.ExpectColumnValuesToBeInSet(column=column, value_set=[True], description=description)
        for column, description in checks
    ]
    exps.append(
        gxe.ExpectTableRowCountToEqual(
            value=distinct, description=f"one row per {key} of {history_mart} ({distinct})"
        )
    )
    return _Batch("derived columns", frame, exps, [key, "versions", "first_updated_at", "updated_at"])


def _known_invitations_answered(frames: Mapping[str, pd.DataFrame]) -> tuple[set[str], int, pd.DataFrame]:
    """The accepted invitations, how many of them a response of fct_nps_responses answers, and
    the responses naming an invitation none of them is."""
    known = _accepted_keys(frames, "invitations")
    responses = frames["fct_nps_responses"]
    named = responses[responses["invitation_id"].notna()]
    is_known = named["invitation_id"].map(lambda value: str(value) in known).astype(bool)
    answered = int(named.loc[is_known, "invitation_id"].astype(str).nunique())
    return known, answered, named[~is_known]


def _derived_invitations(frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """fct_invitations_daily: counts within the invitations, the rate and median recomputed, and
    totals reconciled with the invitations' audit and the responses that answer them."""
    gxe = _gxe()
    frame = frames["fct_invitations_daily"].copy()
    invitations = _numeric(frame["invitations"])
    bounced = _numeric(frame["bounced"])
    answered = _numeric(frame["answered"])
    frame["chk_bounced_within_invitations"] = (
        ((bounced >= 0) & (bounced <= invitations)).fillna(False).astype(bool)
    )
    frame["chk_answered_within_invitations"] = (
        ((answered >= 0) & (answered <= invitations)).fillna(False).astype(bool)
    )
    expected_rate = [
        expected_ratio(a, None if _is_missing(n) or _is_missing(b) else n - b, 100)
        for a, n, b in zip(answered, invitations, bounced, strict=True)
    ]
    frame["chk_expected_response_rate"] = [None if value is None else str(value) for value in expected_rate]
    frame["chk_response_rate_recomputed"] = [
        (as_decimal(actual) == expected) if expected is not None else _is_missing(actual)
        for actual, expected in zip(frame["response_rate"], expected_rate, strict=True)
    ]
    frame["chk_response_rate_recomputed"] = frame["chk_response_rate_recomputed"].astype(bool)
    frame["chk_median_null_iff_unanswered"] = (
        frame["median_hours_to_answer"].isna() == (answered == 0).fillna(False)
    ).astype(bool)
    known, answered_total, _ = _known_invitations_answered(frames)
    exps: list[Expectation] = [
        gxe.ExpectColumnValuesToBeInSet(column=column, value_set=[True], description=description)
        for column, description in (
            ("chk_bounced_within_invitations", "0 <= bounced <= invitations"),
            ("chk_answered_within_invitations", "0 <= answered <= invitations"),
            (
                "chk_response_rate_recomputed",
                "response_rate = round_half_away_from_zero(100 * answered / (invitations - bounced), 2), "
                "null when every invitation bounced",
            ),
            ("chk_median_null_iff_unanswered", "median_hours_to_answer is null exactly when answered = 0"),
        )
    ]
    exps += [
        gxe.ExpectColumnSumToBeBetween(
            column="invitations",
            min_value=len(known),
            max_value=len(known),
            description=f"invitations add up to the accepted rows of rpt_invitation_audit ({len(known)})",
        ),
        gxe.ExpectColumnSumToBeBetween(
            column="answered",
            min_value=answered_total,
            max_value=answered_total,
            description=(
                f"answered adds up to the accepted invitations a response of fct_nps_responses names "
                f"({answered_total})"
            ),
        ),
    ]
    return _Batch(
        "derived columns",
        frame,
        exps,
        [*MART_GRAIN["fct_invitations_daily"], "invitations", "bounced", "answered", "response_rate"],
    )


def _derived_unknown_invitations(frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """rpt_unknown_invitations: exactly the responses of fct_nps_responses naming an invitation
    that no accepted row of rpt_invitation_audit is, as published there."""
    gxe = _gxe()
    frame = frames["rpt_unknown_invitations"].copy().reset_index(drop=True)
    _, _, unknown = _known_invitations_answered(frames)
    responses = unknown.drop_duplicates("response_id").set_index("response_id")
    listed = frame["response_id"].isin(responses.index)
    aligned = responses.reindex(frame["response_id"].to_numpy())
    same = pd.Series(True, index=frame.index)
    for column in ("invitation_id", "response_date", "feed_name", "source_file"):
        same &= _same_values(frame[column], aligned[column])
    frame["chk_names_an_unknown_invitation"] = (listed & same).astype(bool)
    return _Batch(
        "derived columns",
        frame,
        [
            gxe.ExpectColumnValuesToBeInSet(
                column="chk_names_an_unknown_invitation",
                value_set=[True],
                description=(
                    "each row is a response of fct_nps_responses (same invitation_id, response_date, "
                    "feed_name, source_file) whose invitation is no accepted row of rpt_invitation_audit"
                ),
            ),
            gxe.ExpectTableRowCountToEqual(
                value=len(responses),
                description=f"every response naming an unknown invitation is listed ({len(responses)})",
            ),
        ],
        ["response_id", "invitation_id"],
    )


def _derived_source_audit(mart: str, frames: Mapping[str, pd.DataFrame]) -> _Batch:
    """The audit of a programme source: a reason exactly for the rejected rows, the id missing
    exactly for its reason, and (interactions, invitations) one current row per id."""
    gxe = _gxe()
    source = SOURCE_AUDITS[mart]
    key = SOURCE_KEYS[source]
    frame = frames[mart].copy()
    status = frame["status"].astype("object")
    reason = frame["reason"].astype("object")
    is_rejected = (status == "rejected").fillna(False).astype(bool)
    frame["chk_reason_set_iff_rejected"] = (is_rejected == reason.notna()).astype(bool)
    frame[f"chk_{key}_null_iff_missing_{key}"] = (
        frame[key].isna() == (reason == f"missing_{key}").fillna(False)
    ).astype(bool)
    exps: list[Expectation] = [
        gxe.ExpectColumnValuesToBeInSet(
            column="chk_reason_set_iff_rejected",
            value_set=[True],
            description="reason is not null exactly when status = rejected",
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column=f"chk_{key}_null_iff_missing_{key}",
            value_set=[True],
            description=f"{key} is null exactly when reason = missing_{key}",
        ),
    ]
    if source not in HISTORY_SOURCES.values():
        # customers and agents keep a row per (id, updated_at); the others one row per id
        is_accepted = (status == "accepted").fillna(False).astype(bool)
        frame[f"chk_accepted_{key}"] = frame[key].astype("object").where(is_accepted, None)
        exps.append(
            gxe.ExpectColumnValuesToBeUnique(
                column=f"chk_accepted_{key}", description=f"at most one accepted row per {key}"
            )
        )
    return _Batch(
        "derived columns", frame, exps, ["source_file", "source_row_number", key, "status", "reason"]
    )


_BatchBuilder = Callable[[Mapping[str, pd.DataFrame]], _Batch]


def _derived_builders(
    mart: str,
) -> list[tuple[str, dict[str, tuple[str, ...]], _BatchBuilder]]:
    """(description, required columns per mart, builder) of the derived checks of a mart."""
    builders: list[tuple[str, dict[str, tuple[str, ...]], _BatchBuilder]] = []
    if mart in RESPONSE_MARTS:
        builders.append(
            (
                "categories consistent with scores, a score on every response",
                {
                    mart: (
                        "response_id",
                        *(c for score, category, _ in METRIC_CATEGORIES for c in (score, category)),
                    )
                },
                lambda frames, mart=mart: _derived_response_metrics(mart, frames),
            )
        )
    if mart == "fct_cx_responses":
        builders.append(
            (
                "the responses of fct_nps_responses, with the attributes they had at their time",
                {
                    mart: MART_COLUMNS[mart],
                    "fct_nps_responses": MART_COLUMNS["fct_nps_responses"],
                    "dim_customer_history": MART_COLUMNS["dim_customer_history"],
                    "dim_agent_history": MART_COLUMNS["dim_agent_history"],
                    "rpt_interaction_audit": ("interaction_id", "status"),
                },
                _derived_cx_responses,
            )
        )
    if mart in HISTORIES:
        key, _, _ = HISTORIES[mart]
        source = HISTORY_SOURCES[mart]
        builders.append(
            (
                "versions numbered and chained in time, one current per id, ids of the accepted rows",
                {
                    mart: (key, "version_number", "valid_from", "valid_to", "is_current"),
                    f"rpt_{source[:-1]}_audit": (key, "status"),
                },
                lambda frames, mart=mart: _derived_history(mart, frames),
            )
        )
    for history_mart, (key, current, attributes) in HISTORIES.items():
        if mart == current:
            builders.append(
                (
                    f"the current version of {history_mart}",
                    {
                        mart: MART_COLUMNS[mart],
                        history_mart: (key, "is_current", "valid_from", *attributes),
                    },
                    lambda frames, mart=mart: _derived_current(mart, frames),
                )
            )
    if mart == "fct_invitations_daily":
        builders.append(
            (
                "counts within the invitations, rate and median recomputed, totals reconciled",
                {
                    mart: MART_COLUMNS[mart],
                    "rpt_invitation_audit": ("invitation_id", "status"),
                    "fct_nps_responses": ("response_id", "invitation_id"),
                },
                _derived_invitations,
            )
        )
    if mart == "rpt_unknown_invitations":
        builders.append(
            (
                "exactly the responses naming an invitation nobody sent",
                {
                    mart: MART_COLUMNS[mart],
                    "rpt_invitation_audit": ("invitation_id", "status"),
                    "fct_nps_responses": MART_COLUMNS[mart],
                },
                _derived_unknown_invitations,
            )
        )
    if mart in SOURCE_AUDITS:
        key = SOURCE_KEYS[SOURCE_AUDITS[mart]]
        builders.append(
            (
                "reason/status consistency, the id missing exactly for its reason",
                {mart: ("source_file", "source_row_number", key, "status", "reason")},
                lambda frames, mart=mart: _derived_source_audit(mart, frames),
            )
        )
    if mart in DAILY_MARTS:
        builders.append(
            (
                "counts add up and nps recomputed from counts",
                {mart: MART_COLUMNS[mart]},
                lambda frames, mart=mart: _derived_daily(mart, frames),
            )
        )
    if mart in PER_DIMENSION_MARTS:
        needs: dict[str, tuple[str, ...]] = {
            mart: ("response_date", *COUNT_COLUMNS),
            "fct_nps_daily_overall": ("response_date", *COUNT_COLUMNS),
        }
        if mart == "fct_nps_daily":
            needs["fct_nps_responses"] = ("response_date",)
        builders.append(
            (
                "per-day totals reconcile with fct_nps_daily_overall",
                needs,
                lambda frames, mart=mart: _reconcile_daily(mart, frames),
            )
        )
    if mart == "dim_date":
        builders.append(
            (
                "dates contiguous, within response dates, calendar attributes",
                {mart: MART_COLUMNS[mart], "fct_nps_responses": ("response_date",)},
                _derived_dim_date,
            )
        )
    if mart == "rpt_response_audit":
        builders.append(
            (
                "reason/status consistency and reconciliation with fct_nps_responses",
                {
                    mart: (
                        "source_file",
                        "source_row_number",
                        "response_id",
                        "status",
                        "reason",
                    ),
                    "fct_nps_responses": ("response_id",),
                },
                _derived_audit,
            )
        )
    if mart == "rpt_load_history":
        counted = ("rows_read", "rows_staged", "accepted", "rejected", "superseded", "pending")
        builders.append(
            (
                "every row read is staged, statuses and reasons add up, reasons of its source",
                {
                    mart: (
                        "source_name",
                        "source_file",
                        *counted,
                        *(f"rejected_{reason}" for reason in LOAD_HISTORY_REASONS),
                    )
                },
                _derived_load_history,
            )
        )
        builders.append(
            (
                "per source, reconciliation with the source's audit",
                {
                    mart: ("source_name", "rows_staged", "accepted", "rejected"),
                    **{audit: ("status",) for audit in LOAD_HISTORY_AUDITS.values()},
                    "fct_nps_responses": ("response_id",),
                },
                _load_history_by_source,
            )
        )
    if mart == "fct_cx_daily_by_dimension":
        builders.append(
            (
                "counts add up, scores recomputed, dimensions add up to overall",
                {mart: MART_COLUMNS[mart]},
                _derived_cube,
            )
        )
        recomputed_needs: dict[str, tuple[str, ...]] = {
            mart: MART_COLUMNS[mart],
            "fct_cx_responses": (
                "response_date",
                "nps_category",
                "csat_score",
                "ces_score",
                *(column for column in CX_DIMENSIONS.values() if column is not None),
            ),
        }
        builders.append(
            (
                "per day, every dimension's cells count the day's rows of fct_cx_responses",
                {
                    mart: ("response_date", "dimension_name", "responses"),
                    "fct_cx_responses": ("response_date",),
                },
                _cube_days,
            )
        )
        builders.append(("cells recomputed from fct_cx_responses", recomputed_needs, _cube_recomputed))
    if mart == "rpt_unmapped_codes":
        builders.append(
            (
                "dates in order, responses and dates those of the cube",
                {
                    mart: MART_COLUMNS[mart],
                    "fct_cx_daily_by_dimension": (
                        "response_date",
                        "dimension_name",
                        "dimension_value",
                        "responses",
                    ),
                },
                _derived_unmapped_codes,
            )
        )
    if mart == "rpt_unmapped_channels":
        builders.append(
            (
                "first_response_date <= last_response_date",
                {mart: ("raw_channel", "first_response_date", "last_response_date")},
                _derived_unmapped,
            )
        )
    return builders


def _build_batches(
    mart: str, frames: Mapping[str, pd.DataFrame], allow_empty: bool = False
) -> list[_Batch | _Skipped]:
    batches: list[_Batch | _Skipped] = [_contract_batch(mart, frames[mart], frames)]
    if mart in NON_EMPTY_MARTS and not allow_empty:
        batches.append(
            _Batch(
                "mart",
                frames[mart],
                [
                    _gxe().ExpectTableRowCountToBeBetween(
                        min_value=1,
                        description=(
                            "holds rows (an empty mart means no response was accepted: check the "
                            "landing files; pass --allow-empty when that is expected)"
                        ),
                    )
                ],
                [],
            )
        )
    for description, needs, builder in _derived_builders(mart):
        lacking = _missing_columns(frames, needs)
        if lacking:
            batches.append(_Skipped(description, f"not checked: {lacking}"))
        else:
            batches.append(builder(frames))
    return batches


# --------------------------------------------------------------------------------------------
# Running Great Expectations
# --------------------------------------------------------------------------------------------


def _quiet_context() -> Any:
    """An ephemeral GE context with progress bars switched off."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    for name in (
        "great_expectations",
        "great_expectations.core",
        "great_expectations.data_context",
    ):
        logging.getLogger(name).setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context


def _result_format(index_columns: Sequence[str]) -> dict[str, Any]:
    result_format: dict[str, Any] = {
        "result_format": "SUMMARY",
        "partial_unexpected_count": EXAMPLE_LIMIT,
    }
    if index_columns:
        result_format["unexpected_index_column_names"] = list(index_columns)
    return result_format


def _examples(result: Mapping[str, Any], column: str | None) -> list[Any]:
    index_list = result.get("partial_unexpected_index_list")
    if index_list and isinstance(index_list[0], Mapping):
        examples = []
        for item in index_list[:EXAMPLE_LIMIT]:
            row = dict(item)
            # a failed boolean check column is always False: the identifying columns say more
            if column in row and isinstance(row[column], bool | np.bool_) and len(row) > 1:
                del row[column]
            examples.append(row)
        return examples
    values = result.get("partial_unexpected_list")
    if values:
        return list(values[:EXAMPLE_LIMIT])
    mismatched = (result.get("details") or {}).get("mismatched")
    if mismatched:
        return [{key: value} for key, value in mismatched.items()]
    return []


def _outcome(mart: str, checked_on: str, validation: Any) -> ExpectationOutcome:
    config = validation.expectation_config
    result: Mapping[str, Any] = validation.result or {}
    exception_info = validation.exception_info or {}
    error = None
    if isinstance(exception_info, Mapping) and exception_info.get("raised_exception"):
        error = str(exception_info.get("exception_message"))
    kwargs = config.kwargs or {}
    column = kwargs.get("column")
    if column is None and kwargs.get("column_list"):
        column = ",".join(kwargs["column_list"])
    unexpected = result.get("unexpected_count")
    element_count = result.get("element_count")
    return ExpectationOutcome(
        mart=mart,
        expectation_type=config.type,
        description=config.description or config.type,
        success=bool(validation.success),
        checked_on=checked_on,
        column=column,
        element_count=None if element_count is None else int(element_count),
        unexpected_count=None if unexpected is None else int(unexpected),
        unexpected_examples=_examples(result, column) if not validation.success else [],
        observed_value=_jsonable(result.get("observed_value")),
        error=error,
    )


def _run_batch(context: Any, mart: str, position: int, batch: _Batch) -> list[ExpectationOutcome]:
    import great_expectations as gx

    name = f"{mart}__{position}"
    asset = context.data_sources.get("marts").add_dataframe_asset(name=name)
    batch_definition = asset.add_batch_definition_whole_dataframe(f"{name}__whole")
    suite = gx.ExpectationSuite(name=f"{name}__suite")
    for order, expectation in enumerate(batch.expectations):
        expectation.meta = {**(expectation.meta or {}), "order": order}
        suite.add_expectation(expectation)
    gx_batch = batch_definition.get_batch(batch_parameters={"dataframe": batch.frame})
    result = gx_batch.validate(
        suite,
        result_format=_result_format([c for c in batch.index_columns if c in batch.frame.columns]),
    )
    ordered = sorted(result.results, key=lambda r: (r.expectation_config.meta or {}).get("order", 0))
    return [_outcome(mart, batch.checked_on, validation) for validation in ordered]


def _selected_marts(marts: Iterable[str] | None) -> list[str]:
    if marts is None:
        return list(MART_COLUMNS)
    wanted = list(dict.fromkeys(marts))
    unknown = [mart for mart in wanted if mart not in MART_COLUMNS]
    if unknown:
        raise ValueError(f"unknown mart(s) {', '.join(unknown)}; known: {', '.join(MART_COLUMNS)}")
    return [mart for mart in MART_COLUMNS if mart in wanted]


def validate_frames(
    frames: Mapping[str, pd.DataFrame],
    duckdb_path: str = "<in memory>",
    marts: Iterable[str] | None = None,
    *,
    allow_empty: bool = False,
) -> ValidationReport:
    """Validate already-loaded marts (one dataframe per mart name of MART_COLUMNS).

    ``marts`` restricts which marts get validated (default: all); every mart must still be
    given, since cross-mart checks read the others. Empty marts fail unless ``allow_empty``.
    """
    import great_expectations as gx

    selected = _selected_marts(marts)
    missing = [mart for mart in MART_COLUMNS if mart not in frames]
    if missing:
        raise WarehouseUnavailableError(f"missing mart(s): {', '.join(missing)}")
    context = _quiet_context()
    context.data_sources.add_pandas(name="marts")
    report = ValidationReport(duckdb_path=duckdb_path, great_expectations_version=gx.__version__)
    for mart in selected:
        mart_report = MartReport(mart=mart, row_count=len(frames[mart]))
        for position, batch in enumerate(_build_batches(mart, frames, allow_empty)):
            if isinstance(batch, _Skipped):
                mart_report.outcomes.append(
                    ExpectationOutcome(
                        mart=mart,
                        expectation_type="derived_checks",
                        description=batch.description,
                        success=False,
                        checked_on="derived columns",
                        error=batch.reason,
                    )
                )
            else:
                mart_report.outcomes.extend(_run_batch(context, mart, position, batch))
        report.marts.append(mart_report)
    return report


def validate_warehouse(
    duckdb_path: str | None = None,
    marts: Iterable[str] | None = None,
    *,
    target: str | None = None,
    postgres_dbname: str | None = None,
    allow_empty: bool = False,
) -> ValidationReport:
    """Validate the marts of the target's engine (default ``$NPS_TARGET``, else the DuckDB
    warehouse at ``duckdb_path`` or the profile's file). Empty marts fail unless
    ``allow_empty`` (a warehouse that is expected to hold no response yet).

    ``marts`` restricts the validation to some marts (default: every mart of MART_COLUMNS). Raises
    WarehouseUnavailableError when the file or a mart is missing, ValueError for an unknown
    mart name.
    """
    selected = _selected_marts(marts)
    frames = load_marts(duckdb_path, target=target, postgres_dbname=postgres_dbname)
    return validate_frames(
        frames, duckdb_path=str(duckdb_path or target_name(target)), marts=selected, allow_empty=allow_empty
    )


# --------------------------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    """Convert GE / numpy / pandas values into plain JSON-compatible Python values."""
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(item) for item in value]
    if isinstance(value, np.ndarray):
        return [_jsonable(item) for item in value.tolist()]
    if _is_missing(value):
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, pd.Timestamp) and value.tzinfo is None and value == value.normalize():
        return value.date().isoformat()  # DuckDB DATE values come back as midnight timestamps
    if isinstance(value, pd.Timestamp | datetime | date):
        return value.isoformat()
    if isinstance(value, str | int | float):
        return value
    return str(value)


def _format_value(value: Any) -> str:
    value = _jsonable(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}={_format_value(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_format_value(item) for item in value) + "]"
    if value is None:
        return "null"
    if isinstance(value, str):
        return repr(value)
    return str(value)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def render_text_report(report: ValidationReport, *, show_passed: bool = True) -> str:
    """A readable, plain-text rendering of a ValidationReport."""
    lines = [
        f"Great Expectations validation of the marts in {report.duckdb_path}"
        + (f" (GE {report.great_expectations_version})" if report.great_expectations_version else ""),
        "",
    ]
    for mart in report.marts:
        passed = len(mart.outcomes) - len(mart.failed)
        lines.append(
            f"{'PASS' if mart.success else 'FAIL'}  {mart.mart} "
            f"({_plural(mart.row_count, 'row')}): {passed}/{len(mart.outcomes)} expectations passed"
        )
        for outcome in mart.outcomes:
            if outcome.success and not show_passed:
                continue
            where = "" if outcome.checked_on == "mart" else f" [{outcome.checked_on}]"
            lines.append(f"  {outcome.status}  {outcome.description}{where}")
            if outcome.success:
                continue
            details = []
            if outcome.unexpected_count is not None:
                of = f" of {outcome.element_count}" if outcome.element_count is not None else ""
                details.append(f"{outcome.unexpected_count} unexpected{of}")
            elif outcome.observed_value is not None:
                details.append(f"observed {_format_value(outcome.observed_value)}")
            if outcome.error:
                details.append(f"error: {outcome.error}")
            if details:
                lines.append(f"        {'; '.join(details)}")
            for example in outcome.unexpected_examples:
                lines.append(f"        e.g. {_format_value(example)}")
        lines.append("")
    total = len(report.outcomes)
    failed = len(report.failed)
    if report.success:
        lines.append(
            f"RESULT: PASS - all {total} expectations passed on {_plural(len(report.marts), 'mart')}"
        )
    else:
        failing_marts = sum(1 for mart in report.marts if not mart.success)
        lines.append(f"RESULT: FAIL - {failed} of {total} expectations failed in {failing_marts} mart(s)")
    return "\n".join(lines)
