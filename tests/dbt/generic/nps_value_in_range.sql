{#- Every NPS value lies in [-100, 100] and equals the value recomputed from the row's counts. -#}
{% test nps_value_in_range(model, column_name) %}

select *

from {{ model }}
where
    {{ column_name }} < -100
    or {{ column_name }} > 100
    or {{ column_name }} <> {{ nps_from_counts('promoters', 'detractors', 'responses') }}

{% endtest %}
