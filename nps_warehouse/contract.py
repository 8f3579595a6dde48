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
    "customers": SourceContract(
        name="customers",
        raw_table="raw_customers",
        columns=(
            "customer_id",
            "updated_at",
            "birth_date",
            "loyalty_tier",
            "country_code",
            "region",
            "city",
            "postal_code",
            "customer_since",
            "email",
            "phone",
        ),
        required=("customer_id", "updated_at"),
    ),
    "agents": SourceContract(
        name="agents",
        raw_table="raw_agents",
        columns=("agent_id", "updated_at", "agent_name", "team", "site", "manager_id", "hired_on"),
        required=("agent_id", "updated_at"),
    ),
    "interactions": SourceContract(
        name="interactions",
        raw_table="raw_interactions",
        columns=(
            "interaction_id",
            "customer_id",
            "agent_id",
            "channel",
            "started_at",
            "wait_seconds",
            "handle_seconds",
            "transfers",
            "is_first_contact_resolution",
        ),
        required=("interaction_id",),
    ),
    "invitations": SourceContract(
        name="invitations",
        raw_table="raw_invitations",
        columns=("invitation_id", "sent_at", "survey_id", "customer_id", "channel", "delivery_status"),
        required=("invitation_id", "sent_at"),
    ),
    "case_events": SourceContract(
        name="case_events",
        raw_table="raw_case_events",
        columns=("response_id", "event_type", "event_at", "owner", "note"),
        required=("response_id", "event_type", "event_at"),
    ),
    "agent_engagement": SourceContract(
        name="agent_engagement",
        raw_table="raw_agent_engagement",
        columns=("agent_id", "surveyed_at", "enps_score"),
        required=("agent_id", "surveyed_at", "enps_score"),
    ),
}

#: The sources besides responses: those the warehouse joins to a response, in that order, then
#: the CRM's case events (joined to the follow-up cases of responses) and the employee
#: engagement survey (joined to the agents' teams, never to a response).
PROGRAMME_SOURCES: tuple[str, ...] = (
    "customers",
    "agents",
    "interactions",
    "invitations",
    "case_events",
    "agent_engagement",
)

#: The audit report of each source besides responses: one row per raw row of it.
SOURCE_AUDITS: dict[str, str] = {
    "customers": "rpt_customer_audit",
    "agents": "rpt_agent_audit",
    "interactions": "rpt_interaction_audit",
    "invitations": "rpt_invitation_audit",
    "case_events": "rpt_case_event_audit",
    "agent_engagement": "rpt_agent_engagement_audit",
}

#: The raw columns of responses, in order (the ``raw_*`` columns of the audit follow it).
RESPONSE_RAW_COLUMNS: tuple[str, ...] = SOURCE_CONTRACTS["responses"].columns

#: The uncertainty published beside every NPS (README, "How sure a number is"): the standard
#: error, the adjusted-Wald interval, and whether the cell has fewer responses than the minimum.
NPS_UNCERTAINTY: tuple[str, ...] = (
    "nps_standard_error",
    "nps_ci_lower",
    "nps_ci_upper",
    "is_below_min_responses",
)

_COUNTS = ("responses", "promoters", "passives", "detractors", "nps", *NPS_UNCERTAINTY)

#: The dimensions of fct_cx_daily_by_dimension, in order (macro cx_dimensions): overall (value
#: ``all``), then each by the column of fct_cx_responses it reads.
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
    "age_band": "age_band",
    "tenure_band": "tenure_band",
    "loyalty_tier": "loyalty_tier",
    "customer_country": "customer_country",
    "team": "team",
    "site": "site",
    "agent": "agent_id",
    "wait_time_band": "wait_time_band",
    "transfers_band": "transfers_band",
    "first_contact_resolution": "first_contact_resolution",
}

