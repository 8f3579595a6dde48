{#- The business constants of the warehouse, in one place. Nothing else spells a threshold,
    a reason code or a status. -#}

{#- The three metrics a response may carry, by contract column: NPS (0-10), CSAT (1-5, satisfied
    4-5, dissatisfied 1-2) and CES (1-7, agreement that the company made it easy: easy 5-7,
    difficult 1-3); and the eNPS answer of an employee engagement survey (agent_engagement),
    the NPS question asked of employees: the same 0-10 scale and thresholds as the NPS. -#}
{% macro cx_metric_bounds() -%}
    {%- set nps = {'min_score': 0, 'max_score': 10, 'passive_min_score': 7, 'promoter_min_score': 9} -%}
    {{ return({
        'score': nps,
        'csat_score': {'min_score': 1, 'max_score': 5, 'satisfied_min_score': 4, 'dissatisfied_max_score': 2},
        'ces_score': {'min_score': 1, 'max_score': 7, 'easy_min_score': 5, 'difficult_max_score': 3},
        'enps_score': nps,
    }) }}
{%- endmacro %}

{% macro nps_score_bounds() -%}
    {{ return(cx_metric_bounds()['score']) }}
{%- endmacro %}

{#- The note the audit's metric_issues column gives a metric present but invalid, beside a valid
    one (the row is accepted, the metric nulled) or not (the row is rejected invalid_score). -#}
{% macro cx_metric_issues() -%}
    {{ return({
        'score': 'invalid_score',
        'csat_score': 'invalid_csat_score',
        'ces_score': 'invalid_ces_score',
    }) }}
{%- endmacro %}

{% macro csat_categories() -%}
    {{ return(['satisfied', 'neutral', 'dissatisfied']) }}
{%- endmacro %}

{% macro ces_categories() -%}
    {{ return(['easy', 'neutral', 'difficult']) }}
{%- endmacro %}

{#- A survey of the nps_surveys seed is relationship or transactional; one it does not list is
    unknown. -#}
{% macro cx_survey_types() -%}
    {{ return(['relationship', 'transactional', 'unknown']) }}
{%- endmacro %}

{#- The dimensions of fct_cx_daily_by_dimension, in order: dimension_name -> the column of
    fct_cx_responses whose value is dimension_value (overall: every response, value all). -#}
{% macro cx_dimensions() -%}
    {{ return({
        'overall': none,
        'channel': 'channel',
        'region': 'region',
        'segment': 'segment',
        'survey': 'survey_id',
        'survey_type': 'survey_type',
        'touchpoint': 'touchpoint',
        'brand': 'brand',
        'business_unit': 'business_unit',
        'language': 'language',
        'age_band': 'age_band',
        'tenure_band': 'tenure_band',
        'loyalty_tier': 'loyalty_tier',
        'customer_country': 'customer_country',
        'team': 'team',
        'site': 'site',
        'agent': 'agent_id',
        'wait_time_band': 'wait_time_band',
        'transfers_band': 'transfers_band',
        'first_contact_resolution': 'first_contact_resolution',
    }) }}
{%- endmacro %}

{#- The rejection reasons of the programme's other sources, in rule order: a row without its id
    (or without the timestamp that places it in its history) cannot be used; an engagement
    answer without a valid eNPS score says nothing. -#}
{% macro cx_source_rejection_reasons() -%}
    {{ return({
        'customers': ['missing_customer_id', 'invalid_updated_at'],
        'agents': ['missing_agent_id', 'invalid_updated_at'],
        'interactions': ['missing_interaction_id'],
        'invitations': ['missing_invitation_id', 'invalid_sent_at'],
        'case_events': ['missing_response_id', 'invalid_event_type', 'invalid_event_at'],
        'agent_engagement': ['missing_agent_id', 'invalid_surveyed_at', 'missing_enps_score', 'invalid_enps_score'],
    }) }}
{%- endmacro %}

{#- The audit report of each of the programme's other sources: one row per raw row of it. -#}
{% macro cx_source_audits() -%}
    {{ return({
        'customers': 'rpt_customer_audit',
        'agents': 'rpt_agent_audit',
        'interactions': 'rpt_interaction_audit',
        'invitations': 'rpt_invitation_audit',
        'case_events': 'rpt_case_event_audit',
        'agent_engagement': 'rpt_agent_engagement_audit',
    }) }}
{%- endmacro %}

{#- What each audit's status is made of, by source: the staging model (the row's rejection
    reason) and the ranking of its rows (is_latest_row), without the raw values. The build's
    landing summary counts the statuses from these, as the audit does (cx_source_row_status),
    instead of reading the audit view, which also joins every row's raw values. -#}
{% macro cx_source_row_models() -%}
    {{ return({
        'customers': ('stg_crm__customers', 'int_customer_rows_ranked'),
        'agents': ('stg_workforce__agents', 'int_agent_rows_ranked'),
        'interactions': ('stg_contact_centre__interactions', 'int_interaction_rows_ranked'),
        'invitations': ('stg_nps_survey__invitations', 'int_invitation_rows_ranked'),
        'case_events': ('stg_crm__case_events', 'int_case_event_rows_ranked'),
        'agent_engagement': ('stg_workforce__engagement_answers', 'int_engagement_answer_rows_ranked'),
    }) }}
{%- endmacro %}

{#- Every landing source: responses, then the programme's other sources. -#}
{% macro cx_landing_sources() -%}
    {{ return(['responses'] + (cx_source_rejection_reasons().keys() | list)) }}
{%- endmacro %}

{#- Every rejection reason of every source, once, responses' first: the rejected_<reason> columns
    of rpt_load_history. -#}
{% macro cx_load_history_reasons() -%}
    {%- set reasons = nps_rejection_reasons() | list -%}
    {%- for source_reasons in cx_source_rejection_reasons().values() -%}
        {%- for reason in source_reasons if reason not in reasons -%}
            {%- do reasons.append(reason) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(reasons) }}
{%- endmacro %}

{#- The kinds of band of the seed nps_bands, each the attribute of a response it bands. -#}
{% macro cx_band_types() -%}
    {{ return(['age_band', 'tenure_band', 'wait_time_band', 'transfers_band']) }}
{%- endmacro %}

{#- first_contact_resolution of a response: its interaction resolved the contact or not, or
    unknown (no interaction, or no valid answer). -#}
{% macro cx_resolution_values() -%}
    {{ return(['yes', 'no', 'unknown']) }}
{%- endmacro %}

{#- The delivery status of a bounced invitation (trimmed, lower-cased). -#}
{% macro cx_bounced_status() -%}
    {{ return('bounced') }}
{%- endmacro %}

{#- The free-text code lists of seed nps_codes; a value outside its list is kept as read and
    reported in rpt_unmapped_codes. -#}
{% macro cx_code_dimensions() -%}
    {{ return(['touchpoint', 'brand', 'business_unit', 'loyalty_tier', 'team', 'site']) }}
{%- endmacro %}

{#- The direction of a tested change (up, down) or gap to the rest of a dimension (above,
    below): flat when not significant, insufficient_data when a side is under the minimum. -#}
{% macro cx_change_directions() -%}
    {{ return(['up', 'down', 'flat', 'insufficient_data']) }}
{%- endmacro %}

{% macro cx_gap_directions() -%}
    {{ return(['above', 'below', 'flat', 'insufficient_data']) }}
{%- endmacro %}

{% macro cx_directions() -%}
    {{ return(cx_change_directions() + ['above', 'below']) }}
{%- endmacro %}

{#- The alert rules of fct_cx_alerts, and the metrics they watch (a target is set on nps,
    csat_pct or ces_mean; a detractor spike watches the detractor share). -#}
{% macro cx_alert_rules() -%}
    {{ return(['nps_significant_drop', 'csat_significant_drop', 'detractor_spike', 'below_target']) }}
{%- endmacro %}

{% macro cx_target_metrics() -%}
    {{ return(['nps', 'csat_pct', 'ces_mean']) }}
{%- endmacro %}

{% macro cx_alert_metrics() -%}
    {{ return(cx_target_metrics() + ['detractor_share']) }}
{%- endmacro %}

{% macro cx_alert_severities() -%}
    {{ return(['high', 'medium']) }}
{%- endmacro %}

{% macro nps_rejection_reasons() -%}
    {#- In rule order: a row failing several rules gets the first. A survey tool's preview,
        test or spam row, and an unfinished response, are not responses whatever they hold, so
        their reasons come first. -#}
    {{ return([
        'test_response', 'unfinished_response',
        'missing_response_id', 'invalid_submitted_at', 'missing_score', 'invalid_score',
    ]) }}
{%- endmacro %}

{#- The reasons that exclude a row rather than find it wrong: a preview or an unfinished response
    is not a response, and a survey tool's export is full of them, so they do not count towards
    the rejected share of a load (the gate that catches an export whose format changed). -#}
{% macro nps_exclusion_reasons() -%}
    {{ return(['test_response', 'unfinished_response']) }}
{%- endmacro %}

{#- Values of response_type (trimmed, lower-cased) that mark a row as a survey tool's preview,
    test or spam rather than a response: Qualtrics' Status, as text ("Survey Preview") or as
    its code ("1"): 1 Survey Preview, 2 Survey Test, 8 Spam, 9 Survey Preview Spam, 12
    Imported Spam, 17 Offline Survey Preview, 40 EX Spam. Any other value (IP Address, 0,
    Imported, Offline, ...) is a response. -#}
{% macro nps_test_response_types() -%}
    {{ return([
        'survey preview', 'survey test', 'spam', 'survey preview spam', 'imported spam',
        'offline survey preview', 'ex spam', 'preview', 'test',
        '1', '2', '8', '9', '12', '17', '40',
    ]) }}
{%- endmacro %}

{#- Values of finished (trimmed, lower-cased) that mark a response as not finished (Qualtrics'
    Finished is True/False or 1/0). Any other value, or none, counts as finished. -#}
{% macro nps_unfinished_values() -%}
    {{ return(['false', '0', 'no', 'f', 'n']) }}
{%- endmacro %}

{% macro nps_response_statuses() -%}
    {{ return(['accepted', 'rejected', 'superseded', 'pending']) }}
{%- endmacro %}

{% macro nps_categories() -%}
    {{ return(['promoter', 'passive', 'detractor']) }}
{%- endmacro %}

{#- Stand-ins: `unknown` for an empty channel, region, segment, survey, touchpoint, brand,
    business unit or language; `other` for a channel no alias maps; `all` for the value of the
    overall dimension. -#}
{% macro nps_placeholders() -%}
    {{ return(['unknown', 'other', 'all']) }}
{%- endmacro %}

{#- A constant as a quoted SQL literal, failing at compile time on a typo. -#}
{% macro nps_literal(kind, value) -%}
    {%- set allowed = {
        'reason': nps_rejection_reasons(),
        'status': nps_response_statuses(),
        'category': nps_categories(),
        'placeholder': nps_placeholders(),
        'csat_category': csat_categories(),
        'ces_category': ces_categories(),
        'metric_issue': cx_metric_issues().values() | list,
        'survey_type': cx_survey_types(),
        'dimension': cx_dimensions().keys() | list,
        'source_reason': cx_source_rejection_reasons().values() | sum(start=[]) | unique | list,
        'resolution': cx_resolution_values(),
        'direction': cx_directions(),
        'period_grain': cx_alert_period_grains(),
        'alert_rule': cx_alert_rules(),
        'alert_metric': cx_alert_metrics(),
        'severity': cx_alert_severities(),
        'case_event_type': cx_case_event_types(),
        'case_status': cx_case_statuses(),
        'case_priority': cx_case_priorities(),
        'case_reason': cx_case_reasons(),
        'priority_reason': cx_case_priority_reasons(),
        'case_event_problem': cx_case_event_problems(),
    }[kind] -%}
    {%- if value not in allowed -%}
        {{ exceptions.raise_compiler_error("Unknown NPS " ~ kind ~ " '" ~ value ~ "'; expected one of " ~ allowed | join(', ')) }}
    {%- endif -%}
    '{{ value }}'
{%- endmacro %}

{#- A list of constants as SQL literals, comma-separated, several to a line (for `in (...)`). -#}
{% macro nps_literal_list(values) -%}
    {%- for value in values -%}
        '{{ value | replace("'", "''") }}'{{ ', ' if not loop.last }}{{ '\n' if loop.index % 6 == 0 and not loop.last }}
    {%- endfor -%}
{%- endmacro %}

{#- Follow-up cases (README, "Closing the loop"): the event types of the CRM's case_events (trimmed,
    lower-cased; any other is rejected invalid_event_type), in the order they usually come. -#}
{% macro cx_case_event_types() -%}
    {{ return(['assigned', 'contacted', 'resolved', 'closed', 'reopened']) }}
{%- endmacro %}

{#- The status a case takes after each event type (assigned changes the owner, not the status;
    reopened returns the case to open); cancelled is set by a resubmission, never by an event. -#}
{% macro cx_case_status_after_event() -%}
    {{ return({'contacted': 'contacted', 'resolved': 'resolved', 'closed': 'closed', 'reopened': 'open'}) }}
{%- endmacro %}

{#- Every status of a case; the first two are the queue's (still to act on). -#}
{% macro cx_case_statuses() -%}
    {{ return(['open', 'contacted', 'resolved', 'closed', 'cancelled']) }}
{%- endmacro %}

{% macro cx_case_priorities() -%}
    {{ return(['high', 'normal']) }}
{%- endmacro %}

{#- What opened a case: an NPS answer of a detractor, else a dissatisfied CSAT. -#}
{% macro cx_case_reasons() -%}
    {{ return(['detractor', 'dissatisfied_csat']) }}
{%- endmacro %}

{#- Why a case is of high priority, in the order priority_reasons lists them. -#}
{% macro cx_case_priority_reasons() -%}
    {{ return(['low_score', 'repeat_detractor', 'top_tier']) }}
{%- endmacro %}

{#- Why an accepted case event is in rpt_unknown_case_events. -#}
{% macro cx_case_event_problems() -%}
    {{ return(['unknown_response', 'not_a_case']) }}
{%- endmacro %}
