{#- Every NPS value lies in [-100, 100] and equals the value recomputed from the row's counts
    (`responses_column` names the count of responses with an NPS score). -#}
{% test nps_value_in_range(model, column_name, responses_column='responses') %}

select *

from {{ model }}
where
    {{ column_name }} < -100
    or {{ column_name }} > 100
    or {{ column_name }} <> {{ nps_from_counts('promoters', 'detractors', responses_column) }}

{% endtest %}