#: The measures and scores of fct_cx_daily_by_dimension, in column order.
CX_MEASURES: tuple[str, ...] = (
    "responses",
    "nps_responses",
    "promoters",
    "passives",
    "detractors",
    "nps",
    *NPS_UNCERTAINTY,
    "csat_responses",
    "csat_satisfied",
    "csat_score_sum",
    "csat_score_sum_squares",
    "csat_pct",
    "csat_ci_lower",
    "csat_ci_upper",
    "csat_mean",
    "csat_mean_ci_lower",
    "csat_mean_ci_upper",
    "is_csat_below_min_responses",
    "ces_responses",
    "ces_easy",
    "ces_difficult",
    "ces_score_sum",
    "ces_score_sum_squares",
    "ces_easy_pct",
    "ces_easy_ci_lower",
    "ces_easy_ci_upper",
    "ces_mean",
    "ces_mean_ci_lower",
    "ces_mean_ci_upper",
    "is_ces_below_min_responses",
)

#: The columns of CX_MEASURES computed from the others (scores, intervals, flags): summing
#: them over rows means nothing.
CX_DERIVED: tuple[str, ...] = tuple(
    column
    for column in CX_MEASURES
    if column.startswith("is_")
    or "_ci_" in column
    or column.endswith(("_pct", "_mean", "_error"))
    or column == "nps"
)

#: The three scores of fct_cx_by_period compared between periods, with the rest of their
#: dimension, and with their targets.
CX_COMPARED_SCORES: tuple[str, ...] = ("nps", "csat_pct", "ces_mean")

#: The comparison columns of fct_cx_by_period, after CX_MEASURES (README, "Periods, rolling
#: windows and targets").
CX_PERIOD_COMPARISONS: tuple[str, ...] = tuple(
    column
    for score, responses in (
        ("nps", "nps_responses"),
        ("csat_pct", "csat_responses"),
        ("ces_mean", "ces_responses"),
    )
    for column in (
        f"previous_{score}",
        f"previous_{responses}",
        f"{score}_change",
        f"{score}_change_p_value",
        f"{score}_change_direction",
        f"{score}_vs_rest",
        f"{score}_vs_rest_p_value",
        f"{score}_vs_rest_direction",
    )
) + tuple(
    f"{score}_{suffix}"
    for score in CX_COMPARED_SCORES
    for suffix in ("target", "gap_to_target", "below_target_p_value")
)

#: The alert rules of fct_cx_alerts, in order.
CX_ALERT_RULES: tuple[str, ...] = (
    "nps_significant_drop",
    "csat_significant_drop",
    "detractor_spike",
    "below_target",
)

#: Rejection reasons of the other sources, in rule order: a row without its id (or, where the
#: contract requires one, without a valid timestamp) cannot be placed in the source's history.
SOURCE_REJECTION_REASONS: dict[str, tuple[str, ...]] = {
    "customers": ("missing_customer_id", "invalid_updated_at"),
    "agents": ("missing_agent_id", "invalid_updated_at"),
    "interactions": ("missing_interaction_id",),
    "invitations": ("missing_invitation_id", "invalid_sent_at"),
    "case_events": ("missing_response_id", "invalid_event_type", "invalid_event_at"),
    "agent_engagement": (
        "missing_agent_id",
        "invalid_surveyed_at",
        "missing_enps_score",
        "invalid_enps_score",
    ),
}

#: Attributes of the other sources that are nulled, not rejected, when invalid, and what the
#: audit's attribute_issues says of each.
SOURCE_ATTRIBUTE_ISSUES: dict[str, dict[str, str]] = {
    "customers": {"birth_date": "invalid_birth_date", "customer_since": "invalid_customer_since"},
    "agents": {"hired_on": "invalid_hired_on"},
    "interactions": {
        "started_at": "invalid_started_at",
        "wait_seconds": "invalid_wait_seconds",
        "handle_seconds": "invalid_handle_seconds",
        "transfers": "invalid_transfers",
        "is_first_contact_resolution": "invalid_is_first_contact_resolution",
    },
    "invitations": {},
    "case_events": {},
    "agent_engagement": {},
}

