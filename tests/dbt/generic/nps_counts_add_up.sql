{#- On a model of NPS counts: promoters + passives + detractors = responses, every count is
    non-negative and every row counts at least one response. -#}
{% test nps_counts_add_up(model) %}

select *

from {{ model }}
where
    promoters + passives + detractors <> responses
    or promoters < 0
    or passives < 0
    or detractors < 0
    or responses < 1

{% endtest %}
