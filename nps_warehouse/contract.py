"""The published contract of the marts: each mart's columns, in order.

Shared by the oracle, the Great Expectations suite and the test harness so that the column
lists are written once (the dbt YAML contracts are checked against the same lists by the
harness).
"""

from __future__ import annotations

from dataclasses import dataclass

#: The core columns of the responses contract, in README order (RESPONSE_RAW_COLUMNS adds the
#: columns only some exports bring: language, response type, finished).
RESPONSE_COLUMNS: tuple[str, ...] = (
    "response_id",
    "survey_id",
    "customer_id",
    "submitted_at",
    "channel",
    "region",
    "segment",
    "agent_id",
    "score",
    "comment",
)

#: The columns of a CX programme an export may bring beside the core ones: where the survey was
#: asked (touchpoint, brand, business unit, over the nps_surveys seed's defaults), the contact it
#: follows (interaction, invitation) and the CSAT (1-5) and CES (1-7) scores asked beside NPS.
RESPONSE_PROGRAMME_COLUMNS: tuple[str, ...] = (
    "touchpoint",
    "brand",
    "business_unit",
    "interaction_id",
    "invitation_id",
    "csat_score",
    "ces_score",
)


@dataclass(frozen=True)
class SourceContract:
    """The landing contract of one source: the columns its raw relation holds (all text)."""

    name: str
    #: raw relation of the source, in the raw schema
    raw_table: str
    #: every contract column, in the raw relation's order
    columns: tuple[str, ...]
    #: columns every export of the source must provide (else nothing is loaded); the others an
    #: export may lack: null in every row of that file, and the build warns
    required: tuple[str, ...]
    #: optional columns most exports lack (no warning, unless the feed's preset expects them)
    quietly_optional: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        strays = set(self.required + self.quietly_optional) - set(self.columns)
        if strays:
            raise ValueError(f"source {self.name}: {sorted(strays)} are not among its columns")


#: Every landing source, by name. Later sources (customers, agents, ...) get their entry here.
SOURCE_CONTRACTS: dict[str, SourceContract] = {
    "responses": SourceContract(
        name="responses",
        raw_table="raw_responses",
        # the core columns, then those only some exports bring (language, and the response type
        # and finished flag survey tools record)
        columns=(*RESPONSE_COLUMNS, "language", "response_type", "finished", *RESPONSE_PROGRAMME_COLUMNS),
        required=("response_id", "submitted_at", "score"),
        quietly_optional=("language", "response_type", "finished", *RESPONSE_PROGRAMME_COLUMNS),
    ),
}

#: The raw columns of responses, in order (the ``raw_*`` columns of the audit follow it).
RESPONSE_RAW_COLUMNS: tuple[str, ...] = SOURCE_CONTRACTS["responses"].columns

_COUNTS = ("responses", "promoters", "passives", "detractors", "nps")

#: The dimensions of fct_cx_daily_by_dimension, in order (macro cx_dimensions): overall (value
#: ``all``), then each by the column of fct_nps_responses it reads.
CX_DIMENSIONS: dict[str, str | None] = {
    "overall": None,
    "channel": "channel",
    "region": "region",
    "segment": "segment",
    "survey": "survey_id",
    "survey_type": "survey_type",
    "touchpoint": "touchpoint",
    "brand": "brand",
    "business_unit": "business_unit",
    "language": "language",
}

#: The measures and scores of fct_cx_daily_by_dimension, in column order.
CX_MEASURES: tuple[str, ...] = (
    "responses",
    "nps_responses",
    "promoters",
    "passives",
    "detractors",
    "nps",
    "csat_responses",
    "csat_satisfied",
    "csat_score_sum",
    "csat_score_sum_squares",
    "csat_pct",
    "csat_mean",
    "ces_responses",
    "ces_easy",
    "ces_difficult",
    "ces_score_sum",
    "ces_score_sum_squares",
    "ces_easy_pct",
    "ces_mean",
)

#: Rejection reasons, in rule order (the README, Validation and normalisation rules).
REJECTION_REASONS: tuple[str, ...] = (
    "test_response",
    "unfinished_response",
    "missing_response_id",
    "invalid_submitted_at",
    "missing_score",
    "invalid_score",
)