#: The id column of each source's rows.
SOURCE_KEYS: dict[str, str] = {
    "customers": "customer_id",
    "agents": "agent_id",
    "interactions": "interaction_id",
    "invitations": "invitation_id",
    "case_events": "response_id",
    "agent_engagement": "agent_id",
}

#: Rejection reasons, in rule order (the README, Validation and normalisation rules).
REJECTION_REASONS: tuple[str, ...] = (
    "test_response",
    "unfinished_response",
    "missing_response_id",
    "invalid_submitted_at",
    "missing_score",
    "invalid_score",
)

#: Every rejection reason of every source, once, responses' first (the rejected_<reason>
#: columns of rpt_load_history).
LOAD_HISTORY_REASONS: tuple[str, ...] = tuple(
    dict.fromkeys(
        (*REJECTION_REASONS, *(r for reasons in SOURCE_REJECTION_REASONS.values() for r in reasons))
    )
)

#: The measures of the performance marts after their NPS block (macro cx_performance_scores):
#: CSAT, CES, first-contact resolution and the wait, each with the counts it is recomputed from.
PERFORMANCE_SCORES: tuple[str, ...] = (
    "csat_responses",
    "csat_satisfied",
    "csat_score_sum",
    "csat_pct",
    "csat_mean",
    "ces_responses",
    "ces_easy",
    "ces_score_sum",
    "ces_easy_pct",
    "ces_mean",
    "fcr_responses",
    "fcr_resolved",
    "fcr_rate",
    "wait_responses",
    "wait_seconds_sum",
    "wait_seconds_mean",
    "cases",
    "cases_sla_due",
    "cases_sla_met",
    "sla_met_pct",
)

