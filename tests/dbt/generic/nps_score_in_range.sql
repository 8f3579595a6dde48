{#- Every non-null score lies within the scale of its metric (cx_metric_bounds(): score 0-10,
    csat_score 1-5, ces_score 1-7). -#}
{% test nps_score_in_range(model, column_name, metric='score') %}
{%- set bounds = cx_metric_bounds()[metric] %}

select {{ column_name }}

from {{ model }}
where
    {{ column_name }} < {{ bounds.min_score }}
    or {{ column_name }} > {{ bounds.max_score }}

{% endtest %}
