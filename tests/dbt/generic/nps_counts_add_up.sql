{#- On a model of NPS counts: promoters + passives + detractors = responses (`responses_column`),
    every count is non-negative and every row counts at least `min_responses` responses. -#}
{% test nps_counts_add_up(model, responses_column='responses', min_responses=1) %}

select *

from {{ model }}
where
    promoters + passives + detractors <> {{ responses_column }}
    or promoters < 0
    or passives < 0
    or detractors < 0
    or {{ responses_column }} < {{ min_responses }}

{% endtest %}