#: The NPS block of the performance marts: the counts, the NPS and its uncertainty.
_PERFORMANCE_NPS: tuple[str, ...] = (
    "responses",
    "nps_responses",
    "promoters",
    "passives",
    "detractors",
    "nps",
    *NPS_UNCERTAINTY,
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
    "fct_cx_by_period": (
        "period_grain",
        "period_start_date",
        "period_end_date",
        "is_period_complete",
        "dimension_name",
        "dimension_value",
        *CX_MEASURES,
        *CX_PERIOD_COMPARISONS,
    ),
    "fct_cx_rolling": (
        "date_day",
        "window_days",
        "dimension_name",
        "dimension_value",
        "window_start_date",
        "is_window_complete",
        *CX_MEASURES,
    ),
    "fct_cx_alerts": (
        "alert_id",
        "rule",
        "metric",
        "severity",
        "period_grain",
        "period_start_date",
        "is_period_complete",
        "dimension_name",
        "dimension_value",
        "observed",
        "baseline",
        "p_value",
        "q_value",
        "responses",
        "baseline_responses",
    ),
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
        *(f"rejected_{reason}" for reason in LOAD_HISTORY_REASONS),
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
    "fct_cx_responses": (
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
        "age_band",
        "tenure_band",
        "loyalty_tier",
        "customer_country",
        "team",
        "site",
        "wait_time_band",
        "transfers_band",
        "first_contact_resolution",
        "nps_score",
        "nps_category",
        "csat_score",
        "csat_category",
        "ces_score",
        "ces_category",
        "response_date",
        "submitted_at",
    ),
    "dim_customer": (
        "customer_id",
        "loyalty_tier",
        "customer_country",
        "region",
        "customer_since",
        "versions",
        "first_updated_at",
        "updated_at",
    ),
    "dim_customer_history": (
        "customer_id",
        "version_number",
        "loyalty_tier",
        "customer_country",
        "region",
        "customer_since",
        "is_current",
        "valid_from",
        "valid_to",
    ),
    "dim_agent": (
        "agent_id",
        "team",
        "site",
        "manager_id",
        "hired_on",
        "versions",
        "first_updated_at",
        "updated_at",
    ),
    "dim_agent_history": (
        "agent_id",
        "version_number",
        "team",
        "site",
        "manager_id",
        "hired_on",
        "is_current",
        "valid_from",
        "valid_to",
    ),
    "fct_invitations_daily": (
        "sent_date",
        "survey_id",
        "channel",
        "invitations",
        "bounced",
        "answered",
        "response_rate",
        "median_hours_to_answer",
    ),
    "rpt_unknown_invitations": ("response_id", "invitation_id", "response_date", "feed_name", "source_file"),
    "fct_comment_insights": (
        "response_id",
        "response_date",
        "channel",
        "survey_id",
        "nps_score",
        "nps_category",
        "comment_masked",
        "comment_language",
        "word_count",
        "sentiment_words",
        "sentiment_score",
        "sentiment",
    ),
    "fct_comment_themes": (
        "response_id",
        "theme",
        "response_date",
        "channel",
        "nps_category",
        "comment_language",
        "matched_text",
        "mentions",
        "theme_sentiment_score",
        "theme_sentiment",
    ),
    "rpt_comment_keywords": (
        "month_start_date",
        "nps_category",
        "comment_language",
        "term_type",
        "term",
        "keyword_rank",
        "term_count",
        "comment_count",
        "month_term_count",
        "category_term_total",
        "month_term_total",
        "log_odds_ratio",
        "log_odds_z",
    ),
    "rpt_cx_drivers": (
        "period_grain",
        "period_start_date",
        "driver_group",
        "driver",
        "driver_rank",
        "nps_impact",
        "nps",
        "responses",
        "responses_with",
        "responses_without",
        "share_with_pct",
        "nps_with",
        "nps_with_ci_lower",
        "nps_with_ci_upper",
        "nps_without",
        "nps_without_ci_lower",
        "nps_without_ci_upper",
        "nps_gap",
        "gap_p_value",
        "is_gap_significant",
        "is_with_below_min_responses",
        "theme_mentions",
        "negative_mention_pct",
        "example_response_id",
        "example_comment",
    ),
    "fct_followup_cases": (
        "case_id",
        "customer_id",
        "survey_id",
        "channel",
        "region",
        "agent_id",
        "team",
        "site",
        "loyalty_tier",
        "nps_score",
        "nps_category",
        "csat_score",
        "case_reason",
        "priority",
        "priority_reasons",
        "opened_at",
        "opened_date",
        "sla_due_at",
        "owner",
        "status",
        "events",
        "times_reopened",
        "first_contacted_at",
        "hours_to_first_contact",
        "is_sla_met",
        "is_overdue",
        "closed_at",
        "next_response_id",
        "next_nps_score",
        "is_recovered",
        "as_of",
    ),
    "rpt_followup_queue": (
        "queue_rank",
        "case_id",
        "priority",
        "priority_reasons",
        "status",
        "is_overdue",
        "hours_until_due",
        "owner",
        "team",
        "region",
        "channel",
        "customer_id",
        "loyalty_tier",
        "nps_score",
        "csat_score",
        "opened_at",
        "sla_due_at",
        "first_contacted_at",
        "comment_masked",
        "sentiment",
        "themes",
        "as_of",
    ),
    "fct_followup_daily": (
        "case_date",
        "team",
        "region",
        "cases_opened",
        "cases_contacted_in_sla",
        "cases_contacted_late",
        "cases_closed",
        "backlog",
        "cases_due",
        "cases_due_met",
        "sla_met_pct",
        "median_hours_to_first_contact",
        "cases_with_next_response",
        "cases_recovered",
        "recovery_pct",
    ),
    "fct_customer_health": (
        "customer_id",
        "loyalty_tier",
        "responses_365d",
        "detractor_responses_365d",
        "last_response_date",
        "last_nps_score",
        "last_nps_category",
        "previous_nps_score",
        "nps_change",
        "last_sentiment",
        "open_cases",
        "overdue_cases",
        "latest_case_id",
        "latest_case_status",
        "is_repeat_detractor",
        "is_at_risk",
        "at_risk_reasons",
        "is_likely_promoter",
        "likely_promoter_reasons",
        "detractor_risk",
        "promoter_propensity",
        "as_of",
    ),
    "rpt_campaign_audiences": (
        "audience",
        "customer_id",
        "reasons",
        "loyalty_tier",
        "last_nps_score",
        "last_response_date",
        "case_id",
        "case_status",
        "is_at_risk",
        "as_of",
    ),
    "rpt_unknown_case_events": (
        "source_file",
        "source_row_number",
        "response_id",
        "event_type",
        "event_at",
        "feed_name",
        "problem",
    ),
    # agents and teams (README, "Agents and teams"); the follow-up cases' columns (cases,
    # cases_sla_met, sla_met_pct) are to come after the last column of the three performance marts
    "fct_agent_performance": (
        "month_start_date",
        "agent_id",
        "team",
        "site",
        *_PERFORMANCE_NPS,
        "team_nps",
        "nps_shrunk",
        "rank_in_team",
        "team_ranked_agents",
        *PERFORMANCE_SCORES,
    ),
    **{
        f"fct_{level}_performance": (
            "month_start_date",
            level,
            "agents",
            *_PERFORMANCE_NPS,
            "all_agents_nps",
            "nps_shrunk",
            f"rank_among_{level}s",
            f"ranked_{level}s",
            *PERFORMANCE_SCORES,
        )
        for level in ("team", "site")
    },
    "rpt_team_engagement": (
        "quarter_start_date",
        "team",
        "enps_responses",
        "enps_promoters",
        "enps_passives",
        "enps_detractors",
        "enps",
        "enps_standard_error",
        "enps_ci_lower",
        "enps_ci_upper",
        "is_enps_below_min_responses",
        "nps_responses",
        "promoters",
        "passives",
        "detractors",
        "nps",
        *NPS_UNCERTAINTY,
        "is_in_correlation",
        "correlated_teams",
        "enps_nps_correlation",
        "correlation_ci_lower",
        "correlation_ci_upper",
    ),
    **{
        SOURCE_AUDITS[source]: (
            "source_file",
            "source_row_number",
            SOURCE_KEYS[source],
            "feed_name",
            *(f"raw_{column}" for column in SOURCE_CONTRACTS[source].columns),
            "status",
            "reason",
            "attribute_issues",
        )
        for source in PROGRAMME_SOURCES
    },
}

