{#- promoter (9-10), passive (7-8) or detractor (0-6) for a validated 0-10 score; null for null. -#}
{% macro nps_category(score) -%}
    {%- set bounds = nps_score_bounds() -%}
    case
        when {{ score }} >= {{ bounds.promoter_min_score }} then {{ nps_literal('category', 'promoter') }}
        when {{ score }} >= {{ bounds.passive_min_score }} then {{ nps_literal('category', 'passive') }}
        when {{ score }} >= {{ bounds.min_score }} then {{ nps_literal('category', 'detractor') }}
    end
{%- endmacro %}

{#- satisfied (4-5), neutral (3) or dissatisfied (1-2) for a validated 1-5 CSAT score; null for
    null. -#}
{% macro csat_category(score) -%}
    {%- set bounds = cx_metric_bounds()['csat_score'] -%}
    case
        when {{ score }} >= {{ bounds.satisfied_min_score }} then {{ nps_literal('csat_category', 'satisfied') }}
        when {{ score }} > {{ bounds.dissatisfied_max_score }} then {{ nps_literal('csat_category', 'neutral') }}
        when {{ score }} >= {{ bounds.min_score }} then {{ nps_literal('csat_category', 'dissatisfied') }}
    end
{%- endmacro %}

{#- easy (5-7), neutral (4) or difficult (1-3) for a validated 1-7 CES score; null for null. -#}
{% macro ces_category(score) -%}
    {%- set bounds = cx_metric_bounds()['ces_score'] -%}
    case
        when {{ score }} >= {{ bounds.easy_min_score }} then {{ nps_literal('ces_category', 'easy') }}
        when {{ score }} > {{ bounds.difficult_max_score }} then {{ nps_literal('ces_category', 'neutral') }}
        when {{ score }} >= {{ bounds.min_score }} then {{ nps_literal('ces_category', 'difficult') }}
    end
{%- endmacro %}