#: Column names of every mart, in the order of the README "Marts" table.
MART_COLUMNS: dict[str, tuple[str, ...]] = {
    "fct_nps_responses": (
        "response_id",
        "survey_id",
        "customer_id",
        "agent_id",
        "interaction_id",
        "invitation_id",
        "channel",
        "region",
        "segment",
        "survey_type",
        "touchpoint",
        "brand",
        "business_unit",
        "language",
        "nps_score",
        "nps_category",
        "csat_score",
        "csat_category",
        "ces_score",
        "ces_category",
        "comment",
        "response_date",
        "submitted_at",
        "feed_name",
        "source_file",
        "source_row_number",
    ),
    "fct_nps_daily": ("response_date", "channel", "region", "segment", *_COUNTS),
    "fct_nps_daily_by_channel": ("response_date", "channel", *_COUNTS),
    "fct_nps_daily_by_region": ("response_date", "region", *_COUNTS),
    "fct_nps_daily_by_segment": ("response_date", "segment", *_COUNTS),
    "fct_nps_daily_overall": ("response_date", *_COUNTS),
    "fct_cx_daily_by_dimension": ("response_date", "dimension_name", "dimension_value", *CX_MEASURES),
    "dim_channel": ("channel", "channel_name", "sort_order"),
    "dim_region": ("region", "region_name", "country_code", "is_reference_region"),
    "dim_segment": ("segment", "segment_name", "is_reference_segment"),
    "dim_survey": (
        "survey_id",
        "survey_name",
        "survey_type",
        "touchpoint",
        "brand",
        "business_unit",
        "is_reference_survey",
    ),
    "dim_date": (
        "date_day",
        "year_number",
        "quarter_number",
        "month_number",
        "day_of_month",
        "iso_day_of_week",
        "is_weekend",
        "week_start_date",
        "month_start_date",
        "quarter_start_date",
        "year_start_date",
    ),
    "rpt_response_audit": (
        "source_file",
        "source_row_number",
        "response_id",
        "feed_name",
        *(f"raw_{column}" for column in RESPONSE_RAW_COLUMNS),
        "status",
        "reason",
        "metric_issues",
    ),
    "rpt_rejected_rows": (
        "source_file",
        "source_row_number",
        "feed_name",
        "reason",
        "response_id",
        "raw_response_id",
        "raw_submitted_at",
        "raw_score",
        "raw_csat_score",
        "raw_ces_score",
        "metric_issues",
        "raw_response_type",
        "raw_finished",
        "source_timezone",
    ),
    "rpt_load_history": (
        "feed_name",
        "source_name",
        "source_file",
        "file_fingerprint",
        "file_bytes",
        "source_timezone",
        "missing_columns",
        "rows_read",
        "rows_staged",
        "accepted",
        "rejected",
        "superseded",
        "pending",
        *(f"rejected_{reason}" for reason in REJECTION_REASONS),
    ),
    "rpt_unmapped_channels": (
        "raw_channel",
        "channel_key",
        "responses",
        "first_response_date",
        "last_response_date",
    ),
    "rpt_unmapped_codes": (
        "dimension_name",
        "code",
        "responses",
        "first_response_date",
        "last_response_date",
    ),
}

#: Load metadata the incremental marts carry after their data columns: the merge key and when
#: the data was loaded. They describe a build, not the survey, so the oracle does not compute
#: them and comparisons of marts leave them out.
MART_LOAD_COLUMNS: dict[str, tuple[str, ...]] = {
    "fct_nps_responses": ("response_key", "loaded_at"),
    "fct_nps_daily": ("loaded_at",),
    "fct_cx_daily_by_dimension": ("loaded_at",),
    "rpt_response_audit": ("load_id", "loaded_at"),
    "rpt_rejected_rows": ("load_id", "loaded_at"),
    "rpt_load_history": ("load_id", "loaded_at", "staged_at"),
}

#: The schema of every mart: the NPS marts BI tools read (granted to the read-only role on
#: PostgreSQL), and the audit reports of the data team, kept apart.
MARTS_SCHEMA = "marts"
AUDIT_SCHEMA = "audit"
MART_SCHEMAS: dict[str, str] = {
    mart: AUDIT_SCHEMA if mart.startswith("rpt_") else MARTS_SCHEMA for mart in MART_COLUMNS
}
