{#- Closing the loop (README, "Closing the loop"): the settings of the follow-up cases, read from
    the vars in one place. -#}
{% macro cx_followup_settings() -%}
    {{ return({
        'open_nps_max': var('cx_case_open_nps_max', 6) | int,
        'open_csat_max': var('cx_case_open_csat_max', 2) | int,
        'sla_hours': var('cx_case_sla_hours', 48) | int,
        'high_priority_max_score': var('cx_case_high_priority_max_score', 3) | int,
        'high_priority_tiers': var('cx_case_high_priority_tiers', ['platinum']),
        'repeat_detractor_days': var('cx_repeat_detractor_days', 180) | int,
        'recovery_window_days': var('cx_recovery_window_days', 180) | int,
    }) }}
{%- endmacro %}

{#- Whether a response (its nps_score and csat_score columns) opens a case: a detractor, or a
    dissatisfied CSAT. -#}
{% macro cx_opens_case(nps_score, csat_score) -%}
    {%- set settings = cx_followup_settings() -%}
    ({{ nps_score }} <= {{ settings.open_nps_max }} or {{ csat_score }} <= {{ settings.open_csat_max }})
{%- endmacro %}

{#- The reference instant of the follow-up marts ("now": what is overdue, which events and
    responses are known), as a timestamp in UTC: the var cx_as_of (UTC, 'YYYY-MM-DD HH:MM[:SS]',
    a T and a trailing Z allowed), else the start of the build, to the second. -#}
{% macro cx_as_of() -%}
    {%- set configured = var('cx_as_of', none) -%}
    {%- if configured is none or (configured | string | trim) == '' -%}
        {%- set text = run_started_at.strftime('%Y-%m-%d %H:%M:%S') -%}
    {%- else -%}
        {%- set text = (configured | string | trim).replace('T', ' ').rstrip('Z') -%}
        {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2}(:[0-9]{2})?)?', text) -%}
            {{ exceptions.raise_compiler_error(
                "The var cx_as_of is '" ~ configured ~ "': give an instant in UTC as 'YYYY-MM-DD HH:MM:SS' "
                ~ "(e.g. --vars '{cx_as_of: \"2026-10-31 18:00:00\"}'), or leave it unset for the start of the build."
            ) }}
        {%- endif -%}
        {%- if text | length == 10 -%}
            {%- set text = text ~ ' 00:00:00' -%}
        {%- elif text | length == 16 -%}
            {%- set text = text ~ ':00' -%}
        {%- endif -%}
    {%- endif -%}
    {{ cast_to_timestamp("'" ~ text ~ "'") }}
{%- endmacro %}

{#- Whether a case status is still to act on (the queue's and the backlog's), as 1 or 0. -#}
{% macro cx_case_is_pending(status) -%}
    case when {{ status }} in ({{ nps_literal('case_status', 'open') }}, {{ nps_literal('case_status', 'contacted') }}) then 1 else 0 end
{%- endmacro %}

{#- Customer health (README, "Customer health and audiences"): the settings from their vars. -#}
{% macro cx_health_settings() -%}
    {{ return({
        'window_days': var('cx_health_window_days', 365) | int,
        'repeat_detractor_days': var('cx_repeat_detractor_days', 180) | int,
        'score_drop': var('cx_at_risk_score_drop', 4) | int,
        'risk_themes': var('cx_at_risk_themes', ['billing', 'resolution']),
        'referral_recent_days': var('cx_referral_recent_days', 90) | int,
    }) }}
{%- endmacro %}

{#- Why a customer is at risk, and why a likely promoter, in the order the reasons are listed. -#}
{% macro cx_at_risk_reasons() -%}
    {{ return(['repeat_detractor', 'score_drop', 'overdue_case', 'negative_theme']) }}
{%- endmacro %}

{% macro cx_likely_promoter_reasons() -%}
    {{ return(['rising_passive', 'promoter_twice']) }}
{%- endmacro %}

{#- The campaign audiences of rpt_campaign_audiences. -#}
{% macro cx_audiences() -%}
    {{ return(['referral_candidates', 'passive_reengagement', 'detractor_recovery']) }}
{%- endmacro %}

{#- SQL text: the names of the flags (1/0 columns named <prefix><reason>) that are set, in order,
    joined by ', '; null when none is. -#}
{% macro cx_reason_list(reasons, prefix) -%}
    {%- set parts = [] -%}
    {%- for reason in reasons -%}
        {%- do parts.append("case when " ~ prefix ~ reason ~ " = 1 then '" ~ reason ~ "' end") -%}
    {%- endfor -%}
    {{ cast_to_text("nullif(concat_ws(', ', " ~ parts | join(', ') ~ "), '')") }}
{%- endmacro %}

{#- Post-hook of int_customer_response_summaries: deletes the rows a build wrote for customers
    left without a known response (known_responses 0). Nothing when the run is not incremental
    (a full build writes none; on Spark the model is a table). -#}
{% macro cx_delete_customers_without_responses() -%}
    {%- if execute and is_incremental() -%}
        delete from {{ this }} where known_responses = 0
    {%- endif -%}
{%- endmacro %}
