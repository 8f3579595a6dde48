{#- promoter (9-10), passive (7-8) or detractor (0-6) for a validated 0-10 score; null for null. -#}
{% macro nps_category(score) -%}
    {%- set bounds = nps_score_bounds() -%}
    case
        when {{ score }} >= {{ bounds.promoter_min_score }} then {{ nps_literal('category', 'promoter') }}
        when {{ score }} >= {{ bounds.passive_min_score }} then {{ nps_literal('category', 'passive') }}
        when {{ score }} >= {{ bounds.min_score }} then {{ nps_literal('category', 'detractor') }}
    end
{%- endmacro %}
