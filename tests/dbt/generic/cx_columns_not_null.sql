{#- None of the listed columns is null, in one scan: the wide statistics marts would otherwise
    need a not_null test per column, and each test costs a query on every build. -#}
{% test cx_columns_not_null(model, columns) %}

select *

from {{ model }}
where
    {%- for column in columns %}
    {{ column }} is null{{ ' or' if not loop.last }}
    {%- endfor %}

{% endtest %}
