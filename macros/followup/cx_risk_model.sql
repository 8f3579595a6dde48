{#- The predictive scores of fct_customer_health (README, "Customer health and audiences"): the
    features the seed cx_risk_model weighs, and how tiers, age bands and segments are coded
    (nps_warehouse/risk_model.py fits the seed with the same coding). -#}
{% macro cx_risk_features() -%}
    {{ return([
        'last_nps', 'mean_nps', 'nps_trend', 'detractor_share', 'answers', 'days_since_last',
        'last_sentiment_score', 'negative_theme', 'tier_rank', 'age_rank',
        'segment_smb', 'segment_mid_market', 'segment_enterprise',
    ]) }}
{%- endmacro %}

{% macro cx_risk_coding() -%}
    {{ return({
        'tier_ranks': {'bronze': 1, 'silver': 2, 'gold': 3, 'platinum': 4},
        'age_ranks': {'under_18': 1, '18-24': 2, '25-34': 3, '35-44': 4, '45-54': 5, '55-64': 6, '65+': 7},
        'segments': ['smb', 'mid_market', 'enterprise'],
        'answers_cap': 10,
        'days_cap': 365,
    }) }}
{%- endmacro %}

{#- SQL: the rank of a code by a mapping of cx_risk_coding (0 for any other), as a double. -#}
{% macro cx_rank_of(expr, ranks) -%}
    cast(case {{ expr }}
        {%- for code, rank in ranks.items() %}
        when '{{ code }}' then {{ rank }}
        {%- endfor %}
        else 0
    end as {{ double_type() }})
{%- endmacro %}

{#- The terms of the seed cx_risk_model: the intercept, then the features. -#}
{% macro cx_risk_feature_names() -%}
    {{ return(['intercept'] + cx_risk_features()) }}
{%- endmacro %}
