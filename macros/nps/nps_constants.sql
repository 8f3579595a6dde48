{#- The business constants of the warehouse, in one place. Nothing else spells a threshold,
    a reason code or a status. -#}

{% macro nps_score_bounds() -%}
    {{ return({
        'min_score': 0,
        'max_score': 10,
        'passive_min_score': 7,
        'promoter_min_score': 9,
    }) }}
{%- endmacro %}

{% macro nps_rejection_reasons() -%}
    {#- In rule order: a row failing several rules gets the first. -#}
    {{ return(['missing_response_id', 'invalid_submitted_at', 'missing_score', 'invalid_score']) }}
{%- endmacro %}

{% macro nps_response_statuses() -%}
    {{ return(['accepted', 'rejected', 'superseded', 'pending']) }}
{%- endmacro %}

{% macro nps_categories() -%}
    {{ return(['promoter', 'passive', 'detractor']) }}
{%- endmacro %}

{#- Stand-ins: `unknown` for an empty channel, region or segment; `other` for a channel no
    alias maps. -#}
{% macro nps_placeholders() -%}
    {{ return(['unknown', 'other']) }}
{%- endmacro %}

{#- A constant as a quoted SQL literal, failing at compile time on a typo. -#}
{% macro nps_literal(kind, value) -%}
    {%- set allowed = {
        'reason': nps_rejection_reasons(),
        'status': nps_response_statuses(),
        'category': nps_categories(),
        'placeholder': nps_placeholders(),
    }[kind] -%}
    {%- if value not in allowed -%}
        {{ exceptions.raise_compiler_error("Unknown NPS " ~ kind ~ " '" ~ value ~ "'; expected one of " ~ allowed | join(', ')) }}
    {%- endif -%}
    '{{ value }}'
{%- endmacro %}
