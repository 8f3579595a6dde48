{#- Every row has a value in at least one of `columns` (a response carries at least one valid
    metric): returns the rows where all are null. -#}
{% test nps_any_not_null(model, columns) %}

select *

from {{ model }}
where
    {% for column in columns -%}
    {{ column }} is null{{ ' and' if not loop.last }}
    {% endfor %}

{% endtest %}
