{#- Every non-null score lies within the NPS scale (bounds from nps_score_bounds()). -#}
{% test nps_score_in_range(model, column_name) %}
{%- set bounds = nps_score_bounds() %}

select {{ column_name }}

from {{ model }}
where
    {{ column_name }} < {{ bounds.min_score }}
    or {{ column_name }} > {{ bounds.max_score }}

{% endtest %}
