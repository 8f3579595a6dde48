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
