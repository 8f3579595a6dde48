{#- The additive NPS counts of a group of responses, from their category column:
    responses, promoters, passives, detractors (bigint). -#}
{% macro nps_counts(category_column) -%}
    cast(count(*) as bigint) as responses,
    cast(sum(case when {{ category_column }} = {{ nps_literal('category', 'promoter') }} then 1 else 0 end) as bigint) as promoters,
    cast(sum(case when {{ category_column }} = {{ nps_literal('category', 'passive') }} then 1 else 0 end) as bigint) as passives,
    cast(sum(case when {{ category_column }} = {{ nps_literal('category', 'detractor') }} then 1 else 0 end) as bigint) as detractors
{%- endmacro %}

{#- A select rolling a relation of NPS counts up to `grain` (a list of its columns): the counts
    are summed and the NPS recomputed from them, never averaged. -#}
{% macro nps_roll_up(relation, grain) -%}
    select
        {% for column in grain -%}
        {{ column }},
        {% endfor -%}
        cast(sum(responses) as bigint) as responses,
        cast(sum(promoters) as bigint) as promoters,
        cast(sum(passives) as bigint) as passives,
        cast(sum(detractors) as bigint) as detractors,
        {{ nps_from_counts('sum(promoters)', 'sum(detractors)', 'sum(responses)') }} as nps
    from {{ relation }}
    group by {{ grain | join(', ') }}
{%- endmacro %}