#: Load metadata the incremental marts carry after their data columns: the merge key and when
#: the data was loaded. They describe a build, not the survey, so the oracle does not compute
#: them and comparisons of marts leave them out.
MART_LOAD_COLUMNS: dict[str, tuple[str, ...]] = {
    "fct_nps_responses": ("response_key", "loaded_at"),
    "fct_nps_daily": ("loaded_at",),
    "fct_cx_daily_by_dimension": ("loaded_at",),
    "fct_cx_responses": ("loaded_at",),
    "fct_comment_insights": ("loaded_at", "reference_fingerprint"),
    "fct_comment_themes": ("loaded_at", "reference_fingerprint"),
    "rpt_response_audit": ("load_id", "loaded_at"),
    "rpt_rejected_rows": ("load_id", "loaded_at"),
    **{SOURCE_AUDITS[source]: ("load_id", "loaded_at") for source in PROGRAMME_SOURCES},
    "rpt_load_history": ("load_id", "loaded_at", "staged_at"),
}

#: The schema of every mart: the NPS marts BI tools read (granted to the read-only role on
#: PostgreSQL), and the audit reports of the data team (``rpt_*``), kept apart.
MARTS_SCHEMA = "marts"
AUDIT_SCHEMA = "audit"
#: The reports BI reads, in the schema marts with the other marts (README, "The comment marts").
BI_REPORTS: tuple[str, ...] = (
    "rpt_comment_keywords",
    "rpt_cx_drivers",
    "rpt_followup_queue",
    "rpt_campaign_audiences",
    "rpt_team_engagement",
)
MART_SCHEMAS: dict[str, str] = {
    mart: AUDIT_SCHEMA if mart.startswith("rpt_") and mart not in BI_REPORTS else MARTS_SCHEMA
    for mart in MART_COLUMNS
}
