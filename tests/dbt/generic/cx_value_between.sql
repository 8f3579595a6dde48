{#- Every non-null value of the column lies within [min_value, max_value] (p-values and
    q-values within [0, 1], for instance). -#}
{% test cx_value_between(model, column_name, min_value, max_value) %}

select {{ column_name }}

from {{ model }}
where
    {{ column_name }} < {{ min_value }}
    or {{ column_name }} > {{ max_value }}

{% endtest %}
