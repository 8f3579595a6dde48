{#- Every interval of the model is well formed: both bounds null or both set, lower <= upper,
    and, for a share or a mean, the score within its interval. `intervals` lists
    [score, lower, upper]; an NPS interval (adjusted Wald, centred on the adjusted NPS) is
    listed with score none, since the raw NPS may fall just outside it for tiny samples. -#}
{% test cx_intervals_well_formed(model, intervals) %}

select *

from {{ model }}
where
    {%- for score, lower, upper in intervals %}
    ({{ lower }} is null) <> ({{ upper }} is null)
    or {{ lower }} > {{ upper }}
    {%- if score %}
    or {{ score }} < {{ lower }}
    or {{ score }} > {{ upper }}
    {%- endif %}
    {{- ' or' if not loop.last }}
    {%- endfor %}

{% endtest %}
