{#- The combination of `columns` identifies at most one row: returns each duplicated
    combination with how often it occurs. -#}
{% test nps_unique_combination(model, columns) %}

select
    {{ columns | join(', ') }},
    count(*) as occurrences

from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1

{% endtest %}
