"""The published contract of the marts: each mart's columns, in order.

Shared by the oracle, the Great Expectations suite and the test harness so that the column
lists are written once (the dbt YAML contracts are checked against the same lists by the
harness).
"""

from __future__ import annotations

#: Columns every landing file must have (matched case-insensitively), in README order.
REQUIRED_COLUMNS: tuple[str, ...] = (
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

_COUNTS = ("responses", "promoters", "passives", "detractors", "nps")

#: Column names of every mart, in the order of the README "Marts" table.
MART_COLUMNS: dict[str, tuple[str, ...]] = {
    "fct_nps_responses": (
        "response_id",
        "survey_id",
        "customer_id",
        "agent_id",
        "channel",
        "region",
        "segment",
        "nps_score",
        "nps_category",
        "comment",
        "response_date",
        "submitted_at",
        "source_file",
        "source_row_number",
    ),
    "fct_nps_daily": ("response_date", "channel", "region", "segment", *_COUNTS),
    "fct_nps_daily_by_channel": ("response_date", "channel", *_COUNTS),
    "fct_nps_daily_by_region": ("response_date", "region", *_COUNTS),
    "fct_nps_daily_by_segment": ("response_date", "segment", *_COUNTS),
    "fct_nps_daily_overall": ("response_date", *_COUNTS),
    "dim_channel": ("channel", "channel_name", "sort_order"),
    "dim_region": ("region", "region_name", "country_code", "is_reference_region"),
    "dim_segment": ("segment", "segment_name", "is_reference_segment"),
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
        *(f"raw_{column}" for column in REQUIRED_COLUMNS),
        "status",
        "reason",
    ),
    "rpt_unmapped_channels": (
        "raw_channel",
        "channel_key",
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
    "rpt_response_audit": ("loaded_at",),
}

#: The schema of every mart: the NPS marts BI tools read (granted to the read-only role on
#: PostgreSQL), and the audit reports of the data team, kept apart.
MARTS_SCHEMA = "marts"
AUDIT_SCHEMA = "audit"
MART_SCHEMAS: dict[str, str] = {
    mart: AUDIT_SCHEMA if mart.startswith("rpt_") else MARTS_SCHEMA for mart in MART_COLUMNS
}
